"""The mail engine: each message read becomes the units' reports in the workspace, with the
message kept, every outcome logged, nothing lost, duplicated or filed under the wrong unit.

It takes one :class:`~briefing.mail.sources.Incoming` message at a time (from any source),
parses it (:mod:`briefing.mail.message`), judges each report attachment (valid? a sender
allowed for its unit? a newer version?), keeps files where :mod:`briefing.mail.archive` says
and logs every outcome (:mod:`briefing.mail.log`).  ``.briefing/ingest.lock`` is held while it
runs.  Where messages come from, receipts and the run as a whole are not its business (see
:mod:`briefing.actions.ingest`).

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

Before a message is parsed for the first time a ``reading``/``started`` line is logged,
``reading``/``read`` once it is parsed, and ``reading``/``done`` once every outcome of it is
logged.  A message whose ``started`` has no ``read`` killed or stalled an earlier run while
being parsed: it is logged as ``interrupted`` and never parsed again, so the next run (by IMAP
too) gets past it.  One whose ``read`` has no ``done`` was stopped while its reports were
checked or stored (a power cut, or a report that takes too long to check): the next run takes
it up again, once, logging ``read`` again; stopped a second time, it is ``interrupted``.
Parts already logged are not judged again, so nothing is stored or logged twice.  (Bounds on
the message and its reports should make a stall never happen.)

A file in ``entries`` is moved or replaced only after its own ``unit`` and ``week`` were read
and found to be the incoming report's: a file saved by hand under another unit's name holds
the incoming report back (``held``) with an error naming the file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from dataclasses import dataclass, field
from email.utils import parseaddr
from pathlib import Path
from typing import Callable, Sequence

from briefing.errors import BriefingError, Problem, os_reason
from briefing.figures.figures import contribution, records
from briefing.mail.archive import Archive, Conflict
from briefing.mail.log import (ACCEPTED, DONE, TAKEN_OVER, DUPLICATE, EMPTY, FINAL, HELD, INTERRUPTED, QUARANTINED, READ, READING,
                               REJECTED, REPLACED, STARTED, SUPERSEDED, TAKEN, UPLOAD, LogRecord, append_log, iso_time,
                               parse_time, read_log, week_text)
from briefing.mail.message import Letter, Part, read_letter
from briefing.mail.sources import Incoming
from briefing.report.load import parse_bytes
from briefing.report.model import Report
from briefing.report.validate import validate_document
from briefing.workspace.layout import Workspace
from briefing.workspace.lock import Lock

LOCK_NAME = "ingest.lock"
BUSY = "另一个 briefing ingest 正在导入这个工作目录（{path}）。请等它结束后再运行；如果确定没有在运行，删除这个文件后重试"


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


def _now() -> dt.datetime:
    return dt.datetime.now().astimezone()


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _problem_line(problem: Problem) -> str:
    severity = "" if problem.is_error else f"（{problem.severity}）"
    return f"第{problem.line}行第{problem.col}列{severity}：{problem.message}"


@dataclass
class _Version:
    order: tuple
    when: dt.datetime


# ---------------------------------------------------------------- the engine


class Ingest:
    """Ingest messages into one workspace; use as a context manager (holds the run lock)."""

    def __init__(self, ws: Workspace, now: Callable[[], dt.datetime] = _now):
        self.ws, self.config, self.now = ws, ws.config, now
        self.archive = Archive(ws)
        self.root = self.archive.root
        self.state = Path(ws.state).resolve()
        self.limit = self.config.mail.attachment_limit
        self.senders: dict[str, set[str]] = {  # "张三 <a@b.cn>" in the config counts as a@b.cn
            unit: {parseaddr(address)[1].strip().lower() for address in addresses}
            for unit, addresses in self.config.senders.items()}
        self.result = IngestResult()
        self.run = f"{now().strftime('%Y%m%d-%H%M%S')}-{os.urandom(4).hex()}"
        """This run's id in the log (see :mod:`briefing.mail.undo`)."""
        if not any(self.senders.values()):
            self.result.warnings.append(
                "briefing.yaml 中没有配置 senders（各单位允许报送的邮箱），本次不检查发件人：任何人发来的报告都会入库")
        self._lock = Lock(self.state / LOCK_NAME, wait=0, stale=600, busy=BUSY)
        self._load_log()

    def __enter__(self) -> "Ingest":
        self._lock.__enter__()
        self._load_log()  # again, now that no other ingest can be writing it
        if self._lock.taken_over:  # an earlier run was killed: say so, in the log and to the clerk
            note = f"上一次导入没有正常结束，已接管它留下的锁文件 {self._lock.path.name}：{self._lock.taken_over}"
            self._append([LogRecord(kind=READING, outcome=TAKEN_OVER, time=self.now().isoformat(), seq=0,
                                    sha256="", message="", notes=[note])])
            self.result.warnings.append(note)
        return self

    def __exit__(self, *exc: object) -> None:
        self._lock.__exit__(*exc)

    # ---------------------------------------------------------- state from the log

    def _load_log(self) -> None:
        self.by_sha: dict[str, list[LogRecord]] = {}
        self.reading: dict[str, LogRecord] = {}  # sha → its last reading line
        self.unfinished: dict[str, int] = {}  # sha → times its judging began (read) and never ended (done)
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
            if record.outcome in (READ, DONE):
                self.unfinished[record.sha256] = self.unfinished.get(record.sha256, 0) + 1 if record.outcome == READ else 0
            return
        self.by_sha.setdefault(record.sha256, []).append(record)
        if record.message_id and record.outcome in FINAL:
            self.message_ids.setdefault((record.message_id, record.sender), record)
        if record.outcome in TAKEN and record.report_sha256 and record.unit and record.week:
            versions = self.versions.setdefault((record.unit, record.week), {})
            known = versions.get(record.report_sha256)
            if known is None or record.order > known.order:
                versions[record.report_sha256] = _Version(record.order, record.when)

    def _append(self, records: Sequence[LogRecord]) -> None:
        if records:
            for record in records:
                record.run = self.run
            created, moves = self.archive.take_changes()
            records[0].created, records[0].moves = records[0].created + created, records[0].moves + moves
            append_log(self.state, records)
            for record in records:
                self._index(record)

    def log_receipt(self, record: LogRecord) -> None:
        """Append a receipt record (see :mod:`briefing.mail.receipts`)."""
        self._append([record])
        self.result.receipts.append(record)

    # ---------------------------------------------------------- one message

    def take(self, incoming: Incoming) -> Handled:
        """Ingest one message: archive it, judge each report, store, log.  Never raises for bad
        content; raises :class:`BriefingError` only when the workspace cannot be written."""
        self._lock.touch()
        handled = Handled(origin=incoming.origin)
        self.result.handled.append(handled)
        try:
            raw = incoming.load()
        except BriefingError:  # the source itself failed (a connection lost): stop the run
            raise
        except Exception as error:  # an unreadable file, a mailbox changed under us
            handled.error = f"无法读取：{os_reason(error)}"
            return handled
        sha = _sha(raw)
        prior = self.by_sha.get(sha, [])
        stopped = self.unfinished.get(sha, 0) and not any(r.outcome == INTERRUPTED for r in prior)
        if prior and all(r.outcome in FINAL for r in prior) and not stopped:  # done (stopped: parts left)
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
        stalled = self.unfinished.get(sha, 0)
        if stalled >= 2:  # its reports were being checked when two runs in a row were stopped
            handled.records = [self._interrupted(raw, base, judging=True)]
            return handled
        traced = first is None or stalled == 1  # a first reading, or the one retry
        if first is None:  # a trace before the parser runs, in case it never returns
            self._append([LogRecord(kind=READING, outcome=STARTED, **base)])
        letter = read_letter(raw, self.limit)
        handled.letter = letter
        if traced:
            self._append([LogRecord(kind=READING, outcome=READ, **base)])
        message = base["message"] or self.archive.rel(self.archive.mail_path(sha, letter.date or parse_time(arrived) or self.now()))
        self.archive.keep(self.root / message, raw)
        base.update(time=self.now().isoformat(), message=message, message_id=letter.message_id,
                    date=iso_time(letter.date), sender=letter.sender, subject=letter.subject)
        handled.records = self._judge_message(letter, base, prior, incoming.vouched)
        if traced:
            self._append([LogRecord(kind=READING, outcome=DONE, **{**base, "time": self.now().isoformat()})])
        handled.skipped = bool(prior) and not handled.records  # looked at again: nothing changed
        return handled

    def _interrupted(self, raw: bytes, base: dict, judging: bool = False) -> LogRecord:
        """The record of a message that an earlier run started to parse and never finished (or,
        ``judging``, whose reports two runs started to check and never finished)."""
        message = self.archive.rel(self.archive.mail_path(base["sha256"], parse_time(base["arrived"]) or self.now()))
        self.archive.keep(self.root / message, raw)
        what = ("前两次导入检查这封邮件里的报告时程序都中断了（可能是报告内容异常，检查时卡住）" if judging else
                "上次导入读取这封邮件时程序中断了（可能是这封邮件格式异常，读取时卡住）")
        record = LogRecord(kind="message", outcome=INTERRUPTED, errors=[
            f"{what}。为免再次卡住，这封邮件不再读取，"
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
            record.unit, record.week = (report.unit, report.week.iso) if report else self.archive.holds(doc.data)
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

    def _set_aside(self, record: LogRecord, part: Part, folder: str, outcome: str) -> LogRecord:
        record.outcome = outcome
        if part.data is not None:
            path = self.archive.aside_path(folder, record.sha256, part.index)
            record.stored = self.archive.rel(self.archive.keep(path, part.data))
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
            record.unit, record.week = self.archive.holds(doc.data)
            record.errors = [_problem_line(p) for p in doc.problems if p.is_error] or ["报告无法读取"]
            return record, doc.problems
        self.seq += 1
        record.unit, record.week = report.unit, report.week.iso
        record = self._store(report, Part(1, name, data), record)
        self._append([record])
        return record, doc.problems

    # ---------------------------------------------------------- storing a valid report

    def _store(self, report: Report, part: Part, record: LogRecord) -> LogRecord:
        unit, week, data = report.unit, report.week.iso, part.data
        record.records = records(contribution(report))
        record.report_sha256 = digest = _sha(data)
        entry = self.archive.entry_path(unit, week)
        versions = self.versions.get((unit, week), {})
        current = max(versions.items(), key=lambda item: item[1].order) if versions else None
        order = record.order
        if digest in versions:
            latest = max(order, versions[digest].order)
            if current is not None and (current[0] == digest or latest < current[1].order):
                record.outcome, record.stored = DUPLICATE, self.archive.rel(entry)
                same = "已入库的版本" if current[0] == digest else "此前报送的一个旧版本"
                record.notes.append(f"内容与{same}完全相同，未改动")
                return record
        elif current is not None and order < current[1].order:
            record.outcome = SUPERSEDED
            newer = current[1].when.strftime("%Y-%m-%d %H:%M")
            record.stored = self.archive.rel(self.archive.keep(self.archive.history_path(unit, week, digest, record.when), data))
            record.notes.append(f"已有一份发送时间更晚（{newer}）的版本在用，本份作为旧版本存档，未替换")
            return record
        try:
            moved = self.archive.make_room(unit, week, digest, lambda old: versions[old].when if old in versions else None)
        except Conflict as conflict:
            return self._hold(record, part, conflict)
        if not moved and current is not None:  # a run that stopped after writing, before logging
            earlier = self.archive.history_path(unit, week, current[0], current[1].when)
            moved = [self.archive.rel(earlier)] if earlier.exists() else []
        record.stored = self.archive.rel(self.archive.store(unit, week, data))
        record.outcome = REPLACED if (current is not None or moved) else ACCEPTED
        if moved:
            record.previous = moved[0]
            if len(moved) > 1:
                record.notes.append("另有旧文件移入历史版本：" + "、".join(moved[1:]))
        return record

    def _hold(self, record: LogRecord, part: Part, conflict: Conflict) -> LogRecord:
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


def _same(old: LogRecord, new: LogRecord) -> bool:
    return (old.outcome, old.unit, old.week, old.errors) == (new.outcome, new.unit, new.week, new.errors)
