"""Print documents to PDF with WeasyPrint: tagged (PDF/UA-1), reproducible, offline.

WeasyPrint is imported lazily: loading it costs about a second, which a
build without PDFs should not pay.
"""

from __future__ import annotations

import functools
import os
import re
from html import unescape


class OfflineFetcherError(Exception):
    pass


# Reproducible PDFs: fontTools stamps subset fonts (the colour-emoji font goes
# through it) with the current time unless SOURCE_DATE_EPOCH is set. Document
# dates come from the assessment itself (dcterms.created in the template).
REPRODUCIBLE_EPOCH = "946684800"  # 2000-01-01T00:00:00Z


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
    labels = link_labels(html)

    def finish(doc, pdf) -> None:
        complete_table_tags(doc, pdf)
        describe_links(pdf, labels)

    return document.write_pdf(
        stylesheets=[_stylesheet(css_text)],
        font_config=fonts,
        pdf_variant="pdf/ua-1",
        pdf_identifier=False,
        uncompressed_pdf=False,
        finisher=finish,
    )


_LINK = re.compile(r'<a\b[^>]*\bhref="([^"]+)"[^>]*>(.*?)</a>', re.S)


def link_labels(html: str) -> dict[str, str]:
    """Each link's target (an anchor's name without '#', or an address) and its visible text."""
    labels: dict[str, str] = {}
    for href, inner in _LINK.findall(html):
        text = " ".join(unescape(re.sub(r"<[^>]+>", " ", inner)).split())
        labels.setdefault(unescape(href).removeprefix("#"), text)
    return labels


def link_description(target: str, text: str) -> str:
    """What a screen reader says of a link in the PDF (its /Contents): where it leads, in words."""
    if target.startswith("mailto:"):
        return f"{text}: skicka e-post till {target.removeprefix('mailto:')}"
    if target.startswith(("http://", "https://")):
        return f"{text[:1].upper()}{text[1:]}: öppnar {target} i webbläsaren" if text and text != target else f"Öppnar {target} i webbläsaren"
    return f"Gå till avsnittet {text} i dokumentet" if text else "Gå till ett annat ställe i dokumentet"


def describe_links(pdf, labels: dict[str, str]) -> None:
    """WeasyPrint describes a link (/Contents, which PDF/UA-1 requires) by its target: an internal
    link reads as its anchor's name ("sammanfattning"). Describe each by its text and where it leads."""
    import pydyf

    for o in pdf.objects:
        if isinstance(o, pydyf.Dictionary) and o.get("Subtype") == "/Link" and isinstance(o.get("Contents"), pydyf.String):
            target = o["Contents"].string
            o["Contents"] = pydyf.String(link_description(target, labels.get(target, "")))


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
