/* The verification page's QR code, drawn here from the page's public address (figure[data-url]) instead of at
   build time: a national build would otherwise encode 20,000 codes nobody looks at, and a visitor who scanned a
   label has no use for one. uqr (a port of Project Nayuki's encoder, vendored unchanged: uqr-0.1.3.js) picks the
   mask as the QR standard says. The code is one stroked SVG path (h1 for a dark module, m1 0 for a light one),
   error correction M, 4 modules of quiet zone; the downloads are that SVG (for print) and a PNG at 8 pixels per
   module. Without JavaScript the box keeps its place and says how to see the code. */
import { encode } from "./uqr-0.1.3.js";

const QUIET = 4;
const SHOWN = 200;

function escapeText(text) {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/* SVG markup of the code for *url*; *title* names it for screen readers. */
export function qrSvg(url, title) {
  const code = encode(url, { ecc: "M", border: 0 });
  const size = code.size + 2 * QUIET;
  const pen = code.data.map((row) => row.map((dark) => (dark ? "h1" : "m1 0")).join(""))
    .join(`m-${code.size} 1`);
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${size} ${size}" width="${SHOWN}" ` +
    `height="${SHOWN}" shape-rendering="crispEdges" role="img"><title>${escapeText(title)}</title>` +
    `<rect width="${size}" height="${size}" fill="#fff"/>` +
    `<path d="M${QUIET} ${QUIET}.5${pen}" fill="none" stroke="#000" stroke-width="1"/></svg>`;
}

function save(blob, file) {
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = file;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 60000);
}

function png(markup, side, done) {
  const image = new Image();
  image.onload = () => {
    const canvas = document.createElement("canvas");
    canvas.width = canvas.height = side;
    const context = canvas.getContext("2d");
    context.imageSmoothingEnabled = false;
    context.drawImage(image, 0, 0, side, side);
    canvas.toBlob(done, "image/png");
  };
  image.src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(markup);
}

const figure = document.querySelector("figure.qr[data-url]");
if (figure) {
  const box = figure.querySelector(".qr-code");
  const markup = qrSvg(figure.dataset.url, box.dataset.title);
  box.innerHTML = markup;
  const svg = box.querySelector("svg");
  const name = figure.dataset.name;
  figure.querySelector("[data-format=svg]").addEventListener("click", (event) => {
    event.preventDefault();
    save(new Blob([markup], { type: "image/svg+xml" }), name + ".svg");
  });
  figure.querySelector("[data-format=png]").addEventListener("click", (event) => {
    event.preventDefault();
    png(markup, svg.viewBox.baseVal.width * 8, (blob) => save(blob, name + ".png"));
  });
  figure.querySelector(".qr-downloads").hidden = false;
}
