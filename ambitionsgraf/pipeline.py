"""The build, from answer files to a swapped-in output tree.

Incremental and parallel: every organisation's files get a content key (its
answer file, its comparison figures, the code, templates and content, the
options). The previous output is carried over by hard links, and only
organisations whose key changed are rendered again, in a process pool that
keeps WeasyPrint and its fonts warm. A build whose inputs are all unchanged
stops before importing anything heavy.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import multiprocessing
import multiprocessing.connection
import os
import pickle
import queue
import shutil
import threading
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from . import VERSION
from .answers import display_paths, parse_organisation, read_files
from .problems import ContentError, Problem
from .writer import FolderWriter, Staging

DEFAULT_SITE_URL = "https://example.github.io/ambitionsgraf/"
MANIFEST = ".manifest.json"  # beside site/ and leverans/, never deployed


@dataclass(frozen=True)
class BuildOptions:
    project_dir: Path
    orgs_dir: Path
    out_dir: Path
    make_pdf: bool = True
    only: str | None = None
    keep_going: bool = False
    site_url: str = DEFAULT_SITE_URL
    jobs: int = 0  # 0: one worker per core
    progress: bool = False


@dataclass
class BuildSummary:
    organisations: int = 0
    published: int = 0
    pages: int = 0
    pdfs: int = 0
    rendered: int = 0  # organisations rendered this time
    reused: int = 0  # organisations whose files were unchanged
    seconds: float = 0.0
    unchanged: bool = False  # nothing at all had changed
    problems: list[Problem] = field(default_factory=list)
    invalid: list[str] = field(default_factory=list)
    stages: dict[str, float] = field(default_factory=dict)


def answer_files(orgs_dir: Path) -> list[Path]:
    return sorted(p for p in orgs_dir.iterdir() if p.is_file() and p.suffix in (".yaml", ".yml")) if orgs_dir.is_dir() else []


def code_fingerprint(project_dir: Path) -> str:
    """Everything besides the answer files that shapes the output."""
    h = hashlib.sha256(VERSION.encode())
    for base in ("ambitionsgraf", "templates", "content", "constraints.txt"):
        root = project_dir / base
        for p in sorted(root.rglob("*")) if root.is_dir() else [root]:
            if p.is_file() and "__pycache__" not in p.parts:
                h.update(str(p.relative_to(project_dir)).encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()


def _inputs_fingerprint(opts: BuildOptions, code: str, data: dict[Path, bytes]) -> str:
    h = hashlib.sha256(json.dumps([code, opts.make_pdf, opts.site_url, opts.only, opts.keep_going]).encode())
    for p, content in sorted(data.items()):
        h.update(p.name.encode() + b"\0" + content + b"\0")
    return h.hexdigest()


def check_out_dir(opts: BuildOptions) -> list[Problem]:
    """The output folder is replaced whole: refuse one that holds anything but a previous build."""
    out = opts.out_dir.resolve()
    shown = str(opts.out_dir)
    for other, what in ((opts.orgs_dir.resolve(), "the answer files"), (opts.project_dir.resolve(), "the project")):
        if out == other or out in other.parents:
            return [Problem(shown, 1, "--out", f"would replace {what}; choose an output folder of its own")]
    if out.is_dir():
        entries = {p.name for p in out.iterdir()}
        if entries and MANIFEST not in entries and not entries <= {"site", "leverans"}:
            return [Problem(shown, 1, "--out", "holds files that are not a previous build and would be deleted; choose an empty or new folder")]
    return []


def _read_manifest(out_dir: Path) -> dict:
    try:
        return json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def load_project(project_dir: Path, site_url: str, guidance=None):
    """The instrument, guidance, templates and styles; `guidance` when a cache has the pages converted already."""
    from .content import load_guidance
    from .instrument import load_instrument
    from .render import environment
    from .site import Project

    content = project_dir / "content"
    templates = project_dir / "templates"
    ins = load_instrument(content / "instrument.yaml")
    return Project(
        ins=ins,
        guidance=guidance if guidance is not None else load_guidance(ins, content),
        env=environment(templates),
        site_css=(templates / "assets" / "site.css").read_text(encoding="utf-8"),
        print_css=(templates / "print" / "report.css").read_text(encoding="utf-8"),
        site_url=site_url if site_url.endswith("/") else site_url + "/",
    )


# -- parsed and scored organisations, cached by content -------------------------------


class SummaryCache:
    """Every valid answer file's summary from the last build, keyed by the code and the file's exact bytes;
    and what that code made once: the chart frame, the compiled templates, the guidance pages.

    One file beside the output folder (never deployed), rewritten by each build with the
    entries of the files it read, so entries for files that are gone or changed drop out.
    A build reads no answer file whose summary is here unless it must render that
    organisation, does not import matplotlib when the frame is here, compiles no template
    whose source is unchanged, and converts no Markdown. The summaries are pickled apart:
    before forking, a build needs only their keys, and unpickling all of them (a quarter of
    a millisecond each) can wait until the workers have started. Only this program writes
    the file, so unpickling it is safe; a damaged or unreadable file counts as empty.
    """

    _BROKEN = (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError, IndexError)

    def __init__(self, out_dir: Path, code: str):
        self.path = out_dir.parent / f".{out_dir.name}-cache.pickle"
        self.code = code
        self._content: dict | None = None
        self._summaries: dict | None = None

    def key(self, shown: str, content: bytes) -> str:
        return hashlib.sha256(self.code.encode() + b"\0" + shown.encode() + b"\0" + content).hexdigest()

    def _read(self) -> dict:
        if self._content is None:
            try:
                with open(self.path, "rb") as f:
                    content = pickle.load(f)
            except self._BROKEN:
                content = None
            ok = isinstance(content, dict) and isinstance(content.get("keys"), frozenset) and isinstance(content.get("summaries"), bytes)
            self._content = content if ok else {"keys": frozenset(), "summaries": pickle.dumps({})}
        return self._content

    def _made_by_this_code(self, name: str):
        return self._read().get(name) if self._read().get("code") == self.code else None

    def keys(self) -> frozenset[str]:
        """The keys of the summaries stored: which files need not be read."""
        return self._read()["keys"]

    def read(self) -> dict:
        """The summaries by key. If they cannot be unpickled, none is returned: the build then
        reads those files after all (`keys` promised them)."""
        if self._summaries is None:
            try:
                summaries = pickle.loads(self._read()["summaries"])
            except self._BROKEN:
                summaries = None
            self._summaries = summaries if isinstance(summaries, dict) else {}
        return self._summaries

    def frame(self):
        return self._made_by_this_code("frame")

    def templates(self) -> dict[str, bytes]:
        # Jinja checks each entry against its template's source only, not the environment's
        # settings or its own version: those are code, so entries from other code are dropped.
        stored = self._made_by_this_code("templates")
        return dict(stored) if isinstance(stored, dict) else {}

    def guidance(self):
        return self._made_by_this_code("guidance")

    def write(self, summaries: dict, frame, templates: dict[str, bytes], guidance) -> None:
        tmp = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
        content = {"code": self.code, "frame": frame, "templates": templates, "guidance": guidance,
                   "keys": frozenset(summaries), "summaries": pickle.dumps(summaries, protocol=pickle.HIGHEST_PROTOCOL)}
        try:
            with open(tmp, "wb") as f:
                pickle.dump(content, f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, self.path)
        except OSError:
            tmp.unlink(missing_ok=True)  # a cache that cannot be written only makes the next build slower


# -- the work of one process: loading a share of the files, rendering parts -----------
#
# A build with several jobs forks worker processes once, after the project is loaded. Each
# owns a fixed share of the answer files: it validates and scores them, keeps the whole
# results, and sends only their summaries to the parent, which compares, decides what must be
# rendered and writes the shared pages. Each worker then renders its own organisations' parts
# straight into the staging folder; PDFs are spread over all workers (a worker that does not
# own the organisation reads its answer file again). A build with one job does the
# same in-process, through the same functions. Organisations whose answer file is unchanged
# since the last build are not read at all, unless they must be rendered: their summaries
# come from the cache.

_W: dict = {}  # project, data, shown, cached, keys, paths, make_pdf: set before workers fork
_LOCAL: dict = {}  # slug -> whole result, for the organisations this process loaded


@contextlib.contextmanager
def _collector_paused():
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


def _load_share(paths: list[Path]) -> tuple[dict, list[Problem], list[str]]:
    """Validate and score some answer files; return their summaries, problems and invalid files."""
    with _collector_paused():
        return _load_files(paths)


def _load_files(paths: list[Path], skip_cached: bool = True) -> tuple[dict, list[Problem], list[str]]:
    """The files whose summary is not cached (the parent has the cached ones), or all of them."""
    summaries, problems, invalid = {}, [], []
    cached = _W["cached"] if skip_cached else frozenset()
    for path in paths:
        if _W["keys"][path] in cached:
            continue
        summary, found = _read_one(path)
        if summary is None:
            problems += found
            invalid.append(_W["shown"][path])
            continue
        summaries[summary.organisation.slug] = summary
    return summaries, problems, invalid


def _read_one(path: Path):
    """Validate and score one file: its summary (the whole result is kept here), or its problems."""
    from .scoring import score_organisation, summarise

    org, found = parse_organisation(_W["project"].ins, path, _W["data"][path], _W["shown"][path])
    if org is None:
        return None, found
    result = score_organisation(_W["project"].ins, org)
    _LOCAL[org.slug] = result
    return summarise(result), found


def _whole(slug: str):
    """The whole result of a valid organisation: made here already, or read again (a few ms)."""
    if slug not in _LOCAL:
        _read_one(_W["paths"][slug])
    return _LOCAL[slug]


# An organisation's files come in parts, each rendered (and cached) on its own: its public
# page, data and PDF ("site", only when published), the delivery data and action plan
# ("leverans") and the delivery PDF ("leverans-pdf", only with PDFs). Only the delivery parts
# depend on other organisations, through the comparisons.
PARTS = ("site", "leverans", "leverans-pdf")


def _parts(summary, make_pdf: bool) -> list[str]:
    return [p for p in PARTS if (p != "site" or summary.organisation.published) and (p != "leverans-pdf" or make_pdf)]


def _is_heavy(part: str, make_pdf: bool) -> bool:
    return make_pdf and part != "leverans"


def _render(task: tuple[str, str], index, out: FolderWriter) -> list[str]:
    """Render one part of one organisation's files into the staging folder; return their paths."""
    from .overview import comparison
    from .site import delivery_files, delivery_pdf_files, public_organisation_files

    slug, part = task
    project, make_pdf = _W["project"], _W["make_pdf"]
    result = _whole(slug)
    if part == "site":
        bundle = {f"site/{k}": v for k, v in public_organisation_files(project, result, make_pdf=make_pdf).items()}
    else:
        render = delivery_files if part == "leverans" else delivery_pdf_files
        comparisons = comparison(project.ins, result, index, with_points=part == "leverans-pdf")
        bundle = {f"leverans/{k}": v for k, v in render(project, result, comparisons=comparisons).items()}
    return out.put_all(bundle)


def _write_shared(published: list, root: Path) -> list[str]:
    """Render the pages that belong to no organisation into the staging folder; return their paths."""
    from .site import shared_site_files

    return FolderWriter(root).put_all({"site/" + k: v for k, v in shared_site_files(_W["project"], published).items()})


def _in_child(conn, work) -> None:
    """Run a forked process's work; report any failure to the parent, then leave without cleanup."""
    status = 0
    try:
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


def _shared_child(conn, published: list, root: Path) -> None:
    """A forked process that writes the shared pages at low priority: they take the cores the
    workers leave free (a worker done with its PDFs), instead of slowing the workers down."""

    def work() -> None:
        os.nice(10)
        conn.send(("shared", _write_shared(published, root)))

    _in_child(conn, work)


class _InProcess:
    """The build's work done here, one step after the other."""

    def __init__(self, paths: list[Path]):
        self.paths = paths

    def loaded(self):
        return _load_share(self.paths)

    def start_render(self, assignments: list[list[tuple[str, str]]], index, root: Path) -> None:
        self.tasks, self.index, self.root = [t for share in assignments for t in share], index, root

    def results(self):
        out = FolderWriter(self.root)
        for task in self.tasks:
            yield task, _render(task, self.index, out)

    def start_shared(self, published: list, root: Path) -> None:
        self.shared = _write_shared(published, root)

    def shared_files(self) -> list[str]:
        return self.shared

    def close(self) -> None:
        pass


_CHUNK = 250  # answer files a worker loads between reports to the parent


def _worker(conn, paths: list[Path]) -> None:
    """A forked worker: load its share, report, then render what it is given."""
    _in_child(conn, lambda: _work(conn, paths))


def _work(conn, paths: list[Path]) -> None:
    """Load this worker's share, report it, then render the tasks the parent sends."""
    for start in range(0, len(paths), _CHUNK):  # in pieces, so the parent unpickles while this goes on
        conn.send(("loaded", *_load_share(paths[start:start + _CHUNK])))
    conn.send(("all loaded",))
    from .pdf import warm_up

    if _W["make_pdf"] and any(_W["keys"][p] not in _W["cached"] for p in paths):
        # Load WeasyPrint now, while the parent compares, in the workers that own a changed
        # file: _assign gives an organisation's delivery PDF, the longest task of a small
        # rebuild, to its owner unless another worker has fewer PDFs. A worker that only
        # might get a PDF loads it when it does: loading it ahead in every worker took CPU
        # from the one that mattered (two cores, three processes), 0.3 s of a rebuild.
        warm_up()
    message = conn.recv()
    if message[0] == "render":
        _, tasks, index, root = message
        if any(_is_heavy(part, _W["make_pdf"]) for _, part in tasks):
            warm_up()
        out = FolderWriter(root)
        for task in tasks:
            conn.send(("done", task, _render(task, index, out)))
    conn.send(("finished",))


class _Workers:
    """Forked worker processes, each owning every jobs-th answer file."""

    def __init__(self, paths: list[Path], jobs: int):
        ctx = multiprocessing.get_context("fork")
        self.shares = [paths[k::jobs] for k in range(jobs)]
        self.conns, self.procs = [], []
        for share in self.shares:
            parent_end, child_end = ctx.Pipe()
            proc = ctx.Process(target=_worker, args=(child_end, share), daemon=True)
            proc.start()
            child_end.close()
            self.conns.append(parent_end)
            self.procs.append(proc)

    def _receive(self, conn):
        try:
            message = conn.recv()
        except (EOFError, OSError):
            raise RuntimeError("a build worker process stopped unexpectedly") from None
        if message[0] == "error":
            raise RuntimeError("a build worker process failed:\n" + message[1])
        return message

    def loaded(self):
        summaries, problems, invalid = {}, [], []
        pending = list(self.conns)
        while pending:
            for conn in multiprocessing.connection.wait(pending):
                message = self._receive(conn)
                if message[0] == "all loaded":
                    pending.remove(conn)
                    continue
                _, s, p, i = message
                summaries.update(s)
                problems += p
                invalid += i
        return summaries, problems, invalid

    def start_render(self, assignments: list[list[tuple[str, str]]], index, root: Path) -> None:
        for conn, tasks in zip(self.conns, assignments):
            try:
                conn.send(("render", tasks, index if any(part != "site" for _, part in tasks) else None, root))
            except OSError:
                self._receive(conn)  # the worker has stopped: raise what it said
                raise
        # Read the workers' reports as they come, while this thread renders the shared pages:
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

    def start_shared(self, published: list, root: Path) -> None:
        ctx = multiprocessing.get_context("fork")
        self.shared_conn, child_end = ctx.Pipe()
        proc = ctx.Process(target=_shared_child, args=(child_end, published, root), daemon=True)
        proc.start()
        child_end.close()
        self.procs.append(proc)

    def shared_files(self) -> list[str]:
        return self._receive(self.shared_conn)[1]

    def close(self) -> None:
        for proc in self.procs:
            if proc.is_alive():
                proc.kill()
            proc.join()
        if getattr(self, "shared_conn", None) is not None:
            self.shared_conn.close()
            self.shared_conn = None
        if getattr(self, "reader", None) is not None:
            self.reader.join()
        for conn in self.conns:
            conn.close()
        self.procs, self.conns, self.reader = [], [], None


def _assign(tasks: list[tuple[str, str]], owner: dict[str, int], jobs: int, make_pdf: bool) -> list[list[tuple[str, str]]]:
    """Light parts stay with the worker that loaded the organisation; PDFs go to the least busy.
    Delivery PDFs, the longest, are handed out first, each to its organisation's owner when
    that is among the least busy: the owner of a changed file has loaded WeasyPrint already."""
    shares: list[list[tuple[str, str]]] = [[] for _ in range(jobs)]
    heavy = [0] * jobs
    for task in sorted(tasks, key=lambda t: (not _is_heavy(t[1], make_pdf), t[1] != "leverans-pdf", t)):
        k = owner[task[0]]
        if _is_heavy(task[1], make_pdf):
            k = min(range(jobs), key=lambda j: (heavy[j], j != owner[task[0]], j))
            heavy[k] += 1
        shares[k].append(task)
    return shares


def _manifest_parts(entry) -> dict:
    """An organisation's parts as the manifest lists them. A manifest written before parts
    existed lists one set of files: they are sorted into parts with no key, so that --only
    keeps them and every other build renders them again."""
    if not isinstance(entry, dict):
        return {}
    if not isinstance(entry.get("files"), list):
        return entry
    parts: dict = {}
    for f in entry["files"]:
        part = "site" if f.startswith("site/") else "leverans-pdf" if f.endswith(".pdf") else "leverans"
        parts.setdefault(part, {"key": None, "files": []})["files"].append(f)
    return parts


def _part_key(code: str, opts: BuildOptions, part: str, data: bytes, comparison: list[dict]) -> str:
    """What one part's files depend on: the code, the options, the answer file and, for the
    delivery parts, the comparisons: all of them for the data, what is shown for the PDF."""
    from .views import comparison_shown

    if part == "site":
        extra = None
    elif part == "leverans":
        extra = [{k: v for k, v in g.items() if k not in ("points", "points_digest")} for g in comparison]  # no peer points here
    else:
        extra = comparison_shown(comparison)
    h = hashlib.sha256(json.dumps([code, part, opts.make_pdf, opts.site_url, extra], default=str, sort_keys=True).encode())
    h.update(data)
    return h.hexdigest()


# -- the build -----------------------------------------------------------------


def build(opts: BuildOptions) -> BuildSummary:
    """Validate everything, then write a fresh tree; raise ContentError before writing if anything is wrong."""
    started = time.perf_counter()
    summary = BuildSummary()
    frozen_before = gc.get_freeze_count()
    if not opts.orgs_dir.is_dir():
        raise ContentError([Problem(str(opts.orgs_dir), 1, "--orgs", "no such folder of answer files")])
    out_problems = check_out_dir(opts)
    if out_problems:
        raise ContentError(out_problems)
    files = answer_files(opts.orgs_dir)
    data, read_problems = read_files(files)
    code = code_fingerprint(opts.project_dir)
    inputs = _inputs_fingerprint(opts, code, data)
    manifest = _read_manifest(opts.out_dir)
    if manifest.get("inputs") == inputs and (opts.out_dir / "site").is_dir():
        summary.unchanged = True
        summary.organisations = len(manifest.get("orgs", {}))
        summary.seconds = time.perf_counter() - started
        return summary

    def stage(name: str, t0: float) -> float:
        now = time.perf_counter()
        summary.stages[name] = summary.stages.get(name, 0.0) + now - t0
        return now

    t = time.perf_counter()
    cache = SummaryCache(opts.out_dir, code)
    project = load_project(opts.project_dir, opts.site_url, guidance=cache.guidance())
    paths = sorted(data)
    shown = display_paths(paths)
    cache_keys = {p: cache.key(shown[p], data[p]) for p in paths}
    from . import charts

    from . import site, views  # noqa: F401  (imported before forking: the workers need them too)
    from .render import StoredBytecode, compile_all

    # Before forking, so that the workers inherit them: the chart frame and the compiled
    # templates, both from the cache when it has them (drawing needs matplotlib, 0.5 s to import).
    frame = cache.frame() or charts.frame(project.ins)
    charts.remember_frame(project.ins, frame)
    project.env.bytecode_cache = StoredBytecode(cache.templates())
    templates = compile_all(project.env)
    cached = cache.keys()
    jobs = min(opts.jobs or os.cpu_count() or 1, max(1, len(paths)))
    _W.update(project=project, data=data, shown=shown, cached=cached, keys=cache_keys, make_pdf=opts.make_pdf,
              paths={p.stem: p for p in paths if p.suffix == ".yaml"})  # only a .yaml file can be valid
    # Forking pays off for PDFs, or for many organisations; a handful without PDFs is quicker here.
    parallel = jobs > 1 and len(paths) > 1 and (opts.make_pdf or len(paths) >= 64) and "fork" in multiprocessing.get_all_start_methods()
    engine = _Workers(paths, jobs) if parallel else _InProcess(paths)
    staging = None
    try:
        with _collector_paused():
            summaries, problems, invalid = engine.loaded()
            stored = cache.read()  # unpickled while the workers load their files or WeasyPrint
            unreadable = []
            for p in paths:
                if cache_keys[p] in cached:
                    if (cached_summary := stored.get(cache_keys[p])) is not None:
                        summaries[cached_summary.organisation.slug] = cached_summary
                    else:
                        unreadable.append(p)
            if unreadable:  # promised by the cache's keys, but it is damaged: read them here after all
                more, more_problems, more_invalid = _load_files(unreadable, skip_cached=False)
                summaries.update(more)
                problems += more_problems
                invalid += more_invalid
        # Workers report in the order they finish: sort by file (stable, so each file's problems keep their order).
        problems = sorted(read_problems + problems, key=lambda p: p.path)
        invalid = sorted([p.path for p in read_problems] + invalid)
        summary.problems, summary.invalid = problems, invalid
        if problems and not opts.keep_going:
            raise ContentError(problems)
        if opts.only and opts.only not in summaries:
            raise ContentError(problems + [Problem(str(opts.orgs_dir / f"{opts.only}.yaml"), 1, "--only", "no valid answer file for this slug")])
        t = stage("load+validate+score", t)

        from .overview import ComparisonIndex, comparison
        from .site import sitemap

        results = dict(sorted(summaries.items()))
        index = ComparisonIndex(project.ins, list(results.values()))
        published = [r for r in results.values() if r.organisation.published]
        summary.organisations, summary.published = len(results), len(published)
        data_of = {shown[p]: data[p] for p in paths}
        wanted = {slug: _parts(r, opts.make_pdf) for slug, r in results.items()}
        keys = {}
        for slug, r in results.items():
            compared = comparison(project.ins, r, index, with_points=False)
            for part in wanted[slug]:
                keys[slug, part] = _part_key(code, opts, part, data_of[r.organisation.path], compared)
        t = stage("compare", t)

        previous = manifest.get("orgs", {}) if manifest.get("code") == code or opts.only else {}

        def previous_part(slug: str, part: str) -> dict | None:
            entry = _manifest_parts(previous.get(slug)).get(part)
            return entry if isinstance(entry, dict) and isinstance(entry.get("files"), list) else None

        todo = [
            (slug, part) for slug in results if opts.only is None or slug == opts.only for part in wanted[slug]
            if not ((prev := previous_part(slug, part)) and prev.get("key") == keys[slug, part]
                    and all((opts.out_dir / f).is_file() for f in prev["files"]))
        ]
        # Every wanted part not rendered now is carried over from the previous build; under --only
        # that includes organisations that changed. Parts no longer wanted (the public files of an
        # organisation that is not published any more, PDFs in a build without them) are dropped.
        rendering = set(todo)
        keep = {
            slug: {part: prev for part in wanted[slug] if (slug, part) not in rendering and (prev := previous_part(slug, part))}
            for slug in results
        }
        keep = {slug: parts for slug, parts in keep.items() if parts}

        staging = Staging(opts.out_dir)
        # Only what this build writes or keeps survives: stale files of deleted or unpublished organisations go.
        kept_files = {f for parts in keep.values() for entry in parts.values() for f in entry["files"]}
        staging.carry_over(kept_files)
        # A build that skipped invalid files must run again next time, to report them again.
        new_manifest = {"inputs": None if problems else inputs, "code": code, "orgs": keep}
        site_paths = [f.removeprefix("site/") for f in kept_files if f.startswith("site/")]

        def count(rels) -> None:
            for rel in rels:
                summary.pdfs += rel.endswith(".pdf")
                summary.pages += rel.endswith(".html")
                if rel.startswith("site/"):
                    site_paths.append(rel.removeprefix("site/"))

        owner = {p.stem: k % jobs for k, p in enumerate(paths) if p.suffix == ".yaml"} if parallel else {}
        # The shared pages first: forked before the thread that reads the workers' reports starts.
        engine.start_shared(published, staging.dir)
        engine.start_render(_assign(todo, owner, jobs, opts.make_pdf) if parallel else [todo], index, staging.dir)
        progress = _progress(len(todo), opts.progress)
        try:
            for (slug, part), rels in engine.results():
                staging.adopt(rels)
                count(rels)
                new_manifest["orgs"].setdefault(slug, {})[part] = {"key": keys[slug, part], "files": rels}
                progress.update(1)
        finally:
            progress.close()
        t = stage("render organisations", t)
        shared = engine.shared_files()
        staging.adopt(shared)
        count(shared)
        t = stage("shared pages", t)
        summary.rendered = len({slug for slug, _ in todo})
        summary.reused = len(results) - summary.rendered

        staging.write("site/sitemap.xml", sitemap(project, site_paths))
        staging.write(MANIFEST, orjson.dumps(new_manifest, option=orjson.OPT_SORT_KEYS | orjson.OPT_INDENT_2))
        staging.commit()
        valid = {r.organisation.path: r for r in results.values()}
        cache.write({cache_keys[p]: valid[shown[p]] for p in paths if shown[p] in valid}, frame, templates, project.guidance)
        shutil.rmtree(opts.out_dir.parent / f".{opts.out_dir.name}-cache", ignore_errors=True)  # the cache of earlier versions
        stage("write", t)
    except BaseException:
        engine.close()  # first: no worker may still be writing into the staging folder
        if staging is not None:
            staging.abort()
        raise
    finally:
        engine.close()
        _W.clear()
        _LOCAL.clear()
        if not frozen_before:
            gc.unfreeze()  # whatever the build left unreachable can be collected again
    summary.seconds = time.perf_counter() - started
    return summary


class _NoProgress:
    def update(self, n):
        pass

    def close(self):
        pass


def _progress(total: int, wanted: bool):
    if not wanted or total < 2:
        return _NoProgress()
    from tqdm import tqdm

    return tqdm(total=total, unit="part", desc="rendering", leave=False)
