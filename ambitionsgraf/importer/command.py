"""What `build.py import` is asked for, checked before anything is read, and planned by its source.

The command line gives either self-assessment files (.yaml) or one survey export (.csv, .xlsx);
--map and --write-map are for survey exports, --write-map only with --dry-run and never over a
file. Every refusal is a ContentError; the command itself (cli.import_) only says what happened.
"""

from __future__ import annotations

import datetime
import os
from dataclasses import dataclass
from pathlib import Path

from .. import atomic
from ..answers import ANSWER_SUFFIXES, display_path
from ..instrument import Instrument, load_instrument
from ..problems import ContentError, Problem
from ..text import day_option
from .columns import ColumnUse
from .header import known_headings
from .mapfile import map_text, read_map
from .model import FileChange, ImportPlan
from .plan import plan
from .selfassessments import read_self_assessments
from .survey import read_survey
from .tables import read_table


@dataclass(frozen=True)
class ImportRequest:
    files: list[Path]
    orgs_dir: Path
    datum: str | None = None  # --datum as given
    map: Path | None = None
    write_map: Path | None = None
    dry_run: bool = False

    @property
    def self_assessments(self) -> bool:
        return any(f.suffix.lower() in ANSWER_SUFFIXES for f in self.files)


def plan_request(instrument_path: Path, request: ImportRequest) -> ImportPlan:
    """The import's plan: every file it would write, or every problem. Raise ContentError when the
    request itself is refused (files of both kinds, a bad --datum, --write-map over a file)."""
    _check_files(request)
    ins = load_instrument(instrument_path)
    day = _day(request)
    if request.write_map is not None:
        shown = display_path(request.write_map)
        if not request.dry_run:
            raise ContentError([Problem(shown, 1, "--write-map", "only with --dry-run: the map is a file to edit before importing")])
        if os.path.lexists(request.write_map):
            raise ContentError([Problem(shown, 1, "--write-map", "exists already; give a new file name")])
    if request.self_assessments:
        return plan_self_assessments(ins, request.files, request.orgs_dir, day)
    mapping = read_map(ins, request.map) if request.map is not None else None
    return make_plan(ins, request.files[0], request.orgs_dir, day, mapping)


def make_plan(
    ins: Instrument, table_path: Path, orgs_dir: Path, default_date: datetime.date | None, mapping: dict[str, str] | None = None
) -> ImportPlan:
    """Every file a survey export's import would write, every problem, and how each column was read."""
    shown = display_path(table_path)
    table, problems = read_table(table_path, shown, known_headings(ins, mapping))
    if table is None:
        return ImportPlan([], problems, [])
    the_plan = plan(ins, read_survey(ins, table, orgs_dir, default_date, mapping), orgs_dir)
    the_plan.notes = [table.note] if table.note else []
    return the_plan


def plan_import(
    ins: Instrument, table_path: Path, orgs_dir: Path, default_date: datetime.date | None, mapping: dict[str, str] | None = None
) -> list[FileChange]:
    """Every file the import would write; raise ContentError with every problem found."""
    the_plan = make_plan(ins, table_path, orgs_dir, default_date, mapping)
    if the_plan.problems:
        raise ContentError(the_plan.problems)
    return the_plan.changes


def plan_self_assessments(ins: Instrument, files: list[Path], orgs_dir: Path, default_date: datetime.date | None) -> ImportPlan:
    """Self-assessment files as respondents of a new round in each organisation's answer file (or a
    new file, unpublished): every file the import would write and every problem, as make_plan."""
    return plan(ins, read_self_assessments(ins, files, orgs_dir, default_date), orgs_dir)


def _check_files(request: ImportRequest) -> None:
    files = request.files
    yaml_files = [f for f in files if f.suffix.lower() in ANSWER_SUFFIXES]
    if yaml_files and len(yaml_files) != len(files):
        other = next(f for f in files if f not in yaml_files)
        message = "give either self-assessment files (.yaml) or one survey export (.csv, .xlsx), not both"
        raise ContentError([Problem(display_path(other), 1, "file", message)])
    if not yaml_files and len(files) > 1:
        raise ContentError([Problem(display_path(files[1]), 1, "file", "one survey export at a time; import the others one by one")])
    if yaml_files and (request.write_map is not None or request.map is not None):
        option = "--map" if request.write_map is None else "--write-map"
        message = "is for survey exports; self-assessment files say what each answer is"
        raise ContentError([Problem(display_path(files[0]), 1, option, message)])


def _day(request: ImportRequest) -> datetime.date | None:
    """--datum, written YYYY-MM-DD; None when not given."""
    if not request.datum:
        return None
    day, why = day_option(request.datum)
    if day is None:
        raise ContentError([Problem(display_path(request.files[0]), 1, "--datum", str(why))])
    return day


def write_map_file(request: ImportRequest, columns: list[ColumnUse]) -> Path | None:
    """--write-map: how the columns were read, as a --map file to edit; None when there is none to write.
    Raise ContentError when it cannot be written (a folder not writable, a path through a file)."""
    if request.write_map is None or not columns:
        return None
    target = request.write_map
    try:
        atomic.write(target, map_text(columns, request.files[0].name), replace=False, mode=atomic.umask_mode())
    except OSError as exc:
        blocking = next((p for p in target.parents if os.path.lexists(p) and not p.is_dir()), None)
        if os.path.lexists(target):  # made meanwhile
            why = "exists already; give a new file name"
        elif blocking is not None:
            why = f"cannot be written: {display_path(blocking)} is not a folder"
        else:
            why = f"cannot be written in {display_path(target.parent)}: {exc.strerror or exc}"
        raise ContentError([Problem(display_path(target), 1, "--write-map", why)]) from None
    return request.write_map
