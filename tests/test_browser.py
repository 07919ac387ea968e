"""Pages opened in a real headless Chromium: axe-core WCAG 2.1 AA, keyboard, phone width, sub-path."""

from __future__ import annotations

import shutil

import pytest

from .browser import axe_violations, serve

PAGES = [
    "",
    "organisationer/",
    "organisationer/norrvik/",
    "metod/",
    "oversikt/",
    "oversikt/kommun/2024/",
    "vagledning/",
    "vagledning/orientering/",
    "om-ambitionsgrafen/",
    "tillganglighet/",
    "sjalvskattning/",
    "oppna-data/",
    "404.html",
]


@pytest.fixture(scope="module")
def site_url(example_build, tmp_path_factory):
    """The site served under a sub-path, as GitHub Pages serves a project site."""
    host = tmp_path_factory.mktemp("pages")
    shutil.copytree(example_build / "site", host / "ambitionsgraf")
    with serve(host) as base:
        yield base + "ambitionsgraf/"


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


@pytest.mark.parametrize("path", ["", "organisationer/norrvik/", "metod/", "vagledning/orientering/", "sjalvskattning/", "oversikt/", "oppna-data/"])
def test_readable_at_phone_width_without_sideways_scrolling(browser, site_url, path):
    page = browser.new_page(viewport={"width": 360, "height": 740})
    page.goto(site_url + path)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.close()


def test_keyboard_reaches_skip_link_first_with_visible_focus(browser, site_url):
    page = browser.new_page()
    page.goto(site_url + "organisationer/norrvik/")
    page.keyboard.press("Tab")
    focused = page.evaluate("() => ({text: document.activeElement.textContent, outline: getComputedStyle(document.activeElement).outlineStyle})")
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
