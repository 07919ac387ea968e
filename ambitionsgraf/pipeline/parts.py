"""The output parts: one table that the planner, the manifest reader and the executor all loop over.

A part is a set of files that is rendered, carried over or dropped as one, with a key that says
what its bytes depend on (pipeline/plan.py). Adding an output is adding a row here and a renderer
(pipeline/execute.py's RENDERERS) — the planner's rules follow from the row's fields.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .. import layout

ORGANISATION, YEAR, WHOLE = "organisation", "year", "whole"  # what one part is made for: a slug, a round year, the site


@dataclass(frozen=True)
class Part:
    name: str
    scope: str  # ORGANISATION, YEAR or WHOLE
    public: bool  # on the public site (True) or in the delivery package (False, never deployed)
    needs_pdf: bool  # PDFs and workbooks: rendered only by builds with PDFs (plan rule 2)
    published_only: bool  # exists only for published organisations (rule 4)
    key_covers: str  # what its key covers, besides the code and the site's address
    manifest: str  # the manifest's section that records it
    files: Callable[..., tuple[str, ...]] | None  # (slug or year, part name) -> every file it may hold
    links_pdf: str | None = None  # the part whose staying decides whether this one links to it
    compares: bool = False  # its files show the organisation among others: it needs the comparison index
    # An organisation's part: what its key covers besides the code, the site's address and the answer
    # file, as a JSON value of (its comparisons, whether it links to its PDF) (plan.part_key).
    key_of: Callable[[tuple, bool], object] | None = None


PARTS: tuple[Part, ...] = (
    Part("site-pdf", ORGANISATION, True, True, True, "the answer file", "orgs", layout.part_files, key_of=lambda comparisons, linked: None),
    Part(
        "site",
        ORGANISATION,
        True,
        False,
        True,
        "the answer file; whether the page links to the public PDF",
        "orgs",
        layout.part_files,
        links_pdf="site-pdf",
        key_of=lambda comparisons, linked: linked,
    ),
    Part(
        "leverans-pdf",
        ORGANISATION,
        False,
        True,
        False,
        "the answer file; the comparisons as the PDF shows them",
        "orgs",
        layout.part_files,
        compares=True,
        key_of=lambda comparisons, linked: [c.as_shown().key() for c in comparisons],
    ),
    Part(
        "leverans",
        ORGANISATION,
        False,
        False,
        False,
        "the answer file; every comparison figure the JSON holds",
        "orgs",
        layout.part_files,
        compares=True,
        key_of=lambda comparisons, linked: [c.as_json() for c in comparisons],
    ),
    Part("national-pdf", YEAR, True, True, True, "the year's follow-up as shown", "national", layout.national_files),
    Part(
        "national",
        YEAR,
        True,
        False,
        True,
        "the year's follow-up as shown; whether the page links to its PDF",
        "national",
        layout.national_files,
        links_pdf="national-pdf",
    ),
    Part("search index", WHOLE, True, False, True, "every listed organisation's search record", "search", None),
)
# In the order the planner decides them: a PDF before the page that may link to it.

BY_NAME = {p.name: p for p in PARTS}
ORGANISATION_PARTS = tuple(p.name for p in PARTS if p.scope == ORGANISATION)
SEARCH = next(p.name for p in PARTS if p.scope == WHOLE)


def of(name: str) -> Part:
    return BY_NAME[name]


def organisation_part_of_file(relpath: str, slug: str) -> str:
    """Which of an organisation's parts a file the manifest lists for it belongs to (for manifests
    written before parts had names of their own, and for a file a manifest lists under another part):
    the part whose layout holds it; a file the layout gives no part is sorted by its kind (a PDF or
    workbook with the documents), and its part then lists files it cannot hold."""
    for part in ORGANISATION_PARTS:
        if relpath in layout.part_files(slug, part):
            return part
    folders = relpath.split("/")
    documents = relpath.endswith(".pdf") if folders[0] == layout.PUBLIC else relpath.endswith((".pdf", ".xlsx"))
    return ("site" if folders[0] == layout.PUBLIC else "leverans") + ("-pdf" if documents else "")
