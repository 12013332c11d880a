"""Reading e-mail: messages from ``.eml`` files, mbox files and Maildir folders, and the report
attachments inside them.

A message is bounded before it is parsed: its size, its number of lines, its header block
(checked on the raw bytes), then, while the parser reads them, every header field, all header
text together and the number of parts (see :class:`_Bounds`).  A message over a bound is
refused with a Chinese reason and never parsed further: a ``Content-Type`` with 400,000
parameters took the standard library minutes.

The parser runs with the ``compat32`` policy, which keeps every header as its raw text and
parses none of them; this module reads each header it needs from that text, once.  It does so
itself because the standard header parser decodes with the labelled charset and drops what
does not fit, and the clerk's correspondents get these wrong:

* file names in RFC 2047 encoded words (``=?gb2312?B?…?=``, also inside quotes, also split
  across several words), in RFC 2231 (``filename*=gbk''%C4%BE…``) and as raw 8-bit bytes;
* ``gb2312`` (and its aliases) is read as GB18030, of which it is a subset in name only:
  clients write GBK characters such as 镕 or 喆 under that label;
* an unknown charset label falls back to UTF-8, then GB18030.

Attachment bytes come from ``get_payload(decode=True)`` and are decoded later by the report
loader (:func:`briefing.load.decode`), never by the MIME label.  Every part whose full file name
ends in ``.yaml``/``.yml`` is taken (the name shown to the clerk may be shortened, the decision
never is), at any depth (a ``walk()`` that remembers the From of each forwarded message), so
forwarded messages count too.

A message has a sender only when it has exactly one ``From`` header holding one plain address;
the same holds for the author of a forwarded message.

Nothing here raises for bad input: a message that cannot be read at all comes back with
:attr:`Letter.broken` set.
"""

from __future__ import annotations

import binascii
import codecs
import datetime as dt
import email.message
import email.utils
import hashlib
import mailbox
import re
from contextlib import ExitStack
from dataclasses import dataclass, field
from email.policy import Compat32
from email.parser import BytesParser
from pathlib import Path
from typing import Callable, Sequence

from briefing.errors import BriefingError
from briefing.workspace import REPORT_SUFFIXES, expand

ARCHIVE_SUFFIXES = (".zip", ".rar", ".7z", ".tar", ".gz", ".tgz")
ARCHIVE_TYPES = frozenset((
    "application/zip", "application/x-zip-compressed", "application/x-zip", "application/x-rar-compressed",
    "application/vnd.rar", "application/x-7z-compressed", "application/gzip", "application/x-tar",
))
YAML_TYPES = frozenset(("application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml"))
MESSAGE_SUFFIXES = (".eml",)
MBOX_SUFFIXES = (".mbox", ".mbx")

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

_GBK_LABELS = frozenset((
    "gb2312", "gbk", "gb18030", "gb_2312-80", "gb_2312", "csgb2312", "x-gbk", "cp936", "ms936", "windows-936",
    "euc-cn", "euccn", "x-euc-cn", "chinese", "iso-ir-58", "hz-gb-2312",
))
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


# ---------------------------------------------------------------- text in headers


def codec_for(label: str | None) -> str | None:
    """The Python codec for a MIME charset label (GB2312 family → GB18030), or ``None``."""
    label = (label or "").strip().strip('"').lower()
    if not label:
        return None
    if label in _GBK_LABELS:
        return "gb18030"
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def text_from_bytes(data: bytes, label: str | None = None) -> str:
    """Decode header bytes by their label if it works, else as UTF-8 or GB18030.

    Without a usable label, short GBK text is often valid UTF-8 too (``原始`` in GBK reads as
    ``ԭʼ``): a UTF-8 reading wins unless it has letters from outside Chinese and ASCII and the
    GB18030 reading has fewer.
    """
    codec = codec_for(label)
    if codec:
        try:
            return data.decode(codec)
        except (UnicodeDecodeError, LookupError):
            pass
    readings = []
    for name in ("utf-8", "gb18030"):
        try:
            readings.append(data.decode(name))
        except UnicodeDecodeError:
            continue
    if not readings:
        return data.decode("utf-8", "replace")
    return min(readings, key=_stray)  # min() keeps the first (UTF-8) on a tie


_PUNCTUATION = frozenset("·×÷°±§¨–—‘’“”…‰※")


def _stray(text: str) -> int:
    """Characters that are unlikely in Chinese text: Latin-1 letters, Cyrillic, Armenian…"""
    return sum(1 for ch in text if 0x80 <= ord(ch) < 0x2E80 and ch not in _PUNCTUATION)


def _from_raw(value: str) -> str:
    """Raw header text (8-bit bytes carried as surrogate escapes) → text; folding removed."""
    value = re.sub(r"\r?\n(?=[ \t])", "", value).replace("\r", "").replace("\n", "")
    if any("\udc80" <= ch <= "\udcff" for ch in value):
        value = text_from_bytes(value.encode("utf-8", "surrogateescape"))
    return value


_WORD = re.compile(r"=\?([^?\s*]+)(?:\*[^?\s]*)?\?([bBqQ])\?([^?\s]*)\?=")


def _word_bytes(encoding: str, payload: str) -> bytes:
    if encoding in "bB":
        payload = re.sub(r"[^A-Za-z0-9+/]", "", payload)
        payload += "=" * (-len(payload) % 4)
        try:
            return binascii.a2b_base64(payload)
        except (binascii.Error, ValueError):
            return b""
    return binascii.a2b_qp(payload.encode("ascii", "replace"), header=True)


def decode_words(text: str) -> str:
    """Decode RFC 2047 encoded words anywhere in ``text`` (also inside quotes).

    Adjacent words in the same charset are joined before decoding, since clients split a
    multi-byte character across two words.
    """
    if "=?" not in text:
        return text
    out: list[str] = []
    pending: list = []  # [label, bytearray]
    pos = 0

    def flush() -> None:
        if pending:
            out.append(text_from_bytes(bytes(pending[1]), pending[0]))
            pending.clear()

    for match in _WORD.finditer(text):
        between = text[pos:match.start()]
        if not (pending and not between.strip()):
            flush()
            out.append(between)
        label, encoding, payload = match.groups()
        data = _word_bytes(encoding, payload)
        if pending and pending[0] == label.lower():
            pending[1].extend(data)
        else:
            flush()
            pending[:] = [label.lower(), bytearray(data)]
        pos = match.end()
    flush()
    out.append(text[pos:])
    return "".join(out)


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _clean(text: str, limit: int = 200) -> str:
    text = _CONTROL.sub(" ", text).strip()
    return text if len(text) <= limit else text[:limit] + "…"


def raw_headers(msg: email.message.Message, name: str) -> list[str]:
    """Every ``name`` header as it stood in the message (undecoded)."""
    wanted = name.lower()
    return [value if isinstance(value, str) else str(value) for key, value in msg.raw_items() if key.lower() == wanted]


def raw_header(msg: email.message.Message, name: str) -> str | None:
    """The first ``name`` header as it stood in the message (undecoded), or ``None``."""
    values = raw_headers(msg, name)
    return values[0] if values else None


def header_text(msg: email.message.Message, name: str) -> str:
    """A header decoded for display: 8-bit bytes and RFC 2047 words, GBK-tolerant."""
    value = raw_header(msg, name)
    return "" if value is None else _clean(decode_words(_from_raw(value[:4096])))


def sender_of(msg: email.message.Message) -> tuple[str | None, str]:
    """``(address, display name)`` of the message's From: ``None`` unless there is exactly one
    From header holding exactly one plain address."""
    values = raw_headers(msg, "from")
    if len(values) != 1:
        return None, ""
    return parse_sender(_from_raw(values[0]))


def header_param(raw: str, header: str, param: str) -> str | None:
    """Parameter ``param`` of a raw ``Content-Disposition``/``Content-Type`` value, decoded
    from RFC 2231, RFC 2047 or raw 8-bit; ``None`` when absent."""
    holder = email.message.Message()  # compat32: returns RFC 2231 values undecoded
    holder[header] = _from_raw(raw)
    try:
        value = holder.get_param(param, header=header)
    except Exception:  # a header bad enough to upset the parameter parser
        return None
    if value is None:
        return None
    if isinstance(value, tuple):
        label, _, text = value
        try:
            data = text.encode("latin-1")
        except UnicodeEncodeError:
            return decode_words(text)
        return text_from_bytes(data, label or None)
    return decode_words(str(value))


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


_ADDR = re.compile(r"[^@\s<>()\[\],;:\"\\]+@[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?")


def parse_sender(text: str) -> tuple[str | None, str]:
    """``(addr-spec in lower case or None, display name)`` of a From header's text."""
    if len(text) > 1024:  # no plain address is this long; the address parser is slow on such text
        return None, ""
    try:
        pairs = email.utils.getaddresses([text])
    except Exception:
        return None, ""
    pairs = [(name, addr) for name, addr in pairs if addr]
    if len(pairs) != 1 or text.count("@") != 1:
        return None, _clean(decode_words(text))
    name, addr = pairs[0]
    if not _ADDR.fullmatch(addr):
        return None, _clean(decode_words(name))
    return addr.lower(), _clean(decode_words(name))


def parse_date(text: str) -> dt.datetime | None:
    """An aware datetime from a Date header (no zone → UTC), or ``None``."""
    if not text.strip():
        return None
    try:
        value = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if value is None or not 1970 <= value.year <= 9999:
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.timezone.utc)


def _message_id(msg: email.message.Message) -> str | None:
    value = raw_header(msg, "message-id")
    if value is None:
        return None
    text = _from_raw(value[:1024]).strip()
    match = re.search(r"<[^<>\s]+>", text)
    if match:
        return match.group(0)[:300]
    return text[:300] or None


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
    return _CONTROL.sub(" ", base).strip(" \"'").rstrip(". ")


def safe_name(name: str) -> str:
    """An attachment name fit to show: :func:`full_name`, shortened to 120 characters."""
    return _clean(full_name(name), 120) or "（未命名附件）"


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
    letter.message_id = _message_id(msg)
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
                item.notes.append(f"附件名“{_clean(name, 80)}”含有文件夹路径，已忽略；报告按内容中的 unit 和 week 存放")
            item.data, item.refused = _payload(part, limit)
            letter.parts.append(item)
        elif whole.endswith(ARCHIVE_SUFFIXES) or ctype in ARCHIVE_TYPES:
            letter.parts.append(Part(index=index, name=shown or f"附件{index}", refused=(
                "附件是压缩包，程序不会拆开压缩包。请直接把 .yaml 报告文件作为附件发送（不要压缩）")))
        elif name:
            letter.others.append(shown)


# ---------------------------------------------------------------- where messages come from


@dataclass
class Incoming:
    """One message to ingest: where it came from and how to get its bytes."""

    origin: str
    """Shown to the clerk and logged: a file, ``mbox#3``, a Maildir entry, an IMAP UID."""
    load: Callable[[], bytes]
    arrived: dt.datetime | None = None
    """When the mail server received it (IMAP INTERNALDATE), if known."""
    vouched: bool = False
    """The clerk vouches for it (``briefing ingest --vouch``): the author of a forwarded message
    counts as its sender."""


def _is_mbox(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(5) == b"From "
    except OSError:
        return False


def _is_maildir(path: Path) -> bool:
    return (path / "cur").is_dir() or (path / "new").is_dir()


def open_sources(paths: Sequence[str | Path], stack: ExitStack) -> list[Incoming]:
    """Every message in ``paths`` (``.eml`` files, mbox files, Maildir folders, or folders of
    ``.eml`` files), in a stable order.  Mailbox files stay open until ``stack`` closes.

    Raises :class:`BriefingError` (exit 2) for a path that does not exist.
    """
    found: list[Incoming] = []
    for path in expand(paths, "邮件文件或文件夹"):
        if path.is_dir():
            if _is_maildir(path):
                found.extend(_maildir(path, stack))
            else:
                for child in sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith(".")):
                    if child.suffix.lower() in MBOX_SUFFIXES:
                        found.extend(_mbox(child, stack))
                    elif child.suffix.lower() in MESSAGE_SUFFIXES:
                        found.extend(_single(child))
        elif _is_mbox(path):
            found.extend(_mbox(path, stack))
        else:
            found.extend(_single(path))
    return found


def open_vouched(paths: Sequence[str | Path]) -> list[Incoming]:
    """The messages the clerk vouches for (``--vouch``): single message files only, since a
    vouch is for one mail the clerk has looked at.  Raises :class:`BriefingError` (exit 2)
    for a folder or a mailbox file."""
    found = []
    for path in expand(paths, "邮件文件"):
        if path.is_dir() or _is_mbox(path):
            raise BriefingError(f"--vouch 只能用于单个 .eml 邮件文件，不能是文件夹或邮箱文件：{path}。"
                                "请核实后一封一封地给出", exit_code=2)
        found.append(Incoming(origin=str(path), load=path.read_bytes, vouched=True))
    return found


def _single(path: Path) -> list[Incoming]:
    return [Incoming(origin=str(path), load=path.read_bytes)]


def _mbox(path: Path, stack: ExitStack) -> list[Incoming]:
    try:
        box = mailbox.mbox(str(path), factory=None, create=False)
        keys = list(box.keys())
    except (OSError, mailbox.Error) as error:
        raise BriefingError(f"无法读取邮箱文件 {path}：{getattr(error, 'strerror', None) or error}") from None
    stack.callback(box.close)
    return [Incoming(origin=f"{path}#{number}", load=lambda key=key: box.get_bytes(key))
            for number, key in enumerate(keys, start=1)]


def _maildir(path: Path, stack: ExitStack) -> list[Incoming]:
    try:
        box = mailbox.Maildir(str(path), factory=None, create=False)
        keys = sorted(box.keys())
    except (OSError, mailbox.Error) as error:
        raise BriefingError(f"无法读取邮件文件夹 {path}：{getattr(error, 'strerror', None) or error}") from None
    stack.callback(box.close)
    return [Incoming(origin=f"{path}#{key}", load=lambda key=key: box.get_bytes(key)) for key in keys]
