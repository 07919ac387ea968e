"""What goes where: the public site's pages and the delivery package's files."""

from __future__ import annotations

from dataclasses import replace

from . import charts, distribution, methodpage, overview, pdf, peergroups, views

# The action plan (CSV and workbook) has a module of its own (actionplan.py).
from .actionplan import handlingsplan_csv, handlingsplan_xlsx
from .comparisons import comparison_view
from .content import fill, instrument_placeholder_values, placeholder_values
from .instrument import Instrument
from .layout import GUIDANCE, PHONE_CHART, guidance_path, national_path, overview_path
from .opendata import open_data_files
from .pages import FAVICON, data_uri_svg, page_context, to_json
from .project import Project
from .reportview import ReportView, report_view
from .scoring import OrganisationResult
from .selfassessment import selfassessment_files
from .text import question_numbers, swedish_date
from .wording import words


def chart_alt(view: ReportView) -> str:
    where = f"i kvadranten {view.quadrant}" if view.quadrant else "utan punkt eftersom svar saknas"
    values = ", ".join(f"{a.short[:1].lower()}{a.short[1:]} {a.value}" for a in view.axes)
    return f"Ambitionsgrafen för {view.name}. Vid mätningen {view.date} låg organisationen {where}: {values}. Samma uppgifter finns i tabellen under diagrammet."


def report_pdf(
    project: Project,
    result: OrganisationResult,
    *,
    public: bool,
    comparisons: list[peergroups.ShownComparison] | None = None,
    correction: dict | None = None,
) -> bytes:
    return pdf.html_to_pdf(report_html(project, result, public=public, comparisons=comparisons, correction=correction), project.print_css)


def report_html(
    project: Project,
    result: OrganisationResult,
    *,
    public: bool,
    comparisons: list[peergroups.ShownComparison] | None = None,
    correction: dict | None = None,
) -> str:
    """The print HTML of a report, before WeasyPrint (the bench times WeasyPrint on exactly this)."""
    svg = charts.draw_svg(project.ins, views.trail_chart(project.ins, result))
    view = report_view(project.ins, project.guidance, result, public=public, root=project.site_url, chart=data_uri_svg(svg))
    if view.delivery is not None:
        roles = views.trail_chart(project.ins, result, with_roles=True)
        comparison = comparison_view(project.ins, result, comparisons or [])
        for c in comparison["charted"]:
            c["chart_uri"] = data_uri_svg(charts.draw_svg(project.ins, c["chart"]))
            c["chart_alt"] = c["chart"].title + ". Positionen per axel och område står i tabellen Position i jämförelsegrupperna."
        delivery = replace(
            view.delivery,
            roles_chart=data_uri_svg(charts.draw_svg(project.ins, roles)),
            roles_chart_alt=roles.title + ". Värdena finns i tabellen Diagrammets värden och i tabellen nedan.",
            comparison=comparison,
            correction=correction,  # the page "Rättelse" (correction.py), for a package delivered before
        )
        view = replace(view, delivery=delivery)
    return project.env.get_template("print/report.html").render(
        report=view, chart_alt=chart_alt(view), site_url=project.site_url, settings=project.settings, words=words(project.ins)
    )


def delivery_files(project: Project, result: OrganisationResult, *, comparisons: list[peergroups.Comparison]) -> dict[str, bytes | str]:
    """What the organisation receives besides its documents (PDF and workbook), relative to leverans/:
    its data and the action plan as CSV, written by every build."""
    slug = result.organisation.slug
    return {
        f"{slug}.json": to_json(delivery_data(project, result, comparisons=comparisons)),
        f"{slug}-handlingsplan.csv": handlingsplan_csv(project, result),
    }


def delivery_data(project: Project, result: OrganisationResult, *, comparisons: list[peergroups.Comparison]) -> dict:
    """The delivery JSON's content: the organisation's full data and its comparisons."""
    data = views.organisation_json(project.ins, result, public=False)
    data["jamforelse"] = [c.as_json() for c in comparisons]
    return data


def delivery_pdf_files(
    project: Project, result: OrganisationResult, *, comparisons: list[peergroups.ShownComparison], correction: dict | None = None
) -> dict[str, bytes]:
    """The organisation's documents, relative to leverans/, made only by builds with PDFs: its own
    report (its comparisons only as shown) and the action-plan workbook. XlsxWriter takes 2-3 ms a
    workbook, 10 s of CPU at 4 000 organisations, too much for a build without PDFs; beside the
    report's half second it is nothing."""
    slug = result.organisation.slug
    return {
        f"{slug}.pdf": report_pdf(project, result, public=False, comparisons=comparisons, correction=correction),
        f"{slug}-handlingsplan.xlsx": handlingsplan_xlsx(project, result),
    }


def public_organisation_files(
    project: Project, result: OrganisationResult, *, pdf_linked: bool, corrected: str | None = None
) -> dict[str, bytes | str]:
    """The organisation's public page, chart and data, relative to site/: aggregate results only.
    `pdf_linked`: the public PDF will be in the output, so the page links to it."""
    slug = result.organisation.slug
    base = f"organisationer/{slug}/"
    root = "../../"
    spec = views.trail_chart(project.ins, result)
    svg = charts.draw_svg(project.ins, spec)
    view = report_view(project.ins, project.guidance, result, public=True, root=root, chart="ambitionsgraf.svg")
    ctx = page_context(
        project,
        root=root,
        path=base,
        title=result.organisation.name,
        crumbs=[("", "Start"), ("organisationer/", "Organisationer"), (None, result.organisation.name)],
        description=f"{result.organisation.name} i ambitionsgrafen: "
        + (f"kvadranten {view.quadrant}" if view.quadrant else "ingen placerad punkt")
        + f" vid mätningen {view.date}, med resultat per område och fråga och förslag på nästa steg.",
    )
    html = project.env.get_template("org.html").render(
        **ctx,
        report=view,
        chart_alt=chart_alt(view),
        pdf_name=f"{slug}.pdf" if pdf_linked else None,
        corrected=swedish_date(corrected) if corrected else None,
    )
    return {
        base + "index.html": html,
        base + "ambitionsgraf.svg": svg,
        base + PHONE_CHART: charts.draw_svg(project.ins, spec, phone=True),
        f"data/{slug}.json": to_json(views.organisation_json(project.ins, result, public=True)),
    }


def public_pdf_files(project: Project, result: OrganisationResult) -> dict[str, bytes]:
    """The organisation's public PDF, relative to site/."""
    slug = result.organisation.slug
    return {f"organisationer/{slug}/{slug}.pdf": report_pdf(project, result, public=True)}


# -- shared pages ----------------------------------------------------------------


def reading_pages(project: Project) -> dict[str, str]:
    """The guidance, the content pages and the method page, relative to site/: the pages that
    list no organisation, and the ones the search index reads (search.indexed_pages)."""
    ins, env, g = project.ins, project.env, project.guidance
    files: dict[str, str] = {}
    root = "../"
    steps = [
        {"id": s.id, "label": s.label, "kind": s.kind, "section": s.section, "summary": g.steps[s.id].summary, "part": s.part}
        for s in ins.steps
    ]
    ctx = page_context(
        project,
        root=root,
        path=GUIDANCE,
        title="Vägledning",
        crumbs=[("", "Start"), (None, "Vägledning")],
        description="Vägledning för varje steg i ledningssystemet för inköp och varje zon i inköpsprocessen: "
        "vad steget innebär, hur det ser ut när det är på plats och hur man kommer i gång.",
    )
    files[GUIDANCE + "index.html"] = env.get_template("guidance_index.html").render(**ctx, steps=steps)
    for i, s in enumerate(ins.steps):
        page = g.steps[s.id]
        ctx = page_context(
            project,
            root="../../",
            path=guidance_path(s.id),
            title=page.title,
            crumbs=[("", "Start"), (GUIDANCE, "Vägledning"), (None, page.title)],
            description=page.summary,
        )
        neighbours = {
            "previous": steps[i - 1] if i > 0 and ins.steps[i - 1].kind == s.kind else None,
            "next": steps[i + 1] if i + 1 < len(steps) and ins.steps[i + 1].kind == s.kind else None,
        }
        suggestions = [{"status": st.label, "text": page.suggestion(st.id)} for st in reversed(ins.statuses)]
        questions = [{"number": q.number, "id": q.id, "text": q.text} for q in ins.questions_of_step(s.id)]
        files[guidance_path(s.id) + "index.html"] = env.get_template("guidance.html").render(
            **ctx, page=page, step=steps[i], suggestions=suggestions, questions=questions, **neighbours
        )

    # the settings' values and the instrument's figures the pages in content/sidor show
    values = placeholder_values(project.settings) | instrument_placeholder_values(project.ins)
    for slug, page in g.pages.items():
        page = replace(page, html=fill(page.html, values))
        ctx = page_context(
            project, root="../", path=f"{slug}/", title=page.title, crumbs=[("", "Start"), (None, page.title)], description=page.summary
        )
        files[f"{slug}/index.html"] = env.get_template("page.html").render(**ctx, page=page)

    ctx = page_context(
        project,
        root="../",
        path="metod/",
        title="Metod: så beräknas ambitionsgrafen",
        crumbs=[("", "Start"), (None, "Metod")],
        description="Så räknas ambitionsgrafen: frågorna, svarsskalan, vikterna, gränsen mellan tillfälligt "
        "och systematiskt och hur varje steg får sin status.",
    )
    files["metod/index.html"] = env.get_template("method.html").render(**ctx, method=methodpage.method_view(ins, g))
    return files


def shared_site_files(project: Project, published: list[OrganisationResult]) -> dict[str, bytes | str]:
    """Pages that do not belong to one organisation, relative to site/."""
    ins, env, g = project.ins, project.env, project.guidance
    files: dict[str, bytes | str] = {"assets/site.css": project.site_css, FAVICON: project.env.loader.get_source(project.env, FAVICON)[0]}

    overview = views.overview_chart(ins, published)
    files["ambitionsgraf.svg"] = charts.draw_svg(ins, overview)
    files[PHONE_CHART] = charts.draw_svg(ins, overview, phone=True)
    rows = views.index_rows(ins, published, "")
    ctx = page_context(
        project,
        root="",
        path="",
        title="Ambitionsgrafen",
        crumbs=[],
        description="Hur ändamålsenliga är kommuners och regioners inköpsorganisationer? Resultat och vägledning.",
    )
    files["index.html"] = env.get_template("index.html").render(
        **ctx,
        rows=rows,
        chart_title=overview.title,
        intro=g.pages.get("om-ambitionsgrafen"),
    )

    root = "../"
    ctx = page_context(
        project,
        root=root,
        path="organisationer/",
        title="Organisationer",
        crumbs=[("", "Start"), (None, "Organisationer")],
        description="Kommuner och regioner med publicerade resultat i ambitionsgrafen, efter typ av "
        "organisation, med senaste mätning och kvadrant för var och en.",
    )
    by_type = [
        {"label": t.label, "plural": t.plural, "rows": views.index_rows(ins, [r for r in published if r.organisation.type == t.id], root)}
        for t in ins.types
    ]
    files.update(overview_files(project, published))
    files.update(selfassessment_files(project))
    files.update(open_data_files(project, published))
    files["organisationer/index.html"] = env.get_template("organisations.html").render(**ctx, groups=[b for b in by_type if b["rows"]])

    files.update(reading_pages(project))

    # The search page and its script; the index it reads (pagefind/) is search.py's.
    ctx = page_context(
        project,
        root="../",
        path="sok/",
        title="Sök",
        crumbs=[("", "Start"), (None, "Sök")],
        description="Sök i vägledningen, metoden, begreppen och de publicerade organisationernas resultat.",
    )
    files["sok/index.html"] = env.get_template("sok.html").render(**ctx)
    files["assets/sok.js"] = env.loader.get_source(env, "assets/sok.js")[0]  # a static file from templates/, not rendered

    # Served at any missing address, so its links are absolute; from the domain's root without an address.
    ctx = page_context(
        project,
        root=project.site_url or "/",
        path="404",
        title="Sidan finns inte",
        crumbs=[],
        description="Sidan finns inte på Ambitionsgrafens webbplats. Härifrån når du startsidan, vägledningen och organisationerna.",
    )
    files["404.html"] = env.get_template("404.html").render(**ctx)
    return files


def sitemap(project: Project, site_paths: list[str]) -> str:
    pages = sorted(p for p in site_paths if p.endswith("index.html"))
    return project.env.get_template("sitemap.xml").render(urls=[project.site_url + p.removesuffix("index.html") for p in pages])


# -- national overview ------------------------------------------------------------


def answer_groups(ins: Instrument, dist: list[dict], selection: str) -> list[dict]:
    """The overview's answers per question, one chart and table per kind of answer: the agreement
    scale, and yes or no. Each kind has its own levels, colours and columns, so a yes is never
    read as an agreement level. In the instrument's order of their first question."""
    kinds: dict[tuple, list[dict]] = {}
    for d in dist:
        kinds.setdefault(tuple(d["levels"]), []).append(d)
    values = [v for v, _ in ins.scale]
    groups = []
    for levels, questions in kinds.items():
        yes_no = [key for key, _ in levels] == ["ja", "nej"]
        numbers = question_numbers([d["number"] for d in questions])
        svg = distribution.distribution_svg(
            f"Andel av organisationerna per svar, {numbers} ({selection})",
            list(levels),
            [(f"{d['number']}. {d['text']}", [d["counts"][key] for key, _ in levels], d["missing"]) for d in questions],
        )
        width, height = distribution.svg_size(svg)
        ident = "ja-nej" if yes_no else "skala"
        groups.append(
            {
                "id": ident,
                "file": "fragor.svg" if not yes_no else "fragor-ja-nej.svg",
                "svg": svg,
                "width": width,
                "height": height,
                "heading": f"Svar ja eller nej ({numbers})" if yes_no else f"Svar på skalan {min(values)}–{max(values)} ({numbers})",
                "alt": (
                    f"Liggande staplar, en per fråga, med andelen organisationer på varje svar för {numbers}. "
                    "Samma uppgifter finns i tabellen intill."
                ),
                "caption": f"Antal organisationer per svar, {numbers}",
                "levels": [label for _, label in levels],
                "table_below": not yes_no,  # the scale's five columns leave too little room beside the chart
                "rows": [
                    {"number": d["number"], "text": d["text"], "cells": [d["counts"][key] for key, _ in levels], "missing": d["missing"]}
                    for d in questions
                ],
            }
        )
    return groups


def overview_files(project: Project, published: list[OrganisationResult]) -> dict[str, str]:
    """One static page per filter (type × year), so filtering works without JavaScript."""
    ins = project.ins
    types = [t for t in ins.types if any(r.organisation.type == t.id for r in published)]
    years = sorted({a.year for r in published for a in r.assessments})
    files: dict[str, str] = {}
    present = {(t, y) for r in published for a in r.assessments for t in (None, r.organisation.type) for y in (None, a.year)}
    known_levels: dict = {}
    for type_ in [None] + [t.id for t in types]:
        for year in [None] + years:
            sel = overview.select(published, type_, year)
            if not sel.rounds and (type_ or year):
                continue
            path = overview_path(type_, year)
            root = "../" * path.count("/")
            type_label = ins.type_of(type_).plural if type_ else "alla organisationer"
            year_label = f"mätningar {year}" if year else "senaste mätningen"
            title = f"Nationell översikt – {type_label}, {year_label}"
            spec = views.overview_chart(ins, [r for r, _ in sel.rounds], rounds=[a for _, a in sel.rounds])
            chart = charts.draw_svg(ins, spec)
            files[path + PHONE_CHART] = charts.draw_svg(ins, spec, phone=True)
            groups = answer_groups(ins, overview.question_distribution(ins, sel, known_levels), f"{type_label}, {year_label}")
            files[path + "ambitionsgraf.svg"] = chart
            for g in groups:
                files[path + g["file"]] = g.pop("svg")
            ctx = page_context(
                project,
                root=root,
                path=path,
                title=title,
                crumbs=[("", "Start"), ("oversikt/", "Nationell översikt"), (None, f"{type_label}, {year_label}")]
                if path != "oversikt/"
                else [("", "Start"), (None, "Nationell översikt")],
                description=f"Ambitionsgrafen för {type_label}, {year_label}: {len(sel.rounds)} "
                + ("organisation" if len(sel.rounds) == 1 else "organisationer")
                + ", hur många som ligger i varje kvadrant och hur de svarat på varje fråga.",
            )
            files[path + "index.html"] = project.env.get_template("overview.html").render(
                **ctx,
                heading=title,
                count=len(sel.rounds),
                type_filters=[{"label": "Alla typer", "href": root + overview_path(None, year), "current": type_ is None, "empty": False}]
                + [
                    {
                        "label": t.label,
                        "href": root + overview_path(t.id, year),
                        "current": t.id == type_,
                        "empty": (t.id, year) not in present,
                    }
                    for t in types
                ],
                year_filters=[{"label": "Senaste", "href": root + overview_path(type_, None), "current": year is None, "empty": False}]
                + [
                    {"label": y, "href": root + overview_path(type_, y), "current": y == year, "empty": (type_, y) not in present}
                    for y in years
                ],
                rows=views.index_rows(ins, [r for r, _ in sel.rounds], root, rounds=[a for _, a in sel.rounds]),
                quadrants=overview.quadrant_counts(ins, sel),
                answer_groups=groups,
                chart_title=f"Ambitionsgrafen: {type_label}, {year_label}",
                reports=[{"year": y, "href": root + national_path(y)} for y in years],
            )
    return files


# -- national follow-up, per round year: national/pages.py (re-exported: the pipeline and tests import them here)

from .national.pages import grouping, national_page_files, national_pdf_files, national_views  # noqa: E402, F401  (re-exported)
