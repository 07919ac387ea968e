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
from collections.abc import Iterable, Sequence

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
        self.book.set_properties({"title": title, "author": author, "created": datetime.datetime.combine(created, datetime.time())})
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


# Row heights. Neither Excel on opening nor LibreOffice ever fits a row to wrapped text written
# by a program, so each row with wrapped text is given its height here: its text wrapped at word
# boundaries into lines of the column's width, each LINE points high. A column `width` holds about
# that many digits of the default font, and about as many characters of Swedish prose in DejaVu Sans,
# the wide font LibreOffice draws where Calibri is missing (tests/test_workbook_print.py prints
# with it); Excel's Calibri fits more, so there a row errs on the tall side. No cell may hold a word
# longer than its width: neither program breaks a word, they cut it.
LINE = 15.0  # points, a line of 11 pt text
PADDING = 3.0
CHARS_PER_WIDTH = 1.0


def wrapped_lines(text: str, width: float) -> int:
    """How many lines `text` takes in a column `width` characters wide, wrapped at spaces."""
    chars = max(1, int(width * CHARS_PER_WIDTH))
    lines = 0
    for paragraph in text.split("\n"):
        line = 0
        lines += 1
        for word in paragraph.split():
            need = len(word) if line == 0 else line + 1 + len(word)
            if need <= chars:
                line = need
            else:  # a new line, and a word longer than a line breaks across several
                lines += 1 if line else 0
                extra, line = divmod(len(word), chars)
                lines += extra - (1 if extra and not line else 0)
                line = line or chars
    return lines


def row_height(values: Sequence, widths: Sequence[float], wrapped: Sequence[bool]) -> float:
    """The height in points that shows every wrapped text of the row whole."""
    lines = max(
        [
            wrapped_lines(v, widths[i])
            for i, v in enumerate(values)
            if i < len(widths) and i < len(wrapped) and wrapped[i] and type(v) is str
        ]
        or [1]
    )
    return lines * LINE + PADDING


def print_setup(ws: Worksheet, *, title: str, heading_row: int, last_row: int, last_col: int) -> None:
    """Printed on A4 landscape, every column on one page wide (as many pages long as it takes), the
    heading row repeated on every page, the title in every page's header and the page number in
    its footer, and only the table printed."""
    ws.set_paper(9)  # A4
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.set_margins(left=0.5, right=0.5, top=0.8, bottom=0.7)
    ws.repeat_rows(heading_row)
    ws.print_area(0, 0, last_row, last_col)
    ws.set_header('&C&"-,Bold"' + title.replace("&", "&&"), {"margin": 0.3})
    ws.set_footer("&CSida &P av &N", {"margin": 0.3})


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
