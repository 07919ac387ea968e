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


def write_atomic(path: Path, data: bytes | str, mode: int = 0o600) -> None:
    """Write a file whole or not at all: into a private temporary file beside it, flushed to disk,
    then renamed over it in one step. A reader sees the old file or the new one, never half of one."""
    import os
    import tempfile

    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with open(fd, "wb") as fh:
            fh.write(data.encode("utf-8") if isinstance(data, str) else data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
