"""Imported first by every script here: run it with the project's own Python (`.venv/`, made by `make site` or
`make test`) when started with another one, so ``scripts/x.py`` works as well as ``.venv/bin/python scripts/x.py``."""
import os
import sys
from pathlib import Path

try:
    import ocop  # noqa: F401
except ImportError:
    venv = Path(__file__).resolve().parent.parent / ".venv"
    venv_python = venv / "bin" / "python"
    if not venv_python.exists() or Path(sys.prefix).resolve() == venv.resolve():
        sys.exit("chưa cài gói ocop: chạy `make site` (hoặc `make test`) một lần ở thư mục dự án, rồi chạy lại")
    os.execv(str(venv_python), [str(venv_python), *sys.argv])
