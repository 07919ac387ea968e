"""The workbooks as they print: each converted to PDF by LibreOffice (headless, Debian's
libreoffice-calc-nogui), and its words read back with `pdftotext -bbox`. Every page is A4 landscape
with every column on it, the title in its header and the heading row repeated; no word lies on
another (a row too low for its wrapped text would put its last lines on the next row's), and no text
is lost."""

from __future__ import annotations

import html
import re
import subprocess
from pathlib import Path

import pytest

from ambitionsgraf.actionplan import ACTION_PLAN_COLUMNS, _action_plan_rows, handlingsplan_xlsx
from ambitionsgraf.pipeline import load_project

from .conftest import ROOT, TEST_SITE_URL, project_settings
from .test_action_plan import scored

_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')
_PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', re.S)


def to_pdf(xlsx: Path) -> Path:
    profile = xlsx.parent / "lo-profile"  # its own profile: no clash with another LibreOffice running
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(xlsx.parent),
            str(xlsx),
        ],
        check=True,
        capture_output=True,
        timeout=240,
    )
    pdf = xlsx.with_suffix(".pdf")
    assert pdf.exists()
    return pdf


def pages(pdf: Path) -> list[dict]:
    """Each page's size and words, as (x0, y0, x1, y1, text)."""
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return [
        {
            "size": (float(w), float(h)),
            "words": [(float(a), float(b), float(c), float(d), html.unescape(t)) for a, b, c, d, t in _WORD.findall(body)],
        }
        for w, h, body in _PAGE.findall(out)
    ]


def overlaps(words) -> list[tuple[str, str]]:
    """Pairs of words whose boxes cover each other by more than a sliver: 3 pt up and down (a line's box
    reaches about 1 pt into the next line's in a wrapped cell), 1 pt across."""
    found = []
    ordered = sorted(words)
    for i, a in enumerate(ordered):
        for b in ordered[i + 1 :]:
            if b[0] >= a[2] - 1:
                break
            if min(a[3], b[3]) - max(a[1], b[1]) > 3 and min(a[2], b[2]) - max(a[0], b[0]) > 1:
                found.append((a[4], b[4]))
    return found


def flat(text: str) -> str:
    return " ".join(text.split())


def check_printed(pdf: Path, *, title: str, first: str, last: str) -> list[dict]:
    printed = pages(pdf)
    assert printed
    for n, page in enumerate(printed, start=1):
        width, height = page["size"]
        assert (round(width), round(height)) == (842, 595), "A4 landscape"
        text = flat(" ".join(w[4] for w in page["words"]))
        assert title in text, f"page {n} has no title in its header"
        assert f"Sida {n} av {len(printed)}" in text
        assert first in text and last in text, f"page {n} lacks the first or the last column: not one page wide"
        assert overlaps(page["words"]) == [], f"page {n}: words on top of each other"
    return printed


@pytest.fixture(scope="module")
def project():
    return load_project(ROOT, project_settings(TEST_SITE_URL))


@pytest.mark.parametrize("site_url", [TEST_SITE_URL, None])
def test_the_action_plan_prints_one_page_wide_with_every_row_whole(tmp_path, site_url):
    project = load_project(ROOT, project_settings(site_url))
    result = scored(project, ROOT / "orgs" / "norrvik.yaml")
    xlsx = tmp_path / "plan.xlsx"
    xlsx.write_bytes(handlingsplan_xlsx(project, result))
    printed = check_printed(
        to_pdf(xlsx),
        title="Handlingsplan för Norrviks kommun, mätningen 2023-10-12",
        first=ACTION_PLAN_COLUMNS[0],
        last=ACTION_PLAN_COLUMNS[-1],
    )
    column = []  # the words under the heading Förslag, line by line, page by page
    for page in printed:
        x = {w[4]: w[0] for w in page["words"] if w[4] in ("Förslag", "Vägledning")}
        column += [w[4] for w in sorted(page["words"], key=lambda w: (round(w[1]), w[0])) if x["Förslag"] - 1 <= w[0] < x["Vägledning"] - 1]
    column = " ".join(column)
    for row in _action_plan_rows(project, result):
        assert flat(row[4]) in column  # every suggestion printed whole, none cut at its row's foot
    # the words are as large as print needs: fitting 11 columns one page wide must not shrink them to nothing
    heights = sorted(w[3] - w[1] for p in printed for w in p["words"])
    assert heights[len(heights) // 2] >= 7.5


def test_the_open_data_workbook_prints_each_sheet_one_page_wide(example_build, tmp_path):
    xlsx = tmp_path / "resultat.xlsx"
    xlsx.write_bytes((example_build / "site" / "data" / "resultat.xlsx").read_bytes())
    printed = pages(to_pdf(xlsx))
    text = [flat(" ".join(w[4] for w in p["words"])) for p in printed]
    about = [p for p, t in zip(printed, text) if "Beskrivning" in t]  # the sheet Om data
    results = [t for p, t in zip(printed, text) if p not in about]
    assert about and results
    assert all("Kortnamn" in t and "Antal intervjuade" in t for t in results), "the first or the last column is on another page"
    title = "Ambitionsgrafen: resultat per organisation och mätning"
    for n, page in enumerate(printed, start=1):
        width, height = page["size"]
        assert (round(width), round(height)) == (842, 595)
        text = flat(" ".join(w[4] for w in page["words"]))
        assert title in text
        assert overlaps(page["words"]) == [], f"page {n}: words on top of each other"
    for page in about:
        text = flat(" ".join(w[4] for w in page["words"]))
        assert "Kolumn" in text and "Beskrivning" in text
