"""Excel workbooks (.xlsx), written with XlsxWriter: the open data's resultat.xlsx and each
organisation's action plan.

What the two share: the cell styles, a cell written by its Python type (text stays text, so a
code "0114" is never the number 114), and the same bytes for the same inputs. XlsxWriter working
in memory dates every part of the zip 1980-01-01, and the document's creation date is given by
the caller (a date from the data), never the time of writing. The tests read every workbook back
with openpyxl.
"""

from __future__ import annotations

import datetime
import io
from typing import Iterable, Sequence

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

# The cell styles both workbooks use, as XlsxWriter format properties.
STYLES = {
    "title": {"bold": True, "font_size": 14},
    "heading": {"bold": True, "bg_color": "#DDE6F0", "text_wrap": True, "valign": "top"},
    "top": {"valign": "top"},
    "wrap": {"valign": "top", "text_wrap": True},
    "integer": {"valign": "top", "num_format": "0"},
    "date": {"valign": "top", "num_format": "yyyy\\-mm\\-dd"},
    "link": {"valign": "top", "text_wrap": True, "font_color": "#0563C1", "underline": 1},
}


class Workbook:
    """One .xlsx file being written: add sheets, write rows, then `close()` for its bytes."""

    def __init__(self, *, title: str, author: str, created: datetime.date):
        self._out = io.BytesIO()
        self.book = xlsxwriter.Workbook(self._out, {"in_memory": True})
        self.book.set_properties({"title": title, "author": author,
                                  "created": datetime.datetime.combine(created, datetime.time())})
        self.style: dict[str, Format] = {name: self.book.add_format(props) for name, props in STYLES.items()}

    def sheet(self, name: str, widths: Iterable[float], styles: Sequence[str | None] = ()) -> Worksheet:
        """A new sheet with its first columns `widths` characters wide, as Excel shows them, each
        styled `styles[i]` where a cell is typed in later."""
        ws = self.book.add_worksheet(name)
        for i, width in enumerate(widths):
            style = styles[i] if i < len(styles) else None
            ws.set_column(i, i, width, self.style[style] if style else None)
        return ws

    def close(self) -> bytes:
        self.book.close()
        return self._out.getvalue()


def write_row(ws: Worksheet, row: int, values: Sequence, styles: Sequence[Format | None]) -> None:
    """One row from column A, each cell by its Python type: text, a number, a date, or None (written
    only with a style, as an empty cell ready to fill in)."""
    for col, value in enumerate(values):
        style = styles[col] if col < len(styles) else None
        kind = type(value)
        if kind is str:
            ws.write_string(row, col, value, style)
        elif kind is float or kind is int:
            ws.write_number(row, col, value, style)
        elif kind is datetime.date:
            ws.write_datetime(row, col, value, style)
        elif value is None:
            ws.write_blank(row, col, None, style)
        else:
            raise TypeError(f"a cell holds text, a number or a date, not {kind.__name__}")
