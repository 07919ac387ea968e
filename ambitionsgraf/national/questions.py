"""The follow-up's answers per question and the steps built from them, compared like with like.

The headline is per question, in the manner of the report's figure 4: the share of organisations
at the top of the scale ("i hög grad"), grouped by area. A step's share "på plats" is shown beside
its rule and beside its own questions' shares: under the weakest-of rule a step of three questions
is in place less often than any of its questions, so steps with different numbers of questions are
never ranked against each other.

Question 1 (goals, ja or nej) follows one rule throughout the follow-up, the status rule: in place,
and counted "i hög grad", when every respondent said ja; "några" when some did; none when nobody
did. (The overview pages' "ja when at least half said ja" is not used here, so that the answer
table and the step Styrdokument never disagree.)"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from ..instrument import Instrument, Question
from ..text import and_list, percent, question_numbers
from ..wording import NO_STATUS, number_word, words
from .figures import MIN_SHARE, NationalReport

RAMP = ("4", "3", "2", "1")  # the chart's colour keys, darkest first (distribution.LEVEL_COLOURS)
# Question 1 by the status rule: every, some or no respondent said yes (distribution.LEVEL_COLOURS has their colours).
YES_NO_KEYS = ("ja", "nagra", "nej")


@dataclass(frozen=True)
class Cell:
    """A count, with its share when there are enough to speak of a share."""

    count: int | None
    share: str | None


@dataclass(frozen=True)
class Chart:
    """A chart of the year's view, by its file name (distribution.distribution_svg; `kind` "graph": the ambition graph)."""

    file: str
    title: str
    levels: list[tuple[str, str]] = field(default_factory=list)  # (colour key, label)
    rows: list[tuple] = field(default_factory=list)  # (label, counts, missing)
    kind: str = "bars"
    points: list[tuple[float, float]] = field(default_factory=list)  # the graph's: (verksamhet, ledning)


def cell(n: int, total: int, shares: bool) -> Cell:
    """A count, with its share of `total` when there are enough to speak of a share."""
    return Cell(n, f"{percent(Fraction(n, total))} %" if shares and total else None)


def yes_no_levels(q: Question) -> list[tuple[str, str]]:
    """Question 1's levels by the status rule, in the question's own word for yes ("Alla svarade ja")."""
    yes = q.points[0][0]
    return list(zip(YES_NO_KEYS, (f"Alla svarade {yes}", f"Några svarade {yes}", f"Ingen svarade {yes}")))


def full_text(ins: Instrument, q) -> str:
    """A question as the report asks it: with its area's lead-in ("Inköpsfunktionen ansvarar för:")."""
    preamble = ins.area(q.area).preamble
    return f"{preamble} {q.text}" if preamble else q.text


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def high_counts(ins: Instrument, report: NationalReport, qid: str) -> tuple[int, int]:
    """(organisations "i hög grad" on the question, organisations with an answer): the question's
    status "på plats", which is a mean rounded to the top of the scale, or every respondent ja."""
    counts = report.question_statuses[qid]
    return counts[ins.statuses[0].id], report.members - counts[None]


@dataclass(frozen=True)
class HeadlineRow:
    number: int
    text: str
    step: str
    high: Cell  # "i hög grad", of those who answered
    answered: int
    few: bool  # too few answered for a share, in a year with enough organisations


@dataclass(frozen=True)
class HeadlineArea:
    title: str
    preamble: str | None
    rows: list[HeadlineRow]


@dataclass(frozen=True)
class Headline:
    areas: list[HeadlineArea]
    chart: Chart | None
    shares: bool
    top: str  # the scale's top label, "Instämmer i hög grad"


def headline_section(ins: Instrument, report: NationalReport) -> Headline:
    """Per area, each question's share "i hög grad" of the organisations that answered it."""
    shares = report.members >= MIN_SHARE
    step_label = {s.id: s.label for s in ins.steps}
    areas, chart_rows = [], []
    for area in ins.areas:
        rows = []
        for q in area.questions:
            high, answered = high_counts(ins, report, q.id)
            rows.append(
                HeadlineRow(
                    q.number,
                    q.text,
                    step_label[q.step],
                    cell(high, answered, shares and answered >= MIN_SHARE),
                    answered,
                    answered < MIN_SHARE <= report.members,
                )
            )
            chart_rows.append((f"{q.number}. {_capital(q.short)}", [high, answered - high], report.members - answered))
        areas.append(HeadlineArea(f"{area.number}. {area.label}", area.preamble, rows))
    chart = Chart(
        "i-hog-grad.svg",
        f"Andel organisationer som i hög grad har det frågan beskriver, {report.year}",
        [(RAMP[0], "I hög grad"), (RAMP[-1], "Inte i hög grad")],
        chart_rows,
    )
    return Headline(areas, chart if shares else None, shares, ins.scale[0][1])


@dataclass(frozen=True)
class AnswerRow:
    number: int
    text: str  # with its area's lead-in
    cells: list[Cell]  # one per level
    missing: Cell


@dataclass(frozen=True)
class AnswerGroup:
    id: str  # "skala" or "ja-nej"
    heading: str
    numbers: str  # "frågorna 2–19"
    levels: list[str]
    rows: list[AnswerRow]
    chart: Chart | None


@dataclass(frozen=True)
class Answers:
    groups: list[AnswerGroup]
    shares: bool


def _yes_no_heading(q: Question) -> str:
    """The yes-or-no question's table: "Frågan om mål (ja eller nej)", its answers as the instrument names them."""
    return f"Frågan om mål ({' eller '.join(k for k, _ in q.points)})"


def answer_section(ins: Instrument, report: NationalReport) -> Answers:
    """Per question the organisations at each answer level: the scale's questions in one table,
    question 1 in its own by the status rule (above), so a yes is never read as a level."""
    shares = report.members >= MIN_SHARE
    strongest, middle, weakest = (s.id for s in ins.statuses)
    groups: dict[str, dict] = {}
    levels: Sequence[tuple[str, str]]
    for d in report.questions:
        q = ins.question(d["id"])
        if q.rule == "ja_nej":
            st = report.question_statuses[q.id]
            ident, levels, counts, missing = "ja-nej", yes_no_levels(q), [st[strongest], st[middle], st[weakest]], st[None]
        else:
            ident, levels = "skala", [(key, label) for key, label in d["levels"]]
            counts, missing = [d["counts"][key] for key, _ in levels], d["missing"]
        g = groups.setdefault(ident, {"levels": list(levels), "questions": [], "heading": "Svar på skalan"})
        if ident == "ja-nej":
            g["heading"] = _yes_no_heading(q)
        g["questions"].append((q, counts, missing))
    out = []
    for ident, g in sorted(groups.items(), key=lambda kv: kv[0] != "skala"):  # the scale first: its tall chart opens a page
        numbers = question_numbers([q.number for q, _, _ in g["questions"]])
        rows = [
            AnswerRow(q.number, full_text(ins, q), [cell(n, report.members, shares) for n in counts], cell(missing, report.members, shares))
            for q, counts, missing in g["questions"]
        ]
        chart = Chart(
            "fragor.svg" if ident == "skala" else "fragor-ja-nej.svg",
            f"Andel organisationer per svar, {numbers}, {report.year}",
            g["levels"],
            [(f"{q.number}. {_capital(q.short)}", counts, missing) for q, counts, missing in g["questions"]],
        )
        out.append(AnswerGroup(ident, g["heading"], numbers, [label for _, label in g["levels"]], rows, chart if shares else None))
    return Answers(out, shares)


@dataclass(frozen=True)
class StepRow:
    number: int
    label: str
    rule: str  # when it is in place: "Båda frågorna (4 och 8) på plats"
    questions: str  # its questions' own shares "i hög grad"
    cells: list[Cell]  # one per status
    missing: Cell


@dataclass(frozen=True)
class StepGroup:
    title: str  # the kind's plural, "Ledningssystemets steg"
    rows: list[StepRow]


@dataclass(frozen=True)
class Steps:
    statuses: list[str]
    groups: list[StepGroup]
    chart: Chart | None
    shares: bool
    strongest: str  # "På plats"
    no_status: str = NO_STATUS  # the column of those without a status


def _rule(ins: Instrument, numbers: list[int]) -> str:
    """When a step is in place: every one of its questions is."""
    strongest, listed = ins.statuses[0].label.lower(), and_list(map(str, numbers))
    if len(numbers) == 1:
        return _capital(f"{question_numbers(numbers)} {strongest}")
    every = "båda" if len(numbers) == 2 else f"alla {number_word(len(numbers))}"
    return _capital(f"{every} frågorna ({listed}) {strongest}")


def _step_row(ins: Instrument, report: NationalReport, step, number: int, shares: bool) -> StepRow:
    counts = report.steps[step.id]
    questions = ins.questions_of_step(step.id)
    own = []
    for q in questions:
        high, answered = high_counts(ins, report, q.id)
        c = cell(high, answered, shares and answered >= MIN_SHARE)
        value = c.share if c.share is not None else c.count
        own.append(f"{q.number}:\u00a0{value}".replace(" %", "\u00a0%"))  # never "3: 0" and "%" on two lines
    return StepRow(
        number,
        step.label,
        _rule(ins, [q.number for q in questions]),
        ", ".join(own),
        [cell(counts[st.id], report.members, shares) for st in ins.statuses],
        cell(counts[None], report.members, shares),
    )


def step_section(ins: Instrument, report: NationalReport) -> Steps:
    """Each step's and zone's status, with its rule and its questions' own shares beside it."""
    shares = report.members >= MIN_SHARE
    groups = []
    for kind in ins.kinds.values():
        of_kind = [s for s in ins.steps if s.kind == kind.id]
        groups.append(StepGroup(kind.plural or kind.label, [_step_row(ins, report, s, i, shares) for i, s in enumerate(of_kind, 1)]))
    first = ins.kinds["steg"]  # the management system's steps (the instrument has the kinds steg and zon)
    steps = [s for s in ins.steps if s.kind == first.id]
    chart = Chart(
        "steg.svg",
        f"Andel organisationer per status i varje steg av {first.label.lower()}, {report.year}",
        list(zip(RAMP[:1] + RAMP[2:], (st.label for st in ins.statuses))),
        [(f"{i}. {s.label}", [report.steps[s.id][st.id] for st in ins.statuses], report.steps[s.id][None]) for i, s in enumerate(steps, 1)],
    )
    return Steps([st.label for st in ins.statuses], groups, chart if shares else None, shares, ins.statuses[0].label)


def headline_sentence(ins: Instrument, report: NationalReport) -> str | None:
    """The questions on the scale with the largest and the smallest share "i hög grad" (questions
    compare with questions: each is one answer on one scale), or None with too few to share."""
    if report.members < MIN_SHARE:
        return None
    found = []
    for q in ins.questions:
        high, answered = high_counts(ins, report, q.id)
        if q.rule != "ja_nej" and answered >= MIN_SHARE:
            found.append((Fraction(high, answered), q))
    if len(found) < 2:
        return None
    most, least = max(v for v, _ in found), min(v for v, _ in found)
    if most == least:
        return f"På varje fråga på skalan har {percent(most)} % av organisationerna i hög grad det frågan beskriver."

    def named(value: Fraction) -> str:
        qs = [q for v, q in found if v == value]
        if len(qs) > 3:  # a list of many questions' names says less than their number
            return f"{len(qs)} frågor ({percent(value)} % var)"
        return f"{question_numbers([q.number for q in qs])} ({and_list(q.short for q in qs)}, {percent(value)} %)"

    return (
        f"Störst andel som i hög grad har det frågan beskriver finns för {named(most)}, minst för {named(least)}. "
        f"Steg i {words(ins).kinds['steg'].label.lower()} jämförs inte med varandra, eftersom de har olika många frågor."
    )
