"""What a report suggests for one step or zone, and why: the questions that put it where it is.

A step's status is the weakest of its questions' (scoring.weakest_status), so a step of three
questions can be held back by one of them. The suggestion says which (`cause`), and speaks to
that question with the text its step's guidance page gives for it (`fragor` in the page's front
matter); a step in place gets the page's text for reaching further. Nothing here is wording of
the instrument: labels come from the instrument, texts from content/vagledning/.
"""

from __future__ import annotations

from collections.abc import Mapping

from .content import Page
from .instrument import Instrument, Step
from .scoring import QuestionResult, question_bounds
from .text import and_list, num_on_side, question_numbers

NO_ANSWERS = "Gå igenom stegets vägledning och ta med frågorna vid nästa mätning."
UNANSWERED = "Ingen svarade på fråga {number}. Ta med den vid nästa mätning: utan svar kan steget inte visas vara på plats."


def _numbers(ins: Instrument, qids: list[str]) -> str:
    return question_numbers([ins.question(q).number for q in qids])


def question_state(ins: Instrument, qid: str, r: QuestionResult) -> str:
    """A question's result in words, as its table row shows it: "fråga 1 (mål för inköpsverksamheten,
    2 av 4 svarade ja)", "fråga 11 (stöd med styrdokument, medelvärde 3,0)"."""
    q = ins.question(qid)
    if r.mean is None:
        return f"fråga {q.number} ({q.short}, inget svar)"
    if q.rule == "ja_nej":
        yes = dict(q.points)["ja"]
        said_yes = sum(1 for points in r.points_by_role.values() for p in points if p == yes)
        return f"fråga {q.number} ({q.short}, {said_yes} av {r.answered} svarade ja)"
    bounds = question_bounds(ins, qid)
    return f"fråga {q.number} ({q.short}, medelvärde {num_on_side(r.mean, bounds.at_least, bounds.above)})"


def step_advice(ins: Instrument, page: Page, step: Step, status: str | None, questions: Mapping[str, QuestionResult]) -> dict:
    """`cause`: the questions that put the step at its status, in a sentence; `texts`: what to do,
    one text per question not in place (the causes first); `text`: both, as one paragraph (the
    action plan's cell)."""
    labels = {s.id: s.label.lower() for s in ins.statuses}
    in_place = ins.statuses[0].id
    own = [q.id for q in ins.questions_of_step(step.id)]
    if status is None:
        cause = f"Ingen svarade på stegets frågor ({_numbers(ins, own)})."
        texts = [NO_ANSWERS]
    elif status == in_place:
        which = "Stegets enda fråga" if len(own) == 1 else "Alla stegets frågor"
        cause = f"{which} är på plats ({_numbers(ins, own)})."
        texts = [page.suggestion(status)]
    else:

        def held(qid: str) -> bool:
            r = questions[qid]
            return r.status == status or (r.status is None and status == ins.statuses[1].id)

        causes = [q for q in own if held(q)]
        others = [q for q in own if q not in causes and questions[q].status not in (in_place,)]
        fine = [q for q in own if questions[q].status == in_place]
        states = [question_state(ins, q, questions[q]) for q in causes]
        cause = f"Bedömningen {labels[status]} beror på {and_list(states)}."
        if others:
            cause += (
                " Inte heller på plats: "
                + and_list(
                    question_state(ins, q, questions[q]) + (f" ({labels[questions[q].status or '']})" if questions[q].status else "")
                    for q in others
                )
                + "."
            )
        if fine:
            numbers = _numbers(ins, fine)
            cause += f" {numbers[0].upper()}{numbers[1:]} är på plats."
        texts = [
            UNANSWERED.format(number=ins.question(q).number)
            if questions[q].status is None
            else page.question_suggestion(q, questions[q].status or "")
            for q in causes + others
        ]
    return {"cause": cause, "texts": texts, "text": " ".join([cause, *texts])}
