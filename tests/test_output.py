"""Output helpers: a computation in a forked process gives its value or its error to the build."""

import os

import pytest

from ocop.output import Background


def test_background_runs_in_another_process_and_returns_its_value():
    parent = os.getpid()
    result = Background(lambda: {"pid": os.getpid(), "data": b"x" * 3_000_000}).result()  # larger than a pipe buffer
    assert result["pid"] != parent
    assert result["data"] == b"x" * 3_000_000


def test_background_error_is_raised_in_the_build_with_its_traceback():
    def fails():
        raise ValueError("hỏng chỉ mục")

    with pytest.raises(RuntimeError, match="ValueError: hỏng chỉ mục"):
        Background(fails).result()
