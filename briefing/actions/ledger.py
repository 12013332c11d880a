"""``briefing ledger``, ``briefing project`` and ``briefing trips`` as library calls.

The ledger is computed from the same cached contributions as the briefing (a
:class:`~briefing.figures.ledger.Ledger` is the loading sink; no report is read in full), and a
year's table and the ledger's warnings are cached for exactly those contributions (as the
briefing's ledger figures are), so a warm ``ledger`` of an unchanged workspace settles nothing.  The trips form needs the trips'
details, which contributions do not carry: the reports of its weeks are read in full.
"""

from __future__ import annotations

from typing import Callable

from briefing.actions.build import load_entries, normalise_week, refuse_errors
from briefing.errors import BriefingError
from briefing.figures.duplicates import ledger_problems
from briefing.figures.identity import project_key
from briefing.figures.ledger import History, Ledger, Settled
from briefing.figures.ledger_table import LedgerTable, history_lines, ledger_table
from briefing.figures.ledger_view import plain_problems, read_problems
from briefing.figures.trips import TripRow, trip_rows
from briefing.report.hints import choice_hint
from briefing.weeks import Week
from briefing.workspace.layout import Workspace
from briefing.workspace.loading import load_reports

Note = Callable[[str], None]

LEDGER_TITLE = "招商项目台账"
"""The ledger's title (the workbook's A1 and its file name)."""


def _ignore(text: str) -> None:
    pass


def settled_ledger(ws: Workspace, use_cache: bool = True, note: Note = _ignore) -> tuple[Ledger, Settled]:
    """Every report into the ledger (stops, exit 1, on any report error); warnings to ``note``."""
    ledger = Ledger()
    loaded = load_entries(ws, sink=ledger, use_cache=use_cache)
    refuse_errors(loaded)
    settled = ledger.settle(ws.config.same_project, ws.config.unit_names)
    for problem in [*loaded.problems, *ledger_problems(settled, ws.config)]:
        note(str(problem))
    return ledger, settled


def year_ledger(ws: Workspace, year: int | None = None, use_cache: bool = True, note: Note = _ignore) -> LedgerTable:
    """The ledger of ``year`` (default: the year of the latest report); every warning to ``note``
    (stops, exit 1, on any report error)."""
    ledger = Ledger()
    loaded = load_entries(ws, sink=ledger, use_cache=use_cache)
    refuse_errors(loaded)
    derived = loaded.derived
    settled: Settled | None = None

    def settle() -> Settled:
        nonlocal settled
        if settled is None:
            settled = ledger.settle(ws.config.same_project, ws.config.unit_names)
        return settled

    problems = derived.load("ledger-problems", read_problems) if derived is not None else None
    if problems is None:
        problems = ledger_problems(settle(), ws.config)
        if derived is not None:
            derived.put("ledger-problems", plain_problems(problems))
    for problem in [*loaded.problems, *problems]:
        note(str(problem))
    if not ledger.weeks:
        raise BriefingError("报告文件夹里还没有任何报告，无法生成项目台账")
    year = year or max(ledger.weeks).year
    if not any(week.year == year for week in ledger.weeks):
        years = "、".join(str(y) for y in sorted({w.year for w in ledger.weeks}))
        raise BriefingError(f"没有 {year} 年的报告（有报告的年份：{years}）", exit_code=2)
    name = f"ledger-table {year}"
    table = derived.load(name, LedgerTable.from_plain) if derived is not None else None
    if table is None or table.year != year:
        table = ledger_table(settle(), ws.config, year, ledger.weeks)
        if derived is not None:
            derived.put(name, table.to_plain())
    return table


def find_projects(settled: Settled, name: str) -> list[History]:
    """The projects called ``name`` (up to spacing, brackets, width, a trailing 项目) or coded so."""
    key = project_key(name)
    found = []
    for history in settled.histories:
        codes = {e.item.code for e in history.signings} | {r.item.code for r in history.reports}
        if any(k == key for _, k in history.nodes) or name.strip() in codes:
            found.append(history)
    return found


def project_story(ws: Workspace, name: str, use_cache: bool = True, note: Note = _ignore) -> list[str]:
    """One project's history in Chinese (several projects of that name: each, blank line between)."""
    _, settled = settled_ledger(ws, use_cache, note)
    found = find_projects(settled, name)
    if not found:
        names = list(dict.fromkeys(h.name for h in settled.histories))
        raise BriefingError(f"没有找到项目“{name}”{choice_hint(name, names, listing=None)}"
                            "（名称里的空格、括号、全角半角和末尾的“项目”不计；也可以用项目编码查找）")
    lines: list[str] = []
    for history in found:
        if lines:
            lines.append("")
        lines += history_lines(history, ws.config)
    return lines


def trips_rows(ws: Workspace, first: str | None = None, last: str | None = None,
               use_cache: bool = True) -> tuple[Week, Week, list[TripRow]]:
    """The trips of weeks ``first..last`` (default: from week 1 of the latest report's year to its week)."""
    probe = Ledger()
    sink = _Both(probe)
    loaded = load_entries(ws, sink=sink, use_cache=use_cache)
    refuse_errors(loaded)
    if not probe.weeks:
        raise BriefingError("报告文件夹里还没有任何报告，无法生成外出招商情况上报表")
    to = normalise_week(last) if last else max(probe.weeks)
    start = normalise_week(first) if first else Week(to.year, 1)
    if start > to:
        raise BriefingError(f"起始周 {start} 晚于结束周 {to}", exit_code=2)
    chosen = [(path, week) for path, week in sink.seen if start <= week <= to]
    again = load_reports([path for path, _ in chosen], ws.config)
    refuse_errors(again)
    return start, to, trip_rows(again.reports, ws.config.unit_names)


class _Both:
    """A sink that feeds the ledger (for the weeks there are) and remembers each file's week."""

    def __init__(self, ledger: Ledger):
        self.ledger = ledger
        self.seen: list[tuple[str, Week]] = []

    def add(self, c, report, path: str) -> None:
        self.ledger.weeks.add(c.week)
        self.seen.append((path, c.week))

    def add_deferred(self, d, path: str) -> None:
        self.add(d, None, path)  # its week is all this needs
