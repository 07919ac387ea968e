"""The national overview and the comparisons: pure functions over scored organisations.

The overview shows published organisations only. Comparisons in a delivery
report use every organisation anonymously, and only when the comparison
group has at least MIN_GROUP other organisations, so nobody can be singled out.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from .instrument import Instrument
from .scoring import AssessmentResult, OrganisationResult

MIN_GROUP = 5


def round_in_year(result: OrganisationResult, year: str | None) -> AssessmentResult | None:
    """The organisation's latest round in `year`, or its latest round at all."""
    rounds = [a for a in result.assessments if year is None or a.date[:4] == year]
    return rounds[-1] if rounds else None


def answer_level(ins: Instrument, qid: str, mean: Fraction | None) -> str | None:
    """An organisation's level on one question: its mean rounded half up to the nearest answer."""
    if mean is None:
        return None
    q = ins.question(qid)
    if q.rule == "ja_nej":
        points = dict(q.points)
        return "ja" if mean * 2 >= points["ja"] + points["nej"] else "nej"
    return str(int(Decimal(mean.numerator / Decimal(mean.denominator)).quantize(Decimal(1), rounding=ROUND_HALF_UP)))


def answer_levels(ins: Instrument, qid: str) -> list[tuple[str, str]]:
    q = ins.question(qid)
    if q.rule == "ja_nej":
        return [("ja", "Ja"), ("nej", "Nej")]
    return [(str(v), label) for v, label in ins.scale]


@dataclass(frozen=True)
class Selection:
    type: str | None
    year: str | None
    rounds: tuple[tuple[OrganisationResult, AssessmentResult], ...]


def select(results: list[OrganisationResult], type_: str | None, year: str | None) -> Selection:
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


def question_distribution(ins: Instrument, sel: Selection) -> list[dict]:
    """Per question: how many organisations sit at each answer level (and how many have no answer)."""
    out = []
    for q in ins.questions:
        counts = {key: 0 for key, _ in answer_levels(ins, q.id)}
        missing = 0
        for _, a in sel.rounds:
            level = answer_level(ins, q.id, a.questions[q.id].mean)
            if level is None:
                missing += 1
            else:
                counts[level] += 1
        out.append({"id": q.id, "number": q.number, "text": q.text, "counts": counts, "missing": missing,
                    "levels": answer_levels(ins, q.id)})
    return out


def comparison(ins: Instrument, result: OrganisationResult, everyone: list[OrganisationResult]) -> list[dict]:
    """The organisation against others in its latest round's year: all, and its own type."""
    latest = result.latest
    year = latest.date[:4]
    others = [
        (r, a) for r in everyone
        if r.organisation.slug != result.organisation.slug and (a := round_in_year(r, year)) is not None
    ]
    type_ = ins.type_of(result.organisation.type)
    groups = [
        ("alla", f"alla organisationer med mätning {year}", "organisationerna", others),
        (type_.id, f"{type_.plural} med mätning {year}", type_.plural, [x for x in others if x[0].organisation.type == type_.id]),
    ]
    out = []
    for key, label, plural, members in groups:
        entry = {"key": key, "label": label, "plural": plural, "size": len(members), "shown": len(members) >= MIN_GROUP}
        if entry["shown"]:
            entry["points"] = [
                (float(a.overall.axes["verksamhet"]), float(a.overall.axes["ledning"]))
                for _, a in members if a.overall.quadrant is not None
            ]
            positions = []
            for kind, key_, value_of in (
                [("axis", axis, lambda g, axis=axis: g.axes[axis]) for axis in ("ledning", "verksamhet")]
                + [("area", area.id, lambda g, area=area.id: g.areas[area]) for area in ins.areas]
            ):
                mine = value_of(latest.overall)
                values = [value_of(a.overall) for _, a in members if value_of(a.overall) is not None]
                below = sum(1 for v in values if mine is not None and v < mine)
                positions.append({
                    "kind": kind, "key": key_,
                    "share_below": None if mine is None or not values else Fraction(below, len(values)),
                    "compared": len(values),
                })
            entry["positions"] = positions
        out.append(entry)
    return out
