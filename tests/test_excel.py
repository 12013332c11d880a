"""The Excel edition as a clerk expects it: the issue on every sheet, this week beside 今年以来,
real numbers, 合计 as SUM formulas that LibreOffice recalculates to the exact totals, the trip
list, print setup, and report text that never becomes a formula."""

from __future__ import annotations

import datetime as dt
import subprocess
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from briefing.actions.build import build
from briefing.workspace.layout import open_workspace

from conftest import SMALL_REPORTS, need_tool, write_workspace
from helpers import build_week


def _sheet(book, title: str):
    [sheet] = [book[name] for name in book.sheetnames if book[name]["A2"].value.endswith(title)]
    return sheet


def test_every_sheet_names_the_issue_and_its_table(small):
    [path] = build_week(small, "2023-W02", issue=3, formats=("xlsx",))
    book = load_workbook(path)
    for sheet in book:
        assert sheet["A1"].value == "招商工作简报　第3期　2023年第2周（1月9日至15日）　2023年1月20日印发"
        assert sheet["A2"].value.startswith("表") and sheet["A2"].font.bold
    assert [book[name]["A2"].value.split("　")[1] for name in book.sheetnames][-4:] == [
        "外出招商目的地（今年以来，按首个目的地所在省份）", "本周领导带队外出招商", "本周签约项目", "本周项目推进情况"]


def test_this_week_beside_the_year_with_real_numbers(small):
    [path] = build_week(small, "2023-W02", formats=("xlsx",))
    units = load_workbook(path).worksheets[0]
    assert [c.value for c in units[3]][:4] == ["单位", "外出招商（次）", None, "洽谈项目（个）"]   # merged over two
    assert [c.value for c in units[4]][1:5] == ["本周", "今年以来", "本周", "今年以来"]
    # A县, W02: 2 trips (2 + 0 negotiated), no signing, 光伏 0.2 (区外) and 老厂 0.5; the year adds W01's
    # trip (3 negotiated), two signings (1.005 + 0.356) and 光伏's 1.115
    assert [c.value for c in units[5]] == ["A县", 2, 3, 2, 5, 0, 2, 0, 1.361, 2, 2, 0.7, 1.815, 0.2, 1.315]
    assert isinstance(units["M5"].value, float) and units["M5"].number_format == "0.00"
    assert units.freeze_panes == "B5" and units["A3"].font.bold


def test_totals_are_sum_formulas_over_the_rows(small):
    [path] = build_week(small, "2023-W02", formats=("xlsx",))
    book = load_workbook(path)
    units = book.worksheets[0]
    assert [c.value for c in units[8]][:3] == ["合计", "=SUM(B5:B7)", "=SUM(C5:C7)"]
    assert units["M8"].value == "=SUM(M5:M7)" and units["M8"].number_format == "0.00"
    targets = _sheet(book, "到位资金目标完成情况（今年以来，时序进度4.1%）")
    assert [c.value for c in targets[7]] == ["合计", "=SUM(B4:B6)", "=SUM(C4:C6)", 0.1847619047619048, None]
    assert [c.value for c in targets[6]] == ["C园区", "—", 0, "—", "—"]   # SUM skips the mark
    signings = _sheet(book, "本周签约项目")
    assert [c.value for c in signings[5]] == ["合计", None, None, None, "=SUM(E4:E4)", None]


def test_libreoffice_recalculates_the_totals_exactly(small, tmp_path):
    need_tool("soffice")
    [path] = build_week(small, "2023-W02", formats=("xlsx",))
    out = tmp_path / "recalculated"
    profile = (tmp_path / "profile").as_uri()
    subprocess.run(["soffice", f"-env:UserInstallation={profile}", "--headless", "--norestore", "--convert-to", "xlsx",
                    "--outdir", str(out), str(path)], capture_output=True, timeout=180, check=True)
    book = load_workbook(out / path.name, data_only=True)   # the values LibreOffice computed and cached
    units = book.worksheets[0]
    # 合计: trips 2 + 0 (+ C园区 0) this week, 3 for the year; funds 0.825 and 1.94; external 0.325 and 1.44
    totals = [units.cell(8, column).value for column in range(2, 16)]
    assert totals[:6] == [2, 3, 2, 5, 1, 3]
    assert [Decimal(str(v)).quantize(Decimal("0.001")) for v in totals[6:]] == [
        Decimal(v) for v in ("10.000", "11.361", "3.000", "3.000", "0.825", "1.940", "0.325", "1.440")]
    targets = _sheet(book, "到位资金目标完成情况（今年以来，时序进度4.1%）")
    assert targets["B7"].value == pytest.approx(10.5) and targets["C7"].value == pytest.approx(1.94)


def test_the_trips_of_the_week_are_a_sheet(small):
    [path] = build_week(small, "2023-W02", formats=("xlsx",))
    trips = _sheet(load_workbook(path), "本周领导带队外出招商")
    assert [c.value for c in trips[3]] == ["单位", "日期", "带队领导", "目的地", "拜访企业", "洽谈项目（个）"]
    assert [c.value for c in trips[4]] == ["A县", "1月10日", "张三（县长）", "北京市", None, 2]   # no company: empty
    assert [c.value for c in trips[5]] == ["A县", "1月11日至13日", "李四（副县长）", "深圳", None, 0]
    assert [c.value for c in trips[6]][-1] == "=SUM(F4:F5)"


def test_print_setup_a4_landscape_header_rows_repeated_one_page_wide(small):
    [path] = build_week(small, "2023-W02", formats=("xlsx",))
    book = load_workbook(path)
    for sheet in book:
        assert int(sheet.page_setup.paperSize) == 9 and sheet.page_setup.orientation == "landscape"
        assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.page_setup.fitToWidth == 1
        assert sheet.page_setup.fitToHeight == 0
    assert book.worksheets[0].print_title_rows == "$3:$4" and book.worksheets[1].print_title_rows == "$3:$3"


def test_text_from_reports_never_becomes_an_excel_formula(tmp_path):
    reports = dict(SMALL_REPORTS)
    reports["2023-W02/B县.yaml"] = SMALL_REPORTS["2023-W02/B县.yaml"].replace(
        "project: 风电项目", "project: '=HYPERLINK(\"http://evil.example/\",\"点\")'")
    config = write_workspace(tmp_path / "ws", reports=reports)
    [path] = build(open_workspace(config), week="2023-W02", formats=["xlsx"], issue=1, date=dt.date(2023, 1, 16))
    cell = _sheet(load_workbook(path), "本周签约项目")["B4"]
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")
