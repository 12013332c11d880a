"""The project ledger (项目台账): every project's history over weeks and units, and what it means
for the figures.

:class:`Ledger` is a sink for contributions (the same cached contributions the briefing folds,
see :mod:`briefing.workspace.loading`): for every item it keeps only what the history needs,
keyed by node ``(unit, normalised name)``: signings (each with its place, ``path:line``) and one
compact report per week (stage, funds, place).  :meth:`Ledger.settle` then applies the identity
rule (:mod:`briefing.figures.identity`) and gives a :class:`Settled` ledger:

* one :class:`History` per project: its nodes, owner unit (the first to report it), signing,
  增资, the first week at each stage, funds by week, and its latest classification;
* a verdict on every signing (:data:`COUNT`, :data:`REPEAT`, :data:`INCREASE`): a project is
  counted as signed in the week it was first reported; later signings of it are repeats (a
  warning naming both places, nothing counted) unless marked ``increase``, when only the
  amount counts (签约总投资, never the number of signings);
* :meth:`Settled.corrections`: what the verdicts take away from each week's fold;
* warnings: repeats, and stages moving back (签约 → 开工 → 投产 only; the classification stays
  "latest report wins", so every breakdown still adds up);
* the briefing's ledger figures: 新开工/新投产 of a week, 履约率, movements, 督办 alerts.

Everything is for a week ``W`` computed from reports up to ``W`` only (rebuilding an old week
gives the same figures), except that identity unions come from every report.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Iterable, NamedTuple

from briefing.errors import WARNING, Problem
from briefing.figures.figures import ZERO, Contribution, Deferred, ProjectItem, SigningItem
from briefing.figures.identity import Identities
from briefing.report.model import FULFILLED_STAGES
from briefing.weeks import Week

COUNT, REPEAT, INCREASE = "count", "repeat", "increase"
STAGES = ("签约", "开工", "投产")
RANK = _RANK = {stage: index for index, stage in enumerate(STAGES)}
"""A stage's place in the order it is reached."""


class Place(NamedTuple):
    """Where an item is: file, line, column."""

    path: str
    line: int
    col: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass(slots=True)
class SigningEvent:
    """One signing as reported, and its verdict once settled."""

    week: Week
    unit: str
    index: int
    path: str
    item: SigningItem
    verdict: str = COUNT

    @property
    def place(self) -> Place:
        return Place(self.path, self.item.line, self.item.col)


class StageReport(NamedTuple):
    """One week's report of a project.  Its place is made when asked for: the item knows its
    line and column, and a year's ledger holds a hundred thousand of these."""

    week: Week
    unit: str
    item: ProjectItem
    path: str

    @property
    def place(self) -> Place:
        return Place(self.path, self.item.line, self.item.col)


@dataclass(slots=True)
class Track:
    """Everything reported under one node ``(unit, key)``."""

    unit: str
    key: str
    signings: list[SigningEvent] = field(default_factory=list)
    reports: list[StageReport] = field(default_factory=list)

    def first_week(self) -> Week:
        return min([e.week for e in self.signings] + [r.week for r in self.reports])


@dataclass(slots=True)
class History:
    """One project over time (an identity: one or more nodes)."""

    nodes: list[tuple[str, str]]
    unit: str
    """The owner: the unit that reported it first."""
    name: str
    code: str | None
    signings: list[SigningEvent]
    """Sorted by week; each with its verdict."""
    reports: list[StageReport]
    """Sorted by week."""

    @property
    def first_week(self) -> Week:
        return min([e.week for e in self.signings[:1]] + [r.week for r in self.reports[:1]])

    @property
    def label(self) -> str:
        """How the project is named in the ledger: its code and name, or its name."""
        return f"{self.code} {self.name}" if self.code else self.name

    @property
    def units(self) -> list[str]:
        return list(dict.fromkeys(unit for unit, _ in self.nodes))

    @property
    def signing(self) -> SigningEvent | None:
        """The signing that counts."""
        return next((e for e in self.signings if e.verdict == COUNT), None)

    @property
    def increases(self) -> list[SigningEvent]:
        return [e for e in self.signings if e.verdict == INCREASE]

    @property
    def key(self) -> bool:
        return any(e.item.key for e in self.signings)

    def latest(self, until: Week | None = None) -> StageReport | None:
        """The latest report up to ``until``."""
        found = None
        for report in self.reports:
            if until is not None and report.week > until:
                break
            found = report
        return found

    def first_at(self, stage: str, until: Week | None = None) -> Week | None:
        """The first week reported at ``stage`` or a later one (up to ``until``)."""
        rank = _RANK[stage]
        for report in self.reports:
            if until is not None and report.week > until:
                return None
            if _RANK[report.item.stage] >= rank:
                return report.week
        return None

    def funds_by_week(self, year: int | None = None) -> dict[Week, Decimal]:
        result: dict[Week, Decimal] = {}
        for report in self.reports:
            if year is None or report.week.year == year:
                result[report.week] = result.get(report.week, ZERO) + report.item.funds
        return result

    def last_week(self, until: Week | None = None) -> Week | None:
        """The latest week with a signing or a report (up to ``until``); both lists are sorted
        by week, so each is read from its end (the 督办 alerts ask this of every project)."""
        found = None
        for events in (self.signings, self.reports):
            for event in reversed(events):
                if until is None or event.week <= until:
                    if found is None or event.week > found:
                        found = event.week
                    break
        return found

    def first_place(self) -> Place:
        events = [(e.week, e.place) for e in self.signings] + [(r.week, r.place) for r in self.reports]
        return min(events)[1]


class Alert(NamedTuple):
    """A 督办 flag on a project as of a week."""

    history: History
    kind: str
    """``"overdue"`` (a key project signed long ago, not started) or ``"stale"`` (no report lately)."""
    weeks: int
    """Weeks since signing (overdue) or since the last report (stale)."""

    @property
    def name(self) -> str:
        return self.history.label

    @property
    def unit(self) -> str:
        return self.history.unit

    @property
    def since(self) -> str:
        """The week signed (overdue) or last reported (stale), as text."""
        if self.kind == "overdue" and self.history.signing is not None:
            return str(self.history.signing.week)
        return str(self.history.last_week())

    @property
    def text(self) -> str:
        if self.kind == "overdue":
            return f"重点项目签约{self.weeks}周仍未开工"
        return f"{self.weeks}周没有报告"


def weeks_between(earlier: Week, later: Week) -> int:
    """Whole weeks from ``earlier`` to ``later``."""
    return (later.first_day - earlier.first_day).days // 7


class Ledger:
    """Collects the items of contributions (a :class:`~briefing.workspace.loading.Sink`).

    A contribution from the cache is only kept (:meth:`add_deferred`): its tracks are made when
    first asked for, so a build whose ledger figures come from the cache
    (:meth:`briefing.figures.briefing.Tally.view`) never decodes it."""

    def __init__(self) -> None:
        self._tracks: dict[tuple[str, str], Track] = {}
        self._pending: list[tuple[Deferred, str]] = []
        self.weeks: set[Week] = set()

    def add(self, c: Contribution, report: Any = None, path: str = "") -> None:
        """One report's contribution, from the file ``path``."""
        self.weeks.add(c.week)
        self._track(c, path)

    def add_deferred(self, d: Deferred, path: str) -> None:
        """A contribution from the cache, decoded only when the tracks are first needed."""
        self.weeks.add(d.week)
        self._pending.append((d, path))

    @property
    def tracks(self) -> dict[tuple[str, str], Track]:
        """Every node's track (made from the contributions added so far)."""
        if self._pending:
            pending, self._pending = self._pending, []
            for d, path in pending:
                self._track(d.contribution(), path)
        return self._tracks

    def _track(self, c: Contribution, path: str) -> None:
        unit, week = c.unit, c.week
        tracks = self._tracks
        for index, item in enumerate(c.signings):
            track = tracks.get((unit, item.project))
            if track is None:
                track = tracks[(unit, item.project)] = Track(unit, item.project)
            track.signings.append(SigningEvent(week, unit, index, path, item))
        for item in c.projects:
            track = tracks.get((unit, item.key))
            if track is None:
                track = tracks[(unit, item.key)] = Track(unit, item.key)
            track.reports.append(StageReport(week, unit, item, path))

    def settle(self, same_project: list[list[str]] = (), units: Iterable[str] = ()) -> "Settled":
        """Identities resolved and every signing given its verdict."""
        units = list(units)
        order = {unit: index for index, unit in enumerate(units)}
        identities = Identities(same_project, units)
        groups: dict[tuple, list[Track]] = {}
        nodes = {}
        tracks = self.tracks
        for node_key, track in tracks.items():
            codes = {e.item.code for e in track.signings} | {r.item.code for r in track.reports}
            nodes[node_key] = identities.register(track.unit, track.key, codes)
        for node_key, node in nodes.items():
            groups.setdefault(identities.find(node), []).append(tracks[node_key])
        histories = []
        for tracks in groups.values():
            tracks.sort(key=lambda t: (t.first_week(), order.get(t.unit, len(order)), t.key))
            histories.append(_history(tracks, order))
        histories.sort(key=lambda h: (h.first_week, order.get(h.unit, len(order)), h.name))
        return Settled(histories, order)


def _history(tracks: list[Track], order: dict[str, int]) -> History:
    owner = tracks[0]
    last = len(order)  # sorted by week, unit, then place (path, line, column), without making places
    signings = sorted((e for t in tracks for e in t.signings),
                      key=lambda e: (e.week, order.get(e.unit, last), e.path, e.item.line, e.item.col))
    reports = sorted((r for t in tracks for r in t.reports),
                     key=lambda r: (r.week, order.get(r.unit, last), r.path, r.item.line, r.item.col))
    counted = False
    for event in signings:
        if event.item.increase:
            event.verdict = INCREASE
        elif counted:
            event.verdict = REPEAT
        else:
            event.verdict, counted = COUNT, True
    names = [e.item.name for e in signings if e.unit == owner.unit] + [r.item.name for r in reports if r.unit == owner.unit]
    # the name as first written by the owner; in one week the signing's name before the progress report's
    first = min([(e.week, 0, e.item.name) for e in signings if e.unit == owner.unit]
                + [(r.week, 1, r.item.name) for r in reports if r.unit == owner.unit])[2] if names else owner.key
    codes = [e.item.code for e in signings if e.item.code] + [r.item.code for r in reports if r.item.code]
    return History([(t.unit, t.key) for t in tracks], owner.unit, first, codes[0] if codes else None, signings, reports)


@dataclass(slots=True)
class Correction:
    """What a week's fold must lose for one unit and industry (repeats and 增资 not counted as signings)."""

    signings: int = 0
    investment: Decimal = ZERO
    key_signings: int = 0


class Settled:
    """The ledger with identities resolved (see the module docstring)."""

    def __init__(self, histories: list[History], order: dict[str, int]):
        self.histories = histories
        self.order = order
        self.by_node: dict[tuple[str, str], History] = {node: h for h in histories for node in h.nodes}

    # ------------------------------------------------------------ the figures

    def corrections(self) -> dict[Week, dict[tuple[str, str], Correction]]:
        """Per week, per (unit, industry): the signings, investment and key signings to take
        away from what the reports summed (a repeat: all of it; 增资: the count only)."""
        result: dict[Week, dict[tuple[str, str], Correction]] = {}
        for history in self.histories:
            for event in history.signings:
                if event.verdict == COUNT:
                    continue
                fix = result.setdefault(event.week, {}).setdefault((event.unit, event.item.industry), Correction())
                fix.signings += 1
                fix.key_signings += event.item.key
                if event.verdict == REPEAT:
                    fix.investment += event.item.investment
        return result

    def merged_nodes(self) -> dict[tuple[str, str], tuple[str, str]]:
        """Nodes of projects with more than one node → the owner's node (what folds re-key by)."""
        return {node: h.nodes[0] for h in self.histories if len(h.nodes) > 1 for node in h.nodes[1:]}

    def verdicts(self, week: Week) -> dict[tuple[str, int], str]:
        """``(unit, index) → verdict`` for the signings reported in ``week``."""
        return {(e.unit, e.index): e.verdict for h in self.histories for e in h.signings if e.week == week}

    def key_signings(self, year: int, until: Week) -> list[tuple[History, SigningEvent, bool]]:
        """The year's counted key signings up to ``until``, each with whether its project was
        reported at 开工 or 投产 in the same or a later week (up to ``until``)."""
        found = []
        for history in self.histories:
            event = history.signing
            if event is None or not event.item.key or event.week.year != year or event.week > until:
                continue
            done = any(event.week <= r.week <= until and r.item.stage in FULFILLED_STAGES for r in history.reports)
            found.append((history, event, done))
        found.sort(key=lambda x: (x[1].week, self.order.get(x[1].unit, len(self.order))))
        return found

    def stage_counts(self, week: Week) -> dict[str, int]:
        """新开工 / 新投产: projects first reported at 开工 (or beyond) / at 投产 in ``week``."""
        return {stage: sum(1 for h in self.histories if h.first_at(stage, week) == week) for stage in ("开工", "投产")}

    def stage_before(self, unit: str, key: str, week: Week) -> str | None:
        """The stage a project was last reported at before ``week`` (any unit, any year)."""
        history = self.by_node.get((unit, key))
        if history is None:
            return None
        before = None
        for report in history.reports:
            if report.week >= week:
                break
            before = report.item.stage
        return before

    def alerts(self, week: Week, overdue_weeks: int, stale_weeks: int) -> list[Alert]:
        """督办 flags as of ``week``: key projects signed more than ``overdue_weeks`` ago and not
        started; projects (not yet 投产) with no report for ``stale_weeks`` or more."""
        found = []
        for history in self.histories:
            last = history.last_week(week)
            if last is None:
                continue
            event = history.signing
            if event is not None and event.week <= week and history.key:
                since = weeks_between(event.week, week)
                if since > overdue_weeks and history.first_at("开工", week) is None:
                    found.append(Alert(history, "overdue", since))
                    continue
            latest = history.latest(week)
            idle = weeks_between(last, week)
            if idle >= stale_weeks and (latest is None or latest.item.stage != "投产"):
                found.append(Alert(history, "stale", idle))
        return found

    # ------------------------------------------------------------ warnings

    def problems(self) -> list[Problem]:
        """Repeated signings and stages moving back, located at the later item."""
        found = []
        for history in self.histories:
            counted = history.signing
            for event in history.signings:
                if event.verdict != REPEAT or counted is None:
                    continue
                found.append(Problem(*event.place, (
                    f"项目“{event.item.name}”已在 {counted.week} 报过签约（{counted.place}，{counted.unit}），"
                    f"这里按重复报送处理，不再计入签约项目数和签约总投资。如果是追加投资，请加一行“increase: true”，"
                    "总投资只填追加的金额；如果是另一个项目，请改用能区分的名称或填写项目编码"), WARNING))
            top: StageReport | None = None
            for report in history.reports:
                if top is not None and _RANK[report.item.stage] < _RANK[top.item.stage]:
                    found.append(Problem(*report.place, (
                        f"项目“{report.item.name}”的阶段从“{top.item.stage}”退回“{report.item.stage}”："
                        f"{top.week} 已报“{top.item.stage}”（{top.place}），{report.week} 报“{report.item.stage}”。"
                        "阶段只能向前（签约→开工→投产），请核对；简报按最新一周的阶段分类"), WARNING))
                if top is None or _RANK[report.item.stage] > _RANK[top.item.stage]:
                    top = report
        return found
