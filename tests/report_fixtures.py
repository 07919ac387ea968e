"""Answer files at the sharp edges of the reports, built once with PDFs (conftest.fixture_build).

Each organisation is here for one edge; all six are municipalities measured in 2024, so that
each has exactly five others to be compared with (the comparison is shown, and the group of all
organisations is the same as the group of municipalities).
"""

from __future__ import annotations

from .helpers import answer_file, uniform


def _verksamhet(*points: int) -> dict:
    return dict(zip(("h_forbereda", "h_genomfora", "h_avtalsuppfoljning", "h_kategoriteam", "h_nojdhet"), points))


# Three respondents at 2,4 on the horizontal axis and one at 2,6: a mean of exactly 2,45, below the
# threshold of 2,5, which one decimal would show as "2,5". The earlier round sits at exactly 2,0.
GRANS = answer_file(
    [
        # two alike: a round one person answered shows no area change on the public report (scoring.details_public)
        ("2022-03-01", [("inkopschef", uniform(3) | _verksamhet(2, 2, 2, 2, 2)), ("verksamhet", uniform(3) | _verksamhet(2, 2, 2, 2, 2))]),
        (
            "2024-03-01",
            [
                ("inkopschef", uniform(3) | _verksamhet(3, 3, 2, 2, 2)),
                ("verksamhet", uniform(3) | _verksamhet(3, 3, 2, 2, 2)),
                ("politisk_ledning", uniform(3) | _verksamhet(3, 3, 2, 2, 2)),
                ("forvaltningsledning", uniform(3) | _verksamhet(3, 3, 3, 2, 2)),
            ],
        ),
    ],
    namn="Gränsby kommun",
)

# Twenty respondents, eleven answering 3 and nine 4 on question 2 (v1_matt): a mean of 69/20 = 3,45,
# "delvis" (below 3,5), which one decimal would show as "3,5".
KANT = answer_file(
    [
        ("2024-04-01", [("verksamhet", uniform(3, v1_matt=3 if i < 11 else 4)) for i in range(20)]),
    ],
    namn="Kantby kommun",
)

# A 500-character name made of ordinary words: it must not push the summary off page 1, nor run off
# the page in the running header or a chart.
LONG_NAME = ("Samordningsförbundet för gemensam upphandling och inköpssamverkan i " * 8).strip()[:500].strip()
LANG = answer_file(
    [
        ("2024-05-01", [("inkopschef", uniform(2, omfattning="delar")), ("verksamhet", uniform(3))]),
    ],
    namn=LONG_NAME,
)

# One respondent (singular wording) with a 400-character comment without a space: it must wrap.
UNBROKEN = "https://intranat.ordby.se/upphandling/" + "inkopsstrategi" * 26 + "x" * 2
ORD = answer_file(
    [
        ("2024-06-01", [("inkopschef", uniform(4, v3_uppfoljning={"svar": 4, "omfattning": "delar"}))]),
    ],
    namn="Ordby kommun",
    comments={(0, 0): UNBROKEN[:400]},
)

# The lowest point the instrument can give: all 1, no goals, follow-up of part of the portfolio
# (ledning 0,9, verksamhet 1), in the corner where a quadrant's name is drawn.
LAGST = answer_file(
    [
        ("2024-07-01", [("inkopschef", uniform(1, mal="nej", omfattning="delar"))]),
    ],
    namn="Lägstaby kommun",
)

# Roles that disagree: by 3 steps on questions 13 (with different omfattning) and 19, by 2 on five more.
# The summary names the widest apart first, three at most, and counts the rest.
OENS = answer_file(
    [
        (
            "2024-08-01",
            [
                (
                    "politisk_ledning",
                    uniform(
                        3,
                        v3_uppfoljning={"svar": 4, "omfattning": "hela"},
                        h_nojdhet=4,
                        v1_matt=4,
                        v1_plan=4,
                        v1_spendanalys=4,
                        v2_hallbarhet=3,
                        h_kategoriteam=4,
                    ),
                ),
                (
                    "inkopschef",
                    uniform(
                        3,
                        v3_uppfoljning={"svar": 1, "omfattning": "delar"},
                        h_nojdhet=1,
                        v1_matt=2,
                        v1_plan=2,
                        v1_spendanalys=2,
                        v2_hallbarhet=1,
                        h_kategoriteam=2,
                    ),
                ),
                ("verksamhet", uniform(3, v3_uppfoljning=2)),
            ],
        ),
    ],
    namn="Oenighetsby kommun",
)

FILES = {
    "grans.yaml": GRANS,
    "kant.yaml": KANT,
    "lang.yaml": LANG,
    "ord.yaml": ORD,
    "lagst.yaml": LAGST,
    "oens.yaml": OENS,
}
