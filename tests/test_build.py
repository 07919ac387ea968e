"""The build end to end: outputs, JSON shape, privacy by construction, atomic writes, CLI."""

from __future__ import annotations

import csv
import io
import json
import random
import re

import pytest

from .conftest import ROOT, TEST_SITE_URL, run_build, run_cli, tree, write_orgs
from .helpers import answer_file, uniform

SPEC_KEYS = {"datum", "axlar", "omraden", "kvadrant", "fragor", "roller", "steg", "saknas"}


def test_example_site_has_every_published_organisation_and_no_unpublished(example_build):
    site = example_build / "site"
    index = (site / "index.html").read_text()
    for name in ("Norrviks kommun", "Fjällmo kommun", "Region Älvdal"):
        assert name in index
    for path, data in tree(site).items():
        assert b"Sydala" not in data and b"sydala" not in data, path
    assert (example_build / "leverans" / "sydala.pdf").exists()
    for slug in ("norrvik", "fjallmo", "alvdal", "sydala"):
        for name in (f"{slug}.pdf", f"{slug}.json", f"{slug}-handlingsplan.csv", f"{slug}-handlingsplan.xlsx"):
            assert (example_build / "leverans" / name).stat().st_size > 0


def test_delivery_json_has_the_spec_shape(example_build):
    data = json.loads((example_build / "leverans" / "norrvik.json").read_text())
    assert {"slug", "namn", "typ", "matningar"} <= set(data)
    dates = [m["datum"] for m in data["matningar"]]
    assert dates == sorted(dates) and len(dates) == 2
    m = data["matningar"][-1]
    assert SPEC_KEYS <= set(m)
    assert set(m["axlar"]) == {"ledning", "verksamhet"}
    assert set(m["omraden"]) == {"strategi_planering", "uppfoljning_analys", "ansvar_organisation", "samspel_verksamhet"}
    assert len(m["fragor"]) == 19 and {"medel", "spridning", "antal"} <= set(m["fragor"]["v1_matt"])
    assert set(m["roller"]) == {"politisk_ledning", "forvaltningsledning", "inkopschef", "verksamhet"}
    assert {"axlar", "omraden"} <= set(m["roller"]["inkopschef"])
    assert m["kvadrant"] in {"andamalsenlig", "ledning", "verksamhet", "tillfallig"}
    assert data["matningar"][0]["saknas"] == {"v2_kunskapsunderlag": 1, "v2_kategorirapporter": 1}


def test_public_json_is_the_delivery_json_minus_roles_spread_and_comments(example_build):
    full = json.loads((example_build / "leverans" / "norrvik.json").read_text())
    public = json.loads((example_build / "site" / "data" / "norrvik.json").read_text())
    full.pop("jamforelse")  # comparisons with other organisations go to the organisation only
    for m_full, _m_pub in zip(full["matningar"], public["matningar"]):
        for key in ("roller", "kommentar", "kommentarer"):  # per-round private keys
            m_full.pop(key)
        for q in m_full["fragor"].values():
            q.pop("spridning")
    assert public == full


def test_action_plan_opens_in_swedish_excel(example_build):
    raw = (example_build / "leverans" / "norrvik-handlingsplan.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == [
        "Prioritet",
        "Del",
        "Steg eller zon",
        "Bedömning vid mätningen",
        "Förslag",
        "Vägledning",
        "Åtgärd",
        "Ansvarig",
        "Klart senast",
        "Status",
        "Kommentar",
    ]
    assert len(rows) == 1 + 12
    assert sorted(r[0] for r in rows[1:] if r[0]) == ["1", "2", "3"]
    assert all(r[5].endswith("/") and "vagledning/" in r[5] for r in rows[1:])


def _roles_shuffled_and_comments_rewritten(text: str, seed: int) -> str:
    rnd = random.Random(seed)
    roles = re.findall(r"roll: (\w+)", text)
    rnd.shuffle(roles)
    it = iter(roles)
    text = re.sub(r"roll: \w+", lambda m: f"roll: {next(it)}", text)
    return re.sub(r'kommentar: ".*"', lambda m: f'kommentar: "Omskriven <b>{rnd.random()}</b> & 🙂"', text)


@pytest.mark.parametrize("seed", [1, 2])
def test_privacy_site_ignores_roles_and_comments(tmp_path, seed):
    files = {p.name: p.read_text() for p in (ROOT / "orgs").glob("*.yaml")}
    changed = {name: _roles_shuffled_and_comments_rewritten(text, seed) for name, text in files.items()}
    assert changed != files
    run_build(write_orgs(tmp_path / "a", files), tmp_path / "out-a", pdf=True, only="norrvik")
    run_build(write_orgs(tmp_path / "b", changed), tmp_path / "out-b", pdf=True, only="norrvik")
    assert tree(tmp_path / "out-a" / "site") == tree(tmp_path / "out-b" / "site")
    assert tree(tmp_path / "out-a" / "leverans") != tree(tmp_path / "out-b" / "leverans")


def test_two_builds_are_byte_identical_including_pdfs(tmp_path, example_build):
    run_build(ROOT / "orgs", tmp_path / "again", pdf=True, site_url=TEST_SITE_URL)
    assert tree(tmp_path / "again") == tree(example_build)


def test_invalid_file_writes_nothing_and_keeps_previous_output(tmp_path):
    orgs = write_orgs(tmp_path / "orgs", {"ok.yaml": answer_file([("2024-01-10", [("inkopschef", uniform(3))])])})
    out = tmp_path / "output"
    run_build(orgs, out)
    before = tree(out)
    (orgs / "bad.yaml").write_text(answer_file([("2024-01-10", [("inkopschef", uniform(3, v1_matt=7))])]))
    result = run_cli("--orgs", str(orgs), "--out", str(out), "--no-pdf")
    assert result.returncode == 1
    assert re.search(r"bad\.yaml:\d+: v1_matt: expected 1–4 or vet_ej, got 7", result.stderr)
    assert "Traceback" not in result.stderr
    assert tree(out) == before
    assert {p.name for p in tmp_path.iterdir()} == {"orgs", "output"}  # no staging folder left behind, no cache beside the output


def test_keep_going_builds_valid_ones_and_exits_1(tmp_path):
    orgs = write_orgs(
        tmp_path / "orgs",
        {
            "ok.yaml": answer_file([("2024-01-10", [("inkopschef", uniform(3))])]),
            "bad.yaml": "namn: [\n",
        },
    )
    result = run_cli("--orgs", str(orgs), "--out", str(tmp_path / "out"), "--no-pdf", "--keep-going")
    assert result.returncode == 1
    assert "bad.yaml" in result.stderr and "skipped 1 invalid file" in result.stderr
    assert (tmp_path / "out" / "site" / "organisationer" / "ok" / "index.html").exists()
    assert not (tmp_path / "out" / "leverans" / "bad.json").exists()


def test_unpublished_organisation_only_in_delivery(tmp_path):
    orgs = write_orgs(
        tmp_path / "orgs",
        {
            "hemlig.yaml": answer_file([("2024-01-10", [("inkopschef", uniform(3))])], namn="Hemliga kommun", publicerad=False),
        },
    )
    run_build(orgs, tmp_path / "out")
    assert (tmp_path / "out" / "leverans" / "hemlig.json").exists()
    for path, data in tree(tmp_path / "out" / "site").items():
        assert b"hemlig" not in data.lower() and "hemlig" not in path.lower(), path


def test_markup_in_names_and_comments_is_escaped(tmp_path):
    name = 'Kommun <script>alert(1)</script> & "Co" 🙂 $x$'
    text = answer_file([("2024-01-10", [("inkopschef", uniform(3))])], namn=name, comments={(0, 0): "<img src=x onerror=alert(1)>"})
    orgs = write_orgs(tmp_path / "orgs", {"x.yaml": text})
    run_build(orgs, tmp_path / "out", pdf=True)
    for path, data in tree(tmp_path / "out").items():
        if path.endswith((".html", ".svg")):
            assert b"<script>alert" not in data and b"<img src=x" not in data, path
    page = (tmp_path / "out" / "site" / "organisationer" / "x" / "index.html").read_text()
    assert "Kommun &lt;script&gt;alert(1)&lt;/script&gt; &amp; &#34;Co&#34; 🙂 $x$" in page


def test_cli_usage_and_only(tmp_path):
    orgs = write_orgs(
        tmp_path / "orgs",
        {
            "a.yaml": answer_file([("2024-01-10", [("inkopschef", uniform(3))])], namn="A kommun"),
            "b.yaml": answer_file([("2024-01-10", [("inkopschef", uniform(2))])], namn="B kommun"),
        },
    )
    out = tmp_path / "out"
    assert run_cli("--orgs", str(orgs), "--out", str(out), "--no-pdf").returncode == 0
    (orgs / "b.yaml").write_text(answer_file([("2024-01-10", [("inkopschef", uniform(4))])], namn="B kommun"))
    before_a = (out / "leverans" / "a.json").stat().st_ino
    result = run_cli("--orgs", str(orgs), "--out", str(out), "--no-pdf", "--only", "b")
    assert result.returncode == 0, result.stderr
    assert json.loads((out / "leverans" / "b.json").read_text())["matningar"][0]["axlar"]["verksamhet"] == 4.0
    assert (out / "leverans" / "a.json").exists()
    missing = run_cli("--orgs", str(orgs), "--out", str(out), "--no-pdf", "--only", "zz")
    assert missing.returncode == 1 and "--only: no valid answer file for this slug" in missing.stderr
    assert before_a  # carried over, not rebuilt


def test_new_writes_a_template_that_checks(tmp_path):
    orgs = tmp_path / "orgs"
    result = run_cli("new", "ny-kommun", "--namn", "Nya kommun", "--typ", "kommun", "--datum", "2026-03-01", "--orgs", str(orgs))
    assert result.returncode == 0, result.stderr
    text = (orgs / "ny-kommun.yaml").read_text()
    assert text.index("v1_mal") < text.index("v1_matt") < text.index("h_nojdhet")
    assert "Vi har mått som kan användas" in text
    untouched = run_cli("check", str(orgs / "ny-kommun.yaml"))  # a respondent without answers: not "1 intervjuade" with no point
    assert untouched.returncode == 1 and "svar: expected this respondent's answers, at least one, got nothing" in untouched.stderr
    (orgs / "ny-kommun.yaml").write_text(text.replace("# v1_matt: 1–4 | vet_ej", "v1_matt: 3"))
    assert run_cli("check", str(orgs / "ny-kommun.yaml")).returncode == 0
    again = run_cli("new", "ny-kommun", "--namn", "X", "--typ", "kommun", "--orgs", str(orgs))
    assert again.returncode == 1 and "already exists" in again.stderr
    bad = run_cli("new", "Ny Kommun", "--namn", "X", "--typ", "stad", "--orgs", str(orgs))
    assert bad.returncode == 1 and "not a valid slug" in bad.stderr and "typ: expected kommun" in bad.stderr


def test_check_reports_every_problem_in_every_file(tmp_path):
    orgs = write_orgs(
        tmp_path / "orgs",
        {
            "a.yaml": answer_file([("2024-01-10", [("inkopschef", uniform(3, omfattning="hela", v1_matt=9, h_nojdhet="yes"))])]),
            "b.yaml": "namn: X\ntyp: stad\nmatningar: []\n",
        },
    )
    result = run_cli("check", "--orgs", str(orgs))
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 4, lines
    assert all(re.match(r"\S+\.yaml:\d+: \S+: ", line) for line in lines)
