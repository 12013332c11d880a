"""The briefing of one week: every figure it shows, computed from the folds of the weeks.

:class:`Tally` keeps one :class:`~briefing.figures.fold.Fold` per ISO week and the full
reports of the briefing's own week (for section 二 and the week's signings); nothing else stays
in memory, so a province's year of reports fits in a few MB.  :meth:`Tally.briefing` combines
the folds it needs into a :class:`Briefing`: the week's and the year's totals, the per-unit,
per-industry and per-province rows, targets and ranks, 同比, key signings and their fulfilment,
stage movements, the merged problems and plans, and the :class:`~briefing.figures.assessment.Assessment`
the evaluative prose is written from.  Editions only decide how to print it.

Every report also goes into the project ledger (:mod:`briefing.figures.ledger`); settled once,
it corrects the week folds (a signing counts once, in the week first reported) and gives the
movements, 新开工/新投产, 履约率 and the 督办 alerts, all by project identity.  What the briefing
takes from it is a :class:`~briefing.figures.ledger_view.LedgerView`, taken from the workspace
cache when the contributions are exactly those it was computed from (:meth:`Tally.view`).

The briefing for week W only uses reports up to W: rebuilding an old week gives the same text.
A year with an opening balance (config ``opening``, :mod:`briefing.figures.opening`) starts
with its fold at the opening's last week; reports for the weeks it covers are not counted
(:attr:`Tally.covered` names them).
同比 compares with last year's reports through the same week when they are complete, else with
the config's baseline, else not at all (:meth:`Tally._last_year`).
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

from briefing.errors import Problem
from briefing.figures import assessment as judge
from briefing.figures.assessment import Assessment
from briefing.figures.figures import ZERO, Contribution, Deferred, Figures
from briefing.figures.fold import Fold, Fulfilment, IndustryRow, ProvinceRow
from briefing.figures.ledger import COUNT, RANK, REPEAT, Ledger, Settled
from briefing.figures.ledger_view import Flag, LedgerView
from briefing.figures.week_figures import WeekFigures
from briefing.report.config import Config
from briefing.report.model import FULFILLED_STAGES, Report, Signing, Trip
from briefing.weeks import Week


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
    """A 下一步工作 (or 存在问题) item and the units that wrote it."""

    text: str
    units: list[str]


@dataclass
class Briefing:
    """Everything a briefing shows, computed; formats only decide how to print it."""

    config: Config
    week: Week
    year: int
    week_no: int
    issue: int | None
    """期号; ``None`` for a draft."""
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
    """Units that reported nothing to tell this week (no trip, event, signing, project or
    highlight): named once instead of a section, never beside a section of their own."""
    missing_units: list[str]
    week_signings: list[tuple[str, Signing]]
    key_signings_week: list[tuple[str, Signing]]
    movements: list[Movement]
    fulfilment: Fulfilment
    growth: dict[str, Decimal | None]
    previous: dict[str, Decimal | None]
    time_progress: Decimal
    plans: list[Plan]
    problems: list[Plan] = field(default_factory=list)
    """存在问题 of the week's reports, merged like ``plans``."""
    assessment: Assessment | None = None
    count_growth: dict[str, Decimal | None] = field(default_factory=dict)
    """同比 of ``projects``, ``trips``, ``signings`` (year to date): only from last year's reports
    (the baseline has funds only); ``None`` where there is nothing to compare with."""
    headline: str | None = None
    """The clerk's headline (``build --headline`` or the config); ``None``: generated from the figures."""
    editor_note: str | None = None
    """编者按 (``build --note`` or the config), printed under the headline."""
    has_targets: bool = False
    target_total: Decimal | None = None
    """Sum of the units' annual targets."""
    target_completion: Decimal | None = None
    """Year-to-date funds of the units that have a target, over ``target_total``."""
    draft: bool = False
    """A draft (征求意见稿): no 期号, and it says so."""
    correction: int = 0
    """A correction of a published issue (1 for the first): the 期号 stays, （更正） is added."""
    stage_counts: dict[str, int] = field(default_factory=dict)
    """新开工 / 新投产 this week: projects first reported at 开工 / 投产 (from the ledger)."""
    ledger_alerts: list[Flag] = field(default_factory=list)
    """督办 flags as of this week (:meth:`briefing.figures.ledger.Settled.alerts`)."""
    overdue: list[Flag] = field(default_factory=list)
    """The key projects signed more than ``ledger.overdue_weeks`` ago and not started."""
    comparison: str | None = None
    """Where 同比 comes from: ``"reports"`` (last year's reports), ``"baseline"`` (the config's
    去年同期累计数) or ``None`` (no 同比 is printed)."""
    week_funds: dict[Week, Decimal] = field(default_factory=dict)
    """到位资金 of each week that has reports, last year's and this year's through the briefing's
    week (the charts' weekly cumulative line; weeks without reports are absent, not zero)."""

    @property
    def issue_text(self) -> str:
        """The 期号 line of the masthead, the same in every edition: ``第6期``,
        ``第6期（更正）``, or ``第　期（征求意见稿）`` for a draft."""
        if self.draft or self.issue is None:
            return "第　期（征求意见稿）"
        return f"第{self.issue}期（更正）" if self.correction else f"第{self.issue}期"


    @property
    def week_trips(self) -> list[tuple[str, Trip]]:
        """This week's trips with their units, in briefing order and by date."""
        return [(s.unit, trip) for s in self.sections for trip in sorted(s.report.trips, key=lambda t: t.start)]


def growth(current: Decimal, previous: Decimal | None) -> Decimal | None:
    """(current − previous) / previous, or ``None`` when there is nothing to compare with."""
    if previous is None or previous == 0:
        return None
    return (Decimal(current) - previous) / previous


def time_progress(week: Week) -> Decimal:
    """Share of the calendar year gone by the Sunday that ends ``week``."""
    year = week.year
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    sunday = week.last_day
    sunday = min(max(sunday, first), last)
    return Decimal((sunday - first).days + 1) / Decimal((last - first).days + 1)


def rank_completion(rows: list[UnitRow]) -> None:
    """Set ``rank`` (1 = best 完成率; ties share a rank) on rows that have a target."""
    ranked = sorted((row for row in rows if row.completion is not None), key=lambda row: -row.completion)
    for row in ranked:
        row.rank = 1 + sum(1 for other in ranked if other.completion > row.completion)


def movements(week_reports: list[Report], ledger: LedgerView) -> list[Movement]:
    """Projects of this week whose stage moved forward from their latest earlier report (the
    project as the ledger identifies it), or that appear for the first time already started.
    A move back is not a movement (the ledger warns about it)."""
    moved = []
    for report in week_reports:
        for item in report.projects:
            stage = ledger.stage_before(report.unit, item.match_key)
            if (stage is None and item.stage in FULFILLED_STAGES) or (stage is not None and RANK[item.stage] > RANK[stage]):
                moved.append(Movement(report.unit, item.project, item.investor, stage, item.stage, item.funds))
    return moved


def merge_plans(reports: list[Report], name: str = "plans") -> list[Plan]:
    """The units' 下一步工作 (``name="problems"``: 存在问题), de-duplicated (same text up to
    spacing and final punctuation)."""
    merged: dict[str, Plan] = {}
    for report in reports:
        for text in getattr(report, name):
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

    def __init__(self, week: Week | None = None, config: Config | None = None):
        self._folds: dict[Week, Fold] = {}
        self._nodes: dict[tuple[str, str], tuple[str, str]] = {}
        """The week folds' project keys, one of each (see :class:`Fold`)."""
        self._deferred: list[tuple[Deferred, str]] = []
        """Cached contributions not decoded yet (see :meth:`add_deferred`)."""
        self.weeks: set[Week] = set()
        """Every week with a report (or an opening balance)."""
        self.keep = week
        self.kept: list[Report | str] = []
        self.kept_week: Week | None = None
        self.openings: dict[int, Week] = {}
        """Year → the last week its opening balance covers."""
        self.covered: list[tuple[str, Week]] = []
        """Files (and their weeks) left out because an opening balance covers their week."""
        self.paths: dict[str, Week] = {}
        """Every file folded in, and its week (what a published issue was made of)."""
        if config is not None:
            from briefing.figures.opening import opening_fold

            for year, opening in config.opening.items():
                through = Week(year, opening.through)
                self.openings[year] = through
                self._folds[through] = opening_fold(config, year)
                self.weeks.add(through)
        self.ledger = Ledger()
        self._settled: Settled | None = None
        self._view: LedgerView | None = None
        self._corrected = False
        self.derived = None
        """Where results derived from exactly the contributions added are cached
        (:class:`briefing.workspace.cache.Derived`, set by whoever loaded them; ``None``: nowhere)."""
        if config is not None and config.opening:
            from briefing.figures.opening import opening_contributions

            for year in config.opening:
                for c in opening_contributions(config, year):
                    self.ledger.add(c, None, "briefing.yaml（期初数）")

    def add(self, c: Contribution, report: Report | None, path: str) -> None:
        """Fold in one report's contribution; ``report`` is the report itself, or ``None`` when
        it came from the cache (then ``path``, its file, is kept to read it again if needed)."""
        if self._keep(c.week, report, path):
            self._fold(c, path)

    def add_deferred(self, d: Deferred, path: str) -> None:
        """A contribution from the cache, not decoded: only its unit and week are read now.  It is
        decoded and folded in when the folds or the ledger are first needed, which a rebuild of
        an unchanged workspace never does (:meth:`figures`, :meth:`view`)."""
        if self._keep(d.week, None, path):
            self._deferred.append((d, path))

    def _keep(self, week: Week, report: Report | None, path: str) -> bool:
        """Record a file of ``week`` (and its report, for the kept week); whether it counts."""
        through = self.openings.get(week.year)
        if through is not None and week <= through:
            self.covered.append((path, week))
            return False
        self.paths[path] = week
        self.weeks.add(week)
        if self.keep is None or week == self.keep:
            if self.kept_week is None or week > self.kept_week:
                self.kept, self.kept_week = [], week
            if week == self.kept_week:
                self.kept.append(report if report is not None else path)
        return True

    def _fold(self, c: Contribution, path: str) -> None:
        fold = self._folds.get(c.week)
        if fold is None:
            fold = self._folds[c.week] = Fold(self._nodes)
        fold.add(c)
        self.ledger.add(c, None, path)

    @property
    def folds(self) -> dict[Week, Fold]:
        """One fold per week: every contribution folded in (deferred ones decoded now), and once
        the ledger view is known, corrected by it."""
        if self._deferred:
            deferred, self._deferred = self._deferred, []
            for d, path in deferred:
                self._fold(d.contribution(), path)
        if self._view is not None and not self._corrected:
            self._corrected = True
            for fixed_week, fixes in self._view.corrections.items():
                self._folds[fixed_week].correct(fixes)
            if self._view.merged:
                for fold in self._folds.values():
                    fold.rekey(self._view.merged)
        return self._folds

    def missing(self) -> list[str]:
        """Paths of the kept week's files that arrived only as contributions."""
        return [item for item in self.kept if isinstance(item, str)]

    def supply(self, reports: dict[str, Report]) -> None:
        """The reports of :meth:`missing`, by path."""
        self.kept = [reports[item] if isinstance(item, str) else item for item in self.kept]

    def latest_week(self) -> Week | None:
        """The latest ISO week any report is for."""
        return max(self.weeks) if self.weeks else None

    def has_week(self, week: Week) -> bool:
        """Whether any report is for ``week``."""
        return week in self.weeks

    def combined(self, year: int, first: int, last: int) -> Fold:
        """One fold of the weeks ``first..last`` of ISO ``year``."""
        result = Fold()
        for week, part in sorted(self.folds.items()):
            if week.year == year and first <= week.number <= last:
                result.merge(part)
        return result

    def _settle(self, config: Config) -> Settled:
        """The ledger settled (identities, counting once), once."""
        if self._settled is None:
            self.folds  # every deferred contribution into the ledger too
            self._settled = self.ledger.settle(config.same_project, config.unit_names)
        return self._settled

    def view(self, config: Config, week: Week) -> LedgerView:
        """What the briefing of ``week`` takes from the ledger: from :attr:`derived` when it was
        computed from these very contributions (and this config and code), else settled here and
        stored there.  The week folds are corrected by it (a repeated signing or 增资 is not
        counted as a signing, nodes found to be one project are one rollup) when next used."""
        if self._view is not None and self._view.week == week:
            return self._view
        name = f"briefing-ledger {week}"
        view = self.derived.load(name, LedgerView.from_plain) if self.derived is not None else None
        if view is None or view.week != week:
            view = LedgerView.of(self._settle(config), config, week)
            self._settled, self.ledger = None, Ledger()  # all the briefing needs is in the view: memory back
            if self.derived is not None:
                self.derived.put(name, view.to_plain())
        if self._view is not None and self._corrected:
            raise ValueError("the folds were corrected for another week's view")  # never: one week per tally
        self._view = view
        return view

    def problems(self, config: Config, week: Week) -> list[Problem]:
        """The ledger's warnings: repeated signings, stages moving back, probable duplicates."""
        return self.view(config, week).problems

    def briefing(self, config: Config, week: Week, issue: int | None, date: dt.date) -> Briefing:
        """Compute every figure of the briefing for ``week``."""
        year, week_no = week.year, week.number
        if self.kept_week != week:
            raise ValueError(f"the reports of {week} were not kept")
        if self.missing():
            raise ValueError("the kept week's reports were not supplied")
        ledger = self.view(config, week)
        sums = self.figures(config, week)
        units = config.unit_names
        order = {unit: index for index, unit in enumerate(units)}
        this_week = sorted(self.kept, key=lambda r: order.get(r.unit, len(order)))
        moved = movements(this_week, ledger)
        verdicts = ledger.verdicts
        alerts = ledger.alerts

        week_by_unit, ytd_by_unit = sums.week_by_unit, sums.ytd_by_unit
        targets = config.targets.get(year, {})
        rows = []
        for unit in units:
            row = UnitRow(unit, week_by_unit[unit], ytd_by_unit[unit], targets.get(unit))
            if row.target:
                row.completion = row.ytd.funds / row.target
            rows.append(row)
        rank_completion(rows)

        ytd_totals = sums.ytd_totals
        comparison, previous = sums.comparison, sums.previous
        growths = {name: growth(getattr(ytd_totals, name), value) for name, value in previous.items()}
        week_signings = [(r.unit, s) for r in this_week for index, s in enumerate(r.signings)
                         if verdicts.get((r.unit, index), COUNT) != REPEAT]
        sections = [UnitSection(r.unit, r, week_by_unit[r.unit]) for r in this_week]
        b = Briefing(
            config=config, week=week, year=year, week_no=week_no, issue=issue, date=date,
            week_start=week.first_day, week_end=week.last_day,
            week_totals=sums.week_totals, ytd_totals=ytd_totals, units=rows,
            industries=sums.industries, provinces=sums.provinces,
            sections=[s for s in sections if s.has_content],
            quiet_units=[s.unit for s in sections if not s.has_content],  # named once: no section of its own
            missing_units=[unit for unit in units if unit not in {r.unit for r in this_week}],
            week_signings=week_signings,
            key_signings_week=[(unit, s) for unit, s in week_signings if s.key and not s.increase],
            movements=moved,
            fulfilment=Fulfilment(list(ledger.key_signings)),
            stage_counts=dict(ledger.stage_counts),
            ledger_alerts=alerts,
            overdue=[a for a in alerts if a.kind == "overdue"],
            growth=growths,
            previous=previous,
            comparison=comparison if any(g is not None for g in growths.values()) else None,
            time_progress=time_progress(week),
            plans=merge_plans(this_week),
            problems=merge_plans(this_week, "problems"),
            count_growth=sums.count_growth,
            headline=config.headline, editor_note=config.editor_note,
            has_targets=bool(targets),
            target_total=sum(targets.values(), ZERO) if targets else None,
            target_completion=(sum((r.ytd.funds for r in rows if r.target is not None), ZERO)
                               / sum(targets.values(), ZERO)) if any(targets.values()) else None,
            week_funds=sums.week_funds,
        )
        b.assessment = self._assess(b, sums)
        return b

    def figures(self, config: Config, week: Week) -> WeekFigures:
        """The year's sums for the briefing of ``week`` (see :mod:`briefing.figures.week_figures`):
        from :attr:`derived` when computed from these very contributions, else from the folds
        (corrected by the ledger) and stored there."""
        name = f"briefing-figures {week}"
        sums = self.derived.load(name, WeekFigures.from_plain) if self.derived is not None else None
        if sums is not None and sums.week == week:
            return sums
        self.view(config, week)  # the folds are corrected by the ledger before they are summed
        folds, units, year = self.folds, config.unit_names, week.year
        week_fold = folds.get(week, Fold())
        ytd = self.combined(year, 1, week.number - 1)
        ytd.merge(week_fold)
        ytd_totals = ytd.totals()
        comparison, previous = self._last_year(config, week)
        before = folds.get(week.previous())
        sums = WeekFigures(
            week=week, week_totals=week_fold.totals(), ytd_totals=ytd_totals,
            week_by_unit=week_fold.by_unit(units), ytd_by_unit=ytd.by_unit(units),
            industries=ytd.by_industry(config.industries), provinces=ytd.by_province(),
            comparison=comparison, previous=previous,
            count_growth=self._count_growth(week, ytd_totals, comparison),
            week_funds={other: part.totals().funds for other, part in sorted(folds.items())
                        if year - 1 <= other.year and other <= week},
            before=before.totals() if before is not None else None,
            comparable=before is not None and before.units.keys() == week_fold.units.keys())
        if self.derived is not None:
            self.derived.put(name, sums.to_plain())
        return sums

    def _assess(self, b: Briefing, sums: WeekFigures) -> Assessment:
        """The figures of the evaluative prose (see :mod:`briefing.figures.assessment`)."""
        config = b.config
        teams = config.team_units
        started, produced = judge.stage_counts(b.movements)
        key_projects = {(item.unit, item.project) for item in b.fulfilment.items}
        return Assessment(
            standing=judge.standing(b.units, b.time_progress, b.target_completion),
            counties=judge.group(b.units, [unit for unit in config.unit_names if unit not in teams]),
            teams=judge.group(b.units, teams),
            external_share=judge.ratio(b.ytd_totals.external_funds, b.ytd_totals.funds),
            week_on_week=judge.week_on_week(b.week_totals, sums.before, sums.comparable),
            started=started, produced=produced,
            named_movements=judge.named_movements(b.movements, key_projects, config.key_projects),
            movement_funds=sum((m.funds for m in b.movements), ZERO),
        )

    def _count_growth(self, week: Week, ytd_totals: Figures, comparison: str | None) -> dict[str, Decimal | None]:
        """同比 of the year's project, trip and signing counts, from last year's reports only."""
        names = ("projects", "trips", "signings")
        if comparison != "reports":
            return dict.fromkeys(names)
        last = self.combined(week.year - 1, 1, week.same_week_last_year().number).totals()
        return {name: growth(getattr(ytd_totals, name), getattr(last, name)) for name in names}

    def _last_year(self, config: Config, week: Week) -> tuple[str | None, dict[str, Decimal | None]]:
        """Where last year's 到位资金 and 区外到位资金 through the same ISO week (its last week when
        this year has a week 53) come from, and the figures: last year's reports when they are
        complete (:meth:`_covers_last_year`), else ``baseline``, else ``None`` (never a comparison
        with part of a year, or with a stray file)."""
        year, through = week.year, week.same_week_last_year().number
        if self._covers_last_year(week, through):
            totals = self.combined(year - 1, 1, through).totals()
            return "reports", {"funds": totals.funds, "external_funds": totals.external_funds}
        for entry in config.baseline.get(year - 1, []):
            if entry.week == through:
                return "baseline", {"funds": entry.funds, "external_funds": entry.external_funds}
        return None, {"funds": None, "external_funds": None}

    def _covers_last_year(self, week: Week, through: int) -> bool:
        """Whether every unit that reported in ``week``'s year up to ``week`` has a report for
        each week 1..``through`` of the year before."""
        reporting: set[str] = set()
        for other, part in self.folds.items():
            if other.year == week.year and other <= week:
                reporting.update(part.units)
        opening = self.openings.get(week.year - 1)
        if opening is not None and through < opening.number:
            return False  # the opening is one sum up to its week: last year through an earlier week is unknown
        for number in range(1, through + 1):
            if opening is not None and number <= opening.number:
                continue  # the opening balance stands for every unit's weeks up to it
            part = self.folds.get(Week(week.year - 1, number))
            if part is None or not reporting <= part.units.keys():
                return False
        return True
