"""Folders the tool cannot write, and files where folders should be: every case ends with a
Chinese message naming the path and what to do (exit 1), never "程序内部错误", and nothing is
half-written.

The tests run as root, whom a read-only folder does not stop, so a read-only folder is
simulated where the operating system would refuse: the ``os`` calls that create, replace or
remove something inside it raise ``PermissionError``.  ``tests/test_walk.py`` has a check as a
real unprivileged user.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefing.cli import cli

from helpers import recorded_issues
from conftest import write_mail
from helpers import build_week
from briefing.errors import BriefingError

WEEK = ["--week", "2023-W02"]


def run(*args: str):
    return CliRunner().invoke(cli, [str(a) for a in args])


def _read_only(monkeypatch, folder: Path) -> None:
    """Make ``folder`` behave as read-only for this process."""
    top = os.path.realpath(folder)

    def inside(path) -> bool:
        return os.path.realpath(os.fsdecode(path)).startswith(top + os.sep)

    def guard(real, writes=lambda *a, **k: True):
        def call(path, *args, **kwargs):
            if inside(path) and writes(path, *args, **kwargs):
                raise PermissionError(errno.EACCES, "Permission denied", os.fsdecode(path))
            return real(path, *args, **kwargs)
        return call

    creating = os.O_WRONLY | os.O_RDWR | os.O_CREAT
    monkeypatch.setattr(os, "open", guard(os.open, lambda path, flags, *a, **k: flags & creating))
    for name in ("mkdir", "unlink", "rmdir"):
        monkeypatch.setattr(os, name, guard(getattr(os, name)))
    for name in ("replace", "rename", "link"):
        real = getattr(os, name)

        def two(src, dst, *args, _real=real, **kwargs):
            if inside(src) or inside(dst):
                raise PermissionError(errno.EACCES, "Permission denied", os.fsdecode(dst))
            return _real(src, dst, *args, **kwargs)

        monkeypatch.setattr(os, name, two)


def _snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _no_leftovers(root: Path) -> None:
    assert not [p for p in root.rglob("*") if p.name.endswith((".tmp", ".lock"))]


def _refused(result, path: Path, *words: str) -> None:
    assert result.exit_code == 1, result.output
    assert "程序内部错误" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert str(path) in result.output, result.output
    for word in words:
        assert word in result.output, result.output


def _mail(tmp_path: Path) -> Path:
    return write_mail(tmp_path / "a.eml", "unit: A县\nweek: 2023-W02\nreporter: 新\n", "A县.yaml")


def test_a_read_only_output_folder(small, monkeypatch):
    output = small.parent / "output"
    output.mkdir()
    _read_only(monkeypatch, output)
    result = run("build", "--config", small, *WEEK)
    _refused(result, output, "无法在文件夹", "只读")
    monkeypatch.undo()
    assert list(output.iterdir()) == []
    assert recorded_issues(small.parent / ".briefing") in ({}, {"2023": {}})  # the number was given back
    _no_leftovers(small.parent)


@pytest.mark.parametrize("command", ["build", "ingest"])
@pytest.mark.parametrize("exists", [True, False])
def test_a_read_only_state_folder(small, monkeypatch, tmp_path, exists, command):
    state = small.parent / ".briefing"
    mail = _mail(tmp_path)
    if exists:
        state.mkdir()
        _read_only(monkeypatch, state)
    else:  # the workspace itself is read-only: .briefing cannot be made
        _read_only(monkeypatch, small.parent)
    if command == "build":
        result = run("build", "--config", small, *WEEK, "--format", "md")
    else:  # the ingest lock cannot be made: the lock's own message, not a generic one
        result = run("ingest", "--config", small, mail)
    _refused(result, state if exists else small.parent, "无法在文件夹", "只读")
    monkeypatch.undo()
    assert not (small.parent / "output").exists()
    _no_leftovers(small.parent)


def test_output_is_a_file(small):
    output = small.parent / "output"
    output.write_text("不是文件夹", encoding="utf-8")
    result = run("build", "--config", small, *WEEK)
    _refused(result, output, "是一个文件，不是文件夹", "改名或移走")
    assert output.read_text(encoding="utf-8") == "不是文件夹"
    assert recorded_issues(small.parent / ".briefing") in ({}, {"2023": {}})
    _no_leftovers(small.parent)


def test_entries_is_a_file(small, tmp_path):
    entries = small.parent / "entries"
    for path in sorted(entries.rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()
    entries.rmdir()
    entries.write_text("不是文件夹", encoding="utf-8")
    for command in (["build", *WEEK], ["validate"], ["status"], ["status", "--missing"]):
        result = run(command[0], "--config", small, *command[1:])
        _refused(result, entries, "是一个文件，不是文件夹", "改名或移走")
        assert "未报送" not in result.output
    result = run("ingest", "--config", small, _mail(tmp_path))
    _refused(result, entries, "是一个文件，不是文件夹")
    assert entries.read_text(encoding="utf-8") == "不是文件夹"
    _no_leftovers(small.parent)


def test_a_read_only_archive_folder_for_ingest(small, monkeypatch, tmp_path):
    archive = small.parent / "archive"
    archive.mkdir()
    before = _snapshot(small.parent / "entries")
    _read_only(monkeypatch, archive)
    result = run("ingest", "--config", small, _mail(tmp_path))
    _refused(result, archive, "只读")
    monkeypatch.undo()
    assert _snapshot(small.parent / "entries") == before
    assert list(archive.iterdir()) == []
    _no_leftovers(small.parent)
    result = run("ingest", "--config", small, _mail(tmp_path))  # once writable again, it goes through
    assert result.exit_code == 0 and "已替换旧版" in result.output, result.output


def test_a_read_only_week_folder_for_ingest(small, monkeypatch, tmp_path):
    week = small.parent / "entries" / "2023-W02"
    before = _snapshot(week)
    _read_only(monkeypatch, week)
    result = run("ingest", "--config", small, _mail(tmp_path))
    _refused(result, week, "只读")
    monkeypatch.undo()
    assert _snapshot(week) == before
    _no_leftovers(small.parent)


def test_rebuild_is_atomic_when_writing_fails(small, monkeypatch):
    [path] = build_week(small, "2023-W02")
    before = path.read_bytes()
    import briefing.workspace.files

    def crash(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(briefing.workspace.files.os, "replace", crash)
    with pytest.raises(BriefingError, match="无法写入"):
        build_week(small, "2023-W02", issue=4)
    assert path.read_bytes() == before
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary file left
