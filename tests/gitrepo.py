"""A real throw-away git repository holding a register, for the history, redirect and build tests (no mocks)."""

from __future__ import annotations

import shutil
from pathlib import Path

import git

from conftest import FIXTURE


class GitRegister:
    """content/ (the fixture's two provinces) in a new git repository; each commit gets a fixed date."""

    def __init__(self, root: Path):
        self.root = root
        self.repo = git.Repo.init(root, initial_branch="main")
        with self.repo.config_writer() as config:
            config.set_value("user", "name", "Người biên tập")
            config.set_value("user", "email", "bien-tap@example.org")
            config.set_value("commit", "gpgsign", "false")
        self.content = root / "content"
        shutil.copytree(FIXTURE / "provinces", self.content / "provinces")
        (self.content / "products").mkdir()
        self.day = 0

    def commit(self, message: str, author: str = "Người biên tập") -> str:
        """Stage everything and commit it, one day after the previous commit; returns the sha."""
        self.day += 1
        when = f"2025-01-{self.day:02d}T09:00:00+07:00"
        self.repo.git.add("-A")
        self.repo.git.commit("-q", "-m", message, f"--author={author} <bien-tap@example.org>",
                             env={"GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when})
        return self.repo.head.commit.hexsha

    def move(self, old: Path, new: Path) -> None:
        new.parent.mkdir(parents=True, exist_ok=True)
        self.repo.git.mv(str(old), str(new))
