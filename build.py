#!/usr/bin/env python3
"""Command line for the ambitionsgraf report site.

    python build.py [--orgs DIR] [--out DIR] [--no-pdf] [--only SLUG] [--keep-going]
    python build.py check [FILES…]
    python build.py new SLUG --namn "…" --typ kommun
    python build.py import FILE.csv|FILE.xlsx [--datum YYYY-MM-DD] [--dry-run]

Content errors are printed one per line as `file:line: field: message` and
exit with status 1; tracebacks appear only with --debug.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parent


def _jobs(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"expected a whole number of workers, 0 for one per core, got {text!r}")
    return int(text)


def _build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="build.py", description="Build the public site and the delivery packages.")
    p.add_argument("--orgs", type=Path, default=PROJECT / "orgs", help="folder of answer files (default: orgs/)")
    p.add_argument("--out", type=Path, default=PROJECT / "output", help="output folder (default: output/)")
    p.add_argument("--no-pdf", action="store_true", help="skip the PDF reports")
    p.add_argument("--only", metavar="SLUG", help="render only this organisation's pages and files")
    p.add_argument("--keep-going", action="store_true", help="build the valid organisations, list the invalid ones, exit 1")
    p.add_argument("--site-url", default=None, help="the published site's address, for links in PDFs, CSV and sitemap")
    p.add_argument("--jobs", type=_jobs, default=0, metavar="N", help="worker processes for PDFs (default: one per core)")
    p.add_argument("--debug", action="store_true", help="show tracebacks")
    return p


def _check_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="build.py check", description="Validate answer files without building.")
    p.add_argument("files", nargs="*", type=Path, help="answer files (default: every file in orgs/)")
    p.add_argument("--orgs", type=Path, default=PROJECT / "orgs")
    p.add_argument("--debug", action="store_true")
    return p


def _new_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="build.py new", description="Write a new answer file with every question as a template.")
    p.add_argument("slug")
    p.add_argument("--namn", required=True, help="the organisation's name")
    p.add_argument("--typ", required=True, help="kommun, region, myndighet or bolag")
    p.add_argument("--datum", help="date of the first assessment, YYYY-MM-DD")
    p.add_argument("--orgs", type=Path, default=PROJECT / "orgs")
    p.add_argument("--debug", action="store_true")
    return p


def _import_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="build.py import",
        description="Import a survey export (one row per respondent) as a new assessment round in orgs/<slug>.yaml.",
    )
    p.add_argument("file", type=Path, help="the export: .csv (Swedish Excel: ';', UTF-8 or Windows-1252) or .xlsx")
    p.add_argument("--datum", help="the round's date, YYYY-MM-DD, for rows without a datum column")
    p.add_argument("--dry-run", action="store_true", help="show what would change as a diff; write nothing")
    p.add_argument("--orgs", type=Path, default=PROJECT / "orgs")
    p.add_argument("--debug", action="store_true")
    return p


def main(argv: list[str]) -> int:
    command = argv[0] if argv and argv[0] in ("check", "new", "import") else "build"
    parsers = {"build": _build_parser, "check": _check_parser, "new": _new_parser, "import": _import_parser}
    args = parsers[command]().parse_args(argv[1:] if command != "build" else argv)
    from ambitionsgraf import cli

    try:
        return getattr(cli, {"import": "import_"}.get(command, command))(args, PROJECT)
    except KeyboardInterrupt:
        print("interrupted; the previous output is unchanged", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug, not a content error: say so plainly
        if args.debug:
            raise
        print(f"build.py: internal error: {type(exc).__name__}: {exc} (run again with --debug for details)", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
