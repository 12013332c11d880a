"""``briefing ingest``: e-mailed reports become the units' reports in the workspace, with every
message kept, every outcome logged, nothing lost, duplicated or filed under the wrong unit.

What ingest keeps, all inside the workspace root (the folder of ``briefing.yaml``)::

    entries/<week>/<unit>.yaml                  the current report of a unit and week
    archive/mail/<YYYY-MM>/<sha16>.eml          every message read, raw, named by its hash
    archive/history/<week>/<unit>-<time>-<sha8>.yaml
                                                replaced versions, and older versions that
                                                arrived after a newer one
    archive/quarantine/<sha16>-<part>.yaml      reports from senders not allowed for the unit
    archive/rejected/<sha16>-<part>.yaml        reports with errors
    archive/pending/<sha16>-<part>.yaml         reports held back because the file they would
                                                replace holds another unit's or week's report
    .briefing/ingest.jsonl                      the ingest log: one JSON object a line
    .briefing/ingest.lock                       present while an ingest runs
    .briefing/imap.json                         IMAP UIDs already handled (see briefing.imap)

The log is the source of truth.  Which version of a unit's week is current is a function of
the logged versions only: the one carried by the latest message (its ``Date``, then arrival
order, then position in the message).  So the result does not depend on the order the
sources are given in, and a message already logged is skipped, so a second run over the same
sources changes nothing, not even the log.  A report is written (entries, history) before
its log line, and the log line before an IMAP message is flagged, so a crash at any point is
repaired by running again.

Who may report for a unit is decided by the message's own From only (the address the mail
provider checked), never by the From of a forwarded message inside it, which anyone can write.
A clerk who has checked a saved mail vouches for it (``--vouch``): then the author of a
forwarded message counts as its sender, and the log says so.

Before a message is parsed for the first time a ``reading``/``started`` line is logged, and
``reading``/``read`` once it is parsed.  A message whose ``started`` has no ``read`` killed
or stalled an earlier run while being parsed: it is logged as ``interrupted`` and never
parsed again, so the next run (by IMAP too) gets past it.  (Bounds on the message, see
:mod:`briefing.mail`, should make this never happen.)

A file in ``entries`` is moved or replaced only after its own ``unit`` and ``week`` were read
and found to be the incoming report's: a file saved by hand under another unit's name holds
the incoming report back (``held``) with an error naming the file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import time
import unicodedata
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass, field, fields
from email.utils import parseaddr
from pathlib import Path
from typing import Any, Callable, ContextManager, Iterator, Sequence

from briefing.atomic import write_bytes
from briefing.errors import BriefingError, Problem
from briefing.fmt import pad, width
from briefing.load import parse_bytes
from briefing.mail import Incoming, Letter, Part, open_sources, open_vouched, read_letter
from briefing.model import Report, parse_week, week_key
from briefing.workspace import REPORT_SUFFIXES, Workspace, validate_document

LOG_NAME = "ingest.jsonl"
LOCK_NAME = "ingest.lock"
ARCHIVE = "archive"

ACCEPTED = "accepted"
REPLACED = "replaced"
SUPERSEDED = "superseded"
REJECTED = "rejected"
QUARANTINED = "quarantined"
DUPLICATE = "duplicate"
EMPTY = "empty"
HELD = "held"
INTERRUPTED = "interrupted"
SENT = "sent"
FAILED = "failed"
READING = "reading"
UPLOAD = "网页上传"
"""The ``source`` of a report the clerk uploaded on the web page (:meth:`Ingest.take_upload`)."""
"""The ``kind`` of the lines that bracket parsing a message: outcome ``started``, then ``read``."""
STARTED = "started"
READ = "read"

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
_TAKEN = frozenset((ACCEPTED, REPLACED, SUPERSEDED, DUPLICATE))


# ---------------------------------------------------------------- the log


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
    interrupted; sent, failed; started, read."""
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

    @property
    def when(self) -> dt.datetime:
        """The time that orders versions: the Date header, else arrival; never later than arrival
        (a Date in the future, forged or from a wrong clock, must not pin a version)."""
        times = [_parse_time(text) for text in (self.date, self.arrived)]
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


def _parse_time(text: str | None) -> dt.datetime | None:
    if not text:
        return None
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


def read_log(state: str | os.PathLike, reading: bool = False) -> list[LogRecord]:
    """Every record of the ingest log in ``state`` (the workspace's ``.briefing``), oldest first;
    the ``reading`` lines only when asked for.

    Lines that are not complete JSON (a crash while writing) are skipped.
    """
    path = Path(state) / LOG_NAME
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return []
    except OSError as error:
        raise BriefingError(f"无法读取导入记录 {path}：{error.strerror or error}") from None
    records = []
    for line in text.splitlines():
        try:
            data = json.loads(line)
            record = LogRecord(**{k: v for k, v in data.items() if k in _FIELDS})
        except (ValueError, TypeError, AttributeError):
            continue
        if reading or record.kind != READING:
            records.append(record)
    return records


# ---------------------------------------------------------------- results


@dataclass
class Handled:
    """What became of one message in this run."""

    origin: str
    letter: Letter | None = None
    records: list[LogRecord] = field(default_factory=list)
    """Records logged in this run (none when the message was handled before)."""
    skipped: bool = False
    """Already ingested earlier (or rejected or quarantined again the same way): nothing done."""
    error: str | None = None
    """The message could not be read from its source."""


@dataclass
class IngestResult:
    """Everything one ``briefing ingest`` did."""

    handled: list[Handled] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    receipts: list[LogRecord] = field(default_factory=list)

    @property
    def records(self) -> list[LogRecord]:
        return [r for h in self.handled for r in h.records]

    def count(self, outcome: str) -> int:
        return sum(1 for r in self.records if r.outcome == outcome)


Progress = Callable[[int, str], ContextManager[Callable[[], None]]]


@contextmanager
def no_progress(total: int, label: str) -> Iterator[Callable[[], None]]:
    """The default progress display: none."""
    yield lambda: None


# ---------------------------------------------------------------- small helpers


def _now() -> dt.datetime:
    return dt.datetime.now().astimezone()


def iso_time(value: dt.datetime | None) -> str | None:
    """ISO 8601 to the second, or ``None``."""
    return value.isoformat(timespec="seconds") if value is not None else None


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')
_RESERVED = frozenset("con prn aux nul com1 com2 com3 com4 com5 com6 com7 com8 com9 lpt1 lpt2 lpt3 "
                      "lpt4 lpt5 lpt6 lpt7 lpt8 lpt9".split())


def file_safe(name: str) -> str:
    """A unit name as a file name on any system (Windows' forbidden characters replaced)."""
    text = _UNSAFE.sub("_", unicodedata.normalize("NFC", name)).strip(" .") or "_"
    return f"_{text}" if text.lower() in _RESERVED else text


def week_text(week: str | None) -> str:
    """``2023-W17`` → ``2023年第17周``."""
    if not week:
        return ""
    year, number = week_key(week)
    return f"{year}年第{number}周"


def _problem_line(problem: Problem) -> str:
    severity = "" if problem.is_error else f"（{problem.severity}）"
    return f"第{problem.line}行第{problem.col}列{severity}：{problem.message}"


def record_count(report: Report) -> int:
    """Records in a report: trips + events + signings + projects."""
    return len(report.trips) + len(report.events) + len(report.signings) + len(report.projects)


@dataclass
class _Version:
    order: tuple
    when: dt.datetime


class _Conflict(Exception):
    """A file in entries that may not be moved: it holds another unit's or week's report, or
    its unit and week cannot be read."""

    def __init__(self, path: str, unit: str | None, week: str | None):
        super().__init__(path)
        self.path, self.unit, self.week = path, unit, week


class _RunLock:
    """Refuse a second ingest on the same workspace while one runs (no fcntl: a lock file,
    touched as work goes on, taken over when it is older than ``stale`` seconds)."""

    def __init__(self, path: Path, stale: float = 600.0):
        self.path, self.stale = path, stale

    def __enter__(self) -> "_RunLock":
        self.path.parent.mkdir(parents=True, exist_ok=True)
        for _ in range(2):
            try:
                os.close(os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
                return self
            except FileExistsError:
                try:
                    age = time.time() - self.path.stat().st_mtime
                except OSError:
                    continue
                if age < self.stale:
                    raise BriefingError(
                        f"另一个 briefing ingest 正在导入这个工作目录（{self.path}）。请等它结束后再运行；"
                        f"如果确定没有在运行，删除这个文件后重试", exit_code=1) from None
                self._remove()
        raise BriefingError(f"无法建立 {self.path}，请检查工作目录是否可写")

    def touch(self) -> None:
        try:
            os.utime(self.path)
        except OSError:
            pass

    def _remove(self) -> None:
        try:
            os.unlink(self.path)
        except OSError:
            pass

    def __exit__(self, *exc: object) -> None:
        self._remove()


# ---------------------------------------------------------------- the engine


class Ingest:
    """Ingest messages into one workspace; use as a context manager (holds the run lock)."""

    def __init__(self, ws: Workspace, now: Callable[[], dt.datetime] = _now):
        self.ws, self.config, self.now = ws, ws.config, now
        self.root = ws.root.resolve()
        self.entries = Path(ws.entries).resolve()
        self.archive = self.root / ARCHIVE
        self.state = Path(ws.state).resolve()
        self.log_file = self.state / LOG_NAME
        self.limit = self.config.mail.attachment_limit
        self.senders: dict[str, set[str]] = {  # "张三 <a@b.cn>" in the config counts as a@b.cn
            unit: {parseaddr(address)[1].strip().lower() for address in addresses}
            for unit, addresses in self.config.senders.items()}
        self.result = IngestResult()
        if not any(self.senders.values()):
            self.result.warnings.append(
                "briefing.yaml 中没有配置 senders（各单位允许报送的邮箱），本次不检查发件人：任何人发来的报告都会入库")
        self._lock = _RunLock(self.state / LOCK_NAME)
        self._entry_index: dict[tuple[str, str], set[Path]] | None = None
        self._load_log()

    def __enter__(self) -> "Ingest":
        self._lock.__enter__()
        self._load_log()  # again, now that no other ingest can be writing it
        return self

    def __exit__(self, *exc: object) -> None:
        self._lock.__exit__(*exc)

    # ---------------------------------------------------------- state from the log

    def _load_log(self) -> None:
        self.by_sha: dict[str, list[LogRecord]] = {}
        self.reading: dict[str, LogRecord] = {}  # sha → its last reading line
        self.message_ids: dict[tuple[str, str | None], LogRecord] = {}
        self.versions: dict[tuple[str, str], dict[str, _Version]] = {}
        self.seq = 0
        for record in read_log(self.state, reading=True):
            self._index(record)

    def _index(self, record: LogRecord) -> None:
        if record.kind == "receipt":
            return
        self.seq = max(self.seq, record.seq)
        if record.kind == READING:
            self.reading[record.sha256] = record
            return
        self.by_sha.setdefault(record.sha256, []).append(record)
        if record.message_id and record.outcome in FINAL:
            self.message_ids.setdefault((record.message_id, record.sender), record)
        if record.outcome in _TAKEN and record.report_sha256 and record.unit and record.week:
            versions = self.versions.setdefault((record.unit, record.week), {})
            known = versions.get(record.report_sha256)
            if known is None or record.order > known.order:
                versions[record.report_sha256] = _Version(record.order, record.when)

    def _append(self, records: Sequence[LogRecord]) -> None:
        if not records:
            return
        text = "".join(json.dumps(asdict(r), ensure_ascii=False) + "\n" for r in records).encode("utf-8")
        self.state.mkdir(parents=True, exist_ok=True)
        try:
            with open(self.log_file, "ab+") as handle:
                handle.seek(0, os.SEEK_END)
                if handle.tell():
                    handle.seek(-1, os.SEEK_END)
                    if handle.read(1) != b"\n":  # a line cut short by a crash stays on its own
                        text = b"\n" + text
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
        except OSError as error:
            raise BriefingError(f"无法写入导入记录 {self.log_file}：{error.strerror or error}") from None
        for record in records:
            self._index(record)

    def log_receipt(self, record: LogRecord) -> None:
        """Append a receipt record (see :mod:`briefing.receipts`)."""
        self._append([record])
        self.result.receipts.append(record)

    # ---------------------------------------------------------- paths

    def rel(self, path: Path) -> str:
        """``path`` relative to the workspace root (``/`` separated), or absolute if outside."""
        try:
            return path.resolve().relative_to(self.root).as_posix()
        except ValueError:
            return str(path)

    def entry_path(self, unit: str, week: str) -> Path:
        return self.entries / week / f"{file_safe(unit)}.yaml"

    def _history_path(self, unit: str, week: str, digest: str, when: dt.datetime | None) -> Path:
        stamp = when.strftime("%Y%m%d-%H%M%S") if when and when.year > 1970 else "无日期"  # sender's clock
        return self.archive / "history" / week / f"{file_safe(unit)}-{stamp}-{digest[:8]}.yaml"

    def _mail_path(self, sha: str, when: dt.datetime) -> Path:
        return self.archive / "mail" / f"{when.year:04d}-{when.month:02d}" / f"{sha[:16]}.eml"

    def _keep(self, path: Path, data: bytes) -> Path:
        """Write ``data`` unless the file already holds it (every kept name is content-derived)."""
        if not path.exists():
            write_bytes(path, data)
        return path

    # ---------------------------------------------------------- one message

    def take(self, incoming: Incoming) -> Handled:
        """Ingest one message: archive it, judge each report, store, log.  Never raises for bad
        content; raises :class:`BriefingError` only when the workspace cannot be written."""
        self._lock.touch()
        handled = Handled(origin=incoming.origin)
        self.result.handled.append(handled)
        try:
            raw = incoming.load()
        except Exception as error:  # an unreadable file, a mailbox changed under us
            handled.error = f"无法读取：{getattr(error, 'strerror', None) or error}"
            return handled
        sha = _sha(raw)
        prior = self.by_sha.get(sha, [])
        if prior and all(r.outcome in FINAL for r in prior):
            handled.skipped = True
            return handled
        mark = self.reading.get(sha)
        first = prior[0] if prior else mark
        if first is None:
            self.seq += 1
        seq = first.seq if first else self.seq
        arrived = first.arrived if first else iso_time(incoming.arrived or self.now())
        base = dict(time=self.now().isoformat(), seq=seq, sha256=sha, message=prior[0].message if prior else "",
                    source=incoming.origin, arrived=arrived)
        if not prior and mark is not None and mark.outcome == STARTED:
            handled.records = [self._interrupted(raw, base)]
            return handled
        if first is None:  # a trace before the parser runs, in case it never returns
            self._append([LogRecord(kind=READING, outcome=STARTED, **base)])
        letter = read_letter(raw, self.limit)
        handled.letter = letter
        if first is None:
            self._append([LogRecord(kind=READING, outcome=READ, **base)])
        message = base["message"] or self.rel(self._mail_path(sha, letter.date or _parse_time(arrived) or self.now()))
        self._keep(self.root / message, raw)
        base.update(time=self.now().isoformat(), message=message, message_id=letter.message_id,
                    date=iso_time(letter.date), sender=letter.sender, subject=letter.subject)
        handled.records = self._judge_message(letter, base, prior, incoming.vouched)
        handled.skipped = bool(prior) and not handled.records  # looked at again: nothing changed
        return handled

    def _interrupted(self, raw: bytes, base: dict) -> LogRecord:
        """The record of a message that an earlier run started to parse and never finished."""
        message = self.rel(self._mail_path(base["sha256"], _parse_time(base["arrived"]) or self.now()))
        self._keep(self.root / message, raw)
        record = LogRecord(kind="message", outcome=INTERRUPTED, errors=[
            "上次导入读取这封邮件时程序中断了（可能是这封邮件格式异常，读取时卡住）。为免再次卡住，这封邮件不再读取，"
            f"其中的报告没有导入。原件保存在 {message}；如果这是正常的报送邮件，请联系发件单位重新发送"],
            **{**base, "message": message})
        self._append([record])
        return record

    def _judge_message(self, letter: Letter, base: dict, prior: list[LogRecord], vouched: bool) -> list[LogRecord]:
        """Judge, store and log (one line as each outcome is settled); return the new records."""
        whole = [r for r in prior if r.kind == "message"]
        record = None
        if letter.broken:
            record = LogRecord(kind="message", outcome=REJECTED, errors=[letter.broken], **base)
            if whole and _same(whole[-1], record):
                return []
        twin = self.message_ids.get((letter.message_id, letter.sender)) if letter.message_id else None
        if record is None and twin is not None and twin.sha256 != letter.sha256 and self._same_content(twin, letter):
            record = LogRecord(kind="message", outcome=DUPLICATE, duplicate_of=twin.message, notes=[
                f"与第 {twin.seq} 封收到的邮件（主题“{twin.subject}”）是同一封（Message-ID 相同，附件内容也相同），未改动"],
                **base)
        if record is None and not letter.parts:
            notes = [f"附件“{name}”不是 .yaml 报告文件" for name in letter.others] or ["邮件中没有附件"]
            record = LogRecord(kind="message", outcome=EMPTY, notes=notes + self._defects(letter), **base)
        if record is not None:
            self._append([record])
            return [record]
        done = {r.part: r for r in prior if r.kind == "report"}
        records = []
        for part in letter.parts:
            last = done.get(part.index)
            if last is not None and last.outcome in FINAL:
                continue
            record = self._judge_part(letter, part, base, vouched)
            if last is not None and _same(last, record):
                continue
            self._append([record])
            records.append(record)
        return records

    def _same_content(self, twin: LogRecord, letter: Letter) -> bool:
        """Whether ``letter`` carries what the archived message ``twin`` carried: the same
        Message-ID alone is no proof (a client may reuse it for a mail it sends again)."""
        try:
            raw = (self.root / twin.message).read_bytes()
        except OSError:
            return False
        return read_letter(raw, self.limit).content() == letter.content()

    @staticmethod
    def _defects(letter: Letter) -> list[str]:
        return [f"邮件格式不规范（{'、'.join(letter.defects)}），已尽量读取"] if letter.defects else []

    def allowed_units(self, sender: str | None) -> list[str] | None:
        """Units ``sender`` may report for; ``None`` when no senders are configured."""
        if not any(self.senders.values()):
            return None
        return [unit for unit in self.config.unit_names if sender and sender in self.senders.get(unit, ())]

    def _judge_part(self, letter: Letter, part: Part, base: dict, vouched: bool = False) -> LogRecord:
        record = LogRecord(kind="report", outcome=REJECTED, part=part.index, attachment=part.name,
                           notes=list(part.notes) + self._defects(letter), vouched=vouched, **base)
        # Only the message's own From was checked by the mail provider; the From of a forwarded
        # message counts only when the clerk vouches for the mail.
        inner = vouched and part.forwarded is not None
        author = (part.forwarded or None) if inner else letter.sender
        who = ("转发的原邮件发件人 " if inner else "发件人 ") + (author or "（无法识别）")
        if vouched:
            record.notes.append(f"经办人用 --vouch 确认此邮件可信，按{who}判断报送单位")
        allowed = self.allowed_units(author)
        if allowed == [] and not vouched and part.forwarded:
            registered = self.allowed_units(part.forwarded)
            if registered:
                record.notes.append(f"转发的原邮件发件人 {part.forwarded} 登记为{'、'.join(registered)}的报送邮箱；"
                                    f"如已核实这封邮件确实来自该单位，可用 briefing ingest --vouch {record.message} 导入")
        report, doc = None, None
        if part.data is not None:
            doc = parse_bytes(part.data, part.name)
            report = validate_document(doc, self.config)
            record.unit, record.week = (report.unit, report.week) if report else self._guess(doc.data)
        if allowed is not None and not author:
            record.errors = [("转发的原邮件" if inner else "邮件") + "的发件人无法确认（没有发件人、有多个发件人或地址不规范），"
                             "报告未入库"]
            return self._set_aside(record, part, "quarantine", QUARANTINED)
        if allowed is not None and not allowed:
            record.errors = [f"{who} 不在 briefing.yaml 的 senders 名单中，报告未入库"]
            return self._set_aside(record, part, "quarantine", QUARANTINED)
        if allowed is not None and record.unit is not None and record.unit not in allowed:
            record.errors = [f"{who} 登记的报送单位是{'、'.join(allowed)}，不能报送“{record.unit}”的报告"]
            return self._set_aside(record, part, "quarantine", QUARANTINED)
        if record.unit is None and allowed and len(allowed) == 1:
            record.unit = allowed[0]  # so that status can show whose mail it was
        if doc is None or part.refused is not None:
            record.errors = [part.refused or "附件无法读取"]
            return record
        if report is None:
            record.errors = [_problem_line(p) for p in doc.problems] or ["报告无法读取"]
            return self._set_aside(record, part, "rejected", REJECTED)
        return self._store(report, part, record)

    def _guess(self, data: Any) -> tuple[str | None, str | None]:
        """Unit and week of a report that did not validate, when they can be read."""
        if not isinstance(data, dict):
            return None, None
        unit = self.config.canonical_unit(str(data.get("unit") or "").strip())
        try:
            week = parse_week(data.get("week"))
        except Exception:
            week = None
        return unit, week

    def _set_aside(self, record: LogRecord, part: Part, folder: str, outcome: str) -> LogRecord:
        record.outcome = outcome
        if part.data is not None:
            path = self.archive / folder / f"{record.sha256[:16]}-{part.index}.yaml"
            record.stored = self.rel(self._keep(path, part.data))
        return record

    # ---------------------------------------------------------- a report handed over directly

    def take_upload(self, data: bytes, name: str) -> tuple[LogRecord, list[Problem]]:
        """Judge and store one report the clerk handed over directly (``briefing serve``'s upload
        page), exactly as a valid attachment is stored: into entries by its content's unit and
        week, the version it replaces kept in the history, one log line (source ``UPLOAD``).
        ``name`` is for messages only.  A report with an error is neither stored nor logged:
        the record says ``rejected``; the problems (errors and warnings) come back either way."""
        self._lock.touch()
        doc = parse_bytes(data, name)
        report = validate_document(doc, self.config)
        now = self.now()
        record = LogRecord(kind="report", outcome=REJECTED, time=now.isoformat(), seq=self.seq + 1,
                           sha256=_sha(data), message="", source=UPLOAD, arrived=iso_time(now), part=1,
                           attachment=name)
        if report is None:
            record.unit, record.week = self._guess(doc.data)
            record.errors = [_problem_line(p) for p in doc.problems if p.is_error] or ["报告无法读取"]
            return record, doc.problems
        self.seq += 1
        record.unit, record.week = report.unit, report.week
        record = self._store(report, Part(1, name, data), record)
        self._append([record])
        return record, doc.problems

    # ---------------------------------------------------------- storing a valid report

    def _store(self, report: Report, part: Part, record: LogRecord) -> LogRecord:
        unit, week, data = report.unit, report.week, part.data
        record.records = record_count(report)
        record.report_sha256 = digest = _sha(data)
        entry = self.entry_path(unit, week)
        versions = self.versions.get((unit, week), {})
        current = max(versions.items(), key=lambda item: item[1].order) if versions else None
        order = record.order
        if digest in versions:
            latest = max(order, versions[digest].order)
            if current is not None and (current[0] == digest or latest < current[1].order):
                record.outcome, record.stored = DUPLICATE, self.rel(entry)
                same = "已入库的版本" if current[0] == digest else "此前报送的一个旧版本"
                record.notes.append(f"内容与{same}完全相同，未改动")
                return record
        elif current is not None and order < current[1].order:
            record.outcome = SUPERSEDED
            newer = current[1].when.strftime("%Y-%m-%d %H:%M")
            record.stored = self.rel(self._keep(self._history_path(unit, week, digest, record.when), data))
            record.notes.append(f"已有一份发送时间更晚（{newer}）的版本在用，本份作为旧版本存档，未替换")
            return record
        try:
            moved = self._make_room(unit, week, entry, digest, versions)
        except _Conflict as conflict:
            return self._hold(record, part, conflict)
        if not moved and current is not None:  # a run that stopped after writing, before logging
            earlier = self._history_path(unit, week, current[0], current[1].when)
            moved = [self.rel(earlier)] if earlier.exists() else []
        write_bytes(entry, data)
        self._entries()[(unit, week)] = {entry}
        record.stored = self.rel(entry)
        record.outcome = REPLACED if (current is not None or moved) else ACCEPTED
        if moved:
            record.previous = moved[0]
            if len(moved) > 1:
                record.notes.append("另有旧文件移入历史版本：" + "、".join(moved[1:]))
        return record

    def _make_room(self, unit: str, week: str, entry: Path, digest: str, versions: dict[str, _Version]) -> list[str]:
        """Move whatever holds this unit's week now into the history; return where it went.

        Each file is read first, and its own unit and week must be this report's: raises
        :class:`_Conflict`, before anything is moved, for one that holds something else.
        """
        found = []
        for path in sorted(self._entries().get((unit, week), set()) | ({entry} if entry.exists() else set())):
            try:
                old = path.read_bytes()
            except OSError:
                raise _Conflict(self.rel(path), None, None) from None
            holds = self._guess(parse_bytes(old, str(path)).data)
            if holds != (unit, week):
                raise _Conflict(self.rel(path), *holds)
            found.append((path, old))
        moved = []
        for path, old in found:
            old_digest = _sha(old)
            if path == entry and old_digest == digest:
                continue
            known = versions.get(old_digest)
            when = known.when if known else dt.datetime.fromtimestamp(path.stat().st_mtime).astimezone()
            target = self._keep(self._history_path(unit, week, old_digest, when), old)
            moved.append(self.rel(target))
            if path != entry:
                try:
                    path.unlink()
                except OSError as error:
                    raise BriefingError(f"无法移走旧报告 {path}：{error.strerror or error}") from None
        return moved

    def _hold(self, record: LogRecord, part: Part, conflict: _Conflict) -> LogRecord:
        """Keep the report aside, untouched entries, and tell the clerk which file to fix."""
        mine = f"{record.unit}{week_text(record.week)}"
        if conflict.unit and conflict.week:
            what = f"里是{conflict.unit}{week_text(conflict.week)}的报告，不是{mine}的"
        else:
            what = "读不出单位和周次（unit、week），无法确认是谁的报告"
        record = self._set_aside(record, part, "pending", HELD)
        record.errors = [f"{conflict.path} {what}。为免弄乱，这个文件没有移动也没有替换，"
                         f"本次收到的{mine}报告暂存在 {record.stored}，未入库。请先改正该文件（改成正确的文件名、"
                         f"移走或删除），" + (f"再重新导入这封邮件：briefing ingest {record.message}" if record.message
                                       else "再重新上传这份报告")]
        return record

    def _entries(self) -> dict[tuple[str, str], set[Path]]:
        """Which files under entries hold which unit's week (read once, kept up to date)."""
        if self._entry_index is None:
            index: dict[tuple[str, str], set[Path]] = {}
            if self.entries.is_dir():
                for current, dirs, files in os.walk(self.entries):
                    dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                    for name in files:
                        if name.lower().endswith(REPORT_SUFFIXES) and not name.startswith((".", "~$")):
                            path = Path(current) / name
                            try:
                                doc = parse_bytes(path.read_bytes(), str(path))
                            except OSError:
                                continue
                            unit, week = self._guess(doc.data)
                            if unit and week:
                                index.setdefault((unit, week), set()).add(path)
            self._entry_index = index
        return self._entry_index


def _same(old: LogRecord, new: LogRecord) -> bool:
    return (old.outcome, old.unit, old.week, old.errors) == (new.outcome, new.unit, new.week, new.errors)


# ---------------------------------------------------------------- passwords and the run


def password_for(settings: Any, ask: Callable[[str], str] | None) -> str:
    """The password of ``mail.imap``/``mail.smtp``: its environment variable, else ``ask``."""
    value = os.environ.get(settings.password_env)
    if value:
        return value
    if ask is None:
        raise BriefingError(f"没有提供 {settings.host} 的密码。请设置环境变量 {settings.password_env}"
                            "（163、126、QQ 邮箱填“客户端授权码”），或在命令行窗口中运行以便输入密码", exit_code=2)
    return ask(f"{settings.user or settings.host} 的密码（授权码）")


def run(ws: Workspace, sources: Sequence[str | os.PathLike] = (), *, imap_password: str | None = None,
        reply: bool = False, smtp_password: str | None = None, progress: Progress = no_progress,
        use_imap: bool = False, vouched: Sequence[str | os.PathLike] = ()) -> IngestResult:
    """Ingest ``sources`` (files, mbox, Maildir), the messages the clerk vouches for
    (``vouched``: single message files) and, with ``use_imap``, the IMAP mailbox of
    ``mail.imap``; with ``reply``, send receipts over ``mail.smtp``."""
    mail = ws.config.mail
    if use_imap and mail.imap is None:
        raise BriefingError("briefing.yaml 中没有 mail.imap 设置，无法收取邮箱。写法见 docs/邮件报送.md", exit_code=2)
    if reply and mail.smtp is None:
        raise BriefingError("briefing.yaml 中没有 mail.smtp 设置，无法发送回执。写法见 docs/邮件报送.md", exit_code=2)
    trusted = open_vouched(vouched)
    with Ingest(ws) as engine, ExitStack() as stack:
        incoming = open_sources(sources, stack) + trusted
        if incoming:
            with progress(len(incoming), "导入邮件") as advance:
                for item in incoming:
                    engine.take(item)
                    advance()
        if use_imap:
            from briefing.imap import ingest_imap

            ingest_imap(engine, mail.imap, imap_password or "", progress=progress)
        if reply:
            from briefing.receipts import send_receipts

            send_receipts(engine, mail.smtp, smtp_password)
        return engine.result


# ---------------------------------------------------------------- the summary for the clerk


def _explain(record: LogRecord) -> str:
    if record.outcome in (ACCEPTED, REPLACED):
        text = f"共{record.records}条记录 → {record.stored}"
        return text + (f"（旧版本存入 {record.previous}）" if record.previous else "")
    if record.outcome == SUPERSEDED:
        return f"共{record.records}条记录；" + (record.notes[-1] if record.notes else "") + f" → {record.stored}"
    if record.outcome in (REJECTED, QUARANTINED, HELD, INTERRUPTED):
        extra = f"（共{len(record.errors)}处，见下）" if len(record.errors) > 1 else ""
        hint = [note for note in record.notes if "可用 briefing ingest --vouch" in note]
        return (record.errors[0] if record.errors else "") + extra + "".join(f"（{note}）" for note in hint)
    return "；".join(record.notes)


def summary(result: IngestResult) -> str:
    """The table and totals printed at the end of ``briefing ingest``, in Chinese."""
    rows = [("序号", "发件人", "附件", "单位", "周次", "结果", "说明")]
    details: list[str] = []
    number = 0
    for handled in result.handled:
        if handled.skipped:
            continue
        number += 1
        if handled.error:
            rows.append((str(number), "", "", "", "", "未读取", f"{handled.origin}：{handled.error}"))
        for record in handled.records:
            rows.append((str(number), record.sender or "（未知）", record.attachment or "", record.unit or "",
                         record.week or "", record.label, _explain(record)))
            if record.outcome in (REJECTED, QUARANTINED) and len(record.errors) > 1:
                details.append(f"[{number}] {record.attachment or '邮件'}（{record.sender or '未知发件人'}）：")
                details.extend(f"    {line}" for line in record.errors)
    lines = []
    if len(rows) > 1:
        widths = [max(width(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
        for row in rows:
            lines.append("  ".join(pad(cell, widths[i]) for i, cell in enumerate(row[:-1])) + "  " + row[-1])
    skipped = sum(1 for h in result.handled if h.skipped)
    total = len(result.handled)
    head = f"共读取 {total} 封邮件" if total else "没有新邮件"
    if skipped and skipped == total:
        head += "，都已导入过，本次没有变化"
    elif skipped:
        head += f"，其中 {skipped} 封已导入过（或与导入过的完全相同），本次跳过"
    counts = [f"{OUTCOME_LABELS[o]} {result.count(o)} 份"
              for o in (ACCEPTED, REPLACED, SUPERSEDED, REJECTED, QUARANTINED, HELD, DUPLICATE) if result.count(o)]
    for outcome in (EMPTY, INTERRUPTED):
        if result.count(outcome):
            counts.append(f"{OUTCOME_LABELS[outcome]} {result.count(outcome)} 封")
    lines.append(head + "。" + ("结果：" + "，".join(counts) + "。" if counts else ""))
    if details:
        lines.append("")
        lines.append("错误明细（请按行号修改后重新发送）：")
        lines.extend(details)
    for receipt in result.receipts:
        if receipt.outcome == FAILED:
            lines.append(f"回执未能发给 {receipt.to}：{'；'.join(receipt.errors)}")
    sent = sum(1 for r in result.receipts if r.outcome == SENT)
    if sent:
        lines.append(f"已发送回执 {sent} 封。")
    if total - skipped:
        lines.append("邮件原件保存在 archive/mail/，导入记录保存在 .briefing/ingest.jsonl。")
    return "\n".join(lines)
