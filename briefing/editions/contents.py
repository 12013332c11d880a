"""The outline and tables of :mod:`briefing.editions.spec`, evaluated for one briefing.

The Markdown edition and the Excel workbook print what this gives them: headings, paragraphs
and table cells as text of their edition (Markdown-escaped, or plain), or, for Excel, the
cells' values themselves.  Numbering follows what is shown: a table whose ``when`` is false
takes no number.  (The Word edition evaluates the same strings itself: they are written into
its template.)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Iterable

from jinja2 import Environment

from briefing import fmt
from briefing.editions.jinja import compiled_expression, compiled_template, literal, oneline, spec_env
from briefing.editions.jinja import cn_number
from briefing.editions.spec import (COUNT, EDITOR_NOTE, HEADLINE, MONEY, NOTES, OUTLINE, PERCENT, TABLES, TEXT, Column,
                                    Each, Paragraph, Table)
from briefing.figures.briefing import Briefing


@dataclass
class Item:
    """One paragraph: its run-in heading (if any) and its text."""

    text: str
    lead: str | None = None


@dataclass
class Block:
    """The paragraphs of one block of the outline."""

    items: list[Item]
    numbered: bool = False


@dataclass
class FilledSection:
    heading: str
    blocks: list[Block]


@dataclass
class FilledTable:
    """A table as shown: its number, title, headers, rows and 合计 row.

    Cells are text of the edition (``text=True``) or the values themselves, with the column's
    ``missing`` mark for a missing one (``text=False``); a blank total cell is ``""`` or ``None``.
    """

    table: Table
    number: int
    title: str
    headers: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    total: list[Any] | None = None
    week_rows: list[list[Any]] = field(default_factory=list)
    """With ``excel``: each row's figures of this week, by column (``None`` where a column has none)."""
    week_total: list[Any] | None = None
    empty: str | None = None
    """What is said instead of the table (it has no rows, and its spec says so)."""

    @property
    def heading(self) -> str:
        """``表1　…``: the table's heading, the same in every edition."""
        return f"表{self.number}　{self.title}"


class _Loop:
    """What Jinja's ``loop`` offers, for expressions evaluated outside a template."""

    def __init__(self, index0: int, length: int):
        self.index0, self.length = index0, length
        self.index, self.first, self.last = index0 + 1, index0 == 0, index0 == length - 1
        self.revindex, self.revindex0 = length - index0, length - index0 - 1


class Evaluator:
    """Evaluates the spec's strings in one environment, with one set of names."""

    def __init__(self, env: Environment, names: dict[str, Any]):
        self.env, self.names = env, names

    @property
    def markdown(self) -> bool:
        return getattr(self.env, "markdown", False) and not self.env.autoescape

    def value(self, path: str, **extra: Any) -> Any:
        """The value at an attribute path (``u.ytd.trips``)."""
        first, *rest = path.split(".")
        value = extra[first] if first in extra else self.names[first]
        for name in rest:
            value = getattr(value, name)
        return value

    def expression(self, source: str) -> Any:
        return compiled_expression(self.env, source)(**self.names)

    def text(self, template: str, **extra: Any) -> str:
        if "{" not in template:
            return template
        return compiled_template(self.env, template).render(**self.names, **extra)

    def each(self, loop: str) -> Iterable[dict[str, Any]]:
        """The names bound by a ``for`` loop (``"a, b in x"``) for each item, with ``loop``."""
        target, iterable = loop.split(" in ", 1)
        names = [name.strip() for name in target.split(",")]
        items = list(self.value(iterable.strip()))
        for index, item in enumerate(items):
            values = dict(zip(names, item)) if len(names) > 1 else {names[0]: item}
            yield {**values, "loop": _Loop(index, len(items))}

    def shown(self, when: str | None) -> bool:
        return when is None or bool(self.expression(when))


def evaluator(b: Briefing, markdown: bool = False, **names: Any) -> Evaluator:
    """An :class:`Evaluator` for ``b``, giving Markdown or plain text."""
    return Evaluator(spec_env(markdown=markdown), {"b": b, "c": b.config, **names})


def outline(ev: Evaluator) -> list[FilledSection]:
    """The sections shown, numbered 一、二、… in order, their paragraphs rendered."""
    sections = []
    for section in OUTLINE:
        if not ev.shown(section.when):
            continue
        blocks = [_block(ev, block) for block in section.blocks]
        heading = f"{cn_number(len(sections) + 1)}、{ev.text(section.heading)}"
        sections.append(FilledSection(heading, [block for block in blocks if block.items]))
    return sections


def front(ev: Evaluator) -> tuple[str, str | None]:
    """The headline (标题) and the 编者按 (``None`` without one)."""
    return ev.text(HEADLINE.text), ev.text(EDITOR_NOTE.text) if ev.shown(EDITOR_NOTE.when) else None


def notes(ev: Evaluator) -> list[str]:
    """The notes under the tables that apply."""
    return [ev.text(note.text) for note in NOTES if ev.shown(note.when)]


def _block(ev: Evaluator, block: Paragraph | Each) -> Block:
    if isinstance(block, Paragraph):
        return Block([Item(ev.text(block.text))] if ev.shown(block.when) else [])
    items = [Item(ev.text(block.text, **names), ev.text(block.lead, **names) if block.lead else None)
             for names in ev.each(block.loop)]
    if not items and block.empty is not None:
        return Block([Item(ev.text(block.empty))])
    return Block(items, numbered=block.numbered)


def tables(ev: Evaluator, text: bool = True, excel: bool = False) -> list[FilledTable]:
    """The tables shown, numbered, filled (see :class:`FilledTable` for ``text``); ``excel``:
    with this week's figures beside 今年以来."""
    filled = []
    for table in TABLES:
        if not ev.shown(table.when):
            continue
        result = FilledTable(table, len(filled) + 1, ev.text(table.title), [ev.text(c.header) for c in table.columns])
        markdown = ev.markdown
        weekly = excel and any(column.week for column in table.columns)
        for names in ev.each(table.rows):
            result.rows.append([_cell(ev.value(column.value, **names), column, text, markdown)
                                for column in table.columns])
            if weekly:
                result.week_rows.append([_cell(ev.value(column.week, **names), column, text, markdown)
                                         if column.week else None for column in table.columns])
        if weekly:
            result.week_total = [ev.value(column.week_total) if column.week_total else None for column in table.columns]
        if not result.rows and table.empty is not None:
            result.empty = ev.text(table.empty)
        elif table.has_total:
            result.total = [table.total_label] + [
                ("" if text else None) if column.total is None else _cell(ev.value(column.total), column, text, markdown)
                for column in table.columns[1:]]
        filled.append(result)
    return filled


_PRINT = {COUNT: str, MONEY: fmt.amount, PERCENT: fmt.percent}


def cell_text(value: Any, column: Column, markdown: bool) -> str:
    """A value as ``column`` prints it: what ``column.shown`` makes Jinja print in Word."""
    if value is None and column.missing is not None:
        return column.missing
    if column.kind == TEXT:
        if isinstance(value, (list, tuple)):
            return literal("、".join(oneline(str(item)) for item in value), markdown)
        return literal(oneline(str(value)), markdown)
    return _PRINT[column.kind](value)


def _cell(value: Any, column: Column, text: bool, markdown: bool) -> Any:
    if text:
        return cell_text(value, column, markdown)
    if isinstance(value, (list, tuple)):
        return "、".join(oneline(str(item)) for item in value)
    return column.missing if value is None and column.missing is not None else value


def rounding_differs(ev: Evaluator) -> bool:
    """Whether some money column of a table shown would not add up to its printed total after
    rounding (then a note says so)."""
    for filled in tables(ev, text=False):
        for index, column in enumerate(filled.table.columns):
            if column.kind != MONEY or column.total is None or not filled.total:
                continue
            parts = [row[index] for row in filled.rows if isinstance(row[index], (int, Decimal))]
            shown = sum((Decimal(fmt.money(part)) for part in parts), Decimal(0))
            if shown != Decimal(fmt.money(filled.total[index])):
                return True
    return False


def context(b: Briefing) -> dict[str, Any]:
    """What every template sees."""
    return {"b": b, "rounding_note": rounding_differs(evaluator(b))}
