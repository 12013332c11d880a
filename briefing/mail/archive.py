"""Where the mail engine keeps files, all inside the workspace root (the folder of ``briefing.yaml``)::

    entries/<week>/<unit>.yaml                  the current report of a unit and week
    archive/mail/<YYYY-MM>/<sha16>.eml          every message read, raw, named by its hash
    archive/history/<week>/<unit>-<time>-<sha8>.yaml
                                                replaced versions, and older versions that
                                                arrived after a newer one
    archive/quarantine/<sha16>-<part>.yaml      reports from senders not allowed for the unit
    archive/rejected/<sha16>-<part>.yaml        reports with errors
    archive/pending/<sha16>-<part>.yaml         reports held back because the file they would
                                                replace holds another unit's or week's report

Every name under ``archive/`` is derived from the content, so keeping a file twice is
harmless.  A file in ``entries`` is moved or replaced only after its own ``unit`` and ``week``
were read and found to be the incoming report's (:meth:`Archive.make_room`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import unicodedata
from pathlib import Path
from typing import Any, Callable

from briefing.errors import BriefingError, os_reason
from briefing.report.config import Config
from briefing.report.load import parse_bytes
from briefing.report.validate import unit_and_week
from briefing.workspace.files import write_bytes
from briefing.workspace.layout import Workspace, find_reports

ARCHIVE = "archive"

_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')
_RESERVED = frozenset("con prn aux nul com1 com2 com3 com4 com5 com6 com7 com8 com9 lpt1 lpt2 lpt3 "
                      "lpt4 lpt5 lpt6 lpt7 lpt8 lpt9".split())


def file_safe(name: str) -> str:
    """A unit name as a file name on any system (Windows' forbidden characters replaced)."""
    text = _UNSAFE.sub("_", unicodedata.normalize("NFC", name)).strip(" .") or "_"
    return f"_{text}" if text.lower() in _RESERVED else text


class Conflict(Exception):
    """A file in entries that may not be moved: it holds another unit's or week's report, or
    its unit and week cannot be read."""

    def __init__(self, path: str, unit: str | None, week: str | None):
        super().__init__(path)
        self.path, self.unit, self.week = path, unit, week


class Archive:
    """The files the mail engine reads and writes in one workspace."""

    def __init__(self, ws: Workspace):
        self.config: Config = ws.config
        self.root = ws.root.resolve()
        self.entries = Path(os.path.abspath(ws.entries))  # links in it are checked when written through
        self.folder = self.root / ARCHIVE
        self.inside = ws.inside
        self._index: dict[tuple[str, str], set[Path]] | None = None
        self.created: list[list[str]] = []
        """Files written since last taken (``[path, sha256]``), for the log (see :meth:`take_changes`)."""
        self.moves: list[list[str]] = []
        """Files moved into the history since last taken: ``[history copy, where it was]``."""

    def take_changes(self) -> tuple[list[list[str]], list[list[str]]]:
        """What was created and moved since the last call (and forget it)."""
        changes = (self.created, self.moves)
        self.created, self.moves = [], []
        return changes

    # ---------------------------------------------------------- names

    def rel(self, path: Path) -> str:
        """``path`` relative to the workspace root (``/`` separated), or absolute if outside."""
        try:
            return path.resolve().relative_to(self.root).as_posix()
        except ValueError:
            return str(path)

    def entry_path(self, unit: str, week: str) -> Path:
        return self.entries / week / f"{file_safe(unit)}.yaml"

    def history_path(self, unit: str, week: str, digest: str, when: dt.datetime | None) -> Path:
        stamp = when.strftime("%Y%m%d-%H%M%S") if when and when.year > 1970 else "无日期"  # sender's clock
        return self.folder / "history" / week / f"{file_safe(unit)}-{stamp}-{digest[:8]}.yaml"

    def mail_path(self, sha: str, when: dt.datetime) -> Path:
        return self.folder / "mail" / f"{when.year:04d}-{when.month:02d}" / f"{sha[:16]}.eml"

    def aside_path(self, folder: str, sha: str, part: int) -> Path:
        """Where a report set aside (``quarantine``, ``rejected``, ``pending``) is kept."""
        return self.folder / folder / f"{sha[:16]}-{part}.yaml"

    def keep(self, path: Path, data: bytes) -> Path:
        """Write ``data`` unless the file already holds it (every kept name is content-derived)."""
        if not path.exists():
            write_bytes(path, data, self.inside)
            self.created.append([self.rel(path), hashlib.sha256(data).hexdigest()])
        return path

    # ---------------------------------------------------------- what entries holds

    def holds(self, data: Any) -> tuple[str | None, str | None]:
        """Unit and week (as logged) a report's data claims, when they can be read."""
        unit, week = unit_and_week(data, self.config)
        return unit, (week.iso if week else None)

    def entries_of(self, unit: str, week: str) -> set[Path]:
        """The files under entries holding ``unit``'s ``week`` (read once, kept up to date)."""
        if self._index is None:
            index: dict[tuple[str, str], set[Path]] = {}
            found = find_reports([self.entries], self.root).files if self.entries.is_dir() else []
            for name in found:
                try:
                    doc = parse_bytes(Path(name).read_bytes(), name)
                except OSError:
                    continue
                unit_, week_ = self.holds(doc.data)
                if unit_ and week_:
                    index.setdefault((unit_, week_), set()).add(Path(name))
            self._index = index
        return self._index.get((unit, week), set())

    def store(self, unit: str, week: str, data: bytes) -> Path:
        """Write the current report of ``unit``'s ``week``."""
        entry = self.entry_path(unit, week)
        try:
            same = entry.read_bytes() == data
        except OSError:
            same = False
        write_bytes(entry, data, self.inside)
        if not same:
            self.created.append([self.rel(entry), hashlib.sha256(data).hexdigest()])
        self.entries_of(unit, week)
        self._index[(unit, week)] = {entry}
        return entry

    def make_room(self, unit: str, week: str, digest: str, known: Callable[[str], dt.datetime | None]) -> list[str]:
        """Move whatever holds ``unit``'s ``week`` now into the history; return where it went.

        Each file is read first, and its own unit and week must be this report's: raises
        :class:`Conflict`, before anything is moved, for one that holds something else.
        ``digest`` is the incoming report's SHA-256; ``known`` gives the time of a version the
        log knows, by its SHA-256 (else the file's own time is used).
        """
        entry = self.entry_path(unit, week)
        found = []
        for path in sorted(self.entries_of(unit, week) | ({entry} if entry.exists() else set())):
            try:
                old = path.read_bytes()
            except OSError:
                raise Conflict(self.rel(path), None, None) from None
            holds = self.holds(parse_bytes(old, str(path)).data)
            if holds != (unit, week):
                raise Conflict(self.rel(path), *holds)
            found.append((path, old))
        moved = []
        for path, old in found:
            old_digest = hashlib.sha256(old).hexdigest()
            if path == entry and old_digest == digest:
                continue
            when = known(old_digest) or dt.datetime.fromtimestamp(path.stat().st_mtime).astimezone()
            target = self.keep(self.history_path(unit, week, old_digest, when), old)
            moved.append(self.rel(target))
            if path != entry:
                self.moves.append([self.rel(target), self.rel(path)])
            else:  # the new report is written over it (see store): undo puts it back
                self.moves.append([self.rel(target), self.rel(entry)])
            if path != entry:
                try:
                    path.unlink()
                except OSError as error:
                    raise BriefingError(f"无法移走旧报告 {path}：{os_reason(error)}") from None
        return moved
