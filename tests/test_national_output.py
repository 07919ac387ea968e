"""The national follow-up as built: a page per year linked from the overview, what a change renders
again, and the PDF: read as the analyst needs it, every number under its heading, tagged, in its
text block, and ending with the instrument and its interpretations."""

from __future__ import annotations

import re
import shutil
import subprocess

import pikepdf
import pytest

from ambitionsgraf import national

from .conftest import ROOT, TEST_SITE_URL, project_settings, run_build, tree, write_orgs
from .helpers import answer_file
from .national_fixture import FIXTURE, assert_in_text_block, everyone, fixture_files, published, report, svar, text_of, two  # noqa: F401  (fixtures, found by their names)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("national")
    orgs = write_orgs(folder / "orgs", fixture_files())
    run_build(orgs, folder / "out", site_url=TEST_SITE_URL)
    return folder / "out"


def test_a_page_per_year_linked_from_the_overview(built):
    site = built / "site"
    assert sorted(p.name for p in (site / "oversikt").iterdir() if p.name.isdigit()) == ["2021", "2023", "2024", "2025"]
    assert sorted(p.name for p in (site / "oversikt" / "2025").iterdir()) == [
        "ambitionsgraf.svg",
        "fragor-ja-nej.svg",
        "fragor.svg",
        "i-hog-grad.svg",
        "index.html",
        "kvadranter.svg",
        "steg.svg",
    ]
    assert sorted(p.name for p in (site / "oversikt" / "2024").iterdir()) == [
        "ambitionsgraf.svg",
        "index.html",
    ]  # one organisation: its point, no bars
    for page in ("oversikt/index.html", "oversikt/alla-typer/2023/index.html", "oversikt/kommun/alla-ar/index.html"):
        html = (site / page).read_text()
        root = "../" * page.count("/")
        assert all(f'href="{root}oversikt/{y}/"' in html for y in ("2021", "2023", "2024", "2025")), page
    page = text_of((site / "oversikt" / "2025" / "index.html").read_text())
    assert "11 publicerade organisationer mättes 2025 (kommun 8, region 2, myndighet 1)." in page
    assert "55 % (6)" in page and "63 % (5)" in page and "+0,9" in page and "+0,5" in page
    assert "rapport.pdf" not in (site / "oversikt" / "2025" / "index.html").read_text()  # a build without PDFs links none
    one = text_of((site / "oversikt" / "2024" / "index.html").read_text())  # k7 alone: every count agrees in number
    assert "Uppföljningen gäller den organisation som mättes med ambitionsgrafen under 2024" in one
    assert "1 publicerad organisation mättes 2024 (kommun 1)." in one
    assert "Ingen av de 21 regionerna i landet deltog." in one and "deltog utan kod i svarsfilen; den kan inte" in one
    assert not re.search(r"\b(de|De) 1 \w+er\b|\b1 (organisationer|publicerade|punkter|kommuner)\b", one), one


def test_an_unpublished_organisations_answers_never_change_the_follow_up(built, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(built, out)
    before = tree(out / "site" / "oversikt")
    changed = dict(
        FIXTURE,
        u1=("kommun", False, "A1", {"2023-03-01": (4, 4), "2025-03-01": (4, 4)}),
        u2=("region", False, None, {"2025-03-01": (2, 2)}),
    )
    orgs = write_orgs(tmp_path / "orgs", fixture_files(changed))
    summary = run_build(orgs, out, site_url=TEST_SITE_URL)
    assert {(d.slug, d.action, d.reason) for d in summary.plan.national} == {
        (y, "carry over", "unchanged") for y in ("2021", "2023", "2024", "2025")
    }
    assert tree(out / "site" / "oversikt") == before
    # A round it took part in is counted, as a number: 2021 now has one participant more, left out.
    changed["u2"] = ("region", False, None, {"2021-03-01": (1, 1), "2025-03-01": (2, 2)})
    write_orgs(orgs, fixture_files(changed))
    summary = run_build(orgs, out, site_url=TEST_SITE_URL)
    assert {d.slug for d in summary.plan.national if d.action == "render"} == {"2021"}
    page = text_of((out / "site" / "oversikt" / "2021" / "index.html").read_text())
    assert "Alla organisationer 3 2 1 – –" in page  # k3, k6 published; u2 left out
    # A published organisation's change in 2025 renders that year's page again, and no other.
    changed["k4"] = ("kommun", True, "A2", {"2025-04-01": (4, 4)})
    write_orgs(orgs, fixture_files(changed))
    summary = run_build(orgs, out, site_url=TEST_SITE_URL)
    assert {d.slug for d in summary.plan.national if d.action == "render"} == {"2025"}


def test_a_build_with_pdfs_renders_again_only_the_years_that_changed(tmp_path):
    files = {
        "a.yaml": answer_file([("2023-03-01", two(svar(2, 2))), ("2025-03-01", two(svar(3, 3)))], namn="A"),
        "b.yaml": answer_file([("2025-03-01", two(svar(3, 2)))], namn="B"),
    }
    orgs = write_orgs(tmp_path / "orgs", files)
    out = tmp_path / "out"
    run_build(orgs, out, pdf=True, jobs=2)
    assert (out / "site" / "oversikt" / "2023" / "rapport.pdf").is_file()
    assert 'href="rapport.pdf"' in (out / "site" / "oversikt" / "2025" / "index.html").read_text()
    files["b.yaml"] = answer_file([("2025-03-01", two(svar(4, 2)))], namn="B")
    write_orgs(orgs, files)
    summary = run_build(orgs, out, pdf=True, jobs=2)
    assert {(d.slug, d.part): d.action for d in summary.plan.national} == {
        ("2023", "national-pdf"): "carry over",
        ("2023", "national"): "carry over",
        ("2025", "national-pdf"): "render",
        ("2025", "national"): "render",
    }
    assert summary.pdfs == 3  # b's two, and the 2025 follow-up
    again = run_build(orgs, out, pdf=False)  # kept while current, and still linked
    assert again.plan is None or all(d.action == "carry over" for d in again.plan.national)
    assert 'href="rapport.pdf"' in (out / "site" / "oversikt" / "2025" / "index.html").read_text()


@pytest.fixture(scope="module")
def fixture_pdf(instrument, report, tmp_path_factory):
    from ambitionsgraf.pipeline.inputs import load_project
    from ambitionsgraf.site import national_pdf_files

    project = load_project(ROOT, project_settings())
    view = national.report_view(project.ins, report, site_url=project.site_url)
    path = tmp_path_factory.mktemp("national-pdf") / "rapport.pdf"
    path.write_bytes(national_pdf_files(project, view)["oversikt/2025/rapport.pdf"])
    return path


def test_the_pdf_reads_as_the_analyst_needs_it(fixture_pdf):
    layout = subprocess.run(["pdftotext", "-layout", str(fixture_pdf), "-"], capture_output=True, text=True, check=True).stdout
    text = " ".join(layout.split())

    def row(label: str) -> list[str]:
        """A table row's cells as the layout prints them on the row's first line (its label may wrap);
        the table's row, not a chart's bar of the same label, which comes first and holds no cells."""
        found = [re.split(r"\s{2,}", line.strip())[1:] for line in layout.splitlines() if line.strip().startswith(label)]
        return [cells for cells in found if cells][-1]

    assert text.startswith(
        "UPPHANDLINGSMYNDIGHETEN · AMBITIONSGRAFEN Nationell uppföljning 2025 11 publicerade organisationer med mätning 2025"
    )
    for said in (
        "55 % (6) ligger i kvadranten ändamålsenlig inköpsorganisation och 18 % (2) i tillfälligt samspel",
        "9 av dem hade mätts ett tidigare år",
        "3 ligger i samma kvadrant, 3 har fler axlar med systematiskt samspel, 1 färre",
        "Medianförändringen är +0,9 för samspel mellan inköpsfunktionen och ledningen och +0,5",
        "den tidigare mätningen: 2021 för 1, 2023 för 7, 2024 för 1",
        "SKR:s kommungruppsindelning 2023",
        "Sida 1 av",
    ):
        assert said in text, said
    participation = [re.split(r"\s{2,}", line.strip()) for line in layout.splitlines()]
    assert ["A1. Storstäder", "3", "3", "0", "3", "100 %"] in participation  # the fixture's report: those measured are the published
    assert ["Kommun utan kod (okänd grupp)", "1", "1", "0", "–", "–"] in participation
    assert row("Alla organisationer") == ["11", "55 % (6)", "0 % (0)", "18 % (2)", "18 % (2)", "9 % (1)"]
    assert row("A1. Storstäder (bara") == ["3", "3", "0", "0", "0", "0"]
    # The transition table: from no point (m1) to ändamålsenlig, and the column totals of the nine.
    assert row("Ingen punkt (svar") == ["1", "0", "0", "0", "0", "1"]
    assert row("Summa") == ["6", "0", "1", "2", "0", "9"]
    assert row("Samspel mellan inköpsfunktionen och ledningen") == ["+0,9", "9 organisationer"]
    assert row("Samspel mellan inköpsfunktionen och verksamheten") == ["+0,5", "8 organisationer"]


def test_each_number_of_the_pdf_tables_stands_under_its_own_heading(fixture_pdf):
    from .test_pdf_layout import assert_under_headings, pages, table_cells

    doc = pages(fixture_pdf)
    boxes, cells = table_cells(
        doc,
        "Organisationer per typ,",
        ["Deltog", "Publicerade", "Ej publicerade", "I landet", "Täckning"],
        ["Kommun", "Region", "Alla organisationer"],
    )
    assert [c[2] for c in cells["Alla organisationer"]] == ["11", "11", "0", "–", "–"]
    assert_under_headings(boxes, cells)
    boxes, cells = table_cells(
        doc,
        "Organisationer per svar, fråga 1,",
        ["Alla svarade ja", "Några svarade ja", "Ingen svarade ja", "Inget svar"],
        ["1. Vi har mål"],
    )
    assert [c[2] for c in cells["1. Vi har mål"]] == ["100 % (11)", "0 % (0)", "0 % (0)", "0 % (0)"]
    assert_under_headings(boxes, cells)
    boxes, cells = table_cells(
        doc, "Medianförändring per axel,", ["Medianförändring", "Bygger på"], ["Samspel mellan inköpsfunktionen och ledningen"]
    )
    assert_under_headings(boxes, cells)
    boxes, cells = table_cells(
        doc,
        "Kvadrant vid den tidigare",
        [
            "2025: Ändamålsenlig inköpsorganisation",
            "2025: Systematiskt samspel med ledningen",
            "2025: Systematiskt samspel med verksamheten",
            "2025: Tillfälligt samspel",
            "2025: Ingen punkt (svar saknas)",
            "Summa",
        ],
        ["Summa"],
    )
    assert [c[2] for c in cells["Summa"]] == ["6", "0", "1", "2", "0", "9"]
    assert_under_headings(boxes, cells)
    # The sum row is printed once, however the table falls on the pages.
    assert sum(1 for page in doc for w in page["words"] if w[4] == "Summa") == 2  # its heading and its row


def test_the_pdf_ends_with_the_instrument_and_every_interpretation(fixture_pdf, instrument):
    """The appendix, read from the instrument and the method page's Markdown (never a copy): every
    question with its lead-in, each area's formula, the threshold and the interpretations."""
    import re as _re

    from ambitionsgraf.pipeline.inputs import load_project

    from .test_pdf_layout import pages

    text = " ".join(subprocess.run(["pdftotext", str(fixture_pdf), "-"], capture_output=True, text=True, check=True).stdout.split())
    appendix = text[text.rindex("Bilaga: frågor, formler, gränser och tolkningar") :]
    # The question column of the appendix's tables, line by line: from its heading "Fråga" to "Svar och poäng".
    column = []
    for page in pages(fixture_pdf):
        words = page["words"]
        heads = [w for w in words if w[4] == "Nr"]
        if not heads:
            continue
        left = next(w[0] for w in words if w[4] == "Fråga" and abs(w[1] - heads[0][1]) < 2)
        right = next(w[0] for w in words if w[4] == "Svar" and abs(w[1] - heads[0][1]) < 2)
        column += [w[4] for w in sorted(words, key=lambda w: (round(w[1]), w[0])) if left - 1 <= w[0] < right - 1 and w[1] > heads[0][1]]
    questions = " ".join(column)
    for q in instrument.questions:
        preamble = instrument.area(q.area).preamble
        assert " ".join(((preamble + " ") if preamble else "").split() + q.text.split()) in questions, q.id
    assert "Σ (vikt × poäng) / 5" in appendix and "Σ poäng / 4" in appendix
    assert f"En axel är systematiskt från {str(float(instrument.threshold)).replace('.', ',')}" in appendix
    notes = load_project(ROOT, project_settings()).guidance.method_notes
    assert notes.title in appendix
    for heading in _re.findall(r"<h3[^>]*>(.*?)</h3>", notes.html):  # every interpretation's heading, in order
        assert " ".join(heading.split()) in appendix, heading


def test_the_pdf_is_tagged_with_every_chart_described(fixture_pdf):
    with pikepdf.open(fixture_pdf) as pdf:
        root = pdf.Root
        assert "/StructTreeRoot" in root and root.MarkInfo.Marked is True
        assert str(root.Lang) == "sv" and root.ViewerPreferences.DisplayDocTitle is True
        assert str(pdf.docinfo.Title) == "Ambitionsgrafen – Nationell uppföljning 2025"
        kinds: dict[str, int] = {}
        figures = []

        def walk(node, depth=0):
            if depth > 200 or not isinstance(node, pikepdf.Dictionary):
                return
            if (s := node.get("/S")) is not None:
                kinds[str(s)] = kinds.get(str(s), 0) + 1
                if str(s) == "/Figure":
                    figures.append(node)
            kids = node.get("/K")
            for k in kids if isinstance(kids, pikepdf.Array) else [kids] if isinstance(kids, pikepdf.Dictionary) else []:
                walk(k, depth + 1)

        walk(root.StructTreeRoot)
        assert kinds.get("/H1") == 1 and kinds.get("/H2", 0) >= 7
        assert kinds.get("/Table", 0) >= 8 and kinds.get("/TH", 0) > 50  # eight tables (one split over pages is tagged per page)
        assert len(figures) == 6  # the graph, quadrants, i hög grad, answers on the scale and yes or no, steps: each followed by its table
        for fig in figures:
            assert "tabellen" in str(fig.get("/Alt", ""))


@pytest.mark.parametrize("path", ["oversikt/2025/", "oversikt/2024/"])
def test_the_page_passes_axe_and_fits_a_phone(browser, built, tmp_path, path):
    from .browser import axe_violations, serve

    shutil.copytree(built / "site", tmp_path / "ambitionsgraf")
    with serve(tmp_path) as base:
        page = browser.new_page(viewport={"width": 360, "height": 740})
        failed = []
        page.on("response", lambda r: failed.append(r.url) if r.status >= 400 and not r.url.endswith("favicon.ico") else None)
        page.goto(base + "ambitionsgraf/" + path)
        assert page.evaluate("document.documentElement.lang") == "sv"
        assert axe_violations(page) == []
        assert failed == []
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        for img in page.query_selector_all("figure.chart img"):
            assert img.evaluate("i => i.naturalWidth") > 0 and "tabellen" in img.get_attribute("alt")
        page.close()


def test_year_pages_never_meet_the_filter_pages(instrument):
    """oversikt/<year>/ beside oversikt/<type>/<year>/ and oversikt/alla-typer/…: a year is four
    digits (round dates are checked dates), so no type may be named like one."""
    from ambitionsgraf.layout import national_path, overview_path

    for t in instrument.types:
        assert not re.fullmatch(r"[0-9]+", t.id), t.id
    firsts = {overview_path(t, y).split("/")[1] for t in [None] + [t.id for t in instrument.types] for y in (None, "2025") if t or y}
    assert national_path("2025").split("/")[1] not in firsts and "2025" not in firsts


def test_the_pdf_stays_in_its_text_block_and_wastes_no_page(fixture_pdf):
    assert_in_text_block(fixture_pdf)


def test_a_table_that_breaks_repeats_its_headings(fixture_pdf):
    """The appendix's question tables run over pages: every page with one of their rows (an answer
    cell 'Skalan 1–4') has the headings above it, and at least one table does break."""
    from .test_pdf_layout import pages

    with_rows = []
    for n, page in enumerate(pages(fixture_pdf), 1):
        words = page["words"]
        cells = [w for w in words if w[4] == "Skalan"]
        if not cells:
            continue
        heads = [w for w in words if w[4] == "poäng" and any(v[4] == "Svar" and abs(v[1] - w[1]) < 2 for v in words)]
        assert heads and min(h[1] for h in heads) < min(c[1] for c in cells), f"page {n}: rows without their headings"
        first_caption = min((w[1] for w in words if w[4] in ("1.", "2.", "3.", "4.") and w[0] < 70), default=None)
        with_rows.append((n, first_caption is None or first_caption > min(c[1] for c in cells)))
    assert any(continued for _, continued in with_rows), with_rows  # a page whose first rows continue a table
