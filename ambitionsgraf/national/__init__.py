"""The national follow-up of one round year: the agency's report to the government.

`figures` computes it (pure functions over the published organisations, exact), `view` turns it
into what the year's page and PDF show, and `report_digest` keys both on that view.
"""

from . import breakdowns
from .figures import MIN_SHARE, Grouping, NationalReport, Tally, Transitions, earlier_round, participants, year_report, years
from .view import CHART_FILES, NO_POINT, NationalView, charts_of, report_digest, report_view

__all__ = [
    "CHART_FILES",
    "MIN_SHARE",
    "NO_POINT",
    "Grouping",
    "NationalReport",
    "NationalView",
    "Tally",
    "Transitions",
    "breakdowns",
    "charts_of",
    "earlier_round",
    "participants",
    "report_digest",
    "report_view",
    "year_report",
    "years",
]
