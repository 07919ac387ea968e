"""A survey export's header row: what each column is, how it was read, and what is missing."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..instrument import Instrument
from ..problems import Problem
from ..text import show
from .cells import clean, column_letter, fold, heading_key
from .columns import COMMENTS, ORGANISATION, PERSON_WORDS, PERSONAL, REQUIRED, TOOL_HEADINGS, Columns, ColumnUse, How
from .tables import Known, Table, known_heading

What = tuple[str, str | None]  # (kind, question id): ("roll", None), ("question", "v1_mal"), ("option", "v3_uppfoljning")
_RESPONDENT_NAME = "; Namn in a survey export is the respondent's own name and is never imported"


@dataclass
class Header:
    """The columns read: index → (kind, question id, field name for messages), and how every column was read."""

    found: dict[int, tuple[str, str | None, str]] = field(default_factory=dict)
    uses: list[ColumnUse] = field(default_factory=list)
    derive_slug: bool = False  # no slug column: the organisation's name says which file


def known_headings(ins: Instrument, mapping: dict[str, str] | None = None) -> Known:
    """Whether a heading is one the import reads or drops by its heading (or the map names): how a
    workbook's sheet whose first row is the answers' header is told from an instructions sheet."""
    columns = Columns(ins)
    mapped = {fold(k) for k in mapping or {}}

    def known(heading: str) -> bool:
        key = heading_key(heading)
        return bool(heading) and (
            fold(heading) in mapped
            or known_heading(heading)
            or columns.match(heading) is not None
            or bool(COMMENTS.fullmatch(key) or ORGANISATION.fullmatch(key))
        )

    return known


def read_header(ins: Instrument, table: Table, mapping: dict[str, str], problems: list[Problem]) -> Header | None:
    """The header row read; every problem with it appended to `problems`. None: there is no header."""
    rows = table.rows
    if not rows or not any(clean(c) for c in rows[0][1]):
        problems.append(
            Problem(
                table.shown,
                1,
                "header",
                "expected a header row (an organisation column, typ, roll and one column per question), got an empty first row",
            )
        )
        return None
    return _HeaderReader(ins, table, mapping, problems).read()


class _HeaderReader:
    def __init__(self, ins: Instrument, table: Table, mapping: dict[str, str], problems: list[Problem]):
        self.ins = ins
        self.row_no, self.cells = table.rows[0]
        self.shown = table.shown
        self.mapping = mapping
        self.problems = problems
        self.columns = Columns(ins)
        self.data = [r for _, r in table.rows[1:] if any(clean(c) for c in r)]
        self.chosen: dict[int, tuple[What, How]] = {}
        self.dropped: dict[int, How] = {}
        self.headings: dict[int, str] = {}
        self.header = Header()

    def problem(self, column: str, message: str) -> None:
        self.problems.append(Problem(self.shown, self.row_no, column, message))

    def values(self, i: int) -> list[str]:
        return [clean(r[i]) for r in self.data if i < len(r) and clean(r[i])]

    def read(self) -> Header:
        names, later, tool = self.by_heading()
        organisation = any(how == How.ORGANISATION for _, how in self.chosen.values())
        has_slug = any(what == ("slug", None) for what, _ in self.chosen.values())
        for i in names:  # headed namn: the organisation's name, or in a survey export the respondent's
            if tool or organisation or not has_slug:
                self.dropped[i] = How.RESPONDENT_NAME
            else:
                self.chosen[i] = (("namn", None), How.HEADING)
        taken = {what for what, _ in self.chosen.values()}
        for i in later:  # headings not recognised: perhaps their answers say what they are
            what = self.columns.answered_as(self.values(i))
            if what is not None and what not in taken:
                self.chosen[i] = (what, How.ANSWERS)
                taken.add(what)
        self.settle([i for i in later if i not in self.chosen])
        self.missing()
        return self.header  # with problems reported, the rows are still checked so that all are listed at once

    def by_heading(self) -> tuple[list[int], list[int], bool]:
        """Every column read or dropped by its heading (or the map); the columns headed namn, the columns
        left for their answers to say what they are, and whether the survey tool's own columns are there."""
        names: list[int] = []
        later: list[int] = []
        tool = False
        for i, cell in enumerate(self.cells):
            heading = clean(cell)
            if not heading:
                if self.values(i):
                    self.problem(f"column {column_letter(i)}", "a column with values but no heading; add a heading or delete the column")
                continue
            self.headings[i] = heading
            key = heading_key(heading)
            if fold(heading) in self.mapping:
                target = self.mapping[fold(heading)]
                if target == "drop":
                    self.dropped[i] = How.MAP_DROP
                else:
                    self.chosen[i] = (self.mapped(target), How.MAP)
                continue
            matched = self.columns.match(heading)
            if matched is not None and matched[0] == ("namn", None):
                names.append(i)
            elif matched is not None:
                self.chosen[i] = matched
            elif key in TOOL_HEADINGS:
                self.dropped[i] = How.TOOL
                tool = True
            elif PERSONAL.search(key) or PERSON_WORDS.search(key):
                self.dropped[i] = How.PERSON
            elif COMMENTS.fullmatch(key):  # imported whole; a cell with contact details is an error at that cell
                self.chosen[i] = (("kommentar", None), How.COMMENT)
            elif ORGANISATION.fullmatch(key) and self.columns.answered_as(self.values(i)) is None:  # not "Organisation (typ)"
                self.chosen[i] = (("namn", None), How.ORGANISATION)
            else:
                later.append(i)
        return names, later, tool

    def mapped(self, target: str) -> What:
        what = self.columns.target(target)
        assert what is not None  # the map file was checked when read
        return what

    def settle(self, unknown: list[int]) -> None:
        """Every column's use in column order; the unknown ones and any read twice are problems."""
        seen: dict[What, str] = {}
        for i in sorted(self.headings):
            heading, letter = self.headings[i], column_letter(i)
            if i in self.dropped:
                self.header.uses.append(ColumnUse(i, heading, None, self.dropped[i]))
                continue
            if i not in self.chosen:
                self.header.uses.append(ColumnUse(i, heading, None, How.UNKNOWN))
                self.problem(show(heading), f"{self.columns.unknown_message(heading)} (column {letter})")
                continue
            what, how = self.chosen[i]
            kind, qid = what
            name = "organisation" if how == How.ORGANISATION else self.columns.name(what)
            self.header.uses.append(ColumnUse(i, heading, self.columns.name(what), how))
            if what in seen:
                self.problem(name, f"two columns for {name}: {seen[what]} and {letter}; keep one")
                continue
            seen[what] = letter
            self.header.found[i] = (kind, qid, name)
        if len(unknown) > 1:
            listed = ", ".join(f"{column_letter(i)} '{show(self.headings[i])}'" for i in unknown)
            self.problem(
                "header",
                f"{len(unknown)} unknown columns, in column order: {listed}; "
                "--dry-run shows how every column was read, and --map FILE can name the others",
            )

    def missing(self) -> None:
        """The columns every export needs: the organisation, typ, roll, every question, each option's question."""
        kinds = {(k, q) for k, q, _ in self.header.found.values()}
        respondent_name = How.RESPONDENT_NAME in self.dropped.values()
        if ("slug", None) not in kinds and ("namn", None) not in kinds:
            self.problem(
                "organisation",
                "missing column; expected the organisation's name in a column headed Organisation (or slug and namn columns)"
                + (_RESPONDENT_NAME if respondent_name else ""),
            )
        elif ("slug", None) in kinds and ("namn", None) not in kinds:
            self.problem(
                "namn",
                "missing column; expected a column headed namn (the organisation's name) or Organisation"
                + (_RESPONDENT_NAME if respondent_name else ""),
            )
        self.header.derive_slug = ("slug", None) not in kinds
        for name in REQUIRED:
            if (name, None) not in kinds:
                self.problem(name, f"missing column; expected a column headed {name}")
        for q in self.ins.questions:
            if ("question", q.id) not in kinds:
                self.problem(
                    q.id,
                    f"missing column for question {q.number}; head it {q.id} or with the question's wording "
                    "(leave its cells empty if the question was not asked)",
                )
        for kind, qid, name in self.header.found.values():
            if kind == "option" and ("question", qid) not in kinds:
                self.problem(name, f"an option column without a column for {qid}")


def cells_of(header: Header) -> dict[What, int]:
    """Each column read, by what it is."""
    return {(kind, qid): i for i, (kind, qid, _) in header.found.items()}


def cell_at(cells: list[Any], i: int | None) -> tuple[Any, str]:
    """The value in column `i` of a row (None past its end, or with no such column), and the column's letter."""
    return (cells[i] if i is not None and i < len(cells) else None), column_letter(i if i is not None else 0)
