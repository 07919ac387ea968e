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
    )


def warm_up() -> None:
    """Import WeasyPrint and load its fonts now, e.g. before worker processes fork."""
    _weasy()
