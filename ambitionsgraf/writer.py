"""Writes a whole output tree into a fresh folder and swaps it in at the end.

A failed build removes its staging folder and leaves the previous output
exactly as it was. A path may be written once per build.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path


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
            target.parent.mkdir(parents=True, exist_ok=True)
            self._made.add(target.parent)
        return target

    def put(self, relpath: str, data: bytes | str) -> None:
        target = self.parent(relpath)
        target.unlink(missing_ok=True)  # it may be a hard link to the previous build: never write through it
        target.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)

    def put_all(self, bundle: dict[str, bytes | str]) -> list[str]:
        for relpath, data in bundle.items():
            self.put(relpath, data)
        return sorted(bundle)


class Staging:
    def __init__(self, out_dir: Path):
        self.out_dir = out_dir
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        self.dir = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.building-", dir=out_dir.parent))
        self.written: set[str] = set()
        self.files = FolderWriter(self.dir)

    def carry_over(self, relpaths: set[str]) -> None:
        """Take these files from the previous output unchanged: hard links, which cost nothing.
        Every write unlinks first, so the previous tree is never changed through a link."""
        for relpath in sorted(relpaths):
            os.link(self.out_dir / relpath, self.files.parent(relpath))

    def write(self, relpath: str, data: bytes | str) -> None:
        if relpath in self.written:
            raise DuplicateOutput(f"{relpath} would be written twice")
        self.written.add(relpath)
        self.files.put(relpath, data)

    def adopt(self, relpaths: list[str]) -> None:
        """Record files another process wrote into this staging folder."""
        for relpath in relpaths:
            if relpath in self.written:
                raise DuplicateOutput(f"{relpath} would be written twice")
            self.written.add(relpath)

    def commit(self) -> None:
        old = None
        if self.out_dir.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{self.out_dir.name}.old-", dir=self.out_dir.parent))
            os.rmdir(old)
            os.rename(self.out_dir, old)
        os.rename(self.dir, self.out_dir)
        if old is not None:
            shutil.rmtree(old)

    def abort(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)
