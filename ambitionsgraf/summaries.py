"""An organisation's summary as stored outside the answer files (the build cache, the delivery
archive's comparison basis), and read back under the checks of the source it stands for.

A summary is a compact list; reading one checks every field against the instrument and the rules
of an answer file (trust.py): a stored value that no answer file could give raises `Shape`.
"""

from __future__ import annotations

from fractions import Fraction

from . import trust
from .answers import SLUG
from .scoring import GroupScore, OrganisationInfo, OrganisationSummary, QuestionMean, RoundSummary
from .text import iso_date
from .trust import Shape
from .yamlsource import MAX_NODES

_need = trust.need


def _str(v) -> str:
    _need(type(v) is str)
    return v


def _opt_str(v) -> str | None:
    return None if v is None else _str(v)


def _int(v) -> int:
    _need(type(v) is int)
    return v


def _frac(v, top: int) -> Fraction | None:
    """A score or mean: [numerator, denominator], within what any answers can give (0 to the scale's top)."""
    if v is None:
        return None
    _need(type(v) is list and len(v) == 2 and type(v[0]) is int and type(v[1]) is int and 0 < v[1] < 2**40)
    _need(0 <= v[0] <= top * v[1])
    return Fraction(v[0], v[1])


def _fracs(v, ids: frozenset, top: int) -> dict:
    """Scores by id: exactly the instrument's ids, in its order."""
    _need(type(v) is dict and frozenset(v) == ids)
    return {_str(k): _frac(x, top) for k, x in v.items()}


def _date(v) -> str:
    _need(type(v) is str)
    try:
        _need(iso_date(v) is not None)
    except ValueError:
        raise Shape from None
    return v


def _pair(f: Fraction | None):
    return None if f is None else [f.numerator, f.denominator]


# -- summaries --------------------------------------------------------------------------------


def summary_to_data(s) -> list:
    o = s.organisation
    return [
        o.slug,
        o.name,
        o.type,
        o.published,
        o.path,
        o.code,
        [
            [
                a.date,
                a.overall.respondents,
                {k: _pair(v) for k, v in a.overall.areas.items()},
                {k: _pair(v) for k, v in a.overall.axes.items()},
                a.overall.quadrant,
                {k: _pair(q.mean) for k, q in a.questions.items()},
                {
                    role: [g.respondents, {k: _pair(v) for k, v in g.areas.items()}, {k: _pair(v) for k, v in g.axes.items()}, g.quadrant]
                    for role, g in a.roles.items()
                },
            ]
            for a in s.assessments
        ],
    ]


class Expected:
    """What a summary may hold, from the instrument: ids, types, quadrants."""

    def __init__(self, ins):
        self.areas = frozenset(a.id for a in ins.areas)
        self.axes = frozenset(ins.axes)
        self.questions = frozenset(ins.question_ids)
        self.quadrants = frozenset(q.id for q in ins.quadrants)
        self.types = frozenset(t.id for t in ins.types)
        self.roles = [r.id for r in ins.roles]
        self.places = ins.reference.places
        self.top = max(v for v, _ in ins.scale)  # no score, mean or point lies above the scale's top


def summary_from_data(v, expected: Expected):
    """A summary, checked field by field against the instrument; Shape if anything is off."""

    _need(type(v) is list and len(v) == 7 and type(v[3]) is bool and type(v[6]) is list and bool(v[6]))
    info = OrganisationInfo(_str(v[0]), _str(v[1]), _str(v[2]), v[3], _str(v[4]), _opt_str(v[5]))
    _need(SLUG.fullmatch(info.slug) is not None and info.type in expected.types)
    trust.name(info.name)  # as the answer-file validator would leave it: no formula, nothing invisible
    _need(info.code is None or (info.code in expected.places and expected.places[info.code].typ == info.type))
    rounds = []
    for r in v[6]:
        _need(type(r) is list and len(r) == 7 and type(r[5]) is dict and type(r[6]) is dict)
        _need(r[4] is None or r[4] in expected.quadrants)
        top = expected.top
        overall = GroupScore(_int(r[1]), _fracs(r[2], expected.areas, top), _fracs(r[3], expected.axes, top), _opt_str(r[4]))
        _need(0 <= overall.respondents <= MAX_NODES)  # an answer file holds fewer respondents than values
        _need(frozenset(r[5]) == expected.questions)
        _need(list(r[6]) == [role for role in expected.roles if role in r[6]])  # known roles, in the instrument's order
        roles = {}
        for role, g in r[6].items():
            _need(type(g) is list and len(g) == 4 and (g[3] is None or g[3] in expected.quadrants))
            roles[role] = GroupScore(_int(g[0]), _fracs(g[1], expected.areas, top), _fracs(g[2], expected.axes, top), _opt_str(g[3]))
            _need(0 < roles[role].respondents <= overall.respondents)
        rounds.append(RoundSummary(_date(r[0]), overall, {_str(k): QuestionMean(_frac(m, top)) for k, m in r[5].items()}, roles))
    _need([a.date for a in rounds] == sorted(a.date for a in rounds))  # oldest first, as scoring makes them
    return OrganisationSummary(info, tuple(rounds))
