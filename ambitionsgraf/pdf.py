"""Print documents to PDF with WeasyPrint: archival (PDF/A-2a) and tagged (PDF/UA-1), reproducible, offline.

WeasyPrint takes one `pdf_variant`. PDF/A-2a is level a of PDF/A (tagged, with Unicode text),
so WeasyPrint tags the document exactly as for PDF/UA-1, adds the sRGB output intent, the file
identifier and the PDF/A identification; `claim_pdf_ua` then adds the PDF/UA-1 identification
to the same XMP packet (with the extension schema PDF/A requires for it), and only when the
document holds what PDF/UA-1 asks of it here: a structure tree, a language and a title.
PDF/A-2 rather than PDF/A-3: the reports embed no files, and archives take PDF/A-2 without
asking what PDF/A-3 would allow inside.

WeasyPrint is imported lazily: loading it costs about a second, which a
build without PDFs should not pay.
"""

from __future__ import annotations

import functools
import os
import re
from html import unescape

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

        return (
            "SOURCE_DATE_EPOCH: expected a whole number of seconds since 1970-01-01 UTC (at most year 9999), as "
            f"`date +%s` prints it, or the variable unset; got {show(repr(value), 40)}"
        )
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
    labels = link_labels(html)

    def finish(doc, pdf) -> None:  # complete the table tags, describe the links, then claim PDF/UA-1 beside PDF/A
        complete_table_tags(doc, pdf)
        describe_links(pdf, labels)
        claim_pdf_ua(doc, pdf)

    return document.write_pdf(
        stylesheets=[_stylesheet(css_text)],
        font_config=fonts,
        pdf_variant=PDF_VARIANT,
        pdf_identifier=True,  # pydyf's: a digest of the file's own bytes, so still reproducible
        uncompressed_pdf=False,
        finisher=finish,
    )


PDF_VARIANT = "pdf/a-2a"  # sets pdf_tags, the sRGB output intent and the file identifier
PDFA_PART, PDFA_CONFORMANCE, PDFUA_PART = 2, "A", 1

# ISO 19005-2, 6.6.2.3: a property outside the schemas PDF/A predefines (pdfuaid is one) is
# described in the packet itself. The description is the one of the PDF Association's
# "Conforming to both PDF/A and PDF/UA" best-practice guide.
_PDFUA_EXTENSION = (
    '<rdf:Description rdf:about="" xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/" '
    'xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#" xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">'
    '<pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType="Resource">'
    "<pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>"
    "<pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>"
    "<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>"
    '<pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType="Resource">'
    "<pdfaProperty:name>part</pdfaProperty:name><pdfaProperty:valueType>Integer</pdfaProperty:valueType>"
    "<pdfaProperty:category>internal</pdfaProperty:category>"
    "<pdfaProperty:description>Indicates, which part of ISO 14289 standard is followed</pdfaProperty:description>"
    "</rdf:li></rdf:Seq></pdfaSchema:property></rdf:li></rdf:Bag></pdfaExtension:schemas></rdf:Description>"
)


def claim_pdf_ua(document, pdf) -> None:
    """Rewrite the XMP packet WeasyPrint wrote for PDF/A-2a so that it also says PDF/UA-1 (pdfuaid:part),
    in the same rdf:Description as pdfaid:part. Left as it is when the document is not tagged, has
    no language or no title: then only the PDF/A claim holds."""
    from xml.etree import ElementTree

    metadata = document.metadata
    if "StructTreeRoot" not in pdf.catalog or not metadata.lang or not metadata.title:
        return
    rdf = ElementTree.fromstring(metadata.generate_rdf_metadata("a", PDFA_PART, PDFA_CONFORMANCE))
    rdf_ns = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    first = rdf.find(f"{{{rdf_ns}}}Description")
    if first is None or first.get("{http://www.aiim.org/pdfa/ns/id/}part") != str(PDFA_PART):
        raise RuntimeError("WeasyPrint's XMP packet has no PDF/A identification to claim PDF/UA beside")
    first.set("{http://www.aiim.org/pdfua/ns/id/}part", str(PDFUA_PART))
    xml = ElementTree.tostring(rdf, encoding="utf-8")
    end = xml.rindex(b"</rdf:RDF>")
    xml = xml[:end] + _PDFUA_EXTENSION.encode() + xml[end:]
    stream = pdf.objects[int(pdf.catalog["Metadata"].split()[0])]
    stream.stream = [
        b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>\n<x:xmpmeta xmlns:x="adobe:ns:meta/">'
        + xml
        + b'</x:xmpmeta>\n<?xpacket end="r"?>'
    ]


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
        return (
            f"{text[:1].upper()}{text[1:]}: öppnar {target} i webbläsaren" if text and text != target else f"Öppnar {target} i webbläsaren"
        )
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
    heads_its_row: set[str] = set()
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
