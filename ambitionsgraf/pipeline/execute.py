"""The executor: carries a plan out, in forked worker processes or serially in this one.

The only place that forks, sets process priorities, pauses the garbage collector and loads
WeasyPrint ahead. Everything a process works with is one `Worker` value, made before
forking, so the children inherit it; there is no module-level state.

With several jobs, each forked worker owns every n-th answer file: it validates and scores
its share and sends the parent a small summary of each (what the comparisons and the
national pages read), keeping the whole results. The parent compares and plans; then each
worker renders its own organisations' parts straight into the staging folder, PDFs going to
whichever worker would finish them soonest (the longest first: a year's national follow-up,
then public and delivery reports; loading WeasyPrint counted for a worker that has not, and
among equals the owner, which has the organisation in memory); the national follow-up's pages
and PDFs, one per round year, go the same way, with the year's view in the task's context. The shared pages are written meanwhile by a process at low priority, so that they use a core only
when a worker leaves it free. The serial twin does the same steps one after the other.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import multiprocessing
import multiprocessing.connection
import os
import queue
import signal
import threading
import traceback
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from .. import correction, layout, peergroups, site
from ..answers import parse_organisation
from ..national import NationalView
from ..problems import Problem
from ..project import Project
from ..scoring import score_organisation, summarise
from ..site import shared_site_files
from ..writer import FolderWriter
from . import parts
from .cache import summary_to_data


@dataclass(frozen=True, order=True)
class Task:
    """One part of one organisation to render."""

    slug: str
    part: str
    pdf_linked: bool = False

    def heavy(self) -> bool:
        return parts.of(self.part).needs_pdf


@dataclass
class Worker:
    """What a process needs to load answer files and render parts; made once, inherited by forks."""

    project: Project
    data: dict  # Path -> the answer file's bytes
    shown: dict  # Path -> the path as messages show it
    keys: dict  # Path -> cache key
    cached: frozenset  # cache keys whose summaries the parent has
    paths: dict  # slug -> Path (only .yaml files can be valid)
    make_pdf: bool
    delivered: dict = field(default_factory=dict)  # slug -> what the archive holds of it (archive.Archive.by_slug)
    archive_root: str = ""
    local: dict = field(default_factory=dict)  # slug -> whole result, for the organisations this process loaded
    _out: FolderWriter | None = None  # this process's writer into the staging folder

    def load(self, paths: list[Path], skip_cached: bool = True) -> tuple[dict, dict, list[Problem], list[str]]:
        """Validate and score the files whose summary is not cached (or all): summaries, the same
        encoded for the cache (here, in parallel, not in the parent at the end), problems, invalid files."""

        summaries, encoded, problems, invalid = {}, {}, [], []
        for path in paths:
            if skip_cached and self.keys[path] in self.cached:
                continue
            summary, found = self._read(path)
            if summary is None:
                problems += found
                invalid.append(self.shown[path])
            else:
                summaries[summary.organisation.slug] = summary
                encoded[summary.organisation.slug] = orjson.dumps(summary_to_data(summary))
        return summaries, encoded, problems, invalid

    def _read(self, path: Path):

        org, found = parse_organisation(self.project.ins, path, self.data[path], self.shown[path])
        if org is None:
            return None, found
        result = score_organisation(self.project.ins, org)
        self.local[org.slug] = result
        return summarise(result), found

    def whole(self, slug: str):
        """The whole result of a valid organisation: made here already, or read again (a few ms)."""
        if slug not in self.local:
            self._read(self.paths[slug])
        return self.local[slug]

    # -- what the pools call: load a share, get ready, run a task, the side job ------------------

    def warms_ahead(self, share: list[Path]) -> bool:
        return self.make_pdf and any(self.keys[p] not in self.cached for p in share)

    def ready_ahead(self, share: list[Path]) -> None:
        """After loading, while the parent plans: load WeasyPrint in a worker that owns a changed
        file. assign() gives an organisation's delivery PDF, the longest task of a small rebuild,
        to its owner unless another worker has fewer PDFs; a worker that only might get a PDF
        loads it when it does (loading it ahead in every worker took CPU from the one that
        mattered, two cores and three processes: 0.3 s of a rebuild)."""
        if self.warms_ahead(share):
            _warm_up()

    def ready(self, tasks: list[Task]) -> None:
        if any(t.heavy() for t in tasks):
            _warm_up()

    def run(self, task: Task, context: tuple) -> list[str]:
        """Render one part into the staging folder; return its files' paths. `context`: the
        comparison index, the staging folder and the national follow-up's views by year."""
        index, root, national = context
        if self._out is None or self._out.root != root:
            self._out = FolderWriter(root)
        part = parts.of(task.part)
        if part.scope == parts.YEAR:
            return self._out.put_all(RENDERERS[part.name](self, task, national[task.slug], None))
        result = self.whole(task.slug)
        if part.published_only and not result.organisation.published:
            # The plan comes from summaries, some from the cache; the answer file has the last word.
            raise RuntimeError(f"refusing to publish {task.slug}: its answer file does not say publicerad: true")
        return self._out.put_all(RENDERERS[part.name](self, task, result, index))

    def side(self, listed: list, root: Path) -> list[str]:
        """The pages that belong to no organisation; return their paths."""

        return FolderWriter(root).put_all({"site/" + k: v for k, v in shared_site_files(self.project, listed).items()})


@contextlib.contextmanager
def collector_paused():
    """Loading makes hundreds of thousands of small objects, all kept to the end of the build, and
    no reference cycles: the cyclic garbage collector would only keep re-examining them (about
    40 % of the loading time at 4 000 organisations). Pause it, then move what was made out of
    its sight (gc.freeze) so that the collections during rendering stay small."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()


@contextlib.contextmanager
def frozen_for_the_build():
    """Undo the build's gc.freeze at its end, unless the caller had frozen objects already."""
    frozen_before = gc.get_freeze_count()
    try:
        yield
    finally:
        if not frozen_before:
            gc.unfreeze()  # whatever the build left unreachable can be collected again


# About how many seconds of CPU each kind of PDF takes, and loading WeasyPrint in a worker that has
# not yet (measured in the workers at 311 organisations, a correction after delivery): what assign()
# balances. The year's national follow-up, with its tables and charts over every published
# organisation, is the longest; a delivery report with its page "Rättelse" comes next.
PDF_SECONDS = {"national-pdf": 2.2, "leverans-pdf": 1.0, "site-pdf": 0.5}
WARM_UP_SECONDS = 0.3


def assign(tasks: list[Task], owner: dict[str, int], jobs: int, warm: frozenset[int] = frozenset()) -> list[list[Task]]:
    """Light parts stay with the worker that loaded the organisation. PDFs, the longest first, each
    go to the worker that would finish it soonest, counting WeasyPrint's loading for a worker not
    in `warm` (those that loaded it ahead: the owners of changed files); among equals to the
    organisation's owner, which has it in memory. So when one organisation is corrected, the year's
    national follow-up goes to the worker that has WeasyPrint loaded, and the organisation's own
    PDFs to the other."""
    shares: list[list[Task]] = [[] for _ in range(jobs)]
    busy = [0.0 if j in warm else WARM_UP_SECONDS for j in range(jobs)]

    def cost(t: Task) -> float:
        return PDF_SECONDS.get(t.part, 1.0)

    for task in sorted(tasks, key=lambda t: (not t.heavy(), -cost(t) if t.heavy() else 0, not parts.of(t.part).compares, t.slug, t.part)):
        k = owner.get(task.slug, 0)  # the national follow-up (slug: a year) belongs to no worker
        if task.heavy():
            k = min(range(jobs), key=lambda j: (busy[j] + cost(task), j != k, j))
            busy[k] += cost(task)
        shares[k].append(task)
    return shares


def _warm_up() -> None:
    from ..pdf import warm_up

    warm_up()


# -- the pools: the same four steps, serially or in forked processes ----------------------------
#
#   load()              each worker validates and scores its share of the answer files
#   submit(tasks, ctx)  tasks go to workers (assign: pinned to the owner, PDFs spread); results() yields them
#   aside(*args)        one low-priority job beside the workers (the shared pages); aside_result()
#   close()
#
# The pools know nothing of the build but these calls on the Worker: load, ready_ahead, ready,
# run, side.


class SerialPool:
    """The same steps in this process, one after the other."""

    processes = 1

    def __init__(self, worker: Worker, paths: list[Path]):
        self.worker, self.paths = worker, paths

    def load(self):
        with collector_paused():
            return self.worker.load(self.paths)

    def submit(self, tasks: list[Task], context: tuple) -> None:
        self.tasks, self.context = tasks, context

    def results(self):
        for task in self.tasks:
            yield task, self.worker.run(task, self.context)

    def aside(self, *args) -> None:
        self.side = self.worker.side(*args)

    def aside_result(self):
        return self.side

    def close(self) -> None:
        pass


# -- in forked processes ----------------------------------------------------------------------

_CHUNK = 250  # answer files a worker loads between reports to the parent


def _die_with_parent(parent: int) -> None:
    """Ask Linux to kill this process when the build that forked it dies (even by SIGKILL), so a
    killed build leaves no worker holding its staging folder's lock or writing into it."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (AttributeError, OSError):
        pass  # elsewhere a worker notices when it next talks to the parent
    if os.getppid() != parent:  # the parent died before that took effect
        os._exit(1)


_PR_SET_PDEATHSIG = 1


def _in_child(conn, work, parent: int) -> None:
    """Run a forked process's work; report any failure to the parent, then leave without cleanup."""
    status = 0
    try:
        _die_with_parent(parent)
        # Ctrl-C reaches every process of the terminal's group: the parent decides, and stops these.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        work()
    except BaseException:
        status = 1
        try:
            conn.send(("error", traceback.format_exc()))
        except OSError:
            pass
    finally:
        conn.close()
        os._exit(status)


def _work(worker: Worker, conn, paths: list[Path]) -> None:
    """A forked worker: load its share, report it, get ready, then run the tasks the parent sends."""
    for start in range(0, len(paths), _CHUNK):  # in pieces, so the parent unpickles while this goes on
        with collector_paused():
            conn.send(("loaded", *worker.load(paths[start : start + _CHUNK])))
    conn.send(("all loaded",))
    worker.ready_ahead(paths)
    message = conn.recv()
    if message[0] == "tasks":
        _, tasks, context = message
        worker.ready(tasks)
        for task in tasks:
            conn.send(("done", task, worker.run(task, context)))
    conn.send(("finished",))


def _side_work(worker: Worker, conn, *args) -> None:
    """The side job, at low priority: it takes the cores the workers leave free."""
    os.nice(10)
    conn.send(("side", worker.side(*args)))


class ForkedPool:
    """Forked worker processes, each owning every jobs-th answer file."""

    def __init__(self, worker: Worker, paths: list[Path], jobs: int):
        self.worker, self.jobs, self.processes = worker, jobs, jobs
        self.owner = {p.stem: k % jobs for k, p in enumerate(paths)}
        self.warm = frozenset(k for k in range(jobs) if worker.warms_ahead(paths[k::jobs]))
        self.procs: list = []
        self.reader: threading.Thread | None = None
        self.side_conn = None
        self.conns = [self._fork(_work, paths[k::jobs]) for k in range(jobs)]

    def _fork(self, work, *args):
        ctx = multiprocessing.get_context("fork")
        parent_end, child_end = ctx.Pipe()
        worker = self.worker
        proc = ctx.Process(target=_in_child, args=(child_end, lambda: work(worker, child_end, *args), os.getpid()), daemon=True)
        proc.start()
        child_end.close()
        self.procs.append(proc)
        return parent_end

    def _receive(self, conn):
        try:
            message = conn.recv()
        except (EOFError, OSError):
            raise RuntimeError("a build worker process stopped unexpectedly") from None
        if message[0] == "error":
            raise RuntimeError("a build worker process failed:\n" + message[1])
        return message

    def load(self):
        summaries, encoded, problems, invalid = {}, {}, [], []
        pending = list(self.conns)
        while pending:
            for conn in multiprocessing.connection.wait(pending):
                message = self._receive(conn)
                if message[0] == "all loaded":
                    pending.remove(conn)
                    continue
                _, s, e, p, i = message
                summaries.update(s)
                encoded.update(e)
                problems += p
                invalid += i
        return summaries, encoded, problems, invalid

    def submit(self, tasks: list[Task], context: tuple) -> None:
        index, root, national = context
        for conn, share in zip(self.conns, assign(tasks, self.owner, self.jobs, self.warm)):
            try:
                # The comparison index only to workers that render delivery parts (it is the biggest
                # message), and each year's national view only to the worker that renders it.
                years = {t.slug for t in share if parts.of(t.part).scope == parts.YEAR}
                conn.send(
                    (
                        "tasks",
                        share,
                        (index if any(parts.of(t.part).compares for t in share) else None, root, {y: national[y] for y in years}),
                    )
                )
            except OSError:
                self._receive(conn)  # the worker has stopped: raise what it said
                raise
        # Read the workers' reports as they come, while this thread waits for the side job:
        # unread, they would fill the pipes and stop the workers.
        self.inbox: queue.Queue = queue.Queue()
        self.reader = threading.Thread(target=self._read_reports, daemon=True)
        self.reader.start()

    def _read_reports(self) -> None:
        pending = list(self.conns)
        try:
            while pending:
                for conn in multiprocessing.connection.wait(pending):
                    message = self._receive(conn)
                    if message[0] == "finished":
                        pending.remove(conn)
                    else:
                        self.inbox.put(message)
        except BaseException as exc:  # handed to the main thread
            self.inbox.put(("failed", exc))
        self.inbox.put(("all finished",))

    def results(self):
        while True:
            message = self.inbox.get()
            if message[0] == "all finished":
                return
            if message[0] == "failed":
                raise message[1]
            yield message[1], message[2]

    def aside(self, *args) -> None:
        # Forked before the thread that reads the workers' reports starts.
        self.side_conn = self._fork(_side_work, *args)

    def aside_result(self):
        return self._receive(self.side_conn)[1]

    def close(self) -> None:
        for proc in self.procs:
            if proc.is_alive():
                proc.kill()
            proc.join()
        if self.side_conn is not None:
            self.side_conn.close()
            self.side_conn = None
        if self.reader is not None:
            self.reader.join()
        for conn in self.conns:
            conn.close()
        self.procs, self.conns, self.reader = [], [], None


def pool(worker: Worker, paths: list[Path], jobs: int, make_pdf: bool):
    """Forked workers when they pay off (PDFs, or many organisations), else the serial twin."""
    parallel = jobs > 1 and len(paths) > 1 and (make_pdf or len(paths) >= 64) and "fork" in multiprocessing.get_all_start_methods()
    return ForkedPool(worker, paths, jobs) if parallel else SerialPool(worker, paths)


# -- one renderer per part of the table (pipeline/parts.py): (worker, task, its result or year's view,
# the comparison index) -> {path relative to the output: bytes or text}


def _prefixed(root: str, bundle: dict) -> dict:
    return {f"{root}/{k}": v for k, v in bundle.items()}


def _site(w: Worker, task: Task, result, index) -> dict:
    corrected = correction.corrected_on(w.delivered.get(task.slug), result.latest.year)  # "Rättad <datum>"
    return _prefixed(layout.PUBLIC, site.public_organisation_files(w.project, result, pdf_linked=task.pdf_linked, corrected=corrected))


def _site_pdf(w: Worker, task: Task, result, index) -> dict:
    return _prefixed(layout.PUBLIC, site.public_pdf_files(w.project, result))


def _delivery(w: Worker, task: Task, result, index) -> dict:
    # A delivered year compares with the year as it stood at its first delivery (basis.py).
    comparisons = peergroups.comparison(w.project.ins, result, index.index_for(result), with_points=False)
    return _prefixed(layout.DELIVERY, site.delivery_files(w.project, result, comparisons=comparisons))


def _delivery_pdf(w: Worker, task: Task, result, index) -> dict:
    full = peergroups.comparison(w.project.ins, result, index.index_for(result), with_points=True)
    rattelse = None
    if task.slug in w.delivered:  # a package delivered before: its page "Rättelse"
        now = orjson.loads(orjson.dumps(site.delivery_data(w.project, result, comparisons=full)))
        rattelse = correction.correction_view(w.project.ins, w.delivered[task.slug], w.archive_root, task.slug, now)
    return _prefixed(
        layout.DELIVERY, site.delivery_pdf_files(w.project, result, comparisons=[c.as_shown() for c in full], correction=rattelse)
    )


def _national(w: Worker, task: Task, view: NationalView, index) -> dict:
    return _prefixed(layout.PUBLIC, site.national_page_files(w.project, view, pdf_linked=task.pdf_linked))


def _national_pdf(w: Worker, task: Task, view: NationalView, index) -> dict:
    return _prefixed(layout.PUBLIC, site.national_pdf_files(w.project, view))


RENDERERS = {
    "site": _site,
    "site-pdf": _site_pdf,
    "leverans": _delivery,
    "leverans-pdf": _delivery_pdf,
    "national": _national,
    "national-pdf": _national_pdf,
}
