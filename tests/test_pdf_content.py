"""What the briefing says and how its tables read, measured as printed: a week in which all 13
units of the sample config made one trip and signed one project (tests/helpers.py
``thirteen_units``), converted once by LibreOffice for this module.

The body before 附表 fits in four pages; the headline sits between the red rule and 一、; the
prose evaluates (完成率, 时序进度, 百分点) and never claims that an active unit did nothing nor
that plans were not reported; every money cell of the tables has two decimals; no header word
is broken across lines.  Without LibreOffice or poppler these tests skip, except in CI.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from docx import Document

from briefing.actions.build import build
from briefing.workspace.layout import open_workspace

from conftest import need_tool
from helpers import thirteen_units
from pdfmeasure import bars, lines, words

LEFT, RIGHT = 28.0, 184.0


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    for tool in ("soffice", "pdftotext", "pdftoppm"):
        need_tool(tool)
    ws = open_workspace(thirteen_units(tmp_path_factory.mktemp("thirteen") / "ws"))
    docx, pdf = build(ws, week="2023-W17", formats=["docx", "pdf"], issue=12, date=dt.date(2023, 5, 5))
    return Document(str(docx)), pdf, words(pdf)


def _body_pages(pages) -> list[list[str]]:
    """The lines of each page up to the 附表 heading."""
    body = []
    for page in pages:
        text = lines(page)
        if "附表" in text:
            body.append(text[:text.index("附表")])
            break
        body.append(text)
    return body


def test_the_body_before_the_tables_fits_in_four_pages(printed):
    _, _, pages = printed
    body = [page for page in _body_pages(pages) if any(line.strip() for line in page)]
    assert len(body) <= 4, f"{len(body)} pages before 附表"


def test_the_headline_lies_between_the_red_rule_and_the_first_section(printed):
    _, pdf, pages = printed
    first = pages[0]
    heading = next(w for w in first if w.text.startswith("一、"))
    rule = [bar for bar in bars(pdf, 1, 150, 0, heading.top) if abs(bar.left - LEFT) < 1 and abs(bar.right - RIGHT) < 1]
    assert rule, "no rule across the text block above 一、"
    headline = [w for w in first if rule[-1].bottom < w.top and w.bottom < heading.top]
    text = "".join(w.text for w in sorted(headline, key=lambda w: (round(w.top), w.left)))
    assert text == "全州招商引资工作有序推进今年以来到位资金同比下降48.0%"   # 124.15 against 238.64 last year
    rows: dict[int, list] = {}
    for w in headline:
        rows.setdefault(round(w.top), []).append(w)
    assert len(rows) == 2                                                       # two lines, split at the 　
    for row in rows.values():                                                   # each centred
        assert abs((min(w.left for w in row) + max(w.right for w in row)) / 2 - (LEFT + RIGHT) / 2) < 1


def test_the_prose_evaluates_and_claims_nothing_false(printed):
    _, _, pages = printed
    prose = "".join("".join(page) for page in _body_pages(pages)).replace(" ", "")
    for word in ("完成率", "时序进度", "百分点"):
        assert word in prose, word
    # targets 770, funds of the ten counties 3.55 + … + 12.55 = 80.5: 10.5%; 120 of 365 days: 32.9%
    assert "完成年度目标的10.5%，低于时序进度22.4个百分点" in prose
    assert "无招商活动" not in prose and "无外出招商" not in prose        # every unit was active
    assert not re.search("未报送[^。]*计划", prose) and "履约率0.0%" not in prose
    assert "各驻外招商小分队3次" in prose                                 # the teams, counted as teams
    assert "（二期）（" not in prose


def test_every_money_cell_has_two_decimals(printed):
    doc, _, _ = printed
    checked = 0
    for table in doc.tables[:-1]:                       # the last one is the 版记
        headers = [cell.text for cell in table.rows[0].cells]
        for index, header in enumerate(headers):
            if "亿元" not in header:
                continue
            for row in table.rows[1:]:
                assert re.fullmatch(r"\d+\.\d\d|—", row.cells[index].text), (header, row.cells[index].text)
                checked += 1
    assert checked > 50


def test_no_header_word_breaks_across_lines(printed):
    doc, _, pages = printed
    seen = {w.text for page in pages for w in page}
    headers = {cell.text.split("\n")[0] for table in doc.tables[:-1] for cell in table.rows[0].cells}
    assert "签约投资" in headers and len(headers) > 15
    for header in headers:   # a header printed on one line is one word of pdftotext's
        assert header in seen, header
