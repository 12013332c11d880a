"""``briefing build`` as a library call: reports → figures → every requested edition on disk."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Callable, Sequence

from briefing.aggregate import Briefing, Tally
from briefing.atomic import write_bytes
from briefing.errors import BriefingError
from briefing.model import parse_week
from briefing.numbering import issue_number, record_build
from briefing.workspace import Loaded, Workspace, find_reports, load_reports, open_cache

FORMATS = ("md", "docx", "xlsx", "pdf")
DEFAULT_FORMATS = ("md", "docx", "xlsx")


def load_entries(ws: Workspace, sink=None, use_cache: bool = True) -> Loaded:
    """Load and validate every report under the workspace's entries folder (see
    :func:`~briefing.workspace.load_reports` for ``sink``)."""
    if not ws.entries.is_dir():
        raise BriefingError(f"找不到报告文件夹 {ws.entries}。各单位的报告应放在这里（可按周分子文件夹）", exit_code=2)
    cache = open_cache(ws.config_path) if use_cache and sink is not None else None
    try:
        return load_reports(find_reports([ws.entries]), ws.config, cache=cache, sink=sink)
    finally:
        if cache is not None:
            cache.close()


def refuse_errors(loaded: Loaded) -> None:
    """Stop (exit 1) with every problem listed when any report has an error."""
    if loaded.errors:
        raise BriefingError(
            f"有 {loaded.bad_files} 个报告文件有错误（共 {len(loaded.errors)} 处），未生成简报。请先按上面的提示修改",
            loaded.problems)


def valid_reports(ws: Workspace) -> Loaded:
    """Every valid report of the workspace, kept in memory (for small workspaces and tests)."""
    loaded = load_entries(ws)
    refuse_errors(loaded)
    return loaded


def normalise_week(week: str) -> str:
    """A week typed on the command line, as ``YYYY-Www``; exit 2 when it is not one."""
    try:
        return parse_week(week)
    except ValueError:
        raise BriefingError(f"周次“{week}”格式不对，应写成 2023-W17", exit_code=2) from None


def compute(ws: Workspace, week: str | None = None, issue: int | None = None,
            date: dt.date | None = None, use_cache: bool = True) -> Briefing:
    """Validate the workspace's reports and compute the briefing of ``week`` (default: latest).

    Reports stream into a :class:`Tally`; only the briefing week's reports are kept whole.
    """
    week = normalise_week(week) if week else None
    tally = Tally(week)
    refuse_errors(load_entries(ws, sink=tally, use_cache=use_cache))
    if tally.missing():  # the briefing week's files came from the cache: read them in full
        again = load_reports(tally.missing(), ws.config)
        refuse_errors(again)
        tally.supply(dict(zip(again.paths, again.reports)))
    if week is None:
        week = tally.latest_week()
        if week is None:
            raise BriefingError("报告文件夹里还没有任何报告，无法生成简报")
    elif not tally.has_week(week):
        raise BriefingError(f"没有 {week} 的报告，无法生成这一周的简报。可用 briefing status --week {week} 查看报送情况")
    number = issue_number(ws.state, week, issue)
    return tally.briefing(ws.config, week, number, date or dt.date.today())


def output_name(b: Briefing, ext: str) -> str:
    """File name of an edition: ``招商工作简报-2023-W17.md``."""
    title = re.sub(r'[\\/:*?"<>|\s]+', "", b.config.title) or "briefing"
    return f"{title}-{b.week}.{ext}"


def _markdown(b: Briefing, ws: Workspace) -> bytes:
    from briefing.render import render_markdown

    return render_markdown(b, ws.templates).encode("utf-8")


def _docx(b: Briefing, ws: Workspace) -> bytes:
    from briefing.word import render_docx

    return render_docx(b, ws.templates)


def _pdf(b: Briefing, ws: Workspace) -> bytes:
    from briefing.word import docx_to_pdf

    return docx_to_pdf(_docx(b, ws))


def _xlsx(b: Briefing, ws: Workspace) -> bytes:
    from briefing.excel import render_xlsx

    return render_xlsx(b)


RENDERERS: dict[str, Callable[[Briefing, Workspace], bytes]] = {
    "md": _markdown, "docx": _docx, "xlsx": _xlsx, "pdf": _pdf}


def build(ws: Workspace, week: str | None = None, formats: Sequence[str] | None = None,
          issue: int | None = None, date: dt.date | None = None, use_cache: bool = True) -> list[Path]:
    """Build the briefing of ``week`` (default: the latest) in ``formats``; return the files written."""
    b = compute(ws, week, issue, date, use_cache)
    written = []
    for ext in formats or DEFAULT_FORMATS:
        data = RENDERERS[ext](b, ws)
        written.append(write_bytes(ws.output / output_name(b, ext), data))
    record_build(ws.state, b.week)
    return written
