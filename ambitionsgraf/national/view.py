"""The national follow-up as shown: one view of plain strings and numbers for the year's page and PDF."""

from __future__ import annotations

import hashlib
from collections import Counter
from fractions import Fraction

import orjson

from ..instrument import Instrument
from ..scoring import AXES
from ..text import count, num, the_count, percent, question_numbers, swedish_date
from .coverage import coverage_view, terms
from .coverage import tally_label as _tally_label
from .figures import MIN_SHARE, NationalReport

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


def _summary(ins: Instrument, report: NationalReport, coverage: dict, transitions: dict, steps: dict) -> list[str]:
    """The report's findings in a few sentences, for a reader who reads nothing else."""
    n = report.members
    types = ", ".join(f"{ins.type_of(t.key).label.lower()} {t.members}" for t in report.tallies if t.kind == "typ")
    out = [f"{count(n, 'publicerad organisation', 'publicerade organisationer')} mättes {report.year} ({types})."]
    out += coverage["representative"][:-1]  # per type: took part, published, of how many, and the judgement
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
    coverage = coverage_view(ins, report)
    return {
        "year": report.year,
        "title": f"Nationell uppföljning {report.year}",
        "members": report.members,
        "members_text": the_count(report.members, "organisation", "organisationer"),
        "min_share": MIN_SHARE,
        "summary": _summary(ins, report, coverage, transitions, steps),
        "participation": coverage,
        "terms": terms(ins, report),
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
