"""The briefing's figures by name, and what one report contributes to them.

:class:`Figures` is the one definition of the figures: counts and sums for one scope (a week,
the year to date) and one group (a unit, everyone).  Adding a figure is a field here, the line
that counts it (:func:`contribution` for what a report says, :func:`briefing.figures.fold.add_project`
for what the year's projects add up to), and the places that print it (``prose.j2``, the
table spec in :mod:`briefing.editions.spec`); nothing else changes: sums, caching and folding
go over the fields by name.

A report is reduced to its :class:`Contribution` as soon as it is validated: its figures and
the few facts per item that need more than a sum (the province of a trip, the industry of a
signing, the stage of a project) and what the project ledger needs to tell projects apart and
point at them (name, investor, code, 增资, the item's line and column).  Contributions are plain
enough to cache (:func:`to_plain`; the cache's ``FORMAT`` versions the layout).  A cached one is
packed (:func:`pack`) so that its unit and week read back without the rest (:class:`Deferred`):
a rebuild of an unchanged workspace needs no more of most contributions.

Memory: a year's contributions are kept item by item (the week folds and the project ledger
share them), and the same texts come back every week (a project's name, its investor, 新建,
区外, 开工 …).  Every text of an item is therefore interned (:func:`sys.intern`), so a year holds
one copy of each, not one per report; amounts are shared the same way (:func:`_amount`, keyed by
their exact text), and so are the weeks (:func:`_week`).
"""

from __future__ import annotations

import marshal
from dataclasses import dataclass, fields
from decimal import Decimal
from functools import lru_cache
from operator import add, attrgetter
from sys import intern
from typing import Any, NamedTuple

from briefing.errors import BriefingError
from briefing.figures.regions import province_of
from briefing.report.load import locate
from briefing.report.model import Report, Trip
from briefing.weeks import Week

ZERO = Decimal(0)


@dataclass(slots=True)
class Figures:
    """Counts and sums (amounts in 亿元) for one scope and one group."""

    trips: int = 0
    """领导带队外出招商（次）"""
    negotiated: int = 0
    """对接洽谈项目（个）"""
    signings: int = 0
    """签约项目（个）"""
    investment: Decimal = ZERO
    """签约总投资"""
    key_signings: int = 0
    """重点签约项目（个）"""
    promotions: int = 0
    """推介会（场）"""
    ceremonies: int = 0
    """签约仪式（场）"""
    visits: int = 0
    """考察接待（批次）"""
    projects: int = 0
    """落实执行项目（个）: distinct projects of the scope"""
    new_projects: int = 0
    continued_projects: int = 0
    external_projects: int = 0
    funds: Decimal = ZERO
    """到位资金"""
    new_funds: Decimal = ZERO
    continued_funds: Decimal = ZERO
    external_funds: Decimal = ZERO

    def __add__(self, other: "Figures") -> "Figures":
        return Figures(*map(add, _values(self), _values(other)))  # every field, in the order defined


FIGURE_NAMES = tuple(f.name for f in fields(Figures))
_values = attrgetter(*FIGURE_NAMES)
_AMOUNTS = frozenset(f.name for f in fields(Figures) if f.type in ("Decimal", Decimal))

EVENT_FIGURES = {"推介会": "promotions", "签约仪式": "ceremonies", "考察接待": "visits"}
"""The figure each kind of event (:data:`briefing.report.model.EventKind`) is counted in."""


class TripItem(NamedTuple):
    """A trip, for the by-province table."""

    province: str
    negotiated: int


class SigningItem(NamedTuple):
    """A signing, for the by-industry table, the key signings' fulfilment and the project
    ledger (:mod:`briefing.figures.ledger`: identity, counting once, duplicates)."""

    industry: str
    investment: Decimal
    key: bool
    project: str
    """The project's match key (:func:`briefing.report.fields.project_key`)."""
    name: str = ""
    """The name as written."""
    investor: str = ""
    code: str | None = None
    increase: bool = False
    date: str = ""
    """ISO date."""
    line: int = 1
    col: int = 1
    """Where the item starts in its file."""


class ProjectItem(NamedTuple):
    """A project's report of the week, for the year's project rollups and the ledger."""

    key: str
    kind: str
    origin: str
    stage: str
    industry: str | None
    funds: Decimal
    name: str = ""
    investor: str = ""
    code: str | None = None
    line: int = 1
    col: int = 1


class Contribution(NamedTuple):
    """What one report adds to the figures (cheap to cache and to reload)."""

    unit: str
    week: Week
    figures: Figures
    """The report's own counts and sums (the project figures stay zero: they come from the
    year's distinct projects, see :class:`briefing.figures.fold.Fold`)."""
    trips: tuple[TripItem, ...]
    signings: tuple[SigningItem, ...]
    projects: tuple[ProjectItem, ...]


def trip_province(trip: Trip) -> str:
    """The province a trip is counted under: that of its first destination."""
    return province_of(trip.destinations[0])


def contribution(report: Report, root: Any = None) -> Contribution:
    """The report's :class:`Contribution`; ``root`` (the file's composed YAML) gives each
    signing and project the line and column it starts at (else 1:1)."""
    figures = Figures(trips=len(report.trips), signings=len(report.signings))
    trips = []
    for trip in report.trips:
        figures.negotiated += trip.negotiated
        trips.append(TripItem(trip_province(trip), trip.negotiated))
    signings = []
    for index, signing in enumerate(report.signings):
        figures.investment += signing.investment
        figures.key_signings += signing.key
        line, col = locate(root, ("signings", index)) if root is not None else (1, 1)
        signings.append(SigningItem(intern(signing.industry), signing.investment, signing.key,
                                    intern(signing.match_key), intern(signing.project), intern(signing.investor),
                                    _optional(signing.code), signing.increase, intern(signing.date.isoformat()),
                                    line, col))
    for event in report.events:
        name = EVENT_FIGURES[event.kind]
        setattr(figures, name, getattr(figures, name) + 1)
    projects = []
    for index, item in enumerate(report.projects):
        line, col = locate(root, ("projects", index)) if root is not None else (1, 1)
        projects.append(ProjectItem(intern(item.match_key), intern(item.kind), intern(item.origin), intern(item.stage),
                                    _optional(item.industry), _amount(str(item.funds)), intern(item.project),
                                    intern(item.investor), _optional(item.code), line, col))
    projects = tuple(projects)
    return Contribution(intern(report.unit), _week(report.week.year, report.week.number), figures, tuple(trips),
                        tuple(signings), projects)


def _optional(text: str | None) -> str | None:
    return None if text is None else intern(text)


@lru_cache(maxsize=1024)
def _week(year: int, number: int) -> Week:
    """A week; equal weeks give one shared (immutable) object (a year's reports name 52 weeks)."""
    return Week(year, number)


@lru_cache(maxsize=4096)
def _amount(text: str) -> Decimal:
    """An amount read back from the cache; equal texts give one shared (immutable) Decimal."""
    return Decimal(text)


def records(c: Contribution) -> int:
    """The items a report holds: trips + events + signings + projects (receipts and
    ``briefing status`` show it)."""
    f = c.figures
    return f.trips + f.signings + sum(getattr(f, name) for name in EVENT_FIGURES.values()) + len(c.projects)


def to_plain(c: Contribution) -> tuple:
    """A contribution as strings, numbers, tuples and a dict only (amounts as text), for the
    cache: the figures as ``{name: value}`` (zeros left out), each item as a tuple."""
    figures = {name: str(value) if name in _AMOUNTS else value
               for name in FIGURE_NAMES if (value := getattr(c.figures, name))}
    return (c.unit, (c.week.year, c.week.number), figures, tuple(tuple(t) for t in c.trips),
            tuple((*s[:1], str(s.investment), *s[2:]) for s in c.signings),
            tuple((*p[:5], str(p.funds), *p[6:]) for p in c.projects))


def from_plain(data: tuple) -> Contribution:
    """The inverse of :func:`to_plain`; raises on anything malformed (a cache miss)."""
    unit, (year, number), figures, trips, signings, projects = data
    if type(unit) is not str or type(figures) is not dict:
        raise ValueError("malformed contribution")
    counts = {}
    for name, value in figures.items():
        if name in _AMOUNTS:
            counts[name] = Decimal(value)
        elif type(value) is int:
            counts[name] = value  # an unknown name fails in Figures() below
        else:
            raise ValueError(f"malformed figure {name!r}")
    return Contribution(intern(unit), _week(year, number), Figures(**counts), tuple([TripItem(*t) for t in trips]),
                        tuple([_signing(*s) for s in signings]), tuple([_project(*p) for p in projects]))


def pack(c: Contribution) -> bytes:
    """A contribution as cache bytes: its unit and week, then the rest as marshal bytes of its own."""
    return marshal.dumps((c.unit, c.week.year, c.week.number, marshal.dumps(to_plain(c))))


class Deferred(NamedTuple):
    """A packed contribution whose unit and week were read, the rest not yet (see :func:`pack`)."""

    unit: str
    week: Week
    rest: bytes

    def contribution(self) -> Contribution:
        """The whole contribution.  The cache hands out only bytes it wrote itself (MAC-checked,
        same code and config), so a malformed one means a damaged cache: the clerk is told to
        remove it (a wrong figure is never the way out)."""
        try:
            c = from_plain(marshal.loads(self.rest))
        except Exception:
            c = None
        if c is None or c.unit != self.unit or c.week != self.week:
            raise BriefingError("缓存文件 .briefing/cache.sqlite 已损坏，无法读取。请删除这个文件后重新运行"
                                "（报告不会丢失，只是这一次要重新读取全部报告）")
        return c


def unpack(payload: bytes) -> Deferred:
    """The inverse of :func:`pack`, deferred; raises on anything malformed."""
    unit, year, number, rest = marshal.loads(payload)
    if type(unit) is not str or type(rest) is not bytes:
        raise ValueError("malformed contribution")
    return Deferred(intern(unit), _week(year, number), rest)


def _signing(industry, investment, key, project, name, investor, code, increase, date, line, col) -> SigningItem:
    if not (type(line) is int and type(col) is int and type(name) is str and (code is None or type(code) is str)):
        raise ValueError("malformed signing")
    return SigningItem(intern(industry), _amount(investment), key, intern(project), intern(name), intern(investor),
                       _optional(code), increase, intern(date), line, col)


def _project(key, kind, origin, stage, industry, funds, name, investor, code, line, col) -> ProjectItem:
    if not (type(line) is int and type(col) is int and type(name) is str and (code is None or type(code) is str)):
        raise ValueError("malformed project")
    return ProjectItem(intern(key), intern(kind), intern(origin), intern(stage), _optional(industry), _amount(funds),
                       intern(name), intern(investor), _optional(code), line, col)
