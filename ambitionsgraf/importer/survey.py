"""A survey export (a Table, one row per respondent) read into imported rounds.

The header says what each column is (header.py); every row is read cell by cell against the
instrument, and every problem is reported at its row and column. What the rows give is the same
`Imported` every source yields: the shared steps (plan.py) find the files and write them.
"""

from __future__ import annotations

import datetime
import difflib
import re
from pathlib import Path
from typing import Any

from .. import personal
from ..answers import SLUG
from ..instrument import Instrument, Question
from ..problems import Problem
from ..text import ISO_DATE, check_comment, check_name, name_key, or_list, show, slug_for
from .cells import clean, column_letter, fold, loose_key, negated, shown_cell
from .columns import option_keys
from .header import Header, cell_at, cells_of, read_header
from .model import Identity, Imported, ImportedAnswer, ImportedRespondent, ImportedRound
from .recognise import Organisations
from .tables import Table

# Spellings a reader takes for a label on the scale or for vet ej.
_DONT_KNOW = ("vet ej", "vet inte", "ingen uppfattning", "vet ej/ingen uppfattning", "vet inte/ingen uppfattning")
_SCALE_TOP = ("instämmer helt", "instämmer helt och hållet", "stämmer helt", "stämmer helt och hållet")
_SCALE_BOTTOM = ("stämmer inte alls", "instämmer inte alls")
_NOT_A_NAME = re.compile(r"[\d\s:./+-]*|[a-z]{2}(?:-[a-z]{2})?")  # dates, times, ids, language codes
_DATE = re.compile(ISO_DATE.pattern + r"(?:[ T]00:00(?::00)?)?")  # as a spreadsheet may write a day
_NUMBER = re.compile(r"[0-9]+(?:[.,]0+)?")
_NUMBER_AND_LABEL = re.compile(r"([0-9]+)\s*[-–—.:)]?\s+(.+)")
DONT_KNOW = object()  # a cell's answer: vet ej


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
        self.scale = {v: label for v, label in ins.scale}
        self.scale_by_label = {fold(label): v for v, label in ins.scale}
        for spelling in _SCALE_TOP:
            self.scale_by_label.setdefault(spelling, max(self.scale))
        for spelling in _SCALE_BOTTOM:
            self.scale_by_label.setdefault(spelling, min(self.scale))
        self.dont_know = {fold(ins.dont_know), fold(ins.dont_know_label), *_DONT_KNOW}
        self.range = f"{min(self.scale)}–{max(self.scale)}"
        self.types = {k: t.id for t in ins.types for k in (loose_key(t.id), loose_key(t.label))}
        self.roles = {k: r.id for r in ins.roles for k in (loose_key(r.id), loose_key(r.label))}
        self.withheld: dict[str, str] = {}  # what the dropped columns hold → the column's letter
        self.rounds: dict[tuple[str, datetime.date], ImportedRound] = {}

    def problem(self, row: int, column: str, message: str) -> None:
        self.imported.problem(row, column, message)

    def cell(self, cells: list[Any], kind: str, qid: str | None = None) -> tuple[Any, str]:
        return cell_at(cells, self.column_of.get((kind, qid)))

    # -- cells --------------------------------------------------------------------

    def answer(self, q: Question, value: Any, row: int, letter: str):
        """The answer in a cell: None when empty, DONT_KNOW, points or ja/nej; False after a problem."""
        if value is None or (isinstance(value, str) and not clean(value)):
            return None
        text = clean(value)
        folded = fold(text)
        if folded in self.dont_know:
            return DONT_KNOW
        if q.rule == "ja_nej":
            keys = {fold(k): k for k, _ in q.points}
            if folded in keys and not isinstance(value, bool):
                return keys[folded]
            labels = [k.capitalize() for k, _ in q.points] + [self.ins.dont_know_label]
            self.problem(row, q.id, f"expected {or_list(labels)}, got {self._got(value, labels, letter)}")
            return False
        points = self._scale_value(value, text)
        if points is None:
            example = self.ins.scale[1][1]
            labels = [label for _, label in self.ins.scale] + [self.ins.dont_know_label]
            self.problem(
                row,
                q.id,
                f"expected {self.range}, a label on the scale such as '{example}', or '{self.ins.dont_know_label}'; "
                f"got {self._got(value, labels, letter)}",
            )
            return False
        return points

    def _scale_value(self, value: Any, text: str) -> int | None:
        if isinstance(value, bool):
            return None
        if isinstance(value, (int, float)):
            return int(value) if value == int(value) and int(value) in self.scale else None
        if _NUMBER.fullmatch(text):
            number = int(re.split(r"[.,]", text)[0])
            return number if number in self.scale else None
        if fold(text) in self.scale_by_label:
            return self.scale_by_label[fold(text)]
        m = _NUMBER_AND_LABEL.fullmatch(text)  # "3 – Instämmer delvis", as some tools export
        if m and int(m[1]) in self.scale and self.scale_by_label.get(fold(m[2])) == int(m[1]):
            return int(m[1])
        return None

    def _got(self, value: Any, labels: list[str], letter: str) -> str:
        """'what was written' (column X; a hint where one helps)."""
        text = clean(value)
        notes = [f"column {letter}"]
        # Spellings the import accepts are compared too, and offer the label they stand for
        # ("Instämer helt" → Instämmer i hög grad). A hint never turns the meaning round: when the
        # closest spelling says "inte" and the cell does not (or the other way), there is no hint.
        offered = {fold(label): label for label in labels}
        if self.scale[max(self.scale)] in labels:
            offered.update({spelling: self.scale[points] for spelling, points in self.scale_by_label.items() if spelling not in offered})
        said = re.sub(r"\bej\b", "inte", fold(text))  # "Instämmer ej helt" is "Instämmer inte helt"
        close = difflib.get_close_matches(said, list(offered), n=1, cutoff=0.75)
        if close and negated(close[0]) == negated(said):
            notes.append(f"did you mean {offered[close[0]]}?")
        elif isinstance(value, float) or re.fullmatch(r"[0-9]+[.,][0-9]+", text):
            notes.append("not a whole number")
        return f"{shown_cell(text)} ({'; '.join(notes)})"

    def option(self, q: Question, value: Any, row: int, name: str, letter: str) -> str | bool | None:
        """The option key in an option cell (delar, kvartal, …); None when empty, False after a problem."""
        text = clean(value)
        if not text:
            return None
        by_key = option_keys(q)
        if loose_key(text) in by_key:
            return by_key[loose_key(text)]
        choices = [o.key for o in q.options]
        self.problem(row, name, f"expected {or_list(choices)} (or empty), got {shown_cell(text)} (column {letter})")
        return False

    def free_text(self, text: str, row: int, field: str, letter: str, line_breaks: bool = False) -> str:
        """A name or comment as an answer file may hold it, by the rules `check` applies to a typed
        file (text.check_name, text.check_comment): refused at its cell, invisible characters removed."""
        cleaned, refusals, _ = check_comment(text, in_file=False) if line_breaks else check_name(text, in_file=False)
        for message in refusals:
            self.problem(row, field, f"{message} (cell {self.table.cell(letter, row)})")
        return cleaned

    def text_cell(self, value: Any) -> str:
        if isinstance(value, float) and value == int(value):
            value = int(value)
        return clean(value)

    def date_cell(self, value: Any, row: int, letter: str) -> datetime.date | bool | None:
        if value is None or (isinstance(value, str) and not clean(value)):
            return None
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        m = _DATE.fullmatch(clean(value))
        if m:
            try:
                return datetime.date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                self.problem(row, "datum", f"expected a real date, got {m[1]}-{m[2]}-{m[3]} (no such day) (column {letter})")
                return False
        serial = isinstance(value, (int, float)) or re.fullmatch(r"[1-9][0-9]{4}(?:[.,][0-9]+)?", clean(value))
        hint = "; a spreadsheet keeps a date as such a number in a column not formatted as dates: format it as dates" if serial else ""
        self.problem(row, "datum", f"expected a date written YYYY-MM-DD, got '{show(clean(value))}' (column {letter}{hint})")
        return False

    def no_withheld(self, text: str, row: int, field: str, letter: str) -> None:
        """Text that reaches an answer file (a name, a comment) must hold nothing the export's dropped
        columns hold (a respondent's name, typed again in a comment); free_text refused contact details."""
        folded = text.casefold()
        for value, column in self.withheld.items():
            if re.search(rf"(?<!\w){re.escape(value)}(?!\w)", folded):
                self.problem(
                    row,
                    field,
                    f"holds what column {column} gives as a respondent's name or contact details; "
                    f"answer files never hold them: remove it from cell {self.table.cell(letter, row)}",
                )
                return

    def contact_cells(self, row: int, cells: list[Any], checked: set[int]) -> None:
        """Every cell of a column that is read (not dropped), besides the names and comments free_text
        checks, holding contact details or a personal identity number: an error naming the cell, and
        the column is still read whole (or refused whole, when unknown)."""
        for use in self.header.uses:
            if use.dropped or use.index in checked or use.index >= len(cells) or not isinstance(cells[use.index], str):
                continue
            found = personal.problem(cells[use.index])
            if found:
                self.problem(row, show(use.heading), f"{found} (cell {self.table.cell(column_letter(use.index), row)})")

    # -- rows -----------------------------------------------------------------------

    def read(self) -> None:
        """Every row with anything in it, as a respondent of the round of its organisation and date."""
        data_rows = [(n, cells) for n, cells in self.table.rows[1:] if any(clean(c) for c in cells)]
        # What the dropped columns hold (respondents' names, e-mail addresses): never let it through another cell.
        dropped_cols = [u.index for u in self.header.uses if u.dropped]
        self.withheld = {
            v.casefold(): column_letter(i)
            for _, cells in data_rows
            for i in dropped_cols
            if i < len(cells)
            for v in [self.text_cell(cells[i])]
            if len(v) >= 3 and not _NOT_A_NAME.fullmatch(v)
        }
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
                text = self.text_cell(cells[use.index]) if use.index < len(cells) else ""
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
        comment = self.text_cell(comment_value) or None
        if comment:
            comment = self.free_text(comment, row, "kommentar", letter, line_breaks=True)
            self.no_withheld(comment, row, "kommentar", letter)
        answers = self.answers(row, cells)
        if not answers and len(self.imported.problems) == before:
            self.problem(row, "svar", "no answer in this row; a respondent needs at least one (fill the row in, or delete it)")
        if len(self.imported.problems) > before or not slug or day is None or role is None:
            return
        self.identify(row, slug, name, type_)
        key = (slug, day)
        if key not in self.rounds:
            self.rounds[key] = ImportedRound(slug, day, row)
        self.rounds[key].rows.append(row)
        self.rounds[key].respondents.append(ImportedRespondent(row, role, answers, comment))

    def organisation(self, row: int, cells: list[Any]) -> tuple[str, str | None]:
        """The organisation's name as given (empty if none) and the slug of its file."""
        value, letter = self.cell(cells, "namn")
        name = self.text_cell(value)
        name_field = self.header.found[self.column_of[("namn", None)]][2] if ("namn", None) in self.column_of else "namn"
        if name:
            name = self.free_text(name, row, name_field, letter)
            self.no_withheld(name, row, name_field, letter)
        if self.header.derive_slug:  # no slug column: the organisation's name says which file
            # (with no column for it either, the header's problem says so once)
            return name, (self.slug_of(name, row, name_field, letter) if ("namn", None) in self.column_of else None)
        value, letter = self.cell(cells, "slug")
        slug = self.text_cell(value)
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
        type_text = self.text_cell(value)
        type_ = self.types.get(loose_key(type_text)) if type_text else ""
        if type_ is None:
            self.problem(row, "typ", f"expected {or_list([t.id for t in self.ins.types])}, got {shown_cell(type_text)} (column {letter})")
        value, letter = self.cell(cells, "roll")
        role_text = self.text_cell(value)
        role = self.roles.get(loose_key(role_text)) if role_text else None
        if not role_text:
            self.problem(row, "roll", f"missing; expected {or_list([r.id for r in self.ins.roles])} (column {letter})")
        elif role is None:
            self.problem(row, "roll", f"expected {or_list([r.id for r in self.ins.roles])}, got {shown_cell(role_text)} (column {letter})")
        return type_, role

    def day(self, row: int, cells: list[Any]) -> datetime.date | None:
        """The round's date: the row's datum, else --datum."""
        day = None
        if ("datum", None) in self.column_of:
            value, letter = self.cell(cells, "datum")
            day = self.date_cell(value, row, letter)
        if day is None:
            day = self.default_date
            if day is None:
                self.problem(row, "datum", "no date: give --datum YYYY-MM-DD, or fill in the datum column")
        return day if isinstance(day, datetime.date) else None

    def answers(self, row: int, cells: list[Any]) -> dict[str, ImportedAnswer]:
        answers: dict[str, ImportedAnswer] = {}
        for q in self.ins.questions:
            value, letter = self.cell(cells, "question", q.id)
            answer = self.answer(q, value, row, letter)
            option = None
            if q.extra and ("option", q.id) in self.column_of:
                ovalue, oletter = self.cell(cells, "option", q.id)
                option = self.option(q, ovalue, row, f"{q.id}_{q.extra}", oletter)
                if option and answer is None:
                    self.problem(
                        row,
                        f"{q.id}_{q.extra}",
                        f"given, but {q.id} is not answered; fill in the answer or clear this cell (column {oletter})",
                    )
                    continue
            if answer is None or answer is False or option is False:
                continue
            if option is None and q.default_option is not None and answer is not DONT_KNOW:
                # Never assumed: the weight depends on it, and an empty cell may be a forgotten one.
                labels = or_list([o.label for o in q.options])
                where = f"column {self.cell(cells, 'option', q.id)[1]}" if ("option", q.id) in self.column_of else "no column for it"
                self.problem(row, f"{q.id}_{q.extra}", f"missing; {q.id} is answered, so its {q.extra} is needed: {labels} ({where})")
                continue
            answers[q.id] = ImportedAnswer(
                None if answer is DONT_KNOW else str(answer), option if isinstance(option, str) and option else None
            )
        return answers

    def identify(self, row: int, slug: str, name: str, type_: str | None) -> None:
        """What the row says of its organisation, which must agree with the rows before it."""
        identities = self.imported.identities
        if slug not in identities:
            identities[slug] = Identity(name, type_ or "", row)
            return
        first_name, first_type, first_row = identities[slug]
        if name and first_name and name_key(name) != name_key(first_name):  # as the file was found by (recognise.py)
            self.problem(row, "namn", f"'{show(name)}', but row {first_row} gives '{show(first_name)}' for {slug}; use one name")
        if type_ and first_type and type_ != first_type:
            self.problem(row, "typ", f"{type_}, but row {first_row} gives {first_type} for {slug}; use one type")
        identities[slug] = Identity(first_name or name, first_type or type_ or "", first_row)
