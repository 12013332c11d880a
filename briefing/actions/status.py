"""Who has reported for a week (``briefing status``): every unit's state from the reports in
``entries/`` (through the cache) and what the ingest log says of them.

It reads the ingest log through :mod:`briefing.mail.log` only; it never starts the mail engine.

A unit is in one of the states of :data:`STATES` (``reported``, ``missing``, ``error``,
``rejected``, ``quarantined``: the codes a web page can use as ``data-status``).  A submission
that was rejected or quarantined after the report that stands is shown next to it ("有更正被退回",
"有报送被隔离", with the reason and when), so a failed correction is never hidden.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field

from briefing.figures.figures import Contribution, records
from briefing.fmt import pad, width
from briefing.mail.log import ACCEPTED, HELD, QUARANTINED, REJECTED, REPLACED, SUPERSEDED, LogRecord, read_log
from briefing.report.model import Report
from briefing.report.validate import guess_unit_week
from briefing.weeks import Week, current_week
from briefing.workspace.layout import Found, Workspace, entries_folder, find_reports
from briefing.workspace.loading import load_cached
from briefing.workspace.numbering import last_build

REPORTED, FAULTY, MISSING, RETURNED, HELD_ASIDE = "已报送", "有错误", "未报送", "退回待重报", "报送被隔离"
STATES = {REPORTED: "reported", MISSING: "missing", FAULTY: "error", RETURNED: "rejected", HELD_ASIDE: "quarantined"}
"""Each state's code (for a web page's ``data-status``)."""


@dataclass
class UnitStatus:
    """One unit's state for one week."""

    unit: str
    state: str = MISSING
    files: list[str] = field(default_factory=list)
    records: int | None = None
    received: dt.datetime | None = None
    sender: str | None = None
    versions: int = 0
    errors: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def code(self) -> str:
        """The state's code: reported, missing, error, rejected or quarantined."""
        return STATES[self.state]


@dataclass
class WeekStatus:
    """Every unit's state for ``week``, plus files whose unit or week cannot be read."""

    week: Week
    units: list[UnitStatus]
    unknown: list[str]
    unread: list[str] = field(default_factory=list)
    """Folders and files that could not be read or were refused (their reports are not counted)."""

    @property
    def missing(self) -> list[str]:
        """Units with no report for the week (not even a faulty one)."""
        return [u.unit for u in self.units if u.state in (MISSING, RETURNED, HELD_ASIDE)]


class _Census:
    """A sink for :func:`load_reports` remembering each valid file's unit, week and size."""

    def __init__(self) -> None:
        self.files: dict[str, tuple[str, Week, int]] = {}

    def add(self, c: Contribution, report: Report | None, path: str) -> None:
        self.files[path] = (c.unit, c.week, records(c))


def week_status(ws: Workspace, week: Week | str | None = None) -> WeekStatus:
    """The state of every unit for ``week`` (default: the latest week any report is for)."""
    week = Week.parse(week) if week is not None else None
    census = _Census()
    entries_folder(ws.entries)
    found = find_reports([ws.entries], ws.root) if ws.entries.is_dir() else Found()
    loaded = load_cached(found.files, ws.config, ws.config_path, census)
    loaded.add_unread(found.problems)
    if week is None:
        weeks = [w for _, w, _ in census.files.values()]
        week = max(weeks) if weeks else current_week()  # nothing yet: this week, everyone missing
    units = {name: UnitStatus(name) for name in ws.config.unit_names}
    for path, (unit, file_week, count) in census.files.items():
        if file_week == week and unit in units:
            status = units[unit]
            status.state, status.records = REPORTED, count
            status.files.append(path)
            status.received = dt.datetime.fromtimestamp(os.stat(path).st_mtime).astimezone()
    unknown = []
    for path in sorted({p.path for p in loaded.errors} - {p.path for p in loaded.unread}):
        unit, file_week = guess_unit_week(path, ws.config)
        if unit is None or file_week is None:
            unknown.append(path)
        elif file_week == week:
            status = units[unit]
            status.state = REPORTED if status.state == REPORTED else FAULTY
            status.files.append(path)
            status.errors += sum(1 for p in loaded.errors if p.path == path)
    _add_mail(ws, week, units)
    return WeekStatus(week, list(units.values()), unknown, [str(p) for p in loaded.unread])


def _add_mail(ws: Workspace, week: Week, units: dict[str, UnitStatus]) -> None:
    """What the ingest log says: sender, time, versions, returned reports, late corrections."""
    built = last_build(ws.state, week)
    late = "简报生成后才收到（或更正），请重新生成简报"
    if built is not None:
        for status in units.values():
            if any(dt.datetime.fromtimestamp(os.stat(path).st_mtime).astimezone() > built for path in status.files):
                status.notes.append(late)
    current: dict[str, object] = {}  # unit -> the log record of the version in use
    refused: dict[str, list[LogRecord]] = {}  # unit -> its rejected and quarantined submissions
    for record in read_log(ws.state):
        if record.kind != "report" or record.week != week.iso or record.unit not in units:
            continue
        status = units[record.unit]
        if record.outcome in (ACCEPTED, REPLACED, SUPERSEDED):
            status.versions += 1
            best = current.get(record.unit)
            if record.outcome != SUPERSEDED and (best is None or record.when >= best.when):
                current[record.unit] = record
                status.sender, status.received = record.sender, record.when
            written = dt.datetime.fromisoformat(record.time)
            if built is not None and written > built and record.outcome != SUPERSEDED and late not in status.notes:
                status.notes.append(late)
        elif record.outcome in (REJECTED, QUARANTINED):
            refused.setdefault(record.unit, []).append(record)
        elif record.outcome == HELD and status.state == MISSING:
            held = "邮件报送的报告待处理：entries 中有文件名与内容不符的文件挡住了它，见 briefing ingest 的结果"
            if held not in status.notes:
                status.notes.append(held)
    for unit, records in refused.items():
        _refused(units[unit], records)
    for status in units.values():
        if status.versions > 1:
            status.notes.insert(0, f"共报送{status.versions}版，用最新一版")


def _refused(status: UnitStatus, records: list[LogRecord]) -> None:
    """Rejected and quarantined submissions after the report that stands (all, if none stands)."""
    stands = status.received
    later = [r for r in records if stands is None or r.when > stands]
    if not later:
        return
    if status.state == MISSING:
        status.state = RETURNED if any(r.outcome == REJECTED for r in later) else HELD_ASIDE
        status.sender = status.sender or later[-1].sender
    for record in later:
        when = record.when.astimezone().strftime("%m-%d %H:%M")
        reason = record.errors[0] if record.errors else ""
        if status.state in (REPORTED, FAULTY):
            what = "有更正被退回" if record.outcome == REJECTED else "有报送被隔离"
        else:
            what = "邮件报送有错误，已退回" if record.outcome == REJECTED else "邮件报送被隔离（未入库）"
        note = f"{what}（{when}，{record.sender or '发件人不明'}：{reason}）"
        if note not in status.notes:
            status.notes.append(note)


def _row(cells: list[str], widths: list[int]) -> str:
    return "  ".join(pad(cell, columns) for cell, columns in zip(cells, widths)).rstrip()


def status_table(status: WeekStatus) -> str:
    """The status as an aligned Chinese table with a summary line."""
    header = ["单位", "状态", "报送时间", "发件人", "记录数", "说明"]
    rows = []
    for u in status.units:
        when = u.received.strftime("%m-%d %H:%M") if u.received else "—"
        notes = list(u.notes) + ([f"{u.errors}处错误，请运行 briefing validate 查看"] if u.errors else [])
        rows.append([u.unit, u.state, when, u.sender or "—", "—" if u.records is None else str(u.records),
                     "；".join(notes)])
    widths = [max(width(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = [f"{status.week.label}报送情况", _row(header, widths),
             _row(["-" * w for w in widths], widths)]
    lines += [_row(r, widths) for r in rows]
    counts = {state: sum(1 for u in status.units if u.state == state) for state in STATES}
    lines.append("")
    lines.append(f"应报 {len(status.units)} 个单位：已报送 {counts[REPORTED]}，有错误 {counts[FAULTY]}，"
                 f"未报送 {counts[MISSING] + counts[RETURNED] + counts[HELD_ASIDE]}。")
    for path in status.unknown:
        lines.append(f"无法识别单位或周次的文件：{path}（请运行 briefing validate 查看）")
    if status.unread:
        lines.append(f"注意：以下 {len(status.unread)} 处无法读取，其中的报告没有统计，以上情况可能不全：")
        lines.extend(status.unread)
    return "\n".join(lines)
