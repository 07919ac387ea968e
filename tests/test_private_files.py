"""Private files are private: the delivery packages (`leverans/`) are 0700 folders and 0600 files
wherever a build puts them (staging, output, serve), the public site keeps ordinary modes, and an
output folder never lies among the answer files or holds them."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from ambitionsgraf.pipeline import output
from ambitionsgraf.writer import FolderWriter

from .conftest import ROOT, write_orgs
from .helpers import answer_file, uniform


def _orgs(folder: Path) -> Path:
    return write_orgs(
        folder,
        {
            "alfa.yaml": answer_file([("2024-03-01", [("inkopschef", uniform(3))])], namn="Alfa kommun"),
            "hemlig.yaml": answer_file([("2024-03-01", [("inkopschef", uniform(2))])], namn="Hemliga kommun", publicerad=False),
        },
    )


def _build(orgs: Path, out: Path, *extra: str, umask: int = 0o022):
    return subprocess.run(
        [sys.executable, str(ROOT / "build.py"), "--orgs", str(orgs), "--out", str(out), "--no-pdf", *extra],
        capture_output=True,
        text=True,
        cwd=ROOT,
        preexec_fn=lambda: os.umask(umask),
        timeout=300,
    )


def modes(top: Path) -> dict[str, int]:
    found = {".": stat.S_IMODE(top.stat().st_mode)}
    for p in top.rglob("*"):
        found[str(p.relative_to(top))] = stat.S_IMODE(p.lstat().st_mode)
    return found


def assert_private(leverans: Path) -> None:
    found = modes(leverans)
    assert len(found) > 1
    for rel, mode in found.items():
        assert mode == (0o700 if (leverans / rel).is_dir() else 0o600), (rel, oct(mode))


@pytest.mark.parametrize("umask", [0o022, 0o000])
def test_delivery_packages_are_private_and_the_site_ordinary_whatever_the_umask(tmp_path, umask):
    orgs, out = _orgs(tmp_path / "orgs"), tmp_path / "out"
    result = _build(orgs, out, umask=umask)
    assert result.returncode == 0, result.stderr
    assert_private(out / "leverans")
    assert {(out / "leverans" / f).is_file() for f in ("hemlig.json", "hemlig-handlingsplan.csv")} == {True}
    site = modes(out / "site")
    ordinary = 0o777 & ~umask
    assert all(mode == (ordinary if (out / "site" / rel).is_dir() else ordinary & 0o666) for rel, mode in site.items()), {
        rel: oct(m) for rel, m in site.items() if m not in (ordinary, ordinary & 0o666)
    }


def test_delivery_files_an_earlier_version_left_readable_are_made_private(tmp_path):
    orgs, out = _orgs(tmp_path / "orgs"), tmp_path / "out"
    assert _build(orgs, out).returncode == 0
    os.chmod(out / "leverans", 0o755)  # as earlier versions wrote them
    for p in (out / "leverans").iterdir():
        os.chmod(p, 0o644)
    again = _build(orgs, out)  # nothing changed: the output is kept, and made private
    assert again.returncode == 0 and "nothing changed" in again.stdout
    assert_private(out / "leverans")
    for p in (out / "leverans").iterdir():
        os.chmod(p, 0o644)
    (orgs / "alfa.yaml").write_text(answer_file([("2024-03-01", [("inkopschef", uniform(4))])], namn="Alfa kommun"))
    changed = _build(orgs, out)  # hemlig's files are carried over (hard links to the 0644 ones)
    assert changed.returncode == 0 and "1 unchanged" in changed.stdout, changed.stdout
    assert_private(out / "leverans")


def test_the_staging_folder_holds_the_delivery_packages_privately_from_the_first_byte(tmp_path):
    out = tmp_path / "out"
    old = os.umask(0)
    try:
        staging = output.Staging(out)
        try:
            writer = FolderWriter(staging.dir)
            writer.put("leverans/hemlig.json", "{}")
            writer.put("site/index.html", "<p>")
            assert stat.S_IMODE((staging.dir / "leverans").stat().st_mode) == 0o700
            assert stat.S_IMODE((staging.dir / "leverans" / "hemlig.json").stat().st_mode) == 0o600
            assert stat.S_IMODE((staging.dir / "site" / "index.html").stat().st_mode) == 0o666  # the umask's to say
            assert stat.S_IMODE(staging.dir.stat().st_mode) == 0o777
        finally:
            staging.abort()
    finally:
        os.umask(old)


def test_serve_keeps_its_delivery_packages_private_too(tmp_path):
    """`serve` builds into a folder of its own with the same pipeline: what it holds of leverans/ is private."""
    from ambitionsgraf.pipeline import BuildOptions, build

    serve_out = tmp_path / ".cache" / "serve"
    build(
        BuildOptions(
            project_dir=ROOT, orgs_dir=_orgs(tmp_path / "orgs"), out_dir=serve_out, make_pdf=False, cache_dir=tmp_path / ".cache" / "build"
        )
    )
    assert_private(serve_out / "leverans")


def test_the_example_reports_with_pdfs_are_private(example_build):
    assert_private(example_build / "leverans")
    assert any(p.suffix == ".pdf" for p in (example_build / "leverans").iterdir())
    assert stat.S_IMODE((example_build / "site" / "index.html").stat().st_mode) & 0o044 == 0o044  # readable by all


@pytest.mark.parametrize("layout", ["out inside orgs", "orgs inside out", "out is orgs"])
def test_an_output_among_the_answer_files_or_holding_them_is_refused(tmp_path, layout):
    if layout == "out inside orgs":
        orgs = _orgs(tmp_path / "orgs")
        out, said = orgs / "x", "is inside the answer files' folder"
    elif layout == "orgs inside out":
        out = tmp_path / "out"
        orgs, said = _orgs(out / "orgs"), "would replace the answer files"
    else:
        orgs = _orgs(tmp_path / "orgs")
        out, said = orgs, "would replace the answer files"
    before = sorted(p.name for p in orgs.iterdir())
    result = _build(orgs, out)
    assert result.returncode == 1 and result.stderr.startswith(f"{out}:1: --out: {said}"), result.stderr
    assert sorted(p.name for p in orgs.iterdir()) == before and not (orgs / "x").exists()
