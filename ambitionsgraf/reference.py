"""Sweden's municipalities and regions (content/kommuner.csv) as frozen data, checked when loaded.

An organisation's answer file may give SCB's code (`kod`); its county and SKR group are read
from here, never typed. The list is data like the instrument: `content/kommuner.yaml` says
which edition it is and what it must hold, and loading fails with `file:line: field: …` when
the two disagree or a row is malformed.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from .problems import ContentError, Problem, read_yaml
from .text import name_key

KINDS = ("kommun", "region")
COLUMNS = ("kod", "namn", "typ", "lanskod", "lan", "kommungrupp_kod", "kommungrupp")
CODE_FORMAT = {"kommun": re.compile(r"[0-9]{4}"), "region": re.compile(r"[0-9]{2}")}
_GROUP = re.compile(r"([ABC])[1-9]")


@dataclass(frozen=True)
class Place:
    """A municipality or a region, as SCB codes it and SKR groups it."""

    kod: str  # "0114" for a municipality, "01" for a region
    namn: str  # SCB's short name ("Upplands Väsby"); a region's own name ("Region Stockholm")
    typ: str  # "kommun" or "region"
    lanskod: str  # "01"
    lan: str  # "Stockholms län"
    kommungrupp_kod: str | None  # "A2"; None for a region
    kommungrupp: str | None  # "Pendlingskommun nära storstad"; None for a region
    huvudgrupp: str | None  # "A", "B" or "C"; None for a region


@dataclass(frozen=True, eq=False)
class Reference:
    """Every municipality and region by code, and which editions the list follows."""

    places: Mapping[str, Place]  # by code, in the file's order
    codes_edition: str  # "SCB:s kommun- och länskoder 2025-01-01"
    codes_source: str
    grouping_edition: str  # "SKR:s kommungruppsindelning 2023"
    grouping_source: str
    main_groups: Mapping[str, str]  # "A" -> its name
    groups: Mapping[str, str]  # "A1" -> its name, in SKR's order
    other_names: Mapping[str, tuple[str, ...]]  # code -> names besides SCB's (for matching names only)

    def get(self, code: str | None) -> Place | None:
        return self.places.get(code) if code is not None else None

    def match_name(self, name: str, kind: str) -> tuple[Place, ...]:
        """The places of `kind` an organisation's name may denote: one when unambiguous, several
        when it could be any of them, none when it is no municipality or region ("Norrviks
        kommun"). Compared without case, "kommun", "stad", "Region", "län" or a genitive s, so
        that "Stockholms stad" is Stockholm (0180) and "Region Gotland" is 09."""
        if kind not in KINDS:
            return ()
        hint, keys = _name_keys(name)
        if hint not in (None, kind):
            return ()
        found = {p.kod: p for key in sorted(keys) for p in self._index.get((kind, key), ())}
        base = _base(name)
        exact = [p for p in found.values() if base in self._bases[p.kod]]
        return tuple(exact or found.values())

    def _names(self, place: Place) -> tuple[str, ...]:
        return (place.namn,) + tuple(self.other_names.get(place.kod, ()))

    @cached_property
    def _index(self) -> dict[tuple[str, str], list[Place]]:
        """(kind, a form of a name) -> the places going by it, in the file's order."""
        index: dict[tuple[str, str], list[Place]] = {}
        for p in self.places.values():
            for key in sorted(frozenset().union(*(_name_keys(n)[1] for n in self._names(p)))):
                index.setdefault((p.typ, key), []).append(p)
        return index

    @cached_property
    def _bases(self) -> dict[str, frozenset[str]]:
        return {p.kod: frozenset(_base(n) for n in self._names(p)) for p in self.places.values()}

    def code_for_name(self, name: str, kind: str) -> tuple[str | None, str | None]:
        """The code `new` and `import` write into a new answer file, and what to say about it: a
        code only when the name denotes one place unambiguously; nothing said when it denotes none."""
        matches = self.match_name(name, kind)
        if len(matches) == 1:
            return matches[0].kod, f'kod "{matches[0].kod}" from the name: {self.describe(matches[0])}'
        if matches:
            could = " or ".join(f'{p.namn} ("{p.kod}")' for p in matches)
            return None, f"no kod: the name could be {could}; add the right one by hand"
        return None, None

    def describe(self, place: Place) -> str:
        """The place in one line, for messages: Stockholm (kommun 0180, Stockholms län, A1 Storstäder)."""
        group = f", {place.kommungrupp_kod} {place.kommungrupp}" if place.kommungrupp_kod else ""
        return f"{place.namn} ({place.typ} {place.kod}, {place.lan}{group})"


# -- names ------------------------------------------------------------------------------------

_PREFIXES = (("region ", "region"),)
_SUFFIXES = ((" kommun", "kommun"), (" stad", "kommun"), ("regionen", "region"), (" län", "region"))


def _fold(name: str) -> str:
    """The name's identity key, with a dash between words read as a space ("Upplands-Bro", "Upplands Bro")."""
    return " ".join(re.sub(r"[-‐‑–—]", " ", name_key(name)).split())


def _base(name: str) -> str:
    return _strip(_fold(name))[1]


def _strip(text: str) -> tuple[str | None, str]:
    """The kind a name's words announce ("Region …", "… kommun"), and the name without them."""
    hint = None
    for prefix, kind in _PREFIXES:
        if text.startswith(prefix):
            text, hint = text[len(prefix) :], kind
    for suffix, kind in _SUFFIXES:
        if text.endswith(suffix) and len(text) > len(suffix):
            text, hint = text[: -len(suffix)].rstrip(), hint or kind
            break
    return hint, text


def _name_keys(name: str) -> tuple[str | None, frozenset[str]]:
    """A name's kind hint and the forms it is compared in: as written and without a genitive s."""
    hint, base = _strip(_fold(name))
    keys = {base}
    if base.endswith("s") and len(base) > 2:
        keys.add(base[:-1])
    return hint, frozenset(keys)


# -- loading ----------------------------------------------------------------------------------


def load_reference(meta_path: Path) -> Reference:
    """Read content/kommuner.yaml and the CSV it names; raise ContentError naming every problem."""
    shown = str(meta_path)
    meta = read_yaml(meta_path, "file")
    try:
        expected = _Expected(meta)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ContentError([Problem(shown, 1, "file", f"malformed: {exc!r}")]) from exc
    csv_path = meta_path.parent / expected.file
    try:
        text = csv_path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ContentError([Problem(str(csv_path), 1, "file", f"cannot be read: {exc}")]) from exc
    places, problems = _read_places(str(csv_path), text, expected)
    problems += _check_others(shown, expected, places)
    if problems:
        raise ContentError(problems)
    return Reference(
        places=places,
        codes_edition=expected.codes_edition,
        codes_source=expected.codes_source,
        grouping_edition=expected.grouping_edition,
        grouping_source=expected.grouping_source,
        main_groups=expected.main_groups,
        groups={k: name for k, (name, _) in expected.groups.items()},
        other_names=expected.other_names,
    )


class _Expected:
    """What kommuner.yaml says the CSV holds."""

    def __init__(self, meta: dict):
        self.file = str(meta["fil"])
        self.counts = {k: int(meta["antal"][k]) for k in KINDS}
        self.codes_edition = str(meta["koder"]["utgava"])
        self.codes_source = str(meta["koder"]["kalla"])
        grouping = meta["kommungrupper"]
        self.grouping_edition = str(grouping["utgava"])
        self.grouping_source = str(grouping["kalla"])
        self.main_groups = {str(k): str(v) for k, v in grouping["huvudgrupper"].items()}
        self.groups = {str(k): (str(v["namn"]), int(v["antal"])) for k, v in grouping["grupper"].items()}
        self.other_names = {str(k): tuple(str(n) for n in v) for k, v in (meta.get("andra_namn") or {}).items()}
        if "/" in self.file or self.file.startswith("."):
            raise ValueError(f"fil must name a file beside kommuner.yaml, got {self.file!r}")


def _read_places(shown: str, text: str, expected: _Expected) -> tuple[dict[str, Place], list[Problem]]:
    problems: list[Problem] = []
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows or tuple(rows[0]) != COLUMNS:
        return {}, [
            Problem(shown, 1, "header", f"expected the columns {','.join(COLUMNS)}, got {','.join(rows[0]) if rows else 'an empty file'}")
        ]
    places: dict[str, Place] = {}
    counties: dict[str, tuple[str, int]] = {}  # county code -> its name, and the first line giving it
    names: dict[tuple[str, str], int] = {}
    for line, row in enumerate(rows[1:], start=2):

        def problem(field: str, message: str, line: int = line) -> None:
            problems.append(Problem(shown, line, field, message))

        if len(row) != len(COLUMNS):
            problem("row", f"expected {len(COLUMNS)} fields, got {len(row)}")
            continue
        kod, namn, typ, lanskod, lan, group_code, group = (v.strip() for v in row)
        if (kod, namn, typ, lanskod, lan, group_code, group) != tuple(row):
            problem("row", "a field begins or ends with a space")
            continue
        if typ not in KINDS:
            problem("typ", f"expected kommun or region, got {typ!r}")
            continue
        if not CODE_FORMAT[typ].fullmatch(kod):
            problem("kod", f"expected {'four' if typ == 'kommun' else 'two'} digits for a {typ}, got {kod!r}")
            continue
        if kod in places:
            problem("kod", f"{kod} is given twice (also {places[kod].namn})")
            continue
        county_ok = kod[:2] == lanskod
        if not county_ok:
            problem("lanskod", f"expected the code's first two digits ({kod[:2]}), got {lanskod!r}")
        if not namn:
            problem("namn", "empty")
        elif (typ, namn) in names:
            problem("namn", f"{namn} is the name of another {typ} too (line {names[typ, namn]})")
        names.setdefault((typ, namn), line)
        if not lan.endswith(" län"):
            problem("lan", f"expected a county's name ending in ' län', got {lan!r}")
        elif county_ok and lanskod in counties and counties[lanskod][0] != lan:
            problem("lan", f"county {lanskod} is {counties[lanskod][0]} on line {counties[lanskod][1]}, here {lan}")
        elif county_ok:
            counties.setdefault(lanskod, (lan, line))
        main = None
        if typ == "region":
            if group_code or group:
                problem("kommungrupp_kod", "a region has no SKR group; leave both group columns empty")
                group_code = group = ""
        elif group_code not in expected.groups:
            problem("kommungrupp_kod", f"expected one of {', '.join(expected.groups)}, got {group_code!r}")
        elif group != expected.groups[group_code][0]:
            problem("kommungrupp", f"{group_code} is '{expected.groups[group_code][0]}' in {expected.grouping_edition}, got '{group}'")
        else:
            main = group_code[0]
        places[kod] = Place(kod, namn, typ, lanskod, lan, group_code or None, group or None, main)
    return places, problems


def _check_others(shown: str, expected: _Expected, places: dict[str, Place]) -> list[Problem]:
    """What holds across rows: the counts kommuner.yaml gives, one region per county with municipalities."""
    problems = []
    for kind in KINDS:
        n = sum(1 for p in places.values() if p.typ == kind)
        if n != expected.counts[kind]:
            problems.append(Problem(shown, 1, f"antal.{kind}", f"the list holds {n}, expected {expected.counts[kind]}"))
    for code, (name, n) in expected.groups.items():
        m = _GROUP.fullmatch(code)
        if not m or m[1] not in expected.main_groups:
            problems.append(
                Problem(
                    shown,
                    1,
                    f"kommungrupper.grupper.{code}",
                    f"expected a code A1–C9 under a main group ({', '.join(expected.main_groups)})",
                )
            )
        found = sum(1 for p in places.values() if p.kommungrupp_kod == code)
        if found != n:
            problems.append(Problem(shown, 1, f"kommungrupper.grupper.{code}", f"{name}: the list holds {found}, expected {n}"))
    municipal_counties = {p.lanskod for p in places.values() if p.typ == "kommun"}
    region_counties = {p.lanskod for p in places.values() if p.typ == "region"}
    for county in sorted(municipal_counties ^ region_counties):
        problems.append(
            Problem(
                shown, 1, "fil", f"county {county} has {'no region' if county in municipal_counties else 'a region but no municipality'}"
            )
        )
    for code in expected.other_names:
        if code not in places:
            problems.append(Problem(shown, 1, f"andra_namn.{code}", "no such code in the list"))
    return problems
