"""The PDF edition measured as printed: LibreOffice converts the sample week once for this module.

Text block: x 28–184 mm, y 37–262 mm on A4.  Measured with poppler (tests/pdfmeasure.py): the
版记 rules at the foot of the last page, exactly the text block's width; 28 characters in a
full line of Chinese; the page number's dash 7 mm below the text block, one character in from
the outer edge; the fonts LibreOffice embeds.  Without LibreOffice or poppler these tests skip,
except in CI (CI=true), where they fail.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest

from briefing.actions.build import build
from briefing.workspace.layout import open_workspace

from conftest import copy_sample, need_tool
from pdfmeasure import bars, fonts, lines, runs, words

LEFT, RIGHT, BOTTOM = 28.0, 184.0, 262.0
ONE_CHARACTER = 14 * 25.4 / 72      # 四号, the page number's size
CHINESE = re.compile(r"[\u4e00-\u9fff，。、；：（）“”]+")


@pytest.fixture(scope="module")
def pdf(tmp_path_factory):
    for tool in ("soffice", "pdftotext", "pdftoppm", "pdffonts", "pdftohtml"):
        need_tool(tool)
    ws = open_workspace(copy_sample(tmp_path_factory.mktemp("pdf") / "sample"))
    notes: list[str] = []
    [path] = build(ws, week="2023-W17", formats=["pdf"], issue=12, date=dt.date(2023, 5, 5), note=notes.append)
    return path, words(path), notes


def test_distribution_rules_sit_at_the_foot_of_the_last_page_across_the_text_block(pdf):
    path, pages, _ = pdf
    last = len(pages)
    full_width = [bar for bar in bars(path, last, 100)
                  if abs(bar.left - LEFT) < 0.3 and abs(bar.right - RIGHT) < 0.3]
    rules = full_width[-5:]           # above 报, between 报/送/发/（共印…份）, below
    assert abs(rules[-1].bottom - BOTTOM) < 10 and rules[-1].bottom <= BOTTOM + 0.3
    assert all(abs(rule.width - 156) < 0.4 for rule in rules)
    # 0.35 mm first and last, 0.25 mm between (GB/T 9704 §7.3.5), give or take a pixel (0.05 mm)
    outer, middle = [rules[0].thickness, rules[-1].thickness], [rule.thickness for rule in rules[1:-1]]
    assert all(0.28 <= t <= 0.45 for t in outer) and all(0.18 <= t <= 0.32 for t in middle)
    assert sum(outer) / 2 > sum(middle) / 3 + 0.05
    copies = next(w for w in pages[-1] if w.text.startswith("（共印"))
    assert rules[-2].bottom < copies.top and copies.bottom < rules[-1].top
    first = next(w for w in pages[-1] if w.text.startswith("报："))
    assert rules[0].bottom < first.top and first.left > LEFT + ONE_CHARACTER - 0.5   # one character in


def test_a_full_line_of_chinese_holds_28_characters(pdf):
    _, pages, _ = pdf
    counts = []
    for page in pages:
        rows: dict[float, list] = {}
        for word in page:
            rows.setdefault(round(word.top, 1), []).append(word)
        for row in rows.values():
            text = "".join(w.text for w in sorted(row, key=lambda w: w.left))
            left, right = min(w.left for w in row), max(w.right for w in row)
            if CHINESE.fullmatch(text) and abs(left - LEFT) < 0.5 and right > RIGHT - 2:
                counts.append(len(text))
    assert counts.count(28) >= 10
    assert max(counts) == 28 and min(counts) >= 27   # 27: a closing mark may not start the next line


def test_page_number_dash_7_mm_below_the_text_block_on_the_outer_side(pdf):
    path, _, _ = pdf
    for page, outer in ((1, "right"), (2, "left")):
        dashes = [bar for bar in bars(path, page, 3, BOTTOM, 297) if bar.width < 6]
        assert len(dashes) == 2, dashes
        for dash in dashes:
            assert abs((dash.top + dash.bottom) / 2 - (BOTTOM + 7)) < 0.6
        if outer == "right":
            assert abs(dashes[1].right - (RIGHT - ONE_CHARACTER)) < 0.6
        else:
            assert abs(dashes[0].left - (LEFT + ONE_CHARACTER)) < 0.6


def test_chinese_faces_replace_the_missing_fonts(pdf):
    path, _, notes = pdf
    names = fonts(path)
    families = {name.split("-")[0] for name in names}
    assert not any("DejaVu" in name for name in names)
    # Every Chinese run in the SC face of Noto CJK, named as such (a standalone copy of the
    # collection's face: the collection's shared CFF table says "…CJKjp…") or in a 楷 face.
    assert {"NotoSerifCJKsc", "NotoSansCJKsc"} <= families
    assert not any(re.search("jp|JP|Japan", name) for name in names), names
    assert "LiberationSerif" in families
    assert "PDF 中“仿宋”用“Noto Serif CJK SC”代替" in notes
    assert "PDF 中“黑体”用“Noto Sans CJK SC”代替" in notes
    assert "PDF 中“方正小标宋简体”用“Noto Serif CJK SC”粗体代替" in notes
    if any("UKai" in name for name in names):
        assert "PDF 中“楷体”用“AR PL UKai CN”代替" in notes


def test_each_style_in_its_face(pdf):
    path, pages, _ = pdf
    title = next(w for w in pages[0] if w.text == "招商工作简报")
    assert abs((title.left + title.right) / 2 - (LEFT + RIGHT) / 2) < 0.5    # centred
    first = {run.text: run for run in runs(path, 1)}
    masthead = first["招商工作简报"]
    assert masthead.font.startswith("NotoSerifCJK") and masthead.bold       # 方正小标宋简体 → bold serif
    assert first["一、总体情况"].font.startswith("NotoSansCJK")              # 黑体
    assert first["— 1 —"].font.startswith("NotoSerifCJK")                  # 宋体, digits too
    assert round(first["— 1 —"].size) == 14
    second = runs(path, 2)
    unit = next(run for run in second if run.text.startswith("（一）昌吉市"))
    if any("UKai" in name for name in fonts(path)):
        assert "UKai" in unit.font                                          # 楷体


def test_tables_follow_the_text_without_a_half_empty_page(pdf):
    _, pages, _ = pdf
    [start] = [number for number, page in enumerate(pages) if any(w.text == "附表" for w in page)]
    heading = next(w for w in pages[start] if w.text == "附表")
    if heading.top < 50:   # at the top of a page: the page before must be (nearly) full
        assert max(w.bottom for w in pages[start - 1] if w.bottom < BOTTOM) > BOTTOM - 60


def test_the_sample_week_fits_in_eight_pages(pdf):
    """Issue 10: 9 pages before (body 4.5, tables kept whole leaving a page 40 % empty, 表5's
    names on three lines); 7 after it; 8 since the destinations by province and the week's trips
    are printed too (the editions carry the same tables), the 版记 at the foot of the eighth."""
    _, pages, _ = pdf
    assert len(pages) <= 8, f"{len(pages)} pages"


def test_no_page_of_tables_is_left_part_empty(pdf):
    """A table too long for the rest of a page splits under its repeated header instead of
    jumping whole to the next page; only the last page (the 版记 at its foot) may have a gap."""
    _, pages, _ = pdf
    [start] = [number for number, page in enumerate(pages) if any(w.text == "附表" for w in page)]
    for number in range(start, len(pages) - 1):
        lowest = max(w.bottom for w in pages[number] if w.bottom < BOTTOM)
        assert lowest > BOTTOM - 225 / 4, f"page {number + 1}: text ends at {lowest:.0f} mm"


def test_project_names_in_the_tables_take_one_line(pdf, tmp_path):
    """表4 and 表5 give the project's name the width of 14 characters (editions/spec.py NAME):
    each of the sample's names is printed on one line (42 mm put "项目" or "目" on a second)."""
    from docx import Document

    _, pages, _ = pdf
    ws = open_workspace(copy_sample(tmp_path / "sample"))
    [docx] = build(ws, week="2023-W17", formats=["docx"], issue=12, date=dt.date(2023, 5, 5))
    names = {row.cells[column].text for table in Document(str(docx)).tables[:-1]
             for column, header in enumerate(cell.text for cell in table.rows[0].cells) if header == "项目名称"
             for row in table.rows[1:-1]}
    assert len(names) == 13                    # 8 signings, 6 moves, one of them both
    printed = [line for page in pages for line in lines(page)]
    assert [name for name in names if not any(name.replace(" ", "") in line for line in printed)] == []


def test_every_character_of_the_body_is_printed(pdf, tmp_path):
    """A mark after a full line is printed (LibreOffice drops a punctuation mark it hangs in the
    margin: see the w:overflowPunct default in tools/make_docx_template.py)."""
    from docx import Document

    path, pages, _ = pdf
    ws = open_workspace(copy_sample(tmp_path / "sample"))
    [docx] = build(ws, week="2023-W17", formats=["docx"], issue=12, date=dt.date(2023, 5, 5))
    printed = re.sub(r"\s+|—\d+—", "", "".join(w.text for page in pages for w in page))
    body = [re.sub(r"\s+", "", p.text) for p in Document(str(docx)).paragraphs
            if len(p.text) > 28 and p.style.name == "Normal"]
    assert len(body) > 15
    assert [text for text in body if text not in printed] == []
