"""The project ledger (项目台账) and the 外出招商情况上报表 as workbooks, and the ledger as Markdown.

Both workbooks are one sheet: the title in A1, a header row, one row per project (or trip),
amounts as exact decimal numbers with a two-decimal format (Excel's own sums match), text from
reports kept as text (never a formula); written by :func:`briefing.editions.sheet.workbook`.  The ledger's Markdown edition carries the same columns
except the week-by-week funds, which go into one cell (a 52-column Markdown table is unreadable).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Sequence

from briefing import fmt
from briefing.editions.jinja import literal, oneline
from briefing.editions.sheet import workbook
from briefing.figures.ledger_table import LedgerTable
from briefing.figures.trips import TripRow

LEDGER_HEADERS = ("序号", "项目（编码 名称）", "单位", "投资方", "产业链", "来源", "类型", "签约日期", "签约金额（亿元）",
                  "增资（亿元）", "签约周", "开工周", "投产周", "到位资金合计（亿元）", "重点项目", "督办")
TRIP_HEADERS = ("单位", "序号", "带队领导", "职务", "开始时间", "结束时间", "天数", "目的地", "拜访企业",
                "对接洽谈项目数", "成果")


def _week(week) -> str:
    return str(week) if week is not None else ""


def ledger_cells(table: LedgerTable) -> tuple[list[str], list[list[Any]]]:
    """The ledger's header and rows as cell values (weeks' funds as extra columns)."""
    headers = list(LEDGER_HEADERS) + [f"{w}到位资金（亿元）" for w in table.weeks]
    rows = []
    for index, row in enumerate(table.rows, 1):
        rows.append([index, row.project, row.unit, row.investor, row.industry, row.origin, row.kind, row.signed_on,
                     row.investment, row.increase, _week(row.signed), _week(row.started), _week(row.producing),
                     row.total_funds, "是" if row.key else "", row.flag_text]
                    + [row.funds.get(w) for w in table.weeks])
    return headers, rows


def ledger_xlsx(table: LedgerTable, title: str) -> bytes:
    """The ledger workbook."""
    headers, rows = ledger_cells(table)
    return workbook(f"{title}（{table.year}年，截至{table.as_of}）", headers, rows)


def ledger_markdown(table: LedgerTable, title: str) -> str:
    """The ledger as a Markdown table; weekly funds in one cell."""
    headers = list(LEDGER_HEADERS) + ["各周到位资金（亿元）"]
    lines = [f"# {literal(title, True)}（{table.year}年，截至{table.as_of}）", "",
             "| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    for index, row in enumerate(table.rows, 1):
        weekly = "；".join(f"{w} {fmt.money(a)}" for w, a in sorted(row.funds.items()) if a)
        cells = [str(index), row.project, row.unit, row.investor, row.industry, row.origin, row.kind, row.signed_on,
                 _money(row.investment), _money(row.increase), _week(row.signed), _week(row.started),
                 _week(row.producing), _money(row.total_funds), "是" if row.key else "", row.flag_text, weekly]
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    if not table.rows:
        lines.append("")
        lines.append(f"{table.year}年没有签约或落实执行项目。")
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return literal(oneline(text), True)


def _money(value: Decimal | None) -> str:
    return "" if value is None else f"{value.quantize(Decimal('0.01'), rounding='ROUND_HALF_UP')}"


def trips_xlsx(rows: Sequence[TripRow], title: str) -> bytes:
    """外出招商情况上报表."""
    cells = [[r.unit, r.number, r.leader, r.title, r.start, r.end, r.days, r.destinations, r.companies, r.negotiated,
              r.summary] for r in rows]
    return workbook(title, list(TRIP_HEADERS), cells)
