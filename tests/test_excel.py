"""The Excel edition: real numbers with number formats, styled and frozen headers, one sheet a
table, and report text that never becomes a formula."""

from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import load_workbook

from briefing.actions.build import build
from briefing.workspace.layout import open_workspace

from conftest import SMALL_REPORTS, write_workspace
from helpers import build_week


def test_excel_has_real_numbers_styled_headers_and_frozen_panes(small):
    [path] = build_week(small, "2023-W02", formats=("xlsx",))
    book = load_workbook(path)
    units, targets, industries, provinces, signings = (book[name] for name in book.sheetnames)
    assert units["A1"].value == "表1　各县市（园区）招商引资情况（今年以来，截至第2周）" and units["A1"].font.bold
    assert units.freeze_panes == "B3" and units["A2"].font.bold and units["A2"].value == "单位"
    assert [c.value for c in units[3]] == ["A县", 3, 5, 2, 1.361, 2, 1.815, 1.315]
    assert [c.value for c in units[6]][:2] == ["合计", 3] and units["G6"].value == 1.94
    assert isinstance(units["G3"].value, float) and units["G3"].number_format == "0.00"
    assert sum(units[f"G{r}"].value for r in (3, 4, 5)) == pytest.approx(units["G6"].value)
    assert [c.value for c in targets[3]][:4] == ["A县", 10, 1.815, 0.1815] and targets["D3"].number_format == "0.0%"
    assert [c.value for c in targets[5]] == ["C园区", "—", 0, "—", 0.0410958904109589, "—"]
    assert [c.value for c in provinces[3]] == ["北京市", 2, 5]            # W01's trip counts under its first destination
    assert [c.value for c in signings[3]] == [1, "风电项目", "风电公司", "新能源", 10, "B县"]
    assert [c.value for c in signings[4]] == ["合计", None, None, None, 10, None]
    assert industries["A2"].value == "产业链"
    assert 10 <= units.column_dimensions["A"].width < units.column_dimensions["E"].width   # by display width


def test_text_from_reports_never_becomes_an_excel_formula(tmp_path):
    reports = dict(SMALL_REPORTS)
    reports["2023-W02/B县.yaml"] = SMALL_REPORTS["2023-W02/B县.yaml"].replace(
        "project: 风电项目", "project: '=HYPERLINK(\"http://evil.example/\",\"点\")'")
    config = write_workspace(tmp_path / "ws", reports=reports)
    [path] = build(open_workspace(config), week="2023-W02", formats=["xlsx"], issue=1, date=dt.date(2023, 1, 16))
    book = load_workbook(path)
    cell = book[book.sheetnames[-1]]["B3"]                    # 表5　本周签约项目, its first project
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")
