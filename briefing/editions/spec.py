"""The one definition of the briefing's outline and tables, for every edition.

The Markdown edition renders it at run time (:mod:`briefing.editions.contents` evaluates it,
``templates/briefing.md.j2`` lays it out), the Excel workbook writes one sheet per table, and
``tools/make_docx_template.py`` writes it into the Word template (``templates/briefing.docx``,
which stays a clerk-editable docxtpl template).  So the three editions have the same sections,
the same tables with the same titles and columns, in the same order.

Adding a column is one :class:`Column` in its table; adding a table is one :class:`Table` in
:data:`TABLES` (number it gets: its place among the tables shown).  Then regenerate the Word
template: ``python tools/make_docx_template.py``.

Titles, headers and paragraphs are Jinja templates and conditions (``when``) Jinja expressions,
evaluated with the editions' filters (:mod:`briefing.editions.jinja`).  Values, totals and the
lists looped over are attribute paths (``u.ytd.trips``): written as they are into the Word
template, looked up directly by the other editions, and printed by the column's kind (the
``money``/``percent``/``cell`` filters, or the same functions).  Names available: ``b`` (the
:class:`~briefing.figures.briefing.Briefing`), ``c`` (its config), ``prose`` (the macros of
``prose.j2``, where the wording lives), ``rounding_note``; in a table, the names of its
``rows`` loop and ``loop``.  Money in tables has exactly two decimals (``amount``); prose keeps
at most two (``money``).  Text typed by units or the bureau goes through the ``text``/
``cell`` filters, so it shows as typed in every edition.
"""

from __future__ import annotations

from dataclasses import dataclass

TEXT, COUNT, MONEY, PERCENT = "text", "count", "money", "percent"
"""Kinds of column: how a value is printed (and its Excel number format)."""
_FILTERS = {TEXT: "cell", COUNT: None, MONEY: "amount", PERCENT: "percent"}
EXCEL_FORMATS = {TEXT: "@", COUNT: "0", MONEY: "0.00", PERCENT: "0.0%"}
TEXT_WIDTH = 156
"""mm: the Word edition's text block; a table's columns share it."""


@dataclass(frozen=True)
class Column:
    """One column of a table."""

    header: str
    """Template; in Word the part from "（" on goes on a line of its own."""
    value: str
    """Attribute path: the cell of one row (``u.ytd.trips``)."""
    kind: str = COUNT
    """:data:`TEXT` (left-aligned), :data:`COUNT`, :data:`MONEY` (亿元) or :data:`PERCENT` (right-aligned)."""
    width: float = 18
    """mm in the Word edition (four characters of the 五号 header need 18 with the cell padding)."""
    total: str | None = None
    """Attribute path: the cell of the 合计 row (``None``: blank)."""
    missing: str | None = None
    """Printed when the value is ``None`` (``None``: the value never is)."""
    week: str | None = None
    """Attribute path of this week's figure, printed beside the value (今年以来) in Excel only."""
    week_total: str | None = None
    """Attribute path of the 合计 of ``week``."""

    @property
    def right(self) -> bool:
        """Right-aligned (figures)."""
        return self.kind != TEXT

    def shown(self, path: str) -> str:
        """A Jinja expression printing the value at ``path`` the way this column prints its
        values (what the Word template holds; :func:`briefing.editions.contents.cell_text` does
        the same in Python)."""
        name = _FILTERS[self.kind]
        text = f"{path}|{name}" if name else path
        return f'{text} if {path} is not none else "{self.missing}"' if self.missing is not None else text

    @property
    def cell(self) -> str:
        """The expression printing a row's cell."""
        return self.shown(self.value)


@dataclass(frozen=True)
class Table:
    """One table of the appendix (附表)."""

    key: str
    """A stable name (tests, the clerk's support)."""
    title: str
    """Template, printed after ``表N　``."""
    rows: str
    """A Jinja ``for`` loop's target and the path of the list: ``"u in b.units"``, ``"unit, s in b.week_signings"``."""
    columns: tuple[Column, ...]
    when: str | None = None
    """Expression: the table is shown (and numbered) only when true."""
    empty: str | None = None
    """Template said instead of the table when it has no rows (``None``: the table is printed anyway)."""
    total_label: str = "合计"

    @property
    def iterable(self) -> str:
        """The loop's iterable expression."""
        return self.rows.split(" in ", 1)[1].strip()

    @property
    def has_total(self) -> bool:
        return any(column.total for column in self.columns)

    @property
    def total_span(self) -> int:
        """Cells the 合计 label takes (itself and the blank total cells right after it)."""
        span = 1
        while span < len(self.columns) and self.columns[span].total is None:
            span += 1
        return span


@dataclass(frozen=True)
class Paragraph:
    """A paragraph (a template, usually a ``prose`` macro call), shown when ``when`` is true."""

    text: str
    when: str | None = None


@dataclass(frozen=True)
class Each:
    """A paragraph per item of a loop (``"s in b.sections"``); ``lead`` is a run-in heading (bold in Markdown, the
    style 单位名称 in Word); ``numbered`` makes a numbered list; ``empty`` is said when there are
    no items."""

    loop: str
    text: str
    lead: str | None = None
    numbered: bool = False
    empty: str | None = None


@dataclass(frozen=True)
class Section:
    """A section of the body: its heading (without its number), paragraphs, and when it is
    shown.  Shown sections are numbered 一、二、… in order, so numbers never skip."""

    heading: str
    blocks: tuple[Paragraph | Each, ...]
    when: str | None = None


# ---------------------------------------------------------------- the outline

HEADLINE = Paragraph("{{ prose.headline(b) }}")
"""标题: under the masthead's red rule, before the sections."""
EDITOR_NOTE = Paragraph("{{ b.editor_note|text }}", when="b.editor_note")
"""编者按: under the headline, when the clerk gives one (printed after "编者按：")."""

OVERDUE = "b.overdue"
"""Key projects the ledger finds overdue (signed more than ``ledger.overdue_weeks`` ago, not
started): named under 存在问题, listed in the 督办项目 附表."""

OUTLINE = (
    Section("总体情况", (
        Paragraph("{{ prose.week_overview(b) }}"),
        Paragraph("{{ prose.year_overview(b) }}"),
        Paragraph("{{ prose.standing(b) }}", when="b.assessment.standing.points is not none"),
    )),
    Section("{{ c.units_label|text }}招商动态", (
        Each("s in b.sections", "{{ prose.unit_body(s) }}", lead="（{{ loop.index|cn_number }}）{{ s.unit|text }}"),
        Paragraph("{{ prose.no_activity(b) }}", when="b.quiet_units or b.missing_units"),
    ), when="b.sections or b.quiet_units or b.missing_units"),
    Section("重点项目推进", (
        Paragraph("{{ prose.key_signings(b) }}", when="b.key_signings_week"),
        Paragraph("{{ prose.movements(b) }}", when="b.movements"),
        Paragraph("{{ prose.fulfilment(b) }}", when="b.fulfilment.total"),
    ), when="b.key_signings_week or b.movements or b.fulfilment.total"),
    Section("存在问题", (
        Each("p in b.problems", "{{ prose.plan(p) }}", numbered=True),
        Paragraph("{{ prose.overdue(b) }}", when=OVERDUE),
    ), when=f"b.problems or ({OVERDUE})"),
    Section("下一步工作", (
        Each("p in b.plans", "{{ prose.plan(p) }}", numbered=True),
    ), when="b.plans"),
)

APPENDIX = "附表"
"""The heading of the tables."""

# ---------------------------------------------------------------- the tables
# Widths: a header's words never break.  五号 bold takes 3.7 mm a character (3.5 with the
# headers' -0.5 pt spacing) plus 3 mm of padding: four characters need 17.1 mm, five 20.6,
# six 24.2; the unit ("（亿元）") goes on a line of its own.  Narrow columns get short headers.
# A cell's 五号 text takes 3.7 mm a character: a column of w mm holds (w - 3) / 3.7 of them.
NAME = 57.5
"""mm: a project's name, 14 characters a line and room for the spaces around digits
("隆基绿能年产10万锭紧密纺项目", "金风科技煤制烯烃升级改造项目" on one line)."""
INVESTOR = 26
"""mm: an investor, 6 characters a line ("隆基绿能科技股份有限公司" in two lines, "东方希望集团" in one)."""

TABLES = (
    Table("units", "{{ c.units_label|text }}招商引资情况（今年以来，截至第{{ b.week_no }}周）", "u in b.units", (
        Column("单位", "u.unit", TEXT, 33.5),
        Column("外出招商（次）", "u.ytd.trips", width=17.5, total="b.ytd_totals.trips",
               week="u.week.trips", week_total="b.week_totals.trips"),
        Column("洽谈项目（个）", "u.ytd.negotiated", width=17.5, total="b.ytd_totals.negotiated",
               week="u.week.negotiated", week_total="b.week_totals.negotiated"),
        Column("签约项目（个）", "u.ytd.signings", width=17.5, total="b.ytd_totals.signings",
               week="u.week.signings", week_total="b.week_totals.signings"),
        Column("签约投资（亿元）", "u.ytd.investment", MONEY, 17.5, total="b.ytd_totals.investment",
               week="u.week.investment", week_total="b.week_totals.investment"),
        Column("落实项目（个）", "u.ytd.projects", width=17.5, total="b.ytd_totals.projects",
               week="u.week.projects", week_total="b.week_totals.projects"),
        Column("到位资金（亿元）", "u.ytd.funds", MONEY, 17.5, total="b.ytd_totals.funds",
               week="u.week.funds", week_total="b.week_totals.funds"),
        Column("{{ c.external_label|cell }}资金（亿元）", "u.ytd.external_funds", MONEY, 17.5,
               total="b.ytd_totals.external_funds", week="u.week.external_funds",
               week_total="b.week_totals.external_funds"),
    )),
    Table("targets", "到位资金目标完成情况（今年以来，时序进度{{ b.time_progress|percent }}）", "u in b.units", (
        Column("单位", "u.unit", TEXT, 44),
        Column("年度目标（亿元）", "u.target", MONEY, 28, total="b.target_total", missing="—"),
        Column("到位资金（亿元）", "u.ytd.funds", MONEY, 28, total="b.ytd_totals.funds"),
        Column("完成率", "u.completion", PERCENT, 28, total="b.target_completion", missing="—"),
        Column("排名", "u.rank", COUNT, 28, missing="—"),
    ), when="b.has_targets"),
    Table("industries", "分产业链招商引资情况（今年以来）", "i in b.industries", (
        Column("产业链", "i.industry", TEXT, 40),
        Column("签约项目（个）", "i.signings", width=29, total="b.ytd_totals.signings"),
        Column("签约总投资（亿元）", "i.investment", MONEY, 29, total="b.ytd_totals.investment"),
        Column("落实执行项目（个）", "i.projects", width=29, total="b.ytd_totals.projects"),
        Column("到位资金（亿元）", "i.funds", MONEY, 29, total="b.ytd_totals.funds"),
    )),
    Table("provinces", "外出招商目的地（今年以来，按首个目的地所在省份）", "p in b.provinces", (
        Column("省份", "p.province", TEXT, 60),
        Column("外出招商（次）", "p.trips", width=48, total="b.ytd_totals.trips"),
        Column("对接洽谈项目（个）", "p.negotiated", width=48, total="b.ytd_totals.negotiated"),
    )),
    Table("trips", "本周领导带队外出招商", "unit, t in b.week_trips", (
        Column("单位", "unit", TEXT, 20),
        Column("日期", "t.period", TEXT, 24),
        Column("带队领导", "t.led_by", TEXT, 30),
        Column("目的地", "t.destinations", TEXT, 30),
        Column("拜访企业", "t.companies", TEXT, 34),
        Column("洽谈项目（个）", "t.negotiated", width=18, total="b.week_totals.negotiated"),
    ), empty="本周无领导带队外出招商。"),
    Table("signings", "本周签约项目", "unit, s in b.week_signings", (
        Column("序号", "loop.index", COUNT, 10.5),
        Column("项目名称", "s.project", TEXT, NAME),
        Column("投资方", "s.investor", TEXT, INVESTOR),
        Column("产业链", "s.industry", TEXT, 22),
        Column("总投资（亿元）", "s.investment", MONEY, 18, total="b.week_totals.investment"),
        Column("单位", "unit", TEXT, 22),
    ), empty="本周无签约项目。"),
    Table("overdue", "督办项目（重点项目签约超过{{ c.ledger.overdue_weeks }}周仍未开工）", "a in b.overdue", (
        Column("序号", "loop.index", COUNT, 12),
        Column("项目名称", "a.name", TEXT, 60),
        Column("单位", "a.unit", TEXT, 34),
        Column("签约周次", "a.since", TEXT, 26),
        Column("已过（周）", "a.weeks", COUNT, 24),
    ), when="b.overdue"),
    Table("movements", "本周项目推进情况", "m in b.movements", (
        Column("单位", "m.unit", TEXT, 26),
        Column("项目名称", "m.project", TEXT, NAME),
        Column("投资方", "m.investor", TEXT, 26.5),
        Column("原阶段", "m.before", TEXT, 14, missing="—"),
        Column("现阶段", "m.stage", TEXT, 14),
        Column("本周到位（亿元）", "m.funds", MONEY, 18, total="b.assessment.movement_funds"),
    ), when="b.movements"),
)

NOTES = (
    Paragraph("注：金额按四舍五入保留两位小数，分项之和与合计可能略有出入。", when="rounding_note"),
    Paragraph("{{ prose.comparison_note(b) }}", when="b.comparison and prose.comparison_note is defined"),
)
"""Notes under the tables (where 同比 comes from: wording in ``prose.j2``, which a workspace's
older copy may lack)."""
