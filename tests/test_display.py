"""A number as shown never contradicts the class it was given (SPEC: display never contradicts
classification): 2,45 is never shown as "2,5" beside "tillfälligt", 3,45 never as "3,5 Delvis".

The rule (text.kept_decimals) is tested as a property, its bounds against the classifiers in
scoring.py, and the fixtures of tests/report_fixtures.py in every place that prints them.
"""

from __future__ import annotations

import json
import re
import subprocess
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from ambitionsgraf.scoring import area_bounds, axis_bounds, is_systematic, question_bounds, question_status
from ambitionsgraf.text import kept_decimals, num, num_on_side, percent_shown, round_half_up, value_on_side

fractions = st.fractions(min_value=-5, max_value=105, max_denominator=400)
bounds = st.lists(st.decimals(min_value=-5, max_value=105, places=2).map(lambda d: Fraction(str(d))), max_size=4)


def parse(text: str) -> Fraction:
    return Fraction(text.replace("−", "-").replace(",", "."))


@given(fractions, bounds, bounds, st.integers(0, 2))
def test_the_shown_value_is_on_the_side_of_every_bound_that_the_value_is_on(value, at_least, above, fewest):
    shown = parse(num_on_side(value, at_least, above, fewest))
    assert all((shown >= t) == (value >= t) for t in at_least)
    assert all((shown > t) == (value > t) for t in above)
    decimals = kept_decimals(value, at_least, above, fewest)
    assert decimals >= fewest and shown == round_half_up(value, decimals)
    if decimals > fewest:  # the fewest decimals that do: one fewer would cross a bound
        fewer = round_half_up(value, decimals - 1)
        assert any((fewer >= t) != (value >= t) for t in at_least) or any((fewer > t) != (value > t) for t in above)
    else:
        assert num_on_side(value, at_least, above, fewest) == num(value, fewest)
    assert value_on_side(value, at_least, above, fewest) == shown  # the same number, without the text


def test_the_value_on_side_is_the_number_a_reader_sees():
    assert value_on_side(Fraction("2.45"), [Fraction("2.5")]) == Fraction("2.45")
    assert value_on_side(Fraction("2.44"), [Fraction("2.5")]) == Fraction("2.4")
    assert value_on_side(Fraction(7, 3)) == Fraction("2.3")
    assert value_on_side(Fraction(-1, 20), fewest=1) == Fraction("-0.1")


def test_examples():
    assert num_on_side(Fraction("2.45"), [Fraction("2.5")]) == "2,45"
    assert num_on_side(Fraction("2.44"), [Fraction("2.5")]) == "2,4"
    assert num_on_side(Fraction("2.55"), [Fraction("2.5")]) == "2,6"
    assert num_on_side(Fraction("2.5"), [Fraction("2.5")]) == "2,5"
    assert num_on_side(Fraction("2.4999"), [Fraction("2.5")]) == "2,4999"  # as many as it takes
    assert num_on_side(Fraction("3.45"), [Fraction("3.5"), Fraction("2.5"), 0]) == "3,45"
    assert num_on_side(None, [2]) == "–"
    assert [percent_shown(Fraction(n, d)) for n, d in ((0, 1), (1, 300), (1, 200), (3, 5), (199, 200), (299, 300), (1, 1))] == [
        "0",
        "0,3",
        "1",
        "60",
        "99,5",
        "99,7",
        "100",
    ]


MEANS = sorted({Fraction(n, d) for d in range(1, 41) for n in range(0, 4 * d + 1)})


def test_axis_values_are_shown_on_the_side_of_the_threshold(instrument):
    for value in MEANS:
        shown = parse(num_on_side(value, *_pair(axis_bounds(instrument))))
        assert is_systematic(instrument, shown) == is_systematic(instrument, value), value


def test_question_means_are_shown_with_their_status(instrument):
    """Every mean of up to 40 answers: the status of the shown number is the status of the mean."""
    for q in instrument.questions:
        b = question_bounds(instrument, q.id)
        if q.rule == "ja_nej":
            yes, no = dict(q.points)["ja"], dict(q.points)["nej"]
            for n in range(1, 41):
                for k in range(n + 1):
                    points = [yes] * k + [no] * (n - k)
                    mean = Fraction(sum(points), n)
                    shown = parse(num_on_side(mean, *_pair(b)))
                    # "3,0" only when everyone said ja, "0,0" only when nobody did.
                    assert (shown == yes) == (k == n) and (shown == no) == (k == 0), (n, k)
                    assert question_status(instrument, q.id, mean) == ("pa_plats" if k == n else "delvis" if k else "utvecklingsomrade")
            continue
        for mean in (m for m in MEANS if 1 <= m <= 4):
            shown = parse(num_on_side(mean, *_pair(b)))
            assert question_status(instrument, q.id, shown) == question_status(instrument, q.id, mean), (q.id, mean)


def test_an_area_is_bounded_only_where_it_is_its_axis(instrument):
    # By the instrument as SPEC describes it: ledning is the mean of three areas, verksamhet is
    # samspel_verksamhet alone, so only that area is classified (at the threshold, 2,5).
    expected = {
        "strategi_planering": ((), ()),
        "uppfoljning_analys": ((), ()),
        "ansvar_organisation": ((), ()),
        "samspel_verksamhet": ((Fraction(5, 2),), ()),
    }
    assert {a.id: _pair(area_bounds(instrument, a.id)) for a in instrument.areas} == expected
    assert _pair(axis_bounds(instrument)) == ((Fraction(5, 2),), ())


def _pair(b):
    return b.at_least, b.above


def pdf_text(path) -> str:
    return " ".join(subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout.split())


def test_a_mean_of_2_45_is_shown_as_2_45_wherever_it_is_printed(fixture_build):
    """Gränsby: verksamhet exactly 2,45 (tillfälligt), 2,0 the round before."""
    data = json.loads((fixture_build / "leverans" / "grans.json").read_text())
    latest = data["matningar"][-1]
    assert latest["axlar"]["verksamhet"] == 2.45 and latest["kvadrant"] == "ledning"  # the data stay exact
    for pdf in (fixture_build / "leverans" / "grans.pdf", fixture_build / "site" / "organisationer" / "grans" / "grans.pdf"):
        text = pdf_text(pdf)
        assert "2,45 tillfälligt ▲ +0,45" in text  # the summary: value, class and change as shown
        assert "4. Samspel med verksamheten 2,45 ▲ +0,45" in text  # the area that is the axis
        assert "3,0 2,45 Systematiskt samspel med ledningen" in text  # the chart's table
        assert not re.search(r"\b2,5\b(?! ?\.)", text.replace("går vid 2,5", "").replace("gränsen vid 2,5", "")), pdf
    html = (fixture_build / "site" / "organisationer" / "grans" / "index.html").read_text()
    assert '<span class="big">2,45</span> <span class="tag">tillfälligt</span>' in html
    assert re.search(r'<td class="num"[^>]*>2,45</td>', html) and not re.search(r'<td class="num"[^>]*>2,5</td>', html)
    for page in ("index.html", "organisationer/index.html", "oversikt/index.html", "oversikt/kommun/2024/index.html"):
        row = re.search(r"<tr><th scope=\"row\"><a [^>]*>Gränsby kommun</a>.*?</tr>", (fixture_build / "site" / page).read_text())
        if row:
            assert re.search(r'<td class="num"[^>]*>2,45</td>', row[0]), page
    assert re.search(r'<td class="num"[^>]*>2,45</td>', (fixture_build / "site" / "index.html").read_text())


def test_a_question_mean_of_3_45_is_shown_as_3_45_beside_delvis(fixture_build):
    """Kantby: question 2 answered 3 by eleven and 4 by nine, a mean of 3,45 (delvis)."""
    data = json.loads((fixture_build / "leverans" / "kant.json").read_text())
    assert data["matningar"][-1]["fragor"]["v1_matt"] == {**data["matningar"][-1]["fragor"]["v1_matt"], "medel": 3.45, "status": "delvis"}
    for pdf in (fixture_build / "leverans" / "kant.pdf", fixture_build / "site" / "organisationer" / "kant" / "kant.pdf"):
        text = pdf_text(pdf)
        row = text.split("2. Vi har mått", 1)[1].split("3. Vi har en", 1)[0]
        assert "3,45" in row and "Delvis" in row and "3,5" not in row, row
    html = (fixture_build / "site" / "organisationer" / "kant" / "index.html").read_text()
    row = re.search(r"<span class=\"qno\">2\.</span>.*?</tr>", html)[0]
    assert re.search(r'<td class="num"[^>]*>3,45</td>', row) and "Delvis" in row


def test_the_method_page_states_the_rule_with_examples_the_code_gives(fixture_build, instrument):
    page = " ".join(re.sub(r"<[^>]+>", "", (fixture_build / "site" / "metod" / "index.html").read_text()).split())
    threshold = axis_bounds(instrument).at_least[0]
    assert (
        f"En axel på 2,45 ligger under gränsen {num(threshold)} och visas därför som {num_on_side(Fraction('2.45'), [threshold])}" in page
    )
    assert (
        f"Ett medelvärde på 3,45 för en fråga visas som {num_on_side(Fraction('3.45'), question_bounds(instrument, 'v1_matt').at_least)}"
        in page
    )
    assert "visas fler decimaler" in page
