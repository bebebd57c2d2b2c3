"""Change history from a real temporary git repository: add, edit, rename, move, delete, re-add."""

import pytest

from conftest import valid_record, write_record
from gitrepo import GitRegister
from ocop.history import read_history

A, B = "68-ca-phe-cau-dat", "68-mat-ong-bac-ha"


@pytest.fixture
def repo(tmp_path):
    return GitRegister(tmp_path / "repo")


def test_add_edit_rename_delete(repo):
    write_record(repo.content, valid_record())
    write_record(repo.content, valid_record(id=B, name="Mật ong bạc hà"))
    first = repo.commit("Thêm hai sản phẩm")
    write_record(repo.content, valid_record(name="Cà phê Cầu Đất Đà Lạt", stars=5, score=None))
    repo.commit("Nâng hạng cà phê", author="Trần Thị B")
    old = repo.content / "products/68-lam-dong" / f"{A}.yaml"
    new = old.with_name("68-ca-phe-cau-dat-da-lat.yaml")
    repo.move(old, new)
    write_record(repo.content, valid_record(id=new.stem, name="Cà phê Cầu Đất Đà Lạt", stars=5, score=None))
    repo.commit("Đổi mã cho khớp tên")
    (repo.content / "products/68-lam-dong" / f"{B}.yaml").unlink()
    last = repo.commit("Xoá bản trùng")

    history = read_history(repo.content)
    assert history.head == last
    changes = history.changes_of(new.stem)
    assert [c.action for c in changes] == ["renamed", "modified", "added"]
    renamed, modified, added = changes
    assert renamed.old_id == A and renamed.id == new.stem
    assert [f.field for f in renamed.fields] == ["id"]
    assert modified.author == "Trần Thị B" and modified.message == "Nâng hạng cà phê"
    assert modified.date == "2025-01-02T09:00:00+07:00" and str(modified.day) == "2025-01-02"
    assert [(f.field, f.old, f.new) for f in modified.fields] == [
        ("name", "Cà phê Cầu Đất", "Cà phê Cầu Đất Đà Lạt"), ("stars", 4, 5),
        ("score.a", 30, None), ("score.b", 20, None), ("score.c", 25, None)]
    assert added.commit == first and added.fields == ()
    assert history.renames == {A: new.stem}
    assert history.changes_of(A) == []
    assert [lin.id for lin in history.deleted] == [B]
    assert [c.action for c in history.changes_of(B)] == ["deleted", "added"]
    assert [c.message for c in history.commits] == ["Thêm hai sản phẩm", "Nâng hạng cà phê", "Đổi mã cho khớp tên",
                                                    "Xoá bản trùng"]
    assert len(history.commits[0].changes) == 2


def test_rename_chain_and_move_to_another_province(repo):
    write_record(repo.content, valid_record())
    repo.commit("Thêm")
    products = repo.content / "products"
    repo.move(products / "68-lam-dong" / f"{A}.yaml", products / "68-lam-dong" / "68-ca-phe-b.yaml")
    write_record(repo.content, valid_record(id="68-ca-phe-b"))
    repo.commit("Đổi mã lần 1")
    repo.move(products / "68-lam-dong" / "68-ca-phe-b.yaml", products / "96-ca-mau" / "68-ca-phe-c.yaml")
    write_record(repo.content, valid_record(id="68-ca-phe-c", province="96", province_at_recognition="96"),
                 folder="96-ca-mau")
    repo.commit("Đổi mã lần 2, chuyển tỉnh")
    repo.move(products / "96-ca-mau" / "68-ca-phe-c.yaml", products / "68-lam-dong" / "68-ca-phe-c.yaml")
    write_record(repo.content, valid_record(id="68-ca-phe-c"))
    repo.commit("Chuyển về Lâm Đồng")
    history = read_history(repo.content)
    assert history.renames == {A: "68-ca-phe-c", "68-ca-phe-b": "68-ca-phe-c"}
    assert [c.action for c in history.changes_of("68-ca-phe-c")] == ["moved", "renamed", "renamed", "added"]
    moved = history.changes_of("68-ca-phe-c")[0]
    assert {f.field for f in moved.fields} == {"province", "province_at_recognition"}


def test_deleted_then_added_again_keeps_one_lineage(repo):
    path = write_record(repo.content, valid_record())
    repo.commit("Thêm")
    path.unlink()
    repo.commit("Xoá nhầm")
    write_record(repo.content, valid_record())
    repo.commit("Khôi phục")
    history = read_history(repo.content)
    assert [c.action for c in history.changes_of(A)] == ["added", "deleted", "added"]
    assert history.deleted == []


def test_unreadable_past_version_gives_no_field_list(repo):
    path = write_record(repo.content, "id: [chưa xong\n", name=f"{A}.yaml")
    repo.commit("Bản nháp hỏng")
    write_record(repo.content, valid_record())
    repo.commit("Sửa")
    assert [(c.action, c.fields) for c in read_history(repo.content).changes_of(A)] == [("modified", ()), ("added", ())]
    assert path.exists()


def test_other_files_are_ignored(repo):
    (repo.content / "products" / "GHI-CHU.md").write_text("ghi chú\n", encoding="utf-8")
    repo.commit("Ghi chú")
    history = read_history(repo.content)
    assert history.commits == [] and history.lineages == {}
    assert history.head == repo.repo.head.commit.hexsha


def test_no_repository_no_history(content):
    history = read_history(content)
    assert history.head is None and history.lineages == {} and history.commits == []


def test_repository_without_commits(tmp_path, content):
    repo = GitRegister(tmp_path / "fresh")
    write_record(repo.content, valid_record())
    history = read_history(repo.content)
    assert history.head is None and history.commits == []

