"""Build ``templates/briefing.docx``, the Word template of the briefing (docxtpl tags inside).

Run ``python tools/make_docx_template.py`` after changing this file, and commit the result.
Clerks restyle the generated .docx in Word or WPS (styles 正文, 标题 1, 报头, 表格文字 …,
page setup, footer); nothing here needs to change for that.

Layout after GB/T 9704-2012 as offices apply it: A4, margins 37/28/26/35 mm (top/left/right/
bottom), body 仿宋 三号 with exact 28.95 pt lines (22 lines a page), headings 黑体/楷体,
red masthead and rule, page numbers "— 1 —" in 四号 宋体 on the outer side.
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

BODY_FONT, HEADING_FONT, SUBHEADING_FONT, TITLE_FONT, PAGE_FONT = "仿宋", "黑体", "楷体", "宋体", "宋体"
LATIN_FONT = "Times New Roman"
RED = RGBColor(0xFF, 0x00, 0x00)
LINE = Pt(28.95)            # 22 lines in the 225 mm text block
TEXT_WIDTH = Mm(156)

# ---------------------------------------------------------------- low-level helpers


def set_fonts(rpr_owner, east_asian: str, latin: str = LATIN_FONT) -> None:
    """Set explicit fonts (East Asian through w:eastAsia) and drop theme fonts that would win."""
    rpr = rpr_owner.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:cs"), latin)
    fonts.set(qn("w:eastAsia"), east_asian)


def strip_theme(styles_element) -> None:
    """Remove theme fonts and theme colours from every style, so explicit settings apply."""
    for fonts in styles_element.iter(qn("w:rFonts")):
        for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            fonts.attrib.pop(qn(attr), None)
    for colour in styles_element.iter(qn("w:color")):
        for attr in ("w:themeColor", "w:themeShade", "w:themeTint"):
            colour.attrib.pop(qn(attr), None)


def defaults(doc) -> None:
    """Document defaults: 仿宋/Times New Roman, Chinese language, no spacing after paragraphs."""
    styles = doc.styles.element
    strip_theme(styles)
    rpr = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    fonts = rpr.find(qn("w:rFonts"))
    for name, value in (("w:ascii", LATIN_FONT), ("w:hAnsi", LATIN_FONT), ("w:cs", LATIN_FONT),
                        ("w:eastAsia", BODY_FONT)):
        fonts.set(qn(name), value)
    lang = rpr.find(qn("w:lang"))
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    spacing = styles.find(qn("w:docDefaults")).find(qn("w:pPrDefault")).find(qn("w:pPr")).find(qn("w:spacing"))
    spacing.set(qn("w:after"), "0")
    spacing.set(qn("w:line"), "240")


PPR_ORDER = ("w:pStyle", "w:keepNext", "w:keepLines", "w:pageBreakBefore", "w:framePr", "w:widowControl",
             "w:numPr", "w:suppressLineNumbers", "w:pBdr", "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku",
             "w:wordWrap", "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi",
             "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents",
             "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment", "w:textboxTightWrap",
             "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")
TBLPR_ORDER = ("w:tblStyle", "w:tblpPr", "w:tblOverlap", "w:bidiVisual", "w:tblStyleRowBandSize",
               "w:tblStyleColBandSize", "w:tblW", "w:jc", "w:tblCellSpacing", "w:tblInd", "w:tblBorders", "w:shd",
               "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription", "w:tblPrChange")


def insert_ordered(parent, child, order: tuple[str, ...]) -> None:
    """Insert ``child`` where the schema's element order puts it (Word rejects other orders)."""
    tag = child.tag
    names = [qn(name) for name in order]
    later = names[names.index(tag) + 1:]
    for index, existing in enumerate(parent):
        if existing.tag in later:
            parent.insert(index, child)
            return
    parent.append(child)


def first_line_chars(paragraph_format_owner, chars: int) -> None:
    """A first-line indent of ``chars`` characters (w:firstLineChars, understood by Word and WPS)."""
    ind = paragraph_format_owner.get_or_add_pPr().get_or_add_ind()
    ind.set(qn("w:firstLineChars"), str(chars * 100))


def paragraph_style(doc, name: str, font: str, size: float, *, base: str = "Normal", bold: bool = False,
                    color: RGBColor | None = None, align=None, indent_chars: int | None = None,
                    exact: Pt | None = None):
    """Create (or update) a paragraph style."""
    styles = doc.styles
    style = styles[name] if name in [s.name for s in styles] else styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    if name != base:
        style.base_style = styles[base]
    style.quick_style = True
    set_fonts(style.element, font)
    style.font.size = Pt(size)
    style.font.bold = bold
    style.font.color.rgb = color or RGBColor(0, 0, 0)
    fmt = style.paragraph_format
    fmt.space_before = fmt.space_after = Pt(0)
    if align is not None:
        fmt.alignment = align
    if exact is not None:
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = exact
    else:
        fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    if indent_chars is not None:
        fmt.first_line_indent = Pt(size * indent_chars)
        first_line_chars(style.element, indent_chars)
    return style


def add(doc_or_cell, text: str = "", style: str | None = None):
    """A paragraph with one run."""
    paragraph = doc_or_cell.add_paragraph(style=style)
    if text:
        paragraph.add_run(text)
    return paragraph


def bottom_border(paragraph, color: str = "FF0000", size: int = 12) -> None:
    """A rule under a paragraph, across the text block (size in eighths of a point)."""
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", str(size)), ("w:space", "4"), ("w:color", color)):
        bottom.set(qn(key), value)
    borders.append(bottom)
    insert_ordered(paragraph._p.get_or_add_pPr(), borders, PPR_ORDER)


def page_field(paragraph) -> None:
    """``— PAGE —`` with a real PAGE field."""
    paragraph.add_run("— ")
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        run = paragraph.add_run()
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        elif text == " PAGE ":
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        else:
            element = OxmlElement("w:t")
            element.text = text
        run._r.append(element)
    paragraph.add_run(" —")


# ---------------------------------------------------------------- tables


def cell_margins(tbl, side) -> None:
    """Left and right cell margins (Word's default 1.9 mm leaves narrow columns too little room)."""
    margins = OxmlElement("w:tblCellMar")
    for edge in ("left", "right"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:w"), str(int(side.twips)))
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    insert_ordered(tbl._tbl.tblPr, margins, TBLPR_ORDER)


def set_widths(tbl, widths_mm: list[float]) -> None:
    """Column widths in the grid (what fixed-layout tables use) and in every cell."""
    for grid_col, width in zip(tbl._tbl.tblGrid.findall(qn("w:gridCol")), widths_mm):
        grid_col.set(qn("w:w"), str(int(Mm(width).twips)))
    for index, width in enumerate(widths_mm):
        for cell in tbl.columns[index].cells:
            cell.width = Mm(width)


def _cell_text(cell, text: str, style: str) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.style = style
    if text:
        paragraph.add_run(text)


def _row_flags(row, header: bool = False) -> None:
    trpr = row._tr.get_or_add_trPr()
    cant_split = OxmlElement("w:cantSplit")
    trpr.append(cant_split)
    if header:
        trpr.append(OxmlElement("w:tblHeader"))


def table(doc, headers: list[str], widths_mm: list[float], loop: str, cells: list[str], total: list[str] | None,
          numeric: set[int] | None = None, merge_total: int = 1):
    """A table: repeated header row, one docxtpl loop row, an optional total row.

    Columns in ``numeric`` (default: all but the first) are right-aligned numbers; the first
    ``merge_total`` cells of the total row are merged (for 合计 under narrow columns).
    """
    numeric = set(range(1, len(headers))) if numeric is None else numeric
    rows = 4 + (1 if total else 0)
    tbl = doc.add_table(rows=rows, cols=len(headers))
    tbl.style = doc.styles["Table Grid"]
    cell_margins(tbl, Mm(1))
    tbl.alignment = WD_TABLE_ALIGNMENT.CENTER
    tbl.autofit = False
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    insert_ordered(tbl._tbl.tblPr, layout, TBLPR_ORDER)
    set_widths(tbl, widths_mm)
    for index, text in enumerate(headers):  # the unit on a line of its own: "外出招商" / "（次）"
        _cell_text(tbl.rows[0].cells[index], text.replace("（", "\n（") if index else text, "表格标题")
    _row_flags(tbl.rows[0], header=True)
    _cell_text(tbl.rows[1].cells[0], "{%tr for " + loop + " %}", "表格文字")
    for index, text in enumerate(cells):
        _cell_text(tbl.rows[2].cells[index], text, "表格数字" if index in numeric else "表格文字")
    _row_flags(tbl.rows[2])
    _cell_text(tbl.rows[3].cells[0], "{%tr endfor %}", "表格文字")
    if total:
        row = tbl.rows[4]
        for index, text in enumerate(total):
            _cell_text(row.cells[index], text, "表格数字" if index in numeric and index else "表格文字")
        if merge_total > 1:
            row.cells[0].merge(row.cells[merge_total - 1])
        _row_flags(row)
    return tbl


# ---------------------------------------------------------------- the document


def styles(doc) -> None:
    """Every style the briefing uses; clerks change the look by editing these in Word."""
    defaults(doc)
    paragraph_style(doc, "Normal", BODY_FONT, 16, exact=LINE, indent_chars=2, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    heading = paragraph_style(doc, "Heading 1", HEADING_FONT, 16, exact=LINE, indent_chars=2)
    heading.paragraph_format.keep_with_next = True
    paragraph_style(doc, "报头", TITLE_FONT, 40, bold=True, color=RED, align=WD_ALIGN_PARAGRAPH.CENTER,
                    indent_chars=0)
    paragraph_style(doc, "期号", BODY_FONT, 16, exact=LINE, align=WD_ALIGN_PARAGRAPH.CENTER, indent_chars=0)
    # Single spacing: LibreOffice clips a paragraph border under an exact line height.
    paragraph_style(doc, "编印", BODY_FONT, 16, align=WD_ALIGN_PARAGRAPH.LEFT, indent_chars=0)
    doc.styles["编印"].paragraph_format.space_after = Pt(18)
    paragraph_style(doc, "表题", HEADING_FONT, 14, align=WD_ALIGN_PARAGRAPH.CENTER, indent_chars=0)
    doc.styles["表题"].paragraph_format.space_before = Pt(12)
    doc.styles["表题"].paragraph_format.space_after = Pt(6)
    doc.styles["表题"].paragraph_format.keep_with_next = True
    paragraph_style(doc, "表格文字", BODY_FONT, 12, align=WD_ALIGN_PARAGRAPH.LEFT, indent_chars=0)
    # Headers in 五号 so that four characters fit a 17 mm column; the figures stay 小四.
    paragraph_style(doc, "表格标题", BODY_FONT, 10.5, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, indent_chars=0)
    paragraph_style(doc, "表格数字", BODY_FONT, 12, align=WD_ALIGN_PARAGRAPH.RIGHT, indent_chars=0)
    paragraph_style(doc, "表注", BODY_FONT, 12, indent_chars=0)
    paragraph_style(doc, "版记", BODY_FONT, 14, align=WD_ALIGN_PARAGRAPH.LEFT, indent_chars=0)
    paragraph_style(doc, "页码", PAGE_FONT, 14, indent_chars=0)
    unit = doc.styles.add_style("单位名称", WD_STYLE_TYPE.CHARACTER)
    unit.quick_style = True
    set_fonts(unit.element, SUBHEADING_FONT)


def page_setup(doc) -> None:
    """A4, GB/T 9704 margins, footers with outer page numbers on odd and even pages."""
    section = doc.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.header_distance, section.footer_distance = Mm(15), Mm(22)
    doc.settings.odd_and_even_pages_header_footer = True
    for footer, align, side in ((section.footer, WD_ALIGN_PARAGRAPH.RIGHT, "right"),
                                (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT, "left")):
        footer.is_linked_to_previous = False
        paragraph = footer.paragraphs[0]
        paragraph.style = doc.styles["页码"]
        paragraph.alignment = align
        setattr(paragraph.paragraph_format, f"{side}_indent", Pt(14))  # 空一字 from the outer edge
        page_field(paragraph)
    grid = section._sectPr.find(qn("w:docGrid"))
    if grid is not None:  # no character grid: it halves the line length in LibreOffice
        section._sectPr.remove(grid)


def masthead(doc) -> None:
    add(doc, "{{ c.title }}", "报头")
    add(doc, "第{{ b.issue }}期", "期号")
    line = add(doc, "", "编印")
    line.add_run("{{ c.bureau }}\t{{ b.date|full_date }}")
    line.paragraph_format.tab_stops.add_tab_stop(TEXT_WIDTH, alignment=2)  # right-aligned at the margin
    bottom_border(line)


def body(doc) -> None:
    add(doc, "一、总体情况", "Heading 1")
    add(doc, '{{ prose.activity(b, b.week_totals, "本周（" ~ b.week_start|date_range(b.week_end) ~ "）") }}')
    add(doc, '{{ prose.projects(b, b.week_totals, "本周", false) }}')
    add(doc, '{{ prose.activity(b, b.ytd_totals, "今年以来") }}')
    add(doc, '{{ prose.projects(b, b.ytd_totals, "今年以来", true) }}')

    add(doc, "二、{{ c.units_label }}招商动态", "Heading 1")
    add(doc, "{%p for s in b.sections %}")
    paragraph = add(doc)
    paragraph.add_run("（{{ loop.index|cn_number }}）{{ s.unit }}。", style="单位名称")
    paragraph.add_run("{{ prose.unit_body(s) }}")
    add(doc, "{%p endfor %}")
    add(doc, "{%p if b.quiet_units or b.missing_units %}")
    add(doc, "{{ prose.no_trips(b) }}")
    add(doc, "{%p endif %}")

    add(doc, "三、重点项目推进", "Heading 1")
    add(doc, "{{ prose.key_signings(b) }}")
    add(doc, "{%p if b.movements %}")
    add(doc, "{{ prose.movements(b) }}")
    add(doc, "{%p endif %}")
    add(doc, "{{ prose.fulfilment(b) }}")

    add(doc, "四、下一步工作", "Heading 1")
    add(doc, "{%p for p in b.plans %}")
    add(doc, "{{ loop.index }}．{{ prose.plan(p) }}")
    add(doc, "{%p else %}")
    add(doc, "本周{{ c.units_label }}未报送下一步工作计划。")
    add(doc, "{%p endfor %}")


def tables(doc) -> None:
    add(doc, "附表", "Heading 1").paragraph_format.page_break_before = True
    add(doc, "表1　{{ c.units_label }}招商引资情况（今年以来，截至第{{ b.week_no }}周）", "表题")
    t = "b.ytd_totals"
    table(doc, ["单位", "外出招商（次）", "对接洽谈项目（个）", "签约项目（个）", "签约总投资（亿元）", "落实执行项目（个）",
                "到位资金（亿元）", "{{ c.external_label }}到位资金（亿元）"],
          [36, 17, 17, 17, 17, 17, 17, 18], "u in b.units",
          ["{{ u.unit }}", "{{ u.ytd.trips }}", "{{ u.ytd.negotiated }}", "{{ u.ytd.signings }}",
           "{{ u.ytd.investment|money }}", "{{ u.ytd.projects }}", "{{ u.ytd.funds|money }}",
           "{{ u.ytd.external_funds|money }}"],
          ["合计", f"{{{{ {t}.trips }}}}", f"{{{{ {t}.negotiated }}}}", f"{{{{ {t}.signings }}}}",
           f"{{{{ {t}.investment|money }}}}", f"{{{{ {t}.projects }}}}", f"{{{{ {t}.funds|money }}}}",
           f"{{{{ {t}.external_funds|money }}}}"])

    add(doc, "{%p if b.has_targets %}")
    add(doc, "表2　到位资金目标完成情况（时序进度{{ b.time_progress|percent }}）", "表题")
    table(doc, ["单位", "年度目标（亿元）", "到位资金（亿元）", "完成率", "时序进度", "排名"],
          [44, 26, 26, 20, 20, 20], "u in b.units",
          ['{{ u.unit }}', '{{ u.target|money if u.target is not none else "—" }}', "{{ u.ytd.funds|money }}",
           '{{ u.completion|percent if u.completion is not none else "—" }}', "{{ b.time_progress|percent }}",
           '{{ u.rank if u.rank else "—" }}'],
          ["合计", "{{ b.target_total|money }}", "{{ b.ytd_totals.funds|money }}",
           '{{ b.target_completion|percent if b.target_completion is not none else "—" }}',
           "{{ b.time_progress|percent }}", ""])
    add(doc, "{%p endif %}")

    add(doc, "表{{ 3 if b.has_targets else 2 }}　分产业链招商引资情况（今年以来）", "表题")
    table(doc, ["产业链", "签约项目（个）", "签约总投资（亿元）", "落实执行项目（个）", "到位资金（亿元）"],
          [40, 28, 30, 28, 30], "i in b.industries",
          ["{{ i.industry }}", "{{ i.signings }}", "{{ i.investment|money }}", "{{ i.projects }}", "{{ i.funds|money }}"],
          ["合计", f"{{{{ {t}.signings }}}}", f"{{{{ {t}.investment|money }}}}", f"{{{{ {t}.projects }}}}",
           f"{{{{ {t}.funds|money }}}}"])

    add(doc, "表{{ 4 if b.has_targets else 3 }}　外出招商目的地（今年以来，按首个目的地所在省份）", "表题")
    table(doc, ["省份", "外出招商（次）", "对接洽谈项目（个）"], [60, 48, 48], "p in b.provinces",
          ["{{ p.province }}", "{{ p.trips }}", "{{ p.negotiated }}"],
          ["合计", f"{{{{ {t}.trips }}}}", f"{{{{ {t}.negotiated }}}}"])

    add(doc, "表{{ 5 if b.has_targets else 4 }}　本周签约项目", "表题")
    add(doc, "{%p if b.week_signings %}")
    table(doc, ["序号", "项目名称", "投资方", "产业链", "总投资（亿元）", "单位"], [12, 40, 34, 22, 18, 30],
          "unit, s in b.week_signings",
          ["{{ loop.index }}", "{{ s.project }}", "{{ s.investor }}", "{{ s.industry }}", "{{ s.investment|money }}",
           "{{ unit }}"],
          ["合计", "", "", "", "{{ b.week_totals.investment|money }}", ""], numeric={0, 4}, merge_total=4)
    add(doc, "{%p else %}")
    add(doc, "本周无签约项目。")
    add(doc, "{%p endif %}")
    add(doc, "{%p if rounding_note %}")
    add(doc, "注：金额按四舍五入保留两位小数，分项之和与合计可能略有出入。", "表注")
    add(doc, "{%p endif %}")
    # where 同比 comes from (wording in prose.j2; a workspace's older prose.j2 may not have it)
    add(doc, "{%p if b.comparison and prose.comparison_note is defined %}")
    add(doc, "{{ prose.comparison_note(b) }}", "表注")
    add(doc, "{%p endif %}")


def distribution(doc) -> None:
    """报尾 (版记): 报/送/发 lines between rules, after the last table.

    It follows the text rather than floating at the foot of the page: LibreOffice drops or
    misplaces floating tables and frames anchored to the bottom margin.
    """
    add(doc, "{%p if c.distribution %}")
    add(doc, "", "表注").paragraph_format.keep_with_next = True
    rows = ["{%tr if c.distribution.报 %}", "报：{{ c.distribution.报|join('，') }}", "{%tr endif %}",
            "{%tr if c.distribution.送 %}", "送：{{ c.distribution.送|join('，') }}", "{%tr endif %}",
            "{%tr if c.distribution.发 %}", "发：{{ c.distribution.发|join('，') }}", "{%tr endif %}",
            "{% if c.distribution.copies %}（共印{{ c.distribution.copies }}份）{% endif %}"]
    tbl = doc.add_table(rows=len(rows), cols=1)
    tbl.autofit = False
    set_widths(tbl, [156])
    for row, text in zip(tbl.rows, rows):
        _cell_text(row.cells[0], text, "版记")
        row.cells[0].paragraphs[0].paragraph_format.keep_with_next = True  # the 报尾 stays on one page
        _row_flags(row)
    tbl.rows[-1].cells[0].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    borders = OxmlElement("w:tblBorders")
    for edge, size in (("top", 8), ("bottom", 8), ("insideH", 6)):
        element = OxmlElement(f"w:{edge}")
        for key, value in (("w:val", "single"), ("w:sz", str(size)), ("w:space", "0"), ("w:color", "000000")):
            element.set(qn(key), value)
        borders.append(element)
    insert_ordered(tbl._tbl.tblPr, borders, TBLPR_ORDER)
    add(doc, "{%p endif %}")


def build(path: Path) -> Path:
    """Write the template to ``path``."""
    doc = Document()
    styles(doc)
    page_setup(doc)
    doc.core_properties.title = "招商工作简报模板"
    doc.core_properties.author = ""
    doc.core_properties.comments = "briefing 的 Word 模板：可在 Word/WPS 中修改样式、页边距、页脚；带花括号的标记请勿改动"
    add(doc, '{%p import "prose.j2" as prose %}')
    add(doc, "{%p set c = b.config %}")
    masthead(doc)
    body(doc)
    tables(doc)
    distribution(doc)
    doc.save(path)
    return path


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent / "templates" / "briefing.docx"
    print(build(target))
