"""What the build reads back from its cache must pass the checks of the source it stands for.

The cache is a file on disk that anyone with the user's rights can edit; the build publishes what it
reads from it. So each cached value is held to what its source could have given: a name as the
answer-file validator accepts it, scores within the scale, a respondent count an answer file can
hold, guidance HTML made only of what our Markdown renders, and a chart frame made only of what
matplotlib writes. Anything else raises `Shape`, and the cache is set aside with its one-line note.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from .text import check_free_text, formula_problem


class Shape(ValueError):
    """A cached value of the wrong shape. A ValueError, so that a pydantic validator calling these checks
    reports it as the value's validation error (see pipeline/cache.py)."""


def need(ok: bool) -> None:
    if not ok:
        raise Shape


def name(value: str) -> str:
    """An organisation's name as the answer-file validator leaves it: no formula start, nothing it refuses or removes."""
    text, refused, removed = check_free_text(value)
    need(text == value and not refused and not removed and value.strip() == value and value != "")
    need(formula_problem(value) is None)
    return value


def plain_text(value: str) -> str:
    """A title, a summary or a heading: text only (Jinja escapes it anyway; markup here is a tampered entry)."""
    text, refused, _ = check_free_text(value)
    need(not refused and "<" not in value and ">" not in value)
    return value


# -- guidance HTML: what Markdown with the toc, tables and sane_lists extensions makes ----------------

_HEADING = {"id"}
_ALLOWED = {
    "p": set(),
    "h1": _HEADING,
    "h2": _HEADING,
    "h3": _HEADING,
    "h4": _HEADING,
    "h5": _HEADING,
    "h6": _HEADING,
    "a": {"href", "title"},
    "ul": set(),
    "ol": {"start"},
    "li": set(),
    "em": set(),
    "strong": set(),
    "code": set(),
    "pre": set(),
    "blockquote": set(),
    "hr": set(),
    "br": set(),
    "table": set(),
    "thead": set(),
    "tbody": set(),
    "tr": set(),
    "th": {"style"},
    "td": {"style"},
    "abbr": {"title"},
    "sup": set(),
    "sub": set(),
}
_ID = re.compile(r"[a-z0-9_-]{1,200}")
_HREF = re.compile(r"(#|/|\.\./|\./|[a-z0-9_-]+[/.#]|https://|mailto:)[^\s\"'<>`\\]*", re.IGNORECASE)
_CELL_STYLE = re.compile(r"text-align: (left|right|center);")


class _Checker(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ok = True

    def handle_starttag(self, tag, attrs):
        allowed = _ALLOWED.get(tag)
        if allowed is None:
            self.ok = False
            return
        for key, value in attrs:
            value = value or ""
            if key not in allowed:
                self.ok = False
            elif key == "id" and not _ID.fullmatch(value):
                self.ok = False
            elif key == "href" and (not _HREF.fullmatch(value) or value.lower().startswith("javascript")):
                self.ok = False
            elif key == "style" and not _CELL_STYLE.fullmatch(value):
                self.ok = False
            elif key == "start" and not value.isdigit():
                self.ok = False

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag):
        if tag not in _ALLOWED:
            self.ok = False

    def handle_comment(self, data):
        self.ok = False

    def handle_decl(self, decl):
        self.ok = False

    def handle_pi(self, data):
        self.ok = False

    def unknown_decl(self, data):
        self.ok = False


def guidance_html(value: str) -> str:
    """A guidance page's HTML: only the elements and attributes our Markdown renders (no script, no
    event attribute, no style but a table cell's alignment, links only to pages, anchors, https and mail)."""
    checker = _Checker()
    checker.feed(value)
    checker.close()
    need(checker.ok and "<script" not in value.lower())
    return value


# -- the chart frame's SVG head: what matplotlib's SVG backend writes -------------------------------

_SVG_ELEMENTS = {
    "svg",
    "metadata",
    "rdf:RDF",
    "cc:Work",
    "dc:type",
    "dc:format",
    "dc:creator",
    "cc:Agent",
    "dc:title",
    "defs",
    "style",
    "g",
    "path",
    "use",
    "text",
    "clipPath",
    "rect",
    "tspan",
    "title",
    "desc",
}
_SVG_ATTRIBUTES = {
    "clip-path",
    "d",
    "encoding",
    "height",
    "id",
    "rdf:resource",
    "standalone",
    "style",
    "transform",
    "type",
    "version",
    "viewBox",
    "width",
    "x",
    "y",
    "xlink:href",
    "xmlns",
    "xmlns:cc",
    "xmlns:dc",
    "xmlns:rdf",
    "xmlns:xlink",
    "aria-label",
    "role",
    "class",
}
_TAG = re.compile(r"<([A-Za-z][\w:.-]*)")
_ATTRIBUTE = re.compile(r"""\s([A-Za-z_][\w:.-]*)\s*=\s*("[^"]*"|'[^']*')""")
_PROLOGUE = (
    '<?xml version="1.0" encoding="utf-8" standalone="no"?>\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN"\n'
    '  "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n'
)
_SAFE_REFERENCE = re.compile(r"#[\w.-]+|http://purl\.org/dc/dcmitype/StillImage")


def svg_head(value: str) -> str:
    """The opening of one SVG document as matplotlib writes it: its prologue, then only its elements and
    attributes; references only within the document; never a closed or second document."""
    need(value.startswith(_PROLOGUE) and value.count("<svg") == 1 and "</svg>" not in value)
    body = value[len(_PROLOGUE) :]
    need("<!" not in body and "<?" not in body and "&" not in body.replace("&#", "").replace("&amp;", ""))
    need(all(tag in _SVG_ELEMENTS for tag in _TAG.findall(body)))
    for tag in re.findall(r"<[^>]*>?", body):  # every name before an "=" in a tag, quoted or not, is one we allow
        need(all(key in _SVG_ATTRIBUTES for key in re.findall(r"""([^\s=<>"'/]+)\s*=""", re.sub(r'"[^"]*"|\'[^\']*\'', "", tag))))
    for key, quoted in _ATTRIBUTE.findall(body):
        need(key in _SVG_ATTRIBUTES)
        text = quoted[1:-1]
        if key in ("xlink:href", "rdf:resource"):
            need(_SAFE_REFERENCE.fullmatch(text) is not None)
        need("url(" not in text or re.fullmatch(r"url\(#[\w.-]+\)", text) is not None)
        need("javascript" not in text.lower() and "expression(" not in text.lower())
    for style in re.findall(r"<style[^>]*>(.*?)</style>", body, re.DOTALL):
        need("@import" not in style and "url(" not in style)
    return value
