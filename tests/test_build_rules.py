"""Rules a user relies on, tried as a user would: real builds, real processes, real faults."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from ambitionsgraf.pipeline import output

from .conftest import ROOT, run_cli, tree, write_orgs
from .helpers import answer_file, uniform


def two_orgs(folder: Path) -> Path:
    return write_orgs(
        folder,
        {
            "alfa.yaml": answer_file([("2024-03-01", [("inkopschef", uniform(3)), ("verksamhet", uniform(2))])], namn="Alfa kommun"),
            "beta.yaml": answer_file([("2024-03-01", [("inkopschef", uniform(2))])], namn="Beta kommun"),
        },
    )


def cli_build(orgs: Path, out: Path, *extra: str):
    return run_cli("--orgs", str(orgs), "--out", str(out), *extra)


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.links.append(value)


def broken_links(site: Path) -> list[str]:
    """Every relative or root-relative link of every page that leads to no file (a root-relative
    one as served from the domain's root, as 404.html's are in a build without an address)."""
    broken = []
    for page in site.rglob("*.html"):
        parser = _Links()
        parser.feed(page.read_text(encoding="utf-8"))
        for link in parser.links:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or link.startswith(("#", "mailto:", "data:")) or not parts.path:
                continue
            target = (site / parts.path.lstrip("/") if parts.path.startswith("/") else page.parent / parts.path).resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                broken.append(f"{page.relative_to(site)} → {link}")
    return broken


# -- PDFs and builds without them ------------------------------------------------------------


def test_a_build_without_pdfs_keeps_the_pdfs_still_current_and_says_what_it_removed(tmp_path):
    orgs = two_orgs(tmp_path / "orgs")
    out = tmp_path / "output"
    assert cli_build(orgs, out).returncode == 0
    before = tree(out)
    (orgs / "beta.yaml").write_text((orgs / "beta.yaml").read_text().replace("Beta kommun", "Beta stad"))
    result = cli_build(orgs, out, "--no-pdf")
    assert result.returncode == 0, result.stderr
    # kept: alfa's two PDFs and workbook, and the national follow-up (a name is not among its figures)
    assert "kept 4 documents still current, removed 3 out of date (PDF reports and action-plan workbooks)" in result.stdout
    after = tree(out)
    for name in (
        "leverans/alfa.pdf",
        "site/organisationer/alfa/alfa.pdf",
        "leverans/alfa-handlingsplan.xlsx",
        "site/oversikt/2024/rapport.pdf",
    ):
        assert after[name] == before[name]  # the analyst's documents of unchanged organisations stay
    for name in ("leverans/beta.pdf", "site/organisationer/beta/beta.pdf", "leverans/beta-handlingsplan.xlsx"):
        assert name not in after  # out of date: gone
    assert "leverans/beta-handlingsplan.csv" in after and "leverans/beta.json" in after  # written by every build
    assert "alfa.pdf" in after["site/organisationer/alfa/index.html"].decode()
    assert "beta.pdf" not in after["site/organisationer/beta/index.html"].decode()
    assert broken_links(out / "site") == []


# -- --only ------------------------------------------------------------------------------------


def test_only_into_an_empty_folder_is_honest_and_leaves_no_broken_links(tmp_path):
    orgs = two_orgs(tmp_path / "orgs")
    out = tmp_path / "output"
    result = cli_build(orgs, out, "--no-pdf", "--only", "alfa")
    assert result.returncode == 0, result.stderr
    assert "1 rendered, 0 unchanged" in result.stdout
    assert "1 other organisation has no files in this output and is not listed on its pages (beta)" in result.stdout
    assert broken_links(out / "site") == []
    assert "beta" not in (out / "site" / "index.html").read_text() and "Beta" not in (out / "site" / "index.html").read_text()
    full = cli_build(orgs, out, "--no-pdf")  # the next full build adds what is missing: never "nothing changed"
    assert "2 organisations (2 published)" in full.stdout and "beta" in (out / "site" / "index.html").read_text()


def test_only_after_a_build_without_pdfs_reports_nothing_missing(tmp_path):
    orgs = two_orgs(tmp_path / "orgs")
    out = tmp_path / "output"
    assert cli_build(orgs, out, "--no-pdf").returncode == 0
    (orgs / "alfa.yaml").write_text((orgs / "alfa.yaml").read_text().replace("Alfa kommun", "Alfa stad"))
    result = cli_build(orgs, out, "--no-pdf", "--only", "alfa")
    assert result.returncode == 0, result.stderr
    assert "2 organisations (2 published): 1 rendered, 1 unchanged" in result.stdout
    assert "no files" not in result.stdout and "out of date" not in result.stdout
    assert broken_links(out / "site") == [] and "Beta kommun" in (out / "site" / "index.html").read_text()


# -- --out that is not ours ----------------------------------------------------------------------


def _untouched(path: Path) -> tuple:
    st = os.lstat(path)
    content = tree(path) if path.is_dir() and not path.is_symlink() else (os.readlink(path) if path.is_symlink() else path.read_bytes())
    return st.st_ino, st.st_mtime_ns, content


@pytest.mark.parametrize("kind", ["user-site-folder", "user-leverans-folder", "regular-file", "symlink-to-a-build", "foreign-manifest"])
def test_out_that_is_not_a_build_of_ours_is_refused_and_left_alone(tmp_path, kind):
    orgs = two_orgs(tmp_path / "orgs")
    out = tmp_path / "target"
    if kind == "user-site-folder":
        write_orgs(out / "site", {"min-sida.html": "<p>min egen sida</p>"})
    elif kind == "user-leverans-folder":
        write_orgs(out / "leverans", {"rapport.pdf": b"%PDF-1.4 someone else's"})
    elif kind == "regular-file":
        out.write_text("anteckningar")
    elif kind == "symlink-to-a-build":
        assert cli_build(orgs, tmp_path / "real", "--no-pdf").returncode == 0
        out.symlink_to(tmp_path / "real")
    else:
        write_orgs(out, {".manifest.json": '{"name": "some other tool", "files": []}', "index.html": "x"})
    before = _untouched(out)
    siblings = sorted(p.name for p in tmp_path.iterdir())
    result = cli_build(orgs, out, "--no-pdf")
    assert result.returncode == 1
    assert re.search(rf"{re.escape(str(out))}:1: --out: ", result.stderr), result.stderr
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr
    assert _untouched(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == siblings  # nothing renamed aside, no staging folder


def test_out_that_is_new_empty_or_a_previous_build_is_accepted(tmp_path):
    orgs = two_orgs(tmp_path / "orgs")
    empty = tmp_path / "empty"
    empty.mkdir()
    for out in (tmp_path / "new" / "deeper", empty, empty):
        assert cli_build(orgs, out, "--no-pdf").returncode == 0


# -- killed builds -----------------------------------------------------------------------------------


def _start_build(orgs: Path, out: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, str(ROOT / "build.py"), "--orgs", str(orgs), "--out", str(out), "--jobs", "2"],
        cwd=out.parent,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def _staging_folders(out: Path) -> list[Path]:
    return sorted(out.parent.glob(f".{out.name}.building-*"))


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_a_killed_build_leaves_the_output_whole_nothing_git_sees_and_the_next_build_cleans_up(tmp_path, sig):
    repo = tmp_path / "repo"  # the output inside a git work tree, as output/ is in the project
    orgs = two_orgs(repo / "orgs")
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    subprocess.run(["git", "-C", str(repo), "add", "orgs"], check=True)
    out = repo / "output"
    assert cli_build(orgs, out, "--no-pdf").returncode == 0
    (repo / ".gitignore").write_text("/output/\n")
    before = tree(out)
    (orgs / "alfa.yaml").write_text((orgs / "alfa.yaml").read_text().replace("Alfa kommun", "Alfa stad"))
    proc = _start_build(orgs, out)  # with PDFs: seconds of work to be killed in
    deadline = time.monotonic() + 60
    while not any((p / "leverans").is_dir() for p in _staging_folders(out)) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert _staging_folders(out), "the build never started writing"
    os.kill(proc.pid, sig)
    proc.wait(timeout=30)
    stderr = proc.stderr.read()
    if sig == signal.SIGTERM:  # a build told to stop cleans up after itself
        assert proc.returncode == 143 and "stopped (SIGTERM); the previous output is unchanged" in stderr, (proc.returncode, stderr)
        assert _staging_folders(out) == []
    assert tree(out) == before  # the previous output, whole
    untracked = subprocess.run(
        ["git", "-C", str(repo), "ls-files", "--others", "--exclude-standard"], capture_output=True, text=True, check=True
    )
    assert untracked.stdout.split() == [".gitignore"], untracked.stdout  # no staging folder, no unpublished report in sight
    result = cli_build(orgs, out, "--no-pdf")
    assert result.returncode == 0, result.stderr
    assert _staging_folders(out) == []
    assert sorted(p.name for p in repo.iterdir()) == [".git", ".gitignore", "orgs", "output"]


def test_a_running_build_keeps_its_staging_folder_from_another_build(tmp_path):
    out = tmp_path / "output"
    staging = output.Staging(out)
    try:
        assert output.leftovers(out) == []  # locked: its build is alive
    finally:
        staging.abort()
    dead = subprocess.run(
        [
            sys.executable,
            "-c",
            (  # a build that dies without a word
                "import os, sys; from pathlib import Path; from ambitionsgraf.pipeline.output import Staging\n"
                f"s = Staging(Path({str(out)!r})); print(s.dir); sys.stdout.flush(); os._exit(9)"
            ),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    ((left, who),) = output.leftovers(out)
    assert left == Path(dead.stdout.strip()) and who["role"] == "staging" and who["out"] == "output"
    assert who["pid"] != os.getpid()  # the dead build's own


def test_a_folder_of_someone_elses_that_looks_like_a_leftover_is_left_alone(tmp_path):
    out = tmp_path / "output"
    mine = write_orgs(tmp_path / ".output.building-mine", {"viktig.txt": "behåll", ".gitignore": "*\n"})
    theirs = write_orgs(tmp_path / ".output.building-ours", {".gitignore": "node_modules\n"})
    backup = write_orgs(tmp_path / ".output.old-backup" / "site", {"index.html": "min kopia"})
    assert output.leftovers(out) == []
    assert (mine / "viktig.txt").read_text() == "behåll" and (theirs / ".gitignore").is_file()
    assert (backup / "index.html").read_text() == "min kopia"


def test_an_output_lost_between_two_renames_is_restored_by_the_next_build(tmp_path):
    """Where the file system cannot exchange folders, a crash between the two renames leaves the
    output under a staging name; the next build puts it back instead of deleting it."""
    orgs = two_orgs(tmp_path / "orgs")
    out = tmp_path / "output"
    assert cli_build(orgs, out, "--no-pdf").returncode == 0
    before = tree(out)
    output.mark(out, out, "previous")  # as Staging.commit marks it before it moves
    out.rename(tmp_path / ".output.building-abc123")
    result = cli_build(orgs, out, "--no-pdf")
    assert result.returncode == 0, result.stderr
    assert "nothing changed" in result.stdout  # the very same build, back in place
    assert tree(out) == before and _staging_folders(out) == []


def test_the_swap_never_leaves_no_output(tmp_path):
    """A reader polls the output while builds swap it in: it always finds a whole site."""
    orgs = two_orgs(tmp_path / "orgs")
    out = tmp_path / "output"
    assert cli_build(orgs, out, "--no-pdf").returncode == 0
    watcher = subprocess.Popen(
        [
            sys.executable,
            "-c",
            (
                "import os, sys, time\n"
                f"p = {str(out / 'site' / 'index.html')!r}\n"
                "missing = 0; end = time.monotonic() + 30\n"
                "while time.monotonic() < end and not os.path.exists(p + '.stop'):\n"
                "    missing += not os.path.exists(p)\n"
                "print(missing)\n"
            ),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        for i in range(6):
            (orgs / "beta.yaml").write_text((orgs / "beta.yaml").read_text().replace(f"Beta kommun{i or ''}", f"Beta kommun{i + 1}"))
            assert cli_build(orgs, out, "--no-pdf").returncode == 0
    finally:
        Path(str(out / "site" / "index.html") + ".stop").touch()
        missing = watcher.communicate(timeout=60)[0]
    assert missing.strip() == "0"


# -- answer files that cannot be read, and a manifest that lies -------------------------------------


@pytest.mark.parametrize("kind", ["dangling-symlink", "folder", "fifo"])
def test_an_answer_file_that_cannot_be_read_fails_the_build_and_names_it(tmp_path, kind):
    orgs = two_orgs(tmp_path / "orgs")
    out = tmp_path / "output"
    assert cli_build(orgs, out, "--no-pdf").returncode == 0  # a good build first: the next must not say "nothing changed"
    before = tree(out)
    bad = orgs / "gamma.yaml"
    if kind == "dangling-symlink":
        bad.symlink_to(tmp_path / "borta.yaml")
    elif kind == "folder":
        bad.mkdir()
    else:
        os.mkfifo(bad)
    result = run_cli("--orgs", str(orgs), "--out", str(out), "--no-pdf", timeout=60)  # a FIFO must not block the build
    assert result.returncode == 1
    assert re.search(rf"{re.escape(str(bad))}:1: file: ", result.stderr), result.stderr
    assert tree(out) == before
    kept = run_cli("--orgs", str(orgs), "--out", str(out), "--no-pdf", "--keep-going", timeout=60)
    assert kept.returncode == 1 and "gamma.yaml" in kept.stderr and "skipped 1 invalid file" in kept.stderr


def test_a_manifest_that_lies_cannot_reach_outside_the_output_or_change_what_is_built(tmp_path):
    orgs = two_orgs(tmp_path / "orgs")
    out = tmp_path / "output"
    assert cli_build(orgs, out, "--no-pdf").returncode == 0
    secret = tmp_path / "hemlig.txt"
    secret.write_text("hemligt")
    manifest = json.loads((out / ".manifest.json").read_text())
    manifest["inputs"] = None
    manifest["orgs"]["alfa"]["leverans"]["files"] = ["../hemlig.txt", "/etc/hostname"]
    manifest["orgs"]["beta"] = {"site": {"key": 7, "files": "site/index.html"}, "leverans": ["x"]}
    manifest["orgs"]["<script>"] = {"site": {"key": "k", "files": ["site/../../hemlig.txt"]}}
    (out / ".manifest.json").write_text(json.dumps(manifest))
    result = cli_build(orgs, out, "--no-pdf")
    assert result.returncode == 0, result.stderr
    assert secret.read_text() == "hemligt"
    assert cli_build(orgs, tmp_path / "clean", "--no-pdf").returncode == 0
    assert tree(out) == tree(tmp_path / "clean")


def test_a_file_deleted_from_the_output_is_restored_by_the_next_build(tmp_path):
    orgs = two_orgs(tmp_path / "orgs")
    out = tmp_path / "output"
    assert cli_build(orgs, out, "--no-pdf").returncode == 0
    before = tree(out)
    (out / "leverans" / "alfa.json").unlink()
    result = cli_build(orgs, out, "--no-pdf")
    assert "nothing changed" not in result.stdout and "1 rendered" in result.stdout
    assert tree(out) == before


def test_a_second_build_into_the_same_folder_is_refused_while_the_first_runs(tmp_path):
    orgs = two_orgs(tmp_path / "orgs")
    out = tmp_path / "output"
    first = _start_build(orgs, out)  # with PDFs: seconds
    deadline = time.monotonic() + 60
    while not _staging_folders(out) and time.monotonic() < deadline:
        time.sleep(0.02)
    second = cli_build(orgs, out, "--no-pdf")
    assert first.wait(timeout=120) == 0
    assert second.returncode == 1
    assert f"{out}:1: --out: another build is writing this folder now" in second.stderr
    assert (out / "leverans" / "alfa.pdf").is_file() and _staging_folders(out) == []


def test_a_stop_that_a_library_swallowed_still_keeps_the_previous_output(tmp_path):
    """WeasyPrint catches every exception while it draws an image: a Ctrl-C raised there is lost,
    and the PDF comes out without its chart. The build asks again before it swaps."""
    from ambitionsgraf.pipeline import BuildOptions, build
    from ambitionsgraf.pipeline.options import Interrupted, Interruption

    orgs = two_orgs(tmp_path / "orgs")
    out = tmp_path / "output"
    assert cli_build(orgs, out, "--no-pdf").returncode == 0
    before = tree(out)
    (orgs / "alfa.yaml").write_text((orgs / "alfa.yaml").read_text().replace("Alfa kommun", "Alfa stad"))
    swallowed = Interruption()
    swallowed.signum = signal.SIGTERM  # the signal came, and its exception went nowhere
    with pytest.raises(Interrupted):
        build(
            BuildOptions(project_dir=ROOT, orgs_dir=orgs, out_dir=out, make_pdf=False, interruption=swallowed, cache_dir=tmp_path / "cache")
        )
    assert tree(out) == before and _staging_folders(out) == []


@pytest.mark.parametrize("moment", [0.1, 0.3, 0.5, 0.7, 0.9])
def test_sigterm_at_any_moment_gives_the_previous_output_or_the_whole_new_one(tmp_path, moment):
    """Whenever the signal lands, the output is the previous build or the whole new one, and what the
    build says matches which. The moments are fractions of this machine's own build time, measured
    here, and every outcome is checked for what it is: nothing depends on the machine's speed."""
    orgs = two_orgs(tmp_path / "orgs")
    out = tmp_path / "output"
    assert cli_build(orgs, out, "--no-pdf").returncode == 0
    before = tree(out)
    (orgs / "alfa.yaml").write_text((orgs / "alfa.yaml").read_text().replace("Alfa kommun", "Alfa stad"))
    command = [sys.executable, str(ROOT / "build.py"), "--orgs", str(orgs), "--jobs", "1"]
    started = time.monotonic()
    assert subprocess.run([*command, "--out", str(tmp_path / "clean")], cwd=tmp_path, capture_output=True).returncode == 0
    clean = tree(tmp_path / "clean")
    proc = subprocess.Popen([*command, "--out", str(out)], cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    time.sleep(moment * (time.monotonic() - started))
    proc.send_signal(signal.SIGTERM)
    stderr = proc.communicate(timeout=300)[1]
    after = tree(out)
    if proc.returncode == 0:  # finished before the signal
        assert after == clean
    elif proc.returncode == -signal.SIGTERM:  # before the handlers were set, or as the interpreter exited
        assert after in (before, clean), stderr
    elif "after the new output was in place" in stderr:
        assert proc.returncode == 143 and after == clean
    else:
        assert proc.returncode == 143 and "the previous output is unchanged" in stderr, stderr
        assert after == before
    assert _staging_folders(out) == []


@pytest.mark.parametrize("out_name", [".", "sub/.."])
def test_out_given_as_dot_or_dotdot_is_refused(tmp_path, out_name):
    orgs = two_orgs(tmp_path / "orgs")
    work = tmp_path / "work"
    work.mkdir()
    (work / "utkast.txt").write_text("osparat")
    result = run_cli("--orgs", str(orgs), "--out", out_name, "--no-pdf", cwd=work)
    assert result.returncode == 1 and "--out: give the output folder by its own name" in result.stderr, result.stderr
    assert sorted(p.name for p in work.iterdir()) == ["utkast.txt"]


def test_a_symlink_planted_in_the_output_cannot_bring_in_files_from_elsewhere(tmp_path):
    orgs = two_orgs(tmp_path / "orgs")
    out = tmp_path / "output"
    assert cli_build(orgs, out, "--no-pdf").returncode == 0
    outside = write_orgs(tmp_path / "outside", {"alfa.json": "HEMLIGT"})
    shutil.rmtree(out / "leverans")
    (out / "leverans").symlink_to(outside)  # the manifest still lists leverans/alfa.json as current
    manifest = json.loads((out / ".manifest.json").read_text())
    manifest["inputs"] = None
    manifest["orgs"]["alfa"]["site"]["files"].append("site/index.html")  # a shared page in a part
    manifest["orgs"]["beta"]["site"]["files"][0] = "site/\u0000.html"
    (out / ".manifest.json").write_text(json.dumps(manifest))
    result = cli_build(orgs, out, "--no-pdf")
    assert result.returncode == 0, result.stderr
    assert not (out / "leverans").is_symlink() and "HEMLIGT" not in (out / "leverans" / "alfa.json").read_text()
    assert (outside / "alfa.json").read_text() == "HEMLIGT"
    assert cli_build(orgs, tmp_path / "clean", "--no-pdf").returncode == 0
    assert tree(out) == tree(tmp_path / "clean")


@pytest.mark.parametrize("where", ["manifest", "cache"])
def test_a_pipe_in_place_of_the_manifest_or_the_cache_does_not_hang_the_build(tmp_path, where):
    orgs = two_orgs(tmp_path / "orgs")
    out = tmp_path / "output"
    assert cli_build(orgs, out, "--no-pdf").returncode == 0
    if where == "manifest":
        (out / ".manifest.json").unlink()
        os.mkfifo(out / ".manifest.json")
        result = run_cli("--orgs", str(orgs), "--out", str(out), "--no-pdf", timeout=60)
        assert result.returncode == 1 and "--out: holds files that are not a previous build of ours" in result.stderr
    else:
        from ambitionsgraf.pipeline.cache import BuildCache

        cache = BuildCache(ROOT / ".cache" / "build", out, "").path
        cache.unlink()
        os.mkfifo(cache)
        try:
            result = run_cli("--orgs", str(orgs), "--out", str(out), "--no-pdf", "--site-url", "https://kommun.github.io/x/", timeout=60)
            assert result.returncode == 0 and f"build cache {cache} could not be read" in result.stderr, result.stderr
        finally:
            cache.unlink(missing_ok=True)


def test_the_output_folder_gets_the_usual_permissions(tmp_path):
    orgs = two_orgs(tmp_path / "orgs")
    out = tmp_path / "output"
    result = subprocess.run(
        ["sh", "-c", f"umask 022 && {sys.executable} {ROOT / 'build.py'} --orgs {orgs} --out {out} --no-pdf"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o755  # a web server running as another user can read it
