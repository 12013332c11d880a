"""The plain figures the briefing's evaluative prose is written from.

``prose.j2`` says "完成年度目标的38.3%，超时序进度5.4个百分点", names the units leading and
trailing in 完成率, gives 同比, 环比 and shares, counts the outbound teams apart from the
counties and the week's projects by stage.  Every such statement must be true for the data,
so the decisions (is there a target? are the two weeks comparable? who is tied with whom?)
are made here, in Python, and the template only picks wording: a figure that is ``None`` or a
list that is empty means "leave the sentence out".

Choices:

* 完成率 vs 时序进度 compares the year-to-date funds of the units that have a target with the
  sum of the targets (:attr:`Briefing.target_completion`), in percentage points: the difference
  of the two percentages as printed (38.3% − 32.9% = 5.4, never 5.5 from the unrounded
  figures), so a reader's subtraction agrees; "持平" when they print alike.  A unit is ahead
  when its printed 完成率 is above the printed 时序进度.
* Leaders are the units ranked 1 and 2 (ties all named), named when at least three units have
  a target; trailers those ranked in the last two places, named only when at least four units
  have a target (so no unit leads and trails) and not more than half of them are tied there.
* 环比 compares this week with the week before only when the same units reported in both
  (otherwise a change in who reported would pass for a change in the work).
* A stage change counts as 新开工 when the project reaches 开工 from 签约 (or first appears at
  开工) and as 新投产 when it reaches 投产; the named projects are the key signings' first,
  then by this week's funds, at most ``Config.key_projects``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from briefing.figures.figures import ZERO, Figures
from briefing.report.fields import project_key

TENTH_OF_A_POINT = Decimal("0.1")


@dataclass
class RankGroup:
    """Units sharing one place in the 完成率 ranking."""

    rank: int
    units: list[str]


@dataclass
class Standing:
    """完成率 against 时序进度, and who leads and trails."""

    points: Decimal | None = None
    """(完成率 − 时序进度) in percentage points, ``None`` without targets."""
    ranked: int = 0
    """Units with a target."""
    ahead: int = 0
    """Units whose 完成率 is above 时序进度."""
    leaders: list[RankGroup] = field(default_factory=list)
    trailers: list[RankGroup] = field(default_factory=list)

    @property
    def lead_text_kind(self) -> str:
        """How the leaders are said: ``"two"`` (A、B分列前两位), ``"tied"`` (A、B并列第一),
        ``"first_then_tied"`` (A居首位，B、C并列第二) or ``""`` (nothing to say)."""
        if not self.leaders:
            return ""
        if len(self.leaders[0].units) > 1:
            return "tied"
        if len(self.leaders) > 1 and len(self.leaders[1].units) > 1:
            return "first_then_tied"
        return "two" if len(self.leaders) > 1 else "first"

    @property
    def trailer_units(self) -> list[str]:
        return [unit for group in self.trailers for unit in group.units]


@dataclass
class Group:
    """Figures of a group of units (the counties and parks, or the outbound teams)."""

    units: list[str]
    week: Figures
    ytd: Figures


@dataclass
class Assessment:
    """Everything the evaluative sentences need, decided."""

    standing: Standing
    counties: Group
    teams: Group
    external_share: Decimal | None
    """区外到位资金 / 到位资金, year to date (``None`` when there are no funds)."""
    week_on_week: dict[str, Decimal | None]
    """环比 of this week's ``funds`` and ``trips`` (``None``: not comparable or nothing to compare with)."""
    started: int
    """Projects that started (开工) this week."""
    produced: int
    """Projects that went into production (投产) this week."""
    named_movements: list = field(default_factory=list)
    """The stage changes named in the prose (at most ``Config.key_projects``)."""
    movement_funds: Decimal = ZERO
    """This week's funds of the projects in the 项目推进 table."""


def standing(rows, time_progress: Decimal, completion: Decimal | None) -> Standing:
    """The ranking's story, from the unit rows (with ``rank`` set)."""
    result = Standing()
    ranked = [row for row in rows if row.rank is not None]
    result.ranked = len(ranked)
    if completion is None or not ranked:
        return result
    progress = as_printed(time_progress)
    result.points = as_printed(completion) - progress
    result.ahead = sum(1 for row in ranked if as_printed(row.completion) > progress)
    if len(ranked) < 3:
        return result  # too few to rank aloud
    groups: dict[int, list[str]] = {}
    for row in sorted(ranked, key=lambda row: row.rank):
        groups.setdefault(row.rank, []).append(row.unit)
    ordered = [RankGroup(rank, units) for rank, units in groups.items()]
    result.leaders = [group for group in ordered if group.rank <= 2]
    if len(ranked) >= 4:
        last_places = len(ranked) - 1  # ranks that end in the last two places
        result.trailers = [group for group in ordered
                           if group.rank + len(group.units) - 1 >= last_places and group not in result.leaders]
        if sum(len(group.units) for group in result.trailers) > len(ranked) // 2:
            result.trailers = []  # half the units tied at the bottom: no one to single out
    return result


def as_printed(ratio: Decimal) -> Decimal:
    """A ratio in percent as the briefing prints it (one decimal, half up), so that the
    difference in 百分点 is the difference of the printed figures."""
    return (Decimal(ratio) * 100).quantize(TENTH_OF_A_POINT, rounding=ROUND_HALF_UP)


def group(rows, units: list[str]) -> Group:
    """The summed figures of ``units`` (unit rows of the briefing)."""
    chosen = [row for row in rows if row.unit in units]
    return Group([row.unit for row in chosen], sum((row.week for row in chosen), Figures()),
                 sum((row.ytd for row in chosen), Figures()))


def ratio(part: Decimal, whole: Decimal) -> Decimal | None:
    return Decimal(part) / Decimal(whole) if whole else None


def change(current, previous) -> Decimal | None:
    """(current − previous) / previous, or ``None`` without a previous figure."""
    if previous is None or previous == 0:
        return None
    return (Decimal(current) - Decimal(previous)) / Decimal(previous)


def week_on_week(this: Figures, before: Figures | None, comparable: bool) -> dict[str, Decimal | None]:
    """环比 of the week's funds and trips, when the two weeks are comparable."""
    if before is None or not comparable:
        return {"funds": None, "trips": None}
    return {"funds": change(this.funds, before.funds), "trips": change(this.trips, before.trips)}


def stage_counts(moves) -> tuple[int, int]:
    """(新开工, 新投产) among this week's stage changes."""
    started = sum(1 for m in moves if m.stage == "开工" and m.before in (None, "签约"))
    produced = sum(1 for m in moves if m.stage == "投产" and m.before != "投产")
    return started, produced


def named_movements(moves, key_projects: set[tuple[str, str]], limit: int) -> list:
    """The stage changes worth naming: key signings' projects first, then by this week's funds."""
    forward = [m for m in moves if m.stage in ("开工", "投产")]
    keys = {(unit, project_key(name)) for unit, name in key_projects}  # names as written or keys: one identity
    ranked = sorted(forward, key=lambda m: ((m.unit, project_key(m.project)) not in keys, -m.funds))
    return ranked[:max(limit, 0)]
