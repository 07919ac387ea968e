"""`build.py new`: the arguments checked; the text itself is answerfile.template."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

from . import answerfile
from .answers import SLUG, SLUG_RULE, display_path
from .instrument import Instrument
from .problems import ContentError, Problem
from .text import one_line, slug_for


def new_answer_file(ins: Instrument, orgs_dir: Path, slug: str, name: str, type_: str, day: str | None) -> tuple[Path, str]:
    path = orgs_dir / f"{slug}.yaml"
    shown = display_path(path)
    problems = []
    if not SLUG.fullmatch(slug):
        better = slug_for(slug) or slug_for(name)
        hint = f"; did you mean {better}?" if better else ""
        problems.append(Problem(shown, 1, "slug", f"{slug!r} is not a valid slug: use {SLUG_RULE}{hint}"))
    if type_ not in {t.id for t in ins.types}:
        problems.append(Problem(shown, 1, "typ", f"expected {', '.join(t.id for t in ins.types)}, got {type_!r}"))
    name = one_line(name)  # one line: a newline would break out of the YAML comment
    if not name:
        problems.append(Problem(shown, 1, "namn", "expected the organisation's name"))
    if day is None:
        day = datetime.date.today().isoformat()
    else:
        try:
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", day):
                raise ValueError(day)
            datetime.date.fromisoformat(day)
        except ValueError:
            problems.append(Problem(shown, 1, "datum", f"expected a date written YYYY-MM-DD, got {day!r}"))
    if path.exists():
        problems.append(Problem(shown, 1, "file", "already exists; edit it, or choose another slug"))
    if problems:
        raise ContentError(problems)
    return path, answerfile.template(ins, name, type_, day)
