"""The briefing's figures: pure functions over validated reports, no I/O, exact Decimals.

Definitions follow ``report-format.md``.  Choices the contract leaves open:

* A project (unit, name) counted over several weeks is classified (新建/续建, 区外/区内,
  industry, stage) by its **latest** report, and all its funds go with that classification, so
  every split adds up to its total.
* A trip is attributed to the province of its **first** destination in the by-province table
  (a trip counted once per province would make the table add up to more than the trips made).
* The briefing for week W only uses reports up to W: rebuilding an old week gives the same text.

Reports are folded one at a time, in any order, into one :class:`Fold` per ISO week
(:class:`Tally`); a briefing combines the folds it needs.  Nothing but the folded figures and the
briefing week's own reports stays in memory, so a province's year of reports fits in a few MB.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from operator import add
from sys import intern
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Iterable, NamedTuple

from briefing.model import FULFILLED_STAGES, Config, Report, Signing, Trip, week_key, weeks_in_year
from briefing.regions import OTHER, province_of, province_order

ZERO = Decimal(0)
UNCLASSIFIED = "未分类"


@dataclass(slots=True)
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
        return Figures(*(getattr(self, name) + getattr(other, name) for name in _FIGURE_NAMES))

    def add(self, other: "Figures") -> None:
        """Add ``other`` into this one."""
        for name in _FIGURE_NAMES:
            setattr(self, name, getattr(self, name) + getattr(other, name))


_FIGURE_NAMES = ("trips", "negotiated", "signings", "investment", "key_signings", "promotions", "ceremonies", "visits",
                 "projects", "new_projects", "continued_projects", "external_projects", "funds", "new_funds",
                 "continued_funds", "external_funds")


@dataclass(slots=True)
class ProjectRollup:
    """One (unit, project) over a span of weeks: latest classification, summed funds.

    ``last_week`` is the week the classification comes from; ``started`` the latest week it
    was reported at 开工 or 投产 (or ``None``).
    """

    unit: str
    key: str
    kind: str
    origin: str
    stage: str
    industry: str | None
    funds: Decimal
    last_week: tuple[int, int]
    started: tuple[int, int] | None = None


@dataclass
class UnitRow:
    """One line of the per-unit table (year to date) with its target."""

    unit: str
    week: Figures
    ytd: Figures
    target: Decimal | None = None
    completion: Decimal | None = None
    rank: int | None = None


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
    target_total: Decimal | None = None
    """Sum of the units' annual targets."""
    target_completion: Decimal | None = None
    """Year-to-date funds of the units that have a target, over ``target_total``."""
    comparison: str | None = None
    """Where 同比 comes from: ``"reports"`` (last year's reports), ``"baseline"`` (the config's
    去年同期累计数) or ``None`` (no 同比 is printed)."""


# ---------------------------------------------------------------- folding


def trip_province(trip: Trip) -> str:
    """The province a trip is counted under: that of its first destination."""
    return province_of(trip.destinations[0])


class Contribution(NamedTuple):
    """What one report adds to the figures, in plain values (cheap to cache and to reload)."""

    unit: str
    week: tuple[int, int]
    counts: tuple            # trips, negotiated, signings, investment, key signings, 推介会, 签约仪式, 考察接待
    trips: tuple             # (province, negotiated) per trip
    signings: tuple          # (industry, investment, key, project match key) per signing
    projects: tuple          # (match key, kind, origin, stage, industry, funds) per project


_EVENT_INDEX = {"推介会": 5, "签约仪式": 6, "考察接待": 7}


def to_plain(c: Contribution) -> tuple:
    """A contribution as strings, numbers and tuples only (amounts as text), for the cache."""
    counts = c.counts
    return (c.unit, c.week, (*counts[:3], str(counts[3]), *counts[4:]), c.trips,
            tuple([(i, str(a), k, p) for i, a, k, p in c.signings]),
            tuple([(k, kind, o, s, ind, str(f)) for k, kind, o, s, ind, f in c.projects]))


def from_plain(data: tuple) -> Contribution:
    """The inverse of :func:`to_plain`; raises on anything malformed (a cache miss)."""
    unit, week, counts, trips, signings, projects = data
    year, number = week
    if type(unit) is not str or len(counts) != 8:
        raise ValueError("malformed contribution")
    return Contribution(unit, (year, number), (*counts[:3], Decimal(counts[3]), *counts[4:]), tuple(trips),
                        tuple([(i, Decimal(a), k, p) for i, a, k, p in signings]),
                        tuple([(k, kind, o, s, ind, Decimal(f)) for k, kind, o, s, ind, f in projects]))


def contribution(report: Report) -> Contribution:
    """The report's :class:`Contribution`."""
    counts = [len(report.trips), 0, len(report.signings), ZERO, 0, 0, 0, 0]
    trips = []
    for trip in report.trips:
        counts[1] += trip.negotiated
        trips.append((trip_province(trip), trip.negotiated))
    signings = []
    for signing in report.signings:
        counts[3] += signing.investment
        counts[4] += signing.key
        signings.append((signing.industry, signing.investment, signing.key, signing.match_key))
    for event in report.events:
        counts[_EVENT_INDEX[event.kind]] += 1
    projects = tuple((item.match_key, item.kind, item.origin, item.stage, item.industry, item.funds)
                     for item in report.projects)
    return Contribution(report.unit, report.week_key, tuple(counts), tuple(trips), tuple(signings), projects)


class Fold:
    """Counts and project rollups of a set of reports, added one at a time in any order."""

    def __init__(self) -> None:
        self.reports = 0
        self.units: dict[str, list] = {}               # per unit: the 8 counts of a Contribution
        self.projects: dict[tuple[str, str], ProjectRollup] = {}
        self.industries: dict[str, IndustryRow] = {}   # signings only
        self.provinces: dict[str, ProvinceRow] = {}
        self.key_signings: list[tuple[str, str, tuple[int, int]]] = []   # (unit, project key, week)

    def add(self, report: Report) -> "Fold":
        """Fold one report in."""
        return self.add_contribution(contribution(report))

    def add_contribution(self, c: Contribution) -> "Fold":
        """Fold in what one report contributes."""
        self.reports += 1
        unit, week = c.unit, c.week
        counts = self.units.get(unit)
        self.units[unit] = list(c.counts) if counts is None else list(map(add, counts, c.counts))
        for province, negotiated in c.trips:
            row = self.provinces.get(province)
            if row is None:
                row = self.provinces[province] = ProvinceRow(province)
            row.trips += 1
            row.negotiated += negotiated
        for industry, investment, key, project in c.signings:
            row = self.industries.get(industry)
            if row is None:
                row = self.industries[industry] = IndustryRow(industry)
            row.signings += 1
            row.investment += investment
            if key:
                self.key_signings.append((unit, project, week))
        for key, kind, origin, stage, industry, funds in c.projects:
            started = week if stage in FULFILLED_STAGES else None
            self._project(ProjectRollup(unit, intern(key), kind, origin, stage, industry, funds, week, started), True)
        return self

    def _project(self, new: ProjectRollup, owned: bool) -> None:
        """Combine a rollup in: funds add up, the latest week's classification wins.

        ``owned``: ``new`` may be stored as is (else it belongs to another fold: copy it).
        """
        key = (new.unit, new.key)
        old = self.projects.get(key)
        if old is None:
            self.projects[key] = new if owned else ProjectRollup(
                new.unit, new.key, new.kind, new.origin, new.stage, new.industry, new.funds, new.last_week,
                new.started)
            return
        old.funds += new.funds
        if new.started is not None and (old.started is None or new.started > old.started):
            old.started = new.started
        if new.last_week >= old.last_week:
            old.kind, old.origin, old.stage, old.industry, old.last_week = (
                new.kind, new.origin, new.stage, new.industry, new.last_week)

    def merge(self, other: "Fold") -> "Fold":
        """Fold another fold in (the result is as if its reports had been added here)."""
        self.reports += other.reports
        for unit, counts in other.units.items():
            mine = self.units.get(unit)
            self.units[unit] = list(counts) if mine is None else list(map(add, mine, counts))
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
        self.key_signings.extend(other.key_signings)
        return self

    def rollups(self) -> list[ProjectRollup]:
        """The distinct (unit, project) pairs."""
        return list(self.projects.values())

    def totals(self, unit: str | None = None) -> Figures:
        """All figures, for every unit or for one."""
        if unit is None:
            result = sum((_figures(counts) for counts in self.units.values()), Figures())
            projects = self.projects.values()
        else:
            result = _figures(self.units.get(unit))
            projects = [p for p in self.projects.values() if p.unit == unit]
        for project in projects:
            _add_project(result, project)
        return result

    def by_unit(self, units: list[str]) -> dict[str, Figures]:
        """Figures per unit, in ``units`` order (units without reports get zeros)."""
        result = {unit: _figures(self.units.get(unit)) for unit in units}
        for project in self.projects.values():
            if project.unit in result:
                _add_project(result[project.unit], project)
        return result

    def by_industry(self, industries: list[str]) -> list[IndustryRow]:
        """Signings and projects per industry chain; projects without one go to 未分类."""
        rows = {name: IndustryRow(name) for name in industries}
        for name, row in self.industries.items():
            mine = rows.setdefault(name, IndustryRow(name))
            mine.signings, mine.investment = row.signings, row.investment
        for project in self.projects.values():
            name = project.industry or UNCLASSIFIED
            row = rows.setdefault(name, IndustryRow(name))
            row.projects += 1
            row.funds += project.funds
        return list(rows.values())

    def by_province(self) -> list[ProvinceRow]:
        """Trips and negotiated projects per destination province, in statistical order."""
        order = {name: index for index, name in enumerate([*province_order(), OTHER])}
        return sorted((replace(row) for row in self.provinces.values()),
                      key=lambda row: order.get(row.province, len(order)))

    def fulfilment(self) -> Fulfilment:
        """Key signings, each fulfilled when its unit reports the project (matched by name) at
        开工 or 投产 in the same or a later week."""
        items = []
        for unit, key, week in sorted(self.key_signings, key=lambda k: k[2]):
            project = self.projects.get((unit, key))
            done = project is not None and project.started is not None and project.started >= week
            items.append(KeySigning(unit, key, week, done))
        return Fulfilment(items)


def _figures(counts: list | None) -> Figures:
    """Figures holding a unit's counts (project figures still zero)."""
    return Figures(*counts) if counts else Figures()


def _add_project(result: Figures, project: ProjectRollup) -> None:
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


def fold(reports: Iterable[Report]) -> Fold:
    """A :class:`Fold` of ``reports``."""
    result = Fold()
    for report in reports:
        result.add(report)
    return result


# ---------------------------------------------------------------- list-based helpers


def roll_up_projects(reports: Iterable[Report]) -> list[ProjectRollup]:
    """Distinct (unit, project) pairs, each classified by its latest report; funds summed."""
    return fold(reports).rollups()


def figures(reports: Iterable[Report]) -> Figures:
    """All counts and sums over ``reports`` (one scope, any group of units)."""
    return fold(reports).totals()


def by_unit(reports: Iterable[Report], units: list[str]) -> dict[str, Figures]:
    """Figures per unit, in config order (units without reports get zeros)."""
    return fold(reports).by_unit(units)


def by_industry(reports: Iterable[Report], industries: list[str]) -> list[IndustryRow]:
    """Signings and projects per industry chain; projects without one go to 未分类."""
    return fold(reports).by_industry(industries)


def by_province(reports: Iterable[Report]) -> list[ProvinceRow]:
    """Trips and negotiated projects per destination province, in statistical order."""
    return fold(reports).by_province()


def fulfilment(ytd: Iterable[Report]) -> Fulfilment:
    """重点签约项目履约率 over the reports of the year so far."""
    return fold(ytd).fulfilment()


# ---------------------------------------------------------------- ratios


def growth(current: Decimal, previous: Decimal | None) -> Decimal | None:
    """(current − previous) / previous, or ``None`` when there is nothing to compare with."""
    if previous is None or previous == 0:
        return None
    return (Decimal(current) - previous) / previous


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


def movements(week_reports: list[Report], before: Fold) -> list[Movement]:
    """Projects of this week whose stage differs from their latest earlier report, or that
    appear for the first time already started."""
    moved = []
    for report in week_reports:
        for item in report.projects:
            earlier = before.projects.get((report.unit, item.match_key))
            stage = earlier.stage if earlier else None
            if (stage is None and item.stage in FULFILLED_STAGES) or (stage is not None and stage != item.stage):
                moved.append(Movement(report.unit, item.project, item.investor, stage, item.stage, item.funds))
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


class Tally:
    """Reports folded per ISO week, plus the full reports of one week (the briefing's).

    ``week`` fixes the week whose reports are kept; without it, the latest week seen is kept.
    A report taken from the cache arrives as a :class:`Contribution` with its file's path;
    for the kept week the caller then supplies the reports of :meth:`missing` (re-read).
    """

    def __init__(self, week: str | None = None):
        self.folds: dict[tuple[int, int], Fold] = {}
        self.keep = week_key(week) if week else None
        self.kept: list[Report | str] = []
        self.kept_week: tuple[int, int] | None = None

    def add(self, report: Report, path: str = "") -> Contribution:
        """Fold in one validated report; returns its contribution."""
        c = contribution(report)
        self.add_contribution(c, report)
        return c

    def add_contribution(self, c: Contribution, report: Report | str) -> None:
        """Fold in a contribution; ``report`` is the report itself or the path of its file."""
        week = c.week
        fold = self.folds.get(week)
        if fold is None:
            fold = self.folds[week] = Fold()
        fold.add_contribution(c)
        if self.keep is not None and week != self.keep:
            return
        if self.kept_week is None or week > self.kept_week:
            self.kept, self.kept_week = [], week
        if week == self.kept_week:
            self.kept.append(report)

    def missing(self) -> list[str]:
        """Paths of the kept week's files that arrived only as contributions."""
        return [item for item in self.kept if isinstance(item, str)]

    def supply(self, reports: dict[str, Report]) -> None:
        """The reports of :meth:`missing`, by path."""
        self.kept = [reports[item] if isinstance(item, str) else item for item in self.kept]

    def latest_week(self) -> str | None:
        """The latest ISO week any report is for."""
        if not self.folds:
            return None
        year, week = max(self.folds)
        return f"{year}-W{week:02d}"

    def has_week(self, week: str) -> bool:
        """Whether any report is for ``week``."""
        return week_key(week) in self.folds

    def combined(self, year: int, first: int, last: int) -> Fold:
        """One fold of the weeks ``first..last`` of ISO ``year``."""
        result = Fold()
        for (y, w), part in sorted(self.folds.items()):
            if y == year and first <= w <= last:
                result.merge(part)
        return result

    def briefing(self, config: Config, week: str, issue: int, date: dt.date) -> Briefing:
        """Compute every figure of the briefing for ``week`` (``YYYY-Www``)."""
        year, week_no = week_key(week)
        if self.kept_week != (year, week_no):
            raise ValueError(f"the reports of {week} were not kept")
        if self.missing():
            raise ValueError("the kept week's reports were not supplied")
        units = config.unit_names
        order = {unit: index for index, unit in enumerate(units)}
        this_week = sorted(self.kept, key=lambda r: order.get(r.unit, len(order)))
        week_fold = self.folds.get((year, week_no), Fold())
        ytd = self.combined(year, 1, week_no - 1)
        # a project's stage before this week: this year's latest, else last year's
        moved = movements(this_week, self.combined(year - 1, 1, 53).merge(ytd))
        ytd.merge(week_fold)

        week_by_unit, ytd_by_unit = week_fold.by_unit(units), ytd.by_unit(units)
        targets = config.targets.get(year, {})
        rows = []
        for unit in units:
            row = UnitRow(unit, week_by_unit[unit], ytd_by_unit[unit], targets.get(unit))
            if row.target:
                row.completion = row.ytd.funds / row.target
            rows.append(row)
        rank_completion(rows)

        ytd_totals = ytd.totals()
        comparison, previous = self._last_year(config, year, week_no)
        growths = {name: growth(getattr(ytd_totals, name), value) for name, value in previous.items()}
        week_signings = [(r.unit, s) for r in this_week for s in r.signings]
        return Briefing(
            config=config, week=week, year=year, week_no=week_no, issue=issue, date=date,
            week_start=dt.date.fromisocalendar(year, week_no, 1), week_end=dt.date.fromisocalendar(year, week_no, 7),
            week_totals=week_fold.totals(), ytd_totals=ytd_totals, units=rows,
            industries=ytd.by_industry(config.industries), provinces=ytd.by_province(),
            sections=[s for s in (UnitSection(r.unit, r, week_by_unit[r.unit]) for r in this_week) if s.has_content],
            quiet_units=[r.unit for r in this_week if not r.trips],
            missing_units=[unit for unit in units if unit not in {r.unit for r in this_week}],
            week_signings=week_signings,
            key_signings_week=[(unit, s) for unit, s in week_signings if s.key],
            movements=moved,
            fulfilment=ytd.fulfilment(),
            growth=growths,
            previous=previous,
            comparison=comparison if any(g is not None for g in growths.values()) else None,
            time_progress=time_progress(year, week_no),
            plans=merge_plans(this_week),
            has_targets=bool(targets),
            target_total=sum(targets.values(), ZERO) if targets else None,
            target_completion=(sum((r.ytd.funds for r in rows if r.target is not None), ZERO)
                               / sum(targets.values(), ZERO)) if any(targets.values()) else None,
        )

    def _last_year(self, config: Config, year: int, week_no: int) -> tuple[str | None, dict[str, Decimal | None]]:
        """Where last year's 到位资金 and 区外到位资金 through the same ISO week (its last week when
        this year has a week 53) come from, and the figures: last year's reports when they are
        complete (:meth:`_covers_last_year`), else ``baseline``, else ``None`` (never a comparison
        with part of a year, or with a stray file)."""
        through = min(week_no, weeks_in_year(year - 1))
        if self._covers_last_year(year, week_no, through):
            totals = self.combined(year - 1, 1, through).totals()
            return "reports", {"funds": totals.funds, "external_funds": totals.external_funds}
        for entry in config.baseline.get(year - 1, []):
            if entry.week == through:
                return "baseline", {"funds": entry.funds, "external_funds": entry.external_funds}
        return None, {"funds": None, "external_funds": None}

    def _covers_last_year(self, year: int, week_no: int, through: int) -> bool:
        """Whether every unit that reported in ``year`` up to ``week_no`` has a report for each
        week 1..``through`` of the year before."""
        reporting: set[str] = set()
        for (y, w), part in self.folds.items():
            if y == year and w <= week_no:
                reporting.update(part.units)
        for w in range(1, through + 1):
            part = self.folds.get((year - 1, w))
            if part is None or not reporting <= part.units.keys():
                return False
        return True


def build_briefing(reports: Iterable[Report], config: Config, week: str, issue: int, date: dt.date) -> Briefing:
    """Compute every figure of the briefing for ``week`` (``YYYY-Www``) from all reports."""
    tally = Tally(week)
    for report in reports:
        tally.add(report)
    return tally.briefing(config, week, issue, date)
