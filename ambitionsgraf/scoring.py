"""Scoring exactly as the appendix and SPEC.md define it. Pure functions, no I/O.

All arithmetic is exact (integer sums, then Fractions) so that a mean of exactly
2,5 is at the threshold and results do not depend on the order of respondents.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction

from .answers import Assessment, Organisation, Respondent
from .instrument import Instrument

AXES = ("ledning", "verksamhet")


@dataclass(frozen=True)
class GroupScore:
    """Area scores, axes and quadrant for a set of respondents (all, or one role)."""

    respondents: int
    areas: Mapping[str, Fraction | None]
    axes: Mapping[str, Fraction | None]
    quadrant: str | None


# A round answered by one person is never published per area, question or step: that would be the
# person's own answers. The public site, its JSON and open data, the overview's and the national
# follow-up's distributions show such a round's point and quadrant only (the method page says so);
# the delivery package keeps everything.
MIN_RESPONDENTS_FOR_DETAILS = 2


def details_public(overall: GroupScore) -> bool:
    """Whether a round's values per area, question and step may be published (`overall`: its GroupScore)."""
    return overall.respondents >= MIN_RESPONDENTS_FOR_DETAILS


@dataclass(frozen=True)
class QuestionResult:
    mean: Fraction | None
    spread: int | None
    answered: int
    missing: int
    dont_know: int
    points_by_role: Mapping[str, tuple[int, ...]]  # in respondent order within each role
    status: str | None
    # For a question with options (omfattning, frekvens): the option beside each of those points as the
    # answer file gives it, None where it gives none (a bare number: the score then assumes the
    # question's default, which a report must say is assumed, never show as recorded). Empty otherwise.
    options_by_role: Mapping[str, tuple[str | None, ...]]


def round_year(date: str) -> str:
    """The year a round belongs to: the year of its date (YYYY-MM-DD). The national follow-up, the
    comparisons and the deliveries all group rounds by it."""
    return date[:4]


@dataclass(frozen=True)
class AssessmentResult:
    date: str
    overall: GroupScore
    roles: Mapping[str, GroupScore]  # only roles that answered, in instrument order
    questions: Mapping[str, QuestionResult]
    steps: Mapping[str, str | None]  # step or zone id -> status id, None when no answers
    missing: Mapping[str, int]  # question id -> respondents without a usable answer (only > 0)
    incomplete_areas: Mapping[str, int]  # area id -> respondents without a value for it (only > 0)

    @property
    def year(self) -> str:
        return round_year(self.date)


@dataclass(frozen=True)
class OrganisationResult:
    organisation: Organisation
    assessments: tuple[AssessmentResult, ...]  # oldest first

    @property
    def latest(self) -> AssessmentResult:
        return self.assessments[-1]


# -- summaries: what is read across organisations ----------------------------------------
#
# Comparisons and the national pages read every organisation, but only its identity, the
# dates, the overall scores, each role's scores and each question's mean. A build passes these
# summaries between processes (and caches them) instead of whole results; a summary has no
# respondents, answers or per-question detail, so code that needs those cannot be handed one by mistake.


@dataclass(frozen=True)
class OrganisationInfo:
    slug: str
    name: str
    type: str
    published: bool
    path: str
    code: str | None = None  # SCB's code, as the answer file gives it


@dataclass(frozen=True)
class QuestionMean:
    mean: Fraction | None


@dataclass(frozen=True)
class RoundSummary:
    date: str
    overall: GroupScore
    questions: Mapping[str, QuestionMean]
    # Each role's area scores, axes and quadrant (no answers): for the national follow-up's results
    # per role, which it shows aggregated over at least five published organisations only.
    roles: Mapping[str, GroupScore] = field(default_factory=dict)

    @property
    def year(self) -> str:
        return round_year(self.date)


@dataclass(frozen=True)
class OrganisationSummary:
    organisation: OrganisationInfo
    assessments: tuple[RoundSummary, ...]  # oldest first

    @property
    def latest(self) -> RoundSummary:
        return self.assessments[-1]


def summarise(result: OrganisationResult) -> OrganisationSummary:
    o = result.organisation
    return OrganisationSummary(
        OrganisationInfo(o.slug, o.name, o.type, o.published, o.path, o.code),
        tuple(
            RoundSummary(a.date, a.overall, {qid: QuestionMean(q.mean) for qid, q in a.questions.items()}, dict(a.roles))
            for a in result.assessments
        ),
    )


def mean(values: Iterable[Fraction]) -> Fraction | None:
    values = list(values)
    return sum(values, Fraction(0)) / len(values) if values else None


# Sums are kept in integers until a mean is taken: an answer's `weighted` is points × weight
# in units of 1/ins.weight_scale, so a respondent's area score is a whole number of units of
# 1/(weight_scale × denominator), and a mean of n of them is one exact Fraction.


def _area_sum(area, respondent: Respondent) -> int | None:
    """Σ(weight × points) in units of 1/weight_scale, only when every question in the area is answered."""
    answers = respondent._by_question
    total = 0
    for q in area.questions:
        answer = answers[q.id]
        if answer is None:
            return None
        total += answer.weighted
    return total


def _at_least(value: Fraction, bound: Fraction) -> bool:
    """value >= bound, by cross-multiplying (denominators are positive): Fraction's own comparison is slow."""
    return value.numerator * bound.denominator >= bound.numerator * value.denominator


def is_systematic(ins: Instrument, value: Fraction | None) -> bool | None:
    return None if value is None else _at_least(value, ins.threshold)


def quadrant_of(ins: Instrument, axes: Mapping[str, Fraction | None]) -> str | None:
    ledning, verksamhet = axes["ledning"], axes["verksamhet"]
    if ledning is None or verksamhet is None:
        return None
    return ins.quadrant(_at_least(ledning, ins.threshold), _at_least(verksamhet, ins.threshold)).id


def group_score(ins: Instrument, respondents: tuple[Respondent, ...], area_sums: dict[int, tuple] | None = None) -> GroupScore:
    """Area means over the respondents who have a value; `area_sums` (by id of respondent, in area order) saves recomputing."""
    sums = area_sums or {id(r): tuple(_area_sum(a, r) for a in ins.areas) for r in respondents}
    areas: dict[str, Fraction | None] = {}
    for i, a in enumerate(ins.areas):
        known = [v for r in respondents if (v := sums[id(r)][i]) is not None]
        areas[a.id] = Fraction(sum(known), ins.weight_scale * a.denominator * len(known)) if known else None
    axes: dict[str, Fraction | None] = {}
    for axis in AXES:
        values = [areas[a.id] for a in ins.areas_of_axis(axis)]
        known_values = [v for v in values if v is not None]
        axes[axis] = mean(known_values) if len(known_values) == len(values) else None
    return GroupScore(len(respondents), areas, axes, quadrant_of(ins, axes))


def question_status(ins: Instrument, qid: str, mean_points: Fraction | None) -> str | None:
    """på plats / delvis / utvecklingsområde from the mean; ja/nej by how many said ja.

    The mean alone decides, so that a summary (which keeps question means, not answers) gives
    the same status as the whole result: every ja/nej answer is worth the ja or the nej points,
    so the mean is the ja points exactly when everyone said ja, and the nej points when nobody did.
    """
    if mean_points is None:
        return None
    strongest, middle, weakest = (s.id for s in ins.statuses)
    q = ins.question(qid)
    if q.rule == "ja_nej":
        points = dict(q.points)
        return strongest if mean_points == points["ja"] else weakest if mean_points == points["nej"] else middle
    return next(s.id for s in ins.statuses if _at_least(mean_points, s.minimum))


def status_rule(ins: Instrument, qid: str) -> tuple[tuple[str, Fraction | None, bool], ...]:
    """question_status's rule for one question as data, strongest status first: (status, bound,
    strict); a mean's status is the first whose bound it reaches (mean ≥ bound, or > where strict;
    None: any mean). For the browser, which classifies by it (selfassessment.instrument_data);
    tests/test_selfassessment.py checks it against question_status for every reachable mean."""
    q = ins.question(qid)
    if q.rule == "ja_nej":
        points = dict(q.points)
        strongest, middle, weakest = (s.id for s in ins.statuses)
        return ((strongest, Fraction(points["ja"]), False), (middle, Fraction(points["nej"]), True), (weakest, None, False))
    return tuple((s.id, s.minimum, False) for s in ins.statuses)


def reserved_by(ins: Instrument, quadrant: str | None, question_means: Mapping[str, Fraction | None]) -> tuple[str, ...]:
    """The questions that keep a quadrant's label from standing alone: where the quadrant is the one
    the instrument reserves (`forbehall`), the questions of the required step that are not in place
    (unanswered included), in instrument order; empty when the label stands alone.

    From question means only, so that a summary (search, lists) says what the report says."""
    r = ins.reservation
    if r is None or quadrant != r.quadrant:
        return ()
    in_place = ins.statuses[0].id
    return tuple(q.id for q in ins.questions_of_step(r.step) if question_status(ins, q.id, question_means.get(q.id)) != in_place)


def step_statuses(ins: Instrument, question_statuses: Mapping[str, str | None]) -> dict[str, str | None]:
    """Every step's and zone's status from its questions' statuses."""
    return {s.id: weakest_status(ins, [question_statuses[q.id] for q in ins.questions_of_step(s.id)]) for s in ins.steps}


@dataclass(frozen=True)
class Bounds:
    """Where a value's class changes: it is classified by value ≥ t for each t in `at_least` and by
    value > t for each t in `above`. What shows the value rounded must keep it on the same sides
    (text.num_on_side), so that the number a reader sees never contradicts its class."""

    at_least: tuple[Fraction, ...] = ()
    above: tuple[Fraction, ...] = ()


def axis_bounds(ins: Instrument) -> Bounds:
    """An axis is systematic at or above the threshold (is_systematic)."""
    return Bounds((ins.threshold,))


def area_bounds(ins: Instrument, area_id: str) -> Bounds:
    """An area is classified only when it alone makes up its axis (the area is then the axis's value)."""
    area = ins.area(area_id)
    return axis_bounds(ins) if len(ins.areas_of_axis(area.axis)) == 1 else Bounds()


def question_bounds(ins: Instrument, qid: str) -> Bounds:
    """The bounds question_status classifies a question's mean by: each status's minimum; for a ja/nej
    question, all said ja (the mean is the ja points) and some did (the mean is above the nej points)."""
    q = ins.question(qid)
    if q.rule == "ja_nej":
        points = dict(q.points)
        return Bounds((Fraction(points["ja"]),), (Fraction(points["nej"]),))
    return Bounds(tuple(s.minimum for s in ins.statuses))


def unanswered_cap(ins: Instrument) -> str:
    """The best status a step can have while one of its questions has no answer: the middle level."""
    return ins.statuses[1].id


def weakest_status(ins: Instrument, statuses: list[str | None]) -> str | None:
    """A step is in place only when all of it is: a question nobody could answer caps it (unanswered_cap)."""
    order = [s.id for s in ins.statuses]
    known = [s for s in statuses if s is not None]
    if not known:
        return None
    if len(known) < len(statuses):
        known.append(unanswered_cap(ins))
    return max(known, key=order.index)


def score_assessment(ins: Instrument, assessment: Assessment) -> AssessmentResult:
    respondents = assessment.respondents
    questions: dict[str, QuestionResult] = {}
    for q in ins.questions:
        given = [(r.role, a.points, a.option) for r in respondents if (a := r._by_question[q.id]) is not None]
        points = [p for _, p, _ in given]
        by_role: dict[str, tuple[int, ...]] = {}
        options_by_role: dict[str, tuple[str | None, ...]] = {}
        for role in ins.roles:
            got = tuple(p for rid, p, _ in given if rid == role.id)
            if got:
                by_role[role.id] = got
                if q.options:
                    options_by_role[role.id] = tuple(o for rid, _, o in given if rid == role.id)
        q_mean = Fraction(sum(points), len(points)) if points else None
        questions[q.id] = QuestionResult(
            mean=q_mean,
            spread=(max(points) - min(points)) if points else None,
            answered=len(points),
            missing=len(respondents) - len(points),
            dont_know=sum(1 for r in respondents if q.id in r.dont_know),
            points_by_role=by_role,
            status=question_status(ins, q.id, q_mean),
            options_by_role=options_by_role,
        )
    steps = step_statuses(ins, {qid: r.status for qid, r in questions.items()})
    area_sums = {id(r): tuple(_area_sum(a, r) for a in ins.areas) for r in respondents}
    roles = {
        role.id: group_score(ins, members, area_sums)
        for role in ins.roles
        if (members := tuple(r for r in respondents if r.role == role.id))
    }
    incomplete = {a.id: n for i, a in enumerate(ins.areas) if (n := sum(1 for r in respondents if area_sums[id(r)][i] is None))}
    return AssessmentResult(
        date=assessment.date.isoformat(),
        overall=group_score(ins, respondents, area_sums),
        roles=roles,
        questions=questions,
        steps=steps,
        missing={qid: r.missing for qid, r in questions.items() if r.missing},
        incomplete_areas=incomplete,
    )


def score_organisation(ins: Instrument, org: Organisation) -> OrganisationResult:
    return OrganisationResult(org, tuple(score_assessment(ins, a) for a in org.assessments))


PRIORITY_LIMIT = 3  # steps or zones a report and the self-assessment page put first


def priorities(ins: Instrument, steps: Mapping[str, str | None], limit: int = PRIORITY_LIMIT) -> list[str]:
    """Up to `limit` steps or zones not in place: weakest status first, then instrument order."""
    order = [s.id for s in ins.statuses]
    in_place = order[0]
    candidates = [s for s in ins.steps if steps.get(s.id) not in (None, in_place)]
    candidates.sort(key=lambda s: (-order.index(steps[s.id] or in_place), s.order))  # never None: filtered above
    return [s.id for s in candidates[:limit]]
