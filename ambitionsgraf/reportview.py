"""The organisation report's view-model, for the public page, the public PDF and the delivery PDF.

One small builder per section, each returning frozen rows; `report_view` assembles them. Every
fact of the instrument a row shows (axis names, step kinds, points, weights, labels) is read from
the instrument here or in `wording`, never written as a literal. A template reads a row's fields
as it read the keys of the dicts these replaced (`row.label`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from .advice import step_advice
from .answertext import _options_note, _role_answers
from .content import Guidance
from .instrument import Instrument
from .layout import guidance_path
from .missing import axis_note, missing_effects
from .scoring import (
    AXES,
    AssessmentResult,
    GroupScore,
    OrganisationResult,
    area_bounds,
    axis_bounds,
    details_public,
    priorities,
    question_bounds,
)
from .text import and_list, count, cut_at_word, swedish_date
from .views import change, chart_rows, quadrant_label, reservation_view, role_means, round_quadrant, shown
from .wording import NO_STATUS, scale_note


@dataclass(frozen=True)
class AxisRow:
    key: str  # scoring.AXES
    label: str
    short: str
    value: str
    systematic: bool | None  # None: no value
    change: dict | None  # views.change, since the previous round


@dataclass(frozen=True)
class AreaRow:
    label: str  # "1. Strategi och planering"
    axis: str  # its axis's short name
    value: str
    change: dict | None


@dataclass(frozen=True)
class StepRow:
    id: str
    label: str
    kind: str  # the whole it belongs to (instrument `slag`)
    section: str
    status: str | None
    status_label: str
    cause: str  # advice.step_advice: which questions hold the step back
    suggestions: list[str]
    suggestion: str
    url: str | None  # its guidance page; None in a PDF built without the site's address
    questions: list[str]


@dataclass(frozen=True)
class RoleAnswers:
    label: str
    answers: str


@dataclass(frozen=True)
class QuestionRow:
    number: int
    id: str
    text: str
    mean: str
    answered: int
    missing: int
    dont_know: int
    status_label: str
    status: str | None
    step: str
    scale_note: str  # wording.scale_note
    options_note: str
    # the delivery report's only
    spread: str | None = None
    flag: bool = False
    roles: list[RoleAnswers] = field(default_factory=list)


@dataclass(frozen=True)
class QuestionGroup:
    label: str
    preamble: str | None
    axis: str
    questions: list[QuestionRow]


@dataclass(frozen=True)
class MissingRow:
    id: str
    number: int
    short: str
    count: str


@dataclass(frozen=True)
class HistoryRow:
    date: str
    ledning: str
    verksamhet: str
    quadrant: str | None
    respondents: int


@dataclass(frozen=True)
class RoleRow:
    label: str
    respondents: int
    ledning: str
    verksamhet: str
    quadrant: str | None
    areas: list[str]


@dataclass(frozen=True)
class AreaHeader:
    number: int
    label: str


@dataclass(frozen=True)
class ConversationRow:
    number: int
    text: str
    short: str
    spread: str
    roles: list[RoleAnswers]
    options_note: str


@dataclass(frozen=True)
class CommentRow:
    date: str
    assessment: str | None
    respondents: list[dict]  # {"role", "text"}


@dataclass(frozen=True)
class Delivery:
    """What only the organisation's own report shows: the roles, where they disagree, the comments.
    The renderer adds the drawn roles chart, the comparisons and a correction (site.report_html)."""

    roles: list[RoleRow]
    area_headers: list[AreaHeader]
    conversation: list[ConversationRow]
    conversation_summary: str
    spread_flag: int
    comments: list[CommentRow]
    roles_chart: str | None = None
    roles_chart_alt: str | None = None
    comparison: dict | None = None
    correction: dict | None = None


@dataclass(frozen=True)
class ReportView:
    public: bool
    details: bool  # False: a public round one person answered shows the point and the quadrant only
    root: str | None  # the prefix that reaches the site root
    chart: str
    # who and when
    slug: str
    name: str
    short_name: str
    name_length: str
    type_label: str
    scope_note: str | None
    date: str
    date_iso: str
    respondents: int
    respondents_text: str
    persons_text: str
    rounds: int
    previous_date: str | None
    # where the point lies
    quadrant: str | None
    reservation: dict | None
    axes: list[AxisRow]
    chart_rows: list[dict]
    history: list[HistoryRow]
    # the details (empty where they are withheld)
    areas: list[AreaRow]
    priorities: list[StepRow]
    steps: list[StepRow]
    question_groups: list[QuestionGroup]
    missing: list[MissingRow]
    incomplete_areas: list
    axis_note: str | None
    delivery: Delivery | None  # None in a public report


def _step_link(step_id: str, root: str | None) -> str | None:
    """The step's guidance page; None in a PDF built without the site's address."""
    return None if root is None else root + guidance_path(step_id)


def axis_rows(ins: Instrument, latest: AssessmentResult, previous: AssessmentResult | None) -> list[AxisRow]:
    rows = []
    for axis in AXES:
        value, names = latest.overall.axes[axis], ins.axes[axis]
        rows.append(
            AxisRow(
                axis,
                names["etikett"],
                names["kort"],
                shown(value, axis_bounds(ins)),
                None if value is None else value >= ins.threshold,
                change(value, previous.overall.axes[axis], axis_bounds(ins)) if previous else None,
            )
        )
    return rows


def area_rows(ins: Instrument, g: GroupScore, before: GroupScore | None) -> list[AreaRow]:
    return [
        AreaRow(
            f"{area.number}. {area.label}",
            ins.axes[area.axis]["kort"],
            shown(g.areas[area.id], area_bounds(ins, area.id)),
            change(g.areas[area.id], before.areas[area.id], area_bounds(ins, area.id)) if before else None,
        )
        for area in ins.areas
    ]


def step_rows(ins: Instrument, guidance: Guidance, latest: AssessmentResult, root: str | None) -> list[StepRow]:
    """Every step and zone with its status and its suggestion, which names the questions behind the status."""
    statuses = {s.id: s.label for s in ins.statuses}
    rows = []
    for step in ins.steps:
        status = latest.steps[step.id]
        advice = step_advice(ins, guidance.steps[step.id], step, status, latest.questions)
        rows.append(
            StepRow(
                id=step.id,
                label=step.label,
                kind=ins.kinds[step.kind].label,
                section=step.section,
                status=status,
                status_label=statuses[status] if status else NO_STATUS,
                cause=advice["cause"],
                suggestions=advice["texts"],
                suggestion=advice["text"],
                url=_step_link(step.id, root),
                questions=[q.id for q in ins.questions_of_step(step.id)],
            )
        )
    return rows


def _question_row(ins: Instrument, latest: AssessmentResult, q, steps: dict[str, StepRow], *, public: bool) -> QuestionRow:
    r = latest.questions[q.id]
    row = QuestionRow(
        number=q.number,
        id=q.id,
        text=q.text,
        mean=shown(r.mean, question_bounds(ins, q.id)),
        answered=r.answered,
        missing=r.missing,
        dont_know=r.dont_know,
        status_label=ins.status(r.status).label if r.status else NO_STATUS,
        status=r.status,
        step=steps[q.step].label,
        scale_note=scale_note(ins, q),
        options_note=_options_note(q, r),
    )
    if public:
        return row
    roles = [
        RoleAnswers(ins.role_label(role.id), _role_answers(q, r.points_by_role.get(role.id, ()), r.options_by_role.get(role.id, ())))
        for role in ins.roles
        if role.id in latest.roles
    ]
    spread = "–" if r.spread is None else str(r.spread)
    return replace(row, spread=spread, flag=r.spread is not None and r.spread >= ins.spread_flag, roles=roles)


def question_groups(ins: Instrument, latest: AssessmentResult, steps: dict[str, StepRow], *, public: bool) -> list[QuestionGroup]:
    """The questions by area with their means and statuses; the delivery report adds each role's answers and the spread."""
    return [
        QuestionGroup(
            f"{area.number}. {area.label}",
            area.preamble,
            ins.axes[area.axis]["kort"],
            [_question_row(ins, latest, q, steps, public=public) for q in area.questions],
        )
        for area in ins.areas
    ]


def missing_rows(ins: Instrument, latest: AssessmentResult) -> list[MissingRow]:
    return [
        MissingRow(qid, ins.question(qid).number, ins.question(qid).short, count(n, "person", "personer"))
        for qid, n in latest.missing.items()
    ]


def history_rows(ins: Instrument, result: OrganisationResult, *, public: bool) -> list[HistoryRow]:
    return [
        HistoryRow(
            swedish_date(a.date),
            shown(a.overall.axes["ledning"], axis_bounds(ins)),
            shown(a.overall.axes["verksamhet"], axis_bounds(ins)),
            round_quadrant(ins, a, "–", public=public),
            a.overall.respondents,
        )
        for a in result.assessments
    ]


def role_rows(ins: Instrument, latest: AssessmentResult) -> list[RoleRow]:
    return [
        RoleRow(
            ins.role_label(role),
            g.respondents,
            shown(g.axes["ledning"], axis_bounds(ins)),
            shown(g.axes["verksamhet"], axis_bounds(ins)),
            quadrant_label(ins, g.quadrant, "Ingen punkt", role_means(latest, role)),
            [shown(g.areas[a.id], area_bounds(ins, a.id)) for a in ins.areas],
        )
        for role, g in latest.roles.items()
    ]


def conversation_rows(ins: Instrument, groups: list[QuestionGroup]) -> list[ConversationRow]:
    """The questions whose answers are at least the instrument's spread apart."""
    return [
        ConversationRow(row.number, row.text, ins.question(row.id).short, row.spread or "", row.roles, row.options_note)
        for group in groups
        for row in group.questions
        if row.flag
    ]


def conversation_summary(conversation: list[ConversationRow]) -> str:
    """At most three of them, the widest apart first (a page is all it has), in question order; the
    section on the roles has them all."""
    widest = sorted(sorted(conversation, key=lambda c: (-int(c.spread), c.number))[:3], key=lambda c: c.number)
    named = [f"fråga {c.number} ({c.short}{'; ' + c.options_note.lower() if c.options_note else ''})" for c in widest]
    more = len(conversation) - len(named)
    return and_list(named + ([count(more, "fråga", "frågor") + " till"] if more else []))


def comment_rows(ins: Instrument, result: OrganisationResult) -> list[CommentRow]:
    """Every round's comments, the latest first."""
    by_date = {a.date.isoformat(): a for a in result.organisation.assessments}
    rows = []
    for a in reversed(result.assessments):
        own = by_date[a.date]
        if own.comment or any(r.comment for r in own.respondents):
            respondents = [{"role": ins.role_label(r.role), "text": r.comment} for r in own.respondents if r.comment]
            rows.append(CommentRow(swedish_date(a.date), own.comment, respondents))
    return rows


def delivery_sections(ins: Instrument, result: OrganisationResult, groups: list[QuestionGroup]) -> Delivery:
    conversation = conversation_rows(ins, groups)
    return Delivery(
        roles=role_rows(ins, result.latest),
        area_headers=[AreaHeader(a.number, a.label) for a in ins.areas],
        conversation=conversation,
        conversation_summary=conversation_summary(conversation),
        spread_flag=ins.spread_flag,
        comments=comment_rows(ins, result),
    )


def report_view(
    ins: Instrument, guidance: Guidance, result: OrganisationResult, *, public: bool, root: str | None, chart: str
) -> ReportView:
    """The organisation report. `root` is the prefix that reaches the site root (a relative path on
    the site, the absolute site address in a PDF). A public report of a round one person answered
    shows the point and the quadrant only (scoring.details_public): its details are left empty here,
    so that no template can show them by mistake."""
    org, latest = result.organisation, result.latest
    previous = result.assessments[-2] if len(result.assessments) > 1 else None
    details = not public or details_public(latest.overall)
    steps = step_rows(ins, guidance, latest, root)
    by_id = {s.id: s for s in steps}
    groups = question_groups(ins, latest, by_id, public=public)
    # no change from a round whose areas are not published: it would give them away
    before = previous.overall if previous and (not public or details_public(previous.overall)) else None
    own_round = next(a for a in org.assessments if a.date.isoformat() == latest.date)
    return ReportView(
        public=public,
        details=details,
        root=root,
        chart=chart,
        slug=org.slug,
        name=org.name,
        # The running header of the PDF has a third of a line: a long name is cut there (it is whole on page 1).
        short_name=cut_at_word(org.name, 60),
        name_length="long" if len(org.name) > 200 else "longish" if len(org.name) > 60 else "",
        type_label=ins.type_of(org.type).label,
        scope_note=ins.scope_note(org.type),
        date=swedish_date(latest.date),
        date_iso=latest.date,
        respondents=latest.overall.respondents,
        respondents_text=count(latest.overall.respondents, "intervjuad", "intervjuade"),
        persons_text=count(latest.overall.respondents, "person", "personer"),
        rounds=len(result.assessments),
        previous_date=swedish_date(previous.date) if previous and details else None,
        quadrant=round_quadrant(ins, latest, None, public=public),
        reservation=reservation_view(ins, latest, public=public),
        axes=axis_rows(ins, latest, previous),
        chart_rows=chart_rows(ins, result, with_roles=not public, public=public),
        history=history_rows(ins, result, public=public),
        areas=area_rows(ins, latest.overall, before) if details else [],
        priorities=[by_id[s] for s in priorities(ins, latest.steps)] if details else [],
        steps=steps if details else [],
        question_groups=groups if details else [],
        missing=missing_rows(ins, latest) if details else [],
        incomplete_areas=missing_effects(ins, latest, own_round, public=public) if details else [],
        axis_note=axis_note(ins, latest) if details else None,
        delivery=None if public else delivery_sections(ins, result, groups),
    )
