"""Answer files (orgs/*.yaml): validated from the node tree into frozen data.

Every problem in a file is collected with its line and field; nothing is
guessed. Scalars are interpreted here, not by PyYAML, so `yes`, `1:30` or a
quoted number are reported instead of silently becoming something else.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from pathlib import Path

from .instrument import Instrument, Question
from .problems import Problem
from .yamlsource import MappingNode, Node, ScalarNode, SequenceNode, is_plain, line_of, read_source

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_INT = re.compile(r"[-+]?\d+")
_NUMBERISH = re.compile(r"[-+]?(\d[\d_]*)?(\.\d*)?([eE][-+]?\d+)?|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)|[-+]?\d+(:[0-5]?\d)+(\.\d*)?|0x[0-9a-fA-F_]+|0o?[0-7_]+|0b[01_]+")
_YAML11_BOOLS = {"yes", "no", "on", "off", "y", "n"}
_NULL = "tag:yaml.org,2002:null"

TOP_KEYS = ("namn", "typ", "publicerad", "matningar")
ASSESSMENT_KEYS = ("datum", "respondenter", "kommentar")
RESPONDENT_KEYS = ("roll", "svar", "kommentar")


@dataclass(frozen=True)
class Answer:
    """One usable answer: the points it gives, and its weight in the area sum."""

    value: str  # "3", "ja", … as written
    points: int
    weight: Fraction
    option: str | None = None  # omfattning / frekvens, when given


@dataclass(frozen=True)
class Respondent:
    role: str
    answers: tuple[tuple[str, Answer | None], ...]  # every question id, None when missing
    dont_know: frozenset[str]  # the missing answers that were an explicit vet_ej
    comment: str | None
    line: int

    def answer(self, qid: str) -> Answer | None:
        return dict(self.answers)[qid]


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


def _describe(node: Node) -> str:
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    if node.tag == _NULL and node.value in ("", "~", "null", "Null", "NULL"):
        return "nothing"
    if node.style in ("'", '"'):
        return repr(node.value)
    return node.value


class _FileChecker:
    """Walks one file's node tree; collects problems; returns data when clean."""

    def __init__(self, ins: Instrument, path: str):
        self.ins = ins
        self.path = path
        self.problems: list[Problem] = []

    def problem(self, line: int, field: str, message: str) -> None:
        self.problems.append(Problem(self.path, line, field, message))

    # -- structure --------------------------------------------------------

    def mapping(self, node: Node, allowed: tuple[str, ...], required: tuple[str, ...], where: str) -> dict[str, tuple[Node, Node]] | None:
        if not isinstance(node, MappingNode):
            self.problem(line_of(node), where, f"expected a mapping with {', '.join(required)}, got {_describe(node)}")
            return None
        fields: dict[str, tuple[Node, Node]] = {}
        for key, value in node.value:
            name = key.value if isinstance(key, ScalarNode) else None
            if name is None:
                self.problem(line_of(key), where, "keys must be plain names")
                continue
            if name in fields:
                self.problem(line_of(key), name, f"duplicate key (first given on line {line_of(fields[name][0])}); only one value is allowed")
                continue
            if name not in allowed:
                self.problem(line_of(key), name, self.unknown_key_message(name, allowed, where))
                continue
            fields[name] = (key, value)
        for name in required:
            if name not in fields:
                self.problem(line_of(node), name, f"missing required field in {where}")
        return fields

    def unknown_key_message(self, name: str, allowed: tuple[str, ...], where: str) -> str:
        if where == "respondent" and name in ("namn", "name", "person", "personnamn"):
            return "respondents carry a role, never a person's name; remove this field"
        close = difflib.get_close_matches(name, allowed, n=1, cutoff=0.75)
        what = "unknown question id" if where == "svar" else f"unknown key in {where}"
        if close:
            return f"{what}; did you mean {close[0]}?"
        if where == "svar":
            return f"{what}; see the method page for the question ids"
        return f"{what}; expected one of {', '.join(allowed)}"

    def scalar_text(self, node: Node, field: str, what: str = "a text") -> str | None:
        if not isinstance(node, ScalarNode) or (node.tag == _NULL and is_plain(node)):
            self.problem(line_of(node), field, f"expected {what}, got {_describe(node)}")
            return None
        value = node.value.strip()
        if not value:
            self.problem(line_of(node), field, f"expected {what}, got an empty text")
            return None
        return value

    def choice(self, node: Node, field: str, choices: tuple[str, ...]) -> str | None:
        expected = _or_list(choices)
        if not isinstance(node, ScalarNode) or node.value not in choices:
            self.problem(line_of(node), field, f"expected {expected}, got {_describe(node)}")
            return None
        return node.value

    def boolean(self, node: Node, field: str) -> bool | None:
        if isinstance(node, ScalarNode) and is_plain(node) and node.value in ("true", "false", "True", "False", "TRUE", "FALSE"):
            return node.value.lower() == "true"
        got = _describe(node)
        if isinstance(node, ScalarNode) and node.value.lower() in _YAML11_BOOLS:
            got += " (YAML reads yes/no/on/off in different ways; write true or false)"
        self.problem(line_of(node), field, f"expected true or false, got {got}")
        return None

    def date(self, node: Node, field: str) -> date | None:
        m = _DATE.fullmatch(node.value) if isinstance(node, ScalarNode) else None
        if not m:
            self.problem(line_of(node), field, f"expected a date written YYYY-MM-DD, got {_describe(node)}")
            return None
        try:
            return date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            self.problem(line_of(node), field, f"{node.value} is not a real date")
            return None

    # -- the file ---------------------------------------------------------

    def organisation(self, root: Node, slug: str) -> Organisation | None:
        fields = self.mapping(root, TOP_KEYS, ("namn", "typ", "matningar"), "the file")
        if fields is None:
            return None
        name = self.scalar_text(fields["namn"][1], "namn", "the organisation's name") if "namn" in fields else None
        type_ = self.choice(fields["typ"][1], "typ", tuple(t.id for t in self.ins.types)) if "typ" in fields else None
        published = self.boolean(fields["publicerad"][1], "publicerad") if "publicerad" in fields else False
        assessments = self.assessments(fields["matningar"][1]) if "matningar" in fields else ()
        if self.problems:
            return None
        return Organisation(slug, name, type_, published, assessments, self.path)

    def assessments(self, node: Node) -> tuple[Assessment, ...]:
        if not isinstance(node, SequenceNode) or not node.value:
            self.problem(line_of(node), "matningar", f"expected a list of assessments (- datum: …), got {_describe(node)}")
            return ()
        found: list[Assessment] = []
        first_line: dict[date, int] = {}
        for item in node.value:
            a = self.assessment(item)
            if a is None:
                continue
            if a.date in first_line:
                self.problem(a.line, "datum", f"two assessments on {a.date.isoformat()} (the other on line {first_line[a.date]}); merge them or correct the date")
                continue
            first_line[a.date] = a.line
            found.append(a)
        return tuple(sorted(found, key=lambda a: a.date))

    def assessment(self, node: Node) -> Assessment | None:
        fields = self.mapping(node, ASSESSMENT_KEYS, ("datum", "respondenter"), "assessment")
        if fields is None:
            return None
        day = self.date(fields["datum"][1], "datum") if "datum" in fields else None
        comment = self.comment(fields.get("kommentar"))
        respondents: list[Respondent] = []
        if "respondenter" in fields:
            node_r = fields["respondenter"][1]
            if not isinstance(node_r, SequenceNode) or not node_r.value:
                self.problem(line_of(node_r), "respondenter", f"expected a list of respondents (- roll: …), got {_describe(node_r)}")
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
        return self.scalar_text(pair[1], "kommentar", "a text")

    def respondent(self, node: Node) -> Respondent | None:
        fields = self.mapping(node, RESPONDENT_KEYS, ("roll", "svar"), "respondent")
        if fields is None:
            return None
        role = self.choice(fields["roll"][1], "roll", tuple(r.id for r in self.ins.roles)) if "roll" in fields else None
        comment = self.comment(fields.get("kommentar"))
        answers: dict[str, Answer | None] = {q: None for q in self.ins.question_ids}
        dont_know: set[str] = set()
        if "svar" in fields:
            svar = fields["svar"][1]
            if isinstance(svar, ScalarNode) and svar.tag == _NULL and is_plain(svar):
                pass  # `svar:` left empty: every answer missing, reported as such
            else:
                given = self.mapping(svar, self.ins.question_ids, (), "svar")
                for qid, (key, value) in (given or {}).items():
                    if isinstance(value, ScalarNode) and is_plain(value) and value.value == self.ins.dont_know:
                        dont_know.add(qid)
                        continue
                    answers[qid] = self.answer(self.ins.question(qid), value)
        if role is None or "svar" not in fields:
            return None
        return Respondent(role, tuple(answers.items()), frozenset(dont_know), comment, line_of(node))

    # -- answers ------------------------------------------------------------

    def answer(self, q: Question, node: Node) -> Answer | None:
        if q.rule == "ja_nej":
            choices = tuple(k for k, _ in q.points)
            if isinstance(node, ScalarNode) and is_plain(node) and node.value in choices:
                return Answer(node.value, dict(q.points)[node.value], q.weight)
            self.problem(line_of(node), q.id, f"expected {_or_list(choices + (self.ins.dont_know,))}, got {self.got(node)}")
            return None
        if q.extra and isinstance(node, MappingNode):
            return self.answer_with_option(q, node)
        points = self.scale_points(node)
        if points is None:
            expected = f"{self.scale_range()} or {self.ins.dont_know}"
            if q.extra:
                expected = f"{self.scale_range()}, {self.ins.dont_know} or {{svar: {self.scale_range()}, {q.extra}: {'|'.join(o.key for o in q.options)}}}"
            self.problem(line_of(node), q.id, f"expected {expected}, got {self.got(node)}")
            return None
        return Answer(node.value, points, self.weight(q, q.default_option), None)

    def answer_with_option(self, q: Question, node: MappingNode) -> Answer | None:
        fields = self.mapping(node, ("svar", q.extra), ("svar",), q.id)
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
        if isinstance(value, ScalarNode) and is_plain(value) and value.value == self.ins.dont_know:
            return None
        points = self.scale_points(value)
        if points is None:
            self.problem(line_of(value), f"{q.id}.svar", f"expected {self.scale_range()} or {self.ins.dont_know}, got {self.got(value)}")
            return None
        return Answer(value.value, points, self.weight(q, option), option_given)

    def weight(self, q: Question, option: str | None) -> Fraction:
        if option is not None and q.option(option).weight is not None:
            return q.option(option).weight
        return q.weight

    def scale_range(self) -> str:
        values = [v for v, _ in self.ins.scale]
        return f"{min(values)}–{max(values)}"

    def scale_points(self, node: Node) -> int | None:
        if not isinstance(node, ScalarNode) or not is_plain(node) or not _INT.fullmatch(node.value):
            return None
        value = int(node.value)
        return value if value in dict(self.ins.scale) else None

    def got(self, node: Node) -> str:
        """What was written, with a hint where YAML or habit misleads."""
        text = _describe(node)
        if not isinstance(node, ScalarNode):
            return text
        v = node.value
        if not is_plain(node) and _INT.fullmatch(v.strip()):
            return f"{text} (a quoted text; write the number without quotes)"
        if is_plain(node) and re.fullmatch(r"[-+]?\d+(:[0-5]?\d)+", v):
            return f"{v} (YAML 1.1 reads this as a base-60 number; write a single whole number)"
        if is_plain(node) and _NUMBERISH.fullmatch(v) and not _INT.fullmatch(v) and v:
            return f"{v} (not a whole number)"
        if is_plain(node) and v.lower() in _YAML11_BOOLS | {"true", "false"}:
            return f"{v} (a yes/no word; answers are written as numbers, ja or nej)"
        return text


def _or_list(items: tuple[str, ...]) -> str:
    items = tuple(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]


def display_path(path: Path) -> str:
    """The path as the user will recognise it: relative to here when possible."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def check_slug(path: Path, shown: str) -> list[Problem]:
    if SLUG.fullmatch(path.stem) and path.suffix == ".yaml":
        return []
    return [Problem(shown, 1, "file name", f"{path.name!r} is not a valid slug: use lower-case a–z, 0–9 and hyphens, ending in .yaml")]


def parse_organisation(ins: Instrument, path: Path, data: bytes, shown: str | None = None) -> tuple[Organisation | None, list[Problem]]:
    """Validate one answer file's bytes; return the organisation or the problems."""
    shown = shown or display_path(path)
    problems = check_slug(path, shown)
    source, read_problems = read_source(shown, data)
    problems += read_problems
    if source.root is None:
        return None, problems
    checker = _FileChecker(ins, shown)
    org = checker.organisation(source.root, path.stem)
    problems += checker.problems
    return (org if not problems else None), problems


def load_organisations(ins: Instrument, paths: list[Path]) -> tuple[list[Organisation], list[Problem], list[str]]:
    """Read every file; return the valid organisations, all problems, and the invalid files."""
    orgs: list[Organisation] = []
    problems: list[Problem] = []
    invalid: list[str] = []
    for path in sorted(paths):
        shown = display_path(path)
        try:
            data = path.read_bytes()
        except OSError as exc:
            problems.append(Problem(shown, 1, "file", f"cannot be read: {exc.strerror}"))
            invalid.append(shown)
            continue
        org, found = parse_organisation(ins, path, data, shown)
        problems += found
        if org is None:
            invalid.append(shown)
        else:
            orgs.append(org)
    return orgs, problems, invalid
