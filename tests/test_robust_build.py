"""Whatever an answer file holds, the build says what is wrong or builds; it never half-writes."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ambitionsgraf.problems import ContentError

from .conftest import run_build, tree, write_orgs
from .helpers import answer_file, uniform

VALID = answer_file([("2024-01-10", [("inkopschef", uniform(3)), ("verksamhet", uniform(2, mal="nej"))])])
LINES = VALID.splitlines(keepends=True)


@st.composite
def mutated(draw):
    lines = list(LINES)
    kind = draw(st.sampled_from(["drop", "duplicate", "retype", "swap", "bytes", "truncate"]))
    i = draw(st.integers(0, len(lines) - 1))
    if kind == "drop":
        del lines[i]
    elif kind == "duplicate":
        lines.insert(i, lines[i])
    elif kind == "retype":
        key = lines[i].split(":")[0]
        lines[i] = (
            f"{key}: {draw(st.sampled_from(['[]', '{}', 'yes', '1e400', '1:30', '~', '&a x', '*a', '!!python/object:os.system x', '7', 'ja', '[[[[[]]]]]']))}\n"
        )
    elif kind == "swap":
        j = draw(st.integers(0, len(lines) - 1))
        lines[i], lines[j] = lines[j], lines[i]
    elif kind == "truncate":
        lines = lines[:i]
    data = "".join(lines).encode()
    if kind == "bytes":
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.binary(min_size=1, max_size=8)) + data[at:]
    return data


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(mutated())
def test_mutated_files_never_crash_or_half_write(tmp_path_factory, data):
    base = tmp_path_factory.mktemp("robust")
    orgs = write_orgs(base / "orgs", {"fast.yaml": VALID})
    out = base / "output"
    run_build(orgs, out)
    before = tree(out)
    (orgs / "fast.yaml").write_bytes(data)
    try:
        run_build(orgs, out)
    except ContentError as err:
        assert err.problems and all(p.line >= 1 and p.field for p in err.problems)
        assert tree(out) == before
    assert sorted(p.name for p in base.iterdir()) == ["orgs", "output"]  # no staging folder left, no cache beside the output


def test_pdf_renderer_fetches_nothing_but_inline_data():
    from ambitionsgraf.pdf import _weasy

    _, _, fetcher = _weasy()
    for url in ("file:///etc/passwd", "https://example.com/x.png", "http://127.0.0.1/"):
        with pytest.raises(ValueError, match="offline"):
            fetcher().fetch(url)
