"""Guidance pages written in Markdown (content/vagledning, content/sidor).

A page in content/sidor may show values from the settings file (installningar.yaml), written
`{{ name }}` with a name from PLACEHOLDERS. The pages are converted (and kept in the build
cache) with the names in place; `fill` puts the values in, escaped, when a page is rendered.
Every placeholder is checked here, with its line: a name that does not exist, a block value
that does not stand alone on a line, or a placeholder inside a link or tag is an error.

content/metod.md and the pages of content/sidor may likewise state a figure of the instrument,
written `{{ instrument.NAME }}` with a name of `wording.fact_values` ("{{ instrument.v1_mal.ja }}"
is the points of a ja), so that a page says what the build computes with.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

import yaml
from markupsafe import Markup, escape

from .instrument import Instrument
from .problems import ContentError, Problem
from .text import swedish_date, tel_uri
from .wording import fact_values

if TYPE_CHECKING:
    from .settings import Settings

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
    # For each question of the step and each status but the strongest: ("question id.status id", text),
    # what to do where that question is what holds the step back (ambitionsgraf/advice.py)
    question_suggestions: tuple[tuple[str, str], ...] = ()

    def suggestion(self, status: str) -> str:
        return dict(self.suggestions)[status]

    def question_suggestion(self, qid: str, status: str) -> str:
        return dict(self.question_suggestions)[f"{qid}.{status}"]


@dataclass(frozen=True)
class Guidance:
    steps: dict[str, Page]  # step or zone id -> page
    pages: dict[str, Page]  # other pages by slug
    method_notes: Page | None  # content/metod.md: the interpretations shown on the method page


def _markdown_to_html(text: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    import markdown  # only when the pages are converted: a build keeps them converted in its cache

    md = markdown.Markdown(extensions=["toc", "tables", "sane_lists"], extension_configs={"toc": {"toc_depth": "2-2"}})
    html = md.convert(text)
    toc = tuple((t["id"], t["name"]) for t in md.toc_tokens)  # type: ignore[attr-defined]  # set by the toc extension
    return html, toc


# -- values from the settings file -----------------------------------------------------

# name -> "inline" (a value within a sentence) or "block" (a paragraph of its own)
PLACEHOLDERS = {
    "utgivare.namn": "inline",  # the agency, as it names itself
    "tillganglighet.epost": "inline",  # the feedback address, as a mailto link
    "tillganglighet.kontakt": "block",  # the feedback routes as a list: e-mail, and the agency's telephone
    "tillganglighet.granskad": "inline",  # the date of the last review, "29 november 2026"
    "tillganglighet.uppdaterad": "inline",  # the date the statement last changed
}
_PLACEHOLDER = re.compile(r"\{\{ *([a-z0-9_.]+) *\}\}")


def _mailto(address: str) -> Markup:
    return Markup('<a href="mailto:{}">{}</a>').format(quote(address, safe="@+._-"), address)


def _date(iso: str) -> Markup:
    return Markup('<time datetime="{}">{}</time>').format(iso, swedish_date(iso))


def placeholder_values(settings: Settings) -> dict[str, str]:
    """Every placeholder's value as HTML: markup of our own, the settings' values escaped."""
    contact = [Markup("<li>E-post: {}</li>").format(_mailto(settings.feedback_email))]
    if settings.phone:
        contact.append(Markup('<li>Telefon: <a href="{}">{}</a></li>').format(tel_uri(settings.phone), settings.phone))
    values = {
        "utgivare.namn": escape(settings.publisher),
        "tillganglighet.epost": _mailto(settings.feedback_email),
        "tillganglighet.kontakt": Markup('<ul class="contact">\n{}\n</ul>').format(Markup("\n").join(contact)),
        "tillganglighet.granskad": _date(settings.reviewed),
        "tillganglighet.uppdaterad": _date(settings.updated),
    }
    assert set(values) == set(PLACEHOLDERS)
    return {name: str(value) for name, value in values.items()}


def instrument_placeholder_values(ins: Instrument) -> dict[str, str]:
    """The instrument's figures by their placeholder names (content/metod.md), escaped."""
    return {f"instrument.{name}": str(escape(value)) for name, value in fact_values(ins).items()}


# In converted HTML: a placeholder that is a paragraph of its own (group 1), or one within text (group 2).
_IN_HTML = re.compile(r"<p>\{\{ *([a-z0-9_.]+) *\}\}</p>|\{\{ *([a-z0-9_.]+) *\}\}")


def fill(html: str, values: dict[str, str]) -> str:
    """A converted page with its placeholders' values in place (checked by `load_guidance`), in one
    pass, so that no value is ever read for placeholders."""

    def one(m: re.Match) -> str:
        if m.group(1) is None:
            return values[m.group(2)]
        return values[m.group(1)] if PLACEHOLDERS.get(m.group(1)) == "block" else f"<p>{values[m.group(1)]}</p>"

    return _IN_HTML.sub(one, html)


def _check_placeholders(shown: str, first_line: int, body: str, html: str, names: dict[str, str] | None, problems: list[Problem]) -> None:
    """Problems with a page's placeholders: each one of `names` (name -> "inline" or "block"; None:
    the page may have none), and where its kind may stand."""
    lines = body.split("\n")

    def line_of(text: str) -> int:
        return next((first_line + i for i, line in enumerate(lines) if text in line), first_line)

    if names is None:
        if "{{" in body:
            problems.append(
                Problem(
                    shown,
                    line_of("{{"),
                    "{{",
                    "placeholders for the settings work only in the pages of content/sidor, and for the instrument only there and in content/metod.md",
                )
            )
        return
    for i, line in enumerate(lines):
        for m in _PLACEHOLDER.finditer(line):
            if m.group(1) not in names:
                problems.append(Problem(shown, first_line + i, m.group(0), f"unknown placeholder; expected one of {', '.join(names)}"))
        if "{{" in _PLACEHOLDER.sub("", line):
            problems.append(Problem(shown, first_line + i, "{{", "expected a placeholder written {{ name }}"))
    if any("{{" in tag for tag in re.findall(r"<[^>]*>", html)):  # it would be left half-filled there
        in_markup = re.compile(r"(\]\(|<)[^)>]*\{\{")  # in a Markdown link's address, or in an HTML tag
        at = next((first_line + i for i, text in enumerate(lines) if in_markup.search(text)), line_of("{{"))
        problems.append(Problem(shown, at, "{{", "a placeholder in a link's address or in HTML; write it in the text"))
    for m in _IN_HTML.finditer(html):
        if m.group(2) is not None and names.get(m.group(2)) == "block":
            problems.append(
                Problem(
                    shown,
                    line_of(m.group(0)),
                    m.group(0),
                    "a list of its own: write it alone on a line, with an empty line before and after",
                )
            )


# -- reading the pages ------------------------------------------------------------------


def _read_page(path: Path, problems: list[Problem]) -> tuple[dict, str, int] | None:
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
    return meta, m.group(2), text[: m.start(2)].count("\n") + 1


def _question_suggestions(ins: Instrument, step_id: str, given, path: str, problems: list[Problem]) -> tuple[tuple[str, str], ...]:
    """`fragor` of a step's page: a text for each of the step's questions and each status but the
    strongest, and for no question of another step."""
    given = given if isinstance(given, dict) else {}
    own = [q.id for q in ins.questions_of_step(step_id)]
    for qid in sorted(set(given) - set(own)):
        problems.append(Problem(path, 2, f"fragor.{qid}", f"not a question of this step ({', '.join(own)})"))
    pairs = []
    for qid in own:
        texts = given.get(qid) if isinstance(given.get(qid), dict) else {}
        for status in ins.statuses[1:]:
            text = " ".join(str(texts.get(status.id) or "").split())
            if not text:
                problems.append(
                    Problem(path, 2, f"fragor.{qid}.{status.id}", "missing: what to do where this question holds the step back")
                )
            pairs.append((f"{qid}.{status.id}", text))
    return tuple(pairs)


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
        meta, body, first_line = read
        suggestions = meta.get("forslag") or {}
        for status in ins.statuses:
            if not isinstance(suggestions, dict) or not str(suggestions.get(status.id) or "").strip():
                problems.append(Problem(str(path), 2, f"forslag.{status.id}", "missing suggestion text for this status"))
        per_question = _question_suggestions(ins, step.id, meta.get("fragor"), str(path), problems)
        html, toc = _markdown_to_html(body)
        _check_placeholders(str(path), first_line, body, html, None, problems)
        steps[step.id] = Page(
            slug=step.id,
            title=str(meta["titel"]),
            summary=str(meta.get("sammanfattning", "")),
            html=html,
            toc=toc,
            section=str(meta.get("avsnitt", step.section)),
            suggestions=tuple((s.id, " ".join(str(suggestions.get(s.id, "")).split())) for s in ins.statuses),
            question_suggestions=per_question,
        )
    pages: dict[str, Page] = {}
    facts = dict.fromkeys(instrument_placeholder_values(ins), "inline")
    for path in sorted((content_dir / "sidor").glob("*.md")):
        read = _read_page(path, problems)
        if read is None:
            continue
        meta, body, first_line = read
        html, toc = _markdown_to_html(body)
        _check_placeholders(str(path), first_line, body, html, PLACEHOLDERS | facts, problems)
        pages[path.stem] = Page(path.stem, str(meta["titel"]), str(meta.get("beskrivning", "")), html, toc)
    method_notes = None
    notes_path = content_dir / "metod.md"
    if notes_path.exists() and (read := _read_page(notes_path, problems)):
        html, toc = _markdown_to_html(read[1])
        _check_placeholders(str(notes_path), read[2], read[1], html, facts, problems)
        method_notes = Page("metod", str(read[0]["titel"]), str(read[0].get("beskrivning", "")), html, toc)
    if problems:
        raise ContentError(problems)
    return Guidance(steps, pages, method_notes)
