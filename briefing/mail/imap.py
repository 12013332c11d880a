"""An IMAP mailbox as a mail source (``briefing ingest --imap``), on top of imap-tools.

* After LOGIN the client sends the IMAP ``ID`` command (RFC 2971): 163 and 126 mailboxes refuse
  ``SELECT`` ("Unsafe Login") from clients that do not identify themselves.
* Messages are fetched one at a time as raw bytes with ``BODY.PEEK[]`` (which leaves them
  unread), never through imap-tools' parsed message, which drops undecodable characters.
* A message is flagged (keyword ``$BriefingIngested``) or moved (``mail.imap.move_to``) only
  after the engine (:meth:`briefing.mail.engine.Ingest.take`) has stored and logged it: in
  the message's ``settle``, which the runner calls then.  A crash in between means
  it is fetched again next time, and skipped as already ingested.
* Servers that keep no custom keywords (PERMANENTFLAGS without ``\\*``) are handled through
  ``.briefing/imap.json``, the UIDs already done per mailbox and UIDVALIDITY.
"""

from __future__ import annotations

import datetime as dt
import imaplib
import json
import socket
import ssl
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Iterator

from briefing import __version__
from briefing.errors import BriefingError
from briefing.mail.sources import Incoming, Opened
from briefing.report.config import ImapSettings
from briefing.workspace.files import read_json_dict, write_text

KEYWORD = "$BriefingIngested"
STATE_NAME = "imap.json"
ID_ARGS = f'("name" "briefing" "version" "{__version__}" "vendor" "briefing")'
TIMEOUT = 60


def connect(settings: ImapSettings, password: str):
    """A logged-in imap-tools mailbox that has sent ID and selected ``settings.folder``."""
    from imap_tools import MailBox, MailBoxStartTls, MailBoxUnencrypted
    from imap_tools.errors import MailboxFolderSelectError, MailboxLoginError

    host, port = settings.host, settings.effective_port
    try:
        if settings.ssl:
            box = MailBox(host, port, timeout=TIMEOUT, ssl_context=ssl.create_default_context())
        elif settings.starttls:
            box = MailBoxStartTls(host, port, timeout=TIMEOUT, ssl_context=ssl.create_default_context())
        else:
            box = MailBoxUnencrypted(host, port, timeout=TIMEOUT)
    except socket.gaierror:
        raise BriefingError(f"找不到邮件服务器 {host}，请检查 mail.imap.host 和网络连接") from None
    except ssl.SSLError as error:
        raise BriefingError(f"与 {host}:{port} 建立加密连接失败（{error.reason or error}）。"
                            "请检查端口和 ssl/starttls 设置：SSL 一般用 993 端口") from None
    except (OSError, imaplib.IMAP4.error) as error:
        raise BriefingError(f"无法连接邮件服务器 {host}:{port}（{_reason(error)}），请检查地址、端口和网络") from None
    try:
        box.login(settings.user, password, initial_folder=None)
    except MailboxLoginError:
        _close(box)
        raise BriefingError(f"登录 {host} 失败：用户名或密码不对。163、126、QQ 等邮箱要用“客户端授权码”，"
                            "不是网页登录密码；并需在网页邮箱设置中开启 IMAP 服务") from None
    except (OSError, imaplib.IMAP4.error) as error:
        _close(box)
        raise BriefingError(f"登录 {host} 时连接中断（{_reason(error)}）") from None
    send_id(box.client)
    try:
        box.folder.set(settings.folder)
    except MailboxFolderSelectError as error:
        _close(box)
        detail = _reason(error)
        if "unsafe" in detail.lower():
            raise BriefingError(f"{host} 拒绝打开邮件夹（Unsafe Login）。请在网页邮箱中确认已开启 IMAP 服务，"
                                "并使用客户端授权码登录") from None
        raise BriefingError(f"打开邮件夹“{settings.folder}”失败（{detail}），请检查 mail.imap.folder") from None
    except (OSError, imaplib.IMAP4.error) as error:
        _close(box)
        raise BriefingError(f"打开邮件夹“{settings.folder}”时连接中断（{_reason(error)}）") from None
    return box


def send_id(client: imaplib.IMAP4) -> None:
    """Send the IMAP ID command; a server that does not know it may say BAD, which is fine."""
    try:
        client.xatom("ID", ID_ARGS)
    except imaplib.IMAP4.error:
        pass


def _reason(error: Exception) -> str:
    text = str(error) or type(error).__name__
    return text if len(text) < 200 else text[:200] + "…"


def _close(box) -> None:
    try:
        box.logout()
    except Exception:
        pass


def _untagged(client: imaplib.IMAP4, name: str) -> bytes:
    values = client.untagged_responses.get(name) or [b""]
    value = values[-1]
    return value if isinstance(value, bytes) else str(value).encode()


def _mailbox_key(settings: ImapSettings) -> str:
    return f"{settings.user}@{settings.host}:{settings.effective_port}/{settings.folder}"


def _fetch(client: imaplib.IMAP4, uid: str) -> tuple[bytes, dt.datetime | None]:
    typ, data = client.uid("FETCH", uid, "(UID INTERNALDATE BODY.PEEK[])")
    if typ != "OK":
        raise BriefingError(f"从服务器取邮件（UID {uid}）失败：{data!r}")
    raw, arrived = None, None
    for item in data or []:
        if isinstance(item, tuple) and len(item) >= 2:
            raw = item[1]
            moment = imaplib.Internaldate2tuple(item[0])
            if moment is not None:
                arrived = dt.datetime.fromtimestamp(time.mktime(moment)).astimezone()
    if raw is None:
        raise KeyError(uid)  # expunged by another client meanwhile
    return raw, arrived


class ImapSource:
    """The new messages of ``settings.folder`` (see :class:`briefing.mail.sources.Source`); each
    is flagged or moved when settled, and remembered in ``state`` when the server keeps no
    keywords."""

    def __init__(self, settings: ImapSettings, password: str, state: Path):
        self.settings, self.password, self.state_path = settings, password, state / STATE_NAME

    def open(self, stack: ExitStack) -> Opened:
        box = connect(self.settings, self.password)
        stack.callback(_close, box)
        with _connection(self.settings):
            return self._open(box)

    def _open(self, box) -> Opened:
        settings, client = self.settings, box.client
        validity = _untagged(client, "UIDVALIDITY").decode("ascii", "replace").strip()
        permanent = _untagged(client, "PERMANENTFLAGS").decode("ascii", "replace")
        keywords = "\\*" in permanent or KEYWORD.lower() in permanent.lower()
        moving = bool(settings.move_to)
        if moving and not box.folder.exists(settings.move_to):
            box.folder.create(settings.move_to)
        state = read_json_dict(self.state_path)
        key = _mailbox_key(settings)
        mine = state.get(key) if isinstance(state.get(key), dict) else {}
        done = set(str(uid) for uid in mine.get("done", [])) if mine.get("uidvalidity") == validity else set()
        warnings = []
        if not moving and not keywords:
            warnings.append(f"邮箱 {settings.host} 不支持给邮件加自定义标记，已导入的邮件不做标记（程序自己记住已导入的邮件）；"
                            "也可以在 mail.imap 中设置 move_to，把导入过的邮件移到别的邮件夹")
        criteria = "UNDELETED" if moving or not keywords else f"UNDELETED UNKEYWORD {KEYWORD}"
        uids = box.uids(criteria, charset=None)  # some servers refuse an explicit CHARSET
        pending = [uid for uid in uids if uid not in done]
        _mark(box, [uid for uid in uids if uid in done], settings, keywords)  # stopped before marking last time

        def settle(uid: str) -> None:
            with _connection(settings):
                _mark(box, [uid], settings, keywords)  # only now: the message is stored and logged
            done.add(uid)
            if not keywords and not moving:
                state[key] = {"uidvalidity": validity, "done": sorted(done, key=int)}
                write_text(self.state_path, json.dumps(state, ensure_ascii=False, indent=1))

        def messages() -> Iterator[Incoming]:
            for uid in pending:
                origin = f"imap://{settings.user}@{settings.host}/{settings.folder};UIDVALIDITY={validity};UID={uid}"
                try:
                    with _connection(settings):
                        raw, arrived = _fetch(client, uid)
                except KeyError:  # expunged by another client meanwhile
                    continue
                yield Incoming(origin=origin, load=lambda raw=raw: raw, arrived=arrived, settle=lambda uid=uid: settle(uid))

        return Opened(f"收取 {settings.folder}", len(pending), messages(), warnings)


@contextmanager
def _connection(settings: ImapSettings) -> Iterator[None]:
    """A connection lost while talking to the server stops the run with a Chinese message."""
    try:
        yield
    except (OSError, imaplib.IMAP4.error) as error:
        raise BriefingError(f"与邮件服务器 {settings.host} 的连接中断（{_reason(error)}）。"
                            "已导入的邮件不受影响，请稍后重新运行") from None


def _mark(box, uids: list[str], settings: ImapSettings, keywords: bool) -> None:
    if not uids:
        return
    if settings.move_to:
        box.move(uids, settings.move_to)
    elif keywords:
        typ, data = box.client.uid("STORE", ",".join(uids), "+FLAGS.SILENT", f"({KEYWORD})")
        if typ != "OK":
            raise BriefingError(f"给邮件加“已导入”标记失败：{data!r}")

