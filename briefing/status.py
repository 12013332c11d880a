"""Who has reported for a week (``briefing status``) and reminders to those who have not
(``briefing remind``)."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from briefing.aggregate import Contribution, contribution
from briefing.errors import BriefingError
from briefing.fmt import date_range, pad, width
from briefing.model import Report, week_key
from briefing.numbering import last_build
from briefing.workspace import Found, Workspace, entries_folder, find_reports, guess_unit_week, load_cached

REPORTED, FAULTY, MISSING, RETURNED = "已报送", "有错误", "未报送", "退回待重报"


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


@dataclass
class WeekStatus:
    """Every unit's state for ``week``, plus files whose unit or week cannot be read."""

    week: str
    units: list[UnitStatus]
    unknown: list[str]
    unread: list[str] = field(default_factory=list)
    """Folders and files that could not be read or were refused (their reports are not counted)."""

    @property
    def missing(self) -> list[str]:
        """Units with no report for the week (not even a faulty one)."""
        return [u.unit for u in self.units if u.state in (MISSING, RETURNED)]


class _Census:
    """A sink for :func:`load_reports` remembering each valid file's unit, week and size."""

    def __init__(self) -> None:
        self.files: dict[str, tuple[str, str, int]] = {}

    def add(self, report: Report, path: str) -> Contribution:
        c = contribution(report)
        self.add_contribution(c, path)
        return c

    def add_contribution(self, c: Contribution, path: str) -> None:
        counts = c.counts
        records = counts[0] + counts[2] + counts[5] + counts[6] + counts[7] + len(c.projects)
        self.files[path] = (c.unit, f"{c.week[0]}-W{c.week[1]:02d}", records)


def week_status(ws: Workspace, week: str | None = None) -> WeekStatus:
    """The state of every unit for ``week`` (default: the latest week any report is for)."""
    census = _Census()
    entries_folder(ws.entries)
    found = find_reports([ws.entries], ws.root) if ws.entries.is_dir() else Found()
    loaded = load_cached(found.files, ws.config, ws.config_path, census)
    loaded.add_unread(found.problems)
    if week is None:
        weeks = [w for _, w, _ in census.files.values()]
        if not weeks:
            today = dt.date.today().isocalendar()
            week = f"{today[0]}-W{today[1]:02d}"  # nothing yet: this week, everyone missing
        else:
            week = max(weeks, key=week_key)
    units = {name: UnitStatus(name) for name in ws.config.unit_names}
    for path, (unit, file_week, records) in census.files.items():
        if file_week == week and unit in units:
            status = units[unit]
            status.state, status.records = REPORTED, records
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


def _add_mail(ws: Workspace, week: str, units: dict[str, UnitStatus]) -> None:
    """What the ingest log says: sender, time, versions, returned reports, late corrections."""
    from briefing.ingest import ACCEPTED, HELD, REJECTED, REPLACED, SUPERSEDED, read_log

    built = last_build(ws.state, week)
    late = "简报生成后才收到（或更正），请重新生成简报"
    if built is not None:
        for status in units.values():
            if any(dt.datetime.fromtimestamp(os.stat(path).st_mtime).astimezone() > built for path in status.files):
                status.notes.append(late)
    current: dict[str, object] = {}  # unit -> the log record of the version in use
    for record in read_log(ws.state):
        if record.kind != "report" or record.week != week or record.unit not in units:
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
        elif record.outcome == REJECTED and status.state == MISSING:
            status.state = RETURNED
            status.sender = status.sender or record.sender
            if "邮件报送有错误，已退回" not in status.notes:
                status.notes.append("邮件报送有错误，已退回")
        elif record.outcome == HELD and status.state == MISSING:
            held = "邮件报送的报告待处理：entries 中有文件名与内容不符的文件挡住了它，见 briefing ingest 的结果"
            if held not in status.notes:
                status.notes.append(held)
        # QUARANTINED: someone not listed for the unit wrote in its name; the unit sent nothing.
    for status in units.values():
        if status.versions > 1:
            status.notes.insert(0, f"共报送{status.versions}版，用最新一版")


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
    lines = [f"{status.week[:4]}年第{int(status.week[6:])}周报送情况", _row(header, widths),
             _row(["-" * w for w in widths], widths)]
    lines += [_row(r, widths) for r in rows]
    counts = {state: sum(1 for u in status.units if u.state == state) for state in (REPORTED, FAULTY, MISSING, RETURNED)}
    lines.append("")
    lines.append(f"应报 {len(status.units)} 个单位：已报送 {counts[REPORTED]}，有错误 {counts[FAULTY]}，"
                 f"未报送 {counts[MISSING] + counts[RETURNED]}。")
    for path in status.unknown:
        lines.append(f"无法识别单位或周次的文件：{path}（请运行 briefing validate 查看）")
    if status.unread:
        lines.append(f"注意：以下 {len(status.unread)} 处无法读取，其中的报告没有统计，以上情况可能不全：")
        lines.extend(status.unread)
    return "\n".join(lines)


# ---------------------------------------------------------------- reminders


@dataclass
class Reminder:
    """A reminder for one unit: its addresses (empty when none is configured) and the message."""

    unit: str
    to: list[str]
    message: EmailMessage


def reminders(ws: Workspace, status: WeekStatus, now: dt.datetime | None = None) -> list[Reminder]:
    """A polite reminder to each missing unit, with the fill-in form and a blank report for the week."""
    from briefing.form import form_file_name, form_html
    from briefing.forms import blank_report

    now = now or dt.datetime.now().astimezone()
    smtp = ws.config.mail.smtp if ws.config.mail else None
    sender = (smtp.sender or smtp.user) if smtp else None
    year, number = status.week[:4], int(status.week[6:])
    start = dt.date.fromisocalendar(int(year), number, 1)
    end = start + dt.timedelta(days=6)
    result = []
    for unit in status.missing:
        to = list(ws.config.senders.get(unit, []))
        body = "\n".join([
            f"{unit}：",
            "",
            f"您好！截至{now.year}年{now.month}月{now.day}日，{ws.config.bureau}尚未收到贵单位{year}年第{number}周"
            f"（{date_range(start, end)}）的招商工作周报，请尽快报送。",
            "",
            f"附件“{form_file_name(unit, status.week)}”是填报页面：用浏览器（Chrome、Edge、360 等）打开，逐项填写后"
            "点“保存周报文件”，把保存下来的文件作为附件回复本邮件即可。",
            "",
            f"也可以用记事本填写附件“{unit}.yaml”（本周的空白周报，每一项后面都有填写说明），"
            "本周没有的内容整段删去。",
            "",
            "如已报送，请忽略本邮件。谢谢！",
            "",
            f"{ws.config.bureau}",
            f"{now.year}年{now.month}月{now.day}日",
        ])
        message = EmailMessage()
        message["Subject"] = f"【催报】{unit}{year}年第{number}周招商工作周报"
        message["From"] = sender or ""
        message["To"] = ", ".join(to)
        message["Date"] = format_datetime(now)
        message["Message-ID"] = make_msgid("briefing", domain=(sender or "briefing.invalid").rpartition("@")[2] or None)
        message.set_content(body, charset="utf-8", cte="base64")
        message.add_attachment(form_html(ws.config, unit, status.week), subtype="html", charset="utf-8",
                               cte="base64", filename=form_file_name(unit, status.week))
        message.add_attachment(blank_report(ws.config, unit, status.week), subtype="yaml", charset="utf-8",
                               cte="base64", filename=f"{unit}.yaml")
        result.append(Reminder(unit, to, message))
    return result


def send_reminders(ws: Workspace, due: list[Reminder], password: str | None) -> list[tuple[str, str]]:
    """Send the reminders that have addresses; ``(unit, outcome)`` for each, never raising for one."""
    from briefing.receipts import open_smtp, smtp_failure

    smtp = ws.config.mail.smtp if ws.config.mail else None
    if smtp is None:
        raise BriefingError("没有配置发件服务器：请在 briefing.yaml 的 mail.smtp 中填写（见 docs/邮件报送.md）", exit_code=2)
    outcomes = []
    sendable = [r for r in due if r.to]
    if not sendable:
        return [(r.unit, "没有登记邮箱，未发送") for r in due]
    try:
        server = open_smtp(smtp, password)
    except Exception as error:  # noqa: BLE001 - any connection failure is reported in Chinese
        raise BriefingError(f"无法连接发件服务器：{smtp_failure(error, smtp)}") from None
    with server:
        for reminder in due:
            if not reminder.to:
                outcomes.append((reminder.unit, "没有登记邮箱，未发送，请电话催报"))
                continue
            try:
                server.send_message(reminder.message)
                outcomes.append((reminder.unit, "已发送至 " + "、".join(reminder.to)))
            except Exception as error:  # noqa: BLE001
                outcomes.append((reminder.unit, "发送失败：" + smtp_failure(error, smtp)))
    return outcomes
