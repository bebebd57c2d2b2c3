"""The importer of real published products: every messy cell form seen in the table, and a full run."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
from pathlib import Path

import pytest
import yaml

from ocop.importing import real_products as rp
from ocop.history import read_history
from ocop.redirects import redirect_map
from ocop.register import load_register

ROOT = Path(__file__).resolve().parent.parent
PROVINCES = ROOT / "content" / "provinces"
COLUMNS = ("id", "product_name", "entity", "entity_type", "commune", "district", "province_at_time",
           "province_code_63", "province_code_34", "stars", "status", "year", "decision", "group", "note",
           "source_url")


@pytest.mark.parametrize("raw, expected", [
    ("", {}),
    ("4", {"stars": 4}),
    ("3", {"stars": 3}),
    ("5", {"stars": 5}),
    ("4 (đánh giá lại)", {"stars": 4, "kind": "re-evaluation"}),
    ("4 (công nhận lại)", {"stars": 4, "kind": "re-evaluation"}),
    ("3 (tái công nhận)", {"stars": 3, "kind": "re-evaluation"}),
    ("4 (nâng hạng)", {"stars": 4, "kind": "upgrade"}),
    ("4 (nâng hạng từ 3 sao)", {"stars": 4, "kind": "upgrade"}),
    ("4 (lần đầu)", {"stars": 4, "kind": "first"}),
    ("5 (đề xuất cấp tỉnh, 91-93 điểm)", {"proposed_stars": 5}),
    ("5 (đề xuất cấp tỉnh, 94 điểm)", {"proposed_stars": 5, "score": {"total": 94}}),
    ("5 (đánh giá cấp tỉnh 2020, trình TW)", {"proposed_stars": 5}),
    ("5 (kết quả chấm cấp tỉnh 93 điểm: A31/B24/C38; đề xuất cấp quốc gia)",
     {"proposed_stars": 5, "score": {"a": 31, "b": 24, "c": 38}}),
    ("tiềm năng 5 sao (cấp TP)", {"proposed_stars": 5}),
    ("tiềm năng 5 sao (95,64 điểm cấp tỉnh)", {"proposed_stars": 5, "score": {"total": 95.64}}),
    ("tiềm năng 5 sao (100/100 điểm cấp tỉnh)", {"proposed_stars": 5, "score": {"total": 100}}),
    ("tiềm năng 5 sao (92 điểm)", {"proposed_stars": 5, "score": {"total": 92}}),
])
def test_parse_stars(raw, expected):
    assert rp.parse_stars(raw) == expected


@pytest.mark.parametrize("raw", ["4 sao", "4 (xem bài)", "6", "bốn"])
def test_parse_stars_refuses_unknown_forms(raw):
    with pytest.raises(ValueError):
        rp.parse_stars(raw)


@pytest.mark.parametrize("note, expected", [
    ("4 sao, tiềm năng 5 sao", {"stars": 4, "proposed_stars": 5}),
    ("current star level not stated; proposed for 5 sao", {"proposed_stars": 5}),
    ("star level not stated", {}),
    ("upgraded to 4 sao in 2025", {}),
    ("also 4 sao 2021 -> re-recognised", {}),
])
def test_note_stars(note, expected):
    assert rp.note_stars(note) == expected


@pytest.mark.parametrize("raw, expected", [
    ("2020", (2020, None)),
    ("2022 (đợt 1; công bố 07/2023)", (2022, "đợt 1")),
    ("2025 (đợt 1)", (2025, "đợt 1")),
    ("2024 (đợt 3)", (2024, "đợt 3")),
    ("2021 (đợt 2)", (2021, "đợt 2")),
    ("2021 (công nhận)", (2021, None)),
    ("2021 (công nhận, QĐ 159/QĐ-UBND ngày 20/01/2021 theo bài)", (2021, None)),
    ("2021 (per article; other QN page says from 2020)", (2021, None)),
    ("2021 (top 20 sp 5 sao đầu tiên)", (2021, None)),
    ("2026 (đề nghị)", (None, None)),
    ("(công bố 04/2025)", (None, None)),
    ("(trong 20 sp 5 sao đầu tiên, đến 01/2022)", (None, None)),
    ("(đến 2025)", (None, None)),
    ("", (None, None)),
])
def test_parse_year(raw, expected):
    assert rp.parse_year(raw) == expected


@pytest.mark.parametrize("text, year, expected", [
    ("Lâm Đồng đợt 2 năm 2020 (61 sp của 42 chủ thể; thời hạn 3 năm)", 2020, "đợt 2"),
    ("QĐ Bộ NN&PTNT phê duyệt kết quả đánh giá, phân hạng OCOP cấp Quốc gia năm 2022 (Đợt 1)", 2022, "đợt 1"),
    ("QĐ Bộ NN&MT ngày 26/6/2025 (2025 đợt 1; số 2361/QĐ-BNNMT theo nguyenphutrong.nhandan.vn/ocop)", 2025, "đợt 1"),
    ("Lâm Đồng đợt 2 năm 2020", 2021, None),
    ("UBND huyện Đức Trọng, đợt 2 năm 2024 (trao 13/3)", None, None),
])
def test_batch_in_text(text, year, expected):
    assert rp.batch_in_text(text, year) == expected


@pytest.mark.parametrize("text, expected", [
    ("5445/QĐ-UBND ngày 23/12/2019 (UBND tỉnh Thanh Hóa)",
     {"decision": "5445/QĐ-UBND", "decided_on": "2019-12-23", "authority": "UBND tỉnh Thanh Hóa"}),
    ("1580/QĐ-UBND-HC (UBND tỉnh Đồng Tháp, 2019)",
     {"decision": "1580/QĐ-UBND-HC", "authority": "UBND tỉnh Đồng Tháp"}),
    ("2919/QĐ-UBND (UBND tỉnh Thừa Thiên Huế), đợt 2 năm 2020",
     {"decision": "2919/QĐ-UBND", "authority": "UBND tỉnh Thừa Thiên Huế"}),
    ("86/QĐ-UBND (UBND tỉnh An Giang), đợt 2 năm 2022 (tin 01/02/2023)",
     {"decision": "86/QĐ-UBND", "authority": "UBND tỉnh An Giang"}),
    ("3500/QĐ-UBND ngày 03/11/2021 (UBND TP Đà Nẵng), đợt 1 năm 2021; giá trị 3 năm",
     {"decision": "3500/QĐ-UBND", "decided_on": "2021-11-03", "authority": "UBND TP Đà Nẵng"}),
    ("2751/QĐ-UBND ngày 24/11/2021 (UBND tỉnh Bến Tre); đề xuất QG: CV 317/UBND-KT ngày 17/01/2022",
     {"decision": "2751/QĐ-UBND", "decided_on": "2021-11-24", "authority": "UBND tỉnh Bến Tre"}),
    ("QĐ Bộ NN&MT ngày 26/6/2025 (2025 đợt 1; số 2361/QĐ-BNNMT theo nguyenphutrong.nhandan.vn/ocop)",
     {"decision": "2361/QĐ-BNNMT", "decided_on": "2025-06-26", "authority": "Bộ NN&MT"}),
    ("QĐ UBND tỉnh Bắc Giang ngày 26/8/2021, đợt 1 năm 2021",
     {"decided_on": "2021-08-26", "authority": "UBND tỉnh Bắc Giang"}),
    ("QĐ UBND tỉnh Đồng Tháp ngày 29/12/2023 (40 sp 4 sao của 13 chủ thể)",
     {"decided_on": "2023-12-29", "authority": "UBND tỉnh Đồng Tháp"}),
    ("Quyết định số 377 (Bộ NN&PTNT) ngày 17/01/2025 - OCOP cấp quốc gia năm 2024 (đợt 3)",
     {"decided_on": "2025-01-17", "authority": "Bộ NN&PTNT"}),
    ("Bộ NN&PTNT, 28 sp 5 sao kỳ 2024 (tin 17/01/2025; QĐ số 377 ngày 17/01/2025 theo langngheviet)",
     {"decided_on": "2025-01-17", "authority": "Bộ NN&PTNT"}),
    # News, publication and award dates are not decision dates.
    ("QĐ UBND tỉnh Bắc Giang đợt 1 năm 2024 (tin 20/11/2024)", {"authority": "UBND tỉnh Bắc Giang"}),
    ("QĐ UBND TP Hà Nội (công bố 16/6/2023; 518 sp của 19 chủ thể)", {"authority": "UBND TP Hà Nội"}),
    ("UBND huyện Đức Trọng, đợt 2 năm 2024 (trao 13/3)", {"authority": "UBND huyện Đức Trọng"}),
    ("QĐ UBND tỉnh Nghệ An, đợt 2 năm 2024 (tin 03/2025)", {"authority": "UBND tỉnh Nghệ An"}),
    ("Hội đồng OCOP tỉnh Đắk Lắk (09-10/4/2024)", {}),
    ("hồ sơ đề nghị Bộ NN&MT phân hạng 5 sao (tin 10/01/2026)", {}),
    # Authority named as the subject of the sentence.
    ("QĐ Bộ NN&PTNT phê duyệt kết quả đánh giá, phân hạng OCOP cấp Quốc gia năm 2022 (Đợt 1)",
     {"authority": "Bộ NN&PTNT"}),
    ("QĐ UBND tỉnh Lâm Đồng phê duyệt kết quả OCOP đợt 1 năm 2022", {"authority": "UBND tỉnh Lâm Đồng"}),
    ("UBND TP Đà Nẵng, công bố 18 sp OCOP năm 2020", {"authority": "UBND TP Đà Nẵng"}),
    ("UBND tỉnh Quảng Ninh, công nhận 4 sao năm 2023 (cấp lại)", {"authority": "UBND tỉnh Quảng Ninh"}),
    ("QĐ UBND huyện Hương Khê, năm 2024 (giá trị 36 tháng)", {"authority": "UBND huyện Hương Khê"}),
    ("UBND tỉnh Phú Thọ, đợt 1 năm 2025", {"authority": "UBND tỉnh Phú Thọ"}),
    # Programme decisions cited with "theo" are rules, not recognitions; councils do not decide.
    ("Hội đồng/UBND huyện Can Lộc, đợt 1 năm 2024, theo QĐ 148/QĐ-TTg", {}),
    ("Hội đồng OCOP tỉnh Thanh Hóa 2020 (theo 1048/QĐ-TTg)", {}),
    ("Hội đồng OCOP cấp Trung ương năm 2023 (19 sp nhóm thực phẩm)", {}),
    ("Lâm Đồng đợt 2 năm 2020 (61 sp của 42 chủ thể; thời hạn 3 năm)", {}),
    ("", {}),
])
def test_parse_decision(text, expected):
    assert rp.parse_decision(text) == expected


@pytest.mark.parametrize("text, is_change, expected", [
    ("thu hồi: 3763/QĐ-UBND ngày 18/11/2021 (UBND tỉnh Hà Tĩnh), vi phạm Quy chế quản lý sp OCOP "
     "(843/QĐ-UBND ngày 04/02/2021)", True, {"decision": "3763/QĐ-UBND", "decided_on": "2021-11-18"}),
    ("QĐ UBND tỉnh Vĩnh Phúc loại 13 sp (7 chủ thể) khỏi danh sách công nhận (sp công nhận năm 2021, "
     "không đánh giá lại sau 36 tháng)", True, {}),
    ("159/QĐ-UBND ngày 20/01/2021 (UBND tỉnh Nghệ An)", False, {"decision": "159/QĐ-UBND", "decided_on": "2021-01-20"}),
])
def test_status_change_decision(text, is_change, expected):
    assert rp.is_status_change_text(text) is is_change
    assert rp.parse_status_change(text) == expected


@pytest.mark.parametrize("raw, expected", [
    ("", ("active", None)),
    ("thu hồi chứng nhận", ("revoked", None)),
    ("hết hạn", ("expired", None)),
    ("loại khỏi danh sách (hết hạn 36 tháng, không đánh giá lại)",
     ("withdrawn", "hết hạn 36 tháng, không đánh giá lại")),
])
def test_parse_status(raw, expected):
    assert rp.parse_status(raw) == expected


def test_parse_status_refuses_unknown():
    with pytest.raises(ValueError):
        rp.parse_status("tạm dừng")


@pytest.mark.parametrize("raw, expected", [
    ("", {}),
    ("thực phẩm", {"group": "thuc-pham"}),
    ("thực phẩm (gia vị)", {"group": "thuc-pham", "subgroup": "Gia vị"}),
    ("thực phẩm (chè)", {"group": "thuc-pham", "subgroup": "Chè"}),
    ("thực phẩm (cà phê)", {"group": "thuc-pham", "subgroup": "Cà phê"}),
    ("thực phẩm / bộ Rau, củ, quả, hạt tươi", {"group": "thuc-pham", "product_set": 1}),
    ("đồ uống", {"group": "do-uong"}),
    ("dược liệu và sản phẩm từ dược liệu", {"group": "duoc-lieu"}),
    ("dược liệu", {"group": "duoc-lieu"}),
    ("hàng thủ công mỹ nghệ", {"group": "thu-cong-my-nghe"}),
    ("thủ công mỹ nghệ", {"group": "thu-cong-my-nghe"}),
    ("dịch vụ du lịch cộng đồng, du lịch sinh thái và điểm du lịch", {"group": "du-lich"}),
    ("nông sản", {}),
])
def test_map_group(raw, expected):
    assert rp.map_group(raw) == expected


@pytest.mark.parametrize("entity_type, entity, expected", [
    ("doanh nghiệp", "Công ty TNHH Trà Vinh FARM", "doanh-nghiep"),
    ("HTX", "HTX Nông nghiệp xanh Yên Thế", "htx"),
    ("hộ kinh doanh", "Hộ kinh doanh Nguyễn Hữu Thành", "ho-kinh-doanh"),
    ("hộ kinh doanh/cơ sở", "Cơ sở bánh ngọt Mỹ Phương", "ho-kinh-doanh"),
    ("", "HTX Nấm Nhơn Phước", "htx"),
    ("", "Hợp tác xã Vân Hương", "htx"),
    ("", "Công ty TNHH Bắc Đẩu", "doanh-nghiep"),
    ("", "Doanh nghiệp tư nhân Hòa Bình", "doanh-nghiep"),
    ("", "Tổ hợp tác chè Tân Cương", "to-hop-tac"),
    ("", "THT rau an toàn Túy Loan", "to-hop-tac"),
    ("", "Hộ kinh doanh Yến Phương", "ho-kinh-doanh"),
    ("", "Cơ sở sản xuất chả cá Cây Sang", "ho-kinh-doanh"),
    ("", "Hộ sản xuất tré ông Chánh", "ho-kinh-doanh"),
    ("", "Hồ Tiêu Việt", None),
    ("", "", None),
])
def test_map_producer_kind(entity_type, entity, expected):
    assert rp.map_producer_kind(entity_type, entity) == expected


@pytest.mark.parametrize("entity, entity_type, expected", [
    ("Công ty CP Ngọc trai Hạ Long", "doanh nghiệp", {"name": "Công ty CP Ngọc trai Hạ Long", "kind": "doanh-nghiep"}),
    ("(một HTX ở huyện Nam Đàn - tên không nêu)", "HTX", {"kind": "htx"}),
    ("", "", {}),
])
def test_build_producer(entity, entity_type, expected):
    assert rp.build_producer(entity, entity_type) == expected


@pytest.mark.parametrize("note, expected", [
    ("", {}),
    ("address: số 234 Đoàn Hữu Trưng", {"address": "số 234 Đoàn Hữu Trưng"}),
    ("address: K123/H54/41 Cù Chính Lan", {"address": "K123/H54/41 Cù Chính Lan"}),
    ("thôn An Lỗ", {"address": "thôn An Lỗ"}),
    ("khóm Long Quới C", {"address": "khóm Long Quới C"}),
    ("ấp Cây Hẹ", {"address": "ấp Cây Hẹ"}),
    ("reason: facility suspended, not producing as certified",
     {"reason": "facility suspended, not producing as certified"}),
    ("entity not named", {"note": "entity not named"}),
    ("year not stated", {"note": "year not stated"}),
    ("4 sao tỉnh 2019 per http://caphebichthao.vn/vi/ca-phe-bich-thao-son-la-nam-2019",
     {"note": "4 sao tỉnh 2019 per http://caphebichthao.vn/vi/ca-phe-bich-thao-son-la-nam-2019",
      "urls": ["http://caphebichthao.vn/vi/ca-phe-bich-thao-son-la-nam-2019"]}),
])
def test_parse_note(note, expected):
    assert rp.parse_note(note) == expected


@pytest.mark.parametrize("cell, expected", [
    ("https://baodanang.vn/channel/5404/202111/da-nang-co-26-san-pham-ocop-3893738/",
     ["https://baodanang.vn/channel/5404/202111/da-nang-co-26-san-pham-ocop-3893738/"]),
    ("http://www.dalat-info.vn/a.phtml ; https://nhabaovanviet.blogspot.com/2021/03/b.html",
     ["http://www.dalat-info.vn/a.phtml", "https://nhabaovanviet.blogspot.com/2021/03/b.html"]),
    ("github tranquangduc24011999/ommani_ocop: ocop-web-master/resources/views/file/ketquacham.blade.php "
     "(saved page of app.sohoaocop.com)",
     ["https://github.com/tranquangduc24011999/ommani_ocop/blob/HEAD/ocop-web-master/resources/views/file/"
      "ketquacham.blade.php"]),
])
def test_parse_sources(cell, expected):
    assert rp.parse_sources(cell) == expected


def test_parse_sources_refuses_non_address():
    with pytest.raises(ValueError):
        rp.parse_sources("báo Lâm Đồng, số ra ngày 3/4")


@pytest.mark.parametrize("code, name, expected", [
    ("68", "Nho Bồng Lai Farm", "68-nho-bong-lai-farm"),
    ("86", "Rau xà lách thuỷ canh – Rừng hoa Bạch Cúc", "86-rau-xa-lach-thuy-canh-rung-hoa-bach-cuc"),
    ("19", "Du lịch văn hóa dân tộc Tày làng Thái Hải (Tày Ethnic Cultural Tourism in Thái Hải Village)",
     "19-du-lich-van-hoa-dan-toc-tay-lang-thai-hai-tay-ethnic-cultural"),
])
def test_base_id(code, name, expected):
    assert rp.base_id(code, name) == expected
    assert len(rp.base_id(code, name)) <= rp.MAX_ID


def test_choose_id_reuses_ref_then_suffixes_on_collision():
    row = {"id": "RP0066", "province_code_34": "24", "product_name": "Vú sữa Tân Yên"}
    assert rp.choose_id(row, set(), {}) == "24-vu-sua-tan-yen"
    assert rp.choose_id(row, {"24-vu-sua-tan-yen"}, {}) == "24-vu-sua-tan-yen-rp0066"
    assert rp.choose_id(row, {"24-vu-sua-tan-yen"}, {"RP0066": "24-old-id"}) == "24-old-id"


def test_province_at_recognition_after_merger():
    row = {"id": "RP0135", "province_code_63": "", "province_code_34": "25", "province_at_time": "Phú Thọ (sau sáp nhập)"}
    assert rp.province_at_recognition(row) == "25"
    with pytest.raises(ValueError):
        rp.province_at_recognition({**row, "province_at_time": "Phú Thọ"})


ROWS = [
    # A district re-evaluation with a full decision.
    ["RP0156", "Rượu mú từn", "Công ty TNHH Long Lưu", "doanh nghiệp", "", "", "Nghệ An", "40", "40",
     "4 (đánh giá lại)", "", "2023", "348/QĐ-UBND (UBND tỉnh Nghệ An), kết quả năm 2023", "đồ uống", "",
     "https://baonghean.vn/a.html"],
    # Two names that slug alike: the second gets its ref appended.
    ["RP0057", "Vú Sữa Tân Yên", "Hợp tác xã Sản xuất - Tiêu thụ sản phẩm Vú sữa Hợp Đức", "HTX", "",
     "huyện Tân Yên", "Bắc Giang", "24", "24", "4", "", "2021", "QĐ UBND tỉnh Bắc Giang ngày 26/8/2021, đợt 1 năm 2021",
     "", "", "https://bacgiang.gov.vn/a"],
    ["RP0066", "Vú sữa Tân Yên", "HTX Sản xuất - tiêu thụ sản phẩm vú sữa Hợp Đức", "HTX", "", "huyện Tân Yên",
     "Bắc Giang", "24", "24", "4", "", "2024", "QĐ UBND tỉnh Bắc Giang đợt 1 năm 2024 (tin 20/11/2024)", "",
     "also 4 sao 2021 -> re-recognised", "https://bacgiang.gov.vn/b"],
    # A provincial proposal with its A/B/C score, from a merged province, source given as a GitHub file.
    ["RP0129", "Trái sầu riêng cấp đông", "Công ty TNHH XNK Trái Cây Chánh Thu", "doanh nghiệp", "xã Hòa Nghĩa",
     "huyện Chợ Lách", "Bến Tre", "83", "86",
     "5 (kết quả chấm cấp tỉnh 93 điểm: A31/B24/C38; đề xuất cấp quốc gia)", "", "2021 (đợt 2)",
     "2751/QĐ-UBND ngày 24/11/2021 (UBND tỉnh Bến Tre); đề xuất QG: CV 317/UBND-KT ngày 17/01/2022",
     "thực phẩm / bộ Rau, củ, quả, hạt tươi", "product code 83-832-28882-2-2022",
     "github owner/repo: views/ketquacham.blade.php (saved page)"],
    # Revoked: the number and date go to status_change; the violated regulation is ignored.
    ["RP0209", "Nước mắm Ánh Hồng", "Hợp tác xã Dịch vụ chế biến thủy hải sản Ánh Dương", "HTX", "xã Hộ Độ",
     "huyện Lộc Hà", "Hà Tĩnh", "42", "42", "3", "thu hồi chứng nhận", "",
     "thu hồi: 3763/QĐ-UBND ngày 18/11/2021 (UBND tỉnh Hà Tĩnh), vi phạm Quy chế quản lý sp OCOP "
     "(843/QĐ-UBND ngày 04/02/2021)", "thực phẩm (gia vị)", "reason: facility suspended, not producing as certified",
     "https://nguoinghe.vn/a.html"],
    # Withdrawn after 36 months, no star level stated.
    ["RP0202", "Rượu cỏ đĩ", "Hộ kinh doanh Phạm Thị Hải Yến", "hộ kinh doanh", "", "huyện Tam Dương", "Vĩnh Phúc",
     "26", "25", "", "loại khỏi danh sách (hết hạn 36 tháng, không đánh giá lại)", "2021 (công nhận)",
     "QĐ UBND tỉnh Vĩnh Phúc loại 13 sp (7 chủ thể) khỏi danh sách công nhận", "", "star level not stated",
     "http://lhhtxocop.vn/?p=7333"],
    # Expired, producer only described; an address note.
    ["RP0210", "Trà Liên Tu", "(một HTX ở huyện Nam Đàn - tên không nêu)", "HTX", "", "huyện Nam Đàn", "Nghệ An",
     "40", "40", "", "hết hạn", "2021 (công nhận, QĐ 159/QĐ-UBND ngày 20/01/2021 theo bài)",
     "159/QĐ-UBND ngày 20/01/2021 (UBND tỉnh Nghệ An)", "", "thôn Kim Liên", "https://baonghean.vn/b.html"],
    # Post-merger proposal: no 63-unit code, no recognition year.
    ["RP0189", "Cà phê túi lọc Già Làng", "Công ty TNHH BaKa", "doanh nghiệp", "", "", "Gia Lai (sau sáp nhập)", "",
     "52", "", "", "2026 (đề nghị)", "hồ sơ đề nghị Bộ NN&MT phân hạng 5 sao (tin 10/01/2026)", "thực phẩm",
     "current star level not stated; proposed for 5 sao", "https://baogialai.com.vn/a.html"],
]


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    """Write *rows* under the real table's header, with a BOM as spreadsheet exports have."""
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        writer.writerows(rows)
    return path


@pytest.fixture
def tree(tmp_path) -> Path:
    """A content tree with the real 34 provinces and no products."""
    content = tmp_path / "content"
    shutil.copytree(PROVINCES, content / "provinces")
    return content


def records_by_ref(content: Path) -> dict[str, tuple[Path, dict]]:
    """Every written record, keyed by its as_published.ref."""
    found = {}
    for path in (content / "products").rglob("*.yaml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        found[data["as_published"]["ref"]] = (path, data)
    return found


def test_import_writes_valid_records(tree, tmp_path):
    source = write_csv(tmp_path / "real_products.csv", ROWS)
    assert rp.write_all(source, tree) == len(ROWS) - 1  # RP0057 and RP0066 are one product
    register, report = load_register(tree)
    assert report.lines() == []
    assert len(register.products) == len(ROWS) - 1
    written = records_by_ref(tree)
    merged = written["RP0057, RP0066"][1]
    assert merged["id"] == "24-vu-sua-tan-yen"
    assert merged["history"] == [{"decided_on": dt.date(2021, 8, 26), "year": 2021, "batch": "đợt 1",
                                  "authority": "UBND tỉnh Bắc Giang", "stars": 4}]
    assert merged["certification"]["year"] == 2024 and merged["certification"]["kind"] == "re-evaluation"
    path, proposal = written["RP0129"]
    assert path.relative_to(tree) == Path("products/86-vinh-long/86-trai-sau-rieng-cap-dong.yaml")
    assert list(proposal) == ["id", "name", "province", "province_at_recognition", "district", "commune", "group",
                              "product_set", "proposed_stars", "score", "producer", "certification", "status",
                              "sources", "as_published"]
    assert proposal["province_at_recognition"] == "83"
    assert proposal["sources"] == ["https://github.com/owner/repo/blob/HEAD/views/ketquacham.blade.php"]
    revoked = written["RP0209"][1]
    assert revoked["status"] == "revoked" and "certification" not in revoked
    assert revoked["status_change"] == {"decision": "3763/QĐ-UBND", "decided_on": dt.date(2021, 11, 18),
                                        "reason": "facility suspended, not producing as certified"}
    withdrawn = written["RP0202"][1]
    assert withdrawn["status_change"] == {"reason": "hết hạn 36 tháng, không đánh giá lại"}
    assert withdrawn["certification"] == {"year": 2021}
    expired = written["RP0210"][1]
    assert expired["producer"] == {"kind": "htx"} and expired["address"] == "thôn Kim Liên"
    assert expired["as_published"]["note"] == "entity: (một HTX ở huyện Nam Đàn - tên không nêu)"
    assert written["RP0189"][1]["proposed_stars"] == 5 and "certification" not in written["RP0189"][1]
    assert written["RP0156"][1]["certification"]["kind"] == "re-evaluation"


def test_reimport_keeps_ids_and_moves_nothing(tree, tmp_path):
    source = write_csv(tmp_path / "real_products.csv", ROWS)
    rp.write_all(source, tree)
    before = {ref: (path, data["id"]) for ref, (path, data) in records_by_ref(tree).items()}
    renamed = [row[:1] + ["Trái sầu riêng cấp đông loại 1"] + row[2:] if row[0] == "RP0129" else row for row in ROWS]
    rp.write_all(write_csv(tmp_path / "again.csv", list(reversed(renamed))), tree)
    after = {ref: (path, data["id"]) for ref, (path, data) in records_by_ref(tree).items()}
    assert after == before
    assert load_register(tree)[1].lines() == []


def test_reimport_removes_a_record_left_in_the_wrong_folder(tree, tmp_path):
    source = write_csv(tmp_path / "real_products.csv", ROWS[:1])
    rp.write_all(source, tree)
    path = tree / "products" / "40-nghe-an" / "40-ruou-mu-tun.yaml"
    stray = tree / "products" / "48-da-nang" / path.name
    stray.parent.mkdir(parents=True)
    path.rename(stray)
    rp.write_all(source, tree)
    assert path.exists() and not stray.exists()


def test_rows_merged_into_one_record_keep_the_ids_they_had_as_former_ids(tree, tmp_path):
    """Before the importer merged re-recognitions, RP0066 was a record of its own (id …-rp0066) beside RP0057's:
    importing again makes one record, whose former_ids keep the old address alive (a redirect, not "deleted")."""
    source = write_csv(tmp_path / "real_products.csv", ROWS)
    rp.write_all(source, tree)
    folder = tree / "products" / "24-bac-ninh"
    merged = yaml.safe_load((folder / "24-vu-sua-tan-yen.yaml").read_text(encoding="utf-8"))
    old = {**merged, "id": "24-vu-sua-tan-yen-rp0066", "as_published": {"ref": "RP0066"}}
    (folder / "24-vu-sua-tan-yen-rp0066.yaml").write_text(yaml.safe_dump(old, allow_unicode=True), encoding="utf-8")
    merged["as_published"] = {"ref": "RP0057"}
    (folder / "24-vu-sua-tan-yen.yaml").write_text(yaml.safe_dump(merged, allow_unicode=True), encoding="utf-8")

    for _ in range(2):  # the merge, then a re-import that keeps what it found
        rp.write_all(source, tree)
        assert not (folder / "24-vu-sua-tan-yen-rp0066.yaml").exists()
        record = yaml.safe_load((folder / "24-vu-sua-tan-yen.yaml").read_text(encoding="utf-8"))
        assert list(record)[:2] == ["id", "former_ids"]
        assert record["former_ids"] == ["24-vu-sua-tan-yen-rp0066"]
        register, report = load_register(tree)
        assert report.lines() == []
        assert redirect_map(register, read_history(tree)) == {"24-vu-sua-tan-yen-rp0066": "24-vu-sua-tan-yen"}
