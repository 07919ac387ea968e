"""What a missing answer does to the figures, said where it happens.

An area counts for a respondent only when every question in it is answered (SPEC.md), so one
`vet_ej` removes that respondent's whole area, and with it perhaps their role's point, while the
question means beside it still count everyone who answered each question. A reader who sees an
area of 2,6 beside question means around 2,3 is owed the reason. The public page says how many
and what follows; the delivery report also says whose (by role, never by name) and which question.
"""

from __future__ import annotations

from fractions import Fraction

from .answers import Assessment
from .instrument import Instrument
from .scoring import AssessmentResult, area_bounds, axis_bounds
from .text import and_list, count, num_on_side, question_numbers, value_on_side


def _why(ins: Instrument, respondent, area) -> str:
    """Which of the area's questions the respondent left without a usable answer, and how."""
    unknown = [q.number for q in area.questions if respondent._by_question[q.id] is None and q.id in respondent.dont_know]
    left_out = [q.number for q in area.questions if respondent._by_question[q.id] is None and q.id not in respondent.dont_know]
    parts = []
    if unknown:
        parts.append(f"{ins.dont_know_label.lower()} på {question_numbers(unknown)}")
    if left_out:
        parts.append(f"inget svar på {question_numbers(left_out)}")
    return and_list(parts)


def missing_effects(ins: Instrument, result: AssessmentResult, assessment: Assessment, *, public: bool) -> list[dict]:
    """One entry per area some respondent has no value for: `label`, `count` ("1 person"), `effect`
    (what the area's mean rests on, and why it can differ from its questions' means) and, in the
    delivery report only, `who` (each such respondent's role and the questions behind it)."""
    total = result.overall.respondents
    out = []
    for area_id, n in result.incomplete_areas.items():
        area = ins.area(area_id)
        rest = total - n
        if rest:
            effect = (
                f"Områdets medelvärde bygger därför på {rest} av {count(total, 'intervjuad', 'intervjuade')}, medan varje frågas "
                "medelvärde bygger på alla som besvarat just den frågan; därför kan området och dess frågor visa olika värden."
            )
        else:
            effect = "Ingen har ett värde för området, så det får inget medelvärde, men frågorna som besvarades redovisas var för sig."
        entry = {"label": area.label, "count": count(n, "person", "personer"), "effect": effect}
        if not public:
            entry["who"] = and_list(
                f"{ins.role_label(r.role)} ({_why(ins, r, area)})"
                for r in assessment.respondents
                if any(r._by_question[q.id] is None for q in area.questions)
            )
            roles_without = [ins.role_label(role) for role, g in result.roles.items() if g.areas[area_id] is None]
            if roles_without:
                entry["effect"] += f" {and_list(roles_without)} får alltså ingen egen punkt i rollernas graf."
        out.append(entry)
    return out


def axis_note(ins: Instrument, result: AssessmentResult) -> str | None:
    """Where an axis made of several areas differs from the mean of its areas as shown (2,5, 2,5 and 2,5
    beside an axis of 2,49), the exact values it is computed from."""
    notes = []
    for axis, spec in ins.axes.items():
        areas = ins.areas_of_axis(axis)
        value = result.overall.axes[axis]
        if len(areas) < 2 or value is None:
            continue
        shown_areas: list[Fraction] = []
        for a in areas:
            area = result.overall.areas[a.id]
            assert area is not None  # an axis has a value only when every area of it has one
            shown_areas.append(value_on_side(area, area_bounds(ins, a.id).at_least))
        as_shown = sum(shown_areas, Fraction(0)) / len(areas)
        bounds = axis_bounds(ins)
        if num_on_side(as_shown, bounds.at_least) == num_on_side(value, bounds.at_least):
            continue
        exact = and_list(num_on_side(result.overall.areas[a.id], (), (), 2) for a in areas)
        notes.append(
            f"{spec['kort']} räknas på områdenas oavrundade värden ({exact}), inte på de avrundade, och blir "
            f"{num_on_side(value, bounds.at_least)}."
        )
    return " ".join(notes) or None
