"""Reading a file the tool is pointed at: a regular file only, within a size, never blocking.

Every file the tool reads as input goes through `read_regular`: answer files, survey exports,
self-assessment files, `--map`, `--settings`, the build cache, a previous build's manifest and the
files given to `verifiera`.

- The path is checked before it is opened, from its metadata alone: a folder, a named pipe, a
  socket or a device (`/dev/zero` behind a link) is refused by kind, and a file larger than its
  limit by size, so nothing can block the tool or fill its memory.
- It is then opened without blocking and checked again on what was opened (it may have been
  replaced in between), and never more than the limit is read (it may have grown).

Each kind of file has its limit here, so that a rule lives in one place.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from .problems import ContentError, Problem
from .text import grouped

MAX_YAML = 1_000_000  # an answer, settings, map or self-assessment file: a large answer file is 60 KB
MAX_EXPORT = 20_000_000  # a survey export (CSV or XLSX)
MAX_CACHE = 256_000_000  # the build cache: about 3 KB an organisation
MAX_MANIFEST = 64_000_000  # a previous build's manifest
MAX_DELIVERED = 100_000_000  # a file given to `verifiera`: a delivered report PDF is about 100 KB

ANSWER_FILE = "an answer file"

_OTHER_KINDS = (
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)


def kind_problem(mode: int, what: str = ANSWER_FILE) -> str | None:
    """Why a file of this type cannot be read as `what`; None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return f"is a folder, not {what}"
    kind = next((name for test, name in _OTHER_KINDS if test(mode)), None)
    return f"is not a regular file but {kind}" if kind else "is not a regular file"


def cannot_read(exc: OSError) -> str:
    return f"cannot be read: {exc.strerror or exc}"


def size_problem(size: int, limit: int, what: str = ANSWER_FILE) -> str | None:
    if size <= limit:
        return None
    return f"expected at most {grouped(limit)} bytes, got {grouped(size)}; this is not {what}"


def entry_problem(path: Path, what: str = ANSWER_FILE, limit: int | None = None) -> str | None:
    """Why this path cannot be read as `what`, from its metadata alone: nothing is opened, so a
    named pipe or a device cannot block or be disturbed."""
    try:
        st = os.stat(path)
    except FileNotFoundError as exc:
        try:
            from .text import show

            return f"is a symbolic link to {show(os.readlink(path), 80)} that does not exist"
        except OSError:  # not a link: the file itself is missing
            return cannot_read(exc)
    except OSError as exc:
        return cannot_read(exc)
    return kind_problem(st.st_mode, what) or (size_problem(st.st_size, limit, what) if limit is not None else None)


def read_regular(path: Path, limit: int = MAX_YAML, what: str = ANSWER_FILE) -> tuple[bytes | None, str | None]:
    """A regular file's bytes, or why it cannot be read (as the message of a problem)."""
    problem = entry_problem(path, what, limit)
    if problem is not None:
        return None, problem
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
        with open(fd, "rb") as fh:
            st = os.fstat(fd)
            problem = kind_problem(st.st_mode, what) or size_problem(st.st_size, limit, what)
            if problem:
                return None, problem
            data = fh.read(limit + 1)
    except OSError as exc:
        return None, cannot_read(exc)
    if len(data) > limit:
        return None, f"grew beyond {grouped(limit)} bytes while it was read; this is not {what}"
    return data, None


def read_or_refuse(path: Path, shown: str, field: str, limit: int, what: str) -> bytes:
    """`read_regular`, with the reason as a ContentError naming the file (`file:1: field: …`)."""
    data, problem = read_regular(path, limit, what)
    if problem is not None:
        raise ContentError([Problem(shown, 1, field, problem)])
    assert data is not None  # read_regular gives the bytes or the reason
    return data
