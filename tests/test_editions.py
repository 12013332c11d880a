"""The one outline and table definition: the Markdown, Word and Excel editions carry the same
tables with the same headings, in the same order, with the same column headers.

How a heading appears in the workbook: each table is one sheet, in order (the workbook's own
lists, such as the week's trips, come after them); cell A2 holds the heading exactly as the
Markdown edition shows it (``表1　…``, under the issue line in A1), and the sheet's name is that
heading (cut to Excel's 31 characters, with ``[ ] * ? / \\ :`` replaced by ``_``).
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from docx import Document
from markdown_it import MarkdownIt
from openpyxl import load_workbook

from briefing.actions.build import build
from briefing.editions.excel import sheet_name
from briefing.editions.spec import TABLES, TEXT_WIDTH
from briefing.workspace.layout import open_workspace

from conftest import SMALL_CONFIG, SMALL_REPORTS, write_workspace


def _editions(config, week):
    md, docx, xlsx = build(open_workspace(config), week=week, formats=["md", "docx", "xlsx"], issue=1,
                           date=dt.date(2023, 5, 1))
    return md.read_text(encoding="utf-8"), Document(str(docx)), load_workbook(xlsx)


def _markdown_tables(md: str) -> list[tuple[str, list[str]]]:
    """(heading as displayed, column headers as displayed) of every table of the Markdown edition."""
    tokens = MarkdownIt("commonmark").enable("table").parse(md)
    found, heading = [], None
    for index, token in enumerate(tokens):
        if token.type == "heading_open" and token.tag == "h3":
            heading = tokens[index + 1].children and "".join(t.content for t in tokens[index + 1].children)
            found.append((heading, []))
        elif token.type == "th_open" and found:
            found[-1][1].append("".join(t.content for t in tokens[index + 1].children))
    return found


def _word_tables(doc) -> list[tuple[str, list[str]]]:
    """(heading, column headers) of every table: a 表题 paragraph, then its table if it has rows."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    found, after_heading = [], False
    for element in doc.element.body.iterchildren():
        if element.tag.endswith("}tbl") and after_heading:
            found[-1][1].extend(cell.text.replace("\n", "") for cell in Table(element, doc).rows[0].cells)
        after_heading = element.tag.endswith("}p") and Paragraph(element, doc).style.name == "表题"
        if after_heading:
            found.append((Paragraph(element, doc).text, []))
    return found


def _excel_tables(book) -> list[tuple[str, list[str]]]:
    """(heading, column headers) of every sheet: row 3 is the header (a header over 本周 and
    今年以来 is merged across both, so it appears once)."""
    return [(book[name]["A2"].value, [c.value for c in book[name][3] if c.value is not None]
             if book[name].max_row > 3 else []) for name in book.sheetnames]


def _check_agree(md, doc, book) -> list[str]:
    markdown, word, excel = _markdown_tables(md), _word_tables(doc), _excel_tables(book)
    assert [h for h, _ in markdown] == [h for h, _ in excel] == [h for h, _ in word]
    assert book.sheetnames == [sheet_name(h) for h, _ in markdown]
    for (heading, md_headers), (_, xlsx_headers), (_, docx_headers) in zip(markdown, excel, word):
        assert md_headers == xlsx_headers == docx_headers, heading
    return [h for h, _ in markdown]


def test_the_sample_has_the_same_tables_everywhere(sample):
    md, doc, book = _editions(sample, "2023-W17")
    headings = _check_agree(md, doc, book)
    assert headings == ["表1　各县市（园区）招商引资情况（今年以来，截至第17周）",
                        "表2　到位资金目标完成情况（今年以来，时序进度32.9%）",
                        "表3　分产业链招商引资情况（今年以来）", "表4　外出招商目的地（今年以来，按首个目的地所在省份）",
                        "表5　本周领导带队外出招商", "表6　本周签约项目", "表7　本周项目推进情况"]
    assert [line[4:] for line in md.splitlines() if line.startswith("### ")] == headings


def test_without_targets_the_tables_are_renumbered_everywhere(tmp_path):
    config = SMALL_CONFIG.split("targets:")[0] + "baseline:" + SMALL_CONFIG.split("baseline:")[1]
    path = write_workspace(tmp_path / "ws", config=config)
    md, doc, book = _editions(path, "2023-W02")
    headings = _check_agree(md, doc, book)
    assert [h[:2] for h in headings] == ["表1", "表2", "表3", "表4", "表5", "表6"]
    assert "到位资金目标完成情况" not in md and "表5　本周签约项目" in headings


def test_a_week_without_signings_and_labels_with_markup(tmp_path):
    config = SMALL_CONFIG.replace("region: 全州", "region: 全州\nunits_label: 各县市[园区]*\nexternal_label: 疆外")
    config = config.replace("external_label: 区外\n", "")
    reports = {name: text for name, text in SMALL_REPORTS.items() if name != "2023-W02/B县.yaml"}
    md, doc, book = _editions(write_workspace(tmp_path / "ws", config=config, reports=reports), "2023-W02")
    headings = _check_agree(md, doc, book)
    assert headings[0] == "表1　各县市[园区]*招商引资情况（今年以来，截至第2周）"   # as typed, in every edition
    assert "各县市\\[园区\\]\\*招商引资情况" in md                                # escaped in the Markdown source
    assert book.sheetnames[0] == "表1　各县市_园区__招商引资情况（今年以来，截至第2周）"
    [signings] = [book[name] for name in book.sheetnames if book[name]["A2"].value.endswith("本周签约项目")]
    assert "本周无签约项目。" in md and signings["A3"].value == "本周无签约项目。"
    assert "疆外资金（亿元）" in [c.value for c in book[book.sheetnames[0]][3]]


def test_sheet_names_fit_excel():
    assert sheet_name("表1　" + "很长" * 20) == "表1　" + ("很长" * 20)[:27] + "…"
    assert len(sheet_name("表1　" + "很长" * 20)) == 31
    assert sheet_name("表2　a/b:c?d") == "表2　a_b_c_d"


HEADER_CHARACTER = (10.5 - 0.5) * 25.4 / 72   # mm: 五号 with the headers' -0.5 pt spacing
PADDING = 2 * 1.5                              # mm: the cell's left and right padding


def test_every_table_fits_the_text_block_and_every_header_word_fits_on_one_line():
    for table in TABLES:
        assert sum(column.width for column in table.columns) <= TEXT_WIDTH, table.key
        for column in table.columns:
            header = re.sub(r"\{\{.*?\}\}", "区外", column.header)   # the config's label, two characters
            for line in header.replace("（", "\n（").split("\n"):  # the unit goes on a line of its own
                assert len(line) * HEADER_CHARACTER + PADDING <= column.width, (table.key, column.header)


@pytest.mark.parametrize("table", TABLES, ids=[t.key for t in TABLES])
def test_the_total_label_spans_the_blank_cells_after_it(table):
    span = table.total_span
    assert all(column.total is None for column in table.columns[1:span])
    assert span == len(table.columns) or table.columns[span].total is not None


ROUNDING_NOTE = "注：金额按四舍五入保留两位小数，分项之和与合计可能略有出入。"


def test_the_rounding_note_when_a_money_column_does_not_add_up_as_printed(small, sample):
    md, doc, _ = _editions(small, "2023-W02")   # 到位资金 1.815 + 0.125 + 0 = 1.94, printed 1.82 + 0.13 + 0 = 1.95
    assert ROUNDING_NOTE in md and ROUNDING_NOTE in [p.text for p in doc.paragraphs]
    md, doc, _ = _editions(sample, "2023-W17")
    assert ROUNDING_NOTE not in md and ROUNDING_NOTE not in [p.text for p in doc.paragraphs]


def test_the_rounding_note_counts_every_money_column_of_the_spec(tmp_path):
    reports = {"2023-W02/A县.yaml": "unit: A县\nweek: 2023-W02\nreporter: 甲\n"}
    exact = write_workspace(tmp_path / "exact", config=SMALL_CONFIG.replace("B县: 5000万元", "B县: 0.5"), reports=reports)
    assert ROUNDING_NOTE not in _editions(exact, "2023-W02")[0]
    thirds = SMALL_CONFIG.replace("A县: 10", "A县: 0.333").replace("B县: 5000万元", "B县: 0.333")
    md = _editions(write_workspace(tmp_path / "thirds", config=thirds, reports=reports), "2023-W02")[0]
    assert "| 合计 | 0.67 |" in md and "| A县 | 0.33 |" in md and ROUNDING_NOTE in md   # 年度目标: 0.33 + 0.33 ≠ 0.67


def _markdown_cells(md: str) -> list[list[str]]:
    """Every body row of every table of the Markdown edition, as displayed."""
    tokens = MarkdownIt("commonmark").enable("table").parse(md)
    rows = []
    for index, token in enumerate(tokens):
        if token.type == "tr_open" and tokens[index + 1].type == "td_open":
            rows.append([])
        elif token.type == "td_open":
            rows[-1].append("".join(t.content for t in tokens[index + 1].children or []))
    return rows


def test_word_prints_every_cell_as_the_markdown_edition_does(tmp_path):
    reports = dict(SMALL_REPORTS)
    reports["2023-W02/B县.yaml"] = SMALL_REPORTS["2023-W02/B县.yaml"].replace("investor: 风电公司", "investor: '*风电* [公司]|甲'")
    md, doc, _ = _editions(write_workspace(tmp_path / "ws", reports=reports), "2023-W02")
    word = []
    for table in doc.tables:
        if len(table.columns) > 1:
            for row in table.rows[1:]:
                cells = [cell.text for cell in row.cells]
                word.append(_unmerged(cells) if cells[0] == "合计" else cells)
    assert word == _markdown_cells(md)
    assert ["1", "风电项目", "*风电* [公司]|甲", "新能源", "10.00", "B县"] in word


def _unmerged(cells: list[str]) -> list[str]:
    """A 合计 row as Markdown has it: python-docx repeats a merged cell's text in each grid cell."""
    return [cells[0]] + ["" if cell == cells[0] else cell for cell in cells[1:]]
