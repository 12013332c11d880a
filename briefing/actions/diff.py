"""``briefing diff``: what differs between a published issue and the briefing the reports give
now, in Chinese: the figures, the sentences, and which reports changed since (unit, file,
when received).

Publication stores what this needs (:mod:`briefing.actions.publish`): the published Markdown,
the figures as JSON (:func:`figure_values`) and the SHA-256 of every input report, so nothing
is re-read from a ``.docx``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from briefing.actions.build import Gathered, briefing_of, chosen_week, gather, render
from briefing.errors import BriefingError
from briefing.figures.briefing import Briefing
from briefing.figures.figures import Figures
from briefing.fmt import money, percent
from briefing.mail.log import ACCEPTED, REPLACED, read_log
from briefing.report.validate import guess_unit_week
from briefing.weeks import Week
from briefing.workspace.files import Damaged, confine, read_record
from briefing.workspace.layout import Workspace
from briefing.workspace.publications import Publication, published, read_register

FIGURE_LABELS = {
    "trips": "外出招商（次）", "negotiated": "对接洽谈项目（个）", "signings": "签约项目（个）",
    "investment": "签约总投资（亿元）", "key_signings": "重点签约项目（个）", "promotions": "推介会（场）",
    "ceremonies": "签约仪式（场）", "visits": "考察接待（批次）", "projects": "落实执行项目（个）",
    "new_projects": "新建项目（个）", "continued_projects": "续建项目（个）", "external_projects": "区外项目（个）",
    "funds": "到位资金（亿元）", "new_funds": "新建项目到位资金（亿元）", "continued_funds": "续建项目到位资金（亿元）",
    "external_funds": "区外到位资金（亿元）",
}


def _figures(prefix: str, figures: Figures) -> dict[str, str]:
    values = {}
    for name, label in FIGURE_LABELS.items():
        value = getattr(figures, name)
        values[f"{prefix}{label}"] = money(value) if "亿元" in label else str(value)
    return values


def figure_values(b: Briefing) -> dict[str, str]:
    """Every figure of ``b`` as printed, by a Chinese label (what ``diff`` compares)."""
    values = {**_figures("本周", b.week_totals), **_figures("今年以来", b.ytd_totals)}
    for name, value in b.growth.items():
        values[f"今年以来{FIGURE_LABELS.get(name, name).split('（')[0]}同比"] = percent(value) if value is not None else "—"
    values["重点签约项目履约率"] = percent(b.fulfilment.rate) if b.fulfilment.rate is not None else "—"
    values["时序进度"] = percent(b.time_progress)
    for row in b.units:
        values[f"{row.unit}今年以来到位资金（亿元）"] = money(row.ytd.funds)
        values[f"{row.unit}本周到位资金（亿元）"] = money(row.week.funds)
        values[f"{row.unit}完成率"] = percent(row.completion) if row.completion is not None else "—"
        values[f"{row.unit}排名"] = str(row.rank) if row.rank is not None else "—"
    return values


def sha256(path: str | os.PathLike) -> str:
    with open(path, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


def relative(ws: Workspace, path: str | os.PathLike) -> str:
    """``path`` relative to the workspace root (``/``-separated), else as given."""
    try:
        return Path(path).resolve().relative_to(ws.root.resolve()).as_posix()
    except ValueError:
        return str(path)


def input_reports(ws: Workspace, gathered: Gathered) -> dict[str, str]:
    """Every report the briefing of the gathered week uses (its year up to it, and last year)
    → SHA-256."""
    week = gathered.week
    first = Week(week.year - 1, 1)
    return {relative(ws, path): sha256(path) for path, file_week in sorted(gathered.tally.paths.items())
            if first <= file_week <= week}


@dataclass
class ReportChange:
    """A report added, changed or removed since publication."""

    unit: str
    path: str
    how: str
    """新增, 更改 or 删除."""
    received: str
    """When it arrived (from the ingest log, else the file's time), as text."""


@dataclass
class Difference:
    """What differs between the published issue and now."""

    publication: Publication
    figures: list[tuple[str, str, str]] = field(default_factory=list)
    """(label, published, now)."""
    removed: list[str] = field(default_factory=list)
    """Sentences of the published issue no longer there."""
    added: list[str] = field(default_factory=list)
    """Sentences there now that were not."""
    reports: list[ReportChange] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.figures or self.removed or self.added or self.reports)


_SENTENCE_END = re.compile(r"(?<=[。；！？])")


def sentences(markdown: str) -> list[str]:
    """The Markdown's sentences (each line split after 。；！？), without blank ones; table rows
    are left out (their numbers are compared as figures)."""
    found = []
    for line in markdown.splitlines():
        for part in _SENTENCE_END.split(line.strip()):
            if part.strip() and not line.lstrip().startswith("|") and not set(part.strip()) <= set("-: "):
                found.append(part.strip())
    return found


def _received(ws: Workspace, path: str) -> str:
    best = None
    for record in read_log(ws.state):
        if record.stored == path and record.outcome in (ACCEPTED, REPLACED):
            best = record
    if best is not None:
        return f"{best.when.astimezone().strftime('%Y-%m-%d %H:%M')} 邮件收到（{best.sender or '发件人不明'}）"
    try:
        stamp = dt.datetime.fromtimestamp(os.stat(ws.root / path).st_mtime)
    except OSError:
        return "—"
    return f"{stamp.strftime('%Y-%m-%d %H:%M')}（文件修改时间）"


def report_changes(ws: Workspace, then: dict[str, str], now: dict[str, str]) -> list[ReportChange]:
    """Reports added, changed or removed between two ``{path: sha256}`` sets."""
    changes = []
    for path in sorted(then.keys() | now.keys()):
        if then.get(path) == now.get(path):
            continue
        how = "新增" if path not in then else "删除" if path not in now else "更改"
        unit = None
        if path in now:
            unit, _ = guess_unit_week(ws.root / path, ws.config)
        changes.append(ReportChange(unit or Path(path).stem, path, how,
                                    _received(ws, path) if path in now else "—"))
    return changes


def latest_publication(ws: Workspace, week: Week) -> Publication | None:
    """The latest published version (issue or correction) of ``week``."""
    found = published(read_register(ws.state), week)
    return found[-1] if found else None


def _read(ws: Workspace, relative_path: str) -> str:
    """A record publication kept, read as the tool's own record (:func:`read_record`: a regular
    file in the workspace, not a link, a pipe or a device) so that a planted one cannot hang
    ``diff`` or ``build`` or show another file."""
    if not relative_path:
        raise BriefingError("期号记录里没有已印发版本的记录，无法比较") from None
    path = ws.root / relative_path
    confine(path.parent, ws.inside)
    try:
        data = read_record(path)
    except Damaged as problem:
        raise BriefingError(f"已印发版本的记录 {relative_path} 无法使用（{problem}），无法比较。"
                            "请从备份恢复 .briefing 文件夹") from None
    if data is None:
        raise BriefingError(f"找不到已印发版本的记录 {relative_path}，无法比较。请从备份恢复 .briefing 文件夹")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise BriefingError(f"已印发版本的记录 {relative_path} 已损坏（不是 UTF-8 文本），无法比较") from None


def difference(ws: Workspace, week: str | Week | None = None, use_cache: bool = True, note=lambda line: None,
               publication: Publication | None = None) -> Difference:
    """What differs between the published ``week`` (default: the reporting week) and now."""
    week = chosen_week(ws, week)
    publication = publication or latest_publication(ws, week)
    if publication is None:
        raise BriefingError(f"{week.label}还没有印发，没有可比较的版本。印发用 briefing publish --week {week}")
    gathered = gather(ws, week, use_cache, note)
    date = dt.date.fromisoformat(publication.date)
    b = briefing_of(ws, gathered, publication.issue, date, note, publication.correction)
    [(_, markdown)] = render(b, ws, ["md"], note)
    result = Difference(publication)
    try:
        then = json.loads(_read(ws, publication.figures))
    except ValueError:
        raise BriefingError(f"已印发版本的记录 {publication.figures} 已损坏，无法比较数字") from None
    now = figure_values(b)
    for label in [*then, *(k for k in now if k not in then)]:
        if then.get(label) != now.get(label):
            result.figures.append((label, then.get(label, "—"), now.get(label, "—")))
    old, new = sentences(_read(ws, publication.markdown)), sentences(markdown.decode("utf-8"))
    old_set, new_set = set(old), set(new)
    result.removed = [s for s in old if s not in new_set]
    result.added = [s for s in new if s not in old_set]
    result.reports = report_changes(ws, publication.reports, input_reports(ws, gathered))
    return result


def difference_text(d: Difference) -> str:
    """The difference as Chinese lines for the clerk."""
    p = d.publication
    name = f"第{p.issue}期" + ("（更正）" if p.correction else "")
    head = f"与已印发的{Week.parse(p.week).text}简报（{name}，{p.date} 印发）相比："
    if d.empty:
        return head + "没有不同。"
    lines = [head]
    if d.figures:
        lines.append(f"数字（{len(d.figures)}处不同）：")
        lines += [f"  {label}：已印发 {then} → 现在 {now}" for label, then, now in d.figures]
    if d.removed or d.added:
        lines.append(f"文字（{len(d.removed)}句删去或改动，{len(d.added)}句新增或改动）：")
        lines += [f"  − {text}" for text in d.removed]
        lines += [f"  ＋ {text}" for text in d.added]
    if d.reports:
        lines.append(f"印发后有变动的报告（{len(d.reports)}份）：")
        lines += [f"  {c.unit}：{c.path}（{c.how}，{c.received}）" for c in d.reports]
    return "\n".join(lines)


def summary_line(d: Difference) -> str:
    """One line for the end of ``briefing build`` of a published week."""
    p = d.publication
    if d.empty:
        return f"这一周已印发为第{p.issue}期，与已印发版本相同。"
    units = "、".join(dict.fromkeys(c.unit for c in d.reports))
    changed = f"；{units}的报告在印发后有变动" if units else ""
    return (f"这一周已印发为第{p.issue}期：现在有 {len(d.figures)} 处数字、{len(d.removed) + len(d.added)} 句文字"
            f"与已印发版本不同{changed}。详见 briefing diff --week {p.week}；需要更正请用 briefing publish --correct")
