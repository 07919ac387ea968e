"""Property tests: whatever happens to a valid answer file, validation answers.

Mutations of a valid file (keys dropped, duplicated, retyped, reordered;
raw YAML oddities; random bytes; truncation) must never raise: the result is
always either an organisation and no problems, or no organisation and at
least one problem, each on a real line with a field. And reordering keys or
rounds of a valid file never changes what it means.
"""

from __future__ import annotations

import datetime
import random
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ambitionsgraf.answers import parse_organisation

ROOT = Path(__file__).resolve().parent.parent
SHOWN = "orgs/testby.yaml"

SETTINGS = settings(max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

BASE = {
    "namn": "Testby kommun",
    "typ": "kommun",
    "publicerad": True,
    "matningar": [
        {
            "datum": datetime.date(2023, 5, 10),
            "kommentar": "Andra omgången; ny inköpsstrategi antagen.",
            "respondenter": [
                {
                    "roll": "inkopschef",
                    "kommentar": "Kategoriteam för IT är igång.",
                    "svar": {
                        "v1_mal": "ja",
                        "v1_matt": 3,
                        "v1_plan": 4,
                        "v2_hallbarhet": "vet_ej",
                        "v3_uppfoljning": {"svar": 3, "omfattning": "delar"},
                        "v3_rapportering": {"svar": 4, "frekvens": "kvartal"},
                        "h_nojdhet": 2,
                    },
                },
                {
                    "roll": "verksamhet",
                    "svar": {"v1_mal": "nej", "v3_rapportering": 2, "h_forbereda": 1, "h_nojdhet": "vet_ej"},
                },
            ],
        },
        {
            "datum": datetime.date(2021, 10, 14),
            "respondenter": [{"roll": "politisk_ledning", "svar": {"v1_mal": "ja", "v1_matt": 2, "v3_juridik": 4}}],
        },
    ],
}


def dump(data) -> bytes:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, default_flow_style=False).encode("utf-8")


def parse(ins, data: bytes):
    return parse_organisation(ins, Path(SHOWN), data, SHOWN)


def check_outcome(ins, data: bytes):
    """Never raises; an organisation with no problems, or problems and nothing else."""
    org, problems = parse(ins, data)
    if org is not None:
        assert problems == []
    else:
        assert problems, "no organisation, yet no problem reported"
    last_line = data.count(b"\n") + data.count(b"\r") + 1
    for p in problems:
        assert p.path == SHOWN
        assert 1 <= p.line <= last_line, p
        assert p.field and p.message, p
        assert "\n" not in str(p) and "\r" not in str(p), p
    return org, problems


def essence(org):
    """What a file means, without where it says it (line numbers)."""
    return (
        org.slug,
        org.name,
        org.type,
        org.published,
        tuple((a.date, a.comment, tuple((r.role, r.answers, r.dont_know, r.comment) for r in a.respondents)) for a in org.assessments),
    )


def test_the_base_file_is_valid(instrument):
    org, problems = parse(instrument, dump(BASE))
    assert problems == [] and [a.date.year for a in org.assessments] == [2021, 2023]


# -- paths into the data ----------------------------------------------------------


def paths(data, prefix=()):
    """Every (container path, key or index) in the nested data."""
    found = []
    if isinstance(data, dict):
        for k, v in data.items():
            found.append((prefix, k))
            found += paths(v, prefix + (k,))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            found.append((prefix, i))
            found += paths(v, prefix + (i,))
    return found


def at(data, path):
    for step in path:
        data = data[step]
    return data


def copy(data):
    if isinstance(data, dict):
        return {k: copy(v) for k, v in data.items()}
    if isinstance(data, list):
        return [copy(v) for v in data]
    return data


ALL_PATHS = paths(BASE)
MAPPING_PATHS = [p for p in [()] + [pre + (k,) for pre, k in ALL_PATHS] if isinstance(at(BASE, p), dict)]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-10, 10),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.dates(),
    st.sampled_from(["yes", "no", "on", "off", "1:30", "1e400", "vet_ej", "ja", "nej", "3", "2,5", "~", "", "2023-02-30"]),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner, max_size=4)),
    max_leaves=10,
)

# Raw text written in place of a value: what YAML reads in surprising ways, or
# what a hand or a paste can put there.
RAW_TOKENS = [
    "yes",
    "No",
    "on",
    "OFF",
    "y",
    "1:30",
    "1_0",
    "0x3",
    "0o3",
    "1e400",
    ".inf",
    ".NaN",
    "-0",
    "+3",
    "03",
    "3.0",
    "2,5",
    "~",
    "null",
    "''",
    '""',
    "'3'",
    "[3]",
    "{}",
    "{svar: 3}",
    "[",
    "{",
    "]",
    "}",
    '"open',
    "'open",
    "|",
    ">",
    "|-\n  3",
    "&a 3",
    "*a",
    "&a",
    "!!python/object/apply:os.system [echo hi]",
    "!!str 3",
    "!x 3",
    "! 3",
    "@x",
    "`x`",
    "%x",
    "- 3",
    "? x",
    ": x",
    "a: b",
    "# comment",
    "3 # comment",
    "3#x",
    "\t3",
    "3\t",
    "\u00a03",
    "vet ej",
    "Ja",
    "2023-02-30",
    "2023-5-1",
    "9" * 50,
    "x" * 2000,
    "\x00",
    "\x1b",
    "\ufeff",
    "\u2028",
    "é",
    "\U0001f600",
]


# -- mutations: never an exception ------------------------------------------------


@SETTINGS
@given(st.data())
def test_dropping_a_key_or_item(instrument, data):
    doc = copy(BASE)
    prefix, key = data.draw(st.sampled_from(ALL_PATHS))
    del at(doc, prefix)[key]
    check_outcome(instrument, dump(doc))


@SETTINGS
@given(st.data(), values)
def test_replacing_a_value_with_anything(instrument, data, value):
    doc = copy(BASE)
    prefix, key = data.draw(st.sampled_from(ALL_PATHS))
    at(doc, prefix)[key] = value
    check_outcome(instrument, dump(doc))


@SETTINGS
@given(st.data(), st.text(max_size=20), values)
def test_adding_a_key_anywhere(instrument, data, key, value):
    doc = copy(BASE)
    path = data.draw(st.sampled_from(MAPPING_PATHS))
    at(doc, path)[key] = value
    check_outcome(instrument, dump(doc))


def _lines(doc) -> list[str]:
    return dump(doc).decode("utf-8").splitlines(keepends=True)


@SETTINGS
@given(st.data())
def test_duplicating_a_line(instrument, data):
    lines = _lines(BASE)
    i = data.draw(st.integers(0, len(lines) - 1))
    j = data.draw(st.integers(0, len(lines)))
    lines.insert(j, lines[i])
    org, problems = check_outcome(instrument, "".join(lines).encode())
    if j == i + 1 and ":" in lines[i].strip(" -") and not lines[i].strip().startswith("- "):
        assert org is None and any("given twice" in p.message for p in problems), problems


@SETTINGS
@given(st.data(), st.sampled_from(RAW_TOKENS))
def test_writing_raw_text_as_a_value(instrument, data, token):
    lines = _lines(BASE)
    keyed = [i for i, line in enumerate(lines) if ": " in line]
    i = data.draw(st.sampled_from(keyed))
    head = lines[i].split(": ", 1)[0]
    lines[i] = f"{head}: {token}\n"
    check_outcome(instrument, "".join(lines).encode("utf-8"))


@SETTINGS
@given(st.data(), st.binary(min_size=1, max_size=20))
def test_inserting_random_bytes(instrument, data, junk):
    raw = dump(BASE)
    i = data.draw(st.integers(0, len(raw)))
    check_outcome(instrument, raw[:i] + junk + raw[i:])


@SETTINGS
@given(st.data())
def test_truncating_anywhere(instrument, data):
    raw = dump(BASE)
    i = data.draw(st.integers(0, len(raw)))
    check_outcome(instrument, raw[:i])


@settings(max_examples=200, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=300))
def test_random_bytes(instrument, junk):
    check_outcome(instrument, junk)


# -- reordering never changes the meaning -------------------------------------------


def shuffled(data, rnd: random.Random, rounds: bool):
    """Every mapping's keys in a random order; the rounds too, when asked."""
    if isinstance(data, dict):
        items = list(data.items())
        rnd.shuffle(items)
        return {k: shuffled(v, rnd, rounds) if k != "matningar" else shuffled_rounds(v, rnd, rounds) for k, v in items}
    if isinstance(data, list):
        return [shuffled(v, rnd, rounds) for v in data]
    return data


def shuffled_rounds(rounds_list, rnd: random.Random, rounds: bool):
    items = [shuffled(v, rnd, rounds) for v in rounds_list]
    if rounds:
        rnd.shuffle(items)
    return items


NORRVIK = yaml.safe_load((ROOT / "orgs" / "norrvik.yaml").read_text(encoding="utf-8"))


@settings(max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.randoms(use_true_random=False), st.booleans(), st.sampled_from(["base", "norrvik"]))
def test_reordering_keys_and_rounds_keeps_the_meaning(instrument, rnd, rounds, which):
    original = BASE if which == "base" else NORRVIK
    org, problems = parse(instrument, dump(original))
    assert problems == []
    reordered, problems = parse(instrument, dump(shuffled(original, rnd, rounds)))
    assert problems == []
    assert essence(reordered) == essence(org)
