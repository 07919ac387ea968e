"""The self-assessment page: the instrument as a form, scored in the browser.

The browser computes exactly what ambitionsgraf/scoring.py computes, from the
same content/instrument.yaml: `instrument_data` emits the instrument as JSON
(questions, rules, points, weights and options, areas with denominators, axes,
the threshold, quadrants and the reservation on one's label, statuses and each
question's status rule, the step mapping, the cap on a step with an unanswered
question, how many priorities, the decimals shown and each step's suggestion
texts), and templates/assets/sjalvskattning.js scores from that data alone: it
holds no number, axis or status of the instrument.
The page's chart is the Python chart's frame (`charts.frame(...).numbers()`:
size, plot area, axis limits over the whole reachable range, ticks, threshold,
where the quadrants' names sit), so both draw a point in the same place.
Fractions are kept as [numerator, denominator] pairs and the script does exact
integer rational arithmetic, so a mean of exactly 2,5 is at the threshold in
the browser just as with Python's Fractions (no epsilon anywhere).

Nothing the person enters leaves the browser: the page makes no requests
beyond its own HTML, CSS and scripts. The answers are kept in the browser's own
storage (localStorage) so that a reload keeps them, until "Rensa" forgets them;
the answer file is built in the page and handed over as a download, and one
downloaded earlier is read back in the page ("Öppna en sparad fil", read by the vendored
js-yaml). `build.py import` takes such files as respondents of a round (importer.plan_self_assessments).
"""

from __future__ import annotations

from fractions import Fraction

from . import charts, pages
from .answercheck import ASSESSMENT_KEYS, RESPONDENT_KEYS, TOP_KEYS
from .layout import guidance_path
from .project import Project
from .scoring import PRIORITY_LIMIT, area_bounds, axis_bounds, question_bounds, status_rule, unanswered_cap
from .text import DECIMALS, ISO_DATE

PAGE = "sjalvskattning/index.html"
SCRIPT = "assets/sjalvskattning.js"
DATA = "assets/instrument.json"
# The YAML reader the page opens saved answer files with: js-yaml, vendored (README, "Third-party code").
YAML_READER = "assets/vendor/js-yaml.min.js"
YAML_READER_LICENSE = "assets/vendor/js-yaml.LICENSE.txt"


def _fraction(value: Fraction | None) -> list[int] | None:
    return None if value is None else [value.numerator, value.denominator]


def _bounds(b) -> dict:
    return {"at_least": [_fraction(t) for t in b.at_least], "above": [_fraction(t) for t in b.above]}


def instrument_data(project: Project) -> dict:
    """Everything the browser needs to score and explain an answer, generated from the instrument."""
    ins = project.ins
    guidance = project.guidance
    return {
        "scale": [{"value": v, "label": label} for v, label in ins.scale],  # strongest first
        "dont_know": {"key": ins.dont_know, "label": ins.dont_know_label},
        "threshold": _fraction(ins.threshold),
        "axis_ends": list(ins.axis_ends),
        "axes": {k: {"label": v["etikett"], "short": v["kort"]} for k, v in ins.axes.items()},
        "quadrants": [{"id": q.id, "label": q.label, "ledning": q.ledning, "verksamhet": q.verksamhet} for q in ins.quadrants],
        "statuses": [{"id": s.id, "label": s.label, "minimum": _fraction(s.minimum)} for s in ins.statuses],
        # the quadrant whose label needs a step in place to stand alone (scoring.reserved_by)
        "reservation": {"quadrant": r.quadrant, "step": r.step, "short": r.short} if (r := ins.reservation) else None,
        "unanswered_cap": unanswered_cap(ins),  # a step with an unanswered question is at most this
        "priority_limit": PRIORITY_LIMIT,
        "decimals": DECIMALS,  # a shown value's decimals, unless a bound needs more
        "areas": [
            {
                "id": a.id,
                "label": a.label,
                "number": a.number,
                "axis": a.axis,
                "denominator": a.denominator,
                "preamble": a.preamble,
                "questions": [
                    {
                        "id": q.id,
                        "number": q.number,
                        "text": q.text,
                        "rule": q.rule,
                        "points": dict(q.points) or None,
                        "weight": _fraction(q.weight),
                        "extra": q.extra,
                        "default_option": q.default_option,
                        "options": [{"key": o.key, "label": o.label, "short": o.short, "weight": _fraction(o.weight)} for o in q.options],
                        "step": q.step,
                        "status_rule": [
                            {"status": st, "bound": _fraction(b), "strict": strict} for st, b, strict in status_rule(ins, q.id)
                        ],
                    }
                    for q in a.questions
                ],
            }
            for a in ins.areas
        ],
        "steps": [
            {
                "id": s.id,
                "label": s.label,
                "kind": s.kind,
                "section": s.section,
                "order": s.order,
                "title": guidance.steps[s.id].title,
                "url": guidance_path(s.id),
                "suggestions": dict(guidance.steps[s.id].suggestions),
            }
            for s in ins.steps
        ],
        "roles": [{"id": r.id, "label": r.label} for r in ins.roles],
        "types": [{"id": t.id, "label": t.label} for t in ins.types],
        # The answer-file rules check applies to the fields the page reads but does not use (answercheck):
        # the keys allowed at each level, the date's pattern (text.ISO_DATE, as check reads it), and SCB's codes with their kinds.
        "answer_file": {
            "keys": {"file": list(TOP_KEYS), "round": list(ASSESSMENT_KEYS), "respondent": list(RESPONDENT_KEYS)},
            "date": ISO_DATE.pattern,
            "codes": {p.kod: p.typ for p in ins.reference.places.values()},
        },
        "chart": charts.frame(ins, phone=True).numbers(),  # one person's point: the phone-sized chart, readable at any width
        # Where each shown value's class changes (scoring.*_bounds): the page shows more than one
        # decimal only where one would put a value on the other side of one, as views.shown does.
        "bounds": {
            "axis": _bounds(axis_bounds(ins)),
            "areas": {a.id: _bounds(area_bounds(ins, a.id)) for a in ins.areas},
            "questions": {q.id: _bounds(question_bounds(ins, q.id)) for q in ins.questions},
        },  # the build has the frame already (pipeline draws or reads it first)
    }


def page_view(project: Project) -> dict:
    """What the template needs to write the form without JavaScript."""
    ins = project.ins
    areas = []
    for a in ins.areas:
        questions = []
        for q in a.questions:
            if q.rule == "ja_nej":
                choices = [{"value": k, "label": k.capitalize()} for k, _ in q.points]
            else:
                choices = [{"value": str(v), "label": f"{label} ({v})"} for v, label in ins.scale]
            choices.append({"value": ins.dont_know, "label": ins.dont_know_label})
            extra = None
            if q.extra:
                extra = {
                    "name": f"{q.id}_{q.extra}",
                    "label": q.extra.capitalize() + ("" if any(o.weight is not None for o in q.options) else " (påverkar inte poängen)"),
                    "default": q.default_option,
                    # never preselected: an omfattning not chosen is scored as the default and said to be assumed
                    "default_label": q.option(q.default_option).label if q.default_option else None,
                    "options": [{"value": o.key, "label": o.label} for o in q.options],
                }
            questions.append({"id": q.id, "number": q.number, "text": q.text, "choices": choices, "extra": extra})
        areas.append(
            {
                "id": a.id,
                "number": a.number,
                "label": a.label,
                "axis": ins.axes[a.axis]["kort"],
                "preamble": a.preamble,
                "questions": questions,
            }
        )
    return {
        "count": len(ins.questions),
        "areas": areas,
        "roles": [{"id": r.id, "label": r.label} for r in ins.roles],
        "types": [{"id": t.id, "label": t.label} for t in ins.types],
        "axes": [{"id": k, "label": v["etikett"], "short": v["kort"]} for k, v in ins.axes.items()],
        "steps": [{"id": s.id, "label": s.label, "kind": s.kind} for s in ins.steps],
    }


def selfassessment_files(project: Project) -> dict[str, str | bytes]:
    """The self-assessment page and its assets, relative to the site root."""
    data = instrument_data(project)
    ctx = pages.page_context(
        project,
        root="../",
        path="sjalvskattning/",
        title="Självskattning",
        crumbs=[("", "Start"), (None, "Självskattning")],
        description="Besvara ambitionsgrafens frågor och se direkt var din bild av inköpsorganisationen hamnar. Svaren stannar i din webbläsare.",
    )
    html = project.env.get_template("sjalvskattning.html").render(**ctx, sa=page_view(project), instrument=data)
    assert project.env.loader is not None  # the project's environment loads templates/
    return {
        PAGE: html,
        # static files from templates/, not rendered
        **{path: project.env.loader.get_source(project.env, path)[0] for path in (SCRIPT, YAML_READER, YAML_READER_LICENSE)},
        DATA: pages.to_json(data),
    }
