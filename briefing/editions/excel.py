"""The Excel edition: the briefing's tables as a workbook of real numbers (openpyxl).

One sheet per table of :mod:`briefing.editions.spec`, in the Markdown edition's order and with
its headings: the sheet's name is the heading (``表1　各县市（园区）招商引资情况（…）``, cut to
Excel's 31 characters where longer, characters Excel refuses replaced), and cell A1 holds the
whole heading as the Markdown edition prints it.  Row 2 is the header, then the rows and the
合计 row.  Amounts are exact decimal numbers: the number format rounds them for display, so
Excel's own sums match the totals.  Column widths follow the display width of their text
(CJK characters count two).
"""

from __future__ import annotations

import io
import re
from decimal import Decimal

from briefing import fmt
from briefing.editions.contents import FilledTable, evaluator, tables
from briefing.editions.spec import EXCEL_FORMATS
from briefing.figures.briefing import Briefing

SHEET_NAME_LIMIT = 31
_SHEET_REFUSES = re.compile(r"[\\/?*\[\]:]")


def sheet_name(heading: str) -> str:
    """A heading as an Excel sheet name: at most 31 characters, none of ``\\ / ? * [ ] :``."""
    name = _SHEET_REFUSES.sub("_", heading).strip("'")
    return name if len(name) <= SHEET_NAME_LIMIT else name[:SHEET_NAME_LIMIT - 1] + "…"


def render_xlsx(b: Briefing) -> bytes:
    """The workbook: a sheet per table, the heading above a styled header, the header row and
    first column frozen."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for table in tables(evaluator(b), text=False):
        _sheet(workbook.create_sheet(sheet_name(table.heading)), table)
    workbook.properties.title = f"{b.config.title}（{b.week}，{b.issue_text}）"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _sheet(sheet, table: FilledTable) -> None:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    columns = table.table.columns
    sheet.append([table.heading])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(columns))
    if table.empty is not None:
        sheet.append([table.empty])
        return
    sheet.append(table.headers)
    for row in table.rows:
        _append(sheet, row)
    if table.total is not None:
        _append(sheet, table.total)
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for index, column in enumerate(columns, 1):
        letter = get_column_letter(index)
        cells = [row[index - 1] for row in sheet.iter_rows(min_row=2)]
        head = cells[0]
        head.font = Font(bold=True, color="FFFFFF")
        head.fill = PatternFill("solid", fgColor="C00000")
        head.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        for cell in cells[1:]:
            if column.right and isinstance(cell.value, (int, float, Decimal)):
                cell.number_format = EXCEL_FORMATS[column.kind]
        for cell in cells:
            cell.border = border
        widest = max(fmt.width(str(cell.value if cell.value is not None else "")) for cell in cells)
        sheet.column_dimensions[letter].width = max(10, min(40, widest + 2))
    sheet.row_dimensions[2].height = 36
    sheet.freeze_panes = "B3"


def _append(sheet, values) -> None:
    """Append a row; text from reports stays text even when it starts with "=" (no formulas)."""
    sheet.append(list(values))
    for cell in sheet[sheet.max_row]:
        if cell.data_type == "f":
            cell.data_type = "s"
