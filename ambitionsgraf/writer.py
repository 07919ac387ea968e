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


class Staging:
    def __init__(self, out_dir: Path, *, carry_over: bool = False):
        self.out_dir = out_dir
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        self.dir = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.building-", dir=out_dir.parent))
        self.written: set[str] = set()
        if carry_over and out_dir.is_dir():
            # Hard links are free; writes below unlink first, so the old tree is never changed.
            shutil.copytree(out_dir, self.dir, dirs_exist_ok=True, copy_function=os.link)

    def write(self, relpath: str, data: bytes | str) -> None:
        if relpath in self.written:
            raise DuplicateOutput(f"{relpath} would be written twice")
        self.written.add(relpath)
        target = self.dir / relpath
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():
            target.unlink()
        target.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)

    def adopt(self, relpaths: list[str]) -> None:
        """Record files another process wrote into this staging folder."""
        for relpath in relpaths:
            if relpath in self.written:
                raise DuplicateOutput(f"{relpath} would be written twice")
            self.written.add(relpath)

    def prune(self, keep: set[str]) -> None:
        """Drop every carried-over file that is not to be kept (this build rewrites the rest)."""
        for path in sorted(self.dir.rglob("*"), reverse=True):
            rel = str(path.relative_to(self.dir))
            if path.is_file() and rel not in keep:
                path.unlink()
            elif path.is_dir() and not any(path.iterdir()):
                path.rmdir()

    def remove(self, relpath: str) -> None:
        target = self.dir / relpath
        if target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()

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
