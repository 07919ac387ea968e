"""Delivered is delivered: `build.py leverera`, the archive and its register, versions after a
correction, privacy across deliveries of one year, and `build.py verifiera`.

One year is delivered, then answers are corrected and organisations added, in two worlds that
differ only in the unpublished organisations' answers: every package but the corrected and late
organisations' own, and the whole public site, must be byte for byte the same in both, and the
same as delivered.
"""

from __future__ import annotations

import json
import shutil
import stat
import subprocess

import orjson
import pikepdf
import pytest

from ambitionsgraf.archive import Archive
from ambitionsgraf.delivery import deliver

from .conftest import ROOT, TEST_CACHE, TEST_SITE_URL, run_cli, tree, write_orgs
from .helpers import answer_file, uniform

YEAR = "2024"
VALUES = [1, 2, 3, 4, 2, 3]


def _file(i: int, value: int, *, published: bool, date: str = "2024-03-01") -> str:
    name = f"{'Öppen' if published else 'Sluten'} {i} kommun"
    return answer_file(
        [(date, [("inkopschef", uniform(value)), ("verksamhet", uniform(max(1, value - 1)))])], namn=name, publicerad=published
    )


def first_round() -> dict[str, str]:
    files = {f"p{i}.yaml": _file(i, VALUES[i], published=True) for i in range(6)}
    files |= {f"u{i}.yaml": _file(10 + i, VALUES[i], published=False) for i in range(5)}
    return files


def _opts(base, out=None):
    from ambitionsgraf.pipeline import BuildOptions

    return BuildOptions(
        project_dir=ROOT,
        orgs_dir=base / "orgs",
        out_dir=out or base / "out",
        make_pdf=True,
        cache_dir=TEST_CACHE,
        site_url=TEST_SITE_URL,
        archive_dir=base / "arkiv",
    )


def _later(base, name: str, secret: int):
    """After the first delivery: p0 and u0 corrected, a published p9 and an unpublished u9 measured
    later the same year; `secret` is every unpublished organisation's new answer."""
    world = base / name
    shutil.copytree(base / "orgs", world / "orgs")
    shutil.copytree(base / "out", world / "out")
    changed = {
        "p0.yaml": _file(0, 4, published=True),
        "u0.yaml": _file(10, secret, published=False),
        "p9.yaml": _file(9, 2, published=True, date="2024-10-01"),
        "u9.yaml": _file(19, secret, published=False, date="2024-10-01"),
    }
    write_orgs(world / "orgs", changed)
    from ambitionsgraf.pipeline import build

    opts = _opts(base, world / "out")
    opts = type(opts)(**{**opts.__dict__, "orgs_dir": world / "orgs"})
    summary = build(opts)
    again = build(opts)  # nothing changed: nothing rendered (the corrected packages are not rendered twice)
    assert again.unchanged or again.rendered == 0, again.plan.explain() if again.plan else again
    return world, opts, summary


@pytest.fixture(scope="module")
def delivered(tmp_path_factory):
    base = tmp_path_factory.mktemp("delivery")
    write_orgs(base / "orgs", first_round())
    first = deliver(_opts(base), YEAR, None, "UM 2024/0001", "2024-06-01")
    as_delivered = tree(base / "out" / "leverans")
    one, opts_one, built = _later(base, "one", 3)
    four, _, _ = _later(base, "four", 4)
    return {"base": base, "first": first, "as_delivered": as_delivered, "one": one, "four": four, "opts": opts_one, "built": built}


OTHERS = [f"p{i}" for i in range(1, 6)] + [f"u{i}" for i in range(1, 5)]


def _package(folder, slug) -> dict[str, bytes]:
    return {
        n: (folder / n).read_bytes() for n in (f"{slug}.pdf", f"{slug}.json", f"{slug}-handlingsplan.csv", f"{slug}-handlingsplan.xlsx")
    }


def test_first_delivery_archives_every_package_of_the_year_with_a_register(delivered):
    base, first = delivered["base"], delivered["first"]
    assert first.basis_fixed and sorted(d.slug for d in first.delivered) == sorted(
        [f"p{i}" for i in range(6)] + [f"u{i}" for i in range(5)]
    )
    archive = base / "arkiv"
    register = json.loads((archive / "register.json").read_text())["leveranser"]
    rows = (archive / "register.csv").read_text(encoding="utf-8-sig").splitlines()
    assert rows[0].split(";")[:9] == [
        "organisation",
        "slug",
        "matningsar",
        "matning",
        "version",
        "levererad",
        "diarienummer",
        "fil",
        "sha256",
    ]
    assert len(rows) == 1 + 4 * 11
    for entry in register:
        assert entry["version"] == 1 and entry["levererad"] == "2024-06-01" and entry["diarienummer"] == "UM 2024/0001"
        folder = archive / entry["mapp"]
        for f in entry["filer"]:
            data = (folder / f["fil"]).read_bytes()
            import hashlib

            assert hashlib.sha256(data).hexdigest() == f["sha256"]
            assert data == delivered["as_delivered"][f["fil"]]  # what the build wrote, unchanged
            assert f"{entry['organisation']};{entry['slug']};{YEAR};2024-03-01;1;2024-06-01;UM 2024/0001;{f['fil']};{f['sha256']};" in rows
            assert stat.S_IMODE((folder / f["fil"]).stat().st_mode) == 0o600
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(archive.stat().st_mode) == 0o700
    assert (archive / ".gitignore").read_text().splitlines()[-1] == "*"
    ignored = subprocess.run(["git", "check-ignore", "-q", "arkiv/leveranser/register.csv"], cwd=ROOT)
    assert ignored.returncode == 0, "the project's archive must be ignored by git"


def test_a_later_build_changes_no_delivered_package_but_the_corrected_ones(delivered):
    for world in ("one", "four"):
        out = delivered[world] / "out" / "leverans"
        for slug in OTHERS:
            assert _package(out, slug) == {n: delivered["as_delivered"][n] for n in _package(out, slug)}, (world, slug)


def test_after_delivery_a_correction_renders_only_its_own_organisations_files(delivered):
    """The year's other delivery PDFs are frozen at the delivered peer set: nothing of theirs is rendered."""
    rendered = {(d.slug, d.part) for d in delivered["built"].plan.render}
    assert {slug for slug, _ in rendered} <= {"p0", "u0", "p9", "u9", "2024"}, sorted(rendered)
    assert {slug for slug, part in rendered if part == "leverans-pdf"} == {"p0", "u0", "p9", "u9"}


def test_no_unpublished_value_can_be_derived_across_deliveries_of_a_year(delivered):
    """The worlds differ only in the unpublished u0's correction and the late unpublished u9's answers:
    everything but their own packages is the same, the public site included, byte for byte."""
    one, four = delivered["one"] / "out", delivered["four"] / "out"
    a, b = tree(one), tree(four)
    own = {f"leverans/{n}" for slug in ("u0", "u9") for n in _package(one / "leverans", slug)}
    assert set(a) == set(b)
    differing = {k for k in a if a[k] != b[k]} - {".manifest.json"}
    assert differing <= own and differing, sorted(differing)[:5]
    # The late organisations are compared with the year as delivered: every delivered organisation
    # (one more than a delivered one sees: itself), and no other late one.
    late = json.loads((one / "leverans" / "p9.json").read_text())["jamforelse"]
    first = json.loads(delivered["as_delivered"]["p1.json"])["jamforelse"]
    assert [(g["grupp"], g["antal"] - 1, g["ej_publicerade"]) for g in late] == [
        (g["grupp"], g["antal"], g["ej_publicerade"]) for g in first
    ]
    assert [g["antal"] for g in late] == [11, 6]


def test_a_correction_renders_a_rattelse_page_and_the_site_says_when(delivered):
    out = delivered["one"] / "out"
    text = subprocess.run(
        ["pdftotext", "-layout", str(out / "leverans" / "p0.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Rättelse" in text and "version 2 av rapporten" in text and "ersätter version 1, som lämnades 1 juni 2024" in text
    before = json.loads(delivered["as_delivered"]["p0.json"])["matningar"][-1]
    from ambitionsgraf.text import num

    assert num(before["axlar"]["ledning"]) in text  # the value as delivered, beside the corrected one
    for slug in ("p1", "u1", "p9"):
        other = subprocess.run(["pdftotext", str(out / "leverans" / f"{slug}.pdf"), "-"], capture_output=True, text=True, check=True).stdout
        assert "Rättelse" not in other
    # Before the corrected version is delivered the site has no date to give.
    assert "Rättad" not in (out / "site" / "organisationer" / "p0" / "index.html").read_text()


def test_delivering_again_adds_versions_and_the_site_says_corrected(delivered):
    base = delivered["base"]
    opts = delivered["opts"]
    again = deliver(opts, YEAR, None, "UM 2024/0002", "2024-11-01")
    assert sorted((d.slug, d.version) for d in again.delivered) == [("p0", 2), ("p9", 1), ("u0", 2), ("u9", 1)]
    assert sorted(d.slug for d in again.unchanged) == sorted(OTHERS)
    archive = Archive(base / "arkiv")
    assert [d.version for d in archive.versions(YEAR, "p0")] == [1, 2]
    out = opts.out_dir
    assert _package(out / "leverans", "p0") == _package(base / "arkiv" / YEAR / "p0" / "v2", "p0")
    assert (base / "arkiv" / YEAR / "p0" / "v1" / "p0.pdf").read_bytes() == delivered["as_delivered"]["p0.pdf"]
    page = (out / "site" / "organisationer" / "p0" / "index.html").read_text()
    assert "Rättad 1 november 2024" in page
    rows = (base / "arkiv" / "register.csv").read_text(encoding="utf-8-sig").splitlines()
    assert sum(";p0;" in r and r.endswith(";2") for r in rows) == 4  # version 1's files name their replacement
    # verifiera: the first PDF was delivered and replaced; the current one is current; a build's own file is not delivered
    old = run_cli("verifiera", str(base / "arkiv" / YEAR / "p0" / "v1" / "p0.pdf"), "--arkiv", str(base / "arkiv"))
    assert old.returncode == 0 and "version 1" in old.stdout and "replaced by version 2, delivered 2024-11-01" in old.stdout
    assert "Öppen 0 kommun (p0)" in old.stdout and "UM 2024/0001" in old.stdout
    new = run_cli("verifiera", str(out / "leverans" / "p0.pdf"), "--arkiv", str(base / "arkiv"))
    assert new.returncode == 0 and "version 2" in new.stdout and "the current version" in new.stdout
    stranger = base / "forwarded.pdf"
    stranger.write_bytes((out / "leverans" / "p0.pdf").read_bytes() + b"\n")
    other = run_cli("verifiera", str(stranger), "--arkiv", str(base / "arkiv"))
    assert other.returncode == 1 and "not a file the agency delivered" in other.stdout


def test_delivered_pdfs_are_archival(delivered):
    pdf_path = delivered["base"] / "arkiv" / YEAR / "p0" / "v1" / "p0.pdf"
    with pikepdf.open(pdf_path) as pdf:
        meta = pdf.open_metadata()
        assert (meta.get("pdfaid:part"), meta.get("pdfaid:conformance"), meta.get("pdfuaid:part")) == ("2", "A", "1")


def test_deliver_refuses_an_unknown_slug_and_a_year_without_rounds(delivered, tmp_path):
    from ambitionsgraf.problems import ContentError

    with pytest.raises(ContentError) as exc:
        deliver(delivered["opts"], YEAR, ["nobody"], "", "2024-12-01")
    assert exc.value.problems[0].field == "--only" and "nobody.yaml" in exc.value.problems[0].path
    register = (delivered["base"] / "arkiv" / "register.json").read_bytes()
    with pytest.raises(ContentError):
        deliver(delivered["opts"], "2019", None, "", "2024-12-01")
    assert (delivered["base"] / "arkiv" / "register.json").read_bytes() == register
    assert not (delivered["base"] / "arkiv" / "2019").exists()
    assert orjson.loads(register)["leveranser"]


def test_a_package_rendered_anew_with_its_data_unchanged_is_handed_out_as_delivered(delivered, tmp_path):
    """Another site address renders every document anew (its links change); a delivered package whose
    data did not change stays the delivered bytes, and the build says so."""
    from ambitionsgraf.pipeline import build

    out = tmp_path / "out"
    shutil.copytree(delivered["base"] / "out", out)
    opts = _opts(delivered["base"], out)
    other = type(opts)(**{**opts.__dict__, "site_url": "https://www.upphandlingsmyndigheten.se/ambitionsgraf/"})
    summary = build(other)
    assert {d.slug for d in summary.plan.render if d.part == "leverans-pdf"} >= {"p1", "u1"}  # rendered anew…
    for slug in OTHERS:  # (p0 and u0 have a version 2 by now, which these answers would correct back)
        assert _package(out / "leverans", slug) == {n: delivered["as_delivered"][n] for n in _package(out / "leverans", slug)}, slug
    assert any("kept as delivered" in n for n in summary.notes)
    assert "www.upphandlingsmyndigheten.se/ambitionsgraf/" in (out / "site" / "sitemap.xml").read_text()  # …the site is not frozen


@pytest.mark.parametrize(
    "archive,problem",
    [
        (
            "out/site/arkiv",
            "is inside the build's output folder {out}: the next build replaces that folder whole, and its site/ is published",
        ),
        ("out", "is inside the build's output folder {out}: the next build replaces that folder whole, and its site/ is published"),
        ("orgs/arkiv", "is inside the answer files' folder {orgs}: the delivered packages hold unpublished organisations' results"),
        (".", "holds the build's output folder {out}"),
    ],
)
def test_an_archive_inside_the_output_or_the_answer_files_is_refused_before_anything_is_built(tmp_path, archive, problem):
    # An archive in out/site/ put an unpublished organisation's package on the public site, and the
    # next build, which replaces out/ whole, deleted every delivered package and the register.
    from dataclasses import replace

    from ambitionsgraf.problems import ContentError

    write_orgs(tmp_path / "orgs", first_round())
    opts = replace(_opts(tmp_path), archive_dir=tmp_path / archive)
    with pytest.raises(ContentError) as exc:
        deliver(opts, YEAR, None, "", "2024-12-01")
    (p,) = exc.value.problems
    expected = problem.format(out=(tmp_path / "out").resolve(), orgs=(tmp_path / "orgs").resolve())
    assert (p.path, p.field, p.message) == (str(tmp_path / archive), "--arkiv", f"{expected}; choose a folder of its own")
    assert sorted(x.name for x in tmp_path.iterdir()) == ["orgs"]  # nothing built, nothing archived
    assert sorted(x.name for x in (tmp_path / "orgs").iterdir()) == sorted(first_round())


def test_verifiera_refuses_a_pipe_a_device_and_a_folder_unopened(tmp_path):
    # It read each with read_bytes(): a named pipe hung, /dev/zero filled the memory (MemoryError).
    import os

    fifo = tmp_path / "forwarded.pdf"
    os.mkfifo(fifo)
    result = run_cli("verifiera", str(fifo), "/dev/zero", str(tmp_path), "--arkiv", str(tmp_path / "arkiv"), timeout=60)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"{fifo}: is not a regular file but a named pipe (FIFO)",
        "/dev/zero: is not a regular file but a character device",
        f"{tmp_path}: is a folder, not a delivered file",
    ]
