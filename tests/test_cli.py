"""The command line: answer files that cannot be read are reported, never skipped."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from ambitionsgraf.answers import list_answer_files, read_files
from ambitionsgraf.problems import Problem

from .conftest import run_cli, write_orgs
from .helpers import answer_file, uniform

VALID = answer_file([("2024-01-10", [("inkopschef", uniform(3))])])


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
