"""``briefing build`` as a library call: reports → figures → every requested edition on disk."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Callable, Sequence

from briefing.figures.briefing import Briefing, Tally
from briefing.workspace.files import write_bytes
from briefing.errors import BriefingError, Problem
from briefing.weeks import Week
from briefing.workspace.numbering import issue_number, record_build, reserve, weeks_with_issue
from briefing.report.validate import guess_unit_week
from briefing.workspace.layout import Workspace, entries_folder, find_reports
from briefing.workspace.loading import Loaded, load_cached, load_reports, no_gc_pauses

FORMATS = ("md", "docx", "xlsx", "pdf")
DEFAULT_FORMATS = ("md", "docx", "xlsx")


def load_entries(ws: Workspace, sink=None, use_cache: bool = True) -> Loaded:
    """Load and validate every report under the workspace's entries folder (see
    :func:`~briefing.workspace.loading.load_reports` for ``sink``)."""
    entries_folder(ws.entries)
    if not ws.entries.is_dir():
        raise BriefingError(f"找不到报告文件夹 {ws.entries}。各单位的报告应放在这里（可按周分子文件夹）", exit_code=2)
    found = find_reports([ws.entries], ws.root)
    if sink is None:
        loaded = load_reports(found.files, ws.config)
    else:
        loaded = load_cached(found.files, ws.config, ws.config_path, sink, use_cache)
    loaded.add_unread(found.problems)
    return loaded


def refuse_errors(loaded: Loaded) -> None:
    """Stop (exit 1) with every problem listed when any report has an error."""
    if loaded.unread:
        raise BriefingError(f"有 {len(loaded.unread)} 处文件或文件夹无法读取（见上），其中的报告没有统计，未生成简报。"
                            "请处理后重试", loaded.problems)
    if loaded.errors:
        raise BriefingError(
            f"有 {loaded.bad_files} 个报告文件有错误（共 {len(loaded.errors)} 处），未生成简报。请先按上面的提示修改",
            loaded.problems)


def normalise_week(week: str) -> Week:
    """A week typed on the command line; exit 2 when it is not one."""
    try:
        return Week.parse(week)
    except ValueError as error:
        raise BriefingError(f"周次“{week}”有误：{error}", exit_code=2) from None


Note = Callable[[str], None]


def _ignore(text: str) -> None:
    pass


def compute(ws: Workspace, week: str | None = None, issue: int | None = None,
            date: dt.date | None = None, use_cache: bool = True, note: Note = _ignore) -> Briefing:
    """Validate the workspace's reports and compute the briefing of ``week`` (default: latest).

    Reports stream into a :class:`Tally`; only the briefing week's reports are kept whole.
    Errors in reports the briefing does not use (later weeks, earlier years) do not stop it;
    they and any warnings are passed to ``note``, one line each.  The issue number is the one
    the week would get now; :func:`build` reserves it (see :func:`briefing.workspace.numbering.reserve`).
    """
    tally, week = gather(ws, week, issue, use_cache, note)
    return briefing_of(ws, tally, week, issue_number(ws.state, week, issue), date, note)


def gather(ws: Workspace, week: str | None, issue: int | None, use_cache: bool, note: Note) -> tuple[Tally, Week]:
    """Every report folded into a :class:`Tally`, checked as :func:`compute` says; and the week."""
    week = normalise_week(week) if week else None
    tally = Tally(week)
    loaded = load_entries(ws, sink=tally, use_cache=use_cache)
    if week is None:
        week = tally.latest_week()
    blocking, elsewhere = _errors_by_relevance(loaded, ws, week)
    refuse_errors(Loaded(problems=blocking, unread=loaded.unread))
    for problem in loaded.problems:
        if not problem.is_error:
            note(str(problem))
    if elsewhere:
        note("以下文件有错误，但不是本期简报用到的周次，本次没有读入，请另行修改：")
        for problem in elsewhere:
            note(str(problem))
    if week is None:
        raise BriefingError("报告文件夹里还没有任何报告，无法生成简报")
    if not tally.has_week(week):
        raise BriefingError(f"没有 {week} 的报告，无法生成这一周的简报。可用 briefing status --week {week} 查看报送情况")
    if tally.missing():  # the briefing week's files came from the cache: read them in full
        again = load_reports(tally.missing(), ws.config)
        refuse_errors(again)
        tally.supply(dict(zip(again.paths, again.reports)))
    if issue is not None:
        for other in weeks_with_issue(ws.state, week, issue):
            note(f"注意：第{issue}期已经用于 {other} 的简报，现在 {week} 也标为第{issue}期")
    return tally, week


def briefing_of(ws: Workspace, tally: Tally, week: Week, number: int, date: dt.date | None, note: Note) -> Briefing:
    """The :class:`Briefing` of ``week`` from a gathered ``tally``, as issue ``number``."""
    b = tally.briefing(ws.config, week, number, date or dt.date.today())
    reported, units = len(ws.config.unit_names) - len(b.missing_units), len(ws.config.unit_names)
    if reported * 2 < units:
        note(f"注意：{week} 只有 {reported} 个单位报送（共 {units} 个）。如需生成其他周的简报，请用 --week 指定")
    return b


def _errors_by_relevance(loaded: Loaded, ws: Workspace, week: Week | None) -> tuple[list[Problem], list[Problem]]:
    """Split error lines into those in files the briefing of ``week`` needs (same year up to
    ``week``, and last year for 同比), or whose week cannot be read, and all the others."""
    errors = loaded.errors
    if not errors or week is None:
        return errors, []
    relevant: dict[str, bool] = {p.path: True for p in loaded.unread}  # unread: its week is unknown
    for path in {p.path for p in errors} - relevant.keys():
        _, file_week = guess_unit_week(path, ws.config)
        if file_week is None:
            relevant[path] = True
        else:
            relevant[path] = Week(week.year - 1, 1) <= file_week <= week
    return ([p for p in errors if relevant[p.path]], [p for p in errors if not relevant[p.path]])


def output_name(b: Briefing, ext: str) -> str:
    """File name of an edition: ``招商工作简报-2023-W17.md``."""
    title = re.sub(r'[\\/:*?"<>|\s]+', "", b.config.title) or "briefing"
    return f"{title}-{b.week}.{ext}"


def _markdown(b: Briefing, ws: Workspace, note: Note) -> bytes:
    from briefing.editions.markdown import render_markdown

    return render_markdown(b, ws.templates).encode("utf-8")


def _docx(b: Briefing, ws: Workspace, note: Note = _ignore) -> bytes:
    from briefing.editions.word import render_docx

    return render_docx(b, ws.templates)


def _pdf(b: Briefing, ws: Workspace, note: Note) -> bytes:
    from briefing.editions.pdf import docx_to_pdf
    from briefing.workspace.cache import user_cache_dir

    return docx_to_pdf(_docx(b, ws), note=note, fonts=user_cache_dir() / "fonts")


def _xlsx(b: Briefing, ws: Workspace, note: Note) -> bytes:
    from briefing.editions.excel import render_xlsx

    return render_xlsx(b)


RENDERERS: dict[str, Callable[[Briefing, Workspace, Note], bytes]] = {
    "md": _markdown, "docx": _docx, "xlsx": _xlsx, "pdf": _pdf}


def build(ws: Workspace, week: str | None = None, formats: Sequence[str] | None = None,
          issue: int | None = None, date: dt.date | None = None, use_cache: bool = True,
          note: Note = _ignore, headline: str | None = None, editor_note: str | None = None) -> list[Path]:
    """Build the briefing of ``week`` (default: the latest) in ``formats``; return the files written.

    ``note`` receives warnings, one line each (see :func:`compute`).  ``headline`` and
    ``editor_note`` (编者按) override the config's; blank ones are ignored.
    """
    with no_gc_pauses():
        return _build(ws, week, formats, issue, date, use_cache, note, headline, editor_note)


def _build(ws, week, formats, issue, date, use_cache, note, headline, editor_note) -> list[Path]:
    tally, week = gather(ws, week, issue, use_cache, note)
    with reserve(ws.state, week, issue) as number:  # given back if anything below fails
        b = briefing_of(ws, tally, week, number, date, note)
        if headline and headline.strip():
            b.headline = headline.strip()
        if editor_note and editor_note.strip():
            b.editor_note = editor_note.strip()
        editions = [(ext, RENDERERS[ext](b, ws, note)) for ext in formats or DEFAULT_FORMATS]  # all made before any is written
        written = [write_bytes(ws.output / output_name(b, ext), data) for ext, data in editions]
    record_build(ws.state, b.week)
    return written
