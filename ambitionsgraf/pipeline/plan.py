"""The planner: which file of the output is rendered, carried over or dropped, and why.

A pure function of values: the options, the code's fingerprint, every valid organisation
(its answer file's digest and its comparisons) and the previous build's manifest, checked
against the disk beforehand. No processes, no files; `tests/test_plan.py` tests it as a
function.

An organisation's files come in parts, each with its own key (what its bytes depend on):

- `site`: its public page, chart and data (published organisations only);
- `site-pdf`: its public PDF (published, and in builds with PDFs);
- `leverans`: its delivery data and action plan as CSV;
- `leverans-pdf`: its delivery documents, the PDF and the action-plan workbook (builds with PDFs).

Only the delivery parts depend on other organisations, through the comparisons: the data on
every figure the JSON holds, the PDF on the comparisons as shown (`ShownComparison.key`; the
workbook beside it shows none, and is keyed with it all the same).

The rules:

1. A part whose key equals the previous build's, with every file still there, is carried
   over; any other wanted part is rendered.
2. A build without PDFs renders no `-pdf` part, so no PDF and no action-plan workbook; it
   keeps the ones still current (rule 1) and drops the ones out of date. A public page links
   to its PDF only when the PDF stays.
3. `--only SLUG` renders only that organisation's parts. Every other part of the previous
   build is carried over as it is, even out of date (the manifest keeps its old key, so the
   next full build renders it); parts that were never built stay missing, and the shared
   pages list only organisations whose public page is in the output.
4. Whatever must not be there any more is dropped whatever the options: the public files of
   an organisation that is not published, the files of one whose answer file is gone or
   invalid.
5. Shared pages (start page, overview, guidance, the open data, …) are rendered by every build
   that renders; sitemap.xml and the open data's catalogue hold absolute addresses, and are
   written only when the site's address is known.
6. The national follow-up has two parts per round year, planned like an organisation's
   (`plan_national`): `national`, the year's page and charts, and `national-pdf`, its PDF.
   Both are keyed on the report as shown (`national.report_digest`), computed from the
   organisations the shared pages list, so a rebuild in which nothing published changed that
   year carries them over. The PDF follows rule 2 (a build without PDFs keeps a current one,
   drops an out-of-date one, and the page links to it only when it stays) and rule 3 (--only
   carries it over as it is, even out of date; never built, it stays missing). A year with no
   published round any more is dropped.
7. The search index (site/pagefind/) is keyed on the code and on the search record of every
   organisation the shared pages list (`search.index_key`): it is carried over when that key
   equals the previous build's, with every file still there, and rendered otherwise. So a
   change to any indexed page (code, content, a listed organisation's record) renders it, and a
   correction that changes no published organisation's record does not. A build asked for no
   index (`search=False`) drops it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field

import orjson

from ..peergroups import Comparison
from ..search import index_key
from .parts import BY_NAME, ORGANISATION, PARTS, SEARCH, YEAR, Part, of

RENDER, CARRY, DROP, MISSING = "render", "carry over", "drop", "missing"
GENERATOR = "ambitionsgraf"  # the manifest's mark: an output folder holding it is a build of ours


@dataclass(frozen=True)
class OrgInput:
    """A valid organisation, as the planner needs it."""

    slug: str
    published: bool
    data_digest: str  # of its answer file's bytes
    comparisons: tuple[Comparison, ...]  # without peer points: their digest stands in
    search_record: str | None = None  # published: the digest of its record in the search index


@dataclass(frozen=True)
class PreviousPart:
    key: str | None  # None: from a manifest written before parts had keys
    files: tuple[str, ...]
    present: bool  # every file is in the previous output


@dataclass(frozen=True)
class NationalInput:
    """One round year's national follow-up, as the planner needs it."""

    year: str
    digest: str  # of the report as shown (national.report_digest)


@dataclass(frozen=True)
class PlanInputs:
    code: str
    site_url: str | None  # None: no address, so no sitemap
    make_pdf: bool
    only: str | None
    orgs: tuple[OrgInput, ...]
    previous: Mapping[str, Mapping[str, PreviousPart]] = field(default_factory=dict)  # slug -> part -> entry
    complete: bool = True  # False: some answer files were invalid and skipped (--keep-going)
    inputs: str | None = None  # the fingerprint of every input; None: never treat a later build as unchanged
    search: bool = True  # the build makes the search index
    previous_search: PreviousPart | None = None  # the previous build's index, if it had one
    national: tuple[NationalInput, ...] = ()  # each round year's follow-up over the listed organisations (`listed_of`)
    previous_national: Mapping[str, Mapping[str, PreviousPart]] = field(default_factory=dict)  # year -> part -> entry


@dataclass(frozen=True)
class Decision:
    slug: str
    part: str
    action: str  # RENDER, CARRY, DROP or MISSING
    reason: str
    key: str | None  # the key the part has after this build (carried: the old one)
    files: tuple[str, ...] = ()  # carried or dropped: the previous build's files
    pdf_linked: bool = False  # `site` only: the page links to the public PDF
    outdated: bool = False  # carried over (--only) or dropped (no PDFs) although its files are out of date

    def __str__(self) -> str:
        part = BY_NAME.get(self.part)  # the shared pages are no part of the table
        if part is not None and part.scope == YEAR:
            what = f"national follow-up {self.slug}{' PDF' if part.needs_pdf else ' page'}"
            return f"{what}: {self.action} ({self.reason})"
        return f"{self.slug + ' ' if self.slug else ''}{self.part}: {self.action} ({self.reason})"


SHARED = (
    Decision("", "shared pages", RENDER, "every build: they list the organisations and hold the guidance and the open data", None),
    Decision("", "sitemap.xml", RENDER, "every build: it lists every page the site holds", None),
    Decision("", "data/katalog.rdf", RENDER, "every build: the open data's catalogue, for dataportal.se", None),
    Decision("", ".manifest.json", RENDER, "every build: it records each part's key and files for the next", None),
)


ABSOLUTE = ("sitemap.xml", "data/katalog.rdf")  # hold absolute addresses: written only with the site's address


@dataclass(frozen=True)
class BuildPlan:
    decisions: tuple[Decision, ...]  # one per part of an organisation's files
    listed: tuple[str, ...]  # published organisations whose public page the output holds: the shared pages list these
    unlisted: tuple[str, ...]  # published organisations left out of the shared pages (--only: never built)
    manifest_inputs: str | None  # what the new manifest records as its inputs
    shared: tuple[Decision, ...] = SHARED  # the files that belong to no organisation (the search index among them)
    national: tuple[Decision, ...] = ()  # the national follow-up's parts, per round year (slug: the year)
    search: Decision | None = None  # the search index (None: neither made nor had)

    def manifest(self, code: str, rendered: Mapping[tuple[str, str], list[str]]) -> dict:
        """The new manifest: every part the output holds, with its key and files
        (`rendered`: the files each rendered part was written as; the search index's under
        ("", SEARCH))."""
        orgs: dict = {}
        for d in self.decisions:
            if d.action == CARRY:
                orgs.setdefault(d.slug, {})[d.part] = {"key": d.key, "files": sorted(d.files)}
            elif d.action == RENDER:
                orgs.setdefault(d.slug, {})[d.part] = {"key": d.key, "files": sorted(rendered[d.slug, d.part])}
        national: dict = {}
        for d in self.national:
            if d.action in (CARRY, RENDER):
                files = d.files if d.action == CARRY else rendered[d.slug, d.part]
                national.setdefault(d.slug, {})[d.part] = {"key": d.key, "files": sorted(files)}
        manifest = {"generator": GENERATOR, "inputs": self.manifest_inputs, "code": code, "orgs": orgs, "national": national}
        if self.search is not None and self.search.action in (CARRY, RENDER):
            files = self.search.files if self.search.action == CARRY else rendered["", SEARCH]
            manifest["search"] = {"key": self.search.key, "files": sorted(files)}
        return manifest

    def organisations(self) -> dict[str, list[str]]:
        """Each organisation once, by what became of it: rendered (any part), missing (a page or the
        delivery data never built, --only), stale (carried over out of date, --only), unchanged."""
        rendered = {d.slug for d in self.render}
        missing = {d.slug for d in self.of(MISSING) if not of(d.part).needs_pdf} - rendered
        stale = {d.slug for d in self.stale} - rendered - missing
        everyone = {d.slug for d in self.decisions if d.action != DROP}
        return {
            "rendered": sorted(rendered),
            "missing": sorted(missing),
            "stale": sorted(stale),
            "unchanged": sorted(everyone - rendered - missing - stale),
        }

    def of(self, action: str) -> list[Decision]:
        return [d for d in self.decisions if d.action == action]

    @property
    def render(self) -> list[Decision]:
        return self.of(RENDER)

    @property
    def carry(self) -> list[Decision]:
        return self.of(CARRY)

    @property
    def stale(self) -> list[Decision]:
        """Carried over although out of date (--only)."""
        return [d for d in self.carry if d.outdated]

    @property
    def documents_removed(self) -> int:
        """Files of the `-pdf` parts (PDFs, action-plan workbooks, the national follow-up's PDFs) dropped
        as out of date by a build without PDFs."""
        return sum(
            len(d.files) for d in self.of(DROP) + [d for d in self.national if d.action == DROP] if of(d.part).needs_pdf and d.outdated
        )

    @property
    def documents_kept(self) -> int:
        """Files of the `-pdf` parts (PDFs, action-plan workbooks, the national follow-up's PDFs) carried over."""
        return sum(len(d.files) for d in self.carry + [d for d in self.national if d.action == CARRY] if of(d.part).needs_pdf)

    def explain(self) -> str:
        return "\n".join(str(d) for d in self.decisions + self.national + self.shared)


def part_key(code: str, site_url: str | None, part: str, data_digest: str, comparisons: tuple[Comparison, ...], pdf_linked: bool) -> str:
    """What one part of an organisation's files depends on: the code, the site's address, the answer
    file and what its row of the parts table says it covers (`Part.key_of`, in words `Part.key_covers`)."""
    key_of = of(part).key_of
    assert key_of is not None, part  # every part of an organisation's files says what its key covers
    extra = key_of(comparisons, pdf_linked)
    h = hashlib.sha256(orjson.dumps([code, part, site_url, data_digest, extra], option=orjson.OPT_SORT_KEYS))
    return h.hexdigest()


def national_key(code: str, site_url: str | None, part: str, digest: str, pdf_linked: bool) -> str:
    """What one part of a year's follow-up depends on: the code, the site's address, the report
    as shown and, for the page, whether it links to the PDF."""
    h = hashlib.sha256(orjson.dumps([code, part, site_url, digest, pdf_linked if of(part).links_pdf else None]))
    return h.hexdigest()


def search_decision(
    code: str, site_url: str | None, wanted: bool, listed: list[tuple[str, str | None]], previous: PreviousPart | None
) -> Decision | None:
    """Rule 7: the search index, for the organisations the shared pages list ((slug, the digest
    of its search record)). The build decides it early when it starts the shared pages before
    planning, and checks that the plan decides the same."""
    if not wanted:
        return None if previous is None else Decision("", SEARCH, DROP, "this build makes no search index", None, previous.files)
    key = index_key(code, site_url, [(slug, digest or "") for slug, digest in listed])
    if previous is not None and previous.present and previous.key == key:
        return Decision("", SEARCH, CARRY, "unchanged: the same code and listed organisations' records", key, previous.files)
    why = "new" if previous is None else "files missing" if not previous.present else "changed: the code or a listed organisation's record"
    return Decision("", SEARCH, RENDER, why, key)


def listed_of(orgs: tuple[OrgInput, ...], previous: Mapping[str, Mapping[str, PreviousPart]], only: str | None) -> tuple[str, ...]:
    """The published organisations whose public page the output will hold, which the shared pages,
    the search index and the national follow-up list: every one in a whole build; with --only, the
    one asked for and those whose page a previous build left in place (rule 3)."""
    return tuple(
        o.slug
        for o in sorted(orgs, key=lambda o: o.slug)
        if o.published
        and (only is None or only == o.slug or (previous.get(o.slug, {}).get("site") is not None and previous[o.slug]["site"].present))
    )


def _decide(
    unit: str,
    part: Part,
    key: str | None,
    prev: PreviousPart | None,
    *,
    chosen: bool,
    make_pdf: bool,
    only: str | None,
    pdf_linked: bool = False,
) -> Decision | None:
    """Rules 1–3 for one part of one organisation or year: carry over, render, drop, missing, or nothing."""
    current = prev is not None and prev.present and prev.key == key
    if not chosen:
        if part.needs_pdf and not make_pdf and prev is None:
            return None  # never made, and not made by builds like this one: nothing is missing
        if prev is not None and prev.present:
            return Decision(
                unit,
                part.name,
                CARRY,
                "unchanged" if current else f"--only {only}: out of date, kept until a full build",
                prev.key,
                prev.files,
                pdf_linked,
                outdated=not current,
            )
        return Decision(unit, part.name, MISSING, f"--only {only}: never built; a full build adds it", None)
    if current and prev is not None:
        return Decision(unit, part.name, CARRY, "unchanged", key, prev.files, pdf_linked)
    if part.needs_pdf and not make_pdf:
        if prev is None:
            return None
        return Decision(
            unit,
            part.name,
            DROP,
            "out of date, and this build makes no PDFs" if prev.present else "files missing, and this build makes no PDFs",
            None,
            prev.files,
            outdated=prev.present,
        )
    why = "new" if prev is None else "files missing" if not prev.present else "changed"
    return Decision(unit, part.name, RENDER, why, key, (), pdf_linked)


def _linked(part: Part, made: Mapping[str, Decision]) -> bool:
    """Whether a page links to the PDF part beside it: only when that PDF stays (rule 2)."""
    return part.links_pdf is not None and made.get(part.links_pdf) is not None and made[part.links_pdf].action in (RENDER, CARRY)


def _organisation(inp: PlanInputs, org: OrgInput) -> list[Decision]:
    previous = inp.previous.get(org.slug, {})
    made: dict[str, Decision] = {}
    for part in PARTS:  # the table's order: a PDF before the page that may link to it
        if part.scope != ORGANISATION or (part.published_only and not org.published):
            continue
        pdf_linked = _linked(part, made)
        prev = previous.get(part.name)
        # A PDF part that a build without PDFs never made is decided without its key (_decide: nothing),
        # which would cost its comparisons as shown, for every organisation of the build.
        key = (
            None
            if part.needs_pdf and not inp.make_pdf and prev is None
            else part_key(inp.code, inp.site_url, part.name, org.data_digest, org.comparisons, pdf_linked)
        )
        d = _decide(
            org.slug, part, key, prev, chosen=inp.only in (None, org.slug), make_pdf=inp.make_pdf, only=inp.only, pdf_linked=pdf_linked
        )
        if d is not None:
            made[part.name] = d
    ordered = [made[p] for p in sorted(made, key=lambda p: not of(p).needs_pdf)]
    for name, prev in previous.items():  # rule 4
        if name not in made:
            ordered.append(
                Decision(org.slug, name, DROP, "not published" if of(name).published_only else "no longer wanted", None, prev.files)
            )
    return ordered


def _year(inp: PlanInputs, report: NationalInput) -> list[Decision]:
    """Rule 6: a year's follow-up; its page is always made current, its PDF follows rules 2 and 3."""
    previous = inp.previous_national.get(report.year, {})
    made: dict[str, Decision] = {}
    for part in PARTS:
        if part.scope != YEAR:
            continue
        pdf_linked = _linked(part, made)
        key = national_key(inp.code, inp.site_url, part.name, report.digest, pdf_linked)
        chosen = inp.only is None or not part.needs_pdf  # the page lists whatever the shared pages list
        d = _decide(
            report.year, part, key, previous.get(part.name), chosen=chosen, make_pdf=inp.make_pdf, only=inp.only, pdf_linked=pdf_linked
        )
        if d is not None:
            made[part.name] = d
    return list(made.values())


def plan(inp: PlanInputs) -> BuildPlan:
    decisions = [d for org in sorted(inp.orgs, key=lambda o: o.slug) for d in _organisation(inp, org)]
    valid = {o.slug for o in inp.orgs}
    for slug in sorted(set(inp.previous) - valid):
        for part, prev in inp.previous[slug].items():
            decisions.append(Decision(slug, part, DROP, "no valid answer file", None, prev.files))
    listed = listed_of(inp.orgs, inp.previous, inp.only)
    unlisted = tuple(o.slug for o in sorted(inp.orgs, key=lambda o: o.slug) if o.published and o.slug not in listed)
    whole = inp.complete and inp.only is None and not any(d.action == MISSING for d in decisions)
    shared = SHARED if inp.site_url else tuple(d for d in SHARED if d.part not in ABSOLUTE)
    by_slug = {o.slug: o for o in inp.orgs}
    search = search_decision(inp.code, inp.site_url, inp.search, [(s, by_slug[s].search_record) for s in listed], inp.previous_search)
    shared += (search,) if search is not None else ()
    national = [d for report in sorted(inp.national, key=lambda r: r.year) for d in _year(inp, report)]
    for year in sorted(set(inp.previous_national) - {r.year for r in inp.national}):
        for part, prev in sorted(inp.previous_national[year].items()):
            national.append(Decision(year, part, DROP, "no published organisation measured that year", None, prev.files))
    return BuildPlan(tuple(decisions), listed, unlisted, inp.inputs if whole else None, shared, tuple(national), search=search)
