"""What the national follow-up's tests share: a fixture of organisations computed by hand, its
report, and helpers to read a page and to check a PDF's text block."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ambitionsgraf import national
from ambitionsgraf.answers import parse_organisation
from ambitionsgraf.scoring import score_organisation, summarise

from .helpers import answer_file, uniform


def scored(instrument, text: str, name: str = "test"):
    org, problems = parse_organisation(instrument, Path(f"orgs/{name}.yaml"), text.encode(), f"orgs/{name}.yaml")
    assert problems == [], problems
    return score_organisation(instrument, org)


# -- a fixture computed by hand -------------------------------------------------------------------
#
# One respondent per round, answering every ledning question `l` (v1_mal ja) and every
# verksamhet question `v` (None: vet_ej, so no verksamhet value and no point). Then
#   ledning = ((3 + 4l)/5 + l + l) / 3 = (3 + 14l)/15: L(2) = 31/15, L(3) = 3, L(4) = 59/15
#   verksamhet = v
# and one step on the scale moves ledning by 14/15. Quadrants at 2,5: (3, 3) and (4, 4) are
# ändamålsenlig, (2, 3) verksamhet, (3, 2) ledning, (2, 2) tillfällig.

H = ("h_forbereda", "h_genomfora", "h_avtalsuppfoljning", "h_kategoriteam", "h_nojdhet")


def svar(l: int, v: int | None) -> dict:
    return uniform(l, **{h: "vet_ej" if v is None else v for h in H})


FIXTURE = {  # slug: (type, published, SKR group, {date: (l, v)})
    "k1": ("kommun", True, "A1", {"2023-03-01": (2, 2), "2025-03-01": (3, 3)}),
    "k2": ("kommun", True, "A1", {"2023-03-01": (3, 3), "2025-03-01": (4, 4)}),
    "k3": ("kommun", True, "A2", {"2021-03-01": (2, 2), "2023-03-01": (3, 2), "2025-03-01": (3, 3)}),
    "k4": ("kommun", True, "A2", {"2025-04-01": (2, 3)}),
    "k5": ("kommun", True, "B3", {"2023-03-01": (3, 3), "2025-03-01": (2, 2)}),
    "k6": ("kommun", True, "B3", {"2021-03-01": (3, 2), "2025-03-01": (2, 3)}),
    "k7": ("kommun", True, None, {"2024-03-01": (3, 4), "2025-03-01": (4, 4)}),
    "k8": ("kommun", True, "A1", {"2023-03-01": (2, 3), "2025-02-01": (1, 1), "2025-09-01": (3, 3)}),
    "k9": ("kommun", True, "A1", {"2023-03-01": (2, 2)}),
    "r1": ("region", True, None, {"2023-03-01": (2, 2), "2025-03-01": (2, 2)}),
    "r2": ("region", True, None, {"2025-05-01": (3, None)}),
    "m1": ("myndighet", True, None, {"2023-03-01": (2, None), "2025-03-01": (3, 3)}),
    # Never counted: they would change every figure below.
    "u1": ("kommun", False, "A1", {"2023-03-01": (1, 1), "2025-03-01": (1, 1)}),
    "u2": ("region", False, None, {"2025-03-01": (4, 4)}),
}
MAIN_GROUPS = {
    "A": "Storstäder och storstadsnära kommuner",
    "B": "Större städer och kommuner nära större stad",
    "C": "Mindre städer/tätorter och landsbygdskommuner",
}
GROUPS = {
    "A1": "Storstäder",
    "A2": "Pendlingskommun nära storstad",
    "B3": "Större stad",
    "B4": "Pendlingskommun nära större stad",
    "B5": "Lågpendlingskommun nära större stad",
    "C6": "Mindre stad/tätort",
    "C7": "Pendlingskommun nära mindre stad/tätort",
    "C8": "Landsbygdskommun",
    "C9": "Landsbygdskommun med besöksnäring",
}
SIZES = {"A1": 3, "A2": 43, "B3": 23, "B4": 63, "B5": 24, "C6": 27, "C7": 51, "C8": 35, "C9": 21}
GROUPING = national.Grouping("SKR:s kommungruppsindelning 2023", "kommun", MAIN_GROUPS, GROUPS, lambda org: FIXTURE[org.slug][2], SIZES)


def two(answers: dict) -> list[tuple[str, dict]]:
    """Two respondents who answer alike: the same means as one, and published per question (a round one
    person answered counts as without answers per question and step: scoring.details_public)."""
    return [("inkopschef", answers), ("verksamhet", answers)]


def fixture_files(fixture: dict = FIXTURE) -> dict[str, str]:
    return {
        f"{slug}.yaml": answer_file(
            [(d, two(svar(*lv))) for d, lv in rounds.items()], namn=f"Organisation {slug}", typ=typ, publicerad=published
        )
        for slug, (typ, published, _, rounds) in fixture.items()
    }


@pytest.fixture(scope="module")
def everyone(instrument):
    return [summarise(scored(instrument, text, name.removesuffix(".yaml"))) for name, text in fixture_files().items()]


@pytest.fixture(scope="module")
def published(everyone):
    return [r for r in everyone if r.organisation.published]


@pytest.fixture(scope="module")
def report(instrument, published):
    return national.year_report(instrument, published, "2025", GROUPING)


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def assert_in_text_block(pdf_path: Path) -> None:
    """As tests/test_pdf_layout.py checks the organisations' reports: every word between the margins
    report.css sets, the running header from page 2, and no page a stray line or two."""
    from .test_pdf_layout import MIN_WORDS, MIN_WORDS_LAST, body, page_margins, pages

    top, right, bottom, left = page_margins()
    doc = pages(pdf_path)
    for n, page in enumerate(doc, 1):
        for x0, y0, x1, y1, text in page["words"]:
            assert left - 0.5 <= x0 and x1 <= page["width"] - right + 0.5, (n, text)
            assert (top - 0.5 <= y0 or y1 <= top) and (y1 <= page["height"] - bottom + 0.5 or page["height"] - bottom <= y0), (n, text)
        header = " ".join(t for _, _, _, y1, t in page["words"] if y1 <= top)
        assert header == "" if n == 1 else header.startswith("Ambitionsgrafen – Nationell uppföljning 2025"), (n, header)
        least = MIN_WORDS if n < len(doc) else MIN_WORDS_LAST
        assert len(body(page, top, bottom)) >= least, (n, " ".join(t for *_, t in body(page, top, bottom))[:200])
