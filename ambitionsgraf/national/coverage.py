"""Who the follow-up covers: per type and SKR group, how many took part, how many are published,
how many are left out (a count, nothing else of theirs), and of how many there are in the country;
with a judgement on representativeness in the manner of the report's own survey (chapter 4,
footnote 1: response rate per type, then "vår bedömning är att resultaten är representativa för …").

The judgement's rule, stated on the page and the method page: a type's results are judged
representative when at least GOOD_COVERAGE of its organisations in the country are published,
and, for the municipalities, in every SKR main group too. 60 % is the lowest response rate the
report's survey judged representative (the regions'); below it in a main group we say there is
"viss osäkerhet", as the report does for the public companies."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from ..instrument import Instrument
from ..text import and_list, percent
from ..wording import exact, words
from .figures import Grouping, NationalReport, Tally

GOOD_COVERAGE = Fraction(60, 100)


def _coverage(published: int, size: int | None) -> Fraction | None:
    return Fraction(published, size) if size else None


@dataclass(frozen=True)
class CoverageRow:
    label: str
    main: bool  # an SKR main group
    measured: int  # took part
    published: int
    left_out: int
    size: int | None  # how many in the country
    coverage: str | None


@dataclass(frozen=True)
class Participation:
    types: list[CoverageRow]
    total: CoverageRow
    groups: list[CoverageRow] | None  # SKR's groups; None without a grouping
    edition: str | None
    kind: str | None  # the type the groups divide, in the plural
    representative: list[str]
    threshold: int  # GOOD_COVERAGE in percent


def _row(label: str, measured: int, published: int, size: int | None, main: bool = False, coded: int | None = None) -> CoverageRow:
    cover = _coverage(published if coded is None else coded, size)
    return CoverageRow(label, main, measured, published, measured - published, size, None if cover is None else f"{percent(cover)} %")


def _measured(report: NationalReport, t: Tally) -> int:
    return max(report.measured.get((t.kind, t.key), 0), t.members)


def _coded(report: NationalReport, type_: str) -> tuple[int, int]:
    """(took part, published) among the organisations of `type_` whose code names a place of the
    reference list: only they can be counted against the country (no two files share a code),
    while one without a code might be any place, or one already counted."""
    g = report.grouping
    assert g is not None  # asked only where the country's sizes are known, which the grouping gives
    published = sum(1 for o, _ in report.rounds if o.type == type_ and g.county_of(o) is not None)
    return max(report.measured.get(("kod", type_), 0), published), published


def terms(ins: Instrument, report: NationalReport) -> list[tuple[str, str]]:
    """The words the follow-up counts with, each defined once (the page's and PDF's "Begrepp")."""
    g = report.grouping
    country = []
    if g is not None and g.type_sizes:
        country.append(f"hur många det finns i landet, enligt {g.codes_edition}" if g.codes_edition else "hur många det finns i landet")
        country.append(f"för en kommungrupp hur många kommuner gruppen har enligt {g.edition}")
    top, strongest, kinds = ins.scale[0][1], ins.statuses[0].label, words(ins).kinds
    in_place = (
        f"status för ett steg i {kinds['steg'].label.lower()} eller en zon i {kinds['zon'].label.lower()}: alla dess frågor är "
        f"{strongest.lower()}, det vill säga har ett medelsvar på minst {exact(ins.statuses[0].minimum, 1)} (frågan om mål: alla svarade ja)."
    )
    return [
        ("Deltog", f"mättes med ambitionsgrafen under {report.year}, publicerad eller inte."),
        (
            "Publicerade",
            "deltog och har gett sitt medgivande till att resultaten visas öppet. Alla resultat i uppföljningen, "
            "andelar som medianer, gäller bara de publicerade.",
        ),
        ("Ej publicerade", "deltog men visas inte. De redovisas bara som antal, aldrig med något resultat."),
        *([("I landet", "; ".join(country) + ".")] if country else []),
        *(
            [
                (
                    "Täckning",
                    "publicerade i procent av dem i landet; en organisation räknas när koden i dess svarsfil "
                    "pekar ut en kommun eller region.",
                )
            ]
            if country
            else []
        ),
        (
            "I hög grad",
            f"organisationens medelsvar på en fråga avrundas till ”{top.lower()}” (för frågan om mål: alla intervjuade svarade ja).",
        ),
        (strongest, in_place),
    ]


def coverage_view(ins: Instrument, report: NationalReport) -> Participation:
    """The participation tables (types, then SKR groups) and the representativeness sentences."""
    g = report.grouping
    sizes = g.type_sizes if g is not None else {}
    types = [
        _row(
            ins.type_of(t.key).label,
            _measured(report, t),
            t.members,
            sizes.get(t.key),
            coded=_coded(report, t.key)[1] if sizes.get(t.key) else None,
        )
        for t in report.tallies
        if t.kind == "typ"
    ]
    seen = {t.key for t in report.tallies if t.kind == "typ"}
    for t in ins.types:  # a type measured but not published at all is still a participant
        n = report.measured.get(("typ", t.id), 0)
        if n and t.id not in seen:
            types.append(_row(t.label, n, 0, sizes.get(t.id)))
    everyone = report.tallies[0]
    total = _row("Alla organisationer", _measured(report, everyone), everyone.members, None)
    groups = None
    if g is not None:
        groups = [
            _row(tally_label(ins, t, g), _measured(report, t), t.members, t.size, t.kind == "huvudgrupp")
            for t in report.tallies
            if t.kind in ("huvudgrupp", "grupp", "okand")
        ]
        if report.measured.get(("okand", "okand")) and not any(t.kind == "okand" for t in report.tallies):
            groups.append(_row(tally_label(ins, _unknown(), g), report.measured[("okand", "okand")], 0, None))
    return Participation(
        types,
        total,
        groups,
        g.edition if g else None,
        ins.type_of(g.applies_to).plural if g else None,
        representativeness(ins, report),
        percent(GOOD_COVERAGE),
    )


def tally_label(ins: Instrument, t: Tally, grouping: Grouping | None) -> str:
    if t.kind == "alla":
        return "Alla organisationer"
    if t.kind == "typ":
        return ins.type_of(t.key).label
    assert grouping is not None  # a group's tally exists only with a grouping
    if t.kind == "huvudgrupp":
        return f"{t.key}. {grouping.main_groups[t.key]}"
    if t.kind == "grupp":
        return f"{t.key}. {grouping.groups[t.key]}"
    return f"{ins.type_of(grouping.applies_to).label} utan kod (okänd grupp)"


def _unknown() -> Tally:
    return Tally("okand", "okand", 0, {})


def representativeness(ins: Instrument, report: NationalReport) -> list[str]:
    """One sentence per type the country's size is known for, and one for the rest."""
    g = report.grouping
    if g is None or not g.type_sizes:
        return []
    published = {t.key: t.members for t in report.tallies if t.kind == "typ"}
    out = []
    for t in ins.types:
        size = g.type_sizes.get(t.id)
        if not size:
            continue
        took_part, shown = _coded(report, t.id)
        cover = Fraction(shown, size)
        said = (
            f"Av de {size} {t.plural} i landet deltog {took_part} ({percent(Fraction(took_part, size))} %) "
            f"och {shown} är publicerade ({percent(cover)} %)."
        )
        uncoded = report.measured.get(("typ", t.id), published.get(t.id, 0)) - took_part
        if not took_part and not uncoded:
            out.append(f"Ingen av de {size} {t.plural} i landet deltog.")
            continue
        if uncoded:
            said += (
                f" Ytterligare {uncoded} deltog utan kod i svarsfilen; {'den' if uncoded == 1 else 'de'} kan inte "
                "knytas till en plats i landet och räknas inte i täckningen."
            )
        weak = []
        if t.id == g.applies_to:
            for main, name in g.main_groups.items():
                tally = next((x for x in report.tallies if x.kind == "huvudgrupp" and x.key == main), None)
                if tally is not None and tally.size and Fraction(tally.members, tally.size) < GOOD_COVERAGE:
                    weak.append(f"{main} ({name.lower()}, {percent(Fraction(tally.members, tally.size))} %)")
        if cover < GOOD_COVERAGE:
            said += (
                f" Med färre än {percent(GOOD_COVERAGE)} % publicerade kan resultaten inte sägas gälla för alla "
                f"{t.plural} i landet; de beskriver de publicerade {t.plural}."
            )
        elif weak:
            said += (
                f" Vår bedömning är att resultaten är representativa för {t.plural} som helhet, men att det finns viss "
                f"osäkerhet för huvudgrupp {and_list(weak)}, där färre än {percent(GOOD_COVERAGE)} % är publicerade."
            )
        else:
            said += f" Vår bedömning är att resultaten är representativa för {t.plural}."
        out.append(said)
    rest = [t.plural or t.label for t in ins.types if not g.type_sizes.get(t.id) and report.measured.get(("typ", t.id))]
    if rest:
        out.append(f"För {and_list(rest)} finns inget antal i landet att jämföra med, så representativiteten bedöms inte.")
    if out:
        out.append(
            "Organisationerna väljer själva att delta och att publicera, så även vid hög täckning kan de publicerade "
            "skilja sig från de övriga."
        )
    return out
