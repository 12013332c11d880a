"""``briefing publish`` and ``briefing numbers``: a week's briefing goes out as the year's next
期号, and exactly what went out is kept.

Publishing refuses a week that has not ended, a week already published (unless ``--correct``:
the 期号 stays, （更正） is added, both versions are kept), a number already used, and, unless the
clerk confirms with ``--accept-warnings``, suspicious figures (:func:`briefing.actions.build.suspicious`).

Nothing is numbered until everything is ready: every edition is rendered in memory and written
to temporary files beside its place first; then, under the record's lock, the files are moved
into place (``output/`` and a read-only copy in ``output/已印发/``) and the record is written
(:mod:`briefing.workspace.publications`).  A failure on the way removes what was moved and
restores what it replaced, so it leaves no numbered file and consumes no number.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from briefing.actions.build import (DEFAULT_FORMATS, Note, _ignore, briefing_of, chosen_week, gather, output_name,
                                    render, suspicious)
from briefing.actions.diff import figure_values, input_reports, relative
from briefing.errors import BriefingError
from briefing.figures.briefing import Briefing
from briefing.weeks import Week, today
from briefing.workspace.files import discard, reason, stage
from briefing.workspace.loading import no_gc_pauses
from briefing.workspace.layout import Workspace
from briefing.workspace.lock import Lock
from briefing.workspace.publications import (LOCK, PUBLISHED_FOLDER, Publication, published, read_register,
                                             used_numbers, write_register)

RECORDS = "published"
"""Folder in ``.briefing`` with each publication's Markdown and figures (for ``briefing diff``)."""


@dataclass
class Issued:
    """What ``briefing publish`` did."""

    publication: Publication
    files: list[Path]
    """The editions in ``output/`` (the read-only copies are in ``publication.folder``)."""
    accepted: list[str]
    """Suspicious figures the clerk confirmed with ``--accept-warnings``."""


def publish(ws: Workspace, week: str | Week | None = None, formats: Sequence[str] | None = None,
            date: dt.date | None = None, issue: int | None = None, correct: bool = False,
            accept_warnings: bool = False, use_cache: bool = True, note: Note = _ignore,
            headline: str | None = None, editor_note: str | None = None) -> Issued:
    """Publish the briefing of ``week`` (default: the reporting week); see the module docstring."""
    week = chosen_week(ws, week)
    now = today()
    not_ended = _not_ended(week, now)
    if not_ended:
        raise BriefingError(not_ended)
    _check_request(read_register(ws.state), ws, week, issue, correct)  # early, before the slow part
    with no_gc_pauses():
        gathered = gather(ws, week, use_cache, note)
        with Lock(ws.state / LOCK):
            issues = read_register(ws.state)
            number, correction = _check_request(issues, ws, week, issue, correct)
            b = briefing_of(ws, gathered, number, date or now, note, correction, headline, editor_note)
            doubts = suspicious(gathered, b)
            if doubts and not accept_warnings:
                raise BriefingError(
                    "以下数字可疑，没有印发：\n" + "\n".join(f"  {line}" for line in doubts) +
                    "\n请先改正报告后重新印发；核对无误的，加 --accept-warnings 确认后印发", exit_code=1)
            editions = render(b, ws, formats or DEFAULT_FORMATS, note)
            markdown = dict(editions).get("md") or dict(render(b, ws, ["md"], note))["md"]
            entry, placed = _place(ws, b, editions, markdown, gathered, issues)
    return Issued(entry, placed, doubts)


def _not_ended(week: Week, now: dt.date) -> str | None:
    """Why ``week`` cannot be published on ``now`` (it has not ended), or ``None``."""
    if now <= week.last_day:
        return (f"{week.label}还没有结束（到{week.last_day.month}月{week.last_day.day}日），不能印发。"
                "可以先用 briefing build 生成征求意见稿")
    return None


@dataclass
class Prospect:
    """What ``briefing publish`` would do for a week now, without doing it (for a page that
    offers to publish): the 期号 it would get, or has, and the week's publications so far."""

    week: Week
    issue: int
    """The 期号 publishing now would give (for a published week: its own, kept by a correction)."""
    earlier: list[Publication]
    """The week's publications so far: the issue, then its corrections (empty: not published)."""
    refusal: str | None
    """Why the week cannot be published yet (it has not ended), or ``None``."""

    @property
    def published(self) -> bool:
        return bool(self.earlier)


def prospect(ws: Workspace, week: str | Week | None = None) -> Prospect:
    """What publishing ``week`` (default: the reporting week) now would do; a damaged record
    raises :class:`BriefingError` as :func:`publish` would."""
    week = chosen_week(ws, week)
    issues = read_register(ws.state)
    earlier = published(issues, week)
    number, _ = _check_request(issues, ws, week, None, bool(earlier))
    return Prospect(week, number, earlier, _not_ended(week, today()))


def _check_request(issues: list[Publication], ws: Workspace, week: Week, issue: int | None,
                   correct: bool) -> tuple[int, int]:
    """The number and correction count this publication gets, or why it may not be made."""
    earlier = published(issues, week)
    if earlier and not correct:
        first = earlier[0]
        raise BriefingError(f"{week.label}已经印发为第{first.issue}期（{first.date}）。如需更正，请加 --correct"
                            "（期号不变，标题加“（更正）”，原版和更正版都保留）；只想看改动，请用 briefing diff")
    if correct:
        if not earlier:
            raise BriefingError(f"{week.label}还没有印发过，--correct 只用于更正已印发的简报。请去掉 --correct", exit_code=2)
        if issue is not None and issue != earlier[0].issue:
            raise BriefingError(f"更正版沿用原期号第{earlier[0].issue}期，不能改为第{issue}期", exit_code=2)
        return earlier[0].issue, max(p.correction for p in earlier) + 1
    used = used_numbers(ws.state, week.year, issues)
    if issue is not None:
        if issue in used:
            raise BriefingError(f"{week.year}年第{issue}期已经用于 {used[issue]}，期号不能重复。"
                                f"不指定 --issue 时自动用下一个期号（第{max(used) + 1}期）", exit_code=2)
        return issue, 0
    return max(used, default=0) + 1, 0


def _folder_name(b: Briefing) -> str:
    name = f"{b.year}-第{b.issue}期-{b.week}"
    return f"{name}-更正{b.correction}" if b.correction else name


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _place(ws: Workspace, b: Briefing, editions: list[tuple[str, bytes]], markdown: bytes, gathered,
           issues: list[Publication]) -> tuple[Publication, list[Path]]:
    """Write every file to a temporary name, move them all into place, then record; undo the
    moves if anything fails.  Called under the record's lock."""
    folder = ws.output / PUBLISHED_FOLDER / _folder_name(b)
    records = ws.state / RECORDS / _folder_name(b)
    figures = json.dumps(figure_values(b), ensure_ascii=False, indent=1).encode("utf-8")
    targets: list[tuple[Path, bytes, bool]] = []  # (path, data, read-only)
    for ext, data in editions:
        targets.append((ws.output / output_name(b, ext), data, False))
        targets.append((folder / output_name(b, ext), data, True))
    targets += [(records / "briefing.md", markdown, True), (records / "figures.json", figures, True)]
    fresh = sorted({d for path, _, _ in targets for d in (path.parent, path.parent.parent) if not d.exists()},
                   key=lambda d: len(d.parts), reverse=True)  # folders this publication makes: gone if it fails
    staged: list[tuple[Path, str, bool]] = []
    moved: list[tuple[Path, bytes | None]] = []  # placed files and what they replaced
    try:
        for path, data, read_only in targets:
            if path.is_dir():
                raise BriefingError(f"无法写入 {path}：已有一个同名的文件夹。请把它改名或移走后重新印发")
            if read_only and path.exists():
                raise BriefingError(f"{path} 已经存在（已印发的文件不覆盖）。请检查期号记录后重试")
            staged.append((path, stage(path, data, ws.inside), read_only))
        for path, tmp, read_only in staged:
            before = path.read_bytes() if path.is_file() else None
            try:
                os.replace(tmp, path)
            except OSError as error:
                raise BriefingError(f"无法写入 {path}：{reason(error)}") from None
            moved.append((path, before))
            if read_only:
                os.chmod(path, stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
        entry = Publication(
            week=b.week.iso, issue=b.issue, date=b.date.isoformat(),
            published=dt.datetime.now().astimezone().isoformat(timespec="seconds"),
            folder=relative(ws, folder), correction=b.correction, reports=input_reports(ws, gathered),
            files={relative(ws, path): _sha(data) for path, data, _ in targets if path.parent == folder},
            markdown=relative(ws, records / "briefing.md"), figures=relative(ws, records / "figures.json"))
        write_register(ws.state, [*issues, entry])
    except BaseException:
        for _, tmp, _ in staged:
            discard(tmp)
        for path, before in reversed(moved):
            _restore(path, before)
        for made in fresh:
            try:
                made.rmdir()
            except OSError:
                pass
        raise
    return entry, [path for path, _, read_only in targets if not read_only]


def _restore(path: Path, before: bytes | None) -> None:
    try:
        if before is None:
            os.chmod(path, stat.S_IWUSR | stat.S_IRUSR)
            path.unlink()
        else:
            path.write_bytes(before)
    except OSError:
        pass


@dataclass
class NumberLine:
    """One line of ``briefing numbers``."""

    issue: int
    week: str
    date: str
    what: str


def numbers(ws: Workspace, year: int | None = None) -> tuple[int, list[NumberLine]]:
    """The year's issues in number order (default: the reporting week's year)."""
    year = year or chosen_week(ws, None).year
    lines = []
    for entry in read_register(ws.state):
        if entry.year == year:
            what = f"更正（第{entry.correction}次）" if entry.correction else "印发"
            lines.append(NumberLine(entry.issue, entry.week, entry.date, f"{what}，文件在 {entry.folder}"))
    for number, week in used_numbers(ws.state, year, []).items():
        lines.append(NumberLine(number, week.split("（")[0], "—", "旧版本 briefing build 生成时编的期号，视为已用"))
    return year, sorted(lines, key=lambda line: (line.issue, line.date))
