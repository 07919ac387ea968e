"""Guidance pages written in Markdown (content/vagledning, content/sidor)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from .instrument import Instrument
from .problems import ContentError, Problem

_FRONT = re.compile(r"\A---\n(.*?)\n---\n(.*)\Z", re.DOTALL)


@dataclass(frozen=True)
class Page:
    slug: str
    title: str
    summary: str
    html: str
    toc: tuple[tuple[str, str], ...]  # (anchor id, heading text) for h2
    section: str | None = None
    suggestions: tuple[tuple[str, str], ...] = ()  # (status id, text)

    def suggestion(self, status: str) -> str:
        return dict(self.suggestions)[status]


@dataclass(frozen=True)
class Guidance:
    steps: dict[str, Page]  # step or zone id -> page
    pages: dict[str, Page]  # other pages by slug
    method_notes: Page | None  # content/metod.md: the interpretations shown on the method page


def _markdown_to_html(text: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    import markdown  # only when the pages are converted: a build keeps them converted in its cache

    md = markdown.Markdown(extensions=["toc", "tables", "sane_lists"], extension_configs={"toc": {"toc_depth": "2-2"}})
    html = md.convert(text)
    toc = tuple((t["id"], t["name"]) for t in md.toc_tokens)
    return html, toc


def _read_page(path: Path, problems: list[Problem]) -> tuple[dict, str] | None:
    shown = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(Problem(shown, 1, "file", f"cannot be read: {exc}"))
        return None
    m = _FRONT.match(text)
    if not m:
        problems.append(Problem(shown, 1, "front matter", "expected a YAML block between --- lines at the top"))
        return None
    try:
        meta = yaml.safe_load(m.group(1)) or {}
    except yaml.YAMLError as exc:
        problems.append(Problem(shown, 2, "front matter", f"invalid YAML: {exc}"))
        return None
    if not isinstance(meta, dict) or not meta.get("titel"):
        problems.append(Problem(shown, 2, "titel", "missing required field"))
        return None
    return meta, m.group(2)


def load_guidance(ins: Instrument, content_dir: Path) -> Guidance:
    """Read every guidance page; every step and zone must have one, with a suggestion per status."""
    problems: list[Problem] = []
    steps: dict[str, Page] = {}
    for step in ins.steps:
        path = content_dir / "vagledning" / f"{step.id}.md"
        if not path.exists():
            problems.append(Problem(str(path), 1, "file", f"missing: every step and zone needs a guidance page ({step.label})"))
            continue
        read = _read_page(path, problems)
        if read is None:
            continue
        meta, body = read
        suggestions = meta.get("forslag") or {}
        for status in ins.statuses:
            if not isinstance(suggestions, dict) or not str(suggestions.get(status.id) or "").strip():
                problems.append(Problem(str(path), 2, f"forslag.{status.id}", "missing suggestion text for this status"))
        html, toc = _markdown_to_html(body)
        steps[step.id] = Page(
            slug=step.id,
            title=str(meta["titel"]),
            summary=str(meta.get("sammanfattning", "")),
            html=html,
            toc=toc,
            section=str(meta.get("avsnitt", step.section)),
            suggestions=tuple((s.id, " ".join(str(suggestions.get(s.id, "")).split())) for s in ins.statuses),
        )
    pages: dict[str, Page] = {}
    for path in sorted((content_dir / "sidor").glob("*.md")):
        read = _read_page(path, problems)
        if read is None:
            continue
        meta, body = read
        html, toc = _markdown_to_html(body)
        pages[path.stem] = Page(path.stem, str(meta["titel"]), str(meta.get("beskrivning", "")), html, toc)
    method_notes = None
    notes_path = content_dir / "metod.md"
    if notes_path.exists() and (read := _read_page(notes_path, problems)):
        html, toc = _markdown_to_html(read[1])
        method_notes = Page("metod", str(read[0]["titel"]), str(read[0].get("beskrivning", "")), html, toc)
    if problems:
        raise ContentError(problems)
    return Guidance(steps, pages, method_notes)
