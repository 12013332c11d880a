"""The 台账 page's door into the library: the year's project ledger (``briefing ledger``)
filtered on the server, one project's history (``briefing project``) and the ledger workbook.

Filters are plain GET parameters (``year``, ``unit``, ``stage``, ``flag``, ``q``), so the page
works without JavaScript and a filtered view is a link the clerk can bookmark.  Filtering only
chooses rows of :func:`briefing.actions.ledger.year_ledger`'s table, each shown exactly as the
ledger workbook has it; a value the page never offers (an unknown unit, stage or year) is a
Chinese message, never an empty table that looks like "no projects".  The history page shows
the lines :func:`briefing.actions.ledger.project_story` gives the command, laid out as a table.
The workbook is made in memory for the download: a GET writes nothing into the workspace.

Library work takes the same lock as every other page (:data:`briefing.web.data.LOCK`).
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

from briefing.actions.ledger import LEDGER_TITLE, project_story, year_ledger
from briefing.errors import BriefingError
from briefing.figures.ledger import STAGES
from briefing.figures.ledger_table import LedgerRow, LedgerTable
from briefing.web.data import LOCK, workspace
from briefing.workspace.layout import Workspace

FLAGS = {"key": "重点项目", "alert": "有督办提示"}
"""The 重点/督办 filter's values and their labels."""
MAX_QUERY = 100


@dataclass(frozen=True)
class Filters:
    """What the clerk asked the ledger for (``""``/``None``: everything)."""

    year: int | None = None
    unit: str = ""
    stage: str = ""
    flag: str = ""
    q: str = ""

    @property
    def active(self) -> bool:
        return bool(self.unit or self.stage or self.flag or self.q)


def _year(text: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    if not re.fullmatch(r"\d{4}", text):
        raise BriefingError(f"年份“{text[:20]}”有误，应写成 2023 这样的四位数", exit_code=2)
    return int(text)


def filters(params: Mapping[str, str], units: list[str]) -> Filters:
    """The filters of a request's query; :class:`BriefingError` (exit 2) for a value the page
    never offers."""
    chosen = Filters(_year(params.get("year", "")), params.get("unit", "").strip(), params.get("stage", "").strip(),
                     params.get("flag", "").strip(), params.get("q", "").strip()[:MAX_QUERY])
    if chosen.unit and chosen.unit not in units:
        raise BriefingError(f"没有“{chosen.unit[:20]}”这个单位，请在下拉框中选择", exit_code=2)
    if chosen.stage and chosen.stage not in STAGES:
        raise BriefingError(f"阶段应为{'、'.join(STAGES)}之一", exit_code=2)
    if chosen.flag and chosen.flag not in FLAGS:
        raise BriefingError(f"“重点/督办”应为{'、'.join(FLAGS.values())}之一", exit_code=2)
    return chosen


def _folded(text: str) -> str:
    """Text for matching: full-width as half-width, case and spacing ignored."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).casefold()


def matches(row: LedgerRow, chosen: Filters) -> bool:
    """Whether ``row`` passes every filter (the text searches project, code, unit, investor,
    industry and the 督办 text)."""
    if chosen.unit and row.unit != chosen.unit:
        return False
    if chosen.stage and row.stage != chosen.stage:
        return False
    if chosen.flag == "key" and not row.key or chosen.flag == "alert" and not row.flags:
        return False
    if chosen.q:
        haystack = _folded(" ".join((row.project, row.unit, row.investor, row.industry, row.flag_text)))
        return _folded(chosen.q) in haystack
    return True


@dataclass
class LedgerPage:
    """The ledger of a year and the rows the filters keep."""

    table: LedgerTable
    rows: list[LedgerRow]
    filters: Filters
    units: list[str]
    notes: list[str] = field(default_factory=list)


def ledger(config_path: Path, params: Mapping[str, str]) -> LedgerPage:
    """``briefing ledger`` of the chosen year (default as the command: the latest report's
    year), its rows filtered by ``params``."""
    notes: list[str] = []
    with LOCK:
        ws = workspace(config_path)
        chosen = filters(params, ws.config.unit_names)
        table = year_ledger(ws, chosen.year, note=notes.append)
    return LedgerPage(table, [row for row in table.rows if matches(row, chosen)], chosen, ws.config.unit_names,
                      _shorter(ws, notes))


@dataclass
class Event:
    """One dated line of a project's history: the week and what happened (with file:line)."""

    week: str
    text: str


@dataclass
class Story:
    """One project's history, as ``briefing project`` tells it."""

    title: str
    about: str
    events: list[Event]
    summary: str


_EVENT = re.compile(r"(\d{4}-W\d{2})  (.*)")


def _stories(lines: list[str]) -> list[Story]:
    """``project_story``'s lines (projects separated by a blank line) as :class:`Story` parts:
    its title line, its description line, its dated lines and its closing line."""
    stories, block = [], []
    for line in [*lines, ""]:
        if line:
            block.append(line)
            continue
        if block:
            events = [Event(*found.groups()) if (found := _EVENT.fullmatch(text)) else Event("", text)
                      for text in block[2:-1]]
            stories.append(Story(block[0], block[1], events, block[-1]))
            block = []
    return stories


def _shorter(ws: Workspace, lines: list[str]) -> list[str]:
    """Lines with the workspace's own folder left out of their file names, as the board shows them."""
    root = f"{ws.root}{os.sep}"
    return [line.replace(root, "") for line in lines]


def history(config_path: Path, name: str) -> tuple[list[Story], list[str]]:
    """``briefing project NAME``: each project found, and the warnings the ledger gave."""
    name = name.strip()[:MAX_QUERY]
    if not name:
        raise BriefingError("请给出项目名称或编码", exit_code=2)
    notes: list[str] = []
    with LOCK:
        ws = workspace(config_path)
        lines = project_story(ws, name, note=notes.append)
    return _stories(_shorter(ws, lines)), _shorter(ws, notes)


def workbook(config_path: Path, year: str) -> tuple[str, bytes]:
    """``briefing ledger --year YEAR``'s workbook, in memory: its file name and bytes."""
    from briefing.editions.ledger_xlsx import ledger_xlsx

    with LOCK:
        table = year_ledger(workspace(config_path), _year(year))
    return f"{LEDGER_TITLE}-{table.year}.xlsx", ledger_xlsx(table, LEDGER_TITLE)
