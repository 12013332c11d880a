"""Reminders (``briefing remind``): a polite Chinese e-mail to each unit that has not reported
for a week, with the week's blank report attached; previewed unless sent."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from briefing.actions.status import WeekStatus
from briefing.errors import BriefingError
from briefing.forms.blank import blank_report
from briefing.mail.smtp import open_smtp, smtp_failure
from briefing.workspace.layout import Workspace


@dataclass
class Reminder:
    """A reminder for one unit: its addresses (empty when none is configured) and the message."""

    unit: str
    to: list[str]
    message: EmailMessage


def reminders(ws: Workspace, status: WeekStatus, now: dt.datetime | None = None) -> list[Reminder]:
    """A polite reminder to each missing unit, with a blank report for the week attached."""
    now = now or dt.datetime.now().astimezone()
    smtp = ws.config.mail.smtp if ws.config.mail else None
    sender = (smtp.sender or smtp.user) if smtp else None
    result = []
    for unit in status.missing:
        to = list(ws.config.senders.get(unit, []))
        body = "\n".join([
            f"{unit}：",
            "",
            f"您好！截至{now.year}年{now.month}月{now.day}日，{ws.config.bureau}尚未收到贵单位{status.week.text}"
            f"（{status.week.span_text}）的招商工作周报，请尽快报送。",
            "",
            f"附件“{unit}.yaml”是本周的空白周报，每一项后面都有填写说明。填好后作为附件回复本邮件即可；"
            "本周没有的内容整段删去。",
            "",
            "如已报送，请忽略本邮件。谢谢！",
            "",
            f"{ws.config.bureau}",
            f"{now.year}年{now.month}月{now.day}日",
        ])
        message = EmailMessage()
        message["Subject"] = f"【催报】{unit}{status.week.text}招商工作周报"
        message["From"] = sender or ""
        message["To"] = ", ".join(to)
        message["Date"] = format_datetime(now)
        message["Message-ID"] = make_msgid("briefing", domain=(sender or "briefing.invalid").rpartition("@")[2] or None)
        message.set_content(body, charset="utf-8", cte="base64")
        message.add_attachment(blank_report(ws.config, unit, status.week), subtype="yaml", charset="utf-8",
                               cte="base64", filename=f"{unit}.yaml")
        result.append(Reminder(unit, to, message))
    return result


def send_reminders(ws: Workspace, due: list[Reminder], password: str | None) -> list[tuple[str, str]]:
    """Send the reminders that have addresses; ``(unit, outcome)`` for each, never raising for one."""
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
