"""Writing a file whole or not at all: the one way the tool writes a file a person keeps.

A file is written into a hidden file beside its target (same folder, so same file system), then put in
place with one rename or link. A reader sees the old file or the new one, never half of either; a
file that appeared meanwhile is never replaced where the caller says it must not be. Used for the
answer files (`new`, `import`), the build cache and the delivery archive.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def stage(target: Path, data: bytes, *, mode: int | None = None, folder_mode: int = 0o777) -> Path:
    """The data in a new hidden file beside `target` (its folder made, with `folder_mode` before the
    umask): private (0600) unless `mode` is given, in which case it gets exactly that mode."""
    target.parent.mkdir(mode=folder_mode, parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")  # never through a link
    tmp = Path(name)
    try:
        with open(fd, "wb") as fh:
            if mode is not None:
                os.fchmod(fh.fileno(), mode)
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())  # on disk before it is put in place: a crash leaves the old file or the new one
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def place(tmp: Path, target: Path, *, replace: bool = True) -> None:
    """Put a staged file in place. With replace=False a file that exists at `target` (it may have
    appeared since the caller looked) is never replaced: FileExistsError. The staged name is gone
    afterwards whatever happens."""
    try:
        if replace:
            os.replace(tmp, target)
            return
        try:
            os.link(tmp, target)  # refuses to replace a file that appeared meanwhile
        except FileExistsError:
            raise
        except OSError:  # no hard links on this file system
            if os.path.lexists(target):
                raise FileExistsError(target) from None
            os.replace(tmp, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def umask_mode() -> int:
    """The mode a new ordinary file gets under the current umask (0666 less the mask)."""
    mask = os.umask(0o077)
    os.umask(mask)
    return 0o666 & ~mask


def write(target: Path, data: bytes | str, *, replace: bool = True, mode: int | None = None, folder_mode: int = 0o777) -> None:
    """Write `target` whole or not at all (see `stage` and `place`); OSError when it cannot be."""
    blob = data.encode("utf-8") if isinstance(data, str) else data
    place(stage(target, blob, mode=mode, folder_mode=folder_mode), target, replace=replace)
