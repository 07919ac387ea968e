"""What a build keeps for the next one, as data: never code, never pickle.

One JSON file per output folder under the project's own cache folder (`.cache/build/`,
git-ignored), holding what is slow to make again and depends only on the code and the
inputs:

- every valid answer file's summary (identity, dates, overall scores, question means),
  keyed by the code, the file's shown path and its exact bytes: a rebuild reads only the
  answer files it must render;
- the chart frame (matplotlib takes half a second to import) and the guidance pages
  converted from Markdown, both keyed by the code.

Everything read back passes the checks of the source it stands for (trust.py): the file's
envelope, the chart frames and the guidance are declared below as strict pydantic models whose
validators call those checks, the summaries by their codec (summaries.py). A file that cannot
be read, is not JSON, or has any entry of the wrong shape or type counts as empty, and the
build says so in one line and writes a good one. Templates are compiled afresh by
every build that renders (50 ms): compiled templates are code, and are not kept here.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from dataclasses import fields
from pathlib import Path
from typing import Annotated, Any, Literal, cast

import orjson
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, ValidationError, model_validator

from .. import atomic, trust
from ..charts import Frame
from ..content import Guidance, Page
from ..summaries import Expected, summary_from_data, summary_to_data  # noqa: F401  (summary_to_data: execute.py imports it from here)
from ..trust import Shape
from .output import out_key

FORMAT = 3  # 2: a summary holds the organisation's code; 3: and each round's scores per role


# -- the file's schema, declared once -----------------------------------------------------------
# Each entry is a strict pydantic model: the right keys, each value of its JSON type (no string for
# a number, no number for a string), and every text held to the check of the source it stands for
# (trust.py: an SVG head as matplotlib writes it, guidance HTML as our Markdown renders it, titles
# without markup). Reading an entry is one `model_validate`; any error drops it with the cache's
# one-line note. The summaries keep their compact codec with its checks (summaries.py): see
# `BuildCache.summaries`.


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, allow_inf_nan=False)


Floats = list[float]  # strict: JSON numbers (ints or floats), finite, never strings or booleans
Four = Annotated[list[float], Field(min_length=4, max_length=4)]
Two = Annotated[list[float], Field(min_length=2, max_length=2)]
PlainText = Annotated[str, AfterValidator(trust.plain_text)]
PlainPair = Annotated[list[PlainText], Field(min_length=2, max_length=2)]
PageName = Annotated[str, StringConstraints(pattern=r"^[a-z0-9_-]+$")]  # a step id or a content page's file name


class FrameData(_Entry):
    """A chart frame (charts.Frame) as stored: its SVG head one document's opening, as matplotlib writes it."""

    head: Annotated[str, AfterValidator(trust.svg_head)]
    width: float
    height: float
    affine: Four
    plot: Four
    xlim: Two
    ylim: Two
    xticks: Floats
    yticks: Floats
    threshold: float
    corner_inset: float
    quadrant_boxes: list[Four]
    label_size: float

    def value(self) -> Frame:
        four = tuple[float, float, float, float]
        two = tuple[float, float]
        return Frame(
            head=self.head,
            width=self.width,
            height=self.height,
            affine=cast(four, tuple(self.affine)),
            plot=cast(four, tuple(self.plot)),
            xlim=cast(two, tuple(self.xlim)),
            ylim=cast(two, tuple(self.ylim)),
            xticks=tuple(self.xticks),
            yticks=tuple(self.yticks),
            threshold=self.threshold,
            corner_inset=self.corner_inset,
            quadrant_boxes=tuple(cast(four, tuple(box)) for box in self.quadrant_boxes),  # lengths checked above
            label_size=self.label_size,
        )


class PageData(_Entry):
    """A guidance page (content.Page) as stored: its HTML only what our Markdown renders, its texts without markup."""

    slug: PageName
    title: PlainText
    summary: PlainText
    html: Annotated[str, AfterValidator(trust.guidance_html)]
    toc: list[PlainPair]
    section: PlainText | None
    suggestions: list[PlainPair]
    question_suggestions: list[PlainPair]

    def value(self) -> Page:
        pairs = {name: tuple(tuple(p) for p in getattr(self, name)) for name in ("toc", "suggestions", "question_suggestions")}
        return Page(self.slug, self.title, self.summary, self.html, section=self.section, **pairs)


class GuidanceData(_Entry):
    """The guidance pages as stored; each page under its own name (they become paths of the site)."""

    steps: dict[PageName, PageData]
    pages: dict[PageName, PageData]
    method_notes: PageData | None

    @model_validator(mode="after")
    def _keyed_by_slug(self) -> GuidanceData:
        trust.need(all(key == page.slug for key, page in (*self.steps.items(), *self.pages.items())))
        return self

    def value(self) -> Guidance:
        notes = self.method_notes
        return Guidance(
            {k: p.value() for k, p in self.steps.items()},
            {k: p.value() for k, p in self.pages.items()},
            None if notes is None else notes.value(),
        )


class CacheFile(_Entry):
    """The file's envelope. Its entries are checked by their own models when the build uses them
    (only under this code, and the guidance's HTML check costs tens of milliseconds)."""

    format: Literal[3]  # FORMAT
    code: str
    frame: dict[str, Any] | None = None
    phone_frame: dict[str, Any] | None = None
    guidance: dict[str, Any] | None = None
    summaries: dict[str, Any]


_ENTRIES: dict[str, type[FrameData] | type[GuidanceData]] = {"frame": FrameData, "phone_frame": FrameData, "guidance": GuidanceData}


def _fields(value) -> dict:
    return {f.name: getattr(value, f.name) for f in fields(value)}


def frame_to_data(frame) -> dict:
    return _fields(frame)


def guidance_to_data(g) -> dict:
    return {
        "steps": {k: _fields(p) for k, p in g.steps.items()},
        "pages": {k: _fields(p) for k, p in g.pages.items()},
        "method_notes": None if g.method_notes is None else _fields(g.method_notes),
    }


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
                    try:
                        CacheFile.model_validate(raw)
                    except ValidationError:
                        raw = self._broken("has the wrong shape")
            self._raw = raw
        return self._raw

    def keys(self) -> frozenset[str]:
        """The keys of the summaries stored: which files need not be read."""
        return frozenset(self._read().get("summaries", ()))

    def summaries(self, ins) -> dict:
        """The summaries by key. A summary of the wrong shape sets the whole cache aside: the
        build then reads those files after all (`keys` promised them).

        Read by summaries.py's codec, not a pydantic model: a summary is a compact list whose ids
        come from the instrument, and reading one costs about 0.8 ms, most of it making its
        Fractions (311 organisations: 0.25 s; 4,000: 3 s when one file changes). A model would add
        its own pass over the same values and take nothing away."""
        if self._summaries is None:
            expected = Expected(ins)
            try:
                self._summaries = {k: summary_from_data(v, expected) for k, v in self._read().get("summaries", {}).items()}
            except Shape:
                self._broken("holds a summary of the wrong shape")
                self._summaries = {}
        return self._summaries

    def _of_this_code(self, name: str):
        raw = self._read()
        if raw.get("code") != self.code or raw.get(name) is None:
            return None
        try:
            return _ENTRIES[name].model_validate(raw[name]).value()
        except ValidationError:
            self._broken(f"holds a {name} of the wrong shape")
            return None

    def frame(self) -> Frame | None:
        return self._of_this_code("frame")

    def phone_frame(self) -> Frame | None:
        return self._of_this_code("phone_frame")

    def guidance(self) -> Guidance | None:
        return self._of_this_code("guidance")

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
