"""Only ours is removed: what a build removes beside --out is what a build of ours left there,
proved by its marker, never a folder or file of someone else's, whatever its name."""

from __future__ import annotations

import os
import pickle
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from ambitionsgraf.pipeline import output

from .conftest import ROOT, run_cli, write_orgs
from .helpers import answer_file, uniform


def _orgs(folder: Path, level: int = 3) -> Path:
    return write_orgs(
        folder,
        {
            "alfa.yaml": answer_file([("2024-03-01", [("inkopschef", uniform(level)), ("verksamhet", uniform(2))])], namn="Alfa kommun"),
            "beta.yaml": answer_file([("2024-03-01", [("inkopschef", uniform(2))])], namn="Beta kommun"),
        },
    )


def _build(orgs: Path, out: Path):
    return run_cli("--orgs", str(orgs), "--out", str(out), "--no-pdf")


def snapshot(folder: Path, leave_out: set[str]) -> dict[str, tuple]:
    """Every entry under `folder` but the named top-level ones: its kind, bytes or target, and mode."""
    seen = {}
    for top in sorted(os.listdir(folder)):
        if top in leave_out:
            continue
        stack = [folder / top]
        while stack:
            p = stack.pop()
            st = os.lstat(p)
            rel = str(p.relative_to(folder))
            if p.is_symlink():
                seen[rel] = ("link", os.readlink(p))
            elif p.is_dir():
                seen[rel] = ("dir", st.st_mode)
                stack.extend(p.iterdir())
            elif p.is_file():
                seen[rel] = ("file", p.read_bytes(), st.st_mode, st.st_mtime_ns)
            else:
                seen[rel] = ("other", st.st_mode)
    return seen


def someone_elses(base: Path, out: Path) -> None:
    """Folders and files beside the output that are not ours, named as ours were or are."""
    write_orgs(base / ".output-cache" / "x", {"notes.txt": "w\n"})  # the reproduction
    write_orgs(base / ".output-cache-2", {"a" * 64 + ".pickle": "not a cache"})
    (base / ".output-cache.pickle").write_bytes(pickle.dumps(["my", "own", "data"]))
    shutil.copytree(out, base / ".output.old-backup-2026")  # a user's backup of a build, manifest and all
    shutil.copytree(out, base / ".output.building-kopia")  # the same under a staging name
    (base / ".output.building-kopia" / ".gitignore").write_text("*\n")  # and marked as earlier versions marked
    shutil.copytree(out, base / ".output.building-andra")
    output.mark(base / ".output.building-andra", base / "andra", "staging")  # our marker, but another output's
    shutil.copytree(out, base / ".output.building-extra")
    output.mark(base / ".output.building-extra", out, "staging")  # our marker, for this output,
    (base / ".output.building-extra" / "egen.txt").write_text("min\n")  # and a file no build writes
    shutil.copytree(out, base / ".output.building-halv")
    (base / ".output.building-halv" / ".gitignore").write_text(output.marker_text(out, "staging") + "# mine\n")
    shutil.copytree(out, base / "output.bak")
    write_orgs(base / "elsewhere", {"keep.txt": "keep\n"})
    (base / ".output.building-link").symlink_to(base / "elsewhere")
    os.mkfifo(base / ".output.building-fifo")


def test_the_reproductions_a_cache_named_folder_and_a_backup_survive_a_build(tmp_path):
    orgs = _orgs(tmp_path / "orgs")
    out = tmp_path / "output"
    assert _build(orgs, out).returncode == 0
    someone_elses(tmp_path, out)
    before = snapshot(tmp_path, {"output", "orgs"})
    (orgs / "alfa.yaml").write_text(answer_file([("2024-03-01", [("inkopschef", uniform(4))])], namn="Alfa kommun"))
    result = _build(orgs, out)
    assert result.returncode == 0, result.stderr
    assert snapshot(tmp_path, {"output", "orgs"}) == before
    assert (tmp_path / ".output-cache" / "x" / "notes.txt").read_text() == "w\n"
    assert "removed" not in result.stderr
    # the one that looks like an earlier version's staging folder is named, and left to the user
    assert "note: left .output.building-kopia alone" in result.stderr
    assert result.stderr.count("left ") == 1, result.stderr


def test_a_leftover_of_ours_is_removed_with_a_note_that_says_what_it_was(tmp_path):
    orgs = _orgs(tmp_path / "orgs")
    out = tmp_path / "output"
    assert _build(orgs, out).returncode == 0
    dead = subprocess.run(
        [
            sys.executable,
            "-c",
            (  # a build that dies without a word, its staging folder full
                "import os, shutil, sys; from pathlib import Path; from ambitionsgraf.pipeline.output import Staging\n"
                f"s = Staging(Path({str(out)!r})); shutil.copytree(Path({str(out)!r}) / 'site', s.dir / 'site')\n"
                "print(s.dir, os.getpid()); sys.stdout.flush(); os._exit(9)"
            ),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    left, pid = dead.stdout.split()
    assert Path(left).is_dir()
    result = _build(orgs, out)
    assert result.returncode == 0, result.stderr
    assert not Path(left).exists()
    assert (
        f"note: removed {Path(left).name}, the staging folder of a build (process {pid} on {os.uname().nodename}, started " in result.stderr
    ), result.stderr
    assert ") that was stopped" in result.stderr


def test_the_caches_of_earlier_versions_go_only_when_they_have_exactly_their_form(tmp_path):
    orgs = _orgs(tmp_path / "orgs")
    out = tmp_path / "output"
    old = write_orgs(tmp_path / ".output-cache", {"a" * 64 + ".pickle": "x", "b" * 64 + ".pickle": "y", "c" * 64 + ".123.tmp": "z"})
    pickled = tmp_path / ".output-cache.pickle"  # as SummaryCache.write pickled it
    pickled.write_bytes(
        pickle.dumps(
            {"code": "c0de", "frame": None, "templates": {}, "guidance": None, "keys": frozenset(), "summaries": pickle.dumps({})},
            protocol=pickle.HIGHEST_PROTOCOL,
        )
    )
    result = _build(orgs, out)
    assert result.returncode == 0, result.stderr
    assert not old.exists() and not pickled.exists()
    assert "note: removed .output-cache, the cache of an earlier version (3 files)" in result.stderr
    assert "note: removed .output-cache.pickle, the cache of an earlier version" in result.stderr
    # one file more, or a pickle of something else: not provably ours
    old = write_orgs(tmp_path / ".output-cache", {"a" * 64 + ".pickle": "x", "anteckning.txt": "min"})
    pickled.write_bytes(pickle.dumps({"code": "mitt", "annat": 1}, protocol=pickle.HIGHEST_PROTOCOL))
    result = _build(orgs, out)
    assert result.returncode == 0 and "removed" not in result.stderr
    assert (old / "anteckning.txt").is_file() and (old / ("a" * 64 + ".pickle")).is_file() and pickled.is_file()


def test_someone_elses_files_beside_the_output_survive_builds_and_kills(tmp_path):
    orgs = _orgs(tmp_path / "orgs")
    out = tmp_path / "output"
    assert _build(orgs, out).returncode == 0
    someone_elses(tmp_path, out)
    before = snapshot(tmp_path, {"output", "orgs"})
    rng = random.Random(22)
    for i in range(8):
        (orgs / "alfa.yaml").write_text(answer_file([("2024-03-01", [("inkopschef", uniform(1 + i % 4))])], namn="Alfa kommun"))
        proc = subprocess.Popen(
            [sys.executable, str(ROOT / "build.py"), "--orgs", str(orgs), "--out", str(out), "--jobs", "2"],
            cwd=tmp_path,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(0.3, 3.0))
        os.kill(proc.pid, rng.choice([signal.SIGKILL, signal.SIGTERM]))
        proc.wait(timeout=60)
        mine = {p.name for p in tmp_path.iterdir()} - set(before) - {"output", "orgs"} - {k.split("/")[0] for k in before}
        assert all(name.startswith(".output.building-") for name in mine), mine  # all it adds is its own
    result = _build(orgs, out)
    assert result.returncode == 0, result.stderr
    assert snapshot(tmp_path, {"output", "orgs"}) == before
    assert {p.name for p in tmp_path.iterdir()} == {k.split("/")[0] for k in before} | {"output", "orgs"}
