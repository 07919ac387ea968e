"""The national follow-up per round year: counts and changes against hand-computed values, the
rule for small groups, that unpublished organisations never count, and the page and PDF."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from ambitionsgraf.answers import parse_organisation
from ambitionsgraf.scoring import question_status, score_organisation, step_statuses, summarise

from .helpers import answer_file
from .test_scoring import respondent


def scored(instrument, text: str, name: str = "test"):
    org, problems = parse_organisation(instrument, Path(f"orgs/{name}.yaml"), text.encode(), f"orgs/{name}.yaml")
    assert problems == [], problems
    return score_organisation(instrument, org)


@settings(max_examples=60, deadline=None)
@given(st.lists(respondent(), min_size=1, max_size=5))
def test_a_summary_gives_the_same_step_statuses_as_the_whole_result(instrument, respondents):
    """The follow-up reads summaries, which keep question means and not answers: the means alone
    must give every question's and step's status as the answers do (ja/nej included)."""
    result = scored(instrument, answer_file([("2024-01-10", respondents)]))
    round_ = summarise(result).latest
    statuses = {q.id: question_status(instrument, q.id, round_.questions[q.id].mean) for q in instrument.questions}
    assert statuses == {qid: q.status for qid, q in result.latest.questions.items()}
    assert step_statuses(instrument, statuses) == dict(result.latest.steps)
