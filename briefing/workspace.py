"""A workspace on disk: ``briefing.yaml``, ``entries/``, ``templates/``, ``output/``.

Finds and validates every report, gathering all problems before failing once.
"""

from __future__ import annotations

import datetime as dt
import gc
import glob
import os
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from pydantic import ValidationError

from briefing.atomic import reason
from briefing.errors import WARNING, BriefingError, Problem
from briefing.load import Document, locate, parse_bytes, read_file
from briefing.messages import problems_from_errors
from briefing.model import Config, Report, parse_week

if TYPE_CHECKING:
    from briefing.aggregate import Contribution, Tally
    from briefing.cache import ReportCache

CONFIG_NAME = "briefing.yaml"
# Windows hides extensions, and Notepad saves "昌吉市.yaml" as "昌吉市.yaml.txt".
REPORT_SUFFIXES = (".yaml", ".yml", ".yaml.txt", ".yml.txt")


@dataclass
class Workspace:
    """Paths of one bureau's workspace and its validated config."""

    config_path: Path
    config: Config
    entries: Path
    output: Path

    @property
    def root(self) -> Path:
        """The folder holding ``briefing.yaml``."""
        return self.config_path.parent

    @property
    def templates(self) -> Path:
        """The workspace's own templates (override the packaged defaults)."""
        return self.root / "templates"

    @property
    def state(self) -> Path:
        """Where the tool keeps its records (issue numbers, cache, history)."""
        return self.root / ".briefing"


@dataclass
class Loaded:
    """Reports that validated, with the file each came from, and every problem found."""

    reports: list[Report] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    files: int = 0
    unread: list[Problem] = field(default_factory=list)
    """Paths that could not be searched or were refused (see :class:`Found`); also in ``problems``."""

    def add_unread(self, problems: list[Problem]) -> None:
        """Put the errors of :func:`find_reports` first."""
        self.unread = list(problems)
        self.problems[:0] = problems

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def bad_files(self) -> int:
        return len({p.path for p in self.errors})


def load_config(path: str | os.PathLike) -> Config:
    """Read and validate ``briefing.yaml``; raise one :class:`BriefingError` listing every problem."""
    path = Path(path)
    if not path.is_file():
        raise BriefingError(f"找不到简报配置文件 {path}。请在工作目录中运行，或用 --config 指定 briefing.yaml 的位置；"
                            "新建工作目录可运行 briefing init 目录名", exit_code=2)
    doc = read_file(path)
    doc.problems = [p._replace(message="配置文件是空的。可以运行 briefing init 新建一个带注释的配置文件，照着修改")
                    if p.message.startswith("文件是空的") else p for p in doc.problems]
    config = None
    if not doc.problems:
        try:
            config = Config.model_validate(doc.data)
        except ValidationError as error:
            doc.problems.extend(problems_from_errors(Config, error.errors(), doc))
    if config is None:
        raise BriefingError(f"简报配置文件 {path} 有误，请按提示修改", doc.problems)
    return config


def open_workspace(config_path: str | os.PathLike, entries: str | os.PathLike | None = None,
                   output: str | os.PathLike | None = None) -> Workspace:
    """Open the workspace of ``config_path``; ``entries`` and ``output`` default to folders beside it."""
    config_path = Path(config_path)
    config = load_config(config_path)
    root = config_path.parent
    return Workspace(config_path, config,
                     Path(entries) if entries is not None else root / "entries",
                     Path(output) if output is not None else root / "output")


def entries_folder(entries: Path) -> None:
    """Stop (exit 1) with a message when the reports folder's name is taken by a file."""
    if entries.exists() and not entries.is_dir():
        raise BriefingError(f"{entries} 是一个文件，不是文件夹。各单位的报告应放在名为“{entries.name}”的文件夹里："
                            "请把这个文件改名或移走，再新建这个文件夹")


def expand(paths: Iterable[str | os.PathLike], what: str = "文件或文件夹") -> list[Path]:
    """Paths as typed, with ``*`` and ``?`` patterns expanded here (Windows shells leave them
    to the program).  Raises :class:`BriefingError` (exit 2) for one that matches nothing."""
    result = []
    for raw in paths:
        path = Path(raw)
        if not path.exists() and any(ch in str(raw) for ch in "*?["):
            matches = sorted(glob.glob(str(raw)))
            if not matches:
                raise BriefingError(f"没有与“{raw}”匹配的{what}", exit_code=2)
            result.extend(Path(m) for m in matches)
        elif not path.exists():
            raise BriefingError(f"找不到{what}：{path}", exit_code=2)
        else:
            result.append(path)
    return result


@dataclass
class Found:
    """Report files found by :func:`find_reports`, and an error for every path that could not
    be searched or was refused (nothing is skipped silently)."""

    files: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def find_reports(paths: Iterable[str | os.PathLike], workspace: str | os.PathLike | None = None) -> Found:
    """Report files named by ``paths``: files as given, folders searched recursively.

    Hidden files and folders (``.name``) and Office lock files (``~$name``) are skipped.
    Symbolic links met while searching are followed when they lead inside ``workspace`` (or
    inside the folder being searched) and refused otherwise; a folder that cannot be read, a
    broken link and a link leading back into a folder already searched are errors too.
    Raises :class:`BriefingError` (exit 2) for a path that does not exist.
    """
    found = Found()
    roots = [os.path.realpath(workspace)] if workspace is not None else []
    for path in expand(paths):
        if path.is_file():
            found.files.append(str(path))
        elif path.is_dir():
            _walk(str(path), [*roots, os.path.realpath(path)], found)
        else:
            raise BriefingError(f"找不到文件或文件夹：{path}", exit_code=2)
    return found


def _walk(top: str, allowed: list[str], found: Found) -> None:
    """``os.walk`` in name order, a folder's files before its subfolders, with every folder it
    cannot list reported (``onerror``) and links checked (one extra listing per folder gives
    which entries are links without a ``stat`` per file)."""
    walked: dict[str, str] = {}  # real path of each folder searched -> the path it was searched under

    def refuse(path: str, message: str) -> None:
        found.problems.append(Problem(path, 1, 1, message))

    def unreadable(error: OSError) -> None:
        path = os.fsdecode(error.filename) if getattr(error, "filename", None) else top
        refuse(path, f"无法读取这个文件夹（{reason(error)}），其中的报告没有检查。请检查文件夹的权限后重试")

    def outside(path: str) -> bool:
        target = os.path.realpath(path)
        if any(_inside(target, root) for root in allowed):
            return False
        refuse(path, f"这个快捷方式（符号链接）指向工作目录以外的 {target}，为安全起见没有读取。"
                     "请把报告复制到工作目录里，再删除这个链接")
        return True

    def walk(folder: str) -> None:
        for current, dirs, files in os.walk(folder, onerror=unreadable):
            real = os.path.realpath(current)
            if real in walked:
                refuse(current, f"这个文件夹与已经检查过的 {walked[real]} 是同一个（由快捷方式或符号链接相连），"
                                "没有重复检查。请删除多余的快捷方式")
                dirs[:] = []
                continue
            walked[real] = current
            try:
                with os.scandir(current) as listing:
                    links = {item.name for item in listing if item.is_symlink() or _is_junction(item)}
            except OSError as error:
                unreadable(error)
                dirs[:] = []
                continue
            for name in sorted(files):
                path = os.path.join(current, name)
                report = name.lower().endswith(REPORT_SUFFIXES) and not name.startswith(("~$", "."))
                if name in links and not os.path.exists(path):
                    if report or "." not in name:  # a report, or perhaps a folder: say it is gone
                        refuse(path, "这个快捷方式（符号链接）指向的文件或文件夹不存在，没有检查。请删除它或放入真正的文件")
                elif report and not (name in links and outside(path)):
                    found.files.append(path)
            linked, kept = [], []
            for name in sorted(dirs):
                if name.startswith("."):
                    continue
                path = os.path.join(current, name)
                if name not in links:
                    kept.append(name)
                elif not outside(path):
                    linked.append(path)  # os.walk does not follow links: walk them here
            dirs[:] = kept
            for path in linked:
                walk(path)

    walk(top)


def _inside(path: str, root: str) -> bool:
    path, root = os.path.normcase(path), os.path.normcase(root)
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def _is_junction(item: os.DirEntry) -> bool:
    """A Windows directory junction, which ``is_symlink`` does not report (Python 3.12+)."""
    check = getattr(item, "is_junction", None)
    return bool(check and check())


def validate_document(doc: Document, config: Config) -> Report | None:
    """Validate one loaded report against ``config``; problems are added to ``doc``."""
    if doc.problems:
        return None
    if not isinstance(doc.data, dict):
        doc.problem(1, 1, "报告的内容应为“键: 值”的形式（例如第一行写“unit: 昌吉市”），请对照模板填写")
        return None
    _drop_blank_items(doc)
    try:
        report = Report.model_validate(doc.data, context={"config": config})
    except ValidationError as error:
        words = {"区外": config.external_label, "区内": config.internal_label}
        doc.problems.extend(problems_from_errors(Report, error.errors(), doc, words))
        doc.problems.sort()
        return None
    if any(p.is_error for p in doc.problems):
        return None
    _plausibility(report, doc)
    return report


LARGE_FUNDS = 100          # 亿元 arriving for one project in one week
LARGE_INVESTMENT = 1000    # 亿元 for one signing
_WEEK_FOLDER = re.compile(r"[0-9]{4}-W[0-9]{2}")


def _plausibility(report: Report, doc: Document) -> None:
    """Warnings (not errors) for figures that are valid but probably typed in the wrong unit,
    and for a week that does not fit the folder or the dates in the report."""
    def warn(loc: tuple, message: str) -> None:
        line, col = locate(doc.root, loc)
        doc.problems.append(Problem(doc.path, line, col, message, WARNING))

    for index, item in enumerate(report.projects):
        if item.funds >= LARGE_FUNDS:
            warn(("projects", index, "funds"), _large("到位资金", item.funds, "一个项目一周"))
    for index, item in enumerate(report.signings):
        if item.investment >= LARGE_INVESTMENT:
            warn(("signings", index, "investment"), _large("总投资", item.investment, "一个签约项目"))
    folder = os.path.basename(os.path.dirname(doc.path))
    if _WEEK_FOLDER.fullmatch(folder) and folder != report.week:
        warn(("week",), f"文件放在“{folder}”文件夹里，但周次写的是 {report.week}。请确认周次没有写错")
    dates = [t.start for t in report.trips] + [e.date for e in report.events] + [s.date for s in report.signings]
    year, number = report.week_key
    first = dt.date.fromisocalendar(year, number, 1) - dt.timedelta(days=14)
    last = dt.date.fromisocalendar(year, number, 7) + dt.timedelta(days=14)
    if dates and not any(first <= day <= last for day in dates):
        warn(("week",), f"报告里的日期都不在 {report.week} 前后两周内，周次是否写错？（报告按所写周次统计）")


def _large(what: str, amount, scope: str) -> str:
    text = format(amount.normalize(), "f")  # below MAX_AMOUNT: 25000 was probably typed in 万元
    return (f"{what}{text}亿元，{scope}这么多很少见。金额的单位是亿元：如果是万元，请写成“{text}万元”；"
            "核对无误可忽略此提示")


SECTIONS = ("trips", "events", "signings", "projects")


def _is_blank(value: object) -> bool:
    return value is None or value == [] or (isinstance(value, str) and not value.strip())


def _drop_blank_items(doc: Document) -> None:
    """One error for each template item left completely blank (instead of one per field)."""
    for section in SECTIONS:
        items = doc.data.get(section)
        if not isinstance(items, list) or not any(
                isinstance(item, dict) and all(_is_blank(v) for v in item.values()) for item in items):
            continue
        for index, item in enumerate(items):
            if isinstance(item, dict) and item and all(_is_blank(v) for v in item.values()):
                line, col = locate(doc.root, (section, index))
                doc.problem(line, col, f"“{section}”的这一条没有填写任何内容：请填写；本周没有的话，请删去整段“{section}:”")
        doc.data[section] = [item for item in items
                             if not (isinstance(item, dict) and item and all(_is_blank(v) for v in item.values()))]


def validate_bytes(raw: bytes, path: str, config: Config) -> tuple[Report | None, list[Problem]]:
    """Load and validate one report given as bytes (for mail attachments)."""
    doc = parse_bytes(raw, path)
    report = validate_document(doc, config)
    return report, doc.problems


@contextmanager
def no_gc_pauses():
    """Suspend the cyclic garbage collector (while loading, and for a whole build): reports,
    folds and briefings hold no cycles, and repeated full collections over hundreds of
    thousands of live objects cost more than parsing.  Nests."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class Discard:
    """A sink for :func:`load_reports` that keeps nothing (for checking only)."""

    def add(self, report: Report, path: str) -> "Contribution":
        from briefing.aggregate import contribution

        return contribution(report)

    def add_contribution(self, c: "Contribution", report: object) -> None:
        pass


def load_reports(files: Iterable[str | os.PathLike], config: Config, cache: "ReportCache | None" = None,
                 sink: "Tally | Discard | None" = None) -> Loaded:
    """Load and validate every file; also flag two files for the same unit and week.

    Without a ``sink``, valid reports are kept in ``Loaded.reports``.  With one (a
    :class:`~briefing.aggregate.Tally`), they are folded into it one at a time and not kept, so
    a province's year of reports need not be in memory at once; files unchanged since the
    ``cache`` saw them arrive as contributions only.
    """
    if sink is None:
        cache = None
    with no_gc_pauses():
        loaded = _load_reports(files, config, cache, sink)
    if cache is not None:
        cache.save(final=True)
    return loaded


@dataclass
class _File:
    """One file as loaded: a fresh report or a cached contribution, its problems, and what
    the cache needs to record it."""

    report: Report | None = None
    cached: object = None
    problems: list[Problem] = field(default_factory=list)
    root: object = None
    stat: os.stat_result | None = None
    raw: bytes = b""


def _load_reports(files, config: Config, cache, sink) -> Loaded:
    here = os.getcwd()  # cache keys are absolute paths; joining once is cheaper than abspath
    loaded = Loaded()
    first_file: dict[tuple[str, tuple[int, int]], str] = {}
    for raw_path in files:
        path = str(raw_path)
        loaded.files += 1
        one = _load_one(path, os.path.join(here, path), config, cache)
        loaded.problems.extend(one.problems)
        if one.report is None and one.cached is None:
            continue
        unit, week = (one.report.unit, one.report.week_key) if one.report is not None else (one.cached.unit, one.cached.week)
        if (unit, week) in first_file:
            line, col = locate(one.root if one.root is not None else read_file(path).root, ("unit",))
            loaded.problems.append(Problem(
                path, line, col,
                f"与 {first_file[(unit, week)]} 重复：两个文件都是“{unit}”{week[0]}-W{week[1]:02d} 的报告。"
                "同一单位同一周只能保留一份，请删除或合并其中一个"))
            continue
        first_file[(unit, week)] = path
        if sink is None:
            loaded.reports.append(one.report)
            loaded.paths.append(path)
        elif one.report is None:
            sink.add_contribution(one.cached, path)
        else:
            c = sink.add(one.report, path)
            if cache is not None and not one.problems:  # files with warnings are read every time
                cache.put(os.path.join(here, path), one.stat, one.raw, c)
    return loaded


def _load_one(path: str, key: str, config: Config, cache) -> _File:
    """One file: from the cache (under ``key``) when unchanged, else parsed and validated."""
    if cache is None:
        doc = read_file(path)
        return _File(validate_document(doc, config), None, doc.problems, doc.root)
    try:
        stat = os.stat(path)
        cached, raw = cache.get(key, stat, lambda: _read(path))
    except OSError:
        return _File(problems=read_file(path).problems)  # says why it cannot be read
    if cached is not None:
        return _File(cached=cached)
    doc = parse_bytes(raw, path)
    report = validate_document(doc, config)
    return _File(report, None, doc.problems, doc.root, stat, raw)


def guess_unit_week(path: str | os.PathLike, config: Config) -> tuple[str | None, str | None]:
    """Unit and week of a file that did not validate, when they can be read at all."""
    data = read_file(path).data
    if not isinstance(data, dict):
        return None, None
    unit = config.canonical_unit(str(data.get("unit", "")).strip())
    try:
        week = parse_week(data.get("week"))
    except ValueError:
        week = None
    return unit, week


def _read(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()


def load_cached(files: Iterable[str | os.PathLike], config: Config, config_path: Path,
                sink: "Tally | Discard", use_cache: bool = True) -> Loaded:
    """:func:`load_reports` through the workspace's cache (opened and closed here)."""
    cache = open_cache(config_path) if use_cache else None
    try:
        return load_reports(files, config, cache=cache, sink=sink)
    finally:
        if cache is not None:
            cache.close()


def open_cache(config_path: Path) -> "ReportCache | None":
    """The report cache of the workspace of ``config_path`` (``None`` if switched off)."""
    if os.environ.get("BRIEFING_NO_CACHE"):
        return None
    from briefing.cache import ReportCache, user_secret

    try:
        config_bytes = Path(config_path).read_bytes()
    except OSError:
        return None
    secret = user_secret()
    if secret is None:  # nowhere to keep the key the entries are checked with: no cache
        return None
    return ReportCache(Path(config_path).parent / ".briefing" / "cache.sqlite", config_bytes, secret)
