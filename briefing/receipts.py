"""Receipts (``briefing ingest --reply``): a short Chinese e-mail to each sender, so a county
knows its report arrived ("已收到…第17周报送，共N条记录") or what to fix before sending it again.

Receipts go to the message's From address only when that address is listed in ``senders``
(or no ``senders`` are configured), never to bounces or auto-replies, and carry
``Auto-Submitted: auto-replied`` so that the other side's auto-responders stay quiet.
Each receipt sent or failed is a ``receipt`` line in the ingest log.
"""

from __future__ import annotations

import datetime as dt
import smtplib
import socket
import ssl
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from briefing.ingest import (ACCEPTED, DUPLICATE, EMPTY, FAILED, QUARANTINED, REJECTED, REPLACED, SENT,
                             SUPERSEDED, Handled, Ingest, LogRecord, iso_time)
from briefing.model import SmtpSettings

TIMEOUT = 60


def week_text(week: str | None) -> str:
    """``2023-W17`` → ``2023年第17周``."""
    if not week:
        return ""
    return f"{week[:4]}年第{int(week[6:])}周"


def _line(record: LogRecord, bureau: str) -> list[str]:
    what = f"{record.unit or ''}{week_text(record.week)}报送"
    got = f"已收到{what}，共{record.records}条记录"
    name = f"附件“{record.attachment}”" if record.attachment else "邮件"
    if record.outcome == ACCEPTED:
        return [f"{got}。"]
    if record.outcome == REPLACED:
        return [f"{got}，已替换此前报送的版本。"]
    if record.outcome == SUPERSEDED:
        return [f"{got}。但已有一份发送时间更晚的报告在用，本份作为旧版本存档，没有替换；"
                "如果本份才是最新的，请重新发送。"]
    if record.outcome == DUPLICATE and record.kind == "report":
        return [f"{got}，内容与此前报送的相同，无需重复发送。"]
    if record.outcome == EMPTY:
        return ["已收到您的邮件，但其中没有 .yaml 格式的报告附件（" + "；".join(record.notes) + "）。"
                "请把报告文件（例如“单位名称.yaml”）作为附件重新发送。"]
    if record.outcome == QUARANTINED:
        return [f"{name}未入库：{'；'.join(record.errors)}。如需变更报送邮箱，请与{bureau}联系。"]
    if record.kind == "message":
        return [f"邮件未能处理：{'；'.join(record.errors)}。请重新发送。"]
    return [f"{name}有错误，未能入库。请按下面的提示修改后重新发送（行号、列号从 1 开始数）："] + [
        f"  {error}" for error in record.errors]


def compose(handled: Handled, settings: SmtpSettings, bureau: str, now: dt.datetime) -> EmailMessage | None:
    """The receipt for one handled message, or ``None`` when none is due."""
    letter = handled.letter
    if letter is None or not handled.records or not letter.sender or letter.automatic:
        return None
    if all(r.kind == "message" and r.outcome == DUPLICATE for r in handled.records):
        return None  # the same mail by another route: its sender was answered the first time
    body: list[str] = ["您好！", ""]
    for record in handled.records:
        body.extend(_line(record, bureau))
        body.append("")
    sent = letter.date.strftime("%Y-%m-%d %H:%M") if letter.date else ""  # the sender's own clock
    body.append(f"（原邮件：{letter.subject or '无主题'}{'，发送时间 ' + sent if sent else ''}）")
    body.append("")
    body.append(f"本邮件由{bureau}招商工作简报系统自动发送。")
    outcomes = {r.outcome for r in handled.records}
    if outcomes & {REJECTED, EMPTY}:
        tag = "【请修改后重发】"
    elif outcomes & {QUARANTINED}:
        tag = "【未入库】"
    else:
        tag = "【已收到】"
    message = EmailMessage()
    message["Subject"] = tag + (letter.subject or "报送邮件")[:120]
    message["From"] = settings.sender or settings.user
    message["To"] = letter.sender
    message["Date"] = format_datetime(now)
    domain = (settings.sender or settings.user or "briefing.invalid").rpartition("@")[2] or None
    message["Message-ID"] = make_msgid("briefing", domain=domain)
    if letter.message_id and letter.message_id.startswith("<"):
        message["In-Reply-To"] = letter.message_id
        message["References"] = letter.message_id
    message["Auto-Submitted"] = "auto-replied"
    message.set_content("\n".join(body), charset="utf-8", cte="base64")  # no 8BITMIME needed
    return message


def open_smtp(settings: SmtpSettings, password: str | None) -> smtplib.SMTP:
    host, port = settings.host, settings.effective_port
    if settings.ssl:
        server: smtplib.SMTP = smtplib.SMTP_SSL(host, port, timeout=TIMEOUT, context=ssl.create_default_context())
    else:
        server = smtplib.SMTP(host, port, timeout=TIMEOUT)
        if settings.starttls:
            server.starttls(context=ssl.create_default_context())
    if settings.user:
        server.login(settings.user, password or "")
    return server


def smtp_failure(error: Exception, settings: SmtpSettings) -> str:
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return f"登录 {settings.host} 失败：用户名或授权码不对"
    if isinstance(error, socket.gaierror):
        return f"找不到发件服务器 {settings.host}"
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return "服务器拒收这个地址"
    if isinstance(error, ssl.SSLError):
        return f"与 {settings.host} 建立加密连接失败，请检查端口和 ssl/starttls 设置"
    if isinstance(error, ConnectionRefusedError):
        return f"无法连接发件服务器 {settings.host}:{settings.effective_port}（端口不对，或服务器没有开启 SMTP）"
    if isinstance(error, (socket.timeout, TimeoutError)):
        return f"连接发件服务器 {settings.host} 超时，请检查网络"
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return f"发件服务器 {settings.host} 断开了连接，请稍后再试"
    if isinstance(error, OSError):
        return f"网络错误，无法连接发件服务器 {settings.host}（{error.strerror or error}）"
    return f"发送失败（{type(error).__name__}: {error}）"[:200]


def unanswered(engine: Ingest) -> list[Handled]:
    """Messages of earlier runs whose receipt failed and has not been sent since (retried now)."""
    from briefing.ingest import read_log
    from briefing.mail import read_letter

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
    bureau = engine.config.bureau
    due = []
    for handled in [*engine.result.handled, *unanswered(engine)]:
        if handled.letter is None or engine.allowed_units(handled.letter.sender) == []:
            continue  # strangers get nothing back
        message = compose(handled, settings, bureau, engine.now())
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
