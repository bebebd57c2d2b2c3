"""Vietnamese tax codes (mã số thuế): check digit and accepted forms."""

from __future__ import annotations

import re

_WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)
_TEN = re.compile(r"^[0-9]{10}$")
_BRANCH = re.compile(r"^([0-9]{10})-([0-9]{3})$")
_PERSONAL = re.compile(r"^[0-9]{12}$")


def check_digit(first_nine: str) -> int | None:
    """Check digit for the first nine digits, or None if no valid code can start so."""
    digit = 10 - sum(w * int(d) for w, d in zip(_WEIGHTS, first_nine)) % 11
    return None if digit == 10 else digit


def problem(code: str) -> str | None:
    """None if *code* is a well-formed tax code, else a Vietnamese explanation."""
    branch = _BRANCH.match(code)
    if branch:
        if branch.group(2) == "000":
            return "mã chi nhánh (3 số cuối) phải từ 001 đến 999"
        code = branch.group(1)
    if _TEN.match(code):
        expected = check_digit(code[:9])
        if expected != int(code[9]):
            return f"mã số thuế «{code}» sai chữ số kiểm tra (số cuối); hãy đối chiếu lại giấy đăng ký"
        return None
    if _PERSONAL.match(code):
        if not 1 <= int(code[:3]) <= 96:
            return f"số định danh «{code}»: 3 số đầu phải là mã tỉnh nơi đăng ký khai sinh (001–096)"
        return None
    return ("mã số thuế phải gồm 10 chữ số, 10 chữ số-3 chữ số (chi nhánh) hoặc 12 chữ số "
            f"(số định danh cá nhân của hộ kinh doanh); đang ghi «{code}»")
