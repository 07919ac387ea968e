"""View-models: everything a template or JSON file shows, computed here.

Public views are built from the organisation's aggregate results only; they
never read roles, per-respondent answers, spreads or comments.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction

from .advice import step_advice
from .answertext import _options_note, _role_answers, assumed  # noqa: F401  (their home is answertext.py)
from .charts import ChartSpec, Marker
from .content import Guidance
from .instrument import Instrument
from .missing import axis_note, missing_effects
from .opendata import place_json
from .scoring import (
    AXES,
    AssessmentResult,
    Bounds,
    GroupScore,
    OrganisationResult,
    area_bounds,
    axis_bounds,
    details_public,
    priorities,
    question_bounds,
    reserved_by,
)
from .text import (  # their home is text.py; views.num etc. stay importable
    and_list,
    count,
    cut_at_word,
    kept_decimals,
    num,
    num_on_side,
    round_half_up,
    swedish_date,
)


def quadrant_label(
    ins: Instrument,
    quadrant: str | None,
    missing: str | None = "Ingen punkt (svar saknas)",
    means: Mapping[str, Fraction | None] | None = None,
    *,
    withheld: bool = False,
) -> str | None:
    """The quadrant's label, or `missing` when the answers give no point. With the question means
    (`means`), the label of the reserved quadrant carries its reservation where the step it requires
    is not in place ("Ändamålsenlig inköpsorganisation, men mål och styrdokument är inte på plats");
    `withheld` (a public label of a round whose details are not published) carries, whatever the
    answers, that whether it is in place is not shown."""
    if not quadrant:
        return missing
    label = ins.quadrant_by_id(quadrant).label
    if withheld and ins.reservation and quadrant == ins.reservation.quadrant:
        label += ", " + ins.reservation.hidden_short
    elif means is not None and reserved_by(ins, quadrant, means):
        label += ", " + ins.reservation.short
    return label


def round_quadrant(ins: Instrument, a, missing: str | None = "Ingen punkt (svar saknas)", *, public: bool = False) -> str | None:
    """A round's quadrant label with its reservation: `a` is an AssessmentResult or a RoundSummary; `public`:
    for the public site, where a round one person answered shows no detail (scoring.details_public)."""
    return quadrant_label(ins, a.overall.quadrant, missing, question_means(a), withheld=public and not details_public(a.overall))


def question_means(a) -> dict[str, Fraction | None]:
    return {qid: q.mean for qid, q in a.questions.items()}


def role_means(a: AssessmentResult, role: str) -> dict[str, Fraction | None]:
    """One role's mean points per question, as question_means is the organisation's."""
    return {qid: (Fraction(sum(p), len(p)) if (p := q.points_by_role.get(role)) else None) for qid, q in a.questions.items()}


def reservation_view(ins: Instrument, a: AssessmentResult, *, public: bool = False) -> dict | None:
    """Why the quadrant's label carries its reservation, in a sentence with the questions that cause
    it and their status ("fråga 1 (mål för inköpsverksamheten) är utvecklingsområde"); None when it does not."""
    if public and not details_public(a.overall):
        r = ins.reservation
        return {"short": r.hidden_short, "text": r.hidden_text} if r and a.overall.quadrant == r.quadrant else None
    reserved = reserved_by(ins, a.overall.quadrant, question_means(a))
    if not reserved:
        return None
    statuses = {s.id: s.label.lower() for s in ins.statuses}
    causes = []
    for qid in reserved:
        q, r = ins.question(qid), a.questions[qid]
        state = statuses[r.status] if r.status else "obesvarad"
        causes.append(f"fråga {q.number} ({q.short}) är {state}")
    return {"short": ins.reservation.short, "text": f"{ins.reservation.text}: {and_list(causes)}."}


def _float(x: Fraction | None) -> float | None:
    return None if x is None else float(x)


def shown(value: Fraction | None, bounds: Bounds = Bounds()) -> str:
    """A value as the reader sees it: one decimal, more only where one would put it on the other
    side of (or onto) a bound it is classified by (2,45 beside a threshold of 2,5)."""
    return num_on_side(value, bounds.at_least, bounds.above)


def change(now: Fraction | None, before: Fraction | None, bounds: Bounds = Bounds()) -> dict | None:
    """▲/▼ with the number, so the direction never rests on colour alone.

    Computed from the values as shown (2,6 → 2,7 is +0,1; 2,45 → 2,5 is +0,05), so the arrow
    agrees with what the reader sees.
    """
    if now is None or before is None:
        return None
    decimals = [kept_decimals(v, bounds.at_least, bounds.above) for v in (now, before)]
    diff = round_half_up(Fraction(now), decimals[0]) - round_half_up(Fraction(before), decimals[1])
    if diff == 0:
        return {"arrow": "=", "text": "oförändrad", "direction": "same", "sr": "oförändrad sedan förra mätningen"}
    text = num(abs(diff), max(decimals))
    if diff > 0:
        return {"arrow": "▲", "text": f"+{text}", "direction": "up", "sr": f"ökning med {text} sedan förra mätningen"}
    return {"arrow": "▼", "text": f"−{text}", "direction": "down", "sr": f"minskning med {text} sedan förra mätningen"}


# -- JSON ---------------------------------------------------------------------


def _group_json(g: GroupScore) -> dict:
    return {
        "antal": g.respondents,
        "axlar": {a: _float(g.axes[a]) for a in AXES},
        "omraden": {k: _float(v) for k, v in g.areas.items()},
        "kvadrant": g.quadrant,
    }


def assessment_json(ins: Instrument, a: AssessmentResult, comments: Mapping | None, *, public: bool) -> dict:
    fragor = {}
    for qid, q in a.questions.items():
        entry = {"medel": _float(q.mean), "antal": q.answered, "status": q.status, "vet_ej": q.dont_know}
        if not public:
            entry["spridning"] = q.spread
        fragor[qid] = entry
    data = {
        "datum": a.date,
        "respondenter": a.overall.respondents,
        "detaljer_publiceras": details_public(a.overall),
        "axlar": {k: _float(v) for k, v in a.overall.axes.items()},
        "omraden": {k: _float(v) for k, v in a.overall.areas.items()},
        "kvadrant": a.overall.quadrant,
        "fragor": fragor,
        "steg": dict(a.steps),
        "prioriteringar": priorities(ins, a.steps),
        "saknas": dict(a.missing),
        "ofullstandiga_omraden": dict(a.incomplete_areas),
    }
    if public and not details_public(a.overall):  # one person's answers: the point and the quadrant only
        data.update(omraden={k: None for k in a.overall.areas}, fragor={}, steg={}, prioriteringar=[], saknas={}, ofullstandiga_omraden={})
    if not public:
        data["roller"] = {
            role: {**_group_json(g), "svar": {qid: list(q.points_by_role.get(role, ())) for qid, q in a.questions.items()}}
            for role, g in a.roles.items()
        }
        data["kommentar"] = comments["assessment"] if comments else None
        data["kommentarer"] = [{"roll": r, "text": t} for r, t in (comments["respondents"] if comments else [])]
    return data


def organisation_json(ins: Instrument, result: OrganisationResult, *, public: bool) -> dict:
    org = result.organisation
    comments = [
        {"assessment": a.comment, "respondents": [(r.role, r.comment) for r in a.respondents if r.comment]} for a in org.assessments
    ]
    return {
        "slug": org.slug,
        "namn": org.name,
        "typ": org.type,
        **place_json(ins.reference, org.code),
        "publicerad": org.published,
        "matningar": [assessment_json(ins, a, None if public else c, public=public) for a, c in zip(result.assessments, comments)],
    }


# -- charts --------------------------------------------------------------------


def _point(g: GroupScore) -> tuple[float, float] | None:
    if g.axes["ledning"] is None or g.axes["verksamhet"] is None:
        return None
    return float(g.axes["verksamhet"]), float(g.axes["ledning"])


def trail_chart(ins: Instrument, result: OrganisationResult, *, with_roles: bool = False) -> ChartSpec:
    """The organisation's point per round; with_roles: the latest point and each role's instead."""
    markers = []
    for a in result.assessments if not with_roles else (result.latest,):
        p = _point(a.overall)
        if p:
            kind = "current" if a is result.latest else "earlier"
            markers.append(Marker(p[0], p[1], a.date[:4] if kind == "earlier" else f"{a.date[:4]} (senaste)", kind))
    if with_roles:
        for role, g in result.latest.roles.items():
            p = _point(g)
            if p:
                markers.append(Marker(p[0], p[1], ins.role_label(role), f"role:{role}"))
    title = f"Ambitionsgrafen för {result.organisation.name}: "
    title += "organisationens och varje rolls punkt vid den senaste mätningen" if with_roles else "organisationens punkt vid varje mätning"
    return ChartSpec(title, tuple(markers), trail=not with_roles)


def overview_chart(ins: Instrument, results: list[OrganisationResult], rounds: list[AssessmentResult] | None = None) -> ChartSpec:
    """Every organisation's point: its latest round, or the round given for it."""
    markers = []
    for r, a in zip(results, rounds or [r.latest for r in results]):
        p = _point(a.overall)
        if p:
            markers.append(Marker(p[0], p[1], r.organisation.name, "org"))
    return ChartSpec(
        "Ambitionsgrafen: varje publicerad organisations senaste mätning",
        tuple(markers),
        label_points=len(markers) <= 12,
    )


def chart_rows(ins: Instrument, result: OrganisationResult, *, with_roles: bool, public: bool = False) -> list[dict]:
    """The chart's data as a table: the text alternative every reader can use."""
    rows = [
        {
            "label": f"Mätning {swedish_date(a.date)}",
            "ledning": shown(a.overall.axes["ledning"], axis_bounds(ins)),
            "verksamhet": shown(a.overall.axes["verksamhet"], axis_bounds(ins)),
            "quadrant": round_quadrant(ins, a, public=public),
        }
        for a in result.assessments
    ]
    if with_roles:
        rows += [
            {
                "label": f"{ins.role_label(role)} ({count(g.respondents, 'person', 'personer')}), senaste mätningen",
                "ledning": shown(g.axes["ledning"], axis_bounds(ins)),
                "verksamhet": shown(g.axes["verksamhet"], axis_bounds(ins)),
                "quadrant": quadrant_label(ins, g.quadrant, "Ingen punkt (svar saknas)", role_means(result.latest, role)),
            }
            for role, g in result.latest.roles.items()
        ]
    return rows


# -- reports -------------------------------------------------------------------


def _step_link(step_id: str, root: str | None) -> str | None:
    """The step's guidance page; None in a PDF built without the site's address."""
    return None if root is None else f"{root}vagledning/{step_id}/"


def report_view(ins: Instrument, guidance: Guidance, result: OrganisationResult, *, public: bool, root: str | None, chart: str) -> dict:
    """The organisation report, for the public page, the public PDF and the delivery PDF.

    `root` is the prefix that reaches the site root (a relative path on the
    site, the absolute site address in a PDF).
    """
    org = result.organisation
    latest = result.latest
    previous = result.assessments[-2] if len(result.assessments) > 1 else None

    def area_rows(g: GroupScore, before: GroupScore | None) -> list[dict]:
        rows = []
        for area in ins.areas:
            rows.append(
                {
                    "label": f"{area.number}. {area.label}",
                    "axis": ins.axes[area.axis]["kort"],
                    "value": shown(g.areas[area.id], area_bounds(ins, area.id)),
                    "change": change(g.areas[area.id], before.areas[area.id], area_bounds(ins, area.id)) if before else None,
                }
            )
        return rows

    axes = [
        {
            "key": axis,
            "label": ins.axes[axis]["etikett"],
            "short": ins.axes[axis]["kort"],
            "value": shown(latest.overall.axes[axis], axis_bounds(ins)),
            "systematic": None if latest.overall.axes[axis] is None else latest.overall.axes[axis] >= ins.threshold,
            "change": change(latest.overall.axes[axis], previous.overall.axes[axis], axis_bounds(ins)) if previous else None,
        }
        for axis in ("ledning", "verksamhet")
    ]
    step_rows = _step_rows(ins, guidance, latest, root)
    by_id = {s["id"]: s for s in step_rows}
    question_groups = _question_groups(ins, latest, by_id, public=public)
    view = {
        "public": public,
        "slug": org.slug,
        "name": org.name,
        "type_label": ins.type_of(org.type).label,
        "scope_note": ins.scope_note(org.type),
        "date": swedish_date(latest.date),
        "date_iso": latest.date,
        "respondents": latest.overall.respondents,
        "respondents_text": count(latest.overall.respondents, "intervjuad", "intervjuade"),
        "persons_text": count(latest.overall.respondents, "person", "personer"),
        "rounds": len(result.assessments),
        # The running header of the PDF has a third of a line: a long name is cut there (it is whole on page 1).
        "short_name": cut_at_word(org.name, 60),
        "name_length": "long" if len(org.name) > 200 else "longish" if len(org.name) > 60 else "",
        "quadrant": round_quadrant(ins, latest, None, public=public),
        "reservation": reservation_view(ins, latest, public=public),
        "threshold": num(ins.threshold),
        "axis_ends": ins.axis_ends,
        "axes": axes,
        # no change from a round whose areas are not published: it would give them away
        "areas": area_rows(latest.overall, previous.overall if previous and (not public or details_public(previous.overall)) else None),
        "previous_date": swedish_date(previous.date) if previous else None,
        "priorities": [by_id[s] for s in priorities(ins, latest.steps)],
        "steps": step_rows,
        "question_groups": question_groups,
        "chart": chart,
        "chart_rows": chart_rows(ins, result, with_roles=not public, public=public),
        "missing": [
            {"id": qid, "number": ins.question(qid).number, "short": ins.question(qid).short, "count": count(n, "person", "personer")}
            for qid, n in latest.missing.items()
        ],
        "incomplete_areas": missing_effects(
            ins, latest, next(a for a in org.assessments if a.date.isoformat() == latest.date), public=public
        ),
        "axis_note": axis_note(ins, latest),
        "history": [
            {
                "date": swedish_date(a.date),
                "ledning": shown(a.overall.axes["ledning"], axis_bounds(ins)),
                "verksamhet": shown(a.overall.axes["verksamhet"], axis_bounds(ins)),
                "quadrant": round_quadrant(ins, a, "–", public=public),
                "respondents": a.overall.respondents,
            }
            for a in result.assessments
        ],
        "root": root,
        "details": not public or details_public(latest.overall),
    }
    if not view["details"]:
        _withhold_details(view)
    if not public:
        view.update(_delivery_sections(ins, result, question_groups))
    return view


def _step_rows(ins: Instrument, guidance: Guidance, latest: AssessmentResult, root: str | None) -> list[dict]:
    """Every step and zone with its status and its suggestion, which names the questions behind the status."""
    statuses = {s.id: s.label for s in ins.statuses}
    rows = []
    for step in ins.steps:
        status = latest.steps[step.id]
        rows.append(
            {
                "id": step.id,
                "label": step.label,
                "kind": "Ledningssystemets steg" if step.kind == "steg" else "Inköpsprocessen",
                "section": step.section,
                "status": status,
                "status_label": statuses[status] if status else "Underlag saknas",
                **_advice(step_advice(ins, guidance.steps[step.id], step, status, latest.questions)),
                "url": _step_link(step.id, root),
                "questions": [q.id for q in ins.questions_of_step(step.id)],
            }
        )
    return rows


def _scale_note(ins: Instrument, q) -> str:
    """How a question's answer scores, from the instrument: "ja = 3 poäng, nej = 0", "vikt 1", "vikt 0,5 för delar, 1 för hela"."""
    if q.rule == "ja_nej":
        return ", ".join(f"{k} = {p}" + (" poäng" if i == 0 else "") for i, (k, p) in enumerate(q.points))
    weighted = [o for o in q.options if o.weight is not None]
    if weighted:
        return "vikt " + ", ".join(f"{num(o.weight, 1).removesuffix(',0')} för {o.short}" for o in weighted)
    return f"vikt {num(q.weight, 1).removesuffix(',0')}" if q.rule == "viktad" else ""


def _question_groups(ins: Instrument, latest: AssessmentResult, by_id: dict, *, public: bool) -> list[dict]:
    """The questions by area with their means and statuses; the delivery report adds each role's answers and the spread."""
    statuses = {s.id: s.label for s in ins.statuses}
    groups = []
    for area in ins.areas:
        rows = []
        for q in area.questions:
            r = latest.questions[q.id]
            row = {
                "number": q.number,
                "id": q.id,
                "text": q.text,
                "mean": shown(r.mean, question_bounds(ins, q.id)),
                "answered": r.answered,
                "missing": r.missing,
                "dont_know": r.dont_know,
                "status_label": statuses[r.status] if r.status else "Underlag saknas",
                "status": r.status,
                "step": by_id[q.step]["label"],
                "scale_note": _scale_note(ins, q),
                "options_note": _options_note(q, r),
            }
            if not public:
                row["spread"] = "–" if r.spread is None else str(r.spread)
                row["flag"] = r.spread is not None and r.spread >= ins.spread_flag
                row["roles"] = [
                    {
                        "label": ins.role_label(role.id),
                        "answers": _role_answers(q, r.points_by_role.get(role.id, ()), r.options_by_role.get(role.id, ())),
                    }
                    for role in ins.roles
                    if role.id in latest.roles
                ]
            rows.append(row)
        groups.append(
            {"label": f"{area.number}. {area.label}", "preamble": area.preamble, "axis": ins.axes[area.axis]["kort"], "questions": rows}
        )
    return groups


def _delivery_sections(ins: Instrument, result: OrganisationResult, question_groups: list[dict]) -> dict:
    """What only the organisation's own report shows: the roles, where they disagree, and the comments."""
    org = result.organisation
    latest = result.latest
    view: dict = {}
    view["roles"] = [
        {
            "label": ins.role_label(role),
            "respondents": g.respondents,
            "ledning": shown(g.axes["ledning"], axis_bounds(ins)),
            "verksamhet": shown(g.axes["verksamhet"], axis_bounds(ins)),
            "quadrant": quadrant_label(ins, g.quadrant, "Ingen punkt", role_means(latest, role)),
            "areas": [shown(g.areas[a.id], area_bounds(ins, a.id)) for a in ins.areas],
        }
        for role, g in latest.roles.items()
    ]
    view["area_headers"] = [{"number": a.number, "label": a.label} for a in ins.areas]
    view["conversation"] = [
        {
            "number": row["number"],
            "text": row["text"],
            "short": ins.question(row["id"]).short,
            "spread": row["spread"],
            "roles": row["roles"],
            "options_note": row["options_note"],
        }
        for group in question_groups
        for row in group["questions"]
        if row["flag"]
    ]
    # The summary names at most three of them, the widest apart first (a page is all it has), in question
    # order; the section on the roles has them all.
    widest = sorted(sorted(view["conversation"], key=lambda c: (-int(c["spread"]), c["number"]))[:3], key=lambda c: c["number"])
    named = [f"fråga {c['number']} ({c['short']}{'; ' + c['options_note'].lower() if c['options_note'] else ''})" for c in widest]
    more = len(view["conversation"]) - len(named)
    view["conversation_summary"] = and_list(named + ([count(more, "fråga", "frågor") + " till"] if more else []))
    view["spread_flag"] = ins.spread_flag
    org_assessments = {a.date.isoformat(): a for a in org.assessments}
    view["comments"] = [
        {
            "date": swedish_date(a.date),
            "assessment": org_assessments[a.date].comment,
            "respondents": [{"role": ins.role_label(r.role), "text": r.comment} for r in org_assessments[a.date].respondents if r.comment],
        }
        for a in reversed(result.assessments)
        if org_assessments[a.date].comment or any(r.comment for r in org_assessments[a.date].respondents)
    ]
    return view


def _advice(a: dict) -> dict:
    return {"cause": a["cause"], "suggestions": a["texts"], "suggestion": a["text"]}


def _withhold_details(view: dict) -> None:
    """The public report of a round one person answered: the point and the quadrant, nothing per area,
    question or step (scoring.details_public). Emptied here, so no template can show them by mistake."""
    view.update(areas=[], priorities=[], steps=[], question_groups=[], missing=[], incomplete_areas=[], previous_date=None, axis_note=None)


_SWEDISH_ORDER = str.maketrans({"å": "{", "ä": "|", "ö": "}", "Å": "{", "Ä": "|", "Ö": "}", "é": "e", "ü": "y"})


def swedish_sort_key(text: str) -> str:
    """Alphabetical order as Swedish readers expect it: å, ä, ö after z."""
    return text.lower().translate(_SWEDISH_ORDER)


def index_rows(ins: Instrument, results: list[OrganisationResult], root: str, rounds: list[AssessmentResult] | None = None) -> list[dict]:
    """One table row per organisation: its latest round, or the round given for it."""
    pairs = sorted(zip(results, rounds or [r.latest for r in results]), key=lambda p: swedish_sort_key(p[0].organisation.name))
    return [
        {
            "name": r.organisation.name,
            "type_label": ins.type_of(r.organisation.type).label,
            "date": swedish_date(a.date),
            "date_iso": a.date,
            "ledning": shown(a.overall.axes["ledning"], axis_bounds(ins)),
            "verksamhet": shown(a.overall.axes["verksamhet"], axis_bounds(ins)),
            "quadrant": round_quadrant(ins, a, "–", public=True),
            "url": f"{root}organisationer/{r.organisation.slug}/",
        }
        for r, a in pairs
    ]
