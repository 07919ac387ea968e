"""The output folder: which folders a build may replace, the staging folder, and the swap.

A build writes a whole new tree into a staging folder beside the output and swaps it in
at the end, so the output is always either the previous build or the new one:

- The swap is one atomic exchange of the two folders (Linux `renameat2` with
  RENAME_EXCHANGE); a crash at any moment leaves `--out` holding one whole tree. Where the
  file system cannot exchange, two renames are used, and a crash between them leaves the
  new tree in the staging folder, which the next build reports.
- A staging folder holds a `.gitignore` of `*`, so git never picks one up, even beside an
  output inside a repository. That file is also the folder's lock: the build that owns it
  holds an flock on it. A later build removes every staging folder of the same output whose
  lock it can take: what a killed build left behind.
- `--out` is only ever replaced when it is new, empty, or a previous build of ours,
  recognised by its manifest; anything else is refused before a byte is written.
"""

from __future__ import annotations
from ..answers import read_regular

import contextlib
import ctypes
import errno
import fcntl
import hashlib
import os
import shutil
import tempfile
from pathlib import Path

import orjson

from ..problems import ContentError, Problem
from .plan import GENERATOR

MANIFEST = ".manifest.json"  # beside site/ and leverans/, never deployed
MARKER = ".gitignore"  # in every staging folder: "*", and the staging folder's lock
MARKER_TEXT = "*\n"


def _staging_prefix(out_dir: Path) -> str:
    return f".{out_dir.name}.building-"


# -- which folders may be replaced ------------------------------------------------------------


def read_manifest(out_dir: Path) -> dict | None:
    """The previous build's manifest, or None when `out_dir` holds none that is ours."""

    content, problem = read_regular(out_dir / MANIFEST)  # never blocks: a pipe there is no manifest
    if problem is not None:
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
        return [Problem(shown, 1, "--out", "holds files that are not a previous build of ours (no build manifest) "
                                           "and would be deleted; choose a new or empty folder")]
    return []


# -- one build at a time per output folder -------------------------------------------------------


def out_key(out_dir: Path) -> str:
    """A short name for an output folder, for the files the project keeps about it (cache, lock)."""
    return hashlib.sha256(os.fsencode(out_dir.resolve())).hexdigest()[:20]


@contextlib.contextmanager
def exclusive(out_dir: Path, lock_dir: Path):
    """Hold the output folder's lock (a file under the project's cache folder) for a build, or refuse:
    two builds swapping the same folder would take files from under each other's feet."""
    lock_dir.mkdir(parents=True, exist_ok=True)
    path = lock_dir / f"{out_key(out_dir)}.lock"
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise ContentError([Problem(str(out_dir), 1, "--out", "another build is writing this folder now; "
                                                                 "run again when it has finished")]) from None
        yield
    finally:
        os.close(fd)


# -- leftovers of builds that were killed -----------------------------------------------------


def _lock(path: Path) -> int | None:
    """An open, flock-ed descriptor of `path`, or None when another process holds the lock."""
    fd = os.open(path, os.O_RDWR | os.O_CLOEXEC)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return None
    return fd


def leftovers(out_dir: Path) -> list[Path]:
    """Staging folders of this output whose build is gone (nobody holds their lock)."""
    parent, prefix = out_dir.parent, _staging_prefix(out_dir)
    old_prefix = f".{out_dir.name}.old-"  # earlier versions moved the previous output aside under this name
    found = []
    try:
        candidates = [p for p in parent.iterdir() if p.name.startswith((prefix, old_prefix))]
    except OSError:
        return []
    for p in candidates:
        if p.is_symlink() or not p.is_dir():
            continue
        try:
            names = {q.name for q in p.iterdir()}
        except OSError:
            continue
        if not names <= {"site", "leverans", MANIFEST, MARKER}:
            continue  # something of someone else's is in it: not ours to remove
        marker = p / MARKER
        if marker.is_file():
            try:
                if marker.read_text() != MARKER_TEXT:
                    continue
                fd = _lock(marker)
            except (OSError, UnicodeDecodeError):
                continue
            if fd is None:
                continue  # a build is running in it
            os.close(fd)
        elif read_manifest(p) is None:
            continue  # no marker: an earlier version's folder only if it holds our manifest
        found.append(p)
    return found


def remove_leftovers(out_dir: Path) -> int:
    """Remove what killed builds left beside the output; return how many folders went.

    Where the output itself is missing (a crash between the two renames of a file system
    that cannot exchange folders), the newest complete build among them becomes the output.
    Earlier versions also kept a pickled cache beside the output: it held every organisation's
    summary, published or not, and goes too."""
    gone = leftovers(out_dir)
    if not out_dir.exists():
        whole = [p for p in gone if read_manifest(p) is not None and (p / "site").is_dir()]
        if whole:
            newest = max(whole, key=lambda p: (p / MANIFEST).stat().st_mtime)
            os.rename(newest, out_dir)
            (out_dir / MARKER).unlink(missing_ok=True)
            gone.remove(newest)
    for p in gone:
        _remove(p)
    for old in (out_dir.parent / f".{out_dir.name}-cache.pickle", out_dir.parent / f".{out_dir.name}-cache"):
        if old.is_dir() and not old.is_symlink():
            shutil.rmtree(old, ignore_errors=True)
        elif old.is_file():
            old.unlink(missing_ok=True)
    return len(gone)


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
        marker = self.dir / MARKER
        marker.write_text(MARKER_TEXT)  # git ignores this folder
        self._lock = _lock(marker)

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

        The marker leaves the new output (someone may version their --out) and is put into the
        previous one just before it moves here, so that a crash while it is removed leaves
        nothing git sees, and the next build removes it."""
        if not self.out_dir.exists():
            os.rename(self.dir, self.out_dir)
            (self.out_dir / MARKER).unlink(missing_ok=True)
            self._release()
            return
        old_marker = self.out_dir / MARKER
        had_marker = old_marker.exists()
        if not had_marker:
            old_marker.write_text(MARKER_TEXT)
        try:
            exchanged = _exchange(self.dir, self.out_dir)
        except BaseException:
            if not had_marker:
                old_marker.unlink(missing_ok=True)
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
