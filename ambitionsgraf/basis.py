"""What each delivery report is compared with, once its round year has been delivered.

A package delivered later in a year compares the organisation with the year as it stood at the
year's first delivery (the archive's `<year>/jamforelsegrund.json`), never with the year as it is
now: otherwise two packages of the same year, one sent before and one after another organisation
was added or corrected, would differ by exactly that organisation, and an unpublished one's values
could be read off the difference. So, for a delivered year:

- an organisation whose round is in the basis as it is now compares with the basis;
- one added since, or corrected since (its round, its name, type, code or publication differ from
  the basis), compares with the basis without its old entry and with itself as it is now: its own
  package changes, no other does, and it sees no organisation the basis does not hold.

Organisations added since are never pooled into anyone's comparisons. Years never delivered compare
with the year as it is (`ComparisonIndex` over every valid organisation), as before.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import orjson

from .archive import Archive
from .overview import round_in_year
from .peergroups import ComparisonIndex
from .problems import ContentError, Problem
from .scoring import OrganisationSummary
from .summaries import Expected, Shape, summary_from_data, summary_to_data


def year_entry(summary, year: str) -> list | None:
    """The organisation as the comparisons of `year` see it: identity and its latest round that year,
    as JSON data (the build cache's summary format, without the file's path)."""
    from .scoring import OrganisationInfo, QuestionMean, RoundSummary

    a = round_in_year(summary, year)
    if a is None:
        return None
    o = summary.organisation
    info = OrganisationInfo(o.slug, o.name, o.type, o.published, "", o.code)
    questions = {qid: QuestionMean(q.mean) for qid, q in a.questions.items()}
    return summary_to_data(OrganisationSummary(info, (RoundSummary(a.date, a.overall, questions),)))


def snapshot(summaries, year: str) -> dict:
    """Every organisation with a round in `year`, as the year's comparison basis holds it."""
    return {s.organisation.slug: entry for s in summaries if (entry := year_entry(s, year)) is not None}


def _same(a, b) -> bool:
    return orjson.dumps(a, option=orjson.OPT_SORT_KEYS) == orjson.dumps(b, option=orjson.OPT_SORT_KEYS)


@dataclass
class Comparer:
    """Which comparison index each organisation's delivery report is computed over (picklable:
    the workers that render delivery parts get it)."""

    live: ComparisonIndex
    frozen: dict = field(default_factory=dict)  # delivered year -> index over its basis
    own: dict = field(default_factory=dict)  # slug -> index over its year's basis with it as it is now

    def index_for(self, result) -> ComparisonIndex:
        slug = result.organisation.slug
        if slug in self.own:
            return self.own[slug]
        return self.frozen.get(result.latest.year, self.live)


def comparer(ins, archive: Archive, results: dict) -> Comparer:
    """The comparisons of this build: `results` maps slug to each valid organisation's summary."""

    everyone = list(results.values())
    out = Comparer(ComparisonIndex(ins, everyone))
    expected = Expected(ins)
    for year in archive.years():
        basis = archive.basis(year)
        if basis is None:
            continue
        try:
            base = {slug: summary_from_data(v, expected) for slug, v in basis.items()}
        except Shape:
            raise ContentError(
                [
                    Problem(
                        str(archive.root / year),
                        1,
                        "jamforelsegrund",
                        "does not fit the instrument (changed since the delivery?); restore it from a backup",
                    )
                ]
            ) from None
        out.frozen[year] = ComparisonIndex(ins, list(base.values()))
        for slug, r in results.items():
            if r.latest.year != year:
                continue
            now = year_entry(r, year)
            if slug not in basis or not _same(basis[slug], now):
                others = [s for k, s in base.items() if k != slug]
                out.own[slug] = ComparisonIndex(ins, others + [summary_from_data(now, expected)])
    return out
