"""Answer-file text (orgs/*.yaml): the only writer of it.

`build.py new` (the commented template), `build.py import` (new files, and
rounds inserted into existing ones), the tests' and the benchmark's generated
files all write their answer files here. The self-assessment page cannot run
Python, so it writes the same text in JavaScript (answerFile in
templates/assets/sjalvskattning.js); tests/test_answerfile.py fills that page in
Chromium and checks its download byte for byte against `answer_file`.

The format (SPEC.md, "Answer files"), as written here:

    # comment lines, if any
    namn: "Norrviks kommun"
    typ: kommun
    kod: "0114"                         # if any: SCB's code, always quoted
    publicerad: false
    matningar:
      # a note on the round, if any
      - datum: 2026-03-01
        kommentar: "…"                  # if any
        respondenter:
          - roll: inkopschef
            kommentar: "…"              # if any
            svar:                       # `svar: {}` when nothing was answered
              v1_mal: ja
              v1_matt: 3
              v3_uppfoljning: {svar: 3, omfattning: delar}
              h_nojdhet: vet_ej

Free text (namn, kommentar) and the code (kod) are always double-quoted with
text.quote, so any name or comment reads back as exactly what was given, and a
code never as a number. Everything else is a
token (a type, role, question id, ja, nej, vet_ej, an option key, a number) and
is written plain, as a person writes it; a value that is no token is quoted.
The writer does not judge values: the validator (answers.py) does, so tests
can write a wrong answer through it and see it reported.
"""

from __future__ import annotations

import datetime
import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from .instrument import Instrument
from .text import ISO_DATE, one_line, quote, yaml_comment
from .wording import words

Value = int | str
Answer = Value | Mapping[str, Value]  # 3, "ja", "vet_ej", {"svar": 3, "omfattning": "delar"}

# The first line of a file downloaded from the self-assessment page (the script writes the same line).
SELF_ASSESSMENT_HEADER = "Självskattning gjord på webbplatsen Ambitionsgrafen: en persons svar, skapade i webbläsaren."
# The name the page writes when none was given (the script's DEFAULT_NAME): `build.py import` refuses it.
SELF_ASSESSMENT_DEFAULT_NAME = "Min organisation"

_TOKEN = re.compile(r"[-+]?[A-Za-z0-9_][A-Za-z0-9_.+-]*")


@dataclass(frozen=True)
class Respondent:
    role: str
    answers: Mapping[str, Answer] = field(default_factory=dict)  # written in this order
    comment: str | None = None


@dataclass(frozen=True)
class Round:
    date: datetime.date | str  # a date, or one written YYYY-MM-DD
    respondents: Sequence[Respondent]
    comment: str | None = None
    note: str | None = None  # a comment line above the round ("Imported by …")


def scalar(value: Value) -> str:
    """A token plain, anything else double-quoted."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return _scalar_text(str(value))


@functools.lru_cache(maxsize=1024)  # a file repeats a few dozen ids and answers many times
def _scalar_text(text: str) -> str:
    return text if _TOKEN.fullmatch(text) else quote(text)


def answer_text(value: Answer) -> str:
    """One answer as written after `question_id: `."""
    if isinstance(value, (str, int, float)):
        return scalar(value)
    return "{" + ", ".join(f"{scalar(k)}: {scalar(v)}" for k, v in value.items()) + "}"


def _date(value: datetime.date | str) -> str:
    text = value.isoformat() if isinstance(value, datetime.date) else str(value)
    if not ISO_DATE.fullmatch(text):
        raise ValueError(f"expected a date written YYYY-MM-DD, got {text!r}")
    return text


def round_lines(r: Round) -> list[str]:
    """One assessment as list-item lines, indented relative to the item's dash at column 0."""
    lines = [f"# {yaml_comment(r.note)}"] if r.note is not None else []
    lines.append(f"- datum: {_date(r.date)}")
    if r.comment is not None:
        lines.append(f"  kommentar: {quote(r.comment)}")
    lines.append("  respondenter:")
    for resp in r.respondents:
        lines.append(f"    - roll: {scalar(resp.role)}")
        if resp.comment is not None:
            lines.append(f"      kommentar: {quote(resp.comment)}")
        if not resp.answers:
            lines.append("      svar: {}")
            continue
        lines.append("      svar:")
        lines.extend(f"        {scalar(qid)}: {answer_text(value)}" for qid, value in resp.answers.items())
    return lines


def answer_file(
    name: str, type_: str, rounds: Sequence[Round], *, published: bool = False, header: Sequence[str] = (), code: str | None = None
) -> str:
    """A whole answer file; `header`: comment lines at its top; `code`: SCB's code, if known."""
    lines = [f"# {yaml_comment(line)}" for line in header]
    lines += [f"namn: {quote(name)}", f"typ: {scalar(type_)}"] + _code_lines(code)
    lines += [f"publicerad: {scalar(published)}", "matningar:"]
    for r in rounds:
        lines += ["  " + line for line in round_lines(r)]
    return "\n".join(lines) + "\n"


def _code_lines(code: str | None) -> list[str]:
    return [] if code is None else [f"kod: {quote(code)}"]  # quoted always: a YAML reader takes 0114 for a number


def template(ins: Instrument, name: str, type_: str, day: str, code: str | None = None) -> str:
    """`build.py new`: one round, one respondent, every question a commented-out line in instrument order.
    `code`: SCB's code, when known; a municipality or region without one gets a commented-out line for it."""
    scale = ", ".join(f"{v} = {label}" for v, label in ins.scale)
    head = [
        f"Answer file for {one_line(name)}. Fill in one block per respondent; copy the block for more.",
        f"Scale: {scale}; {ins.dont_know} = {ins.dont_know_label}. Leave a line commented out if the question was not asked.",
        "Respondents carry a role, never a person's name.",
    ]
    lines = [f"# {yaml_comment(line)}" for line in head] + [
        f"namn: {quote(name)}",
        f"typ: {scalar(type_)}",
        *_code_lines(code),
        *(
            ['# kod: "…"  # SCB\'s code, e.g. "0114" for a municipality or "01" for a region']
            if code is None and type_ in {p.typ for p in ins.reference.places.values()}
            else []
        ),
        "publicerad: false",
        "matningar:",
        f"  - datum: {_date(day)}",
        '    # kommentar: "…"',
        "    respondenter:",
        f"      - roll: {ins.roles[0].id}  # {' | '.join(r.id for r in ins.roles)}",
        '        # kommentar: "…"',
        "        svar:",
    ]
    for area in ins.areas:
        comment = [f"Område {area.number} – {area.label}" + (f". {area.preamble}" if area.preamble else "")]
        for q in area.questions:
            comment.append(f"{q.number}. {q.text}")
            if q.rule == "ja_nej":
                comment.append(f"{q.id}: {' | '.join(k for k, _ in q.points)} | {ins.dont_know}")
            elif q.extra:
                options = "|".join(o.key for o in q.options)
                comment.append(f"{q.id}: {{svar: {words(ins).scale}, {q.extra}: {options}}}")
            else:
                comment.append(f"{q.id}: {words(ins).scale} | {ins.dont_know}")
        lines += [f"          # {yaml_comment(line)}" for line in comment]
    return "\n".join(lines) + "\n"
