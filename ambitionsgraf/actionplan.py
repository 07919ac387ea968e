"""The action plan an organisation receives: `<slug>-handlingsplan.csv` (every build) and
`<slug>-handlingsplan.xlsx` (builds with PDFs), the same columns in the same order."""

from __future__ import annotations

import csv
import datetime
import io

from . import views
from .advice import step_advice
from .layout import guidance_path
from .project import Project
from .scoring import OrganisationResult, priorities
from .wording import NO_STATUS

# The action plan's columns, the same in the CSV and the workbook, in this order and with these meanings:
# what the report says (priority, part, step, the status assessed at the measurement, the suggestion,
# where its guidance is), then what the organisation fills in as it works (its action, owner, date,
# how far it has come, a comment). "Status" is always the follow-up; the assessment has its own name.
ACTION_PLAN_COLUMNS = (
    "Prioritet",
    "Del",
    "Steg eller zon",
    "Bedömning vid mätningen",
    "Förslag",
    "Vägledning",
    "Åtgärd",
    "Ansvarig",
    "Klart senast",
    "Status",
    "Kommentar",
)
_PLAN_FILLED = 5  # the columns after the report's six are filled in by the organisation
_PLAN_STYLES = ("integer", "top", "wrap", "wrap", "wrap", "link", "wrap", "wrap", "date", "top", "wrap")
_PLAN_WIDTHS = (8, 15, 15, 15, 36, 26, 18, 11, 11, 10, 12)  # characters; the longest single words fit (no cell cuts a word)


def _action_plan_rows(project: Project, result: OrganisationResult) -> list[tuple]:
    """One row per step or zone: priority (or None), part, step, status as assessed, suggestion, and
    where its guidance is: the page's address, or without the site's address the step and the
    page's path on the site (never an empty cell)."""
    ins = project.ins
    latest = result.latest
    ranked = priorities(ins, latest.steps)
    labels = {s.id: s.label for s in ins.statuses}
    rows = []
    for step in ins.steps:
        status = latest.steps[step.id]
        path = guidance_path(step.id)
        rows.append(
            (
                ranked.index(step.id) + 1 if step.id in ranked else None,
                ins.kinds[step.kind].label,
                step.label,
                labels[status] if status else NO_STATUS,
                step_advice(ins, project.guidance.steps[step.id], step, status, latest.questions)["text"],
                project.site_url + path if project.site_url else f"{step.label} på Ambitionsgrafens webbplats: {path}",
            )
        )
    return rows


def handlingsplan_csv(project: Project, result: OrganisationResult) -> bytes:
    """One row per step or zone, the workbook's columns; opens in Swedish Excel (semicolons, UTF-8 with BOM)."""
    out = io.StringIO()
    w = csv.writer(out, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    w.writerow(ACTION_PLAN_COLUMNS)
    for priority, *rest in _action_plan_rows(project, result):
        w.writerow(["" if priority is None else priority, *rest] + [""] * _PLAN_FILLED)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


WORK_STATUSES = ("Ej påbörjad", "Pågår", "Klar")  # the action plan's drop-down list


def handlingsplan_xlsx(project: Project, result: OrganisationResult) -> bytes:
    """The action plan as the workbook the organisation works in after the report: the same rows and
    columns as the CSV, the ones to fill in (action, owner, date, status from a drop-down list) empty,
    the organisation and round at the top, the header row frozen, the columns sized, every row as
    high as its wrapped text, the guidance linked, and printed on A4 landscape one page wide with the
    title and the header row on every page."""
    from .workbooks import Workbook, print_setup, row_height, write_row

    org, latest = result.organisation, result.latest
    quadrant = views.round_quadrant(project.ins, latest)
    headings, columns, widths = ACTION_PLAN_COLUMNS, _PLAN_STYLES, _PLAN_WIDTHS
    title = f"Handlingsplan för {org.name}"
    book = Workbook(
        title=f"{title}, mätningen {latest.date}", author=project.settings.publisher, created=datetime.date.fromisoformat(latest.date)
    )
    style = book.style
    ws = book.sheet("Handlingsplan", widths, columns)
    ws.write_string(0, 0, title, style["title"])
    ws.write_string(1, 0, f"Mätningen {latest.date} med {latest.overall.respondents} intervjuade. Läge i ambitionsgrafen: {quadrant}.")
    ws.write_string(
        2,
        0,
        "Fyll i åtgärd, ansvarig, klart senast och status för de steg ni tar er an. Prioritet 1–3 är rapportens förslag till nästa steg.",
    )
    if project.site_url:  # printed, a link is its text: the cells give the page's path, this row the site
        ws.write_string(3, 0, f"Vägledningen för varje steg finns på {project.site_url} under sidan i kolumnen Vägledning.")
    top = 5  # the header row (from 0); the steps follow
    write_row(ws, top, headings, [style["heading"]] * len(headings))
    ws.set_row(top, row_height(headings, widths, [True] * len(headings)))
    cells = [style[c if c != "link" or project.site_url else "wrap"] for c in columns]  # a path to read is no link
    wrapped = [c in ("wrap", "link") for c in columns]
    rows = _action_plan_rows(project, result)
    for i, (*shown, guidance) in enumerate(rows, start=top + 1):
        path = guidance.removeprefix(project.site_url) if project.site_url else guidance
        write_row(ws, i, (*shown, path, *[None] * _PLAN_FILLED), cells)
        if project.site_url:
            ws.write_url(i, 5, guidance, style["link"], string=path)
        ws.set_row(i, row_height((*shown, path), widths, wrapped))
    first, last = top + 1, top + len(rows)
    ws.freeze_panes(first, 0)
    ws.autofilter(top, 0, last, len(headings) - 1)
    print_setup(ws, title=f"{title}, mätningen {latest.date}", heading_row=top, last_row=last, last_col=len(headings) - 1)
    ws.data_validation(
        first,
        9,
        last,
        9,
        {
            "validate": "list",
            "source": list(WORK_STATUSES),
            "input_message": "Välj status i listan.",
            "error_message": "Välj Ej påbörjad, Pågår eller Klar.",
        },
    )
    date_hint = "Skriv ett datum, till exempel 2026-06-30."
    ws.data_validation(
        first,
        8,
        last,
        8,
        {"validate": "date", "criteria": ">=", "value": datetime.date(2000, 1, 1), "input_message": date_hint, "error_message": date_hint},
    )
    return book.close()
