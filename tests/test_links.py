"""Open data and links: the catalogue's recommended DCAT-AP-SE properties, one canonical address per
page where the site's address is known, and every link in a PDF described by where it leads."""

from __future__ import annotations

import re

import pikepdf
import rdflib
from rdflib.namespace import DCAT, DCTERMS, RDF, XSD

from ambitionsgraf.pipeline import load_project
from ambitionsgraf.site import page_context

from .conftest import ROOT, TEST_SITE_URL, project_settings

DCATAP = rdflib.Namespace("http://data.europa.eu/r5r/")
SWEDEN = rdflib.URIRef("http://publications.europa.eu/resource/authority/country/SWE")
STABLE = rdflib.URIRef("http://publications.europa.eu/resource/authority/planned-availability/STABLE")


def test_the_catalogue_has_the_recommended_dates_place_and_availability(example_build):
    g = rdflib.Graph()
    g.parse(example_build / "site" / "data" / "katalog.rdf", format="xml")
    (dataset,) = g.subjects(RDF.type, DCAT.Dataset)
    (catalogue,) = g.subjects(RDF.type, DCAT.Catalog)
    dates = sorted(row.split(",")[8] for row in (example_build / "site" / "data" / "resultat.csv").read_text().splitlines()[1:])
    for thing in (catalogue, dataset, *g.objects(dataset, DCAT.distribution)):
        issued, modified = g.value(thing, DCTERMS.issued), g.value(thing, DCTERMS.modified)
        assert issued.datatype == modified.datatype == XSD.date, thing
        assert (str(issued), str(modified)) == (dates[0], dates[-1]), thing  # the data's first and newest measurement
    assert g.value(dataset, DCTERMS.spatial) == SWEDEN
    distributions = list(g.objects(dataset, DCAT.distribution))
    assert len(distributions) == 2 and all(g.value(d, DCATAP.availability) == STABLE for d in distributions)


def test_every_page_names_its_canonical_address_where_the_site_address_is_known(example_build):
    site = example_build / "site"
    pages = sorted(p for p in site.rglob("*.html") if "pagefind" not in p.parts)
    assert len(pages) > 20
    for page in pages:
        found = re.findall(r'<link rel="canonical" href="([^"]+)">', page.read_text(encoding="utf-8"))
        if page.name == "404.html":
            assert found == []  # an error page is no address of its own
            continue
        path = page.relative_to(site).as_posix().removesuffix("index.html")
        assert found == [TEST_SITE_URL + path], page


def test_without_the_sites_address_no_page_names_a_canonical_address():
    bare = load_project(ROOT, project_settings(None))
    ctx = page_context(bare, root="../", path="metod/", title="Metod", crumbs=[], description="Metoden.")
    assert ctx["canonical"] is None
    html = bare.env.get_template("base.html").render(**ctx)
    assert "canonical" not in html


def test_every_link_in_a_pdf_says_where_it_leads(example_build):
    for name in ("leverans/norrvik.pdf", "site/organisationer/norrvik/norrvik.pdf"):
        pdf = pikepdf.open(example_build / name)
        described = [str(a.Contents) for page in pdf.pages for a in page.get("/Annots", []) if a.get("/Subtype") == "/Link"]
        assert described, name
        for text in described:  # never an anchor's bare name, as "sammanfattning"
            assert re.match(
                r"^(Gå till avsnittet .+ i dokumentet|.+: öppnar https?://\S+ i webbläsaren|.+: skicka e-post till \S+)$", text
            ), text
        assert "Gå till avsnittet Sammanfattning i dokumentet" in described
