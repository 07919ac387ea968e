#!/usr/bin/env python3
"""Command line for the ambitionsgraf report site.

    python build.py [build] [--orgs DIR] [--out DIR] [--no-pdf] [--only SLUG] [--keep-going] [--strict] [--jobs N] [--site-url URL] [--settings FILE] [--explain]
    python build.py check [FILES…] [--orgs DIR]
    python build.py new SLUG --namn "…" --typ kommun [--datum YYYY-MM-DD]
    python build.py import FILE.csv|FILE.xlsx|SELF.yaml… [--datum YYYY-MM-DD] [--dry-run] [--map MAPFILE] [--write-map MAPFILE]
    python build.py serve [--port N] [--out DIR] [--orgs DIR]
    python build.py leverera ÅR [--only SLUG…] [--diarienummer DNR] [--datum YYYY-MM-DD] [--out DIR] [--arkiv DIR]
    python build.py verifiera FIL… [--arkiv DIR]

Without a command, or with only build options, it builds. Content errors are
printed one per line as `file:line: field: message` and exit with status 1;
tracebacks appear only with --debug.
"""

from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parent


def _jobs(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"expected a whole number of workers, 0 for one per core, got {text!r}")
    return int(text)


def _port(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"expected a port number from 1 to 65535, got {text!r}")
    return int(text)


class _CommandsFormatter(argparse.HelpFormatter):
    """Each command's help on its own line beside it: argparse sizes the column before it indents the
    command names under COMMAND, so a name as long as `verifiera` would push its help onto the next line."""

    def add_argument(self, action):
        super().add_argument(action)
        if isinstance(action, argparse._SubParsersAction):
            longest = max(len(choice.dest) for choice in action._choices_actions)
            self._action_max_length = max(self._action_max_length, self._current_indent + 2 * self._indent_increment + longest)


def _parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="build.py",
        formatter_class=_CommandsFormatter,
        usage="%(prog)s [COMMAND] [OPTIONS …]",
        description="The ambitionsgraf report site. Without a command, or with only build options, it builds.",
        epilog="`build.py COMMAND --help` shows a command's options.",
    )
    commands = top.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def command(name: str, help: str, description: str | None = None, orgs: str = "folder of answer files (default: orgs/)"):
        p = commands.add_parser(name, prog=f"build.py {name}", help=help, description=description or help[0].upper() + help[1:] + ".")
        p.add_argument("--orgs", type=Path, default=PROJECT / "orgs", metavar="DIR", help=orgs)
        p.add_argument("--debug", action="store_true", help="show tracebacks")
        return p

    for add in (_build_command, _check_command, _new_command, _import_command, _serve_command, _leverera_command, _verifiera_command):
        add(command)
    return top


def _output_options(p: argparse.ArgumentParser, out_help: str) -> None:
    """The options `build` and `leverera` share: where the build writes, the site's address, settings, workers."""
    p.add_argument("--out", type=Path, default=PROJECT / "output", metavar="DIR", help=out_help)
    p.add_argument("--site-url", default=None, metavar="URL", help=_SITE_URL_HELP)
    p.add_argument("--settings", type=Path, default=None, metavar="FILE", help="the project settings file (default: installningar.yaml)")
    p.add_argument("--jobs", type=_jobs, default=0, metavar="N", help="worker processes for PDFs (default: one per core)")


_SITE_URL_HELP = "the published site's address (overrides installningar.yaml), for links in PDFs, CSV and sitemap"


def _build_command(command) -> None:
    p = command("build", "build the public site and the delivery packages (the default)")
    _output_options(p, "output folder (default: output/)")
    p.add_argument("--no-pdf", action="store_true", help="skip the PDF reports and action-plan workbooks")
    p.add_argument("--only", metavar="SLUG", help="render only this organisation's pages and files")
    p.add_argument("--keep-going", action="store_true", help="build the valid organisations, list the invalid ones, exit 1")
    p.add_argument(
        "--strict",
        action="store_true",
        help="an answer file still the untouched template of `new` is an error "
        "(by default it is left out as not measured yet, with a note)",
    )
    p.add_argument("--explain", action="store_true", help="list what became of each part of each organisation's files, and why")


def _check_command(command) -> None:
    p = command("check", "validate answer files without building", orgs="folder of answer files when no FILES are given (default: orgs/)")
    p.add_argument("files", nargs="*", type=Path, metavar="FILES", help="answer files (default: every file in --orgs)")


def _new_command(command) -> None:
    p = command("new", "write a new answer file with every question as a template")
    p.add_argument("slug", metavar="SLUG", help="the file's name: a–z, 0–9 and hyphens, starting with a letter or digit")
    p.add_argument("--namn", required=True, help="the organisation's name")
    p.add_argument("--typ", required=True, help="kommun, region, myndighet or bolag")
    p.add_argument("--datum", help="date of the first assessment, YYYY-MM-DD")


def _import_command(command) -> None:
    p = command(
        "import",
        "import a survey export or self-assessment files as a new assessment round",
        "Import a survey export (one row per respondent), or answer files downloaded from the self-assessment "
        "page (one person each, with their role), as a new assessment round in orgs/<slug>.yaml.",
    )
    p.add_argument(
        "files",
        type=Path,
        nargs="+",
        metavar="FILE",
        help="the export: .xlsx (Microsoft Forms, Netigate, esMaker, Excel) or .csv (Google Forms' commas, "
        "Swedish Excel's semicolons or tabs, found from the header row; UTF-8 with or without BOM, or "
        "Windows-1252); or one or more self-assessment .yaml files",
    )
    p.add_argument(
        "--datum",
        help="the round's date, YYYY-MM-DD: for rows without a datum column, or for self-assessment "
        "files made on different days (default: the day they were made)",
    )
    p.add_argument("--dry-run", action="store_true", help="show how each column was read and what would change as a diff; write nothing")
    p.add_argument("--map", type=Path, metavar="MAPFILE", help='YAML lines of "heading": target for a survey whose headings are its own')
    p.add_argument("--write-map", type=Path, metavar="MAPFILE", help="with --dry-run: write a map file to start from")


def _serve_command(command) -> None:
    p = command(
        "serve",
        "serve the site locally and rebuild it on changes (no PDFs)",
        "Build into a folder of its own, serve it on http://127.0.0.1:PORT/ and rebuild (without PDFs) "
        "when answer files, content, templates or code change. output/ is never touched.",
    )
    p.add_argument("--port", type=_port, default=8000, metavar="N", help="port to listen on (default: 8000)")
    p.add_argument(
        "--out", type=Path, default=PROJECT / ".cache" / "serve", metavar="DIR", help="folder to build into (default: .cache/serve)"
    )


def _archive_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--arkiv",
        type=Path,
        default=None,
        metavar="DIR",
        help="the delivery archive (default: arkiv/leveranser beside the answer files' folder)",
    )


def _leverera_command(command) -> None:
    p = command(
        "leverera",
        "record a round year's delivery packages as delivered, in the archive and its register",
        "Build (with PDFs), then copy the delivery packages of every organisation whose latest round is in ÅR into "
        "the delivery archive, where no build changes them, and list them in its register (register.csv, register.json). "
        "A package whose data changed since it was delivered becomes its next version; one that did not is left as it is.",
    )
    p.add_argument("year", metavar="ÅR", type=_year, help="the round year, e.g. 2026")
    p.add_argument("--only", nargs="+", metavar="SLUG", help="deliver only these organisations' packages")
    p.add_argument("--diarienummer", default="", metavar="DNR", help="the agency's registration number for this delivery")
    p.add_argument("--datum", default=None, metavar="YYYY-MM-DD", help="the day of delivery (default: today)")
    _output_options(p, "the build's output folder (default: output/)")
    _archive_option(p)


def _verifiera_command(command) -> None:
    p = command(
        "verifiera",
        "say whether a file is one the agency delivered, to whom and which version",
        "Look the file up by its SHA-256 in the delivery archive's register. Exit status 0 when it was delivered, 1 when not.",
    )
    p.add_argument("files", nargs="+", type=Path, metavar="FIL", help="the file(s) to look up")
    _archive_option(p)


def _year(text: str) -> str:
    if len(text) != 4 or not text.isdigit():
        raise argparse.ArgumentTypeError(f"expected a round year written YYYY, got {text!r}")
    return text


def parse_args(argv: list[str]) -> argparse.Namespace:
    """The command and its options; arguments that start with an option mean `build`, as before there were commands."""
    if not argv or (argv[0].startswith("-") and argv[0] not in ("-h", "--help")):
        argv = ["build", *argv]
    return _parser().parse_args(argv)


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    if args.command in ("build", "serve"):
        from ambitionsgraf.pdf import epoch_problem

        if problem := epoch_problem():  # before any work: nothing is read, written or removed
            print(f"build.py: environment: {problem}", file=sys.stderr)
            return 2
    from ambitionsgraf import cli
    from ambitionsgraf.pipeline.options import Interrupted, Interruption

    # Ctrl-C and SIGTERM stop a build with its staging folder removed, never in the middle of the swap.
    args.interruption = Interruption()
    args.interruption.install()
    try:
        if cli.finish_interrupted_import(args.orgs):  # an import killed while writing is finished first
            return 1
        return getattr(cli, {"import": "import_"}.get(args.command, args.command))(args, PROJECT)
    except (KeyboardInterrupt, Interrupted) as exc:
        name = exc.args[0] if isinstance(exc, Interrupted) else "SIGINT"
        # What a stop leaves depends on the command: a build's output, an import's answer files.
        unchanged = {
            "import": "no answer file was written",
            "new": "no file was written",
            "leverera": "nothing was delivered",
            "check": "nothing was checked to the end",
            "verifiera": "nothing was verified",
        }
        print(f"stopped ({name}); {unchanged.get(args.command, 'the previous output is unchanged')}", file=sys.stderr)
        return 128 + (exc.signum if isinstance(exc, Interrupted) else signal.SIGINT)
    except Exception as exc:  # a bug, not a content error: say so plainly
        if args.debug:
            raise
        print(f"build.py: internal error: {type(exc).__name__}: {exc} (run again with --debug for details)", file=sys.stderr)
        return 2


if __name__ == "__main__":
    code = main(sys.argv[1:])
    # Whatever was to be written is in place: a signal now would only kill the interpreter on its
    # way out (it restores the default handlers while it finalises) and turn a finished build's 0 into -15.
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, signal.SIG_IGN)
    sys.exit(code)
