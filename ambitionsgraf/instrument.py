"""The instrument (content/instrument.yaml) as frozen data, checked when loaded.

Code knows a closed set of rule kinds; everything else (wording, weights,
areas, thresholds, labels, the step each question informs) is read here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property
from fractions import Fraction
from pathlib import Path


from .problems import ContentError, Problem, read_yaml
from .reference import Reference, load_reference

RULES = ("skala", "ja_nej", "viktad")


@dataclass(frozen=True)
class Option:
    key: str
    label: str
    weight: Fraction | None  # None: the option is reported but does not weigh
    short: str = ""  # beside an answer in a table cell ("delar"); the label when not given


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    rule: str
    area: str
    step: str
    number: int  # 1-based position in the instrument
    points: tuple[tuple[str, int], ...] = ()  # ja_nej: (("ja", 3), ("nej", 0))
    weight: Fraction = Fraction(1)
    extra: str | None = None  # "omfattning" / "frekvens"
    options: tuple[Option, ...] = ()
    default_option: str | None = None
    short: str = ""  # the question named in a sentence ("organisationsövergripande spendanalys")
    section: str = ""  # the report's section whose text the question matches (the reason for `step`)
    basis: str = ""  # that text, briefly
    own_judgement: bool = False  # the report ties the question to no one step: the mapping is ours

    def option(self, key: str) -> Option:
        return next(o for o in self.options if o.key == key)

    @property
    def max_points(self) -> int:
        return max(p for _, p in self.points) if self.points else 4


@dataclass(frozen=True)
class Area:
    id: str
    label: str
    number: int
    axis: str
    denominator: int
    questions: tuple[Question, ...]
    preamble: str | None


@dataclass(frozen=True)
class Step:
    id: str
    label: str
    kind: str  # "steg" (management system) or "zon" (purchasing process)
    section: str
    part: str | None
    order: int


@dataclass(frozen=True)
class Labelled:
    id: str
    label: str
    plural: str | None = None


@dataclass(frozen=True)
class Quadrant:
    id: str
    label: str
    ledning: bool
    verksamhet: bool


@dataclass(frozen=True)
class Reservation:
    """What must be in place before a quadrant's label stands alone (instrument `forbehall`)."""

    quadrant: str
    step: str
    section: str
    short: str  # beside the label in a table or list
    text: str  # a sentence's start, before the questions that cause it


@dataclass(frozen=True)
class StatusLevel:
    id: str
    label: str
    minimum: Fraction


@dataclass(frozen=True, eq=False)  # hashed by identity, so derived drawings can be cached per instrument
class Instrument:
    source: dict
    scale: tuple[tuple[int, str], ...]
    dont_know: str
    dont_know_label: str
    threshold: Fraction
    axis_ends: tuple[str, str]
    axes: dict[str, dict]
    quadrants: tuple[Quadrant, ...]
    statuses: tuple[StatusLevel, ...]
    areas: tuple[Area, ...]
    steps: tuple[Step, ...]  # management-system steps, then zones, in priority order
    roles: tuple[Labelled, ...]
    types: tuple[Labelled, ...]
    spread_flag: int
    reservation: Reservation | None
    scope: tuple[tuple[str, ...], str, str] | None  # (types the tool was made for, section, what a report on another type says)
    # The municipalities and regions an answer file's `kod` may name (content/kommuner.csv). Loaded
    # with the instrument, so that every reader of answer files (build, check, new, import) checks
    # codes alike, with no second argument to forget.
    reference: Reference

    @cached_property
    def questions(self) -> tuple[Question, ...]:
        return tuple(q for a in self.areas for q in a.questions)

    def question(self, qid: str) -> Question:
        return self._by_id[qid]

    @cached_property
    def _by_id(self) -> dict[str, Question]:
        return {q.id: q for q in self.questions}

    @cached_property
    def scale_points(self) -> dict[str, int]:
        """Each point on the scale as an answer file writes it."""
        return {str(v): v for v, _ in self.scale}

    @cached_property
    def answer_memo(self) -> dict:
        """Answers already made, shared by every file read with this instrument (see answers._answer)."""
        return {}

    @cached_property
    def weight_scale(self) -> int:
        """The least number that makes every weight whole: scores are summed in integers of 1/weight_scale."""
        weights = [q.weight for q in self.questions] + [o.weight for q in self.questions for o in q.options if o.weight is not None]
        return math.lcm(*(w.denominator for w in weights))

    @cached_property
    def question_ids(self) -> tuple[str, ...]:
        return tuple(q.id for q in self.questions)

    def area(self, area_id: str) -> Area:
        return next(a for a in self.areas if a.id == area_id)

    def areas_of_axis(self, axis: str) -> tuple[Area, ...]:
        return tuple(a for a in self.areas if a.axis == axis)

    def step(self, step_id: str) -> Step:
        return next(s for s in self.steps if s.id == step_id)

    def questions_of_step(self, step_id: str) -> tuple[Question, ...]:
        return tuple(q for q in self.questions if q.step == step_id)

    def quadrant(self, ledning_systematic: bool, verksamhet_systematic: bool) -> Quadrant:
        return next(q for q in self.quadrants if (q.ledning, q.verksamhet) == (ledning_systematic, verksamhet_systematic))

    def quadrant_by_id(self, qid: str) -> Quadrant:
        return next(q for q in self.quadrants if q.id == qid)

    def status(self, status_id: str) -> StatusLevel:
        return next(s for s in self.statuses if s.id == status_id)

    def role_label(self, role: str) -> str:
        return next(r.label for r in self.roles if r.id == role)

    def type_of(self, type_id: str) -> Labelled:
        return next(t for t in self.types if t.id == type_id)

    def scope_note(self, type_id: str) -> str | None:
        """What a report says about an organisation of a type the tool was not made for; None for the others."""
        return None if self.scope is None or type_id in self.scope[0] else self.scope[2]

    def scale_label(self, value: int) -> str:
        return dict(self.scale)[value]


def _frac(value) -> Fraction:
    return Fraction(str(value))


REFERENCE_FILE = "kommuner.yaml"  # beside instrument.yaml


def load_instrument(path: Path) -> Instrument:
    """Read and cross-check the instrument, with the list of municipalities and regions beside
    it (content/kommuner.yaml); raise ContentError naming every problem in either."""
    problems: list[Problem] = []
    reference = None
    try:
        reference = load_reference(path.parent / REFERENCE_FILE)
    except ContentError as exc:
        problems = exc.problems
    try:
        instrument = _load(path, reference)
    except ContentError as exc:
        raise ContentError(exc.problems + problems) from exc
    if problems:
        raise ContentError(problems)
    return instrument


def _load(path: Path, reference: Reference | None) -> Instrument:
    shown = str(path)
    raw = read_yaml(path, "instrument")
    try:
        return _build(raw, reference)
    except (KeyError, TypeError, ValueError, StopIteration) as exc:
        raise ContentError([Problem(shown, 1, "instrument", f"malformed: {exc!r}")]) from exc
    except _InstrumentProblems as exc:
        raise ContentError([Problem(shown, 1, field, msg) for field, msg in exc.args[0]]) from exc


class _InstrumentProblems(Exception):
    pass


def _build(raw: dict, reference: Reference | None) -> Instrument:
    steps = tuple(
        Step(s["id"], s["etikett"], "steg", s["avsnitt"], s.get("del"), i) for i, s in enumerate(raw["steg"])
    ) + tuple(
        Step(z["id"], z["etikett"], "zon", z["avsnitt"], None, len(raw["steg"]) + i) for i, z in enumerate(raw["zoner"])
    )
    areas = []
    number = 0
    for area_id, a in raw["omraden"].items():
        questions = []
        for q in a["fragor"]:
            number += 1
            options = tuple(
                Option(k, v["etikett"], _frac(v["vikt"]) if "vikt" in v else None, v.get("kort", v["etikett"]))
                for k, v in (q.get("alternativ") or {}).items()
            )
            questions.append(
                Question(
                    id=q["id"],
                    text=q["fraga"],
                    rule=q["regel"],
                    area=area_id,
                    step=q.get("steg"),
                    number=number,
                    points=tuple((k, int(v)) for k, v in (q.get("poang") or {}).items()),
                    weight=_frac(q.get("vikt", 1)),
                    extra=q.get("tillagg"),
                    options=options,
                    default_option=q.get("standard"),
                    short=q.get("kort", ""),
                    section=str(q.get("avsnitt", "")),
                    basis=q.get("grund", ""),
                    own_judgement=bool(q.get("egen_bedomning", False)),
                )
            )
        areas.append(
            Area(area_id, a["etikett"], int(a["nummer"]), a["axel"], int(a["namnare"]), tuple(questions), a.get("inledning"))
        )
    instrument = Instrument(
        source=dict(raw["kalla"]),
        scale=tuple(sorted(((int(s["varde"]), s["etikett"]) for s in raw["skala"]), reverse=True)),
        dont_know=raw["vet_ej"]["nyckel"],
        dont_know_label=raw["vet_ej"]["etikett"],
        threshold=_frac(raw["troskel"]),
        axis_ends=(raw["axelandar"]["lag"], raw["axelandar"]["hog"]),
        axes={k: dict(v) for k, v in raw["axlar"].items()},
        quadrants=tuple(
            Quadrant(k, v["etikett"], bool(v["ledning"]), bool(v["verksamhet"])) for k, v in raw["kvadranter"].items()
        ),
        statuses=tuple(StatusLevel(s["nyckel"], s["etikett"], _frac(s["minst"])) for s in raw["status"]),
        areas=tuple(areas),
        steps=steps,
        roles=tuple(Labelled(r["id"], r["etikett"]) for r in raw["roller"]),
        types=tuple(Labelled(t["id"], t["etikett"], t.get("plural")) for t in raw["typer"]),
        spread_flag=int(raw["spridning_flagga"]),
        reservation=Reservation(raw["forbehall"]["kvadrant"], raw["forbehall"]["steg"], str(raw["forbehall"]["avsnitt"]),
                                raw["forbehall"]["kort"], " ".join(raw["forbehall"]["text"].split())) if raw.get("forbehall") else None,
        scope=(tuple(raw["avgransning"]["typer"]), str(raw["avgransning"]["avsnitt"]), " ".join(raw["avgransning"]["text"].split()))
        if raw.get("avgransning") else None,
        reference=reference,
    )
    problems = check_instrument(instrument)
    if problems:
        raise _InstrumentProblems(problems)
    return instrument


def check_instrument(ins: Instrument) -> list[tuple[str, str]]:
    """Cross-checks: every question has a rule, a step, and one area; the rest fits."""
    problems: list[tuple[str, str]] = []
    step_ids = {s.id for s in ins.steps}
    seen: set[str] = set()
    if {a.axis for a in ins.areas} != set(ins.axes):
        problems.append(("omraden", f"areas must cover exactly the axes {sorted(ins.axes)}"))
    if {"ledning", "verksamhet"} != set(ins.axes):
        problems.append(("axlar", "expected the axes ledning and verksamhet"))
    if len(ins.quadrants) != 4 or {(q.ledning, q.verksamhet) for q in ins.quadrants} != {
        (a, b) for a in (True, False) for b in (True, False)
    }:
        problems.append(("kvadranter", "expected one quadrant for each combination of the two axes"))
    if [s.minimum for s in ins.statuses] != sorted((s.minimum for s in ins.statuses), reverse=True):
        problems.append(("status", "levels must be listed strongest first"))
    if not ins.scale or {v for v, _ in ins.scale} != set(range(1, len(ins.scale) + 1)):
        problems.append(("skala", "expected values 1..n"))
    for area in ins.areas:
        if not area.questions:
            problems.append((area.id, "an area needs at least one question"))
        for q in area.questions:
            if q.id in seen:
                problems.append((q.id, "question id belongs to more than one area"))
            seen.add(q.id)
            if q.rule not in RULES:
                problems.append((q.id, f"regel must be one of {', '.join(RULES)}, got {q.rule!r}"))
            if q.step not in step_ids:
                problems.append((q.id, f"steg must name a step or zone, got {q.step!r}"))
            if q.rule == "ja_nej" and {k for k, _ in q.points} != {"ja", "nej"}:
                problems.append((q.id, "a ja_nej question needs poang for ja and nej"))
            if q.extra and not q.options:
                problems.append((q.id, "tillagg needs alternativ"))
            if q.default_option and q.default_option not in {o.key for o in q.options}:
                problems.append((q.id, "standard must be one of the alternativ"))
            if not q.short:
                problems.append((q.id, "kort (the question in a few words, for sentences) is missing"))
            if not q.section or not q.basis:
                problems.append((q.id, "avsnitt and grund (where the report puts the question's step) are missing"))
    if ins.reservation and (ins.reservation.quadrant not in {q.id for q in ins.quadrants} or ins.reservation.step not in step_ids):
        problems.append(("forbehall", "kvadrant must name a quadrant and steg a step"))
    if ins.scope and not set(ins.scope[0]) <= {t.id for t in ins.types}:
        problems.append(("avgransning", "typer must name types"))
    for s in ins.steps:
        if not ins.questions_of_step(s.id):
            problems.append((s.id, "no question informs this step"))
    if ins.reference is not None:
        for kind in sorted({p.typ for p in ins.reference.places.values()} - {t.id for t in ins.types}):
            problems.append(("typer", f"the list of municipalities and regions has {kind}, which is not a type"))
    return problems
