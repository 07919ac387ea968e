"""Personal data in free text: e-mail addresses, phone numbers and Swedish personal identity numbers
(personnummer, samordningsnummer), found however they are typed or pasted.

Answer files hold a respondent's role, never a person: every text a person types that reaches one
(namn and kommentar in answer files, `build.py new`, the survey import's cells, the self-assessment
files) is checked here, by `find` or `problem`, and refused when it holds any of these. Callers:
text.check_name and text.check_comment (answer files, `new`, the build, the self-assessment import)
and importer (a survey's cells).

The text is normalised before matching (NFKC, so that a full-width ＠ or digit is the ordinary one;
every dash one hyphen; every space one space; invisible format characters removed), and then:
- an e-mail address: word@word, with or without a top-level domain; `[at]`, `(at)`, `{snabel-a}`
  between two words; or ` at ` and ` dot `/`[dot]` where they make an address with a domain;
- a phone number: a Swedish one (0 and 7–9 digits; +46, 0046, +46 (0) and 7–9 digits) or any
  international one (+ or 00 and 8–15 digits), digits grouped by spaces, dots, hyphens or an area
  code in brackets; dates (01.03.2026), time ranges (08.30-16.00) and amounts in thousands
  (2 045 000 000 kr) are not phone numbers;
- a personal identity number: YYMMDD or YYYYMMDD, a month, a day (or a day + 60, a
  samordningsnummer), and four digits whose last is the Luhn check digit of the ten, with or without
  a hyphen or plus between; other numbers of that shape pass (nine in ten fail the check digit).

A finding says what kind of thing it is and a hint (a…@k…, 07…), never the whole of it.
Stdlib only, and nothing from this package, so that text.py can import it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

KINDS = {
    "email": "an e-mail address",
    "phone": "a phone number",
    "pin": "a personal identity number (personnummer or samordningsnummer)",
}

# Every dash (Unicode category Pd) and the minus signs: one hyphen for matching.
DASHES = (
    "\u002d\u058a\u05be\u1400\u1806\u2010-\u2015\u2e17\u2e1a\u2e3a\u2e3b\u2e40\u2e5d\u301c\u3030\u30a0"
    "\ufe31\ufe32\ufe58\ufe63\uff0d\U00010ead\u2212\u2043\u2796"
)
_DASH = re.compile(f"[{DASHES}]")
# Invisible characters that may sit inside a number or an address without showing: format characters
# (category Cf: soft hyphen, zero-width, word joiner, tags, …), the grapheme joiner, variation selectors.
_HIDDEN = re.compile(
    "[\u00ad\u034f\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180b-\u180f\u200b-\u200f\u202a-\u202e"
    "\u2060-\u2064\u2066-\u206f\ufe00-\ufe0f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U00013438"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f\U000e0100-\U000e01ef]"
)
_DOTS = re.compile("[\u3002\uff61\u2024\u2027\u00b7\u30fb]")  # ideographic and other full stops NFKC leaves alone


def normalise(text: str) -> str:
    """The text as matched: NFKC, hidden characters removed, every dash '-', every run of space one ' '."""
    text = _DASH.sub("-", unicodedata.normalize("NFKC", _HIDDEN.sub("", text)))
    text = _DOTS.sub(".", text)
    return " ".join(text.split())


@dataclass(frozen=True)
class Finding:
    kind: str  # a key of KINDS
    hint: str  # a few characters that say which one, never the whole; may be empty

    def __str__(self) -> str:
        return KINDS[self.kind] + (f" ({self.hint})" if self.hint else "")


# -- e-mail addresses ----------------------------------------------------------------------

_LOCAL = r"(?<![\w.+%'-])[\w.+%'-]*\w"
_WORD = r"(?=[\w-]*[^\W\d_])\w[\w-]*"  # a domain label: holds a letter (3@50 is no address)
_BRACKET_AT = r"\s?[\[({<]\s?(?:at|snabel-?a|@)\s?[\])}>]\s?"
_DOT = r"(?:\.|\s?[\[({<]\s?(?:dot|punkt)\s?[\])}>]\s?|\s(?:dot)\s)"
_TLD = r"[^\W\d_]{2,24}(?![\w-])"
_EMAIL = re.compile(
    rf"(?P<a>{_LOCAL})@(?P<b>{_WORD})"  # anna@kungalv.se, anna@sjoby: @ with a word on each side
    rf"|(?P<c>{_LOCAL})(?:{_BRACKET_AT})(?P<d>{_WORD})"  # anna[at]kungalv, anna (at) kungalv.se
    rf"|(?P<e>{_LOCAL})(?:\s?@\s?|\sat\s)(?P<f>{_WORD})(?:{_DOT}{_WORD})*{_DOT}{_TLD}",  # anna @ kungalv.se, anna at kungalv dot se
    re.IGNORECASE,
)


def _emails(text: str) -> list[Finding]:
    found = []
    for m in _EMAIL.finditer(text):
        local, domain = next((m[a], m[b]) for a, b in ("ab", "cd", "ef") if m[a] is not None)
        found.append(Finding("email", f"{local[0]}…@{domain[0]}…"))
    return found


# -- personal identity numbers ---------------------------------------------------------------

_PIN = re.compile(r"(?<![\d.,])(\d{2})?(\d{2})(\d{2})(\d{2}) ?[-+]? ?(\d{4})(?![\d])")


def luhn_ok(digits: str) -> bool:
    """The Luhn check over a personal identity number's ten digits (YYMMDDNNNC)."""
    total = 0
    for i, d in enumerate(int(c) for c in digits):
        d = d * 2 if i % 2 == 0 else d
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def _is_pin(century: str | None, yy: str, mm: str, dd: str, number: str) -> bool:
    if century is not None and century not in ("18", "19", "20"):
        return False
    day = int(dd) - 60 if int(dd) > 60 else int(dd)  # a samordningsnummer: the day of birth + 60
    return 1 <= int(mm) <= 12 and 1 <= day <= 31 and luhn_ok(yy + mm + dd + number)


def _pins(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _PIN.finditer(text) if _is_pin(*m.groups())]


# -- phone numbers ---------------------------------------------------------------------------

# What is no phone number, masked before looking: dates and time ranges, which digits and dots or hyphens also make.
_NOT_PHONE = re.compile(
    r"(?<![\d+])(?:19|20)[0-9]{2}-(?:0?[1-9]|1[0-2])-(?:0?[1-9]|[12][0-9]|3[01])(?!\d)"  # 2026-03-01, 2024-01-01-2027-12-31
    r"|(?P<day>(?<!\d)(?<!\d[.-])(?:0?[1-9]|[12][0-9]|3[01])[./-](?:0?[1-9]|1[0-2])[./-](?:[0-9]{4}|[0-9]{2})(?!\d|[.-]\d))"  # 1.3.2026
    r"|(?<!\d)(?:[01]?[0-9]|2[0-4])[.:][0-5][0-9] ?- ?(?:[01]?[0-9]|2[0-4])[.:][0-5][0-9](?!\d)"  # 08.30-16.00
    r"|(?<!\d)[0-9]{8}-[0-9](?!\d)"
)  # a CPV code, 03000000-1
# A run of digit groups as phone numbers are written: + or (area code) or area code/ first, groups
# split by spaces, dots, hyphens or a bracketed (0) or area code.
_RUN = re.compile(
    r"(?<![\w,/-])(?<!\d\.)(?:\+ ?)?(?:\( ?\d{1,4} ?\) ?|0\d{1,3} ?/ ?(?=\d[\d .-]{3,}\d))?\d+"
    r"(?:(?:[ .-]{1,3}|[ .-]{0,2}\( ?\d{1,4} ?\)[ .-]{0,2})\d+)*"
)
_THOUSANDS = re.compile(r"[1-9]\d{0,2}(?:([ .])\d{3})(?:\1\d{3})*")  # 2 045 000 000: an amount


def _national(rest: str) -> bool:
    """After +46 or 0046: the number without its leading 0 (written +46 (0)70 …), 7–9 digits."""
    rest = rest[1:] if rest.startswith("0") else rest
    return 7 <= len(rest) <= 9 and rest[0] != "0"


def _phone_digits(digits: str, plus: bool) -> bool:
    if plus or (digits.startswith("00") and digits[2:3] not in ("", "0")):
        number = digits if plus else digits[2:]
        return _national(number[2:]) if number.startswith("46") else 8 <= len(number) <= 15 and number[0] != "0"
    return digits[:1] == "0" and digits[1:2] not in ("", "0") and 8 <= len(digits) <= 10


# An area code just before: "(08) 10-01-00", "08 - 10-01-00", "08/10-01-00" are numbers, not a day.
_AREA_CODE_BEFORE = re.compile(r"(?:(?<!\d)\(?0\d{1,3}\)?|(?:\+|00)46 ?(?:\( ?0 ?\) ?)?\d{1,3})[ .\-/\u2010-\u2015]{0,3}$")


def _mask(m: re.Match) -> str:
    if m["day"] and _AREA_CODE_BEFORE.search(m.string, max(0, m.start() - 16), m.start()):
        return m[0]
    return "#" * len(m[0])


def _phones(text: str) -> list[str]:
    """The phone numbers' digits (with + for an international one), each once."""
    text = _NOT_PHONE.sub(_mask, text)
    found = []
    for run in _RUN.finditer(text):
        groups = list(re.finditer(r"\d+", run[0]))
        plus = run[0].startswith("+")
        may_start_inside = not _THOUSANDS.fullmatch(run[0])
        i = 0
        while i < len(groups):
            if i == 0 or (may_start_inside and groups[i][0].startswith("0")):
                digits, best = "", None
                for j in range(i, len(groups)):
                    digits += groups[j][0]
                    if len(digits) > 17:
                        break
                    if _phone_digits(digits, plus and i == 0):
                        best = j, digits
                if best is not None:
                    found.append(("+" if plus and i == 0 else "") + best[1])
                    i = best[0] + 1
                    continue
            i += 1
    return found


# -- all of them -----------------------------------------------------------------------------


# What any of them needs, looked for in the text as given (fast, before normalising): an at-sign or
# the word at (an address), or eight digits of any script (the shortest phone number has eight).
_MAY_HOLD_ADDRESS = re.compile(r"[@\uff20\ufe6b]|(?<![^\W\d_])(?:at|snabel|\uff41\uff54)(?![^\W\d_])", re.IGNORECASE)
_DIGIT = re.compile(r"\d")


def find(text: str) -> list[Finding]:
    """Every e-mail address, personal identity number and phone number in `text`, in that order."""
    address, number = _MAY_HOLD_ADDRESS.search(text), len(_DIGIT.findall(text)) >= 8
    if not address and not number:
        return []  # nearly every comment and cell
    text = normalise(text)
    found = _emails(text) if address else []
    if not number:
        return found
    spans = _pins(text)
    found += [Finding("pin", "") for _ in spans]
    rest = "".join(" " if any(a <= i < b for a, b in spans) else c for i, c in enumerate(text)) if spans else text
    found += [Finding("phone", f"{digits[:3] if digits.startswith('+') else digits[:2]}…") for digits in _phones(rest)]
    return found


def problem(text: str) -> str | None:
    """Why the text cannot be kept (or None): what it holds, by kind and hint, never in full."""
    found = find(text)
    if not found:
        return None
    first, *more = found
    also = f", and {len(more)} more" if more else ""
    return f"holds {first}{also}; answer files never hold contact details or personal identity numbers: remove it (write the role instead)"
