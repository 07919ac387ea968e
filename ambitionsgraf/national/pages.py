"""The national follow-up's files: each round year's page, its charts and its PDF, relative to the
output folder (national_files) or to site/ (the rest). The figures are national.figures', what they
show national.view's; this module only draws and renders them."""

from __future__ import annotations

import re

from .. import charts, distribution, methodpage, pdf
from ..layout import national_files, national_path, overview_path  # noqa: F401  (their home is layout.py)
from ..pages import data_uri_svg, page_context
from ..project import Project
from ..wording import words
from .figures import Grouping, participants, year_report, years
from .questions import Chart
from .view import NationalView, charts_of, report_view


def grouping(project: Project):
    """SKR's municipality groups for the national follow-up, from the reference list: a
    municipality's group follows from the SCB code in its answer file."""

    ref = project.reference
    sizes: dict[str, int] = {}
    type_sizes: dict[str, int] = {}  # 290 kommuner, 21 regioner: the list holds every one (reference checks it)
    for place in ref.places.values():
        type_sizes[place.typ] = type_sizes.get(place.typ, 0) + 1
        if place.kommungrupp_kod:
            sizes[place.kommungrupp_kod] = sizes.get(place.kommungrupp_kod, 0) + 1

    def group_of(org) -> str | None:
        place = ref.get(org.code)
        return place.kommungrupp_kod if place is not None else None

    def county_of(org) -> tuple[str, str] | None:
        place = ref.get(org.code)
        return (place.lanskod, place.lan) if place is not None else None

    return Grouping(
        ref.grouping_edition,
        "kommun",
        ref.main_groups,
        ref.groups,
        group_of,
        sizes,
        type_sizes=type_sizes,
        county_of=county_of,
        codes_edition=ref.codes_edition,
    )


def national_views(project: Project, listed: list, everyone: list | None = None) -> dict[str, NationalView]:
    """Each round year's follow-up as shown, over the organisations the shared pages list (published).
    `everyone`: every valid organisation, published or not, of which only counts per type and group
    are taken (who took part); without it, those who took part are the published."""
    g = grouping(project)
    return {
        year: report_view(
            project.ins,
            year_report(project.ins, listed, year, g, None if everyone is None else participants(everyone, year, g)),
            site_url=project.site_url,
        )
        for year in years(listed)
    }


def _national_charts(project: Project, view: NationalView) -> dict[str, str]:
    """Each chart of the year's view as SVG, by its file name: the ambition graph with the organisations'
    own drawing (one unnamed point each), the rest as bars."""

    def draw(c: Chart) -> str:
        if c.kind == "graph":
            markers = tuple(charts.Marker(x, y, "", "org") for x, y in c.points)
            return charts.draw_svg(project.ins, charts.ChartSpec(c.title, markers, label_points=False))
        return distribution.distribution_svg(c.title, c.levels, c.rows)

    return {c.file: draw(c) for c in charts_of(view)}


def national_page_files(project: Project, view: NationalView, *, pdf_linked: bool) -> dict[str, str]:
    """The year's follow-up as a page, with its charts, relative to site/."""
    path = national_path(view.year)
    root = "../" * path.count("/")
    drawn = _national_charts(project, view)
    shown = {name: {"src": name, "size": distribution.svg_size(svg)} for name, svg in drawn.items()}
    ctx = page_context(
        project,
        root=root,
        path=path,
        title=view.title,
        crumbs=[("", "Start"), ("oversikt/", "Nationell översikt"), (None, view.title)],
        description=f"Upphandlingsmyndighetens nationella uppföljning av ambitionsgrafen för {view.year}.",
    )
    files = {path + name: svg for name, svg in drawn.items()}
    files[path + "index.html"] = project.env.get_template("national.html").render(
        **ctx,
        r=view,
        charts=shown,
        pdf_name="rapport.pdf" if pdf_linked else None,
        organisations_href=root + overview_path(None, view.year),
        method={"href": root + "metod/", "text": "Metod"},
    )
    return files


def _demoted(html: str) -> str:
    """The method page's interpretations one heading level down, under the appendix's h3."""
    return re.sub(r"<(/?)h([2-5])\b", lambda m: f"<{m[1]}h{int(m[2]) + 1}", html)


def national_pdf_files(project: Project, view: NationalView) -> dict[str, bytes]:
    """The year's follow-up as a tagged PDF, relative to site/: drawn from the view, and its appendix
    from the instrument and the method page's interpretations (both in the build's code key)."""
    assert project.env.loader is not None  # the project's environment loads templates/
    css = project.print_css + "\n" + project.env.loader.get_source(project.env, "print/national.css")[0]
    return {national_path(view.year) + "rapport.pdf": pdf.html_to_pdf(national_print_html(project, view), css)}


def national_print_html(project: Project, view: NationalView) -> str:
    """The HTML WeasyPrint makes the year's PDF of (site.report_html is the organisations' twin)."""
    drawn = _national_charts(project, view)
    appendix = methodpage.method_view(project.ins, project.guidance)
    method = view.site_url + "metod/" if view.site_url else None
    return project.env.get_template("print/national.html").render(
        r=view,
        charts={name: {"src": data_uri_svg(svg), "size": distribution.svg_size(svg)} for name, svg in drawn.items()},
        organisations_href=view.site_url + overview_path(None, view.year) if view.site_url else None,
        appendix=appendix,
        interpretations=_demoted(appendix.interpretations_html),
        method={"href": method, "text": f"Metod ({method})"} if method else None,
        settings=project.settings,
        words=words(project.ins),
    )
