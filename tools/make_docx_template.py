"""Build ``templates/briefing.docx``, the Word template of the briefing (docxtpl tags inside).

Its sections and tables come from the one outline and table definition,
``briefing/editions/spec.py``; this file decides how they look in Word.  Run
``python tools/make_docx_template.py`` after changing either, and commit the result.
Clerks restyle the generated .docx in Word or WPS (styles 正文, 标题 1, 报头, 表格文字 …,
page setup, footer); nothing here needs to change for that.

Layout after GB/T 9704-2012 as offices apply it, built so that Word/WPS and LibreOffice (the
PDF edition) lay it out alike:

- A4, margins 37/28/26/35 mm (top/left/right/bottom): a 156 × 225 mm text block.
- Body 仿宋 三号 with exact 28.95 pt lines: 22 lines a page.  28 characters a line come from a
  character spacing of -0.25 pt in the body styles (16 pt - 0.25 pt = 15.75 pt a character;
  28 × 15.75 = 441 pt fits the 442.2 pt line, 29 do not), not from a document grid: LibreOffice
  gives a 16 pt character two cells of a 15.79 pt grid, which halves the line (measured: 14
  characters), while the spacing gives 28 in Word, WPS and LibreOffice alike.
- Headings 黑体 and 楷体; the masthead (报头) in 方正小标宋简体, not bold: the face GB/T 9704
  recommends for a 发文机关标志, which is heavy by design (bold would smear it).  Where it is
  not installed, Word substitutes a GB2312 serif (the font table says charset 86), and the PDF
  edition maps it to Noto Serif CJK SC (briefing/editions/pdffonts.py).
- Page numbers "— 1 —" in 四号 宋体 (digits too), outer side one character in from the edge,
  the dash 7 mm below the text block: the footer line has an exact 14 pt height and sits at
  ``FOOTER_DISTANCE`` from the page edge (see ``page_setup``).
- Tables: 五号 on exact 13.5 pt lines (LibreOffice gives Noto CJK's single line 15.6 pt, Word
  仿宋 less: the exact height makes them alike and the tables a seventh shorter), 1.5 mm cell
  padding, figures right-aligned and centred vertically, header row repeated, rows never split.
  A table of up to ``KEEP_WHOLE`` rows moves whole to the next page; a longer one splits under
  its repeated header rather than leave a part-empty page, but never leaves its first row
  behind nor sends its last rows alone with 合计 to a new page.  Table titles sit close to
  their tables (6 pt before, 3 pt after).
- 版记 (报/送/发, 共印N份) at the foot of the last page: a floating table, see ``distribution``.
"""

from __future__ import annotations

import datetime as dt
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

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parent.parent))  # the package, in a source checkout
import docx_package  # noqa: E402  (a sibling file; tools/ is not a package)
from briefing.editions.spec import APPENDIX, EDITOR_NOTE, HEADLINE, NOTES, OUTLINE, TABLES, Each, Paragraph  # noqa: E402

BODY_FONT, HEADING_FONT, SUBHEADING_FONT, TITLE_FONT, PAGE_FONT = "仿宋", "黑体", "楷体", "方正小标宋简体", "宋体"
LATIN_FONT = "Times New Roman"
RED = RGBColor(0xFF, 0x00, 0x00)
LINE = Pt(28.95)            # 22 lines in the 225 mm text block
TEXT_WIDTH = Mm(156)
LEFT_MARGIN = Mm(28)
BODY_TRACKING = -0.25       # points between characters: 28 characters of 16 pt in 156 mm
CELL_PADDING = Mm(1.5)
TABLE_SIZE = 10.5           # 五号: figures and text of the tables
TABLE_LINE = Pt(13.5)       # exact line height in the tables (LibreOffice's single line of Noto CJK is 15.6 pt)
HEADER_TRACKING = -0.5      # points between the header's characters: four of 五号 in a 17.5 mm column
KEEP_WHOLE = 6              # tables of up to this many data rows are never split across pages (10 left
                            # the sample's page 7 40 % empty before an 8-row table)
PAGE_NUMBER_LINE = Pt(14)   # exact height of the page-number line (四号)
FOOTER_DISTANCE = Mm(25.5)  # page edge to the foot of that line: the dash 7 mm below the text block

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
    ppr = styles.find(qn("w:docDefaults")).find(qn("w:pPrDefault")).find(qn("w:pPr"))
    # A full line (28 characters) followed by "，" lets LibreOffice hang the mark in the margin,
    # and its PDF then leaves the mark out (measured in 7.4: "分列前两位，木垒县" printed without
    # its comma).  LibreOffice 7.4 hangs punctuation when this default is 0 or absent and not
    # when it is 1 (it reads the flag the other way round); Word's own default is 1, which it
    # draws correctly.  So 1: every mark printed in both, a line breaking one character early
    # there instead.
    set_child(ppr, "w:overflowPunct", PPR_ORDER, val="1")
    spacing = ppr.find(qn("w:spacing"))
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


RPR_ORDER = ("w:rStyle", "w:rFonts", "w:b", "w:bCs", "w:i", "w:iCs", "w:caps", "w:smallCaps", "w:strike",
             "w:dstrike", "w:outline", "w:shadow", "w:emboss", "w:imprint", "w:noProof", "w:snapToGrid", "w:vanish",
             "w:webHidden", "w:color", "w:spacing", "w:w", "w:kern", "w:position", "w:sz", "w:szCs", "w:highlight",
             "w:u", "w:effect", "w:bdr", "w:shd", "w:fitText", "w:vertAlign", "w:rtl", "w:cs", "w:em", "w:lang",
             "w:eastAsianLayout", "w:specVanish", "w:oMath", "w:rPrChange")
TCPR_ORDER = ("w:cnfStyle", "w:tcW", "w:gridSpan", "w:hMerge", "w:vMerge", "w:tcBorders", "w:shd", "w:noWrap",
              "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark", "w:headers", "w:cellIns",
              "w:cellDel", "w:cellMerge", "w:tcPrChange")


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


def set_child(parent, tag: str, order: tuple[str, ...], **attrs: str):
    """The one ``tag`` child of ``parent`` (created in schema order if missing), with ``attrs`` set."""
    child = parent.find(qn(tag))
    if child is None:
        child = OxmlElement(tag)
        insert_ordered(parent, child, order)
    for key, value in attrs.items():
        child.set(qn(f"w:{key}"), value)
    return child


def tracking(style, points: float) -> None:
    """Character spacing (Word's 字符间距 加宽/紧缩) in points, in twentieths as Word stores it."""
    set_child(style.element.get_or_add_rPr(), "w:spacing", RPR_ORDER, val=str(round(points * 20)))


def first_line_chars(paragraph_format_owner, chars: int) -> None:
    """A first-line indent of ``chars`` characters (w:firstLineChars, understood by Word and WPS)."""
    ind = paragraph_format_owner.get_or_add_pPr().get_or_add_ind()
    ind.set(qn("w:firstLineChars"), str(chars * 100))


def paragraph_style(doc, name: str, font: str, size: float, *, base: str = "Normal", bold: bool = False,
                    color: RGBColor | None = None, align=None, indent_chars: int | None = None,
                    exact: Pt | None = None, latin: str = LATIN_FONT, spacing: float = 0):
    """Create (or update) a paragraph style (``spacing``: between characters, in points)."""
    styles = doc.styles
    style = styles[name] if name in [s.name for s in styles] else styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    if name != base:
        style.base_style = styles[base]
    style.quick_style = True
    set_fonts(style.element, font, latin)
    tracking(style, spacing)
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
    """Left and right cell margins (padding), the same for every cell of the table."""
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


def _row_flags(row, header: bool = False, keep_with_next: bool = False) -> None:
    """A row that never splits across pages, its cells centred vertically; ``header``: repeated
    on every page; ``keep_with_next``: on the same page as the row (or paragraph) after it."""
    trpr = row._tr.get_or_add_trPr()
    if trpr.find(qn("w:cantSplit")) is None:
        trpr.append(OxmlElement("w:cantSplit"))
    if header and trpr.find(qn("w:tblHeader")) is None:
        trpr.append(OxmlElement("w:tblHeader"))
    for cell in row.cells:
        set_child(cell._tc.get_or_add_tcPr(), "w:vAlign", TCPR_ORDER, val="center")
        for paragraph in cell.paragraphs:
            paragraph.paragraph_format.keep_with_next = keep_with_next or None


def table(doc, headers: list[str], widths_mm: list[float], loop: str, cells: list[str], total: list[str] | None,
          numeric: set[int] | None = None, merge_total: int = 1):
    """A table: repeated header row, a docxtpl loop over the data rows, an optional total row.

    Columns in ``numeric`` (default: all but the first) are right-aligned numbers; the first
    ``merge_total`` cells of the total row are merged (for 合计 under narrow columns).

    A data row keeps with the next (Word's 与下段同页) when the table is short (up to
    ``KEEP_WHOLE`` rows: it moves whole to the next page rather than split) or when it is the
    first row or one of the last two: a long table may split, under its repeated header, but
    never leaves one row behind nor sends its last rows alone with 合计 to a new page.  Keeping
    every row of a long table would move it whole and leave a half-empty page before it.  The
    data row is written twice, with and without keep-with-next (``{%tr if %}`` picks one).
    """
    numeric = set(range(1, len(headers))) if numeric is None else numeric
    keep = f"loop.length <= {KEEP_WHOLE} or loop.first or loop.revindex <= 2"
    if not total:  # the last row must not pull the paragraph after the table along
        keep = f"not loop.last and ({keep})"
    rows = 8 + (1 if total else 0)
    tbl = doc.add_table(rows=rows, cols=len(headers))
    tbl.style = doc.styles["Table Grid"]
    cell_margins(tbl, CELL_PADDING)
    tbl.alignment = WD_TABLE_ALIGNMENT.CENTER
    tbl.autofit = False  # w:tblLayout fixed: the widths below hold
    set_widths(tbl, widths_mm)
    for index, text in enumerate(headers):  # the unit on a line of its own: "外出招商" / "（次）"
        _cell_text(tbl.rows[0].cells[index], text.replace("（", "\n（") if index else text, "表格标题")
    _row_flags(tbl.rows[0], header=True, keep_with_next=True)
    _cell_text(tbl.rows[1].cells[0], "{%tr for " + loop + " %}", "表格文字")
    _cell_text(tbl.rows[2].cells[0], "{%tr if " + keep + " %}", "表格文字")
    _cell_text(tbl.rows[4].cells[0], "{%tr else %}", "表格文字")
    for row, keep_with_next in ((tbl.rows[3], True), (tbl.rows[5], False)):
        for index, text in enumerate(cells):
            _cell_text(row.cells[index], text, "表格数字" if index in numeric else "表格文字")
        _row_flags(row, keep_with_next=keep_with_next)
    _cell_text(tbl.rows[6].cells[0], "{%tr endif %}", "表格文字")
    _cell_text(tbl.rows[7].cells[0], "{%tr endfor %}", "表格文字")
    if total:
        row = tbl.rows[8]
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
    paragraph_style(doc, "Normal", BODY_FONT, 16, exact=LINE, indent_chars=2, align=WD_ALIGN_PARAGRAPH.JUSTIFY,
                    spacing=BODY_TRACKING)
    heading = paragraph_style(doc, "Heading 1", HEADING_FONT, 16, exact=LINE, indent_chars=2, spacing=BODY_TRACKING)
    heading.paragraph_format.keep_with_next = True
    paragraph_style(doc, "报头", TITLE_FONT, 40, color=RED, align=WD_ALIGN_PARAGRAPH.CENTER, indent_chars=0)
    paragraph_style(doc, "期号", BODY_FONT, 16, exact=LINE, align=WD_ALIGN_PARAGRAPH.CENTER, indent_chars=0)
    # Single spacing: LibreOffice clips a paragraph border under an exact line height.
    paragraph_style(doc, "编印", BODY_FONT, 16, align=WD_ALIGN_PARAGRAPH.LEFT, indent_chars=0)
    doc.styles["编印"].paragraph_format.space_after = Pt(18)
    # 标题 (headline): 二号 in the masthead's face, centred, a blank line's room above and below.
    headline_style = paragraph_style(doc, "标题", TITLE_FONT, 22, align=WD_ALIGN_PARAGRAPH.CENTER, indent_chars=0)
    headline_style.paragraph_format.space_before = Pt(6)
    headline_style.paragraph_format.space_after = Pt(14)
    headline_style.paragraph_format.keep_with_next = True
    set_child(headline_style.element.get_or_add_pPr(), "w:contextualSpacing", PPR_ORDER)  # none between its lines
    paragraph_style(doc, "编者按", SUBHEADING_FONT, 16, exact=LINE, indent_chars=2, align=WD_ALIGN_PARAGRAPH.JUSTIFY,
                    spacing=BODY_TRACKING)
    paragraph_style(doc, "表题", HEADING_FONT, 14, align=WD_ALIGN_PARAGRAPH.CENTER, indent_chars=0)
    doc.styles["表题"].paragraph_format.space_before = Pt(6)
    doc.styles["表题"].paragraph_format.space_after = Pt(3)
    doc.styles["表题"].paragraph_format.keep_with_next = True
    # 五号 throughout, so that 表1's eight columns fit: a unit's name (8 characters) on one line,
    # four header characters (with -0.5 pt spacing) in 17.5 mm; the header's unit on its own line.
    paragraph_style(doc, "表格文字", BODY_FONT, TABLE_SIZE, align=WD_ALIGN_PARAGRAPH.LEFT, indent_chars=0,
                    exact=TABLE_LINE)
    paragraph_style(doc, "表格标题", BODY_FONT, TABLE_SIZE, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, indent_chars=0,
                    spacing=HEADER_TRACKING, exact=TABLE_LINE)
    paragraph_style(doc, "表格数字", BODY_FONT, TABLE_SIZE, align=WD_ALIGN_PARAGRAPH.RIGHT, indent_chars=0,
                    exact=TABLE_LINE)
    paragraph_style(doc, "表注", BODY_FONT, 12, indent_chars=0)
    # 版记 lines: 四号, one character in from both ends of the rules (GB/T 9704 §7.3.5).
    record = paragraph_style(doc, "版记", BODY_FONT, 14, align=WD_ALIGN_PARAGRAPH.LEFT, indent_chars=0)
    record.paragraph_format.left_indent = record.paragraph_format.right_indent = Pt(14)
    record.paragraph_format.space_before = record.paragraph_format.space_after = Pt(2)
    # Digits in 宋体 too; an exact line height puts the dash at the same place in every program.
    paragraph_style(doc, "页码", PAGE_FONT, 14, indent_chars=0, latin=PAGE_FONT, exact=PAGE_NUMBER_LINE)
    unit = doc.styles.add_style("单位名称", WD_STYLE_TYPE.CHARACTER)
    unit.quick_style = True
    set_fonts(unit.element, SUBHEADING_FONT)


def page_setup(doc) -> None:
    """A4, GB/T 9704 margins, footers with outer page numbers on odd and even pages.

    The page number's dash lies 7 mm below the text block (262 mm from the top, 35 mm from the
    bottom edge): the footer's one line is ``PAGE_NUMBER_LINE`` high and its foot is
    ``FOOTER_DISTANCE`` above the page edge; the dash, at mid-height of the em box, is about
    2.5 mm above the line's foot in 宋体 (descent 0.14 em, dash at 0.36 em over the baseline)
    and in Noto Serif CJK, so at 25.5 + 2.5 = 28 mm from the edge.
    """
    section = doc.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = LEFT_MARGIN, Mm(26)
    section.header_distance, section.footer_distance = Mm(15), FOOTER_DISTANCE
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
    add(doc, "{{ b.issue_text }}", "期号")
    line = add(doc, "", "编印")
    line.add_run("{{ c.bureau }}\t{{ b.date|full_date }}")
    line.paragraph_format.tab_stops.add_tab_stop(TEXT_WIDTH, alignment=2)  # right-aligned at the margin
    bottom_border(line)


def headline(doc) -> None:
    """标题 under the red rule, a line for each part around a full-width space ("全州招商引资工作
    持续推进　今年以来…": two centred lines); then the 编者按 when there is one ("编者按：" in the
    style 单位名称)."""
    add(doc, "{%p for line in (" + HEADLINE.text[3:-3] + ").split('　') %}")
    add(doc, "{{ line }}", "标题")
    add(doc, "{%p endfor %}")
    add(doc, "{%p if " + EDITOR_NOTE.when + " %}")
    note = add(doc, "", "编者按")
    note.add_run("编者按：", style="单位名称")
    note.add_run(EDITOR_NOTE.text)
    add(doc, "{%p endif %}")


def paragraph(doc, block: Paragraph, style: str | None = None) -> None:
    """A paragraph of the spec, inside ``{%p if %}`` when it has a condition."""
    if block.when:
        add(doc, "{%p if " + block.when + " %}")
    add(doc, block.text, style)
    if block.when:
        add(doc, "{%p endif %}")


def each(doc, block: Each) -> None:
    """A paragraph per item: a run-in heading in the style 单位名称, or a full-width number."""
    add(doc, "{%p for " + block.loop + " %}")
    if block.lead:
        line = add(doc)
        line.add_run(block.lead + "。", style="单位名称")
        line.add_run(block.text)
    else:
        add(doc, ("{{ loop.index }}．" if block.numbered else "") + block.text)
    if block.empty is not None:
        add(doc, "{%p else %}")
        add(doc, block.empty)
    add(doc, "{%p endfor %}")


def body(doc) -> None:
    """The sections of the spec's outline, each shown when its condition holds, numbered 一、二、…
    by the sections shown."""
    add(doc, "{%p set shown_sections = namespace(n=0) %}")
    for section in OUTLINE:
        if section.when:
            add(doc, "{%p if " + section.when + " %}")
        add(doc, "{% set shown_sections.n = shown_sections.n + 1 %}{{ shown_sections.n|cn_number }}、" + section.heading,
            "Heading 1")
        for block in section.blocks:
            paragraph(doc, block) if isinstance(block, Paragraph) else each(doc, block)
        if section.when:
            add(doc, "{%p endif %}")


def cells(columns, total: bool = False) -> list[str]:
    """The template text of a row's cells (or of the 合计 row's)."""
    if not total:
        return ["{{ " + column.cell + " }}" for column in columns]
    return ["{{ " + column.shown(column.total) + " }}" if column.total else "" for column in columns[1:]]


def tables(doc) -> None:
    """The appendix: every table of the spec, numbered by the tables shown, then the notes."""
    add(doc, APPENDIX, "Heading 1")  # kept with 表1 (keep-with-next), no page break: no half-empty page
    add(doc, "{%p set shown = namespace(tables=0) %}")
    for spec in TABLES:
        if spec.when:
            add(doc, "{%p if " + spec.when + " %}")
        add(doc, "{% set shown.tables = shown.tables + 1 %}表{{ shown.tables }}　" + spec.title, "表题")
        if spec.empty is not None:
            add(doc, "{%p if " + spec.iterable + " %}")
        columns = spec.columns
        table(doc, [column.header for column in columns], [column.width for column in columns], spec.rows,
              cells(columns), [spec.total_label, *cells(columns, total=True)] if spec.has_total else None,
              numeric={index for index, column in enumerate(columns) if column.right}, merge_total=spec.total_span)
        if spec.empty is not None:
            add(doc, "{%p else %}")
            add(doc, spec.empty)
            add(doc, "{%p endif %}")
        if spec.when:
            add(doc, "{%p endif %}")
    for note in NOTES:
        paragraph(doc, note, "表注")


def distribution(doc) -> None:
    """报尾 (版记): 报/送/发 lines between rules, at the foot of the last page.

    A floating table (w:tblpPr) aligned to the bottom of the text block (vertAnchor="margin",
    tblpYSpec="bottom"): Word places it there by the OOXML rules for positioned tables, and
    LibreOffice turns it into a frame at the bottom of the page's text area.  What makes it
    hold in LibreOffice 7.x: the table is positioned from the page edge (horzAnchor="page",
    x = the left margin) so that LibreOffice does make it a frame (a margin-anchored table as
    wide as the text block stays inline), and an anchor paragraph follows it (a floating table
    that ends the document is dropped).  A section with w:vAlign="bottom" is ignored by
    LibreOffice 7.4 and a frame (w:framePr) cannot hold a table.

    The rules are the table's borders: first and last 1 pt (0.35 mm), between 0.75 pt (the
    0.25 mm of GB/T 9704 §7.3.5 in Word's border widths), exactly as wide as the text block
    because the cells have no padding (Word and LibreOffice place a table so that its cell
    text, not its border, lines up with the given position); the lines' own indent of one
    character comes from the 版记 style.
    """
    add(doc, "{%p if c.distribution %}")
    rows = ["{%tr if c.distribution.报 %}", "报：{{ c.distribution.报|join('，') }}", "{%tr endif %}",
            "{%tr if c.distribution.送 %}", "送：{{ c.distribution.送|join('，') }}", "{%tr endif %}",
            "{%tr if c.distribution.发 %}", "发：{{ c.distribution.发|join('，') }}", "{%tr endif %}",
            "{% if c.distribution.copies %}（共印{{ c.distribution.copies }}份）{% endif %}"]
    tbl = doc.add_table(rows=len(rows), cols=1)
    tbl.autofit = False
    set_widths(tbl, [TEXT_WIDTH.mm])
    table_width = OxmlElement("w:tblW")
    table_width.set(qn("w:w"), str(int(TEXT_WIDTH.twips)))
    table_width.set(qn("w:type"), "dxa")
    old = tbl._tbl.tblPr.find(qn("w:tblW"))
    tbl._tbl.tblPr.replace(old, table_width)
    position = OxmlElement("w:tblpPr")
    for key, value in (("leftFromText", "0"), ("rightFromText", "0"), ("topFromText", "0"),
                       ("bottomFromText", "0"), ("vertAnchor", "margin"), ("horzAnchor", "page"),
                       ("tblpX", str(int(LEFT_MARGIN.twips))), ("tblpYSpec", "bottom")):
        position.set(qn(f"w:{key}"), value)
    insert_ordered(tbl._tbl.tblPr, position, TBLPR_ORDER)
    overlap = OxmlElement("w:tblOverlap")
    overlap.set(qn("w:val"), "never")
    insert_ordered(tbl._tbl.tblPr, overlap, TBLPR_ORDER)
    cell_margins(tbl, Mm(0))
    for row, text in zip(tbl.rows, rows):
        _cell_text(row.cells[0], text, "版记")
        _row_flags(row)
    tbl.rows[-1].cells[0].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    borders = OxmlElement("w:tblBorders")
    for edge, size in (("top", 8), ("bottom", 8), ("insideH", 6)):
        element = OxmlElement(f"w:{edge}")
        for key, value in (("w:val", "single"), ("w:sz", str(size)), ("w:space", "0"), ("w:color", "000000")):
            element.set(qn(key), value)
        borders.append(element)
    insert_ordered(tbl._tbl.tblPr, borders, TBLPR_ORDER)
    anchor = add(doc)  # the paragraph the table floats on: 1 pt high, so it never needs a page of its own
    anchor.paragraph_format.first_line_indent = Pt(0)
    anchor.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    anchor.paragraph_format.line_spacing = Pt(1)
    add(doc, "{%p endif %}")


def properties(doc) -> None:
    """File properties: no template text, Chinese everywhere (the build sets title and dates)."""
    core = doc.core_properties
    core.title, core.author, core.comments, core.last_modified_by = "招商工作简报", "", "", ""
    core.subject = core.keywords = core.category = ""
    core.language = "zh-CN"
    core.revision = 1
    core.created = core.modified = dt.datetime.now(dt.timezone.utc).replace(microsecond=0, tzinfo=None)
    lang = doc.settings.element.find(qn("w:themeFontLang"))
    if lang is not None:
        lang.set(qn("w:val"), "zh-CN")
        lang.set(qn("w:eastAsia"), "zh-CN")


def build(path: Path) -> Path:
    """Write the template to ``path``."""
    doc = Document()
    styles(doc)
    page_setup(doc)
    properties(doc)
    add(doc, '{%p import "prose.j2" as prose %}')
    add(doc, "{%p set c = b.config %}")
    masthead(doc)
    headline(doc)
    body(doc)
    tables(doc)
    distribution(doc)
    doc.save(path)
    docx_package.tidy(path)
    return path


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent / "templates" / "briefing.docx"
    print(build(target))
