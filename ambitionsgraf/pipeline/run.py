"""The build: gather the inputs, load, compare, plan, execute, swap in.

    inputs  ->  load (workers)  ->  compare  ->  plan (pure)  ->  render (workers)  ->  swap

Each stage is a module of this package; this function only hands values from one to the next.
"""

from __future__ import annotations

import os
import time
from dataclasses import replace

import orjson

from ..answers import did_you_mean, display_paths, duplicate_names
from ..problems import ContentError, Problem
from ..writer import DuplicateOutput
from . import execute, output
from .cache import BuildCache
from .inputs import (code_fingerprint, data_digest, inputs_fingerprint, load_project, previous_national, previous_parts,
                     previous_search, read_answer_files)
from .options import BuildOptions, BuildSummary, Interrupted, Interruption
from .plan import CARRY, NATIONAL_PARTS, RENDER, SEARCH, NationalInput, OrgInput, PlanInputs, plan, plan_national, search_decision


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
        summary.leftovers_removed = output.remove_leftovers(opts.out_dir)
        data, read_problems = read_answer_files(opts.orgs_dir)
        code = code_fingerprint(opts.project_dir, settings_data)
        inputs = inputs_fingerprint(code, [opts.make_pdf, settings.site_url, opts.only, opts.keep_going, opts.search, opts.strict], data)
        manifest = output.read_manifest(opts.out_dir)
        previous = previous_parts(opts.out_dir, manifest)
        national = previous_national(opts.out_dir, manifest)
        index_before = previous_search(opts.out_dir, manifest)
        whole = (all(part.present for parts in (*previous.values(), *national.values()) for part in parts.values())
                 and (index_before is None or index_before.present))
        if manifest is not None and manifest.get("inputs") == inputs and not read_problems and whole:
            summary.unchanged = True
            summary.organisations = len(manifest.get("orgs", {}))
            summary.seconds = time.perf_counter() - started
            return summary
        with execute.frozen_for_the_build():
            try:
                _build(opts, settings, summary, data, read_problems, code, inputs, previous, national, index_before)
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


NO_ADDRESS = ("no site address (webbplats in installningar.yaml, or --site-url): the PDFs and action plans "
              "carry no links to the site, 404.html links from the domain's root, and sitemap.xml and the open data's "
              "catalogue for dataportal.se (data/katalog.rdf) are not written")


def project_settings(opts: BuildOptions):
    """The settings file, with --site-url in place of its address when given; ContentError when bad."""
    from ..settings import load_settings, url_problem

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


def _build(opts, settings, summary, data, read_problems, code, inputs, previous, previous_national_parts, index_before) -> None:
    t = time.perf_counter()
    cache = BuildCache(opts.cache_folder, opts.out_dir, code)
    project = load_project(opts.project_dir, settings, guidance=cache.guidance())
    if set(project.guidance.steps) != {s.id for s in project.ins.steps}:  # a cached guidance of another instrument
        cache.distrust("holds guidance pages for other steps")
        project = load_project(opts.project_dir, settings)
    paths = sorted(data)
    shown = display_paths(paths)
    cache_keys = {p: cache.key(shown[p], data[p]) for p in paths}

    from .. import charts, site, views  # noqa: F401  (imported before forking: the workers need them too)
    from ..render import compile_all

    # Before forking, so that the workers inherit them: the chart frame (from the cache when it
    # has it: drawing needs matplotlib, 0.5 s to import) and the compiled templates.
    frame = cache.frame() or charts.frame(project.ins)
    charts.remember_frame(project.ins, frame)
    phone_frame = cache.phone_frame() or charts.frame(project.ins, phone=True)
    charts.remember_frame(project.ins, phone_frame, phone=True)
    compile_all(project.env)
    cached = cache.keys()
    jobs = min(opts.jobs or os.cpu_count() or 1, max(1, len(paths)))
    worker = execute.Worker(project=project, data=data, shown=shown, keys=cache_keys, cached=cached, make_pdf=opts.make_pdf,
                            paths={p.stem: p for p in paths if p.suffix == ".yaml"})  # only a .yaml file can be valid
    pool = execute.pool(worker, paths, jobs, opts.make_pdf)
    staging = indexer = None
    try:
        # -- load: validate and score (workers), summaries of unchanged files from the cache
        summaries, encoded, problems, invalid = pool.load()
        parsed = set(summaries)
        summary.processes = pool.processes
        with execute.collector_paused():
            stored = cache.summaries(project.ins)  # decoded while the workers load their files or WeasyPrint
            unreadable = []
            for p in paths:
                if cache_keys[p] in cached:
                    s = stored.get(cache_keys[p])
                    if s is not None and s.organisation.slug == p.stem and s.organisation.path == shown[p]:
                        summaries[s.organisation.slug] = s
                        encoded[s.organisation.slug] = cache.encoded(cache_keys[p])
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
        clashes = duplicate_names([(s.organisation.path, s.organisation.name) for s in summaries.values()], {shown[p]: data[p] for p in paths})
        if clashes:
            summaries = {slug: s for slug, s in summaries.items() if s.organisation.path not in {c.path for c in clashes}}
            problems, invalid = problems + clashes, invalid + [c.path for c in clashes]
        if cache.note:
            summary.notes.append(cache.note)
        # Workers report in the order they finish: sort by file (stable, so each file's problems keep their order).
        problems = sorted(read_problems + problems, key=lambda p: p.path)
        invalid = sorted({p.path for p in read_problems} | set(invalid))
        if not opts.strict:  # a file written ahead of its interviews: not measured yet, left out with a note
            from ..answers import not_measured

            waiting = {path for path in invalid if not_measured([p for p in problems if p.path == path])}
            problems = [p for p in problems if p.path not in waiting]
            invalid = [path for path in invalid if path not in waiting]
            summary.not_measured = sorted(waiting)
        summary.problems, summary.invalid = problems, invalid
        if problems and not opts.keep_going:
            raise ContentError(problems)
        if opts.only and opts.only not in summaries:
            raise ContentError(problems + [Problem(str(opts.orgs_dir / f"{opts.only}.yaml"), 1, "--only", "no valid answer file for this slug" + did_you_mean(opts.only, summaries))])
        t = _stage(summary, "load+validate+score", t)
        results = dict(sorted(summaries.items()))
        try:
            staging = output.Staging(opts.out_dir)
        except OSError as exc:
            raise ContentError([Problem(str(opts.out_dir), 1, "--out", f"cannot write a new build beside it in "
                                                                      f"{opts.out_dir.parent}: {exc.strerror}")]) from None
        # Each published organisation's record in the search index: its aggregate results only.
        from ..search import organisation_record, record_digest

        records = {slug: organisation_record(project, r) for slug, r in results.items() if r.organisation.published}
        record_digests = {slug: record_digest(rec) for slug, rec in records.items()}

        def start_index(decision, slugs):
            """The search index, written beside the rest by Pagefind while this build goes on."""
            if decision is None or decision.action != RENDER:
                return None
            from ..search import Indexer, indexed_pages

            return Indexer.start(staging.dir / "site", [records[s] for s in slugs], indexed_pages(project))

        # A whole build lists every published organisation on the shared pages (plan rule 3 is
        # about --only): start them now, and the search index with them, on the cores the
        # workers leave idle while this process compares and plans.
        early = [r for r in results.values() if r.organisation.published] if opts.only is None else None
        if early is not None:
            early_slugs = [r.organisation.slug for r in early]
            early_search = search_decision(code, project.site_url, opts.search, [(s, record_digests[s]) for s in early_slugs], index_before)
            indexer = start_index(early_search, early_slugs)
            pool.aside(early, staging.dir)

        # -- compare
        from ..overview import ComparisonIndex, comparison

        index = ComparisonIndex(project.ins, list(results.values()))
        digest_of = {shown[p]: data_digest(data[p]) for p in paths}
        orgs = tuple(
            OrgInput(slug, r.organisation.published, digest_of[r.organisation.path],
                     tuple(comparison(project.ins, r, index, with_points=False)), record_digests.get(slug))
            for slug, r in results.items()
        )
        summary.organisations = len(results)
        summary.published = sum(o.published for o in orgs)
        t = _stage(summary, "compare", t)

        # -- plan
        the_plan = plan(PlanInputs(code=code, site_url=project.site_url, make_pdf=opts.make_pdf, only=opts.only, orgs=orgs,
                                   previous=previous, complete=not problems, inputs=inputs,
                                   search=opts.search, previous_search=index_before))
        t = _stage(summary, "plan", t)

        # -- the national follow-up: each round year's report over the organisations the shared
        # pages list (published ones only), planned like an organisation's parts (plan rule 6)
        from ..national import report_digest
        from ..site import national_files, national_views

        listed = [results[slug] for slug in the_plan.listed]
        yearly = national_views(project, listed)  # round year -> its follow-up as shown
        the_plan = replace(the_plan, national=plan_national(
            tuple(NationalInput(year, report_digest(view)) for year, view in yearly.items()), previous_national_parts,
            code=code, site_url=project.site_url, make_pdf=opts.make_pdf, only=opts.only))
        summary.plan = the_plan
        t = _stage(summary, "national follow-up", t)

        # -- execute: carry over, render, shared pages, manifest, swap
        carried = {f for d in the_plan.carry + [d for d in the_plan.national if d.action == CARRY] for f in d.files}
        if the_plan.search is not None and the_plan.search.action == CARRY:
            carried |= set(the_plan.search.files)
        staging.carry_over(carried)
        written = set(carried)
        rendered: dict = {}

        def adopt(rels) -> None:
            for rel in rels:
                if rel in written:
                    raise DuplicateOutput(f"{rel} would be written twice")
                written.add(rel)
                summary.pdfs += rel.endswith(".pdf")
                summary.pages += rel.endswith(".html")

        from ..site import part_files

        tasks = [execute.Task(d.slug, d.part, d.pdf_linked) for d in the_plan.render + [d for d in the_plan.national if d.action == RENDER]]
        if early is None:
            indexer = start_index(the_plan.search, the_plan.listed)
            pool.aside(listed, staging.dir)  # the shared pages; forked before the thread that reads the workers' reports starts
        elif early_slugs != list(the_plan.listed):
            raise RuntimeError("the shared pages were started for other organisations than the plan lists")
        elif early_search != the_plan.search:
            raise RuntimeError(f"the search index was started as '{early_search}', but the plan says '{the_plan.search}'")
        pool.submit(tasks, (index, staging.dir, yearly))
        progress = _progress(len(tasks), opts.progress)
        try:
            for task, rels in pool.results():
                expected = national_files(task.slug, task.part, yearly[task.slug]) if task.part in NATIONAL_PARTS else part_files(task.slug, task.part)
                if sorted(rels) != sorted(expected):
                    raise RuntimeError(f"{task.slug} {task.part} was written as {rels}, not as site.part_files says")
                adopt(rels)
                rendered[task.slug, task.part] = rels
                progress.update(1)
        finally:
            progress.close()
        t = _stage(summary, "render organisations", t)
        adopt(pool.aside_result())
        t = _stage(summary, "shared pages", t)
        if (indexer is not None) != (the_plan.search is not None and the_plan.search.action == RENDER):
            raise RuntimeError("the search index was not started as the plan says")
        if indexer is not None:
            rendered["", SEARCH] = indexer.finish()
            adopt(rendered["", SEARCH])
            t = _stage(summary, "search index (waited for)", t)

        from ..site import sitemap

        fates = the_plan.organisations()
        summary.rendered, summary.reused = len(fates["rendered"]), len(fates["unchanged"])
        summary.missing, summary.stale = fates["missing"], fates["stale"]
        summary.documents_kept = the_plan.documents_kept if not opts.make_pdf else 0
        summary.documents_removed = the_plan.documents_removed
        (staging.dir / "site").mkdir(exist_ok=True)
        if project.site_url is not None:  # a sitemap holds absolute addresses only
            adopt(["site/sitemap.xml"])
            site_paths = [f.removeprefix("site/") for f in written if f.startswith("site/")]
            (staging.dir / "site" / "sitemap.xml").write_text(sitemap(project, site_paths), encoding="utf-8")
        manifest = the_plan.manifest(code, rendered)
        (staging.dir / output.MANIFEST).write_bytes(orjson.dumps(manifest, option=orjson.OPT_SORT_KEYS | orjson.OPT_INDENT_2))
        interruption = opts.interruption or Interruption()
        interruption.check()  # a stop that a library swallowed on its way: the previous output stays
        with interruption.held():  # from here the new output goes in whole, and the cache with it
            staging.commit()
            valid = {r.organisation.path: slug for slug, r in results.items()}
            failed = cache.write({cache_keys[p]: encoded[valid[shown[p]]] for p in paths if shown[p] in valid}, frame, project.guidance, phone_frame)
        if failed:
            summary.notes.append(failed)
        _stage(summary, "write", t)
    except BaseException:
        pool.close()  # first: no worker may still be writing into the staging folder
        if indexer is not None:
            indexer.close()  # nor Pagefind
        if staging is not None:
            staging.abort()
        raise
    finally:
        pool.close()


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
