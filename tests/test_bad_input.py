"""Hand-typed answer files: every malformed file gets exact, actionable problems.

tests/bad/ holds one small malformed answer file per case, each a variant of
TEMPLATE below; tests/bad/expected.txt lists, for each, the exact lines that
`python build.py check` prints (path:line: field: message). Hostile inputs
that are too large to commit (5 MB, 100 000 nested brackets) are built here.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from fractions import Fraction
from pathlib import Path

import pytest
import yaml

from ambitionsgraf import yamlsource
from ambitionsgraf.answers import parse_organisation

ROOT = Path(__file__).resolve().parent.parent
BAD = ROOT / "tests" / "bad"
SHOWN = "tests/bad"
# "Refused quickly" is measured in parser events read, not seconds, so that no test depends on the
# machine's speed: a refusal that stops early reads about as many events as the limit it enforces.
EVENT_MARGIN = 100

# The minimal valid answer file every case in tests/bad/ is a variant of.
TEMPLATE = """\
namn: Testby kommun
typ: kommun
publicerad: false
matningar:
  - datum: 2023-05-10
    respondenter:
      - roll: inkopschef
        svar:
          v1_mal: ja
          v1_matt: 3
          v3_uppfoljning: {svar: 3, omfattning: delar}
          v3_rapportering: {svar: 4, frekvens: kvartal}
          h_nojdhet: vet_ej
"""


def parse(ins, name: str, data: bytes | str):
    if isinstance(data, str):
        data = data.encode("utf-8")
    return parse_organisation(ins, Path(SHOWN) / name, data, f"{SHOWN}/{name}")


def lines_of(problems) -> list[str]:
    return [str(p) for p in problems]


# -- the corpus -------------------------------------------------------------------


def _corpus_files() -> list[str]:
    return sorted(p.name for p in BAD.iterdir() if p.suffix in (".yaml", ".yml"))


def _expected() -> dict[str, list[str]]:
    """expected.txt, grouped by the file each line names."""
    files = _corpus_files()
    prefixes = sorted(((f"{SHOWN}/{name}:", name) for name in files), key=lambda t: -len(t[0]))
    expected: dict[str, list[str]] = {}
    for line in (BAD / "expected.txt").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name = next((n for prefix, n in prefixes if line.startswith(prefix)), None)
        assert name is not None, f"expected.txt names no file in tests/bad/: {line}"
        expected.setdefault(name, []).append(line)
    return expected


EXPECTED = _expected()


def test_corpus_covers_at_least_35_files_and_each_has_expectations():
    files = _corpus_files()
    assert len(files) >= 35
    assert sorted(EXPECTED) == files, "every file in tests/bad/ needs its lines in expected.txt, and only those"


@pytest.mark.parametrize("name", _corpus_files())
def test_bad_file_reports_exactly_the_expected_problems(instrument, name):
    org, problems = parse_organisation(instrument, BAD / name, (BAD / name).read_bytes(), f"{SHOWN}/{name}")
    assert org is None
    assert lines_of(problems) == EXPECTED[name]
    for p in problems:
        assert p.line >= 1 and p.field and "\n" not in str(p)


def test_a_file_with_several_problems_reports_all_of_them(instrument):
    org, problems = parse_organisation(instrument, BAD / "several-problems.yaml", (BAD / "several-problems.yaml").read_bytes(), "x.yaml")
    assert org is None
    assert [(p.line, p.field) for p in problems] == [
        (2, "typ"),
        (3, "publicerad"),
        (5, "datum"),
        (8, "namn"),
        (11, "v1_matt"),
        (12, "v1_mat"),
        (13, "v1_matt"),
        (14, "h_nojdhet"),
    ]


def test_the_issue_example_message(instrument):
    _, problems = parse(instrument, "x.yaml", TEMPLATE.replace("v1_matt: 3", "v1_matt: 7"))
    assert lines_of(problems) == ["tests/bad/x.yaml:10: v1_matt: expected 1–4 or vet_ej, got 7"]


def test_a_duplicate_key_names_both_lines(instrument):
    _, problems = parse(
        instrument,
        "x.yaml",
        TEMPLATE.replace("          v1_matt: 3\n", "          v1_matt: 3\n          v1_mal: nej\n          v1_matt: 4\n"),
    )
    assert [(p.line, p.field) for p in problems] == [(11, "v1_mal"), (12, "v1_matt")]
    assert "lines 9 and 11" in problems[0].message and "lines 10 and 12" in problems[1].message


# -- valid files ------------------------------------------------------------------


def test_the_valid_template_parses(instrument):
    org, problems = parse(instrument, "testby.yaml", TEMPLATE)
    assert problems == []
    assert (org.slug, org.name, org.type, org.published) == ("testby", "Testby kommun", "kommun", False)
    (assessment,) = org.assessments
    assert assessment.date.isoformat() == "2023-05-10" and assessment.line == 5
    (r,) = assessment.respondents
    assert r.role == "inkopschef" and r.line == 7 and r.comment is None
    assert r.answer("v1_mal").points == 3
    assert r.answer("v1_matt").points == 3
    assert r.answer("v3_uppfoljning").weight == Fraction(1, 2) and r.answer("v3_uppfoljning").option == "delar"
    assert r.answer("v3_rapportering").points == 4 and r.answer("v3_rapportering").option == "kvartal"
    assert r.answer("h_nojdhet") is None and r.answer("v1_plan") is None
    assert r.dont_know == {"h_nojdhet"}


@pytest.mark.parametrize(
    "variant",
    [
        pytest.param(lambda t: t.replace("\n", "\r\n"), id="crlf-line-endings"),
        pytest.param(lambda t: "\ufeff" + t, id="utf8-bom"),
        pytest.param(lambda t: "# Intervjuer hösten 2023\n---\n" + t + "...\n", id="comments-and-document-markers"),
        pytest.param(lambda t: t.replace("datum: 2023-05-10", "datum: '2023-05-10'"), id="quoted-date"),
        pytest.param(lambda t: t.replace("v1_mal: ja", "v1_mal: 'ja'"), id="quoted-word-answer"),
        pytest.param(lambda t: t.replace("publicerad: false\n", ""), id="publicerad-left-out"),
        pytest.param(lambda t: t.replace("h_nojdhet: vet_ej", "h_nojdhet: 2  # osäker"), id="comment-after-value"),
        pytest.param(lambda t: t.replace("namn: Testby kommun", "namn: Testby kommun & Smådalens region"), id="swedish-text"),
    ],
)
def test_valid_variants_parse(instrument, variant):
    org, problems = parse(instrument, "testby.yaml", variant(TEMPLATE))
    assert problems == []
    assert org is not None


def test_vet_ej_inside_an_option_mapping_counts_as_dont_know(instrument):
    org, problems = parse(instrument, "testby.yaml", TEMPLATE.replace("{svar: 3, omfattning: delar}", "{svar: vet_ej, omfattning: delar}"))
    assert problems == []
    r = org.assessments[0].respondents[0]
    assert r.answer("v3_uppfoljning") is None
    assert r.dont_know == {"h_nojdhet", "v3_uppfoljning"}


def test_an_empty_svar_is_a_respondent_without_answers(instrument):
    """`svar:` left empty, as `build.py new` leaves it: counted as interviewed with no point, so refused."""
    text = TEMPLATE.split("          v1_mal")[0]
    org, problems = parse(instrument, "testby.yaml", text)
    assert org is None
    assert lines_of(problems) == [
        "tests/bad/testby.yaml:8: svar: expected this respondent's answers, at least one, got nothing; "
        "fill them in (vet_ej for a question asked but not answered), or remove the respondent; "
        "no respondent in this file has answers yet (not measured yet)"
    ]  # a build leaves it out


@pytest.mark.parametrize("path", sorted((ROOT / "orgs").glob("*.yaml")), ids=lambda p: p.name)
def test_the_example_organisations_are_valid(instrument, path):
    org, problems = parse_organisation(instrument, path, path.read_bytes(), f"orgs/{path.name}")
    assert problems == []
    assert org.slug == path.stem


# -- hostile input: refused quickly, nothing constructed, nothing run ----------------


def _counted(monkeypatch) -> list[int]:
    """Count the YAML parser events the careful reader takes (the fast path is never taken by these inputs)."""
    read = [0]
    real_parse = yamlsource.yaml.parse

    def counting(*args, **kwargs):
        for event in real_parse(*args, **kwargs):
            read[0] += 1
            yield event

    monkeypatch.setattr(yamlsource.yaml, "parse", counting)
    monkeypatch.setattr(yamlsource, "_compose_fast", lambda text: None)
    return read


def _rejected(instrument, name: str, data: bytes):
    org, problems = parse(instrument, name, data)
    assert org is None and problems
    return problems


def _refused(instrument, monkeypatch, name: str, data: bytes, at_most: int):
    read = _counted(monkeypatch)
    problems = _rejected(instrument, name, data)
    assert read[0] <= at_most, f"read {read[0]} parser events"
    return problems


def test_a_5_mb_file_is_refused_unread(instrument, monkeypatch):
    data = TEMPLATE.encode() + b"# " + b"x" * (5_000_000 - len(TEMPLATE) - 3) + b"\n"
    problems = _refused(instrument, monkeypatch, "big.yaml", data, at_most=0)
    assert lines_of(problems) == ["tests/bad/big.yaml:1: file: expected at most 1 000 000 bytes, got 5 000 000; this is not an answer file"]


def test_a_huge_billion_laughs_is_refused_without_expanding(instrument, monkeypatch):
    # 30 levels of 30 aliases each would be 30**30 strings if expanded.
    text = 'a0: &a0 ["lol"]\n' + "".join(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 30) + "]\n" for i in range(1, 31))
    problems = _refused(instrument, monkeypatch, "laughs.yaml", text.encode(), at_most=31 * 32 + EVENT_MARGIN)  # as written
    assert {p.field for p in problems} <= {f"a{i}" for i in range(31)} | {"file"}
    assert len(problems) == 11  # ten listed, then one line counting the rest
    assert problems[-1].message == "20 more aliases or tags not listed; answer files use neither"


def test_a_file_of_a_million_values_stops_early(instrument, monkeypatch):
    problems = _refused(instrument, monkeypatch, "wide.yaml", b"[" + b"1," * 499_000 + b"1]", at_most=yamlsource.MAX_NODES + EVENT_MARGIN)
    assert lines_of(problems) == ["tests/bad/wide.yaml:1: file: expected at most 100 000 values, got more; this is not an answer file"]


DEEP_SCRIPT = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from ambitionsgraf.answers import parse_organisation
    from ambitionsgraf.instrument import load_instrument
    ins = load_instrument(Path("content/instrument.yaml"))
    from ambitionsgraf import yamlsource
    data = sys.stdin.buffer.read()
    read, real_parse = [0], yamlsource.yaml.parse
    def counting(*args, **kwargs):
        for event in real_parse(*args, **kwargs):
            read[0] += 1
            yield event
    yamlsource.yaml.parse = counting
    yamlsource._compose_fast = lambda text: None
    org, problems = parse_organisation(ins, Path("deep.yaml"), data, "deep.yaml")
    print(read[0])
    print("\\n".join(str(p) for p in problems))
    """
)


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"[" * 100_000 + b"]" * 100_000, id="brackets"),
        pytest.param(b"namn: " + b"{a: " * 100_000 + b"}" * 100_000, id="braces"),
        pytest.param(b"[" * 900_000, id="unclosed-brackets"),
        pytest.param(b"- " * 100_000 + b"x\n", id="block-list"),
    ],
)
def test_deep_nesting_is_refused_quickly(data):
    # In a child process: before the fix, libyaml's composer crashed Python here.
    done = subprocess.run([sys.executable, "-c", DEEP_SCRIPT], input=data, cwd=ROOT, capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    events, *problems = done.stdout.decode().splitlines()
    assert int(events) <= yamlsource.MAX_DEPTH + EVENT_MARGIN  # stopped at the depth limit, not at the end
    assert problems == ["deep.yaml:1: syntax: expected lists and mappings nested at most 20 deep, got more; this is not an answer file"]


PYTHON_TAGS = [
    "!!python/object/apply:os.system ['touch pwned']",
    "!!python/object/new:subprocess.Popen [['touch', 'pwned']]",
    "!!python/name:os.system",
    "!!python/object:__main__.Pwned {a: 1}",
    "!!python/module:os",
]


@pytest.mark.parametrize("tag", PYTHON_TAGS)
def test_python_tags_are_refused_and_never_constructed(instrument, tag, tmp_path, monkeypatch):
    def no_construction(*args, **kwargs):
        raise AssertionError("a YAML constructor ran")

    monkeypatch.setattr(yaml.constructor.BaseConstructor, "construct_document", no_construction)
    monkeypatch.setattr(yaml.constructor.BaseConstructor, "construct_object", no_construction)
    monkeypatch.chdir(tmp_path)
    problems = _rejected(instrument, "x.yaml", TEMPLATE.replace("v1_matt: 3", f"v1_matt: {tag}").encode())
    short = tag.split()[0]
    assert lines_of(problems) == [f"tests/bad/x.yaml:10: v1_matt: the tag {short} is not allowed; write a plain value without it"]
    assert list(tmp_path.iterdir()) == []


def test_a_tag_directive_cannot_smuggle_a_python_tag(instrument):
    text = "%TAG !p! tag:yaml.org,2002:python/\n---\n" + TEMPLATE.replace("namn: Testby kommun", "namn: !p!object/apply:os.system [ls]")
    problems = _rejected(instrument, "x.yaml", text.encode())
    assert lines_of(problems) == [
        "tests/bad/x.yaml:3: namn: the tag !!python/object/apply:os.system is not allowed; write a plain value without it"
    ]


@pytest.mark.parametrize(
    "value",
    ["9" * 5000, "'" + "k" * 100_000 + "'", '"a\\nb\\u0000c"', "|\n            3\n            4"],
    ids=["5000-digit-number", "100k-text", "escaped-control-characters", "block-text"],
)
def test_odd_values_give_one_short_line(instrument, value):
    problems = _rejected(instrument, "x.yaml", TEMPLATE.replace("v1_matt: 3", f"v1_matt: {value}").encode())
    (problem,) = problems
    assert (problem.line, problem.field) == (10, "v1_matt")
    assert "\n" not in str(problem) and len(str(problem)) < 200


def test_thousands_of_problems_are_listed_up_to_a_hundred_then_counted(instrument):
    many = "".join(f"          v1_matt{i}: 3\n" for i in range(30_000))
    problems = _rejected(instrument, "x.yaml", TEMPLATE.replace("          v1_matt: 3\n", many).encode())
    assert len(problems) == 101
    assert str(problems[0]) == "tests/bad/x.yaml:10: v1_matt0: unknown question id; did you mean v1_matt?"
    assert str(problems[-1]) == "tests/bad/x.yaml:110: file: 29900 more problems not listed; fix the ones above first"


@pytest.mark.parametrize("newline", ["\r\n", "\r"], ids=["windows", "classic-mac"])
def test_lines_are_counted_the_same_whatever_the_line_endings(instrument, newline):
    text = TEMPLATE.replace("v1_matt: 3", "v1_matt: 7").replace("\t", "").replace("\n", newline)
    _, problems = parse(instrument, "x.yaml", text + "\tx: 1" + newline)
    assert [(p.line, p.field) for p in problems] == [(14, "indentation")]
    _, problems = parse(instrument, "x.yaml", text)
    assert lines_of(problems) == ["tests/bad/x.yaml:10: v1_matt: expected 1–4 or vet_ej, got 7"]


def test_paths_in_problems_are_shown_as_each_file_resolved_alone(tmp_path, monkeypatch):
    from ambitionsgraf.answers import display_path, display_paths

    here, elsewhere = tmp_path / "here", tmp_path / "elsewhere"
    (here / "orgs").mkdir(parents=True)
    elsewhere.mkdir()
    for p in (here / "orgs" / "a.yaml", elsewhere / "b.yaml"):
        p.write_text("namn: X\n")
    (here / "orgs" / "lank.yaml").symlink_to(elsewhere / "b.yaml")  # a linked file shows where it really is
    (here / "lankad").symlink_to(elsewhere, target_is_directory=True)  # so does a file in a linked folder
    (here / "andra").mkdir()
    (here / "andra" / "c.yaml").write_text("namn: Y\n")
    (here / "orgs" / "inne.yaml").symlink_to(here / "andra" / "c.yaml")  # a link within here
    monkeypatch.chdir(here)
    paths = [
        Path("orgs/a.yaml"),
        Path("orgs/lank.yaml"),
        Path("lankad/b.yaml"),
        here / "orgs" / "a.yaml",
        Path("orgs/../orgs/a.yaml"),
        elsewhere / "b.yaml",
        Path("orgs/inne.yaml"),
        here / "orgs" / "lank.yaml",
    ]
    shown = display_paths(paths)
    assert shown == {p: str(p.resolve().relative_to(here)) if p.resolve().is_relative_to(here) else str(p) for p in paths}
    assert shown[Path("orgs/a.yaml")] == shown[Path("orgs/../orgs/a.yaml")] == shown[here / "orgs" / "a.yaml"] == "orgs/a.yaml"
    assert shown[Path("orgs/inne.yaml")] == "andra/c.yaml"  # where the link leads, not where it lies
    assert shown[here / "orgs" / "lank.yaml"] == str(here / "orgs" / "lank.yaml")  # leads out of here: as given
    assert shown[Path("orgs/lank.yaml")] == "orgs/lank.yaml"
    assert [display_path(p) for p in paths] == list(shown.values())
