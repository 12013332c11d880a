"""Receipts (``briefing ingest --reply``): a short Chinese e-mail to each sender, so a county
knows its report arrived ("已收到…第17周报送，共N条记录") or what to fix before sending it again.

Receipts go to the message's From address only when that address is listed in ``senders``
(or no ``senders`` are configured), never to bounces or auto-replies, and carry
``Auto-Submitted: auto-replied`` so that the other side's auto-responders stay quiet.
Each receipt sent or failed is a ``receipt`` line in the ingest log.

A From is easy to forge, so a receipt may reach a county that never wrote: it says only what
the bureau itself knows.  Its Subject and lines are made from the unit and week (the config's
own names), counts, dates, positions and the hints of the error messages; never the mail's
Subject, Message-ID (so no ``In-Reply-To``) or attachment names, and a quoted value in an error
message is kept only when it is one of the bureau's words (a field name, a configured unit or
industry, an allowed choice): ``请把“6个”改成 6`` goes out as ``请把“…”改成 6``.
"""

from __future__ import annotations

import datetime as dt
import re
import smtplib
import typing
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from briefing.mail.engine import Handled, Ingest
from briefing.mail.log import (ACCEPTED, DUPLICATE, EMPTY, FAILED, HELD, QUARANTINED, REJECTED, REPLACED, SENT,
                               SUPERSEDED, LogRecord, iso_time, read_log, week_text)
from briefing.mail.message import Letter, read_letter
from briefing.mail.smtp import open_smtp, smtp_failure
from briefing.report.config import Config, SmtpSettings
from briefing.report.model import Report

# Quoted examples in the error messages' own wording that contain letters or digits.
_TEMPLATE_WORDS = frozenset(("3560万元", "35.6亿元", "35.6", "键: 值", "true", "false", "是", "否"))
_QUOTED = re.compile(r"“([^“”]*)”")
_WORDY = re.compile(r"\w")


def _model_words(model: type, seen: set) -> set[str]:
    words: set[str] = set()
    if model in seen:
        return words
    seen.add(model)
    for name, info in getattr(model, "model_fields", {}).items():
        words.add(name)
        stack = [info.annotation]
        while stack:
            annotation = stack.pop()
            if typing.get_origin(annotation) is typing.Literal:
                words.update(str(option) for option in typing.get_args(annotation))
            elif isinstance(annotation, type) and hasattr(annotation, "model_fields"):
                words |= _model_words(annotation, seen)
            else:
                stack.extend(typing.get_args(annotation))
    return words


def bureau_words(config: Config) -> frozenset[str]:
    """The words a receipt may quote: report field names and choices, configured units (and
    their other names) and industries."""
    units = {name for unit in config.units for name in (unit.name, *unit.aliases)}
    return frozenset(_model_words(Report, set()) | units | set(config.industries) | _TEMPLATE_WORDS)


def bureau_text(text: str, words: frozenset[str]) -> str:
    """``text`` with every quoted value that is not one of ``words`` (nor mere punctuation,
    such as “- ”) replaced by “…”."""
    def keep(match: re.Match) -> str:
        inner = match.group(1)
        return match.group(0) if inner in words or not _WORDY.search(inner) else "“…”"
    text = _QUOTED.sub(keep, text)
    return text if len(text) <= 300 else text[:300] + "…"


def _which(record: LogRecord, letter: Letter) -> str:
    """The report a line speaks of, in the bureau's words: its unit and week when they are
    known, else its place among the message's report attachments (never its file name)."""
    if record.unit and record.week:
        return f"{record.unit}{week_text(record.week)}的报告"
    if record.kind != "report":
        return "邮件"
    places = [part.index for part in letter.parts]
    if len(places) > 1 and record.part in places:
        return f"第{places.index(record.part) + 1}个报告附件"
    return "报告附件"


def _line(record: LogRecord, letter: Letter, bureau: str, words: frozenset[str]) -> list[str]:
    what = f"{record.unit or ''}{week_text(record.week)}报送"
    got = f"已收到{what}，共{record.records}条记录"
    name = _which(record, letter)
    errors = [bureau_text(error, words) for error in record.errors]
    if record.outcome == ACCEPTED:
        return [f"{got}。"]
    if record.outcome == REPLACED:
        return [f"{got}，已替换此前报送的版本。"]
    if record.outcome == SUPERSEDED:
        return [f"{got}。但已有一份发送时间更晚的报告在用，本份作为旧版本存档，没有替换；"
                "如果本份才是最新的，请重新发送。"]
    if record.outcome == DUPLICATE and record.kind == "report":
        return [f"{got}，内容与此前报送的相同，无需重复发送。"]
    if record.outcome == HELD:
        return [f"{got}。{bureau}需要先整理已有的报告文件，整理好后即入库，无需重新发送。"]
    if record.outcome == EMPTY:
        others = len(letter.others)
        found = f"邮件带有 {others} 个其他附件，都不是 .yaml 报告文件" if others else "邮件中没有附件"
        return [f"已收到您的邮件，但其中没有 .yaml 格式的报告附件（{found}）。"
                "请把报告文件（例如“单位名称.yaml”）作为附件重新发送。"]
    if record.outcome == QUARANTINED:
        return [f"{name}未入库：{'；'.join(errors)}。如需变更报送邮箱，请与{bureau}联系。"]
    if record.kind == "message":
        return [f"邮件未能处理：{'；'.join(errors)}。请重新发送。"]
    return [f"{name}有错误，未能入库。请按下面的提示修改后重新发送（行号、列号从 1 开始数）："] + [
        f"  {error}" for error in errors]


def _subject(handled: Handled) -> str:
    """``【已收到】昌吉市2023年第17周招商工作周报``: the outcome and what the reports were."""
    outcomes = {r.outcome for r in handled.records}
    if outcomes & {REJECTED, EMPTY}:
        tag = "【请修改后重发】"
    elif outcomes & {QUARANTINED}:
        tag = "【未入库】"
    else:
        tag = "【已收到】"
    reports = list(dict.fromkeys((r.unit, r.week) for r in handled.records if r.unit and r.week))
    if not reports:
        return tag + "招商工作周报报送"
    unit, week = reports[0]
    more = f"等{len(reports)}份" if len(reports) > 1 else ""
    return f"{tag}{unit}{week_text(week)}招商工作周报{more}"


def compose(handled: Handled, settings: SmtpSettings, bureau: str, now: dt.datetime,
            words: frozenset[str] = frozenset()) -> EmailMessage | None:
    """The receipt for one handled message, or ``None`` when none is due.

    ``words`` are those a quoted value may be (:func:`bureau_words`); others become “…”.
    """
    letter = handled.letter
    if letter is None or not handled.records or not letter.sender or letter.automatic:
        return None
    if all(r.kind == "message" and r.outcome == DUPLICATE for r in handled.records):
        return None  # the same mail by another route: its sender was answered the first time
    body: list[str] = ["您好！", ""]
    for record in handled.records:
        body.extend(_line(record, letter, bureau, words))
        body.append("")
    if letter.date:  # the sender's own clock, as we read it
        body.append(f"（原邮件发送时间 {letter.date.strftime('%Y-%m-%d %H:%M')}）")
        body.append("")
    body.append(f"本邮件由{bureau}招商工作简报系统自动发送。")
    message = EmailMessage()
    message["Subject"] = _subject(handled)
    message["From"] = settings.sender or settings.user
    message["To"] = letter.sender
    message["Date"] = format_datetime(now)
    domain = (settings.sender or settings.user or "briefing.invalid").rpartition("@")[2] or None
    message["Message-ID"] = make_msgid("briefing", domain=domain)
    message["Auto-Submitted"] = "auto-replied"
    message.set_content("\n".join(body), charset="utf-8", cte="base64")  # no 8BITMIME needed
    return message


def unanswered(engine: Ingest) -> list[Handled]:
    """Messages of earlier runs whose receipt failed and has not been sent since (retried now)."""
    logged: dict[str, list[LogRecord]] = {}
    receipt: dict[str, str] = {}
    for record in read_log(engine.state):
        if record.kind == "receipt":
            receipt[record.sha256] = record.outcome
        else:
            logged.setdefault(record.sha256, []).append(record)
    now = {h.records[0].sha256 for h in engine.result.handled if h.records}
    retry = []
    for sha, outcome in receipt.items():
        if outcome != FAILED or sha in now or sha not in logged:
            continue
        try:
            raw = (engine.root / logged[sha][0].message).read_bytes()
        except OSError:
            continue
        retry.append(Handled(origin=logged[sha][0].source, letter=read_letter(raw, engine.limit), records=logged[sha]))
    return retry


def send_receipts(engine: Ingest, settings: SmtpSettings, password: str | None) -> list[LogRecord]:
    """Send the receipts due for this run's messages, and those that failed before; log each;
    never raise for a mail error."""
    bureau, words = engine.config.bureau, bureau_words(engine.config)
    due = []
    for handled in [*engine.result.handled, *unanswered(engine)]:
        if handled.letter is None or engine.allowed_units(handled.letter.sender) == []:
            continue  # strangers get nothing back
        message = compose(handled, settings, bureau, engine.now(), words)
        if message is not None:
            due.append((handled, message))
    if not due:
        return []
    server, opened = None, None
    try:
        server = open_smtp(settings, password)
    except (smtplib.SMTPException, OSError) as error:
        opened = smtp_failure(error, settings)
    records = []
    try:
        for handled, message in due:
            error = opened
            if server is not None:
                try:
                    server.send_message(message)
                except (smtplib.SMTPException, OSError) as failure:
                    error = smtp_failure(failure, settings)
            first = handled.records[0]
            record = LogRecord(kind="receipt", outcome=FAILED if error else SENT, time=iso_time(engine.now()),
                               seq=first.seq, sha256=first.sha256, message=first.message, source=first.source,
                               message_id=first.message_id, date=first.date, arrived=first.arrived,
                               sender=first.sender, subject=first.subject, to=str(message["To"]),
                               errors=[error] if error else [], notes=[str(message["Subject"])])
            engine.log_receipt(record)
            records.append(record)
    finally:
        if server is not None:
            try:
                server.quit()
            except (smtplib.SMTPException, OSError):
                pass
    return records
