"""The answer-file validator: walks one file's node tree, collects every problem with its line and
field (at most MAX_PROBLEMS listed), and makes the frozen values of answermodel.py when the file is
clean. Scalars are interpreted here, not by PyYAML."""

from __future__ import annotations

import re
from datetime import date
from fractions import Fraction

from .answermodel import Answer, Assessment, Organisation, Respondent, shared_answer
from .answernodes import describe, got, is_null, suggest
from .instrument import Instrument, Question
from .problems import Kind, Problem
from .reference import KINDS
from .text import ascii_key, check_comment, check_name, iso_date, or_list, show
from .yamlsource import MappingNode, Node, ScalarNode, SequenceNode, is_plain, line_of

_YAML11_BOOLS = {"yes", "no", "on", "off", "y", "n"}
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

EMPTY_ANSWERS = "expected this respondent's answers, at least one"  # `svar:` left as `build.py new` leaves it
UNTOUCHED = "; no respondent in this file has answers yet (not measured yet)"


class FileChecker:
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

    def problem(self, line: int, field: str, message: str, kind: Kind | None = None) -> None:
        if self.full:
            self.unlisted += 1
            self.first_unlisted_line = self.first_unlisted_line or line
            return
        self.problems.append(Problem(self.path, line, field, message, kind))

    def note(self, line: int, field: str, message: str) -> None:
        self.notes.append(Problem(self.path, line, field, f"note: {message}"))

    def all_problems(self) -> list[Problem]:
        """The problems in line order, and a last line counting any not listed."""
        listed = sorted(self.problems, key=lambda p: p.line)  # stable: in a line, in the order found
        if not self.answered:  # nobody's answers yet: say so where the respondents are empty (see not_measured)
            listed = [
                Problem(p.path, p.line, p.field, p.message + UNTOUCHED, Kind.UNTOUCHED) if p.kind is Kind.EMPTY_ANSWERS else p
                for p in listed
            ]
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
            self.problem(line_of(node), field, f"expected {expected}, got {describe(node)}{self.list_hint(node, field)}")
            return None
        fields: dict[str, tuple[Node, Node]] = {}
        seen: dict[str, int] = {}
        misspelt: set[str] = set()  # required names an unknown key probably meant
        for key, value in node.value:
            if not isinstance(key, ScalarNode):
                self.problem(line_of(key), field, f"expected a name before ':', got {describe(key)}")
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
                close = suggest(name, allowed)
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
        if not isinstance(node, ScalarNode) or is_null(node):
            hint = " (or remove the line)" if field == "kommentar" else ""
            self.problem(line_of(node), field, f"expected {what}{hint}, got {describe(node)}")
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
        got = describe(node)
        if isinstance(node, ScalarNode) and is_plain(node) and node.value.lower() in _YAML11_BOOLS:
            got += " (YAML readers disagree on yes/no/on/off)"
        elif isinstance(node, ScalarNode) and not is_plain(node) and node.value.strip().lower() in ("true", "false"):
            got += f" (a quoted text; write {node.value.strip().lower()} without quotes)"
        self.problem(line_of(node), field, f"expected true or false, got {got}")
        return None

    def date(self, node: Node, field: str) -> date | None:
        text = node.value.strip() if isinstance(node, ScalarNode) and not is_null(node) else ""
        try:
            day = iso_date(text)
        except ValueError:
            self.problem(line_of(node), field, f"expected a real date, got {text} (no such day)")
            return None
        if day is None:
            self.problem(line_of(node), field, f"expected a date written YYYY-MM-DD, got {describe(node)}")
        return day

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
        assert name is not None and type_ is not None and published is not None  # else a problem above
        return Organisation(slug, name, type_, published, assessments, self.path, code)

    def code(self, node: Node, type_: str | None, name: str | None) -> str | None:
        """SCB's code of a municipality or region, quoted ("0114"), of the kind `typ` says."""
        ref = self.ins.reference
        example = 'e.g. kod: "0114" for a municipality or kod: "01" for a region'
        if not isinstance(node, ScalarNode) or is_null(node) or not node.value.strip():
            self.problem(line_of(node), "kod", f"expected SCB's code in quotes, {example}, got {describe(node)}")
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
                f"expected a list of assessments (- datum: …), got {describe(node)}{self.list_hint(node, 'matningar')}",
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
                    f"expected a list of respondents (- roll: …), got {describe(node_r)}{self.list_hint(node_r, 'respondenter')}",
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
            if is_null(svar) or (isinstance(svar, MappingNode) and not svar.value):
                # `svar:` left empty, as `build.py new` leaves it: a respondent who counts as
                # interviewed but gives no point is a mistake, never a result.
                self.problem(
                    line_of(svar_key),
                    "svar",
                    f"{EMPTY_ANSWERS}, got {describe(svar)}; "
                    f"fill them in ({self.ins.dont_know} for a question asked but not answered), or remove the respondent",
                    Kind.EMPTY_ANSWERS,
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
                return shared_answer(self.ins, q.id, node.value, dict(q.points)[node.value], q.weight, None, None)
            expected = choices + (self.ins.dont_know,)
            self.problem(line_of(node), q.id, f"expected {or_list(expected)}, got {self.got(node, expected)}")
            return None
        if q.extra and isinstance(node, MappingNode):
            return self.answer_with_option(q, node)
        points = self.scale_points(node)
        if points is None:
            wanted = f"{self.scale_range()} or {self.ins.dont_know}"
            if q.extra:
                wanted = f"{self.scale_range()}, {self.ins.dont_know} or {self.option_form(q)}"
            self.problem(line_of(node), q.id, f"expected {wanted}, got {self.got(node, (self.ins.dont_know,))}")
            return None
        if q.default_option and self.want_notes:
            self.note(line_of(node), q.id, self.assumed_message(q, node.value))
        return shared_answer(self.ins, q.id, node.value, points, self.weight(q, q.default_option), None, q.default_option)

    def assumed_message(self, q: Question, value: str) -> str:
        """A bare number where the weight depends on an option: SPEC.md counts it as the default, and the
        reports then say so ("antagen: hela"); the note says how to record what was answered."""
        assert q.default_option is not None  # only a question with a default assumes one
        default = q.option(q.default_option)
        forms = " or ".join(f"`{{svar: {value}, {q.extra}: {o.key}}}`" for o in sorted(q.options, key=lambda o: o.key != q.default_option))
        return (
            f"no {q.extra} given, so it is assumed to be {q.default_option} ({default.label}) and the "
            f"reports say 'antagen: {default.short}'; write {forms} as the respondent answered"
        )

    def option_form(self, q: Question) -> str:
        return f"{{svar: {self.scale_range()}, {q.extra}: {'|'.join(o.key for o in q.options)}}}"

    def answer_with_option(self, q: Question, node: MappingNode):
        assert q.extra is not None  # only a question with an option is answered with one
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
        return shared_answer(self.ins, q.id, value.value, points, self.weight(q, option), option_given, option)

    def weight(self, q: Question, option: str | None) -> Fraction:
        weight = q.option(option).weight if option is not None else None
        return weight if weight is not None else q.weight

    def scale_range(self) -> str:
        values = [v for v, _ in self.ins.scale]
        return f"{min(values)}–{max(values)}"

    def scale_points(self, node: Node) -> int | None:
        """A score written as a plain whole number on the scale, else None."""
        if not isinstance(node, ScalarNode) or not is_plain(node):
            return None
        return self.ins.scale_points.get(node.value)  # "3", never "03", "+3" or "3.0"

    def got(self, node: Node, choices: tuple[str, ...] = ()) -> str:
        return got(node, choices, tuple(v for v, _ in self.ins.scale))


_DONT_KNOW = object()  # an answer given as vet_ej
