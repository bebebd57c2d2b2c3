"""The operational scripts: started with any Python they run with the project's, and say what is wrong."""

import subprocess
import sys
from pathlib import Path

from conftest import ROOT

BASE_PYTHON = Path(sys.base_prefix) / "bin" / "python3"  # the interpreter .venv was made from: no ocop there


def run(python: Path | str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(python), *args], cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_a_script_started_with_another_python_runs_with_the_projects():
    assert run(BASE_PYTHON, "-c", "import ocop").returncode != 0  # the premise: ocop is not there
    got = run(BASE_PYTHON, "scripts/generate_synthetic.py", "--help")
    assert got.returncode == 0, got.stderr
    assert "usage: generate_synthetic.py" in got.stdout


def test_import_scripts_name_a_missing_source(tmp_path):
    missing = tmp_path / "khong-co.csv"
    got = run(sys.executable, "scripts/import_real_products.py", str(missing))
    assert got.returncode == 1 and got.stderr.strip() == f"không thấy tệp «{missing}»: chỉ rõ CSV (xem README, mục Re-importing)"
    got = run(sys.executable, "scripts/import_provinces.py", str(tmp_path / "khong-co"))
    assert got.returncode == 1 and "không thấy thư mục bảng tham chiếu" in got.stderr
    assert "Traceback" not in got.stderr


def test_import_scripts_take_help():
    for script in ("import_provinces.py", "import_real_products.py"):
        got = run(sys.executable, f"scripts/{script}", "--help")
        assert got.returncode == 0 and got.stdout.startswith(f"usage: {script}"), got.stderr
