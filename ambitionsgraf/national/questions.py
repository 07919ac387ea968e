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
from fractions import Fraction

from ..instrument import Instrument
from ..text import and_list, percent, question_numbers
from .figures import MIN_SHARE, NationalReport

RAMP = ("4", "3", "2", "1")
NUMBER_WORDS = {3: "tre", 4: "fyra", 5: "fem", 6: "sex"}  # "alla tre frågorna"
# Question 1 by the status rule: every, some or no respondent said ja (distribution.LEVEL_COLOURS has their colours).
YES_NO_LEVELS = (("ja", "Alla svarade ja"), ("nagra", "Några svarade ja"), ("nej", "Ingen svarade ja"))


def cell(n: int, total: int, shares: bool) -> dict:
    """A count, with its share of `total` when there are enough to speak of a share."""
    return {"count": n, "share": f"{percent(Fraction(n, total))} %" if shares and total else None}


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


def headline_section(ins: Instrument, report: NationalReport) -> dict:
    """Per area, each question's share "i hög grad" of the organisations that answered it."""
    shares = report.members >= MIN_SHARE
    step_label = {s.id: s.label for s in ins.steps}
    areas, chart_rows = [], []
    for area in ins.areas:
        rows = []
        for q in area.questions:
            high, answered = high_counts(ins, report, q.id)
            rows.append(
                {
                    "number": q.number,
                    "text": q.text,
                    "step": step_label[q.step],
                    "high": cell(high, answered, shares and answered >= MIN_SHARE),
                    "answered": answered,
                    "few": answered < MIN_SHARE <= report.members,
                }
            )
            chart_rows.append((f"{q.number}. {_capital(q.short)}", [high, answered - high], report.members - answered))
        areas.append({"title": f"{area.number}. {area.label}", "preamble": area.preamble, "rows": rows})
    chart = (
        {
            "file": "i-hog-grad.svg",
            "title": f"Andel organisationer som i hög grad har det frågan beskriver, {report.year}",
            "levels": [("4", "I hög grad"), ("1", "Inte i hög grad")],
            "rows": chart_rows,
        }
        if shares
        else None
    )
    return {"areas": areas, "chart": chart, "shares": shares, "top": ins.scale[0][1]}


def answer_section(ins: Instrument, report: NationalReport) -> dict:
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
            ident, levels, counts, missing = "ja-nej", YES_NO_LEVELS, [st[strongest], st[middle], st[weakest]], st[None]
        else:
            ident, levels = "skala", [(key, label) for key, label in d["levels"]]
            counts, missing = [d["counts"][key] for key, _ in levels], d["missing"]
        g = groups.setdefault(ident, {"id": ident, "levels": list(levels), "questions": []})
        g["questions"].append((q, counts, missing))
    out = []
    for ident, g in sorted(groups.items(), key=lambda kv: kv[0] != "skala"):  # the scale first: its tall chart opens a page
        numbers = question_numbers([q.number for q, _, _ in g["questions"]])
        rows = [
            {
                "number": q.number,
                "text": full_text(ins, q),
                "cells": [cell(n, report.members, shares) for n in counts],
                "missing": cell(missing, report.members, shares),
            }
            for q, counts, missing in g["questions"]
        ]
        chart = {
            "file": "fragor.svg" if ident == "skala" else "fragor-ja-nej.svg",
            "title": f"Andel organisationer per svar, {numbers}, {report.year}",
            "levels": g["levels"],
            "rows": [(f"{q.number}. {_capital(q.short)}", counts, missing) for q, counts, missing in g["questions"]],
        }
        out.append(
            {
                "id": ident,
                "heading": "Frågan om mål (ja eller nej)" if ident == "ja-nej" else "Svar på skalan",
                "numbers": numbers,
                "levels": [label for _, label in g["levels"]],
                "rows": rows,
                "chart": chart if shares else None,
            }
        )
    return {"groups": out, "shares": shares}


def step_section(ins: Instrument, report: NationalReport) -> dict:
    """Each step's and zone's status, with its rule and its questions' own shares beside it."""
    shares = report.members >= MIN_SHARE
    strongest = ins.statuses[0]
    groups = []
    for kind, title in ((k.id, k.plural) for k in ins.kinds.values()):
        rows: list[dict] = []
        for s in ins.steps:
            if s.kind != kind:
                continue
            counts = report.steps[s.id]
            questions = ins.questions_of_step(s.id)
            numbers = [q.number for q in questions]
            listed = and_list(map(str, numbers))
            rule = (
                f"{question_numbers(numbers)} {strongest.label.lower()}"
                if len(numbers) == 1
                else f"båda frågorna ({listed}) {strongest.label.lower()}"
                if len(numbers) == 2
                else f"alla {NUMBER_WORDS.get(len(numbers), str(len(numbers)))} frågorna ({listed}) {strongest.label.lower()}"
            )
            own = []
            for q in questions:
                high, answered = high_counts(ins, report, q.id)
                c = cell(high, answered, shares and answered >= MIN_SHARE)
                value = c["share"] if c["share"] is not None else c["count"]
                own.append(f"{q.number}:\u00a0{value}".replace(" %", "\u00a0%"))  # never "3: 0" and "%" on two lines
            rows.append(
                {
                    "number": len(rows) + 1,
                    "label": s.label,
                    "rule": _capital(rule),
                    "questions": ", ".join(own),
                    "cells": [cell(counts[st.id], report.members, shares) for st in ins.statuses],
                    "missing": cell(counts[None], report.members, shares),
                }
            )
        groups.append({"title": title, "rows": rows})
    steps = [s for s in ins.steps if s.kind == "steg"]
    chart = {
        "file": "steg.svg",
        "title": f"Andel organisationer per status i varje steg av ledningssystemet, {report.year}",
        "levels": list(zip(RAMP[:1] + RAMP[2:], (st.label for st in ins.statuses))),
        "rows": [
            (f"{i}. {s.label}", [report.steps[s.id][st.id] for st in ins.statuses], report.steps[s.id][None])
            for i, s in enumerate(steps, 1)
        ],
    }
    return {
        "statuses": [st.label for st in ins.statuses],
        "groups": groups,
        "chart": chart if shares else None,
        "shares": shares,
        "strongest": strongest.label,
    }


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
        "Steg i ledningssystemet jämförs inte med varandra, eftersom de har olika många frågor."
    )
