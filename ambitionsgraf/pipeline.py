"""The build, from answer files to a swapped-in output tree.

Incremental and parallel: every organisation's files get a content key (its
answer file, its comparison figures, the code, templates and content, the
options). The previous output is carried over by hard links, and only
organisations whose key changed are rendered again, in a process pool that
keeps WeasyPrint and its fonts warm. A build whose inputs are all unchanged
stops before importing anything heavy.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import pickle
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from . import VERSION
from .answers import display_path, parse_organisation, read_files
from .problems import ContentError, Problem

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


def load_project(project_dir: Path, site_url: str):
    from .content import load_guidance
    from .instrument import load_instrument
    from .render import environment
    from .site import Project

    content = project_dir / "content"
    templates = project_dir / "templates"
    ins = load_instrument(content / "instrument.yaml")
    return Project(
        ins=ins,
        guidance=load_guidance(ins, content),
        env=environment(templates),
        site_css=(templates / "assets" / "site.css").read_text(encoding="utf-8"),
        print_css=(templates / "print" / "report.css").read_text(encoding="utf-8"),
        site_url=site_url if site_url.endswith("/") else site_url + "/",
    )


# -- parsed and scored organisations, cached by content -------------------------------


class ScoreCache:
    """Each valid answer file's scored result, keyed by the code and the file's exact bytes.

    Lives beside the output folder (never deployed); entries not used by a successful
    build are removed. Only this program writes it, so unpickling it is safe.
    """

    def __init__(self, out_dir: Path, code: str):
        self.dir = out_dir.parent / f".{out_dir.name}-cache"
        self.code = code
        self.used: set[Path] = set()

    def _entry(self, shown: str, content: bytes) -> Path:
        h = hashlib.sha256(self.code.encode() + b"\0" + shown.encode() + b"\0" + content).hexdigest()
        return self.dir / f"{h}.pickle"

    def load_and_score(self, ins, data: dict[Path, bytes]):
        from .scoring import score_organisation

        results, problems, invalid = {}, [], []
        for path, content in sorted(data.items()):
            shown = display_path(path)
            entry = self._entry(shown, content)
            self.used.add(entry)
            try:
                result = pickle.loads(entry.read_bytes())
            except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
                org, found = parse_organisation(ins, path, content, shown)
                if org is None:
                    problems += found
                    invalid.append(shown)
                    continue
                result = score_organisation(ins, org)
                self.dir.mkdir(parents=True, exist_ok=True)
                tmp = entry.with_suffix(f".{os.getpid()}.tmp")
                tmp.write_bytes(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
                os.replace(tmp, entry)
            results[result.organisation.slug] = result
        return results, problems, invalid

    def forget_unused(self) -> None:
        if self.dir.is_dir():
            for entry in self.dir.glob("*.pickle"):
                if entry not in self.used:
                    entry.unlink(missing_ok=True)


# -- rendering one organisation (in a worker process, or here) ----------------------

_WORK: dict = {}  # set before the pool forks, so workers inherit the project and results


def _render(task: tuple[str, str]) -> dict[str, bytes | str]:
    """One part of one organisation's files: its delivery package, or its public page and PDF.

    The parts are separate tasks so that two workers can render one organisation's two PDFs at once.
    """
    from .site import delivery_files, public_organisation_files

    slug, part = task
    project, results, comparisons, make_pdf = (_WORK[k] for k in ("project", "results", "comparisons", "make_pdf"))
    r = results[slug]
    if part == "leverans":
        files = delivery_files(project, r, make_pdf=make_pdf, comparisons=comparisons[slug])
    else:
        files = public_organisation_files(project, r, make_pdf=make_pdf)
    return {f"{part}/{k}": v for k, v in files.items()}


def _org_key(code: str, opts: BuildOptions, data: bytes, comparison: list[dict]) -> str:
    # The whole comparison, peers' anonymous points included: all of it is drawn in the PDF.
    h = hashlib.sha256(json.dumps([code, opts.make_pdf, opts.site_url, comparison], default=str, sort_keys=True).encode())
    h.update(data)
    return h.hexdigest()


def _pool(jobs: int):
    if jobs == 1 or "fork" not in multiprocessing.get_all_start_methods():
        return None
    return ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("fork"))


# -- the build -----------------------------------------------------------------


def build(opts: BuildOptions) -> BuildSummary:
    """Validate everything, then write a fresh tree; raise ContentError before writing if anything is wrong."""
    started = time.perf_counter()
    summary = BuildSummary()
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
    project = load_project(opts.project_dir, opts.site_url)
    cache = ScoreCache(opts.out_dir, code)
    results, problems, invalid = cache.load_and_score(project.ins, data)
    orgs = [r.organisation for r in results.values()]
    problems, invalid = read_problems + problems, [p.path for p in read_problems] + invalid
    summary.problems, summary.invalid = problems, invalid
    if problems and not opts.keep_going:
        raise ContentError(problems)
    if opts.only and opts.only not in results:
        raise ContentError(problems + [Problem(str(opts.orgs_dir / f"{opts.only}.yaml"), 1, "--only", "no valid answer file for this slug")])
    t = stage("load+validate+score", t)

    from .overview import ComparisonIndex, comparison
    from .site import shared_site_files, sitemap
    from .writer import Staging

    index = ComparisonIndex(project.ins, list(results.values()))
    comparisons = {slug: comparison(project.ins, r, index) for slug, r in results.items()}
    published = [r for r in results.values() if r.organisation.published]
    summary.organisations, summary.published = len(results), len(published)
    t = stage("compare", t)

    data_of = {display_path(p): content for p, content in data.items()}
    keys = {o.slug: _org_key(code, opts, data_of[o.path], comparisons[o.slug]) for o in orgs}
    previous = manifest.get("orgs", {}) if manifest.get("code") == code or opts.only else {}
    todo = [
        slug for slug in results
        if (opts.only is None or slug == opts.only)
        and not (previous.get(slug, {}).get("key") == keys[slug]
                 and all((opts.out_dir / f).is_file() for f in previous[slug]["files"]))
    ]
    # Everything not rendered now is carried over from the previous build; under --only that
    # includes organisations that changed. Public files of an organisation that is not
    # published (any more) are never carried over.
    keep = {
        slug: {**previous[slug], "files": [f for f in previous[slug]["files"]
                                           if results[slug].organisation.published or not f.startswith("site/")]}
        for slug in results if slug in previous and slug not in todo
    }

    staging = Staging(opts.out_dir, carry_over=True)
    try:
        # Only what this build writes or keeps survives: stale files of deleted or unpublished organisations go.
        kept_files = {f for entry in keep.values() for f in entry["files"]}
        staging.prune(keep=kept_files)
        # A build that skipped invalid files must run again next time, to report them again.
        new_manifest = {"inputs": None if problems else inputs, "code": code, "orgs": dict(keep)}
        site_paths = [f.removeprefix("site/") for f in kept_files if f.startswith("site/")]

        def put(bundle: dict[str, bytes | str]) -> list[str]:
            for rel, data in bundle.items():
                staging.write(rel, data)
                summary.pdfs += rel.endswith(".pdf")
                summary.pages += rel.endswith(".html")
                if rel.startswith("site/"):
                    site_paths.append(rel.removeprefix("site/"))
            return sorted(bundle)

        put({"site/" + k: v for k, v in shared_site_files(project, published).items()})
        t = stage("shared pages", t)

        _WORK.update(project=project, results=results, comparisons=comparisons, make_pdf=opts.make_pdf)
        jobs = opts.jobs or os.cpu_count() or 1
        # Without PDFs an organisation renders in milliseconds; a pool pays off only for many.
        tasks = [(slug, part) for slug in todo for part in ("leverans", "site") if part == "leverans" or results[slug].organisation.published]
        pool = _pool(jobs) if len(tasks) > 1 and (opts.make_pdf or len(todo) >= 64) else None
        if pool is not None and opts.make_pdf:
            from .pdf import warm_up

            warm_up()  # import WeasyPrint and load fonts once, before the workers fork
        progress = _progress(len(todo), opts.progress)
        try:
            bundles = pool.map(_render, tasks, chunksize=max(1, len(tasks) // (jobs * 8))) if pool else map(_render, tasks)
            for (slug, part), bundle in zip(tasks, bundles):
                entry = new_manifest["orgs"].setdefault(slug, {"key": keys[slug], "files": []})
                entry["files"] = sorted(entry["files"] + put(bundle))
                progress.update(part == "leverans")
        finally:
            progress.close()
            if pool is not None:
                pool.shutdown()
        t = stage("render organisations", t)
        summary.rendered = len(todo)
        summary.reused = len(results) - len(todo)

        staging.write("site/sitemap.xml", sitemap(project, site_paths))
        staging.write(MANIFEST, json.dumps(new_manifest, sort_keys=True, indent=1))
        staging.commit()
        cache.forget_unused()
        stage("write", t)
    except BaseException:
        staging.abort()
        raise
    finally:
        _WORK.clear()
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

    return tqdm(total=total, unit="org", desc="rendering", leave=False)
