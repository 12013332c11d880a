"""One plain worksheet as an .xlsx file, written directly (the ledger and the trips form).

A year's ledger at 300 units is ten thousand rows by seventy columns; openpyxl, even in its
write-only mode, builds a cell object and an lxml element for each and took seconds, longer
than computing the ledger.  These workbooks need little: a bold title in A1, a bold centred
header row, frozen above row 3, column widths, text, whole numbers, and exact decimal amounts
shown with two decimals.  So the SpreadsheetML parts (ECMA-376, the minimal set Excel, WPS and
LibreOffice open) are written here as text: strings in the shared-string table (text is never
a formula, whatever it starts with), numbers as ``<v>`` values (a ``Decimal`` in plain
notation, so Excel's sums match the printed amounts), every part deflated in a zip.  The
briefing's own workbook (:mod:`briefing.editions.excel`, formulas, merged cells, several
sheets) stays with openpyxl.
"""

from __future__ import annotations

import io
import re
import zipfile
from decimal import Decimal
from typing import Any, Sequence

from briefing import fmt

_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"})

TITLE, HEADER, MONEY = 1, 2, 3
"""Cell styles (indexes into ``cellXfs`` of :data:`_STYLES`); 0 is the default."""

_STYLES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<fonts count="3"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>\
<font><b/><sz val="14"/><name val="Calibri"/><family val="2"/></font>\
<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>
<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>\
<xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1">\
<alignment horizontal="center" vertical="center" wrapText="1"/></xf>\
<xf numFmtId="2" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>
</styleSheet>"""

_CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
<Default Extension="xml" ContentType="application/xml"/>\
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>\
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>\
<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>\
<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>\
<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>\
</Types>"""

_ROOT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>\
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>\
</Relationships>"""

_WORKBOOK = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" \
xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">\
<bookViews><workbookView activeTab="0"/></bookViews>\
<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"""

_WORKBOOK_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>\
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>\
<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>\
</Relationships>"""

_CORE = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" \
xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>{title}</dc:title></cp:coreProperties>"""


def text(value: str) -> str:
    """``value`` as XML character data: escaped, without the characters XML 1.0 cannot hold."""
    if _ILLEGAL.search(value):
        value = _ILLEGAL.sub("", value)
    return value.translate(_ESCAPES)


def column(index: int) -> str:
    """The letters of the 1-based column ``index`` (1 → A, 27 → AA)."""
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


class _Strings:
    """The shared-string table: each distinct text once, cells refer to it by index."""

    def __init__(self) -> None:
        self.index: dict[str, int] = {}

    def __call__(self, value: str) -> int:
        found = self.index.get(value)
        if found is None:
            found = self.index[value] = len(self.index)
        return found

    def xml(self) -> str:
        items = "".join(f'<si><t xml:space="preserve">{text(s)}</t></si>' for s in self.index)
        return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="http://schemas.openxmlformats.org/'
                f'spreadsheetml/2006/main" count="{len(self.index)}" uniqueCount="{len(self.index)}">{items}</sst>')


def _row(number: int, values: Sequence[Any], letters: list[str], strings: _Strings, style: int = 0) -> str:
    cells = []
    styled = f' s="{style}"' if style else ""
    for letter, value in zip(letters, values):
        if value is None or value == "":  # an empty cell, as openpyxl left it
            continue
        kind = type(value)
        if kind is str:
            cells.append(f'<c r="{letter}{number}"{styled} t="s"><v>{strings(value)}</v></c>')
        elif kind is Decimal:
            cells.append(f'<c r="{letter}{number}" s="{MONEY}"><v>{value:f}</v></c>')
        elif kind is int or kind is float:
            cells.append(f'<c r="{letter}{number}"{styled}><v>{value!r}</v></c>')
        else:
            raise TypeError(f"no cell for {kind.__name__}")
    return f'<row r="{number}">{"".join(cells)}</row>'


def workbook(title: str, headers: list[str], rows: list[list[Any]]) -> bytes:
    """One sheet: ``title`` in A1, the header row, the rows (money two decimals, text as text),
    frozen below the header; columns as wide as their widest text (8 to 40 characters)."""
    count = max([len(headers)] + [len(r) for r in rows])
    letters = [column(index) for index in range(1, count + 1)]
    widths, known = [], {}  # known: each distinct text's width (units, weeks, investors recur)

    def width(value: Any) -> int:
        value = str(value)
        found = known.get(value)
        if found is None:
            found = known[value] = fmt.width(value)
        return found

    for index, header in enumerate(headers):
        widest = max([width(header)] + [width(r[index]) for r in rows if r[index] is not None])
        widths.append(f'<col min="{index + 1}" max="{index + 1}" width="{max(8, min(40, widest + 2))}" customWidth="1"/>')
    strings = _Strings()
    body = [_row(1, [title], letters, strings, TITLE), _row(2, headers, letters, strings, HEADER)]
    body += [_row(number, values, letters, strings) for number, values in enumerate(rows, 3)]
    sheet = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
             '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             '<sheetViews><sheetView workbookViewId="0"><pane ySplit="2" topLeftCell="A3" activePane="bottomLeft" '
             'state="frozen"/><selection pane="bottomLeft" activeCell="A3" sqref="A3"/></sheetView></sheetViews>'
             f'<sheetFormatPr defaultRowHeight="15"/><cols>{"".join(widths)}</cols>'
             f'<sheetData>{"".join(body)}</sheetData></worksheet>')
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for name, part in (("[Content_Types].xml", _CONTENT_TYPES), ("_rels/.rels", _ROOT_RELS),
                           ("docProps/core.xml", _CORE.format(title=text(title))), ("xl/workbook.xml", _WORKBOOK),
                           ("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS), ("xl/styles.xml", _STYLES),
                           ("xl/sharedStrings.xml", strings.xml()), ("xl/worksheets/sheet1.xml", sheet)):
            archive.writestr(name, part.encode("utf-8"))
    return buffer.getvalue()
