"""Import a survey export (CSV or XLSX, one row per respondent) into answer files.

`python build.py import FILE --datum YYYY-MM-DD` reads the table, checks every
cell, and writes `orgs/<slug>.yaml` or appends new assessment rounds to it.

Rules:
- Every problem is reported as `FILE:ROW: COLUMN: message` (ROW is the
  spreadsheet row, 1 = the header); when there is any, nothing is written.
- An existing answer file is extended textually: the new round is inserted
  after the last entry of its `matningar:` list and every existing byte is
  kept (comments, order, formatting). Existing YAML is never re-dumped.
- A round whose date is already in the file is refused as a duplicate.
- Every generated file is validated with `parse_organisation` before anything
  is written, and must read back as exactly the answers imported.

Columns (headers matched case-insensitively): `slug`, `namn`, `typ`, `roll`,
optional `datum` (overrides --datum) and `kommentar`, one column per question
headed by its id or its wording (whitespace, case, punctuation and a leading
question number ignored), and `<question>_<tillagg>` for the options
(`v3_uppfoljning_omfattning`, `v3_rapportering_frekvens`). Any other heading is
an error: a survey export's name or e-mail column must be removed, never
imported.
"""

from __future__ import annotations

import csv
import datetime
import difflib
import io
import os
import re
import stat
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import answerfile
from .answers import SLUG, Organisation, display_path, parse_organisation
from .instrument import Instrument, Question
from .problems import ContentError, Problem
from .text import ascii_key, or_list, show, slug_for

MAX_BYTES = 20_000_000
MAX_ROWS = 20_000
FIXED = ("slug", "namn", "typ", "roll", "datum", "kommentar")
REQUIRED = ("slug", "namn", "typ", "roll")
_PERSONAL = {"e_post", "epost", "email", "e_mail", "mejl", "mail", "telefon", "tel", "fornamn", "efternamn",
             "personnamn", "respondent", "respondentens_namn", "ditt_namn", "namn_pa_respondent"}
_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})(?:[ T]00:00(?::00)?)?")
_NUMBER = re.compile(r"[0-9]+(?:[.,]0+)?")
_NUMBER_AND_LABEL = re.compile(r"([0-9]+)\s*[-–—.:)]?\s+(.+)")
DONT_KNOW = object()


# -- text helpers --------------------------------------------------------------


def _clean(value: Any) -> str:
    """A cell as trimmed text with ordinary spaces (Excel pastes non-breaking ones)."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", str(value)).replace("\u00a0", " ")
    return " ".join(text.split())


def _fold(text: str) -> str:
    """Case-insensitive, whitespace-collapsed form for matching labels."""
    return _clean(text).casefold()


def _ascii_key(value: Any) -> str:
    """For ids written loosely: a cell as text.ascii_key reads it ("Inköpschef" → inkopschef)."""
    return ascii_key(_clean(value))


def wording_key(text: str) -> str:
    """A question heading as a survey tool may export it, reduced for comparison.

    Case, whitespace and punctuation are ignored, and so is a leading question
    number ("3. Vi har …", "Fråga 3: …"), so "Inköpsfunktionen ansvarar för:
    [Juridisk rådgivning …]" matches the area preamble followed by the question.
    """
    text = re.sub(r"[^\w\s]", " ", _fold(text))
    text = " ".join(text.split())
    return re.sub(r"^(?:fraga|fråga|question|q)?\s*[0-9]+\s+", "", text)


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


# -- reading the table ----------------------------------------------------------


@dataclass
class Table:
    shown: str
    rows: list[tuple[int, list[Any]]]  # (spreadsheet row number, cells); the header is the first


def read_table(path: Path, shown: str) -> tuple[Table | None, list[Problem]]:
    """Read a .csv or .xlsx file into rows of cells, with their spreadsheet row numbers."""
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".txt", ".xlsx", ".xlsm"):
        hint = "; save it as .xlsx or CSV" if suffix in (".xls", ".ods", ".numbers") else ""
        return None, [Problem(shown, 1, "file", f"expected a .csv or .xlsx file, got {show(path.name, 60)!r}{hint}")]
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            return None, [Problem(shown, 1, "file", f"expected at most {MAX_BYTES // 1_000_000} MB, got {size // 1_000_000} MB; this is not a survey export")]
        data = path.read_bytes()
    except OSError as exc:
        return None, [Problem(shown, 1, "file", f"cannot be read: {exc.strerror or exc}")]
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(data, shown)
    return _read_csv(data, shown)


def _decode(data: bytes, shown: str) -> tuple[str | None, list[Problem]]:
    """UTF-8 with or without BOM, UTF-16 with BOM (Excel "Unicode text"), else Windows-1252."""
    if data.startswith(b"\xef\xbb\xbf"):
        encoding = "utf-8-sig"
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    else:
        try:
            return data.decode("utf-8"), []
        except UnicodeDecodeError:
            encoding = "cp1252"
    try:
        return data.decode(encoding), []
    except UnicodeDecodeError as exc:
        row = data[: exc.start].count(b"\n") + 1
        return None, [Problem(shown, row, "encoding", f"expected UTF-8 or Windows-1252, got byte 0x{data[exc.start]:02X}; save the file as CSV UTF-8")]


def _read_csv(data: bytes, shown: str) -> tuple[Table | None, list[Problem]]:
    text, problems = _decode(data, shown)
    if text is None:
        return None, problems
    if "\x00" in text:
        return None, [Problem(shown, 1, "file", "expected a text file, got binary data; is this really a CSV file?")]
    offset = 0
    first, _, rest = text.partition("\n")
    m = re.fullmatch(r"sep=(.)\r?", first)
    if m:  # Excel's separator hint; Excel hides the line, so the header is still row 1
        delimiter, text, offset = m[1], rest, 0
    else:
        delimiter = _sniff_delimiter(text)
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        return None, [Problem(shown, 1, "file", f"cannot be read as CSV: {exc}")]
    if len(records) > MAX_ROWS:
        return None, [Problem(shown, 1, "file", f"expected at most {MAX_ROWS} rows, got {len(records)}")]
    return Table(shown, [(i + 1 + offset, r) for i, r in enumerate(records)]), []


def _sniff_delimiter(text: str) -> str:
    """The delimiter that makes the most recognisable header; ';' (Swedish Excel) on a tie."""
    header = text.split("\n", 1)[0]
    best, best_score = ";", -1
    for delimiter in (";", ",", "\t"):
        try:
            cells = next(csv.reader([header], delimiter=delimiter), [])
        except csv.Error:
            continue
        score = sum(1 for c in cells if _ascii_key(c) in FIXED or re.fullmatch(r"[vh][0-9]?_[a-z_]+", _ascii_key(c)))
        score = score * 1000 + len(cells)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _read_xlsx(data: bytes, shown: str) -> tuple[Table | None, list[Problem]]:
    import zipfile

    import openpyxl

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds of errors on a damaged or foreign file
        reason = "not a zip archive" if isinstance(exc, zipfile.BadZipFile) else show(str(exc) or type(exc).__name__, 80)
        return None, [Problem(shown, 1, "file", f"cannot be read as an Excel workbook (.xlsx): {reason}")]
    try:
        if not wb.worksheets:
            return None, [Problem(shown, 1, "file", "the workbook has no sheet; the answers belong on the first sheet")]
        ws = wb.worksheets[0]
        rows: list[tuple[int, list[Any]]] = []
        for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
            if number > MAX_ROWS:
                return None, [Problem(shown, 1, "file", f"expected at most {MAX_ROWS} rows, got more")]
            rows.append((number, list(values)))
    except Exception as exc:  # a damaged sheet fails while it is read, not when the file opens
        return None, [Problem(shown, 1, "file", f"cannot be read as an Excel workbook (.xlsx): {show(str(exc) or type(exc).__name__, 80)}")]
    finally:
        wb.close()
    return Table(shown, rows), []


# -- the plan --------------------------------------------------------------------


@dataclass
class ImportedRespondent:
    row: int
    role: str
    answers: dict[str, Any]  # qid -> int | "ja"/"nej" | DONT_KNOW, or (value, option key) with an option
    comment: str | None


@dataclass
class ImportedRound:
    slug: str
    date: datetime.date
    first_row: int
    rows: list[int] = field(default_factory=list)
    respondents: list[ImportedRespondent] = field(default_factory=list)


@dataclass
class FileChange:
    path: Path
    shown: str
    old: str | None  # None: a new file
    new: str
    rounds: list[ImportedRound]

    def diff(self) -> str:
        old = [] if self.old is None else self.old.splitlines(keepends=True)
        lines = difflib.unified_diff(old, self.new.splitlines(keepends=True),
                                     fromfile="/dev/null" if self.old is None else self.shown,
                                     tofile=self.shown)
        return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)


class _Columns:
    """What each column of the header means."""

    def __init__(self, ins: Instrument):
        self.ins = ins
        self.by_name: dict[str, tuple[str, str | None]] = {}  # folded heading -> (kind, question id)
        for name in FIXED:
            self.by_name[name] = (name, None)
        self.by_wording: dict[str, str] = {}
        ambiguous: set[str] = set()
        for area in ins.areas:
            for q in area.questions:
                self.by_name[q.id] = ("question", q.id)
                if q.extra:
                    self.by_name[f"{q.id}_{q.extra}"] = ("option", q.id)
                keys = {wording_key(q.text)}
                if area.preamble:
                    keys.add(wording_key(f"{area.preamble} {q.text}"))
                for key in keys:
                    if key in self.by_wording and self.by_wording[key] != q.id:
                        ambiguous.add(key)
                    self.by_wording[key] = q.id
        for key in ambiguous:
            del self.by_wording[key]

    def match(self, heading: str) -> tuple[str, str | None] | None:
        folded = _fold(heading)
        if folded in self.by_name:
            return self.by_name[folded]
        if wording_key(heading) in self.by_wording:
            return ("question", self.by_wording[wording_key(heading)])
        return None

    def unknown_message(self, heading: str) -> str:
        if _ascii_key(heading) in _PERSONAL or _ascii_key(heading) in ("namn_respondent", "name"):
            return "answer files hold a respondent's role, never a name or contact details; delete this column"
        names = list(self.by_name)
        close = difflib.get_close_matches(_fold(heading), names, n=1, cutoff=0.8)
        if close:
            return f"unknown column; did you mean {close[0]}?"
        close = difflib.get_close_matches(wording_key(heading), list(self.by_wording), n=1, cutoff=0.85)
        if close:
            q = self.ins.question(self.by_wording[close[0]])
            return f"unknown column; the wording is close to question {q.number} ({q.id}) but not the same; head the column {q.id}"
        return ("unknown column; expected slug, namn, typ, roll, datum, kommentar, a question id or its wording, "
                "or v3_uppfoljning_omfattning / v3_rapportering_frekvens; delete columns the import does not need")


class _Planner:
    def __init__(self, ins: Instrument, table: Table, orgs_dir: Path, default_date: datetime.date | None):
        self.ins = ins
        self.table = table
        self.orgs_dir = orgs_dir
        self.default_date = default_date
        self.problems: list[Problem] = []
        self.scale = {v: label for v, label in ins.scale}
        self.scale_by_label = {_fold(label): v for v, label in ins.scale}
        self.range = f"{min(self.scale)}–{max(self.scale)}"

    def problem(self, row: int, column: str, message: str) -> None:
        self.problems.append(Problem(self.table.shown, row, column, message))

    # -- header -----------------------------------------------------------------

    def header(self) -> dict[int, tuple[str, str | None, str]] | None:
        """Column index -> (kind, question id, field name for messages)."""
        rows = self.table.rows
        if not rows or not any(_clean(c) for c in rows[0][1]):
            self.problem(1, "header", "expected a header row (slug, namn, typ, roll and one column per question), got an empty first row")
            return None
        row_no, cells = rows[0]
        columns = _Columns(self.ins)
        found: dict[int, tuple[str, str | None, str]] = {}
        seen: dict[tuple[str, str | None], str] = {}
        for i, cell in enumerate(cells):
            heading = _clean(cell)
            letter = column_letter(i)
            if not heading:
                if any(i < len(r) and _clean(r[i]) for _, r in rows[1:]):
                    self.problem(row_no, f"column {letter}", "a column with values but no heading; add a heading or delete the column")
                continue
            what = columns.match(heading)
            shown = show(heading)
            if what is None:
                self.problem(row_no, shown, f"{columns.unknown_message(heading)} (column {letter})")
                continue
            kind, qid = what
            name = kind if kind in FIXED else (qid if kind == "question" else f"{qid}_{self.ins.question(qid).extra}")
            if what in seen:
                self.problem(row_no, name, f"two columns for {name}: {seen[what]} and {letter}; keep one")
                continue
            seen[what] = letter
            found[i] = (kind, qid, name)
        kinds = {(k, q) for k, q, _ in found.values()}
        for name in REQUIRED:
            if (name, None) not in kinds:
                self.problem(row_no, name, f"missing column; expected a column headed {name}")
        for q in self.ins.questions:
            if ("question", q.id) not in kinds:
                self.problem(row_no, q.id, f"missing column for question {q.number}; head it {q.id} or with the question's wording (leave its cells empty if the question was not asked)")
        for i, (kind, qid, name) in found.items():
            if kind == "option" and ("question", qid) not in kinds:
                self.problem(row_no, name, f"an option column without a column for {qid}")
        return found  # with problems reported, the rows are still checked so that all are listed at once

    # -- cells --------------------------------------------------------------------

    def answer(self, q: Question, value: Any, row: int, letter: str):
        """The answer in a cell: None when empty, DONT_KNOW, points or ja/nej; False after a problem."""
        if value is None or (isinstance(value, str) and not _clean(value)):
            return None
        text = _clean(value)
        folded = _fold(text)
        if folded in (_fold(self.ins.dont_know), _fold(self.ins.dont_know_label)):
            return DONT_KNOW
        if q.rule == "ja_nej":
            keys = {_fold(k): k for k, _ in q.points}
            if folded in keys and not isinstance(value, bool):
                return keys[folded]
            labels = [k.capitalize() for k, _ in q.points] + [self.ins.dont_know_label]
            self.problem(row, q.id, f"expected {or_list(labels)}, got {self._got(value, labels, letter)}")
            return False
        points = self._scale_value(value, text)
        if points is None:
            example = self.ins.scale[1][1]
            labels = [label for _, label in self.ins.scale] + [self.ins.dont_know_label]
            self.problem(row, q.id, f"expected {self.range}, a label on the scale such as '{example}', or '{self.ins.dont_know_label}'; "
                                    f"got {self._got(value, labels, letter)}")
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
        if _fold(text) in self.scale_by_label:
            return self.scale_by_label[_fold(text)]
        m = _NUMBER_AND_LABEL.fullmatch(text)  # "3 – Instämmer delvis", as some tools export
        if m and int(m[1]) in self.scale and self.scale_by_label.get(_fold(m[2])) == int(m[1]):
            return int(m[1])
        return None

    def _got(self, value: Any, labels: list[str], letter: str) -> str:
        """'what was written' (column X; a hint where one helps)."""
        text = _clean(value)
        notes = [f"column {letter}"]
        close = difflib.get_close_matches(_fold(text), [_fold(label) for label in labels], n=1, cutoff=0.75)
        if close:
            notes.append("did you mean " + next(label for label in labels if _fold(label) == close[0]) + "?")
        elif isinstance(value, float) or re.fullmatch(r"[0-9]+[.,][0-9]+", text):
            notes.append("not a whole number")
        return f"'{show(text)}' ({'; '.join(notes)})"

    def option(self, q: Question, value: Any, row: int, name: str, letter: str) -> str | None | bool:
        """The option key in an option cell (delar, kvartal, …); None when empty, False after a problem."""
        text = _clean(value)
        if not text:
            return None
        by_key: dict[str, str] = {}
        for o in q.options:
            by_key[_ascii_key(o.key)] = o.key
            by_key[_ascii_key(o.label)] = o.key
            words = o.label.split()
            if len(words) == 2 and words[0] == "per":  # "per månad" → also "månad"
                by_key[_ascii_key(words[1])] = o.key
            if o.key == "ar":  # "per år", "årligen"
                by_key["per_ar"] = by_key["arligen"] = o.key
        if _ascii_key(text) in by_key:
            return by_key[_ascii_key(text)]
        choices = [o.key for o in q.options]
        self.problem(row, name, f"expected {or_list(choices)} (or empty), got '{show(text)}' (column {letter})")
        return False

    def text_cell(self, value: Any) -> str:
        if isinstance(value, float) and value == int(value):
            value = int(value)
        return _clean(value)

    def date_cell(self, value: Any, row: int, letter: str) -> datetime.date | None | bool:
        if value is None or (isinstance(value, str) and not _clean(value)):
            return None
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        m = _DATE.fullmatch(_clean(value))
        if m:
            try:
                return datetime.date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                self.problem(row, "datum", f"expected a real date, got {m[1]}-{m[2]}-{m[3]} (no such day) (column {letter})")
                return False
        self.problem(row, "datum", f"expected a date written YYYY-MM-DD, got '{show(_clean(value))}' (column {letter})")
        return False

    # -- rows -----------------------------------------------------------------------

    def rounds(self) -> tuple[list[ImportedRound], dict[str, tuple[str, str, int]]]:
        """The rounds in the file by (slug, date), and each slug's namn and typ as given."""
        header = self.header()
        if header is None:
            return [], {}
        types = {}
        for t in self.ins.types:
            types[_ascii_key(t.id)] = t.id
            types[_ascii_key(t.label)] = t.id
        roles = {}
        for r in self.ins.roles:
            roles[_ascii_key(r.id)] = r.id
            roles[_ascii_key(r.label)] = r.id
        column_of = {(kind, qid): i for i, (kind, qid, _) in header.items()}
        rounds: dict[tuple[str, datetime.date], ImportedRound] = {}
        identity: dict[str, tuple[str, str, int]] = {}  # slug -> (namn, typ, row)
        data_rows = [(n, cells) for n, cells in self.table.rows[1:] if any(_clean(c) for c in cells)]
        if not data_rows:
            self.problem(self.table.rows[0][0], "file", "no respondents: the file has a header but no rows with answers")
        for row, cells in data_rows:
            def cell(kind: str, qid: str | None = None):
                i = column_of.get((kind, qid))
                return (cells[i] if i is not None and i < len(cells) else None), column_letter(i if i is not None else 0)

            before = len(self.problems)
            value, letter = cell("slug")
            slug = self.text_cell(value)
            if not slug:
                self.problem(row, "slug", f"missing; expected the organisation's slug, as in orgs/<slug>.yaml (column {letter})")
            elif not SLUG.fullmatch(slug):
                better = slug_for(slug)
                self.problem(row, "slug", f"expected lower-case a–z, 0–9 and hyphens, got '{show(slug)}'" + (f"; write {better}" if better else "") + f" (column {letter})")
            value, letter = cell("namn")
            name = self.text_cell(value)
            value, letter_t = cell("typ")
            type_text = self.text_cell(value)
            type_ = types.get(_ascii_key(type_text)) if type_text else ""
            if type_ is None:
                self.problem(row, "typ", f"expected {or_list([t.id for t in self.ins.types])}, got '{show(type_text)}' (column {letter_t})")
            value, letter = cell("roll")
            role_text = self.text_cell(value)
            role = roles.get(_ascii_key(role_text)) if role_text else None
            if not role_text:
                self.problem(row, "roll", f"missing; expected {or_list([r.id for r in self.ins.roles])} (column {letter})")
            elif role is None:
                self.problem(row, "roll", f"expected {or_list([r.id for r in self.ins.roles])}, got '{show(role_text)}' (column {letter})")
            day = None
            if ("datum", None) in column_of:
                value, letter = cell("datum")
                day = self.date_cell(value, row, letter)
            if day is None:
                day = self.default_date
                if day is None:
                    self.problem(row, "datum", "no date: give --datum YYYY-MM-DD, or fill in the datum column")
            comment_value, _ = cell("kommentar")
            comment = self.text_cell(comment_value) or None
            answers: dict[str, Any] = {}
            for q in self.ins.questions:
                value, letter = cell("question", q.id)
                answer = self.answer(q, value, row, letter)
                option = None
                if q.extra and ("option", q.id) in column_of:
                    ovalue, oletter = cell("option", q.id)
                    option = self.option(q, ovalue, row, f"{q.id}_{q.extra}", oletter)
                    if option and answer is None:
                        self.problem(row, f"{q.id}_{q.extra}", f"given, but {q.id} is not answered; fill in the answer or clear this cell (column {oletter})")
                        continue
                if answer is None or answer is False or option is False:
                    continue
                answers[q.id] = (answer, option) if option else answer
            if len(self.problems) > before or slug is None or day is None or role is None:
                continue
            if slug in identity:
                first_name, first_type, first_row = identity[slug]
                if name and first_name and name != first_name:
                    self.problem(row, "namn", f"'{show(name)}', but row {first_row} gives '{show(first_name)}' for {slug}; use one name")
                if type_ and first_type and type_ != first_type:
                    self.problem(row, "typ", f"{type_}, but row {first_row} gives {first_type} for {slug}; use one type")
                identity[slug] = (first_name or name, first_type or type_, first_row)
            else:
                identity[slug] = (name, type_, row)
            key = (slug, day)
            if key not in rounds:
                rounds[key] = ImportedRound(slug, day, row)
            rounds[key].rows.append(row)
            rounds[key].respondents.append(ImportedRespondent(row, role, answers, comment))
        return list(rounds.values()), identity

    # -- files -----------------------------------------------------------------------

    def changes(self) -> list[FileChange]:
        rounds, identity = self.rounds()
        if self.problems:
            return []
        changes = []
        for slug in sorted({r.slug for r in rounds}):
            mine = sorted((r for r in rounds if r.slug == slug), key=lambda r: r.date)
            change = self.file_change(slug, mine, identity[slug])
            if change is not None:
                changes.append(change)
        return changes

    def file_change(self, slug: str, rounds: list[ImportedRound], identity: tuple[str, str, int]) -> FileChange | None:
        path = self.orgs_dir / f"{slug}.yaml"
        shown = display_path(path)
        name, type_, first_row = identity
        if not path.exists():
            missing = [f for f, v in (("namn", name), ("typ", type_)) if not v]
            for f in missing:
                self.problem(first_row, f, f"missing; {shown} does not exist yet, so the first row for {slug} needs its {f}")
            if missing:
                return None
            text = render_new_file(self.ins, name, type_, rounds, source=Path(self.table.shown).name)
            return self.checked(FileChange(path, shown, None, text, rounds))
        try:
            data = path.read_bytes()
        except OSError as exc:
            self.problem(first_row, "slug", f"{shown} cannot be read: {exc.strerror or exc}")
            return None
        org, problems = parse_organisation(self.ins, path, data, shown)
        if org is None:
            self.problem(first_row, "slug", f"{shown} has problems of its own ({len(problems)}); run `build.py check {shown}` and fix them before importing into it")
            self.problems.extend(problems)
            return None
        if name and name != org.name:
            self.problem(first_row, "namn", f"'{show(name)}', but {shown} has namn '{show(org.name)}'; is the slug right? Correct the row, or leave namn empty")
        if type_ and type_ != org.type:
            self.problem(first_row, "typ", f"{type_}, but {shown} has typ {org.type}; is the slug right? Correct the row, or leave typ empty")
        existing = {a.date: a.line for a in org.assessments}
        for r in rounds:
            if r.date in existing:
                self.problem(r.first_row, "datum", f"{shown} already has an assessment on {r.date.isoformat()} (line {existing[r.date]}); "
                                                   "was this file imported before? Nothing was written")
        if self.problems:
            return None
        text = data.decode("utf-8")  # parse_organisation accepted it, so it is UTF-8
        try:
            new = extend_text(self.ins, text, rounds, source=Path(self.table.shown).name)
        except _CannotExtend as exc:
            self.problem(first_row, "slug", f"{shown}: {exc}")
            return None
        return self.checked(FileChange(path, shown, text, new, rounds))

    def checked(self, change: FileChange) -> FileChange | None:
        """The generated file must be valid and read back as exactly the imported answers."""
        org, problems = parse_organisation(self.ins, change.path, change.new.encode("utf-8"), change.shown)
        if org is None:
            self.problems.extend(problems)
            self.problem(change.rounds[0].first_row, "slug", f"the generated {change.shown} would not be valid (see above); nothing was written")
            return None
        for r in change.rounds:
            if _as_read(self.ins, org, r.date) != _as_imported(self.ins, r):
                self.problem(r.first_row, "slug", f"the round {r.date.isoformat()} in the generated {change.shown} does not read back as imported; nothing was written")
                return None
        if change.old is not None and not _keeps(change.old, change.new):
            self.problem(change.rounds[0].first_row, "slug", f"{change.shown} would be changed beyond the appended round; nothing was written")
            return None
        return change


def _keeps(old: str, new: str) -> bool:
    """`new` is `old` with text inserted at one place."""
    prefix = len(os.path.commonprefix([old, new]))
    return len(new) >= len(old) and new.endswith(old[prefix:])


def _as_imported(ins: Instrument, r: ImportedRound) -> list:
    out = []
    for resp in r.respondents:
        answers = {}
        for q in ins.questions:
            a = resp.answers.get(q.id)
            value, option = a if isinstance(a, tuple) else (a, None)
            if value is None or value is DONT_KNOW:
                answers[q.id] = (None, q.id if value is DONT_KNOW else None)
            else:
                answers[q.id] = (str(value), option)
        out.append((resp.role, answers, resp.comment))
    return out


def _as_read(ins: Instrument, org: Organisation, day: datetime.date) -> list:
    assessment = next(a for a in org.assessments if a.date == day)
    out = []
    for resp in assessment.respondents:
        answers = {}
        for q in ins.questions:
            a = resp.answer(q.id)
            answers[q.id] = (None, q.id if q.id in resp.dont_know else None) if a is None else (a.value, a.option)
        out.append((resp.role, answers, resp.comment))
    return out


# -- writing YAML (the text itself is answerfile's) -------------------------------------


def _answer(ins: Instrument, q: Question, answer) -> answerfile.Answer:
    value, option = answer if isinstance(answer, tuple) else (answer, None)
    shown = ins.dont_know if value is DONT_KNOW else value
    return {"svar": shown, q.extra: option} if option else shown


def _round(ins: Instrument, r: ImportedRound, source: str) -> answerfile.Round:
    rows = f"row {r.rows[0]}" if len(r.rows) == 1 else f"rows {', '.join(str(n) for n in r.rows)}"
    respondents = [
        answerfile.Respondent(resp.role, {q.id: _answer(ins, q, resp.answers[q.id]) for q in ins.questions if q.id in resp.answers},
                              resp.comment or None)
        for resp in r.respondents
    ]
    return answerfile.Round(r.date, respondents, note=f"Imported by build.py import from {show(source, 80)} ({rows}).")


def round_lines(ins: Instrument, r: ImportedRound, source: str) -> list[str]:
    """One assessment as list-item lines, indented relative to the item's dash at column 0."""
    return answerfile.round_lines(_round(ins, r, source))


def render_new_file(ins: Instrument, name: str, type_: str, rounds: list[ImportedRound], source: str) -> str:
    return answerfile.answer_file(name, type_, [_round(ins, r, source) for r in rounds], published=False)


class _CannotExtend(Exception):
    pass


def extend_text(ins: Instrument, text: str, rounds: list[ImportedRound], source: str) -> str:
    """`text` with the rounds inserted after the last entry of its `matningar:` list.

    The file was validated already, so composing it with PyYAML is safe; only
    the marks (where the list starts and ends) are used, never a re-dump.
    """
    import yaml

    bom = "\ufeff" if text.startswith("\ufeff") else ""
    body = text[len(bom):]
    root = yaml.compose(body, Loader=yaml.SafeLoader)
    seq = next(v for k, v in root.value if k.value == "matningar")
    if seq.flow_style:
        raise _CannotExtend("matningar is written as a [flow] list; write it as a block list (one '- datum:' per entry) to import into it")
    dash = seq.start_mark.column
    item = seq.value[0].start_mark.column  # where the item's keys start ("- datum": dash + 2)
    newline = "\r\n" if "\r\n" in body else "\n"
    end = seq.end_mark.index  # where the next token starts, or the end of the file
    if not body[end:].strip():  # the list runs to the end of the file
        if body and not body.endswith("\n"):
            body += newline
        position = len(body)
    else:
        position = body.rfind("\n", 0, end) + 1  # the start of the next key's line
    # Blank lines and column-0 comments just before the next key (or the end) stay after the new round.
    while position > seq.start_mark.index:
        previous = body.rfind("\n", 0, position - 1) + 1
        line = body[previous:position]
        if line.strip() and not line.startswith("#"):
            break
        position = previous
    pad = " " * dash
    inner = " " * (item - dash - 2)  # "-   datum:" keeps its extra spaces
    out: list[str] = []
    for r in rounds:
        for line in round_lines(ins, r, source):
            if line.startswith("- "):
                out.append(pad + "- " + inner + line[2:])
            else:
                out.append(pad + (inner if not line.startswith("#") else "") + line)
    inserted = newline.join(out) + newline
    return bom + body[:position] + inserted + body[position:]


# -- the command -----------------------------------------------------------------


def plan_import(ins: Instrument, table_path: Path, orgs_dir: Path, default_date: datetime.date | None) -> list[FileChange]:
    """Every file the import would write; raise ContentError with every problem found."""
    shown = display_path(table_path)
    table, problems = read_table(table_path, shown)
    if table is None:
        raise ContentError(problems)
    planner = _Planner(ins, table, orgs_dir, default_date)
    changes = planner.changes()
    if planner.problems:
        raise ContentError(planner.problems)
    return changes


def write_changes(changes: list[FileChange]) -> None:
    """Write every file, each atomically; new files are never written over one that appeared meanwhile.

    A file keeps its permissions (and, where allowed, its owner and group); a new one gets the
    permissions the umask gives. A symbolic link is written through: the file it leads to gets
    the new text and the link stays. Refused before anything is written, as a ContentError: a
    link that leads nowhere, a file with other names (hard links), one changed since it was read.
    """
    targets = [_target(change) for change in changes]  # every refusal before the first byte
    staged: list[tuple[str, FileChange, Path]] = []
    try:
        for change, (target, st) in zip(changes, targets):
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
                staged.append((tmp, change, target))
                with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
                    _same_permissions(fh.fileno(), st)
                    fh.write(change.new)
            except OSError as exc:  # nothing is in place yet
                raise ContentError([Problem(change.shown, 1, "file", f"cannot be written: {exc.strerror or exc}")]) from None
        for tmp, change, target in staged:
            if change.old is None:
                try:
                    os.link(tmp, change.path)  # refuses to replace a file that appeared meanwhile
                except FileExistsError:
                    raise
                except OSError:  # no hard links on this file system
                    if change.path.exists():
                        raise FileExistsError(change.path) from None
                    os.replace(tmp, change.path)
            else:
                os.replace(tmp, target)
    finally:
        for tmp, _, _ in staged:
            if os.path.exists(tmp):
                os.unlink(tmp)


def _target(change: FileChange) -> tuple[Path, os.stat_result | None]:
    """The file a change is written to (where a symbolic link leads), and its status (None: a new file)."""
    def refuse(message: str) -> ContentError:
        return ContentError([Problem(change.shown, 1, "file", message)])

    if change.old is None:
        if os.path.islink(change.path):
            raise refuse(f"is a symbolic link to {show(os.readlink(change.path), 80)} that does not exist; "
                         "remove it, or make it lead to the answer file, and import again")
        return change.path, None
    target = Path(os.path.realpath(change.path))
    try:
        st = os.stat(target)
        current = target.read_bytes() if stat.S_ISREG(st.st_mode) else None
    except OSError as exc:
        raise refuse(f"cannot be read again before writing: {exc.strerror or exc}") from None
    if current is None:
        raise refuse("is no longer a regular file")
    if st.st_nlink > 1:
        raise refuse(f"has {st.st_nlink} names (hard links); a new version would leave the others with the old text: "
                     "replace them with symbolic links, or import into a copy")
    if current != change.old.encode("utf-8"):
        raise refuse("changed while importing; run the import again")
    return target, st


def _same_permissions(fd: int, st: os.stat_result | None) -> None:
    """Give a staged file the permissions of the file it replaces, or a new file's usual ones
    (mkstemp makes it private)."""
    if st is None:
        mask = os.umask(0o077)
        os.umask(mask)
        os.fchmod(fd, 0o666 & ~mask)
        return
    if (st.st_uid, st.st_gid) != (os.fstat(fd).st_uid, os.fstat(fd).st_gid):
        for uid in (st.st_uid, -1):  # the owner only root may give; the group, a member of it
            try:
                os.fchown(fd, uid, st.st_gid)
                break
            except OSError:
                pass
    os.fchmod(fd, stat.S_IMODE(st.st_mode))  # after chown, which may clear set-id bits


# -- exporting (for round trips and for preparing a survey) -----------------------


def export_rows(ins: Instrument, org: Organisation, *, labels: bool = True, wording: bool = False,
                assessment_dates: list[datetime.date] | None = None) -> list[list[Any]]:
    """An organisation's rounds as import rows (header first), one row per respondent.

    labels: answers as the scale's Swedish labels ("Instämmer delvis", "Ja",
    "Vet ej") instead of numbers; wording: question columns headed by the
    question text instead of the id.
    """
    header: list[Any] = ["slug", "namn", "typ", "roll", "datum", "kommentar"]
    for area in ins.areas:
        for q in area.questions:
            header.append((f"{q.number}. {area.preamble + ' ' if area.preamble else ''}{q.text}") if wording else q.id)
    extras = [q for q in ins.questions if q.extra]
    header += [f"{q.id}_{q.extra}" for q in extras]
    rows = [header]
    scale = dict(ins.scale)
    for a in org.assessments:
        if assessment_dates is not None and a.date not in assessment_dates:
            continue
        for r in a.respondents:
            row: list[Any] = [org.slug, org.name, org.type, r.role, a.date.isoformat(), r.comment or ""]
            for q in ins.questions:
                answer = r.answer(q.id)
                if answer is None:
                    row.append(ins.dont_know_label if q.id in r.dont_know else "")
                elif q.rule == "ja_nej":
                    row.append(answer.value.capitalize() if labels else answer.value)
                else:
                    row.append(scale[answer.points] if labels else answer.points)
            for q in extras:
                answer = r.answer(q.id)
                row.append(answer.option if answer is not None and answer.option else "")
            rows.append(row)
    return rows


def rows_to_csv(rows: list[list[Any]], *, encoding: str = "utf-8-sig", delimiter: str = ";") -> bytes:
    """Rows as Swedish Excel writes CSV: semicolons, CRLF, UTF-8 with BOM (or Windows-1252)."""
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows([["" if c is None else c for c in row] for row in rows])
    return out.getvalue().encode(encoding)


def rows_to_xlsx(rows: list[list[Any]]) -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Svar"
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
