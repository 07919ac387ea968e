"""The page "Rättelse": what changed in an organisation's report since the version it was delivered.

A delivery report of an organisation whose package was delivered is either that package again
(its data as delivered: it shows the changes of the version it replaced, if any) or the next
version (its data differ from the latest delivered: it shows what changed since that one). The
values compared are the latest round's, from the delivery JSON: respondents, the two axes, the
quadrant, each area, each question's mean and the positions in the comparison groups, each shown
as the report shows it, with the reason such a value can change after a delivery.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import orjson

from .scoring import AXES, area_bounds, axis_bounds, question_bounds, round_year
from .text import percent_shown, swedish_date
from .views import quadrant_label, shown

WHY = {
    "respondenter": "Antalet svarande ändras när svaren i mätningen rättas.",
    "axel": "Axeln räknas fram ur områdena på den, som räknas ur de rättade svaren.",
    "kvadrant": "Kvadranten följer av de två axlarna.",
    "omrade": "Områdets poäng räknas fram ur de rättade svaren på dess frågor.",
    "fraga": "Medelvärdet räknas fram ur de rättade svaren på frågan.",
    "position": "Jämförelsegruppen är densamma som i den levererade rapporten; positionen ändras bara med organisationens egna värden.",
}


def _exact(x: float | None) -> Fraction | None:
    return None if x is None else Fraction(x).limit_denominator(100_000)


def _read(root: str, folder: str, slug: str) -> dict:
    return orjson.loads((Path(root) / folder / f"{slug}.json").read_bytes())


def versions_of(delivered: list, year: str) -> list[tuple[int, str, str]]:
    """(version, date, folder) of the packages delivered for the round year, oldest first."""
    return [(v, d, f) for y, v, d, f, _ in delivered if y == year]


def delivery_key(delivered: list | None, year: str, current_json_sha: str | None) -> list | None:
    """What, besides its data, an organisation's files depend on through its deliveries: the version
    its page "Rättelse" names as replaced (the latest delivered whose data are not the current ones:
    the same before and after the current data are delivered, so delivering renders nothing again),
    and the day shown as "Rättad" on its public page. `current_json_sha`: of its delivery JSON as the
    previous build wrote it (when that part is rendered anew, its data changed and so did its key)."""
    versions = [(v, d, sha) for y, v, d, _, sha in delivered or [] if y == year]
    if not versions:
        return None
    base = next((x for x in reversed(versions) if x[2] != current_json_sha), None)
    corrected = corrected_on(delivered, year)
    if base is None and corrected is None:  # delivered as it is, never corrected: its files show nothing of it
        return None
    return [base, corrected]


def corrected_on(delivered: list | None, year: str) -> str | None:
    """The day the year's package was last corrected (its latest version after the first), if it was."""
    versions = versions_of(delivered or [], year)
    return versions[-1][1] if len(versions) > 1 else None


def correction_view(ins, delivered: list | None, root: str, slug: str, current: dict) -> dict | None:
    """The page's content for this organisation's delivery report (`current`: its delivery JSON as
    this build writes it; `delivered`: its deliveries as Archive.by_slug lists them), or None when
    there is nothing to correct."""
    versions = versions_of(delivered or [], round_year(current["matningar"][-1]["datum"]))
    if not versions:
        return None
    version, date, folder = versions[-1]
    latest = _read(root, folder, slug)
    if _same(latest, current):  # the package as delivered: the page of the version it was
        if len(versions) < 2:
            return None
        base_version, base_date, base_folder = versions[-2]
        before, this_version = _read(root, base_folder, slug), version
    else:
        base_version, base_date, before, this_version = version, date, latest, version + 1
    rows = changes(ins, before, current)
    return {
        "version": this_version,
        "replaces": base_version,
        "replaced_date": base_date,
        "replaced_date_text": swedish_date(base_date),
        "rows": rows,
    }


def _same(a: dict, b: dict) -> bool:
    return orjson.dumps(a, option=orjson.OPT_SORT_KEYS) == orjson.dumps(b, option=orjson.OPT_SORT_KEYS)


def changes(ins, before: dict, after: dict) -> list[dict]:
    """Each shown value of the latest round that differs, in the report's order."""
    b, a = before["matningar"][-1], after["matningar"][-1]
    rows = []

    def add(what: str, old: str, new: str, why: str) -> None:
        if old != new:
            rows.append({"what": what, "before": old, "after": new, "why": WHY[why]})

    add("Antal svarande", str(b["respondenter"]), str(a["respondenter"]), "respondenter")
    for axis in AXES:
        add(
            ins.axes[axis]["kort"],
            shown(_exact(b["axlar"][axis]), axis_bounds(ins)),
            shown(_exact(a["axlar"][axis]), axis_bounds(ins)),
            "axel",
        )
    add("Kvadrant", quadrant_label(ins, b["kvadrant"]) or "–", quadrant_label(ins, a["kvadrant"]) or "–", "kvadrant")
    for area in ins.areas:
        bounds = area_bounds(ins, area.id)
        add(f"Område: {area.label}", shown(_exact(b["omraden"][area.id]), bounds), shown(_exact(a["omraden"][area.id]), bounds), "omrade")
    for q in ins.questions:
        bounds = question_bounds(ins, q.id)
        add(
            f"Fråga {q.number}: {q.text}",
            shown(_exact(b["fragor"][q.id]["medel"]), bounds),
            shown(_exact(a["fragor"][q.id]["medel"]), bounds),
            "fraga",
        )
    groups_before = {g["grupp"]: g for g in before.get("jamforelse", [])}
    for g in after.get("jamforelse", []):
        old = groups_before.get(g["grupp"], {})
        for key in g.get("andel_lagre", {}):
            label = _measure_label(ins, key)
            add(
                f"Andel lägre än er, {label} ({_group_label(ins, g['grupp'])})",
                _percent(old.get("andel_lagre", {}).get(key)),
                _percent(g["andel_lagre"][key]),
                "position",
            )
    return rows


def _percent(x: float | None) -> str:
    exact = _exact(x)
    return "–" if exact is None else percent_shown(exact) + " %"


def _measure_label(ins, key: str) -> str:
    if key in ins.axes:
        return ins.axes[key]["kort"].lower()
    return next((a.label for a in ins.areas if a.id == key), key)


def _group_label(ins, key: str) -> str:
    named = {"alla": "alla organisationer", "huvudgrupp": "huvudgruppen", "kommungrupp": "kommungruppen", "lan": "kommunerna i länet"}
    return named[key] if key in named else ins.type_of(key).plural
