"""What keeps plausible-looking mistakes out of the briefing, and the clerk's tools usable on
Windows: warnings for suspicious figures, errors in unrelated weeks, Notepad's .yaml.txt,
wildcards, a GBK console."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

from click.testing import CliRunner

from briefing.cli import cli
from briefing.load import parse_bytes
from briefing.model import parse_money



def run(*args, cwd=None):
    return CliRunner().invoke(cli, list(args))


def _report(tmp_path, name, text):
    path = tmp_path / "ws" / "entries" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_amounts_probably_in_the_wrong_unit_are_warned_about_not_refused(small):
    path = _report(small.parent.parent, "2023-W02/C.yaml", """\
        unit: C园区
        week: 2023-W02
        reporter: 丙
        projects:
          - {project: 大项目, investor: x, kind: 新建, origin: 区外, stage: 开工, funds: 25000}
        signings:
          - {project: 大签约, investor: x, industry: 新能源, investment: 35600, date: 2023-01-10}
        """)
    result = run("validate", "--config", str(small), str(path))
    assert result.exit_code == 0
    assert f"{path}:5:73: 警告: 到位资金25000亿元" in result.output and "请写成“25000万元”" in result.output
    assert "警告: 总投资35600亿元" in result.output and "请写成“35600万元”" in result.output
    build = run("build", "--config", str(small), "--week", "2023-W02", "--format", "md")
    assert build.exit_code == 0 and "警告: 到位资金25000亿元" in build.stderr


def test_an_amount_past_the_ceiling_is_an_error_that_suggests_yuan(small):
    path = _report(small.parent.parent, "2023-W02/C.yaml", """\
        unit: C园区
        week: 2023-W02
        reporter: 丙
        signings:
          - {project: 大签约, investor: x, industry: 新能源, investment: 3560000000, date: 2023-01-10}
        """)
    result = run("validate", "--config", str(small), str(path))
    assert result.exit_code == 1
    assert f"{path}:5:60: 错误: " in result.output and "请写成“3560000000元”" in result.output


def test_a_week_that_does_not_fit_its_folder_or_its_dates_is_warned_about(small):
    path = _report(small.parent.parent, "2023-W02/C.yaml", """\
        unit: C园区
        week: 2023-W27
        reporter: 丙
        trips:
          - {leader: 某, title: 县长, start: 2023-01-10, destinations: [北京], negotiated: 1}
        """)
    result = run("validate", "--config", str(small), str(path))
    assert result.exit_code == 0
    assert f"{path}:2:7: 警告: 文件放在“2023-W02”文件夹里，但周次写的是 2023-W27" in result.output
    assert "报告里的日期都不在 2023-W27 前后两周内" in result.output


def test_a_dash_without_a_space_is_an_error_not_a_merged_destination(tmp_path, config):
    doc = parse_bytes("trips:\n  - destinations:\n      -北京市\n      - 广东省佛山市\n".encode(), "r.yaml")
    assert [(p.line, p.col) for p in doc.problems] == [(3, 7)] and "- 北京市" in doc.problems[0].message


def test_errors_in_other_weeks_do_not_stop_the_briefing_but_are_listed(small):
    _report(small.parent.parent, "2023-W05/A县.yaml", "unit: A县\nweek: 2023-W05\nreporter: 甲\ntrips: x\n")
    result = run("build", "--config", str(small), "--week", "2023-W02", "--format", "md")
    assert result.exit_code == 0, result.output
    assert "不是本期简报用到的周次" in result.stderr and "2023-W05/A县.yaml:4:8: 错误" in result.stderr
    # the same error in a week the briefing uses stops it
    _report(small.parent.parent, "2023-W01/C.yaml", "unit: C园区\nweek: 2023-W01\nreporter: 丙\ntrips: x\n")
    result = run("build", "--config", str(small), "--week", "2023-W02", "--format", "md")
    assert result.exit_code == 1 and "2023-W01/C.yaml:4:8: 错误" in result.output and "未生成简报" in result.output


def test_notepads_yaml_txt_is_read_as_a_report(small):
    _report(small.parent.parent, "2023-W02/C园区.yaml.txt", "unit: C园区\nweek: 2023-W02\nreporter: 丙\n")
    result = run("status", "--config", str(small), "--week", "2023-W02", "--missing")
    assert result.output == ""


def test_wildcards_are_expanded_by_the_program(small):
    entries = small.parent / "entries" / "2023-W02"
    result = run("validate", "--config", str(small), str(entries / "*.yaml"))
    assert result.exit_code == 0 and "检查了 2 个文件" in result.output
    result = run("validate", "--config", str(small), str(entries / "*.nothing"))
    assert result.exit_code == 2 and "没有与" in result.output


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


def test_comma_as_decimal_point_is_explained():
    try:
        parse_money("35,6")
    except ValueError as error:
        assert "小数点" in str(error)
    else:
        raise AssertionError("35,6 must not be accepted")


def test_new_does_not_overwrite_a_filled_report(small, tmp_path):
    target = tmp_path / "A县.yaml"
    target.write_text("已经填好的内容\n", encoding="utf-8")
    result = run("new", "--config", str(small), "A县", "--week", "2023-W02", "-o", str(target))
    assert result.exit_code == 1 and "已存在" in result.output
    assert target.read_text(encoding="utf-8") == "已经填好的内容\n"


def test_issue_number_reuse_and_thin_weeks_are_pointed_out(small):
    first = run("build", "--config", str(small), "--week", "2023-W01", "--format", "md")
    assert first.exit_code == 0 and "只有 1 个单位报送（共 3 个）" in first.stderr
    second = run("build", "--config", str(small), "--week", "2023-W02", "--format", "md", "--issue", "1")
    assert second.exit_code == 0 and "第1期已经用于 2023-W01" in second.stderr


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
