"""The method page's view-model: generated from the instrument, so that text and arithmetic agree.

One small builder per section, each returning frozen rows; `method_view` assembles them. The
national follow-up's PDF shows the same view as its appendix.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

from .content import Guidance, Page, fill, instrument_placeholder_values
from .instrument import Area, Instrument
from .text import and_list, question_numbers
from .wording import answer_text, area_range, assumed, exact, range_text


@dataclass(frozen=True)
class MethodQuestion:
    number: int
    id: str
    text: str
    answer: str  # how it is answered and scored (wording.answer_text)
    step: str
    step_id: str


@dataclass(frozen=True)
class MethodArea:
    label: str
    axis: str
    preamble: str | None
    questions: list[MethodQuestion]
    denominator: int
    formula: str  # "Σ (vikt × poäng) / 5"
    range: str  # the least and the most a person's area score can be, "0,8–3,8"


@dataclass(frozen=True)
class ScalePoint:
    value: int
    label: str


@dataclass(frozen=True)
class QuadrantRow:
    label: str
    ledning: bool
    verksamhet: bool


@dataclass(frozen=True)
class StatusRow:
    label: str
    minimum: str


@dataclass(frozen=True)
class StepRow:
    id: str
    label: str
    kind: str
    questions: list[int]


@dataclass(frozen=True)
class MappingRow:
    """Why a question belongs to its step: the report's section and text, or our own judgement."""

    number: int
    short: str
    step: str
    step_id: str
    section: str
    basis: str
    own: bool


@dataclass(frozen=True)
class ReservationNote:
    quadrant: str
    short: str
    step: str
    section: str
    questions: str  # "fråga 1 och 12"


@dataclass(frozen=True)
class ScopeNote:
    types: str
    others: str
    section: str


@dataclass(frozen=True)
class DefaultOption:
    number: int
    extra: str | None
    default: str
    assumed: str


@dataclass(frozen=True)
class Ordering:
    first: str
    status_order: list[str]


@dataclass(frozen=True)
class MethodView:
    source: dict
    scale: list[ScalePoint]
    dont_know: str
    dont_know_key: str
    areas: list[MethodArea]
    ledning_areas: list[str]
    verksamhet_areas: list[str]
    axes: dict[str, dict]
    quadrants: list[QuadrantRow]
    statuses: list[StatusRow]
    strongest: str
    strongest_on_scale: str  # where its minimum lies on the answer scale, in the scale's words
    middle: str
    weakest: str
    steps: list[StepRow]
    spread_flag: int
    interpretations: Page | None  # content/metod.md
    interpretations_html: str  # its HTML with the instrument's figures filled in
    mapping: list[MappingRow]
    reservation: ReservationNote | None
    scope: ScopeNote | None
    default_option: list[DefaultOption]
    ordering: Ordering


def area_section(ins: Instrument, area: Area) -> MethodArea:
    """An area's questions, how each scores, and the formula and range of a person's area score."""
    weighted = any(q.rule == "viktad" for q in area.questions)
    questions = [MethodQuestion(q.number, q.id, q.text, answer_text(ins, q), ins.step(q.step).label, q.step) for q in area.questions]
    low, high = area_range(ins, area)
    return MethodArea(
        label=f"{area.number}. {area.label}",
        axis=ins.axes[area.axis]["etikett"],
        preamble=area.preamble,
        questions=questions,
        denominator=area.denominator,
        formula=("Σ (vikt × poäng)" if weighted else "Σ poäng") + f" / {area.denominator}",
        range=range_text(low, high),
    )


def on_scale(ins: Instrument, value: Fraction) -> str:
    """Where a value lies on the answer scale, in the scale's words: "halvvägs mellan ”instämmer
    delvis” och ”instämmer i hög grad”"."""
    low, high = math.floor(value), math.ceil(value)
    if low == high:
        return f"vid ”{ins.scale_label(low).lower()}”"
    where = "halvvägs mellan" if value - low == Fraction(1, 2) else "mellan"
    return f"{where} ”{ins.scale_label(low).lower()}” och ”{ins.scale_label(high).lower()}”"


def reservation_note(ins: Instrument) -> ReservationNote | None:
    r = ins.reservation
    if r is None:
        return None
    numbers = [q.number for q in ins.questions_of_step(r.step)]
    return ReservationNote(ins.quadrant_by_id(r.quadrant).label, r.short, ins.step(r.step).label, r.section, question_numbers(numbers))


def scope_note(ins: Instrument) -> ScopeNote | None:
    if ins.scope is None:
        return None
    types, section, _ = ins.scope
    return ScopeNote(
        and_list(ins.type_of(t).plural or ins.type_of(t).label for t in types),
        and_list(t.label.lower() for t in ins.types if t.id not in types),
        section,
    )


def mapping_rows(ins: Instrument) -> list[MappingRow]:
    return [MappingRow(q.number, q.short, ins.step(q.step).label, q.step, q.section, q.basis, q.own_judgement) for q in ins.questions]


def method_view(ins: Instrument, guidance: Guidance) -> MethodView:
    """The method page: generated from the instrument, so text and arithmetic agree."""
    statuses = list(ins.statuses)
    return MethodView(
        source=ins.source,
        scale=[ScalePoint(v, label) for v, label in ins.scale],
        dont_know=ins.dont_know_label,
        dont_know_key=ins.dont_know,
        areas=[area_section(ins, area) for area in ins.areas],
        ledning_areas=[a.label for a in ins.areas_of_axis("ledning")],
        verksamhet_areas=[a.label for a in ins.areas_of_axis("verksamhet")],
        axes=ins.axes,
        quadrants=[QuadrantRow(q.label, q.ledning, q.verksamhet) for q in ins.quadrants],
        statuses=[StatusRow(s.label, exact(s.minimum, 1)) for s in statuses],
        strongest=statuses[0].label,
        strongest_on_scale=on_scale(ins, statuses[0].minimum),
        middle=statuses[1].label,
        weakest=statuses[-1].label,
        steps=[StepRow(s.id, s.label, s.kind, [q.number for q in ins.questions_of_step(s.id)]) for s in ins.steps],
        spread_flag=ins.spread_flag,
        interpretations=guidance.method_notes,
        interpretations_html=fill(guidance.method_notes.html, instrument_placeholder_values(ins)) if guidance.method_notes else "",
        mapping=mapping_rows(ins),
        reservation=reservation_note(ins),
        scope=scope_note(ins),
        default_option=[
            DefaultOption(q.number, q.extra, q.option(q.default_option).label, assumed(q)) for q in ins.questions if q.default_option
        ],
        ordering=Ordering(ins.steps[0].label, [s.label for s in reversed(statuses[1:])]),
    )
