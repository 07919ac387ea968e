"""The national follow-up of one round year: the agency's report to the government.

Pure functions over the published organisations (whole results or their summaries), exact
like the scoring: counts, and changes as Fractions. Nothing here reads an unpublished
organisation, because the build never hands it one: the public site shows published
organisations only, so the follow-up, which is public, does too, and needs no further
privacy rule.

Who counts in year Y: every published organisation with a round dated in Y, once, with its
latest round that year (as on the overview pages). How it moved: its round in Y against its
latest round from an earlier year. Groups: the organisation's type, and for municipalities
SKR's municipality group (from the SCB code in the answer file), given as a `Grouping` so
the reference list stays outside this module.

A share of fewer than MIN_SHARE organisations is never shown, only the count, and no median
rests on fewer: one or two organisations would read as "50 %" or "100 %" of a group.

`year_report` computes the figures; `report_view` turns them into what the year's page and PDF
show, and `report_digest` keys both on it.
"""

from __future__ import annotations

import hashlib
import statistics
from collections import Counter
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Callable, Mapping

import orjson

from .instrument import Instrument
from .overview import Result, Round, question_distribution, select
from .scoring import AXES, details_public, question_status, step_statuses
from .text import num, percent, question_numbers, swedish_date

MIN_SHARE = 5


@dataclass(frozen=True)
class Grouping:
    """SKR's municipality groups: which one a municipality is in, and what they are called.

    `group_of` gets an organisation's identity (OrganisationInfo or Organisation) and gives its
    group's key ("A1"), or None when it cannot tell (no code); the build reads it from the
    reference list (site.grouping). A group's main group is the key's letter, as in SKR's own
    codes."""

    edition: str  # "SKR:s kommungruppsindelning 2023"
    applies_to: str  # the organisation type the groups divide (kommun)
    main_groups: Mapping[str, str]  # "A" -> its name, in SKR's order
    groups: Mapping[str, str]  # "A1" -> its name, in SKR's order
    group_of: Callable[[object], str | None]
    sizes: Mapping[str, int] = field(default_factory=dict)  # "A1" -> municipalities in the group (all, not only measured)


@dataclass(frozen=True)
class Tally:
    """One group of the year's organisations: how many, and how many sit in each quadrant."""

    key: str  # "alla", a type id, a main group "A", a group "A1", or "okand"
    kind: str  # "alla", "typ", "huvudgrupp", "grupp" or "okand"
    members: int
    quadrants: Mapping[str | None, int]  # quadrant id (None: no point) -> how many; every quadrant, then None
    size: int | None = None  # how many the group holds in the country (SKR groups only)


@dataclass(frozen=True)
class Transitions:
    """How the organisations measured in the year and in an earlier year moved."""

    pairs: int  # organisations with a round in the year and an earlier one
    earlier_years: Mapping[str, int]  # year of the earlier round -> how many, oldest first
    table: Mapping[tuple[str | None, str | None], int]  # (quadrant before, quadrant after) -> how many
    changes: Mapping[str, tuple[Fraction, ...]]  # axis -> every change (after − before) where both exist, sorted

    def median(self, axis: str) -> Fraction | None:
        values = self.changes[axis]
        return statistics.median(values) if values else None


@dataclass(frozen=True)
class NationalReport:
    year: str
    members: int
    tallies: tuple[Tally, ...]  # all, per type, then (with a grouping) per main group and group, and unknown
    transitions: Transitions
    questions: tuple[dict, ...]  # overview.question_distribution: per question, organisations per answer level
    steps: Mapping[str, Mapping[str | None, int]]  # step or zone -> status id (None: no answers) -> how many
    grouping: Grouping | None
    latest: str | None  # the latest date among the rounds counted


def years(published: list[Result]) -> list[str]:
    """The round years of the published organisations, oldest first: one report each."""
    return sorted({a.date[:4] for r in published for a in r.assessments})


def earlier_round(result: Result, year: str) -> Round | None:
    """The organisation's latest round from a year before `year`: the one its round in `year` is
    compared with. A second round within the same year is a redo, not a follow-up."""
    before = [a for a in result.assessments if a.date[:4] < year]
    return before[-1] if before else None


def _quadrants(ins: Instrument, rounds: list[Round]) -> dict[str | None, int]:
    counts: dict[str | None, int] = {q.id: 0 for q in ins.quadrants}
    counts[None] = 0
    for a in rounds:
        counts[a.overall.quadrant] += 1
    return counts


def _tallies(ins: Instrument, chosen: list[tuple[Result, Round]], grouping: Grouping | None) -> tuple[Tally, ...]:
    def tally(key: str, kind: str, rounds: list[Round], size: int | None = None) -> Tally:
        return Tally(key, kind, len(rounds), _quadrants(ins, rounds), size)

    out = [tally("alla", "alla", [a for _, a in chosen])]
    for t in ins.types:
        rounds = [a for r, a in chosen if r.organisation.type == t.id]
        if rounds:
            out.append(tally(t.id, "typ", rounds))
    if grouping is None:
        return tuple(out)
    grouped: dict[str | None, list[Round]] = {}
    for r, a in chosen:
        if r.organisation.type == grouping.applies_to:
            key = grouping.group_of(r.organisation)
            grouped.setdefault(key if key in grouping.groups else None, []).append(a)
    for main in grouping.main_groups:
        members = [k for k in grouping.groups if k[0] == main]
        size = sum(grouping.sizes[k] for k in members) if all(k in grouping.sizes for k in members) else None
        out.append(tally(main, "huvudgrupp", [a for k in members for a in grouped.get(k, [])], size))
        out += [tally(k, "grupp", grouped.get(k, []), grouping.sizes.get(k)) for k in members]
    if grouped.get(None):
        out.append(tally("okand", "okand", grouped[None]))
    return tuple(out)


def _transitions(chosen: list[tuple[Result, Round]], year: str) -> Transitions:
    table: Counter = Counter()
    earlier_years: Counter = Counter()
    changes: dict[str, list[Fraction]] = {axis: [] for axis in AXES}
    for r, now in chosen:
        before = earlier_round(r, year)
        if before is None:
            continue
        table[before.overall.quadrant, now.overall.quadrant] += 1
        earlier_years[before.date[:4]] += 1
        for axis in AXES:
            b, n = before.overall.axes[axis], now.overall.axes[axis]
            if b is not None and n is not None:
                changes[axis].append(n - b)
    return Transitions(sum(table.values()), dict(sorted(earlier_years.items())), dict(table),
                       {axis: _sorted(v) for axis, v in changes.items()})


def _sorted(values: list[Fraction]) -> tuple[Fraction, ...]:
    """Exactly as sorted(values), faster: two fractions whose denominators are below 2**20 differ by
    more than 2**-40, far more than a float's rounding near the scores, so their floats sort as
    they do (scores always qualify: their denominators are products of small counts)."""
    if all(v.denominator < 2**20 for v in values):
        return tuple(sorted(values, key=float))
    return tuple(sorted(values))


def _steps(ins: Instrument, rounds: list[Round]) -> dict[str, dict[str | None, int]]:
    """How many rounds have each step at each status, from the question means (all a summary has).

    Means take few distinct values (a handful of answers on a four-step scale), and a step's
    questions few combinations of statuses: each is worked out once (5× faster at 4 000
    organisations), by the scoring's own rules."""
    counts = {s.id: {**{st.id: 0 for st in ins.statuses}, None: 0} for s in ins.steps}
    qids = ins.question_ids
    of_step = [(s.id, tuple(qids.index(q.id) for q in ins.questions_of_step(s.id))) for s in ins.steps]
    question_memo: dict = {}
    step_memo: dict = {}
    for a in rounds:
        statuses = []
        shown = details_public(a.overall)  # one person's answers: counted as none (underlag saknas)
        for qid in qids:
            mean = a.questions[qid].mean if shown else None
            key = (qid, None) if mean is None else (qid, mean.numerator, mean.denominator)
            status = question_memo.get(key, question_memo)
            if status is question_memo:
                status = question_memo[key] = question_status(ins, qid, mean)
            statuses.append(status)
        for step, positions in of_step:
            key = (step, *(statuses[i] for i in positions))
            status = step_memo.get(key, step_memo)
            if status is step_memo:
                status = step_memo[key] = step_statuses(ins, dict(zip(qids, statuses)))[step]
            counts[step][status] += 1
    return counts


def year_report(ins: Instrument, published: list[Result], year: str, grouping: Grouping | None = None) -> NationalReport:
    """The follow-up of `year` over `published` (the caller hands published organisations only)."""
    if any(not r.organisation.published for r in published):
        raise ValueError("the national follow-up is public: it takes published organisations only")
    sel = select(published, None, year)
    chosen = list(sel.rounds)
    return NationalReport(
        year=year,
        members=len(chosen),
        tallies=_tallies(ins, chosen, grouping),
        transitions=_transitions(chosen, year),
        questions=tuple(question_distribution(ins, sel)),
        steps=_steps(ins, [a for _, a in chosen]),
        grouping=grouping,
        latest=max((a.date for _, a in chosen), default=None),
    )



# -- the report as shown ------------------------------------------------------------------------
#
# One view of plain strings and numbers, for the year's page and its PDF alike. The build keys
# page and the PDF on this value (`report_digest`), and both are drawn from it only, so the key
# cannot drift from what they show.

NO_POINT = "Ingen punkt (svar saknas)"
# Bars are coloured by the answer scale's ramp (charts.LEVEL_COLOURS), darkest first: the most
# systematic quadrant and the strongest status darkest. The categories are the chart's, not the scale's.
RAMP = ("4", "3", "2", "1")


def _cell(n: int, total: int, shares: bool) -> dict:
    """A count, with its share of `total` when there are enough to speak of a share."""
    return {"count": n, "share": f"{percent(Fraction(n, total))} %" if shares and total else None}


def _signed(value: Fraction) -> str:
    text = num(value)
    return text if text.startswith("−") or text == num(0) else "+" + text


def _systematic_axes(ins: Instrument, quadrant: str) -> int:
    q = ins.quadrant_by_id(quadrant)
    return int(q.ledning) + int(q.verksamhet)


def _tally_label(ins: Instrument, t: Tally, grouping: Grouping | None) -> str:
    if t.kind == "alla":
        return "Alla organisationer"
    if t.kind == "typ":
        return ins.type_of(t.key).label
    if t.kind == "huvudgrupp":
        return f"{t.key}. {grouping.main_groups[t.key]}"
    if t.kind == "grupp":
        return f"{t.key}. {grouping.groups[t.key]}"
    return f"{ins.type_of(grouping.applies_to).label} utan kod (okänd grupp)"


def _participation(ins: Instrument, report: NationalReport) -> dict:
    types = [{"label": ins.type_of(t.key).label, "count": t.members} for t in report.tallies if t.kind == "typ"]
    g = report.grouping
    if g is None:
        return {"types": types, "groups": None}
    rows = [{"label": _tally_label(ins, t, g), "main": t.kind == "huvudgrupp", "count": t.members,
             "of": None if t.size is None else f"{t.members} av {t.size}"}
            for t in report.tallies if t.kind in ("huvudgrupp", "grupp", "okand")]
    kind = ins.type_of(g.applies_to)
    return {"types": types, "groups": rows, "edition": g.edition, "kind": kind.plural,
            "counted": sum(t.members for t in report.tallies if t.kind == "typ" and t.key == g.applies_to)}


def _quadrant_section(ins: Instrument, report: NationalReport) -> dict:
    headers = [q.label for q in ins.quadrants] + [NO_POINT]
    sections = []
    for title, kinds in (("", ("alla",)), ("Efter typ", ("typ",)),
                         (f"Kommuner efter {report.grouping.edition}" if report.grouping else "", ("huvudgrupp", "grupp", "okand"))):
        rows = []
        for t in report.tallies:
            if t.kind not in kinds or not t.members:  # a group nobody was measured in: the participation table says so
                continue
            shares = t.members >= MIN_SHARE
            rows.append({"label": _tally_label(ins, t, report.grouping), "main": t.kind == "huvudgrupp", "count": t.members,
                         "shares": shares, "note": not shares and report.members >= MIN_SHARE,  # said once when all are few
                         "cells": [_cell(n, t.members, shares) for n in t.quadrants.values()]})
        if rows:
            sections.append({"title": title, "rows": rows})
    rows = [(_tally_label(ins, t, report.grouping), [t.quadrants[q.id] for q in ins.quadrants], t.quadrants[None])
            for t in report.tallies if t.members >= MIN_SHARE]
    chart = {"file": "kvadranter.svg", "title": f"Andel organisationer per kvadrant och grupp, {report.year}",
             "levels": list(zip(RAMP, (q.label for q in ins.quadrants))), "rows": rows} if rows else None
    return {"headers": headers, "sections": sections, "chart": chart,
            "small": any(not r["shares"] for s in sections for r in s["rows"])}


def _transition_section(ins: Instrument, report: NationalReport) -> dict:
    tr = report.transitions
    keys = [q.id for q in ins.quadrants] + [None]
    labels = {q.id: q.label for q in ins.quadrants} | {None: NO_POINT}
    rows = [{"label": labels[b], "cells": [tr.table.get((b, a), 0) for a in keys], "total": sum(tr.table.get((b, a), 0) for a in keys)}
            for b in keys]
    totals = [sum(tr.table.get((b, a), 0) for b in keys) for a in keys]
    moves = Counter()
    for (b, a), n in tr.table.items():
        if b is None or a is None:
            moves["no_point"] += n
        elif b == a:
            moves["same"] += n
        else:
            diff = _systematic_axes(ins, a) - _systematic_axes(ins, b)
            moves["up" if diff > 0 else "down" if diff < 0 else "across"] += n
    medians = []
    for axis in AXES:
        values = tr.changes[axis]
        shown = len(values) >= MIN_SHARE
        medians.append({"label": ins.axes[axis]["etikett"], "count": len(values),
                        "median": _signed(tr.median(axis)) if shown else None})
    return {"pairs": tr.pairs, "earlier": [{"year": y, "count": n} for y, n in tr.earlier_years.items()],
            "headers": [labels[k] for k in keys], "rows": rows, "totals": totals, "total": tr.pairs,
            "moves": {k: moves[k] for k in ("same", "up", "down", "across", "no_point")}, "medians": medians}


def _question_section(ins: Instrument, report: NationalReport) -> dict:
    """Per question the organisations at each answer level, one table (and chart) per kind of
    answer as on the overview pages (the scale, and yes or no), so a yes is never read as a level."""
    shares = report.members >= MIN_SHARE
    kinds: dict[tuple, list[dict]] = {}
    for d in report.questions:
        kinds.setdefault(tuple(d["levels"]), []).append(d)
    groups = []
    for levels, questions in kinds.items():
        ident = "ja-nej" if [key for key, _ in levels] == ["ja", "nej"] else "skala"
        rows = [{"number": d["number"], "text": d["text"],
                 "cells": [_cell(d["counts"][key], report.members, shares) for key, _ in levels],
                 "missing": _cell(d["missing"], report.members, shares)} for d in questions]
        chart = {"file": "fragor.svg" if ident == "skala" else "fragor-ja-nej.svg",
                 "title": f"Andel organisationer per svar, {question_numbers([d['number'] for d in questions])}, {report.year}",
                 "levels": list(levels),
                 "rows": [(f"{d['number']}. {d['text']}", [d["counts"][key] for key, _ in levels], d["missing"]) for d in questions]}
        groups.append({"id": ident, "heading": "Svar ja eller nej" if ident == "ja-nej" else "Svar på skalan",
                       "numbers": question_numbers([d["number"] for d in questions]),
                       "levels": [label for _, label in levels], "rows": rows, "chart": chart if shares else None})
    return {"groups": groups, "shares": shares}


def _step_section(ins: Instrument, report: NationalReport) -> dict:
    shares = report.members >= MIN_SHARE
    strongest = ins.statuses[0]
    groups = []
    for kind, title in (("steg", "Ledningssystemets steg"), ("zon", "Inköpsprocessens zoner, roller och mandat")):
        rows = []
        for s in ins.steps:
            if s.kind != kind:
                continue
            counts = report.steps[s.id]
            rows.append({"number": len(rows) + 1, "label": s.label,
                         "cells": [_cell(counts[st.id], report.members, shares) for st in ins.statuses],
                         "missing": _cell(counts[None], report.members, shares)})
        groups.append({"title": title, "rows": rows})
    steps = [s for s in ins.steps if s.kind == "steg"]
    chart = {"file": "steg.svg", "title": f"Andel organisationer per status i varje steg av ledningssystemet, {report.year}",
             "levels": list(zip(RAMP[:1] + RAMP[2:], (st.label for st in ins.statuses))),
             "rows": [(f"{i}. {s.label}", [report.steps[s.id][st.id] for st in ins.statuses], report.steps[s.id][None])
                      for i, s in enumerate(steps, 1)]}
    return {"statuses": [st.label for st in ins.statuses], "groups": groups, "chart": chart if shares else None,
            "shares": shares, "strongest": strongest.label}


def _summary(ins: Instrument, report: NationalReport, transitions: dict, steps: dict) -> list[str]:
    """The report's findings in a few sentences, for a reader who reads nothing else."""
    n = report.members
    types = ", ".join(f"{ins.type_of(t.key).label.lower()} {t.members}" for t in report.tallies if t.kind == "typ")
    out = [f"{n} {'publicerad organisation' if n == 1 else 'publicerade organisationer'} mättes {report.year} ({types})."]
    g = report.grouping
    if g is not None and g.sizes:
        measured = sum(t.members for t in report.tallies if t.kind == "typ" and t.key == g.applies_to)
        out.append(f"{measured} av landets {sum(g.sizes.values())} kommuner ingår.")
    everyone = report.tallies[0]
    best, worst = ins.quadrants[0], ins.quadrants[-1]
    if n >= MIN_SHARE:
        out.append(f"{percent(Fraction(everyone.quadrants[best.id], n))} % ({everyone.quadrants[best.id]}) ligger i kvadranten "
                   f"{best.label.lower()} och {percent(Fraction(everyone.quadrants[worst.id], n))} % ({everyone.quadrants[worst.id]}) "
                   f"i {worst.label.lower()}.")
    else:
        out.append(f"{everyone.quadrants[best.id]} ligger i kvadranten {best.label.lower()} och {everyone.quadrants[worst.id]} i "
                   f"{worst.label.lower()}. Med färre än {MIN_SHARE} organisationer redovisas antal, inte andelar.")
    tr = transitions
    if tr["pairs"]:
        m = tr["moves"]
        moved = [f"{m['same']} ligger i samma kvadrant", f"{m['up']} har fler axlar med systematiskt samspel", f"{m['down']} färre"]
        if m["across"]:
            moved.append(f"{m['across']} har bytt det ena systematiska samspelet mot det andra")
        if m["no_point"]:
            moved.append(f"{m['no_point']} saknar punkt vid någon av mätningarna")
        out.append(f"{tr['pairs']} av dem hade mätts ett tidigare år. Jämfört med den mätningen: "
                   + ", ".join(moved[:-1]) + " och " + moved[-1] + ".")
        shown = [x for x in tr["medians"] if x["median"] is not None]
        if shown:
            out.append("Medianförändringen är " + " och ".join(f"{x['median']} för {x['label'][0].lower() + x['label'][1:]}" for x in shown) + ".")
    else:
        out.append("Ingen av dem hade mätts ett tidigare år, så det finns ingen förflyttning att redovisa.")
    if n >= MIN_SHARE:
        rows = steps["groups"][0]["rows"]  # the management system's steps, in cycle order
        counts = [r["cells"][0]["count"] for r in rows]
        if max(counts) != min(counts):
            def named(at: int) -> tuple[str, str]:
                found = [r for r in rows if r["cells"][0]["count"] == at]
                names = [r["label"][0].lower() + r["label"][1:] for r in found]
                return (names[0] if len(names) == 1 else ", ".join(names[:-1]) + " och " + names[-1]), found[0]["cells"][0]["share"]
            (most, most_share), (least, least_share) = named(max(counts)), named(min(counts))
            out.append(f"I ledningssystemet har flest organisationer {most} {steps['strongest'].lower()} ({most_share}), "
                       f"färst {least} ({least_share}).")
    return out


CHART_FILES = ("kvadranter.svg", "fragor-ja-nej.svg", "fragor.svg", "steg.svg")  # every chart a year's page may have


def charts_of(view: dict) -> list[dict]:
    """The charts a view draws, each with its file name, title, levels and rows (charts.distribution_svg)."""
    found = [view["quadrants"]["chart"], *(g["chart"] for g in view["questions"]["groups"]), view["steps"]["chart"]]
    return [c for c in found if c is not None]


def report_view(ins: Instrument, report: NationalReport, *, site_url: str | None) -> dict:
    """Everything the year's page and PDF show, as text and counts; JSON-serialisable (the PDF's key)."""
    quadrants = _quadrant_section(ins, report)
    transitions = _transition_section(ins, report)
    steps = _step_section(ins, report)
    return {
        "year": report.year,
        "title": f"Nationell uppföljning {report.year}",
        "members": report.members,
        "min_share": MIN_SHARE,
        "summary": _summary(ins, report, transitions, steps),
        "participation": _participation(ins, report),
        "quadrants": quadrants,
        "transitions": transitions,
        "questions": _question_section(ins, report),
        "steps": steps,
        "threshold": num(ins.threshold),
        "latest": report.latest,
        "latest_text": swedish_date(report.latest) if report.latest else None,
        "edition": report.grouping.edition if report.grouping else None,
        "site_url": site_url,
    }


def report_digest(view: dict) -> str:
    """Of the report as shown: what the year's page and PDF depend on besides the code."""
    return hashlib.sha256(orjson.dumps(view, option=orjson.OPT_SORT_KEYS)).hexdigest()
