"""What every page of the public site shares: its frame (navigation, breadcrumbs, the site's title) and
how data files are written. Below every renderer (site, opendata, selfassessment), which all use it."""

from __future__ import annotations

import base64

import orjson

from .layout import GUIDANCE, PHONE_CHART, overview_path
from .project import Project
from .wording import words

# What a page's <picture> says of the phone-sized chart: shown instead of the wide chart below 40rem (site.css's
# phone width), as wide as the text column (the img's width, capped by max-width), never narrower than the
# 281 units it is drawn for on a screen of 320 px or more: its text stays at least 12 px.
PHONE_CHART_SHOWN = {"src": PHONE_CHART, "media": "(max-width: 40rem)"}


def to_json(data) -> str:
    """Indented UTF-8 JSON, as json.dumps(data, ensure_ascii=False, indent=2) writes it, only faster
    (one difference: a float below 0.0001 is written 0.000025, not 2.5e-05; none of ours is that small)."""
    return orjson.dumps(data, option=orjson.OPT_INDENT_2).decode("utf-8") + "\n"


def data_uri_svg(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


# -- navigation -----------------------------------------------------------------

FAVICON = "assets/favicon.svg"  # a static file from templates/, linked from every page

NAV = (
    ("", "Start"),
    (overview_path(None, None), "Nationell översikt"),
    ("om-ambitionsgrafen/", "Om ambitionsgrafen"),
    (GUIDANCE, "Vägledning"),
    ("sjalvskattning/", "Självskattning"),
    ("metod/", "Metod"),
)


def page_context(project: Project, *, root: str, path: str, title: str, crumbs: list[tuple[str | None, str]], description: str) -> dict:
    """The frame every site page shares. `path` is the page's own address from the root.
    `description` is the page's own summary for search results and link previews: every page has one."""
    if not description.strip():
        raise ValueError(f"the page {path or 'index.html'} needs a description of its own")
    section = next((href for href, _ in reversed(NAV) if href and path.startswith(href)), "")
    return {
        "root": root,
        "title": title,
        "description": description,
        # "Start" is current on the start page only: an organisation's page belongs to no section.
        "nav": [{"href": root + href, "label": label, "current": href == section if href else path == ""} for href, label in NAV],
        "crumbs": [{"href": root + href if href is not None else None, "label": label} for href, label in crumbs],
        "site_title": "Ambitionsgrafen",
        "sitemap": project.site_url is not None,  # written only with the site's address
        "favicon": root + FAVICON,
        # The page's one address, for search engines and shared links: only where the site's address is known.
        "canonical": project.site_url + path if project.site_url and path != "404" else None,
        "phone_chart": PHONE_CHART_SHOWN,
        "words": words(project.ins),  # the instrument's facts in words (wording.py)
    }
