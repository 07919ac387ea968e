"""The build: gather the inputs, load, compare, plan, execute, swap in.

    inputs  ->  load (workers)  ->  compare  ->  plan (pure)  ->  render (workers)  ->  swap

Each stage is a module of this package; this function only hands values from one to the next.
"""

from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass, replace

import orjson

from .. import charts, layout, search, site
from ..answers import did_you_mean, display_paths, duplicate_codes, duplicate_names, not_measured
from ..archive import Archive, keep_as_delivered
from ..basis import comparer
from ..correction import delivery_key
from ..national import charts_of, report_digest
from ..peergroups import comparison
from ..problems import ContentError, Problem
from ..project import Project
from ..render import compile_all
from ..settings import load_settings, url_problem
from ..text import plural
from ..writer import BuildWriter, make_private
from . import execute, output, parts
from .cache import BuildCache
from .inputs import (
    code_fingerprint,
    data_digest,
    inputs_fingerprint,
    load_project,
    previous_national,
    previous_parts,
    previous_search,
    read_answer_files,
)
from .options import BuildOptions, BuildSummary, Interrupted, Interruption
from .plan import CARRY, RENDER, SEARCH, NationalInput, OrgInput, PlanInputs, listed_of, plan, search_decision


def build(opts: BuildOptions) -> BuildSummary:
    """Validate everything, then write a fresh tree; raise ContentError before writing if anything is wrong."""
    started = time.perf_counter()
    summary = BuildSummary()
    if not opts.orgs_dir.is_dir():
        raise ContentError([Problem(str(opts.orgs_dir), 1, "--orgs", "no such folder of answer files")])
    out_problems = output.check_out_dir(opts.out_dir, opts.orgs_dir, opts.project_dir)
    if out_problems:
        raise ContentError(out_problems)
    settings, settings_data = project_settings(opts)
    summary.no_address = settings.site_url is None
    with output.exclusive(opts.out_dir, opts.cache_folder):
        summary.leftovers = output.remove_leftovers(opts.out_dir)
        data, read_problems = read_answer_files(opts.orgs_dir)
        code = code_fingerprint(opts.project_dir, settings_data)
        archive = Archive(opts.archive_folder)  # read only: what was delivered, and each delivered year's comparison basis
        inputs = inputs_fingerprint(
            code, [opts.make_pdf, settings.site_url, opts.only, opts.keep_going, opts.search, archive.digest(), opts.strict], data
        )
        manifest = output.read_manifest(opts.out_dir)
        previous = previous_parts(opts.out_dir, manifest)
        national = previous_national(opts.out_dir, manifest)
        index_before = previous_search(opts.out_dir, manifest)
        whole = all(part.present for parts in (*previous.values(), *national.values()) for part in parts.values()) and (
            index_before is None or index_before.present
        )
        if manifest is not None and manifest.get("inputs") == inputs and not read_problems and whole:
            make_private(opts.out_dir)  # an output an earlier version wrote: its delivery packages were readable by all
            summary.unchanged = True
            summary.organisations = len(manifest.get("orgs", {}))
            summary.seconds = time.perf_counter() - started
            return summary
        with execute.frozen_for_the_build():
            try:
                _build(opts, settings, summary, data, read_problems, code, inputs, previous, national, index_before, archive)
            except (ContentError, KeyboardInterrupt, Interrupted):
                raise
            except Exception as exc:
                # A failure that is not the inputs' fault: whatever the cache gave may be to blame,
                # so it goes, and the next build makes everything afresh.
                cache_file = BuildCache(opts.cache_folder, opts.out_dir, code).path
                if cache_file.exists():
                    cache_file.unlink(missing_ok=True)
                    raise RuntimeError(f"{exc} (the build cache {cache_file} was removed; run the build again)") from exc
                raise
    summary.seconds = time.perf_counter() - started
    return summary


NO_ADDRESS = (
    "no site address (webbplats in installningar.yaml, or --site-url): the PDFs and action plans "
    "carry no links to the site, 404.html links from the domain's root, and sitemap.xml and the open data's "
    "catalogue for dataportal.se (data/katalog.rdf) are not written"
)


def project_settings(opts: BuildOptions):
    """The settings file, with --site-url in place of its address when given; ContentError when bad."""
    path = opts.settings_path
    settings, data = load_settings(path, str(path) if opts.settings_file is not None else path.name)
    if opts.site_url:
        why = url_problem(opts.site_url)
        if why:
            raise ContentError([Problem(opts.site_url, 1, "--site-url", why)])
        settings = settings.with_site_url(opts.site_url)
    return settings, data


def _stage(summary: BuildSummary, name: str, t0: float) -> float:
    now = time.perf_counter()
    summary.stages[name] = summary.stages.get(name, 0.0) + now - t0
    return now


@dataclass
class _Loaded:
    """What the load stage hands on: every valid organisation's summary, and what was wrong."""

    results: dict  # slug -> OrganisationSummary, sorted by slug
    encoded: dict  # slug -> the summary as the cache stores it
    problems: list[Problem]


@dataclass
class _Setup:
    """What the build makes before it forks, so that the workers inherit it."""

    project: Project
    cache: BuildCache
    paths: list  # the answer files read, sorted
    shown: dict  # path -> as messages name it
    keys: dict  # path -> its cache key
    frames: tuple  # the chart frame and the phone's
    worker: execute.Worker
    jobs: int


def _set_up(opts, settings, code, data, archive) -> _Setup:
    cache = BuildCache(opts.cache_folder, opts.out_dir, code)
    project = _project(opts, settings, cache)
    paths = sorted(data)
    shown = display_paths(paths)
    keys = {p: cache.key(shown[p], data[p]) for p in paths}
    # The chart frames from the cache when it has them: drawing needs matplotlib, 0.5 s to import.
    frame = cache.frame() or charts.frame(project.ins)
    charts.remember_frame(project.ins, frame)
    phone_frame = cache.phone_frame() or charts.frame(project.ins, phone=True)
    charts.remember_frame(project.ins, phone_frame, phone=True)
    jobs = min(opts.jobs or os.cpu_count() or 1, max(1, len(paths)))
    cached = cache.keys()
    if sum(keys[p] not in cached for p in paths) > jobs:
        # Many files changed (a clean build): every process renders with most templates, compiled
        # here once. A correction renders a few parts: each process compiles the templates it uses,
        # and compiling all of them (0.2 s) no longer comes before the rebuild's first task.
        compile_all(project.env)
    worker = execute.Worker(
        project=project,
        data=data,
        shown=shown,
        keys=keys,
        cached=cached,
        make_pdf=opts.make_pdf,
        paths={p.stem: p for p in paths if p.suffix == ".yaml"},  # only a .yaml file can be valid
        delivered=archive.by_slug(),
        archive_root=str(archive.root),
    )
    return _Setup(project, cache, paths, shown, keys, (frame, phone_frame), worker, jobs)


def _build(opts, settings, summary, data, read_problems, code, inputs, previous, previous_national_parts, index_before, archive) -> None:
    t = time.perf_counter()
    setup = _set_up(opts, settings, code, data, archive)
    project = setup.project
    pool = execute.pool(setup.worker, setup.paths, setup.jobs, opts.make_pdf)
    staging = indexer = None
    try:
        loaded = _load(opts, summary, setup.cache, setup.worker, pool, read_problems)
        t = _stage(summary, "load+validate+score", t)
        staging = _staging(opts.out_dir)
        # -- the listed organisations: the shared pages, the search index and the national follow-up
        candidates, records = _candidates(opts, project, loaded, setup.worker)
        listed = listed_of(candidates, previous, opts.only)  # the plan lists exactly these (plan.listed_of)
        listed_results = [loaded.results[slug] for slug in listed]
        # They depend only on the listed organisations: start them now, on the cores the workers leave
        # idle while this process compares and plans. The index's decision is the plan's own rule
        # (plan.search_decision), taken on the same values.
        by_slug = {o.slug: o for o in candidates}
        wanted = search_decision(code, project.site_url, opts.search, [(s, by_slug[s].search_record) for s in listed], index_before)
        if wanted is not None and wanted.action == RENDER:
            indexer = search.Indexer.start(staging.dir / layout.PUBLIC, [records[s] for s in listed], search.indexed_pages(project))
        pool.aside(listed_results, staging.dir)
        index, orgs = _compare(project, archive, loaded, candidates)
        summary.organisations, summary.published = len(orgs), sum(o.published for o in orgs)
        t = _stage(summary, "compare", t)
        # round year -> its follow-up as shown (plan rule 6); the unpublished as counts only
        yearly = site.national_views(project, listed_results, list(loaded.results.values()))
        t = _stage(summary, "national follow-up", t)
        summary.plan = the_plan = plan(
            PlanInputs(
                code=code,
                site_url=project.site_url,
                make_pdf=opts.make_pdf,
                only=opts.only,
                orgs=orgs,
                previous=previous,
                complete=not loaded.problems,
                inputs=inputs,
                search=opts.search,
                previous_search=index_before,
                national=tuple(NationalInput(year, report_digest(view)) for year, view in yearly.items()),
                previous_national=previous_national_parts,
            )
        )
        t = _stage(summary, "plan", t)
        _execute(
            opts, summary, the_plan, pool, staging, indexer, (index, staging.dir, yearly), project, code, t, archive, setup.worker.delivered
        )
        _swap_in(opts, summary, staging, setup, loaded)
    except BaseException:
        pool.close()  # first: no worker may still be writing into the staging folder
        if indexer is not None:
            indexer.close()  # nor Pagefind
        if staging is not None:
            staging.abort()
        raise
    finally:
        pool.close()


def _compare(project: Project, archive, loaded: _Loaded, candidates) -> tuple:
    """Each organisation's comparisons with its groups. A delivered year compares with the year as it
    stood at its first delivery (basis.py)."""
    index = comparer(project.ins, archive, loaded.results)
    orgs = tuple(
        replace(
            o,
            comparisons=tuple(comparison(project.ins, loaded.results[o.slug], index.index_for(loaded.results[o.slug]), with_points=False)),
        )
        for o in candidates
    )
    return index, orgs


def _swap_in(opts, summary: BuildSummary, staging, setup: _Setup, loaded: _Loaded) -> None:
    """The new output in place of the old, whole, and the cache with it."""
    t = time.perf_counter()
    interruption = opts.interruption or Interruption()
    interruption.check()  # a stop that a library swallowed on its way: the previous output stays
    with interruption.held():
        staging.commit()
        valid = {r.organisation.path: slug for slug, r in loaded.results.items()}
        shown, keys = setup.shown, setup.keys
        encoded = {keys[p]: loaded.encoded[valid[shown[p]]] for p in setup.paths if shown[p] in valid}
        failed = setup.cache.write(encoded, setup.frames[0], setup.project.guidance, setup.frames[1])
    if failed:
        summary.notes.append(failed)
    _stage(summary, "write", t)


def _candidates(opts, project, loaded: _Loaded, worker) -> tuple[tuple[OrgInput, ...], dict]:
    """Every valid organisation as the planner needs it (its comparisons still to come), and the
    published ones' search records: each keyed on its answer file and on what of its deliveries
    its files show."""
    records = {slug: search.organisation_record(project, r) for slug, r in loaded.results.items() if r.organisation.published}
    digests = {slug: search.record_digest(rec) for slug, rec in records.items()}
    paths = sorted(worker.data)
    of_file = {worker.shown[p]: data_digest(worker.data[p]) for p in paths}
    # The answer files as the last build read them (its cache has their summaries); without a cache, all are taken to be.
    as_before = {worker.shown[p] for p in paths if worker.keys[p] in worker.cached or not worker.cached}
    candidates = tuple(
        OrgInput(
            slug,
            r.organisation.published,
            _with_deliveries(
                of_file[r.organisation.path],
                opts.out_dir if r.organisation.path in as_before else None,
                slug,
                r.latest.year,
                worker.delivered.get(slug),
            ),
            (),
            digests.get(slug),
        )
        for slug, r in loaded.results.items()
    )
    return candidates, records


def _project(opts, settings, cache: BuildCache):
    project = load_project(opts.project_dir, settings, guidance=cache.guidance())
    if set(project.guidance.steps) != {s.id for s in project.ins.steps}:  # a cached guidance of another instrument
        cache.distrust("holds guidance pages for other steps")
        project = load_project(opts.project_dir, settings)
    return project


def _load(opts, summary: BuildSummary, cache: BuildCache, worker, pool, read_problems: list[Problem]) -> _Loaded:
    """Validate and score (workers); summaries of unchanged files from the cache. ContentError when
    anything is wrong and the build was not asked to keep going."""
    summaries, encoded, problems, invalid = pool.load()
    parsed = set(summaries)
    summary.processes = pool.processes
    paths, shown, keys = sorted(worker.data), worker.shown, worker.keys
    with execute.collector_paused():
        stored = cache.summaries(worker.project.ins)  # decoded while the workers load their files or WeasyPrint
        unreadable = []
        for p in paths:
            if keys[p] in worker.cached:
                s = stored.get(keys[p])
                if s is not None and s.organisation.slug == p.stem and s.organisation.path == shown[p]:
                    summaries[s.organisation.slug] = s
                    encoded[s.organisation.slug] = cache.encoded(keys[p])
                else:
                    unreadable.append(p)
        if unreadable:  # promised by the cache's keys, but unusable: read them here after all
            if cache.note is None:
                cache.distrust("holds summaries that do not match their answer files")
            more, more_encoded, more_problems, more_invalid = worker.load(unreadable, skip_cached=False)
            summaries.update(more)
            encoded.update(more_encoded)
            parsed |= set(more)
            problems += more_problems
            invalid += more_invalid
    summary.parsed = sorted(parsed)
    # One name, one organisation: as `check` says it (answers.duplicate_names), over every file.
    # One place, one file: the same for kod (answers.duplicate_codes).
    by_shown = {shown[p]: worker.data[p] for p in paths}
    clashes = duplicate_names([(s.organisation.path, s.organisation.name) for s in summaries.values()], by_shown) + duplicate_codes(
        [(s.organisation.path, s.organisation.code) for s in summaries.values()], by_shown
    )
    if clashes:
        summaries = {slug: s for slug, s in summaries.items() if s.organisation.path not in {c.path for c in clashes}}
        problems, invalid = problems + clashes, invalid + [c.path for c in clashes]
    if cache.note:
        summary.notes.append(cache.note)
    # Workers report in the order they finish: sort by file (stable, so each file's problems keep their order).
    problems = sorted(read_problems + problems, key=lambda p: p.path)
    invalid = sorted({p.path for p in read_problems} | set(invalid))
    if not opts.strict:  # a file written ahead of its interviews: not measured yet, left out with a note
        waiting = {path for path in invalid if not_measured([p for p in problems if p.path == path])}
        problems = [p for p in problems if p.path not in waiting]
        invalid = [path for path in invalid if path not in waiting]
        summary.not_measured = sorted(waiting)
    summary.problems, summary.invalid = problems, invalid
    if problems and not opts.keep_going:
        raise ContentError(problems)
    if opts.only and opts.only not in summaries:
        raise ContentError(
            problems
            + [
                Problem(
                    str(opts.orgs_dir / f"{opts.only}.yaml"),
                    1,
                    "--only",
                    "no valid answer file for this slug" + did_you_mean(opts.only, summaries),
                )
            ]
        )
    return _Loaded(dict(sorted(summaries.items())), encoded, problems)


def _staging(out_dir):
    try:
        return output.Staging(out_dir)
    except OSError as exc:
        raise ContentError(
            [Problem(str(out_dir), 1, "--out", f"cannot write a new build beside it in {out_dir.parent}: {exc.strerror}")]
        ) from None


def _execute(
    opts, summary: BuildSummary, the_plan, pool, staging, indexer, context: tuple, project, code: str, t: float, archive, delivered: dict
) -> None:
    """Carry over, render (workers), the shared pages and the search index, then the sitemap and the
    manifest: every file of the new output is in the staging folder afterwards."""
    yearly = context[2]
    carried = {f for d in the_plan.carry + [d for d in the_plan.national if d.action == CARRY] for f in d.files}
    if the_plan.search is not None and the_plan.search.action == CARRY:
        carried |= set(the_plan.search.files)
    staging.carry_over(carried)
    writer = BuildWriter(staging.dir)
    writer.adopt(carried, carried=True)
    rendered: dict = {}
    tasks = [execute.Task(d.slug, d.part, d.pdf_linked) for d in the_plan.render + [d for d in the_plan.national if d.action == RENDER]]
    pool.submit(tasks, context)
    progress = _progress(len(tasks), opts.progress)
    try:
        for task, rels in pool.results():
            part = parts.of(task.part)
            drawn = [[c.file for c in charts_of(yearly[task.slug])]] if part.scope == parts.YEAR else []
            assert part.files is not None  # rendered by a worker: an organisation's part or a year's
            expected = part.files(task.slug, part.name, *drawn)
            if sorted(rels) != sorted(expected):
                raise RuntimeError(f"{task.slug} {task.part} was written as {rels}, not as the layout says")
            writer.adopt(rels)
            rendered[task.slug, task.part] = rels
            progress.update(1)
    finally:
        progress.close()
    t = _stage(summary, "render organisations", t)
    writer.adopt(pool.aside_result())
    t = _stage(summary, "shared pages", t)
    if indexer is not None:
        rendered["", SEARCH] = indexer.finish()
        writer.adopt(rendered["", SEARCH])
        t = _stage(summary, "search index (waited for)", t)
    # A delivered package, rendered again with its data unchanged, is handed out as delivered (archive.py).
    again = sorted({slug for slug, part in rendered if not parts.of(part).public and slug in delivered})
    kept = keep_as_delivered(staging.dir / layout.DELIVERY, again, archive)
    if kept:
        summary.notes.append(
            f"{plural(len(kept), 'file')} of delivered packages whose data did not change kept as delivered "
            "(the archive's copies), although this build rendered them anew"
        )
    _write_site_index(writer, project, the_plan.manifest(code, rendered))
    summary.pages, summary.pdfs = writer.pages, writer.pdfs
    fates = the_plan.organisations()
    summary.rendered, summary.reused = len(fates["rendered"]), len(fates["unchanged"])
    summary.missing, summary.stale = fates["missing"], fates["stale"]
    summary.documents_kept = the_plan.documents_kept if not opts.make_pdf else 0
    summary.documents_removed = the_plan.documents_removed


def _with_deliveries(digest: str, out_dir, slug: str, year: str, deliveries: list | None) -> str:
    """An organisation's data digest, and what of its deliveries its files show (correction.delivery_key):
    the delivery PDF's page "Rättelse" and the public page's "Rättad". `out_dir`: the previous output,
    whose delivery JSON is the current one when the answer file is as that build read it; None when the
    file changed (its JSON is then taken to differ from every delivered one, as a correction makes it)."""
    if not deliveries:
        return digest
    current = None
    if out_dir is not None:
        try:
            current = hashlib.sha256((out_dir / layout.DELIVERY / f"{slug}.json").read_bytes()).hexdigest()
        except OSError:
            pass
    key = delivery_key(deliveries, year, current)
    return digest if key is None else hashlib.sha256(digest.encode() + orjson.dumps(key)).hexdigest()


def _write_site_index(writer: BuildWriter, project, manifest: dict) -> None:
    """Last, when every other file is known: the sitemap (absolute addresses: only with the site's
    address) and the manifest that the next build plans from."""
    (writer.root / layout.PUBLIC).mkdir(exist_ok=True)
    if project.site_url is not None:
        site_paths = writer.under(layout.PUBLIC) + ["sitemap.xml"]
        writer.put(f"{layout.PUBLIC}/sitemap.xml", site.sitemap(project, site_paths))
    writer.put(output.MANIFEST, orjson.dumps(manifest, option=orjson.OPT_SORT_KEYS | orjson.OPT_INDENT_2))


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
