"""Answer files' rounds as survey rows (for round trips and for preparing a survey), as CSV or XLSX."""

from __future__ import annotations

import csv
import datetime
import io
from typing import Any

from ..answers import Organisation
from ..instrument import Instrument


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
