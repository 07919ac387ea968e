"""The national follow-up as shown: one view of plain strings and numbers for the year's page and PDF."""

from __future__ import annotations

import hashlib
from collections import Counter
from fractions import Fraction

import orjson

from ..instrument import Instrument
from ..layout import NATIONAL_CHART_FILES
from ..scoring import AXES
from ..text import count, grouped, num, percent, swedish_date, the_count
from ..wording import words
from .breakdowns import area_section, change_section, county_section, graph_section, role_section
from .coverage import coverage_view, terms
from .coverage import tally_label as _tally_label
from .figures import MIN_SHARE, NationalReport
from .questions import RAMP, answer_section, cell, headline_section, headline_sentence, high_counts, step_section

# -- the report as shown ------------------------------------------------------------------------
#
# One view of plain strings and numbers, for the year's page and its PDF alike. The build keys
# page and the PDF on this value (`report_digest`), and both are drawn from it only, so the key
# cannot drift from what they show (the PDF's appendix is the instrument's and the method page's,
# which the build's code key covers).

NO_POINT = "Ingen punkt (svar saknas)"


def _signed(value: Fraction) -> str:
    text = num(value)
    return text if text.startswith("−") or text == num(0) else "+" + text


def _systematic_axes(ins: Instrument, quadrant: str) -> int:
    q = ins.quadrant_by_id(quadrant)
    return int(q.ledning) + int(q.verksamhet)


def _quadrant_section(ins: Instrument, report: NationalReport) -> dict:
    headers = [q.label for q in ins.quadrants] + [NO_POINT]
    sections = []
    for title, kinds in (
        ("", ("alla",)),
        ("Efter typ", ("typ",)),
        (f"Kommuner efter {report.grouping.edition}" if report.grouping else "", ("huvudgrupp", "grupp", "okand")),
    ):
        rows = []
        for t in report.tallies:
            if t.kind not in kinds or not t.members:  # a group nobody was measured in: the participation table says so
                continue
            shares = t.members >= MIN_SHARE
            rows.append(
                {
                    "label": _tally_label(ins, t, report.grouping),
                    "main": t.kind == "huvudgrupp",
                    "count": t.members,
                    "shares": shares,
                    "note": not shares and report.members >= MIN_SHARE,  # said once when all are few
                    "cells": [cell(n, t.members, shares) for n in t.quadrants.values()],
                }
            )
        if rows:
            sections.append({"title": title, "rows": rows})
    rows = [
        (_tally_label(ins, t, report.grouping), [t.quadrants[q.id] for q in ins.quadrants], t.quadrants[None])
        for t in report.tallies
        if t.members >= MIN_SHARE
    ]
    chart = (
        {
            "file": "kvadranter.svg",
            "title": f"Andel organisationer per kvadrant och grupp, {report.year}",
            "levels": list(zip(RAMP, (q.label for q in ins.quadrants))),
            "rows": rows,
        }
        if rows
        else None
    )
    return {"headers": headers, "sections": sections, "chart": chart, "small": any(not r["shares"] for s in sections for r in s["rows"])}


def _transition_section(ins: Instrument, report: NationalReport) -> dict:
    tr = report.transitions
    keys = [q.id for q in ins.quadrants] + [None]
    labels = {q.id: q.label for q in ins.quadrants} | {None: NO_POINT}
    rows = [
        {"label": labels[b], "cells": [tr.table.get((b, a), 0) for a in keys], "total": sum(tr.table.get((b, a), 0) for a in keys)}
        for b in keys
    ]
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
        medians.append({"label": ins.axes[axis]["etikett"], "count": len(values), "median": _signed(tr.median(axis)) if shown else None})
    return {
        "pairs": tr.pairs,
        "earlier": [{"year": y, "count": n} for y, n in tr.earlier_years.items()],
        "headers": [labels[k] for k in keys],
        "rows": rows,
        "totals": totals,
        "total": tr.pairs,
        "moves": {k: moves[k] for k in ("same", "up", "down", "across", "no_point")},
        "medians": medians,
    }


def _summary(ins: Instrument, report: NationalReport, coverage: dict, transitions: dict) -> list[str]:
    """The report's findings in a few sentences, for a reader who reads nothing else."""
    n = report.members
    types = ", ".join(f"{ins.type_of(t.key).label.lower()} {grouped(t.members)}" for t in report.tallies if t.kind == "typ")
    out = [f"{count(n, 'publicerad organisation', 'publicerade organisationer')} mättes {report.year} ({types})."]
    out += coverage["representative"][:-1]  # per type: took part, published, of how many, and the judgement
    everyone = report.tallies[0]
    best, worst = ins.quadrants[0], ins.quadrants[-1]
    if n >= MIN_SHARE:
        out.append(
            f"{percent(Fraction(everyone.quadrants[best.id], n))} % ({everyone.quadrants[best.id]}) ligger i kvadranten "
            f"{best.label.lower()} och {percent(Fraction(everyone.quadrants[worst.id], n))} % ({everyone.quadrants[worst.id]}) "
            f"i {worst.label.lower()}."
        )
    else:
        out.append(
            f"{everyone.quadrants[best.id]} ligger i kvadranten {best.label.lower()} och {everyone.quadrants[worst.id]} i "
            f"{worst.label.lower()}. Med färre än {MIN_SHARE} organisationer redovisas antal, inte andelar."
        )
    tr = transitions
    if tr["pairs"]:
        m = tr["moves"]
        moved = [f"{m['same']} ligger i samma kvadrant", f"{m['up']} har fler axlar med systematiskt samspel", f"{m['down']} färre"]
        if m["across"]:
            moved.append(f"{m['across']} har bytt det ena systematiska samspelet mot det andra")
        if m["no_point"]:
            moved.append(f"{m['no_point']} saknar punkt vid någon av mätningarna")
        out.append(
            f"{grouped(tr['pairs'])} av dem hade mätts ett tidigare år. Jämfört med den mätningen: "
            + ", ".join(moved[:-1])
            + " och "
            + moved[-1]
            + "."
        )
        shown = [x for x in tr["medians"] if x["median"] is not None]
        if shown:
            out.append(
                "Medianförändringen är " + " och ".join(f"{x['median']} för {x['label'][0].lower() + x['label'][1:]}" for x in shown) + "."
            )
    else:
        out.append("Ingen av dem hade mätts ett tidigare år, så det finns ingen förflyttning att redovisa.")
    said = headline_sentence(ins, report)
    if said:
        out.append(said)
    goals = next((q for q in ins.questions if q.rule == "ja_nej"), None)
    if goals is not None and n >= MIN_SHARE:
        high, answered = high_counts(ins, report, goals.id)
        if answered >= MIN_SHARE:
            out.append(
                f"Hos {percent(Fraction(high, answered))} % ({high}) svarade alla intervjuade ja på frågan om "
                f"{goals.short} (fråga {goals.number})."
            )
    return out


CHART_FILES = NATIONAL_CHART_FILES  # every chart a year's page may have: the layout's


def charts_of(view: dict) -> list[dict]:
    """The charts a view draws, each with its file name, title, levels and rows (distribution.distribution_svg)."""
    found = [
        view["graph"],
        view["quadrants"]["chart"],
        view["headline"]["chart"],
        *(g["chart"] for g in view["questions"]["groups"]),
        view["steps"]["chart"],
    ]
    return [c for c in found if c is not None]


def report_view(ins: Instrument, report: NationalReport, *, site_url: str | None) -> dict:
    """Everything the year's page and PDF show, as text and counts; JSON-serialisable (the PDF's key)."""
    quadrants = _quadrant_section(ins, report)
    transitions = _transition_section(ins, report)
    steps = step_section(ins, report)
    coverage = coverage_view(ins, report)
    return {
        "year": report.year,
        "title": f"Nationell uppföljning {report.year}",
        "members": report.members,
        "goals_step": next((s.label for q in ins.questions if q.rule == "ja_nej" for s in ins.steps if s.id == q.step), ""),
        "members_published": count(report.members, "publicerad organisation", "publicerade organisationer"),
        "members_text": the_count(report.members, "organisation", "organisationer"),
        "min_share": MIN_SHARE,
        "summary": _summary(ins, report, coverage, transitions),
        "participation": coverage,
        "terms": terms(ins, report),
        "quadrants": quadrants,
        "transitions": transitions,
        "headline": headline_section(ins, report),
        "graph": graph_section(ins, report),
        "changes": change_section(ins, report),
        "areas": area_section(ins, report),
        "counties": county_section(ins, report),
        "roles": role_section(ins, report),
        "questions": answer_section(ins, report),
        "steps": steps,
        "threshold": words(ins).threshold,
        "latest": report.latest,
        "latest_text": swedish_date(report.latest) if report.latest else None,
        "edition": report.grouping.edition if report.grouping else None,
        "site_url": site_url,
    }


def report_digest(view: dict) -> str:
    """Of the report as shown: what the year's page and PDF depend on besides the code."""
    return hashlib.sha256(orjson.dumps(view, option=orjson.OPT_SORT_KEYS)).hexdigest()
