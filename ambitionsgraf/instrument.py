"""The instrument (content/instrument.yaml) as frozen data, checked when loaded.

Code knows a closed set of rule kinds; everything else (wording, weights,
areas, thresholds, labels, the step each question informs) is read here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import Field

from . import schema
from .problems import ContentError, Problem
from .reference import Reference, load_reference
from .schema import Strict

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
    hidden_short: str = ""  # beside the label where the round's details are not published, whatever the answers
    hidden_text: str = ""  # the sentence there


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
    # Step.kind -> its names (instrument `slag`): the whole a step belongs to ("Ledningssystemet"),
    # and as `plural` its steps as a group, a heading over them ("Ledningssystemets steg")
    kinds: dict[str, Labelled]
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
        """Answers already made, shared by every file read with this instrument (see answermodel.shared_answer)."""
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


# -- the file's schema, declared once (content/instrument.yaml as written) --------------------------

Number = float  # strict: an int or a float, never a string or a boolean


class _Source(Strict):
    utgivare: str
    titel: str
    diarienummer: str
    avsnitt: str


class _ScalePoint(Strict):
    varde: int
    etikett: str


class _Key(Strict):
    nyckel: str
    etikett: str


class _Ends(Strict):
    lag: str
    hog: str


class _Axis(Strict):
    etikett: str
    kort: str
    rubrik: str  # a narrow column's heading ("Ledningen")
    riktning: Literal["vertikal", "horisontell"]


class _Quadrant(Strict):
    etikett: str
    ledning: bool
    verksamhet: bool


class _Status(Strict):
    nyckel: str
    etikett: str
    minst: Number


class _Option(Strict):
    etikett: str
    kort: str | None = None
    vikt: Number | None = None


class _Question(Strict):
    id: str
    fraga: str
    kort: str
    regel: str
    steg: str
    poang: dict[str, int] | None = None
    vikt: Number | None = None
    tillagg: str | None = None
    standard: str | None = None
    alternativ: dict[str, _Option] | None = None
    avsnitt: str  # the report's section whose text the question matches
    grund: str  # that text
    egen_bedomning: bool = False  # the report ties the question to no one step: the mapping is ours


class _Area(Strict):
    etikett: str
    nummer: int
    axel: str
    namnare: int
    inledning: str | None = None
    fragor: list[_Question]


class _Step(Strict):
    id: str
    etikett: str
    avsnitt: str
    del_: str | None = Field(default=None, alias="del")


class _Zone(Strict):
    id: str
    etikett: str
    avsnitt: str


class _Labelled(Strict):
    id: str
    etikett: str
    plural: str | None = None


class _Reservation(Strict):
    kvadrant: str
    steg: str
    avsnitt: str
    kort: str
    text: str
    dold_kort: str
    dold_text: str


class _Scope(Strict):
    typer: list[str]
    avsnitt: str
    text: str


class InstrumentFile(Strict):
    """content/instrument.yaml: every key it may hold, and the kind of each value."""

    kalla: _Source
    skala: list[_ScalePoint]
    vet_ej: _Key
    troskel: Number
    axelandar: _Ends
    axlar: dict[str, _Axis]
    kvadranter: dict[str, _Quadrant]
    status: list[_Status]
    omraden: dict[str, _Area]
    steg: list[_Step]
    zoner: list[_Zone]
    slag: list[_Labelled]
    roller: list[_Labelled]
    typer: list[_Labelled]
    spridning_flagga: int
    forbehall: _Reservation | None = None
    avgransning: _Scope | None = None


def _load(path: Path, reference: Reference | None) -> Instrument:
    raw = schema.load(path, InstrumentFile, "instrument")
    instrument = _build(raw, reference)
    problems = check_instrument(instrument)
    if problems:
        raise ContentError([Problem(str(path), 1, field, msg) for field, msg in problems])
    return instrument


def _build(raw: InstrumentFile, reference: Reference | None) -> Instrument:
    steps = tuple(Step(s.id, s.etikett, "steg", s.avsnitt, s.del_, i) for i, s in enumerate(raw.steg)) + tuple(
        Step(z.id, z.etikett, "zon", z.avsnitt, None, len(raw.steg) + i) for i, z in enumerate(raw.zoner)
    )
    areas = []
    number = 0
    for area_id, a in raw.omraden.items():
        questions = []
        for q in a.fragor:
            number += 1
            options = tuple(
                Option(k, v.etikett, _frac(v.vikt) if v.vikt is not None else None, v.kort or v.etikett)
                for k, v in (q.alternativ or {}).items()
            )
            questions.append(
                Question(
                    id=q.id,
                    text=q.fraga,
                    rule=q.regel,
                    area=area_id,
                    step=q.steg,
                    number=number,
                    points=tuple((q.poang or {}).items()),
                    weight=_frac(q.vikt if q.vikt is not None else 1),
                    extra=q.tillagg,
                    options=options,
                    default_option=q.standard,
                    short=q.kort,
                    section=q.avsnitt,
                    basis=q.grund,
                    own_judgement=q.egen_bedomning,
                )
            )
        areas.append(Area(area_id, a.etikett, a.nummer, a.axel, a.namnare, tuple(questions), a.inledning))
    return Instrument(
        source=raw.kalla.model_dump(),
        scale=tuple(sorted(((s.varde, s.etikett) for s in raw.skala), reverse=True)),
        dont_know=raw.vet_ej.nyckel,
        dont_know_label=raw.vet_ej.etikett,
        threshold=_frac(raw.troskel),
        axis_ends=(raw.axelandar.lag, raw.axelandar.hog),
        axes={k: v.model_dump() for k, v in raw.axlar.items()},
        quadrants=tuple(Quadrant(k, v.etikett, v.ledning, v.verksamhet) for k, v in raw.kvadranter.items()),
        statuses=tuple(StatusLevel(s.nyckel, s.etikett, _frac(s.minst)) for s in raw.status),
        areas=tuple(areas),
        steps=steps,
        kinds={k.id: Labelled(k.id, k.etikett, k.plural) for k in raw.slag},
        roles=tuple(Labelled(r.id, r.etikett) for r in raw.roller),
        types=tuple(Labelled(t.id, t.etikett, t.plural) for t in raw.typer),
        spread_flag=raw.spridning_flagga,
        reservation=None
        if raw.forbehall is None
        else Reservation(
            raw.forbehall.kvadrant,
            raw.forbehall.steg,
            raw.forbehall.avsnitt,
            raw.forbehall.kort,
            " ".join(raw.forbehall.text.split()),
            raw.forbehall.dold_kort,
            " ".join(raw.forbehall.dold_text.split()),
        ),
        scope=None
        if raw.avgransning is None
        else (tuple(raw.avgransning.typer), raw.avgransning.avsnitt, " ".join(raw.avgransning.text.split())),
        reference=reference,  # type: ignore[arg-type]  # None only while load_instrument collects the problems it then raises
    )


def check_instrument(ins: Instrument) -> list[tuple[str, str]]:
    """Cross-checks: every question has a rule, a step, and one area; the rest fits."""
    problems: list[tuple[str, str]] = []
    step_ids = {s.id for s in ins.steps}
    seen: set[str] = set()
    if {a.axis for a in ins.areas} != set(ins.axes):
        problems.append(("omraden", f"areas must cover exactly the axes {sorted(ins.axes)}"))
    if {"ledning", "verksamhet"} != set(ins.axes):
        problems.append(("axlar", "expected the axes ledning and verksamhet"))
    elif {k: v["riktning"] for k, v in ins.axes.items()} != {"ledning": "vertikal", "verksamhet": "horisontell"}:
        problems.append(("axlar", "the chart draws ledning vertically and verksamhet horizontally: riktning must say so"))
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
    if sorted(ins.kinds) != ["steg", "zon"] or not all(k.plural for k in ins.kinds.values()):
        problems.append(("slag", "expected the kinds steg and zon, each with its plural"))
    for s in ins.steps:
        if not ins.questions_of_step(s.id):
            problems.append((s.id, "no question informs this step"))
    if ins.reference is not None:
        for kind in sorted({p.typ for p in ins.reference.places.values()} - {t.id for t in ins.types}):
            problems.append(("typer", f"the list of municipalities and regions has {kind}, which is not a type"))
    return problems
