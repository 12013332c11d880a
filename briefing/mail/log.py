"""The ingest log (``.briefing/ingest.jsonl``): one JSON object a line, the source of truth
of everything ``briefing ingest`` did, read by the engine, receipts and ``briefing status``.

A line is a :class:`LogRecord`: one report attachment of a message (``report``), a message as
a whole (``message``: unreadable, a duplicate, without a report), a receipt (``receipt``), or
the brackets around parsing a message (``reading``: ``started`` then ``read``).  Lines that
are not complete JSON (a crash while writing) are skipped when read.

Each line carries the id of the ``briefing ingest`` run that wrote it (``run``), and what that
run created (``created``: path and SHA-256) and moved (``moves``: from entries into the
history), so a run can be undone exactly (:mod:`briefing.mail.undo`).  An undone run stays in
the log, followed by an ``undo`` line naming it; :func:`read_log` then leaves out the run's
lines and the ``undo`` line, so every reader ignores the run.
"""

from __future__ import annotations

import datetime as dt
import errno
import json
import os
import stat
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Sequence

from briefing.errors import BriefingError, os_reason
from briefing.weeks import Week
from briefing.workspace.files import Damaged, read_record

LOG_NAME = "ingest.jsonl"
_MOVE_AWAY = "它不是本程序写的导入记录：请把它移出 .briefing 文件夹（或改名）后重新运行"
LOG_LIMIT = 256 << 20
"""Bytes: about 400,000 log lines, decades of a province's mail; anything larger is not our log."""

ACCEPTED = "accepted"
REPLACED = "replaced"
SUPERSEDED = "superseded"
REJECTED = "rejected"
QUARANTINED = "quarantined"
DUPLICATE = "duplicate"
EMPTY = "empty"
HELD = "held"
INTERRUPTED = "interrupted"
UNDO = "undo"
"""The ``kind`` of the line saying a run was undone (its ``run`` names it)."""
SENT = "sent"
FAILED = "failed"
READING = "reading"
"""The ``kind`` of the lines that bracket parsing a message: outcome ``started``, then ``read``."""
STARTED = "started"
READ = "read"
DONE = "done"
TAKEN_OVER = "taken_over"
"""``reading``/``taken_over``: this run took over the lock a killed run left (notes say whose)."""
"""``reading``/``done``: every outcome of the message is logged (see :mod:`briefing.mail.engine`)."""
UPLOAD = "网页上传"
"""The ``source`` of a report the clerk uploaded on the web page (:meth:`~briefing.mail.engine.Ingest.take_upload`)."""

OUTCOME_LABELS = {
    ACCEPTED: "已入库",
    REPLACED: "已替换旧版",
    SUPERSEDED: "旧版存档",
    REJECTED: "退回",
    QUARANTINED: "已隔离",
    DUPLICATE: "重复",
    EMPTY: "无报告",
    HELD: "待处理",
    INTERRUPTED: "读取中断",
    SENT: "回执已发",
    FAILED: "回执失败",
}
# A message logged with one of these is done; rejected and quarantined ones are looked at
# again when read again (after the clerk adds a sender or a unit, they go through; a held one
# once the clerk has fixed the file in its way).  An interrupted one is never parsed again.
FINAL = frozenset((ACCEPTED, REPLACED, SUPERSEDED, DUPLICATE, EMPTY, INTERRUPTED))
TAKEN = frozenset((ACCEPTED, REPLACED, SUPERSEDED, DUPLICATE))


@dataclass
class LogRecord:
    """One line of the ingest log (``.briefing/ingest.jsonl``).

    ``kind`` is ``report`` (one attachment of a message), ``message`` (the message as a whole:
    unreadable, a duplicate, or without a report), ``receipt`` (a receipt sent or not), or
    ``reading`` (parsing a message started or ended; see :func:`read_log`).
    """

    kind: str
    outcome: str
    """accepted, replaced, superseded, rejected, quarantined, duplicate, empty, held,
    interrupted; sent, failed; started, read, done, taken_over."""
    time: str
    """When the line was written (ISO 8601 with microseconds, local time with offset)."""
    seq: int
    """Arrival order of the message in this workspace: 1, 2, …"""
    sha256: str
    """SHA-256 of the raw message."""
    message: str
    """The archived raw message, relative to the workspace root."""
    source: str = ""
    """Where the message was read from: a file, ``mbox#3``, a Maildir entry, an IMAP UID."""
    message_id: str | None = None
    date: str | None = None
    """The message's ``Date`` header (ISO 8601), if it had a valid one."""
    arrived: str | None = None
    """When it reached the mailbox (IMAP) or was first read (files)."""
    sender: str | None = None
    subject: str = ""
    part: int | None = None
    attachment: str | None = None
    unit: str | None = None
    week: str | None = None
    records: int | None = None
    """trips + events + signings + projects of a valid report."""
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    stored: str | None = None
    """Where the report's bytes are: entries/…, archive/history/…, archive/quarantine/…"""
    previous: str | None = None
    """Where the version it replaced was moved (archive/history/…)."""
    report_sha256: str | None = None
    duplicate_of: str | None = None
    """The archived message this one duplicates (same Message-ID and sender)."""
    to: str | None = None
    """Receipts: the address it was sent to."""
    vouched: bool = False
    """The clerk vouched for the message (``--vouch``)."""
    run: str = ""
    """The ``briefing ingest`` run that wrote the line."""
    created: list[list[str]] = field(default_factory=list)
    """Files this line's work created: ``[path, sha256]`` (relative to the workspace root)."""
    moves: list[list[str]] = field(default_factory=list)
    """Files this line's work moved: ``[to, from]`` (history copy, the entries file it was)."""

    @property
    def when(self) -> dt.datetime:
        """The time that orders versions: the Date header, else arrival; never later than arrival
        (a Date in the future, forged or from a wrong clock, must not pin a version)."""
        times = [parse_time(text) for text in (self.date, self.arrived)]
        sent, arrived = times
        if sent is not None and arrived is not None:
            return min(sent, arrived)
        return sent or arrived or dt.datetime.min.replace(tzinfo=dt.timezone.utc)

    @property
    def order(self) -> tuple:
        """Sort key of "later": Date, then arrival order, then position in the message."""
        return (self.when, self.seq, self.part or 0)

    @property
    def label(self) -> str:
        """The outcome in Chinese."""
        return OUTCOME_LABELS.get(self.outcome, self.outcome)


_FIELDS = {f.name for f in fields(LogRecord)}


def parse_time(text: str | None) -> dt.datetime | None:
    if not text:
        return None
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


def read_log(state: str | os.PathLike, reading: bool = False) -> list[LogRecord]:
    """Every record of the ingest log in ``state`` (the workspace's ``.briefing``), oldest first;
    the ``reading`` lines only when asked for.  Runs that were undone are left out.

    Lines that are not complete JSON (a crash while writing) are skipped.
    """
    path = Path(state) / LOG_NAME
    try:
        data = read_record(path, LOG_LIMIT)
    except Damaged as problem:
        raise BriefingError(f"无法读取导入记录 {path}：{problem}。{_MOVE_AWAY}") from None
    text = "" if data is None else data.decode("utf-8-sig", errors="replace")
    records = []
    for line in text.splitlines():
        try:
            data = json.loads(line)
            record = LogRecord(**{k: v for k, v in data.items() if k in _FIELDS})
        except (ValueError, TypeError, AttributeError):
            continue
        if reading or record.kind != READING:
            records.append(record)
    undone = {record.run for record in records if record.kind == UNDO}
    return [record for record in records if record.kind != UNDO and not (record.run and record.run in undone)]


def append_log(state: Path, records: Sequence[LogRecord]) -> None:
    """Append ``records`` to the ingest log in ``state``, flushed to disk before returning."""
    path = state / LOG_NAME
    text = "".join(json.dumps(asdict(r), ensure_ascii=False) + "\n" for r in records).encode("utf-8")
    flags = os.O_RDWR | os.O_APPEND | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) \
        | getattr(os, "O_BINARY", 0)
    try:
        state.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, flags, 0o644)  # never through a link planted at its name
        with open(fd, "ab+") as handle:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise BriefingError(f"无法写入导入记录 {path}：不是普通文件。{_MOVE_AWAY}")
            handle.seek(0, os.SEEK_END)
            if handle.tell():
                handle.seek(-1, os.SEEK_END)
                if handle.read(1) != b"\n":  # a line cut short by a crash stays on its own
                    text = b"\n" + text
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise BriefingError(f"无法写入导入记录 {path}：它是一个快捷方式（符号链接），不是普通文件。{_MOVE_AWAY}") from None
        raise BriefingError(f"无法写入导入记录 {path}：{os_reason(error)}") from None


def iso_time(value: dt.datetime | None) -> str | None:
    """ISO 8601 to the second, or ``None``."""
    return value.isoformat(timespec="seconds") if value is not None else None


def week_text(week: str | None) -> str:
    """A logged week in Chinese: ``2023-W17`` → ``2023年第17周`` (``""`` for none)."""
    return Week.parse(week).text if week else ""
