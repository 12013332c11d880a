"""One e-mail message read for ingest: its sender, date and subject, and the report
attachments inside it.

A message is bounded before it is parsed: its size, its number of lines, its header block
(checked on the raw bytes), then, while the parser reads them, every header field, all header
text together and the number of parts (see :class:`_Bounds`).  A message over a bound is
refused with a Chinese reason and never parsed further: a ``Content-Type`` with 400,000
parameters took the standard library minutes.

Headers are read by :mod:`briefing.mail.headers` (GBK-tolerant, from the raw text).

Attachment bytes come from ``get_payload(decode=True)`` and are decoded later by the report
loader (:func:`briefing.report.load.decode`), never by the MIME label.  Every part whose full file name
ends in ``.yaml``/``.yml`` is taken (the name shown to the clerk may be shortened, the decision
never is), at any depth (a ``walk()`` that remembers the From of each forwarded message), so
forwarded messages count too.

A message has a sender only when it has exactly one ``From`` header holding one plain address;
the same holds for the author of a forwarded message.

Nothing here raises for bad input: a message that cannot be read at all comes back with
:attr:`Letter.broken` set.
"""

from __future__ import annotations

import datetime as dt
import email.message
import hashlib
import re
from dataclasses import dataclass, field
from email.policy import Compat32
from email.parser import BytesParser
from typing import Callable

from briefing.mail.headers import CONTROL, header_param, header_text, message_id, parse_date, printable, raw_header, sender_of
from briefing.workspace.layout import REPORT_SUFFIXES

ARCHIVE_SUFFIXES = (".zip", ".rar", ".7z", ".tar", ".gz", ".tgz")
ARCHIVE_TYPES = frozenset((
    "application/zip", "application/x-zip-compressed", "application/x-zip", "application/x-rar-compressed",
    "application/vnd.rar", "application/x-7z-compressed", "application/gzip", "application/x-tar",
))
YAML_TYPES = frozenset(("application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml"))

# Bounds checked before (or while) a message is parsed.  Real report mails are far below all
# of them; the parser's time grows with each, and with parameters in a header faster than linearly.
MESSAGE_LIMIT = 64 * 1024 * 1024
LINE_LIMIT = 2_000_000
HEADER_LIMIT = 256 * 1024
"""The message's own header block (long Received chains and DKIM signatures stay far below)."""
HEADERS_TOTAL = 1024 * 1024
"""All header text of all parts together (forwarded messages bring their own headers)."""
FIELD_LIMIT = 64 * 1024
PARAM_FIELD_LIMIT = 8 * 1024
"""``Content-Type`` and ``Content-Disposition``: a 255-character name in RFC 2231 needs ~2.5 KB."""
PARAM_LIMIT = 100
PART_LIMIT = 1000

_DEFECT_NAMES = {
    "StartBoundaryNotFoundDefect": "找不到分段边界",
    "CloseBoundaryNotFoundDefect": "缺少结尾边界",
    "MultipartInvariantViolationDefect": "分段结构错误",
    "NoBoundaryInMultipartDefect": "分段邮件缺少 boundary",
    "InvalidBase64PaddingDefect": "Base64 编码不完整",
    "InvalidBase64CharactersDefect": "Base64 编码含非法字符",
    "InvalidBase64LengthDefect": "Base64 编码长度错误",
    "MissingHeaderBodySeparatorDefect": "邮件头和正文之间缺少空行",
    "InvalidMultipartContentTransferEncodingDefect": "分段邮件的传输编码错误",
    "MisplacedEnvelopeHeaderDefect": "邮件头位置错误",
}


# ---------------------------------------------------------------- a message


@dataclass
class Part:
    """One attachment that is (or tries to be) a report."""

    index: int
    """Position among the message's leaf parts, 1-based, in ``walk()`` order."""
    name: str
    """File name for display: decoded, without any folder part."""
    data: bytes | None = None
    """The decoded bytes, or ``None`` when the part is refused."""
    refused: str | None = None
    """Why the part cannot be read as a report (compressed, too large), in Chinese."""
    notes: list[str] = field(default_factory=list)
    forwarded: str | None = None
    """The From address of the forwarded message the part sits in: ``""`` when that message has
    no single plain From, ``None`` when the part is not in a forwarded message."""


@dataclass
class Letter:
    """One e-mail message, read for ingestion."""

    raw: bytes
    sha256: str
    message_id: str | None = None
    date: dt.datetime | None = None
    sender: str | None = None
    """The From address (addr-spec, lower case), ``None`` if there is not exactly one."""
    sender_name: str = ""
    subject: str = ""
    parts: list[Part] = field(default_factory=list)
    others: list[str] = field(default_factory=list)
    """Names of attachments that are not reports (Word, Excel, pictures)."""
    broken: str | None = None
    """Why the message could not be read at all."""
    defects: list[str] = field(default_factory=list)
    automatic: bool = False
    """Bounces, auto-replies and list mail: never answered."""

    def content(self) -> list[tuple[bytes | None, str | None]]:
        """What the message carries for ingest: each report part's bytes (or why it was refused),
        in order.  Two messages with the same content are the same as far as reports go."""
        return [(part.data, part.refused) for part in self.parts]



def _automatic(msg: email.message.Message, sender: str | None) -> bool:
    if header_text(msg, "auto-submitted").lower() not in ("", "no"):
        return True
    if header_text(msg, "precedence").lower() in ("bulk", "junk", "list"):
        return True
    if (sender or "").split("@")[0] in ("mailer-daemon", "postmaster"):
        return True
    return _safe(msg.get_content_type, "") == "multipart/report"  # a bounce


def _safe(function: Callable, default):
    try:
        return function()
    except Exception:
        return default


def full_name(name: str) -> str:
    """An attachment's whole file name: the last path component, without control characters,
    surrounding blanks or quotes, or the trailing dots Windows drops.  Never shortened: whether
    a part is a report is decided on this."""
    base = re.split(r"[\\/]", name.replace("\x00", ""))[-1]
    return CONTROL.sub(" ", base).strip(" \"'").rstrip(". ")


def safe_name(name: str) -> str:
    """An attachment name fit to show: :func:`full_name`, shortened to 120 characters."""
    return printable(full_name(name), 120) or "（未命名附件）"


def _part_name(part: email.message.Message) -> str | None:
    for header, param in (("content-disposition", "filename"), ("content-type", "name")):
        raw = raw_header(part, header)
        if raw is None:
            continue
        value = header_param(raw, header, param)
        if value and value.strip():
            return value.strip()
    return None


def _payload(part: email.message.Message, limit: int) -> tuple[bytes | None, str | None]:
    encoded = part.get_payload()
    if isinstance(encoded, str):
        cte = str(part.get("content-transfer-encoding", "")).strip().lower()
        estimate = len(encoded) * 3 // 4 if cte == "base64" else len(encoded)
        if estimate > limit + limit // 4 + 1024:
            return None, _too_big(estimate, limit)
    data = part.get_payload(decode=True)
    if not isinstance(data, bytes):
        data = b""
    if len(data) > limit:
        return None, _too_big(len(data), limit)
    return data, None


def _too_big(size: int, limit: int) -> str:
    return (f"附件过大（约 {_size_text(size)}），超过上限 {_size_text(limit)}，未导入。"
            "一份周报只需要 .yaml 文本文件，请不要把图片或其他文件放在同一个附件里")


def _size_text(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} MB"
    return f"{max(1, round(size / 1024))} KB"


class _Refused(Exception):
    """A message over one of the bounds: ``reason`` is said to the clerk and the sender."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _suspicious(what: str) -> str:
    return f"邮件结构异常（{what}），正常邮件不会这样，可能是恶意邮件，未读取"


class _Bounds(Compat32):
    """The ``compat32`` policy, refusing a header field or a part beyond the bounds as the
    parser meets it, before anything parses the field."""

    tally: list | None = None
    """``[header characters so far, parts so far]`` of the message being parsed."""

    def header_source_parse(self, sourcelines):
        name, value = super().header_source_parse(sourcelines)
        size = len(value)
        known = {"content-type": "Content-Type", "content-disposition": "Content-Disposition"}.get(name.lower())
        if known:  # the header name is the sender's text: only ours are repeated
            if size > PARAM_FIELD_LIMIT or value.count(";") > PARAM_LIMIT:
                raise _Refused(_suspicious(f"{known} 邮件头过长或参数过多"))
        elif size > FIELD_LIMIT:
            raise _Refused(_suspicious("有一个邮件头过长"))
        self.tally[0] += size + len(name)
        if self.tally[0] > HEADERS_TOTAL:
            raise _Refused(_suspicious("邮件头合计过大"))
        return name, value

    def new_part(self, policy=None) -> email.message.Message:
        self.tally[1] += 1
        if self.tally[1] > PART_LIMIT + 1:  # the parser makes one part to try its factory
            raise _Refused(_suspicious(f"超过 {PART_LIMIT} 个分段"))
        return email.message.Message(policy=self)


_HEADER_LINE = re.compile(rb"(From |[\041-\071\073-\176]*:|[\t ])")  # the parser's own test


def _header_end(raw: bytes) -> int | None:
    """Where the message's header block ends (as the parser sees it), or ``None`` when it runs
    on past :data:`HEADER_LIMIT`."""
    pos = 0
    while True:
        end = raw.find(b"\n", pos)
        stop = len(raw) if end < 0 else end + 1
        if (stop - pos <= 3 and not raw[pos:stop].strip(b"\r\n")) or not _HEADER_LINE.match(raw, pos):
            return pos
        if stop > HEADER_LIMIT:
            return None
        if end < 0:
            return stop
        pos = stop


def _parse(raw: bytes, headers_only: bool = False) -> email.message.Message:
    bounds = _Bounds(tally=[0, 0])
    return BytesParser(bounds.new_part, policy=bounds).parsebytes(raw, headersonly=headers_only)


def read_letter(raw: bytes, limit: int) -> Letter:
    """Parse one message's raw bytes; never raises.

    ``limit`` is the largest attachment taken, in bytes.  A message over a bound comes back
    :attr:`~Letter.broken`, with its headers read when they are within bounds themselves.
    """
    letter = Letter(raw=raw, sha256=hashlib.sha256(raw).hexdigest())
    end = _header_end(raw)
    if end is None:
        letter.broken = (f"邮件头过大（超过 {HEADER_LIMIT // 1024} KB，正常邮件的邮件头只有几 KB），"
                         "可能是恶意邮件，未读取")
        return letter
    refused = None
    if len(raw) > MESSAGE_LIMIT:
        refused = (f"邮件过大（约 {_size_text(len(raw))}），超过上限 {_size_text(MESSAGE_LIMIT)}，未读取。"
                   "报告只需作为 .yaml 附件单独发送，图片等材料请另发")
    elif raw.count(b"\n") > LINE_LIMIT:
        refused = _suspicious(f"超过 {LINE_LIMIT // 10000} 万行")
    headers_read = False
    try:
        msg = _parse(raw[:end] if refused else raw, headers_only=bool(refused))
        _read_headers(msg, letter)
        headers_read = True
        if refused is None:
            _read_parts(msg, letter, limit)
    except _Refused as error:
        refused = error.reason
    except Exception as error:  # the parser's own bugs on hostile input, deep nesting
        refused = f"邮件格式损坏，无法读取（{type(error).__name__}）"
    if refused is not None:
        if not headers_read:  # refused inside the message: its own headers may still tell the sender
            try:
                _read_headers(_parse(raw[:end], headers_only=True), letter)
            except Exception:
                pass
        letter.broken = refused
        letter.parts.clear()
        letter.others.clear()
    return letter


def _read_headers(msg: email.message.Message, letter: Letter) -> None:
    if not msg.keys() or not any(raw_header(msg, name) is not None for name in ("from", "date", "subject", "message-id")):
        letter.broken = ("这不是一封邮件（没有发件人、日期、主题等邮件头）。报告文件本身请直接放进 entries 文件夹，"
                         "或用 briefing validate 检查")
    letter.message_id = message_id(msg)
    letter.date = parse_date(header_text(msg, "date")[:200])
    letter.sender, letter.sender_name = sender_of(msg)
    letter.subject = header_text(msg, "subject")
    letter.automatic = _automatic(msg, letter.sender)


def _walk(msg: email.message.Message, forwarded_by: str | None = None):
    """``msg.walk()`` that also tells, for each part, the From address of the forwarded message
    (``message/rfc822``) it sits in (see :attr:`Part.forwarded`)."""
    yield msg, forwarded_by
    if msg.is_multipart():
        inner = msg.get_content_type() == "message/rfc822"
        for sub in msg.get_payload():
            yield from _walk(sub, (sender_of(sub)[0] or "") if inner else forwarded_by)


def _read_parts(msg: email.message.Message, letter: Letter, limit: int) -> None:
    index = 0
    for part, forwarded in _walk(msg):
        for defect in getattr(part, "defects", []):
            label = _DEFECT_NAMES.get(type(defect).__name__)
            if label and label not in letter.defects:
                letter.defects.append(label)
        if part.is_multipart():
            continue
        index += 1
        name = _part_name(part)
        ctype = _safe(part.get_content_type, "application/octet-stream")
        whole = full_name(name).lower() if name else ""
        shown = safe_name(name) if name else ""
        if whole.endswith(REPORT_SUFFIXES) or (not name and ctype in YAML_TYPES):
            item = Part(index=index, name=shown or f"附件{index}.yaml", forwarded=forwarded)
            if name and re.search(r"[\\/]", name):
                item.notes.append(f"附件名“{printable(name, 80)}”含有文件夹路径，已忽略；报告按内容中的 unit 和 week 存放")
            item.data, item.refused = _payload(part, limit)
            letter.parts.append(item)
        elif whole.endswith(ARCHIVE_SUFFIXES) or ctype in ARCHIVE_TYPES:
            letter.parts.append(Part(index=index, name=shown or f"附件{index}", refused=(
                "附件是压缩包，程序不会拆开压缩包。请直接把 .yaml 报告文件作为附件发送（不要压缩）")))
        elif name:
            letter.others.append(shown)


