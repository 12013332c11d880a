"""Output: the briefing printed from one outline and table definition as Markdown, Word, Excel, PDF.

- :mod:`~briefing.editions.spec`: the one outline and table definition; :mod:`~briefing.editions.contents` evaluates it
- :mod:`~briefing.editions.jinja`: the one Jinja environment, its filters, where templates are found
- :mod:`~briefing.editions.markdown`, :mod:`~briefing.editions.word`, :mod:`~briefing.editions.excel`,
  :mod:`~briefing.editions.pdf` (with :mod:`~briefing.editions.pdffonts`): one module per format
- :mod:`~briefing.editions.charts`: the charts of the year to date (SVG for the web page, PNG for Word and PDF)
- :mod:`~briefing.editions.ledger_xlsx`: the project ledger (xlsx, md) and the 外出招商情况上报表 workbooks,
  written by :mod:`~briefing.editions.sheet` (one plain sheet as SpreadsheetML text)
"""
