"""The delivery archive and its register as values and files, and the keys a build takes from them:
fast tests with no build (tests/test_delivery.py delivers for real)."""

from __future__ import annotations

import copy
import json
import stat

import pytest

from ambitionsgraf.archive import Archive, Delivered, replaced_by, sha256
from ambitionsgraf.correction import changes, corrected_on, delivery_key
from ambitionsgraf.problems import ContentError


def _delivered(slug="norrby", version=1, date="2026-05-04", files=None, name="Norrby kommun", dnr="UM 2026/1"):
    files = files or {f"{slug}.json": b'{"a": 1}', f"{slug}.pdf": b"%PDF-1.7 ... %%EOF"}
    return Delivered(slug, name, "2026", "2026-03-01", version, date, dnr, tuple((n, sha256(d)) for n, d in files.items())), files


def test_register_round_trips_and_lists_replacements(tmp_path):
    archive = Archive(tmp_path / "arkiv")
    one, files1 = _delivered()
    two, files2 = _delivered(version=2, date="2026-06-01", files={"norrby.json": b'{"a": 2}', "norrby.pdf": b"%PDF-1.7 v2 %%EOF"})
    archive.store(one, files1)
    archive.record([one])
    archive.store(two, files2)
    archive.record([two])
    again = Archive(tmp_path / "arkiv")
    assert again.deliveries() == [one, two]
    assert replaced_by(one, again.deliveries()) == 2 and replaced_by(two, again.deliveries()) is None
    assert again.find(sha256(b'{"a": 1}')) == [one] and again.find(sha256(b"nothing")) == []
    rows = (tmp_path / "arkiv" / "register.csv").read_bytes()
    assert rows.startswith(b"\xef\xbb\xbf") and rows.count(b"\r\n") == 5
    text = rows.decode("utf-8-sig").splitlines()
    first = sha256(b'{"a": 1}')
    assert text[1] == f"Norrby kommun;norrby;2026;2026-03-01;1;2026-05-04;UM 2026/1;norrby.json;{first};2"
    assert text[3].endswith(";")  # version 2 replaced by nothing
    for path in (tmp_path / "arkiv").rglob("*"):
        assert stat.S_IMODE(path.stat().st_mode) == (0o700 if path.is_dir() else 0o600), path
    assert (tmp_path / "arkiv" / "2026" / "norrby" / "v1" / "norrby.json").read_bytes() == b'{"a": 1}'


def test_a_version_is_never_written_over(tmp_path):
    archive = Archive(tmp_path / "arkiv")
    one, files = _delivered()
    archive.store(one, files)
    with pytest.raises(ContentError) as exc:
        archive.store(one, {"norrby.json": b"other"})
    assert exc.value.problems[0].field == "version"
    assert (tmp_path / "arkiv" / "2026" / "norrby" / "v1" / "norrby.json").read_bytes() == b'{"a": 1}'


def test_a_damaged_register_is_named_never_a_traceback(tmp_path):
    root = tmp_path / "arkiv"
    root.mkdir()
    (root / "register.json").write_text("{not json")
    with pytest.raises(ContentError) as exc:
        Archive(root).deliveries()
    assert exc.value.problems[0].path == str(root / "register.json")
    one, _ = _delivered()
    entry = one.as_json()
    entry["version"] = "1"
    (root / "register.json").write_text(json.dumps({"leveranser": [entry]}))
    with pytest.raises(ContentError) as exc:
        Archive(root).deliveries()
    assert exc.value.problems[0].field == "version"


def test_a_name_that_would_be_a_formula_is_text_in_the_csv(tmp_path):
    archive = Archive(tmp_path / "arkiv")
    one, files = _delivered(dnr='=HYPERLINK("x")')
    archive.store(one, files)
    archive.record([one])
    import csv

    rows = list(csv.reader((tmp_path / "arkiv" / "register.csv").read_text(encoding="utf-8-sig").splitlines(), delimiter=";"))
    assert rows[1][6] == '\'=HYPERLINK("x")'


def test_delivery_key_is_the_same_before_and_after_the_current_data_are_delivered():
    v1 = ("2026", 1, "2026-05-04", "2026/x/v1", "sha-a")
    v2 = ("2026", 2, "2026-06-01", "2026/x/v2", "sha-b")
    assert delivery_key([v1], "2026", "sha-a") is None  # delivered as it is: nothing shows it
    assert delivery_key([], "2026", "sha-a") is None
    corrected = delivery_key([v1], "2026", "sha-b")  # data changed since v1: the next version replaces v1
    assert corrected == [(1, "2026-05-04", "sha-a"), None]
    delivered = delivery_key([v1, v2], "2026", "sha-b")  # …and once delivered, the same page, and a "Rättad" day
    assert delivered == [(1, "2026-05-04", "sha-a"), "2026-06-01"]
    assert delivery_key([v1, v2], "2026", "sha-a")[0] == (2, "2026-06-01", "sha-b")  # corrected back: v3 replaces v2
    assert delivery_key([v1, v2], "2025", "sha-b") is None  # another round year's deliveries
    assert corrected_on([v1], "2026") is None and corrected_on([v1, v2], "2026") == "2026-06-01"


def test_rattelse_names_each_changed_value_before_and_after(instrument):
    from pathlib import Path

    from ambitionsgraf.answers import parse_organisation
    from ambitionsgraf.scoring import score_organisation
    from ambitionsgraf.site import delivery_data

    from .helpers import answer_file, uniform

    def data(value):
        text = answer_file([("2026-03-01", [("inkopschef", uniform(3, v1_kategori=value))])])
        org, problems = parse_organisation(instrument, Path("orgs/x.yaml"), text.encode(), "orgs/x.yaml")
        assert not problems

        class P:
            ins = instrument

        return json.loads(json.dumps(delivery_data(P, score_organisation(instrument, org), comparisons=[])))

    before, after = data(3), data(1)
    rows = changes(instrument, before, after)
    what = [r["what"] for r in rows]
    q = instrument.question("v1_kategori")
    assert f"Fråga {q.number}: {q.text}" in what
    row = rows[what.index(f"Fråga {q.number}: {q.text}")]
    assert (row["before"], row["after"]) == ("3,0", "1,0") and "rättade svaren" in row["why"]
    assert any(w.startswith("Område: ") for w in what)
    assert changes(instrument, before, copy.deepcopy(before)) == []
