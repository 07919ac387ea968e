"""The method page's view: generated from the instrument, so that text and arithmetic agree."""

from __future__ import annotations

from fractions import Fraction

from .content import Guidance
from .instrument import Instrument
from .text import and_list, num, question_numbers
from .views import assumed


def method_view(ins: Instrument, guidance: Guidance) -> dict:
    """The method page: generated from the instrument, so text and arithmetic agree."""
    statuses = list(ins.statuses)
    areas = []
    for area in ins.areas:
        weighted = any(q.rule == "viktad" for q in area.questions)
        questions = []
        for q in area.questions:
            if q.rule == "ja_nej":
                answer = "Ja eller nej: " + ", ".join(f"{k} = {p} poäng" for k, p in q.points)
            elif q.options and any(o.weight is not None for o in q.options):
                answer = (
                    "Skalan 1–4, vikt efter omfattning: "
                    + ", ".join(f"{o.label} = {num(o.weight)}" for o in q.options)
                    + f" (anges inget: {q.option(q.default_option or '').label})"
                )
            elif q.options:
                answer = (
                    f"Skalan 1–4, vikt {num(q.weight)}; {q.extra} redovisas men påverkar inte poängen ("
                    + ", ".join(o.label for o in q.options)
                    + ")"
                )
            elif q.rule == "viktad":
                answer = f"Skalan 1–4, vikt {num(q.weight)}"
            else:
                answer = "Skalan 1–4"
            questions.append(
                {"number": q.number, "id": q.id, "text": q.text, "answer": answer, "step": ins.step(q.step).label, "step_id": q.step}
            )
        low = sum(min(_weights(q)) * min(_points(ins, q)) for q in area.questions)
        high = sum(max(_weights(q)) * max(_points(ins, q)) for q in area.questions)
        areas.append(
            {
                "label": f"{area.number}. {area.label}",
                "axis": ins.axes[area.axis]["etikett"],
                "preamble": area.preamble,
                "questions": questions,
                "denominator": area.denominator,
                "formula": ("Σ (vikt × poäng)" if weighted else "Σ poäng") + f" / {area.denominator}",
                "range": f"{num(low / area.denominator)}–{num(high / area.denominator)}",
            }
        )
    return {
        "source": ins.source,
        "scale": [{"value": v, "label": label} for v, label in ins.scale],
        "dont_know": ins.dont_know_label,
        "dont_know_key": ins.dont_know,
        "areas": areas,
        "ledning_areas": [a.label for a in ins.areas_of_axis("ledning")],
        "verksamhet_areas": [a.label for a in ins.areas_of_axis("verksamhet")],
        "axes": ins.axes,
        "axis_ends": ins.axis_ends,
        "threshold": num(ins.threshold),
        "quadrants": [{"label": q.label, "ledning": q.ledning, "verksamhet": q.verksamhet} for q in ins.quadrants],
        "statuses": [{"label": s.label, "minimum": num(s.minimum)} for s in statuses],
        "strongest": statuses[0].label,
        "middle": statuses[1].label,
        "weakest": statuses[-1].label,
        "steps": [
            {"id": s.id, "label": s.label, "kind": s.kind, "questions": [q.number for q in ins.questions_of_step(s.id)]} for s in ins.steps
        ],
        "spread_flag": ins.spread_flag,
        "interpretations": guidance.method_notes,
        "mapping": [
            {
                "number": q.number,
                "short": q.short,
                "step": ins.step(q.step).label,
                "step_id": q.step,
                "section": q.section,
                "basis": q.basis,
                "own": q.own_judgement,
            }
            for q in ins.questions
        ],
        "reservation": ins.reservation
        and {
            "quadrant": ins.quadrant_by_id(ins.reservation.quadrant).label,
            "short": ins.reservation.short,
            "step": ins.step(ins.reservation.step).label,
            "section": ins.reservation.section,
            "questions": question_numbers([q.number for q in ins.questions_of_step(ins.reservation.step)]),
        },
        "scope": ins.scope
        and {
            "types": and_list(ins.type_of(t).plural or ins.type_of(t).label for t in ins.scope[0]),
            "others": and_list(t.label.lower() for t in ins.types if t.id not in ins.scope[0]),
            "section": ins.scope[1],
        },
        "default_option": [
            {"number": q.number, "extra": q.extra, "default": q.option(q.default_option).label, "assumed": assumed(q)}
            for q in ins.questions
            if q.default_option
        ],
        "ordering": {"first": ins.steps[0].label, "status_order": [s.label for s in reversed(statuses[1:])]},
    }


def _weights(q) -> list[Fraction]:
    weighted = [o.weight for o in q.options if o.weight is not None]
    return weighted or [q.weight]


def _points(ins: Instrument, q) -> list[int]:
    return [p for _, p in q.points] if q.points else [v for v, _ in ins.scale]
