"""The project settings file (installningar.yaml): checked like an answer file, and the site's
address reaches an output only when it is set, never a placeholder."""

from __future__ import annotations

import re
import subprocess

import pikepdf
import pytest

from ambitionsgraf.problems import ContentError
from ambitionsgraf.settings import FILE_NAME, parse_settings

from .conftest import ROOT, TEST_SITE_URL, run_cli, tree
from .test_build_rules import broken_links, two_orgs

GOOD = (ROOT / FILE_NAME).read_text(encoding="utf-8")
PLACEHOLDER = re.compile(rb"example\.(github\.io|com|org|net)|localhost|127\.0\.0\.1")


def problems(text: str) -> list[str]:
    with pytest.raises(ContentError) as caught:
        parse_settings("installningar.yaml", text.encode())
    return [str(p) for p in caught.value.problems]


def test_the_projects_settings_are_valid_and_leave_the_address_to_the_workflow():
    s = parse_settings(FILE_NAME, GOOD.encode())
    assert s.site_url is None  # the Pages workflow passes the address GitHub gives
    assert s.publisher == "Upphandlingsmyndigheten" and "@" in s.feedback_email and s.reviewed
    assert s.updated >= s.reviewed
    assert s.licence_url.startswith("http://creativecommons.org/")


def test_the_statement_is_updated_on_its_review_date_unless_the_file_says_otherwise():
    without = parse_settings(FILE_NAME, GOOD.replace("  uppdaterad: 2026-11-29\n", "").encode())
    assert without.statement_updated is None and without.updated == without.reviewed == "2026-11-29"
    later = parse_settings(FILE_NAME, GOOD.replace("uppdaterad: 2026-11-29", "uppdaterad: 2026-12-03").encode())
    assert later.updated == "2026-12-03" and later.reviewed == "2026-11-29"


@pytest.mark.parametrize(
    "old, new, expected",
    [
        (
            "webbplats:\n",
            "webbplats: https://example.github.io/ambitionsgraf/\n",
            "installningar.yaml:7: webbplats: expected the real address, got the placeholder host example.github.io",
        ),
        (
            "webbplats:\n",
            "webbplats: upphandlingsmyndigheten.github.io\n",
            "installningar.yaml:7: webbplats: expected an absolute address such as",
        ),
        (
            "  epost: registrator@uhmynd.se\n  telefon",
            "  epost: registrator\n  telefon",
            "installningar.yaml:13: utgivare.epost: expected an e-mail address, got registrator",
        ),
        (
            "  granskad: 2026-11-29",
            "  granskad: 2026-02-30",
            "installningar.yaml:20: tillganglighet.granskad: expected a real date YYYY-MM-DD, got 2026-02-30",
        ),
        (
            "licens:\n  namn: CC0 1.0 Universell\n",
            "licens:\n  namn: CC0 1.0 Universell\n  licence: x\n",
            "installningar.yaml:26: licens.licence: unknown key; expected namn or url",
        ),
        (
            "  uppdaterad: 2026-11-29",
            "  uppdaterad: 2026-11-28",
            "installningar.yaml:21: tillganglighet.uppdaterad: expected a date on or after granskad (2026-11-29)",
        ),
        (
            "  uppdaterad: 2026-11-29",
            "  uppdaterad: 29 november",
            "installningar.yaml:21: tillganglighet.uppdaterad: expected a date YYYY-MM-DD",
        ),
        ("  namn: Upphandlingsmyndigheten\n", "  namn: Upphandlings\u202emyndigheten\n", "installningar.yaml:11: utgivare.namn: "),
        ("  url: http", "  namn: CC0\n  url: http", "installningar.yaml:26: licens.namn: given twice; keep one"),
        (
            "licens:\n  namn: CC0 1.0 Universell\n",
            "licens: CC0\nx:\n  namn: CC0 1.0 Universell\n",
            "installningar.yaml:24: licens: expected namn or url under it",
        ),
        ("  telefon: 08-586 217 00", "  telefon:", "installningar.yaml:14: utgivare.telefon: expected a telephone number"),
    ],
)
def test_a_mistake_is_named_by_file_line_and_field(old, new, expected):
    assert old in GOOD
    found = problems(GOOD.replace(old, new, 1))
    assert any(p.startswith(expected) for p in found), found


def test_a_missing_section_and_a_file_that_is_not_settings_are_refused():
    without = GOOD[: GOOD.index("# Licensen")]
    assert "installningar.yaml:7: licens: missing" in problems(without)
    assert problems("- a list\n")[0].startswith("installningar.yaml:1: file: expected")
    assert problems("# nothing yet\n") == [
        "installningar.yaml:1: file: expected webbplats, utgivare, tillganglighet or licens, got an empty file"
    ]


def test_a_bad_settings_file_stops_the_build_before_anything_is_written(tmp_path):
    orgs = two_orgs(tmp_path / "orgs")
    bad = tmp_path / "settings.yaml"
    bad.write_text(GOOD.replace("webbplats:\n", "webbplats: http://localhost:8000/\n"), encoding="utf-8")
    result = run_cli("--orgs", str(orgs), "--out", str(tmp_path / "out"), "--no-pdf", "--settings", str(bad))
    assert result.returncode == 1 and f"{bad}:7: webbplats: expected an absolute address" in result.stderr, result.stderr
    assert not (tmp_path / "out").exists()
    missing = run_cli("--orgs", str(orgs), "--out", str(tmp_path / "out"), "--no-pdf", "--settings", str(tmp_path / "none.yaml"))
    assert missing.returncode == 1 and "none.yaml:1: file: missing" in missing.stderr and "Traceback" not in missing.stderr
    placeholder = run_cli("--orgs", str(orgs), "--out", str(tmp_path / "out"), "--no-pdf", "--site-url", "https://example.github.io/x/")
    assert placeholder.returncode == 1 and "--site-url: expected the real address" in placeholder.stderr


def pdf_links(path) -> list[str]:
    with pikepdf.open(path) as pdf:
        return [str(a.A.URI) for page in pdf.pages for a in page.get("/Annots", []) if "/A" in a and "/URI" in a.A]


def test_without_an_address_nothing_links_to_the_site_absolutely_and_the_build_says_so_once(tmp_path):
    orgs = two_orgs(tmp_path / "orgs")
    out = tmp_path / "out"
    result = run_cli("--orgs", str(orgs), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert (result.stdout + result.stderr).count("no site address") == 1
    files = tree(out)
    assert "site/sitemap.xml" not in files
    for name, data in files.items():
        if name.startswith("site/pagefind/pagefind") and name.endswith(".js"):
            continue  # Pagefind's own code: it parses relative addresses against https://example.com, links nowhere
        assert not PLACEHOLDER.search(data), name
        assert b"github.io" not in data, name
    for pdf in ("leverans/alfa.pdf", "site/organisationer/alfa/alfa.pdf"):
        assert all(not link.startswith("http") or "upphandlingsmyndigheten.se" in link for link in pdf_links(out / pdf)), pdf
    text = subprocess.run(["pdftotext", str(out / "leverans/alfa.pdf"), "-"], capture_output=True, text=True).stdout
    assert "ambitionsgrafens webbplats" in " ".join(text.split())
    plan = files["leverans/alfa-handlingsplan.csv"].decode("utf-8-sig").splitlines()
    assert plan[0].split(";")[5] == "Vägledning"
    assert all(" på Ambitionsgrafens webbplats: vagledning/" in row.split(";")[5] and "http" not in row for row in plan[1:])
    page = files["site/404.html"].decode()
    assert 'href="/vagledning/"' in page and 'href="/assets/site.css"' in page and 'href="/assets/favicon.svg"' in page
    assert "sitemap.xml" not in files["site/index.html"].decode()
    assert broken_links(out / "site") == []


def test_with_an_address_the_pdfs_plans_and_sitemap_link_to_it(tmp_path):
    orgs = two_orgs(tmp_path / "orgs")
    out = tmp_path / "out"
    result = run_cli("--orgs", str(orgs), "--out", str(out), "--site-url", TEST_SITE_URL.rstrip("/"))
    assert result.returncode == 0 and "no site address" not in result.stdout + result.stderr, result.stderr
    assert f"<loc>{TEST_SITE_URL}vagledning/orientering/</loc>" in (out / "site/sitemap.xml").read_text()
    assert f"{TEST_SITE_URL}vagledning/" in " ".join(pdf_links(out / "leverans/alfa.pdf"))
    assert f";{TEST_SITE_URL}vagledning/orientering/;" in (out / "leverans/alfa-handlingsplan.csv").read_text(encoding="utf-8-sig")
    assert f'href="{TEST_SITE_URL}vagledning/"' in (out / "site/404.html").read_text()


def test_a_changed_settings_file_rebuilds_everything(tmp_path):
    orgs = two_orgs(tmp_path / "orgs")
    out = tmp_path / "out"
    settings = tmp_path / "installningar.yaml"
    settings.write_text(GOOD, encoding="utf-8")
    first = run_cli("--orgs", str(orgs), "--out", str(out), "--no-pdf", "--settings", str(settings))
    assert first.returncode == 0, first.stderr
    again = run_cli("--orgs", str(orgs), "--out", str(out), "--no-pdf", "--settings", str(settings))
    assert "nothing changed" in again.stdout
    settings.write_text(GOOD.replace("granskad: 2026-11-29", "granskad: 2026-11-27"), encoding="utf-8")
    changed = run_cli("--orgs", str(orgs), "--out", str(out), "--no-pdf", "--settings", str(settings))
    assert changed.returncode == 0 and "nothing changed" not in changed.stdout
    assert "2 rendered, 0 unchanged" in changed.stdout, changed.stdout


@pytest.mark.parametrize(
    "url",
    [
        "https://user@example.com/",
        "https://example.com./",
        "https://example.github.io.:443/",
        "https://localhost.:8000/",
        "https://127.0.0.1/",
        "https://ｅxample.com/",
        'https://uhm.se/a"<b>/',
        "https://uhm.se/" + "a" * 300 + "/",
    ],
)
def test_an_address_that_hides_a_placeholder_or_breaks_a_link_is_refused(url):
    """The adversary's addresses: a user part, a trailing dot, a port, an IP address, a fullwidth
    letter, markup in the path, and one longer than Excel keeps as a link."""
    from ambitionsgraf.settings import url_problem

    assert url_problem(url) is not None


def test_a_setting_of_only_invisible_characters_is_refused():
    found = problems(GOOD.replace("  namn: Upphandlingsmyndigheten\n", '  namn: "\\u200b"\n', 1))
    assert any(
        p.startswith("installningar.yaml:11: utgivare.namn: expected the agency's name, got only invisible characters") for p in found
    ), found


@pytest.mark.parametrize("host", ["www.example.com", "app.localhost", "a.b.example.org", "pages.example.github.io", "site.test"])
def test_a_subdomain_of_a_placeholder_host_is_a_placeholder_too(host):
    from ambitionsgraf.settings import url_problem

    assert url_problem(f"https://{host}/ambitionsgraf/") == f"expected the real address, got the placeholder host {host}"


@pytest.mark.parametrize("host", ["myexample.com", "localhost-kommun.se", "example.com.se", "uhm.github.io"])
def test_a_real_host_that_only_contains_a_placeholders_name_is_accepted(host):
    from ambitionsgraf.settings import url_problem

    assert url_problem(f"https://{host}/ambitionsgraf/") is None


@pytest.mark.parametrize("text", ["", "# inställningar kommer senare\n"])
def test_an_empty_settings_file_is_named_as_one_not_as_an_answer_file(text):
    # It said "expected namn, typ, publicerad and matningar", an answer file's keys.
    assert problems(text) == ["installningar.yaml:1: file: expected webbplats, utgivare, tillganglighet or licens, got an empty file"]
