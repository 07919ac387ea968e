"""`build.py serve` as an analyst works with it: a mistake in an answer file shows in the browser
(a banner on every page, the file's problems where its organisation's page would be) until it is
mended; a file still the untouched template of `new` is "not measured yet", a note said once a
session; and `build`/`check` treat that template as the note or the error they should."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

from .conftest import ROOT, run_cli, write_orgs
from .helpers import answer_file, uniform
from .test_cli import _free_port

GOOD_A = answer_file([("2024-01-10", [("inkopschef", uniform(3))])], namn="Alby kommun")
GOOD_B = answer_file([("2024-01-10", [("inkopschef", uniform(2))])], namn="Bäcka kommun")
BAD_B = GOOD_B.replace("v1_matt: 2", "v1_matt: 7", 1)


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def _wait(condition, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            value = condition()
        except OSError:
            value = None
        if value:
            return value
        time.sleep(0.5)
    raise AssertionError(f"{what} within {seconds} s")


def test_serve_shows_problems_in_the_browser_until_mended_and_says_notes_once(tmp_path):
    assert "v1_matt: 7" in BAD_B
    orgs = write_orgs(tmp_path / "orgs", {"alby.yaml": GOOD_A, "backa.yaml": BAD_B})
    made = run_cli("new", "cekby", "--namn", "Cekby kommun", "--typ", "kommun", "--orgs", str(orgs))
    assert made.returncode == 0, made.stderr
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "build.py", "serve", "--port", str(port), "--orgs", str(orgs), "--out", str(tmp_path / "serve")],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    lines: list[str] = []
    threading.Thread(target=lambda: lines.extend(proc.stdout), daemon=True).start()
    base = f"http://127.0.0.1:{port}/"
    try:
        status, start = _wait(lambda: _get(base), 90, "serve answered")
        assert status == 200 and 'class="serve-problems"' in start and 'role="alert"' in start
        assert "backa.yaml:" in start and "v1_matt: expected" in start  # file, line, field and message
        assert "cekby" not in start  # not measured yet: no problem
        status, own = _get(base + "organisationer/backa/")
        assert status == 404 and "v1_matt: expected" in own and "backa" in own
        status, other = _get(base + "organisationer/alby/")
        assert status == 200 and "serve-problems" in other and "Alby kommun" in other
        assert _get(base + "organisationer/cekby/")[0] == 404  # no page, and no problem page either

        (orgs / "backa.yaml").write_text(GOOD_B, encoding="utf-8")  # mended
        _wait(lambda: "serve-problems" not in _get(base)[1], 60, "the banner went once the file was mended")
        status, mended = _get(base + "organisationer/backa/")
        assert status == 200 and "Bäcka kommun" in mended and "serve-problems" not in mended

        (orgs / "backa.yaml").write_text(BAD_B, encoding="utf-8")  # a mistake again: a third build
        _wait(lambda: "serve-problems" in _get(base)[1], 60, "the banner came back")
    finally:
        os.killpg(proc.pid, signal.SIGINT)
        proc.wait(timeout=20)
    said = "".join(lines)
    assert said.count("rebuilding") >= 2, said
    assert said.count("not measured yet") == 1 and "cekby.yaml" in said, said  # said once a session
    assert said.count("no site address") <= 1, said
    assert "Traceback" not in said


def test_an_untouched_template_is_a_note_in_the_build_and_an_error_in_check_and_strict(tmp_path):
    orgs = write_orgs(tmp_path / "orgs", {"alby.yaml": GOOD_A})
    assert run_cli("new", "cekby", "--namn", "Cekby kommun", "--typ", "kommun", "--orgs", str(orgs)).returncode == 0
    built = run_cli("--orgs", str(orgs), "--out", str(tmp_path / "out"), "--no-pdf")
    assert built.returncode == 0, built.stderr
    assert "note: not measured yet" in built.stderr and "cekby.yaml" in built.stderr
    assert "1 organisation (1 published)" in built.stdout and "0 PDFs" in built.stdout  # one noun, right in number
    assert (tmp_path / "out" / "site" / "organisationer" / "alby").is_dir()
    assert not (tmp_path / "out" / "leverans" / "cekby.json").exists()
    strict = run_cli("--orgs", str(orgs), "--out", str(tmp_path / "strict"), "--no-pdf", "--strict")
    assert strict.returncode == 1 and "cekby.yaml:" in strict.stderr and "svar: expected this respondent's answers" in strict.stderr
    assert "1 file with problems; nothing was written" in strict.stderr and not (tmp_path / "strict").exists()
    checked = run_cli("check", "--orgs", str(orgs))
    assert checked.returncode == 1 and "cekby.yaml:" in checked.stderr
    # a file with another mistake besides an empty respondent is no template: an error in the build
    mixed = (orgs / "cekby.yaml").read_text(encoding="utf-8").replace("typ: kommun", "typ: kommunen", 1)
    (orgs / "cekby.yaml").write_text(mixed, encoding="utf-8")
    broken = run_cli("--orgs", str(orgs), "--out", str(tmp_path / "out"), "--no-pdf")
    assert broken.returncode == 1 and "typ: expected" in broken.stderr and "note: not measured yet" not in broken.stderr
