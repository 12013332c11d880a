"""The record of published issues (``.briefing/publications.json``): which week went out as
which 期号, when, and exactly what it was made of.

Only ``briefing publish`` takes a number; a draft (``briefing build``) never does.  Numbers are
assigned in the order of publication (the year's highest number used so far, plus one) and
never reused: the record is what counts, not the files in ``output/`` (deleting a file or a
draft changes nothing).  Numbers that the old per-build numbering wrote to ``issues.json``
count as used, so a bureau that printed 第1–5期 continues with 第6期.

Each entry keeps the SHA-256 of every input report and of every published file, and where the
published copy (``output/已印发/…``, read-only), its Markdown and its figures (JSON, for
``briefing diff``) are.  The record is changed in one read-modify-write under
``publications.lock`` and written atomically.  A damaged record (or a damaged
``issues.json``) stops publication with a message naming the file: numbering never silently
starts again at 第1期.  Every entry is checked whole when read (a date that is no date, a path
that is not text or leads out of the workspace is damage), so that no reader (``diff``,
``build``, ``numbers``) can end in an internal error or be sent to a file elsewhere.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path, PurePosixPath, PureWindowsPath

from briefing.errors import BriefingError
from briefing.weeks import Week
from briefing.workspace.files import Damaged, read_record, write_text

REGISTER = "publications.json"
LEGACY = "issues.json"
LOCK = "publications.lock"
PUBLISHED_FOLDER = "已印发"


@dataclass
class Publication:
    """One published issue (a correction is a further entry with the same number)."""

    week: str
    issue: int
    date: str
    """印发日期 (ISO)."""
    published: str
    """When it was published (ISO time with offset)."""
    folder: str
    """The read-only copy, relative to the workspace root (``output/已印发/2023-第1期-2023-W17``)."""
    correction: int = 0
    """0 for the issue, 1 for its first correction, …"""
    reports: dict[str, str] = field(default_factory=dict)
    """Every input report (path relative to the workspace root) → SHA-256."""
    files: dict[str, str] = field(default_factory=dict)
    """Every published file (relative to the workspace root) → SHA-256."""
    markdown: str = ""
    """The published Markdown, kept for ``briefing diff`` (relative to the workspace root)."""
    figures: str = ""
    """The published figures as JSON, kept for ``briefing diff``."""

    @property
    def year(self) -> int:
        return Week.parse(self.week).year


_FIELDS = {f.name: f.type for f in fields(Publication)}


def _damaged(path: Path, why: str) -> BriefingError:
    return BriefingError(
        f"期号记录 {path} 已损坏（{why}），无法确定期号，没有印发。为免期号重复，程序不会从第1期重新编号。"
        "请从备份恢复这个文件，或请技术支持修复后重试")


_MISSING = object()


def _load(path: Path) -> object:
    """The JSON of a numbering record, :data:`_MISSING` when there is none (``null`` is not
    "none": it is a damaged record); :class:`BriefingError` naming the file when damaged."""
    try:
        raw = read_record(path)
    except Damaged as problem:
        raise _damaged(path, str(problem)) from None
    if raw is None:
        return _MISSING
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise _damaged(path, "不是有效的 JSON") from None


def read_register(state: Path) -> list[Publication]:
    """Every published issue, oldest first; :class:`BriefingError` naming the file when damaged."""
    path = state / REGISTER
    data = _load(path)
    if data is _MISSING:
        return []
    if not isinstance(data, dict) or not isinstance(data.get("issues"), list):
        raise _damaged(path, "内容应为已印发各期的列表")
    result = []
    for item in data["issues"]:
        try:
            entry = Publication(**{k: v for k, v in item.items() if k in _FIELDS})
            week = Week.parse(entry.week)
            valid = (week.iso == entry.week and type(entry.issue) is int and entry.issue >= 1
                     and type(entry.correction) is int and _sound(entry))
        except (TypeError, ValueError, AttributeError):
            valid = False
        if not valid:
            raise _damaged(path, f"其中一项不完整：{json.dumps(item, ensure_ascii=False)[:80]}")
        result.append(entry)
    return result


def _sound(entry: Publication) -> bool:
    """Whether the entry's date, time, paths and digests are what :func:`~briefing.actions.publish.publish`
    writes: text, an ISO date, and the records ``diff`` reads (``markdown``, ``figures``: in
    ``.briefing``, or empty) inside the workspace.  ``folder`` and the reports may lie outside it
    (``--output``, ``--entries``); they are shown and compared, never opened from the record."""
    texts = (entry.date, entry.published, entry.folder, entry.markdown, entry.figures)
    if not all(isinstance(text, str) for text in texts):
        return False
    dt.date.fromisoformat(entry.date)  # ValueError: damaged
    if not all(isinstance(table, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in table.items())
               for table in (entry.reports, entry.files)):
        return False
    return all(_within(path) for path in (entry.markdown, entry.figures) if path)


def _within(path: str) -> bool:
    """A path relative to the workspace root that stays inside it (on any system)."""
    posix = PurePosixPath(path.replace("\\", "/"))
    return (bool(path) and "\0" not in path and not posix.is_absolute() and ".." not in posix.parts
            and not PureWindowsPath(path).drive)


def write_register(state: Path, issues: list[Publication]) -> None:
    """Replace the record (atomically); call under :data:`LOCK`."""
    write_text(state / REGISTER, json.dumps({"issues": [asdict(p) for p in issues]}, ensure_ascii=False, indent=1))


def legacy_numbers(state: Path) -> dict[int, dict[str, int]]:
    """Numbers the old per-build numbering recorded (``issues.json``): year → week → 期号."""
    path = state / LEGACY
    data = _load(path)
    if data is _MISSING:
        return {}
    if not isinstance(data, dict):
        raise _damaged(path, "内容应为按年份分组的期号")
    result: dict[int, dict[str, int]] = {}
    for year, numbers in data.items():
        if not isinstance(numbers, dict) or not str(year).isdigit():
            raise _damaged(path, f"“{year}”下应为各周的期号")
        for week, number in numbers.items():
            if type(number) is not int or number < 1:
                raise _damaged(path, f"{week} 的期号不是正整数")
            result.setdefault(int(year), {})[str(week)] = number
    return result


def used_numbers(state: Path, year: int, issues: list[Publication] | None = None) -> dict[int, str]:
    """The year's used numbers → what used them (a week, or the old numbering)."""
    used = {number: f"{week}（旧的期号记录 {LEGACY}）" for week, number in legacy_numbers(state).get(year, {}).items()}
    for entry in read_register(state) if issues is None else issues:
        if entry.year == year:
            used[entry.issue] = entry.week
    return used


def published(issues: list[Publication], week: Week) -> list[Publication]:
    """The publications of ``week``: the issue, then its corrections."""
    return [entry for entry in issues if entry.week == week.iso]
