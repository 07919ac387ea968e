"""The output's layout: where every file of a build goes, relative to the output folder.

Below the renderers and the build's stages: the renderers write exactly these paths, the planner
keys and carries them, and a previous build's manifest can name no others (whatever it says,
only these paths are ever carried over or removed).
"""

from __future__ import annotations

PUBLIC = "site"  # the public site, deployed to GitHub Pages
DELIVERY = "leverans"  # each organisation's delivery package: never deployed
ROOTS = (PUBLIC, DELIVERY)


def organisation_path(slug: str) -> str:
    """An organisation's public folder, relative to the site."""
    return f"organisationer/{slug}/"


PHONE_CHART = "ambitionsgraf-mobil.svg"  # the same chart drawn for a phone (charts.PHONE), beside each ambitionsgraf.svg


def part_files(slug: str, part: str) -> tuple[str, ...]:
    """The files one part of an organisation's output consists of (see pipeline.parts)."""
    base = f"{PUBLIC}/{organisation_path(slug)}"
    return {
        "site": (base + "ambitionsgraf.svg", base + PHONE_CHART, base + "index.html", f"{PUBLIC}/data/{slug}.json"),
        "site-pdf": (base + f"{slug}.pdf",),
        "leverans": (f"{DELIVERY}/{slug}-handlingsplan.csv", f"{DELIVERY}/{slug}.json"),
        # The organisation's documents: made by builds with PDFs only (see site.delivery_pdf_files).
        "leverans-pdf": (f"{DELIVERY}/{slug}.pdf", f"{DELIVERY}/{slug}-handlingsplan.xlsx"),
    }[part]


GUIDANCE = "vagledning/"  # the guidance pages' index, relative to the site


def guidance_path(step_id: str) -> str:
    """A step's or zone's guidance page, relative to the site."""
    return f"{GUIDANCE}{step_id}/"


def national_path(year: str) -> str:
    """The year's follow-up page, relative to the site. A year is four digits and a type a word
    (tests check the instrument's types), so it never meets overview_path's oversikt/<type>/."""
    return f"oversikt/{year}/"


def overview_path(type_: str | None, year: str | None) -> str:
    if type_ is None and year is None:
        return "oversikt/"
    return f"oversikt/{type_ or 'alla-typer'}/{year or 'alla-ar'}/"


# Every chart a year's follow-up page may have (national.view.charts_of says which one year's has).
NATIONAL_CHART_FILES = ("ambitionsgraf.svg", "kvadranter.svg", "i-hog-grad.svg", "fragor-ja-nej.svg", "fragor.svg", "steg.svg")


def national_files(year: str, part: str, charts: tuple[str, ...] | list[str] = NATIONAL_CHART_FILES) -> tuple[str, ...]:
    """The files of one part of a year's follow-up: the PDF, or the page and the charts it draws
    (by default all it may have: what a part may hold)."""
    base = f"{PUBLIC}/{national_path(year)}"
    if part == "national-pdf":
        return (base + "rapport.pdf",)
    return (base + "index.html", *(base + name for name in charts))
