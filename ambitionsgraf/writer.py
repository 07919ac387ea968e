"""Writes a build's files under the staging folder, from any process (pipeline.output swaps it in).

What is meant for one organisation (`leverans/`, layout.DELIVERY) is written readable by its owner only:
folders 0700, files 0600, whatever the umask. The public site keeps the modes the umask gives."""

from __future__ import annotations

import os
from pathlib import Path

from .layout import DELIVERY  # the delivery packages: unpublished organisations' reports among them

PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600


def is_private(relpath: str) -> bool:
    return relpath == DELIVERY or relpath.startswith(DELIVERY + "/")


def make_private(root: Path) -> None:
    """Make `root/leverans` and everything in it private: files carried over from an earlier build
    (hard links) keep the mode they were written with."""
    top = root / DELIVERY
    if top.is_symlink() or not top.is_dir():
        return
    os.chmod(top, PRIVATE_DIR_MODE)
    for folder, dirs, files in os.walk(top):
        for name in dirs:
            if not os.path.islink(os.path.join(folder, name)):
                os.chmod(os.path.join(folder, name), PRIVATE_DIR_MODE)
        for name in files:
            path = os.path.join(folder, name)
            if not os.path.islink(path):
                os.chmod(path, PRIVATE_FILE_MODE)


class DuplicateOutput(Exception):
    pass


class FolderWriter:
    """Writes files under one folder, from any process (each has its own writer for the staging folder)."""

    def __init__(self, root: Path):
        self.root = root
        self._made: set[Path] = set()

    def parent(self, relpath: str) -> Path:
        """The file's path, its folder made (once per folder)."""
        target = self.root / relpath
        if target.parent not in self._made:
            if is_private(relpath):  # each folder private before anything is written into it, whatever the umask
                folder = self.root
                for part in Path(relpath).parent.parts:
                    folder = folder / part
                    folder.mkdir(mode=PRIVATE_DIR_MODE, exist_ok=True)
                    os.chmod(folder, PRIVATE_DIR_MODE)
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
            self._made.add(target.parent)
        return target

    def put(self, relpath: str, data: bytes | str) -> None:
        target = self.parent(relpath)
        target.unlink(missing_ok=True)  # it may be a hard link to the previous build: never write through it
        content = data.encode("utf-8") if isinstance(data, str) else data
        mode = PRIVATE_FILE_MODE if is_private(relpath) else 0o666  # the umask makes the public one ordinary
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, mode)
        with open(fd, "wb") as fh:
            fh.write(content)

    def put_all(self, bundle: dict[str, bytes | str]) -> list[str]:
        for relpath, data in bundle.items():
            self.put(relpath, data)
        return sorted(bundle)


class BuildWriter:
    """The build's own record of the staging folder: every file of the output passes here once, whether
    carried over, written by a worker or written here, and a second time is refused (DuplicateOutput),
    as Pelican's Writer refuses to overwrite what it wrote."""

    def __init__(self, root: Path):
        self.root = root
        self.written: set[str] = set()
        self.pages = 0
        self.pdfs = 0
        self._folder = FolderWriter(root)

    def adopt(self, relpaths, *, carried: bool = False) -> None:
        """Files already in the staging folder, written by a worker (counted as written) or carried
        over from the previous output (not counted: this build did not write them)."""
        for rel in relpaths:
            if rel in self.written:
                raise DuplicateOutput(f"{rel} would be written twice")
            self.written.add(rel)
            if not carried:
                self.pdfs += rel.endswith(".pdf")
                self.pages += rel.endswith(".html")

    def put(self, relpath: str, data: bytes | str) -> None:
        self.adopt([relpath])
        self._folder.put(relpath, data)

    def under(self, root: str) -> list[str]:
        """What was written under one top folder, relative to it."""
        return sorted(f.removeprefix(root + "/") for f in self.written if f.startswith(root + "/"))
