"""A workspace on disk: ``briefing.yaml``, ``entries/``, ``templates/``, ``output/``.

Finds and validates every report, gathering all problems before failing once.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from pydantic import ValidationError

from briefing.errors import BriefingError, Problem
from briefing.load import Document, locate, parse_bytes, read_file
from briefing.messages import problems_from_errors
from briefing.model import Config, Report

CONFIG_NAME = "briefing.yaml"
REPORT_SUFFIXES = (".yaml", ".yml")


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


def find_reports(paths: Iterable[str | os.PathLike]) -> list[Path]:
    """Report files named by ``paths``: files as given, folders searched recursively.

    Hidden files and folders (``.name``) and Office lock files (``~$name``) are skipped.
    Raises :class:`BriefingError` (exit 2) for a path that does not exist.
    """
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_file():
            found.append(path)
        elif path.is_dir():
            found.extend(_walk(path))
        else:
            raise BriefingError(f"找不到文件或文件夹：{path}", exit_code=2)
    return found


def _walk(folder: Path) -> list[Path]:
    result = []
    for current, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.lower().endswith(REPORT_SUFFIXES) and not name.startswith((".", "~$")):
                result.append(Path(current) / name)
    return result


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
        doc.problems.extend(problems_from_errors(Report, error.errors(), doc))
        doc.problems.sort()
        return None
    return None if doc.problems else report


SECTIONS = ("trips", "events", "signings", "projects")


def _is_blank(value: object) -> bool:
    return value is None or value == [] or (isinstance(value, str) and not value.strip())


def _drop_blank_items(doc: Document) -> None:
    """One error for each template item left completely blank (instead of one per field)."""
    for section in SECTIONS:
        items = doc.data.get(section)
        if not isinstance(items, list):
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


def load_reports(files: Iterable[Path], config: Config) -> Loaded:
    """Load and validate every file; also flag two files for the same unit and week."""
    loaded = Loaded()
    first_file: dict[tuple[str, str], str] = {}
    for path in files:
        loaded.files += 1
        doc = read_file(path)
        report = validate_document(doc, config)
        loaded.problems.extend(doc.problems)
        if report is None:
            continue
        key = (report.unit, report.week)
        if key in first_file:
            line, col = locate(doc.root, ("unit",))
            loaded.problems.append(Problem(
                doc.path, line, col,
                f"与 {first_file[key]} 重复：两个文件都是“{report.unit}”{report.week} 的报告。"
                "同一单位同一周只能保留一份，请删除或合并其中一个"))
            continue
        first_file[key] = doc.path
        loaded.reports.append(report)
        loaded.paths.append(doc.path)
    return loaded


def latest_week(reports: Iterable[Report]) -> str | None:
    """The latest ISO week any report is for."""
    weeks = [r.week for r in reports]
    return max(weeks, key=lambda w: (int(w[:4]), int(w[6:]))) if weeks else None
