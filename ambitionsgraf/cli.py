"""The commands behind build.py: each takes parsed arguments and returns an exit code."""

from __future__ import annotations

import sys
from pathlib import Path

from .problems import ContentError


def _report(problems) -> None:
    for p in sorted(set(problems)):
        print(p, file=sys.stderr)


def build(args, project_dir: Path) -> int:
    from .pipeline import DEFAULT_SITE_URL, BuildOptions
    from .pipeline import build as run

    opts = BuildOptions(
        project_dir=project_dir,
        orgs_dir=args.orgs,
        out_dir=args.out,
        make_pdf=not args.no_pdf,
        only=args.only,
        keep_going=args.keep_going,
        site_url=args.site_url or DEFAULT_SITE_URL,
    )
    try:
        summary = run(opts)
    except ContentError as exc:
        _report(exc.problems)
        print(f"{len({p.path for p in exc.problems})} file(s) with problems; nothing was written", file=sys.stderr)
        return 1
    print(
        f"{summary.organisations} organisations ({summary.published} published), {summary.pages} pages, "
        f"{summary.pdfs} PDFs in {summary.seconds:.1f} s → {args.out}"
    )
    if summary.problems:
        _report(summary.problems)
        print(f"skipped {len(summary.invalid)} invalid file(s): {', '.join(summary.invalid)}", file=sys.stderr)
        return 1
    return 0


def check(args, project_dir: Path) -> int:
    from .answers import load_organisations
    from .instrument import load_instrument
    from .pipeline import answer_files

    try:
        ins = load_instrument(project_dir / "content" / "instrument.yaml")
    except ContentError as exc:
        _report(exc.problems)
        return 1
    files = args.files or answer_files(args.orgs)
    orgs, problems, invalid = load_organisations(ins, list(files))
    if problems:
        _report(problems)
        return 1
    print(f"{len(orgs)} file(s) OK")
    return 0


def new(args, project_dir: Path) -> int:
    from .instrument import load_instrument
    from .template import new_answer_file

    try:
        ins = load_instrument(project_dir / "content" / "instrument.yaml")
        path, text = new_answer_file(ins, args.orgs, args.slug, args.namn, args.typ, args.datum)
    except ContentError as exc:
        _report(exc.problems)
        return 1
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "x", encoding="utf-8") as fh:
        fh.write(text)
    print(f"wrote {path}")
    return 0
