"""Writes a build's files under the staging folder, from any process (pipeline.output swaps it in)."""

from __future__ import annotations

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
