"""Incremental and parallel builds: same bytes as a clean serial build, and every input invalidates."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from dataclasses import replace
from fractions import Fraction as F

import pytest

from ambitionsgraf.peergroups import Comparison, Position
from ambitionsgraf.pipeline import BuildOptions, build
from ambitionsgraf.pipeline.cache import BuildCache
from ambitionsgraf.pipeline.execute import Task, assign
from ambitionsgraf.pipeline.parts import ORGANISATION_PARTS
from ambitionsgraf.pipeline.plan import part_key
from ambitionsgraf.problems import ContentError
from ambitionsgraf.scoring import weakest_status
from ambitionsgraf.views import change

from .conftest import ROOT, TEST_SITE_URL, run_cli, tree, write_orgs
from .helpers import answer_file, uniform


def orgs_files(n: int = 4) -> dict[str, str]:
    files = {
        f"o{i}.yaml": answer_file([("2024-03-01", [("inkopschef", uniform(1 + i % 4)), ("verksamhet", uniform(2))])], namn=f"Kommun {i}")
        for i in range(n)
    }
    files["hemlig.yaml"] = answer_file([("2024-03-01", [("inkopschef", uniform(3))])], namn="Hemliga kommun", publicerad=False)
    return files


@pytest.fixture
def project(tmp_path):
    """A copy of the project's content, templates and code fingerprint inputs, to change freely."""
    proj = tmp_path / "project"
    for name in ("content", "templates", "ambitionsgraf"):
        shutil.copytree(ROOT / name, proj / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("constraints.txt", "installningar.yaml"):
        shutil.copy(ROOT / name, proj / name)
    return proj


def run(project, orgs, out, **kw):
    return build(BuildOptions(project_dir=project, orgs_dir=orgs, out_dir=out, **{"make_pdf": False, "site_url": TEST_SITE_URL, **kw}))


def test_incremental_and_parallel_equal_a_clean_serial_build(tmp_path, project):
    orgs = write_orgs(tmp_path / "orgs", orgs_files())
    run(project, orgs, tmp_path / "inc", make_pdf=True, jobs=2)
    (orgs / "o1.yaml").write_text(answer_file([("2024-03-01", [("inkopschef", uniform(4))])], namn="Kommun 1"))
    summary = run(project, orgs, tmp_path / "inc", make_pdf=True, jobs=2)
    assert summary.rendered == 1  # comparison groups too small to show: nobody else's report changed
    (orgs / "o3.yaml").unlink()  # group sizes are printed in every report: all are rendered again
    run(project, orgs, tmp_path / "inc", make_pdf=True, jobs=2)
    run(project, orgs, tmp_path / "clean", make_pdf=True, jobs=1)
    assert tree(tmp_path / "inc") == tree(tmp_path / "clean")
    assert not any("o3" in p for p in tree(tmp_path / "inc"))


@pytest.mark.parametrize(
    "change_input",
    [
        lambda p: (p / "templates" / "org.html").write_text((p / "templates" / "org.html").read_text() + "{# ändrad #}\n"),
        lambda p: (p / "templates" / "print" / "report.css").write_text(
            (p / "templates" / "print" / "report.css").read_text() + "\n/* x */\n"
        ),
        lambda p: (p / "templates" / "assets" / "site.css").write_text(
            (p / "templates" / "assets" / "site.css").read_text() + "\n/* x */\n"
        ),
        lambda p: (p / "content" / "vagledning" / "orientering.md").write_text(
            (p / "content" / "vagledning" / "orientering.md").read_text() + "\nNy mening.\n"
        ),
        lambda p: (p / "content" / "instrument.yaml").write_text(
            (p / "content" / "instrument.yaml").read_text().replace("Tillfälligt samspel", "Tillfälligt")
        ),
        lambda p: (p / "installningar.yaml").write_text(
            (p / "installningar.yaml").read_text().replace("granskad: 2026-11-29", "granskad: 2026-11-28")
        ),
    ],
    ids=["template", "print-css", "site-css", "content-page", "instrument", "settings"],
)
def test_every_kind_of_input_invalidates_the_cache(tmp_path, project, change_input):
    orgs = write_orgs(tmp_path / "orgs", orgs_files())
    out = tmp_path / "out"
    run(project, orgs, out)
    assert run(project, orgs, out).unchanged
    change_input(project)
    summary = run(project, orgs, out)
    assert not summary.unchanged and summary.rendered == summary.organisations


def test_changing_one_answer_file_renders_only_what_it_affects(tmp_path, project):
    orgs = write_orgs(tmp_path / "orgs", orgs_files(8))
    out = tmp_path / "out"
    run(project, orgs, out)
    # A comment shapes only its own organisation's report; a moved point would also move
    # the anonymous peer points in every report of the same year, and those are rendered again.
    text = (
        (orgs / "o2.yaml")
        .read_text()
        .replace("      - roll: verksamhet\n", '      - roll: verksamhet\n        kommentar: "Ny kommentar"\n', 1)
    )
    (orgs / "o2.yaml").write_text(text)
    summary = run(project, orgs, out)
    assert summary.rendered == 1
    assert json.loads((out / "leverans" / "o2.json").read_text())["matningar"][0]["kommentarer"] == [
        {"roll": "verksamhet", "text": "Ny kommentar"}
    ]


def test_only_keeps_its_own_files_when_unchanged_and_drops_newly_unpublished(tmp_path, project):
    orgs = write_orgs(tmp_path / "orgs", orgs_files())
    out = tmp_path / "out"
    run(project, orgs, out)
    run(project, orgs, out, only="o1")
    assert (out / "site" / "organisationer" / "o1" / "index.html").is_file()
    assert (out / "leverans" / "o1.json").is_file()
    (orgs / "o2.yaml").write_text((orgs / "o2.yaml").read_text().replace("publicerad: true", "publicerad: false"))
    run(project, orgs, out, only="o1")
    assert not (out / "site" / "organisationer" / "o2").exists()
    assert not (out / "site" / "data" / "o2.json").exists()
    assert "o2" not in (out / "site" / "sitemap.xml").read_text()
    assert (out / "leverans" / "o2.json").is_file()


def test_only_after_an_upgrade_keeps_the_files_of_a_manifest_without_parts(tmp_path, project):
    orgs = write_orgs(tmp_path / "orgs", orgs_files())
    out = tmp_path / "out"
    run(project, orgs, out)
    manifest = json.loads((out / ".manifest.json").read_text())
    manifest["code"] = "an earlier version"
    manifest["orgs"] = {
        slug: {"key": "old", "files": sorted(f for part in parts.values() for f in part["files"])}
        for slug, parts in manifest["orgs"].items()
    }  # one list of files per organisation, as before parts
    (out / ".manifest.json").write_text(json.dumps(manifest))
    before = tree(out)
    run(project, orgs, out, only="o1")
    after = tree(out)
    assert {p for p in before if "o2" in p} == {p for p in after if "o2" in p} != set()
    assert after[("site/organisationer/o2/index.html")] == before["site/organisationer/o2/index.html"]


def test_a_manifest_from_before_the_workbook_came_with_the_pdf_sorts_it_into_the_pdfs_part(tmp_path):
    from ambitionsgraf.pipeline.inputs import previous_parts

    write_orgs(tmp_path / "leverans", {"a.json": "{}", "a-handlingsplan.csv": "x", "a-handlingsplan.xlsx": "x", "a.pdf": "x"})
    manifest = {
        "orgs": {
            "a": {
                "leverans": {"key": "k1", "files": ["leverans/a-handlingsplan.csv", "leverans/a-handlingsplan.xlsx", "leverans/a.json"]},
                "leverans-pdf": {"key": "k2", "files": ["leverans/a.pdf"]},
            }
        }
    }
    parts = previous_parts(tmp_path, manifest)["a"]
    assert (parts["leverans"].key, parts["leverans"].present) == ("k1", True)  # its files are where they were
    assert parts["leverans-pdf"].files == ("leverans/a.pdf", "leverans/a-handlingsplan.xlsx")
    assert parts["leverans-pdf"].key is None  # rendered again, or kept by --only as it is


def test_out_folder_that_is_not_a_build_is_refused(tmp_path, project):
    orgs = write_orgs(tmp_path / "orgs", orgs_files(2))
    for out in (orgs, tmp_path):
        with pytest.raises(ContentError) as err:
            run(project, orgs, out)
        assert err.value.problems[0].field == "--out"
    desk = tmp_path / "desk"
    desk.mkdir()
    (desk / "viktig.txt").write_text("behåll")
    with pytest.raises(ContentError):
        run(project, orgs, desk)
    assert (desk / "viktig.txt").read_text() == "behåll"


def test_unchanged_build_after_keep_going_still_reports_and_fails(tmp_path):
    orgs = write_orgs(tmp_path / "orgs", {**orgs_files(2), "trasig.yaml": "namn: [\n"})
    args = ("--orgs", str(orgs), "--out", str(tmp_path / "out"), "--no-pdf", "--keep-going")
    assert run_cli(*args).returncode == 1
    again = run_cli(*args)
    assert again.returncode == 1 and "trasig.yaml" in again.stderr


def test_part_keys_follow_what_each_part_shows():
    position = Position("axis", "ledning", F(1, 3), 6)
    group = Comparison("alla", "alla", "organisationerna", 6, True, (position,), "a")
    moved = replace(group, points_digest="b")  # a peer point moved
    nudged = replace(group, positions=(replace(position, share_below=F(333, 1000)),))  # 33 % either way

    def keys(g, digest="x"):
        return {part: part_key("c", "https://u/", part, digest, (g,), False) for part in ORGANISATION_PARTS}

    base = keys(group)
    # A moved peer point is drawn in the PDF only: neither the delivery data nor the public files show peers.
    assert keys(moved)["leverans-pdf"] != base["leverans-pdf"]
    assert keys(moved)["leverans"] == base["leverans"] and keys(moved)["site"] == base["site"]
    # A share that changes in the data but not in the shown percentage leaves the PDF alone.
    assert keys(nudged)["leverans"] != base["leverans"]
    assert keys(nudged)["leverans-pdf"] == base["leverans-pdf"]
    assert keys(group, "y")["site"] != base["site"]
    # The PDF's key is made of exactly what the PDF is drawn from.
    assert group.as_shown().key() == nudged.as_shown().key() != moved.as_shown().key()


def test_step_with_an_unanswered_question_is_at_most_partly_in_place(instrument):
    assert weakest_status(instrument, ["pa_plats", None]) == "delvis"
    assert weakest_status(instrument, ["utvecklingsomrade", None]) == "utvecklingsomrade"
    assert weakest_status(instrument, [None, None]) is None


def test_change_is_computed_from_the_shown_values():
    assert change(F(266, 100), F(264, 100))["text"] == "+0,1"  # shown as 2,6 → 2,7
    assert change(F(274, 100), F(266, 100))["arrow"] == "="  # both shown as 2,7


def test_check_without_an_orgs_folder_fails(tmp_path):
    result = run_cli("check", "--orgs", str(tmp_path / "saknas"))
    assert result.returncode == 1 and "--orgs: no such folder" in result.stderr


def cache_of(project, out):
    return BuildCache(project / ".cache" / "build", out, "")


def test_summary_cache_spares_reading_unchanged_files_and_forgets_old_ones(tmp_path, project):
    orgs = write_orgs(tmp_path / "orgs", orgs_files(3))
    out = tmp_path / "out"
    first = run(project, orgs, out)
    assert first.parsed == ["hemlig", "o0", "o1", "o2"]
    path = cache_of(project, out).path
    assert path.parent == project / ".cache" / "build" and not list(tmp_path.glob(".out*"))  # nothing beside the output
    assert len(json.loads(path.read_bytes())["summaries"]) == 4  # every valid file, as plain JSON
    (orgs / "o1.yaml").write_text((orgs / "o1.yaml").read_text().replace("Kommun 1", "Kommun Ett"))
    assert run(project, orgs, out).parsed == ["o1"]  # the others came from the cache
    assert len(json.loads(path.read_bytes())["summaries"]) == 4  # the old entry for o1 is gone
    assert json.loads((out / "leverans" / "o1.json").read_text())["namn"] == "Kommun Ett"


def test_the_cache_key_names_the_answer_file_so_a_renamed_file_is_read_again(tmp_path, project):
    """A summary holds its file's name and slug: the same bytes under another name are another
    organisation's file, read anew, never a cached summary found to be of the wrong file."""
    orgs = write_orgs(tmp_path / "orgs", orgs_files(3))
    out = tmp_path / "out"
    run(project, orgs, out)
    (orgs / "o1.yaml").rename(orgs / "o9.yaml")
    summary = run(project, orgs, out)
    assert summary.notes == []  # no cached summary was taken for it and then distrusted
    assert summary.parsed == ["o9"]
    run(project, orgs, tmp_path / "clean")
    assert tree(out) == tree(tmp_path / "clean") and any("o9" in f for f in tree(out))


def each_summary(c, change):
    return {**c, "summaries": {k: change(v) for k, v in c["summaries"].items()}}


def each_page(c, change):
    g = c["guidance"]
    return {
        **c,
        "guidance": {**g, "pages": {k: change(p) for k, p in g["pages"].items()}, "steps": {k: change(p) for k, p in g["steps"].items()}},
    }


def each_round(c, change):
    return each_summary(c, lambda v: v[:6] + [[change(r) for r in v[6]]])


@pytest.mark.parametrize(
    "tamper",
    [
        lambda c: b"\x80\x04 not JSON, perhaps a pickle",
        lambda c: json.dumps({**c, "summaries": {k: "x" for k in c["summaries"]}}).encode(),  # right keys, wrong shapes
        lambda c: json.dumps({**c, "summaries": {k: [v[0], v[1], v[2], "yes", *v[4:]] for k, v in c["summaries"].items()}}).encode(),
        lambda c: json.dumps({**c, "frame": {**c["frame"], "head": 7}}).encode(),
        lambda c: json.dumps({**c, "guidance": {"steps": [], "pages": {}, "method_notes": None}}).encode(),
        lambda c: json.dumps([c]).encode(),
        lambda c: json.dumps(each_summary(c, lambda v: v[:4] + ["elsewhere.yaml"] + v[5:])).encode(),  # another file's path
        lambda c: json.dumps(each_summary(c, lambda v: [v[0] + "x"] + v[1:])).encode(),  # another slug
        lambda c: json.dumps(each_summary(c, lambda v: v[:2] + ["stat"] + v[3:])).encode(),  # no such type
        lambda c: json.dumps(each_summary(c, lambda v: v[:5] + ["0199"] + v[6:])).encode(),  # no such code
        lambda c: json.dumps(each_round(c, lambda r: [r[0], r[1], {}, r[3], r[4], r[5]])).encode(),  # area scores gone
        lambda c: json.dumps(each_round(c, lambda r: r[:5] + [{}])).encode(),  # question means gone
        lambda c: json.dumps(each_round(c, lambda r: r[:4] + ["utopia"] + r[5:])).encode(),  # no such quadrant
        lambda c: json.dumps(each_round(c, lambda r: ["not a date"] + r[1:])).encode(),
        lambda c: json.dumps(each_round(c, lambda r: r[:3] + [{k: [1, -2] for k in r[3]}] + r[4:])).encode(),  # negative denominator
        lambda c: json.dumps(each_round(c, lambda r: r[:3] + [{k: [10**30, 1] for k in r[3]}] + r[4:])).encode(),  # beyond any score
        lambda c: json.dumps({**c, "frame": {**c["frame"], "affine": [1.0]}}).encode(),
        lambda c: json.dumps({**c, "frame": {**c["frame"], "width": "wide"}}).encode(),
        lambda c: json.dumps({**c, "frame": {**c["frame"], "head": c["frame"]["head"] + "</svg><script>alert(1)</script><svg>"}}).encode(),
        lambda c: json.dumps(
            {**c, "guidance": {**c["guidance"], "pages": {"../../../pwned": p for p in c["guidance"]["pages"].values()}}}  # noqa: B035
        ).encode(),  # every page under one path that leaves the output: the tamper
        # Each value below has the right type and shape; only the source's own checks can refuse it.
        lambda c: json.dumps(each_page(c, lambda p: {**p, "html": p["html"] + '<img src=x onerror="alert(1)">'})).encode(),
        lambda c: json.dumps(each_page(c, lambda p: {**p, "html": p["html"] + "<script>alert(1)</script>"})).encode(),
        lambda c: json.dumps(each_page(c, lambda p: {**p, "html": p["html"] + '<a href="javascript:alert(1)">x</a>'})).encode(),
        lambda c: json.dumps(each_page(c, lambda p: {**p, "title": "<b>Begrepp</b>"})).encode(),
        lambda c: json.dumps(each_page(c, lambda p: {**p, "toc": [[a, "<img src=x>"] for a, _ in p["toc"]] or [["a", "<b>"]]})).encode(),
        lambda c: json.dumps({**c, "frame": {**c["frame"], "width": True}}).encode(),  # a boolean is not a number
        lambda c: json.dumps(each_summary(c, lambda v: [v[0], '=HYPERLINK("http://evil","x")'] + v[2:])).encode(),
        lambda c: json.dumps(each_summary(c, lambda v: [v[0], "@SUM(A1)"] + v[2:])).encode(),
        lambda c: json.dumps(each_summary(c, lambda v: [v[0], "Kommun\u200b 1"] + v[2:])).encode(),
        lambda c: json.dumps(each_round(c, lambda r: r[:3] + [{k: [99, 10] for k in r[3]}] + r[4:])).encode(),  # ledning 9,9
        lambda c: json.dumps(each_round(c, lambda r: [r[0], 10**18] + r[2:])).encode(),  # a 19-digit respondent count
        lambda c: json.dumps(
            {**c, "frame": {**c["frame"], "head": c["frame"]["head"].replace("<svg ", '<svg onload="alert(1)" ', 1)}}
        ).encode(),
        lambda c: json.dumps(
            {**c, "frame": {**c["frame"], "head": c["frame"]["head"].replace("<svg ", "<svg onload=alert(1) ", 1)}}
        ).encode(),
        lambda c: json.dumps(
            {**c, "frame": {**c["frame"], "head": c["frame"]["head"].replace("<g ", '<image href="https://evil/x.png"/><g ', 1)}}
        ).encode(),
    ],
    ids=[
        "not-json",
        "summary-shape",
        "summary-type",
        "frame-type",
        "guidance-shape",
        "top-level",
        "path",
        "slug",
        "type",
        "code",
        "areas",
        "questions",
        "quadrant",
        "date",
        "denominator",
        "huge",
        "affine",
        "width",
        "frame-markup",
        "guidance-path",
        "guidance-event",
        "guidance-script",
        "guidance-javascript",
        "guidance-title",
        "guidance-toc",
        "frame-boolean",
        "name-formula",
        "name-at",
        "name-invisible",
        "axis-9,9",
        "respondents",
        "frame-onload",
        "frame-onload-unquoted",
        "frame-external",
    ],
)
def test_a_tampered_cache_is_ignored_with_a_note_and_never_changes_the_output(tmp_path, project, tamper):
    orgs = write_orgs(tmp_path / "orgs", orgs_files(3))
    out = tmp_path / "out"
    run(project, orgs, out)
    run(project, orgs, tmp_path / "clean")
    path = cache_of(project, out).path
    path.write_bytes(tamper(json.loads(path.read_bytes())))
    (orgs / "o2.yaml").write_text((orgs / "o2.yaml").read_text() + "\n")
    summary = run(project, orgs, out)
    assert len(summary.notes) == 1 and str(path) in summary.notes[0] and "ignored" in summary.notes[0]
    run(project, orgs, tmp_path / "clean")
    assert tree(out) == tree(tmp_path / "clean")
    assert len(json.loads(path.read_bytes())["summaries"]) == 4  # written anew, whole
    assert run(project, orgs, out).notes == []


def test_the_caches_entries_declare_exactly_the_fields_of_the_values_they_stand_for():
    from dataclasses import fields

    from ambitionsgraf.charts import Frame
    from ambitionsgraf.content import Page
    from ambitionsgraf.pipeline.cache import FORMAT, CacheFile, FrameData, PageData

    assert CacheFile.model_fields["format"].annotation.__args__ == (FORMAT,)
    assert set(FrameData.model_fields) == {f.name for f in fields(Frame)}
    assert set(PageData.model_fields) == {f.name for f in fields(Page)}


def test_a_cached_summary_that_would_publish_an_unpublished_organisation_is_refused(tmp_path, project):
    orgs = write_orgs(tmp_path / "orgs", orgs_files(3))
    out = tmp_path / "out"
    run(project, orgs, out)
    before = tree(out)
    path = cache_of(project, out).path
    content = json.loads(path.read_bytes())
    content["summaries"] = {k: v[:3] + [True] + v[4:] for k, v in content["summaries"].items()}  # hemlig: publicerad
    path.write_bytes(json.dumps(content).encode())
    (orgs / "o2.yaml").write_text((orgs / "o2.yaml").read_text() + "\n")
    with pytest.raises(RuntimeError, match="(?s)refusing to publish hemlig.*was removed"):
        run(project, orgs, out)
    assert tree(out) == before and not any("hemlig" in f for f in tree(out) if f.startswith("site/"))
    run(project, orgs, out)  # the cache went with the failure: the next build is right
    assert not any("hemlig" in f or "Hemliga" in (out / f).read_text(errors="replace") for f in tree(out) if f.startswith("site/"))


def many_orgs(n: int = 70) -> dict[str, str]:
    """Enough organisations for a build without PDFs to use worker processes (64 or more)."""
    files = {}
    for i in range(n):
        resp = [("inkopschef", uniform(1 + i % 4)), ("verksamhet", uniform(1 + (i // 4) % 4, v1_matt=1 + (i * 7) % 4))]
        rounds = [("2023-03-01", resp[:1]), ("2025-03-01", resp)] if i % 3 else [("2025-04-01", resp)]
        files[f"k{i:03d}.yaml"] = answer_file(rounds, namn=f"Kommun {i}", typ="region" if i % 5 == 0 else "kommun", publicerad=i % 4 != 0)
    return files


def test_worker_processes_give_the_same_output_and_problems_as_one_process(tmp_path, project):
    orgs = write_orgs(tmp_path / "orgs", {**many_orgs(), "trasig.yaml": "namn: [\n", "a-fel.yaml": "namn: X\n"})
    serial = run(project, orgs, tmp_path / "serial", jobs=1, keep_going=True)
    assert serial.processes == 1
    workers = run(project, orgs, tmp_path / "workers", jobs=2, keep_going=True)
    assert workers.processes == 2
    assert tree(tmp_path / "serial") == tree(tmp_path / "workers")
    assert serial.problems == workers.problems and len(serial.problems) >= 2
    assert serial.invalid == workers.invalid == [str(orgs / "a-fel.yaml"), str(orgs / "trasig.yaml")]
    assert (serial.organisations, serial.pages) == (workers.organisations, workers.pages)
    assert serial.organisations == 70
    # One answer corrected: the workers read only that file again and render what it affects.
    (orgs / "k005.yaml").write_text((orgs / "k005.yaml").read_text().replace("v1_matt: 2", "v1_matt: 3", 1))
    again = run(project, orgs, tmp_path / "workers", jobs=2, keep_going=True)
    assert again.parsed == ["k005"]
    assert 1 <= again.rendered < 70
    run(project, orgs, tmp_path / "clean", jobs=1, keep_going=True)
    assert tree(tmp_path / "workers") == tree(tmp_path / "clean")


@pytest.mark.parametrize("template", ["org.html", "index.html"])  # an organisation's part; the shared pages
def test_a_failing_worker_stops_the_build_and_leaves_the_output_alone(tmp_path, project, template):
    orgs = write_orgs(tmp_path / "orgs", many_orgs())
    out = tmp_path / "out"
    run(project, orgs, out, jobs=2)
    before = tree(out)
    (orgs / "k001.yaml").write_text((orgs / "k001.yaml").read_text().replace("Kommun 1", "Kommun Ett"))
    page = project / "templates" / template
    page.write_text(page.read_text().replace("{% block main %}", "{% block main %}{{ trasig_mall }}"))  # fails when rendered, in a worker
    with pytest.raises(RuntimeError, match="(?s)trasig_mall.*the build cache .* was removed"):
        run(project, orgs, out, jobs=2)
    assert tree(out) == before
    assert not cache_of(project, out).path.exists()  # whatever it held cannot be to blame next time
    assert sorted(p.name for p in tmp_path.iterdir()) == ["orgs", "out", "project"]


def test_a_rebuild_takes_chart_frame_and_guidance_from_the_cache_without_importing_matplotlib_or_markdown(tmp_path, project):
    orgs = write_orgs(tmp_path / "orgs", orgs_files())
    out = tmp_path / "out"
    run(project, orgs, out)
    (orgs / "o1.yaml").write_text((orgs / "o1.yaml").read_text().replace("Kommun 1", "Kommun Ett"))
    code = (
        "import sys; from pathlib import Path; from ambitionsgraf.pipeline import BuildOptions, build; "
        f"build(BuildOptions(project_dir=Path({str(project)!r}), orgs_dir=Path({str(orgs)!r}), out_dir=Path({str(out)!r}), make_pdf=False, site_url={TEST_SITE_URL!r})); "
        "print(sorted({'matplotlib', 'markdown', 'numpy'} & set(sys.modules)))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert result.stdout.strip() == "[]"
    run(project, orgs, tmp_path / "clean")
    assert tree(out) == tree(tmp_path / "clean")  # the cached frame and pages give the same output


def test_pdfs_are_spread_over_the_workers_the_longest_first_to_whoever_finishes_it_soonest():
    def tasks(*pairs):
        return [Task(s, p) for s, p in pairs]

    owner = {"a": 0, "b": 1, "c": 1}
    # One corrected organisation: its owner (worker 0) has loaded WeasyPrint and renders the longer
    # delivery PDF; the public PDF goes to the other worker, which loads WeasyPrint first; the light
    # parts stay home.
    one = tasks(("a", "site"), ("a", "site-pdf"), ("a", "leverans"), ("a", "leverans-pdf"))
    assert assign(one, owner, 2, frozenset({0})) == [
        tasks(("a", "leverans-pdf"), ("a", "leverans"), ("a", "site")),
        tasks(("a", "site-pdf")),
    ]
    # ... and the year's national follow-up too, the longest of all: it goes to the worker that
    # has WeasyPrint loaded, and the organisation's two PDFs to the other, whichever worker owns it.
    national = one + tasks(("2025", "national"), ("2025", "national-pdf"))
    for warm in (0, 1):
        shares = assign(national, owner, 2, frozenset({warm}))
        assert shares[warm][0] == Task("2025", "national-pdf") and [t for t in shares[warm] if t.heavy()] == [Task("2025", "national-pdf")]
        assert sorted(t for t in shares[1 - warm] if t.heavy()) == tasks(("a", "leverans-pdf"), ("a", "site-pdf"))
    # Without PDFs every part stays with its owner.
    assert assign(tasks(("a", "site"), ("a", "leverans")), owner, 2) == [tasks(("a", "leverans"), ("a", "site")), []]
    # Among equals (no worker warm, two PDFs of the same kind), each goes to its owner.
    assert assign(tasks(("a", "leverans-pdf"), ("b", "leverans-pdf")), {"a": 1, "b": 0}, 2) == [
        tasks(("b", "leverans-pdf")),
        tasks(("a", "leverans-pdf")),
    ]
    # Many: PDFs balanced by their time, whoever owns them.
    many = tasks(*[(s, p) for s in "abc" for p in ("site", "site-pdf", "leverans", "leverans-pdf")])
    shares = assign(many, owner, 2)
    heavy = [sum(t.heavy() for t in share) for share in shares]
    assert sorted(heavy) == [3, 3] and sorted(t for share in shares for t in share) == sorted(many)
    assert [t for t in shares[0] if not t.heavy()] == tasks(("a", "leverans"), ("a", "site"))
