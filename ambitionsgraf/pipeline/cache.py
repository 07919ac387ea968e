"""What a build keeps for the next one, as data: never code, never pickle.

One JSON file per output folder under the project's own cache folder (`.cache/build/`,
git-ignored), holding what is slow to make again and depends only on the code and the
inputs:

- every valid answer file's summary (identity, dates, overall scores, question means),
  keyed by the code, the file's shown path and its exact bytes: a rebuild reads only the
  answer files it must render;
- the chart frame (matplotlib takes half a second to import) and the guidance pages
  converted from Markdown, both keyed by the code.

Everything read back is checked field by field while it is turned into values; a file that
cannot be read, is not JSON, or has any field of the wrong shape or type counts as empty,
and the build says so in one line and writes a good one. Templates are compiled afresh by
every build that renders (50 ms): compiled templates are code, and are not kept here.
"""

from __future__ import annotations

import contextlib
import hashlib
import math
import os
import re
from dataclasses import fields
from pathlib import Path

import orjson

from .. import atomic, trust
from ..charts import Frame
from ..content import Guidance, Page
from ..summaries import Expected, _need, _opt_str, _str, summary_from_data, summary_to_data  # noqa: F401  (their home: summaries.py)
from ..trust import Shape
from .output import out_key

_PAGE_NAME = re.compile(r"[a-z0-9_-]+")  # a step id or a content page's file name

FORMAT = 3  # 2: a summary holds the organisation's code; 3: and each round's scores per role


# -- the chart frame and the guidance pages ---------------------------------------------------


def _plain(v):
    """Lists (of numbers or strings, at any depth) back to the tuples the value had."""
    if type(v) is list:
        return tuple(_plain(x) for x in v)
    _need(type(v) in (str, int, float) or v is None)
    return v


def _float(v) -> float:
    _need(type(v) in (int, float) and math.isfinite(v))
    return float(v)


def _floats(v, n: int | None = None) -> tuple:
    _need(type(v) is list and (n is None or len(v) == n))
    return tuple(_float(x) for x in v)


_FRAME_FIELDS = {
    "head": lambda v: trust.svg_head(_str(v)),
    "width": _float,
    "height": _float,
    "threshold": _float,
    "corner_inset": _float,
    "affine": lambda v: _floats(v, 4),
    "plot": lambda v: _floats(v, 4),
    "xlim": lambda v: _floats(v, 2),
    "ylim": lambda v: _floats(v, 2),
    "xticks": _floats,
    "yticks": _floats,
    "quadrant_boxes": lambda v: _need(type(v) is list) or tuple(_floats(b, 4) for b in v),
    "label_size": _float,
}


def frame_from_data(v):
    """The chart frame: every field of the right kind and length (the SVG head one document's opening)."""

    _need(type(v) is dict and sorted(v) == sorted(f.name for f in fields(Frame)) == sorted(_FRAME_FIELDS))
    return Frame(**{k: _FRAME_FIELDS[k](x) for k, x in v.items()})


def frame_to_data(frame) -> dict:
    return {f.name: getattr(frame, f.name) for f in fields(frame)}


def _page_to_data(p) -> dict:
    return {f.name: getattr(p, f.name) for f in fields(p)}


def _page_from_data(v):

    _need(type(v) is dict and sorted(v) == sorted(f.name for f in fields(Page)))
    page = Page(**{k: _plain(x) for k, x in v.items()})
    for name in ("slug", "title", "summary", "html"):
        _str(getattr(page, name))
    trust.guidance_html(page.html)
    for text in (page.title, page.summary, _opt_str(page.section) or ""):
        trust.plain_text(text)
    for pairs in (page.toc, page.suggestions, page.question_suggestions):
        _need(type(pairs) is tuple and all(type(t) is tuple and len(t) == 2 and all(type(x) is str for x in t) for t in pairs))
        for first, second in pairs:
            trust.plain_text(first), trust.plain_text(second)
    return page


def guidance_to_data(g) -> dict:
    return {
        "steps": {k: _page_to_data(p) for k, p in g.steps.items()},
        "pages": {k: _page_to_data(p) for k, p in g.pages.items()},
        "method_notes": None if g.method_notes is None else _page_to_data(g.method_notes),
    }


def guidance_from_data(v):

    _need(type(v) is dict and sorted(v) == ["method_notes", "pages", "steps"])
    _need(type(v["steps"]) is dict and type(v["pages"]) is dict)
    steps = {_str(k): _page_from_data(p) for k, p in v["steps"].items()}
    pages = {_str(k): _page_from_data(p) for k, p in v["pages"].items()}
    for key, page in (*steps.items(), *pages.items()):  # page keys become paths of the site: plain names only
        _need(key == page.slug and _PAGE_NAME.fullmatch(key) is not None)
    return Guidance(steps, pages, None if v["method_notes"] is None else _page_from_data(v["method_notes"]))


# -- the file ---------------------------------------------------------------------------------


class BuildCache:
    """The cache of one output folder. `note` says, in one line, why a cache was set aside."""

    def __init__(self, cache_dir: Path, out_dir: Path, code: str):

        self.path = cache_dir / f"{out_key(out_dir)}.json"
        self.code = code
        self.note: str | None = None
        self._raw: dict | None = None
        self._summaries: dict | None = None

    def key(self, shown: str, content: bytes) -> str:
        return hashlib.sha256(self.code.encode() + b"\0" + shown.encode() + b"\0" + content).hexdigest()

    def _broken(self, why: str) -> dict:
        self.note = f"build cache {self.path} {why}; it was ignored and is written anew"
        return {}

    def distrust(self, why: str) -> None:
        """Say why the cache's content was not used (the build has read the answer files instead)."""
        self._broken(why)

    def _read(self) -> dict:
        if self._raw is None:
            from ..safe_read import MAX_CACHE, read_regular

            content, problem = read_regular(self.path, MAX_CACHE, "a build cache") if os.path.lexists(self.path) else (None, None)
            if content is None:
                raw = {} if problem is None else self._broken(f"could not be read: {problem}")
            else:
                try:
                    raw = orjson.loads(content)
                except ValueError:
                    raw = self._broken("is not valid JSON")
                else:
                    if not (
                        type(raw) is dict
                        and raw.get("format") == FORMAT
                        and type(raw.get("code")) is str
                        and type(raw.get("summaries")) is dict
                    ):
                        raw = self._broken("has the wrong shape")
            self._raw = raw
        return self._raw

    def keys(self) -> frozenset[str]:
        """The keys of the summaries stored: which files need not be read."""
        return frozenset(self._read().get("summaries", ()))

    def summaries(self, ins) -> dict:
        """The summaries by key. A summary of the wrong shape sets the whole cache aside: the
        build then reads those files after all (`keys` promised them)."""
        if self._summaries is None:
            expected = Expected(ins)
            try:
                self._summaries = {_str(k): summary_from_data(v, expected) for k, v in self._read().get("summaries", {}).items()}
            except Shape:
                self._broken("holds a summary of the wrong shape")
                self._summaries = {}
        return self._summaries

    def _of_this_code(self, name: str, decode):
        raw = self._read()
        if raw.get("code") != self.code or raw.get(name) is None:
            return None
        try:
            return decode(raw[name])
        except (Shape, TypeError, ValueError):
            self._broken(f"holds a {name} of the wrong shape")
            return None

    def frame(self):
        return self._of_this_code("frame", frame_from_data)

    def phone_frame(self):
        return self._of_this_code("phone_frame", frame_from_data)

    def guidance(self):
        return self._of_this_code("guidance", guidance_from_data)

    def _prune(self, days: int = 30) -> None:
        """Forget what the project keeps about output folders not built for a month (tests and
        `--out` experiments make many): their caches, unheld locks, and temporary files."""
        import fcntl
        import time

        limit = time.time() - days * 86400
        for p in self.path.parent.iterdir():
            with contextlib.suppress(OSError):
                if p.stat().st_mtime >= limit or p.suffix not in (".json", ".lock", ".tmp"):
                    continue
                if p.suffix == ".lock":
                    fd = os.open(p, os.O_RDWR | os.O_CLOEXEC)
                    try:
                        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # raises while a build holds it
                        p.unlink()
                    finally:
                        os.close(fd)
                else:
                    p.unlink()

    def encoded(self, key: str) -> bytes:
        """A stored summary as it was read (checked already by `summaries`), for writing it again."""
        return orjson.dumps(self._read()["summaries"][key])

    def write(self, encoded: dict[str, bytes], frame, guidance, phone_frame=None) -> str | None:
        """Write the cache: `encoded` has each summary as JSON already (`summary_to_data`, made by the
        workers); return a note if it cannot be written."""
        head = orjson.dumps(
            {
                "format": FORMAT,
                "code": self.code,
                "frame": frame_to_data(frame),
                "phone_frame": frame_to_data(phone_frame) if phone_frame else None,
                "guidance": guidance_to_data(guidance),
            }
        )
        body = b",".join(orjson.dumps(k) + b":" + v for k, v in encoded.items())
        content = head[:-1] + b',"summaries":{' + body + b"}}"
        try:
            # 0600 in a 0700 folder: it holds unpublished organisations' scores
            atomic.write(self.path, content, mode=0o600, folder_mode=0o700)
            self._prune()
            return None
        except OSError as exc:  # a cache that cannot be written only makes the next build slower
            return f"build cache {self.path} could not be written ({exc.strerror}); the next build reads every answer file"
