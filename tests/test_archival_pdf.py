"""Every PDF the build writes is PDF/A-2a and PDF/UA-1: each requirement that can be read off the file
without veraPDF, checked with pikepdf and qpdf (README, "Archival PDFs", lists them)."""

from __future__ import annotations

import re
import subprocess

import pikepdf
import pytest

PDFS = ["leverans/norrvik.pdf", "leverans/sydala.pdf", "leverans/fjallmo.pdf", "site/organisationer/alvdal/alvdal.pdf"]


def objects_under(pdf):
    """Every indirect object of the file."""
    return [o for o in pdf.objects if isinstance(o, (pikepdf.Dictionary, pikepdf.Stream))]


def fonts(pdf):
    """Every font the pages and their form XObjects use, once each."""
    seen, out, stack = set(), [], [page.obj.get("/Resources") for page in pdf.pages]
    while stack:
        res = stack.pop()
        if not isinstance(res, pikepdf.Dictionary):
            continue
        for font in res.get("/Font", {}).values():
            if font.objgen not in seen:
                seen.add(font.objgen)
                out.append(font)
        for xobj in res.get("/XObject", {}).values():
            if xobj.objgen not in seen and xobj.get("/Subtype") == "/Form":
                seen.add(xobj.objgen)
                stack.append(xobj.get("/Resources"))
    return out


@pytest.mark.parametrize("path", PDFS)
def test_xmp_claims_pdf_a_2a_and_pdf_ua_1_together(example_build, path):
    with pikepdf.open(example_build / path) as pdf:
        meta = pdf.open_metadata()
        assert (meta.get("pdfaid:part"), meta.get("pdfaid:conformance"), meta.get("pdfuaid:part")) == ("2", "A", "1")
        xmp = pdf.Root.Metadata.read_bytes().decode()
        # One description holds both claims, and PDF/A's extension schema describes pdfuaid.
        assert re.search(r'<rdf:Description[^>]*pdfaid:part="2"[^>]*pdfuaid:part="1"', xmp)
        assert "<pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>" in xmp
        assert "<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>" in xmp
        # The title in XMP is the document information's (PDF/A 6.6.3; PDF/UA 7.1 asks for dc:title).
        assert meta.get("dc:title") == str(pdf.docinfo.Title) != ""
        assert pdf.pdf_version == "1.7"


@pytest.mark.parametrize("path", PDFS)
def test_output_intent_is_srgb_and_every_font_is_embedded(example_build, path):
    with pikepdf.open(example_build / path) as pdf:
        intents = pdf.Root.OutputIntents
        assert len(intents) == 1 and intents[0].S == "/GTS_PDFA1"
        profile = intents[0].DestOutputProfile
        data = profile.read_bytes()
        assert int(profile.N) == 3 and data[16:20] == b"RGB " and data[36:40] == b"acsp" and b"sRGB" in data
        found = fonts(pdf)
        assert found
        for font in found:
            descriptor = font.DescendantFonts[0].FontDescriptor if "/DescendantFonts" in font else font.get("/FontDescriptor")
            if font.Subtype == "/Type3":  # glyphs drawn in the file itself: nothing to embed
                continue
            assert descriptor is not None and any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), str(
                font.get("/BaseFont")
            )


@pytest.mark.parametrize("path", PDFS)
def test_no_encryption_no_external_content_no_scripts(example_build, path):
    with pikepdf.open(example_build / path) as pdf:
        assert not pdf.is_encrypted and "/Encrypt" not in pdf.trailer
        ids = pdf.trailer.ID
        assert len(ids) == 2 and len(bytes(ids[0])) >= 16  # the file identifier PDF/A requires
        assert "/AA" not in pdf.Root and "/OpenAction" not in pdf.Root
        assert "/EmbeddedFiles" not in pdf.Root.get("/Names", {}) and "/JavaScript" not in pdf.Root.get("/Names", {})
        links = 0
        for obj in objects_under(pdf):
            assert "/F" not in obj or not isinstance(obj, pikepdf.Stream), "a stream whose data lies in another file"
            assert obj.get("/S") not in ("/Launch", "/JavaScript", "/GoToR", "/ImportData", "/SubmitForm", "/Movie", "/Sound")
            assert obj.get("/Subtype") not in ("/FileAttachment", "/Movie", "/Sound", "/Screen", "/3D", "/RichMedia")
            if obj.get("/Type") == "/Annot":
                assert obj.Subtype == "/Link" and int(obj.F) & 4  # printed (PDF/A 6.3.2)
                action = obj.get("/A")
                assert action is None or (action.S == "/URI" and re.match(r"https?://", str(action.URI)))
                links += 1
        assert links


@pytest.mark.parametrize("path", PDFS)
def test_tagged_with_language_and_marked(example_build, path):
    with pikepdf.open(example_build / path) as pdf:
        assert "/StructTreeRoot" in pdf.Root and pdf.Root.MarkInfo.Marked is True
        assert str(pdf.Root.Lang) == "sv"
        assert pdf.Root.ViewerPreferences.DisplayDocTitle is True
    check = subprocess.run(["qpdf", "--check", str(example_build / path)], capture_output=True, text=True)
    assert check.returncode == 0 and "No syntax or stream encoding errors found" in check.stdout, check.stdout + check.stderr


def test_an_untagged_document_claims_pdf_a_only():
    """The PDF/UA claim is made only where it holds: a document without a title is not PDF/UA."""
    from ambitionsgraf import pdf as pdfmod

    html = "<!doctype html><html lang='sv'><body><p>Text</p></body></html>"
    data = pdfmod.html_to_pdf(html, "@page { size: A4 }")
    import io

    with pikepdf.open(io.BytesIO(data)) as pdf:
        meta = pdf.open_metadata()
        assert meta.get("pdfaid:part") == "2" and meta.get("pdfuaid:part") is None
