"""Nothing in a PDF runs past its text block, the summary is page 1, and no page is nearly empty.

Every word of every page is located with `pdftotext -bbox` (poppler) and compared with the text
block the print stylesheet's @page margins leave (read from templates/print/report.css, so the
test follows the layout). The PDFs are the example organisations' and those of
tests/report_fixtures.py: a 500-character name, a 400-character comment without a space, twenty
respondents in one role, the lowest point, roles that disagree.
"""

from __future__ import annotations

import html
import json
import re
import subprocess
from pathlib import Path

import pytest

from .conftest import ROOT
from .report_fixtures import LONG_NAME, UNBROKEN

MM = 72 / 25.4
TOLERANCE = 0.5  # points: poppler's word boxes are rounded


def page_margins() -> tuple[float, float, float, float]:
    """top, right, bottom, left in points, from the first @page rule of the print stylesheet (CSS shorthand)."""
    css = (ROOT / "templates" / "print" / "report.css").read_text()
    values = [float(v.removesuffix("mm")) * MM for v in re.search(r"@page\s*\{[^}]*?margin:\s*([^;]+);", css)[1].split()]
    top, right, bottom, left = {1: values * 4, 2: values * 2, 3: values + values[1:2], 4: values}[len(values)]
    return top, right, bottom, left


def pages(pdf: Path) -> list[dict]:
    """Each page's size and words, as pdftotext -bbox gives them."""
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    result = []
    for page in re.finditer(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', out, re.S):
        words = [
            (float(a), float(b), float(c), float(d), html.unescape(t))
            for a, b, c, d, t in re.findall(
                r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', page[3]
            )
        ]
        result.append({"width": float(page[1]), "height": float(page[2]), "words": words})
    return result


def body(page: dict, top: float, bottom: float) -> list:
    """The words in the text block, in reading order (running header and page number left out)."""
    return [w for w in page["words"] if w[3] > top and w[1] < page["height"] - bottom]


DELIVERY = ["norrvik", "sydala", "alvdal", "fjallmo"]
FIXTURES = ["grans", "kant", "lang", "ord", "lagst", "oens"]
CASES = (
    [("example", "leverans", s) for s in DELIVERY]
    + [("example", "site", s) for s in ("norrvik", "alvdal")]
    + [("fixture", "leverans", s) for s in FIXTURES]
    + [("fixture", "site", s) for s in ("lang", "ord")]
)


@pytest.fixture(scope="module")
def built(example_build, fixture_build):
    return {"example": example_build, "fixture": fixture_build}


def pdf_path(built, source: str, part: str, slug: str) -> Path:
    return built[source] / part / (f"{slug}.pdf" if part == "leverans" else f"organisationer/{slug}/{slug}.pdf")


@pytest.mark.parametrize("source,part,slug", CASES)
def test_every_word_lies_in_the_text_block(built, source, part, slug):
    """Horizontally every word of every page, the running header and page number included, lies between
    the side margins; vertically every word lies in the text block, except the running header above it
    ('Ambitionsgrafen – name' and the section) and the page number below it."""
    top, right, bottom, left = page_margins()
    for n, page in enumerate(pages(pdf_path(built, source, part, slug)), 1):
        w, h = page["width"], page["height"]
        for x0, y0, x1, y1, text in page["words"]:
            where = f"{slug} ({part}) page {n}: {text!r} at x {x0:.1f}–{x1:.1f}, y {y0:.1f}–{y1:.1f}"
            assert left - TOLERANCE <= x0 and x1 <= w - right + TOLERANCE, where
            assert top - TOLERANCE <= y0 or y1 <= top, where  # not astride the top edge
            assert y1 <= h - bottom + TOLERANCE or h - bottom <= y0, where  # nor the bottom edge
        header = " ".join(t for _, _, _, y1, t in page["words"] if y1 <= top)
        footer = " ".join(t for _, y0, _, _, t in page["words"] if y0 >= h - bottom)
        assert header == "" if n == 1 else header.startswith("Ambitionsgrafen – "), (slug, n, header)
        assert re.fullmatch(r"Sida \d+ av \d+", footer), (slug, n, footer)


@pytest.mark.parametrize("source,part,slug", CASES)
def test_the_summary_is_exactly_page_1(built, source, part, slug):
    top, _, bottom, _ = page_margins()
    doc = pages(pdf_path(built, source, part, slug))
    first = " ".join(t for *_, t in body(doc[0], top, bottom))
    # Ordby's one round is one person's: its public summary says why it shows the point only (scoring.details_public)
    closing = "besvarades av en person" if (part, slug) == ("site", "ord") else "Prioriterade nästa steg"
    assert closing in first and "Innehåll" not in first
    second = [t for *_, t in body(doc[1], top, bottom)]
    assert second[0] == "Innehåll", second[:5]


def test_the_long_name_and_comment_are_there_whole(built):
    """Wrapping, not cutting: the 500-character name and the 400-character comment are all in the text."""
    text = subprocess.run(
        ["pdftotext", str(pdf_path(built, "fixture", "leverans", "lang")), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert " ".join(LONG_NAME.split()) in " ".join(text.split())
    text = subprocess.run(
        ["pdftotext", str(pdf_path(built, "fixture", "leverans", "ord")), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert UNBROKEN[:400] in "".join(text.split())


# A page of running text holds about 500 words; a page of tables a little fewer. A page with fewer
# than 60 (three or four lines of text, or a heading and a sentence) is one the package would be
# better without: its content belongs on the page before or after. The last page may be short, but
# not a stray line (the closing section is kept whole: about 70 words).
MIN_WORDS = 60
MIN_WORDS_LAST = 25


@pytest.mark.parametrize("source,part,slug", CASES)
def test_no_page_is_nearly_empty(built, source, part, slug):
    top, _, bottom, _ = page_margins()
    doc = pages(pdf_path(built, source, part, slug))
    counts = [len(body(p, top, bottom)) for p in doc]
    for n, count in enumerate(counts, 1):
        least = MIN_WORDS if n < len(counts) else MIN_WORDS_LAST
        assert count >= least, (
            f"{slug} ({part}): page {n} has {count} words: {' '.join(t for *_, t in body(doc[n - 1], top, bottom))[:300]}"
        )


@pytest.mark.parametrize("source,part,slug", [c for c in CASES if c[1] == "leverans"])
def test_role_names_are_never_split(built, instrument, source, part, slug):
    """Column headers once hyphenated 'För-valt-nings-ledning'; no role's name is broken anywhere."""
    words = [t for page in pages(pdf_path(built, source, part, slug)) for *_, t in page["words"]]
    parts = {w for role in instrument.roles for w in role.label.split()}
    for w in words:
        if w.endswith(("-", "\u2010", "\u00ad")) and len(w) > 1:
            assert not any(p.startswith(w[:-1]) and p != w[:-1] for p in parts), (slug, w)
    answered = json.loads((built[source] / "leverans" / f"{slug}.json").read_text())["matningar"][-1]["roller"]
    for role in instrument.roles:
        if role.id in answered:
            assert role.label in " ".join(words), (slug, role.label)


def test_each_number_of_an_organisations_report_stands_under_its_own_heading(example_build):
    """The rule the national follow-up's tables keep (a numeric heading over its numbers), in the
    delivery report's tables too: read with pdftotext -bbox."""

    doc = pages(example_build / "leverans" / "norrvik.pdf")
    boxes, cells = table_cells(doc, "Områdespoäng vid mätningen", ["Axel", "Poäng", "Förändring"], ["1. Strategi och planering"])
    assert [c[2] for c in cells["1. Strategi och planering"]][1:] == ["3,3", "▲ +0,8"]
    assert_under_headings(boxes, cells)
    for (_, x1, text), (_, h1, heading) in list(zip(cells["1. Strategi och planering"], boxes))[1:]:
        assert abs(x1 - h1) < 2, f"{text} ends at {x1:.1f}, its heading {heading} at {h1:.1f}: not right-aligned together"


def table_cells(doc: list[dict], caption: str, headings: list[str], rows: list[str]) -> tuple[list, dict]:
    """In the PDF's table whose caption starts with `caption`, located with pdftotext -bbox: each
    heading's box (the union of its words, over the lines it wraps to) and each row's cells (its
    words after the label, joined where less than 4 pt apart), as (x0, x1, text)."""
    start = caption.split()
    for page in doc:
        words = page["words"]
        at = next((i for i in range(len(words)) if [w[4] for w in words[i : i + len(start)]] == start), None)
        if at is not None:
            break
    else:
        raise AssertionError(f"no caption {caption!r}")
    below = [w for w in words[at:] if w[1] > words[at][3]]
    first_row = min(w[1] for w in below if w[4] == rows[0].split()[0] and w[0] < words[at][0] + 20)
    band = [w for w in below if w[1] < first_row - 1]
    boxes, left = [], 0.0
    for heading in headings:
        parts = heading.split()
        head = min((w for w in band if w[4] == parts[0] and w[0] > left), key=lambda w: (w[0], w[1]))
        box, last = [head[0], head[2]], head
        for part in parts[1:]:  # the next word: just right of the last on its line, or on a later line under the heading
            last = min(
                (
                    w
                    for w in band
                    if w[4] == part
                    and (
                        (abs(w[1] - last[1]) < 2 and 0 <= w[0] - last[2] < 8)
                        or (w[1] > last[1] + 2 and w[0] < box[1] + 5 and w[2] > box[0] - 5)
                    )
                ),
                key=lambda w: (w[1], w[0]),
            )
            box = [min(box[0], last[0]), max(box[1], last[2])]
        boxes.append((box[0], box[1], heading))
        left = head[0] + 1
    cells = {}
    for label in rows:
        first = label.split()
        line_at = next(w for w in below if w[4] == first[0] and w[1] >= first_row - 1 and w[0] < words[at][0] + 20)
        line = sorted((w for w in below if abs(w[1] - line_at[1]) < 2), key=lambda w: w[0])
        values = [w for w in line if w[0] > boxes[0][0] - 20]
        joined: list[list] = []
        for w in values:
            if joined and w[0] - joined[-1][1] < 4:
                joined[-1] = [joined[-1][0], w[2], joined[-1][2] + " " + w[4]]
            else:
                joined.append([w[0], w[2], w[4]])
        cells[label] = [tuple(c) for c in joined]
    return boxes, cells


def assert_under_headings(boxes: list, cells: dict) -> None:
    """Each value's box overlaps its own heading's box and no other heading's."""
    for label, row in cells.items():
        assert len(row) == len(boxes), (label, row)
        for (x0, x1, text), (h0, h1, heading) in zip(row, boxes):
            assert x1 > h0 and x0 < h1, f"{label}: {text} is not under {heading}"
            others = [h for h in boxes if h[2] != heading and x1 > h[0] and x0 < h[1]]
            assert not others, f"{label}: {text} is under {others[0][2]} too"
