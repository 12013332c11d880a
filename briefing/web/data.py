"""The web page's one door into the library: every call the pages make goes through here.

The page shows what the commands show (``status``, ``build``, ``remind``, ``ingest --imap``), so
this module only calls the library functions behind those commands and turns their results
into small, display-ready values (relative paths, status keys, highlighted lines).  Keeping
every library import here means a change in the library's layout touches one file.

Library work is serialised with one lock: the machine is a clerk's PC, two heavy reads at once
would only be slower, and the report cache is not meant for concurrent writers.  Long jobs (mail
import, sending reminders) run in :mod:`briefing.web.jobs` outside that lock: they hold the
ingest lock of the workspace instead, as the commands do.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path

from briefing.actions.build import FORMATS, build, compute, normalise_week
from briefing.actions.ingest import take_uploads
from briefing.actions.remind import reminders, send_reminders
from briefing.actions.status import REPORTED, week_status
from briefing.errors import BriefingError, Problem
from briefing.mail.log import DUPLICATE, HELD, UPLOAD, read_log
from briefing.report.load import decode, read_file
from briefing.report.validate import validate_document
from briefing.weeks import Week
from briefing.web.states import QUARANTINE_NOTE, STATES, STILL_DUE, board_state
from briefing.workspace.layout import Workspace, open_workspace

LOCK = threading.Lock()
"""Held while the library reads or writes the workspace for a page (see the module docstring)."""


def workspace(config_path: Path) -> Workspace:
    """The workspace, with its config read afresh (the clerk may edit it while the page is open)."""
    return open_workspace(config_path)


def parse_week(text: str | None) -> Week | None:
    """A week from the page (``2023-W17``, ``2023年第17周`` …); ``None`` for none."""
    text = (text or "").strip()
    return normalise_week(text) if text else None


def _relative(ws: Workspace, path: str) -> str:
    try:
        return Path(os.path.relpath(path, ws.root)).as_posix()
    except ValueError:  # another drive on Windows
        return path


# ---------------------------------------------------------------- the status board


@dataclass
class Row:
    """One unit on the board."""

    unit: str
    key: str
    """One of :data:`~briefing.web.states.STATES` (the row's ``data-status``)."""
    received: str = ""
    sender: str = ""
    records: int | None = None
    notes: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    """Errors in the unit's files for the week (paths relative to the workspace)."""

    @property
    def label(self) -> str:
        return STATES[self.key]


@dataclass
class Board:
    """The week's status board."""

    week: Week
    rows: list[Row]
    unknown: list[Problem]
    """Problems of files whose unit or week cannot be read."""
    unread: list[str]

    @property
    def counts(self) -> dict[str, int]:
        return {key: sum(1 for r in self.rows if r.key == key) for key in STATES}

    @property
    def missing(self) -> list[str]:
        return [r.unit for r in self.rows if r.key in STILL_DUE]


def _problems(ws: Workspace, path: str) -> list[Problem]:
    """A file's problems again (few files: those the board shows as faulty)."""
    doc = read_file(path, _relative(ws, path))
    validate_document(doc, ws.config)
    return doc.problems


def board(config_path: Path, week: Week | None) -> Board:
    """``briefing status`` for the page, with each faulty file's errors."""
    with LOCK:
        ws = workspace(config_path)
        status = week_status(ws, week)
        log = [r for r in read_log(ws.state) if r.kind == "report" and r.week == status.week.iso]
        rows = []
        for unit in status.units:
            row = Row(unit.unit, board_state(unit, log), records=unit.records, notes=list(unit.notes))
            row.received = unit.received.strftime("%m-%d %H:%M") if unit.received else ""
            row.sender = unit.sender or ""
            if unit.state == REPORTED and not unit.sender:
                mine = [r for r in log if r.unit == unit.unit and r.stored and r.stored.startswith("entries/")]
                row.sender = UPLOAD if mine and mine[-1].source == UPLOAD else ""
            if row.key == "quarantined":
                row.notes.append(QUARANTINE_NOTE)
            if unit.errors:
                for path in unit.files:
                    row.problems.extend(p for p in _problems(ws, path) if p.is_error)
            rows.append(row)
        unknown = [p for path in status.unknown for p in _problems(ws, path) if p.is_error]
        return Board(status.week, rows, unknown, status.unread)


# ---------------------------------------------------------------- uploads


@dataclass
class Upload:
    """What became of one uploaded file."""

    name: str
    outcome: str
    """stored, same, held, error"""
    unit: str | None = None
    week: Week | None = None
    stored: str | None = None
    previous: str | None = None
    message: str = ""
    problems: list[Problem] = field(default_factory=list)
    lines: list[tuple[int, str, list[Problem]]] = field(default_factory=list)
    """For a report with errors: every line of it, with the problems on that line."""


def _numbered(data: bytes, problems: list[Problem]) -> list[tuple[int, str, list[Problem]]]:
    try:
        text = decode(data)
    except Exception:  # binary or undecodable: the problem says so; show what can be shown
        text = data[:20000].decode("utf-8", "replace")
    lines = text.splitlines() or [""]
    return [(n, line, [p for p in problems if p.line == n]) for n, line in enumerate(lines, 1)]


def store_uploads(config_path: Path, files: list[tuple[str, bytes]]) -> list[Upload]:
    """Validate each uploaded report and store the valid ones as ``ingest`` stores a report."""
    results = []
    with LOCK:
        taken = take_uploads(workspace(config_path), files)
    for (name, data), (record, problems) in zip(files, taken):
        item = Upload(name, "error", record.unit, Week.parse(record.week) if record.week else None, problems=problems)
        if record.outcome == HELD:
            item.outcome, item.message = "held", "；".join(record.errors)
        elif record.outcome == DUPLICATE:
            item.outcome, item.stored = "same", record.stored
            item.message = "内容与已入库的版本完全相同，未改动"
        elif record.stored:
            item.outcome, item.stored, item.previous = "stored", record.stored, record.previous
        else:
            item.lines = _numbered(data, problems)
        results.append(item)
    return results


# ---------------------------------------------------------------- preview, charts, downloads


@dataclass
class Preview:
    """The week's briefing as the page shows it."""

    week: Week | None
    html: str = ""
    notes: list[str] = field(default_factory=list)
    error: str | None = None
    problems: list[Problem] = field(default_factory=list)
    issue: int | None = None
    date: dt.date | None = None


def markdown_html(text: str) -> str:
    """The Markdown edition as HTML: CommonMark with tables, raw HTML shown as text."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False}).enable("table").render(text)


def preview(config_path: Path, week: Week | None) -> Preview:
    """The briefing of ``week`` (default: as ``build``) rendered from the Markdown edition."""
    from briefing.editions.markdown import render_markdown

    notes: list[str] = []
    with LOCK:
        try:
            ws = workspace(config_path)
            b = compute(ws, week and week.iso, note=notes.append)
            text = render_markdown(b, ws.templates)
        except BriefingError as error:
            return Preview(week, notes=notes, error=error.message, problems=error.problems)
    return Preview(b.week, markdown_html(text), notes, issue=b.issue, date=b.date)


@dataclass
class Charts:
    """The charts of the year to date, as SVG, and the data they show."""

    week: Week | None
    svgs: dict[str, bytes] = field(default_factory=dict)
    titles: dict[str, str] = field(default_factory=dict)
    error: str | None = None
    problems: list[Problem] = field(default_factory=list)


def charts(config_path: Path, week: Week | None) -> Charts:
    """Every chart of :mod:`briefing.editions.charts` for the year up to ``week``."""
    from briefing.editions import charts as drawing

    with LOCK:
        try:
            b = compute(workspace(config_path), week and week.iso)
            data = drawing.chart_data(b)
            svgs = {name: drawing.render(name, data, "svg") for name in drawing.CHARTS}
        except BriefingError as error:
            return Charts(week, error=error.message, problems=error.problems)
    return Charts(b.week, svgs, {name: drawing.title(name, data) for name in drawing.CHARTS})


def build_edition(config_path: Path, week: Week | None, ext: str) -> tuple[str, list[str]]:
    """``briefing build --format ext`` for ``week``: the file name in ``output/`` and the notes."""
    if ext not in FORMATS:
        raise BriefingError(f"不支持的格式“{ext}”", exit_code=2)
    notes: list[str] = []
    with LOCK:
        ws = workspace(config_path)
        written = build(ws, week and week.iso, [ext], note=notes.append)
    return written[0].name, notes


def downloads(config_path: Path) -> dict[str, Path]:
    """The editions in ``output/`` the page may hand out: regular files (no links) directly in
    the folder, with an edition's extension.  Only names listed here are ever served."""
    ws = workspace(config_path)
    found = {}
    try:
        entries = list(os.scandir(ws.output))
    except OSError:
        return {}
    for entry in entries:
        if entry.is_file(follow_symlinks=False) and entry.name.rpartition(".")[2] in FORMATS \
                and not entry.name.startswith("."):
            found[entry.name] = Path(entry.path)
    return dict(sorted(found.items()))


# ---------------------------------------------------------------- reminders and mail


@dataclass
class ReminderPreview:
    week: Week
    targets: list[tuple[str, str]]
    subject: str = ""
    body: str = ""
    smtp: bool = False
    password_needed: bool = False


def remind_preview(config_path: Path, week: Week | None) -> ReminderPreview:
    """What ``briefing remind`` (without ``--send``) shows."""
    with LOCK:
        ws = workspace(config_path)
        status = week_status(ws, week)
        due = reminders(ws, status)
    smtp = ws.config.mail.smtp if ws.config.mail else None
    result = ReminderPreview(status.week, [(r.unit, "、".join(r.to)) for r in due], smtp=smtp is not None)
    if due:
        result.subject = str(due[0].message["Subject"])
        result.body = due[0].message.get_body().get_content().rstrip()
    result.password_needed = bool(smtp and smtp.user and not os.environ.get(smtp.password_env))
    return result


def remind_send(config_path: Path, week: Week, password: str | None) -> list[tuple[str, str]]:
    """``briefing remind --send`` for ``week``: ``(unit, outcome)`` for each missing unit."""
    with LOCK:
        ws = workspace(config_path)
        due = reminders(ws, week_status(ws, week))
    if not due:
        return []
    smtp = ws.config.mail.smtp if ws.config.mail else None
    secret = _password(smtp, password, "发件邮箱") if smtp and smtp.user else None
    return send_reminders(ws, due, secret)


def _password(settings, typed: str | None, what: str) -> str:
    """A mail password: typed on the page, else from its environment variable (as the commands)."""
    from briefing.mail.smtp import password_for

    if typed:
        return typed
    if not os.environ.get(settings.password_env):
        raise BriefingError(f"请在页面上填写{what}的授权码（或在启动前设置环境变量 {settings.password_env}）", exit_code=2)
    return password_for(settings, None)


@dataclass
class MailSettings:
    imap: bool
    smtp: bool
    imap_password_needed: bool
    smtp_password_needed: bool
    address: str = ""


def mail_settings(config_path: Path) -> MailSettings:
    """Which mail features the config sets up, and whether the page must ask for a password."""
    ws = workspace(config_path)
    mail = ws.config.mail
    imap, smtp = mail.imap if mail else None, mail.smtp if mail else None
    return MailSettings(imap is not None, smtp is not None,
                        bool(imap and not os.environ.get(imap.password_env)),
                        bool(smtp and smtp.user and not os.environ.get(smtp.password_env)),
                        (imap.user or imap.host) if imap else "")



def import_mail(config_path: Path, imap_password: str | None, reply: bool, smtp_password: str | None,
                progress) -> str:
    """``briefing ingest --imap [--reply]``; returns its Chinese summary."""
    from briefing.actions.ingest import run
    from briefing.mail.summary import summary

    ws = workspace(config_path)
    mail = ws.config.mail
    if mail is None or mail.imap is None:
        raise BriefingError("briefing.yaml 中没有 mail.imap 设置，无法收取邮箱。写法见 docs/邮件报送.md", exit_code=2)
    imap_secret = _password(mail.imap, imap_password, "收件邮箱")
    smtp_secret = _password(mail.smtp, smtp_password, "发件邮箱") if reply and mail.smtp and mail.smtp.user else None
    result = run(ws, (), use_imap=True, imap_password=imap_secret, reply=reply, smtp_password=smtp_secret,
                 progress=progress)
    lines = [f"注意：{warning}" for warning in result.warnings]
    return "\n".join(lines + [summary(result)])
