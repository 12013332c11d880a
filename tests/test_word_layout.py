"""The Word edition's page and file details, read from the .docx (no LibreOffice needed).

28 characters a line, the page number's font and place, the masthead face, the 版记 as a
floating table at the foot of the last page, table styling (padding, vertical centring,
keep-with-next), clean file properties, and properties that appear once and in schema order.
"""

from __future__ import annotations

import datetime as dt
import zipfile

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from briefing.actions.build import build
from briefing.editions.jinja import default_templates
from briefing.workspace.layout import open_workspace

TEMPLATE = default_templates() / "briefing.docx"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

# Child order of the property elements (ECMA-376 Part 1, transitional schema); Word rejects a
# file whose properties are out of order or repeated.
SEQUENCES = {
    "pPr": ("pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
            "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap",
            "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd", "snapToGrid",
            "spacing", "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc", "textDirection",
            "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr", "pPrChange"),
    "rPr": ("rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike", "outline",
            "shadow", "emboss", "imprint", "noProof", "snapToGrid", "vanish", "webHidden", "color", "spacing", "w",
            "kern", "position", "sz", "szCs", "highlight", "u", "effect", "bdr", "shd", "fitText", "vertAlign", "rtl",
            "cs", "em", "lang", "eastAsianLayout", "specVanish", "oMath", "ins", "del", "moveFrom", "moveTo",
            "rPrChange"),
    "tblPr": ("tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize", "tblStyleColBandSize",
              "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd", "tblLayout", "tblCellMar", "tblLook",
              "tblCaption", "tblDescription", "tblPrChange"),
    "tcPr": ("cnfStyle", "tcW", "gridSpan", "hMerge", "vMerge", "tcBorders", "shd", "noWrap", "tcMar",
             "textDirection", "tcFitText", "vAlign", "hideMark", "headers", "cellIns", "cellDel", "cellMerge",
             "tcPrChange"),
    "sectPr": ("headerReference", "footerReference", "footnotePr", "endnotePr", "type", "pgSz", "pgMar",
               "paperSrc", "pgBorders", "lnNumType", "pgNumType", "cols", "formProt", "vAlign", "noEndnote",
               "titlePg", "textDirection", "bidi", "rtlGutter", "docGrid", "printerSettings", "sectPrChange"),
    # CT_TrPr is a repeatable choice: any order, but each property once.
    "trPr": None,
}
REPEATABLE = {"headerReference", "footerReference"}
TRPR = {"cnfStyle", "divId", "gridBefore", "gridAfter", "wBefore", "wAfter", "cantSplit", "trHeight", "tblHeader",
        "tblCellSpacing", "jc", "hidden", "ins", "del", "trPrChange"}


def property_problems(xml: bytes) -> list[str]:
    """Repeated, unknown or misordered children of the property elements in one XML part."""
    from lxml import etree

    problems = []
    for name, order in SEQUENCES.items():
        for element in etree.fromstring(xml).iter(W + name):
            tags = [child.tag.removeprefix(W) for child in element]
            known = TRPR if order is None else set(order)
            for tag in tags:
                if tag not in known:
                    problems.append(f"{name}: unknown <{tag}>")
                elif tag not in REPEATABLE and tags.count(tag) > 1:
                    problems.append(f"{name}: <{tag}> {tags.count(tag)} times")
            if order is not None:
                positions = [order.index(tag) for tag in tags if tag in order]
                if positions != sorted(positions):
                    problems.append(f"{name}: out of order {tags}")
    return sorted(set(problems))


def _parts(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as package:
        return {name: package.read(name) for name in package.namelist()}


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """The sample week as .docx (13 units), built once for this module."""
    from conftest import copy_sample

    ws = open_workspace(copy_sample(tmp_path_factory.mktemp("layout") / "sample"))
    before = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    [path] = build(ws, week="2023-W17", formats=["docx"], issue=12, date=dt.date(2023, 5, 5))
    return path, before


@pytest.fixture(scope="module")
def doc(rendered):
    return Document(str(rendered[0]))


@pytest.mark.parametrize("which", ["template", "rendered"])
def test_every_property_once_and_in_schema_order(which, rendered):
    parts = _parts(TEMPLATE if which == "template" else rendered[0])
    for name in ("word/document.xml", "word/styles.xml", "word/footer1.xml", "word/footer2.xml"):
        assert property_problems(parts[name]) == [], name


def test_the_property_check_sees_a_repeat_and_a_bad_order():
    xml = (f'<w:document xmlns:w="{W[1:-1]}"><w:tblPr><w:tblLayout w:type="fixed"/><w:tblLayout w:type="fixed"/>'
           '</w:tblPr><w:pPr><w:jc w:val="left"/><w:pStyle w:val="a"/></w:pPr></w:document>').encode()
    assert property_problems(xml) == ["pPr: out of order ['jc', 'pStyle']", "tblPr: <tblLayout> 2 times"]


def test_body_spacing_gives_28_characters_a_line(doc):
    normal = doc.styles["Normal"]
    spacing = normal.element.rPr.find(qn("w:spacing"))
    assert spacing.get(qn("w:val")) == "-5"   # twentieths of a point: -0.25 pt
    pitch = normal.font.size.pt - 0.25
    line = Mm(156).pt
    assert 28 * pitch <= line < 29 * pitch
    assert doc.styles["Heading 1"].element.rPr.find(qn("w:spacing")).get(qn("w:val")) == "-5"
    assert doc.styles["表格文字"].element.rPr.find(qn("w:spacing")).get(qn("w:val")) == "0"


def test_page_number_in_songti_digits_too_with_an_exact_line(doc):
    style = doc.styles["页码"]
    fonts = style.element.rPr.find(qn("w:rFonts"))
    assert {fonts.get(qn(f"w:{a}")) for a in ("ascii", "hAnsi", "eastAsia")} == {"宋体"}
    assert style.font.size == Pt(14)
    assert style.paragraph_format.line_spacing == Pt(14)
    section = doc.sections[0]
    assert round(section.footer_distance.mm, 1) == 25.5
    assert section.footer.paragraphs[0].paragraph_format.right_indent == Pt(14)
    assert section.even_page_footer.paragraphs[0].paragraph_format.left_indent == Pt(14)


def test_masthead_in_xiaobiaosong_without_fake_bold(doc):
    style = doc.styles["报头"]
    assert style.element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "方正小标宋简体"
    assert not style.font.bold


def test_distribution_floats_at_the_foot_of_the_text_block(doc):
    body = list(doc.element.body)
    record = doc.tables[-1]
    assert record.rows[0].cells[0].text.startswith("报：")
    tblpr = record._tbl.tblPr
    position = tblpr.find(qn("w:tblpPr"))
    attrs = {key.removeprefix(W): value for key, value in position.attrib.items()}
    assert attrs["vertAnchor"] == "margin" and attrs["tblpYSpec"] == "bottom"
    assert attrs["horzAnchor"] == "page" and attrs["tblpX"] == str(int(Mm(28).twips))
    assert tblpr.find(qn("w:tblW")).get(qn("w:w")) == str(int(Mm(156).twips))
    margins = tblpr.find(qn("w:tblCellMar"))
    assert [m.get(qn("w:w")) for m in margins] == ["0", "0"]  # the rules are the text block's width
    sizes = {b.tag.removeprefix(W): b.get(qn("w:sz")) for b in tblpr.find(qn("w:tblBorders"))}
    assert sizes == {"top": "8", "bottom": "8", "insideH": "6"}  # 0.35 mm, 0.35 mm, 0.26 mm
    following = body[body.index(record._tbl) + 1]
    assert following.tag == qn("w:p")  # LibreOffice drops a floating table that ends the document
    assert record.rows[-1].cells[0].text == "（共印50份）"


def test_tables_have_padding_centred_cells_and_repeated_headers(doc):
    for table in doc.tables[:-1]:
        tblpr = table._tbl.tblPr
        margins = {m.tag.removeprefix(W): int(m.get(qn("w:w"))) for m in tblpr.find(qn("w:tblCellMar"))}
        assert margins["left"] >= Mm(1.5).twips - 1 and margins["right"] >= Mm(1.5).twips - 1
        assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
        for row in table.rows:
            assert row._tr.trPr.find(qn("w:cantSplit")) is not None
            for cell in row.cells:
                assert cell._tc.tcPr.find(qn("w:vAlign")).get(qn("w:val")) == "center"


def _keeps(row) -> bool:
    return all(p.paragraph_format.keep_with_next for cell in row.cells for p in cell.paragraphs)


def test_short_tables_stay_whole_and_long_ones_keep_their_ends(doc):
    units = doc.tables[0]                              # header, 13 units, 合计
    assert len(units.rows) == 15 and units.rows[-1].cells[0].text == "合计"
    keeps = [_keeps(row) for row in units.rows]
    assert keeps[:3] == [True, True, False]            # header and first row: never one row alone
    assert keeps[-4:] == [False, True, True, False]    # the last two rows go with 合计
    signings = _table(doc, "项目名称", "产业链")            # header, 8 signings, 合计: more than six rows may split
    assert len(signings.rows) == 10
    assert [_keeps(row) for row in signings.rows] == [True, True] + [False] * 5 + [True, True, False]
    movements = _table(doc, "项目名称", "现阶段")           # header, 6 moves, 合计: six rows or fewer stay whole
    assert len(movements.rows) == 8
    assert [_keeps(row) for row in movements.rows] == [True] * 7 + [False]


def _table(doc, *headers: str):
    return next(table for table in doc.tables if set(headers) <= {cell.text for cell in table.rows[0].cells})


def test_no_page_break_before_the_tables(doc):
    heading = next(p for p in doc.paragraphs if p.text == "附表")
    assert not heading.paragraph_format.page_break_before
    assert heading.paragraph_format.keep_with_next or heading.style.paragraph_format.keep_with_next


def test_file_properties_describe_the_issue(rendered, doc):
    path, before = rendered
    core = doc.core_properties
    assert core.title == "招商工作简报（第12期）"
    assert core.author == "昌吉州商务局" and core.comments == "" and core.language == "zh-CN"
    after = dt.datetime.now(dt.timezone.utc)
    assert before <= core.created.replace(tzinfo=dt.timezone.utc) <= after and core.modified == core.created
    parts = _parts(path)
    assert b'w:eastAsia="zh-CN"' in parts["word/settings.xml"] and b"ja-JP" not in parts["word/settings.xml"]
    assert b'script="Jpan"' not in parts["word/theme/theme1.xml"]
    font_table = parts["word/fontTable.xml"].decode()
    assert "ＭＳ" not in font_table and 'w:charset w:val="80"' not in font_table  # 80: Shift-JIS
    for face in ("仿宋", "黑体", "楷体", "宋体", "方正小标宋简体"):
        assert f'w:name="{face}"' in font_table
    assert b"<Application>briefing</Application>" in parts["docProps/app.xml"]


def test_template_properties_carry_no_instructions():
    template = Document(str(TEMPLATE))
    assert template.core_properties.comments == ""
    assert "模板" not in template.core_properties.title
