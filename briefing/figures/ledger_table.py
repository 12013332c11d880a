"""The project ledger (项目台账) as rows: one per project active in a year, with its 督办 flags.

:func:`ledger_table` turns a settled ledger (:class:`~briefing.figures.ledger.Settled`) into
:class:`LedgerRow` objects for the editions (Excel, Markdown: :mod:`briefing.editions.ledger_xlsx`)
and :func:`history_lines` tells one project's story in Chinese for ``briefing project``.  A
project is in year Y's ledger when it was signed or reported in Y; flags are as of the latest
week of Y that has reports.  :meth:`LedgerTable.to_plain` and :meth:`LedgerTable.from_plain`
carry a table through the workspace cache (:class:`briefing.workspace.cache.Derived`), so an
unchanged workspace's ledger is not settled again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from briefing import fmt
from briefing.figures.figures import ZERO
from briefing.figures.ledger import Alert, History, Settled
from briefing.figures.ledger_view import checked_bool, checked_int, checked_str
from briefing.report.config import Config
from briefing.weeks import Week


@dataclass
class LedgerRow:
    """One project in the ledger."""

    project: str
    """Its code and name, or its name."""
    unit: str
    investor: str
    industry: str
    origin: str
    """In the bureau's words (``external_label``: 区外/省外 …)."""
    kind: str
    signed_on: str
    """签约日期 (ISO), or ``""``."""
    investment: Decimal | None
    increase: Decimal | None
    """增资 in the year, if any."""
    signed: Week | None
    started: Week | None
    producing: Week | None
    funds: dict[Week, Decimal]
    total_funds: Decimal
    key: bool
    flags: list[str] = field(default_factory=list)
    ref: str = ""
    """What ``briefing project`` finds it by: its code, else its name."""

    @property
    def flag_text(self) -> str:
        return "；".join(self.flags)

    @property
    def stage(self) -> str:
        """The furthest stage its 签约/开工/投产 weeks show it has reached (``""``: none)."""
        return "投产" if self.producing else "开工" if self.started else "签约" if self.signed else ""


@dataclass
class LedgerTable:
    """A year's ledger: rows, the weeks shown as columns, and the week the flags are as of."""

    year: int
    as_of: Week
    weeks: list[Week]
    rows: list[LedgerRow]
    years: list[int] = field(default_factory=list)
    """Every year with reports (the ledgers there are)."""

    def to_plain(self) -> tuple:
        """Strings, numbers, tuples and dicts only (weeks as ``(year, number)``, amounts as text)."""
        return ((self.year, _plain_week(self.as_of), tuple(_plain_week(w) for w in self.weeks),
                 tuple(self.years), tuple(_plain_row(row) for row in self.rows)))

    @classmethod
    def from_plain(cls, data: tuple) -> "LedgerTable":
        """The inverse of :meth:`to_plain`; raises on anything malformed (a cache miss)."""
        year, as_of, weeks, years, rows = data
        return cls(checked_int(year), _week(as_of), [_week(w) for w in weeks], [_read_row(row) for row in rows],
                   [checked_int(y) for y in years])


def _plain_week(week: Week | None) -> tuple | None:
    return None if week is None else (week.year, week.number)


def _week(data: tuple | None) -> Week | None:
    return None if data is None else Week(checked_int(data[0]), checked_int(data[1]))


def _amount(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _read_amount(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(checked_str(text))


_TEXTS = ("project", "unit", "investor", "industry", "origin", "kind", "signed_on", "ref")


def _plain_row(row: LedgerRow) -> tuple:
    return (tuple(getattr(row, name) for name in _TEXTS), _amount(row.investment), _amount(row.increase),
            _plain_week(row.signed), _plain_week(row.started), _plain_week(row.producing),
            tuple((w.year, w.number, str(a)) for w, a in row.funds.items()), str(row.total_funds), row.key,
            tuple(row.flags))


def _read_row(data: tuple) -> LedgerRow:
    texts, investment, increase, signed, started, producing, funds, total, key, flags = data
    return LedgerRow(**dict(zip(_TEXTS, map(checked_str, texts), strict=True)), investment=_read_amount(investment),
                     increase=_read_amount(increase), signed=_week(signed), started=_week(started),
                     producing=_week(producing),
                     funds={Week(checked_int(y), checked_int(n)): Decimal(checked_str(a)) for y, n, a in funds},
                     total_funds=Decimal(checked_str(total)), key=checked_bool(key),
                     flags=[checked_str(f) for f in flags])


def _origin(history: History, config: Config) -> str:
    latest = history.latest()
    if latest is None:
        return ""
    return config.external_label if latest.item.origin == "区外" else config.internal_label


def row_of(history: History, year: int | None, config: Config, alerts: list[Alert]) -> LedgerRow:
    """A project's ledger row (funds of ``year``, or of every year); ``alerts``: its own 督办 flags."""
    latest = history.latest()
    signing = history.signing
    item = latest.item if latest is not None else None
    investor = item.investor if item is not None else history.signings[-1].item.investor
    industry = (item.industry if item is not None and item.industry else
                signing.item.industry if signing is not None else "")
    signed_weeks = [w for w in (signing.week if signing else None, history.first_at("签约")) if w is not None]
    increases = [e.item.investment for e in history.increases if year is None or e.week.year == year]
    funds = history.funds_by_week(year)
    return LedgerRow(
        project=history.label, unit=history.unit, investor=investor, industry=industry,
        origin=_origin(history, config), kind=item.kind if item is not None else "",
        signed_on=signing.item.date if signing else "", investment=signing.item.investment if signing else None,
        increase=sum(increases, ZERO) if increases else None,
        signed=min(signed_weeks) if signed_weeks else None, started=history.first_at("开工"),
        producing=history.first_at("投产"), funds=funds, total_funds=sum(funds.values(), ZERO), key=history.key,
        flags=[alert.text for alert in alerts], ref=history.code or history.name)


def ledger_table(ledger: Settled, config: Config, year: int, weeks: set[Week]) -> LedgerTable:
    """Year ``year``'s ledger; ``weeks``: the weeks with reports (the latest of ``year`` is the
    week flags are as of)."""
    in_year = sorted(w for w in weeks if w.year == year)
    as_of = in_year[-1] if in_year else Week(year, 1)
    alerts = ledger.alerts(as_of, config.ledger.overdue_weeks, config.ledger.stale_weeks)
    flags: dict[int, list[Alert]] = {}  # by project (a list scan per row was quadratic: 10⁴ rows × 10³ alerts)
    for alert in alerts:
        flags.setdefault(id(alert.history), []).append(alert)
    rows = []
    for history in ledger.histories:
        if any(e.week.year == year for e in history.signings) or any(r.week.year == year for r in history.reports):
            rows.append(row_of(history, year, config, flags.get(id(history), [])))
    return LedgerTable(year, as_of, in_year, rows, sorted({w.year for w in weeks}))


def history_lines(history: History, config: Config) -> list[str]:
    """One project's history, in Chinese, a line each."""
    row = row_of(history, None, config, [])
    lines = [f"项目：{history.name}" + (f"（项目编码 {history.code}）" if history.code else ""),
             f"单位：{'、'.join(history.units)}；投资方：{row.investor}"
             + (f"；产业链：{row.industry}" if row.industry else "") + (f"；重点项目" if row.key else "")]
    events = []
    for event in history.signings:
        what = {"count": "签约", "repeat": "重复报送签约（未重复统计）", "increase": "增资"}[event.verdict]
        events.append((event.week, 0, f"{event.week}  {what}：{event.item.date}，{fmt.money(event.item.investment)}亿元"
                                      f"（{event.unit}，{event.place}）"))
    for report in history.reports:
        events.append((report.week, 1, f"{report.week}  {report.item.stage}，本周到位资金{fmt.money(report.item.funds)}亿元"
                                       f"（{report.unit}，{report.place}）"))
    lines += [text for _, _, text in sorted(events, key=lambda e: e[:2])]
    stages = "，".join(f"{stage}{week}" for stage, week in (("签约", row.signed), ("开工", row.started),
                                                           ("投产", row.producing)) if week is not None)
    lines.append(f"阶段（首次报送的周）：{stages or '无'}；到位资金合计{fmt.money(row.total_funds)}亿元")
    return lines
