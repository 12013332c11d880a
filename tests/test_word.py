"""The Word edition: GB/T 9704 layout, fonts, masthead, page numbers, tables, hostile text, PDF."""

from __future__ import annotations

import datetime as dt
import importlib.util
import subprocess
import zipfile

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from briefing.actions.build import build
from briefing.actions.scaffold import init_workspace
from briefing.editions.jinja import default_templates
from briefing.errors import BriefingError
from briefing.workspace.layout import open_workspace

from conftest import REPO, SMALL_REPORTS, need_tool, write_workspace
from helpers import recorded_issues


def _docx(config_path, week="2023-W02", formats=("docx",)):
    ws = open_workspace(config_path)
    return build(ws, week=week, formats=list(formats), issue=3, date=dt.date(2023, 1, 16))


def _text(doc) -> str:
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def _east_asian(style) -> str | None:
    fonts = style.element.rPr.find(qn("w:rFonts"))
    return fonts.get(qn("w:eastAsia"))


@pytest.fixture
def word(small):
    [path] = _docx(small)
    return Document(str(path))


def test_a4_with_gb_margins(word):
    section = word.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    margins = (section.top_margin, section.left_margin, section.right_margin, section.bottom_margin)
    assert [round(m.mm) for m in margins] == [37, 28, 26, 35]


def test_east_asian_fonts_are_set_as_east_asian(word):
    assert _east_asian(word.styles["Normal"]) == "仿宋"
    assert _east_asian(word.styles["Heading 1"]) == "黑体"
    assert _east_asian(word.styles["单位名称"]) == "楷体"
    headings = [p for p in word.paragraphs if p.style.name == "Heading 1"]
    assert [p.text for p in headings][:4] == ["一、总体情况", "二、各县市（园区）招商动态", "三、重点项目推进", "四、下一步工作"]
    styles_xml = word.styles.element.xml
    assert "Theme=" not in styles_xml.split("<w:latentStyles")[0] + styles_xml.split("</w:latentStyles>")[1]
    assert 'w:eastAsia="ja-JP"' not in styles_xml and 'w:eastAsia="zh-CN"' in styles_xml


def test_body_is_sanfang_16pt_with_exact_lines_and_two_character_indent(word):
    normal = word.styles["Normal"].paragraph_format
    assert word.styles["Normal"].font.size == Pt(16)
    assert normal.line_spacing == Pt(28.95) and normal.first_line_indent == Pt(32)
    assert word.sections[0]._sectPr.find(qn("w:docGrid")) is None  # 28 characters from spacing: test_word_layout


def test_red_masthead_issue_and_bureau(word):
    title, issue, imprint = word.paragraphs[:3]
    assert title.text == "招商工作简报" and title.style.font.color.rgb == RGBColor(0xFF, 0, 0)
    assert issue.text == "第3期"
    assert imprint.text == "测试州商务局\t2023年1月16日"
    border = imprint._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom"))
    assert border.get(qn("w:color")) == "FF0000"


def test_footer_has_page_field_with_dashes_on_outer_sides(word):
    section = word.sections[0]
    assert word.settings.odd_and_even_pages_header_footer
    for footer, align in ((section.footer, "right"), (section.even_page_footer, "left")):
        xml = footer._element.xml
        assert "PAGE" in xml and 'w:fldCharType="begin"' in xml
        paragraph = footer.paragraphs[0]
        assert paragraph.text.startswith("— ") and paragraph.text.endswith(" —")
        assert paragraph.alignment == {"right": 2, "left": 0}[align]


def test_content_matches_the_markdown_figures(word):
    text = _text(word)
    assert "今年以来，全州外出招商3次，对接洽谈项目5个；签约项目3个，总投资11.36亿元" in text
    assert "全州招商引资工作有序推进\n今年以来到位资金同比下降51.5%\n一、总体情况" in text   # the headline, two lines
    assert "完成年度目标的18.5%，超时序进度14.4个百分点" in text
    assert "到位资金1.94亿元，比去年同期下降51.5%" in text and "履约率50.0%" in text  # against the baseline
    assert "（一）A县。" in text and "本周未报送：C园区。" in text
    assert "报：州领导" in text and "（共印30份）" in text


def test_tables_repeat_headers_align_numbers_and_total(word):
    assert len(word.tables) >= 4
    units = word.tables[0]
    assert units.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert [c.text for c in units.rows[1].cells][:2] == ["A县", "3"]
    assert units.rows[-1].cells[0].text == "合计" and units.rows[-1].cells[6].text == "1.94"
    assert units.rows[1].cells[6].paragraphs[0].style.paragraph_format.alignment == 2  # right
    assert not any("{%" in cell.text or "{{" in cell.text for t in word.tables for r in t.rows for cell in r.cells)


def test_hostile_free_text_is_kept_literally(tmp_path):
    reports = dict(SMALL_REPORTS)
    reports["2023-W02/B县.yaml"] = SMALL_REPORTS["2023-W02/B县.yaml"].replace(
        "investor: 风电公司", "investor: \"A&B <公司> {{ 7*7 }} {% if %}末尾\"").replace(
        "project: 风电项目", "project: \"风电]]>项目&amp;\"")
    [path] = _docx(write_workspace(tmp_path / "ws", reports=reports))
    text = _text(Document(str(path)))
    assert "A&B <公司> {{ 7*7 }} {% if %}末尾" in text
    assert "风电]]>项目&amp;" in text and "49" not in text


def test_markdown_and_word_do_not_share_compiled_templates(tmp_path):
    reports = dict(SMALL_REPORTS)
    reports["2023-W02/B县.yaml"] = SMALL_REPORTS["2023-W02/B县.yaml"].replace("investor: 风电公司", "investor: A&B<公司>")
    config = write_workspace(tmp_path / "ws", reports=reports)
    (config.parent / ".briefing").mkdir()
    for _ in range(2):  # once more, in case compiled templates were kept between builds
        md, docx = _docx(config, formats=("md", "docx"))
        assert "A&B\\<公司>" in md.read_text(encoding="utf-8") and "&amp;" not in md.read_text(encoding="utf-8")
        assert "A&B<公司>" in _text(Document(str(docx)))
    assert not list((config.parent / ".briefing").glob("jinja*"))  # compiled code is never kept on disk


def test_committed_template_is_what_the_builder_makes(tmp_path):
    spec = importlib.util.spec_from_file_location("make_docx_template", REPO / "tools" / "make_docx_template.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    fresh = module.build(tmp_path / "fresh.docx")
    for part in ("word/document.xml", "word/styles.xml", "word/settings.xml", "word/footer1.xml", "word/footer2.xml",
                 "word/fontTable.xml", "word/theme/theme1.xml", "docProps/app.xml"):
        with zipfile.ZipFile(fresh) as a, zipfile.ZipFile(default_templates() / "briefing.docx") as b:
            assert a.read(part) == b.read(part), part


def test_clerks_template_edits_show_in_the_next_build(tmp_path):
    folder = tmp_path / "ws"
    init_workspace(folder, sample=True)
    template = folder / "templates" / "briefing.docx"
    doc = Document(str(template))                     # standing in for Word
    doc.sections[0].left_margin = Mm(30)
    doc.styles["Normal"].font.size = Pt(15)
    doc.styles["报头"].font.color.rgb = RGBColor(0x00, 0x00, 0xCC)
    doc.save(str(template))
    [path] = _docx(folder / "briefing.yaml", week="2023-W17")
    out = Document(str(path))
    assert round(out.sections[0].left_margin.mm) == 30
    assert out.styles["Normal"].font.size == Pt(15)
    assert out.styles["报头"].font.color.rgb == RGBColor(0x00, 0x00, 0xCC)
    assert out.paragraphs[0].text == "招商工作简报"


def test_init_refuses_to_overwrite(tmp_path):
    init_workspace(tmp_path / "ws")
    with pytest.raises(BriefingError, match="已存在"):
        init_workspace(tmp_path / "ws", sample=True)
    assert (tmp_path / "ws" / "templates" / "briefing.docx").is_file()
    assert not list((tmp_path / "ws" / "entries").iterdir())


def test_libreoffice_turns_it_into_an_a4_pdf_with_the_figures(small):
    need_tool("soffice")
    need_tool("pdftotext")
    paths = _docx(small, formats=("docx", "pdf"))
    pdf = paths[1]
    assert pdf.suffix == ".pdf" and pdf.read_bytes().startswith(b"%PDF")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    assert "595.3" in info and "841.8" in info  # A4 in points
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout
    flat = "".join(text.split())
    assert "总投资11.36亿元" in flat and "履约率50.0%" in flat and "招商工作简报" in flat
    assert "—1—" in flat


def test_pdf_without_libreoffice_says_what_to_do(small, monkeypatch):
    from briefing.editions import pdf

    monkeypatch.setattr(pdf, "soffice", lambda: None)
    with pytest.raises(BriefingError, match="LibreOffice"):
        _docx(small, formats=("pdf",))


def test_a_damaged_word_template_gets_a_chinese_message(small):
    templates = small.parent / "templates"
    templates.mkdir()
    (templates / "briefing.docx").write_bytes(b"not a zip at all")
    with pytest.raises(BriefingError, match="Word 模板"):
        build(open_workspace(small), week="2023-W02", formats=["docx"], issue=None, date=dt.date(2023, 1, 16))
    assert recorded_issues(small.parent / ".briefing") in ({}, {"2023": {}})  # a failed build uses up no number
