"""The self-assessment page in a real Chromium: scoring parity with Python, the
answer-file download, keyboard-only use at phone width, axe-core, no-JS, print,
and that nothing leaves the browser.

Parity: the same answer vectors are scored by ambitionsgraf/scoring.py (from an
answer file parsed by parse_organisation) and by assets/sjalvskattning.js, both
driven by content/instrument.yaml, and every number is compared: exact
fractions, the displayed text, quadrants, statuses, steps and priorities.
"""

from __future__ import annotations

import dataclasses
import datetime
import json
import random
import re
import shutil
from fractions import Fraction
from pathlib import Path

import pytest
import yaml

from ambitionsgraf import charts
from ambitionsgraf.answercheck import ASSESSMENT_KEYS, RESPONDENT_KEYS, TOP_KEYS
from ambitionsgraf.answers import parse_organisation
from ambitionsgraf.instrument import load_instrument
from ambitionsgraf.pipeline import load_project
from ambitionsgraf.scoring import area_bounds, axis_bounds, priorities, question_bounds, reserved_by, score_assessment
from ambitionsgraf.selfassessment import instrument_data, selfassessment_files
from ambitionsgraf.text import ISO_DATE, num
from ambitionsgraf.views import round_quadrant, shown

from .browser import axe_violations, serve
from .conftest import ROOT, project_settings, run_build
from .helpers import QUESTIONS, answer_file, uniform

SCALE = [1, 2, 3, 4]
ROLES = ["politisk_ledning", "forvaltningsledning", "inkopschef", "verksamhet"]
OPTION_QUESTIONS = {"v3_uppfoljning": ("omfattning", ["delar", "hela"]), "v3_rapportering": ("frekvens", ["manad", "kvartal", "ar"])}


# -- the site ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def project():
    return load_project(ROOT, project_settings())


@pytest.fixture(scope="module")
def site_dir(tmp_path_factory, project):
    """The shared site pages (no organisations: faster) with the self-assessment files added, under a sub-path as on GitHub Pages."""
    base = tmp_path_factory.mktemp("sa")
    (base / "orgs").mkdir()
    out = base / "output"
    run_build(base / "orgs", out)
    host = tmp_path_factory.mktemp("pages")
    site = host / "ambitionsgraf"
    shutil.copytree(out / "site", site)
    for rel, data in selfassessment_files(project).items():
        target = site / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return host


@pytest.fixture(scope="module")
def site_url(site_dir):
    with serve(site_dir) as base:
        yield base + "ambitionsgraf/"


@pytest.fixture
def page(browser, site_url):
    context = browser.new_context(accept_downloads=True)
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.goto(site_url + "sjalvskattning/")
    pg.wait_for_function("window.Sjalvskattning !== undefined")
    yield pg
    context.close()
    assert errors == [], errors


# -- Python's side -----------------------------------------------------------------------


def python_result(instrument, respondents: list[tuple[str, dict]]):
    # An answer file refuses a respondent without answers, but the page scores one (nothing
    # answered yet): such a respondent is written with one answer and scored with none.
    text = answer_file([("2024-05-01", [(role, svar or {"v1_mal": "ja"}) for role, svar in respondents])], publicerad=False)
    org, problems = parse_organisation(instrument, Path("orgs/vektor.yaml"), text.encode(), "orgs/vektor.yaml")
    assert problems == [], (problems, text)
    (a,) = org.assessments
    unanswered = tuple((qid, None) for qid in instrument.question_ids)
    kept = tuple(
        r if svar else dataclasses.replace(r, answers=unanswered, dont_know=frozenset()) for r, (_, svar) in zip(a.respondents, respondents)
    )
    return score_assessment(instrument, dataclasses.replace(a, respondents=kept))


def pair(f: Fraction | None):
    return None if f is None else [f.numerator, f.denominator]


def expected(instrument, result) -> dict:
    def group(g):
        return {
            "respondents": g.respondents,
            "areas": {k: pair(v) for k, v in g.areas.items()},
            "axes": {k: pair(v) for k, v in g.axes.items()},
            "quadrant": g.quadrant,
            "shown": {
                "areas": {k: shown(v, area_bounds(instrument, k)) for k, v in g.areas.items()},
                "axes": {k: shown(v, axis_bounds(instrument)) for k, v in g.axes.items()},
            },
        }

    return {
        "overall": group(result.overall),
        "roles": {role: group(g) for role, g in result.roles.items()},
        "questions": {
            qid: {
                "mean": pair(q.mean),
                "shown": shown(q.mean, question_bounds(instrument, qid)),
                "spread": q.spread,
                "answered": q.answered,
                "missing": q.missing,
                "dont_know": q.dont_know,
                "status": q.status,
            }
            for qid, q in result.questions.items()
        },
        "steps": dict(result.steps),
        "priorities": priorities(instrument, result.steps),
        "reserved": list(reserved_by(instrument, result.overall.quadrant, {qid: q.mean for qid, q in result.questions.items()})),
    }


def to_js(svar: dict) -> dict:
    """A vector as the page holds answers: {qid: {value, option}}."""
    out = {}
    for qid, v in svar.items():
        if isinstance(v, dict):
            extra = OPTION_QUESTIONS[qid][0]
            out[qid] = {"value": str(v["svar"]), "option": v.get(extra)}
        else:
            out[qid] = {"value": str(v), "option": None}
    return out


# -- the vectors -------------------------------------------------------------------------


def random_vector(rng: random.Random, complete: bool) -> dict:
    svar = {}
    for qid in QUESTIONS:
        roll = rng.random()
        if not complete and roll < 0.12:
            continue  # not answered
        if not complete and roll < 0.24:
            svar[qid] = "vet_ej"
            continue
        value = rng.choice(["ja", "ja", "nej"]) if qid == "v1_mal" else rng.choice(SCALE)
        if qid in OPTION_QUESTIONS and rng.random() < 0.7:
            extra, options = OPTION_QUESTIONS[qid]
            svar[qid] = {"svar": value, extra: rng.choice(options)}
        else:
            svar[qid] = value
    return svar


def at_threshold(instrument, rng: random.Random) -> dict:
    """A complete vector whose ledning mean is exactly the threshold (2,5)."""
    while True:
        svar = random_vector(rng, complete=True)
        if python_result(instrument, [("inkopschef", svar)]).overall.axes["ledning"] == instrument.threshold:
            return svar


HAND_PICKED = [
    {q: 4 for q in QUESTIONS} | {"v1_mal": "ja"},
    {q: 1 for q in QUESTIONS} | {"v1_mal": "nej", "v3_uppfoljning": {"svar": 1, "omfattning": "delar"}},  # the lower bounds 0,8 and 0,9
    {q: "vet_ej" for q in QUESTIONS},
    {},
    {q: 3 for q in QUESTIONS} | {"v1_mal": "ja", "v3_uppfoljning": {"svar": "vet_ej", "omfattning": "delar"}},
    {q: 2 for q in QUESTIONS}
    | {"v1_mal": "ja", "v3_uppfoljning": {"svar": 3, "omfattning": "delar"}, "v3_rapportering": {"svar": 4, "frekvens": "kvartal"}},
    {q: 3 for q in QUESTIONS} | {"v1_mal": "nej", "h_nojdhet": "vet_ej"},
    # samspel_verksamhet 13/5 = 2,6 and 12/5 = 2,4 either side of the threshold
    {q: 3 for q in QUESTIONS} | {"v1_mal": "ja", "h_forbereda": 2, "h_genomfora": 2},
    {q: 3 for q in QUESTIONS} | {"v1_mal": "ja", "h_forbereda": 2, "h_genomfora": 2, "h_avtalsuppfoljning": 2},
]


@pytest.fixture(scope="module")
def vectors(instrument):
    rng = random.Random(20260301)
    found = list(HAND_PICKED)
    found += [at_threshold(instrument, rng) for _ in range(3)]
    found += [random_vector(rng, complete=i % 2 == 0) for i in range(48)]
    return found


def test_the_vectors_cover_the_hard_cases(instrument, vectors):
    """At least fifty vectors, with vet_ej, omfattning: delar, a mean exactly at the threshold, and halves to round."""
    assert len(vectors) >= 50
    flat = [v for svar in vectors for v in svar.values()]
    assert sum(1 for v in flat if v == "vet_ej" or (isinstance(v, dict) and v["svar"] == "vet_ej")) >= 20
    assert sum(1 for v in flat if isinstance(v, dict) and v.get("omfattning") == "delar") >= 10
    results = [python_result(instrument, [("inkopschef", svar)]) for svar in vectors]
    assert any(r.overall.axes["ledning"] == instrument.threshold for r in results)
    values = [v for r in results for v in [*r.overall.areas.values(), *r.overall.axes.values()] if v is not None]
    halves = [v for v in values if (v * 20).denominator == 1 and (v * 20).numerator % 2 == 1]  # x,x5 exactly
    assert len(halves) >= 5, "rounding halves up is exercised"
    assert any(v != round(float(v), 1) and num(v) != f"{float(v):.1f}".replace(".", ",") for v in halves)


# -- parity --------------------------------------------------------------------------------

FILL = """
(v) => {
  const form = document.getElementById('sa-form');
  const role = form.querySelector('input[name="sa_roll"][value="' + v.role + '"]');
  role.checked = true;
  role.dispatchEvent(new Event('change', {bubbles: true}));
  for (const q of v.questions) {
    const given = v.answers[q.id];
    const radios = form.querySelectorAll('input[name="' + q.id + '"]');
    for (const radio of radios) radio.checked = false;  // as "Börja om" does
    const radio = given && given.value ? form.querySelector('input[name="' + q.id + '"][value="' + given.value + '"]') : null;
    if (radio) radio.checked = true;
    (radio || radios[0]).dispatchEvent(new Event('change', {bubbles: true}));
    if (q.extra) {
      const select = document.getElementById(q.id + '_' + q.extra);
      select.value = (given && given.option) || (select.querySelector('option[selected]') || select.options[0]).value;
      select.dispatchEvent(new Event('change', {bubbles: true}));
    }
  }
  const byId = (id) => document.getElementById(id);
  const shown = {areas: {}, exact: {}, axes: {}, steps: {}};
  for (const a of v.areas) {
    shown.areas[a] = byId('sa-area-' + a).textContent;
    shown.exact[a] = byId('sa-area-' + a).getAttribute('data-exact');
  }
  for (const ax of ['ledning', 'verksamhet']) shown.axes[ax] = [byId('sa-axis-' + ax).textContent, byId('sa-axis-' + ax).getAttribute('data-exact')];
  for (const li of document.querySelectorAll('.sa-steps li')) shown.steps[li.id.slice(8)] = li.querySelector('[data-status]').getAttribute('data-status');
  shown.quadrant = byId('sa-quadrant').getAttribute('data-quadrant');
  shown.priorities = [...document.querySelectorAll('#sa-priorities li')].map(li => li.getAttribute('data-step'));
  return {shown, current: Sjalvskattning.current()};
}
"""


def test_browser_and_python_agree_on_every_number(instrument, page, vectors):
    """Each vector is entered in the form; the page's numbers must equal Python's exactly."""
    questions = [{"id": q.id, "extra": q.extra} for q in instrument.questions]
    areas = [a.id for a in instrument.areas]
    for i, svar in enumerate(vectors):
        role = ROLES[i % 4]
        want = expected(instrument, python_result(instrument, [(role, svar)]))
        got = page.evaluate(FILL, {"role": role, "answers": to_js(svar), "questions": questions, "areas": areas})
        assert got["current"]["result"] == want, f"vector {i}: {svar}"
        shown = got["shown"]
        overall = want["overall"]
        assert shown["areas"] == overall["shown"]["areas"], f"vector {i}"
        assert shown["exact"] == {a: "/".join(map(str, v)) if v else "" for a, v in overall["areas"].items()}, f"vector {i}"
        assert shown["axes"] == {
            ax: [overall["shown"]["axes"][ax], "/".join(map(str, v)) if v else ""] for ax, v in overall["axes"].items()
        }
        assert shown["quadrant"] == (overall["quadrant"] or "")
        assert shown["steps"] == {k: v or "" for k, v in want["steps"].items()}
        assert shown["priorities"] == want["priorities"]


def test_browser_and_python_agree_for_groups_of_respondents(instrument, page, vectors):
    """The same scorer on several respondents and roles: means, spreads, role scores, statuses."""
    rng = random.Random(7)
    for i in range(25):
        group = [(rng.choice(ROLES), rng.choice(vectors)) for _ in range(rng.randint(2, 6))]
        want = expected(instrument, python_result(instrument, group))
        got = page.evaluate("r => Sjalvskattning.score(r)", [{"role": role, "answers": to_js(svar)} for role, svar in group])
        assert got == want, f"group {i}"
    # Two people 2,4 and 2,6 on the horizontal axis: a mean of exactly 2,5 is systematic.
    low = {q: 3 for q in QUESTIONS} | {"v1_mal": "ja", "h_forbereda": 2, "h_genomfora": 2, "h_avtalsuppfoljning": 2}
    high = {q: 3 for q in QUESTIONS} | {"v1_mal": "ja", "h_forbereda": 2, "h_genomfora": 2}
    got = page.evaluate("r => Sjalvskattning.score(r)", [{"role": "verksamhet", "answers": to_js(s)} for s in (low, high)])
    assert got["overall"]["axes"]["verksamhet"] == [5, 2] and got["overall"]["quadrant"] == "andamalsenlig"


def changed_instrument(tmp_path: Path):
    """A copy of content/instrument.yaml with its rules changed, each in one place: a question's
    weight and its area's denominator, an option's weight, the ja points, the threshold and a
    status's minimum. Nothing else in the project is told."""
    data = yaml.safe_load((ROOT / "content" / "instrument.yaml").read_text(encoding="utf-8"))
    area = data["omraden"]["ansvar_organisation"]
    area["namnare"] = 6
    (juridik,) = [q for q in area["fragor"] if q["id"] == "v3_juridik"]
    juridik["vikt"] = 2
    (uppfoljning,) = [q for q in area["fragor"] if q["id"] == "v3_uppfoljning"]
    uppfoljning["alternativ"]["delar"]["vikt"] = 0.25
    (mal,) = [q for q in data["omraden"]["strategi_planering"]["fragor"] if q["id"] == "v1_mal"]
    mal["poang"]["ja"] = 4
    data["troskel"] = 2.75
    data["status"][0]["minst"] = 3.25
    content = tmp_path / "content"
    content.mkdir()
    for name in ("kommuner.yaml", "kommuner.csv"):
        shutil.copy(ROOT / "content" / name, content / name)
    (content / "instrument.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return load_instrument(content / "instrument.yaml")


def test_a_rule_changed_in_the_instrument_changes_python_and_the_page_alike(instrument, project, browser, vectors, tmp_path):
    """The page has no rule of its own: with the instrument's weights, denominator, points,
    threshold and a status's minimum changed in a copy, the page the build makes from it scores
    every vector as Python does with the same copy, and differently from the original."""
    changed = changed_instrument(tmp_path)
    data = instrument_data(dataclasses.replace(project, ins=changed))
    questions = {q["id"]: q for a in data["areas"] for q in a["questions"]}
    assert questions["v3_juridik"]["weight"] == [2, 1] and questions["v1_mal"]["points"]["ja"] == 4
    assert [o["weight"] for o in questions["v3_uppfoljning"]["options"]] == [[1, 4], [1, 1]]
    assert data["threshold"] == [11, 4] and [a["denominator"] for a in data["areas"] if a["id"] == "ansvar_organisation"] == [6]
    site = tmp_path / "site"
    for rel, content in selfassessment_files(dataclasses.replace(project, ins=changed)).items():
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    context = browser.new_context()
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    differs = 0
    with serve(site) as base:
        pg.goto(base + "sjalvskattning/")
        pg.wait_for_function("window.Sjalvskattning !== undefined")
        for i, svar in enumerate(vectors):
            respondents = [(ROLES[i % 4], svar)]
            want = expected(changed, python_result(changed, respondents))
            got = pg.evaluate("r => Sjalvskattning.score(r)", [{"role": role, "answers": to_js(s)} for role, s in respondents])
            assert got == want, f"vector {i}: {svar}"
            differs += want != expected(instrument, python_result(instrument, respondents))
    context.close()
    assert errors == []
    assert differs >= len(vectors) // 2  # the change reaches the results: the test is not vacuous


def test_the_reserved_quadrant_carries_its_reservation_as_the_reports_do(instrument, page):
    """All answers 4 but no goals (question 1 nej): the point is in the quadrant the instrument
    reserves, and its label says, as a report's does, that goals and policy are not in place."""
    questions = [{"id": q.id, "extra": q.extra} for q in instrument.questions]
    areas = [a.id for a in instrument.areas]
    for svar, reserved in ((uniform(4, mal="nej"), True), (uniform(4), False)):
        got = page.evaluate(FILL, {"role": "inkopschef", "answers": to_js(svar), "questions": questions, "areas": areas})
        result = python_result(instrument, [("inkopschef", svar)])
        assert got["shown"]["quadrant"] == instrument.reservation.quadrant == result.overall.quadrant
        label = page.inner_text("#sa-quadrant")
        assert label == round_quadrant(instrument, result)
        assert label.endswith(", " + instrument.reservation.short) == reserved
        assert label in page.text_content("#sa-status") and label in page.text_content("#sa-graph-title")


def test_display_rounding_matches_views_num(page):
    fractions = [Fraction(n, d) for d in (1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 30, 40, 60) for n in range(0, 4 * d + 1)]
    got = page.evaluate("fs => fs.map(([n, d]) => Sjalvskattning.num(n, d))", [[f.numerator, f.denominator] for f in fractions])
    assert got == [num(f) for f in fractions]


def test_a_value_near_a_bound_is_shown_as_views_shows_it(page, instrument):
    """The display rule of the reports (views.shown), in the browser: 2,45 is never "2,5" beside a
    threshold of 2,5, and every fraction the scorer can give is shown alike in both."""
    axis = axis_bounds(instrument)
    cases = [
        (Fraction(n, d), b)
        for d in (1, 2, 3, 4, 6, 8, 12, 20, 40, 60, 120)
        for n in range(0, 4 * d + 1)
        for b in (axis, question_bounds(instrument, "v1_matt"), question_bounds(instrument, "v1_mal"))
    ]
    js = [
        {
            "n": f.numerator,
            "d": f.denominator,
            "bounds": {
                "at_least": [[t.numerator, t.denominator] for t in b.at_least],
                "above": [[t.numerator, t.denominator] for t in b.above],
            },
        }
        for f, b in cases
    ]
    got = page.evaluate("cs => cs.map(c => Sjalvskattning.shown(c.n, c.d, c.bounds))", js)
    assert got == [shown(f, b) for f, b in cases]
    assert shown(Fraction(49, 20), axis) == "2,45" and "2,45" in got


def test_the_page_is_driven_by_the_instrument(instrument, project, site_dir):
    html = (site_dir / "ambitionsgraf" / "sjalvskattning" / "index.html").read_text()
    embedded = json.loads(re.search(r'<script type="application/json" id="sa-instrument">(.*?)</script>', html, re.S).group(1))
    assert embedded == instrument_data(project) == json.loads((site_dir / "ambitionsgraf" / "assets" / "instrument.json").read_text())
    assert [q["id"] for a in embedded["areas"] for q in a["questions"]] == list(instrument.question_ids)
    assert embedded["threshold"] == [5, 2]
    uppfoljning = next(q for a in embedded["areas"] for q in a["questions"] if q["id"] == "v3_uppfoljning")
    assert {o["key"]: o["weight"] for o in uppfoljning["options"]} == {"delar": [1, 2], "hela": [1, 1]}
    assert all(set(s["suggestions"]) == {"pa_plats", "delvis", "utvecklingsomrade"} for s in embedded["steps"])
    script = (site_dir / "ambitionsgraf" / "assets" / "sjalvskattning.js").read_text()
    for qid in instrument.question_ids:  # nothing about the questions is written in the script
        assert qid not in script
    for word in ("fetch(", "XMLHttpRequest", "sendBeacon", "WebSocket", "sessionStorage", "indexedDB", "document.cookie", "import("):
        assert word not in script
    assert script.count("localStorage") - script.count("(localStorage") == 1  # the browser's own storage, in one place (Page.storage)
    # Every question is a fieldset with a legend; every radio has a label; the results are a polite live region.
    assert html.count('class="sa-question"') == len(instrument.questions) + 1  # + the role
    assert len(re.findall(r'<label class="sa-choice"><input type="radio"', html)) == len(re.findall(r'type="radio"', html))
    article = html[html.index('<article class="sa"') : html.index("</article>")]
    assert 'aria-live="polite"' in html and "<form" not in article  # (the header's search form is the page's only one)


# -- download --------------------------------------------------------------------------


def test_download_is_a_valid_answer_file(instrument, page):
    svar = {q: 3 for q in QUESTIONS} | {
        "v1_mal": "ja",
        "v2_hallbarhet": "vet_ej",
        "v3_uppfoljning": {"svar": 2, "omfattning": "delar"},
        "v3_rapportering": {"svar": 4, "frekvens": "manad"},
    }
    svar.pop("h_nojdhet")
    questions = [{"id": q.id, "extra": q.extra} for q in instrument.questions]
    page.evaluate(FILL, {"role": "inkopschef", "answers": to_js(svar), "questions": questions, "areas": []})
    page.fill("#sa-namn", "Norrviks kommun")
    page.select_option("#sa-typ", "kommun")
    with page.expect_download() as info:
        page.click("#sa-download")
    download = info.value
    assert download.suggested_filename == "norrviks-kommun.yaml"
    data = Path(download.path()).read_bytes()
    org, problems = parse_organisation(instrument, Path(download.suggested_filename), data)
    assert problems == [], data.decode()
    assert (org.slug, org.name, org.type, org.published) == ("norrviks-kommun", "Norrviks kommun", "kommun", False)
    (a,) = org.assessments
    assert abs((a.date - datetime.date.today()).days) <= 1  # the browser's today
    (r,) = a.respondents
    assert r.role == "inkopschef" and r.comment is None
    assert r.dont_know == {"v2_hallbarhet"} and r.answer("h_nojdhet") is None
    assert r.answer("v3_uppfoljning").option == "delar" and r.answer("v3_rapportering").option == "manad"
    assert expected(instrument, score_assessment(instrument, a)) == expected(instrument, python_result(instrument, [("inkopschef", svar)]))


def test_download_needs_a_role_and_a_type(page):
    page.click("#sa-download")
    assert page.text_content("#sa-error") == "Välj din roll och typ av organisation under Om dig innan du laddar ner svarsfilen."
    assert page.evaluate("document.activeElement.name") == "sa_roll"


def test_download_needs_an_answer_as_check_does(page):
    page.check("input[name=sa_roll][value=verksamhet]")
    page.select_option("#sa-typ", "kommun")
    page.click("#sa-download")
    assert page.text_content("#sa-error") == "Besvara minst en fråga (Vet ej räknas) innan du laddar ner svarsfilen."
    assert page.evaluate("document.activeElement.type") == "radio" and page.evaluate("document.activeElement.name") != "sa_roll"
    page.check('input[name="h_nojdhet"][value="vet_ej"]')  # "Vet ej" is an answer check accepts
    with page.expect_download():
        page.click("#sa-download")
    assert page.text_content("#sa-error") == ""


def test_a_name_with_odd_characters_stays_one_valid_line(instrument, page):
    page.check("input[name=sa_roll][value=verksamhet]")
    page.select_option("#sa-typ", "region")
    page.fill("#sa-namn", 'Region "Öst"\u2028: #1 \\ & <b>')
    page.check('input[name="v1_matt"][value="3"]')  # a file without answers is refused
    text = page.evaluate("Sjalvskattning.answerFile('2026-03-01')")
    org, problems = parse_organisation(instrument, Path("region-ost-1-b.yaml"), text.encode())
    assert problems == [], text
    assert org.name == 'Region "Öst" : #1 \\ & <b>'
    assert [q for q, a in org.assessments[0].respondents[0].answers if a is not None] == ["v1_matt"]


# -- keyboard only, phone width ------------------------------------------------------------

# A municipal procurement chief's answers, as positions in each radio group (0 = first choice).
# Scale questions list 4, 3, 2, 1, Vet ej; v1_mal lists Ja, Nej, Vet ej.
CHIEF = {
    "v1_mal": 0,
    "v1_matt": 1,
    "v1_plan": 1,
    "v1_spendanalys": 2,
    "v1_kategori": 2,
    "v2_kunskapsunderlag": 2,
    "v2_resultatrapporter": 1,
    "v2_hallbarhet": 1,
    "v2_kategorirapporter": 3,
    "v3_juridik": 0,
    "v3_styrdokument": 1,
    "v3_planering": 1,
    "v3_uppfoljning": 1,
    "v3_rapportering": 1,
    "h_forbereda": 1,
    "h_genomfora": 0,
    "h_avtalsuppfoljning": 2,
    "h_kategoriteam": 3,
    "h_nojdhet": 1,
}
CHIEF_SVAR = {
    "v1_mal": "ja",
    "v1_matt": 3,
    "v1_plan": 3,
    "v1_spendanalys": 2,
    "v1_kategori": 2,
    "v2_kunskapsunderlag": 2,
    "v2_resultatrapporter": 3,
    "v2_hallbarhet": 3,
    "v2_kategorirapporter": 1,
    "v3_juridik": 4,
    "v3_styrdokument": 3,
    "v3_planering": 3,
    "v3_uppfoljning": {"svar": 3, "omfattning": "delar"},
    "v3_rapportering": {"svar": 3, "frekvens": "kvartal"},
    "h_forbereda": 3,
    "h_genomfora": 4,
    "h_avtalsuppfoljning": 2,
    "h_kategoriteam": 1,
    "h_nojdhet": 3,
}

FOCUS = """() => {
  const e = document.activeElement;
  const shown = (x) => { const s = getComputedStyle(x); return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2; };
  const r = e.getBoundingClientRect();
  return {tag: e.tagName, type: e.type || '', name: e.name || '', id: e.id, value: e.value || '',
          visible: shown(e) || (e.type === 'radio' && shown(e.closest('label'))),
          inView: r.bottom > 0 && r.top < innerHeight && r.right <= innerWidth + 1};
}"""


def test_keyboard_only_at_phone_width(instrument, browser, site_url):
    context = browser.new_context(viewport={"width": 360, "height": 740}, accept_downloads=True, has_touch=True)
    page = context.new_page()
    page.goto(site_url + "sjalvskattning/")
    kb = page.keyboard

    def tab() -> dict:
        kb.press("Tab")
        f = page.evaluate(FOCUS)
        assert f["visible"], f"no visible focus on {f}"
        assert f["inView"], f"focused element scrolled out of view: {f}"
        return f

    def tab_until(pred, limit=80) -> dict:
        for _ in range(limit):
            f = tab()
            if pred(f):
                return f
        raise AssertionError("never reached")

    tab_until(lambda f: f["name"] == "sa_roll")
    kb.press("ArrowDown")
    kb.press("ArrowDown")  # Politisk ledning → Förvaltningsledning → Inköpschef
    assert page.evaluate("document.querySelector('input[name=sa_roll]:checked').value") == "inkopschef"
    assert tab()["id"] == "sa-namn"
    kb.type("Fjällmo kommun")
    assert tab()["id"] == "sa-typ"
    kb.press("ArrowDown")
    assert page.input_value("#sa-typ") == "kommun"
    for qid in QUESTIONS:
        f = tab()
        assert (f["type"], f["name"]) == ("radio", qid)
        if CHIEF[qid] == 0:
            kb.press("Space")
        for _ in range(CHIEF[qid]):
            kb.press("ArrowDown")
        if qid == "v3_uppfoljning":
            assert tab()["id"] == "v3_uppfoljning_omfattning"
            kb.press("ArrowDown")  # Anges inte (scored as hela, said to be assumed) → delar av inköpsportföljen
        if qid == "v3_rapportering":
            assert tab()["id"] == "v3_rapportering_frekvens"
            kb.press("ArrowDown")
            kb.press("ArrowDown")  # Anges inte → per månad → per kvartal
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    want = python_result(instrument, [("inkopschef", CHIEF_SVAR)])
    page.wait_for_function("document.getElementById('sa-status').textContent.startsWith('Besvarade frågor: 19 av 19.')")
    status = page.text_content("#sa-status")
    assert status == (
        f"Besvarade frågor: 19 av 19. Samspel med ledningen {num(want.overall.axes['ledning'])}, samspel med verksamheten "
        f"{num(want.overall.axes['verksamhet'])}: {round_quadrant(instrument, want)}."  # the label with any reservation, as in a report
    )
    for area, value in want.overall.areas.items():
        assert page.text_content(f"#sa-area-{area}") == num(value)

    tab_until(lambda f: f["id"] == "sa-download")
    with page.expect_download() as info:
        kb.press("Enter")
    data = Path(info.value.path()).read_bytes()
    org, problems = parse_organisation(instrument, Path(info.value.suggested_filename), data)
    assert problems == [] and org.slug == "fjallmo-kommun" and org.name == "Fjällmo kommun"
    assert expected(instrument, score_assessment(instrument, org.assessments[0])) == expected(instrument, want)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    context.close()


# -- accessibility, no-JS, print, privacy ------------------------------------------------


@pytest.mark.parametrize("width", [1280, 360])
def test_axe_finds_no_wcag_violations_empty_and_answered(instrument, browser, site_url, width):
    page = browser.new_page(viewport={"width": width, "height": 800})
    page.goto(site_url + "sjalvskattning/")
    assert page.evaluate("document.documentElement.lang") == "sv"
    assert axe_violations(page) == []
    questions = [{"id": q.id, "extra": q.extra} for q in instrument.questions]
    page.evaluate(FILL, {"role": "inkopschef", "answers": to_js(CHIEF_SVAR), "questions": questions, "areas": []})
    page.click("#sa-download")  # shows the error message too
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.close()


def test_without_javascript_the_questions_are_readable_and_the_page_says_why_nothing_is_computed(instrument, browser, site_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site_url + "sjalvskattning/")
    assert "Beräkningen kräver JavaScript" in page.inner_text("main")
    for q in instrument.questions:
        assert page.is_visible(f"#fraga-{q.id} legend")
    assert not page.is_visible("#sa-details") and not page.is_visible("#sa-download")
    assert page.inner_text("#sa-status") == "Resultatet räknas fram här när du svarar. Det kräver JavaScript."
    context.close()


def test_nothing_leaves_the_browser_and_only_its_own_storage_keeps_the_answers(instrument, browser, site_url, tmp_path):
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(site_url + "sjalvskattning/")
    page.wait_for_load_state("networkidle")
    icons = ("favicon.ico", "favicon.svg")  # the browser fetches the page's icon whenever it likes
    loaded = [u for u in requests if not u.endswith(icons)]
    # the page, its style and its two scripts (js-yaml, vendored), all from the site itself
    assert sorted(u.removeprefix(site_url) for u in loaded) == [
        "assets/site.css",
        "assets/sjalvskattning.js",
        "assets/vendor/js-yaml.min.js",
        "sjalvskattning/",
    ]
    questions = [{"id": q.id, "extra": q.extra} for q in instrument.questions]
    page.evaluate(FILL, {"role": "inkopschef", "answers": to_js(CHIEF_SVAR), "questions": questions, "areas": []})
    page.fill("#sa-namn", "Hemliga kommunen")
    page.select_option("#sa-typ", "kommun")
    with page.expect_download() as info:
        page.click("#sa-download")
    saved = tmp_path / "svar.yaml"
    info.value.save_as(saved)
    page.focus("#sa-namn")
    page.keyboard.press("Enter")  # Enter in a text field never submits anything: there is no form
    page.set_input_files("#sa-open", str(saved))  # a file read back is read here
    page.wait_for_function("document.getElementById('sa-stored').textContent.startsWith('Svaren från svar.yaml')")
    page.reload()
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(300)
    assert [u for u in requests if not u.endswith(icons)] == loaded + loaded  # the reload, and nothing else
    assert not [u for u in requests if "Hemliga" in u or "inkopschef" in u]
    assert page.url == site_url + "sjalvskattning/"
    kept = page.evaluate("[document.cookie, sessionStorage.length, Object.keys(localStorage)]")
    assert kept == ["", 0, ["ambitionsgraf-sjalvskattning"]]
    assert context.cookies() == []
    context.close()


# -- remembered, opened again, forgotten -----------------------------------------------------------


def state(page) -> dict:
    s = page.evaluate("Sjalvskattning.current()")
    return {"person": s["person"], "answers": s["answers"], "summary": s["summary"]}


def test_a_reload_keeps_the_answers_and_rensa_forgets_them(instrument, page):
    questions = [{"id": q.id, "extra": q.extra} for q in instrument.questions]
    page.evaluate(FILL, {"role": "inkopschef", "answers": to_js(CHIEF_SVAR), "questions": questions, "areas": []})
    page.fill("#sa-namn", "Fjällmo kommun")
    page.select_option("#sa-typ", "kommun")
    before = state(page)
    assert before["summary"].startswith("Besvarade frågor: 19 av 19.")
    page.reload()
    page.wait_for_function("window.Sjalvskattning !== undefined")
    assert state(page) == before
    assert page.inner_text("#sa-stored") == "Dina tidigare svar är återställda från den här webbläsaren."
    assert page.text_content("#sa-status") == before["summary"]  # the results are there at once, not after a change
    assert axe_violations(page) == []
    page.once("dialog", lambda d: d.accept())
    page.focus("#sa-reset")
    page.keyboard.press("Enter")
    assert page.evaluate("localStorage.length") == 0
    assert page.inner_text("#sa-stored") == "Svaren är rensade och glömda i den här webbläsaren."
    page.reload()
    page.wait_for_function("window.Sjalvskattning !== undefined")
    cleared = state(page)
    assert cleared["person"] == {"role": None, "name": "", "type": None}
    assert all(a["value"] is None for a in cleared["answers"].values())
    assert page.inner_text("#sa-stored") == ""


def test_rensa_asks_first_and_a_no_keeps_everything(instrument, page):
    page.check('input[name="v1_matt"][value="3"]')
    page.once("dialog", lambda d: d.dismiss())
    page.click("#sa-reset")
    assert page.evaluate("localStorage.length") == 1 and page.is_checked('input[name="v1_matt"][value="3"]')


def test_a_saved_file_opens_again_as_it_was_and_downloads_the_same(instrument, page, tmp_path):
    choosers: list = []
    page.on("filechooser", lambda chooser: choosers.append(chooser))  # listened for from the start: Chromium's chooser is caught only then
    questions = [{"id": q.id, "extra": q.extra} for q in instrument.questions]
    svar = CHIEF_SVAR | {"v2_hallbarhet": "vet_ej", "v3_rapportering": 2}
    svar.pop("h_nojdhet")
    page.evaluate(FILL, {"role": "verksamhet", "answers": to_js(svar), "questions": questions, "areas": []})
    page.fill("#sa-namn", 'Region "Öst" # 1')
    page.select_option("#sa-typ", "region")
    before = state(page)
    with page.expect_download() as info:
        page.click("#sa-download")
    saved = tmp_path / "region-ost.yaml"
    info.value.save_as(saved)
    page.once("dialog", lambda d: d.accept())
    page.click("#sa-reset")
    page.focus("#sa-open-button")
    page.keyboard.press("Enter")
    for _ in range(50):
        if choosers:
            break
        page.wait_for_timeout(100)
    choosers[0].set_files(str(saved))
    page.wait_for_function("document.getElementById('sa-stored').textContent.startsWith('Svaren från region-ost.yaml')")
    # counted one way: "Vet ej" is no answer, on the page and for the file read back
    counted = "Besvarade frågor: 17 av 19 (1 Vet ej, som räknas som obesvarad)."
    assert before["summary"].startswith(counted)
    assert page.inner_text("#sa-stored") == "Svaren från region-ost.yaml är inlästa. " + counted
    assert state(page) == before
    assert axe_violations(page) == []
    with page.expect_download() as again:
        page.click("#sa-download")
    assert Path(again.value.path()).read_bytes() == saved.read_bytes()


def test_a_typed_answer_file_opens_with_its_comments_quotes_and_line_ends(instrument, page):
    text = (
        "\ufeff# Skriven för hand\r\n"
        "namn: 'Norrviks kommun'   # namnet\r\n"
        "typ: kommun\r\npublicerad: false\r\nmatningar:\r\n"
        "- datum: 2026-03-01\r\n"
        "  respondenter:\r\n"
        "  -   roll: inkopschef\r\n"
        '      kommentar: "Svarade i telefon"\r\n'
        "      svar:\r\n"
        '        v1_mal: "ja"\r\n'
        "        v1_matt: 3\r\n"
        "        v3_uppfoljning: 2          # omfattning: hela, som när den inte anges\r\n"
        "        v3_rapportering: { svar: 4 , frekvens: 'kvartal' }\r\n"
        "        h_nojdhet: vet_ej\r\n"
    )
    org, problems = parse_organisation(instrument, Path("orgs/norrvik.yaml"), text.encode())
    assert problems == [] and org.name == "Norrviks kommun"  # a file `check` accepts
    read = page.evaluate("t => Sjalvskattning.readAnswerFile(t)", text)
    assert read["person"] == {"role": "inkopschef", "name": "Norrviks kommun", "type": "kommun"}
    assert read["count"] == 5
    answered = {k: v for k, v in read["answers"].items() if v["value"] is not None}
    assert answered == {
        "v1_mal": {"value": "ja", "option": None},
        "v1_matt": {"value": "3", "option": None},
        "v3_uppfoljning": {"value": "2", "option": None},
        "v3_rapportering": {"value": "4", "option": "kvartal"},
        "h_nojdhet": {"value": "vet_ej", "option": None},
    }


ONE_PERSON = "namn: x\ntyp: kommun\nmatningar:\n  - datum: 2026-03-01\n    respondenter:\n      - roll: inkopschef\n        svar:\n"
NORRVIK = Path(ROOT / "orgs" / "norrvik.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "text,line,problem",
    [
        ("namn: x\ntyp: kommun\n", 1, "matningar saknas: väntade en lista med mätningar"),
        (NORRVIK, NORRVIK.split("\n").index("matningar:") + 1, "matningar: en självskattning har en mätning, den här filen har 2"),
        (ONE_PERSON + "          v1_mal: ja\n          v1_matt: 7\n", 9, "v1_matt: väntade 4, 3, 2, 1, vet_ej, fick 7"),
        (
            ONE_PERSON + '          v1_matt: "3"\n',
            8,
            "v1_matt: väntade 4, 3, 2, 1, vet_ej, fick 3 (inom citattecken; skriv talet utan dem)",
        ),
        (ONE_PERSON + "          v1_mal: 3\n", 8, "v1_mal: väntade ja, nej, vet_ej, fick 3"),
        (ONE_PERSON + "          v1_mal: [ja]\n", 8, "v1_mal: väntade ja, nej, vet_ej, fick en lista eller flera värden"),
        (ONE_PERSON + "          constructor: 3\n", 8, "constructor: ingen sådan fråga"),
        (
            ONE_PERSON + "          v3_uppfoljning: {svar: 3, omfattning: halva}\n",
            8,
            "v3_uppfoljning.omfattning: väntade delar, hela, fick halva",
        ),
        (ONE_PERSON + "          v1_matt: {svar: 3, omfattning: hela}\n", 8, "v1_matt: väntade ett svar"),
        (ONE_PERSON + "          v1_matt: 3\n          v1_matt: 4\n", 9, "samma nyckel står två gånger"),
        (
            ONE_PERSON + "          v1_mal: &a ja\n          v1_matt: *a\n",
            9,
            "ett värde kan inte börja med * eller &; skriv texten inom citattecken",
        ),
        (ONE_PERSON + "\t  v1_matt: 3\n", 8, "dra in med mellanslag, inte tabb"),
        ("namn: x\ntyp: stat\n", 2, "typ: väntade kommun, region, myndighet, bolag, fick stat"),
        (
            "namn: x\ntyp: kommun\nmatningar:\n  - datum: 2026-03-01\n   respondenter: []\n",
            5,
            "oväntat indrag",
        ),
        ("namn: Norrvik: kommun\ntyp: kommun\n", 1, "ett andra ': ' på raden; skriv en text som innehåller ': ' inom citattecken"),
        (
            ONE_PERSON + "          v3_rapportering: {svar: 4, frekvens: kvartal\n",
            8,
            "en { eller [ stängs inte, eller saknar ett kommatecken",
        ),
        ('namn: "x\ntyp: kommun\n', 2, "en text inom citattecken avslutas aldrig"),
        ("%PDF-1.7 binärt", 1, "det här är ingen YAML som en svarsfil skrivs i"),
        ("- en lista\n", 1, "det här är ingen svarsfil (namn:, typ:, matningar:)"),
        ("# bara en kommentar\n", 1, "filen är tom"),
        # js-yaml reads these as 3; check refuses each (a point is written in digits only)
        (ONE_PERSON + "          v1_matt: 0x3\n", 8, "v1_matt: väntade 4, 3, 2, 1, vet_ej, fick 0x3"),
        (ONE_PERSON + "          v1_matt: 03\n", 8, "v1_matt: väntade 4, 3, 2, 1, vet_ej, fick 03"),
        (ONE_PERSON + "          v1_matt: +3\n", 8, "v1_matt: väntade 4, 3, 2, 1, vet_ej, fick +3"),
        (ONE_PERSON + "          v1_matt: 3.0   # tre\n", 8, "v1_matt: väntade 4, 3, 2, 1, vet_ej, fick 3.0"),
        (ONE_PERSON + "          v1_matt: 3e0\n", 8, "v1_matt: väntade 4, 3, 2, 1, vet_ej, fick 3e0"),
        (ONE_PERSON + "          v1_matt: 0_3\n", 8, "v1_matt: väntade 4, 3, 2, 1, vet_ej, fick 0_3"),
        (ONE_PERSON + "          v1_matt: !!int 3\n", 8, "v1_matt: väntade 4, 3, 2, 1, vet_ej, fick !!int 3"),
        (
            ONE_PERSON + "          v3_rapportering: {svar: 0x4, frekvens: kvartal}\n",
            8,
            "v3_rapportering: väntade 4, 3, 2, 1, vet_ej, fick 0x4",
        ),
    ],
)
def test_a_file_that_is_not_one_persons_answers_is_refused_with_its_line(page, text, line, problem):
    read = page.evaluate("t => Sjalvskattning.readAnswerFile(t)", text)
    assert read.get("problem") == {"line": line, "message": problem}


def _as_flow(value) -> str:
    """YAML flow style, as a script writing an answer file might (JSON without its quotes)."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_as_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_as_flow(v) for v in value) + "]"
    return str(value).lower() if isinstance(value, bool) else str(value)


_SVAR = {"v1_mal": "ja", "v1_matt": 3, "v3_uppfoljning": {"svar": 2, "omfattning": "delar"}, "h_nojdhet": "vet_ej"}
_FILE = {
    "namn": "Norrviks kommun",
    "typ": "kommun",
    "publicerad": False,
    "matningar": [{"datum": "2026-03-01", "respondenter": [{"roll": "verksamhet", "svar": _SVAR}]}],
}


@pytest.mark.parametrize(
    "text",
    [
        json.dumps(_FILE, ensure_ascii=False, indent=2) + "\n",
        json.dumps(_FILE, ensure_ascii=False),
        _as_flow(_FILE) + "\n",
        "\ufeff" + yaml.safe_dump(_FILE, allow_unicode=True, sort_keys=False).replace("\n", "\r\n"),
        "---\n" + yaml.safe_dump(_FILE, allow_unicode=True, sort_keys=False) + "...\n",
    ],
    ids=["json", "json-one-line", "flow", "bom-crlf", "document-markers"],
)
def test_a_file_check_accepts_opens_with_the_answers_check_reads(instrument, page, text):
    # The page refused the first, second, third and last ("väntade nyckel: värde"): js-yaml reports a
    # document that begins with { and a document ending in "..." with a node it then leaves out.
    org, problems = parse_organisation(instrument, Path("orgs/norrvik.yaml"), text.encode(), "orgs/norrvik.yaml")
    assert problems == [] and org.name == "Norrviks kommun"
    (respondent,) = org.assessments[0].respondents
    read = page.evaluate("t => Sjalvskattning.readAnswerFile(t)", text)
    assert read.get("problem") is None, read
    assert read["person"] == {"role": "verksamhet", "name": "Norrviks kommun", "type": "kommun"}
    answered = {k: v for k, v in read["answers"].items() if v["value"] is not None}
    assert answered == {
        "v1_mal": {"value": "ja", "option": None},
        "v1_matt": {"value": "3", "option": None},
        "v3_uppfoljning": {"value": "2", "option": "delar"},
        "h_nojdhet": {"value": "vet_ej", "option": None},
    }
    assert {q for q, v in respondent.answers if v is not None} | set(respondent.dont_know) == set(answered)


def test_a_file_opened_on_a_fresh_page_is_kept_and_the_print_header_says_so(instrument, page, tmp_path):
    # The header was written before the answers were saved: it said "only on this page, not kept in the
    # browser" while the browser's storage held them, until the next change re-rendered it.
    saved = tmp_path / "norrviks-kommun.yaml"
    saved.write_text(ONE_PERSON.replace("namn: x", "namn: Norrviks kommun") + "          v1_matt: 3\n", encoding="utf-8")
    page.set_input_files("#sa-open", str(saved))
    page.wait_for_function("document.getElementById('sa-stored').textContent.startsWith('Svaren från')")
    assert page.evaluate("localStorage.getItem('ambitionsgraf-sjalvskattning')") is not None
    assert page.text_content("#sa-print-meta").endswith(
        "svaren finns bara kvar i den här webbläsarens eget minne på den här datorn, tills någon trycker på Rensa."
    )


def test_opening_a_wrong_file_says_why_and_changes_nothing(instrument, page, tmp_path):
    page.check('input[name="v1_matt"][value="3"]')
    before = state(page)
    wrong = tmp_path / "norrvik.yaml"
    shutil.copy(ROOT / "orgs" / "norrvik.yaml", wrong)
    page.set_input_files("#sa-open", str(wrong))
    page.wait_for_function("document.getElementById('sa-open-error').textContent !== ''")
    assert page.inner_text("#sa-open-error").startswith("Filen norrvik.yaml kunde inte läsas: rad ")
    assert "en självskattning har en mätning" in page.inner_text("#sa-open-error")
    assert state(page) == before
    assert axe_violations(page) == []


def test_print_gives_a_one_person_report(instrument, page):
    questions = [{"id": q.id, "extra": q.extra} for q in instrument.questions]
    svar = CHIEF_SVAR | {"v2_hallbarhet": "vet_ej"}
    page.evaluate(FILL, {"role": "inkopschef", "answers": to_js(svar), "questions": questions, "areas": []})
    page.fill("#sa-namn", "Fjällmo kommun")
    page.emulate_media(media="print")
    for hidden in ("#sa-form", ".site-header", ".site-footer", "#sa-actions", ".sa-jump"):
        assert not page.is_visible(hidden), hidden
    for visible in ("#resultat-rubrik", "#sa-print-meta", ".sa-answers", "#sa-graph svg", "#sa-priorities li"):
        assert page.is_visible(visible), visible
    assert page.inner_text("#sa-print-meta").startswith("Självskattning ")
    assert "Inköpschef, Fjällmo kommun" in page.inner_text("#sa-print-meta")
    # the truth about what is kept, and where: nothing sent, the answers in this browser's own storage
    assert page.inner_text("#sa-print-meta").endswith(
        "Inget av det har skickats någonstans: svaren finns bara kvar i den här "
        "webbläsarens eget minne på den här datorn, tills någon trycker på Rensa."
    )
    assert page.evaluate("localStorage.getItem('ambitionsgraf-sjalvskattning')")
    assert page.inner_text('[data-answer="v3_uppfoljning"]') == "Instämmer delvis (3), delar av inköpsportföljen"
    assert page.inner_text('[data-answer="v2_hallbarhet"]') == "Vet ej"
    pdf = page.pdf()  # what window.print() would produce
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000


def test_rensa_clears_every_answer(instrument, page):
    questions = [{"id": q.id, "extra": q.extra} for q in instrument.questions]
    page.evaluate(FILL, {"role": "inkopschef", "answers": to_js(CHIEF_SVAR), "questions": questions, "areas": []})
    page.fill("#sa-namn", "Fjällmo kommun")
    page.once("dialog", lambda d: d.accept())
    page.click("#sa-reset")
    state = page.evaluate("Sjalvskattning.current()")
    assert state["person"] == {"role": None, "name": "", "type": None}
    assert all(a["value"] is None for a in state["answers"].values())
    assert state["answers"]["v3_uppfoljning"]["option"] is None  # back to not chosen (scored as hela, shown as assumed)
    assert state["summary"] == "Du har inte besvarat några frågor ännu. Resultatet visas här medan du svarar."
    assert page.evaluate("document.activeElement.name") == "sa_roll"


# -- the chart: the Python chart's frame -------------------------------------------------

GRAPH = """() => {
  const svg = document.querySelector('#sa-graph svg');
  const num = (node, name) => parseFloat(node.getAttribute(name));
  const plot = svg.querySelector('.sa-graph-plot');
  const circle = svg.querySelector('circle');
  const label = svg.querySelector('.sa-graph-point').getBBox();
  const ticks = {};
  for (const line of svg.querySelectorAll('line[data-axis]')) {
    const axis = line.getAttribute('data-axis');
    (ticks[axis] = ticks[axis] || []).push([num(line, 'data-value'), axis === 'verksamhet' ? num(line, 'x1') : num(line, 'y1')]);
  }
  const tickLabels = [...svg.querySelectorAll('.sa-graph-tick')].map(t => t.textContent);
  const thresholds = [...svg.querySelectorAll('.sa-graph-threshold')].map(l => ['x1', 'y1', 'x2', 'y2'].map(k => num(l, k)));
  const quadrants = {};
  for (const q of svg.querySelectorAll('.sa-graph-quadrant')) {
    const b = q.getBBox();
    quadrants[q.getAttribute('data-quadrant')] = {x: num(q, 'x'), anchor: q.getAttribute('text-anchor'), box: [b.x, b.y, b.x + b.width, b.y + b.height]};
  }
  return {
    viewBox: svg.getAttribute('viewBox'),
    plot: [num(plot, 'x'), num(plot, 'y'), num(plot, 'x') + num(plot, 'width'), num(plot, 'y') + num(plot, 'height')],
    point: {cx: num(circle, 'cx'), cy: num(circle, 'cy'), r: num(circle, 'r') + num(circle, 'stroke-width') / 2,
            visible: svg.querySelector('circle').parentNode.getAttribute('visibility') === 'visible'},
    label: [label.x, label.y, label.x + label.width, label.y + label.height],
    ticks, tickLabels, thresholds, quadrants,
  };
}"""


def limits_from_ticks(ticks: list[list[float]], low_edge: float, high_edge: float) -> tuple[float, float]:
    """The axis values at the plot area's edges, from where the chart draws two of its ticks."""
    (v1, p1), (v2, p2) = ticks[0], ticks[-1]
    per_unit = (p2 - p1) / (v2 - v1)
    return v1 + (low_edge - p1) / per_unit, v1 + (high_edge - p1) / per_unit


def test_the_chart_is_the_python_frame_and_holds_the_lowest_point(instrument, project, page):
    """All 1, nej and delar: ledning 0,9, the lowest the instrument allows. The page draws the point,
    with its label, inside the plot area, where the Python chart puts it, on axes with Python's limits."""
    frame = charts.frame(project.ins, phone=True)
    svar = uniform(1, mal="nej", omfattning="delar")
    want = python_result(instrument, [("inkopschef", svar)]).overall.axes
    assert want == {"ledning": Fraction(9, 10), "verksamhet": 1}
    questions = [{"id": q.id, "extra": q.extra} for q in instrument.questions]
    page.evaluate(FILL, {"role": "inkopschef", "answers": to_js(svar), "questions": questions, "areas": []})
    g = page.evaluate(GRAPH)

    assert g["viewBox"] == f"0 0 {frame.width:g} {frame.height:g}"
    assert g["plot"] == pytest.approx(list(frame.plot), abs=1e-9)
    left, top, right, bottom = g["plot"]
    p = g["point"]
    assert p["visible"]
    assert left < p["cx"] - p["r"] and p["cx"] + p["r"] < right and top < p["cy"] - p["r"] and p["cy"] + p["r"] < bottom, (p, g["plot"])
    label = g["label"]
    assert left <= label[0] and label[2] <= right and top <= label[1] and label[3] <= bottom, (label, g["plot"])
    assert (p["cx"], p["cy"]) == pytest.approx(frame.place(1, 0.9), abs=0.006)

    # The same axes: limits, ticks, threshold lines and the quadrants' corners.
    assert limits_from_ticks(g["ticks"]["verksamhet"], left, right) == pytest.approx(frame.xlim, abs=1e-9)
    assert limits_from_ticks(g["ticks"]["ledning"], bottom, top) == pytest.approx(frame.ylim, abs=1e-9)
    assert [v for v, _ in g["ticks"]["verksamhet"]] == list(frame.xticks)
    assert [v for v, _ in g["ticks"]["ledning"]] == list(frame.yticks)
    assert g["tickLabels"] == [charts.tick_label(v) for v in frame.xticks + frame.yticks]
    tx, ty = frame.place(frame.threshold, frame.threshold)
    assert sum(g["thresholds"], []) == pytest.approx([tx, top, tx, bottom, left, ty, right, ty], abs=0.006)
    for q in instrument.quadrants:
        shown = g["quadrants"][q.id]
        assert shown["anchor"] == ("end" if q.verksamhet else "start")
        assert shown["x"] == pytest.approx(right - frame.corner_inset if q.verksamhet else left + frame.corner_inset)
        box = shown["box"]
        assert left <= box[0] and box[2] <= right and top <= box[1] and box[3] <= bottom, (q.id, box)
        assert (box[1] - top < 30) == q.ledning and (bottom - box[3] < 30) == (not q.ledning)


def test_the_chart_holds_the_highest_point(instrument, page):
    """All 4, ja and hela: the top right corner; the point and its label stay inside the plot area."""
    svar = uniform(4, mal="ja", omfattning="hela")
    questions = [{"id": q.id, "extra": q.extra} for q in instrument.questions]
    page.evaluate(FILL, {"role": "inkopschef", "answers": to_js(svar), "questions": questions, "areas": []})
    g = page.evaluate(GRAPH)
    left, top, right, bottom = g["plot"]
    p, label = g["point"], g["label"]
    assert left < p["cx"] - p["r"] and p["cx"] + p["r"] < right and top < p["cy"] - p["r"] and p["cy"] + p["r"] < bottom, (p, g["plot"])
    assert left <= label[0] and label[2] <= right and top <= label[1] and label[3] <= bottom, (label, g["plot"])


def test_a_files_comments_are_kept_said_and_written_back(instrument, page, tmp_path):
    # The page read a file's kommentar and dropped it: the download lost what the analyst had written.
    text = (
        ONE_PERSON.replace("namn: x", "namn: Norrviks kommun")
        .replace("    respondenter:", '    kommentar: "<b>Intervju</b> i & \\"telefon\\"\\nrad två"\n    respondenter:')
        .replace("        svar:", "        kommentar: |\n          <script>alert(1)</script>\n          andra raden\n        svar:")
        + "          v1_matt: 3\n"
    )
    org, problems = parse_organisation(instrument, Path("orgs/norrvik.yaml"), text.encode())
    assert problems == [], problems
    (a,) = org.assessments
    assert a.comment == '<b>Intervju</b> i & "telefon"\nrad två'
    assert a.respondents[0].comment == "<script>alert(1)</script>\nandra raden"
    saved = tmp_path / "norrvik.yaml"
    saved.write_text(text, encoding="utf-8")
    page.set_input_files("#sa-open", str(saved))
    page.wait_for_function("document.getElementById('sa-stored').textContent.startsWith('Svaren från')")
    said = page.text_content("#sa-comments")
    assert said.startswith("Filens kommentarer behålls i svarsfilen du laddar ner: ")
    assert '<b>Intervju</b> i & "telefon" rad två' in said and "<script>alert(1)</script> andra raden" in said
    assert page.evaluate("document.querySelectorAll('#sa-comments *').length") == 0  # text, never markup
    page.reload()  # the browser's storage keeps them with the answers
    page.wait_for_function("window.Sjalvskattning !== undefined")
    assert page.text_content("#sa-comments") == said
    page.select_option("#sa-typ", "kommun")
    with page.expect_download() as info:
        page.click("#sa-download")
    data = Path(info.value.path()).read_bytes()
    again, problems = parse_organisation(instrument, Path("orgs/norrvik.yaml"), data)
    assert problems == [], data.decode()
    (b,) = again.assessments
    assert (b.comment, b.respondents[0].comment) == (a.comment, a.respondents[0].comment)
    assert b.respondents[0].answer("v1_matt").points == 3
    page.once("dialog", lambda d: d.accept())
    page.click("#sa-reset")
    assert page.text_content("#sa-comments") == ""
    assert "kommentar" not in page.evaluate("Sjalvskattning.answerFile('2026-03-01')")


_ROUND = "namn: Norrviks kommun\ntyp: kommun\n{top}matningar:\n  - datum: {datum}\n{round}    respondenter:\n      - roll: inkopschef\n{person}        svar:\n          v1_matt: 3\n{more}"


def _file(top="", datum="2026-03-01", round="", person="", more=""):
    return _ROUND.format(top=top, datum=datum, round=round, person=person, more=more)


@pytest.mark.parametrize(
    "text,line,problem",
    [
        (_file(datum="2026-3-1"), 4, "datum: väntade ett datum skrivet ÅÅÅÅ-MM-DD, fick 2026-3-1"),
        (_file(datum="2026-02-30"), 4, "datum: väntade ett riktigt datum, fick 2026-02-30 (ingen sådan dag)"),
        (_file(datum="20260301"), 4, "datum: väntade ett datum skrivet ÅÅÅÅ-MM-DD, fick 20260301"),
        (_file(datum="~"), 4, "datum: väntade ett datum skrivet ÅÅÅÅ-MM-DD, fick inget värde"),
        (
            _file().replace("  - datum: 2026-03-01\n    respondenter:", "  - respondenter:"),
            4,
            "datum saknas: väntade ett datum skrivet ÅÅÅÅ-MM-DD",
        ),
        (_file(top="publicerad: yes\n"), 3, "publicerad: väntade true eller false, fick yes"),
        (_file(top='publicerad: "true"\n'), 3, "publicerad: väntade true eller false, fick true"),
        (_file(top="kod: 114\n"), 3, 'kod: väntade SCB:s kod inom citattecken, t.ex. kod: "0114", fick 114'),
        (_file(top="kod: 0114\n"), 3, 'kod: väntade SCB:s kod inom citattecken, t.ex. kod: "0114", fick 0114'),
        (_file(top='kod: "9999"\n'), 3, "kod: ingen kommun eller region har koden 9999"),
        (_file(top='kod: "01"\n'), 3, "kod: 01 är koden för en region, men typ är kommun"),
        (_file(top="farg: bla\n"), 3, "farg: okänd nyckel i filen; väntade namn, typ, kod, publicerad, matningar"),
        (_file(round="    plats: Norrvik\n"), 5, "plats: okänd nyckel i en mätning; väntade datum, respondenter, kommentar"),
        (_file(person="        avdelning: inköp\n"), 7, "avdelning: okänd nyckel i en svarande; väntade roll, svar, kommentar"),
        (
            _file(more="          v3_uppfoljning: {svar: 3, omfattning: ~}\n"),
            9,
            "v3_uppfoljning.omfattning: väntade delar, hela, fick inget värde",
        ),
    ],
)
def test_the_page_refuses_what_check_refuses_in_the_fields_it_does_not_use(instrument, page, text, line, problem):
    # The page took a bad datum, publicerad: yes, kod: 114, an unknown key and omfattning: ~, all of which check refuses.
    _org, refused = parse_organisation(instrument, Path("orgs/norrviks-kommun.yaml"), text.encode())
    assert [p.line for p in refused] == [line], refused
    read = page.evaluate("t => Sjalvskattning.readAnswerFile(t)", text)
    assert read.get("problem") == {"line": line, "message": problem}


def test_the_fields_check_accepts_open(instrument, page):
    text = _file(top='kod: "0114"\npublicerad: True\n', datum="2024-02-29")
    _org, refused = parse_organisation(instrument, Path("orgs/norrviks-kommun.yaml"), text.encode())
    assert refused == []
    assert page.evaluate("t => Sjalvskattning.readAnswerFile(t)", text).get("problem") is None


def test_the_answer_file_rules_come_from_the_checker(project):
    data = instrument_data(project)["answer_file"]
    assert data["keys"] == {"file": list(TOP_KEYS), "round": list(ASSESSMENT_KEYS), "respondent": list(RESPONDENT_KEYS)}
    assert data["date"] == ISO_DATE.pattern
    assert data["codes"]["0114"] == "kommun" and data["codes"]["01"] == "region"
