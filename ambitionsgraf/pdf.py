"""Print documents to PDF with WeasyPrint: tagged (PDF/UA-1), reproducible, offline.

WeasyPrint is imported lazily: loading it costs about a second, which a
build without PDFs should not pay.
"""

from __future__ import annotations

import functools
import os


class OfflineFetcherError(Exception):
    pass


# Reproducible PDFs: fontTools stamps subset fonts (the colour-emoji font goes
# through it) with the current time unless SOURCE_DATE_EPOCH is set. Document
# dates come from the assessment itself (dcterms.created in the template).
REPRODUCIBLE_EPOCH = "946684800"  # 2000-01-01T00:00:00Z
MAX_EPOCH = 253402300799  # 9999-12-31T23:59:59Z: the last second a date can show


def epoch_problem(environ=os.environ) -> str | None:
    """Why SOURCE_DATE_EPOCH, when set, cannot be used (None when unset or usable). The libraries
    that read it (fontTools, matplotlib) would fail on it inside a worker, halfway through a build;
    so it is checked, as reproducible-builds.org defines it, before any work: ASCII digits, as
    `date +%s` prints them."""
    value = environ.get("SOURCE_DATE_EPOCH")
    if value is None:
        return None
    if not value.isascii() or not value.isdigit() or len(value) > 12 or int(value) > MAX_EPOCH:
        from .text import show

        return ("SOURCE_DATE_EPOCH: expected a whole number of seconds since 1970-01-01 UTC (at most year 9999), as "
                f"`date +%s` prints it, or the variable unset; got {show(repr(value), 40)}")
    return None


@functools.lru_cache(maxsize=1)
def _weasy():
    os.environ.setdefault("SOURCE_DATE_EPOCH", REPRODUCIBLE_EPOCH)
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    class OfflineFetcher(weasyprint.URLFetcher):
        """Only inline data: URLs. No network, and no file outside the document."""

        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            raise ValueError(f"refused to fetch {url[:80]!r}: reports are rendered offline")

    return weasyprint, FontConfiguration(), OfflineFetcher


@functools.lru_cache(maxsize=4)
def _stylesheet(css_text: str):
    weasyprint, fonts, fetcher = _weasy()
    return weasyprint.CSS(string=css_text, font_config=fonts, url_fetcher=fetcher())


def html_to_pdf(html: str, css_text: str) -> bytes:
    weasyprint, fonts, fetcher = _weasy()
    document = weasyprint.HTML(string=html, url_fetcher=fetcher(), base_url=None)
    return document.write_pdf(
        stylesheets=[_stylesheet(css_text)],
        font_config=fonts,
        pdf_variant="pdf/ua-1",
        pdf_identifier=False,
        uncompressed_pdf=False,
        finisher=complete_table_tags,
    )


def complete_table_tags(document, pdf) -> None:
    """Finish WeasyPrint's table tagging, on its PDF objects before they are written.

    WeasyPrint (70) gives each TH cell an /ID and each TD cell /Headers naming the THs that head it,
    but writes no /IDTree, which ISO 32000-1 (14.7.2, table 322) requires wherever structure
    elements carry an /ID (it is how a reader finds a /Headers entry), and no /Scope on the THs
    (PDF/UA-1, 7.5). Both are added here: the tree maps every ID to its element, and a TH is the
    header of its row when a TD of the same row names it (WeasyPrint links a TH with scope="row" to
    the TDs of its row only), else of its column.
    """
    import pydyf

    elements = [o for o in pdf.objects if isinstance(o, pydyf.Dictionary) and o.get("Type") == "/StructElem"]
    by_id = {e["ID"].string: e for e in elements if "ID" in e}
    if not by_id:
        return
    heads_its_row = set()
    for e in elements:
        if e["S"] == "/TD":
            heads_its_row.update(h.string for h in e["A"].get("Headers", ()) if by_id[h.string]["P"] == e["P"])
    for key, e in by_id.items():
        if e["S"] == "/TH":
            e["A"]["Scope"] = "/Row" if key in heads_its_row else "/Column"
    # A name tree with its keys in byte order (14.7.2: sorted lexically); the IDs are ASCII.
    names = pydyf.Array()
    for key in sorted(by_id, key=lambda k: k.encode("utf-8")):
        names.extend((pydyf.String(key), by_id[key].reference))
    tree = pydyf.Dictionary({"Names": names})
    pdf.add_object(tree)
    pdf.objects[int(pdf.catalog["StructTreeRoot"].split()[0])]["IDTree"] = tree.reference


def warm_up() -> None:
    """Import WeasyPrint and load its fonts now, e.g. before worker processes fork."""
    _weasy()
