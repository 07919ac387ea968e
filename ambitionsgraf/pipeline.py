"""The build, from answer files to a swapped-in output tree."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from .answers import load_organisations
from .content import load_guidance
from .instrument import load_instrument
from .problems import ContentError, Problem
from .render import environment
from .scoring import score_organisation
from .site import Project, delivery_files, public_organisation_files, shared_site_files, sitemap
from .writer import Staging

DEFAULT_SITE_URL = "https://example.github.io/ambitionsgraf/"


@dataclass(frozen=True)
class BuildOptions:
    project_dir: Path
    orgs_dir: Path
    out_dir: Path
    make_pdf: bool = True
    only: str | None = None
    keep_going: bool = False
    site_url: str = DEFAULT_SITE_URL


@dataclass
class BuildSummary:
    organisations: int = 0
    published: int = 0
    pages: int = 0
    pdfs: int = 0
    seconds: float = 0.0
    problems: list[Problem] = field(default_factory=list)
    invalid: list[str] = field(default_factory=list)


def answer_files(orgs_dir: Path) -> list[Path]:
    return sorted(p for p in orgs_dir.iterdir() if p.is_file() and p.suffix in (".yaml", ".yml")) if orgs_dir.is_dir() else []


def load_project(project_dir: Path, site_url: str) -> Project:
    content = project_dir / "content"
    templates = project_dir / "templates"
    ins = load_instrument(content / "instrument.yaml")
    guidance = load_guidance(ins, content)
    return Project(
        ins=ins,
        guidance=guidance,
        env=environment(templates),
        site_css=(templates / "assets" / "site.css").read_text(encoding="utf-8"),
        print_css=(templates / "print" / "report.css").read_text(encoding="utf-8"),
        site_url=site_url if site_url.endswith("/") else site_url + "/",
    )


def build(opts: BuildOptions) -> BuildSummary:
    """Validate everything, then write a fresh tree; raise ContentError before writing if anything is wrong."""
    started = time.perf_counter()
    project = load_project(opts.project_dir, opts.site_url)
    if not opts.orgs_dir.is_dir():
        raise ContentError([Problem(str(opts.orgs_dir), 1, "--orgs", "no such folder of answer files")])
    orgs, problems, invalid = load_organisations(project.ins, answer_files(opts.orgs_dir))
    if problems and not opts.keep_going:
        raise ContentError(problems)
    if opts.only and opts.only not in {o.slug for o in orgs}:
        raise ContentError(problems + [Problem(str(opts.orgs_dir / f"{opts.only}.yaml"), 1, "--only", "no valid answer file for this slug")])
    results = [score_organisation(project.ins, o) for o in orgs]
    published = [r for r in results if r.organisation.published]
    summary = BuildSummary(organisations=len(results), published=len(published), problems=problems, invalid=invalid)

    staging = Staging(opts.out_dir, carry_over=bool(opts.only))
    try:
        site_paths: list[str] = []

        def put(prefix: str, files: dict) -> None:
            for rel, data in files.items():
                staging.write(prefix + rel, data)
                if prefix == "site/":
                    site_paths.append(rel)
                summary.pdfs += rel.endswith(".pdf")
                summary.pages += rel.endswith(".html")

        put("site/", shared_site_files(project, published))
        for r in results:
            selected = opts.only is None or r.organisation.slug == opts.only
            if r.organisation.published:
                if selected:
                    put("site/", public_organisation_files(project, r, make_pdf=opts.make_pdf))
                else:
                    site_paths.append(f"organisationer/{r.organisation.slug}/index.html")
            elif selected:
                staging.remove(f"site/organisationer/{r.organisation.slug}")
                staging.remove(f"site/data/{r.organisation.slug}.json")
            if selected:
                put("leverans/", delivery_files(project, r, make_pdf=opts.make_pdf, everyone=results))
        staging.write("site/sitemap.xml", sitemap(project, site_paths))
        staging.commit()
    except BaseException:
        staging.abort()
        raise
    summary.seconds = time.perf_counter() - started
    return summary
