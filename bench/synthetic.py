"""Synthetic answer files for the benchmark, made from the instrument: every question, role and
type, the scale's bounds, the ja/nej question's answers and each option come from
content/instrument.yaml, so a change to the instrument is measured without an edit here.

Each organisation has three rounds of one respondent per role, answers drawn around a level that
rises a little from round to round; a third are unpublished. The draws are seeded by the number of
organisations, so the same N gives the same files in every run."""

from __future__ import annotations

import random
import re
from pathlib import Path

from ambitionsgraf import answerfile
from ambitionsgraf.instrument import load_instrument

ROOT = Path(__file__).resolve().parent.parent
INSTRUMENT = load_instrument(ROOT / "content" / "instrument.yaml")
QUESTIONS = list(INSTRUMENT.question_ids)  # in the instrument's order
ROLES = [r.id for r in INSTRUMENT.roles]
# The mix of types: eight municipalities to each of the others, roughly the country's.
TYPES = [t.id for t in INSTRUMENT.types for _ in range(8 if t.id == "kommun" else 1)]
BOTTOM, TOP = min(v for v, _ in INSTRUMENT.scale), max(v for v, _ in INSTRUMENT.scale)
# The answer a correction moves one step: the first question on the scale.
CORRECTED = next(q.id for q in INSTRUMENT.questions if q.rule == "skala")


def _answer(q, level: float, rnd: random.Random):
    if rnd.random() < 0.03:
        return INSTRUMENT.dont_know
    if q.points:  # ja_nej: the answer that gives points, as often as the level is high
        (yes, _), (no, _) = q.points[0], q.points[-1]
        value = yes if rnd.random() < level / TOP else no
    else:
        value = min(TOP, max(BOTTOM, round(rnd.gauss(level, 0.7))))
    if q.extra:
        return {"svar": value, q.extra: rnd.choice([o.key for o in q.options])}
    return value


def synthetic_file(i: int, rnd: random.Random) -> str:
    level = rnd.uniform(1.3, 3.7)
    type_ = rnd.choice(TYPES)
    rounds = []
    for year in (2021, 2023, 2025):
        day = f"{year}-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}"
        respondents = [answerfile.Respondent(role, {q.id: _answer(q, level, rnd) for q in INSTRUMENT.questions}) for role in ROLES]
        rounds.append(answerfile.Round(day, respondents))
        level = min(3.9, level + rnd.uniform(-0.1, 0.3))
    return answerfile.answer_file(f"Syntetisk organisation {i}", type_, rounds, published=bool(i % 3))


def write_orgs(folder: Path, n: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    rnd = random.Random(n)
    for i in range(n):
        (folder / f"org-{i:04d}.yaml").write_text(synthetic_file(i, rnd), encoding="utf-8")


def _correct(text: str) -> str:
    """The first answer to CORRECTED in `text`, one step up (down from the top; vet ej becomes the step above the bottom)."""
    m = re.search(rf"{CORRECTED}: (\S+)", text)
    assert m is not None
    steps = {str(v): str(v + 1 if v < TOP else v - 1) for v in range(BOTTOM, TOP + 1)}
    new = steps.get(m[1], str(BOTTOM + 1))
    return text[: m.start(1)] + new + text[m.end(1) :]


def change_latest_answer(path: Path) -> None:
    """Correct one answer in the organisation's latest round, which comparisons with others read."""
    head, sep, last = path.read_text().rpartition("  - datum: ")
    path.write_text(head + sep + _correct(last))


def change_earlier_answer(path: Path) -> None:
    """Correct one answer in the organisation's first round, which only its own reports show."""
    path.write_text(_correct(path.read_text()))
