"""期号: parallel builds never share a number, a failed build gives its number back, and a
damaged ``issues.json`` stops the build with a message instead of a wrong or odd number."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefing.actions import build as build_module
from briefing.actions.build import build
from briefing.cli import cli
from briefing.errors import BriefingError
from briefing.weeks import Week
from briefing.workspace.layout import open_workspace
from helpers import recorded_issues
from test_cli import run


def _issue(path: Path) -> int:
    return int(re.search(r"第(\d+)期", path.read_text(encoding="utf-8")).group(1))


def build_week(config: Path, week: str, **kwargs) -> Path:
    [path] = build(open_workspace(config), week=week, formats=["md"], date=dt.date(2023, 5, 5), **kwargs)
    return path


# Each process waits for the go file, so the four builds really overlap, and renders slowly, so
# all four are between choosing a number and writing their files at the same time.
PARALLEL = textwrap.dedent("""
    import datetime as dt, os, sys, time
    from briefing.actions import build as b
    from briefing.workspace.layout import open_workspace
    render = b.RENDERERS["md"]
    def slow(*args):
        time.sleep(1.0)
        return render(*args)
    b.RENDERERS["md"] = slow
    while not os.path.exists(sys.argv[2]):
        time.sleep(0.01)
    [path] = b.build(open_workspace(sys.argv[1]), week=sys.argv[3], formats=["md"], date=dt.date(2023, 5, 5))
    print(path)
""")


def test_parallel_builds_of_different_weeks_never_share_a_number(sample, tmp_path):
    go = tmp_path / "go"
    weeks = ["2023-W14", "2023-W15", "2023-W16", "2023-W17"]
    processes = [subprocess.Popen([sys.executable, "-c", PARALLEL, str(sample), str(go), week],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE) for week in weeks]
    go.touch()
    outputs = [p.communicate(timeout=300) for p in processes]
    assert [p.returncode for p in processes] == [0, 0, 0, 0], [err.decode() for _, err in outputs]
    numbers = {week: _issue(Path(out.decode().strip())) for week, (out, _) in zip(weeks, outputs)}
    assert sorted(numbers.values()) == [1, 2, 3, 4]
    assert recorded_issues(sample.parent / ".briefing") == {"2023": numbers}
    assert not (sample.parent / ".briefing" / "issues.json.lock").exists()


def test_a_failed_build_gives_its_number_back(small, monkeypatch):
    assert _issue(build_week(small, "2023-W01")) == 1

    def broken(*args):
        raise BriefingError("渲染失败")

    monkeypatch.setitem(build_module.RENDERERS, "md", broken)
    with pytest.raises(BriefingError, match="渲染失败"):
        build_week(small, "2023-W02")
    with pytest.raises(BriefingError, match="渲染失败"):
        build_week(small, "2023-W01", issue=7)  # an override that fails keeps the old number
    assert recorded_issues(small.parent / ".briefing") == {"2023": {"2023-W01": 1}}
    monkeypatch.undo()
    assert _issue(build_week(small, "2023-W02")) == 2
    assert _issue(build_week(small, "2023-W01")) == 1


def test_a_number_held_by_a_running_build_is_not_given_to_another_week(small, monkeypatch):
    from briefing.workspace.numbering import reserve

    state = small.parent / ".briefing"
    with pytest.raises(RuntimeError):
        with reserve(state, Week.parse("2023-W01")) as first:
            with reserve(state, Week.parse("2023-W02")) as second:  # started while the first was still running
                pass
            raise RuntimeError("the first build fails after the second succeeded")
    assert (first, second) == (1, 2)
    assert recorded_issues(state) == {"2023": {"2023-W02": 2}}
    with reserve(state, Week.parse("2023-W03")) as third:
        assert third == 3  # never a second 第2期


def test_two_builds_of_the_same_week_one_failing_keep_the_number_the_other_printed(small):
    from briefing.workspace.numbering import reserve

    state = small.parent / ".briefing"
    with pytest.raises(RuntimeError):
        with reserve(state, Week.parse("2023-W02")) as failing:
            with reserve(state, Week.parse("2023-W02")) as succeeding:
                pass
            raise RuntimeError
    assert failing == succeeding == 1 and recorded_issues(state) == {"2023": {"2023-W02": 1}}


@pytest.mark.parametrize("text", ["{", "[1]", '{"2023": [1]}', '{"2023": {"2023-W02": [1]}}',
                                  '{"2023": {"2023-W02": "7"}}', '{"2023": {"2023-W02": 0}}',
                                  '{"2023": {"2023-W02": true}}', '{"2023": {"W02": 3}}', "", "\xff\xfe"])
def test_a_damaged_issue_registry_stops_the_build_with_its_name(small, text):
    state = small.parent / ".briefing"
    state.mkdir()
    registry = state / "issues.json"
    registry.write_bytes(text.encode("latin-1"))
    result = CliRunner().invoke(cli, ["build", "--config", str(small), "--week", "2023-W02"])
    assert result.exit_code == 1, result.output
    assert f"期号记录 {registry} 已损坏" in result.output and "--issue" in result.output
    assert "程序内部错误" not in result.output and "第[" not in result.output
    assert not (small.parent / "output").exists()
    assert registry.read_bytes() == text.encode("latin-1")  # left for the clerk to repair
    # with --issue the clerk still cannot build: the registry would be overwritten
    result = CliRunner().invoke(cli, ["build", "--config", str(small), "--week", "2023-W02", "--issue", "5"])
    assert result.exit_code == 1 and "已损坏" in result.output


def test_a_folder_in_place_of_the_registry_is_named(small):
    (small.parent / ".briefing" / "issues.json").mkdir(parents=True)
    result = CliRunner().invoke(cli, ["build", "--config", str(small), "--week", "2023-W02", "--format", "md"])
    assert result.exit_code == 1 and "issues.json 已损坏（不是普通文件" in result.output


def test_a_damaged_build_record_only_loses_its_notes(small):
    state = small.parent / ".briefing"
    state.mkdir()
    (state / "builds.json").write_text("[1, 2", encoding="utf-8")
    result = CliRunner().invoke(cli, ["build", "--config", str(small), "--week", "2023-W02", "--format", "md"])
    assert result.exit_code == 0, result.output
    assert list(json.loads((state / "builds.json").read_text(encoding="utf-8"))) == ["2023-W02"]
    assert CliRunner().invoke(cli, ["status", "--config", str(small), "--week", "2023-W02"]).exit_code == 0


def test_issue_numbers_are_assigned_once_per_week_and_year(small):
    assert _issue(build_week(small, "2023-W01")) == 1
    assert _issue(build_week(small, "2023-W02")) == 2
    assert _issue(build_week(small, "2023-W01")) == 1   # a rebuild keeps its number
    assert _issue(build_week(small, "2023-W02", issue=9)) == 9
    assert _issue(build_week(small, "2023-W02")) == 9   # the override is recorded
    assert _issue(build_week(small, "2022-W05")) == 1   # numbering restarts each year


def test_issue_number_reuse_and_thin_weeks_are_pointed_out(small):
    first = run("build", "--config", str(small), "--week", "2023-W01", "--format", "md")
    assert first.exit_code == 0 and "只有 1 个单位报送（共 3 个）" in first.stderr
    second = run("build", "--config", str(small), "--week", "2023-W02", "--format", "md", "--issue", "1")
    assert second.exit_code == 0 and "第1期已经用于 2023-W01" in second.stderr


def test_the_next_issue_after_an_explicit_number_follows_it(tmp_path):
    from briefing.workspace.numbering import issue_number, reserve

    state = tmp_path / "state"
    state.mkdir()
    with reserve(state, Week(2023, 1)) as number:
        assert number == 1
    with reserve(state, Week(2023, 2), override=7) as number:
        assert number == 7
    assert issue_number(state, Week(2023, 3)) == 8            # 7 + 1, not 1 + 1
    assert recorded_issues(state) == {"2023": {"2023-W01": 1, "2023-W02": 7}}
    with reserve(state, Week(2023, 3)) as number:
        assert number == 8
    assert issue_number(state, Week(2023, 2)) == 7 and issue_number(state, Week(2023, 2), override=3) == 3
    assert issue_number(state, Week(2024, 1)) == 1            # a new year starts again


def test_a_failed_build_with_an_explicit_number_gives_it_back(tmp_path):
    from briefing.workspace.numbering import issue_number, reserve

    state = tmp_path / "state"
    state.mkdir()
    with reserve(state, Week(2023, 1)):
        pass
    with pytest.raises(RuntimeError):
        with reserve(state, Week(2023, 2), override=7):
            raise RuntimeError("render failed")
    assert recorded_issues(state) == {"2023": {"2023-W01": 1}} and issue_number(state, Week(2023, 3)) == 2


def test_the_next_build_after_issue_7_prints_8(small):
    add_report_w03 = small.parent / "entries" / "2023-W03" / "A县.yaml"
    add_report_w03.parent.mkdir()
    add_report_w03.write_text("unit: A县\nweek: 2023-W03\nreporter: 甲\n", encoding="utf-8")
    assert _issue(build_week(small, "2023-W01")) == 1
    assert _issue(build_week(small, "2023-W02", issue=7)) == 7
    assert _issue(build_week(small, "2023-W03")) == 8
