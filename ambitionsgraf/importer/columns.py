"""What a survey export's columns are: the headings the import knows, and how each column was read.

A column is read by its heading (a fixed name, a question id, the question's wording or a grid's
`Title [Row]`), by its answers (roles, types, option labels), or by a --map file; the survey tools'
own columns and any about a person are dropped, never stored. How each was read is a How, decided
by value, never by its wording.
"""

from __future__ import annotations

import difflib
import enum
import re
from dataclasses import dataclass

from ..instrument import Instrument, Question
from ..text import show
from .cells import clean, column_letter, fold, loose_key, wording_key

FIXED = ("slug", "namn", "typ", "roll", "datum", "kommentar")
REQUIRED = ("typ", "roll")  # and slug or an organisation column

# The survey tools' own columns (Microsoft Forms, Google Forms, Netigate, esMaker), as
# text.ascii_key reads their headings with punctuation removed: dropped, never stored.
# In a table with any of them, `Namn`/`Name` is the respondent's own name, dropped too.
TOOL_HEADINGS = {
    "id",
    "respondent",
    "respondent_id",
    "respondentid",
    "svars_id",
    "svarsid",
    "svar_id",
    "response_id",
    "starttid",
    "sluttid",
    "start_time",
    "completion_time",
    "starttidpunkt",
    "sluttidpunkt",
    "startdatum",
    "slutdatum",
    "start_date",
    "end_date",
    "inskickad",
    "skickad",
    "submitted",
    "submitted_at",
    "tidstampel",
    "tidsstampel",
    "timestamp",
    "senast_andrad",
    "senaste_andring",
    "senast_andrad_tid",
    "senaste_andringstid",
    "tid_for_senaste_andring",
    "last_modified_time",
    "last_modified",
    "e_post",
    "e_postadress",
    "epost",
    "epostadress",
    "email",
    "e_mail",
    "email_address",
    "e_mail_address",
    "mejl",
    "mejladress",
    "mail",
    "namn",
    "name",
    "sprak",
    "language",
    "ip_adress",
    "ip_address",
}
# Headings that announce a person's name or contact details: dropped, never stored.
PERSONAL = re.compile(
    r"(?:^|_)(?:e_?post|e_?postadress|e_?mail|mejl|mail|telefon|telefonnummer|telefonnr|tel|tfn|mobil|mobilnummer"
    r"|mobilnr|mobiltelefon|personnummer|samordningsnummer|fodelsedatum"
    r"|fornamn|efternamn|personnamn|kontaktperson|kontaktuppgift|kontaktuppgifter|ditt_namn|respondentens_namn"
    r"|namn_pa_respondent|namn_pa_den_som_svarar|ditt_fullstandiga_namn)(?:_|$)"
)
ORGANISATION = re.compile(
    r"(?:(?:vilken|din|er|ert|ange|namn_pa)_)?(?:organisation|organisationens_namn|organisationsnamn"
    r"|organization|organization_name|organisation_name)"
    r"(?:_(?:du_representerar|du_svarar_for|du_tillhor|representerar_du|tillhor_du|svarar_du_for))?"
)
# Words that make an organisation heading, or any heading, about a person: "Organisation kontakt", "Ansvarig".
PERSON_WORDS = re.compile(
    r"(?:^|_)(?:kontakt|ansvarig|person|uppgiftslamnare|fullstandigt_namn|for_och_efternamn"
    r"|respondent|svarande)(?:_|$)"
)


class How(enum.Enum):
    """How a column was read, or why it was dropped: decided by value, never by the wording."""

    HEADING = "its heading"
    ORGANISATION = "its heading: the organisation's name"
    COMMENT = "its heading: comments"
    WORDING = "its wording"
    ANSWERS = "its answers"
    MAP = "--map"
    UNKNOWN = "unknown"
    # dropped, never stored:
    MAP_DROP = "--map: drop"
    TOOL = "the survey tool's own column"
    PERSON = "a person's name or contact details"
    RESPONDENT_NAME = "in a survey export, Namn is the respondent's own name"

    @property
    def drops(self) -> bool:
        return self in (How.MAP_DROP, How.TOOL, How.PERSON, How.RESPONDENT_NAME)


# Headings of a column of comments in a survey export: "Övriga kommentarer", "Har du några övriga synpunkter?"
COMMENTS = re.compile(
    r"(?:(?:har_du_|har_ni_|nagra_|ovriga_|ovrig_|eventuella_|andra_|fler_|other_|any_|additional_)*"
    r"(?:kommentar|kommentarer|synpunkt|synpunkter|fritext|comment|comments))"
)


@dataclass(frozen=True)
class ColumnUse:
    """How one column of the header was read: shown by --dry-run, written by --write-map."""

    index: int
    heading: str
    target: str | None  # slug, namn, typ, roll, datum, kommentar, a question id or <id>_<tillagg>; None: not read
    how: How

    @property
    def dropped(self) -> bool:
        return self.target is None and self.how.drops

    @property
    def where(self) -> str:
        return f"column {column_letter(self.index)} '{show(self.heading, 60)}'"

    def __str__(self) -> str:
        if self.target is not None:
            return f"{self.where}: {self.target} (by {self.how.value})"
        if self.dropped:
            return f"{self.where}: dropped, never stored ({self.how.value})"
        return f"{self.where}: unknown"

    def drop_line(self) -> str:
        """What the import says of a column it dropped."""
        return f"dropped {self.where}: never stored ({self.how.value})"


class Columns:
    """What each column of the header means."""

    def __init__(self, ins: Instrument):
        self.ins = ins
        self.by_name: dict[str, tuple[str, str | None]] = {}  # folded heading -> (kind, question id)
        for name in FIXED:
            self.by_name[name] = (name, None)
        self.by_wording: dict[str, str] = {}
        ambiguous: set[str] = set()
        for area in ins.areas:
            for q in area.questions:
                self.by_name[q.id] = ("question", q.id)
                if q.extra:
                    self.by_name[f"{q.id}_{q.extra}"] = ("option", q.id)
                keys = {wording_key(q.text)}
                if area.preamble:
                    keys.add(wording_key(f"{area.preamble} {q.text}"))
                for key in keys:
                    if key in self.by_wording and self.by_wording[key] != q.id:
                        ambiguous.add(key)
                    self.by_wording[key] = q.id
        for key in ambiguous:
            del self.by_wording[key]
        # What a column's answers say it is, whatever its heading: roles, types, option labels.
        self.by_answers: list[tuple[tuple[str, str | None], set[str]]] = [
            (("roll", None), {loose_key(r.id) for r in ins.roles} | {loose_key(r.label) for r in ins.roles}),
            (("typ", None), {loose_key(t.id) for t in ins.types} | {loose_key(t.label) for t in ins.types}),
        ]
        for q in ins.questions:
            if q.extra:
                self.by_answers.append((("option", q.id), set(option_keys(q))))

    def match(self, heading: str) -> tuple[tuple[str, str | None], How] | None:
        """(kind, question id) and how: by id or name, by the wording, or by a grid's `Title [Row]`."""
        folded = fold(heading)
        if folded in self.by_name:
            return self.by_name[folded], How.HEADING
        if wording_key(heading) in self.by_wording:
            return ("question", self.by_wording[wording_key(heading)]), How.WORDING
        grid = re.fullmatch(r"(.*?)\s*\[([^\[\]]+)\]", clean(heading))
        if grid and wording_key(grid[2]) in self.by_wording:  # "Hur väl stämmer …? [Vi har mål …]"
            return ("question", self.by_wording[wording_key(grid[2])]), How.WORDING
        return None

    def target(self, name: str) -> tuple[str, str | None] | None:
        """A target as a --map file names it: a column name, a question id or <id>_<tillagg>; organisation = namn."""
        folded = fold(name)
        return ("namn", None) if folded == "organisation" else self.by_name.get(folded)

    def name(self, what: tuple[str, str | None]) -> str:
        kind, qid = what
        if kind in FIXED or qid is None:
            return kind
        return qid if kind == "question" else f"{qid}_{self.ins.question(qid).extra}"

    def answered_as(self, values: list[str]) -> tuple[str, str | None] | None:
        """The column every answer says it is (roles, types, omfattning or frekvens labels), if one."""
        if not values:
            return None
        keys = {loose_key(v) for v in values}
        found = [what for what, known in self.by_answers if keys <= known]
        return found[0] if len(found) == 1 else None

    def unknown_message(self, heading: str) -> str:
        names = list(self.by_name)
        close = difflib.get_close_matches(fold(heading), names, n=1, cutoff=0.8)
        if close:
            return f"unknown column; did you mean {close[0]}?"
        close = difflib.get_close_matches(wording_key(heading), list(self.by_wording), n=1, cutoff=0.85)
        if close:
            q = self.ins.question(self.by_wording[close[0]])
            return f"unknown column; the wording is close to question {q.number} ({q.id}) but not the same; head the column {q.id}"
        options = " / ".join(f"{q.id}_{q.extra}" for q in self.ins.questions if q.extra)
        return (
            "unknown column; expected Organisation (or slug and namn), typ, roll, datum, kommentar, a question id or its wording, "
            f"or {options}; delete columns the import does not need, or name them in a --map file"
        )


def option_keys(q: Question) -> dict[str, str]:
    """How an option of `q` may be written (its key, its label, "månad" for "per månad") → its key."""
    by_key: dict[str, str] = {}
    for o in q.options:
        by_key[loose_key(o.key)] = o.key
        by_key[loose_key(o.label)] = o.key
        words = o.label.split()
        if len(words) == 2 and words[0] == "per":  # "per månad" → also "månad"
            by_key[loose_key(words[1])] = o.key
        if o.key == "ar":  # "per år", "årligen"
            by_key["per_ar"] = by_key["arligen"] = o.key
    return by_key
