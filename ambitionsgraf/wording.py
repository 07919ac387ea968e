"""The instrument's facts in the words a page, PDF or sheet uses for them.

Every figure and name a reader sees about the instrument itself (the scale's bounds, the axes'
names, the kinds of step, the points and weights of an answer, the threshold, the spread that
flags a question) is computed here from `Instrument`, so that no view or template writes one as a
literal: change content/instrument.yaml and every page says the new value. Templates reach these
as `words` (`words.axes.ledning.short`, `words.scale`).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from functools import cache

from .instrument import Area, Instrument, Labelled, Question
from .text import num, round_half_up

# The chart's two directions (instrument `riktning`), as Swedish names an axis by its direction.
_DIRECTION = {"vertikal": "lodräta", "horisontell": "vågräta"}

_NUMBER_WORDS = ("noll", "en", "två", "tre", "fyra", "fem", "sex", "sju", "åtta", "nio", "tio", "elva", "tolv")
_GRADES = {2: "tvågradig", 3: "tregradig", 4: "fyrgradig", 5: "femgradig", 6: "sexgradig", 7: "sjugradig"}


def number_word(n: int) -> str:
    """A small count as a word in running text ("två", "tre"), the figure itself from 13 on."""
    return _NUMBER_WORDS[n] if 0 <= n < len(_NUMBER_WORDS) else str(n)


# Our own words for what the answers do not give, the same on every page, PDF and sheet.
NO_POINT = "Ingen punkt (svar saknas)"  # a round (or a role) whose answers give no point in the chart
NO_STATUS = "Underlag saknas"  # a step, zone or question with too few answers for a status


@dataclass(frozen=True)
class AxisWords:
    key: str  # "ledning" or "verksamhet" (scoring.AXES)
    label: str  # "Samspel mellan inköpsfunktionen och ledningen"
    short: str  # "Samspel med ledningen": a column's heading, a value's name
    heading: str  # "Ledningen": a narrow column's heading
    direction: str  # "lodräta" / "vågräta": the axis as the chart draws it
    areas: tuple[str, ...]  # the labels of the areas it is computed from, in order
    areas_count: str  # how many, as a word ("tre")


@dataclass(frozen=True)
class Words:
    axes: dict[str, AxisWords]  # by key (scoring.AXES), in the instrument's order
    scale: str  # the answer scale's bounds, "1–4"
    scale_grades: str  # "fyrgradig"
    scale_low: str  # the labels of the scale's ends, "Instämmer inte alls" …
    scale_high: str
    dont_know: str  # "Vet ej"
    low: str  # the axes' ends, "Tillfälligt" and "Systematiskt"
    high: str
    threshold: str  # "2,5"
    spread_flag: str  # the spread that flags a question for a conversation, as a word ("två")
    areas_count: str  # how many areas, as a word ("fyra")
    kinds: dict[str, Labelled]  # "steg" / "zon" -> its names


@cache  # an Instrument hashes by identity: one Words per loaded instrument
def words(ins: Instrument) -> Words:
    values = [v for v, _ in ins.scale]
    return Words(
        axes={
            key: AxisWords(
                key,
                ins.axes[key]["etikett"],
                ins.axes[key]["kort"],
                ins.axes[key]["rubrik"],
                _DIRECTION[ins.axes[key]["riktning"]],
                tuple(a.label for a in ins.areas_of_axis(key)),
                number_word(len(ins.areas_of_axis(key))),
            )
            for key in ins.axes
        },
        scale=f"{min(values)}–{max(values)}",
        scale_grades=_GRADES.get(len(values), f"{len(values)}-gradig"),
        scale_low=ins.scale_label(min(values)),
        scale_high=ins.scale_label(max(values)),
        dont_know=ins.dont_know_label,
        low=ins.axis_ends[0],
        high=ins.axis_ends[1],
        threshold=exact(ins.threshold, 1),
        spread_flag=number_word(ins.spread_flag),
        areas_count=number_word(len(ins.areas)),
        kinds=dict(ins.kinds),
    )


def exact(value: Fraction, fewest: int = 0) -> str:
    """A weight as the instrument states it, never rounded (0,75, 0,5, 1): a rounded weight would
    state another rule. `fewest` decimals at least (1: "1,0" beside "0,5")."""
    decimals = fewest
    while round_half_up(value, decimals) != value and decimals < 12:  # a weight from YAML is a finite decimal
        decimals += 1
    return num(value, decimals)


def _bound(value: Fraction) -> str:
    """A bound of a range as a reader writes it: 1, 0,9, 3,9 (one decimal at most)."""
    return num(value, 1).removesuffix(",0")


def assumed(q: Question) -> str:
    """What a report prints where an answer without its option is scored with the default: never as if recorded."""
    if q.default_option is None:
        raise ValueError(f"{q.id} has no default option to assume")
    return f"antagen: {q.option(q.default_option).short}"


def _weights(q: Question) -> list[Fraction]:
    weighted = [o.weight for o in q.options if o.weight is not None]
    return weighted or [q.weight]


def _points(ins: Instrument, q: Question) -> list[int]:
    return [p for _, p in q.points] if q.points else [v for v, _ in ins.scale]


def area_range(ins: Instrument, area: Area) -> tuple[Fraction, Fraction]:
    """The least and the most one person's score for the area can be: each question at its least
    (most) points times its least (most) weight, summed, over the area's denominator."""
    low = sum((min(_weights(q)) * min(_points(ins, q)) for q in area.questions), Fraction(0))
    high = sum((max(_weights(q)) * max(_points(ins, q)) for q in area.questions), Fraction(0))
    return low / area.denominator, high / area.denominator


def range_text(low: Fraction, high: Fraction) -> str:
    """A reachable range as the method page and the national follow-up write it: "0,8–3,8"."""
    return f"{num(low)}–{num(high)}"


def axis_range(ins: Instrument, axis: str) -> tuple[Fraction, Fraction]:
    """The least and the most the axis can be: the mean of its areas' ranges."""
    ranges = [area_range(ins, a) for a in ins.areas_of_axis(axis)]
    return sum((lo for lo, _ in ranges), Fraction(0)) / len(ranges), sum((hi for _, hi in ranges), Fraction(0)) / len(ranges)


def fact_values(ins: Instrument) -> dict[str, str]:
    """Every figure of the instrument a content page may state, by the name it writes it with
    (`{{ instrument.NAME }}` in content/metod.md and content/sidor), as plain text: the threshold,
    the scale (its bounds and each point's label), vet ej, each status's minimum, the number of
    areas, each axis's number of areas and reachable range, and for each question its points
    (ja/nej), its options' weights, the spread of its answers and what a report prints for an
    assumed option."""
    said = words(ins)
    values = {"troskel": said.threshold, "skala": said.scale, "spridning_flagga": str(ins.spread_flag)}
    values |= {"skala.lagst": str(min(v for v, _ in ins.scale)), "skala.hogst": str(max(v for v, _ in ins.scale))}
    values |= {"skala.lagst.etikett": words(ins).scale_low, "skala.hogst.etikett": words(ins).scale_high}
    values |= {"vet_ej": ins.dont_know_label, "omraden": said.areas_count}
    values |= {f"status.{s.id}": exact(s.minimum, 1) for s in ins.statuses}
    for axis in ins.axes:
        low, high = axis_range(ins, axis)
        values |= {f"{axis}.omraden": said.axes[axis].areas_count, f"{axis}.lagst": _bound(low), f"{axis}.hogst": _bound(high)}
    for q in ins.questions:
        values |= {f"{q.id}.{key}": str(p) for key, p in q.points}
        values |= {f"{q.id}.{o.key}": exact(o.weight) for o in q.options if o.weight is not None}
        values[f"{q.id}.spridning"] = str(max(_points(ins, q)) - min(_points(ins, q)))
        if q.default_option:
            values[f"{q.id}.antagen"] = assumed(q)
    return values


def scale_note(ins: Instrument, q: Question) -> str:
    """How a question's answer scores, in a report's table cell: "ja = 3 poäng, nej = 0", "vikt 1",
    "vikt 0,5 för delar, 1 för hela" (each figure from the instrument)."""
    if q.rule == "ja_nej":
        return ", ".join(f"{k} = {p}" + (" poäng" if i == 0 else "") for i, (k, p) in enumerate(q.points))
    weighted = [(o.weight, o.short) for o in q.options if o.weight is not None]
    if weighted:
        return "vikt " + ", ".join(f"{exact(w)} för {short}" for w, short in weighted)
    return f"vikt {exact(q.weight)}" if q.rule == "viktad" else ""


def answer_text(ins: Instrument, q: Question) -> str:
    """How a question is answered and scored, in the method page's table: "Ja eller nej: ja = 3
    poäng, nej = 0 poäng", "Skalan 1–4, vikt efter omfattning: …", "Skalan 1–4"."""
    scale = f"Skalan {words(ins).scale}"
    if q.rule == "ja_nej":
        return " eller ".join(k for k, _ in q.points).capitalize() + ": " + ", ".join(f"{k} = {p} poäng" for k, p in q.points)
    if q.options and any(o.weight is not None for o in q.options):
        return (
            f"{scale}, vikt efter {q.extra}: "
            + ", ".join(f"{o.label} = {num(o.weight) if o.weight is None else exact(o.weight, 1)}" for o in q.options)
            + f" (anges inget: {q.option(q.default_option or '').label})"
        )
    if q.options:
        return (
            f"{scale}, vikt {exact(q.weight, 1)}; {q.extra} redovisas men påverkar inte poängen ("
            + ", ".join(o.label for o in q.options)
            + ")"
        )
    if q.rule == "viktad":
        return f"{scale}, vikt {exact(q.weight, 1)}"
    return scale
