"""A workspace on disk: ``briefing.yaml``, ``entries/``, ``templates/``, ``output/``, ``archive/``
and the tool's own records in ``.briefing/``; and the one search for report files in it.

The search (:func:`find_reports`) is used wherever report files are looked for: ``validate``,
``build`` and ``status`` over ``entries/``, and the mail engine's index of what ``entries/``
holds.  Nothing is skipped silently: a folder that cannot be read, a broken link, a link leading
out of the workspace is an error naming the path.
"""

from __future__ import annotations

import glob
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from briefing.errors import BriefingError, Problem
from briefing.report.config import Config, load_config
from briefing.workspace.files import reason

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
