"""Pages opened in a real headless Chromium: axe-core WCAG 2.1 AA, keyboard, phone width, sub-path."""

from __future__ import annotations

import pytest

from .browser import axe_violations, served_under_subpath

PAGES = [
    "",
    "organisationer/",
    "organisationer/norrvik/",
    "metod/",
    "oversikt/",
    "oversikt/kommun/2024/",
    "oversikt/2023/",
    "vagledning/",
    "vagledning/orientering/",
    "om-ambitionsgrafen/",
    "tillganglighet/",
    "sjalvskattning/",
    "oppna-data/",
    "sok/",
    "404.html",
]


@pytest.fixture(scope="module")
def site_url(example_build, tmp_path_factory):
    """The site served under a sub-path, as GitHub Pages serves a project site."""
    with served_under_subpath(example_build / "site", tmp_path_factory.mktemp("pages")) as url:
        yield url


@pytest.mark.parametrize("path", PAGES)
def test_axe_finds_no_wcag_violations(browser, site_url, path):
    page = browser.new_page()
    failed = []
    page.on("response", lambda r: failed.append(r.url) if r.status >= 400 and not r.url.endswith("favicon.ico") else None)
    page.goto(site_url + path)
    assert page.evaluate("document.documentElement.lang") == "sv"
    assert page.title()
    violations = axe_violations(page)
    assert violations == [], violations
    assert failed == [], f"resources failed to load under a sub-path: {failed}"
    page.close()


@pytest.mark.parametrize(
    "path", ["", "organisationer/norrvik/", "metod/", "vagledning/orientering/", "sjalvskattning/", "oversikt/", "oppna-data/"]
)
def test_readable_at_phone_width_without_sideways_scrolling(browser, site_url, path):
    page = browser.new_page(viewport={"width": 360, "height": 740})
    page.goto(site_url + path)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.close()


def test_keyboard_reaches_skip_link_first_with_visible_focus(browser, site_url):
    page = browser.new_page()
    page.goto(site_url + "organisationer/norrvik/")
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "() => ({text: document.activeElement.textContent, outline: getComputedStyle(document.activeElement).outlineStyle})"
    )
    assert focused["text"] == "Hoppa till innehållet"
    assert focused["outline"] != "none"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "innehall"
    page.close()


def test_charts_have_text_alternatives_and_data_tables(browser, site_url):
    page = browser.new_page()
    for path in ("", "organisationer/norrvik/"):
        page.goto(site_url + path)
        for img in page.query_selector_all("figure.chart img"):
            assert len(img.get_attribute("alt")) > 40
            assert img.evaluate("i => i.naturalWidth") > 0  # the SVG really loaded
        assert page.query_selector("table caption")
    page.close()


_SHOWN_SVG = """async img => {
    // The picture as the <img> shows it: the same SVG, drawn at the img's size in this page, so that
    // every text's size on screen can be measured (an <img>'s inside is out of a script's reach).
    const source = await (await fetch(img.currentSrc)).text();
    const holder = document.createElement("div");
    holder.style.width = img.clientWidth + "px";
    holder.innerHTML = source.replace(/^<\\?xml[^>]*>/, "");
    document.body.appendChild(holder);
    const svg = holder.querySelector("svg");
    svg.style.width = "100%";
    svg.style.height = "auto";
    const sizes = [...svg.querySelectorAll("text")].map(t => parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a);
    const fills = [...svg.querySelectorAll("rect")].map(r => r.getAttribute("fill")).filter(f => f && f.startsWith("#"));
    holder.remove();
    return {sizes, fills, shown: img.getBoundingClientRect().width};
}"""


def test_the_answers_per_question_are_legible_on_a_phone_and_yes_no_has_its_own_colours(browser, site_url):
    page = browser.new_page(viewport={"width": 360, "height": 740})
    page.goto(site_url + "oversikt/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    charts = {}
    for name in ("fragor.svg", "fragor-ja-nej.svg"):
        img = page.query_selector(f'.chart-beside img[src="{name}"]')
        assert img is not None, name
        charts[name] = img.evaluate(_SHOWN_SVG)
        assert 300 <= charts[name]["shown"] <= 340, charts[name]["shown"]  # the whole column, not shrunk to a stamp
        assert len(charts[name]["sizes"]) > 5 and min(charts[name]["sizes"]) >= 11, (name, min(charts[name]["sizes"]))
    common = {"#ffffff", "#D9D9D9"}  # the background and "no answer"
    scale = set(charts["fragor.svg"]["fills"]) - common
    yes_no = set(charts["fragor-ja-nej.svg"]["fills"]) - common
    assert len(scale) == 4 and len(yes_no) == 2 and not scale & yes_no, (scale, yes_no)
    # Each chart has its table beside or below it, with its own columns: yes and no are not scale levels.
    headers = page.eval_on_selector_all(".chart-beside table thead", "ts => ts.map(t => t.innerText.split(/\\s+/).join(' '))")
    assert any("Ja Nej Inget svar" in h for h in headers) and any("Instämmer i hög grad" in h and "Ja" not in h.split() for h in headers)
    page.close()
