"""Answer files (orgs/*.yaml): validated from the node tree into frozen data.

Every problem in a file is collected with its line and field; nothing is
guessed. Scalars are interpreted here, not by PyYAML, so `yes`, `1:30` or a
quoted number are reported instead of silently becoming something else.
Messages say what was expected and what was written, and where a typo is
likely, what was probably meant.
"""

from __future__ import annotations

import difflib
import errno
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from functools import cached_property
from pathlib import Path

from .instrument import Instrument, Question
from .problems import Problem
from .reference import KINDS
from .safe_read import cannot_read as _cannot_read
from .safe_read import entry_problem as _entry_problem
from .safe_read import read_regular  # every answer file is read with it: a regular file within safe_read.MAX_YAML
from .text import ascii_key, check_comment, check_name, name_key, or_list, show, slug_for
from .yamlsource import MappingNode, Node, ScalarNode, SequenceNode, is_plain, line_of, read_source

# SPEC: "its name (without .yaml) is the slug, which must match [a-z0-9-]+"; and it starts with a letter or
# digit, so that it never reads as a command-line option (`--only -x`, `new -x`) or as a hidden file.
SLUG = re.compile(r"[a-z0-9][a-z0-9-]*")
SLUG_RULE = "a–z, 0–9 and hyphens, starting with a letter or digit"
_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_WHOLE = re.compile(r"[1-9][0-9]{0,5}")  # a score as it must be written: no sign, no leading zero
_LOOSE_INT = re.compile(r"[-+]?[0-9]{1,6}")
_DECIMAL = re.compile(r"[-+]?[0-9]*[.,][0-9]+|[-+]?[0-9]+[.,][0-9]*")
_SEXAGESIMAL = re.compile(r"[-+]?[0-9]+(:[0-5]?[0-9])+")
_YAML11_BOOLS = {"yes", "no", "on", "off", "y", "n"}
_NULL = "tag:yaml.org,2002:null"
_PERSONAL_KEYS = {
    "namn",
    "name",
    "person",
    "personnamn",
    "fornamn",
    "efternamn",
    "respondent",
    "intervjuperson",
    "kontaktperson",
    "epost",
    "e_post",
    "email",
    "e_mail",
    "mejl",
    "mail",
    "telefon",
    "tel",
}

MAX_PROBLEMS = 100  # listed per file; the rest are counted in one last line

TOP_KEYS = ("namn", "typ", "kod", "publicerad", "matningar")
ASSESSMENT_KEYS = ("datum", "respondenter", "kommentar")
RESPONDENT_KEYS = ("roll", "svar", "kommentar")


@dataclass(frozen=True)
class Answer:
    """One usable answer: the points it gives, and its weight in the area sum."""

    value: str  # "3", "ja", … as written
    points: int
    weight: Fraction
    option: str | None = None  # omfattning / frekvens, when given
    weighted: int = 0  # points × weight × the instrument's weight_scale: what area scores sum


def _answer(ins: Instrument, qid: str, value: str, points: int, weight: Fraction, option: str | None, weighted_by: str | None) -> Answer:
    """One shared Answer per distinct answer: a file repeats a few dozen of them hundreds of times."""
    key = (qid, value, option, weighted_by)
    found = ins.answer_memo.get(key)
    if found is None:
        found = ins.answer_memo[key] = Answer(value, points, weight, option, int(points * weight * ins.weight_scale))
    return found


@dataclass(frozen=True)
class Respondent:
    role: str
    answers: tuple[tuple[str, Answer | None], ...]  # every question id, None when missing
    dont_know: frozenset[str]  # the missing answers that were an explicit vet_ej
    comment: str | None
    line: int

    def answer(self, qid: str) -> Answer | None:
        return self._by_question[qid]

    @cached_property
    def _by_question(self) -> dict[str, Answer | None]:
        return dict(self.answers)


@dataclass(frozen=True)
class Assessment:
    date: date
    respondents: tuple[Respondent, ...]
    comment: str | None
    line: int


@dataclass(frozen=True)
class Organisation:
    slug: str
    name: str
    type: str
    published: bool
    assessments: tuple[Assessment, ...]  # sorted by date, oldest first
    path: str
    code: str | None = None  # SCB's code ("0114", "01"), one of ins.reference's; county and SKR group come from it


def _is_null(node: Node) -> bool:
    return isinstance(node, ScalarNode) and node.tag == _NULL and is_plain(node)


def _describe(node: Node) -> str:
    if isinstance(node, MappingNode):
        return "a mapping" if node.value else "an empty mapping {}"
    if isinstance(node, SequenceNode):
        return "a list" if node.value else "an empty list []"
    if _is_null(node):
        return "nothing"
    if not is_plain(node):  # quoted, or a | or > block
        return f"'{show(node.value)}'"
    return show(node.value)


def _suggest(text: str, choices: tuple[str, ...]) -> str | None:
    """The choice `text` was probably meant to be, if one is close enough."""
    if len(text) > 60 or not choices:
        return None
    wanted = ascii_key(text)
    by_norm = {ascii_key(c): c for c in choices}
    if wanted in by_norm and by_norm[wanted] != text:
        return by_norm[wanted]
    close = difflib.get_close_matches(wanted, list(by_norm), n=1, cutoff=0.75)
    return by_norm[close[0]] if close and by_norm[close[0]] != text else None


class _FileChecker:
    """Walks one file's node tree; collects problems; returns data when clean."""

    def __init__(self, ins: Instrument, path: str, want_notes: bool = False):
        self.ins = ins
        self.path = path
        self.problems: list[Problem] = []
        self.want_notes = want_notes  # the build does not print them: spare it the work
        self.notes: list[Problem] = []  # printed, never failing: `file:line: field: note: …`
        self.unlisted = 0  # problems found after MAX_PROBLEMS were listed
        self.first_unlisted_line = 0
        self.answered = 0  # respondents with answers: none, and the file is not measured yet

    @property
    def full(self) -> bool:
        return len(self.problems) >= MAX_PROBLEMS

    def problem(self, line: int, field: str, message: str) -> None:
        if self.full:
            self.unlisted += 1
            self.first_unlisted_line = self.first_unlisted_line or line
            return
        self.problems.append(Problem(self.path, line, field, message))

    def note(self, line: int, field: str, message: str) -> None:
        self.notes.append(Problem(self.path, line, field, f"note: {message}"))

    def all_problems(self) -> list[Problem]:
        """The problems in line order, and a last line counting any not listed."""
        listed = sorted(self.problems, key=lambda p: p.line)  # stable: in a line, in the order found
        if not self.answered:  # nobody's answers yet: say so where the respondents are empty (see not_measured)
            listed = [Problem(p.path, p.line, p.field, p.message + UNTOUCHED) if _empty_answers(p) else p for p in listed]
        if self.unlisted:
            listed.append(
                Problem(self.path, self.first_unlisted_line, "file", f"{self.unlisted} more problems not listed; fix the ones above first")
            )
        return listed

    # -- structure --------------------------------------------------------

    def mapping(
        self,
        node: Node,
        allowed: tuple[str, ...],
        required: tuple[str, ...],
        field: str,
        expected: str,
        where: str,
        prefix: str = "",
    ) -> dict[str, tuple[Node, Node]] | None:
        """The fields of a mapping node, by name; every other key reported.

        `field` names the node itself in messages, `expected` describes it,
        `where` says what it is ("a respondent"), `prefix` goes before child fields.
        """
        if not isinstance(node, MappingNode):
            self.problem(line_of(node), field, f"expected {expected}, got {_describe(node)}{self.list_hint(node, field)}")
            return None
        fields: dict[str, tuple[Node, Node]] = {}
        seen: dict[str, int] = {}
        misspelt: set[str] = set()  # required names an unknown key probably meant
        for key, value in node.value:
            if not isinstance(key, ScalarNode):
                self.problem(line_of(key), field, f"expected a name before ':', got {_describe(key)}")
                continue
            name = key.value
            if not name.strip():
                self.problem(line_of(key), field, "expected a name before ':', got an empty key")
                continue
            if name in seen:
                lines = f"on line {seen[name]}" if seen[name] == line_of(key) else f"on lines {seen[name]} and {line_of(key)}"
                self.problem(line_of(key), prefix + show(name), f"given twice, {lines}; keep one")
                continue
            seen[name] = line_of(key)
            if name not in allowed:
                shown = prefix + show(name)
                if self.full:  # not listed: spare the cost of a suggestion
                    self.problem(line_of(key), shown, "unknown key")
                    continue
                close = _suggest(name, allowed)
                self.problem(line_of(key), shown, self.unknown_key_message(name, allowed, where, close))
                misspelt.add(close or "")
                continue
            fields[name] = (key, value)
        for name in required:
            if name not in fields and name not in misspelt:
                self.problem(line_of(node), prefix + name, self.missing_message(name, where))
        return fields

    def list_hint(self, node: Node, field: str) -> str:
        if isinstance(node, MappingNode) and field in ("matningar", "respondenter"):
            first = {"matningar": "datum", "respondenter": "roll"}[field]
            return f" (start each entry with '- {first}:')"
        return ""

    def missing_message(self, name: str, where: str) -> str:
        types = or_list(tuple(t.id for t in self.ins.types))
        roles = or_list(tuple(r.id for r in self.ins.roles))
        messages = {
            "namn": "missing; expected the organisation's name, e.g. namn: Norrviks kommun",
            "typ": f"missing; expected typ: {types}",
            "matningar": "missing; expected a list of assessments (matningar: with - datum: … under it)",
            "datum": "missing; each assessment needs datum: YYYY-MM-DD",
            "respondenter": "missing; each assessment needs a list of respondenter",
            "roll": f"missing; each respondent needs roll: {roles}",
            "svar": "missing; each respondent needs svar: with the answers",
        }
        if where in self.ins.question_ids and name == "svar":
            return f"missing; expected {self.option_form(self.ins.question(where))}"
        return messages.get(name, f"missing; {where} needs {name}")

    def unknown_key_message(self, name: str, allowed: tuple[str, ...], where: str, close: str | None) -> str:
        if name == "<<":
            return "merge keys (<<) are not allowed; write each field out"
        if where == "a respondent" and ascii_key(name) in _PERSONAL_KEYS:
            return "answer files hold a respondent's role, never a name or contact details; remove this field"
        what = "unknown question id" if where == "svar" else f"unknown key in {where}"
        if close:
            return f"{what}; did you mean {close}?"
        if where == "svar":
            return f"{what}; expected one of the ids in content/instrument.yaml ({allowed[0]} … {allowed[-1]})"
        return f"{what}; expected {or_list(allowed)}"

    def scalar_text(self, node: Node, field: str, what: str = "a text") -> str | None:
        if not isinstance(node, ScalarNode) or _is_null(node):
            hint = " (or remove the line)" if field == "kommentar" else ""
            self.problem(line_of(node), field, f"expected {what}{hint}, got {_describe(node)}")
            return None
        value = node.value.strip()
        if not value:
            self.problem(line_of(node), field, f"expected {what}, got an empty text")
            return None
        return value

    def free_text(self, node: Node, field: str, what: str, line_breaks: bool) -> str | None:
        """A name (text.check_name) or a comment (text.check_comment): refused as those say, with
        invisible characters removed (and a note saying so)."""
        value = self.scalar_text(node, field, what)
        if value is None:
            return None
        value, refusals, notes = check_comment(value) if line_breaks else check_name(value)
        for message in refusals:
            self.problem(line_of(node), field, message)
        for message in notes:
            self.note(line_of(node), field, message)
        return None if refusals else value

    def choice(self, node: Node, field: str, choices: tuple[str, ...]) -> str | None:
        if isinstance(node, ScalarNode) and node.value in choices:
            return node.value
        self.problem(line_of(node), field, f"expected {or_list(choices)}, got {self.got(node, choices)}")
        return None

    def boolean(self, node: Node, field: str) -> bool | None:
        if isinstance(node, ScalarNode) and is_plain(node) and node.value in ("true", "false", "True", "False", "TRUE", "FALSE"):
            return node.value.lower() == "true"
        got = _describe(node)
        if isinstance(node, ScalarNode) and is_plain(node) and node.value.lower() in _YAML11_BOOLS:
            got += " (YAML readers disagree on yes/no/on/off)"
        elif isinstance(node, ScalarNode) and not is_plain(node) and node.value.strip().lower() in ("true", "false"):
            got += f" (a quoted text; write {node.value.strip().lower()} without quotes)"
        self.problem(line_of(node), field, f"expected true or false, got {got}")
        return None

    def date(self, node: Node, field: str) -> date | None:
        m = _DATE.fullmatch(node.value.strip()) if isinstance(node, ScalarNode) and not _is_null(node) else None
        if not m:
            self.problem(line_of(node), field, f"expected a date written YYYY-MM-DD, got {_describe(node)}")
            return None
        try:
            return date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            self.problem(line_of(node), field, f"expected a real date, got {m[0]} (no such day)")
            return None

    # -- the file ---------------------------------------------------------

    def organisation(self, root: Node, slug: str) -> Organisation | None:
        fields = self.mapping(
            root, TOP_KEYS, ("namn", "typ", "matningar"), "file", "a mapping with namn, typ, publicerad and matningar", "the file"
        )
        if fields is None:
            return None
        name = self.free_text(fields["namn"][1], "namn", "the organisation's name", line_breaks=False) if "namn" in fields else None
        type_ = self.choice(fields["typ"][1], "typ", tuple(t.id for t in self.ins.types)) if "typ" in fields else None
        code = self.code(fields["kod"][1], type_, name) if "kod" in fields else None
        published = self.boolean(fields["publicerad"][1], "publicerad") if "publicerad" in fields else False
        assessments = self.assessments(fields["matningar"][1]) if "matningar" in fields else ()
        if self.problems:
            return None
        if published and self.want_notes:  # a valid file: what the public site will hold back
            for a in assessments:
                if len(a.respondents) == 1:  # scoring.details_public
                    self.note(
                        a.line,
                        "respondenter",
                        "one person answered this round: the public site and its data show its point "
                        "and quadrant only, nothing per area, question or step (the delivery report keeps everything)",
                    )
        return Organisation(slug, name, type_, published, assessments, self.path, code)

    def code(self, node: Node, type_: str | None, name: str | None) -> str | None:
        """SCB's code of a municipality or region, quoted ("0114"), of the kind `typ` says."""
        ref = self.ins.reference
        example = 'e.g. kod: "0114" for a municipality or kod: "01" for a region'
        if not isinstance(node, ScalarNode) or _is_null(node) or not node.value.strip():
            self.problem(line_of(node), "kod", f"expected SCB's code in quotes, {example}, got {_describe(node)}")
            return None
        value = node.value.strip()
        if is_plain(node) and value.isdigit():
            self.problem(
                line_of(node),
                "kod",
                f'expected the code in quotes, kod: "{value}", got {value} '
                f"(unquoted, a YAML reader takes it for a number{' and loses the leading 0' if value.startswith('0') else ''})",
            )
            return None
        place = ref.get(value)

        def hint() -> str:
            matches = ref.match_name(name, type_) if name and type_ else ()
            return f'; the name matches {ref.describe(matches[0])}: kod: "{matches[0].kod}"' if len(matches) == 1 else ""

        if place is None:
            if re.fullmatch(r"[0-9]{4}|[0-9]{2}", value):
                what = f"no municipality or region has the code {show(value)} in {ref.codes_edition}"
            else:
                what = f"expected four digits (a municipality) or two (a region), {example}, got '{show(value)}'"
            self.problem(line_of(node), "kod", what + hint())
            return None
        if type_ is not None and place.typ != type_:
            why = hint() if type_ in KINDS else f"; only a {' or '.join(KINDS)} has a code: remove kod"
            self.problem(line_of(node), "kod", f'"{value}" is {place.namn}, a {place.typ}, but typ is {type_}{why}')
            return None
        if self.want_notes and name and place not in ref.match_name(name, place.typ):
            self.note(
                line_of(node),
                "kod",
                f"\"{value}\" is {ref.describe(place)}, but namn '{show(name)}' is not its name{hint()}; is the code right?",
            )
        return value

    def assessments(self, node: Node) -> tuple[Assessment, ...]:
        if not isinstance(node, SequenceNode) or not node.value:
            self.problem(
                line_of(node),
                "matningar",
                f"expected a list of assessments (- datum: …), got {_describe(node)}{self.list_hint(node, 'matningar')}",
            )
            return ()
        found: list[Assessment] = []
        first_line: dict[date, int] = {}
        for item in node.value:
            a = self.assessment(item)
            if a is None:
                continue
            if a.date in first_line:
                self.problem(
                    a.line,
                    "datum",
                    f"two assessments on {a.date.isoformat()}, on lines {first_line[a.date]} and {a.line}; merge them or correct the date",
                )
                continue
            first_line[a.date] = a.line
            found.append(a)
        return tuple(sorted(found, key=lambda a: a.date))

    def assessment(self, node: Node) -> Assessment | None:
        fields = self.mapping(
            node, ASSESSMENT_KEYS, ("datum", "respondenter"), "matningar", "an assessment (datum: …, respondenter: …)", "an assessment"
        )
        if fields is None:
            return None
        day = self.date(fields["datum"][1], "datum") if "datum" in fields else None
        comment = self.comment(fields.get("kommentar"))
        respondents: list[Respondent] = []
        if "respondenter" in fields:
            node_r = fields["respondenter"][1]
            if not isinstance(node_r, SequenceNode) or not node_r.value:
                self.problem(
                    line_of(node_r),
                    "respondenter",
                    f"expected a list of respondents (- roll: …), got {_describe(node_r)}{self.list_hint(node_r, 'respondenter')}",
                )
            else:
                for item in node_r.value:
                    r = self.respondent(item)
                    if r is not None:
                        respondents.append(r)
        if day is None or "respondenter" not in fields:
            return None
        return Assessment(day, tuple(respondents), comment, line_of(fields["datum"][0]))

    def comment(self, pair: tuple[Node, Node] | None) -> str | None:
        if pair is None:
            return None
        return self.free_text(pair[1], "kommentar", "a text", line_breaks=True)

    def respondent(self, node: Node) -> Respondent | None:
        fields = self.mapping(node, RESPONDENT_KEYS, ("roll", "svar"), "respondenter", "a respondent (roll: …, svar: …)", "a respondent")
        if fields is None:
            return None
        role = self.choice(fields["roll"][1], "roll", tuple(r.id for r in self.ins.roles)) if "roll" in fields else None
        comment = self.comment(fields.get("kommentar"))
        answers: dict[str, Answer | None] = {q: None for q in self.ins.question_ids}
        dont_know: set[str] = set()
        if "svar" in fields:
            svar_key, svar = fields["svar"]
            if _is_null(svar) or (isinstance(svar, MappingNode) and not svar.value):
                # `svar:` left empty, as `build.py new` leaves it: a respondent who counts as
                # interviewed but gives no point is a mistake, never a result.
                self.problem(
                    line_of(svar_key),
                    "svar",
                    f"{EMPTY_ANSWERS}, got {_describe(svar)}; "
                    f"fill them in ({self.ins.dont_know} for a question asked but not answered), or remove the respondent",
                )
            else:
                self.answered += 1
                before = len(self.problems) + self.unlisted
                given = self.mapping(svar, self.ins.question_ids, (), "svar", "the answers, one 'question_id: answer' per line", "svar")
                for qid, (_key, value) in (given or {}).items():
                    answer = self.answer(self.ins.question(qid), value)
                    if answer is _DONT_KNOW:
                        dont_know.add(qid)
                    else:
                        answers[qid] = answer
                left_out = [q for q in self.ins.question_ids if q not in given] if self.want_notes and given is not None else []
                if left_out and len(self.problems) + self.unlisted == before:
                    self.note(line_of(svar_key), "svar", self.left_out_message(left_out))
        if role is None or "svar" not in fields:
            return None
        return Respondent(role, tuple(answers.items()), frozenset(dont_know), comment, line_of(node))

    def left_out_message(self, left_out: list[str]) -> str:
        count = "1 question" if len(left_out) == 1 else f"{len(left_out)} questions"
        return (
            f"{count} left out, counted as missing: {', '.join(left_out)}; "
            f"write {self.ins.dont_know} for a question asked but not answered, to silence this note"
        )

    # -- answers ------------------------------------------------------------

    def is_dont_know(self, node: Node) -> bool:
        return isinstance(node, ScalarNode) and node.value == self.ins.dont_know

    def answer(self, q: Question, node: Node):
        """The Answer, _DONT_KNOW for an explicit vet_ej, or None after reporting a problem."""
        if self.is_dont_know(node):
            return _DONT_KNOW
        if q.rule == "ja_nej":
            choices = tuple(k for k, _ in q.points)
            if isinstance(node, ScalarNode) and node.value in choices:
                return _answer(self.ins, q.id, node.value, dict(q.points)[node.value], q.weight, None, None)
            expected = choices + (self.ins.dont_know,)
            self.problem(line_of(node), q.id, f"expected {or_list(expected)}, got {self.got(node, expected)}")
            return None
        if q.extra and isinstance(node, MappingNode):
            return self.answer_with_option(q, node)
        points = self.scale_points(node)
        if points is None:
            expected = f"{self.scale_range()} or {self.ins.dont_know}"
            if q.extra:
                expected = f"{self.scale_range()}, {self.ins.dont_know} or {self.option_form(q)}"
            self.problem(line_of(node), q.id, f"expected {expected}, got {self.got(node, (self.ins.dont_know,))}")
            return None
        if q.default_option and self.want_notes:
            self.note(line_of(node), q.id, self.assumed_message(q, node.value))
        return _answer(self.ins, q.id, node.value, points, self.weight(q, q.default_option), None, q.default_option)

    def assumed_message(self, q: Question, value: str) -> str:
        """A bare number where the weight depends on an option: SPEC.md counts it as the default, and the
        reports then say so ("antagen: hela"); the note says how to record what was answered."""
        forms = " or ".join(f"`{{svar: {value}, {q.extra}: {o.key}}}`" for o in sorted(q.options, key=lambda o: o.key != q.default_option))
        return (
            f"no {q.extra} given, so it is assumed to be {q.default_option} ({q.option(q.default_option).label}) and the "
            f"reports say 'antagen: {q.option(q.default_option).short}'; write {forms} as the respondent answered"
        )

    def option_form(self, q: Question) -> str:
        return f"{{svar: {self.scale_range()}, {q.extra}: {'|'.join(o.key for o in q.options)}}}"

    def answer_with_option(self, q: Question, node: MappingNode):
        fields = self.mapping(node, ("svar", q.extra), ("svar",), q.id, self.option_form(q), q.id, prefix=f"{q.id}.")
        if fields is None or "svar" not in fields:
            return None
        option = q.default_option
        option_given = None
        if q.extra in fields:
            option_given = self.choice(fields[q.extra][1], f"{q.id}.{q.extra}", tuple(o.key for o in q.options))
            if option_given is None:
                return None
            option = option_given
        value = fields["svar"][1]
        if self.is_dont_know(value):
            return _DONT_KNOW
        points = self.scale_points(value)
        if points is None:
            self.problem(
                line_of(value),
                f"{q.id}.svar",
                f"expected {self.scale_range()} or {self.ins.dont_know}, got {self.got(value, (self.ins.dont_know,))}",
            )
            return None
        return _answer(self.ins, q.id, value.value, points, self.weight(q, option), option_given, option)

    def weight(self, q: Question, option: str | None) -> Fraction:
        if option is not None and q.option(option).weight is not None:
            return q.option(option).weight
        return q.weight

    def scale_range(self) -> str:
        values = [v for v, _ in self.ins.scale]
        return f"{min(values)}–{max(values)}"

    def scale_points(self, node: Node) -> int | None:
        """A score written as a plain whole number on the scale, else None."""
        if not isinstance(node, ScalarNode) or not is_plain(node):
            return None
        return self.ins.scale_points.get(node.value)  # "3", never "03", "+3" or "3.0"

    def got(self, node: Node, choices: tuple[str, ...] = ()) -> str:
        """What was written, with a hint where YAML or habit misleads."""
        text = _describe(node)
        if not isinstance(node, ScalarNode) or _is_null(node):
            return text
        v = node.value
        if not is_plain(node):
            if _LOOSE_INT.fullmatch(v.strip()):
                return f"{text} (a quoted text; write the number without quotes)"
        elif _SEXAGESIMAL.fullmatch(v):
            return f"{text} (YAML 1.1 reads this as a base-60 number; write a single whole number)"
        elif _DECIMAL.fullmatch(v):
            return f"{text} (not a whole number)"
        elif _LOOSE_INT.fullmatch(v) and not _WHOLE.fullmatch(v) and int(v) in dict(self.ins.scale):
            return f"{text} (write {int(v)})"
        close = _suggest(v, choices)
        if close:
            return f"{text} (did you mean {close}?)"
        return text


_DONT_KNOW = object()  # an answer given as vet_ej


def display_path(path: Path) -> str:
    """The path as the user will recognise it: relative to here when possible."""
    return display_paths([path])[path]


def display_paths(paths: list[Path]) -> dict[Path, str]:
    """display_path of many files, resolving each folder once (resolving every file costs a
    few system calls per folder level: a fifth of a second for 4 000 files)."""
    here = Path.cwd().resolve()
    folders: dict[Path, Path] = {}
    shown = {}
    for path in paths:
        try:
            linked = path.name in ("", ".", "..") or path.is_symlink()
        except OSError:  # e.g. a folder without search permission: resolve() does not mind, is_symlink() does
            linked = True
        if linked:
            try:
                full = path.resolve()
                broken = not os.path.exists(full)
            except (OSError, RuntimeError):  # a loop of links (RuntimeError before Python 3.13)
                broken = True
            if broken:  # the link itself, not the nowhere it leads to
                full = path.parent.resolve() / path.name
        else:
            if path.parent not in folders:
                folders[path.parent] = path.parent.resolve()
            full = folders[path.parent] / path.name
        try:
            shown[path] = str(full.relative_to(here))
        except ValueError:
            shown[path] = str(path)
    return shown


def check_slug(path: Path, shown: str) -> list[Problem]:
    if SLUG.fullmatch(path.stem) and path.suffix == ".yaml":
        return []
    suggestion = slug_for(path.stem)
    hint = f"; rename it {suggestion}.yaml" if suggestion else ""
    if SLUG.fullmatch(path.stem):
        return [Problem(shown, 1, "file name", f"expected a name ending in .yaml, got {show(path.name, 60)!r}{hint}")]
    return [Problem(shown, 1, "file name", f"expected a slug of {SLUG_RULE}, before .yaml, got {show(path.name, 60)!r}{hint}")]


EMPTY_ANSWERS = "expected this respondent's answers, at least one"  # `svar:` left as `build.py new` leaves it
UNTOUCHED = "; no respondent in this file has answers yet (not measured yet)"


def _empty_answers(p: Problem) -> bool:
    return p.field == "svar" and p.message.startswith(EMPTY_ANSWERS)


def not_measured(problems: list[Problem]) -> bool:
    """Whether a file's problems are only respondents without answers, and no respondent in it has
    any: the untouched template of `build.py new`, written ahead of the interviews. A build leaves
    such a file out with a note (an error with --strict); `check` reports it as the error it is."""
    return bool(problems) and all(_empty_answers(p) and p.message.endswith(UNTOUCHED) for p in problems)


def parse_organisation(
    ins: Instrument, path: Path, data: bytes, shown: str | None = None, notes: list[Problem] | None = None
) -> tuple[Organisation | None, list[Problem]]:
    """Validate one answer file's bytes; return the organisation or the problems. `notes`, when
    given, gets what is worth saying but no problem (questions left out, characters removed)."""
    shown = shown or display_path(path)
    problems = check_slug(path, shown)
    source, read_problems = read_source(shown, data)
    problems += read_problems
    if source.root is None:
        return None, problems
    checker = _FileChecker(ins, shown, want_notes=notes is not None)
    org = checker.organisation(source.root, path.stem)
    if notes is not None:
        notes += checker.notes
    problems = sorted(problems, key=lambda p: p.line) + checker.all_problems()
    return (org if not problems else None), problems


ANSWER_SUFFIXES = (".yaml", ".yml")


def list_answer_files(orgs_dir: Path) -> tuple[list[Path], list[Problem]]:
    """The answer files in a folder, and a problem for every entry named like one (x.yaml,
    x.yml; hidden ones aside) that is not a readable regular file, so that a broken link or a
    folder named x.yaml stops the build instead of silently dropping an organisation."""
    try:
        with os.scandir(orgs_dir) as it:
            entries = [e for e in it if e.name.endswith(ANSWER_SUFFIXES) and not e.name.startswith(".")]
    except FileNotFoundError:
        return [], [Problem(str(orgs_dir), 1, "--orgs", "no such folder of answer files")]
    except NotADirectoryError:
        return [], [Problem(str(orgs_dir), 1, "--orgs", "is a file, not a folder of answer files")]
    except OSError as exc:
        return [], [Problem(display_path(orgs_dir), 1, "--orgs", _cannot_read(exc))]
    files: list[Path] = []
    problems: list[Problem] = []
    for entry in entries:
        path = orgs_dir / entry.name
        try:
            plain = entry.is_file(follow_symlinks=False)  # from the folder listing: no system call
        except OSError:
            plain = False
        problem = None if plain else _entry_problem(path)
        if problem is None and not os.access(path, os.R_OK):
            problem = f"cannot be read: {os.strerror(errno.EACCES)}"  # what reading it would say
        if problem is None:
            files.append(path)
        else:
            problems.append(Problem(display_path(path), 1, "file", problem))
    return sorted(files), sorted(problems)


def read_files(paths: list[Path]) -> tuple[dict[Path, bytes], list[Problem]]:
    """Each file's bytes, read once, so validation and caching see the same content; a path
    that is not a readable regular file (a folder, a pipe, a broken link) is a problem."""
    data: dict[Path, bytes] = {}
    problems: list[Problem] = []
    for path in sorted(paths):
        content, problem = read_regular(path)
        if problem is None:
            data[path] = content
        else:
            problems.append(Problem(display_path(path), 1, "file", problem))
    return data, problems


def load_organisations(
    ins: Instrument, paths: list[Path], data: dict[Path, bytes] | None = None, notes: list[Problem] | None = None
) -> tuple[list[Organisation], list[Problem], list[str]]:
    """Validate every file, and that no two name the same organisation; return the valid
    organisations, all problems, and the invalid files. `notes`: as parse_organisation's."""
    if data is None:
        data, problems = read_files(paths)
    else:
        problems = []
    orgs: list[Organisation] = []
    invalid: list[str] = [p.path for p in problems]
    shown_as = display_paths(sorted(p for p in paths if p in data))
    for path in sorted(paths):
        if path not in data:
            continue
        shown = shown_as[path]
        org, found = parse_organisation(ins, path, data[path], shown, notes)
        problems += found
        if org is None:
            invalid.append(shown)
        else:
            orgs.append(org)
    by_shown = {shown_as[p]: data[p] for p in shown_as}
    clashes = duplicate_names([(o.path, o.name) for o in orgs], by_shown) + duplicate_codes([(o.path, o.code) for o in orgs], by_shown)
    if clashes:
        clashing = {p.path for p in clashes}
        orgs = [o for o in orgs if o.path not in clashing]
        problems += clashes
        invalid += sorted(clashing)
    return orgs, problems, invalid


# -- across files ------------------------------------------------------------------------


def field_line(shown: str, data: bytes | None, field: str) -> int:
    """The line of a top-level key (`namn:`, `kod:`) in a valid file (only looked up for the few files that clash)."""
    root = read_source(shown, data)[0].root if data is not None else None
    if isinstance(root, MappingNode):
        for key, _value in root.value:
            if isinstance(key, ScalarNode) and key.value == field:
                return line_of(key)
    return 1


def duplicate_names(named: Iterable[tuple[str, str]], data: Mapping[str, bytes]) -> list[Problem]:
    """A problem on every file whose namn another file also has, naming the other files.

    `named`: (the file as messages show it, its namn) of each valid file; `data`: the files'
    bytes by the same paths, read only for the files that clash. Both `check` and the build
    call this, over every file they read, so they report a clash alike."""
    groups: dict[str, dict[str, str]] = {}
    for path, name in named:
        groups.setdefault(name_key(name), {})[path] = name  # a file given twice is one file
    problems = []
    for group in groups.values():
        if len(group) < 2:
            continue
        for path, name in sorted(group.items()):
            others = " and ".join(p + ("" if n == name else f" (written '{show(n, 80)}')") for p, n in sorted(group.items()) if p != path)
            problems.append(
                Problem(
                    path,
                    field_line(path, data.get(path), "namn"),
                    "namn",
                    f"'{show(name, 80)}' is also the name in {others}; each organisation needs a name of its own",
                )
            )
    return problems


def duplicate_codes(coded: Iterable[tuple[str, str | None]], data: Mapping[str, bytes]) -> list[Problem]:
    """A problem on every file whose kod another file also has, naming the other files: one place,
    one file (two files for one municipality would count it twice in every national figure).

    Same shape as duplicate_names: `coded` is (the file as messages show it, its kod or None) of
    each valid file, `data` the files' bytes by the same paths. `check` and the build call both."""
    groups: dict[str, set[str]] = {}
    for path, code in coded:
        if code is not None:
            groups.setdefault(code, set()).add(path)  # a file given twice is one file
    problems = []
    for code, paths in groups.items():
        if len(paths) < 2:
            continue
        for path in sorted(paths):
            others = " and ".join(p for p in sorted(paths) if p != path)
            problems.append(
                Problem(
                    path,
                    field_line(path, data.get(path), "kod"),
                    "kod",
                    f'"{code}" is also the code in {others}; one place needs one file (put its rounds under matningar: in one of them)',
                )
            )
    return problems


def closest_slug(slug: str, slugs: Iterable[str]) -> str | None:
    """The slug `slug` was probably meant to be, among `slugs`, if one is close enough."""
    choices = sorted(set(slugs) - {slug})
    if not choices or len(slug) > 100:
        return None
    wanted = slug_for(slug) or slug
    if wanted in choices:
        return wanted
    close = difflib.get_close_matches(wanted, choices, n=1, cutoff=0.6)
    return close[0] if close else None


def did_you_mean(slug: str, slugs: Iterable[str]) -> str:
    """'; did you mean norrvik?' when a slug is probably a typo for one of `slugs`, else ''."""
    close = closest_slug(slug, slugs)
    return f"; did you mean {close}?" if close else ""
