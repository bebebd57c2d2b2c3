"""``ocop validate`` as an editor uses it: every problem as file:line: field: message, exit 1."""

import os
import subprocess
from pathlib import Path

import pytest
import sys

from conftest import valid_record, write_record
from ocop.cli import main

BAD = """\
id: 68-mat-ong
name: Mật ong
province: "68"
province_at_recognition: "68"
stars: 3
producer:
  tax_code: 0101234567
certification:
  decided_on: 2023-02-30
  decision: 12/QĐ-UBND
status: active
sources: [https://a.vn/x, NO]
name: Mật ong rừng
description: !!python/object/apply:os.system ["touch ocop_owned"]
"""


def test_validate_reports_every_problem_and_validates_the_rest(content, capsys, tmp_path, monkeypatch):
    bad = write_record(content, BAD, name="68-mat-ong.yaml")
    write_record(content, valid_record())
    monkeypatch.chdir(content.parent)
    code = main(["--content", "content", "validate"])
    out, err = capsys.readouterr()
    shown = "content/products/68-lam-dong/68-mat-ong.yaml"
    assert code == 1
    assert out.splitlines()[:5] == [
        f"{shown}:7: producer.tax_code: mã số thuế «0101234567» sai chữ số kiểm tra (số cuối); hãy đối chiếu lại giấy đăng ký",
        f"{shown}:9: certification.decided_on: ngày «2023-02-30» không hợp lệ; ghi một ngày có thật theo dạng YYYY-MM-DD, ví dụ 2024-03-13",
        f"{shown}:12: sources.1: «NO»: nguồn phải là địa chỉ web bắt đầu bằng http:// hoặc https://",
        f"{shown}:13: name: trường «name» bị lặp (dòng 13, đã có ở dòng 2); chỉ giữ một",
        f"{shown}:14: description: thẻ YAML «!!python/object/apply:os.system» không được chấp nhận; chỉ ghi giá trị thường",
    ]
    assert "1 hồ sơ hợp lệ" in err
    assert not (tmp_path / "ocop_owned").exists() and not (content.parent / "ocop_owned").exists()
    assert bad.exists()


def test_validate_named_files_only(content, capsys, monkeypatch):
    write_record(content, valid_record(stars=7))
    good = write_record(content, valid_record(id="68-b", name="B"))
    monkeypatch.chdir(content.parent)
    assert main(["validate", str(good.relative_to(content.parent))]) == 0
    assert "Hợp lệ: 1 hồ sơ" in capsys.readouterr().out


def test_validate_clean_register_exits_0_as_a_real_command(content):
    write_record(content, valid_record())
    result = subprocess.run([sys.executable, "-m", "ocop.cli", "--content", str(content), "validate"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Hợp lệ: 1 hồ sơ sản phẩm" in result.stdout


def test_content_may_follow_the_command(content, capsys, tmp_path_factory, monkeypatch):
    """The error outside a register says «chỉ rõ bằng --content»: it works before or after the command."""
    write_record(content, valid_record())
    monkeypatch.chdir(tmp_path_factory.mktemp("elsewhere"))  # no register here or above
    assert main(["validate", "--content", str(content)]) == 0
    assert "Hợp lệ: 1 hồ sơ sản phẩm" in capsys.readouterr().out
    assert main(["--content", str(content), "validate"]) == 0
    assert main(["validate"]) == 2
    assert "chỉ rõ bằng --content THƯ_MỤC" in capsys.readouterr().err


def test_build_refuses_invalid_data(content, capsys, tmp_path):
    write_record(content, valid_record(stars=7))
    code = main(["--content", str(content), "build", "--output", str(tmp_path / "out")])
    assert code == 1
    assert not (tmp_path / "out").exists()
    assert ": stars: hạng sao phải là 3, 4 hoặc 5" in capsys.readouterr().out


def test_build_never_wipes_a_folder_that_is_not_a_site(content, capsys, tmp_path):
    write_record(content, valid_record())
    keep = tmp_path / "notes" / "important.txt"
    keep.parent.mkdir()
    keep.write_text("giữ lại", encoding="utf-8")
    assert main(["--content", str(content), "build", "--output", str(keep.parent)]) == 1
    assert keep.read_text(encoding="utf-8") == "giữ lại"
    assert "chọn thư mục trống" in capsys.readouterr().err


def test_validate_one_file_against_the_register_ids(content, capsys, monkeypatch):
    write_record(content, valid_record())
    copy = write_record(content, valid_record(), folder="68-lam-dong/moi")
    monkeypatch.chdir(content.parent)
    assert main(["validate", str(copy.relative_to(content.parent))]) == 1
    out = capsys.readouterr().out
    assert out.startswith("content/products/68-lam-dong/moi/68-ca-phe-cau-dat.yaml:1: id: id «68-ca-phe-cau-dat» "
                          "cũng được dùng ở content/products/68-lam-dong/68-ca-phe-cau-dat.yaml:1")


def test_validate_one_file_reads_the_other_ids_from_the_cache(content, capsys, monkeypatch):
    """After a build or a full validate, checking one file does not parse the register's other files again."""
    from ocop import register
    other = write_record(content, valid_record())
    monkeypatch.chdir(content.parent)
    assert main(["validate"]) == 0
    real = register.load_entry
    monkeypatch.setattr(register, "load_entry", lambda raw, path: (
        pytest.fail(f"{path} parsed again") if Path(path) == other else real(raw, path)))
    copy = write_record(content, valid_record(), folder="68-lam-dong/moi")
    capsys.readouterr()
    assert main(["validate", str(copy.relative_to(content.parent))]) == 1
    assert "cũng được dùng ở content/products/68-lam-dong/68-ca-phe-cau-dat.yaml:1" in capsys.readouterr().out


def test_validate_finds_content_from_a_subfolder(content, capsys, monkeypatch):
    path = write_record(content, valid_record())
    monkeypatch.chdir(path.parent)
    assert main(["validate", path.name]) == 0
    assert "Hợp lệ: 1 hồ sơ" in capsys.readouterr().out


def test_non_utf8_names_the_line(content, capsys, monkeypatch):
    from conftest import FIXTURE
    raw = (FIXTURE.parent / "cases" / "B25_cp1258.csv").read_bytes().splitlines()[1]
    write_record(content, "id: 68-x\n# ghi chú\nname: " + "x" * 3 + "\n", name="68-x.yaml")
    path = content / "products/68-lam-dong/68-x.yaml"
    path.write_bytes(b"id: 68-x\n# ghi chu\nname: " + raw + b"\n")
    monkeypatch.chdir(content.parent)
    assert main(["validate"]) == 1
    assert capsys.readouterr().out.startswith("content/products/68-lam-dong/68-x.yaml:3: (cả tệp): tệp không phải UTF-8")


@pytest.mark.parametrize("text, where, message", [
    ("id: 68-x\nproducer:\n\tname: Mứt\n", "3: producer.name", "(thường là Tab; YAML chỉ dùng dấu cách để thụt lề)"),
    ("id: 68-x\nname: a: b\n", "2: name", "lỗi cú pháp YAML: dấu «:» không đúng chỗ"),
    ("id: 68-x\n---\nid: 68-y\n", "2: (cả tệp)", "lỗi cú pháp YAML: tệp chỉ được chứa một hồ sơ"),
    ("id: 68-x\nname: M\x00t\n", "2: name", "lỗi cú pháp YAML: có ký tự điều khiển không hợp lệ"),
    # A quote left open: YAML reads on and trips where the next quote closes it, or at the end of the file.
    ("id: 68-x\nname: 'Sà rông\nprovince: '68'\nstars: 3\n", "2: name",
     "lỗi cú pháp YAML: ngoặc «'» mở ở dòng này chưa được đóng; thêm «'» ở cuối giá trị"),
    ("id: 68-x\nname: \"Sà rông\nstars: 3\n", "2: name", "ngoặc «\"» mở ở dòng này chưa được đóng"),
    ("id: 68-x\nname: 'Sà rông'\ndescription: 'Một dòng\n  và dòng nữa'\nstars: 3\nx: 'y\nz: 'w'\n", "6: x",
     "ngoặc «'» mở ở dòng này chưa được đóng"),
    # A field indented deeper than the one above it.
    ("id: 68-x\nproducer:\n  name: Công ty\n    kind: htx\n", "4: producer.kind",
     "lỗi cú pháp YAML: dòng này thụt vào sâu hơn trường phía trên; các trường cùng cấp phải thẳng cột"),
])
def test_yaml_syntax_errors_in_vietnamese_on_one_line(content, capsys, monkeypatch, text, where, message):
    """One line naming the file, the line and (read from the keys above it) the field YAML could not parse."""
    (content / "products/68-lam-dong").mkdir(parents=True)
    (content / "products/68-lam-dong/68-x.yaml").write_text(text, encoding="utf-8")
    monkeypatch.chdir(content.parent)
    assert main(["validate"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 1 and message in out[0]
    assert out[0].startswith(f"content/products/68-lam-dong/68-x.yaml:{where}: ")


def test_build_rejects_an_impossible_today(capsys):
    assert main(["build", "--today", "2024-02-30"]) == 2
    assert "--today: ngày «2024-02-30» không hợp lệ" in capsys.readouterr().err


def test_build_names_a_missing_settings_file(content, capsys, tmp_path, monkeypatch):
    write_record(content, valid_record())
    monkeypatch.chdir(tmp_path)  # no pelicanconf.py beside content/ nor here
    assert main(["--content", str(content), "build", "--output", str(tmp_path / "out")]) == 2
    assert capsys.readouterr().err.startswith("không thấy tệp cấu hình «pelicanconf.py»: chỉ rõ --settings TỆP")
    assert not (tmp_path / "out").exists()


def test_publishing_settings_work_from_any_folder(content, tmp_path):
    """publishconf.py finds the pelicanconf.py beside it, not one in the working folder."""
    write_record(content, valid_record())
    settings = str(Path(__file__).resolve().parent.parent / "publishconf.py")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"} | {"OCOP_SITEURL": "https://ocop.example.vn"}
    got = subprocess.run([str(Path(sys.executable).with_name("ocop")), "--content", str(content), "build", "--settings",
                          settings, "--output", str(tmp_path / "out"), "--today", "2026-12-03"],
                         cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert got.returncode == 0, got.stderr
    assert "<loc>https://ocop.example.vn/</loc>" in (tmp_path / "out" / "sitemap.xml").read_text(encoding="utf-8")


def test_build_says_how_to_view_the_folder_it_wrote(content, capsys, tmp_path, monkeypatch):
    write_record(content, valid_record())
    out = tmp_path / "elsewhere"
    assert main(["--content", str(content), "build", "--output", str(out), "--today", "2026-12-03"]) == 0
    assert f"xem bằng: ocop serve --output {out} (" in capsys.readouterr().out
    monkeypatch.chdir(tmp_path)
    settings = str(Path(__file__).resolve().parent.parent / "pelicanconf.py")
    assert main(["--content", str(content), "build", "--settings", settings, "--today", "2026-12-03"]) == 0  # output/ here
    assert "xem bằng: make serve (" in capsys.readouterr().out
