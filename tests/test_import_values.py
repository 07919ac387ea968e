"""importer/values.py used as a source that reads no table would use it (an esMaker JSON export,
say): the survey's rules for one value — the scale's spellings, vet ej, ja/nej, options, dates,
types, roles, free text and what the source withholds — with each problem reported through the
source's callback at its row and field, naming the place as the source says it."""

from __future__ import annotations

import pytest

from ambitionsgraf.importer.model import ImportedAnswer
from ambitionsgraf.importer.values import Values


@pytest.fixture
def read(instrument):
    problems: list[tuple[int, str, str]] = []
    values = Values(instrument, lambda row, field, message: problems.append((row, field, message)))
    return values, problems, {q.id: q for q in instrument.questions}


def test_answers_in_other_spellings_with_their_options(read):
    values, problems, q = read
    assert values.question(q["v3_uppfoljning"], "Instämmer helt", 7, "answer 12", ("Delar", "answer 13")) == ImportedAnswer("4", "delar")
    assert values.question(q["v3_uppfoljning"], "3 – Instämmer delvis", 7, "answer 12", ("hela", "answer 13")) == ImportedAnswer(
        "3", "hela"
    )
    assert values.question(q["v3_uppfoljning"], "Vet inte", 7, "answer 12") == ImportedAnswer(None)
    assert values.question(q["v3_rapportering"], 2.0, 7, "answer 14") == ImportedAnswer("2")
    assert values.question(q["v1_mal"], "JA", 7, "answer 1") == ImportedAnswer("ja")
    assert values.question(q["v1_mal"], " ", 7, "answer 1") is None
    assert values.role("Inköpschef", 7, "answer 0") == "inkopschef"
    assert values.type_("Region", 7, "answer 0") == "region"
    assert values.date("2026-03-01 00:00", 7, "submitted") is not False
    assert problems == []


def test_each_problem_at_its_row_and_field_naming_the_place_the_source_gives(read):
    values, problems, q = read
    assert values.question(q["v3_uppfoljning"], "Instämer helt", 7, "answer 12", ("hela", "answer 13")) is None
    assert values.question(q["v3_uppfoljning"], 4, 8, "answer 12", no_option="not in the export") is None
    assert values.question(q["v3_uppfoljning"], None, 9, "answer 12", ("delar", "answer 13")) is None
    assert values.date("2026-02-30", 10, "submitted") is False
    assert values.role("", 11, "answer 0") is None
    assert problems == [
        (7, "v3_uppfoljning", "expected 1–4, a label on the scale such as 'Instämmer delvis', or 'Vet ej'; "
         "got 'Instämer helt' (answer 12; did you mean Instämmer i hög grad?)"),
        (8, "v3_uppfoljning_omfattning", "missing; v3_uppfoljning is answered, so its omfattning is needed: "
         "delar av inköpsportföljen or hela inköpsportföljen (not in the export)"),
        (9, "v3_uppfoljning_omfattning", "given, but v3_uppfoljning is not answered; fill in the answer or clear this cell (answer 13)"),
        (10, "datum", "expected a real date, got 2026-02-30 (no such day) (submitted)"),
        (11, "roll", "missing; expected politisk_ledning, forvaltningsledning, inkopschef or verksamhet (answer 0)"),
    ]  # fmt: skip


def test_free_text_keeps_out_what_the_source_withholds_and_contact_details(read):
    values, problems, _ = read
    values.withhold("Anna Andersson", "respondent.name")
    values.withhold("2026-03-01", "respondent.submitted")  # a date is no name: never withheld
    comment = "Enligt Anna Andersson 2026-03-01"
    assert values.free_text(comment, 3, "kommentar", "answer 40", line_breaks=True) == comment
    values.no_withheld(comment, 3, "kommentar", "answer 40")
    values.no_withheld("Klart 2026-03-01", 4, "kommentar", "answer 40")
    values.contact("ring 070-123 45 67", 5, "roll", "answer 0")
    values.contact(3, 5, "v1_plan", "answer 2")  # a number is never contact details
    assert [(row, field) for row, field, _ in problems] == [(3, "kommentar"), (5, "roll")]
    assert problems[0][2] == (
        "holds what respondent.name gives as a respondent's name or contact details; answer files never hold them: remove it from answer 40"
    )
    assert problems[1][2].endswith(" (answer 0)") and "070" not in problems[1][2]
