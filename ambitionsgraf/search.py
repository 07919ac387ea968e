"""The site's search: a static Pagefind index (site/pagefind/), built with the site.

What the index holds, and nothing else:
- the guidance, the method page and the content pages (concepts, the accessibility statement,
  …), from the `<main>` of the pages the build renders (`indexed_pages`);
- one record per published organisation listed on the site, written here from its aggregate
  results (`organisation_record`: name, type, the latest round's axes and quadrant).
  An organisation's page is never read for the index, so no per-role value and no comment can
  reach it, and an organisation that is not published is never among the listed ones.

Pagefind stems Swedish (`force_language: sv`): "kategori" finds "kategorierna". Its results
carry addresses from the site root ("/metod/"); the search page's script gives them the prefix
the site is served under (pagefind.js derives it from its own address), so the index works
under a sub-path and makes no request outside the site.

The binary runs as Pagefind's service (`pagefind --service`): base64-encoded JSON messages, each
followed by a comma, answered one by one in the order sent. A build starts the index as soon as
it knows the listed organisations (`Indexer.start` sends the records, the pages and the order to
write, all at once), carries on while Pagefind works beside it, and collects the files at the end
(`finish`). A thread reads the answers as they come, so that neither pipe fills up while the
other side waits.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import subprocess
import tempfile
import threading
from pathlib import Path
from typing import TYPE_CHECKING

import orjson

from .project import Project
from .scoring import AXES
from .site import reading_pages
from .text import swedish_date
from .views import axis_bounds, round_quadrant, shown  # the values as the page shows them, never across the threshold

if TYPE_CHECKING:
    from .scoring import OrganisationSummary

INDEX_DIR = "pagefind"  # under site/
LANGUAGE = "sv"
ORGANISATION = "organisation"  # the value of the `del` filter that tells organisations from pages
# What the search page needs of Pagefind's output; its own ready-made interfaces are not shipped.
_KEPT = re.compile(
    r"pagefind\.js|pagefind-worker\.js|pagefind-entry\.json|pagefind\.[a-z0-9_-]+\.pf_meta"
    r"|wasm\.[a-z0-9_-]+\.pagefind|(?:index|fragment|filter)/[A-Za-z0-9][A-Za-z0-9_.-]*"
)
# A file a previous build's manifest may list for the index (anything else is not ours to carry over).
_PATIENCE = 600  # seconds an index may take (about 1 s for 4 000 organisations)
FILE = re.compile(rf"site/{INDEX_DIR}/(?:{_KEPT.pattern})")


# -- what is indexed ------------------------------------------------------------------------


def indexed_pages(project: Project) -> dict[str, str]:
    """The shared pages the index reads (paths relative to site/ → their HTML): the guidance,
    the method and the content pages (`site.reading_pages`, rendered here as the shared pages
    render them). Not the start page, the overview or the lists, which only repeat
    organisations' names, and not the self-assessment form."""

    return reading_pages(project)


def organisation_record(project: Project, summary: OrganisationSummary) -> dict:
    """A published organisation as the index holds it: its aggregate results in words, as its
    page shows them, and its page's address. Made from the summary, never from the page."""

    ins = project.ins
    org = summary.organisation
    latest = summary.latest
    type_label = ins.type_of(org.type).label
    ends = ins.axis_ends
    axes = []
    for axis in AXES:
        value = latest.overall.axes[axis]
        level = "" if value is None else f" ({(ends[1] if value >= ins.threshold else ends[0]).lower()})"
        axes.append(f"{ins.axes[axis]['kort'].lower()} {shown(value, axis_bounds(ins))}{level}")
    quadrant = round_quadrant(ins, latest, "ingen punkt (svar saknas)", public=True)
    dates = ", ".join(swedish_date(a.date) for a in summary.assessments)  # as the rest of the site writes dates
    # Not the areas: their labels would make every organisation a hit for "strategi" or "uppföljning",
    # and formatting them was most of the records' cost (0.4 s for 2 700, on the build's serial path).
    content = f"{org.name}. {type_label}. Senaste mätningen {swedish_date(latest.date)}: {', '.join(axes)}. {quadrant}. Mätningar: {dates}."
    return {
        "url": f"/organisationer/{org.slug}/",
        "content": content,
        "language": LANGUAGE,
        "meta": {"title": org.name, "typ": type_label, "senast": swedish_date(latest.date)},
        "filters": {"del": [ORGANISATION]},
    }


def record_digest(record: dict) -> str:
    return hashlib.sha256(orjson.dumps(record, option=orjson.OPT_SORT_KEYS)).hexdigest()


def index_key(code: str, site_url: str | None, listed: list[tuple[str, str]]) -> str:
    """What the index's bytes depend on: the code (templates, content and the Pagefind version
    among it) and each listed organisation's record, by digest ((slug, digest), in slug order)."""
    return hashlib.sha256(orjson.dumps(["search", code, site_url, sorted(listed)])).hexdigest()


# -- writing it ---------------------------------------------------------------------------------


class SearchIndexError(RuntimeError):
    pass


class Indexer:
    """One Pagefind service building one index for a site folder: `start`, later `finish`."""

    def __init__(self, site_dir: Path):
        from pagefind_bin import get_executable

        self.site_dir = site_dir
        self._cwd = tempfile.TemporaryDirectory(prefix="ambitionsgraf-pagefind-")  # no pagefind.yml of anyone else's is read
        self._stderr = tempfile.TemporaryFile()
        # No preexec_fn: it would make Python fork the whole build's memory instead of vfork. The
        # service ends by itself when its input closes, which a build that dies does to it.
        self._proc = subprocess.Popen(
            [str(get_executable()), "--service"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._stderr, cwd=self._cwd.name
        )
        self._sent = 0
        self._errors: list[str] = []
        self._files: list[str] | None = None  # written, once Pagefind has given them
        self._done = threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    @classmethod
    def start(cls, site_dir: Path, records: list[dict], pages: dict[str, str]) -> Indexer:
        """Send Pagefind everything (`pages`: path relative to the site root → HTML, each found at
        its folder's address) and ask for the index's files, which are written into
        site_dir/pagefind/ as they come. (Not Pagefind's own WriteFiles: it answers before its
        writes are done, and a service that ends then leaves files cut short.)"""
        indexer = cls(site_dir)
        try:
            indexer._send({"type": "NewIndex", "config": {"force_language": LANGUAGE, "root_selector": "main"}})
            for r in records:
                indexer._send({"type": "AddRecord", "index_id": 0, **r})
            for path, html in pages.items():
                url = "/" + path.removesuffix("index.html")
                indexer._send({"type": "AddFile", "index_id": 0, "url": url, "file_path": None, "file_contents": html})
            indexer._send({"type": "GetFiles", "index_id": 0})
            indexer._proc.stdin.flush()
        except BaseException:
            indexer.close()
            raise
        return indexer

    def _send(self, payload: dict) -> None:
        self._sent += 1
        message = base64.b64encode(orjson.dumps({"message_id": self._sent, "payload": payload})) + b","
        try:
            self._proc.stdin.write(message)
        except BrokenPipeError:
            self._fail("stopped while reading what to index")

    def _read(self) -> None:
        """Read the answers as they come; write the index's files when they come."""
        out, pending = self._proc.stdout, []
        try:
            while True:
                chunk = out.read1(1 << 20)
                if not chunk:
                    raise EOFError("stopped")
                *complete, rest = chunk.split(b",")
                for part in complete:
                    self._answer(orjson.loads(base64.b64decode(b"".join(pending) + part)))
                    pending = []
                pending.append(rest)
        except Exception as exc:  # handed to finish()
            with self._done:
                if self._files is None:
                    self._errors.append(str(exc))
                self._done.notify_all()

    def _answer(self, answer: dict) -> None:
        payload = answer["payload"]
        if payload["type"] == "Error":
            raise RuntimeError(payload.get("message", ""))
        if payload["type"] == "GetFiles":
            files = self._write(payload["files"])
            with self._done:
                self._files = files
                self._done.notify_all()

    def _write(self, files: list[dict]) -> list[str]:
        """Some 2 700 small files for 4 000 organisations (one per page): each folder made once,
        each file created new (the staging folder has no index yet) with as few calls as there can be."""
        target = self.site_dir / INDEX_DIR
        written, made = [], set()
        for f in sorted(files, key=lambda f: f["path"]):
            rel = Path(f["path"]).as_posix()
            if not _KEPT.fullmatch(rel):
                continue  # Pagefind's ready-made interfaces: the search page has its own
            folder = (target / rel).parent
            if folder not in made:
                folder.mkdir(parents=True, exist_ok=True)
                made.add(folder)
            fd = os.open(target / rel, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)
            try:
                os.write(fd, base64.b64decode(f["content"]))
            finally:
                os.close(fd)
            written.append(f"{self.site_dir.name}/{INDEX_DIR}/{rel}")
        return written

    def finish(self) -> list[str]:
        """Wait for the index; return its files relative to the site folder's parent (`site/pagefind/…`)."""
        with self._done:
            self._done.wait_for(lambda: self._files is not None or self._errors, timeout=_PATIENCE)
            files, errors = self._files, list(self._errors)
        if files is None:
            self._fail("; ".join(errors[:3]) or f"gave no index in {_PATIENCE} s")
        self.close()
        return files

    def _fail(self, why: str):
        self.close()
        self._stderr.seek(0)
        said = self._stderr.read().decode("utf-8", "replace").strip()
        raise SearchIndexError(f"the search index could not be built: Pagefind {why}" + (f" ({said[-300:]})" if said else ""))

    def close(self) -> None:
        """End the service (it ends when its input does; a process forked meanwhile may hold that
        open, so it is stopped after a moment) and remove what it was given."""
        if self._proc.poll() is None:
            try:
                self._proc.stdin.close()
            except BrokenPipeError:
                pass
            try:
                self._proc.wait(timeout=2)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
        self._reader.join()
        self._cwd.cleanup()
