"""The command line: one parser with seven commands, `serve` in a folder of its own, and
answer files that cannot be read reported, never skipped."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from ambitionsgraf.answers import list_answer_files, read_files
from ambitionsgraf.problems import Problem

from .conftest import ROOT, run_cli, tree, write_orgs
from .helpers import answer_file, uniform

COMMANDS = ("build", "check", "new", "import", "serve", "leverera", "verifiera")
VALID = answer_file([("2024-01-10", [("inkopschef", uniform(3)), ("verksamhet", uniform(2))])])  # two: one person's round gets a note


def _build_py():
    spec = importlib.util.spec_from_file_location("build_py", ROOT / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# -- one command line --------------------------------------------------------------


def test_help_lists_every_command_with_one_line_of_help():
    result = run_cli("--help")
    assert result.returncode == 0, result.stderr
    for name in COMMANDS:
        assert re.search(rf"^ +{name} +\w.+$", result.stdout, re.M), (name, result.stdout)


def test_without_a_command_it_builds_as_before(tmp_path):
    build_py = _build_py()
    bare = build_py.parse_args([])
    assert (bare.command, bare.out, bare.orgs, bare.no_pdf) == ("build", ROOT / "output", ROOT / "orgs", False)
    options_only = build_py.parse_args(["--no-pdf", "--only", "x", "--site-url", "https://example.se/"])
    assert (options_only.command, options_only.no_pdf, options_only.only) == ("build", True, "x")

    orgs = write_orgs(tmp_path / "orgs", {"a.yaml": VALID})
    trees = []
    for name, command in (("bare", []), ("named", ["build"])):
        result = run_cli(*command, "--orgs", str(orgs), "--out", str(tmp_path / name), "--no-pdf")
        assert result.returncode == 0, result.stderr
        assert (tmp_path / name / "site" / "organisationer" / "a" / "index.html").exists()
        trees.append(sorted(tree(tmp_path / name)))
    assert trees[0] == trees[1]


# -- serve -----------------------------------------------------------------------------


def test_serve_on_a_taken_port_says_so_in_one_line(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_cli("serve", "--port", str(port), "--out", str(tmp_path / "serve"), timeout=60)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and f"port {port} is already in use" in lines[0] and "--port" in lines[0], result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "serve").exists()  # refused before building anything


def test_serve_refuses_an_out_folder_it_cannot_use(tmp_path):
    stray = write_orgs(tmp_path / "mine", {"notes.txt": "not a build"})
    result = run_cli("serve", "--port", str(_free_port()), "--out", str(stray), timeout=60)
    assert result.returncode == 1 and "--out: holds files that are not a previous build" in result.stderr, result
    assert "Traceback" not in result.stderr and "serving" not in result.stdout
    assert tree(stray) == {"notes.txt": b"not a build"}
    theirs = write_orgs(tmp_path / "theirs" / "site", {"index.html": "<p>their own site</p>"}).parent
    served = run_cli("serve", "--port", str(_free_port()), "--out", str(theirs), timeout=60)
    assert served.returncode == 1 and "serving" not in served.stdout  # never serves someone else's site/
    assert tree(theirs) == {"site/index.html": b"<p>their own site</p>"}
    orgs = write_orgs(tmp_path / "orgs", {"a.yaml": VALID})
    inside = run_cli("serve", "--port", str(_free_port()), "--orgs", str(orgs), "--out", str(orgs / "serve"), timeout=60)
    assert inside.returncode == 1 and "--out: is inside" in inside.stderr and "watched" in inside.stderr, inside
    assert not (orgs / "serve").exists()  # a build there would set off a rebuild, and so on


def test_serve_builds_into_its_own_folder_rebuilds_and_leaves_output_alone(tmp_path):
    """A copy of the project, so the default folder (.cache/serve) is the one under test
    and the change that triggers a rebuild touches nothing in the real project."""
    project = tmp_path / "project"
    for name in ("ambitionsgraf", "content", "templates", "orgs"):
        shutil.copytree(ROOT / name, project / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("build.py", "constraints.txt", "installningar.yaml"):
        shutil.copy2(ROOT / name, project / name)
    previous = project / "output"  # the real build, as `make` left it
    write_orgs(previous / "site", {"index.html": "<p>the real build</p>"})
    write_orgs(previous / "leverans", {"norrvik.pdf": b"%PDF-1.7 earlier"})
    before = {path: (data, (previous / path).stat().st_mtime_ns) for path, data in tree(previous).items()}

    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "build.py", "serve", "--port", str(port)],
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    lines: list[str] = []  # read by a thread: a non-blocking text pipe can fail on a partial read
    threading.Thread(target=lambda: lines.extend(proc.stdout), daemon=True).start()
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:
                    assert "Ambitionsgrafen" in response.read().decode()
                    break
            except OSError:
                assert time.monotonic() < deadline and proc.poll() is None, "serve did not start"
                time.sleep(0.5)
        rebuilt = re.compile(r"^\d+ changes?; rebuilding\n(?:note: .*\n)*.*→", re.M)  # and the rebuild's summary
        deadline = time.monotonic() + 30
        while not rebuilt.search("".join(lines)) and time.monotonic() < deadline:
            if "; rebuilding" not in "".join(lines):  # again: the watcher starts just after the server
                os.utime(project / "templates" / "404.html")  # a save without a change: enough for the watcher
            time.sleep(1)
        assert rebuilt.search("".join(lines)), lines
    finally:
        os.killpg(proc.pid, signal.SIGINT)
        proc.wait(timeout=20)
    served = project / ".cache" / "serve"
    assert (served / "site" / "index.html").exists() and (served / "leverans" / "norrvik.json").exists()
    assert not list(served.rglob("*.pdf"))  # previews are built without PDFs
    assert {path: (data, (previous / path).stat().st_mtime_ns) for path, data in tree(previous).items()} == before
    assert sorted(p.name for p in previous.iterdir()) == ["leverans", "site"]


# -- answer files that cannot be read ------------------------------------------------------


def _unreadable(path):
    """A regular file this process cannot read: mode 000, or, for root (who reads any mode),
    a link to a write-only kernel setting that even root cannot read."""
    if os.geteuid() != 0:
        path.write_text(VALID)
        path.chmod(0)
        return
    target = "/proc/sys/vm/compact_memory"
    try:
        os.close(os.open(target, os.O_RDONLY))
    except PermissionError:
        path.symlink_to(target)
        return
    except OSError:
        pass
    pytest.skip(f"running as root, who can read a mode-000 file, and {target} (unreadable even for root) is not here")


KINDS = {
    "broken link": ("x.yaml", lambda p: p.symlink_to("saknas.yaml"), "is a symbolic link to saknas.yaml that does not exist"),
    "folder": ("x.yaml", lambda p: p.mkdir(), "is a folder, not an answer file"),
    "named pipe": ("x.yml", lambda p: os.mkfifo(p), "is not a regular file but a named pipe (FIFO)"),
    "unreadable file": ("x.yaml", _unreadable, "cannot be read: Permission denied"),
}


def _within(seconds, fn, *args):
    """fn(*args), failing instead of hanging if it blocks (opening a named pipe would)."""
    result = []
    thread = threading.Thread(target=lambda: result.append(fn(*args)), daemon=True)
    thread.start()
    thread.join(seconds)
    assert result, f"{fn.__name__} blocked"
    return result[0]


@pytest.mark.parametrize("kind", KINDS)
def test_an_answer_file_that_cannot_be_read_is_an_error_never_skipped(tmp_path, monkeypatch, kind):
    name, make, message = KINDS[kind]
    monkeypatch.chdir(tmp_path)  # paths are shown relative to here: the link's own, never where it leads
    orgs = write_orgs(Path("orgs"), {"ok.yaml": VALID, "README.md": "not an answer file"})
    (orgs / ".#ok.yaml").symlink_to("root@host.1234")  # an editor's lock file: hidden, so not listed
    bad = orgs / name
    make(bad)
    expected = Problem(f"orgs/{name}", 1, "file", message)

    assert _within(10, list_answer_files, orgs) == ([orgs / "ok.yaml"], [expected])
    data, problems = _within(10, read_files, [orgs / "ok.yaml", bad])
    assert list(data) == [orgs / "ok.yaml"] and problems == [expected]

    for args in (["--orgs", "orgs"], ["orgs/ok.yaml", f"orgs/{name}"]):
        result = run_cli("check", *args, cwd=tmp_path, timeout=60)
        assert result.returncode == 1, result
        assert result.stderr.splitlines() == [str(expected)]
    assert run_cli("check", "orgs/ok.yaml", cwd=tmp_path, timeout=60).returncode == 0


@pytest.mark.parametrize("value", ["", "abc", " 1700000000", "1.5e9", "-1", "１７００", "253402300800", "9" * 5000])
def test_a_malformed_source_date_epoch_stops_a_build_before_any_work_in_one_line(tmp_path, value):
    from ambitionsgraf.pipeline.cache import BuildCache

    orgs = write_orgs(tmp_path / "orgs", {"a.yaml": VALID})
    out = tmp_path / "out"
    assert run_cli("--orgs", str(orgs), "--out", str(out), "--no-pdf").returncode == 0
    cache = BuildCache(ROOT / ".cache" / "build", out, "").path
    before, cached = tree(out), cache.read_bytes()
    (orgs / "a.yaml").write_text(VALID.replace("2024-01-10", "2024-01-11"))  # work to do, were it started
    for args in (("--orgs", str(orgs), "--out", str(out)), ("serve", "--orgs", str(orgs), "--out", str(tmp_path / "s"))):
        result = subprocess.run(
            [sys.executable, str(ROOT / "build.py"), *args],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env={**os.environ, "SOURCE_DATE_EPOCH": value},
            timeout=60,
        )
        assert result.returncode == 2 and result.stdout == ""
        assert len(result.stderr.splitlines()) == 1 and result.stderr.startswith("build.py: environment: SOURCE_DATE_EPOCH: expected")
    assert tree(out) == before and cache.read_bytes() == cached  # the output and the build cache as they were
    assert not (tmp_path / "s").exists()


def test_a_well_formed_source_date_epoch_is_used_as_given(tmp_path):
    orgs = write_orgs(tmp_path / "orgs", {"a.yaml": VALID})
    result = subprocess.run(
        [sys.executable, str(ROOT / "build.py"), "--orgs", str(orgs), "--out", str(tmp_path / "out"), "--no-pdf"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "SOURCE_DATE_EPOCH": "1700000000"},
        timeout=120,
    )
    assert result.returncode == 0, result.stderr


# What Python's date.fromisoformat (3.11) takes but no one writes as a day: an ISO week date, the
# basic format, one-digit months, other scripts' digits, and a day that does not exist.
NOT_A_DAY = ["2026-W49-1", "20261207", "2026-12-7", "２０２６-12-07", "٢٠٢٦-١٢-٠٧", "2026-02-30"]


@pytest.mark.parametrize("text", NOT_A_DAY)
def test_every_command_reads_a_day_only_as_yyyy_mm_dd(tmp_path, text):
    from ambitionsgraf.delivery import parse_day

    made = run_cli("new", "nyby", "--namn", "Nyby kommun", "--typ", "kommun", "--datum", text, "--orgs", str(tmp_path / "orgs"))
    assert made.returncode == 1 and f"datum: expected a date written YYYY-MM-DD, got {text!r}" in made.stderr
    assert not (tmp_path / "orgs" / "nyby.yaml").exists()
    export = tmp_path / "enkat.csv"
    export.write_text("slug;namn;typ;roll\nnyby;Nyby kommun;kommun;inkopschef\n", encoding="utf-8")
    imported = run_cli("import", str(export), "--datum", text, "--dry-run", "--orgs", str(tmp_path / "orgs"))
    assert imported.returncode == 1 and f"--datum: expected a date written YYYY-MM-DD, got {text!r}" in imported.stderr
    with pytest.raises(Exception, match="expected a date written YYYY-MM-DD"):
        parse_day(text)  # leverera --datum: the day a delivery is registered with


def test_a_day_written_yyyy_mm_dd_is_read_by_every_command():
    from ambitionsgraf.delivery import parse_day

    assert parse_day("2026-12-07") == "2026-12-07"
