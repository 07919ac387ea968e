"""A survey export (a Table, one row per respondent) read into imported rounds.

The header says what each column is (header.py); every row is read cell by cell against the
instrument by the rules every source shares (values.py), and every problem is reported at its
row and column. What the rows give is the same `Imported` every source yields: the shared steps
(plan.py) find the files and write them.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

from .. import personal
from ..answers import SLUG
from ..instrument import Instrument
from ..problems import Problem
from ..text import show, slug_for
from .cells import clean, column_letter, fold, shown_cell
from .header import Header, cell_at, cells_of, read_header
from .model import Imported, ImportedAnswer, ImportedRespondent, ImportedRound
from .recognise import Organisations
from .tables import Table
from .values import Values, text_of


def read_survey(
    ins: Instrument, table: Table, orgs_dir: Path, default_date: datetime.date | None, mapping: dict[str, str] | None = None
) -> Imported:
    """The rounds a survey export holds, by (slug, date), and every problem at its row and column."""
    imported = Imported(Path(table.shown).name, lambda row, column, message: Problem(table.shown, row, column, message))
    header = read_header(ins, table, {fold(k): v for k, v in (mapping or {}).items()}, imported.problems)
    if header is not None:
        imported.columns = header.uses
        _Rows(ins, table, header, Organisations(ins, orgs_dir), default_date, imported).read()
    return imported


class _Rows:
    """The rows of a table whose header was read: each respondent's cells, checked one by one."""

    def __init__(
        self, ins: Instrument, table: Table, header: Header, orgs: Organisations, default_date: datetime.date | None, imported: Imported
    ):
        self.ins = ins
        self.table = table
        self.header = header
        self.column_of = cells_of(header)
        self.orgs = orgs
        self.default_date = default_date
        self.imported = imported
        self.values = Values(ins, imported.problem)
        self.rounds: dict[tuple[str, datetime.date], ImportedRound] = {}

    def problem(self, row: int, column: str, message: str) -> None:
        self.imported.problem(row, column, message)

    def cell(self, cells: list[Any], kind: str, qid: str | None = None) -> tuple[Any, str]:
        return cell_at(cells, self.column_of.get((kind, qid)))

    # -- cells --------------------------------------------------------------------

    def at(self, letter: str, row: int) -> str:
        """Where a message about one cell says it is: "cell Blad1!F7"."""
        return f"cell {self.table.cell(letter, row)}"

    def contact_cells(self, row: int, cells: list[Any], checked: set[int]) -> None:
        """Every cell of a column that is read (not dropped), besides the names and comments free_text
        checks, holding contact details or a personal identity number: an error naming the cell, and
        the column is still read whole (or refused whole, when unknown)."""
        for use in self.header.uses:
            if not use.dropped and use.index not in checked and use.index < len(cells):
                self.values.contact(cells[use.index], row, show(use.heading), self.at(column_letter(use.index), row))

    # -- rows -----------------------------------------------------------------------

    def read(self) -> None:
        """Every row with anything in it, as a respondent of the round of its organisation and date."""
        data_rows = [(n, cells) for n, cells in self.table.rows[1:] if any(clean(c) for c in cells)]
        # What the dropped columns hold (respondents' names, e-mail addresses): never let it through another cell.
        dropped_cols = [u.index for u in self.header.uses if u.dropped]
        for _, cells in data_rows:
            for i in dropped_cols:
                if i < len(cells):
                    self.values.withhold(cells[i], f"column {column_letter(i)}")
        if not data_rows:
            self.problem(self.table.rows[0][0], "file", "no respondents: the file has a header but no rows with answers")
        self.answered_twice(data_rows)
        for row, cells in data_rows:
            self.row(row, cells)
        self.imported.rounds = list(self.rounds.values())

    def answered_twice(self, data_rows: list[tuple[int, list[Any]]]) -> None:
        """Two rows whose dropped column gives the same e-mail address are one person answering twice
        (a form sent again): counted twice, that person would weigh double. An error naming both rows,
        never the address."""
        for use in self.header.uses:
            if not use.dropped:
                continue
            first: dict[str, int] = {}
            for row, cells in data_rows:
                text = text_of(cells[use.index]) if use.index < len(cells) else ""
                if not text or [f.kind for f in personal.find(text)] != ["email"]:
                    continue
                key = personal.normalise(text).casefold()
                if key in first:
                    self.problem(
                        row,
                        show(use.heading),
                        f"the same e-mail address as row {first[key]}: one person answered twice; "
                        f"delete the row that does not count, or, for two people who share the address, "
                        f"clear it in one of their rows (cell {self.table.cell(column_letter(use.index), row)})",
                    )
                else:
                    first[key] = row

    def row(self, row: int, cells: list[Any]) -> None:
        before = len(self.imported.problems)
        free_columns = {self.column_of[what] for what in (("namn", None), ("kommentar", None)) if what in self.column_of}
        self.contact_cells(row, cells, free_columns)
        name, slug = self.organisation(row, cells)
        type_, role = self.type_and_role(row, cells)
        day = self.day(row, cells)
        comment_value, letter = self.cell(cells, "kommentar")
        comment = text_of(comment_value) or None
        if comment:
            comment = self.values.free_text(comment, row, "kommentar", self.at(letter, row), line_breaks=True)
            self.values.no_withheld(comment, row, "kommentar", self.at(letter, row))
        answers = self.answers(row, cells)
        if not answers and len(self.imported.problems) == before:
            self.problem(row, "svar", "no answer in this row; a respondent needs at least one (fill the row in, or delete it)")
        if len(self.imported.problems) > before or not slug or day is None or role is None:
            return
        self.imported.identify(row, slug, name, type_ or "", lambda first: f"row {first}")
        key = (slug, day)
        if key not in self.rounds:
            self.rounds[key] = ImportedRound(slug, day, row)
        self.rounds[key].rows.append(row)
        self.rounds[key].respondents.append(ImportedRespondent(row, role, answers, comment))

    def organisation(self, row: int, cells: list[Any]) -> tuple[str, str | None]:
        """The organisation's name as given (empty if none) and the slug of its file."""
        value, letter = self.cell(cells, "namn")
        name = text_of(value)
        name_field = self.header.found[self.column_of[("namn", None)]][2] if ("namn", None) in self.column_of else "namn"
        if name:
            name = self.values.free_text(name, row, name_field, self.at(letter, row))
            self.values.no_withheld(name, row, name_field, self.at(letter, row))
        if self.header.derive_slug:  # no slug column: the organisation's name says which file
            # (with no column for it either, the header's problem says so once)
            return name, (self.slug_of(name, row, name_field, letter) if ("namn", None) in self.column_of else None)
        value, letter = self.cell(cells, "slug")
        slug = text_of(value)
        if not slug:
            self.problem(row, "slug", f"missing; expected the organisation's slug, as in orgs/<slug>.yaml (column {letter})")
        elif not SLUG.fullmatch(slug):
            better = slug_for(slug)
            self.problem(
                row,
                "slug",
                f"expected lower-case a–z, 0–9 and hyphens, got {shown_cell(slug)}"
                + (f"; write {better}" if better else "")
                + f" (column {letter})",
            )
        return name, slug

    def slug_of(self, name: str, row: int, field: str, letter: str) -> str | None:
        """The answer file an organisation's name belongs to (recognise.py)."""
        if not name:
            self.problem(row, field, f"missing; expected the organisation's name (column {letter})")
            return None
        slug = self.orgs.slug_of(name)
        if slug is None:
            self.problem(row, field, f"{shown_cell(name)} gives no file name (a–z, 0–9 and hyphens); add a slug column (column {letter})")
        return slug

    def type_and_role(self, row: int, cells: list[Any]) -> tuple[str | None, str | None]:
        """The type as given ("" when empty, None when unknown) and the role (None when missing or unknown)."""
        value, letter = self.cell(cells, "typ")
        type_ = self.values.type_(value, row, f"column {letter}")
        value, letter = self.cell(cells, "roll")
        return type_, self.values.role(value, row, f"column {letter}")

    def day(self, row: int, cells: list[Any]) -> datetime.date | None:
        """The round's date: the row's datum, else --datum."""
        day = None
        if ("datum", None) in self.column_of:
            value, letter = self.cell(cells, "datum")
            day = self.values.date(value, row, f"column {letter}")
        if day is None:
            day = self.default_date
            if day is None:
                self.problem(row, "datum", "no date: give --datum YYYY-MM-DD, or fill in the datum column")
        return day if isinstance(day, datetime.date) else None

    def answers(self, row: int, cells: list[Any]) -> dict[str, ImportedAnswer]:
        answers: dict[str, ImportedAnswer] = {}
        for q in self.ins.questions:
            value, letter = self.cell(cells, "question", q.id)
            option = None
            if ("option", q.id) in self.column_of:
                ovalue, oletter = self.cell(cells, "option", q.id)
                option = (ovalue, f"column {oletter}")
            answer = self.values.question(q, value, row, f"column {letter}", option, no_option="no column for it")
            if answer is not None:
                answers[q.id] = answer
        return answers
