"""The command line: help everywhere, exit codes, Chinese messages, no tracebacks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefing.cli import cli

from conftest import write_mail, write_workspace
from helpers import add_report


def run(*args, cwd=None, env=None):
    runner = CliRunner()
    if cwd is None:
        return runner.invoke(cli, list(args), env=env)
    old = os.getcwd()
    os.chdir(cwd)
    try:
        return runner.invoke(cli, list(args), env=env)
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
    result = run("build", "--date", "2023-01-16", "--format", "md", cwd=small.parent,
                 env={"BRIEFING_TODAY": "2023-01-16"})  # Monday of week 3: week 2 is being reported
    assert result.exit_code == 0, result.output
    written = small.parent / "output" / "招商工作简报-2023-W02-征求意见稿.md"
    assert result.stdout.strip() == str(Path("output") / written.name)  # paths only on stdout
    assert "周次：2023年第2周（1月9日至15日）" in result.stderr
    assert "警告: 到位资金100亿元" in result.stderr
    assert "2023年1月16日" in written.read_text(encoding="utf-8")


def test_build_options(small, tmp_path):
    out = tmp_path / "out"
    result = run("build", "--config", str(small), "--week", "2023-W1", "--format", "md", "--output", str(out))
    assert result.exit_code == 0, result.output
    text = (out / "招商工作简报-2023-W01-征求意见稿.md").read_text(encoding="utf-8")
    assert "**第　期（征求意见稿）**" in text


def test_build_refuses_invalid_reports(small):
    (small.parent / "entries" / "x.yaml").write_text("unit: Z县\nweek: 2023-W02\nreporter: 甲\n", encoding="utf-8")
    result = run("build", "--config", str(small), "--week", "2023-W02")
    assert result.exit_code == 1 and "x.yaml:1:7: 错误:" in result.output and "未生成简报" in result.output
    assert not (small.parent / "output").exists()


@pytest.mark.parametrize("args,needle,code", [
    (("--week", "2023-17"), "周次", 2), (("--week", "2023-W30"), "没有2023年第30周（7月24日至30日）的报告", 1),
    (("--format", "pdfx"), "不支持的格式", 2), (("--date", "昨天"), "日期", 2),
    (("--date", "2026-13-01"), "日期 2026-13-01 不存在：月份应为 1～12", 2),
    (("--date", "2023-02-29"), "2023年2月只有 28 天", 2),
])
def test_build_bad_arguments(small, args, needle, code):
    """A mistake in the command line is bad usage (exit 2); a week nobody reported is about the data (exit 1)."""
    result = run("build", "--config", str(small), "--week", "2023-W02", *args)
    assert result.exit_code == code and needle in result.output and "Traceback" not in result.output


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
    assert result.exit_code == 0 and "招商工作简报-2023-W02-征求意见稿.md" in result.stdout
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


def test_python_dash_m_briefing_cli_still_works():
    """``briefing.cli`` was a module that ran as a script; as a package it still does."""
    done = subprocess.run([sys.executable, "-m", "briefing.cli", "--version"], capture_output=True)
    assert done.returncode == 0 and done.stdout.decode("utf-8") == "briefing 版本 0.1.0\n"


HEAVY = ("pydantic", "yaml", "jinja2", "docx", "docxtpl", "openpyxl", "matplotlib", "markdown_it", "imap_tools",
         "starlette", "uvicorn")


def test_the_command_line_imports_no_heavy_library_before_a_command_runs():
    """``briefing --help`` starts fast: the command modules import the libraries inside the commands."""
    done = subprocess.run([sys.executable, "-c", "import sys, briefing.cli; print(' '.join(sys.modules))"],
                          capture_output=True, check=True)
    loaded = {name.partition(".")[0] for name in done.stdout.decode("utf-8").split()}
    assert "click" in loaded and not loaded & set(HEAVY), sorted(loaded & set(HEAVY))


def test_every_command_module_stays_small():
    """The commands are grouped by task in ``briefing/cli/``; a module past 250 lines is split again."""
    package = Path(sys.modules["briefing.cli"].__file__).parent
    sizes = {path.name: len(path.read_text(encoding="utf-8").splitlines()) for path in package.glob("*.py")}
    assert len(sizes) >= 6
    assert max(sizes.values()) <= 250, sizes


def test_output_files_are_readable_by_others(small):
    [line] = run("build", "--config", str(small), "--week", "2023-W02", "--format", "md").stdout.split()
    assert os.stat(line).st_mode & 0o044 == 0o044 or os.name == "nt"


COMMANDS_WITH_OUTPUT = [
    ["validate"], ["build", "--week", "2023-W17", "--format", "md"], ["status"], ["status", "--missing"],
    ["remind"], ["new", "昌吉市"], ["schema"], ["numbers"], ["--help"], ["--version"], ["build", "--help"],
    ["publish", "--week", "2023-W16", "--format", "md"], ["diff", "--week", "2023-W16"],
    ["ingest", "mail.eml"], ["ingest", "--undo"], ["init", "new-workspace"],
]


@pytest.mark.parametrize("args", COMMANDS_WITH_OUTPUT, ids=lambda args: "-".join(args))
def test_every_command_ends_quietly_when_its_output_is_closed(sample, args):
    """`briefing … | head -1` where head has gone: exit 0, nothing on stderr but our own lines."""
    root = sample.parent
    write_mail(root / "mail.eml", (root / "entries" / "2023-W17" / "昌吉市.yaml").read_text(encoding="utf-8"))
    env = dict(os.environ, BRIEFING_TODAY="2023-05-01")
    if args[0] in ("diff", "ingest") and args[1:] != ["mail.eml"]:   # something to compare or undo
        subprocess.run([sys.executable, "-m", "briefing", "publish", "--week", "2023-W16", "--format", "md"],
                       cwd=root, env=env, check=True, capture_output=True)
        subprocess.run([sys.executable, "-m", "briefing", "ingest", "mail.eml"], cwd=root, env=env, check=True,
                       capture_output=True)
    read, write = os.pipe()
    os.close(read)  # the reader is gone before the first line
    done = subprocess.run([sys.executable, "-m", "briefing", *args], cwd=root, env=env, stdout=write,
                          stderr=subprocess.PIPE)
    os.close(write)
    error = done.stderr.decode("utf-8", "replace")
    assert done.returncode == 0, error
    assert "Traceback" not in error and "内部错误" not in error and "Exception" not in error


def test_switch_day_in_the_config_moves_this_week(small):
    config = small.read_text(encoding="utf-8")
    small.write_text(config + "switch_day: 周一\n", encoding="utf-8")
    monday = {"BRIEFING_TODAY": "2023-01-09"}   # Monday of week 2
    result = run("new", "A县", "--config", str(small), env=monday)
    assert result.exit_code == 0 and "week: 2023-W02" in result.stdout
    assert "周次：2023年第2周（1月9日至15日）" in result.stderr
    small.write_text(config + "switch_day: 星期八\n", encoding="utf-8")
    result = run("new", "A县", "--config", str(small), env=monday)
    assert result.exit_code == 1 and "“星期八”不是星期几" in result.output


def test_remind_preview_without_smtp_does_not_ask_for_send(small):
    result = run("remind", "--config", str(small), "--week", "2023-W02")
    assert result.exit_code == 0, result.output
    assert "没有配置发件服务器 mail.smtp" in result.output and "加 --send 发送" not in result.output


def test_distribution_names_keep_their_chinese_commas(small):
    text = small.read_text(encoding="utf-8").replace("  报: [州领导]", "  报: [省商务厅，市政府办公室、州领导]")
    small.write_text(text, encoding="utf-8")
    assert run("validate", "--config", str(small)).exit_code == 0
    from briefing.report.config import load_config

    assert load_config(small).distribution.报 == ["省商务厅，市政府办公室、州领导"]
    small.write_text(text.replace("industries: [新能源, 新材料]", "industries: [新能源，新材料]"), encoding="utf-8")
    result = run("validate", "--config", str(small))   # elsewhere a Chinese comma in a list is a typing mistake
    assert result.exit_code == 1 and "方括号列表里用了中文标点" in result.output


def test_config_mistakes_are_all_listed_with_the_report_hints(small):
    text = small.read_text(encoding="utf-8")
    text = text.replace("bureau: 测试州商务局", "bureau：测试州商务局").replace("    A县: 10", "    A县：10")
    small.write_text(text, encoding="utf-8")
    result = run("validate", "--config", str(small))
    assert result.exit_code == 1
    assert f"{small}:1:7: 错误: “bureau”后面是中文冒号“：”，请改成英文冒号“:”，并在冒号后空一格" in result.output
    assert "“A县”后面是中文冒号“：”" in result.output
