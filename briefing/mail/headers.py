"""Header text as the clerk's correspondents really write it: 8-bit bytes, RFC 2047 words,
RFC 2231 parameters, GBK under a ``gb2312`` label; the sender, the date, the Message-ID.

The parser runs with the ``compat32`` policy, which keeps every header as its raw text and
parses none of them; this module reads each header it needs from that text, once.  It does so
itself because the standard header parser decodes with the labelled charset and drops what
does not fit, and the clerk's correspondents get these wrong:

* file names in RFC 2047 encoded words (``=?gb2312?B?…?=``, also inside quotes, also split
  across several words), in RFC 2231 (``filename*=gbk''%C4%BE…``) and as raw 8-bit bytes;
* ``gb2312`` (and its aliases) is read as GB18030, of which it is a subset in name only:
  clients write GBK characters such as 镕 or 喆 under that label;
* an unknown charset label falls back to UTF-8, then GB18030.

A message has a sender only when it has exactly one ``From`` header holding one plain address.
"""

from __future__ import annotations

import binascii
import codecs
import datetime as dt
import email.message
import email.utils
import re

_GBK_LABELS = frozenset((
    "gb2312", "gbk", "gb18030", "gb_2312-80", "gb_2312", "csgb2312", "x-gbk", "cp936", "ms936", "windows-936",
    "euc-cn", "euccn", "x-euc-cn", "chinese", "iso-ir-58", "hz-gb-2312",
))


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


def from_raw(value: str) -> str:
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


CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def printable(text: str, limit: int = 200) -> str:
    """``text`` without control characters, stripped, shortened to ``limit`` characters."""
    text = CONTROL.sub(" ", text).strip()
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
    return "" if value is None else printable(decode_words(from_raw(value[:4096])))


def sender_of(msg: email.message.Message) -> tuple[str | None, str]:
    """``(address, display name)`` of the message's From: ``None`` unless there is exactly one
    From header holding exactly one plain address."""
    values = raw_headers(msg, "from")
    if len(values) != 1:
        return None, ""
    return parse_sender(from_raw(values[0]))


def header_param(raw: str, header: str, param: str) -> str | None:
    """Parameter ``param`` of a raw ``Content-Disposition``/``Content-Type`` value, decoded
    from RFC 2231, RFC 2047 or raw 8-bit; ``None`` when absent."""
    holder = email.message.Message()  # compat32: returns RFC 2231 values undecoded
    holder[header] = from_raw(raw)
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
        return None, printable(decode_words(text))
    name, addr = pairs[0]
    if not _ADDR.fullmatch(addr):
        return None, printable(decode_words(name))
    return addr.lower(), printable(decode_words(name))


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


def message_id(msg: email.message.Message) -> str | None:
    value = raw_header(msg, "message-id")
    if value is None:
        return None
    text = from_raw(value[:1024]).strip()
    match = re.search(r"<[^<>\s]+>", text)
    if match:
        return match.group(0)[:300]
    return text[:300] or None

