"""The planner as a function: what each part of the output becomes, and why. No processes, no disk."""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction as F

from ambitionsgraf.layout import part_files
from ambitionsgraf.peergroups import Comparison, Position
from ambitionsgraf.pipeline.plan import (
    CARRY,
    DROP,
    MISSING,
    RENDER,
    SEARCH,
    BuildPlan,
    NationalInput,
    OrgInput,
    PlanInputs,
    PreviousPart,
    part_key,
    plan,
)

SHOWN = Comparison(
    "alla", "alla organisationer med mätning 2024", "organisationerna", 6, True, (Position("axis", "ledning", F(1, 3), 6),), "digest"
)


def org(slug, published=True, digest="d", comparisons=(SHOWN,), record="r"):
    return OrgInput(slug, published, f"{digest}-{slug}", comparisons, f"{record}-{slug}" if published else None)


def inputs(*orgs, previous=None, make_pdf=True, only=None, complete=True, search=True, previous_search=None, code="c"):
    return PlanInputs(
        code=code,
        site_url="https://u/",
        make_pdf=make_pdf,
        only=only,
        orgs=tuple(orgs),
        previous=previous or {},
        complete=complete,
        inputs="fingerprint",
        search=search,
        previous_search=previous_search,
    )


def files_of(slug, part):
    return part_files(slug, part)  # what the renderers write: the delivery PDF's part holds the action-plan workbook too


def after(p, present=True):
    """The manifest a plan leaves, as the next build reads it (every file present, or none)."""
    previous: dict = {}
    for d in p.decisions:
        if d.action in (RENDER, CARRY):
            previous.setdefault(d.slug, {})[d.part] = PreviousPart(d.key, d.files or files_of(d.slug, d.part), present)
    return previous


def table(p):
    return {(d.slug, d.part): (d.action, d.reason) for d in p.decisions}


def test_a_first_build_renders_every_part_and_publishes_only_published_organisations():
    p = plan(inputs(org("a"), org("b", published=False)))
    assert table(p) == {
        ("a", "site-pdf"): (RENDER, "new"),
        ("a", "leverans-pdf"): (RENDER, "new"),
        ("a", "site"): (RENDER, "new"),
        ("a", "leverans"): (RENDER, "new"),
        ("b", "leverans-pdf"): (RENDER, "new"),
        ("b", "leverans"): (RENDER, "new"),
    }
    assert p.listed == ("a",) and p.unlisted == () and p.manifest_inputs == "fingerprint"
    assert next(d for d in p.decisions if d.part == "site").pdf_linked


def test_an_unchanged_rebuild_carries_everything_over():
    first = plan(inputs(org("a"), org("b")))
    again = plan(inputs(org("a"), org("b"), previous=after(first)))
    assert {a for a, _ in table(again).values()} == {CARRY}
    assert all(d.reason == "unchanged" for d in again.decisions)


def test_a_changed_answer_file_renders_that_organisation_only():
    first = plan(inputs(org("a"), org("b")))
    p = plan(inputs(org("a", digest="new"), org("b"), previous=after(first)))
    assert {k for k, (a, _) in table(p).items() if a == RENDER} == {
        ("a", part) for part in ("site", "site-pdf", "leverans", "leverans-pdf")
    }
    assert all(r == "changed" for (s, _), (a, r) in table(p).items() if s == "a")


def test_a_peer_change_renders_only_the_delivery_parts_that_show_it():
    first = plan(inputs(org("a"), org("b")))
    moved = replace(SHOWN, points_digest="other")  # a peer point moved: the PDF draws it, the data does not hold it
    p = plan(inputs(org("a", comparisons=(moved,)), org("b"), previous=after(first)))
    assert [k for k, (a, _) in table(p).items() if a == RENDER] == [("a", "leverans-pdf")]
    nudged = replace(SHOWN, positions=(Position("axis", "ledning", F(333, 1000), 6),))  # 33 % either way
    p = plan(inputs(org("a", comparisons=(nudged,)), org("b"), previous=after(first)))
    assert [k for k, (a, _) in table(p).items() if a == RENDER] == [("a", "leverans")]


def test_missing_files_are_rendered_again():
    first = plan(inputs(org("a")))
    p = plan(inputs(org("a"), previous=after(first, present=False)))
    assert {r for _, r in table(p).values()} == {"files missing"}


def test_a_build_without_pdfs_keeps_current_pdfs_and_drops_out_of_date_ones():
    first = plan(inputs(org("a"), org("b")))
    p = plan(inputs(org("a", digest="new"), org("b"), previous=after(first), make_pdf=False))
    t = table(p)
    assert t["b", "site-pdf"] == (CARRY, "unchanged") and t["b", "leverans-pdf"] == (CARRY, "unchanged")
    assert t["a", "site-pdf"][0] == DROP and t["a", "leverans-pdf"][0] == DROP and t["a", "site-pdf"][1].startswith("out of date")
    assert p.documents_kept == 3 and p.documents_removed == 3  # each: two PDFs and the action-plan workbook
    site = {d.slug: d for d in p.decisions if d.part == "site"}
    assert site["a"].action == RENDER and not site["a"].pdf_linked  # its PDF is gone: no link to it
    assert site["b"].action == CARRY
    # The page linked to a PDF that stays keeps its key: the next build with PDFs renders nothing of b.
    p2 = plan(inputs(org("a", digest="new"), org("b"), previous=after(p)))
    assert {k for k, (a, _) in table(p2).items() if a == RENDER} == {("a", "site"), ("a", "site-pdf"), ("a", "leverans-pdf")}


def test_only_renders_one_organisation_and_says_what_the_others_are():
    first = plan(inputs(org("a"), org("b")))
    p = plan(inputs(org("a", digest="new"), org("b", digest="new"), org("c"), previous=after(first), only="a"))
    t = table(p)
    assert {k for k, (a, _) in t.items() if a == RENDER} == {("a", part) for part in ("site", "site-pdf", "leverans", "leverans-pdf")}
    assert t["b", "leverans"][0] == CARRY and t["b", "leverans"][1].startswith("--only a: out of date")
    assert t["c", "site"][0] == MISSING
    assert p.listed == ("a", "b") and p.unlisted == ("c",)  # the shared pages never link to c's missing page
    assert p.manifest_inputs is None  # the next build is never "unchanged" after --only
    assert {d.key for d in p.stale} <= {d.key for d in first.decisions}  # old keys kept: a full build renders them


def test_only_into_an_empty_folder_lists_only_what_it_built():
    p = plan(inputs(org("a"), org("b"), org("c", published=False), only="a"))
    assert p.listed == ("a",) and p.unlisted == ("b",)
    assert {s for (s, _), (a, _) in table(p).items() if a == MISSING} == {"b", "c"}


def test_public_files_of_an_unpublished_organisation_are_dropped_even_under_only():
    first = plan(inputs(org("a"), org("b")))
    p = plan(inputs(org("a"), org("b", published=False), previous=after(first), only="a"))
    t = table(p)
    assert t["b", "site"] == (DROP, "not published") and t["b", "site-pdf"] == (DROP, "not published")
    assert t["b", "leverans"][0] == CARRY and "b" not in p.listed


def test_an_organisation_without_a_valid_file_is_dropped_and_an_incomplete_build_is_never_final():
    first = plan(inputs(org("a"), org("b")))
    p = plan(inputs(org("a"), previous=after(first), complete=False))
    assert {a for (s, _), (a, _) in table(p).items() if s == "b"} == {DROP}
    assert p.manifest_inputs is None


def test_keys_depend_on_code_address_answers_and_what_each_part_shows():
    base = part_key("c", "https://u/", "site", "d", (SHOWN,), True)
    assert part_key("c2", "https://u/", "site", "d", (SHOWN,), True) != base
    assert part_key("c", "https://v/", "site", "d", (SHOWN,), True) != base
    assert part_key("c", "https://u/", "site", "d2", (SHOWN,), True) != base
    assert part_key("c", "https://u/", "site", "d", (SHOWN,), False) != base  # the PDF link
    assert part_key("c", "https://u/", "site", "d", (), True) == base  # the public page shows no peers


def test_only_without_pdfs_after_a_build_without_pdfs_misses_nothing():
    first = plan(inputs(org("a"), org("b"), make_pdf=False))
    p = plan(inputs(org("a", digest="new"), org("b"), previous=after(first), make_pdf=False, only="a"))
    assert p.of(MISSING) == [] and p.listed == ("a", "b")
    assert {k for k, (a, _) in table(p).items() if a == RENDER} == {("a", "site"), ("a", "leverans")}


def test_the_manifest_lists_what_the_output_holds_and_nothing_else():
    first = plan(inputs(org("a"), org("b")))
    p = plan(inputs(org("a", digest="new"), org("b", published=False), previous=after(first), make_pdf=False))
    rendered = {(d.slug, d.part): [f"{d.slug}-{d.part}.html"] for d in p.render} | {("", SEARCH): ["site/pagefind/pagefind.js"]}
    m = p.manifest("c", rendered)
    assert m["generator"] == "ambitionsgraf" and m["code"] == "c" and m["inputs"] == "fingerprint"
    assert m["search"] == {"key": p.search.key, "files": ["site/pagefind/pagefind.js"]}
    assert m["orgs"]["a"] == {
        "site": {"key": next(d.key for d in p.render if d.part == "site"), "files": ["a-site.html"]},
        "leverans": {"key": next(d.key for d in p.render if d.part == "leverans"), "files": ["a-leverans.html"]},
    }
    assert sorted(m["orgs"]["b"]) == ["leverans", "leverans-pdf"]  # its public parts dropped, its current PDF kept
    assert p.organisations() == {"rendered": ["a"], "missing": [], "stale": [], "unchanged": ["b"]}


def test_files_with_absolute_addresses_are_planned_only_with_the_sites_address():
    with_address = plan(inputs(org("a")))
    without = plan(replace(inputs(org("a")), site_url=None))
    assert [d.part for d in with_address.shared] == ["shared pages", "sitemap.xml", "data/katalog.rdf", ".manifest.json", SEARCH]
    assert [d.part for d in without.shared] == ["shared pages", ".manifest.json", SEARCH]
    assert "leverans/a-handlingsplan.xlsx" in files_of("a", "leverans-pdf")  # the workbook comes with the PDF
    assert "leverans/a-handlingsplan.csv" in files_of("a", "leverans")  # the CSV with every build


# -- the national follow-up (rule 6) ---------------------------------------------------------------


def plan_national(reports, previous, *, code, site_url, make_pdf, only):
    """The national follow-up's decisions, as the one plan() makes them."""
    return plan(
        PlanInputs(code=code, site_url=site_url, make_pdf=make_pdf, only=only, orgs=(), national=reports, previous_national=previous)
    ).national


def national(*years, digest="d", make_pdf=True, only=None, previous=None):
    reports = tuple(NationalInput(y, f"{digest}-{y}") for y in years)
    return plan_national(reports, previous or {}, code="c", site_url="https://u/", make_pdf=make_pdf, only=only)


def national_after(decisions, present=True):
    previous: dict = {}
    for d in decisions:
        if d.action in (RENDER, CARRY):
            files = d.files or (
                (f"site/oversikt/{d.slug}/rapport.pdf",) if d.part == "national-pdf" else (f"site/oversikt/{d.slug}/index.html",)
            )
            previous.setdefault(d.slug, {})[d.part] = PreviousPart(d.key, files, present)
    return previous


def national_table(decisions):
    return {(d.slug, d.part): (d.action, d.reason) for d in decisions}


def test_national_follow_up_per_year_renders_new_and_carries_unchanged():
    first = national("2023", "2025")
    assert national_table(first) == {(y, p): (RENDER, "new") for y in ("2023", "2025") for p in ("national", "national-pdf")}
    assert all(d.pdf_linked for d in first if d.part == "national")
    again = national("2023", "2025", previous=national_after(first))
    assert {a for a, _ in national_table(again).values()} == {CARRY}
    # One year's report changed: only that year is rendered again.
    changed = plan_national(
        (NationalInput("2023", "d-2023"), NationalInput("2025", "other")),
        national_after(first),
        code="c",
        site_url="https://u/",
        make_pdf=True,
        only=None,
    )
    assert {k for k, (a, _) in national_table(changed).items() if a == RENDER} == {("2025", "national"), ("2025", "national-pdf")}
    assert str(next(d for d in changed if d.part == "national-pdf" and d.slug == "2025")) == "national follow-up 2025 PDF: render (changed)"


def test_national_pdf_follows_builds_without_pdfs_and_only():
    first = national("2023", "2025")
    p = plan_national(
        (NationalInput("2023", "d-2023"), NationalInput("2025", "other")),
        national_after(first),
        code="c",
        site_url="https://u/",
        make_pdf=False,
        only=None,
    )
    t = national_table(p)
    assert t["2023", "national-pdf"] == (CARRY, "unchanged") and t["2025", "national-pdf"][0] == DROP
    pages = {d.slug: d for d in p if d.part == "national"}
    assert pages["2023"].pdf_linked and pages["2023"].action == CARRY
    assert not pages["2025"].pdf_linked and pages["2025"].action == RENDER  # its PDF is gone: no link to it
    assert BuildPlan((), (), (), None, national=p).documents_kept == 1 and BuildPlan((), (), (), None, national=p).documents_removed == 1
    # Never made, and not made by a build without PDFs: nothing to say about the PDF.
    assert [d.part for d in national("2025", make_pdf=False)] == ["national"]
    # --only: the PDF is carried over even out of date (a full build renders it), or missing.
    p = plan_national((NationalInput("2025", "other"),), national_after(first), code="c", site_url="https://u/", make_pdf=True, only="a")
    t = national_table(p)
    assert t["2025", "national-pdf"] == (CARRY, "--only a: out of date, kept until a full build")
    assert t["2023", "national-pdf"] == (DROP, "no published organisation measured that year")
    assert national_table(national("2025", only="a"))["2025", "national-pdf"][0] == MISSING


def test_national_parts_are_in_the_manifest_and_the_explanation():
    p = BuildPlan((), (), (), "fingerprint", national=national("2025"))
    m = p.manifest(
        "c", {("2025", "national"): ["site/oversikt/2025/index.html"], ("2025", "national-pdf"): ["site/oversikt/2025/rapport.pdf"]}
    )
    assert m["national"]["2025"]["national-pdf"] == {
        "key": next(d.key for d in p.national if d.part == "national-pdf"),
        "files": ["site/oversikt/2025/rapport.pdf"],
    }
    assert "national follow-up 2025 page: render (new)" in p.explain().splitlines()


# -- rule 7: the search index -------------------------------------------------------------------


def index_after(p, present=True):
    """The search index a plan leaves, as the next build reads it."""
    return PreviousPart(p.search.key, p.search.files or ("site/pagefind/pagefind.js",), present)


def test_the_search_index_is_rendered_when_new_and_carried_over_when_nothing_it_reads_changed():
    first = plan(inputs(org("a"), org("b")))
    assert (first.search.action, first.search.reason) == (RENDER, "new")
    assert first.search in first.shared and "search index: render (new)" in first.explain()
    again = plan(inputs(org("a"), org("b"), previous=after(first), previous_search=index_after(first)))
    assert again.search.action == CARRY and again.search.key == first.search.key
    assert again.search.files == ("site/pagefind/pagefind.js",)


def test_the_search_index_is_rendered_again_when_a_listed_record_or_the_code_changes():
    first = plan(inputs(org("a"), org("b")))
    previous = {"previous": after(first), "previous_search": index_after(first)}
    changed = plan(inputs(org("a", digest="new", record="new"), org("b"), **previous))
    assert changed.search.action == RENDER and changed.search.reason.startswith("changed")
    assert plan(inputs(org("a"), org("b"), code="c2", **previous)).search.action == RENDER
    # Renamed, published or withdrawn: the listed organisations change, and so does the index.
    assert plan(inputs(org("a"), org("b", published=False), **previous)).search.action == RENDER
    assert plan(inputs(org("a"), org("b"), org("c"), **previous)).search.action == RENDER
    missing = plan(inputs(org("a"), org("b"), previous=after(first), previous_search=index_after(first, present=False)))
    assert (missing.search.action, missing.search.reason) == (RENDER, "files missing")


def test_a_correction_that_changes_no_published_record_keeps_the_index():
    first = plan(inputs(org("a"), org("b"), org("x", published=False)))
    previous = {"previous": after(first), "previous_search": index_after(first)}
    # An answer whose rounded results stay the same, and any change to an unpublished organisation.
    p = plan(inputs(org("a", digest="new"), org("b"), org("x", published=False, digest="new"), **previous))
    assert table(p)["a", "site"][0] == RENDER and p.search.action == CARRY


def test_only_keys_the_index_on_the_organisations_the_shared_pages_list():
    first = plan(inputs(org("a"), org("b")))
    p = plan(inputs(org("a"), org("b"), org("c"), previous=after(first), previous_search=index_after(first), only="a"))
    assert p.listed == ("a", "b") and p.search.action == CARRY  # c was never built, so it is not searchable either


def test_a_build_without_the_index_drops_it():
    first = plan(inputs(org("a")))
    assert plan(inputs(org("a"), search=False)).search is None
    p = plan(inputs(org("a"), previous=after(first), previous_search=index_after(first), search=False))
    assert (p.search.action, p.search.files) == (DROP, ("site/pagefind/pagefind.js",))
    assert "search" not in p.manifest("c", {})
