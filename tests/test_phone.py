"""Every page kind at 320, 375 and 1280 CSS px in a real Chromium: a screenshot of each, no text
outside the screen (a table that is too wide must scroll in its own box, and on a phone none is),
no text smaller than 12 CSS px, and the ambition graph's text at least 12 CSS px on a phone.

Set SCREENSHOTS=DIR to keep the screenshots for a person to look at."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from .browser import served_under_subpath
from .test_browser import PAGES

WIDTHS = (320, 375, 1280)
PHONE = 640  # site.css's phone layout: max-width 40rem

# Every visible piece of text: its element, font size in CSS px (SVG text scaled as drawn), and box.
# Screen-reader-only text (clipped to a pixel) and text inside a box that scrolls sideways are left out
# of the box check; the scroll boxes are reported on their own.
_TEXTS = """() => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.textContent.trim()) continue;
    const el = node.parentElement;
    if (el.closest('title, script, style, noscript, [hidden], .sr-only, .skip, thead')) continue;
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden') continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    const box = range.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    let size = parseFloat(style.fontSize);
    if (el instanceof SVGElement) { const m = el.getScreenCTM(); size *= Math.hypot(m.a, m.b); }
    let scroller = null;
    for (let a = el; a && a !== document.body; a = a.parentElement) {
      const ox = getComputedStyle(a).overflowX;
      if ((ox === 'auto' || ox === 'scroll') && a.scrollWidth > a.clientWidth) { scroller = a.className || a.tagName; break; }
    }
    out.push({text: node.textContent.trim().slice(0, 40), tag: el.tagName, size: size,
              left: box.left + scrollX, right: box.right + scrollX, scroller: scroller});
  }
  return out;
}"""

_SCROLLERS = """() => [...document.querySelectorAll('.table-scroll')]
  .filter(e => e.scrollWidth > e.clientWidth + 1)
  .map(e => ({id: e.getAttribute('aria-labelledby'), hint: getComputedStyle(e).backgroundImage.includes('gradient'),
              caption: e.querySelector('caption') && e.querySelector('caption').getBoundingClientRect().right <= e.getBoundingClientRect().right + 1}))"""


@pytest.fixture(scope="module")
def site_url(example_build, tmp_path_factory):
    with served_under_subpath(example_build / "site", tmp_path_factory.mktemp("pages")) as url:
        yield url


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    wanted = os.environ.get("SCREENSHOTS")
    if wanted:
        Path(wanted).mkdir(parents=True, exist_ok=True)
        return Path(wanted)
    return tmp_path_factory.mktemp("screenshots")


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("path", PAGES)
def test_every_page_fits_the_screen_with_readable_text(browser, site_url, shots, path, width):
    page = browser.new_page(viewport={"width": width, "height": 800})
    page.goto(site_url + path)
    page.wait_for_load_state("load")
    shot = shots / f"{(path.strip('/') or 'start').replace('/', '_')}-{width}.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 1000

    assert page.evaluate("document.documentElement.scrollWidth") <= width, "the page scrolls sideways"
    texts = page.evaluate(_TEXTS)
    assert texts, "no text found: the check itself is broken"
    outside = [t for t in texts if not t["scroller"] and (t["left"] < -0.5 or t["right"] > width + 0.5)]
    assert outside == [], f"text outside the screen at {width} px: {outside[:5]}"
    small = [t for t in texts if t["size"] < 11.95]
    assert small == [], f"text smaller than 12 px at {width} px: {small[:5]}"

    scrolling = page.evaluate(_SCROLLERS)
    if width <= PHONE:
        assert scrolling == [], f"a table scrolls sideways on a phone: {scrolling}"
    for box in scrolling:  # a table that must scroll shows it (edge shadows) and keeps its caption in view
        assert box["hint"] and box["caption"] is not False, box
    page.close()


def _svg_text_sizes(page, src: str) -> tuple[float, list[float]]:
    """The SVG's viewBox width and every text element's font size, in its own units."""
    page.goto(src)
    return page.evaluate("""() => [document.documentElement.viewBox.baseVal.width,
        [...document.querySelectorAll('text')].map(t => parseFloat(getComputedStyle(t).fontSize))]""")


@pytest.mark.parametrize("width", (320, 375))
@pytest.mark.parametrize("path", ["", "organisationer/norrvik/", "oversikt/", "oversikt/kommun/2024/"])
def test_the_ambition_graph_on_a_phone_has_text_of_12_px(browser, site_url, path, width):
    page = browser.new_page(viewport={"width": width, "height": 800})
    page.goto(site_url + path)
    shown = page.evaluate("""() => [...document.querySelectorAll('figure.chart picture img')]
        .map(i => ({src: i.currentSrc, width: i.clientWidth}))""")
    assert shown, "no ambition graph on the page"
    for img in shown:
        assert re.search(r"/ambitionsgraf-mobil\.svg$", img["src"]), img
        view_width, sizes = _svg_text_sizes(page, img["src"])
        assert len(sizes) >= 10  # ticks, axis titles, quadrant names
        scale = img["width"] / view_width
        assert min(sizes) * scale >= 11.95, (img, min(sizes), scale)
    page.close()


def test_a_wide_screen_keeps_the_wide_chart(browser, site_url):
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.goto(site_url + "organisationer/norrvik/")
    src = page.evaluate("document.querySelector('figure.chart picture img').currentSrc")
    assert src.endswith("/ambitionsgraf.svg")
    page.close()


@pytest.mark.parametrize("path", ["oversikt/2023/", "oversikt/kommun/2024/", "organisationer/norrvik/"])
def test_a_table_that_must_scroll_says_so_and_keeps_its_caption_in_view(browser, site_url, path):
    """Between a phone and a wide screen a wide table scrolls in its own box."""
    page = browser.new_page(viewport={"width": 700, "height": 800})
    page.goto(site_url + path)
    assert page.evaluate("document.documentElement.scrollWidth") <= 700
    for box in page.evaluate(_SCROLLERS):
        assert box["hint"] and box["caption"], box
    page.close()
