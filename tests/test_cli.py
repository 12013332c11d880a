"""The command line: help everywhere, exit codes, Chinese messages, no tracebacks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefing.cli import cli

from conftest import write_workspace
from helpers import add_report


def run(*args, cwd=None):
    runner = CliRunner()
    if cwd is None:
        return runner.invoke(cli, list(args))
    old = os.getcwd()
    os.chdir(cwd)
    try:
        return runner.invoke(cli, list(args))
    finally:
        os.chdir(old)


def _commands():
    return sorted(cli.commands)


@pytest.mark.parametrize("name", _commands())
def test_every_command_has_chinese_help_with_an_example(name):
    result = run(name, "--help")
    assert result.exit_code == 0
    assert "示例" in result.output and "briefing " + name in result.output
    assert "用法：" in result.output and "Usage" not in result.output and "Show this message" not in result.output


def test_top_level_help_and_version():
    result = run("--help")
    assert result.exit_code == 0 and "招商工作简报" in result.output and "命令" in result.output
    assert "0." in run("--version").output


def test_usage_errors_are_chinese_with_exit_2():
    result = run("build", "--nope")
    assert result.exit_code == 2 and "没有选项" in result.output and "No such" not in result.output
    assert run("frobnicate").exit_code == 2


def test_validate_exit_codes(small, tmp_path):
    assert run("validate", "--config", str(small)).exit_code == 0
    bad = small.parent / "entries" / "bad.yaml"
    bad.write_text("unit: A县\nweek: 2023-W02\nreporter: 甲\ntrips:\n  - negotiated: 6个\n", encoding="utf-8")
    result = run("validate", "--config", str(small))
    assert result.exit_code == 1
    assert f"{bad}:5:17: 错误: “negotiated”（对接洽谈项目数（个））：不要带单位，请把“6个”改成 6\n" in result.output
    assert "Traceback" not in result.output
    assert run("validate", "--config", str(small), str(tmp_path / "nowhere")).exit_code == 2
    assert run("validate", "--config", str(tmp_path / "missing.yaml")).exit_code == 2


def test_validate_defaults_to_entries_beside_the_config(small, tmp_path):
    result = run("validate", cwd=small.parent)
    assert result.exit_code == 0 and "检查了 5 个文件，没有错误，但有 1 处提示请核对。" in result.output
    assert "A县-2022-W05.yaml:10:12: 警告: 到位资金100亿元" in result.output  # a warning, not an error


def test_build_from_the_workspace_folder_defaults(small):
    result = run("build", "--date", "2023-01-16", "--format", "md", cwd=small.parent)
    assert result.exit_code == 0, result.output
    written = small.parent / "output" / "招商工作简报-2023-W02.md"
    assert result.stdout.strip() == str(Path("output") / "招商工作简报-2023-W02.md")  # paths only on stdout
    assert "警告: 到位资金100亿元" in result.stderr
    assert "2023年1月16日" in written.read_text(encoding="utf-8")


def test_build_options(small, tmp_path):
    out = tmp_path / "out"
    result = run("build", "--config", str(small), "--week", "2023-W1", "--format", "md", "--output", str(out),
                 "--issue", "7")
    assert result.exit_code == 0, result.output
    text = (out / "招商工作简报-2023-W01.md").read_text(encoding="utf-8")
    assert "**第7期**" in text


def test_build_refuses_invalid_reports(small):
    (small.parent / "entries" / "x.yaml").write_text("unit: Z县\nweek: 2023-W02\nreporter: 甲\n", encoding="utf-8")
    result = run("build", "--config", str(small))
    assert result.exit_code == 1 and "x.yaml:1:7: 错误:" in result.output and "未生成简报" in result.output
    assert not (small.parent / "output").exists()


@pytest.mark.parametrize("args,needle", [
    (("--week", "2023-17"), "周次"), (("--week", "2023-W30"), "没有 2023-W30 的报告"),
    (("--format", "pdfx"), "不支持的格式"), (("--date", "昨天"), "日期"), (("--issue", "0"), "“0”不是正整数"),
])
def test_build_bad_arguments(small, args, needle):
    result = run("build", "--config", str(small), *args)
    assert result.exit_code in (1, 2) and needle in result.output and "Traceback" not in result.output


def test_missing_config_tells_what_to_do(tmp_path):
    result = run("build", cwd=tmp_path)
    assert result.exit_code == 2 and "找不到简报配置文件" in result.output and "briefing init" in result.output


def test_invalid_config_is_located(tmp_path):
    config = write_workspace(tmp_path / "ws", config="bureau: 局\nunits: [A县]\nindustries: [新能源]\ntargets:\n  2023:\n    B县: 1\n",
                             reports={})
    result = run("validate", "--config", str(config))
    assert result.exit_code == 1 and f"{config}:6:5: 错误: “B县”不是 units 中的单位" in result.output


def test_installed_command_runs_from_any_folder(small, tmp_path):
    exe = Path(sys.executable).parent / "briefing"
    if not exe.exists():
        pytest.skip("briefing is not installed as a command in this environment")
    result = subprocess.run([str(exe), "validate", "--config", str(small)], cwd=tmp_path, capture_output=True)
    assert result.returncode == 0 and "没有错误" in result.stdout.decode("utf-8")


def test_errors_in_other_weeks_do_not_stop_the_briefing_but_are_listed(small):
    add_report(small, "2023-W05/A县.yaml", "unit: A县\nweek: 2023-W05\nreporter: 甲\ntrips: x\n")
    result = run("build", "--config", str(small), "--week", "2023-W02", "--format", "md")
    assert result.exit_code == 0, result.output
    assert "不是本期简报用到的周次" in result.stderr and "2023-W05/A县.yaml:4:8: 错误" in result.stderr
    # the same error in a week the briefing uses stops it
    add_report(small, "2023-W01/C.yaml", "unit: C园区\nweek: 2023-W01\nreporter: 丙\ntrips: x\n")
    result = run("build", "--config", str(small), "--week", "2023-W02", "--format", "md")
    assert result.exit_code == 1 and "2023-W01/C.yaml:4:8: 错误" in result.output and "未生成简报" in result.output


def test_a_gbk_console_does_not_crash_the_error_list(small, tmp_path):
    bad = tmp_path / "r.yaml"
    bad.write_text("unit: A县\nweek: 2023-W02\nreporter: 甲\ntrips:\n  - negotiated: 6😀\n", encoding="utf-8")
    env = dict(os.environ, PYTHONIOENCODING="gbk")
    done = subprocess.run([sys.executable, "-m", "briefing", "validate", "--config", str(small), str(bad)],
                          capture_output=True, env=env)
    assert done.returncode == 1
    out = done.stdout.decode("gbk")
    assert "r.yaml:5:17: 错误" in out and "程序内部错误" not in done.stderr.decode("gbk")


def test_full_width_digits_in_week_are_normalised(small):
    result = run("build", "--config", str(small), "--week", "２０２３-W０２", "--format", "md")
    assert result.exit_code == 0 and "招商工作简报-2023-W02.md" in result.stdout
    result = run("build", "--config", str(small), "--week", "2023-W99", "--format", "md")
    assert result.exit_code == 2 and "2023年没有第99周" in result.output


def test_an_empty_config_gets_a_config_message(tmp_path):
    config = tmp_path / "briefing.yaml"
    config.write_text("# 空\n", encoding="utf-8")
    result = run("validate", "--config", str(config))
    assert result.exit_code == 1 and "配置文件是空的" in result.output and "报告" not in result.output.split("\n")[0]


def test_python_dash_m_briefing_works(tmp_path):
    done = subprocess.run([sys.executable, "-m", "briefing", "--help"], capture_output=True)
    assert done.returncode == 0 and "招商工作简报" in done.stdout.decode("utf-8")


def test_output_files_are_readable_by_others(small):
    [line] = run("build", "--config", str(small), "--week", "2023-W02", "--format", "md").stdout.split()
    assert os.stat(line).st_mode & 0o044 == 0o044 or os.name == "nt"
