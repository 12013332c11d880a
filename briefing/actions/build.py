"""``briefing build`` as a library call: reports → figures → every requested edition on disk."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Callable, Sequence

from dataclasses import dataclass, field

from briefing.figures.briefing import Briefing, Tally
from briefing.figures.checks import suspicious_figures
from briefing.workspace.files import write_bytes
from briefing.errors import BriefingError, Problem
from briefing.weeks import Week, reporting_week, today
from briefing.workspace.numbering import record_build
from briefing.report.validate import guess_unit_week, is_suspicious
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


LATE_DRAFT_DAYS = 14
"""A draft for a week that ended more than this many days ago is dated the Monday after it."""


def chosen_week(ws: Workspace, week: str | Week | None) -> Week:
    """The week a command works on: the one typed, else the reporting week of today
    (:func:`briefing.weeks.reporting_week`, switching on the config's ``switch_day``)."""
    if isinstance(week, Week):
        return week
    return normalise_week(week) if week else reporting_week(today(), ws.config.switch_day)


class NoReports(BriefingError):
    """No report at all for the week asked for; ``latest`` is the latest earlier week with reports."""

    def __init__(self, week: Week, latest: Week | None, message: str):
        super().__init__(message)
        self.week, self.latest = week, latest


@dataclass
class Gathered:
    """Every report folded into a :class:`Tally`, checked, for one week; and what was noticed."""

    tally: Tally
    week: Week
    suspicious: list[str] = field(default_factory=list)
    """Warnings that an amount was probably typed in the wrong unit (``file:line:col: …``), in
    files the briefing uses; :func:`suspicious` adds the briefing's own."""


def gather(ws: Workspace, week: str | Week | None, use_cache: bool, note: Note) -> Gathered:
    """Every report folded into a :class:`Tally` for ``week`` (default: the reporting week).

    Errors in reports the briefing does not use (later weeks, earlier years) do not stop it;
    they and any warnings are passed to ``note``, one line each.  A week that an opening
    balance covers is refused; reports for such weeks are left out, each named in a note.
    """
    week = chosen_week(ws, week)
    through = ws.config.opening.get(week.year)
    if through is not None and week.number <= through.through:
        raise BriefingError(
            f"{week.text}在期初数之内（briefing.yaml 的 opening 填的是{week.year}年截至第{through.through}周的累计数），"
            f"这些周的报告不再单独统计，不能生成这一周的简报。请生成第{through.through + 1}周及以后的简报", exit_code=2)
    tally = Tally(week, ws.config)
    loaded = load_entries(ws, sink=tally, use_cache=use_cache)
    tally.derived = loaded.derived  # the ledger's figures are cached for exactly these contributions
    blocking, elsewhere = _errors_by_relevance(loaded, ws, week)
    refuse_errors(Loaded(problems=blocking, unread=loaded.unread))
    relevant = _relevant_paths(loaded, ws, week, narrow=True)
    suspicious = [str(p) for p in loaded.problems if is_suspicious(p) and relevant(p.path)]
    for problem in loaded.problems:
        if not problem.is_error and str(problem) not in suspicious:
            note(str(problem))
    for path, covered in tally.covered:
        note(f"{path}: 注意: {covered.text}在期初数（截至第{tally.openings[covered.year].number}周）之内，"
             "这份报告没有计入，以期初数为准")
    for problem in tally.problems(ws.config, week):  # repeats, stages moving back, probable duplicates
        note(str(problem))
    if elsewhere:
        note("以下文件有错误，但不是本期简报用到的周次，本次没有读入，请另行修改：")
        for problem in elsewhere:
            note(str(problem))
    if not tally.has_week(week):
        raise NoReports(week, max((w for w in tally.paths.values() if w < week), default=None),
                        f"没有{week.label}的报告，无法生成这一周的简报。"
                            f"可用 briefing status --week {week} 查看报送情况，或用 --week 指定其他周")
    if tally.missing():  # the briefing week's files came from the cache: read them in full
        again = load_reports(tally.missing(), ws.config)
        refuse_errors(again)
        tally.supply(dict(zip(again.paths, again.reports)))
    return Gathered(tally, week, suspicious)


def briefing_of(ws: Workspace, gathered: Gathered, number: int | None, date: dt.date, note: Note,
                correction: int = 0, headline: str | None = None, editor_note: str | None = None) -> Briefing:
    """The :class:`Briefing` of the gathered week, as issue ``number`` (``None``: a draft);
    ``headline`` and ``editor_note`` (编者按), when not blank, replace the config's."""
    week = gathered.week
    b = gathered.tally.briefing(ws.config, week, number, date)
    b.draft, b.correction = number is None, correction
    if headline and headline.strip():
        b.headline = headline.strip()
    if editor_note and editor_note.strip():
        b.editor_note = editor_note.strip()
    reported, units = len(ws.config.unit_names) - len(b.missing_units), len(ws.config.unit_names)
    if reported * 2 < units:
        note(f"注意：{week.text}只有 {reported} 个单位报送（共 {units} 个）。如需生成其他周的简报，请用 --week 指定")
    return b


def compute(ws: Workspace, week: str | Week | None = None, use_cache: bool = True,
            note: Note = _ignore, date: dt.date | None = None, doubt: Note | None = None) -> Briefing:
    """The draft :class:`Briefing` of ``week`` (default: the reporting week), writing nothing:
    for previews (the web page, its charts).  The suspicious figures (:func:`suspicious`) go to
    ``doubt``, or when it is not given to ``note``, after the other notes."""
    gathered = gather(ws, week, use_cache, note)
    b = briefing_of(ws, gathered, None, date or draft_date(gathered.week, today())[0], note)
    for line in suspicious(gathered, b):
        (doubt or note)(line)
    return b


def suspicious(gathered: Gathered, b: Briefing) -> list[str]:
    """Everything that should stop publication until confirmed: amounts probably in the wrong
    unit (with file and line), 同比 beyond ±500%, a week's funds above a whole year's target."""
    return gathered.suspicious + suspicious_figures(b)


def _relevant_paths(loaded: Loaded, ws: Workspace, week: Week, narrow: bool = False) -> Callable[[str], bool]:
    """Whether a file is one the briefing of ``week`` may use (same year up to it, or last
    year); ``narrow``: one whose figures it does use (last year only up to the same week)."""
    last = week.same_week_last_year() if narrow else week

    def relevant(path: str) -> bool:
        _, file_week = guess_unit_week(path, ws.config)
        return (file_week is None or Week(week.year, 1) <= file_week <= week
                or Week(week.year - 1, 1) <= file_week <= last)
    return relevant


def _errors_by_relevance(loaded: Loaded, ws: Workspace, week: Week) -> tuple[list[Problem], list[Problem]]:
    """Split error lines into those in files the briefing of ``week`` needs (same year up to
    ``week``, and last year for 同比), or whose week cannot be read, and all the others."""
    errors = loaded.errors
    if not errors:
        return errors, []
    relevant: dict[str, bool] = {p.path: True for p in loaded.unread}  # unread: its week is unknown
    check = _relevant_paths(loaded, ws, week)
    for path in {p.path for p in errors} - relevant.keys():
        relevant[path] = check(path)
    return ([p for p in errors if relevant[p.path]], [p for p in errors if not relevant[p.path]])


DRAFT_MARK = "征求意见稿"


def output_name(b: Briefing, ext: str) -> str:
    """File name of an edition: ``招商工作简报-2023-W17.md``; a draft's says so
    (``招商工作简报-2023-W17-征求意见稿.md``), so it cannot be taken for the published one."""
    title = re.sub(r'[\\/:*?"<>|\s]+', "", b.config.title) or "briefing"
    return f"{title}-{b.week}-{DRAFT_MARK}.{ext}" if b.draft else f"{title}-{b.week}.{ext}"


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


def render(b: Briefing, ws: Workspace, formats: Sequence[str] | None, note: Note) -> list[tuple[str, bytes]]:
    """Every requested edition of ``b`` in memory (extension, bytes), nothing written yet."""
    return [(ext, RENDERERS[ext](b, ws, note)) for ext in formats or DEFAULT_FORMATS]


@dataclass
class Draft:
    """What ``briefing build`` made."""

    week: Week
    files: list[Path]
    suspicious: list[str]
    """Lines for the clerk to check first (see :func:`suspicious`)."""
    date: dt.date
    date_note: str | None = None
    """Why the 印发日期 is not today (a draft of a week long past)."""
    incomplete: bool = False
    """The week has not ended: the draft is incomplete."""


def draft_date(week: Week, day: dt.date) -> tuple[dt.date, str | None]:
    """The 印发日期 of a draft made on ``day``: ``day``, or for a week that ended more than
    :data:`LATE_DRAFT_DAYS` days earlier the Monday after it (and a note saying so)."""
    if (day - week.last_day).days > LATE_DRAFT_DAYS:
        monday = week.last_day + dt.timedelta(days=1)
        return monday, (f"{week.text}已过去两周以上，征求意见稿的印发日期用这一周后的周一"
                        f"（{monday.year}年{monday.month}月{monday.day}日）；需要其他日期请用 --date 指定")
    return day, None


def build(ws: Workspace, week: str | Week | None = None, formats: Sequence[str] | None = None,
          issue: int | None = None, date: dt.date | None = None, use_cache: bool = True,
          note: Note = _ignore, headline: str | None = None, editor_note: str | None = None) -> list[Path]:
    """Build the draft of ``week`` (default: the reporting week) in ``formats``; return the files.

    ``issue`` renders the editions as that 期号 without publishing or recording anything (for
    previews and tests; ``briefing publish`` is what assigns numbers).  ``headline`` and
    ``editor_note`` (编者按) override the config's; blank ones are ignored.
    """
    return make_draft(ws, week, formats, date, use_cache, note, issue, headline, editor_note).files


def make_draft(ws: Workspace, week: str | Week | None = None, formats: Sequence[str] | None = None,
               date: dt.date | None = None, use_cache: bool = True, note: Note = _ignore,
               issue: int | None = None, headline: str | None = None, editor_note: str | None = None) -> Draft:
    """``briefing build``: the draft (征求意见稿) of ``week``; consumes no 期号.  Suspicious
    figures do not stop it: they are returned for the clerk to see first.

    With no ``week`` given and no report yet for the reporting week, the draft is of the latest
    earlier week with reports, and ``note`` says so (a draft is a look at what there is; only
    ``publish`` insists on the week)."""
    with no_gc_pauses():
        try:
            gathered = gather(ws, week, use_cache, note)
        except NoReports as missing:
            if week is not None or missing.latest is None:
                raise
            note(f"注意：本周即{missing.week.label}还没有单位报送，先生成有报告的最近一周"
                 f"（{missing.latest.text}）的征求意见稿；需要其他周请用 --week 指定")
            gathered = gather(ws, missing.latest, use_cache, note)
        day, date_note = (date, None) if date is not None else draft_date(gathered.week, today())
        b = briefing_of(ws, gathered, issue, day, note, headline=headline, editor_note=editor_note)
        editions = render(b, ws, formats, note)  # all made before any is written
        record_build(ws.state, b.week)  # first: a workspace whose records cannot be written gets no files
        written = [write_bytes(ws.output / output_name(b, ext), data, ws.inside) for ext, data in editions]
    return Draft(gathered.week, written, suspicious(gathered, b), day, date_note,
                 incomplete=today() <= gathered.week.last_day)
