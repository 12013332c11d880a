"""Folding contributions: a set of reports reduced to its figures, one report at a time.

A :class:`Fold` holds, for the reports added to it (in any order), each unit's summed report
figures, one :class:`ProjectRollup` per (unit, project), and the rows of the by-industry and
by-province tables.  Folds of different weeks merge (:meth:`Fold.merge`) into the fold of any
span of weeks, so a briefing is computed from one fold per week (see
:class:`briefing.figures.briefing.Tally`).

Choices the definition of the figures leaves open:

* A project (unit, name) counted over several weeks is classified (新建/续建, 区外/区内,
  industry, stage) by its **latest** report, and all its funds go with that classification, so
  every split adds up to its total.
* A trip is attributed to the province of its **first** destination in the by-province table
  (a trip counted once per province would make the table add up to more than the trips made).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from sys import intern
from typing import TYPE_CHECKING

from briefing.figures.figures import ZERO, Contribution, Figures, ProjectItem

if TYPE_CHECKING:
    from briefing.figures.ledger import Correction
from briefing.figures.regions import OTHER, province_order
from briefing.report.model import FULFILLED_STAGES
from briefing.weeks import Week

UNCLASSIFIED = "未分类"


@dataclass(slots=True)
class ProjectRollup:
    """One (unit, project) over a span of weeks: classified by its latest report, funds summed.

    ``latest`` is that report's item (its kind, origin, stage, industry), from ``last_week``;
    ``started`` is the latest week it was reported at 开工 or 投产 (or ``None``).
    """

    unit: str
    key: str
    latest: ProjectItem
    funds: Decimal
    last_week: Week
    started: Week | None = None

    def copy(self) -> "ProjectRollup":
        return ProjectRollup(self.unit, self.key, self.latest, self.funds, self.last_week, self.started)


@dataclass(slots=True)
class IndustryRow:
    """One line of the per-industry-chain table."""

    industry: str
    signings: int = 0
    investment: Decimal = ZERO
    projects: int = 0
    funds: Decimal = ZERO


@dataclass(slots=True)
class ProvinceRow:
    """One line of the by-destination-province table."""

    province: str
    trips: int = 0
    negotiated: int = 0


@dataclass
class KeySigning:
    """A key signing of the year and whether its project has started (开工/投产)."""

    unit: str
    project: str
    week: Week
    fulfilled: bool


@dataclass
class Fulfilment:
    """重点签约项目履约率 inputs."""

    items: list[KeySigning]

    @property
    def total(self) -> int:
        return len(self.items)

    @property
    def fulfilled(self) -> int:
        return sum(1 for item in self.items if item.fulfilled)

    @property
    def rate(self) -> Decimal | None:
        return Decimal(self.fulfilled) / Decimal(self.total) if self.items else None


class Fold:
    """Counts and project rollups of a set of reports, added one at a time in any order."""

    def __init__(self, nodes: dict[tuple[str, str], tuple[str, str]] | None = None) -> None:
        """``nodes``: a table of ``(unit, project)`` keys shared by folds (the weeks of a year name
        the same projects: one key each, not one per week and project)."""
        self.reports = 0
        self.units: dict[str, Figures] = {}            # per unit: its reports' own figures, summed
        self.projects: dict[tuple[str, str], ProjectRollup] = {}
        self.nodes = nodes
        self.industries: dict[str, IndustryRow] = {}   # signings only
        self.provinces: dict[str, ProvinceRow] = {}

    def add(self, c: Contribution) -> "Fold":
        """Fold in what one report contributes."""
        self.reports += 1
        unit, week = c.unit, c.week
        mine = self.units.get(unit)
        self.units[unit] = c.figures if mine is None else mine + c.figures  # never changed in place
        for province, negotiated in c.trips:
            row = self.provinces.get(province)
            if row is None:
                row = self.provinces[province] = ProvinceRow(province)
            row.trips += 1
            row.negotiated += negotiated
        for industry, investment, *_ in c.signings:
            row = self.industries.get(industry)
            if row is None:
                row = self.industries[industry] = IndustryRow(industry)
            row.signings += 1
            row.investment += investment
        for item in c.projects:
            started = week if item.stage in FULFILLED_STAGES else None
            self._project(ProjectRollup(unit, intern(item.key), item, item.funds, week, started), True)
        return self

    def add_rollup(self, rollup: ProjectRollup) -> None:
        """Combine a project rollup made elsewhere (an opening balance) in, as its own."""
        self._project(rollup, True)

    def _project(self, new: ProjectRollup, owned: bool) -> None:
        """Combine a rollup in: funds add up, the latest week's classification wins.

        ``owned``: ``new`` may be stored as is (else it belongs to another fold: copy it).
        """
        key = (new.unit, new.key)
        old = self.projects.get(key)
        if old is None:
            if self.nodes is not None:
                key = self.nodes.setdefault(key, key)
            self.projects[key] = new if owned else new.copy()
            return
        old.funds += new.funds
        if new.started is not None and (old.started is None or new.started > old.started):
            old.started = new.started
        if new.last_week >= old.last_week:
            old.latest, old.last_week = new.latest, new.last_week

    def merge(self, other: "Fold") -> "Fold":
        """Fold another fold in (the result is as if its reports had been added here)."""
        self.reports += other.reports
        for unit, figures in other.units.items():
            mine = self.units.get(unit)
            self.units[unit] = figures if mine is None else mine + figures
        for rollup in other.projects.values():
            self._project(rollup, False)
        for name, row in other.industries.items():
            mine = self.industries.setdefault(name, IndustryRow(name))
            mine.signings += row.signings
            mine.investment += row.investment
        for name, row in other.provinces.items():
            mine = self.provinces.setdefault(name, ProvinceRow(name))
            mine.trips += row.trips
            mine.negotiated += row.negotiated
        return self

    def correct(self, fixes: dict[tuple[str, str], "Correction"]) -> None:
        """Take away what the ledger does not count (repeated signings, 增资 as a signing): per
        (unit, industry), from the unit's figures and the industry's row."""
        for (unit, industry), fix in fixes.items():
            figures = self.units.get(unit)
            if figures is not None:
                figures = replace(figures)  # never changed in place: it may be a report's own
                figures.signings -= fix.signings
                figures.investment -= fix.investment
                figures.key_signings -= fix.key_signings
                self.units[unit] = figures
            row = self.industries.get(industry)
            if row is not None:
                row.signings -= fix.signings
                row.investment -= fix.investment

    def rekey(self, merged: dict[tuple[str, str], tuple[str, str]]) -> None:
        """Combine the rollups of nodes the ledger found to be one project into the owner's node
        (``merged``: node → owner node); the project counts under the owner's unit."""
        for node, owner in merged.items():
            rollup = self.projects.pop(node, None)
            if rollup is None:
                continue
            rollup.unit, rollup.key = owner
            self._project(rollup, True)

    def totals(self, unit: str | None = None) -> Figures:
        """All figures, for every unit or for one."""
        if unit is None:
            result = sum(self.units.values(), Figures())
            projects = self.projects.values()
        else:
            result = replace(self.units.get(unit, Figures()))
            projects = [p for p in self.projects.values() if p.unit == unit]
        for project in projects:
            add_project(result, project)
        return result

    def by_unit(self, units: list[str]) -> dict[str, Figures]:
        """Figures per unit, in ``units`` order (units without reports get zeros)."""
        result = {unit: replace(self.units.get(unit, Figures())) for unit in units}
        for project in self.projects.values():
            if project.unit in result:
                add_project(result[project.unit], project)
        return result

    def by_industry(self, industries: list[str]) -> list[IndustryRow]:
        """Signings and projects per industry chain; projects without one go to 未分类."""
        rows = {name: IndustryRow(name) for name in industries}
        for name, row in self.industries.items():
            mine = rows.setdefault(name, IndustryRow(name))
            mine.signings, mine.investment = row.signings, row.investment
        for project in self.projects.values():
            name = project.latest.industry or UNCLASSIFIED
            row = rows.setdefault(name, IndustryRow(name))
            row.projects += 1
            row.funds += project.funds
        return list(rows.values())

    def by_province(self) -> list[ProvinceRow]:
        """Trips and negotiated projects per destination province, in statistical order."""
        order = {name: index for index, name in enumerate([*province_order(), OTHER])}
        return sorted((replace(row) for row in self.provinces.values()),
                      key=lambda row: order.get(row.province, len(order)))


def add_project(result: Figures, project: ProjectRollup) -> None:
    """Count one of the scope's distinct projects into ``result``: where the project figures are counted."""
    result.projects += 1
    result.funds += project.funds
    if project.latest.kind == "新建":
        result.new_projects += 1
        result.new_funds += project.funds
    else:
        result.continued_projects += 1
        result.continued_funds += project.funds
    if project.latest.origin == "区外":
        result.external_projects += 1
        result.external_funds += project.funds
