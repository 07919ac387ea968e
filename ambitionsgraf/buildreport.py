"""What a build says on the command line and in `serve`: its summary, its notes and its problems.

Below both cli.py and serve.py, which report builds the same way.
"""

from __future__ import annotations

import sys

from .problems import ContentError
from .text import plural

MAX_SHOWN = 50  # problems printed; a file with thousands would bury the first under the rest


def _report(problems) -> None:
    """Print problems sorted by file and line: the first MAX_SHOWN, then how many more there are."""
    found = sorted(set(problems))
    for p in found[:MAX_SHOWN]:
        print(p, file=sys.stderr)
    if len(found) > MAX_SHOWN:
        print(f"… and {len(found) - MAX_SHOWN} more; fix these and run again to see the rest", file=sys.stderr)


def report_build(opts, *, explain: bool = False, said: set[str] | None = None) -> tuple[int, list]:
    """Build, say how it went, and return the exit code and the problems found. `said`: notes
    already said (a serve session says each once, not on every rebuild); the new ones are added."""
    from .pipeline import build as run

    said = set() if said is None else said

    def note(text: str) -> None:
        if text not in said:
            said.add(text)
            print(f"note: {text}", file=sys.stderr)

    out = opts.out_dir
    try:
        summary = run(opts)
    except ContentError as exc:
        _report(exc.problems)
        if all(p.field.startswith("--") for p in exc.problems):
            print("nothing was written", file=sys.stderr)
        else:
            print(f"{plural(len({p.path for p in exc.problems}), 'file')} with problems; nothing was written", file=sys.stderr)
        return 1, list(exc.problems)
    for text in summary.notes:
        note(text)
    for text in summary.leftovers:
        note(text)
    if summary.not_measured:
        note(
            f"not measured yet, left out until their answers are filled in (every respondent's svar is still empty, "
            f"as `build.py new` writes it; --strict makes this an error): {', '.join(summary.not_measured)}"
        )
    if summary.unchanged:
        print(f"nothing changed since the last build ({plural(summary.organisations, 'organisation')}) → {out}")
        _no_address(summary, note)
        if explain:
            print("every part carried over: the answer files, code, content and options are as last time")
        return 0, []
    print(
        f"{plural(summary.organisations, 'organisation')} ({summary.published} published): {summary.rendered} rendered, "
        f"{summary.reused} unchanged; {plural(summary.pages, 'page')}, {plural(summary.pdfs, 'PDF')} written in {summary.seconds:.1f} s → {out}"
    )
    for line in build_notes(summary, opts.only):
        print(line)
    if explain and summary.plan is not None:
        print(summary.plan.explain())
    if opts.interruption is not None and opts.interruption.signum is not None:
        import signal

        name = signal.Signals(opts.interruption.signum).name
        print(f"stopped ({name}) after the new output was in place: {out} holds this build, whole", file=sys.stderr)
        return 128 + opts.interruption.signum, list(summary.problems)
    if summary.problems:
        _report(summary.problems)
        print(f"skipped {plural(len(summary.invalid), 'invalid file')}: {', '.join(summary.invalid)}", file=sys.stderr)
        _no_address(summary, note)
        return 1, list(summary.problems)
    _no_address(summary, note)
    return 0, []


def _no_address(summary, note) -> None:
    from .pipeline.run import NO_ADDRESS

    if summary.no_address:
        note(NO_ADDRESS)


def build_notes(summary, only: str | None) -> list[str]:
    """What a build did besides rendering, said plainly: documents kept or removed, --only's gaps."""
    lines = []
    if summary.documents_kept or summary.documents_removed:
        lines.append(
            f"without PDFs: kept {plural(summary.documents_kept, 'document')} still current, removed {summary.documents_removed} "
            "out of date (PDF reports and action-plan workbooks)"
        )
    if only and summary.stale:
        lines.append(
            f"--only {only}: {plural(len(summary.stale), 'other organisation')} carried over out of date "
            f"({', '.join(summary.stale[:5])}{', …' if len(summary.stale) > 5 else ''}); run a full build to update them"
        )
    if only and summary.missing:
        lines.append(
            f"--only {only}: {plural(len(summary.missing), 'other organisation')} {'has' if len(summary.missing) == 1 else 'have'} no files in this output and {'is' if len(summary.missing) == 1 else 'are'} not listed "
            f"on its pages ({', '.join(summary.missing[:5])}{', …' if len(summary.missing) > 5 else ''}); run a full build to add them"
        )
    return lines
