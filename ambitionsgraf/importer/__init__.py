"""Import a survey export (CSV or XLSX, one row per respondent) into answer files; or
self-assessment files downloaded from the site, one person each (plan_self_assessments).

Each source yields the same value, an `Imported` (model.py): rounds of respondents per
organisation, what the source calls each organisation, and its problems. Everything after is
shared: which file an organisation's name belongs to (recognise.py), the rounds planned against
it and the diff (plan.py), and the all-or-nothing write (write.py).

    tables.py           a CSV or XLSX file read into a Table (decoding, delimiter, openpyxl, limits)
    cells.py, columns.py, header.py
                        what a cell, a heading and the header row say
    survey.py           a survey export's Table → Imported
    selfassessments.py  self-assessment files → Imported (read by answers.parse_organisation)
    recognise.py        an organisation's name → the slug of its answer file
    plan.py             Imported → ImportPlan (FileChange per file, or the problems)
    write.py            the answer-file text of a round, and writing the files
    mapfile.py          --map and --write-map
    command.py          what `build.py import` asks for, checked and planned
    export.py           answer files as survey rows (round trips, preparing a survey)

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

from .cells import column_letter, heading_key, shown_cell, wording_key
from .columns import FIXED, REQUIRED, Columns, ColumnUse, How, option_keys
from .command import ImportRequest, make_plan, plan_import, plan_request, plan_self_assessments
from .export import export_rows, rows_to_csv, rows_to_xlsx
from .mapfile import map_text, read_map
from .model import FileChange, Identity, Imported, ImportedAnswer, ImportedRespondent, ImportedRound, ImportPlan
from .plan import plan
from .recognise import existing_names
from .selfassessments import read_self_assessments
from .survey import read_survey
from .tables import Table, read_table
from .write import extend_text, finish_interrupted, render_new_file, round_lines, write_changes

__all__ = [
    "FIXED",
    "REQUIRED",
    "ColumnUse",
    "Columns",
    "FileChange",
    "How",
    "Identity",
    "ImportPlan",
    "ImportRequest",
    "Imported",
    "ImportedAnswer",
    "ImportedRespondent",
    "ImportedRound",
    "Table",
    "column_letter",
    "existing_names",
    "export_rows",
    "extend_text",
    "finish_interrupted",
    "heading_key",
    "make_plan",
    "map_text",
    "option_keys",
    "plan",
    "plan_import",
    "plan_request",
    "plan_self_assessments",
    "read_map",
    "read_self_assessments",
    "read_survey",
    "read_table",
    "render_new_file",
    "round_lines",
    "rows_to_csv",
    "rows_to_xlsx",
    "shown_cell",
    "wording_key",
    "write_changes",
]
