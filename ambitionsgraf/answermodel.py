"""What a valid answer file becomes: frozen values the scoring and every renderer read
(answers.py reads files into them, answercheck.py checks them on the way)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from functools import cached_property

from .instrument import Instrument

# SPEC: "its name (without .yaml) is the slug, which must match [a-z0-9-]+"; and it starts with a letter or
# digit, so that it never reads as a command-line option (`--only -x`, `new -x`) or as a hidden file.
SLUG = re.compile(r"[a-z0-9][a-z0-9-]*")
SLUG_RULE = "a–z, 0–9 and hyphens, starting with a letter or digit"


@dataclass(frozen=True)
class Answer:
    """One usable answer: the points it gives, and its weight in the area sum."""

    value: str  # "3", "ja", … as written
    points: int
    weight: Fraction
    option: str | None = None  # omfattning / frekvens, when given
    weighted: int = 0  # points × weight × the instrument's weight_scale: what area scores sum


def shared_answer(
    ins: Instrument, qid: str, value: str, points: int, weight: Fraction, option: str | None, weighted_by: str | None
) -> Answer:
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
