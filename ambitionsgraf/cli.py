"""The commands behind build.py: each takes parsed arguments and returns an exit code."""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path

from .buildreport import _report, report_build
from .problems import ContentError
from .text import plural


def build(args, project_dir: Path) -> int:
    return report_build(build_options(args, project_dir), explain=args.explain)[0]


def build_options(args, project_dir: Path):
    from .pipeline import BuildOptions

    return BuildOptions(
        project_dir=project_dir,
        orgs_dir=args.orgs,
        out_dir=args.out,
        make_pdf=not args.no_pdf,
        only=args.only,
        keep_going=args.keep_going,
        site_url=args.site_url,
        settings_file=args.settings,
        jobs=args.jobs,
        progress=sys.stderr.isatty() and not os.environ.get("CI"),
        interruption=args.interruption,
        strict=args.strict,
    )


def finish_interrupted_import(orgs_dir: Path) -> bool:
    """Finish an import killed while writing its files, before any command reads them (importer.write);
    say so. True when it could not be finished, and the command must not run."""
    from .importer import finish_interrupted

    try:
        note = finish_interrupted(orgs_dir)
    except ContentError as exc:
        _report(exc.problems)
        return True
    if note:
        print(f"note: {note}", file=sys.stderr)
    return False


def check(args, project_dir: Path) -> int:
    from .answers import list_answer_files, load_organisations
    from .instrument import load_instrument

    try:
        ins = load_instrument(project_dir / "content" / "instrument.yaml")
    except ContentError as exc:
        _report(exc.problems)
        return 1
    # A folder named x.yaml, a pipe or a broken link is a problem here, never skipped.
    files, problems = (list(args.files), []) if args.files else list_answer_files(args.orgs)
    notes: list = []  # questions left out, characters removed: printed, never failing
    orgs, found, invalid = load_organisations(ins, files, notes=notes)
    problems += found
    _report(problems + notes)
    if problems:
        return 1
    print(f"{plural(len(orgs), 'file')} OK")
    return 0


def new(args, project_dir: Path) -> int:
    from .instrument import load_instrument
    from .template import new_answer_file, write_new_file

    notes: list = []
    try:
        ins = load_instrument(project_dir / "content" / "instrument.yaml")
        path, text, code_said = new_answer_file(ins, args.orgs, args.slug, args.namn, args.typ, args.datum, notes)
        write_new_file(path, text.encode("utf-8"))  # the name was checked: it encodes
    except ContentError as exc:
        _report(exc.problems + notes)
        return 1
    _report(notes)
    print(f"wrote {path}" + (f"; {code_said}" if code_said else ""))
    return 0


def import_(args, project_dir: Path) -> int:
    """`build.py import`: a survey export, or self-assessment files, into answer files, all or nothing."""
    from .answers import display_path
    from .importer import write_changes
    from .importer.command import ImportRequest, plan_request, write_map_file

    request = ImportRequest(
        list(args.files), args.orgs, args.datum, getattr(args, "map", None), getattr(args, "write_map", None), args.dry_run
    )
    try:
        plan = plan_request(project_dir / "content" / "instrument.yaml", request)
    except ContentError as exc:
        return _nothing_written(exc.problems)
    for note in plan.notes:
        print(f"note: {note}", file=sys.stderr)
    if args.dry_run:  # how every column was read, even when some were not
        for use in plan.columns:
            print(use, file=sys.stderr)
        try:
            written = write_map_file(request, plan.columns)
        except ContentError as exc:  # a folder not writable: said as a problem, never a traceback
            return _nothing_written([*exc.problems, *plan.problems])
        if written is not None:
            print(
                f"wrote {display_path(written)}: the columns and how they were read; edit it and import with --map",
                file=sys.stderr,
            )
    if plan.problems:
        return _nothing_written(plan.problems)
    if args.dry_run:
        for change in plan.changes:
            sys.stdout.write(change.diff())
        print(f"dry run: {plural(len(plan.changes), 'file')} would change; nothing was written", file=sys.stderr)
        return 0
    interruption = getattr(args, "interruption", None)
    try:
        with interruption.held() if interruption is not None else contextlib.nullcontext():
            write_changes(plan.changes)  # a stop while the files go in waits until they are all in place
    except FileExistsError as exc:
        print(f"{exc.filename or exc}: appeared while importing; run the import again", file=sys.stderr)
        return 1
    except ContentError as exc:  # refused before anything was written (a link to nowhere, a file changed meanwhile)
        return _nothing_written(exc.problems)
    for use in plan.dropped:
        print(use.drop_line())
    for change in plan.changes:
        rounds = ", ".join(f"{r.date.isoformat()} ({plural(len(r.respondents), 'respondent')})" for r in change.rounds)
        said = f"; {change.code_said}" if change.code_said else ""
        if change.old is None:
            print(f"wrote {change.shown}: new file, publicerad: false, round {rounds}{said}")
        else:
            print(f"extended {change.shown}: new round {rounds}{said}")
    if interruption is not None and interruption.signum is not None:  # it came while the files went in, which it waited for
        import signal

        print(f"stopped ({signal.Signals(interruption.signum).name}) after the answer files were written, whole", file=sys.stderr)
        return 128 + interruption.signum
    return 0


def _nothing_written(problems: list) -> int:
    """Every problem, sorted and without repeats as every command reports them, and that nothing was written."""
    problems = ContentError(problems).problems
    _report(problems)
    print(f"{plural(len(problems), 'problem')}; nothing was written", file=sys.stderr)
    return 1


def serve(args, project_dir: Path) -> int:
    """`build.py serve`: build into a folder of its own, serve it, rebuild on changes."""
    from .serve import serve as run

    return run(project_dir, port=args.port, out=args.out, orgs=args.orgs)


def _archive(args):
    from .archive import Archive, default_root

    return Archive(args.arkiv if args.arkiv is not None else default_root(args.orgs))


def leverera(args, project_dir: Path) -> int:
    """`build.py leverera ÅR`: build, then record the year's packages as delivered (delivery.py)."""
    from .delivery import deliver, parse_day
    from .pipeline import BuildOptions

    opts = BuildOptions(
        project_dir=project_dir,
        orgs_dir=args.orgs,
        out_dir=args.out,
        site_url=args.site_url,
        settings_file=args.settings,
        jobs=args.jobs,
        interruption=args.interruption,
        archive_dir=args.arkiv,
    )
    try:
        outcome = deliver(opts, args.year, args.only, args.diarienummer, parse_day(args.datum))
    except ContentError as exc:
        _report(exc.problems)
        print("nothing was delivered", file=sys.stderr)
        return 1
    where = opts.archive_folder
    if outcome.basis_fixed:
        print(f"{args.year}: first delivery; the year's comparison basis is fixed as it stands now ({where / args.year})")
    for d in outcome.delivered:
        print(f"delivered {d.slug} ({d.organisation}) round {d.round_date}, version {d.version} → {where / d.folder}")
    for d in outcome.unchanged:
        print(f"unchanged {d.slug}: its data are as in version {d.version}, delivered {d.date}; not delivered again")
    print(f"{plural(len(outcome.delivered), 'package')} delivered, {len(outcome.unchanged)} unchanged; register: {where / 'register.csv'}")
    return 0


def verifiera(args, project_dir: Path) -> int:
    """`build.py verifiera FIL…`: 0 when every file is one the agency delivered, else 1."""
    from .delivery import verify
    from .safe_read import MAX_DELIVERED, read_regular

    archive = _archive(args)
    try:
        archive.deliveries()
    except ContentError as exc:
        _report(exc.problems)
        return 1
    status = 0
    for path in args.files:
        data, problem = read_regular(path, MAX_DELIVERED, "a delivered file")  # /dev/zero or a pipe: refused unopened
        if data is None:
            print(f"{path}: {problem}", file=sys.stderr)
            status = 1
            continue
        lines = verify(archive, data)
        for line in lines:
            print(f"{path}: {line}")
        if not lines:
            print(f"{path}: not a file the agency delivered (no file in {archive.root / 'register.json'} has its SHA-256)")
            status = 1
    return status
