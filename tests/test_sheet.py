"""The one-sheet workbooks written directly (:mod:`briefing.editions.sheet`): what openpyxl reads
back is exactly what was written, whatever the text holds."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal as D

import openpyxl
import pytest

from briefing.editions.sheet import column, workbook


def _read(data: bytes):
    book = openpyxl.load_workbook(io.BytesIO(data))
    return book, book.active


def test_title_header_values_and_formats_read_back():
    data = workbook("台账（2023年）", ["序号", "项目", "金额（亿元）"],
                    [[1, "光伏项目", D("1.005")], [2, None, D("0")], [3, "", D("-2.5")]])
    book, sheet = _read(data)
    rows = list(sheet.iter_rows(values_only=True))
    assert rows == [("台账（2023年）", None, None), ("序号", "项目", "金额（亿元）"),
                    (1, "光伏项目", 1.005), (2, None, 0), (3, None, -2.5)]
    assert sheet["A1"].font.b and sheet["A1"].font.sz == 14 and sheet["B2"].font.b
    assert sheet["B2"].alignment.horizontal == "center" and sheet["B2"].alignment.wrap_text
    assert sheet["C3"].number_format == "0.00" and sheet["A3"].number_format == "General"
    assert sheet.freeze_panes == "A3" and book.properties.title == "台账（2023年）"
    # widths: CJK characters count two, plus 2, between 8 and 40
    assert (sheet.column_dimensions["A"].width, sheet.column_dimensions["C"].width) == (8, 14)


@pytest.mark.parametrize("text", ['=HYPERLINK("http://x","点我")', "<b>&amp;</b> \"引号\"", "  前后空格  ",
                                  "+1-2", "@SUM(A1)", "第一行\n第二行"])
def test_text_stays_exactly_text_never_a_formula(text):
    _, sheet = _read(workbook("t", ["a"], [[text]]))
    assert sheet["A3"].value == text and sheet["A3"].data_type == "s"


def test_characters_xml_cannot_hold_are_left_out_not_fatal():
    _, sheet = _read(workbook("t\x01", ["a"], [["甲\x00乙\x1f丙\ufffe"]]))
    assert (sheet["A1"].value, sheet["A3"].value) == ("t", "甲乙丙")


def test_columns_past_z_and_a_wide_sheet():
    assert [column(n) for n in (1, 26, 27, 52, 53, 702, 703)] == ["A", "Z", "AA", "AZ", "BA", "ZZ", "AAA"]
    headers = [f"列{n}" for n in range(1, 71)]
    _, sheet = _read(workbook("t", headers, [list(range(1, 71))]))
    assert sheet["BR2"].value == "列70" and sheet["BR3"].value == 70


def test_the_package_has_the_parts_excel_needs():
    names = set(zipfile.ZipFile(io.BytesIO(workbook("t", ["a"], [["x"]]))).namelist())
    assert {"[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml",
            "xl/sharedStrings.xml", "xl/worksheets/sheet1.xml"} <= names


def test_a_value_of_another_kind_is_refused():
    with pytest.raises(TypeError):
        workbook("t", ["a"], [[object()]])
