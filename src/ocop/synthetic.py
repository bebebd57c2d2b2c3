"""A synthetic register of realistic Vietnamese OCOP records, for benchmarks and stress tests.

``generate(target, n)`` writes a complete content tree: the 34 real province files copied from
``content/provinces/`` and *n* invented product records spread over them, every one valid for
``ocop validate``. The names, producers, communes, decisions and phone numbers follow the shapes of
the real register (shared decisions, producers with several products, merged provinces), so index
sizes and timings measured on it are meaningful. Deterministic for a given seed. Never write it
into ``content/``: the register holds real products only.
"""

from __future__ import annotations

import datetime as dt
import random
import shutil
from pathlib import Path

from .lifecycle import MERGER_DAY, add_months
from .provinces import Provinces
from .register import load_provinces
from .report import Report
from .taxcode import check_digit
from .vntext import slugify
from .yamlwrite import dump

# Product bases per group: (name, subgroup).
PRODUCTS = {
    "thuc-pham": [
        "Mật ong rừng", "Mật ong hoa nhãn", "Mật ong bạc hà", "Nước mắm cá cơm", "Nước mắm truyền thống", "Mắm tôm",
        "Mắm tép", "Mắm cá linh", "Gạo thơm", "Gạo nếp cái hoa vàng", "Gạo lứt đỏ", "Gạo ST25", "Chè Shan tuyết",
        "Chè xanh", "Trà búp", "Cà phê bột", "Cà phê hạt rang", "Cà phê nhân", "Hạt điều rang muối", "Tiêu đen",
        "Tiêu sọ", "Bánh tráng", "Bánh đa nem", "Bánh phồng tôm", "Bánh pía", "Bánh cốm", "Bánh chưng", "Bánh gai",
        "Kẹo dừa", "Kẹo lạc", "Kẹo cu đơ", "Mứt gừng", "Mứt me", "Mứt dừa", "Mứt mận", "Tương bần", "Tương ớt",
        "Nem chua", "Chả cá", "Chả lụa", "Giò bò", "Lạp xưởng", "Thịt trâu gác bếp", "Thịt bò khô", "Khô cá lóc",
        "Cá khô", "Tôm khô", "Mực một nắng", "Ruốc tôm", "Muối ớt", "Muối tôm", "Đường thốt nốt", "Đường phèn",
        "Mật mía", "Miến dong", "Bún khô", "Mỳ gạo", "Phở khô", "Hủ tiếu", "Xoài cát Hòa Lộc", "Bưởi da xanh",
        "Bưởi Diễn", "Vải thiều", "Nhãn lồng", "Cam sành", "Sầu riêng Ri6", "Thanh long ruột đỏ", "Dừa xiêm",
        "Chuối sấy dẻo", "Mít sấy", "Xoài sấy dẻo", "Nấm linh chi", "Nấm sò", "Nấm rơm", "Măng khô", "Măng tre",
        "Trứng vịt muối", "Trứng gà ác", "Dầu lạc", "Dầu dừa", "Dầu mè", "Rau má", "Rau củ sấy", "Tỏi cô đơn",
        "Hành tím", "Ớt bột", "Gừng sấy", "Lạc nhân", "Đậu phộng da cá", "Vừng đen", "Hạt sen sấy", "Trà sen",
        "Bò một nắng", "Yến sào", "Tổ yến", "Sữa bò tươi", "Sữa chua", "Chà bông heo", "Bột sắn dây", "Bột ngũ cốc",
        "Bột rau má", "Tinh bột sắn", "Cốm dẹp", "Bánh hỏi", "Me thái", "Sấu dầm", "Mận hậu", "Hồng treo gió",
        "Táo mèo", "Chanh leo", "Na dai", "Ổi lê", "Dưa lưới", "Cà chua bi", "Khoai lang mật", "Khoai môn",
    ],
    "do-uong": [
        "Rượu nếp cẩm", "Rượu ngô men lá", "Rượu sim", "Rượu táo mèo", "Rượu đinh lăng", "Rượu ba kích", "Rượu chuối hột",
        "Rượu mơ", "Rượu cần", "Nước ép trái cây", "Nước cốt dừa", "Nước khoáng thiên nhiên", "Nước uống đóng chai",
        "Trà túi lọc", "Trà hoa vàng", "Trà atiso", "Trà gừng", "Trà mãng cầu", "Trà cà gai leo", "Nước mía",
        "Bia thủ công", "Cà phê hòa tan", "Nước yến", "Sữa đậu nành", "Siro chanh dây", "Cacao nguyên chất",
    ],
    "duoc-lieu": [
        "Tinh bột nghệ", "Tinh dầu sả chanh", "Tinh dầu tràm", "Tinh dầu quế", "Cao atiso", "Cao cà gai leo",
        "Cao xạ đen", "Sâm Ngọc Linh", "Sâm Lai Châu", "Đông trùng hạ thảo", "Đinh lăng", "Hà thủ ô", "Ba kích tím",
        "Trà thảo dược", "Xà phòng thảo dược", "Dầu gội bồ kết", "Muối ngâm chân thảo dược", "Nghệ đen", "Hoa hòe",
        "Cỏ ngọt", "Quế thanh", "Hồi khô", "Thảo quả", "Giảo cổ lam", "Kim tiền thảo", "Nấm lim xanh",
    ],
    "thu-cong-my-nghe": [
        "Gốm sứ men lam", "Gốm Bát Tràng", "Bình gốm", "Mây tre đan", "Giỏ lục bình", "Chiếu cói", "Thảm cói",
        "Lụa tơ tằm", "Khăn thổ cẩm", "Túi thổ cẩm", "Nón lá", "Tranh thêu tay", "Tranh Đông Hồ", "Tượng gỗ mỹ nghệ",
        "Đũa tre", "Ống hút cỏ bàng", "Hương trầm", "Nhang sạch", "Đèn lồng", "Quạt giấy", "Đồ đồng mỹ nghệ",
        "Sản phẩm từ sừng", "Túi cói", "Hộp sơn mài", "Tranh gạo",
    ],
    "sinh-vat-canh": [
        "Lan hồ điệp", "Lan rừng", "Mai vàng", "Hoa đào", "Quất cảnh", "Bonsai", "Cây cảnh nghệ thuật", "Sen cảnh",
        "Cá koi", "Cá chọi", "Hoa cúc", "Hoa hồng", "Tùng la hán", "Sanh cảnh",
    ],
    "du-lich": [
        "Du lịch cộng đồng", "Điểm du lịch sinh thái", "Du lịch trải nghiệm làng nghề", "Homestay", "Du lịch vườn",
        "Du lịch văn hóa", "Khu du lịch sinh thái", "Du lịch nông nghiệp",
    ],
}
GROUP_WEIGHTS = {"thuc-pham": 62, "do-uong": 12, "duoc-lieu": 9, "thu-cong-my-nghe": 10, "sinh-vat-canh": 3,
                 "du-lich": 4}
SUBGROUPS = {"thuc-pham": ["Nông sản", "Thực phẩm chế biến", "Gia vị", "Chè", "Cà phê"],
             "do-uong": ["Đồ uống có cồn", "Đồ uống không cồn"], "duoc-lieu": ["Dược liệu", "Mỹ phẩm thảo dược"]}
MODIFIERS = ["", "", "", "", "sấy dẻo", "nguyên chất", "hữu cơ", "đặc biệt", "truyền thống", "cao cấp", "loại 1",
             "đóng hộp", "túi 500g", "hộp quà", "xuất khẩu", "sạch"]
BRANDS = ["Hoàng Gia", "Việt Xanh", "Phúc Lộc", "Kim Long", "Tâm An", "Bảo Minh", "Thiên Phú", "Hương Quê",
          "Đất Việt", "Sao Mai", "Ngọc Lan", "Minh Châu", "An Phát", "Hồng Đức", "Trường Thịnh", "Vạn Xuân", "Quê Tôi",
          "Mộc Sơn", "Nhà Làm", "Ba Miền", "Tây Bắc", "Cao Nguyên", "Miền Tây", "Sông Hậu", "Đồng Quê", "Làng Xưa"]
PLACE_SYLLABLES = ["An", "Bình", "Phú", "Tân", "Phước", "Long", "Thạnh", "Hòa", "Đông", "Tây", "Nam", "Bắc", "Xuân",
                   "Hưng", "Thịnh", "Lộc", "Mỹ", "Hiệp", "Trung", "Vĩnh", "Quang", "Đức", "Thái", "Sơn", "Hải",
                   "Thủy", "Lâm", "Cẩm", "Kim", "Ngọc", "Hồng", "Lạc", "Yên", "Thuận", "Định", "Khánh", "Hà", "Đồng",
                   "Thượng", "Hạ", "Tiến", "Thắng", "Lợi", "Thành", "Nghĩa", "Hợp", "Châu", "Gia", "Cao", "Minh",
                   "Tường", "Quý", "Điền", "Mường", "Tà", "Na", "Ea", "Krông", "Ia", "Chư", "Đắk", "Trà", "Vân"]
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô",
          "Dương", "Lý", "Đinh", "Lương", "Mai", "Tạ"]
MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Ngọc", "Thanh", "Quốc", "Kim", "Xuân"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Hà", "Hải", "Hạnh", "Hùng", "Hương", "Lan", "Linh", "Mai", "Nam", "Phúc",
         "Quang", "Sơn", "Tâm", "Thảo", "Trang", "Tuấn", "Yến", "Đạt", "Ánh", "Lộc", "Nga", "Oanh", "Thủy", "Vinh"]
PRODUCER_KINDS = [("htx", 38), ("doanh-nghiep", 27), ("ho-kinh-doanh", 30), ("to-hop-tac", 5)]
REASONS = ["Vi phạm quy chế quản lý sản phẩm OCOP", "Chủ thể ngừng sản xuất", "Không duy trì chất lượng sản phẩm",
           "Chủ thể đề nghị rút khỏi danh sách"]


def _tax_code(rng: random.Random) -> str:
    while True:
        nine = "0" + "".join(rng.choice("0123456789") for _ in range(8))
        digit = check_digit(nine)
        if digit is not None:
            return nine + str(digit)


def _phone(rng: random.Random) -> str:
    if rng.random() < 0.7:
        digits = rng.choice(["09", "03", "08", "07"]) + "".join(rng.choice("0123456789") for _ in range(8))
        return rng.choice([f"{digits[:4]} {digits[4:7]} {digits[7:]}", digits, f"{digits[:4]}.{digits[4:7]}.{digits[7:]}"])
    digits = "02" + "".join(rng.choice("0123456789") for _ in range(9))
    return f"{digits[:4]} {digits[4:8]} {digits[8:]}"


def _person(rng: random.Random) -> str:
    return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


def _place(rng: random.Random) -> str:
    first, second = rng.sample(PLACE_SYLLABLES, 2)
    return f"{first} {second}"


class _Province:
    """Communes, districts, producers and decisions of one province, drawn once and reused."""

    def __init__(self, rng: random.Random, unit):
        self.unit = unit
        self.districts = [_place(rng) for _ in range(rng.randint(6, 14))]
        self.communes = [(rng.choice(self.districts), _place(rng)) for _ in range(rng.randint(60, 160))]
        self.producers: list[dict] = []
        self.decisions: dict[tuple, list] = {}


def _producer(rng: random.Random, province: _Province, base: str, commune: str) -> dict:
    kind = rng.choices([k for k, _ in PRODUCER_KINDS], [w for _, w in PRODUCER_KINDS])[0]
    short = " ".join(base.split()[:2])
    if kind == "htx":
        name = rng.choice([f"HTX Nông nghiệp {commune}", f"Hợp tác xã {short} {commune}", f"HTX {rng.choice(BRANDS)}",
                           f"HTX Dịch vụ nông nghiệp {commune}"])
    elif kind == "doanh-nghiep":
        name = rng.choice([f"Công ty TNHH {rng.choice(BRANDS)}", f"Công ty Cổ phần {short} {rng.choice(BRANDS)}",
                           f"Công ty TNHH MTV {rng.choice(BRANDS)} {province.unit.name}"])
    elif kind == "ho-kinh-doanh":
        name = rng.choice([f"Hộ kinh doanh {_person(rng)}", f"Cơ sở sản xuất {short} {_person(rng)}",
                           f"Cơ sở {rng.choice(BRANDS)}"])
    else:
        name = f"Tổ hợp tác {short} {commune}"
    producer = {"name": name, "kind": kind}
    if rng.random() < 0.7:
        if kind == "ho-kinh-doanh" and rng.random() < 0.5:
            producer["tax_code"] = f"{int(province.unit.code):03d}" + "".join(rng.choice("0123456789") for _ in range(9))
        else:
            producer["tax_code"] = _tax_code(rng)
    if rng.random() < 0.8:
        producer["phone"] = _phone(rng)
    if rng.random() < 0.3:
        producer["representative"] = _person(rng)
    return producer


def _record(rng: random.Random, province: _Province, ids: set[str], today: dt.date) -> dict:
    unit = province.unit
    group = rng.choices(list(GROUP_WEIGHTS), list(GROUP_WEIGHTS.values()))[0]
    base = rng.choice(PRODUCTS[group])
    district, commune = rng.choice(province.communes)
    tail = rng.choice([commune, rng.choice(BRANDS), unit.name, "", district])
    name = " ".join(part for part in (base, rng.choice(MODIFIERS), tail) if part)
    if province.producers and rng.random() < 0.35:
        producer = rng.choice(province.producers)
    else:
        producer = _producer(rng, province, base, commune)
        province.producers.append(producer)
    decided = dt.date(2019, 1, 1) + dt.timedelta(days=rng.randint(0, (today - dt.date(2019, 1, 1)).days - 1))
    former = [f for f in unit.former] or []
    if decided < MERGER_DAY and former:
        at_recognition = rng.choice(former).code
    else:
        at_recognition = unit.code
    stars = rng.choices([3, 4, 5, None], [60, 33, 4, 3])[0]
    # Decisions are shared: one decision recognises a batch of products of the same province and year.
    key = (at_recognition, decided.year, stars == 5)
    batch = province.decisions.setdefault(key, [])
    if not batch or rng.random() < 0.15:
        number = rng.randint(1, 4999)
        authority = ("Bộ Nông nghiệp và Phát triển nông thôn" if stars == 5
                     else f"UBND {unit.type} {unit.name}" if rng.random() < 0.7 else f"UBND huyện {district}")
        suffix = "QĐ-BNN-VPĐP" if stars == 5 else "QĐ-UBND"
        batch.append((f"{number}/{suffix}", decided, authority))
    decision, decided, authority = rng.choice(batch)
    slug = slugify(f"{base} {tail}")[:60].rstrip("-")
    ident, n = f"{unit.code}-{slug}", 2
    while ident in ids:
        ident, n = f"{unit.code}-{slug}-{n}", n + 1
    ids.add(ident)
    record = {"id": ident, "name": name, "province": unit.code, "province_at_recognition": at_recognition}
    if rng.random() < 0.6:
        record["district"] = f"huyện {district}"
    record["commune"] = f"{rng.choice(['xã', 'xã', 'xã', 'phường', 'thị trấn'])} {commune}"
    if rng.random() < 0.3:
        record["address"] = f"thôn {rng.choice(PLACE_SYLLABLES)} {rng.randint(1, 12)}, {record['commune']}"
    record["group"] = group
    if group in SUBGROUPS and rng.random() < 0.4:
        record["subgroup"] = rng.choice(SUBGROUPS[group])
    if stars:
        record["stars"] = stars
        if rng.random() < 0.5:
            low, high = {3: (50, 69), 4: (70, 89), 5: (90, 100)}[stars]
            total = rng.randint(low, high)
            a = rng.randint(max(0, total - 65), min(35, total))
            b = rng.randint(max(0, total - a - 40), min(25, total - a))
            record["score"] = {"a": a, "b": b, "c": total - a - b}
    record["producer"] = dict(producer)
    record["certification"] = {"decision": decision, "decided_on": decided.isoformat(), "authority": authority,
                               "kind": rng.choices(["first", "re-evaluation", "upgrade"], [80, 15, 5])[0]}
    roll = rng.random()
    if roll < 0.03:
        record["status"] = "revoked"
    elif roll < 0.05:
        record["status"] = "withdrawn"
    else:
        record["status"] = "active"
    if record["status"] != "active":
        changed = min(add_months(decided, rng.randint(3, 30)), today - dt.timedelta(days=1))
        record["status_change"] = {"decision": f"{rng.randint(1, 4999)}/QĐ-UBND", "decided_on": changed.isoformat(),
                                   "reason": rng.choice(REASONS)}
    record["sources"] = [f"https://ocop.example.gov.vn/{unit.slug}/{decided.year}/{ident}"]
    if rng.random() < 0.3:
        record["description"] = (f"{base} do {producer['name']} sản xuất tại {record['commune']}, "
                                 f"{unit.full_name}. Sản phẩm đạt chuẩn OCOP năm {decided.year}.")
    return record


def generate(target: Path, count: int, provinces_dir: Path, seed: int = 2025,
             today: dt.date = dt.date(2026, 1, 1)) -> int:
    """Write a content tree with the real provinces and *count* synthetic products under *target*.

    *target* must be empty or absent (a folder holding ``content/provinces`` of the real register is refused).
    Returns the number of product files written.
    """
    target = Path(target)
    if target.exists() and any(target.iterdir()):
        raise FileExistsError(f"«{target}» không trống; chọn một thư mục mới cho sổ đăng ký giả lập")
    report = Report()
    provinces: Provinces = load_provinces(Path(provinces_dir), report)
    if not report.ok or len(provinces) == 0:
        raise ValueError(f"không đọc được danh mục tỉnh trong «{provinces_dir}»")
    shutil.copytree(provinces_dir, target / "provinces")
    rng = random.Random(seed)
    units = [_Province(rng, unit) for unit in provinces]
    # Bigger units get more products, as in the real register.
    weights = [max(1, len(u.unit.former)) + 1 for u in units]
    ids: set[str] = set()
    for _ in range(count):
        province = rng.choices(units, weights)[0]
        record = _record(rng, province, ids, today)
        folder = target / "products" / province.unit.folder
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{record['id']}.yaml").write_text(dump(record), encoding="utf-8")
    return count
