"""Open data.

Every municipality and region (311 answer files, codes from content/kommuner.csv, answers
chosen so that each score follows from the appendix's formulas by hand) is built once; its
resultat.csv is checked row by row against the hand-computed values and the reference list as
read here, round-tripped to the public JSON files, and compared with resultat.xlsx; the DCAT-AP-SE
catalogue is parsed with rdflib.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import zipfile
from fractions import Fraction as F
from pathlib import Path

import openpyxl
import pytest

from .conftest import ROOT, TEST_SITE_URL, project_settings, run_build, tree, write_orgs
from .helpers import QUESTIONS, answer_file

THRESHOLD = F(5, 2)
CSV_COLUMNS = [
    "slug",
    "namn",
    "typ",
    "kod",
    "lanskod",
    "lan",
    "kommungrupp_kod",
    "kommungrupp",
    "datum",
    "ledning",
    "verksamhet",
    "strategi_planering",
    "uppfoljning_analys",
    "ansvar_organisation",
    "samspel_verksamhet",
    "kvadrant",
    "respondenter",
]


def reference_rows() -> list[dict]:
    """The reference list as a reader of the CSV sees it, without the project's loader."""
    with open(ROOT / "content" / "kommuner.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def respondent(v: int, mal: str, omfattning: str) -> dict:
    svar = {q: v for q in QUESTIONS}
    svar["v1_mal"] = mal
    svar["v3_uppfoljning"] = {"svar": v, "omfattning": omfattning}
    return svar


def plan_of(i: int) -> list[tuple[str, list[tuple[int, str, str]]]]:
    """The rounds of the i-th place: (date, [(value, mal, omfattning) per respondent])."""
    mal = "ja" if i % 2 == 0 else "nej"
    omfattning = "hela" if i % 3 else "delar"
    rounds = [("2024-04-15", [(1 + i % 4, mal, omfattning), (1 + (i + 1) % 4, mal, omfattning)])]
    if i % 5 == 0:
        rounds.insert(0, ("2022-09-01", [(1 + (i + 2) % 4, "nej", "delar")]))
    return rounds


def expected_scores(respondents: list[tuple[int, str, str]]) -> dict:
    """The appendix's formulas, by hand: a respondent answering v to every scale question gives
    strategi_planering (mal + 4v)/5, uppfoljning_analys v, ansvar_organisation (4v + weight·v)/5
    and samspel_verksamhet v; the organisation's area is the respondents' mean."""

    def mean(xs):
        return sum(xs, F(0)) / len(xs)

    sp = mean([F((3 if mal == "ja" else 0) + 4 * v, 5) for v, mal, _ in respondents])
    ua = mean([F(v) for v, _, _ in respondents])
    ao = mean([F(4 * v, 5) + (F(v, 5) if o == "hela" else F(v, 10)) for v, _, o in respondents])
    sv = mean([F(v) for v, _, _ in respondents])
    ledning = (sp + ua + ao) / 3
    quadrant = {(True, True): "andamalsenlig", (True, False): "ledning", (False, True): "verksamhet", (False, False): "tillfallig"}[
        ledning >= THRESHOLD, sv >= THRESHOLD
    ]
    return {
        "ledning": ledning,
        "verksamhet": sv,
        "strategi_planering": sp,
        "uppfoljning_analys": ua,
        "ansvar_organisation": ao,
        "samspel_verksamhet": sv,
        "kvadrant": quadrant,
        "respondenter": len(respondents),
    }


def slug_of(place: dict) -> str:
    return f"{place['typ']}-{place['kod']}"


def name_of(place: dict) -> str:
    return place["namn"] if place["typ"] == "region" else f"{place['namn']} kommun"


def national_files() -> dict[str, str]:
    files = {}
    for i, place in enumerate(reference_rows()):
        rounds = [
            (day, [(role, respondent(v, mal, o)) for role, (v, mal, o) in zip(("inkopschef", "verksamhet"), people)])
            for day, people in plan_of(i)
        ]
        files[f"{slug_of(place)}.yaml"] = answer_file(rounds, namn=name_of(place), typ=place["typ"], kod=place["kod"])
    files["tillsynsverket.yaml"] = answer_file(
        [("2024-02-01", [("inkopschef", respondent(3, "ja", "hela"))])], namn="Tillsynsverket", typ="myndighet"
    )
    files["hemliga-bolaget.yaml"] = answer_file(
        [("2024-02-01", [("inkopschef", respondent(4, "ja", "hela"))])], namn="Hemliga bolaget", typ="bolag", publicerad=False
    )
    return files


@pytest.fixture(scope="module")
def national(tmp_path_factory):
    """Every municipality and region, built once without PDFs, with the site's address."""
    base = tmp_path_factory.mktemp("national")
    orgs = write_orgs(base / "orgs", national_files())
    out = base / "out"
    run_build(orgs, out, site_url=TEST_SITE_URL, jobs=2)
    return out


def read_csv(out: Path) -> list[dict]:
    text = (out / "site" / "data" / "resultat.csv").read_bytes().decode("utf-8")
    return list(csv.DictReader(io.StringIO(text, newline="")))


# -- resultat.csv ------------------------------------------------------------------------------


def test_the_csv_is_utf8_comma_separated_with_a_decimal_point_and_one_row_per_published_round(national):
    data = (national / "site" / "data" / "resultat.csv").read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf")  # UTF-8 without a byte-order mark
    header, first = data.decode("utf-8").split("\r\n")[:2]
    assert header.split(",") == CSV_COLUMNS
    places = reference_rows()
    rows = read_csv(national)
    assert len(rows) == sum(len(plan_of(i)) for i in range(len(places))) + 1  # and Tillsynsverket's round
    assert len({r["slug"] for r in rows}) == 312 and not any(r["slug"] == "hemliga-bolaget" for r in rows)
    assert [(r["slug"], r["datum"]) for r in rows] == sorted((r["slug"], r["datum"]) for r in rows)
    assert all("," not in r["ledning"] for r in rows)


def test_every_row_has_the_hand_computed_values_and_the_reference_lists_county_and_group(national):
    rows = {(r["slug"], r["datum"]): r for r in read_csv(national)}
    for i, place in enumerate(reference_rows()):
        for day, people in plan_of(i):
            row = rows[slug_of(place), day]
            want = expected_scores(people)
            assert (row["namn"], row["typ"], row["kod"]) == (name_of(place), place["typ"], place["kod"])
            assert (row["lanskod"], row["lan"]) == (place["lanskod"], place["lan"])
            assert (row["kommungrupp_kod"], row["kommungrupp"]) == (place["kommungrupp_kod"], place["kommungrupp"])
            for key in ("ledning", "verksamhet"):
                assert float(row[key]) == float(want[key]), (row["slug"], day, key)
            for key in ("strategi_planering", "uppfoljning_analys", "ansvar_organisation", "samspel_verksamhet"):
                if want["respondenter"] == 1:  # one person's answers: the point and the quadrant only
                    assert row[key] == "", (row["slug"], day, key)
                else:
                    assert float(row[key]) == float(want[key]), (row["slug"], day, key)
            assert row["kvadrant"] == want["kvadrant"] and int(row["respondenter"]) == want["respondenter"]


def test_a_few_rows_written_out_by_hand(national):
    rows = {(r["slug"], r["datum"]): r for r in read_csv(national)}
    # Upplands Väsby, the list's first row (i = 0): both say ja, follow-up of parts of the portfolio (weight 0.5);
    # values 1 and 2. strategi_planering ((3 + 4)/5 + (3 + 8)/5)/2 = 1.8, uppfoljning_analys 1.5,
    # ansvar_organisation ((4 + 0.5)/5 + (8 + 1)/5)/2 = 1.35, ledning (1.8 + 1.5 + 1.35)/3 = 1.55.
    assert rows["kommun-0114", "2024-04-15"] == {
        "slug": "kommun-0114",
        "namn": "Upplands Väsby kommun",
        "typ": "kommun",
        "kod": "0114",
        "lanskod": "01",
        "lan": "Stockholms län",
        "kommungrupp_kod": "A2",
        "kommungrupp": "Pendlingskommun nära storstad",
        "datum": "2024-04-15",
        "ledning": "1.55",
        "verksamhet": "1.5",
        "strategi_planering": "1.8",
        "uppfoljning_analys": "1.5",
        "ansvar_organisation": "1.35",
        "samspel_verksamhet": "1.5",
        "kvadrant": "tillfallig",
        "respondenter": "2",
    }
    # Region Stockholm (i = 290): ja, the whole portfolio; values 3 and 4. strategi_planering ((3 + 12)/5 + (3 + 16)/5)/2
    # = 3.4, uppfoljning_analys and ansvar_organisation 3.5, ledning (3.4 + 3.5 + 3.5)/3 = 3.4666…
    region = rows["region-01", "2024-04-15"]
    assert (region["kod"], region["lanskod"], region["kommungrupp_kod"], region["kommungrupp"]) == ("01", "01", "", "")
    assert (region["strategi_planering"], region["ledning"], region["verksamhet"], region["kvadrant"]) == (
        "3.4",
        "3.466666666666667",
        "3.5",
        "andamalsenlig",
    )
    agency = rows["tillsynsverket", "2024-02-01"]
    assert (agency["typ"], agency["kod"], agency["lan"], agency["kommungrupp"]) == ("myndighet", "", "", "")


def test_the_csv_round_trips_to_the_public_json(national):
    for row in read_csv(national):
        data = json.loads((national / "site" / "data" / f"{row['slug']}.json").read_text(encoding="utf-8"))
        (m,) = [m for m in data["matningar"] if m["datum"] == row["datum"]]
        lan, grupp = data["lan"] or {}, data["kommungrupp"] or {}
        assert row == {
            "slug": data["slug"],
            "namn": data["namn"],
            "typ": data["typ"],
            "kod": data["kod"] or "",
            "lanskod": lan.get("kod", ""),
            "lan": lan.get("namn", ""),
            "kommungrupp_kod": grupp.get("kod", ""),
            "kommungrupp": grupp.get("namn", ""),
            "datum": m["datum"],
            "kvadrant": m["kvadrant"] or "",
            "respondenter": str(m["respondenter"]),
            **{k: "" if v is None else repr(v) for k, v in m["axlar"].items()},
            **{k: "" if v is None else repr(v) for k, v in m["omraden"].items()},
        }
        assert grupp.get("indelning", "SKR:s kommungruppsindelning 2023") == "SKR:s kommungruppsindelning 2023"


# -- resultat.xlsx -------------------------------------------------------------------------------


def test_the_workbook_holds_the_same_rows_with_swedish_headings_dates_and_numbers(national):
    wb = openpyxl.load_workbook(national / "site" / "data" / "resultat.xlsx")
    assert wb.sheetnames == ["Resultat", "Om data"]
    ws = wb["Resultat"]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == f"A1:Q{ws.max_row}" and ws.print_title_rows == "$1:$1"
    assert 9 < ws.column_dimensions["E"].width < 10 and 28 < ws.column_dimensions["B"].width < 29  # 9 and 28 characters as Excel shows them
    assert (wb.properties.title, wb.properties.creator) == (
        "Ambitionsgrafen: resultat per organisation och mätning",
        project_settings().publisher,
    )
    assert wb.properties.created == datetime.datetime(2024, 4, 15)  # the newest round's day, never the time of writing
    header, *body = list(ws.iter_rows(values_only=True))
    assert header[:9] == (
        "Kortnamn",
        "Organisation",
        "Typ",
        "Kommun- eller länskod",
        "Länskod",
        "Län",
        "Kommungrupp (kod)",
        "Kommungrupp",
        "Mätdatum",
    )
    rows = read_csv(national)
    assert len(body) == len(rows)
    labels = {
        "andamalsenlig": "Ändamålsenlig inköpsorganisation",
        "ledning": "Systematiskt samspel med ledningen",
        "verksamhet": "Systematiskt samspel med verksamheten",
        "tillfallig": "Tillfälligt samspel",
    }
    for got, row in zip(body, rows):
        assert got[0] == row["slug"] and got[3] == (row["kod"] or None)  # codes stay text: "0114", not 114
        assert got[2] == row["typ"].capitalize()
        assert got[8] == datetime.datetime.fromisoformat(row["datum"])
        # XlsxWriter writes 16 significant digits, one more than Excel shows (the CSV and JSON have all 17).
        assert list(got[9:15]) == [pytest.approx(float(row[k]), rel=1e-15) if row[k] else None for k in CSV_COLUMNS[9:15]]
        assert got[15] == labels[row["kvadrant"]] and got[16] == int(row["respondenter"])
    assert ws["I2"].number_format == "yyyy\\-mm\\-dd" and ws["Q2"].number_format == "0"
    assert ws["A1"].font.b and ws["A1"].fill.fgColor.rgb == "FFDDE6F0"
    described = [r[0] for r in wb["Om data"].iter_rows(values_only=True)]
    assert all(c in described for c in CSV_COLUMNS)  # every column is described


# -- katalog.rdf ---------------------------------------------------------------------------------


def test_the_catalogue_parses_and_holds_dcat_ap_se_mandatory_classes_and_properties(national):
    from rdflib import RDF, Graph, Literal, Namespace, URIRef
    from rdflib.namespace import DCAT, DCTERMS, FOAF

    vcard = Namespace("http://www.w3.org/2006/vcard/ns#")
    g = Graph()
    g.parse(national / "site" / "data" / "katalog.rdf", format="xml")
    settings = project_settings()

    def one(subject, prop):
        values = list(g.objects(subject, prop))
        assert len(values) >= 1, (subject, prop)
        return values[0]

    def swedish(subject, prop):
        value = one(subject, prop)
        assert isinstance(value, Literal) and value.language == "sv" and str(value).strip(), (subject, prop)
        return str(value)

    (catalogue,) = g.subjects(RDF.type, DCAT.Catalog)
    swedish(catalogue, DCTERMS.title), swedish(catalogue, DCTERMS.description)
    assert one(catalogue, DCTERMS.license) == URIRef(settings.licence_url)
    publisher = one(catalogue, DCTERMS.publisher)
    assert (publisher, RDF.type, FOAF.Agent) in g and str(one(publisher, FOAF.name)) == settings.publisher
    (dataset,) = g.objects(catalogue, DCAT.dataset)
    assert (dataset, RDF.type, DCAT.Dataset) in g
    assert "Ambitionsgrafen" in swedish(dataset, DCTERMS.title) and swedish(dataset, DCTERMS.description)
    assert one(dataset, DCTERMS.publisher) == publisher
    contact = one(dataset, DCAT.contactPoint)
    assert (contact, RDF.type, vcard.Organization) in g
    assert one(contact, vcard.hasEmail) == URIRef(f"mailto:{settings.email}") and str(one(contact, vcard.fn))
    assert settings.phone == "08-586 217 00"  # as installningar.yaml writes it, the Swedish way
    assert one(contact, vcard.hasTelephone) == URIRef("tel:+46858621700")  # RFC 3966: a global number, no trunk 0
    assert one(dataset, DCAT.landingPage) == URIRef(TEST_SITE_URL + "oppna-data/")
    assert str(one(dataset, DCAT.theme)).startswith("http://publications.europa.eu/resource/authority/data-theme/")
    downloads = {}
    for distribution in g.objects(dataset, DCAT.distribution):
        assert (distribution, RDF.type, DCAT.Distribution) in g
        swedish(distribution, DCTERMS.description)
        url = one(distribution, DCAT.accessURL)
        assert one(distribution, DCAT.downloadURL) == url
        assert one(distribution, DCTERMS.license) == URIRef(settings.licence_url)
        downloads[str(url)] = (str(one(distribution, DCTERMS.format)), str(one(distribution, DCAT.mediaType)))
    assert downloads == {
        TEST_SITE_URL + "data/resultat.csv": (
            "http://publications.europa.eu/resource/authority/file-type/CSV",
            "https://www.iana.org/assignments/media-types/text/csv",
        ),
        TEST_SITE_URL + "data/resultat.xlsx": (
            "http://publications.europa.eu/resource/authority/file-type/XLSX",
            "https://www.iana.org/assignments/media-types/application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    }
    for url in downloads:
        assert (national / "site" / url.removeprefix(TEST_SITE_URL)).is_file()


def test_without_the_sites_address_there_is_no_catalogue_and_the_build_says_so(tmp_path):
    summary = run_build(ROOT / "orgs", tmp_path / "out", site_url=None)
    site = tmp_path / "out" / "site"
    assert (site / "data" / "resultat.csv").is_file() and not (site / "data" / "katalog.rdf").exists()
    from ambitionsgraf.pipeline.run import NO_ADDRESS

    assert summary.no_address and "data/katalog.rdf" in NO_ADDRESS and "not written" in NO_ADDRESS
    assert "katalog.rdf" not in (site / "oppna-data" / "index.html").read_text(encoding="utf-8")
    assert "data/katalog.rdf" not in [d.part for d in summary.plan.shared]


# -- the page ------------------------------------------------------------------------------------


def test_the_page_describes_every_column_and_every_page_links_to_it(national):
    page = (national / "site" / "oppna-data" / "index.html").read_text(encoding="utf-8")
    for key in CSV_COLUMNS:
        assert f"<code>{key}</code>" in page
    assert "SKR:s kommungruppsindelning 2023" in page and "CC0 1.0 Universell" in page
    assert 'href="../data/resultat.csv"' in page and 'href="../data/katalog.rdf"' in page
    org_page = (national / "site" / "organisationer" / "kommun-0180" / "index.html").read_text(encoding="utf-8")
    assert 'href="../../oppna-data/"' in org_page and 'href="../../data/resultat.csv"' in org_page
    assert 'href="oppna-data/"' in (national / "site" / "index.html").read_text(encoding="utf-8")  # the footer


def test_the_same_inputs_give_the_same_bytes_and_a_rebuild_changes_nothing(tmp_path, national):
    orgs = write_orgs(tmp_path / "orgs", {k: v for k, v in national_files().items() if k.startswith(("region-", "tillsyn"))})
    run_build(orgs, tmp_path / "a", site_url=TEST_SITE_URL)
    run_build(orgs, tmp_path / "b", site_url=TEST_SITE_URL, jobs=1)
    a, b = tree(tmp_path / "a"), tree(tmp_path / "b")
    assert a == b
    assert run_build(orgs, tmp_path / "a", site_url=TEST_SITE_URL).unchanged
    assert tree(tmp_path / "a") == a
    xlsx_files = [name for name in a if name.endswith(".xlsx")]
    assert xlsx_files == ["site/data/resultat.xlsx"]  # the action-plan workbooks come with the PDFs
    for name in xlsx_files:
        assert all(i.date_time == (1980, 1, 1, 0, 0, 0) for i in zipfile.ZipFile(io.BytesIO(a[name])).infolist())
