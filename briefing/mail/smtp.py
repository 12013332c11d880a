"""Sending mail (receipts, reminders) and the passwords of the mail servers.

Passwords are never in ``briefing.yaml``: each server's password comes from its environment
variable (``password_env``), or is asked for when the command runs in a terminal.
"""

from __future__ import annotations

import os
import smtplib
import socket
import ssl
from typing import Any, Callable

from briefing.errors import BriefingError
from briefing.report.config import SmtpSettings

TIMEOUT = 60


def open_smtp(settings: SmtpSettings, password: str | None) -> smtplib.SMTP:
    """A connection to the SMTP server of ``settings``, logged in when it has a user."""
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
    """Why sending failed, in Chinese, for the clerk (and the log)."""
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


def password_for(settings: Any, ask: Callable[[str], str] | None) -> str:
    """The password of ``mail.imap``/``mail.smtp``: its environment variable, else ``ask``."""
    value = os.environ.get(settings.password_env)
    if value:
        return value
    if ask is None:
        raise BriefingError(f"没有提供 {settings.host} 的密码。请设置环境变量 {settings.password_env}"
                            "（163、126、QQ 邮箱填“客户端授权码”），或在命令行窗口中运行以便输入密码", exit_code=2)
    return ask(f"{settings.user or settings.host} 的密码（授权码）")
