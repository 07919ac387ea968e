"""What an imported answer may say, for every source alike: the rules for reading one value.

A source hands over a value as its input holds it (a spreadsheet's text, number, date or bool, a
JSON string or number) with the row and field it is about and `where`, the place a message names
("column C", "cell Blad1!C7"); a problem is reported through the callback the source gives
(`Imported.problem`), never raised. Nothing here knows of tables, headers or files: the scale's
labels and their other spellings, the ways of writing vet ej, ja/nej, options, dates, types and
roles, and the checks of free text (text.check_name / check_comment, contact details, what the
source withholds) are the same whichever source a value comes from.
"""

from __future__ import annotations

import datetime
import difflib
import re
from collections.abc import Callable
from typing import Any

from .. import personal
from ..instrument import Instrument, Question
from ..text import ISO_DATE, check_comment, check_name, or_list, show
from .cells import clean, fold, loose_key, negated, shown_cell
from .columns import option_keys
from .model import ImportedAnswer

# Spellings a reader takes for a label on the scale or for vet ej.
_DONT_KNOW = ("vet ej", "vet inte", "ingen uppfattning", "vet ej/ingen uppfattning", "vet inte/ingen uppfattning")
_SCALE_TOP = ("instämmer helt", "instämmer helt och hållet", "stämmer helt", "stämmer helt och hållet")
_SCALE_BOTTOM = ("stämmer inte alls", "instämmer inte alls")
_NOT_A_NAME = re.compile(r"[\d\s:./+-]*|[a-z]{2}(?:-[a-z]{2})?")  # dates, times, ids, language codes
_DATE = re.compile(ISO_DATE.pattern + r"(?:[ T]00:00(?::00)?)?")  # as a spreadsheet may write a day
_NUMBER = re.compile(r"[0-9]+(?:[.,]0+)?")
_NUMBER_AND_LABEL = re.compile(r"([0-9]+)\s*[-–—.:)]?\s+(.+)")
DONT_KNOW = object()  # a value's answer: vet ej

Report = Callable[[int, str, str], None]  # (row, field, message): Imported.problem


def empty(value: Any) -> bool:
    """Nothing given: None, or text of nothing but spaces."""
    return value is None or (isinstance(value, str) and not clean(value))


def text_of(value: Any) -> str:
    """A value as trimmed text; a whole float (a spreadsheet's 3.0) as the whole number."""
    if isinstance(value, float) and value == int(value):
        value = int(value)
    return clean(value)


class Values:
    """The instrument's rules for one value, reporting each problem at (row, field) with `where`."""

    def __init__(self, ins: Instrument, problem: Report):
        self.ins = ins
        self.problem = problem
        self.scale = {v: label for v, label in ins.scale}
        self.scale_by_label = {fold(label): v for v, label in ins.scale}
        for spelling in _SCALE_TOP:
            self.scale_by_label.setdefault(spelling, max(self.scale))
        for spelling in _SCALE_BOTTOM:
            self.scale_by_label.setdefault(spelling, min(self.scale))
        self.dont_know = {fold(ins.dont_know), fold(ins.dont_know_label), *_DONT_KNOW}
        self.range = f"{min(self.scale)}–{max(self.scale)}"
        self.types = {k: t.id for t in ins.types for k in (loose_key(t.id), loose_key(t.label))}
        self.roles = {k: r.id for r in ins.roles for k in (loose_key(r.id), loose_key(r.label))}
        self.withheld: dict[str, str] = {}  # what the source drops (a respondent's name) → where it is

    # -- answers ------------------------------------------------------------------

    def answer(self, q: Question, value: Any, row: int, where: str):
        """The answer a value gives: None when empty, DONT_KNOW, points or ja/nej; False after a problem."""
        if empty(value):
            return None
        text = clean(value)
        folded = fold(text)
        if folded in self.dont_know:
            return DONT_KNOW
        if q.rule == "ja_nej":
            keys = {fold(k): k for k, _ in q.points}
            if folded in keys and not isinstance(value, bool):
                return keys[folded]
            labels = [k.capitalize() for k, _ in q.points] + [self.ins.dont_know_label]
            self.problem(row, q.id, f"expected {or_list(labels)}, got {self._got(value, labels, where)}")
            return False
        points = self._scale_value(value, text)
        if points is None:
            example = self.ins.scale[1][1]
            labels = [label for _, label in self.ins.scale] + [self.ins.dont_know_label]
            self.problem(
                row,
                q.id,
                f"expected {self.range}, a label on the scale such as '{example}', or '{self.ins.dont_know_label}'; "
                f"got {self._got(value, labels, where)}",
            )
            return False
        return points

    def _scale_value(self, value: Any, text: str) -> int | None:
        if isinstance(value, bool):
            return None
        if isinstance(value, (int, float)):
            return int(value) if value == int(value) and int(value) in self.scale else None
        if _NUMBER.fullmatch(text):
            number = int(re.split(r"[.,]", text)[0])
            return number if number in self.scale else None
        if fold(text) in self.scale_by_label:
            return self.scale_by_label[fold(text)]
        m = _NUMBER_AND_LABEL.fullmatch(text)  # "3 – Instämmer delvis", as some tools export
        if m and int(m[1]) in self.scale and self.scale_by_label.get(fold(m[2])) == int(m[1]):
            return int(m[1])
        return None

    def _got(self, value: Any, labels: list[str], where: str) -> str:
        """'what was written' (where; a hint where one helps)."""
        text = clean(value)
        notes = [where]
        # Spellings the import accepts are compared too, and offer the label they stand for
        # ("Instämer helt" → Instämmer i hög grad). A hint never turns the meaning round: when the
        # closest spelling says "inte" and the value does not (or the other way), there is no hint.
        offered = {fold(label): label for label in labels}
        if self.scale[max(self.scale)] in labels:
            offered.update({spelling: self.scale[points] for spelling, points in self.scale_by_label.items() if spelling not in offered})
        said = re.sub(r"\bej\b", "inte", fold(text))  # "Instämmer ej helt" is "Instämmer inte helt"
        close = difflib.get_close_matches(said, list(offered), n=1, cutoff=0.75)
        if close and negated(close[0]) == negated(said):
            notes.append(f"did you mean {offered[close[0]]}?")
        elif isinstance(value, float) or re.fullmatch(r"[0-9]+[.,][0-9]+", text):
            notes.append("not a whole number")
        return f"{shown_cell(text)} ({'; '.join(notes)})"

    def option(self, q: Question, value: Any, row: int, field: str, where: str) -> str | bool | None:
        """The option key a value gives (delar, kvartal, …); None when empty, False after a problem."""
        text = clean(value)
        if not text:
            return None
        by_key = option_keys(q)
        if loose_key(text) in by_key:
            return by_key[loose_key(text)]
        choices = [o.key for o in q.options]
        self.problem(row, field, f"expected {or_list(choices)} (or empty), got {shown_cell(text)} ({where})")
        return False

    def question(
        self, q: Question, value: Any, row: int, where: str, option: tuple[Any, str] | None = None, no_option: str = "not given"
    ) -> ImportedAnswer | None:
        """One question's answer with its option (omfattning / frekvens), as the answer file writes
        them; None when unanswered or after a problem. `option` is the option's value and where it is,
        None when the source has no place for it (`no_option` then says so in a message)."""
        answer = self.answer(q, value, row, where)
        field = f"{q.id}_{q.extra}"
        chosen = None
        if q.extra and option is not None:
            chosen = self.option(q, option[0], row, field, option[1])
            if chosen and answer is None:
                self.problem(row, field, f"given, but {q.id} is not answered; fill in the answer or clear this cell ({option[1]})")
                return None
        if answer is None or answer is False or chosen is False:
            return None
        if chosen is None and q.default_option is not None and answer is not DONT_KNOW:
            # Never assumed: the weight depends on it, and an empty value may be a forgotten one.
            labels = or_list([o.label for o in q.options])
            option_at = option[1] if option is not None else no_option
            self.problem(row, field, f"missing; {q.id} is answered, so its {q.extra} is needed: {labels} ({option_at})")
            return None
        return ImportedAnswer(None if answer is DONT_KNOW else str(answer), chosen if isinstance(chosen, str) and chosen else None)

    # -- the organisation and the respondent ----------------------------------------

    def type_(self, value: Any, row: int, where: str) -> str | None:
        """The organisation's type id ("" when empty); None when unknown."""
        text = text_of(value)
        type_ = self.types.get(loose_key(text)) if text else ""
        if type_ is None:
            self.problem(row, "typ", f"expected {or_list([t.id for t in self.ins.types])}, got {shown_cell(text)} ({where})")
        return type_

    def role(self, value: Any, row: int, where: str) -> str | None:
        """The respondent's role id; None when missing or unknown."""
        text = text_of(value)
        role = self.roles.get(loose_key(text)) if text else None
        expected = or_list([r.id for r in self.ins.roles])
        if not text:
            self.problem(row, "roll", f"missing; expected {expected} ({where})")
        elif role is None:
            self.problem(row, "roll", f"expected {expected}, got {shown_cell(text)} ({where})")
        return role

    def date(self, value: Any, row: int, where: str) -> datetime.date | bool | None:
        """The day a value gives: None when empty, False after a problem."""
        if empty(value):
            return None
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        m = _DATE.fullmatch(clean(value))
        if m:
            try:
                return datetime.date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                self.problem(row, "datum", f"expected a real date, got {m[1]}-{m[2]}-{m[3]} (no such day) ({where})")
                return False
        serial = isinstance(value, (int, float)) or re.fullmatch(r"[1-9][0-9]{4}(?:[.,][0-9]+)?", clean(value))
        hint = "; a spreadsheet keeps a date as such a number in a column not formatted as dates: format it as dates" if serial else ""
        self.problem(row, "datum", f"expected a date written YYYY-MM-DD, got '{show(clean(value))}' ({where}{hint})")
        return False

    # -- free text and personal data -------------------------------------------------

    def free_text(self, text: str, row: int, field: str, where: str, line_breaks: bool = False) -> str:
        """A name or comment as an answer file may hold it, by the rules `check` applies to a typed
        file (text.check_name, text.check_comment): refused at `where`, invisible characters removed."""
        cleaned, refusals, _ = check_comment(text, in_file=False) if line_breaks else check_name(text, in_file=False)
        for message in refusals:
            self.problem(row, field, f"{message} ({where})")
        return cleaned

    def withhold(self, value: Any, where: str) -> None:
        """What the source drops as a respondent's name or contact details (`where`: "column D"):
        no_withheld keeps it out of every text that reaches an answer file. Dates, times, ids and
        language codes are no names and are not withheld."""
        text = text_of(value)
        if len(text) >= 3 and not _NOT_A_NAME.fullmatch(text):
            self.withheld[text.casefold()] = where

    def no_withheld(self, text: str, row: int, field: str, where: str) -> None:
        """Text that reaches an answer file (a name, a comment) must hold nothing withheld (a
        respondent's name, typed again in a comment); free_text refused contact details."""
        folded = text.casefold()
        for value, source in self.withheld.items():
            if re.search(rf"(?<!\w){re.escape(value)}(?!\w)", folded):
                self.problem(
                    row,
                    field,
                    f"holds what {source} gives as a respondent's name or contact details; "
                    f"answer files never hold them: remove it from {where}",
                )
                return

    def contact(self, value: Any, row: int, field: str, where: str) -> None:
        """Any other text read (not a name or comment, which free_text checks) holding contact
        details or a personal identity number: an error at `where`."""
        found = personal.problem(value) if isinstance(value, str) else None
        if found:
            self.problem(row, field, f"{found} ({where})")
