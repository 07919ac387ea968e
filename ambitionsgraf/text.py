"""Small text helpers, in one place: numbers and dates as a Swedish reader expects
them, lists and snippets for messages, quoting for YAML, keys for loose matching.

Stdlib only, and nothing from this package but personal.py (stdlib only too), so that every module (answers and
yamlsource included) can import it without an import cycle.
"""

from __future__ import annotations

import datetime
import functools
import json
import re
import unicodedata
from collections.abc import Iterable
from fractions import Fraction

from . import personal

MONTHS = ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober", "november", "december")


# -- numbers and dates for readers ------------------------------------------------------


# The decimals a shown value has unless a bound needs more (num, kept_decimals); the self-assessment
# page shows its values with the same (selfassessment.instrument_data emits it).
DECIMALS = 1


def round_half_up(value: Fraction, decimals: int = 0) -> Fraction:
    """Exact rounding for display, halves away from zero (2,25 → 2,3; −0,05 → −0,1)."""
    scale = 10**decimals
    n, d = value.numerator, value.denominator  # d > 0
    magnitude = (2 * abs(n) * scale + d) // (2 * d)  # floor(|value| × scale + ½), in integers
    return Fraction(magnitude if n >= 0 else -magnitude, scale)


def num(value: Fraction | float | None, decimals: int = DECIMALS) -> str:
    """One decimal, decimal comma, halves rounded up (2,25 → 2,3); "–" when missing."""
    if value is None:
        return "–"
    rounded = round_half_up(Fraction(value), decimals)
    whole, part = divmod(abs(rounded.numerator) * 10**decimals // rounded.denominator, 10**decimals)
    text = f"{whole},{part:0{decimals}d}" if decimals else str(whole)
    return ("−" if rounded < 0 else "") + text


def kept_decimals(value: Fraction | float, at_least: Iterable = (), above: Iterable = (), fewest: int = DECIMALS) -> int:
    """The fewest decimals (at least `fewest`) that show `value` on its own side of every bound it is
    classified by: for t in `at_least` the class is value ≥ t, for t in `above` value > t.

    2,45 under a bound of 2,5 rounds to 2,5 with one decimal, which reads as at the bound: two
    decimals (2,45) keep it below. Rounding is monotone and a bound written with d decimals rounds
    to itself, so a value on or past a bound never crosses back, and a value short of a bound stays
    short once half a unit of the last decimal is less than the gap: the loop ends for bounds with
    finitely many decimals, as every bound in the instrument (a YAML decimal) has.
    """
    if not at_least and not above:  # nothing to stay clear of: most values on a page
        return fewest
    value = value if isinstance(value, Fraction) else Fraction(value)
    n, d = value.numerator, value.denominator
    # In integers (this runs for every classified value of every page): shown = units / scale,
    # units = round_half_up(value, decimals) × scale, compared with each bound tn / td.
    at_least = [(t.numerator, t.denominator) for t in map(Fraction, at_least)]
    above = [(t.numerator, t.denominator) for t in map(Fraction, above)]
    decimals = fewest
    while True:
        scale = 10**decimals
        magnitude = (2 * abs(n) * scale + d) // (2 * d)
        units = magnitude if n >= 0 else -magnitude
        if all((units * td >= tn * scale) == (n * td >= tn * d) for tn, td in at_least) and all(
            (units * td > tn * scale) == (n * td > tn * d) for tn, td in above
        ):
            return decimals
        decimals += 1


def num_on_side(value: Fraction | float | None, at_least: Iterable = (), above: Iterable = (), fewest: int = DECIMALS) -> str:
    """`num` with as many decimals as keep the shown value on the side of its bounds that the value
    itself is on (see kept_decimals): 2,45 beside a bound of 2,5 → "2,45", 2,44 → "2,4"."""
    if value is None:
        return num(None)
    return _num_on_side(_exact(value), tuple(map(_exact, at_least)), tuple(map(_exact, above)), fewest)


def _exact(value) -> tuple[int, int]:
    """A number as the two integers of its exact fraction: a key that hashes fast (a Fraction's hash is a modular inverse)."""
    if type(value) is not Fraction and type(value) is not int:
        value = Fraction(value)
    return value.numerator, value.denominator


@functools.lru_cache(maxsize=1 << 16)
def _num_on_side(value: tuple[int, int], at_least: tuple, above: tuple, fewest: int) -> str:
    """num_on_side, kept per value and bounds: a page shows the same few scores again and again."""
    exact = Fraction(*value)
    return num(exact, kept_decimals(exact, [Fraction(*t) for t in at_least], [Fraction(*t) for t in above], fewest))


def value_on_side(value: Fraction | float, at_least: Iterable = (), above: Iterable = (), fewest: int = DECIMALS) -> Fraction:
    """The number num_on_side writes, as a number (to compute with what a reader sees, never by reading the text back)."""
    return round_half_up(Fraction(value), kept_decimals(value, at_least, above, fewest))


def percent(share: Fraction) -> int:
    """A share as the whole percent the product prints, halves rounded up (1/8 → 13)."""
    return int(round_half_up(Fraction(share) * 100))


def percent_shown(share: Fraction) -> str:
    """A share as a percentage for a sentence: whole, unless that would say none (0) or all (100) of
    something that is neither; then with the decimals it takes (1/300 → "0,3", 299/300 → "99,7")."""
    return num_on_side(Fraction(share) * 100, at_least=(100,), above=(0,), fewest=0)


FORMULA_STARTS = "=+-@"  # a cell beginning so is a formula to Excel and LibreOffice (CSV injection)


def formula_problem(name: str) -> str | None:
    """Why an organisation's name cannot be used (or None): it would begin a formula in a
    spreadsheet that opens the open data (resultat.csv)."""
    if name[:1] in tuple(FORMULA_STARTS):
        return f"expected a name that does not begin with {name[0]}, which a spreadsheet opening the open data (resultat.csv) would take for a formula"
    return None


def question_numbers(numbers: list[int]) -> str:
    """Question numbers as a reader says them: fråga 1, frågorna 2–19, frågorna 1, 3 och 5."""
    if len(numbers) == 1:
        return f"fråga {numbers[0]}"
    if numbers == list(range(numbers[0], numbers[-1] + 1)):
        return f"frågorna {numbers[0]}–{numbers[-1]}"
    return "frågorna " + ", ".join(map(str, numbers[:-1])) + f" och {numbers[-1]}"


def count(n: int, singular: str, plural: str) -> str:
    """A count with its noun in the right number: 1 person, 2 personer, 1 000 personer."""
    return f"{grouped(n)} {singular if n == 1 else plural}"


def the_count(n: int, singular: str, plural: str) -> str:
    """A count after the definite article, agreeing in number: "den organisation" (never "de 1
    organisationer"), "de 5 organisationer", "de 1 000 organisationer"."""
    return f"den {singular}" if n == 1 else f"de {count(n, singular, plural)}"


def plural(n: int, one: str, many: str | None = None) -> str:
    """A count in the command line's English, its noun in the right number: 1 file, 3 files,
    1 PDF, 0 PDFs, 2 changes; `many` where adding an s is wrong. Plain digits, as a log greps
    them. (The pages and documents are Swedish: `count`.)"""
    return f"{n} {one if n == 1 else many if many is not None else one + 's'}"


# A day as every file of the project writes it: YYYY-MM-DD in ASCII digits (\d would also take
# another script's digits, which no reader of the file expects).
ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")


def iso_date(text: str) -> datetime.date | None:
    """The day `text` writes as YYYY-MM-DD; None when it is not written so. A text written so that
    names no day (2026-02-30) raises ValueError, for a message of its own."""
    m = ISO_DATE.fullmatch(text)
    return datetime.date(int(m[1]), int(m[2]), int(m[3])) if m else None


def day_option(text: str) -> tuple[datetime.date | None, str | None]:
    """A day given on the command line (--datum): the day, or None and why not. Not
    date.fromisoformat, which takes 2026-W49-1 for Monday 30 November."""
    try:
        day = iso_date(text)
    except ValueError:
        day = None
    return (day, None) if day is not None else (None, f"expected a date written YYYY-MM-DD, got {text!r}")


def swedish_date(iso: str) -> str:
    """2021-10-14 → 14 oktober 2021."""
    y, m, d = (int(p) for p in iso.split("-"))
    return f"{d} {MONTHS[m - 1]} {y}"


def grouped(n: int) -> str:
    """A whole number with its thousands set off by spaces: 1 000 000."""
    return f"{n:,}".replace(",", " ")


# -- messages ---------------------------------------------------------------------------


def or_list(items: Iterable[str]) -> str:
    """a → a; a, b, c → "a, b or c" (the English of our messages)."""
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]


def show(text: str, limit: int = 40) -> str:
    """Text fit for a one-line message: control characters escaped, long text cut."""
    text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def and_list(items: Iterable[str]) -> str:
    """a → a; a, b, c → "a, b och c" (the Swedish of our reports); nothing → ""."""
    items = list(items)
    return " och ".join(items) if len(items) < 3 else ", ".join(items[:-1]) + " och " + items[-1]


def cut_at_word(text: str, limit: int) -> str:
    """Text of at most `limit` characters for a narrow place (a running header): cut at the last
    space that fits, or inside a word that is too long, with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:–-") + "…"


# -- YAML -------------------------------------------------------------------------------

# What json.dumps leaves as it is but a YAML reader must not meet raw in a quoted
# scalar: C1 controls, NEL and the line and paragraph separators (YAML 1.1 folds
# them like line breaks), the byte-order mark and the two non-characters.
_YAML_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]")


def quote(text: str) -> str:
    """`text` as a YAML double-quoted scalar that reads back as exactly `text`.

    A JSON string is a valid YAML double-quoted scalar; the few characters JSON
    may leave raw but YAML may not hold are escaped as \\uXXXX too. The browser's
    answer-file writer (templates/assets/sjalvskattning.js, yamlString) does the same.
    """
    return _YAML_UNSAFE.sub(lambda m: f"\\u{ord(m[0]):04x}", json.dumps(text, ensure_ascii=False))


_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ufdd0-\ufdef\ufffe\uffff]")


def one_line(text: str) -> str:
    """Text as one line: controls, line breaks and the noncharacters of the first plane (which
    check refuses in a name) become spaces, runs of white space one space, none at either end.
    The self-assessment page's oneLine does exactly this."""
    return " ".join(_CONTROL.sub(" ", text).replace("\ufeff", " ").split())


# What XML 1.0 does not allow in a document at all, escaped or not (its Char production).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text: str) -> str:
    """Text fit for one line of an XML document such as an SVG: one_line, and every character XML 1.0
    forbids (controls, lone surrogates, U+FFFE, U+FFFF) a space. Markup is still to be escaped."""
    return one_line(_NOT_XML.sub(" ", text))


def yaml_comment(text: str) -> str:
    """Text safe inside a YAML comment: one line, and nothing a YAML reader refuses."""
    return re.sub("[^\t\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]|[\u2028\u2029\ufeff]", " ", text)


# -- loose matching ---------------------------------------------------------------------


# What a reader cannot see in a name: format characters (Unicode category Cf: soft hyphen, zero-width
# and direction marks, tag characters), the combining grapheme joiner, variation selectors and the
# Hangul and Braille fillers. Two names that differ only in these look the same, so they are the same.
_UNSEEN_IN_NAMES = re.compile("[\u034f\u115f\u1160\u3164\uffa0\u2800\ufe00-\ufe0f\U000e0100-\U000e01ef]")


def name_key(name: str) -> str:
    """An organisation's name as every rule of identity compares it (check, import, new, the reference
    list): Unicode-normalised (NFKC, so a full-width "Ｎ", a composed and a decomposed "Å" and a
    non-breaking space are the ordinary ones), case-folded, without what cannot be seen, and with runs of
    white space as one space."""
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", name).casefold())
    visible = "".join(c for c in _UNSEEN_IN_NAMES.sub("", folded) if unicodedata.category(c) != "Cf")
    return " ".join(visible.split())


def ascii_key(text: str) -> str:
    """For matching what people type: case folded, no diacritics (ö → o), spaces and
    hyphens as _ ("Inköps-chef" → inkops_chef)."""
    text = unicodedata.normalize("NFKD", text.strip().casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"[\s\-]+", "_", text)


def slug_for(text: str) -> str:
    """The slug a name or file name suggests ("Norrviks kommun" → norrviks-kommun); may be empty."""
    return re.sub(r"[^a-z0-9]+", "-", ascii_key(text)).strip("-")


# -- free text in answer files ------------------------------------------------------------
#
# namn and kommentar are typed or pasted by people. What would print as something else, or
# not at all, is refused or removed before it reaches a report:
# - control characters (a line break in a comment aside), lone surrogates and noncharacters
#   (U+FFFE, U+FDD0, …): refused;
# - direction controls (embeddings, overrides, isolates: U+202A–U+202E, U+2066–U+2069), which
#   can make a text show in another order than it is stored: refused;
# - invisible characters: every other format character (Unicode category Cf: zero-width spaces
#   and joiners, the word joiner, a byte-order mark, direction marks, the soft hyphen, invisible
#   operators such as U+2061, tag characters), the combining grapheme joiner U+034F, variation
#   selectors (U+FE0F, …) and the fillers that show as blank (U+3164, U+2800, U+115F, U+1160,
#   U+FFA0): removed, with a note, since they change nothing a reader sees, only how names
#   compare ("Region Älv\u00addal" is then "Region Älvdal", and a clash with that name is found);
# - more than MAX_MARKS combining marks on one character (after NFC), which stack above or below
#   the line into the text around it: refused.
# A name must also hold a letter, must not begin a spreadsheet formula, and (like a comment)
# must hold no contact details or personal identity numbers (personal.py).

MAX_MARKS = 2  # combining marks on one character: "ǘ" written with two, Vietnamese "ệ" decomposed, never more
_DIRECTION_CONTROLS = "\u202a-\u202e\u2066-\u2069"
# Category Cf but the direction controls (the list in tests/test_names.py is checked against unicodedata),
# and the invisible characters of other categories.
_FORMAT = (
    "\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f\u2060-\u2064\u206a-\u206f\ufeff"
    "\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U00013438\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0001\U000e0020-\U000e007f"
)
_INVISIBLE = _FORMAT + "\u034f\u180b-\u180d\u180f\ufe00-\ufe0f\U000e0100-\U000e01ef\u115f\u1160\u3164\u2800\uffa0"
_NONCHARACTERS = "\ufdd0-\ufdef\ufffe\uffff" + "".join(f"{chr(p * 0x10000 + 0xFFFE)}{chr(p * 0x10000 + 0xFFFF)}" for p in range(1, 17))
_ODD_TEXT = re.compile(f"[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff{_DIRECTION_CONTROLS}{_INVISIBLE}{_NONCHARACTERS}]")
_LINE_CHARS = {
    "\n": "a line break",
    "\r": "a carriage return",
    "\t": "a tab",
    "\u2028": "a line separator",
    "\u2029": "a paragraph separator",
}


def _char_name(char: str) -> str:
    """'a zero width space (U+200B)': a character as a message names it."""
    code = ord(char)
    if char in _LINE_CHARS:
        name = _LINE_CHARS[char]
    elif 0xD800 <= code <= 0xDFFF:
        name = "a lone surrogate"
    elif unicodedata.category(char) == "Cc":
        name = "a control character"
    elif _NONCHARACTER.match(char):
        name = "a noncharacter"
    else:
        name = unicodedata.name(char, "unnamed character").lower()
        name = ("an " if name[0] in "aeiou" else "a ") + name
    return f"{name} (U+{code:04X})"


def _after(text: str, i: int) -> str:
    """Where in the text position i is, for a reader who cannot see the character there."""
    before = " ".join(_ODD_TEXT.sub(" ", text[:i]).split())
    return f"after '{show(before[-20:].lstrip())}'" if before else "at the start"


_INVISIBLE_CHAR = re.compile(f"[{_INVISIBLE}]")
_DIRECTION_CHAR = re.compile(f"[{_DIRECTION_CONTROLS}]")
_NONCHARACTER = re.compile(f"[{_NONCHARACTERS}]")


def _kind(char: str, line_breaks: bool) -> str:
    if line_breaks and char in "\n\t":
        return "ok"
    if _INVISIBLE_CHAR.match(char):
        return "invisible"
    if _DIRECTION_CHAR.match(char):
        return "direction"
    if "\ud800" <= char <= "\udfff":
        return "surrogate"
    if _NONCHARACTER.match(char):
        return "noncharacter"
    return "control"


def _stacked_marks(text: str) -> str | None:
    """Why the text has too many combining marks on one character (or None)."""
    if text.isascii():
        return None
    text = unicodedata.normalize("NFC", text)
    run = 0
    for i, char in enumerate(text):
        run = run + 1 if unicodedata.category(char).startswith("M") else 0
        if run > MAX_MARKS:
            end = i
            while end < len(text) and unicodedata.category(text[end]).startswith("M"):
                end += 1
            base = i - run
            where = f"on '{show(text[base])}' {_after(text, base)}" if base >= 0 else "at the start"
            return (
                f"expected at most {MAX_MARKS} combining marks (accents) on one character, got {end - base - 1} {where}; "
                "they would print over the lines around it"
            )
    return None


def check_free_text(text: str, line_breaks: bool = False, in_file: bool = True) -> tuple[str, list[str], list[str]]:
    """Free text (a name, a comment) checked: the text with invisible characters removed,
    the reasons to refuse it, and the notes on what was removed. `line_breaks`: line
    breaks and tabs are allowed (a comment may run over several lines); `in_file`: the
    text is in a file (so the note says to delete the characters there)."""
    if not _ODD_TEXT.search(text):  # nearly always: one regular-expression scan
        marks = _stacked_marks(text)
        return text, [marks] if marks else [], []
    found: dict[str, list[int]] = {}
    for m in _ODD_TEXT.finditer(text):
        kind = _kind(m[0], line_breaks)
        if kind != "ok":
            found.setdefault(kind, []).append(m.start())
    refusals, notes = [], []
    expected = {
        "control": "text without control characters",
        "surrogate": "text in UTF-8",
        "noncharacter": "text without noncharacters",
        "direction": "text without direction controls",
    }
    for kind in expected:
        if kind not in found:
            continue
        first, *more = found[kind]
        message = f"expected {expected[kind]}, got {_char_name(text[first])} {_after(text, first)}"
        if more:
            message += f", and {len(more)} more"
        if kind == "direction":
            message += "; it can make the text show in another order than it is written"
        refusals.append(message)
    if "invisible" in found:
        first, *more = found["invisible"]
        also, it = (f", and {len(more)} more", "them") if more else ("", "it")
        advice = f"; delete {it} from the file to silence this note" if in_file else ""
        notes.append(f"removed {_char_name(text[first])} {_after(text, first)}{also}, invisible and probably pasted in{advice}")
        gone = set(found["invisible"])
        text = "".join(c for i, c in enumerate(text) if i not in gone).strip()
    marks = _stacked_marks(text)
    if marks:
        refusals.append(marks)
    return text, refusals, notes


def tel_uri(phone: str) -> str:
    """A Swedish number as written (08-586 217 00, +46 (0)8 586 217 00) as a tel: link's target."""
    digits = re.sub(r"\D", "", phone.replace("(0)", ""))
    if phone.lstrip().startswith("+"):
        return "tel:+" + digits
    if digits.startswith("00"):
        return "tel:+" + digits[2:]
    return "tel:+46" + digits[1:] if digits.startswith("0") else "tel:" + digits


def check_name(text: str, in_file: bool = True) -> tuple[str, list[str], list[str]]:
    """An organisation's name as every command takes it (check, the build, new, the imports): the
    name (trimmed, invisible characters removed, NFC), the reasons to refuse it, and the notes on
    what was removed. The one place the rules for a name live."""
    text = text.strip()
    if not text:
        return text, ["expected the organisation's name, got an empty text"], []
    name, refusals, notes = check_free_text(text, in_file=in_file)
    if refusals:
        return name, refusals, notes
    if not name:
        return name, ["expected the organisation's name, got only invisible characters"], notes
    name = unicodedata.normalize("NFC", name)  # "Å" typed as A and a ring is the same name, sorted once
    if not any(unicodedata.category(c).startswith("L") for c in name):
        refusals.append(f"expected a name with at least one letter, got '{show(name)}'")
    refusals += [why for why in (formula_problem(name), personal.problem(name)) if why]
    return name, refusals, notes


def check_comment(text: str, in_file: bool = True) -> tuple[str, list[str], list[str]]:
    """A comment (kommentar) as every command takes it: check_free_text with line breaks allowed,
    and no contact details or personal identity numbers in it (personal.py)."""
    comment, refusals, notes = check_free_text(text.strip(), line_breaks=True, in_file=in_file)
    if not comment and not refusals:
        return comment, ["expected a text, got only invisible characters"], notes
    why = personal.problem(comment)
    return comment, refusals + ([why] if why else []), notes
