"""Projects that are probably one project reported twice: located warnings for the clerk.

Three levels, from the settled ledger (:class:`~briefing.figures.ledger.Settled`), each warning
placed at the later project's first item and naming the earlier one's ``file:line``:

* **L1**, claimed twice: the same ``code`` reported by two units (one project by the identity
  rule, counted once under the unit that reported it first), or the same normalised name and
  the same investor in two units (two projects until the clerk says otherwise; a generic name
  such as 生物质能源项目 with different investors is two projects, not a warning);
* **L2**, a rename: names at least 85% similar (:func:`~briefing.figures.identity.similar`) and the
  same investor, within a unit or across units;
* **L3**, possibly the same project under another name: same investor, same industry, signed
  amounts within 20% of each other, in the same unit (across units, a large investor signing
  similar projects with several counties is common and not a sign of a duplicate).

The clerk settles each in the config: ``same_project`` merges (and silences), ``distinct``
silences.  Cost: L2 and L3 only compare projects of the same (normalised) investor, never all
pairs; an "investor" named on more than :data:`CROWD` projects is a placeholder (某公司, 待定)
and says nothing about identity, so it is not compared.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Iterable

from briefing import fmt
from briefing.errors import WARNING, Problem
from briefing.figures.identity import investor_key, paired, similar
from briefing.figures.ledger import History, Settled
from briefing.report.config import Config

CROWD = 500
AMOUNT_SPREAD = Decimal("0.2")


def _investors(history: History) -> set[str]:
    items = [e.item for e in history.signings] + [r.item for r in history.reports]
    return {investor_key(item.investor) for item in items if item.investor}


def _codes(history: History) -> set[str]:
    return {e.item.code for e in history.signings if e.item.code} | {r.item.code for r in history.reports if r.item.code}


def duplicates(ledger: Settled, same_project: list[list[str]] = (), distinct: list[list[str]] = (),
               units: Iterable[str] = ()) -> list[Problem]:
    """The L1, L2 and L3 warnings (see the module docstring)."""
    pairs = [*same_project, *distinct]
    units = list(units)
    order = {unit: index for index, unit in enumerate(units)}
    found: list[Problem] = []
    warned: set[tuple[int, int]] = set()

    def ident(h: History, unit: str | None = None, key: str | None = None) -> tuple:
        node = next((n for n in h.nodes if n[0] == unit), h.nodes[0]) if unit else h.nodes[0]
        return (node[0], key or node[1], _codes(h))

    def warn(later: History, earlier: History, message: str, at: tuple | None = None, other: tuple | None = None) -> None:
        a, b = id(later), id(earlier)
        if (a, b) in warned or (b, a) in warned:
            return
        if pairs and paired(pairs, units, at or ident(later), other or ident(earlier)):
            return
        warned.add((a, b))
        place = later.first_place() if at is None else _place_of(later, at[0])
        found.append(Problem(*place, message, WARNING))

    # L1: the same code in two units
    for history in ledger.histories:
        if history.code is None:
            continue
        for unit in history.units[1:]:
            item_place = _place_of(history, unit)
            name = _name_of(history, unit)
            if pairs and paired(pairs, units, ident(history, unit), ident(history, history.unit)):
                continue
            found.append(Problem(*item_place, (
                f"项目编码“{history.code}”也由{history.unit}报送（{history.first_place()}，“{history.name}”），"
                f"这里是{unit}的“{name}”：同一项目由两个单位报送，只统计一次（计入{history.unit}）。"
                "请与对方核实由哪个单位报送；确属两个项目，请改正项目编码"), WARNING))
    # L1: the same name in two units
    by_name: dict[str, list[History]] = {}
    for history in ledger.histories:
        for unit, key in history.nodes:
            group = by_name.setdefault(key, [])
            if history not in group:
                group.append(history)
    for key, group in by_name.items():
        if len(group) < 2:
            continue
        first = group[0]
        for other in group[1:]:
            unit = next(u for u, k in other.nodes if k == key)
            if unit in first.units or not _investors(first) & _investors(other):
                continue
            warn(other, first, (
                f"{unit}的“{_name_of(other, unit)}”与{first.unit}的“{first.name}”（{first.first_place()}）名称相同："
                "可能是同一项目由两个单位重复报送。如确为同一项目，请在配置的 same_project 中加入 "
                f"[{first.unit}：{first.name}, {unit}：{_name_of(other, unit)}]（合并统计）；不是同一项目，加入 distinct（不再提示）"),
                at=ident(other, unit, key), other=ident(first, first.unit, key))
    # L2 and L3: within one investor
    buckets: dict[str, list[History]] = {}
    for history in ledger.histories:
        for investor in _investors(history):
            buckets.setdefault(investor, []).append(history)
    for investor, group in buckets.items():
        if len(group) < 2 or len(group) > CROWD:
            continue
        group.sort(key=lambda h: (h.first_week, order.get(h.unit, len(order)), h.name))
        for i, earlier in enumerate(group):
            for later in group[i + 1:]:
                if earlier.nodes[0][1] != later.nodes[0][1] and similar(earlier.nodes[0][1], later.nodes[0][1]):
                    warn(later, earlier, (
                        f"“{later.name}”（{later.unit}）与“{earlier.name}”（{earlier.unit}，{earlier.first_place()}）"
                        "名称相近、投资方相同：可能是同一项目改了名称。如确为同一项目，请在配置的 same_project 中加入 "
                        f"[{earlier.name}, {later.name}]（合并统计）；不是同一项目，加入 distinct（不再提示）"))
        signed = [(h.signing.item.industry, h.signing.item.investment, h) for h in group if h.signing is not None]
        signed.sort(key=lambda x: (x[0], x[1]))
        for i, (industry, amount, earlier) in enumerate(signed):
            for other_industry, other_amount, later in signed[i + 1:]:
                if other_industry != industry or other_amount - amount > AMOUNT_SPREAD * other_amount:
                    break
                if earlier.unit != later.unit:
                    continue
                first, second = sorted((earlier, later), key=lambda h: (h.first_week, order.get(h.unit, len(order))))
                warn(second, first, (
                    f"“{second.name}”（{second.unit}）与“{first.name}”（{first.unit}，{first.first_place()}）"
                    f"投资方相同、产业链相同（{industry}）、签约金额相近（{fmt.money(second.signing.item.investment)}亿元、"
                    f"{fmt.money(first.signing.item.investment)}亿元）：可能是同一项目换了名称。如确为同一项目，请在配置的"
                    f" same_project 中加入 [{first.name}, {second.name}]（合并统计）；不是同一项目，加入 distinct（不再提示）"))
    found.sort()
    return found


def ledger_problems(ledger: Settled, config: Config) -> list[Problem]:
    """Every warning the ledger has for the clerk: repeats, stages moving back, L1–L3."""
    return sorted(ledger.problems() + duplicates(ledger, config.same_project, config.distinct, config.unit_names))


def _place_of(history: History, unit: str):
    events = [(e.week, e.place) for e in history.signings if e.unit == unit]
    events += [(r.week, r.place) for r in history.reports if r.unit == unit]
    return min(events)[1] if events else history.first_place()


def _name_of(history: History, unit: str) -> str:
    events = [(e.week, e.item.name) for e in history.signings if e.unit == unit]
    events += [(r.week, r.item.name) for r in history.reports if r.unit == unit]
    return min(events)[1] if events else history.name
