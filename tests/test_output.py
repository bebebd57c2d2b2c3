"""Output helpers: a computation in a forked process gives its value or its error to the build; a file given as
chunks is written joined, and only when its bytes differ."""

import os

import pytest

from ocop.output import Background, write_if_changed


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


def test_file_given_as_chunks_is_written_joined_and_only_when_its_bytes_differ(tmp_path):
    path = tmp_path / "data" / "t.csv"
    assert write_if_changed(path, [b"a,b\n", memoryview(b"1,2\n"), b""])
    assert path.read_bytes() == b"a,b\n1,2\n"
    assert not write_if_changed(path, [b"a,", b"b\n1,2\n"])  # same bytes, cut elsewhere
    assert not write_if_changed(path, b"a,b\n1,2\n")
    assert write_if_changed(path, [b"a,b\n", b"1,3\n"])  # same size, one byte differs in the last chunk
    assert path.read_bytes() == b"a,b\n1,3\n"
    # What follows the first chunk that differs is written over the file (the same file: its inode stays).
    inode = path.stat().st_ino
    for chunks in ([b"a,b\n", b"1,3\n", b"4,5\n"], [b"a,b\n", b"9,9,9\n", b"4,5\n"], [b"a,b\n", b"9\n"],
                   [b"x", b"", b"y"], [b"a", b"b"], [b"", b""], [b"a,b\n", b"1,3\n"]):
        assert write_if_changed(path, chunks)
        assert path.read_bytes() == b"".join(chunks) and path.stat().st_ino == inode
        assert not write_if_changed(path, chunks)
