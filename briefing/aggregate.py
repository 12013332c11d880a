"""The briefing's figures: pure functions over validated reports, no I/O, exact Decimals.

Definitions follow ``report-format.md``.  Choices the contract leaves open:

* A project (unit, name) counted over several weeks is classified (新建/续建, 区外/区内,
  industry, stage) by its **latest** report, and all its funds go with that classification, so
  every split adds up to its total.
* A trip is attributed to the province of its **first** destination in the by-province table
  (a trip counted once per province would make the table add up to more than the trips made).
* The briefing for week W only uses reports up to W: rebuilding an old week gives the same text.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field, fields
from decimal import Decimal
from typing import Callable, Iterable

from briefing.model import FULFILLED_STAGES, Config, Report, Signing, Trip, project_key, weeks_in_year
from briefing.regions import OTHER, province_of, province_order

ZERO = Decimal(0)
UNCLASSIFIED = "未分类"


@dataclass
class Figures:
    """Counts and sums for one scope (a week or the year to date) and one group."""

    trips: int = 0
    negotiated: int = 0
    signings: int = 0
    investment: Decimal = ZERO
    key_signings: int = 0
    promotions: int = 0
    ceremonies: int = 0
    visits: int = 0
    projects: int = 0
    new_projects: int = 0
    continued_projects: int = 0
    external_projects: int = 0
    funds: Decimal = ZERO
    new_funds: Decimal = ZERO
    continued_funds: Decimal = ZERO
    external_funds: Decimal = ZERO

    def __add__(self, other: "Figures") -> "Figures":
        return Figures(**{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)})


@dataclass
class ProjectRollup:
    """One (unit, project) over a span of weeks: latest classification, summed funds."""

    unit: str
    name: str
    investor: str
    kind: str
    origin: str
    stage: str
    industry: str | None
    funds: Decimal
    last_week: tuple[int, int]


@dataclass
class UnitRow:
    """One line of the per-unit table (year to date) with its target."""

    unit: str
    week: Figures
    ytd: Figures
    target: Decimal | None = None
    completion: Decimal | None = None
    rank: int | None = None


@dataclass
class IndustryRow:
    """One line of the per-industry-chain table."""

    industry: str
    signings: int = 0
    investment: Decimal = ZERO
    projects: int = 0
    funds: Decimal = ZERO


@dataclass
class ProvinceRow:
    """One line of the by-destination-province table."""

    province: str
    trips: int = 0
    negotiated: int = 0


@dataclass
class KeySigning:
    """A key signing of the year and whether its project has started (开工/投产)."""

    unit: str
    signing: Signing
    week: tuple[int, int]
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


@dataclass
class Movement:
    """A project whose stage changed this week (or that appeared already started)."""

    unit: str
    project: str
    investor: str
    before: str | None
    stage: str
    funds: Decimal


@dataclass
class UnitSection:
    """What one unit reported this week, for section 二."""

    unit: str
    report: Report
    figures: Figures

    @property
    def has_content(self) -> bool:
        r = self.report
        return bool(r.trips or r.events or r.signings or r.projects or r.highlights)


@dataclass
class Plan:
    """A 下一步工作 item and the units that wrote it."""

    text: str
    units: list[str]


@dataclass
class Briefing:
    """Everything a briefing shows, computed; formats only decide how to print it."""

    config: Config
    week: str
    year: int
    week_no: int
    issue: int
    date: dt.date
    week_start: dt.date
    week_end: dt.date
    week_totals: Figures
    ytd_totals: Figures
    units: list[UnitRow]
    industries: list[IndustryRow]
    provinces: list[ProvinceRow]
    sections: list[UnitSection]
    quiet_units: list[str]
    missing_units: list[str]
    week_signings: list[tuple[str, Signing]]
    key_signings_week: list[tuple[str, Signing]]
    movements: list[Movement]
    fulfilment: Fulfilment
    growth: dict[str, Decimal | None]
    previous: dict[str, Decimal | None]
    time_progress: Decimal
    plans: list[Plan]
    has_targets: bool = False
    extra: dict = field(default_factory=dict)


# ---------------------------------------------------------------- selection


def in_scope(reports: Iterable[Report], year: int, first: int, last: int) -> list[Report]:
    """Reports of ISO ``year`` with week number in ``first..last``, in week order."""
    chosen = [r for r in reports if r.week_key[0] == year and first <= r.week_key[1] <= last]
    chosen.sort(key=lambda r: r.week_key)
    return chosen


# ---------------------------------------------------------------- projects


def roll_up_projects(reports: Iterable[Report]) -> list[ProjectRollup]:
    """Distinct (unit, project) pairs, each classified by its latest report; funds summed."""
    rollups: dict[tuple[str, str], ProjectRollup] = {}
    for report in sorted(reports, key=lambda r: r.week_key):
        for item in report.projects:
            key = (report.unit, project_key(item.project))
            previous = rollups.get(key)
            funds = item.funds + (previous.funds if previous else ZERO)
            rollups[key] = ProjectRollup(report.unit, item.project, item.investor, item.kind, item.origin,
                                         item.stage, item.industry, funds, report.week_key)
    return list(rollups.values())


def figures(reports: Iterable[Report]) -> Figures:
    """All counts and sums over ``reports`` (one scope, any group of units)."""
    reports = list(reports)
    result = Figures()
    for report in reports:
        result.trips += len(report.trips)
        result.negotiated += sum(trip.negotiated for trip in report.trips)
        result.signings += len(report.signings)
        result.investment += sum((s.investment for s in report.signings), ZERO)
        result.key_signings += sum(1 for s in report.signings if s.key)
        for event in report.events:
            if event.kind == "推介会":
                result.promotions += 1
            elif event.kind == "签约仪式":
                result.ceremonies += 1
            else:
                result.visits += 1
    for project in roll_up_projects(reports):
        result.projects += 1
        result.funds += project.funds
        if project.kind == "新建":
            result.new_projects += 1
            result.new_funds += project.funds
        else:
            result.continued_projects += 1
            result.continued_funds += project.funds
        if project.origin == "区外":
            result.external_projects += 1
            result.external_funds += project.funds
    return result


def _group(reports: Iterable[Report], key: Callable[[Report], str]) -> dict[str, list[Report]]:
    groups: dict[str, list[Report]] = defaultdict(list)
    for report in reports:
        groups[key(report)].append(report)
    return groups


def by_unit(reports: Iterable[Report], units: list[str]) -> dict[str, Figures]:
    """Figures per unit, in config order (units without reports get zeros)."""
    groups = _group(reports, lambda r: r.unit)
    return {unit: figures(groups.get(unit, [])) for unit in units}


def by_industry(reports: Iterable[Report], industries: list[str]) -> list[IndustryRow]:
    """Signings and projects per industry chain; projects without one go to 未分类."""
    reports = list(reports)
    rows = {name: IndustryRow(name) for name in industries}
    for report in reports:
        for signing in report.signings:
            row = rows.setdefault(signing.industry, IndustryRow(signing.industry))
            row.signings += 1
            row.investment += signing.investment
    for project in roll_up_projects(reports):
        name = project.industry or UNCLASSIFIED
        row = rows.setdefault(name, IndustryRow(name))
        row.projects += 1
        row.funds += project.funds
    return list(rows.values())


def trip_province(trip: Trip) -> str:
    """The province a trip is counted under: that of its first destination."""
    return province_of(trip.destinations[0])


def by_province(reports: Iterable[Report]) -> list[ProvinceRow]:
    """Trips and negotiated projects per destination province, in statistical order."""
    rows: dict[str, ProvinceRow] = {}
    for report in reports:
        for trip in report.trips:
            name = trip_province(trip)
            row = rows.setdefault(name, ProvinceRow(name))
            row.trips += 1
            row.negotiated += trip.negotiated
    order = {name: index for index, name in enumerate([*province_order(), OTHER])}
    return sorted(rows.values(), key=lambda row: order.get(row.province, len(order)))


# ---------------------------------------------------------------- ratios


def growth(current: Decimal, previous: Decimal | None) -> Decimal | None:
    """(current − previous) / previous, or ``None`` when there is nothing to compare with."""
    if previous is None or previous == 0:
        return None
    return (Decimal(current) - previous) / previous


def fulfilment(ytd: list[Report]) -> Fulfilment:
    """Key signings of the year so far, each fulfilled when its unit reports the project
    (matched by name) at 开工 or 投产 in the same or a later week."""
    started: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)
    for report in ytd:
        for item in report.projects:
            if item.stage in FULFILLED_STAGES:
                started[(report.unit, project_key(item.project))].append(report.week_key)
    items = []
    for report in ytd:
        for signing in report.signings:
            if signing.key:
                weeks = started.get((report.unit, project_key(signing.project)), [])
                done = any(week >= report.week_key for week in weeks)
                items.append(KeySigning(report.unit, signing, report.week_key, done))
    return Fulfilment(items)


def time_progress(year: int, week_no: int) -> Decimal:
    """Share of the calendar year gone by the Sunday that ends ISO week ``week_no``."""
    sunday = dt.date.fromisocalendar(year, week_no, 7)
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    sunday = min(max(sunday, first), last)
    return Decimal((sunday - first).days + 1) / Decimal((last - first).days + 1)


def rank_completion(rows: list[UnitRow]) -> None:
    """Set ``rank`` (1 = best 完成率; ties share a rank) on rows that have a target."""
    ranked = sorted((row for row in rows if row.completion is not None), key=lambda row: -row.completion)
    for row in ranked:
        row.rank = 1 + sum(1 for other in ranked if other.completion > row.completion)


def last_year(reports: list[Report], config: Config, year: int, week_no: int) -> dict[str, Decimal | None]:
    """Last year's 到位资金 and 区外到位资金 through the same ISO week: from last year's
    reports when the workspace has any up to that week, else from ``baseline``, else ``None``."""
    through = min(week_no, weeks_in_year(year - 1))
    previous = in_scope(reports, year - 1, 1, through)
    if previous:
        totals = figures(previous)
        return {"funds": totals.funds, "external_funds": totals.external_funds}
    for entry in config.baseline.get(year - 1, []):
        if entry.week == week_no:
            return {"funds": entry.funds, "external_funds": entry.external_funds}
    return {"funds": None, "external_funds": None}


def movements(week_reports: list[Report], earlier: list[Report]) -> list[Movement]:
    """Projects of this week whose stage differs from their previous report, or that appear
    for the first time already started."""
    latest: dict[tuple[str, str], str] = {}
    for report in sorted(earlier, key=lambda r: r.week_key):
        for item in report.projects:
            latest[(report.unit, project_key(item.project))] = item.stage
    moved = []
    for report in week_reports:
        for item in report.projects:
            before = latest.get((report.unit, project_key(item.project)))
            if (before is None and item.stage in FULFILLED_STAGES) or (before is not None and before != item.stage):
                moved.append(Movement(report.unit, item.project, item.investor, before, item.stage, item.funds))
    return moved


def merge_plans(reports: list[Report]) -> list[Plan]:
    """The units' 下一步工作, de-duplicated (same text up to spacing and final punctuation)."""
    merged: dict[str, Plan] = {}
    for report in reports:
        for text in report.plans:
            key = unicodedata.normalize("NFKC", "".join(text.split())).rstrip("。；;.")
            plan = merged.setdefault(key, Plan(text, []))
            if report.unit not in plan.units:
                plan.units.append(report.unit)
    return list(merged.values())


# ---------------------------------------------------------------- the briefing


def build_briefing(reports: list[Report], config: Config, week: str, issue: int, date: dt.date) -> Briefing:
    """Compute every figure of the briefing for ``week`` (``YYYY-Www``) from all reports."""
    year, week_no = int(week[:4]), int(week[6:])
    units = config.unit_names
    order = {unit: index for index, unit in enumerate(units)}
    this_week = sorted(in_scope(reports, year, week_no, week_no), key=lambda r: order.get(r.unit, len(order)))
    ytd = in_scope(reports, year, 1, week_no)
    earlier = in_scope(reports, year, 1, week_no - 1)

    week_by_unit = by_unit(this_week, units)
    ytd_by_unit = by_unit(ytd, units)
    targets = config.targets.get(year, {})
    rows = []
    for unit in units:
        row = UnitRow(unit, week_by_unit[unit], ytd_by_unit[unit], targets.get(unit))
        if row.target:
            row.completion = row.ytd.funds / row.target
        rows.append(row)
    rank_completion(rows)

    ytd_totals = figures(ytd)
    previous = last_year(reports, config, year, week_no)
    reported = {r.unit for r in this_week}
    sections = [UnitSection(r.unit, r, week_by_unit[r.unit]) for r in this_week]
    week_signings = [(r.unit, s) for r in this_week for s in r.signings]
    return Briefing(
        config=config, week=week, year=year, week_no=week_no, issue=issue, date=date,
        week_start=dt.date.fromisocalendar(year, week_no, 1), week_end=dt.date.fromisocalendar(year, week_no, 7),
        week_totals=figures(this_week), ytd_totals=ytd_totals, units=rows,
        industries=by_industry(ytd, config.industries), provinces=by_province(ytd),
        sections=[s for s in sections if s.has_content],
        quiet_units=[r.unit for r in this_week if not r.trips],
        missing_units=[unit for unit in units if unit not in reported],
        week_signings=week_signings,
        key_signings_week=[(unit, s) for unit, s in week_signings if s.key],
        movements=movements(this_week, earlier),
        fulfilment=fulfilment(ytd),
        growth={name: growth(getattr(ytd_totals, name), value) for name, value in previous.items()},
        previous=previous,
        time_progress=time_progress(year, week_no),
        plans=merge_plans(this_week),
        has_targets=bool(targets),
    )
