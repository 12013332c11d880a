"""The Excel edition: the briefing's tables as a workbook a clerk can print and work with (openpyxl).

One sheet per table of :mod:`briefing.editions.spec`, in the Markdown edition's order and with
its headings, plus the lists the workbook alone carries (the week's trips).  The sheet's name
is the heading (``表1　各县市（园区）招商引资情况（…）``, cut to Excel's 31 characters where
longer, characters Excel refuses replaced).  On each sheet:

- row 1, the issue: title, 期号 (or 征求意见稿 for a draft), 周次 and 印发日期;
- row 2, the table's heading as the Markdown edition prints it;
- the header (two rows where a column shows 本周 beside 今年以来: the column's header over
  "本周" and "今年以来"), then the rows and the 合计 row;
- 合计 of a count or money column is a ``SUM`` formula over the rows above (when the rows do add
  up to the briefing's total, which they always should; otherwise the total itself is written),
  so a clerk's correction in a row carries into the total; rates are values;
- print setup: A4 landscape, the header rows repeated on every page, fitted to one page wide.

Amounts are exact decimal numbers: the number format rounds them for display.  Text from
reports stays text even when it starts with "=" (never a formula).  Column widths follow the
display width of their text (CJK characters count two).
"""

from __future__ import annotations

import io
import re
from decimal import Decimal

from briefing import fmt
from briefing.editions.contents import FilledTable, evaluator, tables
from briefing.editions.spec import COUNT, EXCEL_FORMATS, MONEY
from briefing.figures.briefing import Briefing

SHEET_NAME_LIMIT = 31
_SHEET_REFUSES = re.compile(r"[\\/?*\[\]:]")
WEEK, YEAR = "本周", "今年以来"


def sheet_name(heading: str) -> str:
    """A heading as an Excel sheet name: at most 31 characters, none of ``\\ / ? * [ ] :``."""
    name = _SHEET_REFUSES.sub("_", heading).strip("'")
    return name if len(name) <= SHEET_NAME_LIMIT else name[:SHEET_NAME_LIMIT - 1] + "…"


def issue_line(b: Briefing) -> str:
    """Row 1 of every sheet: ``招商工作简报　第5期　2023年第17周（4月24日至30日）　2023年5月5日印发``."""
    number = "征求意见稿" if getattr(b, "draft", False) or not b.issue else f"第{b.issue}期"
    return f"{b.config.title}　{number}　{b.week.text}（{b.week.span_text}）　{fmt.full_date(b.date)}印发"


def render_xlsx(b: Briefing) -> bytes:
    """The workbook: a sheet per table, each with the issue line, heading, header, rows, 合计."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    line = issue_line(b)
    for table in tables(evaluator(b, markdown=False), text=False, excel=True):
        _sheet(workbook.create_sheet(sheet_name(table.heading)), table, line)
    workbook.properties.title = f"{b.config.title}（{b.week}，{b.issue_text}）"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _layout(table: FilledTable) -> list[tuple[int, str | None]]:
    """The sheet's columns: (index of the spec column, ``"本周"``/``"今年以来"``/``None``)."""
    weekly = bool(table.week_rows)
    layout = []
    for index, column in enumerate(table.table.columns):
        if weekly and column.week:
            layout += [(index, WEEK), (index, YEAR)]
        else:
            layout.append((index, None))
    return layout


def _sheet(sheet, table: FilledTable, line: str) -> None:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.properties import PageSetupProperties

    columns = table.table.columns
    layout = _layout(table)
    width = len(layout)
    for row, (text, size) in enumerate(((line, 11), (table.heading, 14)), 1):
        sheet.cell(row, 1, text).font = Font(bold=row == 2, size=size)
        sheet.cell(row, 1).data_type = "s"
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=max(width, 1))
    if table.empty is not None:
        sheet.cell(3, 1, table.empty)
        return
    two_rows = any(part is not None for _, part in layout)
    header_rows = [3, 4] if two_rows else [3]
    first_data = header_rows[-1] + 1
    for position, (index, part) in enumerate(layout, 1):
        header = table.headers[index]
        if part is None:
            sheet.cell(3, position, header)
            if two_rows:
                sheet.merge_cells(start_row=3, start_column=position, end_row=4, end_column=position)
        else:
            if part == WEEK:
                sheet.cell(3, position, header)
                sheet.merge_cells(start_row=3, start_column=position, end_row=3, end_column=position + 1)
            sheet.cell(4, position, part)
    for number, values in enumerate(table.rows):
        weekly = table.week_rows[number] if table.week_rows else None
        cells = [weekly[index] if part == WEEK else values[index] for index, part in layout]
        _append_row(sheet, first_data + number, cells)
    last_data = first_data + len(table.rows) - 1
    if table.total is not None:
        total_row = last_data + 1
        for position, (index, part) in enumerate(layout, 1):
            column = columns[index]
            value = table.week_total[index] if part == WEEK else table.total[index]
            if position == 1:
                value = table.total[0]
            elif part == WEEK and column.week_total is None or part != WEEK and column.total is None:
                value = None
            cell = sheet.cell(total_row, position)
            parts = [sheet.cell(r, position).value for r in range(first_data, last_data + 1)]
            if (position > 1 and value is not None and column.kind in (COUNT, MONEY) and table.rows
                    and _adds_up([part for part in parts if part != column.missing], value)):
                letter = get_column_letter(position)
                cell.value = f"=SUM({letter}{first_data}:{letter}{last_data})"
            else:
                cell.value = value
                if isinstance(value, str):
                    cell.data_type = "s"
            cell.font = Font(bold=True)
    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for position, (index, part) in enumerate(layout, 1):
        column = columns[index]
        letter = get_column_letter(position)
        cells = [row[position - 1] for row in sheet.iter_rows(min_row=3)]
        for head in cells[:len(header_rows)]:
            head.font = Font(bold=True, color="FFFFFF")
            head.fill = PatternFill("solid", fgColor="C00000")
            head.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        for cell in cells[len(header_rows):]:
            if column.right:
                cell.alignment = Alignment(horizontal="right", vertical="center")
                if isinstance(cell.value, (int, float, Decimal)) or (isinstance(cell.value, str)
                                                                     and cell.value.startswith("=SUM(")):
                    cell.number_format = EXCEL_FORMATS[column.kind]
        for cell in cells:
            cell.border = border
        texts = [str(cell.value) for cell in cells if cell.value is not None and not str(cell.value).startswith("=SUM(")]
        widest = max((fmt.width(text) for text in texts), default=8)
        sheet.column_dimensions[letter].width = max(10, min(40, widest + 2))
    for row in header_rows:
        sheet.row_dimensions[row].height = 30 if two_rows else 36
    sheet.freeze_panes = f"B{first_data}"
    _print_setup(sheet, header_rows, PageSetupProperties)


def _append_row(sheet, row: int, values) -> None:
    """A row of values; text stays text even when it starts with "=" (no formulas from reports)."""
    for position, value in enumerate(values, 1):
        cell = sheet.cell(row, position, value)
        if isinstance(value, str):
            cell.data_type = "s"


def _adds_up(parts, total) -> bool:
    """Whether the rows' numbers sum exactly to the briefing's total (then 合计 is a formula)."""
    if not all(isinstance(part, (int, Decimal)) or part is None for part in parts):
        return False
    return sum((Decimal(part) for part in parts if part is not None), Decimal(0)) == Decimal(total)


def _print_setup(sheet, header_rows: list[int], properties) -> None:
    """A4 landscape, header rows on every page, one page wide."""
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = properties(fitToPage=True)
    sheet.print_title_rows = f"{header_rows[0]}:{header_rows[-1]}"
    sheet.print_options.horizontalCentered = True
