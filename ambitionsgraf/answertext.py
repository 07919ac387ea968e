"""One question's answers in words, as a report's table cell shows them: the options chosen, each
role's answers, and an option the score assumes ("antagen: hela"), never shown as if recorded."""

from __future__ import annotations

from collections import Counter

from .wording import assumed


def _options_note(q, r) -> str:
    """For a question with options: how many chose each, as the instrument lists them
    ("Omfattning: hela inköpsportföljen 3, delar av inköpsportföljen 1"); empty otherwise. An answer
    given without its option is counted as such, and where the score assumes the default, it says so."""
    if not q.options:
        return ""
    chosen = Counter(o for options in r.options_by_role.values() for o in options)
    if not chosen:
        return ""
    parts = [f"{o.label} {chosen[o.key]}" for o in q.options if chosen[o.key]]
    if chosen[None]:
        parts.append(f"ej angiven {chosen[None]}" + (f" ({assumed(q)})" if q.default_option else ""))
    return f"{q.extra.capitalize()}: " + ", ".join(parts)


def _role_answers(q, points: tuple[int, ...], options: tuple[str | None, ...]) -> str:
    """One role's answers to one question, with the option each was given with ("4 (hela), 3 (delar)",
    "3 (antagen: hela)" where none was given and the score assumes one); more than three as counts
    ("4: 9 svar; 3: 11 svar"), strongest first, so that a cell stays short."""
    if not points:
        return "–"

    def with_option(p: int, o: str | None) -> str:
        if o:
            return f"{_answer_text(q, p)} ({q.option(o).short})"
        return f"{_answer_text(q, p)} ({assumed(q)})" if q.default_option else _answer_text(q, p)

    shown = [with_option(p, o) for p, o in zip(points, options or (None,) * len(points))]
    if len(shown) <= 3:
        return ", ".join(shown)
    order = {text: p for text, p in zip(shown, points)}
    tally = Counter(shown)
    return "; ".join(f"{text}: {tally[text]} svar" for text in sorted(tally, key=lambda t: (-order[t], t)))


def _answer_text(q, points: int) -> str:
    if q.rule == "ja_nej":
        return next(k for k, p in q.points if p == points)
    return str(points)
