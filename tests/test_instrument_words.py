"""Every fact of the instrument a page, PDF or sheet states comes from content/instrument.yaml.

A copy of the project gets an instrument with other points, another weight, other axis names,
another spread flag and other names for the step kinds; the built pages, the action plan and the
reports' print HTML (what WeasyPrint makes the PDFs of) must say the new values and never the old.
"""

from __future__ import annotations

import shutil
from fractions import Fraction

import pytest

from ambitionsgraf.answers import parse_organisation
from ambitionsgraf.pipeline import BuildOptions, build, load_project
from ambitionsgraf.scoring import score_organisation
from ambitionsgraf.site import report_html
from ambitionsgraf.wording import exact

from .conftest import ROOT, TEST_SITE_URL, project_settings, write_orgs
from .helpers import answer_file, uniform

# (as the project's instrument has it, as the copy has it)
CHANGES = [
    ("poang: {ja: 3, nej: 0}", "poang: {ja: 4, nej: 0}"),
    (
        "delar: {etikett: delar av inköpsportföljen, kort: delar, vikt: 0.5}",
        "delar: {etikett: delar av inköpsportföljen, kort: delar, vikt: 0.75}",
    ),
    ("kort: Samspel med ledningen", "kort: Samverkan med ledningen"),
    ("rubrik: Ledningen", "rubrik: Styrningen"),
    ("spridning_flagga: 2", "spridning_flagga: 3"),
    (
        "{id: steg, etikett: Ledningssystemet, plural: Ledningssystemets steg}",
        "{id: steg, etikett: Styrsystemet, plural: Styrsystemets steg}",
    ),
    ("etikett: Vet ej", "etikett: Ingen aning"),
    ("{nyckel: pa_plats, etikett: På plats, minst: 3.5}", "{nyckel: pa_plats, etikett: På plats, minst: 3.25}"),
]


@pytest.fixture(scope="module")
def changed(tmp_path_factory):
    """A copy of the project with the changed instrument, built (site and delivery, no PDFs)."""
    tmp = tmp_path_factory.mktemp("words")
    proj = tmp / "project"
    for name in ("content", "templates", "ambitionsgraf"):
        shutil.copytree(ROOT / name, proj / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("constraints.txt", "installningar.yaml"):
        shutil.copy(ROOT / name, proj / name)
    path = proj / "content" / "instrument.yaml"
    text = path.read_text(encoding="utf-8")
    for old, new in CHANGES:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    rounds = [
        ("2024-03-01", [("inkopschef", uniform(4, mal="ja", omfattning="delar")), ("verksamhet", uniform(1, mal="nej", v1_matt="vet_ej"))])
    ]
    orgs = write_orgs(tmp / "orgs", {"testby.yaml": answer_file(rounds, namn="Testby kommun")})
    out = tmp / "out"
    build(BuildOptions(project_dir=proj, orgs_dir=orgs, out_dir=out, make_pdf=False, site_url=TEST_SITE_URL, cache_dir=tmp / "cache"))
    project = load_project(proj, project_settings(TEST_SITE_URL))
    org, problems = parse_organisation(project.ins, orgs / "testby.yaml", (orgs / "testby.yaml").read_bytes())
    assert org is not None, problems
    result = score_organisation(project.ins, org)

    def page(rel: str) -> str:
        return (out / "site" / rel).read_text(encoding="utf-8")

    return {
        "org": page("organisationer/testby/index.html"),
        "index": page("index.html"),
        "method": page("metod/index.html"),
        "guidance": page("vagledning/orientering/index.html"),
        "guidance_index": page("vagledning/index.html"),
        "selfassessment": page("sjalvskattning/index.html"),
        "about": page("om-ambitionsgrafen/index.html"),  # content/sidor, with placeholders
        "plan": (out / "leverans" / "testby-handlingsplan.csv").read_text(encoding="utf-8-sig"),
        "public_pdf": report_html(project, result, public=True),
        "delivery_pdf": report_html(project, result, public=False),
    }


def test_the_instrument_was_changed_and_still_loads(changed):
    assert "Testby kommun" in changed["org"]


@pytest.mark.parametrize(
    "where, new, old",
    [
        ("method", "Ja eller nej: ja = 4 poäng, nej = 0 poäng", "ja = 3 poäng"),
        ("method", "räknas medelvärdet på poängen (ja = 4, nej = 0)", "(ja = 3, nej = 0)"),  # content/metod.md
        ("method", "blir spridningen 4 när någon svarat ja", "spridningen 3 när"),
        ("method", "delar av inköpsportföljen = 0,75", "delar av inköpsportföljen = 0,5"),
        ("method", "vägs med 0,75 när den gäller delar", "vägs med 0,5"),  # content/metod.md
        ("org", "ja = 4 poäng, nej = 0", "ja = 3 poäng"),
        ("org", "vikt 0,75 för delar, 1 för hela", "vikt 0,5 för delar"),
        ("org", ">Samverkan med ledningen<", "Samspel med ledningen"),
        ("index", ">Samverkan med ledningen<", "Samspel med ledningen"),
        ("method", ">Samverkan med ledningen<", "Samspel med ledningen"),
        ("public_pdf", ">Samverkan med ledningen<", "Samspel med ledningen"),
        ("delivery_pdf", '<th scope="col" class="num">Styrningen</th>', '<th scope="col" class="num">Ledningen</th>'),
        ("delivery_pdf", "⚑ markerar tre steg eller mer", "⚑ markerar två steg"),
        ("org", '<p class="kind">Styrsystemet</p>', '<p class="kind">Ledningssystemet</p>'),
        ("public_pdf", "Styrsystemet · rapporten avsnitt", "Ledningssystemet · rapporten avsnitt"),
        ("guidance", "Styrsystemet, Orientering · rapporten avsnitt", "Ledningssystemet, Orientering"),
        ("guidance_index", "<h2>Styrsystemets steg</h2>", "<h2>Ledningssystemets steg</h2>"),
        ("selfassessment", '<p class="kind">Styrsystemet</p>', '<p class="kind">Ledningssystemet</p>'),
        ("plan", ";Styrsystemet;", "Ledningssystemet"),
        ("selfassessment", "Svarar du ”Ingen aning” räknas frågan som obesvarad", "Vet ej"),
        ("public_pdf", "(även ”ingen aning”)", "vet ej"),
        ("org", "ett ”ingen aning” eller ett svar som saknas", "vet ej"),
        ("method", "minst 3,25, mellan ”instämmer delvis” och ”instämmer i hög grad”", "halvvägs mellan"),
        ("method", "<li><strong>På plats</strong>: medelvärde 3,25 eller högre", "3,5"),
        ("about", "<em>på plats</em> (medelvärde 3,25 eller mer)", "3,5"),
        ("about", "och kan också svara ”Ingen aning”", "Vet ej"),
    ],
)
def test_a_changed_fact_shows_its_new_value_and_never_the_old(changed, where, new, old):
    text = changed[where]
    assert new in text
    assert old not in text


def test_a_weight_is_written_exactly_never_rounded():
    assert [exact(Fraction(w)) for w in ("1", "1/2", "3/4", "1/8")] == ["1", "0,5", "0,75", "0,125"]
    assert [exact(Fraction(w), 1) for w in ("1", "1/2")] == ["1,0", "0,5"]
