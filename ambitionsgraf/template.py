"""A new answer file: every question as a commented template, in instrument order."""

from __future__ import annotations

import datetime
import json
import re
from pathlib import Path

from .answers import SLUG, display_path
from .instrument import Instrument
from .problems import ContentError, Problem


def _quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a valid YAML double-quoted scalar


def new_answer_file(ins: Instrument, orgs_dir: Path, slug: str, name: str, type_: str, day: str | None) -> tuple[Path, str]:
    path = orgs_dir / f"{slug}.yaml"
    shown = display_path(path)
    problems = []
    if not SLUG.fullmatch(slug):
        problems.append(Problem(shown, 1, "slug", f"{slug!r} is not a valid slug: use lower-case a–z, 0–9 and hyphens"))
    if type_ not in {t.id for t in ins.types}:
        problems.append(Problem(shown, 1, "typ", f"expected {', '.join(t.id for t in ins.types)}, got {type_!r}"))
    name = " ".join(name.split())  # one line: a newline would break out of the YAML comment
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
    scale = ", ".join(f"{v} = {label}" for v, label in ins.scale)
    lines = [
        f"# Answer file for {name}. Fill in one block per respondent; copy the block for more.",
        f"# Scale: {scale}; {ins.dont_know} = {ins.dont_know_label}. Leave a line commented out if the question was not asked.",
        "# Respondents carry a role, never a person's name.",
        f"namn: {_quote(name.strip())}",
        f"typ: {type_}",
        "publicerad: false",
        "matningar:",
        f"  - datum: {day}",
        "    # kommentar: \"…\"",
        "    respondenter:",
        f"      - roll: {ins.roles[0].id}  # {' | '.join(r.id for r in ins.roles)}",
        "        # kommentar: \"…\"",
        "        svar:",
    ]
    for area in ins.areas:
        lines.append(f"          # Område {area.number} – {area.label}" + (f". {area.preamble}" if area.preamble else ""))
        for q in area.questions:
            lines.append(f"          # {q.number}. {q.text}")
            if q.rule == "ja_nej":
                lines.append(f"          # {q.id}: {' | '.join(k for k, _ in q.points)} | {ins.dont_know}")
            elif q.extra:
                options = "|".join(o.key for o in q.options)
                lines.append(f"          # {q.id}: {{svar: 1–4, {q.extra}: {options}}}")
            else:
                lines.append(f"          # {q.id}: 1–4 | {ins.dont_know}")
    return path, "\n".join(lines) + "\n"
