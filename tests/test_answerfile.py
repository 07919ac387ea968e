"""ambitionsgraf/answerfile.py, the one writer of answer files, and its JavaScript twin.

- What the writer writes validates and reads back as exactly what it was given
  (names and comments with quotes, colons, '#', line breaks, any Unicode the
  validator accepts; vet_ej; ja/nej; answers with an option), for generated
  organisations; text the validator refuses (control characters, direction
  controls) is refused, never read back as something else.
- The template of `build.py new` validates once an answer is filled in.
- The self-assessment page, filled in in Chromium, downloads byte for byte
  what answerfile.answer_file writes for the same answers.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from ambitionsgraf import answerfile, personal
from ambitionsgraf.answers import parse_organisation
from ambitionsgraf.instrument import load_instrument
from ambitionsgraf.text import check_comment, check_free_text, check_name, one_line

from .conftest import ROOT

INS = load_instrument(ROOT / "content" / "instrument.yaml")  # for the strategies; tests take the fixture
SETTINGS = settings(max_examples=200, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

# What breaks YAML written carelessly: quotes, escapes, indicators, comments, line breaks of
# every kind (NEL and U+2028/2029 are line breaks to YAML 1.1), controls, BOM, non-characters.
TRICKY = list("\"':#\\{}[],&*!|>%@`?- \t\n\r") + [
    "\x00",
    "\x1b",
    "\x7f",
    "\x85",
    "\x9f",
    "\xa0",
    "\u2028",
    "\u2029",
    "\ufeff",
    "\ufffe",
    "\uffff",
    "ö",
    "Å",
    "é",
    "ß",
    "🙂",
    "\u200d",
    "\u3000",
    "一",
]
texts = st.one_of(
    st.text(min_size=1, max_size=40), st.text(st.sampled_from(TRICKY) | st.characters(max_codepoint=0x7F), min_size=1, max_size=40)
)
readable = texts.filter(lambda t: t.strip())  # an empty or blank name or comment is an error, not a text


def accepted(text: str, line_breaks: bool) -> str:
    """The text without what answers.py refuses or removes (controls, direction controls, invisible characters)."""
    allowed = "\n\t" if line_breaks else ""
    return "".join(c for c in text if c in allowed or check_free_text(c, line_breaks) == (c, [], []))


# What the validator takes as a name or a comment (a letter, no formula start, no contact details, …:
# text.check_name and check_comment, tested on their own in tests/test_names.py and test_personal.py).
names = readable.map(lambda t: accepted(t, False)).filter(lambda t: not check_name(t)[1])
comments = readable.map(lambda t: accepted(t, True)).filter(lambda t: t.strip() and not check_comment(t)[1])


def parse(ins, text: str, name: str = "orgs/x.yaml"):
    return parse_organisation(ins, Path(name), text.encode("utf-8"), name)


# -- answers ------------------------------------------------------------------------------


@st.composite
def answer(draw, qid: str):
    q = INS.question(qid)
    if q.rule == "ja_nej":
        return draw(st.sampled_from([k for k, _ in q.points] + [INS.dont_know]))
    value = draw(st.sampled_from([v for v, _ in INS.scale] + [INS.dont_know]))
    if q.extra and draw(st.booleans()):
        return {"svar": value, q.extra: draw(st.sampled_from([o.key for o in q.options]))}
    return value


@st.composite
def respondent(draw):
    # any subset but none (a respondent without answers is refused), any order
    qids = draw(st.lists(st.sampled_from(INS.question_ids), unique=True, min_size=1, max_size=len(INS.question_ids)))
    return answerfile.Respondent(
        draw(st.sampled_from([r.id for r in INS.roles])),
        {qid: draw(answer(qid)) for qid in qids},
        draw(st.none() | comments),
    )


@st.composite
def organisation(draw):
    days = draw(st.lists(st.dates(datetime.date(2000, 1, 1), datetime.date(2099, 12, 31)), min_size=1, max_size=3, unique=True))
    rounds = [
        answerfile.Round(
            day if draw(st.booleans()) else day.isoformat(),
            draw(st.lists(respondent(), min_size=1, max_size=3)),
            draw(st.none() | comments),
            draw(st.none() | texts),  # a note: any text, kept on one comment line
        )
        for day in days
    ]
    return {
        "name": draw(names),
        "type_": draw(st.sampled_from([t.id for t in INS.types])),
        "rounds": rounds,
        "published": draw(st.booleans()),
        "header": draw(st.lists(texts, max_size=2)),
    }


def as_given(ins, r: answerfile.Respondent):
    """What the validator must read from a written respondent: (answer value, option) per question, and the vet_ej set."""
    answers, dont_know = {}, set()
    for qid, value in r.answers.items():
        points, option = (value["svar"], value[ins.question(qid).extra]) if isinstance(value, dict) else (value, None)
        if points == ins.dont_know:
            dont_know.add(qid)
        else:
            answers[qid] = (str(points), option)
    return answers, dont_know


def as_read(r):
    return {qid: (a.value, a.option) for qid, a in r.answers if a is not None}, set(r.dont_know)


@SETTINGS
@given(org=organisation())
@example(
    org={
        "name": ' Kommun "Öst": #1 \\ \u3000 🙂 ',
        "type_": "kommun",
        "published": True,
        "header": ["a\nb"],
        "rounds": [
            answerfile.Round(
                "2024-01-10",
                [
                    answerfile.Respondent(
                        "inkopschef",
                        {"h_nojdhet": "vet_ej", "v1_mal": "nej", "v3_uppfoljning": {"svar": "vet_ej", "omfattning": "delar"}},
                        "# inte en kommentar\n\trad två\n",
                    )
                ],
                "key: value",
                "x\u2028y",
            )
        ],
    }
)
def test_what_is_written_reads_back_as_given(instrument, org):
    text = answerfile.answer_file(org["name"], org["type_"], org["rounds"], published=org["published"], header=org["header"])
    read, problems = parse(instrument, text)
    assert problems == [], text
    assert (read.name, read.type, read.published) == (unicodedata.normalize("NFC", org["name"].strip()), org["type_"], org["published"])
    written = sorted(org["rounds"], key=lambda r: str(r.date))
    assert [a.date.isoformat() for a in read.assessments] == [str(r.date) for r in written]
    for a, r in zip(read.assessments, written):
        assert a.comment == (r.comment.strip() if r.comment is not None else None)
        assert [(x.role, x.comment) for x in a.respondents] == [
            (x.role, x.comment.strip() if x.comment is not None else None) for x in r.respondents
        ]
        assert [as_read(x) for x in a.respondents] == [as_given(instrument, x) for x in r.respondents]


# The rules for free text as the method page (content/metod.md) and text.py's notes state them, written
# out from Unicode's own categories, not from text.py's tables: what is refused, what is removed.
_DIRECTION = {*range(0x202A, 0x202F), *range(0x2066, 0x206A)}  # embeddings, overrides, isolates
_BLANK_FILLERS = set("\u034f\u115f\u1160\u3164\u2800\uffa0")  # invisible, though not format characters


def _fate(char: str, line_breaks: bool) -> str | None:
    """ "refused", "removed" (invisible, with a note) or None (kept) for one character of a name or comment."""
    code, kind = ord(char), unicodedata.category(char)
    if line_breaks and char in "\n\t":
        return None
    if code in _DIRECTION:
        return "refused"
    if kind == "Cf" or char in _BLANK_FILLERS or 0xFE00 <= code <= 0xFE0F or 0x180B <= code <= 0x180F or 0xE0100 <= code <= 0xE01EF:
        return "removed"
    if kind in ("Cc", "Cs") or char in "\u2028\u2029" or code & 0xFFFE == 0xFFFE or 0xFDD0 <= code <= 0xFDEF:
        return "refused"  # controls (line breaks in a name among them), lone surrogates, noncharacters
    return None


def _expected(text: str, line_breaks: bool) -> tuple[str, bool, bool]:
    """(the text kept, refused?, a note on what was removed?) by the rules above."""
    text = text.strip()
    fates = [_fate(c, line_breaks) for c in text]
    kept = "".join(c for c, fate in zip(text, fates) if fate != "removed").strip()
    marks, most = 0, 0
    for c in unicodedata.normalize("NFC", kept):  # more than two combining marks on one character: refused
        marks = marks + 1 if unicodedata.category(c).startswith("M") else 0
        most = max(most, marks)
    return kept, "refused" in fates or most > 2 or not kept, "removed" in fates


@SETTINGS
@given(name=readable, comment=readable)
@example(name=' Kommun "Öst":\n#1 \\ \x85\u2028\u2029\x7f\ufeff\ufffe 🙂 ', comment="# inte en kommentar\r\n\u202e")
@example(name="Norrviks\u200b kommun", comment="rad ett\nrad två")
@example(name="=SUMMA(A1)", comment="a\u0301\u0302\u0303")
@example(name="Region \u2067Öst\u2069", comment="rad\u202d ett")  # direction controls, nothing else odd
def test_text_the_validator_refuses_is_refused_never_read_as_something_else(instrument, name, comment):
    """Whatever the writer is given, its escapes read back as exactly that, and then the validator
    refuses it or removes only the invisible characters, with a note: as the rules above say."""
    text = answerfile.answer_file(
        name, "kommun", [answerfile.Round("2024-01-10", [answerfile.Respondent("inkopschef", {"v1_matt": 3}, comment)])]
    )
    notes = []
    read, problems = parse_organisation(instrument, Path("x.yaml"), text.encode("utf-8"), "x.yaml", notes)
    name_kept, name_refused, name_noted = _expected(name, line_breaks=False)
    name_kept = unicodedata.normalize("NFC", name_kept)  # "Å" typed as A and a ring is one name
    name_refused = (
        name_refused
        or not any(unicodedata.category(c).startswith("L") for c in name_kept)  # a name holds a letter
        or name_kept[:1] in ("=", "+", "-", "@")  # and begins no spreadsheet formula
        or personal.problem(name_kept) is not None
    )
    comment_kept, comment_refused, comment_noted = _expected(comment, line_breaks=True)
    comment_refused = comment_refused or personal.problem(comment_kept) is not None
    assert {p.field for p in problems} == {field for field, refused in (("namn", name_refused), ("kommentar", comment_refused)) if refused}
    assert all(p.message for p in problems)
    if not problems:
        assert read.name == name_kept
        assert read.assessments[0].respondents[0].comment == comment_kept
    noted = [p.field for p in notes if p.field in ("namn", "kommentar")]
    assert noted == [field for field, was in (("namn", name_noted), ("kommentar", comment_noted)) if was]
    assert all("invisible" in p.message for p in notes if p.field in ("namn", "kommentar"))


def test_the_format_is_as_documented():
    text = answerfile.answer_file(
        "Norrviks kommun",
        "kommun",
        [
            answerfile.Round(
                datetime.date(2026, 3, 1),
                [
                    answerfile.Respondent(
                        "inkopschef",
                        {"v1_mal": "ja", "v1_matt": 3, "v3_uppfoljning": {"svar": 3, "omfattning": "delar"}, "h_nojdhet": "vet_ej"},
                        comment='Säg "hej": #1',
                    ),
                    answerfile.Respondent("verksamhet"),
                ],
                comment="Andra omgången",
                note="Imported by hand",
            ),
        ],
        header=["Written by a test"],
    )
    assert text == (
        "# Written by a test\n"
        'namn: "Norrviks kommun"\n'
        "typ: kommun\n"
        "publicerad: false\n"
        "matningar:\n"
        "  # Imported by hand\n"
        "  - datum: 2026-03-01\n"
        '    kommentar: "Andra omgången"\n'
        "    respondenter:\n"
        "      - roll: inkopschef\n"
        '        kommentar: "Säg \\"hej\\": #1"\n'
        "        svar:\n"
        "          v1_mal: ja\n"
        "          v1_matt: 3\n"
        "          v3_uppfoljning: {svar: 3, omfattning: delar}\n"
        "          h_nojdhet: vet_ej\n"
        "      - roll: verksamhet\n"
        "        svar: {}\n"
    )


def test_a_wrong_value_is_written_for_the_validator_to_report(instrument):
    """The writer does not judge: tests write wrong answers through it and see them reported."""
    text = answerfile.answer_file(
        "X",
        "kommun",
        [answerfile.Round("2024-01-10", [answerfile.Respondent("inkopschef", {"v1_matt": 9, "h_nojdhet": "yes", "v1_plan": "3 "})])],
    )
    assert "v1_matt: 9\n" in text and "h_nojdhet: yes\n" in text and 'v1_plan: "3 "\n' in text  # what is no token is quoted
    _, problems = parse(instrument, text)
    assert [p.field for p in problems] == ["v1_matt", "h_nojdhet", "v1_plan"]  # in the order given


def test_a_date_that_is_not_one_is_refused():
    with pytest.raises(ValueError):
        answerfile.round_lines(answerfile.Round("2024-01-10\n  x: 1", []))


# -- the template of build.py new ------------------------------------------------------------


def uncomment(text: str, qid: str, value: str) -> str:
    line = next(line for line in text.splitlines() if re.fullmatch(rf" *# {qid}: .*", line))
    return text.replace(line, line.replace(f"# {qid}: ", f"{qid}: ", 1).split(": ")[0] + f": {value}", 1)


@pytest.mark.parametrize("qid", INS.question_ids)
def test_the_template_validates_once_an_answer_is_filled_in(instrument, qid):
    text = answerfile.template(instrument, "Nya kommun", "kommun", "2026-03-01")
    q = instrument.question(qid)
    value = "ja" if q.rule == "ja_nej" else f"{{svar: 2, {q.extra}: {q.options[-1].key}}}" if q.extra else "2"
    org, problems = parse(instrument, uncomment(text, qid, value), "orgs/nya-kommun.yaml")
    assert problems == []
    assert (org.name, org.type, org.published) == ("Nya kommun", "kommun", False)
    ((a,),) = [org.assessments]
    ((r,),) = [a.respondents]
    assert a.date == datetime.date(2026, 3, 1) and r.role == instrument.roles[0].id
    assert [qid for qid, answer in r.answers if answer is not None] == [qid]


@SETTINGS
@given(name=readable)
def test_the_template_takes_any_name(instrument, name):
    text = answerfile.template(instrument, name, "region", "2026-03-01")
    org, problems = parse(instrument, uncomment(text, "v1_matt", "3"))
    kept, refused, _ = check_name(name)  # the name is written as given, and read by the one rule
    if refused:
        return  # build.py new refuses such a name (text.check_name, as check does) before it gets here
    assert problems == [], text
    assert org.name == kept and org.assessments[0].respondents[0].answer("v1_matt").points == 3


# -- the browser writes the same file ------------------------------------------------------------

DEFAULT_NAME = "Min organisation"  # the page's name when none is given


# The page as the self-assessment tests serve it, under a sub-path as on GitHub Pages.
from .test_selfassessment import page, project, site_dir, site_url  # noqa: E402,F401  (pytest fixtures)

# (role, type, name as typed, {question: answer as clicked, with the option chosen in its list; None keeps the list's default})
CASES = [
    (
        "inkopschef",
        "kommun",
        "Norrviks kommun",
        {
            "v1_mal": "ja",
            "v1_matt": 3,
            "v2_hallbarhet": "vet_ej",
            "v3_uppfoljning": (2, "delar"),
            "v3_rapportering": (4, "manad"),
            "h_nojdhet": 1,
        },
    ),
    (
        "verksamhet",
        "region",
        ' Region "Öst"\u2028: #1 \\ & <b>\ufeff\x7f \ufffe',
        {q: 4 for q in INS.question_ids} | {"v1_mal": "nej", "v3_uppfoljning": (3, None), "v3_rapportering": (3, None)},
    ),
    ("politisk_ledning", "bolag", "", {}),
    (
        "forvaltningsledning",
        "myndighet",
        "\t\x01 ",
        {q: "vet_ej" for q in INS.question_ids} | {"v3_uppfoljning": ("vet_ej", "delar"), "v3_rapportering": ("vet_ej", "kvartal")},
    ),
    (
        "inkopschef",
        "kommun",
        "Åre 🙂 ß: 'x' {y} [z] # * & ! | > % @ `",
        {"v1_mal": "vet_ej", "v3_uppfoljning": (1, "hela"), "v3_rapportering": (2, "ar"), "h_forbereda": 2, "h_kategoriteam": 3},
    ),
]


def fill(page, role: str, type_: str, name: str, clicks: dict) -> None:
    page.check(f'input[name="sa_roll"][value="{role}"]')
    page.fill("#sa-namn", name)
    page.select_option("#sa-typ", type_)
    for qid, given_answer in clicks.items():
        value, option = given_answer if isinstance(given_answer, tuple) else (given_answer, None)
        page.check(f'input[name="{qid}"][value="{value}"]')
        if option is not None:
            page.select_option(f"#{qid}_{INS.question(qid).extra}", option)


def expected_answers(ins, clicks: dict) -> dict:
    """The answers as the page gives them: in instrument order; an option as its list shows it, none with vet_ej."""
    out = {}
    for q in ins.questions:
        if q.id not in clicks:
            continue
        value, option = clicks[q.id] if isinstance(clicks[q.id], tuple) else (clicks[q.id], None)
        if value == ins.dont_know:
            option = None
        # otherwise the option as chosen; none chosen ("Anges inte", never preselected) writes a bare number
        out[q.id] = {"svar": value, q.extra: option} if option else value
    return out


@pytest.mark.parametrize("role,type_,name,clicks", CASES, ids=[f"case{i}" for i in range(len(CASES))])
def test_the_browser_downloads_what_answerfile_writes(instrument, page, role, type_, name, clicks):
    fill(page, role, type_, name, clicks)
    if clicks:
        with page.expect_download() as info:
            page.click("#sa-download")
        data = Path(info.value.path()).read_bytes()
    else:  # nothing answered: the page refuses the download, as check refuses the file; its writer still writes it
        page.click("#sa-download")
        assert page.text_content("#sa-error") == "Besvara minst en fråga (Vet ej räknas) innan du laddar ner svarsfilen."
        data = page.evaluate("d => Sjalvskattning.answerFile(d)", datetime.date.today().isoformat()).encode("utf-8")
    day = re.search(rb"^  - datum: ([0-9-]+)$", data, re.MULTILINE)[1].decode()
    assert abs((datetime.date.fromisoformat(day) - datetime.date.today()).days) <= 1  # the browser's today
    expected = answerfile.answer_file(
        one_line(name) or DEFAULT_NAME,
        type_,
        [answerfile.Round(day, [answerfile.Respondent(role, expected_answers(instrument, clicks))])],
        published=False,
        header=[answerfile.SELF_ASSESSMENT_HEADER],
    )
    assert data.decode("utf-8") == expected
    if clicks:
        assert parse(instrument, expected)[1] == []
    else:  # nothing answered: check refuses the file, and the page does not download it
        assert [(p.line, p.field) for p in parse(instrument, expected)[1]] == [(9, "svar")]
