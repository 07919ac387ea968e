"""The national overview: pure functions over scored organisations, published ones only.

Which round of a year an organisation is counted with, an organisation's level on a question,
and how many organisations sit in each quadrant and at each answer level. The comparisons of a
delivery report (peergroups.py) count organisations the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from .instrument import Instrument
from .scoring import AssessmentResult, OrganisationResult, OrganisationSummary, RoundSummary, details_public

Result = OrganisationResult | OrganisationSummary  # an organisation, whole or summarised
Round = AssessmentResult | RoundSummary

MIN_GROUP = 5  # no comparison (peergroups.py) and no national share or median rests on fewer organisations


def round_in_year(result: Result, year: str | None) -> Round | None:
    """The organisation's latest round in `year`, or its latest round at all."""
    rounds = [a for a in result.assessments if year is None or a.year == year]
    return rounds[-1] if rounds else None


def answer_level(ins: Instrument, qid: str, mean: Fraction | None) -> str | None:
    """An organisation's level on one question: its mean rounded half up to the nearest answer."""
    if mean is None:
        return None
    q = ins.question(qid)
    n, d = mean.numerator, mean.denominator  # in integers: this runs for every organisation, question and page
    if q.rule == "ja_nej":
        points = dict(q.points)
        return "ja" if n * 2 >= (points["ja"] + points["nej"]) * d else "nej"
    return str((2 * n + d) // (2 * d))  # round_half_up(mean) for a mean that is never negative


def answer_levels(ins: Instrument, qid: str) -> list[tuple[str, str]]:
    q = ins.question(qid)
    if q.rule == "ja_nej":
        return [("ja", "Ja"), ("nej", "Nej")]
    return [(str(v), label) for v, label in ins.scale]


@dataclass(frozen=True)
class Selection:
    type: str | None
    year: str | None
    rounds: tuple[tuple[Result, Round], ...]


def select(results: list[Result], type_: str | None, year: str | None) -> Selection:
    chosen = []
    for r in results:
        if type_ is not None and r.organisation.type != type_:
            continue
        a = round_in_year(r, year)
        if a is not None:
            chosen.append((r, a))
    return Selection(type_, year, tuple(chosen))


def quadrant_counts(ins: Instrument, sel: Selection) -> list[tuple[str, int]]:
    counts = {q.id: 0 for q in ins.quadrants}
    none = 0
    for _, a in sel.rounds:
        if a.overall.quadrant:
            counts[a.overall.quadrant] += 1
        else:
            none += 1
    rows = [(ins.quadrant_by_id(q).label, n) for q, n in counts.items()]
    if none:
        rows.append(("Ingen punkt (svar saknas)", none))
    return rows


def question_distribution(ins: Instrument, sel: Selection, known: dict | None = None) -> list[dict]:
    """Per question: how many organisations sit at each answer level (and how many have no answer).

    `known` keeps each round's levels between calls (by id of the round), for a caller that
    shows the same rounds on many pages.
    """
    known = {} if known is None else known
    for _, a in sel.rounds:
        if id(a) not in known:  # a round one person answered counts as without an answer (scoring.details_public)
            shown = details_public(a.overall)
            known[id(a)] = (a, {q.id: answer_level(ins, q.id, a.questions[q.id].mean) if shown else None for q in ins.questions})
    out = []
    for q in ins.questions:
        counts = {key: 0 for key, _ in answer_levels(ins, q.id)}
        missing = 0
        for _, a in sel.rounds:
            level = known[id(a)][1][q.id]
            if level is None:
                missing += 1
            else:
                counts[level] += 1
        out.append(
            {"id": q.id, "number": q.number, "text": q.text, "counts": counts, "missing": missing, "levels": answer_levels(ins, q.id)}
        )
    return out
