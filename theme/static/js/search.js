// The search page: results as you type, filters with counts, the search in the URL (?q=&tinh=&sao=...).
// Without JavaScript the page keeps its plain form and links for browsing by province, group and stars.
import { Engine, matches } from "./search-engine.js";

const PAGE = 10;
const MORE = 20;
const STATUS_CLASS = { "con-hieu-luc": "active", "het-han": "expired", "thu-hoi": "revoked", "bi-loai": "withdrawn" };

const form = document.getElementById("tim");
const input = form.elements.q;
const selects = Array.from(form.querySelectorAll(".filters select"));
const box = document.getElementById("ket-qua");
const summary = box.querySelector(".summary");
const mainList = box.querySelector(".results");
const nearTitle = box.querySelector(".near-title");
const nearList = box.querySelector(".results-near");
const more = box.querySelector(".more");
const engine = new Engine(form.dataset.index);
const root = form.dataset.root;

const timings = (window.ocopSearchTimings = []);
let sequence = 0;     // the newest update wins; older ones stop when they see a newer number
let result = null;    // the last search (words and ranked hits), reused when only filters change
let shown = PAGE;
let committed = true; // the current history entry holds a finished search: the next one gets its own entry
let idle = 0;

function filters() {
  return Object.fromEntries(selects.map((s) => [s.name, s.value]));
}

function stateFromUrl() {
  const params = new URLSearchParams(location.search);
  input.value = params.get("q") || "";
  for (const select of selects) {
    const wanted = params.get(select.name) || "";
    select.value = Array.from(select.options).some((o) => o.value === wanted) ? wanted : "";
  }
}

function urlOfState() {
  const params = new URLSearchParams();
  if (input.value.trim()) params.set("q", input.value);
  for (const select of selects) if (select.value) params.set(select.name, select.value);
  const text = params.toString();
  return text ? "?" + text : location.pathname;
}

function remember(push) {
  const url = urlOfState();
  if (url === location.search || (url === location.pathname && !location.search)) return;
  if (push || committed) history.pushState(null, "", url);
  else history.replaceState(null, "", url);
  committed = push;
  clearTimeout(idle);
  if (!push) idle = setTimeout(() => { committed = true; }, 1000);
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function highlighted(text, words) {
  const span = el("span");
  let at = 0;
  for (const [start, end] of matches(text, words)) {
    span.append(text.slice(at, start), el("mark", "", text.slice(start, end)));
    at = end;
  }
  span.append(text.slice(at));
  return span;
}

function facetValue(param, ref) {
  const f = engine.facets.findIndex((facet) => facet.param === param);
  return (f >= 0 && engine.facets[f].values[engine.values[f][ref]]) || ["", ""];
}

function item(hit, row, words) {
  const li = el("li");
  const link = el("a");
  link.href = `${root}/${row.u}`;
  link.append(highlighted(row.n, words));
  const meta = el("span", "meta");
  const level = Number(facetValue("sao", hit.ref)[0]) || 0;
  const starText = level ? "★".repeat(level) + "☆".repeat(5 - level) : "Chưa rõ hạng sao";
  const starNode = el("span", level ? "stars" : "stars unknown", starText);
  if (level) { starNode.setAttribute("role", "img"); starNode.setAttribute("aria-label", `${level} sao`); }
  meta.append(starNode, " · ", row.l || facetValue("tinh", hit.ref)[1]);
  if (row.p) meta.append(" · ", highlighted(row.p, words));
  const [statusKey, statusLabel] = facetValue("trang-thai", hit.ref);
  li.append(link, " ", meta, " ", el("span", `status status-${STATUS_CLASS[statusKey] || "active"}`, statusLabel));
  return li;
}

function showCounts(refined) {
  engine.facets.forEach((facet, f) => {
    const select = selects.find((s) => s.name === facet.param);
    if (!select) return;
    facet.values.forEach(([key, label], v) => {
      const option = Array.from(select.options).find((o) => o.value === key);
      if (!option) return;
      const n = refined.counts[f][v];
      option.textContent = `${label} (${n})`;
      option.disabled = n === 0 && select.value !== key;
    });
  });
}

function say(text) {
  summary.textContent = text;
}

async function render(id, started, query, requests) {
  box.hidden = false;
  if (!result || !result.words.length) {
    mainList.replaceChildren();
    nearList.replaceChildren();
    nearTitle.hidden = more.hidden = true;
    say(query.trim() ? "Gõ ít nhất 2 chữ cái để tìm." : "");
    box.dataset.count = "0";
    return;
  }
  const refined = engine.refine(result, filters());
  const all = refined.main.concat(refined.near);
  const page = engine.rank(result, all.slice(0, shown));
  const rows = await engine.docs(page.map((hit) => hit.ref));
  if (id !== sequence) return;
  showCounts(refined);
  const mains = [], nears = [];
  const mainRefs = new Set(refined.main.map((hit) => hit.ref));
  page.forEach((hit, i) => (mainRefs.has(hit.ref) ? mains : nears).push(item(hit, rows[i], result.words)));
  mainList.replaceChildren(...mains);
  nearList.replaceChildren(...nears);
  nearTitle.hidden = nears.length === 0;
  nearTitle.textContent = "Kết quả gần đúng (khác dấu hoặc thiếu từ)";
  more.hidden = all.length <= shown;
  const filtered = refined.selected.some((v) => v >= 0) ? " (đã lọc)" : "";
  const typed = `«${query.trim()}»`;
  if (refined.complete && refined.main.length) {
    say(`${refined.main.length} sản phẩm${filtered} khớp ${typed}`);
  } else if (refined.main.length) {
    say(`Không có sản phẩm nào${filtered} khớp đủ ${typed}; ${refined.main.length} sản phẩm khớp nhiều từ nhất:`);
  } else if (refined.near.length) {
    say(`Không có sản phẩm nào${filtered} khớp đủ ${typed}; ${refined.near.length} sản phẩm khớp một phần:`);
  } else {
    say(`Không tìm thấy sản phẩm nào${filtered} khớp ${typed}.`);
  }
  box.dataset.count = String(refined.main.length);
  const ms = performance.now() - started;
  timings.push({ query, ms, fetched: engine.requests - requests, results: all.length });
  if (all.length && box.dataset.firstResultAt === undefined) box.dataset.firstResultAt = String(performance.now());
}

async function update({ search = true, push = false, keep = false } = {}) {
  const id = ++sequence;
  const started = performance.now();
  const requests = engine.requests;
  const query = input.value;
  box.dataset.state = "loading";
  if (!keep) shown = PAGE;
  try {
    if (search || !result) {
      const found = await engine.search(query);
      if (id !== sequence) return;
      result = found;
    }
    await render(id, started, query, requests);
    if (id !== sequence) return;
    box.dataset.q = query;
    box.dataset.state = "done";
  } catch (error) {
    if (id !== sequence) return;
    console.error(error);
    say("Chưa tải được chỉ mục tìm kiếm (mạng chập chờn?). Gõ tiếp hoặc bấm Tìm để thử lại.");
    box.dataset.q = query;
    box.dataset.state = "error";
  }
}

input.addEventListener("input", () => { remember(false); update(); });
selects.forEach((s) => s.addEventListener("change", () => { remember(true); update({ search: false }); }));
form.addEventListener("submit", (event) => { event.preventDefault(); remember(true); update(); input.blur(); });
more.addEventListener("click", () => { shown += MORE; update({ search: false, keep: true }); });
window.addEventListener("popstate", () => { stateFromUrl(); committed = true; update(); });

form.querySelector(".filters").hidden = false;
document.documentElement.classList.add("js-search");
stateFromUrl();
engine.ready().catch(() => {});
if (input.value) update();
