"""A survey export's cells and headings as text the import compares: trimmed, folded, keyed."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from openpyxl.utils import get_column_letter

from .. import personal
from ..text import ascii_key, name_key, show

_NEGATION = re.compile(r"\b(?:inte|ej|icke|ingen|nej|not)\b")


def clean(value: Any) -> str:
    """A cell as trimmed text with ordinary spaces (Excel pastes non-breaking ones)."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", str(value)).replace("\u00a0", " ")
    return " ".join(text.split())


def fold(text: str) -> str:
    """Case-insensitive, whitespace-collapsed form for matching labels, compared as names are
    (text.name_key: NFKC, without invisible characters), so "Ja" with a zero-width space or
    "Instämmer delvis" with a soft hyphen is the label it looks like."""
    return name_key(clean(text))


def loose_key(value: Any) -> str:
    """For ids written loosely: a cell as text.ascii_key reads it ("Inköpschef" → inkopschef)."""
    return ascii_key(clean(value))


def wording_key(text: str) -> str:
    """A question heading as a survey tool may export it, reduced for comparison.

    Case, whitespace and punctuation are ignored, and so is a leading question
    number ("3. Vi har …", "Fråga 3: …"), so "Inköpsfunktionen ansvarar för:
    [Juridisk rådgivning …]" matches the area preamble followed by the question.
    """
    text = re.sub(r"[^\w\s]", " ", fold(text))
    text = " ".join(text.split())
    return re.sub(r"^(?:fraga|fråga|question|q)?\s*[0-9]+\s+", "", text)


def heading_key(text: Any) -> str:
    """A heading as a name: ascii_key with every run of punctuation as one _ ("E-postadress" → e_postadress)."""
    return re.sub(r"[^a-z0-9]+", "_", ascii_key(clean(text))).strip("_")


def negated(text: str) -> bool:
    return bool(_NEGATION.search(fold(text)))


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA: a column's letters from its place in the row (openpyxl counts from 1)."""
    return get_column_letter(index + 1)


def shown_cell(text: str) -> str:
    """A cell's text quoted for a message, unless it holds contact details (then only what kind)."""
    found = personal.find(text)
    return f"'{show(text)}'" if not found else f"a text holding {found[0]}"
