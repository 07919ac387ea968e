"""Build answer files from compact Python values, for tests."""

from __future__ import annotations

from pathlib import Path

from ambitionsgraf import answerfile
from ambitionsgraf.instrument import load_instrument

# The instrument's question ids, in its order (content/instrument.yaml).
QUESTIONS = list(load_instrument(Path(__file__).resolve().parent.parent / "content" / "instrument.yaml").question_ids)


def uniform(value, mal="ja", omfattning="hela", **overrides) -> dict:
    """Every scale question answered `value`; v1_mal `mal`; question 13 with its omfattning (`omfattning=None`: a
    bare number, which check notes and the reports show as assumed); overrides win (None drops the key)."""
    svar = {q: value for q in QUESTIONS}
    svar["v1_mal"] = mal
    if omfattning and value != "vet_ej":
        svar["v3_uppfoljning"] = {"svar": value, "omfattning": omfattning}
    svar.update(overrides)
    return {k: v for k, v in svar.items() if v is not None}


def answer_file(
    rounds: list[tuple[str, list[tuple[str, dict]]]],
    *,
    namn="Testby kommun",
    typ="kommun",
    publicerad=True,
    comments: dict | None = None,
    kod: str | None = None,
) -> str:
    """rounds: [(datum, [(roll, svar), …]), …]; comments: {(round index, respondent index): text}.

    Written by ambitionsgraf.answerfile, which writes any value it is given (a wrong answer
    included), so that the validator can be tested on it.
    """
    comments = comments or {}
    return answerfile.answer_file(
        namn,
        typ,
        [
            answerfile.Round(datum, [answerfile.Respondent(roll, svar, comments.get((i, j))) for j, (roll, svar) in enumerate(respondents)])
            for i, (datum, respondents) in enumerate(rounds)
        ],
        published=publicerad,
        code=kod,
    )
