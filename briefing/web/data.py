"""The web page's one door into the library: every call the pages make goes through here.

The page shows what the commands show (``status``, ``build``, ``publish``, ``diff``, ``remind``,
``ingest --imap``), so this module only calls the library functions behind those commands and
turns their results into small, display-ready values (relative paths, status codes, highlighted
lines).  Keeping every library import here means a change in the library's layout touches one
file.  The week is chosen as the commands choose it (:func:`weeks`): the one asked for, else
the reporting week.

Publishing from the page publishes what the clerk saw: the preview carries a fingerprint of the
draft's text and its suspicious figures, and :func:`publish_week` refuses when it no longer
matches (a report arrived meanwhile), and passes the 期号 the page showed, so a number taken
meanwhile is refused by the library rather than silently replaced by the next one.

Library work is serialised with one lock: the machine is a clerk's PC, two heavy reads at once
would only be slower, and the report cache is not meant for concurrent writers.  Long jobs (mail
import, sending reminders) run in :mod:`briefing.web.jobs` outside that lock: they hold the
ingest lock of the workspace instead, as the commands do.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
import stat
import threading
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from briefing.actions.build import DEFAULT_FORMATS, DRAFT_MARK, FORMATS, build, chosen_week, compute, normalise_week
from briefing.actions.publish import Issued, Prospect, prospect, publish
from briefing.actions.ingest import take_uploads
from briefing.actions.remind import reminders, send_reminders
from briefing.actions.status import REPORTED, STATES, week_status
from briefing.errors import BriefingError, Problem
from briefing.mail.log import DUPLICATE, HELD, UPLOAD, read_log
from briefing.report.load import decode, read_file
from briefing.report.validate import validate_document
from briefing.figures.briefing import Briefing
from briefing.weeks import Week, today
from briefing.workspace.publications import PUBLISHED_FOLDER, Publication, read_register
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


@dataclass
class Weeks:
    """The week a page shows and the reporting week (the one every command defaults to)."""

    shown: Week
    current: Week
    """:func:`briefing.actions.build.chosen_week` of no week: today's reporting week."""

    @property
    def is_current(self) -> bool:
        return self.shown == self.current


def weeks(ws: Workspace, week: Week | None) -> Weeks:
    """``week``, or the reporting week when none is given, as the commands choose it."""
    current = chosen_week(ws, None)
    return Weeks(week or current, current)


def _relative(ws: Workspace, path: str) -> str:
    try:
        return Path(os.path.relpath(path, ws.root)).as_posix()
    except ValueError:  # another drive on Windows
        return path


# ---------------------------------------------------------------- the status board


LABELS = {code: label for label, code in STATES.items()}
"""Each unit state's code (the row's ``data-status``) → the label ``briefing status`` prints,
in the library's order."""


@dataclass
class Row:
    """One unit on the board, in the state ``briefing status`` gives it."""

    unit: str
    code: str
    """One of the library's state codes (:data:`briefing.actions.status.STATES`): the row's ``data-status``."""
    label: str
    """The state as ``briefing status`` names it."""
    received: str = ""
    sender: str = ""
    records: int | None = None
    notes: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    """Errors in the unit's files for the week (paths relative to the workspace)."""


@dataclass
class Board:
    """The week's status board."""

    weeks: Weeks
    rows: list[Row]
    missing: list[str]
    """Units that still owe the week's report (as ``briefing status --missing`` lists them)."""
    unknown: list[Problem]
    """Problems of files whose unit or week cannot be read."""
    unread: list[str]

    @property
    def week(self) -> Week:
        return self.weeks.shown

    @property
    def counts(self) -> dict[str, int]:
        return {code: sum(1 for r in self.rows if r.code == code) for code in LABELS}


def _problems(ws: Workspace, path: str) -> list[Problem]:
    """A file's problems again (few files: those the board shows as faulty)."""
    doc = read_file(path, _relative(ws, path))
    validate_document(doc, ws.config)
    return doc.problems


def board(config_path: Path, week: Week | None) -> Board:
    """``briefing status`` for the page (default: the reporting week), with each faulty file's errors."""
    with LOCK:
        ws = workspace(config_path)
        chosen = weeks(ws, week)
        status = week_status(ws, chosen.shown)
        log = [r for r in read_log(ws.state) if r.kind == "report" and r.week == status.week.iso]
        rows = []
        for unit in status.units:
            row = Row(unit.unit, unit.code, unit.state, records=unit.records, notes=list(unit.notes))
            row.received = unit.received.strftime("%m-%d %H:%M") if unit.received else ""
            row.sender = unit.sender or ""
            if unit.state == REPORTED and not unit.sender:
                mine = [r for r in log if r.unit == unit.unit and r.stored and r.stored.startswith("entries/")]
                row.sender = UPLOAD if mine and mine[-1].source == UPLOAD else ""
            if unit.errors:
                for path in unit.files:
                    row.problems.extend(p for p in _problems(ws, path) if p.is_error)
            rows.append(row)
        unknown = [p for path in status.unknown for p in _problems(ws, path) if p.is_error]
        return Board(chosen, rows, status.missing, unknown, status.unread)


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
class Version:
    """One publication of the week (the issue or a correction) and its read-only files."""

    publication: Publication
    folder: str
    """The folder's name under ``output/已印发/`` (part of the download address)."""
    files: list[str]


@dataclass
class Publishing:
    """The week's place in the calendar: what publishing it now would do, what went out."""

    prospect: Prospect | None
    versions: list[Version] = field(default_factory=list)
    difference: str | None = None
    """``briefing diff`` of the week, when it is published and anything differs now."""
    incomparable: str | None = None
    """Why the published week cannot be compared with now (its kept record is missing …)."""
    error: str | None = None
    """Why the record cannot be read (a damaged ``publications.json``): nothing can be published."""


@dataclass
class Preview:
    """The week's briefing as the page shows it: always the draft (征求意见稿)."""

    weeks: Weeks
    html: str = ""
    notes: list[str] = field(default_factory=list)
    doubts: list[str] = field(default_factory=list)
    """Suspicious figures (publishing needs them confirmed), shown first."""
    fingerprint: str = ""
    """What the clerk sees (the draft's text and its doubts), for :func:`publish_week` to check."""
    error: str | None = None
    problems: list[Problem] = field(default_factory=list)
    date: dt.date | None = None
    drafts: list[str] = field(default_factory=list)
    """The week's drafts in ``output/``, to download."""
    publishing: Publishing | None = None
    today: dt.date | None = None
    published_html: str = ""
    """For a published week shown as published: the latest published version (its kept Markdown)."""

    @property
    def week(self) -> Week:
        return self.weeks.shown


def markdown_html(text: str) -> str:
    """The Markdown edition as HTML: CommonMark with tables, raw HTML shown as text.

    A column's alignment (``--:``) becomes a class (``num``, ``center``), not the inline
    ``style`` markdown-it writes: the page's Content-Security-Policy allows no inline style,
    so the browser would drop it and every column would look alike."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False}).enable("table")
    md.core.ruler.push("alignment_classes", _alignment_classes)
    return md.render(text)


_ALIGNMENT_CLASSES = {"text-align:right": "num", "text-align:center": "center", "text-align:left": "text"}


def _alignment_classes(state: Any) -> None:
    for token in state.tokens:
        if token.type in ("th_open", "td_open") and token.attrs.get("style") in _ALIGNMENT_CLASSES:
            token.attrs = {"class": _ALIGNMENT_CLASSES[token.attrs["style"]]}


def _draft(ws: Workspace, week: Week, notes: list[str]) -> tuple[Briefing, str, list[str], str]:
    """The draft of ``week``: the briefing, its Markdown, its doubts and their fingerprint."""
    from briefing.editions.markdown import render_markdown

    doubts: list[str] = []
    b = compute(ws, week, note=notes.append, doubt=doubts.append)
    text = render_markdown(b, ws.templates)
    seen = hashlib.sha256("\n\x00".join([text, *doubts]).encode("utf-8")).hexdigest()
    return b, text, doubts, seen


def _publishing(ws: Workspace, week: Week) -> Publishing:
    from briefing.actions.diff import difference, difference_text

    try:
        found = prospect(ws, week)
    except BriefingError as error:
        return Publishing(None, error=error.message)
    result = Publishing(found)
    for entry in found.earlier:
        result.versions.append(Version(entry, PurePosixPath(entry.folder).name,
                                       [PurePosixPath(path).name for path in entry.files]))
    if found.published:
        try:
            changed = difference(ws, week, publication=found.earlier[-1])
        except BriefingError as error:
            result.incomparable = error.message
        else:
            result.difference = None if changed.empty else difference_text(changed)
    return result


def _published_markdown(ws: Workspace, entry: Publication) -> str:
    """The Markdown kept when ``entry`` was published, read as the tool's own record (a regular
    file inside the workspace: a planted pipe or link cannot hang or redirect the page)."""
    from briefing.actions.diff import _read

    return _read(ws, entry.markdown)


def preview(config_path: Path, week: Week | None, draft: bool = False) -> Preview:
    """The draft of ``week`` (default: the reporting week) rendered from the Markdown edition,
    with what publishing it would do; for a published week, unless ``draft``, the published
    version is shown too (the draft is still made: its doubts and fingerprint are needed)."""
    notes: list[str] = []
    with LOCK:
        ws = workspace(config_path)
        chosen = weeks(ws, week)
        result = Preview(chosen, notes=notes, drafts=_drafts(ws, chosen.shown), today=today())
        result.publishing = _publishing(ws, chosen.shown)
        if result.publishing.versions and not draft:
            try:
                result.published_html = markdown_html(_published_markdown(ws, result.publishing.versions[-1].publication))
            except BriefingError as error:
                notes.append(error.message)
        try:
            b, text, result.doubts, result.fingerprint = _draft(ws, chosen.shown, notes)
        except BriefingError as error:
            result.error, result.problems = error.message, error.problems
            return result
    result.html, result.date = markdown_html(text), b.date
    return result


def parse_day(text: str) -> dt.date | None:
    """A date typed on the page (``2023-05-05``, ``2023年5月5日``); ``None`` for none."""
    from briefing.report.fields import parse_date

    text = text.strip()
    if not text:
        return None
    try:
        return parse_date(text)
    except ValueError as error:
        raise BriefingError(f"印发日期有误：{error}", exit_code=2) from None


def publish_week(config_path: Path, week: Week, seen: str, issue: int | None, date: dt.date | None,
                 correct: bool, accept_warnings: bool, pdf: bool) -> Issued:
    """``briefing publish`` of ``week`` as the clerk saw it: refused when the draft or its doubts
    changed since the page showed them (``seen``), or when the 期号 shown is no longer the one
    it would get (``issue``, checked by the library)."""
    formats = [*DEFAULT_FORMATS, "pdf"] if pdf else list(DEFAULT_FORMATS)
    with LOCK:
        ws = workspace(config_path)
        _, _, _, now = _draft(ws, week, [])
        if not hmac.compare_digest(now, seen):
            raise BriefingError(f"{week.text}的报告或可疑数字在您打开预览后有变化，没有印发。"
                                "请重新打开预览页，核对后再印发")
        return publish(ws, week, formats, date=date, issue=issue, correct=correct,
                       accept_warnings=accept_warnings)


def published_file(config_path: Path, folder: str, name: str) -> Path | None:
    """A file that publication record lists as published in ``output/已印发/<folder>/<name>``,
    if it is there as a regular file (no link); ``None`` otherwise.  No other path is opened."""
    ws = workspace(config_path)
    base = ws.output / PUBLISHED_FOLDER
    for entry in read_register(ws.state):
        relative = PurePosixPath(entry.folder)
        if relative.name != folder or str(relative / name) not in entry.files:
            continue
        path = ws.root / relative / name
        try:
            regular = stat.S_ISREG(os.lstat(path).st_mode)
        except OSError:
            return None
        inside = base.resolve() in path.resolve().parents
        return path if regular and inside and not path.parent.is_symlink() else None
    return None


@dataclass
class Charts:
    """The charts of the year to date, as SVG, and the data they show."""

    weeks: Weeks
    svgs: dict[str, bytes] = field(default_factory=dict)
    titles: dict[str, str] = field(default_factory=dict)
    error: str | None = None
    problems: list[Problem] = field(default_factory=list)

    @property
    def week(self) -> Week:
        return self.weeks.shown


def charts(config_path: Path, week: Week | None) -> Charts:
    """Every chart of :mod:`briefing.editions.charts` for the year up to ``week`` (default:
    the reporting week)."""
    from briefing.editions import charts as drawing

    with LOCK:
        ws = workspace(config_path)
        chosen = weeks(ws, week)
        try:
            data = drawing.chart_data(compute(ws, chosen.shown))
            svgs = {name: drawing.render(name, data, "svg") for name in drawing.CHARTS}
        except BriefingError as error:
            return Charts(chosen, error=error.message, problems=error.problems)
    return Charts(chosen, svgs, {name: drawing.title(name, data) for name in drawing.CHARTS})


def build_edition(config_path: Path, week: Week | None, ext: str) -> tuple[str, list[str]]:
    """``briefing build --format ext`` for ``week``: the draft's file name in ``output/`` and the notes."""
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
    return _editions(workspace(config_path))


def _editions(ws: Workspace) -> dict[str, Path]:
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


def _drafts(ws: Workspace, week: Week) -> list[str]:
    """The drafts (征求意见稿) of ``week`` in ``output/``."""
    mark = f"-{week.iso}-{DRAFT_MARK}"
    return [name for name in _editions(ws) if name.rpartition(".")[0].endswith(mark)]


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
        status = week_status(ws, chosen_week(ws, week))
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
