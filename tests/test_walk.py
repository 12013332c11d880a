"""Finding the reports: a folder that cannot be read, or a link that is not followed, is an error
naming it, never a silent gap in the figures; links that stay inside the workspace are followed.

The tests run as root, for whom permissions do not stop reading, so an unreadable folder is
simulated where the operating system reports it: ``os.scandir`` raising ``PermissionError``.
"""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefing.cli import cli
from helpers import add_report


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def _unreadable(monkeypatch, folder: Path) -> None:
    real = os.scandir
    target = os.path.realpath(folder)

    def scandir(path="."):
        if os.path.realpath(path) == target:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)


def _built(config: Path, *args: str) -> str:
    result = run("build", "--config", str(config), "--week", "2023-W02", "--format", "md", "--no-cache", *args)
    assert result.exit_code == 0, result.output
    return Path(result.stdout.split()[-1]).read_text(encoding="utf-8")


def test_an_unreadable_folder_stops_validate_build_and_shows_in_status(small, monkeypatch):
    folder = small.parent / "entries" / "2023-W01"
    _unreadable(monkeypatch, folder)
    result = run("validate", "--config", str(small))
    assert result.exit_code == 1 and "全部正确" not in result.output
    assert f"{folder}:1:1: 错误: 无法读取这个文件夹（没有权限" in result.output and "无法读取" in result.output
    result = run("build", "--config", str(small), "--week", "2023-W02", "--format", "md")
    assert result.exit_code == 1 and str(folder) in result.output and "未生成简报" in result.output
    assert not (small.parent / "output").exists()
    result = run("status", "--config", str(small), "--week", "2023-W02")
    assert result.exit_code == 0 and str(folder) in result.output and "没有统计" in result.output
    result = run("status", "--config", str(small), "--week", "2023-W01", "--missing")
    assert str(folder) in result.stderr and result.stdout.split() == ["A县", "B县", "C园区"]


def test_an_unreadable_folder_reported_through_os_walk_stops_build(small, monkeypatch):
    folder = small.parent / "entries" / "2023-W01"
    real = os.walk

    def walk(top, topdown=True, onerror=None, followlinks=False):
        for current, dirs, files in real(top, topdown, onerror, followlinks):
            if os.path.realpath(current) == os.path.realpath(folder):
                onerror(PermissionError(errno.EACCES, "Permission denied", current))
                continue
            yield current, dirs, files

    monkeypatch.setattr(os, "walk", walk)
    result = run("build", "--config", str(small), "--week", "2023-W02", "--format", "md")
    assert result.exit_code == 1 and f"{folder}:1:1: 错误: 无法读取这个文件夹" in result.output


def test_an_unreadable_entries_folder_is_named_too(small, monkeypatch):
    _unreadable(monkeypatch, small.parent / "entries")
    result = run("validate", "--config", str(small))
    assert result.exit_code == 1 and str(small.parent / "entries") in result.output and "全部正确" not in result.output


def test_a_folder_linked_from_inside_the_workspace_is_followed(small):
    expected = _built(small)
    root = small.parent
    shutil.move(root / "entries" / "2023-W01", root / "shared-W01")
    (root / "entries" / "2023-W01").symlink_to(Path("..") / "shared-W01", target_is_directory=True)
    result = run("validate", "--config", str(small))
    assert result.exit_code == 0 and "检查了 5 个文件" in result.output
    assert _built(small) == expected


def test_a_link_leading_out_of_the_workspace_is_refused_by_name(small, tmp_path):
    outside = tmp_path / "elsewhere"
    shutil.move(small.parent / "entries" / "2023-W01", outside)
    link = small.parent / "entries" / "2023-W01"
    link.symlink_to(outside, target_is_directory=True)
    (small.parent / "entries" / "2023-W02" / "C园区.yaml").symlink_to(tmp_path / "elsewhere" / "A县.yaml")
    result = run("validate", "--config", str(small))
    assert result.exit_code == 1 and "全部正确" not in result.output
    assert f"{link}:1:1: 错误: 这个快捷方式（符号链接）指向工作目录以外的 {outside}" in result.output
    assert "C园区.yaml:1:1: 错误: 这个快捷方式（符号链接）指向工作目录以外" in result.output
    result = run("build", "--config", str(small), "--week", "2023-W02", "--format", "md")
    assert result.exit_code == 1 and str(link) in result.output and not (small.parent / "output").exists()


def test_broken_links_and_link_loops_are_named_not_followed_forever(small):
    entries = small.parent / "entries"
    (entries / "2023-W02" / "loop").symlink_to(entries, target_is_directory=True)
    (entries / "2023-W03").symlink_to(entries / "nowhere", target_is_directory=True)
    (entries / "2023-W02" / "C园区.yaml").symlink_to(entries / "nothing.yaml")
    result = run("validate", "--config", str(small))
    assert result.exit_code == 1
    assert f"{entries / '2023-W02' / 'loop'}:1:1: 错误: 这个文件夹与已经检查过的 {entries} 是同一个" in result.output
    assert f"{entries / '2023-W03'}:1:1: 错误: 这个快捷方式（符号链接）指向的文件或文件夹不存在" in result.output
    assert "C园区.yaml:1:1: 错误: 这个快捷方式（符号链接）指向的文件或文件夹不存在" in result.output


def test_a_folder_given_on_the_command_line_may_lie_outside_the_workspace(small, tmp_path):
    outside = tmp_path / "inbox"
    shutil.copytree(small.parent / "entries" / "2023-W02", outside)
    (outside / ".store").mkdir()
    shutil.move(outside / "A县.yaml", outside / ".store" / "A县.yaml")
    (outside / "linked").symlink_to(outside / ".store", target_is_directory=True)  # inside the folder given
    (outside / "notes.txt").symlink_to(tmp_path / "gone.txt")  # not a report: neither read nor an error
    result = run("validate", "--config", str(small), str(outside))
    assert result.exit_code == 0 and "检查了 2 个文件" in result.output, result.output


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0 or shutil.which("setpriv") is None,
                    reason="needs root to run a check as another user")
def test_a_really_unreadable_folder_as_another_user(small, tmp_path):
    """The same without simulation: ``validate`` run as ``nobody`` on a folder it may not read
    (only possible where the interpreter is reachable by that user)."""
    import subprocess
    import sys

    probe = subprocess.run(["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", sys.executable, "-c",
                            "import briefing.cli"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip("the interpreter or the package is not readable by nobody here")
    import tempfile

    base = Path(tempfile.mkdtemp(prefix="briefing-walk-"))  # pytest's own folders are private to root
    try:
        root = base / "shared"
        shutil.copytree(small.parent, root)
        for path in [base, root, *root.rglob("*")]:
            os.chmod(path, 0o755 if path.is_dir() else 0o644)
        os.chmod(root / "entries" / "2023-W01", 0o000)
        done = subprocess.run(["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", sys.executable,
                               "-m", "briefing", "validate", "--config", str(root / "briefing.yaml")],
                              capture_output=True, env=dict(os.environ, BRIEFING_NO_CACHE="1"))
    finally:
        os.chmod(base / "shared" / "entries" / "2023-W01", 0o755)
        shutil.rmtree(base)
    out = done.stdout.decode() + done.stderr.decode()
    assert done.returncode == 1 and str(root / "entries" / "2023-W01") in out and "全部正确" not in out, out


def test_notepads_yaml_txt_is_read_as_a_report(small):
    add_report(small, "2023-W02/C园区.yaml.txt", "unit: C园区\nweek: 2023-W02\nreporter: 丙\n")
    result = run("status", "--config", str(small), "--week", "2023-W02", "--missing")
    assert result.output == ""


def test_wildcards_are_expanded_by_the_program(small):
    entries = small.parent / "entries" / "2023-W02"
    result = run("validate", "--config", str(small), str(entries / "*.yaml"))
    assert result.exit_code == 0 and "检查了 2 个文件" in result.output
    result = run("validate", "--config", str(small), str(entries / "*.nothing"))
    assert result.exit_code == 2 and "没有与" in result.output
