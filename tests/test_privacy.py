"""The privacy rule for comparisons: an unpublished organisation's values cannot be derived from
the public site together with any other organisation's delivery package.

Unit tests on ComparisonIndex, then real builds in which only the unpublished organisations'
answers change: every other organisation's delivery files and the whole public site must stay
byte-identical while fewer than five of them took part.
"""

from __future__ import annotations

import json
from fractions import Fraction

import pytest

from ambitionsgraf.peergroups import POOL_MIN, ComparisonIndex, comparison

from .conftest import run_build, tree, write_orgs
from .helpers import answer_file, uniform
from .test_compare import scored

VALUES = [1, 2, 3, 4, 2, 3]


def published(instrument, n=6, typ="kommun"):
    return [scored(instrument, f"p{i}", [("2024-03-01", [("inkopschef", uniform(VALUES[i % 6]))])], typ=typ) for i in range(n)]


def unpublished(instrument, values, typ="region", year="2024"):
    out = []
    for i, v in enumerate(values):
        text = answer_file([(f"{year}-04-01", [("inkopschef", uniform(v))])], namn=f"Hemlig {i}", typ=typ, publicerad=False)
        from pathlib import Path

        from ambitionsgraf.answers import parse_organisation
        from ambitionsgraf.scoring import score_organisation

        org, problems = parse_organisation(instrument, Path(f"orgs/u{i}.yaml"), text.encode(), f"orgs/u{i}.yaml")
        assert not problems
        out.append(score_organisation(instrument, org))
    return out


def test_one_unpublished_region_adds_no_point_and_no_count_to_the_all_group(instrument):
    """The tester's case: the 'alla' chart showed one more anonymous point than the 'kommuner' chart."""
    kommuner = published(instrument)
    region = unpublished(instrument, [4])
    index = ComparisonIndex(instrument, kommuner + region)
    for me in kommuner:
        alla, kommun = comparison(instrument, me, index)
        assert alla.points == kommun.points and alla.size == kommun.size == 5
        assert alla.positions == kommun.positions and alla.pooled == 0
    # …and the region itself, unpublished, is compared with the published only
    alla, _ = comparison(instrument, region[0], index)
    assert alla.size == 6 and alla.pooled == 0


def test_four_published_peers_and_one_unpublished_show_no_comparison(instrument):
    """The fifth point would be the anonymous set minus the public ones: the group is too small."""
    four = published(instrument, 5)
    secret = unpublished(instrument, [1], typ="kommun")
    alla, kommun = comparison(instrument, four[0], ComparisonIndex(instrument, four + secret))
    assert not alla.shown and not kommun.shown and alla.size == kommun.size == 4


def test_five_unpublished_others_are_pooled_into_the_all_group_only_and_never_drawn(instrument):
    pub = published(instrument)
    secret = unpublished(instrument, [1, 1, 4, 4, 2, 3], typ="kommun")
    index = ComparisonIndex(instrument, pub + secret)
    alla, kommun = comparison(instrument, pub[0], index)
    assert alla.pooled == 6 and alla.size == 11 and kommun.pooled == 0 and kommun.size == 5
    assert alla.points == kommun.points  # points: the published peers only
    # An unpublished recipient sees five other unpublished: pooled; with one fewer it would not be.
    alla, kommun = comparison(instrument, secret[0], index)
    assert alla.pooled == 5 and alla.size == 11 and kommun.size == 6 and kommun.pooled == 0
    fewer = ComparisonIndex(instrument, pub + secret[:5])
    alla, _ = comparison(instrument, secret[0], fewer)
    assert alla.pooled == 0 and alla.size == 6
    alla, _ = comparison(instrument, pub[0], fewer)
    assert alla.pooled == 5


def test_no_two_groups_a_recipient_sees_differ_by_fewer_than_five_unpublished(instrument):
    """Nested groups: five unpublished kommuner and one unpublished region must not make the
    'alla' and 'kommuner' groups differ by that one region."""
    everyone = published(instrument) + unpublished(instrument, [1, 2, 3, 4, 2], typ="kommun") + unpublished(instrument, [4])
    index = ComparisonIndex(instrument, everyone)
    for me in everyone:
        pooled = sorted(c.pooled for c in comparison(instrument, me, index))
        for a in pooled:
            for b in pooled:
                assert a == b or abs(a - b) >= POOL_MIN, (me.organisation.slug, pooled)


def _files(n_secret: int, secret_value: int, *, date: str = "2024-04-01") -> dict[str, str]:
    files = {
        f"p{i}.yaml": answer_file([("2024-03-01", [("inkopschef", uniform(v)), ("verksamhet", uniform(5 - v))])], namn=f"Publik {i} kommun")
        for i, v in enumerate(VALUES)
    }
    for i in range(n_secret):
        files[f"u{i}.yaml"] = answer_file(
            [(date, [("inkopschef", uniform(secret_value, mal="nej"))])],
            namn=f"Hemlig {i} kommun",
            typ="region" if i == 0 else "kommun",
            publicerad=False,
        )
    return files


def _others(out, n_secret):
    files = tree(out)
    secret = {f"u{i}" for i in range(n_secret)}
    return {
        name: data
        for name, data in files.items()
        if not any(name.startswith((f"leverans/{s}.", f"leverans/{s}-")) for s in secret) and name != ".manifest.json"
    }


@pytest.mark.parametrize("n_secret", [1, 4])
def test_changing_fewer_than_five_unpublished_changes_no_other_file(tmp_path, n_secret):
    """The SPEC's rule, byte for byte, PDFs included: the public site and every other organisation's package."""
    a = run_build(write_orgs(tmp_path / "a", _files(n_secret, 1)), tmp_path / "out-a", pdf=True)
    b = run_build(write_orgs(tmp_path / "b", _files(n_secret, 4, date="2024-09-30")), tmp_path / "out-b", pdf=True)
    assert not a.problems and not b.problems
    first, second = _others(tmp_path / "out-a", n_secret), _others(tmp_path / "out-b", n_secret)
    assert sorted(first) == sorted(second)
    changed = [name for name in first if first[name] != second[name]]
    assert changed == []
    # …while the unpublished organisations' own packages did change (the test can fail)
    assert (tmp_path / "out-a/leverans/u0.json").read_bytes() != (tmp_path / "out-b/leverans/u0.json").read_bytes()


def test_five_unpublished_are_counted_and_said_so(tmp_path):
    run_build(write_orgs(tmp_path / "orgs", _files(6, 2)), tmp_path / "out")
    data = json.loads((tmp_path / "out/leverans/p0.json").read_text())
    alla = next(g for g in data["jamforelse"] if g["grupp"] == "alla")
    assert alla["ej_publicerade"] == 6 and alla["antal"] == 11 and alla["visas"]
    kommun = next(g for g in data["jamforelse"] if g["grupp"] == "kommun")
    assert kommun["ej_publicerade"] == 0 and kommun["antal"] == 5  # published kommuner only


def test_a_peer_just_under_the_threshold_is_drawn_under_it_not_on_it(instrument):
    """Peers are drawn at display precision, which keeps a value on its own side of the threshold."""
    from fractions import Fraction

    from ambitionsgraf.peergroups import _rounded_point

    class Overall:
        quadrant = "x"
        axes = {"verksamhet": Fraction(49, 20), "ledning": Fraction(13, 5)}  # 2,45 and 2,6

    class Round:
        overall = Overall()

    assert _rounded_point(Round(), instrument.threshold) == (2.45, 2.6)


def test_five_unpublished_of_which_four_have_no_value_for_an_area_are_not_pooled(instrument):
    """The rule of five holds per measure: an organisation nobody could answer for on an area
    drops out of that area's position, so five pooled with four of them blank would let the
    fifth be read off (the adversary's case: site + one package gave its side of the recipient)."""
    pub = published(instrument, 8)
    blank = {q: "vet_ej" for q in ("v1_mal", "v1_matt", "v1_plan", "v1_spendanalys", "v1_kategori")}
    secret = unpublished(instrument, [2], typ="kommun")
    for i in range(4):
        text = answer_file([("2024-04-01", [("inkopschef", uniform(3, **blank))])], namn=f"Tom {i}", publicerad=False)
        from pathlib import Path

        from ambitionsgraf.answers import parse_organisation
        from ambitionsgraf.scoring import score_organisation

        org, problems = parse_organisation(instrument, Path(f"orgs/t{i}.yaml"), text.encode(), f"orgs/t{i}.yaml")
        assert not problems, problems
        secret.append(score_organisation(instrument, org))
    assert secret[1].latest.overall.areas["strategi_planering"] is None  # the fixture does what it says
    alla, _ = comparison(instrument, pub[0], ComparisonIndex(instrument, pub + secret))
    assert alla.pooled == 0 and alla.size == 7
    # five with values for everything, one more without: pooled
    more = secret + unpublished(instrument, [1, 3, 4, 2], typ="kommun")
    alla, _ = comparison(instrument, pub[0], ComparisonIndex(instrument, pub + more))
    assert alla.pooled == 9


def every_value(rounds, measure: str) -> list:
    """A measure's values of these rounds (an axis or an area), read from each round's own scores."""
    out = [a.overall.axes[measure] if measure in a.overall.axes else a.overall.areas[measure] for a in rounds]
    return sorted(v for v in out if v is not None)


def test_the_pooled_all_group_holds_every_published_and_unpublished_value_once(instrument):
    """The all-organisations group with the unpublished pooled in is built on its published summary:
    it must hold exactly every member's value, each once, and the published group only theirs."""
    pub = published(instrument)
    secret = unpublished(instrument, [1, 1, 4, 4, 2, 3], typ="kommun")
    index = ComparisonIndex(instrument, pub + secret)
    pooled, public = index.pooled["2024"], index.groups[("2024", None)]
    assert (pooled.members, public.members) == (12, 6) and pooled.floats and public.floats
    measures = ["ledning", "verksamhet"] + [area.id for area in instrument.areas]
    assert sorted(pooled.values) == sorted(measures)
    for m in measures:
        assert pooled.values[m] == [float(v) for v in every_value([r.latest for r in pub + secret], m)]
        assert public.values[m] == [float(v) for v in every_value([r.latest for r in pub], m)]


def test_an_unpublished_value_whose_float_would_not_sort_exactly_keeps_every_pooled_value_exact(instrument):
    """A value with a denominator too large for its float to sort as the fraction does: the pooled
    group then holds every value as a Fraction, the published members' ones too, and positions
    are counted on them."""
    pub = published(instrument)
    secret = unpublished(instrument, [1, 1, 4, 4, 2, 3], typ="kommun")
    fine = pub[1].latest.overall.axes["ledning"]  # 2: the second published organisation's value
    secret[0].latest.overall.axes["ledning"] = fine - Fraction(1, 3**30)  # a hair below it: equal as floats
    index = ComparisonIndex(instrument, pub + secret)
    pooled = index.pooled["2024"]
    assert not pooled.floats and index.groups[("2024", None)].floats
    assert pooled.values["ledning"] == every_value([r.latest for r in pub + secret], "ledning")
    assert all(isinstance(v, Fraction) for values in pooled.values.values() for v in values)
    # Measured against the pooled group, pub[1] is above the unpublished hair-below value.
    alla = comparison(instrument, pub[1], index)[0]
    ledning = next(p for p in alla.positions if p.key == "ledning")
    below = sum(v < fine for v in every_value([r.latest for r in pub + secret], "ledning"))
    assert ledning.share_below == Fraction(below, 11) and alla.pooled == 6
