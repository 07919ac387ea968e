"""The comparison section of a delivery report, from the comparisons as shown (peergroups.ShownComparison)."""

from __future__ import annotations

from typing import Any

from .charts import ChartSpec, Marker
from .instrument import Instrument
from .peergroups import MIN_GROUP, ShownComparison
from .scoring import AXES, OrganisationResult
from .text import and_list, count
from .views import _point


def comparison_view(ins: Instrument, result: OrganisationResult, groups: list[ShownComparison]) -> dict:
    """Position per axis and area against each comparison group, in words and numbers: drawn from
    the shown form only, which is what the build keys the delivery PDF on.

    One table holds every group shown (a column each: "76 %", "lägst", "högst"), with a key
    naming each group in full; charts are drawn for the widest and the narrowest group shown
    only, so five groups take two pages, not five. A group too small to show is one sentence.
    A group of the same organisations as one before it (every other organisation measured that
    year is of the same type) is said once, with the earlier group.
    """
    entries: list[dict] = []
    for g in groups:
        same_key = (g.size, g.shown, [[p.kind, p.key, p.percent, p.compared] for p in g.positions], g.points_digest, g.pooled)
        same = next((e for e in entries if e["same_key"] == same_key), None)
        if same:
            same["same_as"].append(g.label)
            continue
        entry: dict[str, Any] = {
            "label": g.label,
            "short": g.short,
            "size": g.size,
            "shown": g.shown,
            "minimum": MIN_GROUP,
            "pooled": g.pooled,
            "edition": g.edition,
            "same_as": [],
            "same_key": same_key,
        }
        if g.shown:
            # "–": no value to compare; "lägst"/"högst" rather than 0 % or 100 %
            shown_as = {None: "–", "0": "lägst", "100": "högst"}
            entry["cells"] = {p.key: shown_as.get(p.percent, f"{p.percent} %") for p in g.positions}
            entry["measures"] = _group_rows(ins, result, g, entry["cells"])
            latest = result.latest.overall
            markers = tuple(Marker(x, y, "", "peer") for x, y in g.points or ())
            p = _point(latest)
            if p:
                markers += (Marker(p[0], p[1], result.organisation.name, "current"),)
            entry["chart"] = ChartSpec(
                f"Ambitionsgrafen: {result.organisation.name} bland {g.label} (de publicerade som anonyma punkter)", markers
            )
        entries.append(entry)
    for entry in entries:
        also = and_list(entry["same_as"])
        entry["same_note"] = f"Jämförelsen med {also} ger samma siffror och samma punkter." if entry["same_as"] else ""
        # `size` counts the organisations the privacy rule lets this report compare with, never the
        # unpublished ones it hides: so "som kan jämföras", never "ingen annan mättes".
        if not entry["shown"] and entry["size"] == 0 and entry["same_as"]:
            entry["text"] = "Det finns ingen annan organisation som kan jämföras med mätning samma år, så jämförelserna visas inte."
        elif not entry["shown"]:
            others = (
                "ingen annan organisation" if entry["size"] == 0 else count(entry["size"], "annan organisation", "andra organisationer")
            )
            entry["text"] = (
                f"Jämförelsen med {entry['label']} visas inte: gruppen har {others} som kan jämföras, och det behövs minst {MIN_GROUP}."
            )
            if entry["same_as"]:
                entry["text"] += f" Detsamma gäller jämförelsen med {also}."
    shown = [e for e in entries if e["shown"]]
    rows = []
    if shown:
        for kind, key in [("axis", axis) for axis in AXES] + [("area", a.id) for a in ins.areas]:
            label = ins.axes[key]["etikett"] if kind == "axis" else f"{ins.area(key).number}. {ins.area(key).label}"
            rows.append({"label": label, "cells": [e["cells"][key] for e in shown]})
    charted = shown[:1] + shown[-1:] if len(shown) > 1 else shown
    return {"groups": entries, "shown": shown, "rows": rows, "charted": charted, "hidden": [e for e in entries if not e["shown"]]}


def _group_rows(ins: Instrument, result: OrganisationResult, g: ShownComparison, cells: dict) -> list[dict]:
    """One group as Kolada shows it, a row per axis and area: the organisation's value, its position
    (share of the others below, and its quarter), and the published others' median, lowest and highest
    value with their number ("–" where fewer than MIN_GROUP have one)."""
    from .scoring import area_bounds, axis_bounds
    from .views import shown

    own = result.latest.overall
    rows = []
    for p in g.positions:
        if p.kind == "axis":
            label, value = ins.axes[p.key]["etikett"], shown(own.axes[p.key], axis_bounds(ins))
        else:
            label, value = f"{ins.area(p.key).number}. {ins.area(p.key).label}", shown(own.areas[p.key], area_bounds(ins, p.key))
        median, low, high, n = p.spread or ("–", "–", "–", None)
        rows.append(
            {
                "label": label,
                "value": value,
                "position": cells[p.key],
                "quarter": p.quarter or "–",
                "median": median,
                "range": "–" if p.spread is None else f"{low}–{high}",
                "published": "–" if n is None else n,
            }
        )
    return rows
