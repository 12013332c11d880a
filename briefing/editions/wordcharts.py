"""附图: the config's ``charts`` added to the rendered Word edition (and so to the PDF, made from it).

The charts go into a part of their own, 附图, after the 附表 and its notes and before the 版记,
each chart a picture as wide as the text block with a "图N　…" title under it (图题 below a
figure, as 表题 stands above a table), numbered in the order the config lists them.  Why a part
of its own and not after the section each chart illustrates: every chart shows year-to-date
figures that the 附表 tables give exactly (units and targets: 表1/表2; industries: 表3; the
weekly cumulative line: 一、总体情况 and 同比), so they belong with the tables rather than
between the paragraphs of the body; and the body stays the plain text a 公文 reader expects.

They are added to the document docxtpl rendered, not through tags in ``templates/briefing.docx``:
``briefing init`` copies the template into each workspace and clerks restyle it, so a chart tag
in the packaged template would never reach the workspaces that already have their copy.  What
is taken from the template: the text block's width (the section's page width less its margins)
and the styles 标题 1 (``Heading 1``, as 附表) and 表题, when the template has them.

Each picture is a PNG drawn at the printed width (:func:`briefing.editions.charts.render`), so
its resolution at that width is :data:`~briefing.editions.charts.PRINT_DPI` (≥ 200 dpi); the
picture's paragraph has single line spacing (an exact spacing, as the body has, would crop it)
and is kept with its title on one page.
"""

from __future__ import annotations

import io
from typing import Sequence

from briefing.editions.charts import TEXT_BLOCK_MM, chart_data, render, title
from briefing.figures.briefing import Briefing

HEADING = "附图"
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_EMU_PER_MM = 36000


def text_width_mm(document) -> float:
    """The width of the last section's text block, in mm (156 when the template does not say)."""
    section = document.sections[-1]
    try:
        width = section.page_width - section.left_margin - section.right_margin
    except TypeError:  # a section without page size or margins
        return TEXT_BLOCK_MM
    return width / _EMU_PER_MM if width and width > 0 else TEXT_BLOCK_MM


def add_charts(document, b: Briefing, names: Sequence[str]) -> None:
    """Add the 附图 part with the charts ``names`` of briefing ``b`` to the python-docx ``document``."""
    if not names:
        return
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.shared import Mm, Pt

    data = chart_data(b)
    width = text_width_mm(document)
    images = [render(name, data, "png", width_mm=width) for name in names]  # all drawn before the document changes
    before = _distribution(document)
    added = [document.add_paragraph(HEADING, _style(document, "Heading 1"))]
    for number, (name, png) in enumerate(zip(names, images), 1):
        picture = document.add_paragraph()
        picture.add_run().add_picture(io.BytesIO(png), width=Mm(width))
        layout = picture.paragraph_format
        layout.alignment = WD_ALIGN_PARAGRAPH.CENTER
        layout.first_line_indent = layout.left_indent = layout.right_indent = Pt(0)
        layout.line_spacing_rule = WD_LINE_SPACING.SINGLE
        layout.space_before, layout.space_after = Pt(6), Pt(0)
        layout.keep_with_next = True
        caption = document.add_paragraph(f"图{number}　{title(name, data)}", _style(document, "表题"))
        caption.paragraph_format.keep_together = True
        added += [picture, caption]
    if before is not None:
        for paragraph in added:
            before.addprevious(paragraph._p)


def _style(document, name: str) -> str | None:
    """``name`` when the document has that paragraph style (a restyled template may not)."""
    try:
        document.styles[name]
    except KeyError:
        return None
    return name


def _distribution(document):
    """The 版记 (the floating table at the foot of the last page), when the briefing has one: the
    charts go before it.  It is the body's last table, positioned (``w:tblpPr``), followed by
    nothing but its empty anchor paragraph."""
    body = document.element.body
    children = [child for child in body if child.tag != f"{_W}sectPr"]
    for index in range(len(children) - 1, -1, -1):
        child = children[index]
        if child.tag == f"{_W}tbl":
            floating = child.find(f"{_W}tblPr/{_W}tblpPr") is not None
            after = children[index + 1:]
            if floating and all(p.tag == f"{_W}p" and not _text(p) for p in after):
                return child
            return None
        if child.tag == f"{_W}p" and _text(child):
            return None
    return None


def _text(element) -> str:
    """The text of a body element's runs."""
    return "".join(element.xpath(".//w:t/text()")).strip()
