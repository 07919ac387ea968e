"""Site search: the static index a build writes (site/pagefind/), what it holds and never holds,
when a rebuild renders it again, and the search page in a real Chromium under a sub-path."""

from __future__ import annotations

import gzip
import os
from pathlib import Path
from urllib.parse import quote

import pytest

from .browser import axe_violations, served_under_subpath
from .conftest import ROOT, project_settings, run_build, tree, write_orgs
from .helpers import answer_file, uniform

# Words that appear only where the public site must not go: an unpublished organisation's name and
# comments, a published organisation's respondent and round comments. (Lower case: the index is.)
SECRET_NAME = "Kvarnsjöviks kommun"
SECRETS = ("kvarnsjöviks", "xylofonhemlighet", "zebrafinkgrupp", "pelikanbudget")


def search_orgs(folder: Path) -> Path:
    """The example organisations, an unpublished one and a published one with comments."""
    files = {p.name: p.read_bytes() for p in (ROOT / "orgs").glob("*.yaml")}
    files["kvarnsjovik.yaml"] = answer_file(
        [("2025-02-01", [("inkopschef", uniform(3)), ("verksamhet", uniform(2))])],
        namn=SECRET_NAME,
        publicerad=False,
        comments={(0, 0): "Xylofonhemlighet: inköpschefen vill inte synas."},
    )
    files["lunda.yaml"] = answer_file(
        [("2025-03-01", [("inkopschef", uniform(4)), ("politisk_ledning", uniform(2))])],
        namn="Lunda kommun",
        comments={(0, 0): "Zebrafinkgrupp och pelikanbudget, sa inköpschefen."},
    )
    return write_orgs(folder, files)


def index_text(site: Path) -> str:
    """Everything the index holds, unpacked (Pagefind gzips its data files), in lower case."""
    out = []
    for path in sorted((site / "pagefind").rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            if data[:2] == b"\x1f\x8b":
                data = gzip.decompress(data)
            out.append(data.decode("utf-8", "replace"))
    return "\n".join(out).lower()


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    base = tmp_path_factory.mktemp("search")
    out = base / "output"
    run_build(search_orgs(base / "orgs"), out)
    return out


# -- the index as files -----------------------------------------------------------------------


def test_the_index_holds_pages_and_published_organisations_and_nothing_private(built):
    site = built / "site"
    text = index_text(site)
    for secret in SECRETS:
        assert secret not in text, secret
    assert "lunda kommun" in text and "norrviks kommun" in text  # published: name and aggregate results
    assert "spendanalys" in text and "tillgänglighet" in text  # guidance, concepts, the accessibility statement
    files = sorted(p.relative_to(site).as_posix() for p in (site / "pagefind").rglob("*") if p.is_file())
    assert "pagefind/pagefind.js" in files and "pagefind/pagefind-entry.json" in files
    assert not [f for f in files if "-ui." in f or "highlight" in f]  # Pagefind's own interfaces are not shipped
    assert not (site / "organisationer" / "kvarnsjovik").exists()  # and the unpublished organisation has no page to index


def test_an_organisations_record_is_its_aggregate_results_only(instrument):
    from ambitionsgraf.answers import parse_organisation
    from ambitionsgraf.pipeline import load_project
    from ambitionsgraf.scoring import score_organisation, summarise
    from ambitionsgraf.search import organisation_record

    text = answer_file(
        [("2025-03-01", [("inkopschef", uniform(4)), ("politisk_ledning", uniform(2))])],
        namn="Lunda kommun",
        comments={(0, 0): "Zebrafinkgrupp"},
    )
    org, problems = parse_organisation(instrument, Path("orgs/lunda.yaml"), text.encode())
    assert problems == []
    record = organisation_record(load_project(ROOT, project_settings()), summarise(score_organisation(instrument, org)))
    assert record["url"] == "/organisationer/lunda/" and record["meta"]["title"] == "Lunda kommun"
    assert record["content"] == (
        "Lunda kommun. Kommun. Senaste mätningen 1 mars 2025: samspel med ledningen 3,0 (systematiskt), samspel med "
        "verksamheten 3,0 (systematiskt). Ändamålsenlig inköpsorganisation, men mål och styrdokument är inte på plats. "
        "Mätningar: 1 mars 2025."
    )  # dates as the site writes them; question 11's mean is 3,0: Styrdokument is not in place
    assert record["meta"]["senast"] == "1 mars 2025"
    assert "Inköpschef" not in record["content"] and "Zebrafink" not in str(record)  # no role's values, no comment


def test_a_record_never_shows_a_value_across_the_threshold_it_is_classified_by(instrument):
    from fractions import Fraction

    from ambitionsgraf.pipeline import load_project
    from ambitionsgraf.scoring import GroupScore, OrganisationInfo, OrganisationSummary, RoundSummary
    from ambitionsgraf.search import organisation_record

    areas = {a.id: Fraction(49, 20) for a in instrument.areas}  # 2,45 everywhere: 2,5 rounded, below the threshold
    score = GroupScore(2, areas, {"ledning": Fraction(49, 20), "verksamhet": Fraction(49, 20)}, "tillfallig")
    summary = OrganisationSummary(
        OrganisationInfo("x", "X kommun", "kommun", True, "orgs/x.yaml"), (RoundSummary("2025-01-01", score, {}),)
    )
    content = organisation_record(load_project(ROOT, project_settings()), summary)["content"]
    # As the organisation's page shows them (views.shown): the axes keep the decimal that keeps them below 2,5.
    assert "samspel med ledningen 2,45 (tillfälligt), samspel med verksamheten 2,45 (tillfälligt)" in content


def test_the_manifest_lists_the_index_and_a_rebuild_with_nothing_changed_is_a_no_op(tmp_path):
    orgs = search_orgs(tmp_path / "orgs")
    out = tmp_path / "out"
    run_build(orgs, out)
    import json

    manifest = json.loads((out / ".manifest.json").read_text())
    listed = sorted(p.relative_to(out).as_posix() for p in (out / "site" / "pagefind").rglob("*") if p.is_file())
    assert manifest["search"]["files"] == listed
    assert run_build(orgs, out).unchanged


def _entry(out: Path) -> os.stat_result:
    return (out / "site" / "pagefind" / "pagefind-entry.json").stat()


def test_the_index_is_rendered_again_exactly_when_an_indexed_page_changes(tmp_path):
    orgs = search_orgs(tmp_path / "orgs")
    out = tmp_path / "out"
    run_build(orgs, out)
    first, before = _entry(out), tree(out / "site" / "pagefind")

    # An unpublished organisation's answers: not in the index, which is carried over as it was.
    (orgs / "kvarnsjovik.yaml").write_text((orgs / "kvarnsjovik.yaml").read_text().replace("v1_matt: 3", "v1_matt: 4", 1))
    s = run_build(orgs, out)
    assert not s.unchanged and s.plan.search.action == "carry over"
    assert _entry(out).st_ino == first.st_ino  # the same file, linked from the previous output

    # A published organisation's answer that changes its results: rendered again, and findable as it now is.
    (orgs / "lunda.yaml").write_text((orgs / "lunda.yaml").read_text().replace("v1_matt: 4", "v1_matt: 1", 1))
    s = run_build(orgs, out)
    assert s.plan.search.action == "render"
    assert tree(out / "site" / "pagefind") != before

    # A file of the index deleted: the next build is no no-op, and puts it back.
    removed = next((out / "site" / "pagefind" / "fragment").iterdir())
    removed.unlink()
    s = run_build(orgs, out)
    assert not s.unchanged and s.plan.search.reason == "files missing" and removed.exists()


def test_one_process_and_two_write_the_same_index(tmp_path):
    orgs = search_orgs(tmp_path / "orgs")
    run_build(orgs, tmp_path / "one", jobs=1)
    run_build(orgs, tmp_path / "two", jobs=2)
    assert tree(tmp_path / "one" / "site" / "pagefind") == tree(tmp_path / "two" / "site" / "pagefind")


def test_a_manifest_that_names_files_outside_the_index_carries_nothing_over(tmp_path):
    import json

    orgs = search_orgs(tmp_path / "orgs")
    out = tmp_path / "out"
    run_build(orgs, out)
    manifest = json.loads((out / ".manifest.json").read_text())
    manifest["search"]["files"].append("site/index.html")
    manifest["inputs"] = "changed"
    (out / ".manifest.json").write_text(json.dumps(manifest))
    s = run_build(orgs, out)
    assert (s.plan.search.action, s.plan.search.reason) == ("render", "new") and (out / "site" / "index.html").is_file()


def test_a_build_asked_for_no_index_has_none(tmp_path):
    orgs = search_orgs(tmp_path / "orgs")
    out = tmp_path / "out"
    run_build(orgs, out)
    s = run_build(orgs, out, search=False)
    assert s.plan.search.action == "drop" and not (out / "site" / "pagefind").exists()
    assert (out / "site" / "sok" / "index.html").is_file()  # the page stays, and says the search cannot be read


# -- the search page in Chromium -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def site_url(built, tmp_path_factory):
    """The site served under a sub-path, as GitHub Pages serves a project site."""
    with served_under_subpath(built / "site", tmp_path_factory.mktemp("pages")) as url:
        yield url


def search(browser, site_url, words: str, **context):
    """Open the results page for `words`; return the page (in a context of its own) and every request it made."""
    ctx = browser.new_context(**context)
    page = ctx.new_page()
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(site_url + "sok/?q=" + quote(words))
    page.wait_for_function(
        "document.getElementById('sok-meddelande').hidden || !document.getElementById('sok-meddelande').textContent.startsWith('Söker')"
    )
    assert errors == []
    return page, requests


def hits(page, part: str) -> list[str]:
    return [a.get_attribute("href") for a in page.query_selector_all(f"#sok-{part} a")]


@pytest.mark.parametrize(
    "words,expected",
    [
        ("spendanalys", "vagledning/orientering/"),
        ("kategoriteam", "vagledning/planera_kategori/"),
        ("kategori", "begrepp/"),  # holds "kategorierna"
        ("kategorierna", "fyra-nivaer/"),  # an inflection: the page says "kategorier" and "kategori", never "kategorierna"
        ("Tillgänglighetsredogörelse", "tillganglighet/"),
        ("metod", "metod/"),
    ],
)
def test_words_find_their_pages_in_every_inflection_under_a_sub_path(browser, site_url, words, expected):
    page, requests = search(browser, site_url, words)
    found = hits(page, "sidor")
    prefix = site_url.removeprefix(site_url.split("/ambitionsgraf/")[0])  # "/ambitionsgraf/": the sub-path
    assert prefix + expected in found[:10], found
    assert all(link.startswith(prefix) for link in found)
    assert all(u.startswith(site_url) for u in requests), [u for u in requests if not u.startswith(site_url)]
    page.context.close()


def test_organisations_are_found_by_name_with_their_latest_results(browser, site_url):
    page, _ = search(browser, site_url, "Norrviks")
    assert hits(page, "sidor") == [] and [h.rsplit("/", 2)[-2] for h in hits(page, "org")] == ["norrvik"]
    assert page.inner_text("#sok-rubrik") == "1 träff för ”Norrviks”: 0 sidor och 1 organisation"
    assert page.inner_text("#sok-org li .search-about") == "Kommun, senaste mätningen 12 oktober 2023"
    assert not page.is_visible("#sok-sidor-del")
    page.context.close()


@pytest.mark.parametrize("words", [SECRET_NAME, "Kvarnsjövik", "xylofonhemlighet", "zebrafinkgrupp", "pelikanbudget"])
def test_nothing_private_is_found(browser, site_url, words):
    page, _ = search(browser, site_url, words)
    assert not [h for h in hits(page, "sidor") + hits(page, "org") if "kvarnsjovik" in h]
    if " " not in words:  # ("kommun" alone finds every municipality)
        assert page.inner_text("#sok-meddelande") == f"Inga träffar för ”{words}”. Pröva ett annat ord, eller ett kortare."
        assert not page.is_visible("#sok-traffar")
    page.context.close()


def test_from_the_header_to_a_result_by_keyboard_alone(browser, site_url):
    ctx = browser.new_context()
    page = ctx.new_page()
    page.goto(site_url + "vagledning/")
    kb = page.keyboard
    for _ in range(20):
        kb.press("Tab")
        if page.evaluate("document.activeElement.id") == "sok-snabb":
            break
    else:
        raise AssertionError("the header's search box is not reachable by Tab")
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    kb.type("kategori")
    kb.press("Enter")
    page.wait_for_url("**/sok/?q=kategori")
    page.wait_for_function("document.activeElement.id === 'sok-rubrik'")  # the hits are announced by their heading
    assert page.inner_text("#sok-rubrik").startswith("17 träffar för ”kategori”: 17 sidor")
    assert page.input_value("#sok-q") == "kategori"
    kb.press("Tab")
    first = page.evaluate("document.activeElement.getAttribute('href')")
    assert first == hits(page, "sidor")[0]
    assert len(hits(page, "sidor")) == 10
    page.focus("#sok-sidor-fler")
    kb.press("Enter")
    page.wait_for_function("document.querySelectorAll('#sok-sidor a').length === 17")
    target = hits(page, "sidor")[10]
    assert page.evaluate("document.activeElement.getAttribute('href')") == target  # the first new hit
    assert not page.is_visible("#sok-sidor-fler")
    kb.press("Enter")
    page.wait_for_url("**" + target)
    ctx.close()


@pytest.mark.parametrize("width", [1280, 360])
@pytest.mark.parametrize("words", ["kategori", "xyzzy", ""])
def test_axe_finds_no_violations_with_hits_without_and_before_a_search(browser, site_url, width, words):
    page, _ = search(browser, site_url, words, viewport={"width": width, "height": 800})
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.context.close()


def test_without_javascript_the_page_says_so_plainly(browser, site_url):
    ctx = browser.new_context(java_script_enabled=False)
    page = ctx.new_page()
    page.goto(site_url + "metod/")
    page.fill("#sok-snabb", "kategori")
    page.press("#sok-snabb", "Enter")
    page.wait_for_url("**/sok/?q=kategori")
    text = page.inner_text("main")
    assert "Sökningen kräver JavaScript, som är avstängt i din webbläsare." in text
    assert not page.is_visible("#sok-traffar") and not page.is_visible("#sok-meddelande")
    ctx.close()


def test_the_header_search_box_fits_a_phone(browser, site_url):
    page = browser.new_page(viewport={"width": 360, "height": 740})
    for path in ("", "organisationer/norrvik/", "sjalvskattning/"):
        page.goto(site_url + path)
        assert page.is_visible("#sok-snabb")
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.close()
