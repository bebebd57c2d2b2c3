"""Output helpers: a computation in a forked process gives its value or its error to the build; a file given as
chunks is written joined, and only when its bytes differ."""

import os
import shutil

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


def test_plan_makes_again_what_was_deleted_from_crowded_folders(tmp_path):
    """A plan lists crowded folders instead of asking for each file: a file gone from a folder of many files, or a
    product's page folder gone from a folder of many such folders, is made again; the rest is skipped."""
    from ocop.output import STATE, Job, Output

    jobs = [Job(f"san-pham/p{i}/index.html", f"k{i}", lambda: b"page") for i in range(70)]
    jobs += [Job(f"api/v1/products/p{i}.json", f"k{i}", lambda: b"{}") for i in range(70)]
    jobs += [Job("index.html", "home", lambda: b"home")]
    first = Output(tmp_path, "build")
    first.make(first.plan(jobs), workers=1)
    first.finish()
    assert (tmp_path / STATE).exists()
    shutil.rmtree(tmp_path / "san-pham/p3")
    os.remove(tmp_path / "api/v1/products/p5.json")
    os.remove(tmp_path / "index.html")
    again = Output(tmp_path, "build")
    assert again._crowded == {"api/v1/products"} and again._crowded_pages == {"san-pham"}
    assert [job.output for job in again.plan(jobs)] == [
        "san-pham/p3/index.html", "api/v1/products/p5.json", "index.html"]
    assert again.stats.skipped == len(jobs) - 3
