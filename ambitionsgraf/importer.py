"""Import a survey export (CSV or XLSX, one row per respondent) into answer files; or
self-assessment files downloaded from the site, one person each (plan_self_assessments).

`python build.py import FILE --datum YYYY-MM-DD` reads the table, checks every
cell, and writes `orgs/<slug>.yaml` or appends new assessment rounds to it.
Exports are read as the survey tools write them (Microsoft Forms, Google Forms,
Netigate/esMaker-style Excel, Swedish Excel CSV); nobody needs to edit them.

Rules:
- Every problem is reported as `FILE:ROW: COLUMN: message` (ROW is the
  spreadsheet row, 1 = the header); when there is any, nothing is written.
- An existing answer file is extended textually: the new round is inserted
  after the last entry of its `matningar:` list and every existing byte is
  kept (comments, order, formatting). Existing YAML is never re-dumped.
- A round whose date is already in the file is refused as a duplicate.
- Every generated file is validated with `parse_organisation` before anything
  is written, and must read back as exactly the answers imported.
- Nothing is lost silently: an XLSX formula without a saved value, a CSV that
  mixes UTF-8 and Windows-1252, and an answered v3_uppfoljning without its
  omfattning are errors (the default omfattning is never assumed).
- A workbook is measured before it is loaded (read-only), and a CSV file read row by
  row, against the limits in sheet_limits; the file itself is read with safe_read.

Columns (each is read by the first rule that fits; `--dry-run` lists them all):
- a --map file (`"heading": target`, see read_map) names what a heading is;
- by heading: `slug`, `namn`, `typ`, `roll`, `datum`, `kommentar` (case
  ignored); a question id, its wording (whitespace, case, punctuation and a
  leading question number ignored, with or without the area's lead-in), or a
  grid's `Title [Row]` whose row is the wording; `<question>_<tillagg>` for
  the options (`v3_uppfoljning_omfattning`, `v3_rapportering_frekvens`);
- the survey tool's own columns (id, start and end time, timestamp, last
  modified, e-mail, name, language) and any heading that announces a person's
  name or contact details, or whose answers hold e-mail addresses or phone
  numbers, are dropped, never stored, and the import says which it dropped;
- in a table with the tool's columns, an organisation column, or no slug,
  `Namn` is the respondent's own name and dropped; the organisation comes
  from an organisation column (`Organisation`, `Organisationens namn`,
  `Vilken organisation …`), and its file is the existing answer file with that
  namn, else the slug `build.py new` would derive (text.slug_for);
- by answers, whatever the heading: a column whose answers are all the
  instrument's role labels is roll, type labels typ, omfattning or frekvens
  labels that option;
- anything else is an unknown column: an error, listed in column order.
Names and comments that reach an answer file must hold no e-mail address or
phone number.
"""

from __future__ import annotations

import csv
import datetime
import difflib
import enum
import io
import os
import re
import stat
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import answerfile, atomic, personal
from .answers import SLUG, Organisation, display_path, parse_organisation
from .instrument import Instrument, Question
from .problems import ContentError, Problem
from .safe_read import MAX_EXPORT, MAX_YAML, read_or_refuse, read_regular
from .sheet_limits import LIMITS, csv_records, xlsx_problems
from .text import ascii_key, check_comment, check_name, grouped, name_key, or_list, plural, show, slug_for

MAX_BYTES = MAX_EXPORT
MAX_ROWS = LIMITS.rows  # every limit on an export is in sheet_limits
MAX_COLUMNS = LIMITS.columns
FIXED = ("slug", "namn", "typ", "roll", "datum", "kommentar")
REQUIRED = ("typ", "roll")  # and slug or an organisation column

# The survey tools' own columns (Microsoft Forms, Google Forms, Netigate, esMaker), as
# text.ascii_key reads their headings with punctuation removed: dropped, never stored.
# In a table with any of them, `Namn`/`Name` is the respondent's own name, dropped too.
_TOOL = {
    "id",
    "respondent",
    "respondent_id",
    "respondentid",
    "svars_id",
    "svarsid",
    "svar_id",
    "response_id",
    "starttid",
    "sluttid",
    "start_time",
    "completion_time",
    "starttidpunkt",
    "sluttidpunkt",
    "startdatum",
    "slutdatum",
    "start_date",
    "end_date",
    "inskickad",
    "skickad",
    "submitted",
    "submitted_at",
    "tidstampel",
    "tidsstampel",
    "timestamp",
    "senast_andrad",
    "senaste_andring",
    "senast_andrad_tid",
    "senaste_andringstid",
    "tid_for_senaste_andring",
    "last_modified_time",
    "last_modified",
    "e_post",
    "e_postadress",
    "epost",
    "epostadress",
    "email",
    "e_mail",
    "email_address",
    "e_mail_address",
    "mejl",
    "mejladress",
    "mail",
    "namn",
    "name",
    "sprak",
    "language",
    "ip_adress",
    "ip_address",
}
# Headings that announce a person's name or contact details: dropped, never stored.
_PERSONAL = re.compile(
    r"(?:^|_)(?:e_?post|e_?postadress|e_?mail|mejl|mail|telefon|telefonnummer|telefonnr|tel|tfn|mobil|mobilnummer"
    r"|mobilnr|mobiltelefon|personnummer|samordningsnummer|fodelsedatum"
    r"|fornamn|efternamn|personnamn|kontaktperson|kontaktuppgift|kontaktuppgifter|ditt_namn|respondentens_namn"
    r"|namn_pa_respondent|namn_pa_den_som_svarar|ditt_fullstandiga_namn)(?:_|$)"
)
_ORGANISATION = re.compile(
    r"(?:(?:vilken|din|er|ert|ange|namn_pa)_)?(?:organisation|organisationens_namn|organisationsnamn"
    r"|organization|organization_name|organisation_name)"
    r"(?:_(?:du_representerar|du_svarar_for|du_tillhor|representerar_du|tillhor_du|svarar_du_for))?"
)
# Words that make an organisation heading, or any heading, about a person: "Organisation kontakt", "Ansvarig".
_PERSON_WORDS = re.compile(
    r"(?:^|_)(?:kontakt|ansvarig|person|uppgiftslamnare|fullstandigt_namn|for_och_efternamn"
    r"|respondent|svarande)(?:_|$)"
)


class How(enum.Enum):
    """How a column was read, or why it was dropped: decided by value, never by the wording."""

    HEADING = "its heading"
    ORGANISATION = "its heading: the organisation's name"
    COMMENT = "its heading: comments"
    WORDING = "its wording"
    ANSWERS = "its answers"
    MAP = "--map"
    UNKNOWN = "unknown"
    # dropped, never stored:
    MAP_DROP = "--map: drop"
    TOOL = "the survey tool's own column"
    PERSON = "a person's name or contact details"
    RESPONDENT_NAME = "in a survey export, Namn is the respondent's own name"

    @property
    def drops(self) -> bool:
        return self in (How.MAP_DROP, How.TOOL, How.PERSON, How.RESPONDENT_NAME)


_NOT_A_NAME = re.compile(r"[\d\s:./+-]*|[a-z]{2}(?:-[a-z]{2})?")  # dates, times, ids, language codes
# Headings of a column of comments in a survey export: "Övriga kommentarer", "Har du några övriga synpunkter?"
_COMMENT = re.compile(
    r"(?:(?:har_du_|har_ni_|nagra_|ovriga_|ovrig_|eventuella_|andra_|fler_|other_|any_|additional_)*"
    r"(?:kommentar|kommentarer|synpunkt|synpunkter|fritext|comment|comments))"
)
# Spellings a reader takes for a label on the scale or for vet ej.
_DONT_KNOW = ("vet ej", "vet inte", "ingen uppfattning", "vet ej/ingen uppfattning", "vet inte/ingen uppfattning")
_SCALE_TOP = ("instämmer helt", "instämmer helt och hållet", "stämmer helt", "stämmer helt och hållet")
_SCALE_BOTTOM = ("stämmer inte alls", "instämmer inte alls")
_NEGATION = re.compile(r"\b(?:inte|ej|icke|ingen|nej|not)\b")
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
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


def existing_names(ins: Instrument, orgs_dir: Path) -> dict[str, str]:
    """The valid answer files in `orgs_dir` by folded name: how an import finds the file an
    organisation's name belongs to. A file that cannot be read is skipped here; it is reported
    by name if an imported row's slug leads to it."""
    names: dict[str, str] = {}
    for path in sorted(orgs_dir.glob("*.yaml")) if orgs_dir.is_dir() else []:
        data, problem = read_regular(path)  # a pipe or a device among them never blocks the import
        if problem is not None:
            continue
        org, _ = parse_organisation(ins, path, data, display_path(path))
        if org is not None:
            names.setdefault(name_key(org.name), path.stem)
    return names


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


def heading_key(text: Any) -> str:
    """A heading as a name: ascii_key with every run of punctuation as one _ ("E-postadress" → e_postadress)."""
    return re.sub(r"[^a-z0-9]+", "_", ascii_key(_clean(text))).strip("_")


def _negated(text: str) -> bool:
    return bool(_NEGATION.search(_fold(text)))


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
    sheet: str | None = None  # the sheet read, in a workbook

    def cell(self, letter: str, row: int) -> str:
        """A cell as a spreadsheet names it: Blad1!F7 in a workbook, F7 in a CSV file."""
        sheet = self.sheet if self.sheet is None or re.fullmatch(r"\w+", self.sheet) else "'" + self.sheet.replace("'", "''") + "'"
        return f"{sheet}!{letter}{row}" if sheet else f"{letter}{row}"


def read_table(path: Path, shown: str) -> tuple[Table | None, list[Problem]]:
    """Read a .csv or .xlsx file into rows of cells, with their spreadsheet row numbers."""
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".txt", ".xlsx", ".xlsm"):
        hint = "; save it as .xlsx or CSV" if suffix in (".xls", ".ods", ".numbers") else ""
        return None, [Problem(shown, 1, "file", f"expected a .csv or .xlsx file, got {show(path.name, 60)!r}{hint}")]
    data, problem = read_regular(path, MAX_BYTES, "a survey export")  # a pipe, a device, a folder: refused unopened
    if problem is not None:
        return None, [Problem(shown, 1, "file", problem)]
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(data, shown)
    return _read_csv(data, shown)


def _decode(data: bytes, shown: str) -> tuple[str | None, list[Problem]]:
    """UTF-8 with or without BOM, UTF-16 with BOM (Excel "Unicode text"), else Windows-1252.

    Windows-1252 only when the file is plainly that: a file that holds UTF-8 text and a
    stray byte is a mix of the two (text pasted from elsewhere), and decoding it either
    way would turn some of its letters into mojibake, so it is refused.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        encoding = "utf-8-sig"
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    else:
        try:
            return data.decode("utf-8"), []
        except UnicodeDecodeError as exc:
            if _UTF8_MULTIBYTE.search(data):
                return None, [_mixed(data, exc.start, shown)]
            encoding = "cp1252"
    try:
        return data.decode(encoding), []
    except UnicodeDecodeError as exc:
        if encoding == "utf-8-sig":
            return None, [_mixed(data, exc.start, shown)]
        row = data[: exc.start].count(b"\n") + 1
        return None, [
            Problem(shown, row, "encoding", f"expected UTF-8 or Windows-1252, got byte 0x{data[exc.start]:02X}; save the file as CSV UTF-8")
        ]


def _mixed(data: bytes, at: int, shown: str) -> Problem:
    row = data[:at].count(b"\n") + 1
    return Problem(
        shown,
        row,
        "encoding",
        f"expected UTF-8 or Windows-1252, got UTF-8 text with a stray byte 0x{data[at]:02X} "
        "(a mix of both; some letters would come out wrong); save the file as CSV UTF-8 again",
    )


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
    records, problems = csv_records(text, delimiter, shown)  # stopped at the first row past a limit
    if records is None:
        return None, problems
    return Table(shown, [(i + 1 + offset, r) for i, r in enumerate(records)]), []


def _sniff_delimiter(text: str) -> str:
    """The delimiter that makes the most recognisable header; ';' (Swedish Excel) on a tie."""
    header = text[:1_000_000].split("\n", 1)[0]  # a legitimate header is far shorter; the rest is not looked at
    best, best_score = ";", -1
    for delimiter in (";", ",", "\t"):
        try:
            cells = next(csv.reader([header], delimiter=delimiter), [])[: LIMITS.columns + 1]
        except csv.Error:
            continue
        score = sum(
            1 for c in cells if _ascii_key(c) in FIXED or heading_key(c) in _TOOL or re.fullmatch(r"[vh][0-9]?_[a-z_]+", _ascii_key(c))
        )
        score = score * 1000 + len(cells)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _read_xlsx(data: bytes, shown: str) -> tuple[Table | None, list[Problem]]:
    """The first sheet's cells as Excel last saved them (cached values), read-only.

    A formula whose value Excel never saved (a file written by a program, not by Excel)
    would read as an empty cell; it is an error naming the cell instead.
    """
    import zipfile

    import openpyxl

    limits, formulas = xlsx_problems(data, shown)  # measured before it is parsed
    if limits:
        return None, limits
    books = []
    try:
        for data_only in (True, False) if formulas else (True,):  # formulas: a second pass finds those never calculated
            books.append(openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=data_only))
    except Exception as exc:  # openpyxl raises many kinds of errors on a damaged or foreign file
        for wb in books:
            wb.close()
        reason = "not a zip archive" if isinstance(exc, zipfile.BadZipFile) else show(str(exc) or type(exc).__name__, 80)
        return None, [Problem(shown, 1, "file", f"cannot be read as an Excel workbook (.xlsx): {reason}")]
    values_book = books[0]
    problems: list[Problem] = []
    try:
        if not values_book.worksheets:
            return None, [Problem(shown, 1, "file", "the workbook has no sheet; the answers belong on the first sheet")]
        sheet = values_book.worksheets[0].title
        rows: list[tuple[int, list[Any]]] = []
        read_cells = 0
        values_rows = values_book.worksheets[0].iter_rows()
        pairs = zip(values_rows, books[1].worksheets[0].iter_rows()) if formulas else ((r, ()) for r in values_rows)
        for number, (cells, formula_cells) in enumerate(pairs, start=1):
            if number > MAX_ROWS:
                return None, [Problem(shown, 1, "file", f"expected at most {MAX_ROWS} rows, got more")]
            if len(cells) > MAX_COLUMNS:
                return None, [Problem(shown, number, "file", f"expected at most {MAX_COLUMNS} columns, got {len(cells)}")]
            read_cells += len(cells)
            if read_cells > LIMITS.cells:
                return None, [
                    Problem(
                        shown,
                        number,
                        "file",
                        f"expected at most {grouped(LIMITS.cells)} cells, got more by row {grouped(number)}; this is not a survey export",
                    )
                ]
            values = [getattr(c, "value", None) for c in cells]
            for i, f in enumerate(formula_cells):
                if getattr(f, "data_type", None) == "f" and (i >= len(values) or values[i] is None):
                    heading = _clean(rows[0][1][i]) if rows and i < len(rows[0][1]) else ""
                    ref = f"{column_letter(i)}{number}"
                    problems.append(
                        Problem(
                            shown,
                            number,
                            show(heading) if heading else f"column {column_letter(i)}",
                            f"cell {ref} holds a formula ({show(str(f.value), 30)}) with no saved value; "
                            "open the file in Excel and save it, or paste the values as values",
                        )
                    )
            rows.append((number, values))
    except Exception as exc:  # a damaged sheet fails while it is read, not when the file opens
        return None, [Problem(shown, 1, "file", f"cannot be read as an Excel workbook (.xlsx): {show(str(exc) or type(exc).__name__, 80)}")]
    finally:
        for wb in books:
            wb.close()
    if problems:
        return None, problems
    return Table(shown, rows, sheet), []


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
    note: str | None = None  # the comment above the round; None: which rows of the export it came from


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


@dataclass(frozen=True)
class ColumnUse:
    """How one column of the header was read: shown by --dry-run, written by --write-map."""

    index: int
    heading: str
    target: str | None  # slug, namn, typ, roll, datum, kommentar, a question id or <id>_<tillagg>; None: not read
    how: How

    @property
    def dropped(self) -> bool:
        return self.target is None and self.how.drops

    @property
    def where(self) -> str:
        return f"column {column_letter(self.index)} '{show(self.heading, 60)}'"

    def __str__(self) -> str:
        if self.target is not None:
            return f"{self.where}: {self.target} (by {self.how.value})"
        if self.dropped:
            return f"{self.where}: dropped, never stored ({self.how.value})"
        return f"{self.where}: unknown"

    def drop_line(self) -> str:
        """What the import says of a column it dropped."""
        return f"dropped {self.where}: never stored ({self.how.value})"


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
        # What a column's answers say it is, whatever its heading: roles, types, option labels.
        self.by_answers: list[tuple[tuple[str, str | None], set[str]]] = [
            (("roll", None), {_ascii_key(r.id) for r in ins.roles} | {_ascii_key(r.label) for r in ins.roles}),
            (("typ", None), {_ascii_key(t.id) for t in ins.types} | {_ascii_key(t.label) for t in ins.types}),
        ]
        for q in ins.questions:
            if q.extra:
                self.by_answers.append((("option", q.id), set(option_keys(q))))

    def match(self, heading: str) -> tuple[tuple[str, str | None], str] | None:
        """(kind, question id) and how: by id or name, by the wording, or by a grid's `Title [Row]`."""
        folded = _fold(heading)
        if folded in self.by_name:
            return self.by_name[folded], How.HEADING
        if wording_key(heading) in self.by_wording:
            return ("question", self.by_wording[wording_key(heading)]), How.WORDING
        grid = re.fullmatch(r"(.*?)\s*\[([^\[\]]+)\]", _clean(heading))
        if grid and wording_key(grid[2]) in self.by_wording:  # "Hur väl stämmer …? [Vi har mål …]"
            return ("question", self.by_wording[wording_key(grid[2])]), How.WORDING
        return None

    def target(self, name: str) -> tuple[str, str | None] | None:
        """A target as a --map file names it: a column name, a question id or <id>_<tillagg>; organisation = namn."""
        folded = _fold(name)
        return ("namn", None) if folded == "organisation" else self.by_name.get(folded)

    def name(self, what: tuple[str, str | None]) -> str:
        kind, qid = what
        return kind if kind in FIXED else (qid if kind == "question" else f"{qid}_{self.ins.question(qid).extra}")

    def answered_as(self, values: list[str]) -> tuple[str, str | None] | None:
        """The column every answer says it is (roles, types, omfattning or frekvens labels), if one."""
        if not values:
            return None
        keys = {_ascii_key(v) for v in values}
        found = [what for what, known in self.by_answers if keys <= known]
        return found[0] if len(found) == 1 else None

    def unknown_message(self, heading: str) -> str:
        names = list(self.by_name)
        close = difflib.get_close_matches(_fold(heading), names, n=1, cutoff=0.8)
        if close:
            return f"unknown column; did you mean {close[0]}?"
        close = difflib.get_close_matches(wording_key(heading), list(self.by_wording), n=1, cutoff=0.85)
        if close:
            q = self.ins.question(self.by_wording[close[0]])
            return f"unknown column; the wording is close to question {q.number} ({q.id}) but not the same; head the column {q.id}"
        options = " / ".join(f"{q.id}_{q.extra}" for q in self.ins.questions if q.extra)
        return (
            "unknown column; expected Organisation (or slug and namn), typ, roll, datum, kommentar, a question id or its wording, "
            f"or {options}; delete columns the import does not need, or name them in a --map file"
        )


def shown_cell(text: str) -> str:
    """A cell's text quoted for a message, unless it holds contact details (then only what kind)."""
    found = personal.find(text)
    return f"'{show(text)}'" if not found else f"a text holding {found[0]}"


def option_keys(q: Question) -> dict[str, str]:
    """How an option of `q` may be written (its key, its label, "månad" for "per månad") → its key."""
    by_key: dict[str, str] = {}
    for o in q.options:
        by_key[_ascii_key(o.key)] = o.key
        by_key[_ascii_key(o.label)] = o.key
        words = o.label.split()
        if len(words) == 2 and words[0] == "per":  # "per månad" → also "månad"
            by_key[_ascii_key(words[1])] = o.key
        if o.key == "ar":  # "per år", "årligen"
            by_key["per_ar"] = by_key["arligen"] = o.key
    return by_key


class _Planner:
    def __init__(
        self, ins: Instrument, table: Table, orgs_dir: Path, default_date: datetime.date | None, mapping: dict[str, str] | None = None
    ):
        self.ins = ins
        self.table = table
        self.orgs_dir = orgs_dir
        self.default_date = default_date
        self.mapping = {_fold(k): v for k, v in (mapping or {}).items()}
        self.uses: list[ColumnUse] = []
        self.derive_slug = False
        self.problems: list[Problem] = []
        self.scale = {v: label for v, label in ins.scale}
        self.scale_by_label = {_fold(label): v for v, label in ins.scale}
        for spelling in _SCALE_TOP:
            self.scale_by_label.setdefault(spelling, max(self.scale))
        for spelling in _SCALE_BOTTOM:
            self.scale_by_label.setdefault(spelling, min(self.scale))
        self.dont_know = {_fold(ins.dont_know), _fold(ins.dont_know_label), *_DONT_KNOW}
        self.range = f"{min(self.scale)}–{max(self.scale)}"
        self._names: dict[str, str] | None = None

    def problem(self, row: int, column: str, message: str) -> None:
        self.problems.append(Problem(self.table.shown, row, column, message))

    # -- header -----------------------------------------------------------------

    def header(self) -> dict[int, tuple[str, str | None, str]] | None:
        """Column index -> (kind, question id, field name for messages); self.uses says how each was read."""
        rows = self.table.rows
        if not rows or not any(_clean(c) for c in rows[0][1]):
            self.problem(
                1, "header", "expected a header row (an organisation column, typ, roll and one column per question), got an empty first row"
            )
            return None
        row_no, cells = rows[0]
        columns = _Columns(self.ins)
        data = [r for _, r in rows[1:] if any(_clean(c) for c in r)]

        def values(i: int) -> list[str]:
            return [_clean(r[i]) for r in data if i < len(r) and _clean(r[i])]

        read: dict[int, tuple[tuple[str, str | None], str]] = {}  # index -> ((kind, qid), how)
        dropped: dict[int, str] = {}
        names: list[int] = []  # columns headed namn: the organisation's name, or in a survey export the respondent's
        later: list[int] = []  # headings not recognised: perhaps their answers say what they are
        headings: dict[int, str] = {}
        tool = False
        for i, cell in enumerate(cells):
            heading = _clean(cell)
            if not heading:
                if values(i):
                    self.problem(
                        row_no, f"column {column_letter(i)}", "a column with values but no heading; add a heading or delete the column"
                    )
                continue
            headings[i] = heading
            key = heading_key(heading)
            if _fold(heading) in self.mapping:
                target = self.mapping[_fold(heading)]
                if target == "drop":
                    dropped[i] = How.MAP_DROP
                else:
                    read[i] = (columns.target(target), How.MAP)  # the map file was checked when read
                continue
            matched = columns.match(heading)
            if matched is not None and matched[0] == ("namn", None):
                names.append(i)
            elif matched is not None:
                read[i] = matched
            elif key in _TOOL:
                dropped[i] = How.TOOL
                tool = True
            elif _PERSONAL.search(key) or _PERSON_WORDS.search(key):
                dropped[i] = How.PERSON
            elif _COMMENT.fullmatch(key):  # imported whole; a cell with contact details is an error at that cell
                read[i] = (("kommentar", None), How.COMMENT)
            elif _ORGANISATION.fullmatch(key) and columns.answered_as(values(i)) is None:  # not "Organisation (typ)"
                read[i] = (("namn", None), How.ORGANISATION)
            else:
                later.append(i)
        organisation = any(how == How.ORGANISATION for _, how in read.values())
        has_slug = any(what == ("slug", None) for what, _ in read.values())
        for i in names:
            if tool or organisation or not has_slug:
                dropped[i] = How.RESPONDENT_NAME
            else:
                read[i] = (("namn", None), How.HEADING)
        taken = {what for what, _ in read.values()}
        for i in later:
            what = columns.answered_as(values(i))
            if what is not None and what not in taken:
                read[i] = (what, How.ANSWERS)
                taken.add(what)
        unknown = [i for i in later if i not in read]
        found: dict[int, tuple[str, str | None, str]] = {}
        seen: dict[tuple[str, str | None], str] = {}
        for i in sorted(headings):
            heading, letter = headings[i], column_letter(i)
            if i in dropped:
                self.uses.append(ColumnUse(i, heading, None, dropped[i]))
                continue
            if i not in read:
                self.uses.append(ColumnUse(i, heading, None, How.UNKNOWN))
                self.problem(row_no, show(heading), f"{columns.unknown_message(heading)} (column {letter})")
                continue
            what, how = read[i]
            kind, qid = what
            name = "organisation" if how == How.ORGANISATION else columns.name(what)
            self.uses.append(ColumnUse(i, heading, columns.name(what), how))
            if what in seen:
                self.problem(row_no, name, f"two columns for {name}: {seen[what]} and {letter}; keep one")
                continue
            seen[what] = letter
            found[i] = (kind, qid, name)
        if len(unknown) > 1:
            listed = ", ".join(f"{column_letter(i)} '{show(headings[i])}'" for i in unknown)
            self.problem(
                row_no,
                "header",
                f"{len(unknown)} unknown columns, in column order: {listed}; "
                "--dry-run shows how every column was read, and --map FILE can name the others",
            )
        kinds = {(k, q) for k, q, _ in found.values()}
        respondent_name = How.RESPONDENT_NAME in dropped.values()
        if ("slug", None) not in kinds and ("namn", None) not in kinds:
            self.problem(
                row_no,
                "organisation",
                "missing column; expected the organisation's name in a column headed Organisation (or slug and namn columns)"
                + ("; Namn in a survey export is the respondent's own name and is never imported" if respondent_name else ""),
            )
        elif ("slug", None) in kinds and ("namn", None) not in kinds:
            self.problem(
                row_no,
                "namn",
                "missing column; expected a column headed namn (the organisation's name) or Organisation"
                + ("; Namn in a survey export is the respondent's own name and is never imported" if respondent_name else ""),
            )
        self.derive_slug = ("slug", None) not in kinds
        for name in REQUIRED:
            if (name, None) not in kinds:
                self.problem(row_no, name, f"missing column; expected a column headed {name}")
        for q in self.ins.questions:
            if ("question", q.id) not in kinds:
                self.problem(
                    row_no,
                    q.id,
                    f"missing column for question {q.number}; head it {q.id} or with the question's wording (leave its cells empty if the question was not asked)",
                )
        for kind, qid, name in found.values():
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
        if folded in self.dont_know:
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
        # Spellings the import accepts are compared too, and offer the label they stand for
        # ("Instämer helt" → Instämmer i hög grad). A hint never turns the meaning round: when the
        # closest spelling says "inte" and the cell does not (or the other way), there is no hint.
        offered = {_fold(label): label for label in labels}
        if self.scale[max(self.scale)] in labels:
            offered.update({spelling: self.scale[points] for spelling, points in self.scale_by_label.items() if spelling not in offered})
        said = re.sub(r"\bej\b", "inte", _fold(text))  # "Instämmer ej helt" is "Instämmer inte helt"
        close = difflib.get_close_matches(said, list(offered), n=1, cutoff=0.75)
        if close and _negated(close[0]) == _negated(said):
            notes.append(f"did you mean {offered[close[0]]}?")
        elif isinstance(value, float) or re.fullmatch(r"[0-9]+[.,][0-9]+", text):
            notes.append("not a whole number")
        return f"{shown_cell(text)} ({'; '.join(notes)})"

    def option(self, q: Question, value: Any, row: int, name: str, letter: str) -> str | bool | None:
        """The option key in an option cell (delar, kvartal, …); None when empty, False after a problem."""
        text = _clean(value)
        if not text:
            return None
        by_key = option_keys(q)
        if _ascii_key(text) in by_key:
            return by_key[_ascii_key(text)]
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
        return _clean(value)

    def date_cell(self, value: Any, row: int, letter: str) -> datetime.date | bool | None:
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

    def no_withheld(self, text: str, row: int, field: str, letter: str) -> None:
        """Text that reaches an answer file (a name, a comment) must hold nothing the export's dropped
        columns hold (a respondent's name, typed again in a comment); free_text refused contact details."""
        folded = text.casefold()
        for value, column in getattr(self, "_withheld", {}).items():
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
        for use in self.uses:
            if use.dropped or use.index in checked or use.index >= len(cells) or not isinstance(cells[use.index], str):
                continue
            found = personal.problem(cells[use.index])
            if found:
                self.problem(row, show(use.heading), f"{found} (cell {self.table.cell(column_letter(use.index), row)})")

    def slug_of(self, name: str, row: int, field: str, letter: str) -> str | None:
        """The answer file an organisation's name belongs to: an existing file with that namn,
        else the slug `build.py new` would give it (text.slug_for)."""
        if not name:
            self.problem(row, field, f"missing; expected the organisation's name (column {letter})")
            return None
        if self._names is None:
            self._names = existing_names(self.ins, self.orgs_dir)
        slug = self._names.get(name_key(name)) or slug_for(name)
        if not slug or not SLUG.fullmatch(slug):
            self.problem(row, field, f"{shown_cell(name)} gives no file name (a–z, 0–9 and hyphens); add a slug column (column {letter})")
            return None
        return slug

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
        # What the dropped columns hold (respondents' names, e-mail addresses): never let it through another cell.
        dropped_cols = [u.index for u in self.uses if u.dropped]
        self._withheld = {
            v.casefold(): column_letter(i)
            for _, cells in data_rows
            for i in dropped_cols
            if i < len(cells)
            for v in [self.text_cell(cells[i])]
            if len(v) >= 3 and not _NOT_A_NAME.fullmatch(v)
        }
        free_columns = {column_of[what] for what in (("namn", None), ("kommentar", None)) if what in column_of}
        if not data_rows:
            self.problem(self.table.rows[0][0], "file", "no respondents: the file has a header but no rows with answers")
        for row, cells in data_rows:

            def cell(kind: str, qid: str | None = None, cells: list = cells):
                i = column_of.get((kind, qid))
                return (cells[i] if i is not None and i < len(cells) else None), column_letter(i if i is not None else 0)

            before = len(self.problems)
            self.contact_cells(row, cells, free_columns)
            value, letter = cell("namn")
            name = self.text_cell(value)
            name_field = header[column_of[("namn", None)]][2] if ("namn", None) in column_of else "namn"
            if name:
                name = self.free_text(name, row, name_field, letter)
                self.no_withheld(name, row, name_field, letter)
            if self.derive_slug:  # no slug column: the organisation's name says which file
                # (with no column for it either, the header's problem says so once)
                slug = self.slug_of(name, row, name_field, letter) if ("namn", None) in column_of else None
            else:
                value, letter = cell("slug")
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
            value, letter_t = cell("typ")
            type_text = self.text_cell(value)
            type_ = types.get(_ascii_key(type_text)) if type_text else ""
            if type_ is None:
                self.problem(
                    row, "typ", f"expected {or_list([t.id for t in self.ins.types])}, got {shown_cell(type_text)} (column {letter_t})"
                )
            value, letter = cell("roll")
            role_text = self.text_cell(value)
            role = roles.get(_ascii_key(role_text)) if role_text else None
            if not role_text:
                self.problem(row, "roll", f"missing; expected {or_list([r.id for r in self.ins.roles])} (column {letter})")
            elif role is None:
                self.problem(
                    row, "roll", f"expected {or_list([r.id for r in self.ins.roles])}, got {shown_cell(role_text)} (column {letter})"
                )
            day = None
            if ("datum", None) in column_of:
                value, letter = cell("datum")
                day = self.date_cell(value, row, letter)
            if day is None:
                day = self.default_date
                if day is None:
                    self.problem(row, "datum", "no date: give --datum YYYY-MM-DD, or fill in the datum column")
            comment_value, letter = cell("kommentar")
            comment = self.text_cell(comment_value) or None
            if comment:
                comment = self.free_text(comment, row, "kommentar", letter, line_breaks=True)
                self.no_withheld(comment, row, "kommentar", letter)
            answers: dict[str, Any] = {}
            for q in self.ins.questions:
                value, letter = cell("question", q.id)
                answer = self.answer(q, value, row, letter)
                option = None
                if q.extra and ("option", q.id) in column_of:
                    ovalue, oletter = cell("option", q.id)
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
                    where = f"column {cell('option', q.id)[1]}" if ("option", q.id) in column_of else "no column for it"
                    self.problem(row, f"{q.id}_{q.extra}", f"missing; {q.id} is answered, so its {q.extra} is needed: {labels} ({where})")
                    continue
                answers[q.id] = (answer, option) if option else answer
            if not answers and len(self.problems) == before:
                self.problem(row, "svar", "no answer in this row; a respondent needs at least one (fill the row in, or delete it)")
            if len(self.problems) > before or not slug or day is None or role is None:
                continue
            if slug in identity:
                first_name, first_type, first_row = identity[slug]
                if name and first_name and " ".join(name.casefold().split()) != " ".join(first_name.casefold().split()):
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
            code, said = self.ins.reference.code_for_name(name, type_)
            text = render_new_file(self.ins, name, type_, rounds, source=Path(self.table.shown).name, code=code)
            return self.checked(FileChange(path, shown, None, text, rounds, said))
        data, problem = read_regular(path)
        if problem is not None:
            self.problem(first_row, "slug", f"{shown} {problem}")
            return None
        org, problems = parse_organisation(self.ins, path, data, shown)
        if org is None:
            self.problem(
                first_row,
                "slug",
                f"{shown} has problems of its own ({len(problems)}); run `build.py check {shown}` and fix them before importing into it",
            )
            self.problems.extend(problems)
            return None
        if name and name_key(name) != name_key(org.name):
            self.problem(
                first_row,
                "namn",
                f"'{show(name)}', but {shown} has namn '{show(org.name)}'; is the slug right? Correct the row, or leave namn empty",
            )
        if type_ and type_ != org.type:
            self.problem(
                first_row, "typ", f"{type_}, but {shown} has typ {org.type}; is the slug right? Correct the row, or leave typ empty"
            )
        existing = {a.date: a.line for a in org.assessments}
        for r in rounds:
            if r.date in existing:
                self.problem(
                    r.first_row,
                    "datum",
                    f"{shown} already has an assessment on {r.date.isoformat()} (line {existing[r.date]}); "
                    "was this file imported before? Nothing was written",
                )
        if self.problems:
            return None
        text = data.decode("utf-8")  # parse_organisation accepted it, so it is UTF-8
        try:
            new = extend_text(self.ins, text, rounds, source=Path(self.table.shown).name)
        except _CannotExtend as exc:
            self.problem(first_row, "slug", f"{shown}: {exc}")
            return None
        code, _ = self.ins.reference.code_for_name(org.name, org.type) if org.code is None else (None, None)
        said = f'its name is {self.ins.reference.describe(self.ins.reference.get(code))}: add kod: "{code}" to it' if code else None
        return self.checked(FileChange(path, shown, text, new, rounds, said))

    def checked(self, change: FileChange) -> FileChange | None:
        """The generated file must be valid and read back as exactly the imported answers."""
        org, problems = parse_organisation(self.ins, change.path, change.new.encode("utf-8"), change.shown)
        if org is None:
            self.problems.extend(problems)
            self.problem(
                change.rounds[0].first_row, "slug", f"the generated {change.shown} would not be valid (see above); nothing was written"
            )
            return None
        for r in change.rounds:
            if _as_read(self.ins, org, r.date) != _as_imported(self.ins, r):
                self.problem(
                    r.first_row,
                    "slug",
                    f"the round {r.date.isoformat()} in the generated {change.shown} does not read back as imported; nothing was written",
                )
                return None
        if change.old is not None and not _keeps(change.old, change.new):
            self.problem(
                change.rounds[0].first_row, "slug", f"{change.shown} would be changed beyond the appended round; nothing was written"
            )
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
    note = r.note if r.note is not None else f"Imported by build.py import from {show(source, 80)} ({rows})."
    respondents = [
        answerfile.Respondent(
            resp.role, {q.id: _answer(ins, q, resp.answers[q.id]) for q in ins.questions if q.id in resp.answers}, resp.comment or None
        )
        for resp in r.respondents
    ]
    return answerfile.Round(r.date, respondents, note=note)


def round_lines(ins: Instrument, r: ImportedRound, source: str) -> list[str]:
    """One assessment as list-item lines, indented relative to the item's dash at column 0."""
    return answerfile.round_lines(_round(ins, r, source))


def render_new_file(ins: Instrument, name: str, type_: str, rounds: list[ImportedRound], source: str, code: str | None = None) -> str:
    return answerfile.answer_file(name, type_, [_round(ins, r, source) for r in rounds], published=False, code=code)


class _CannotExtend(Exception):
    pass


def extend_text(ins: Instrument, text: str, rounds: list[ImportedRound], source: str) -> str:
    """`text` with the rounds inserted after the last entry of its `matningar:` list.

    The file was validated already, so composing it with PyYAML is safe; only
    the marks (where the list starts and ends) are used, never a re-dump.
    """
    import yaml

    bom = "\ufeff" if text.startswith("\ufeff") else ""
    body = text[len(bom) :]
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


@dataclass
class ImportPlan:
    changes: list[FileChange]  # empty when there is any problem
    problems: list[Problem]
    columns: list[ColumnUse]  # how each column was read, in column order (empty if the file could not be read)

    @property
    def dropped(self) -> list[ColumnUse]:
        return [u for u in self.columns if u.dropped]


def make_plan(
    ins: Instrument, table_path: Path, orgs_dir: Path, default_date: datetime.date | None, mapping: dict[str, str] | None = None
) -> ImportPlan:
    """Every file the import would write, every problem, and how each column was read."""
    shown = display_path(table_path)
    table, problems = read_table(table_path, shown)
    if table is None:
        return ImportPlan([], problems, [])
    planner = _Planner(ins, table, orgs_dir, default_date, mapping)
    changes = planner.changes()
    return ImportPlan([] if planner.problems else changes, planner.problems, planner.uses)


def plan_import(
    ins: Instrument, table_path: Path, orgs_dir: Path, default_date: datetime.date | None, mapping: dict[str, str] | None = None
) -> list[FileChange]:
    """Every file the import would write; raise ContentError with every problem found."""
    plan = make_plan(ins, table_path, orgs_dir, default_date, mapping)
    if plan.problems:
        raise ContentError(plan.problems)
    return plan.changes


# -- self-assessment files ---------------------------------------------------------------------------


class _SelfAssessments(_Planner):
    """Answer files downloaded from the self-assessment page, each one person's answers with their
    role, as the respondents of one round per organisation. What they become goes through the
    survey import's own steps (file_change, checked): the same refusals, the same diff.

    A problem is reported at the file and line it is about; `row` is a file's place in the list
    (1 = the first), which is what ImportedRound and ImportedRespondent keep."""

    def __init__(self, ins: Instrument, files: list[Path], orgs_dir: Path, default_date: datetime.date | None):
        super().__init__(ins, Table(", ".join(display_path(f) for f in files), []), orgs_dir, default_date)
        self.files = [(path, display_path(path)) for path in files]
        self.lines: dict[int, dict[str, int]] = {}  # row -> field -> its line in that file

    def problem(self, row: int, column: str, message: str) -> None:
        shown = self.files[row - 1][1]
        self.problems.append(Problem(shown, self.lines.get(row, {}).get(column, 1), column, message))

    def _read(self, row: int, path: Path, shown: str) -> Organisation | None:
        data, problem = read_regular(path)
        if problem is not None:
            self.problems.append(Problem(shown, 1, "file", problem))
            return None
        org, found = parse_organisation(self.ins, path, data, shown)
        if org is None:
            self.problems.extend(found)
            return None
        text = data.decode("utf-8", "replace")
        self.lines[row] = {
            key: n for key in ("namn", "typ") for n, line in enumerate(text.splitlines(), 1) if re.match(rf"\ufeff?{key}\s*:", line)
        }
        if org.assessments:
            a = org.assessments[0]
            self.lines[row].update({"datum": a.line, "matningar": a.line, "kommentar": a.line})
            if a.respondents:
                self.lines[row]["roll"] = a.respondents[0].line
        return org

    def rounds(self) -> tuple[list[ImportedRound], dict[str, tuple[str, str, int]]]:
        seen: dict[str, str] = {}
        rounds: dict[str, ImportedRound] = {}
        identity: dict[str, tuple[str, str, int]] = {}
        dates: dict[str, list[tuple[datetime.date, int]]] = {}
        for row, (path, shown) in enumerate(self.files, 1):
            real = os.path.realpath(path)
            if real in seen:
                self.problems.append(Problem(shown, 1, "file", f"given twice (also as {seen[real]}); give each file once"))
                continue
            seen[real] = shown
            org = self._read(row, path, shown)
            if org is None:
                continue
            people = [r for a in org.assessments for r in a.respondents]
            if len(org.assessments) != 1 or len(people) != 1:
                self.problem(
                    row,
                    "matningar",
                    f"{plural(len(org.assessments), 'round')} with {plural(len(people), 'respondent')}; a self-assessment "
                    "file holds one person's answers (one round, one respondent). Import a survey "
                    "export, or add rounds to an answer file by hand",
                )
                continue
            a, person = org.assessments[0], people[0]
            if a.comment is not None:
                self.problem(
                    row,
                    "kommentar",
                    "a comment on the round: the files make one round together, which keeps no "
                    "file's round comment; move it to the respondent, or remove it",
                )
            if org.name == answerfile.SELF_ASSESSMENT_DEFAULT_NAME:
                self.problem(
                    row,
                    "namn",
                    f"'{org.name}' is what the self-assessment page writes when no organisation was "
                    "named; write the organisation's name in namn and import again",
                )
                continue
            slug = self._slug_of(org.name)
            if slug is None:
                self.problem(row, "namn", f"'{show(org.name)}' gives no file name (a–z, 0–9 and hyphens); rename the organisation")
                continue
            if slug in identity and identity[slug][1] != org.type:
                first = self.files[identity[slug][2] - 1][1]
                self.problem(row, "typ", f"{org.type}, but {first} gives {identity[slug][1]} for {slug}; use one type")
                continue
            identity.setdefault(slug, (org.name, org.type, row))
            dates.setdefault(slug, []).append((a.date, row))
            answers: dict[str, Any] = {}
            for qid, answer in person.answers:
                if answer is not None:
                    value = int(answer.value) if answer.value.isdigit() else answer.value
                    answers[qid] = (value, answer.option) if answer.option else value
                elif qid in person.dont_know:
                    answers[qid] = DONT_KNOW
            r = rounds.setdefault(slug, ImportedRound(slug, self.default_date or a.date, row))
            r.rows.append(row)
            r.respondents.append(ImportedRespondent(row, person.role, answers, person.comment))
        for made in dates.values():
            if self.default_date is None and len({d for d, _ in made}) > 1:
                first_day, first_row = made[0]
                for day, row in made[1:]:
                    if day != first_day:
                        self.problem(
                            row,
                            "datum",
                            f"{day.isoformat()}, but {self.files[first_row - 1][1]} was made on "
                            f"{first_day.isoformat()}; give --datum YYYY-MM-DD for the round they make together",
                        )
        for r in rounds.values():
            names = ", ".join(show(self.files[row - 1][0].name, 60) for row in r.rows)
            r.note = f"Imported by build.py import from self-assessments: {names}."
        if self.problems:
            return [], {}
        return list(rounds.values()), identity

    def _slug_of(self, name: str) -> str | None:
        """As the survey import finds an organisation's file: an existing file with that namn, else
        the slug `build.py new` would give it."""
        if self._names is None:
            self._names = existing_names(self.ins, self.orgs_dir)
        slug = self._names.get(name_key(name)) or slug_for(name)
        return slug if slug and SLUG.fullmatch(slug) else None


def plan_self_assessments(ins: Instrument, files: list[Path], orgs_dir: Path, default_date: datetime.date | None) -> ImportPlan:
    """Self-assessment files as respondents of a new round in each organisation's answer file (or a
    new file, unpublished): every file the import would write and every problem, as make_plan."""
    planner = _SelfAssessments(ins, files, orgs_dir, default_date)
    changes = planner.changes()
    return ImportPlan([] if planner.problems else changes, planner.problems, [])


# -- mapping files (--map, --write-map) ---------------------------------------------------


def read_map(ins: Instrument, path: Path) -> dict[str, str]:
    """A --map file: YAML, one `"heading": target` a line, target a column name (organisation,
    slug, namn, typ, roll, datum, kommentar), a question id, <id>_<tillagg>, or drop.
    An empty target leaves the heading to be recognised as usual. Raise ContentError."""
    import yaml

    from .yamlsource import read_source

    shown = display_path(path)
    data = read_or_refuse(path, shown, "file", MAX_YAML, "a map file")  # a pipe or /dev/zero: refused unopened
    try:
        if not data.decode("utf-8-sig").strip():
            return {}
    except UnicodeDecodeError:
        raise ContentError([Problem(shown, 1, "file", "expected UTF-8 text")]) from None
    # Composed as answer files are (iteratively, depth and size bounded, no aliases or tags):
    # a map nested 50 000 deep is a problem on its line, never a RecursionError.
    source, problems = read_source(shown, data, "a map file")
    if problems:
        raise ContentError(problems)
    root = source.root
    if not isinstance(root, yaml.MappingNode):
        raise ContentError([Problem(shown, root.start_mark.line + 1, "file", 'expected lines of "heading": target')])
    columns = _Columns(ins)
    mapping: dict[str, str] = {}
    problems = []
    for key, value in root.value:
        line = key.start_mark.line + 1
        if not isinstance(key, yaml.ScalarNode) or not isinstance(value, yaml.ScalarNode):
            problems.append(Problem(shown, line, "file", 'expected lines of "heading": target'))
            continue
        heading, target = _clean(key.value), _clean(value.value)
        if not target or target in ("~", "null"):
            continue
        if _fold(target) != "drop" and columns.target(target) is None:
            problems.append(
                Problem(
                    shown,
                    line,
                    show(heading),
                    f"expected organisation, slug, namn, typ, roll, datum, kommentar, "
                    f"a question id (v1_mal, …), <id>_<tillagg> or drop; got '{show(target)}'",
                )
            )
            continue
        mapping[heading] = "drop" if _fold(target) == "drop" else target
    if problems:
        raise ContentError(problems)
    return mapping


def map_text(uses: list[ColumnUse], source: str) -> str:
    """A --map file to start from: every heading with what it was read as; unknown ones empty."""
    from .text import quote

    lines = [
        f"# How the columns of {show(source, 80)} are read by build.py import (--map FILE).",
        '# Each line: "heading": organisation, slug, namn, typ, roll, datum, kommentar, a question id,',
        "# <id>_<tillagg> (v3_uppfoljning_omfattning) or drop. Fill in the empty ones.",
    ]
    for u in uses:
        target = "organisation" if u.how == How.ORGANISATION else (u.target or ("drop" if u.dropped else ""))
        note = u.how.value
        lines.append(f"{quote(u.heading)}: {target}".rstrip() + f"  # column {column_letter(u.index)}: {note}")
    return "\n".join(lines) + "\n"


def write_changes(changes: list[FileChange]) -> None:
    """Write every file, each atomically; new files are never written over one that appeared meanwhile.

    A file keeps its permissions (and, where allowed, its owner and group); a new one gets the
    permissions the umask gives. A symbolic link is written through: the file it leads to gets
    the new text and the link stays. Refused before anything is written, as a ContentError: a
    link that leads nowhere, a file with other names (hard links), one changed since it was read.
    """
    targets = [_target(change) for change in changes]  # every refusal before the first byte
    staged: list[tuple[Path, FileChange, Path]] = []
    try:
        for change, (target, st) in zip(changes, targets):
            try:
                tmp = atomic.stage(target, change.new.encode("utf-8"), mode=atomic.umask_mode() if st is None else None)
                staged.append((tmp, change, target))
                if st is not None:
                    _same_permissions(tmp, st)
            except OSError as exc:  # nothing is in place yet
                raise ContentError([Problem(change.shown, 1, "file", f"cannot be written: {exc.strerror or exc}")]) from None
        for tmp, change, target in staged:
            atomic.place(tmp, change.path if change.old is None else target, replace=change.old is not None)
    finally:
        for tmp, _, _ in staged:
            tmp.unlink(missing_ok=True)


def _target(change: FileChange) -> tuple[Path, os.stat_result | None]:
    """The file a change is written to (where a symbolic link leads), and its status (None: a new file)."""

    def refuse(message: str) -> ContentError:
        return ContentError([Problem(change.shown, 1, "file", message)])

    if change.old is None:
        if os.path.islink(change.path):
            raise refuse(
                f"is a symbolic link to {show(os.readlink(change.path), 80)} that does not exist; "
                "remove it, or make it lead to the answer file, and import again"
            )
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
        raise refuse(
            f"has {st.st_nlink} names (hard links); a new version would leave the others with the old text: "
            "replace them with symbolic links, or import into a copy"
        )
    if current != change.old.encode("utf-8"):
        raise refuse("changed while importing; run the import again")
    return target, st


def _same_permissions(tmp: Path, st: os.stat_result) -> None:
    """Give a staged file the permissions (and, where allowed, the owner and group) of the file it replaces."""
    fd = os.open(tmp, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    try:
        if (st.st_uid, st.st_gid) != (os.fstat(fd).st_uid, os.fstat(fd).st_gid):
            for uid in (st.st_uid, -1):  # the owner only root may give; the group, a member of it
                try:
                    os.fchown(fd, uid, st.st_gid)
                    break
                except OSError:
                    pass
        os.fchmod(fd, stat.S_IMODE(st.st_mode))  # after chown, which may clear set-id bits
    finally:
        os.close(fd)


# -- exporting (for round trips and for preparing a survey) -----------------------


def export_rows(
    ins: Instrument, org: Organisation, *, labels: bool = True, wording: bool = False, assessment_dates: list[datetime.date] | None = None
) -> list[list[Any]]:
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
