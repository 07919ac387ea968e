"""The output folder: which folders a build may replace, the staging folder, and the swap.

A build writes a whole new tree into a staging folder beside the output and swaps it in
at the end, so the output is always either the previous build or the new one:

- The swap is one atomic exchange of the two folders (Linux `renameat2` with
  RENAME_EXCHANGE); a crash at any moment leaves `--out` holding one whole tree. Where the
  file system cannot exchange, two renames are used, and a crash between them leaves the
  new tree in the staging folder, which the next build reports.
- A staging folder holds a `.gitignore` of `*`, so git never picks one up, even beside an
  output inside a repository. That file is also the folder's marker and lock: its second
  line, a comment, says which build made it (role, output, PID, host, time), and the build
  that owns it holds an flock on it. A later build removes a folder beside the output only
  when it is named as ours, holds only what a build writes, carries that marker exactly and
  nobody holds its lock: what a killed build left behind. Anything else beside the output,
  whatever its name, is never touched.
- `--out` is only ever replaced when it is new, empty, or a previous build of ours,
  recognised by its manifest; anything else is refused before a byte is written.
"""

from __future__ import annotations

import contextlib
import ctypes
import datetime
import errno
import fcntl
import hashlib
import json
import os
import re
import shutil
import socket
import stat
import tempfile
from pathlib import Path

import orjson

from .. import layout
from ..problems import ContentError, Problem
from ..safe_read import MAX_MANIFEST, read_regular
from ..text import plural
from ..writer import make_private
from .plan import GENERATOR

MANIFEST = ".manifest.json"  # beside site/ and leverans/, never deployed
MARKER = ".gitignore"  # in every staging folder: "*", who made it, and the staging folder's lock
MARKER_TEXT = "*\n"  # the first line; earlier versions wrote only this
_MARKER_HEAD = "# ambitionsgraf: "
_MARKER_KEYS = ("role", "out", "pid", "host", "started")
ROLES = {"staging": "the staging folder of a build", "previous": "the previous output, set aside by a build"}


def _staging_prefix(out_dir: Path) -> str:
    return f".{out_dir.name}.building-"


# -- which folders may be replaced ------------------------------------------------------------


def read_manifest(out_dir: Path) -> dict | None:
    """The previous build's manifest, or None when `out_dir` holds none that is ours."""

    content, problem = read_regular(out_dir / MANIFEST, MAX_MANIFEST, "a build manifest")  # a pipe there is no manifest
    if problem is not None or content is None:
        return None
    try:
        manifest = orjson.loads(content)
    except ValueError:
        return None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("orgs"), dict):
        return None
    if manifest.get("generator") == GENERATOR and {"code", "orgs"} <= manifest.keys():
        return manifest
    if manifest.keys() == {"inputs", "code", "orgs"}:
        return manifest  # written before the generator field: exactly these three, all ours
    return None


def check_out_dir(out_dir: Path, orgs_dir: Path, project_dir: Path) -> list[Problem]:
    """Refuse an output folder the build must not replace; nothing is changed either way."""
    shown = str(out_dir)
    if out_dir.name in ("", ".", ".."):
        return [Problem(shown, 1, "--out", "give the output folder by its own name, not as '.' or '..'")]
    if out_dir.is_symlink():
        return [Problem(shown, 1, "--out", "is a symbolic link; give the folder itself, or a new folder")]
    out = out_dir.resolve()
    for other, what in ((project_dir.resolve(), "the project"), (orgs_dir.resolve(), "the answer files")):
        if out == other or out in other.parents:
            return [Problem(shown, 1, "--out", f"would replace {what}; choose an output folder of its own")]
    if orgs_dir.resolve() in out.parents:  # the delivery packages would lie among the answer files, and go where they go
        return [Problem(shown, 1, "--out", f"is inside the answer files' folder {orgs_dir}; choose an output folder outside it")]
    if not out_dir.exists():
        ancestor = out_dir.parent
        while not ancestor.exists() and ancestor != ancestor.parent:
            ancestor = ancestor.parent
        if not ancestor.is_dir():
            return [Problem(shown, 1, "--out", f"cannot be made: {ancestor} is not a folder")]
        if not os.access(ancestor, os.W_OK | os.X_OK):
            return [Problem(shown, 1, "--out", f"cannot be made: {ancestor} cannot be written to")]
        return []
    if not out_dir.is_dir():
        return [Problem(shown, 1, "--out", "is a file, not a folder; choose a new or empty folder, or a previous build")]
    try:
        entries = [p.name for p in out_dir.iterdir()]
    except OSError as exc:
        return [Problem(shown, 1, "--out", f"cannot be read: {exc.strerror}")]
    if not os.access(out_dir.parent, os.W_OK | os.X_OK):
        return [Problem(shown, 1, "--out", f"cannot be replaced: {out_dir.parent} cannot be written to")]
    if entries and read_manifest(out_dir) is None:
        return [
            Problem(
                shown,
                1,
                "--out",
                "holds files that are not a previous build of ours (no build manifest) and would be deleted; choose a new or empty folder",
            )
        ]
    return []


# -- one build at a time per output folder -------------------------------------------------------


def out_key(out_dir: Path) -> str:
    """A short name for an output folder, for the files the project keeps about it (cache, lock)."""
    return hashlib.sha256(os.fsencode(out_dir.resolve())).hexdigest()[:20]


@contextlib.contextmanager
def exclusive(out_dir: Path, lock_dir: Path):
    """Hold the output folder's lock (a file under the project's cache folder) for a build, or refuse:
    two builds swapping the same folder would take files from under each other's feet."""
    path = lock_dir / f"{out_key(out_dir)}.lock"
    fd = _open_lock(path)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise ContentError(
                [Problem(str(out_dir), 1, "--out", "another build is writing this folder now; run again when it has finished")]
            ) from None
        yield
    finally:
        os.close(fd)


def _open_lock(path: Path) -> int:
    """The lock file's descriptor, made if need be; a ContentError naming what stands in its way
    (the cache folder a file, the lock a folder, a link or a pipe), never a traceback."""
    from ..safe_read import kind_problem

    def refuse(where: Path, message: str):
        return ContentError(
            [
                Problem(
                    str(where),
                    1,
                    "cache",
                    f"{message}; the build keeps its cache and its lock for each output folder there: move it away and build again",
                )
            ]
        )

    for folder in (*reversed(path.parent.parents), path.parent):
        if folder.is_symlink() or not folder.exists():
            continue
        if not folder.is_dir():
            raise refuse(folder, "is a file, not a folder")
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC, 0o600)
    except IsADirectoryError:
        raise refuse(path, "is a folder, not the output folder's lock file") from None
    except OSError as exc:
        if os.path.islink(path):
            raise refuse(path, "is a symbolic link, not the output folder's lock file") from None
        raise refuse(path, f"cannot be opened: {exc.strerror or exc}") from None
    problem = kind_problem(os.fstat(fd).st_mode, "the output folder's lock file")
    if problem is not None:
        os.close(fd)
        raise refuse(path, problem)
    return fd


# -- leftovers of builds that were killed -----------------------------------------------------


def _lock(path: Path) -> int | None:
    """An open, flock-ed descriptor of `path`, or None when another process holds the lock."""
    fd = os.open(path, os.O_RDWR | os.O_NOFOLLOW | os.O_CLOEXEC)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return None
    return fd


def marker_text(out_dir: Path, role: str) -> str:
    """The marker a build writes into a folder it makes (or sets aside) beside `out_dir`."""
    who = {
        "role": role,
        "out": out_dir.name,
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "started": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    return MARKER_TEXT + _MARKER_HEAD + json.dumps(who, ensure_ascii=True) + "\n"


def mark(folder: Path, out_dir: Path, role: str) -> None:
    """Write the marker anew (never through a link that was there)."""
    path = folder / MARKER
    path.unlink(missing_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
    with open(fd, "w", encoding="ascii") as fh:
        fh.write(marker_text(out_dir, role))


def _small_file(path: Path, limit: int = 4096) -> bytes | None:
    """A small regular file's bytes (never through a link, never blocking), or None."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        return None
    with open(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        data = fh.read(limit + 1)
    return data if len(data) <= limit else None


def read_marker(folder: Path, out_dir: Path) -> dict | None:
    """Who made this folder, when its marker is exactly one of ours for this output; else None."""
    data = _small_file(folder / MARKER)
    if data is None:
        return None
    try:
        first, second, rest = data.decode("ascii").split("\n", 2)
        who = json.loads(second.removeprefix(_MARKER_HEAD)) if second.startswith(_MARKER_HEAD) else None
    except (UnicodeDecodeError, ValueError):
        return None
    if first + "\n" != MARKER_TEXT or rest or not isinstance(who, dict) or tuple(who) != _MARKER_KEYS:
        return None
    if who["role"] not in ROLES or who["out"] != out_dir.name or not isinstance(who["pid"], int):
        return None
    if not all(isinstance(who[k], str) for k in ("host", "started")):
        return None
    return who


def _ours_by_content(folder: Path) -> bool:
    """Holds only what a build writes there (its trees, its manifest, its marker)."""
    try:
        names = {q.name for q in folder.iterdir()}
    except OSError:
        return False
    return names <= {*layout.ROOTS, MANIFEST, MARKER}


def _candidates(out_dir: Path) -> list[Path]:
    parent, prefix = out_dir.parent, _staging_prefix(out_dir)
    try:
        found = [p for p in parent.iterdir() if p.name.startswith(prefix)]
    except OSError:
        return []
    return sorted(p for p in found if not p.is_symlink() and p.is_dir())


def leftovers(out_dir: Path) -> list[tuple[Path, dict]]:
    """Folders beside the output that killed builds of ours left (ours by name, content and
    marker, and nobody holds their lock), each with its marker."""
    found = []
    for p in _candidates(out_dir):
        who = read_marker(p, out_dir)
        if who is None or not _ours_by_content(p):
            continue  # not provably ours: never touched
        try:
            fd = _lock(p / MARKER)
        except OSError:
            continue
        if fd is None:
            continue  # a build is running in it
        os.close(fd)
        found.append((p, who))
    return found


def _described(folder: Path, who: dict) -> str:
    return f"{folder.name}, {ROLES[who['role']]} (process {who['pid']} on {who['host']}, started {who['started']}) that was stopped"


def remove_leftovers(out_dir: Path) -> list[str]:
    """Remove what killed builds of ours left beside the output; return a note for each.

    Where the output itself is missing (a crash between the two renames of a file system
    that cannot exchange folders), the newest complete build among them becomes the output.
    Earlier versions kept a cache beside the output (`.<out>-cache.pickle`, and before it a
    folder `.<out>-cache/` of pickles): it held every organisation's summary, published or
    not, and goes too, but only when it has exactly that cache's form."""
    gone = leftovers(out_dir)
    notes = []
    if not out_dir.exists():
        whole = [(p, who) for p, who in gone if read_manifest(p) is not None and (p / layout.PUBLIC).is_dir()]
        if whole:
            newest, who = max(whole, key=lambda pw: (pw[0] / MANIFEST).stat().st_mtime)
            os.rename(newest, out_dir)
            (out_dir / MARKER).unlink(missing_ok=True)
            gone.remove((newest, who))
            notes.append(f"{out_dir.name} was missing: put back {_described(newest, who)} while swapping")
    for p, who in gone:
        _remove(p)
        notes.append(f"removed {_described(p, who)}")
    notes += _remove_old_caches(out_dir)
    notes += [
        f"left {p.name} alone: it looks like a staging folder of an earlier version of this tool, which "
        "marked its folders too plainly to prove it; remove it yourself if it is (it may hold delivery reports)"
        for p in _candidates(out_dir)
        if _small_file(p / MARKER) == MARKER_TEXT.encode() and _ours_by_content(p)
    ]
    return notes


_OLD_ENTRY = re.compile(r"[0-9a-f]{64}(\.pickle|\.[0-9]+\.tmp)")
_OLD_PICKLE_KEYS = (b"code", b"frame", b"templates", b"keys", b"summaries")


def _remove_old_caches(out_dir: Path) -> list[str]:
    """The caches earlier versions kept beside the output, removed only when they have exactly
    their form: a folder of nothing but `<sha256>.pickle` files, or a pickle of a dict that
    starts with "code" and holds those keys (recognised by its bytes; nothing is unpickled)."""
    notes = []
    folder = out_dir.parent / f".{out_dir.name}-cache"
    if folder.is_dir() and not folder.is_symlink():
        try:
            entries = list(os.scandir(folder))
        except OSError:
            entries = None
        if entries and all(_OLD_ENTRY.fullmatch(e.name) and e.is_file(follow_symlinks=False) for e in entries):
            for e in entries:
                with contextlib.suppress(OSError):
                    os.unlink(e.path)
            with contextlib.suppress(OSError):
                folder.rmdir()
            notes.append(f"removed {folder.name}, the cache of an earlier version ({plural(len(entries), 'file')})")
    pickled = out_dir.parent / f".{out_dir.name}-cache.pickle"
    if _is_old_pickle(pickled):
        with contextlib.suppress(OSError):
            pickled.unlink()
            notes.append(f"removed {pickled.name}, the cache of an earlier version")
    return notes


def _is_old_pickle(path: Path) -> bool:
    try:
        st = os.lstat(path)
    except OSError:
        return False
    if not stat.S_ISREG(st.st_mode) or st.st_size > 200_000_000:
        return False
    try:
        with open(path, "rb") as fh:
            head = fh.read(64)
            fh.seek(-1, os.SEEK_END)
            last = fh.read(1)
    except OSError:
        return False
    # pickle.dump({"code": …, …}, protocol 4 or 5): PROTO, FRAME, EMPTY_DICT, MEMOIZE, MARK, "code"
    m = re.match(rb"\x80[\x04\x05]\x95.{8}\}\x94\(\x8c\x04code\x94", head, re.DOTALL)
    if not m or last != b".":
        return False
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError:
        return False
    return all(b"\x8c" + bytes([len(k)]) + k + b"\x94" in data for k in _OLD_PICKLE_KEYS)


def _remove(folder: Path) -> None:
    """Remove a staging folder or a previous output, its git marker last: killed halfway, what
    is left is still invisible to git, and still recognised as a leftover."""
    try:
        entries = list(folder.iterdir())
    except OSError:
        return
    for entry in entries:
        if entry.name == MARKER:
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            with contextlib.suppress(OSError):
                entry.unlink()
    shutil.rmtree(folder, ignore_errors=True)


# -- the staging folder and the swap ----------------------------------------------------------

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically; False where the system or file system cannot."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return False
    renameat2.argtypes = (ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint)
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(a))


class Staging:
    """A fresh folder beside the output that becomes the output on commit."""

    def __init__(self, out_dir: Path):
        self.out_dir = out_dir
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        self.dir = Path(tempfile.mkdtemp(prefix=_staging_prefix(out_dir), dir=out_dir.parent))
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(self.dir, 0o777 & ~umask)  # as any new folder: mkdtemp makes it private, and it becomes the output
        mark(self.dir, out_dir, "staging")  # git ignores this folder, and the next build knows it
        self._lock = _lock(self.dir / MARKER)

    def carry_over(self, relpaths) -> None:
        """Take these files from the previous output unchanged: hard links, which cost nothing.
        Every write unlinks first, so the previous tree is never changed through a link."""
        made: set[Path] = set()
        for relpath in sorted(relpaths):
            target = self.dir / relpath
            if target.parent not in made:
                target.parent.mkdir(parents=True, exist_ok=True)
                made.add(target.parent)
            os.link(self.out_dir / relpath, target)

    def commit(self) -> None:
        """Make the staging folder the output: the previous output is either whole or replaced.

        First the delivery packages are made private (carried-over files keep the mode an earlier
        build gave them).

        The marker leaves the new output (someone may version their --out) and is put into the
        previous one just before it moves here, so that a crash while it is removed leaves
        nothing git sees, and the next build removes it."""
        make_private(self.dir)
        if not self.out_dir.exists():
            os.rename(self.dir, self.out_dir)
            (self.out_dir / MARKER).unlink(missing_ok=True)
            self._release()
            return
        old_marker = self.out_dir / MARKER
        had = _small_file(old_marker)
        mark(self.out_dir, self.out_dir, "previous")
        try:
            exchanged = _exchange(self.dir, self.out_dir)
        except BaseException:
            if had is None:
                old_marker.unlink(missing_ok=True)
            else:
                old_marker.write_bytes(had)
            raise
        if exchanged:
            (self.out_dir / MARKER).unlink(missing_ok=True)  # the previous output is now at self.dir
        else:
            aside = Path(tempfile.mkdtemp(prefix=_staging_prefix(self.out_dir), dir=self.out_dir.parent))
            os.rmdir(aside)
            os.rename(self.out_dir, aside)
            os.rename(self.dir, self.out_dir)  # a crash before this: the next build restores the newest whole tree
            (self.out_dir / MARKER).unlink(missing_ok=True)
            self.dir = aside
        self._release()
        _remove(self.dir)

    def abort(self) -> None:
        _remove(self.dir)
        self._release()

    def _release(self) -> None:
        if self._lock is not None:
            os.close(self._lock)
            self._lock = None
