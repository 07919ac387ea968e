"""PDF reports checked by their text (pdftotext) and their tagged structure (pikepdf)."""

from __future__ import annotations

import json
import re
import subprocess
from fractions import Fraction

import pikepdf
import pytest

from ambitionsgraf.text import num


def exact(value: float) -> Fraction:
    """JSON holds floats (3.15 is 3.1499…); scores are fractions with small denominators."""
    return Fraction(value).limit_denominator(1000)


def page_text(pdf, first: int, last: int | None = None) -> str:
    last = last or first
    return subprocess.run(
        ["pdftotext", "-layout", "-f", str(first), "-l", str(last), str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


@pytest.fixture(scope="module")
def norrvik(example_build):
    return example_build / "leverans" / "norrvik.pdf", json.loads((example_build / "leverans" / "norrvik.json").read_text())


def test_first_page_is_the_summary(norrvik, instrument):
    pdf, data = norrvik
    text = " ".join(page_text(pdf, 1).split())
    latest = data["matningar"][-1]
    assert "Norrviks kommun" in text
    assert "Mätning 12 oktober 2023" in text
    assert "Rapporten visar hur ändamålsenlig" in text
    assert instrument.quadrant_by_id(latest["kvadrant"]).label in text
    for area in instrument.areas:
        assert f"{area.label} {num(exact(latest['omraden'][area.id]))}" in text
    for axis in ("ledning", "verksamhet"):
        assert num(exact(latest["axlar"][axis])) in text
    assert "Prioriterade nästa steg" in text
    for step_id in latest["prioriteringar"]:
        assert instrument.step(step_id).label in text
    assert "▲ +0,6" in text  # ledning shown as 2,6 then 3,2: a trend, shown by sign and number
    assert "Sida 1 av" in text


def test_delivery_report_has_roles_questions_comments_and_suggestions(norrvik, instrument):
    pdf, data = norrvik
    text = " ".join(page_text(pdf, 2, 40).split())
    for heading in ("Innehåll", "Resultat per område", "Rollernas bild", "Resultat per fråga", "Kommentarer", "Utvecklingsförslag"):
        assert heading in text
    for role in ("Politisk ledning", "Förvaltningsledning", "Inköpschef", "Verksamhet"):
        assert role in text
    assert "övriga kategorier <planeras> 2024 & framåt" in text  # a comment, escaped and shown as text
    for step in instrument.steps:
        assert step.label in text


def test_contents_give_the_page_each_section_starts_on(norrvik):
    pdf, _ = norrvik
    toc_page = next(n for n in range(1, 5) if "Innehåll" in page_text(pdf, n))
    listing = page_text(pdf, toc_page).split("Innehåll")[-1].strip("\n").split("\n\n")[0]  # up to the first gap
    entries = [(int(m[1]), m[2].strip()) for line in listing.splitlines() if (m := re.fullmatch(r"\s*(\d+)\s+(\S.*)", line))]
    titles = [title for _, title in entries]
    assert titles[:2] == ["Sammanfattning", "Resultat per område"] and titles[-1] == "Om mätningen"
    assert entries[0][0] == 1  # the summary is the first page, under the organisation's name
    pages = [page for page, _ in entries]
    assert pages == sorted(pages) and pages[-1] > toc_page
    for page, title in entries[1:]:
        # The section's heading is on that page, and its running header names it from there on.
        assert title in page_text(pdf, page), (title, page)
        if page > 1:
            assert title not in page_text(pdf, page - 1).splitlines()[0], (title, page)


def test_public_pdf_has_no_roles_or_comments(example_build):
    pdf = example_build / "site" / "organisationer" / "norrvik" / "norrvik.pdf"
    text = " ".join(page_text(pdf, 1, 40).split())
    assert "Norrviks kommun" in text and "Resultat per fråga" in text
    for private in ("Rollernas bild", "Politisk ledning", "Inköpschef", "Kommentarer", "planeras", "Spridning"):
        assert private not in text


@pytest.mark.parametrize("path", ["leverans/norrvik.pdf", "leverans/sydala.pdf", "site/organisationer/alvdal/alvdal.pdf"])
def test_pdf_is_tagged_for_accessibility(example_build, path):
    with pikepdf.open(example_build / path) as pdf:
        root = pdf.Root
        assert "/StructTreeRoot" in root
        assert root.MarkInfo.Marked is True
        assert str(root.Lang) == "sv"
        assert root.ViewerPreferences.DisplayDocTitle is True
        assert str(pdf.docinfo.Title).startswith("Ambitionsgrafen – ")
        kinds: dict[str, int] = {}
        figures = []

        def walk(node, depth=0):
            if depth > 200 or not isinstance(node, pikepdf.Dictionary):
                return
            s = node.get("/S")
            if s is not None:
                kinds[str(s)] = kinds.get(str(s), 0) + 1
                if str(s) == "/Figure":
                    figures.append(node)
            kids = node.get("/K")
            if isinstance(kids, pikepdf.Array):
                for k in kids:
                    walk(k, depth + 1)
            elif isinstance(kids, pikepdf.Dictionary):
                walk(kids, depth + 1)

        walk(root.StructTreeRoot)
        assert kinds.get("/H1") == 1 and kinds.get("/H2", 0) >= 5
        assert kinds.get("/Table", 0) >= 5 and kinds.get("/TH", 0) > 0
        assert figures, "the chart must be a tagged figure"
        for fig in figures:
            assert len(str(fig.get("/Alt", ""))) > 40


def struct_elements(pdf):
    """Every structure element, depth first."""
    out, stack = [], [pdf.Root.StructTreeRoot]
    while stack:
        node = stack.pop()
        if not isinstance(node, pikepdf.Dictionary):
            continue
        if "/S" in node:
            out.append(node)
        kids = node.get("/K")
        stack.extend(reversed(list(kids)) if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else [])
    return out


def name_tree(node) -> list[tuple[bytes, pikepdf.Object]]:
    """A PDF name tree's entries in the order stored (ISO 32000-1, 7.9.6)."""
    entries = []
    names = node.get("/Names", [])
    entries += [(bytes(names[i]), names[i + 1]) for i in range(0, len(names), 2)]
    for kid in node.get("/Kids", []):
        entries += name_tree(kid)
    return entries


TAGGED = ["leverans/norrvik.pdf", "leverans/sydala.pdf", "site/organisationer/alvdal/alvdal.pdf"]


@pytest.mark.parametrize("path", TAGGED)
def test_table_cells_are_found_through_the_id_tree_and_headers_have_a_scope(example_build, path):
    """ISO 32000-1 table 322: an /IDTree maps every element /ID; every /Headers entry names a TH found
    through it; every TH has a /Scope (PDF/UA-1 7.5), /Row exactly when it heads the cells of its row."""
    with pikepdf.open(example_build / path) as pdf:
        elements = struct_elements(pdf)
        with_id = [e for e in elements if "/ID" in e]
        assert with_id, "WeasyPrint gives table headers IDs"
        entries = name_tree(pdf.Root.StructTreeRoot.IDTree)
        keys = [k for k, _ in entries]
        assert keys == sorted(keys) and len(set(keys)) == len(keys)
        tree = dict(entries)
        assert sorted(keys) == sorted(bytes(e.ID) for e in with_id)
        for e in with_id:
            assert tree[bytes(e.ID)].objgen == e.objgen
        cells = [e for e in elements if str(e.S) in ("/TD", "/TH")]
        headers = [(cell, tree[bytes(h)]) for cell in cells for h in cell.get("/A", {}).get("/Headers", [])]
        assert headers
        for cell, th in headers:
            assert str(th.S) == "/TH"
            # A row header heads the cells of its own row; a column header those of other rows.
            assert (str(th.A.Scope) == "/Row") == (th.P.objgen == cell.P.objgen), (bytes(th.ID), str(th.A.Scope))
        ths = [e for e in elements if str(e.S) == "/TH"]
        assert ths and all(str(th.A.O) == "/Table" and str(th.A.Scope) in ("/Row", "/Column") for th in ths)
        scopes = {str(th.A.Scope) for th in ths}
        assert scopes == {"/Row", "/Column"}
    check = subprocess.run(["qpdf", "--check", str(example_build / path)], capture_output=True, text=True)
    assert check.returncode == 0 and "No syntax or stream encoding errors found" in check.stdout, check.stdout + check.stderr
