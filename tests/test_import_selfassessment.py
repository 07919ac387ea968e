"""`build.py import` with answer files downloaded from the self-assessment page: one person each,
with their role, become the respondents of a round in the organisation's answer file, with the
survey import's refusals and dry-run diff. In Chromium: three people's files give the scores of
the same answers typed by hand."""

from __future__ import annotations

from pathlib import Path

import pytest

from ambitionsgraf import answerfile
from ambitionsgraf.answers import parse_organisation
from ambitionsgraf.scoring import score_assessment

from .conftest import ROOT, run_cli, tree, write_orgs
from .helpers import answer_file, uniform

# The page as the self-assessment tests serve it, under a sub-path as on GitHub Pages.
from .test_selfassessment import CHIEF_SVAR, FILL, expected, page, project, site_dir, site_url, to_js  # noqa: F401


def self_assessment(role: str, svar: dict, *, name="Norrviks kommun", type_="kommun", day="2026-03-01", comment=None) -> str:
    """A file as the page downloads it (tests/test_answerfile.py holds the page to the same bytes)."""
    return answerfile.answer_file(
        name,
        type_,
        [answerfile.Round(day, [answerfile.Respondent(role, svar, comment)])],
        published=False,
        header=[answerfile.SELF_ASSESSMENT_HEADER],
    )


def write(folder: Path, files: dict[str, str]) -> list[Path]:
    write_orgs(folder, files)
    return [folder / name for name in files]


THREE = {
    "chef.yaml": ("inkopschef", uniform(3, omfattning="delar") | {"v3_rapportering": {"svar": 3, "frekvens": "kvartal"}}),
    "politik.yaml": ("politisk_ledning", uniform(2, mal="nej", omfattning="hela") | {"h_nojdhet": "vet_ej"}),
    "verksamhet.yaml": ("verksamhet", uniform(4, omfattning="delar", v1_plan=None)),
}


def three(folder: Path, **kw) -> list[Path]:
    return write(folder, {name: self_assessment(role, svar, **kw) for name, (role, svar) in THREE.items()})


def refused(tmp_path: Path, files: list[Path], *args: str, orgs: Path | None = None) -> list[str]:
    orgs = orgs or tmp_path / "orgs"
    before = tree(orgs) if orgs.exists() else None
    result = run_cli("import", *map(str, files), "--orgs", str(orgs), *args)
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stdout == ""
    assert (tree(orgs) if orgs.exists() else None) == before  # nothing written
    return result.stderr.splitlines()


# -- the command -----------------------------------------------------------------------------------


def test_three_files_become_one_round_of_a_new_unpublished_file(instrument, tmp_path):
    files = three(tmp_path / "downloads")
    orgs = tmp_path / "orgs"
    result = run_cli("import", *map(str, files), "--orgs", str(orgs))
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"wrote {orgs / 'norrviks-kommun.yaml'}: new file, publicerad: false, round 2026-03-01 (3 respondents)\n"
    text = (orgs / "norrviks-kommun.yaml").read_text()
    assert "  # Imported by build.py import from self-assessments: chef.yaml, politik.yaml, verksamhet.yaml.\n" in text
    org, problems = parse_organisation(instrument, orgs / "norrviks-kommun.yaml", text.encode())
    assert problems == [] and not org.published and org.name == "Norrviks kommun"
    (a,) = org.assessments
    by_hand = answer_file([("2026-03-01", [(role, svar) for role, svar in THREE.values()])], namn="Norrviks kommun", publicerad=False)
    hand, _ = parse_organisation(instrument, Path("orgs/hand.yaml"), by_hand.encode())
    assert expected(instrument, score_assessment(instrument, a)) == expected(instrument, score_assessment(instrument, hand.assessments[0]))


def test_into_an_existing_file_by_its_name_with_the_surveys_dry_run_diff(instrument, tmp_path):
    orgs = write_orgs(tmp_path / "orgs", {"norrvik.yaml": (ROOT / "orgs" / "norrvik.yaml").read_bytes()})
    old = (orgs / "norrvik.yaml").read_bytes()
    files = three(tmp_path / "downloads", day="2026-03-02")
    dry = run_cli("import", *map(str, files), "--orgs", str(orgs), "--datum", "2026-03-05", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert dry.stdout.splitlines()[:2] == [f"--- {orgs / 'norrvik.yaml'}", f"+++ {orgs / 'norrvik.yaml'}"]
    assert "+  - datum: 2026-03-05\n" in dry.stdout and "+      - roll: politisk_ledning\n" in dry.stdout
    assert dry.stderr.endswith("dry run: 1 file would change; nothing was written\n")
    assert (orgs / "norrvik.yaml").read_bytes() == old
    done = run_cli("import", *map(str, files), "--orgs", str(orgs), "--datum", "2026-03-05")
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"extended {orgs / 'norrvik.yaml'}: new round 2026-03-05 (3 respondents)\n"
    new = (orgs / "norrvik.yaml").read_bytes()
    assert new.startswith(old)  # every existing byte kept, the round appended
    org, problems = parse_organisation(instrument, orgs / "norrvik.yaml", new)
    assert problems == [] and [a.date.isoformat() for a in org.assessments][-1] == "2026-03-05"
    # The same files again: the round is there already.
    lines = refused(tmp_path, files, "--datum", "2026-03-05", orgs=orgs)
    assert lines[0].startswith(f"{files[0]}:6: datum: {orgs / 'norrvik.yaml'} already has an assessment on 2026-03-05 (line ")
    assert lines[-1] == "1 problem; nothing was written"


def test_downloads_saved_under_the_names_a_browser_gives_them_import_as_any_others(instrument, tmp_path):
    # Each person's download is norrviks-kommun.yaml; the second and third saved beside the first were
    # refused ("file name: expected a slug …; rename it norrviks-kommun-1.yaml"), though the name says nothing.
    names = ["norrviks-kommun.yaml", "norrviks-kommun (1).yaml", "Norrviks kommun (2).YML"]
    files = write(tmp_path / "d", {name: self_assessment(role, svar) for name, (role, svar) in zip(names, THREE.values())})
    orgs = tmp_path / "orgs"
    result = run_cli("import", *map(str, files), "--orgs", str(orgs))
    assert result.returncode == 0, result.stderr
    org, problems = parse_organisation(instrument, orgs / "norrviks-kommun.yaml", (orgs / "norrviks-kommun.yaml").read_bytes())
    assert problems == []
    assert [r.role for r in org.assessments[0].respondents] == [role for role, _ in THREE.values()]


def test_the_same_download_saved_twice_is_refused_never_counted_as_two_people(tmp_path):
    role, svar = THREE["chef.yaml"]
    text = self_assessment(role, svar)
    files = write(tmp_path / "d", {"norrviks-kommun.yaml": text, "norrviks-kommun (1).yaml": text})
    assert refused(tmp_path, files) == [
        f"{files[1]}:1: file: holds exactly what {files[0]} holds: the same download given twice would count one person "
        "twice; give it once (two people who answered exactly alike: write a kommentar in one of the files)",
        "1 problem; nothing was written",
    ]
    files = write(tmp_path / "e", {"a.yaml": text, "b.yaml": self_assessment(role, svar, comment="Svarade för IT-enheten")})
    assert run_cli("import", *map(str, files), "--orgs", str(tmp_path / "orgs")).returncode == 0


def test_files_made_on_different_days_need_the_rounds_date(tmp_path):
    files = write(
        tmp_path / "d",
        {
            "a.yaml": self_assessment("inkopschef", uniform(3, omfattning="hela"), day="2026-03-01"),
            "b.yaml": self_assessment("verksamhet", uniform(2, omfattning="hela"), day="2026-03-04"),
        },
    )
    assert refused(tmp_path, files) == [
        f"{files[1]}:6: datum: 2026-03-04, but {files[0]} was made on 2026-03-01; give --datum YYYY-MM-DD for the round they make together",
        "1 problem; nothing was written",
    ]
    assert run_cli("import", *map(str, files), "--orgs", str(tmp_path / "orgs"), "--datum", "2026-03-05").returncode == 0


@pytest.mark.parametrize(
    "content,problem",
    [
        (
            answer_file([("2026-03-01", [("inkopschef", uniform(3)), ("verksamhet", uniform(2))])], namn="Norrviks kommun"),
            ":5: matningar: 1 round with 2 respondents; a self-assessment file holds one person's answers (one round, one respondent). "
            "Import a survey export, or add rounds to an answer file by hand",
        ),
        (
            self_assessment("inkopschef", uniform(3, omfattning="hela"), name=answerfile.SELF_ASSESSMENT_DEFAULT_NAME),
            ":2: namn: 'Min organisation' is what the self-assessment page writes when no organisation was named; "
            "write the organisation's name in namn and import again",
        ),
        (
            self_assessment("inkopschef", uniform(3, omfattning="hela"), comment="Ring mig på 070-123 45 67"),
            ":9: kommentar: holds a phone number (07…); answer files never hold contact details or personal identity numbers: remove it (write the role instead)",
        ),
        (
            self_assessment("inkopschef", uniform(3, omfattning="hela")).replace("v1_matt: 3", "v1_matt: 7"),
            ":11: v1_matt: expected 1–4 or vet_ej, got 7",
        ),
    ],
)
def test_a_file_that_is_not_one_named_persons_answers_is_refused_at_its_line(tmp_path, content, problem):
    (path,) = write(tmp_path / "d", {"svar.yaml": content})
    lines = refused(tmp_path, [path])
    assert lines[0] == f"{path}{problem}"


def test_the_page_and_the_import_know_the_same_placeholder_name():
    script = (ROOT / "templates" / "assets" / "sjalvskattning.js").read_text(encoding="utf-8")
    assert f'var DEFAULT_NAME = "{answerfile.SELF_ASSESSMENT_DEFAULT_NAME}";' in script


def test_one_organisation_one_type_and_each_file_once(tmp_path):
    files = write(
        tmp_path / "d",
        {
            "a.yaml": self_assessment("inkopschef", uniform(3, omfattning="hela")),
            "b.yaml": self_assessment("verksamhet", uniform(2, omfattning="hela"), type_="region"),
        },
    )
    assert refused(tmp_path, files)[0] == f"{files[1]}:3: typ: region, but {files[0]} gives kommun for norrviks-kommun; use one type"
    assert refused(tmp_path, [files[0], files[0]])[0] == f"{files[0]}:1: file: given twice (also as {files[0]}); give each file once"


def test_one_organisations_files_agree_on_its_name_as_a_surveys_rows_do(tmp_path):
    """Two names that give one file (norrviks-kommun) but are not the same name by text.name_key:
    refused as the survey refuses two rows naming one organisation differently, never one of them
    written silently. Names that differ only in case are the same name."""
    files = write(
        tmp_path / "d",
        {
            "a.yaml": self_assessment("inkopschef", uniform(3, omfattning="hela")),
            "b.yaml": self_assessment("verksamhet", uniform(2, omfattning="hela"), name="Norrviks-kommun"),
        },
    )
    assert refused(tmp_path, files) == [
        f"{files[1]}:2: namn: 'Norrviks-kommun', but {files[0]} gives 'Norrviks kommun' for norrviks-kommun; use one name",
        "1 problem; nothing was written",
    ]
    (same_name,) = write(tmp_path / "e", {"c.yaml": self_assessment("verksamhet", uniform(2, omfattning="hela"), name="NORRVIKS KOMMUN")})
    orgs = tmp_path / "orgs"
    result = run_cli("import", str(files[0]), str(same_name), "--orgs", str(orgs))
    assert result.returncode == 0, result.stderr
    assert 'namn: "Norrviks kommun"\n' in (orgs / "norrviks-kommun.yaml").read_text()


def test_self_assessment_files_and_a_survey_export_are_not_mixed(tmp_path):
    (path,) = write(tmp_path / "d", {"a.yaml": self_assessment("inkopschef", uniform(3, omfattning="hela"))})
    csv = tmp_path / "d" / "enkat.csv"
    csv.write_text("slug;typ;roll\n")
    assert refused(tmp_path, [path, csv])[0] == (
        f"{csv}:1: file: give either self-assessment files (.yaml) or one survey export (.csv, .xlsx), not both"
    )
    assert refused(tmp_path, [csv, csv])[0] == f"{csv}:1: file: one survey export at a time; import the others one by one"
    assert (
        refused(tmp_path, [path], "--map", str(csv))[0]
        == f"{path}:1: --map: is for survey exports; self-assessment files say what each answer is"
    )


def test_the_same_answers_as_self_assessments_and_as_a_survey_export_give_the_same_round(instrument, tmp_path):
    """Both sources yield the same imported round and go through the same planning and writing: the
    files they write differ only in the note saying where the round came from."""
    files = three(tmp_path / "downloads")
    options = {f"{q.id}_{q.extra}": q for q in instrument.questions if q.extra}
    header = ["Organisation", "typ", "roll", "datum", *[q.id for q in instrument.questions], *options]
    rows = [";".join(header)]
    for role, svar in THREE.values():
        cells = ["Norrviks kommun", "kommun", role, "2026-03-01"]
        cells += [str(svar[q.id]["svar"] if isinstance(svar.get(q.id), dict) else svar.get(q.id, "")) for q in instrument.questions]
        cells += [str(svar[q.id][q.extra]) if isinstance(svar.get(q.id), dict) else "" for q in options.values()]
        rows.append(";".join(cells))
    survey = tmp_path / "enkat.csv"
    survey.write_text("\n".join(rows) + "\n", encoding="utf-8")
    written = {}
    for source, given in (("self-assessments", files), ("survey", [survey])):
        orgs = tmp_path / source
        result = run_cli("import", *map(str, given), "--orgs", str(orgs))
        assert result.returncode == 0, result.stderr
        text = (orgs / "norrviks-kommun.yaml").read_text(encoding="utf-8")
        notes = [line for line in text.splitlines() if line.startswith("  # Imported by build.py import from ")]
        assert len(notes) == 1
        written[source] = text.replace(notes[0], "")
    assert written["self-assessments"] == written["survey"]
    assert (
        "omfattning: delar" in written["survey"] and "frekvens: kvartal" in written["survey"] and "h_nojdhet: vet_ej" in written["survey"]
    )


# -- from the page: three people's downloads, imported, score as typed by hand --------------------------


PEOPLE = [
    ("inkopschef", CHIEF_SVAR),
    (
        "politisk_ledning",
        CHIEF_SVAR | {"v1_mal": "nej", "v1_matt": 1, "v2_hallbarhet": "vet_ej", "v3_uppfoljning": {"svar": 2, "omfattning": "hela"}},
    ),
    (
        "forvaltningsledning",
        {q: 2 for q in CHIEF_SVAR}
        | {
            "v1_mal": "ja",
            "v3_uppfoljning": {"svar": 4, "omfattning": "delar"},
            "v3_rapportering": {"svar": 1, "frekvens": "ar"},
            "h_kategoriteam": "vet_ej",
        },
    ),
]


def test_three_downloads_imported_score_as_the_same_answers_typed_by_hand(instrument, page, tmp_path):
    questions = [{"id": q.id, "extra": q.extra} for q in instrument.questions]
    files = []
    for i, (role, svar) in enumerate(PEOPLE):
        page.evaluate(FILL, {"role": role, "answers": to_js(svar), "questions": questions, "areas": []})
        page.fill("#sa-namn", "Fjällmo kommun")
        page.select_option("#sa-typ", "kommun")
        with page.expect_download() as info:
            page.click("#sa-download")
        files.append(tmp_path / f"person-{i}.yaml")
        info.value.save_as(files[-1])
    orgs = write_orgs(tmp_path / "orgs", {"fjallmo.yaml": (ROOT / "orgs" / "fjallmo.yaml").read_bytes()})
    result = run_cli("import", *map(str, files), "--orgs", str(orgs), "--datum", "2030-01-01")
    assert result.returncode == 0, result.stderr
    org, problems = parse_organisation(instrument, orgs / "fjallmo.yaml", (orgs / "fjallmo.yaml").read_bytes())
    assert problems == []
    imported = next(a for a in org.assessments if a.date.isoformat() == "2030-01-01")
    typed = answer_file([("2030-01-01", PEOPLE)], namn="Fjällmo kommun")
    hand, problems = parse_organisation(instrument, Path("orgs/hand.yaml"), typed.encode())
    assert problems == []
    assert expected(instrument, score_assessment(instrument, imported)) == expected(
        instrument, score_assessment(instrument, hand.assessments[0])
    )


# -- files the build writes open in the page ---------------------------------------------------------

SOME_SVAR = CHIEF_SVAR | {"v2_hallbarhet": "vet_ej", "v3_uppfoljning": {"svar": 2, "omfattning": "delar"}, "v3_rapportering": 4}


def opened(page, path: Path) -> dict:
    """The file opened with Öppna en sparad fil, as the form then holds it."""
    page.set_input_files("#sa-open", str(path))
    page.wait_for_function(f"document.getElementById('sa-stored').textContent.startsWith('Svaren från {path.name}')")
    s = page.evaluate("Sjalvskattning.current()")
    return {"person": s["person"], "answers": s["answers"]}


def in_form(instrument, svar: dict) -> dict:
    return {q.id: {"value": None, "option": None} for q in instrument.questions} | to_js(svar)


def test_files_written_by_new_and_import_open_in_the_page_with_their_answers(instrument, page, tmp_path):
    from .test_answerfile import uncomment

    # build.py new: the template, its answer lines filled in as an analyst does
    orgs = tmp_path / "orgs"
    made = run_cli("new", "nya-kommunen", "--namn", 'Nya "kommunen" # 1', "--typ", "region", "--datum", "2026-03-01", "--orgs", str(orgs))
    assert made.returncode == 0, made.stderr
    text = (orgs / "nya-kommunen.yaml").read_text(encoding="utf-8")
    for qid, value in SOME_SVAR.items():
        text = uncomment(text, qid, answerfile.answer_text(value))
    (orgs / "nya-kommunen.yaml").write_text(text, encoding="utf-8")
    org, problems = parse_organisation(instrument, orgs / "nya-kommunen.yaml", text.encode())
    assert problems == [] and len(org.assessments[0].respondents) == 1  # a file `check` accepts
    role = instrument.roles[0].id  # the template's
    assert opened(page, orgs / "nya-kommunen.yaml") == {
        "person": {"role": role, "name": 'Nya "kommunen" # 1', "type": "region"},
        "answers": in_form(instrument, SOME_SVAR),
    }

    # build.py import: one person's file becomes a round of a new answer file, with its note
    downloads = write(tmp_path / "downloads", {"chef.yaml": self_assessment("verksamhet", SOME_SVAR, name="Öst-Norrviks kommun")})
    imported = run_cli("import", *map(str, downloads), "--orgs", str(tmp_path / "imported"))
    assert imported.returncode == 0, imported.stderr
    (written,) = (tmp_path / "imported").glob("*.yaml")
    assert "# Imported by build.py import" in written.read_text(encoding="utf-8")
    assert opened(page, written) == {
        "person": {"role": "verksamhet", "name": "Öst-Norrviks kommun", "type": "kommun"},
        "answers": in_form(instrument, SOME_SVAR),
    }

    # the same file with a line broken: refused with that line, and the form keeps what it had
    lines = written.read_text(encoding="utf-8").splitlines()
    broken_at = next(i for i, line in enumerate(lines) if line.strip().startswith("v1_matt:"))
    lines[broken_at] = lines[broken_at].replace("v1_matt:", "v1_matt: 3: 4", 1)
    broken = tmp_path / "trasig.yaml"
    broken.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = page.evaluate("Sjalvskattning.current()")["answers"]
    page.set_input_files("#sa-open", str(broken))
    page.wait_for_function("document.getElementById('sa-open-error').textContent !== ''")
    assert page.inner_text("#sa-open-error") == (
        f"Filen trasig.yaml kunde inte läsas: rad {broken_at + 1}: ett andra ': ' på raden; skriv en text som innehåller ': ' inom citattecken."
    )
    assert page.evaluate("Sjalvskattning.current()")["answers"] == before
