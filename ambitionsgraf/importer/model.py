"""The values every import source yields and the shared steps pass on.

A source (a survey table, self-assessment files) reads its input into an `Imported`: rounds of
respondents per organisation, what each organisation was called, the problems found, and where a
problem about a row's field is to be reported. Recognising the organisation's file, planning the
rounds against it, the diff and the write are the same for every source (plan.py, write.py).
"""

from __future__ import annotations

import datetime
import difflib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from ..problems import Problem
from ..text import name_key, show
from .columns import ColumnUse


@dataclass(frozen=True)
class ImportedAnswer:
    """One answer as an answer file writes it ("3", "ja"); value None: the instrument's vet ej."""

    value: str | None
    option: str | None = None  # omfattning / frekvens, when given


@dataclass
class ImportedRespondent:
    row: int  # where the source has it: a spreadsheet row, or a file's place in the list (1 = the first)
    role: str
    answers: dict[str, ImportedAnswer]  # question id → answer, for the questions answered (vet ej included)
    comment: str | None


@dataclass
class ImportedRound:
    slug: str
    date: datetime.date
    first_row: int
    rows: list[int] = field(default_factory=list)
    respondents: list[ImportedRespondent] = field(default_factory=list)
    note: str | None = None  # the comment above the round; None: which rows of the export it came from


class Identity(NamedTuple):
    """What a source says of an organisation: its name and type (empty when not given), and the first row saying it."""

    name: str
    type: str
    row: int


@dataclass
class Imported:
    """What a source yields: the rounds, each organisation's identity by slug, and every problem."""

    source: str  # the file named in a round's note ("Imported by build.py import from SOURCE (rows …)")
    at: Callable[[int, str, str], Problem]  # a problem about (row, field, message), where the source has it
    rounds: list[ImportedRound] = field(default_factory=list)
    identities: dict[str, Identity] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    columns: list[ColumnUse] = field(default_factory=list)  # how each column was read (a table's), in column order

    def problem(self, row: int, column: str, message: str) -> None:
        self.problems.append(self.at(row, column, message))

    def identify(self, row: int, slug: str, name: str, type_: str, first: Callable[[int], str]) -> bool:
        """What a row says of its organisation, which must agree with the rows before it for that
        slug: the name compared by text.name_key (as the file was found, recognise.py), the type
        exactly; an empty one agrees with any. `first` says where a row is ("row 4", a file's name).
        False when it disagrees (each disagreement reported at this row)."""
        if slug not in self.identities:
            self.identities[slug] = Identity(name, type_, row)
            return True
        first_name, first_type, first_row = self.identities[slug]
        agrees = True
        if name and first_name and name_key(name) != name_key(first_name):
            self.problem(row, "namn", f"'{show(name)}', but {first(first_row)} gives '{show(first_name)}' for {slug}; use one name")
            agrees = False
        if type_ and first_type and type_ != first_type:
            self.problem(row, "typ", f"{type_}, but {first(first_row)} gives {first_type} for {slug}; use one type")
            agrees = False
        self.identities[slug] = Identity(first_name or name, first_type or type_, first_row)
        return agrees


@dataclass
class FileChange:
    path: Path
    shown: str
    old: str | None  # None: a new file
    new: str
    rounds: list[ImportedRound]
    code_said: str | None = None  # what became of kod: filled in from the name, or worth adding

    def diff(self) -> str:
        old = [] if self.old is None else self.old.splitlines(keepends=True)
        lines = difflib.unified_diff(
            old, self.new.splitlines(keepends=True), fromfile="/dev/null" if self.old is None else self.shown, tofile=self.shown
        )
        return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)


@dataclass
class ImportPlan:
    changes: list[FileChange]  # empty when there is any problem
    problems: list[Problem]
    columns: list[ColumnUse]  # how each column was read, in column order (empty if the file could not be read)
    notes: list[str] = field(default_factory=list)  # said whatever happens: which sheet of a workbook was read

    @property
    def dropped(self) -> list[ColumnUse]:
        return [u for u in self.columns if u.dropped]
