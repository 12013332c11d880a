"""``briefing ingest --undo``: revert the last ingest run exactly.

A run is the set of log lines carrying its id (``run``).  Those lines record every file the
run created (with its SHA-256) and every file it moved from ``entries`` into the history.
Undoing deletes what the run created (reports in ``entries``, archived messages, quarantined,
rejected, pending and history copies), puts the moved files back where they were, removes
folders that became empty, and appends an ``undo`` line that makes every reader of the log
ignore the run (:func:`briefing.mail.log.read_log`).  Apart from the log, the workspace is
then as it was before the run.

Nothing is touched when anything changed since the run (a stored report edited or replaced, an
archived file gone, a file in the way of one to put back): the message names each.  The log is
not trusted: every path in it must lie inside the workspace, and every file it names is read as
the tool's own record (:func:`~briefing.workspace.files.read_record`: a regular file, never
through a link, never waiting on a pipe, bounded), so a planted line can neither hang undo nor
copy a file from elsewhere into the workspace.  Messages on
an IMAP server that the run flagged or moved stay so (this works on the workspace only).
Receipts already sent cannot be called back.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from briefing.errors import BriefingError
from briefing.mail.log import UNDO, LogRecord, append_log, read_log
from briefing.mail.message import MESSAGE_LIMIT
from briefing.workspace.files import Damaged, confine, read_record, write_bytes
from briefing.workspace.layout import Workspace
from briefing.workspace.lock import Lock

LOCK_NAME = "ingest.lock"
BUSY = "另一个 briefing ingest 正在导入这个工作目录（{path}）。请等它结束后再撤销"


@dataclass
class Undone:
    """What ``ingest --undo`` did."""

    run: str
    messages: int
    deleted: list[str] = field(default_factory=list)
    restored: list[str] = field(default_factory=list)
    imap: bool = False
    """The run read messages from an IMAP mailbox (they stay flagged or moved on the server)."""


def _read(path: Path) -> tuple[bytes | None, str | None]:
    """The bytes of a file the log names (``None`` when gone), or why it is not a file undo may
    use (a link, a pipe, a device, a folder, too large)."""
    try:
        return read_record(path, MESSAGE_LIMIT), None  # an archived message is the largest file a run writes
    except Damaged as problem:
        return None, str(problem)


def _own(ws: Workspace, root: Path, path: str) -> None:
    """Stop unless ``path`` (from the log) names a place inside the workspace: a planted log must
    not make undo delete or write anything elsewhere."""
    relative = Path(path)
    if relative.is_absolute() or ".." in relative.parts or not relative.parts:
        raise BriefingError(f"导入记录里的路径“{path}”不在工作目录里，记录可能被改动过；没有撤销任何东西。"
                            "请检查 .briefing 里的导入记录")
    confine((root / relative).parent, ws.inside)


def undo_last(ws: Workspace) -> Undone:
    """Revert the last ingest run not undone yet; see the module docstring."""
    state = Path(ws.state)
    root = ws.root.resolve()
    with Lock(state / LOCK_NAME, wait=0, stale=600, busy=BUSY):
        records = read_log(state, reading=True)
        runs = [record.run for record in records if record.run]
        if not runs:
            raise BriefingError("导入记录里没有可以撤销的导入（更早版本的导入没有记录批次，无法自动撤销）")
        run = runs[-1]
        mine = [record for record in records if record.run == run]
        created = {path: sha for record in mine for path, sha in record.created}
        moves = [(to, back) for record in mine for to, back in record.moves]
        for path in [*created, *(name for pair in moves for name in pair)]:
            _own(ws, root, path)
        problems: list[str] = []
        kept: dict[str, bytes] = {}
        for path, sha in created.items():
            data, damage = _read(root / path)
            if damage:
                problems.append(f"{path}（{damage}）")
            elif data is None:
                problems.append(f"{path}（已不存在）")
            elif hashlib.sha256(data).hexdigest() != sha:
                problems.append(f"{path}（导入后被修改过）")
        for to, back in moves:
            data, damage = _read(root / to)
            if damage:
                problems.append(f"{to}（{damage}）")
            elif data is None:
                problems.append(f"{to}（原来的版本已不在历史存档里）")
            elif (root / back).exists() and back not in created:
                problems.append(f"{back}（现在有另一个文件，无法把原来的版本放回）")
            else:
                kept[to] = data
        if problems:
            raise BriefingError("上次导入之后这些文件有了变动，为免丢失，没有撤销任何东西：" + "；".join(problems) +
                                "。请先把它们恢复原样（或手工处理）")
        result = Undone(run, len({record.sha256 for record in mine}),
                        imap=any(record.source.startswith("imap://") for record in mine))
        for record in reversed(mine):  # newest first: a version replaced twice in one run ends as it began
            sources = {to for to, _ in record.moves}
            for path, _ in reversed(record.created):
                if path not in sources:
                    (root / path).unlink(missing_ok=True)
                    result.deleted.append(path)
            mine_created = {path for path, _ in record.created}
            for to, back in reversed(record.moves):
                if to in mine_created:
                    os.replace(root / to, root / back)
                    result.deleted.append(to)
                else:
                    write_bytes(root / back, kept[to], ws.inside)
                result.restored.append(back)
        restored = set(result.restored)
        result.deleted = [path for path in dict.fromkeys(result.deleted) if path not in restored]
        result.restored = list(dict.fromkeys(back for back in result.restored if (root / back).exists()))
        _prune(root, [root / path for path in result.deleted],
                   keep={root, Path(ws.entries).resolve(), state.resolve(), Path(ws.output).resolve()})
        append_log(state, [LogRecord(kind=UNDO, outcome="undone", time=dt.datetime.now().astimezone().isoformat(),
                                     seq=0, sha256="", message="", run=run)])
    return result


def _prune(root: Path, removed: list[Path], keep: set[Path]) -> None:
    """Remove folders that became empty, up to (not including) the workspace root."""
    for path in removed:
        folder = path.parent
        while folder != root and folder not in keep and root in folder.parents:
            try:
                folder.rmdir()
            except OSError:
                break
            folder = folder.parent

