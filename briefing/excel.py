"""The Excel edition: the briefing's tables as a workbook of real numbers (openpyxl)."""

from __future__ import annotations

import io
from decimal import Decimal

from briefing.figures.briefing import Briefing

MONEY = "0.00"
PERCENT = "0.0%"
COUNT = "0"


def _sheets(b: Briefing) -> list[tuple[str, list[tuple[str, str]], list[list], list | None]]:
    """``(title, [(header, number format)], rows, total row)`` for each table."""
    c, t = b.config, b.ytd_totals
    units = [(u.unit, u.ytd.trips, u.ytd.negotiated, u.ytd.signings, u.ytd.investment, u.ytd.projects,
              u.ytd.funds, u.ytd.external_funds) for u in b.units]
    sheets = [(
        "各单位", [("单位", "@"), ("外出招商（次）", COUNT), ("对接洽谈项目（个）", COUNT), ("签约项目（个）", COUNT),
                   ("签约总投资（亿元）", MONEY), ("落实执行项目（个）", COUNT), ("到位资金（亿元）", MONEY),
                   (f"{c.external_label}到位资金（亿元）", MONEY)],
        units, ["合计", t.trips, t.negotiated, t.signings, t.investment, t.projects, t.funds, t.external_funds])]
    sheets.append((
        "产业链", [("产业链", "@"), ("签约项目（个）", COUNT), ("签约总投资（亿元）", MONEY), ("落实执行项目（个）", COUNT),
                   ("到位资金（亿元）", MONEY)],
        [(i.industry, i.signings, i.investment, i.projects, i.funds) for i in b.industries],
        ["合计", t.signings, t.investment, t.projects, t.funds]))
    sheets.append((
        "本周签约", [("序号", COUNT), ("项目名称", "@"), ("投资方", "@"), ("产业链", "@"), ("总投资（亿元）", MONEY),
                     ("单位", "@"), ("重点项目", "@")],
        [(n, s.project, s.investor, s.industry, s.investment, unit, "是" if s.key else "否")
         for n, (unit, s) in enumerate(b.week_signings, 1)],
        ["合计", None, None, None, b.week_totals.investment, None, None]))
    if b.has_targets:
        sheets.append((
            "目标完成", [("单位", "@"), ("年度目标（亿元）", MONEY), ("到位资金（亿元）", MONEY), ("完成率", PERCENT),
                         ("时序进度", PERCENT), ("排名", COUNT)],
            [(u.unit, u.target, u.ytd.funds, u.completion, b.time_progress, u.rank) for u in b.units], None))
    return sheets


def render_xlsx(b: Briefing) -> bytes:
    """The workbook: one sheet per table, styled header, frozen header row and first column.

    Amounts are written as exact decimal numbers (the number format rounds them for display,
    so Excel's own sums match the totals).
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, columns, rows, total in _sheets(b):
        sheet = workbook.create_sheet(title)
        sheet.append([header for header, _ in columns])
        for row in rows:
            _append(sheet, row)
        if total is not None:
            _append(sheet, total)
            for cell in sheet[sheet.max_row]:
                cell.font = Font(bold=True)
        for index, (_, number_format) in enumerate(columns, 1):
            letter = get_column_letter(index)
            head = sheet[f"{letter}1"]
            head.font = Font(bold=True, color="FFFFFF")
            head.fill = PatternFill("solid", fgColor="C00000")
            head.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            for cell in sheet[letter][1:]:
                if number_format != "@" and isinstance(cell.value, (int, float, Decimal)):
                    cell.number_format = number_format
            for cell in sheet[letter]:
                cell.border = border
            sheet.column_dimensions[letter].width = max(10, min(40, 2 * max(len(str(c.value or "")) for c in sheet[letter]) + 2))
        sheet.row_dimensions[1].height = 36
        sheet.freeze_panes = "B2"
    workbook.properties.title = f"{b.config.title}（{b.week}）"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _append(sheet, values) -> None:
    """Append a row; text from reports stays text even when it starts with "=" (no formulas)."""
    sheet.append(list(values))
    for cell in sheet[sheet.max_row]:
        if cell.data_type == "f":
            cell.data_type = "s"
