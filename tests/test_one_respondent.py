"""A round one person answered is never published per area, question or step.

The public page, its PDF, data/<slug>.json and resultat.csv show such a round's point and quadrant
only, and say why; the delivery package keeps everything; no area change is shown against such a
round; `check` notes it for a published file. Each assertion below fails if the guard is removed
(scoring.details_public, reportview.report_view, opendata.rows, the templates).
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from ambitionsgraf import national, reportview
from ambitionsgraf.answers import parse_organisation
from ambitionsgraf.pipeline import load_project
from ambitionsgraf.scoring import score_organisation, summarise
from ambitionsgraf.site import report_html

from .conftest import ROOT, TEST_SITE_URL, project_settings, run_build, run_cli, write_orgs
from .helpers import answer_file, uniform

# One person, with answers no one else gave: 4 on v1_matt, 1 on v1_plan (the text of a question must never show).
ALONE = answer_file([("2025-03-01", [("inkopschef", uniform(3, v1_matt=4, v1_plan=1))])], namn="Ensamby kommun")
# Two rounds: the first one person's, the latest two people's.
LATER = answer_file(
    [("2024-03-01", [("inkopschef", uniform(1))]), ("2025-03-01", [("inkopschef", uniform(3)), ("verksamhet", uniform(4))])],
    namn="Tvåby kommun",
)
NOTE = (
    "respondenter: note: one person answered this round: the public site and its data show its point and quadrant only, "
    "nothing per area, question or step (the delivery report keeps everything)"
)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    base = tmp_path_factory.mktemp("alone")
    orgs = write_orgs(base / "orgs", {"ensamby.yaml": ALONE, "tvaby.yaml": LATER})
    run_build(orgs, base / "out")
    return base


def result_of(instrument, text: str, slug: str):
    org, problems = parse_organisation(instrument, Path(f"orgs/{slug}.yaml"), text.encode(), f"orgs/{slug}.yaml")
    assert problems == []
    return score_organisation(instrument, org)


def test_the_public_json_holds_the_point_and_quadrant_only_and_the_delivery_json_everything(built):
    (public,) = json.loads((built / "out" / "site" / "data" / "ensamby.json").read_text())["matningar"]
    assert public["respondenter"] == 1 and public["detaljer_publiceras"] is False
    assert public["axlar"]["ledning"] is not None and public["kvadrant"] is not None
    assert public["omraden"] == dict.fromkeys(("strategi_planering", "uppfoljning_analys", "ansvar_organisation", "samspel_verksamhet"))
    assert (public["fragor"], public["steg"], public["prioriteringar"], public["saknas"]) == ({}, {}, [], {})
    (full,) = json.loads((built / "out" / "leverans" / "ensamby.json").read_text())["matningar"]
    assert full["fragor"]["v1_matt"]["medel"] == 4.0 and full["omraden"]["strategi_planering"] is not None
    two = json.loads((built / "out" / "site" / "data" / "tvaby.json").read_text())["matningar"]
    assert [m["detaljer_publiceras"] for m in two] == [False, True] and two[0]["fragor"] == {} and len(two[1]["fragor"]) == 19


def test_the_public_page_says_why_and_shows_no_question(built, instrument):
    page = (built / "out" / "site" / "organisationer" / "ensamby" / "index.html").read_text()
    assert "besvarades av en person" in page and 'href="../../metod/#matningar-med-en-person"' in page
    assert "Resultat per fråga" not in page and "Områdespoäng" not in page
    assert not any(q.text in page for q in instrument.questions)
    method = (built / "out" / "site" / "metod" / "index.html").read_text()
    assert 'id="matningar-med-en-person"' in method


def test_resultat_csv_leaves_the_areas_empty(built):
    rows = list(csv.DictReader(io.StringIO((built / "out" / "site" / "data" / "resultat.csv").read_text())))
    (row,) = [r for r in rows if r["slug"] == "ensamby"]
    assert row["ledning"] and row["verksamhet"] and row["kvadrant"] and row["respondenter"] == "1"
    assert [row[k] for k in ("strategi_planering", "uppfoljning_analys", "ansvar_organisation", "samspel_verksamhet")] == ["", "", "", ""]


def test_the_public_pdf_shows_the_point_only_and_the_delivery_pdf_everything(instrument):
    project = load_project(ROOT, project_settings(TEST_SITE_URL))
    result = result_of(instrument, ALONE, "ensamby")
    public = report_html(project, result, public=True)
    assert "besvarades av en person" in public and f"{TEST_SITE_URL}metod/#matningar-med-en-person" in public
    assert not any(q.text in public for q in instrument.questions) and "Områdespoäng" not in public
    private = report_html(project, result, public=False)
    assert all(q.text in private for q in instrument.questions) and "besvarades av en person" not in private


def test_no_area_change_against_a_round_one_person_answered(instrument):
    result = result_of(instrument, LATER, "tvaby")
    view = reportview.report_view(instrument, load_project(ROOT, project_settings()).guidance, result, public=True, root="", chart="")
    assert view.details and len(view.areas) == 4 and all(a.change is None for a in view.areas)
    private = reportview.report_view(instrument, load_project(ROOT, project_settings()).guidance, result, public=False, root="", chart="")
    assert all(a.change is not None for a in private.areas)


def test_check_notes_a_published_round_one_person_answered(tmp_path):
    orgs = write_orgs(
        tmp_path / "orgs",
        {
            "ensamby.yaml": ALONE,
            "tvaby.yaml": LATER,
            "hemlig.yaml": ALONE.replace("publicerad: true", "publicerad: false").replace("Ensamby", "Hemby"),
        },
    )
    result = run_cli("check", "--orgs", str(orgs))
    assert result.returncode == 0, result.stderr
    notes = [line for line in result.stderr.splitlines() if "one person answered" in line]
    assert notes == [f"{orgs / 'ensamby.yaml'}:5: {NOTE}", f"{orgs / 'tvaby.yaml'}:5: {NOTE}"]


def test_the_overview_and_the_follow_up_count_a_one_person_round_as_without_answers(instrument):
    """Per question and per step the national follow-up (and the overview, by the same question_distribution)
    counts organisations; a round one person answered counts as one without answers, never at its levels."""
    alone, later = summarise(result_of(instrument, ALONE, "ensamby")), summarise(result_of(instrument, LATER, "tvaby"))
    report = national.year_report(instrument, [alone, later], "2025")
    questions = {d["id"]: d for d in report.questions}
    assert (questions["v1_matt"]["missing"], sum(questions["v1_matt"]["counts"].values())) == (1, 1)
    assert questions["v1_plan"]["counts"]["1"] == 0  # the one person's 1 on v1_plan is nowhere
    assert all(counts[None] == 1 for counts in report.steps.values())
