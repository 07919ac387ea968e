"""Every fact of the instrument a page, PDF or sheet states comes from content/instrument.yaml.

A copy of the project gets an instrument with other points, another weight, other axis names,
another spread flag and other names for the step kinds; the built pages, the action plan and the
reports' print HTML (what WeasyPrint makes the PDFs of), the national follow-up's page and print
HTML included, must say the new values and never the old.
"""

from __future__ import annotations

import shutil
from fractions import Fraction

import pytest

from ambitionsgraf.answers import parse_organisation
from ambitionsgraf.national.pages import national_print_html, national_views
from ambitionsgraf.pipeline import BuildOptions, build, load_project
from ambitionsgraf.scoring import score_organisation, summarise
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
    # Four more alike, so that the national follow-up of 2024 shows shares, its charts and its summary
    others = {f"by{n}.yaml": answer_file(rounds, namn=f"By {n} kommun") for n in range(4)}
    orgs = write_orgs(tmp / "orgs", {"testby.yaml": answer_file(rounds, namn="Testby kommun"), **others})
    out = tmp / "out"
    build(BuildOptions(project_dir=proj, orgs_dir=orgs, out_dir=out, make_pdf=False, site_url=TEST_SITE_URL, cache_dir=tmp / "cache"))
    project = load_project(proj, project_settings(TEST_SITE_URL))
    org, problems = parse_organisation(project.ins, orgs / "testby.yaml", (orgs / "testby.yaml").read_bytes())
    assert org is not None, problems
    result = score_organisation(project.ins, org)
    everyone = []
    for path in sorted(orgs.glob("*.yaml")):
        parsed, problems = parse_organisation(project.ins, path, path.read_bytes())
        assert parsed is not None, problems
        everyone.append(summarise(score_organisation(project.ins, parsed)))
    (national,) = national_views(project, everyone).values()

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
        "national": page("oversikt/2024/index.html"),
        "national_pdf": national_print_html(project, national),
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
        # The national follow-up (2024: five organisations), its page and its PDF's HTML
        ("national", "hur långt styrsystemet för inköp har kommit", "ledningssystemet för inköp"),
        ("national", "hör hemma i styrsystemet eller inköpsprocessen", "hör hemma i ledningssystemet"),
        ("national", "<p>Ett steg i styrsystemet, eller en zon i inköpsprocessen", "Ett steg i ledningssystemet"),
        ("national", "en per steg i styrsystemet, med andelen", "en per steg i ledningssystemet"),
        ("national", "Steg i styrsystemet jämförs inte med varandra", "Steg i ledningssystemet"),
        ("national", '<h2 id="ledningssystemet-h">Styrsystemet steg för steg</h2>', "Ledningssystemet steg för steg"),
        ("national", "har ett medelsvar på minst 3,25 (frågan om mål", "minst 3,5"),
        ("national", 'class="num">Median, samverkan med ledningen</th>', "Median, samspel med ledningen"),
        ("national", 'data-label="Möjliga värden">0,8–4,0</td>', "0,8–3,8"),  # area 1 reaches 4 with ja = 4
        ("national", "kan inte alltid nå hela svarsskalan (1–4)", "poäng (1–4)"),
        ("national_pdf", "svar per fråga och styrsystemets steg", "svar per fråga och ledningssystemets steg"),
        ("national_pdf", "hur långt styrsystemet för inköp har kommit", "ledningssystemet för inköp"),
        ("national_pdf", '<a href="#ledningssystemet">Styrsystemet steg för steg</a>', "Ledningssystemet steg"),
        ("national_pdf", "(möjligt intervall 0,8–4,0)", "0,8–3,8"),
        ("national_pdf", "har ett medelsvar på minst 3,25 (frågan om mål", "minst 3,5"),
    ],
)
def test_a_changed_fact_shows_its_new_value_and_never_the_old(changed, where, new, old):
    text = changed[where]
    assert new in text
    assert old not in text


def test_a_weight_is_written_exactly_never_rounded():
    assert [exact(Fraction(w)) for w in ("1", "1/2", "3/4", "1/8")] == ["1", "0,5", "0,75", "0,125"]
    assert [exact(Fraction(w), 1) for w in ("1", "1/2")] == ["1,0", "0,5"]
