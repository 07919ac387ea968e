"""View-models: the values as a reader sees them (`shown`, `change`, the quadrant's label), the
JSON data files, the charts' specs and the organisations' table rows. The organisation report is
assembled in reportview.py, the method page in methodpage.py, from these.

Public views are built from the organisation's aggregate results only; they
never read roles, per-respondent answers, spreads or comments.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction

from .charts import ChartSpec, Marker
from .instrument import Instrument
from .opendata import place_json
from .scoring import (
    AXES,
    AssessmentResult,
    Bounds,
    GroupScore,
    OrganisationResult,
    axis_bounds,
    details_public,
    priorities,
    reserved_by,
)
from .text import (
    and_list,
    count,
    kept_decimals,
    num,
    num_on_side,
    round_half_up,
    swedish_date,
)
from .wording import NO_POINT


def quadrant_label(
    ins: Instrument,
    quadrant: str | None,
    missing: str | None = NO_POINT,
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


def round_quadrant(ins: Instrument, a, missing: str | None = NO_POINT, *, public: bool = False) -> str | None:
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
            markers.append(Marker(p[0], p[1], a.year if kind == "earlier" else f"{a.year} (senaste)", kind))
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
                "quadrant": quadrant_label(ins, g.quadrant, NO_POINT, role_means(result.latest, role)),
            }
            for role, g in result.latest.roles.items()
        ]
    return rows


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
