"""Drafts and published issues (issue 11, items 2, 4 and 5): ``build`` makes a 征求意见稿 and
takes no 期号; ``publish`` numbers in the order of publication, never twice, keeps exactly what
went out and refuses suspicious figures unless confirmed; ``diff`` says what changed since."""

from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefing.cli import cli
from helpers import add_report

AFTER_W17 = {"BRIEFING_TODAY": "2023-05-08"}  # a Monday: weeks 16 and 17 have ended


def run(*args, env=AFTER_W17):
    return CliRunner().invoke(cli, [str(a) for a in args], env=env)


def publish(config: Path, week: str, *more: str, env=AFTER_W17):
    return run("publish", "--config", config, "--week", week, "--format", "md", *more, env=env)


def masthead(path: Path) -> str:
    """The 期号 line of a Markdown edition."""
    return next(line for line in path.read_text(encoding="utf-8").splitlines() if "期" in line and line.startswith("**"))


def published_files(config: Path) -> dict[str, bytes]:
    folder = config.parent / "output" / "已印发"
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_drafts_take_no_number_and_say_they_are_drafts(sample):
    output = sample.parent / "output"
    for _ in range(2):
        result = run("build", "--config", sample, "--week", "2023-W17", "--format", "md,docx,xlsx")
        assert result.exit_code == 0, result.output
    names = sorted(p.name for p in output.iterdir())
    assert names == ["招商工作简报-2023-W17-征求意见稿.docx", "招商工作简报-2023-W17-征求意见稿.md",
                     "招商工作简报-2023-W17-征求意见稿.xlsx"]
    assert masthead(output / names[1]) == "**第　期（征求意见稿）**"
    from docx import Document

    paragraphs = [p.text for p in Document(output / names[0]).paragraphs[:3]]
    assert "第　期（征求意见稿）" in paragraphs
    assert not (sample.parent / ".briefing" / "publications.json").exists()
    assert publish(sample, "2023-W17").exit_code == 0
    assert masthead(output / "招商工作简报-2023-W17.md") == "**第1期**"   # the two drafts used no number


def test_numbers_follow_publication_order_and_are_never_reused(sample):
    output = sample.parent / "output"
    assert publish(sample, "2023-W17").exit_code == 0
    assert publish(sample, "2023-W16").exit_code == 0
    assert masthead(output / "招商工作简报-2023-W17.md") == "**第1期**"
    assert masthead(output / "招商工作简报-2023-W16.md") == "**第2期**"
    run("build", "--config", sample, "--week", "2023-W15", "--format", "md")
    for path in output.glob("*.md"):   # deleting drafts and editions changes no number
        path.unlink()
    assert publish(sample, "2023-W15").exit_code == 0
    assert masthead(output / "招商工作简报-2023-W15.md") == "**第3期**"
    listed = run("numbers", "--config", sample, "--year", "2023")
    assert listed.exit_code == 0
    assert [line.split()[:2] for line in listed.output.splitlines()[1:]] == [
        ["第1期", "2023-W17"], ["第2期", "2023-W16"], ["第3期", "2023-W15"]]


def test_publishing_a_week_again_needs_correct_which_keeps_the_number_and_both_versions(sample):
    assert publish(sample, "2023-W16").exit_code == 0
    assert publish(sample, "2023-W17").exit_code == 0
    again = publish(sample, "2023-W16")
    assert again.exit_code == 1 and "已经印发为第1期" in again.output and "--correct" in again.output
    corrected = publish(sample, "2023-W16", "--correct")
    assert corrected.exit_code == 0, corrected.output
    assert masthead(sample.parent / "output" / "招商工作简报-2023-W16.md") == "**第1期（更正）**"
    kept = published_files(sample)
    assert sorted(kept) == ["2023-第1期-2023-W16-更正1/招商工作简报-2023-W16.md",
                            "2023-第1期-2023-W16/招商工作简报-2023-W16.md",
                            "2023-第2期-2023-W17/招商工作简报-2023-W17.md"]
    assert b"**\xe7\xac\xac1\xe6\x9c\x9f**" in kept["2023-第1期-2023-W16/招商工作简报-2023-W16.md"]  # **第1期**
    assert publish(sample, "2023-W15", "--correct").exit_code == 2   # nothing to correct


def test_a_given_number_must_be_unused(sample):
    assert publish(sample, "2023-W16", "--issue", "4").exit_code == 0
    taken = publish(sample, "2023-W17", "--issue", "4")
    assert taken.exit_code == 2 and "第4期已经用于 2023-W16" in taken.output
    assert publish(sample, "2023-W17").exit_code == 0
    assert masthead(sample.parent / "output" / "招商工作简报-2023-W17.md") == "**第5期**"


def test_numbers_of_the_old_per_build_numbering_count_as_used(sample):
    state = sample.parent / ".briefing"
    state.mkdir()
    (state / "issues.json").write_text(json.dumps({"2023": {f"2023-W0{n}": n for n in range(1, 6)}}), encoding="utf-8")
    assert publish(sample, "2023-W17").exit_code == 0
    assert masthead(sample.parent / "output" / "招商工作简报-2023-W17.md") == "**第6期**"


@pytest.mark.parametrize("name", ["issues.json", "publications.json"])
@pytest.mark.parametrize("content", ["null", "[1, 2]", "{", "\xff", '{"issues": [{"week": "2023-W16"}]}', '"x"'])
def test_a_damaged_numbering_record_stops_publish_naming_it(sample, name, content):
    state = sample.parent / ".briefing"
    state.mkdir()
    (state / name).write_bytes(content.encode("utf-8", "surrogateescape") if content != "\xff" else b"\xff")
    result = publish(sample, "2023-W17")
    assert result.exit_code == 1, result.output
    assert f"期号记录 {state / name} 已损坏" in result.output and "不会从第1期重新编号" in result.output
    assert not (sample.parent / "output" / "招商工作简报-2023-W17.md").exists()


def test_a_failed_publish_leaves_no_numbered_file_and_takes_no_number(sample):
    """The hostile re-check's r08, with publish: the second edition cannot be written."""
    output = sample.parent / "output"
    (output / "招商工作简报-2023-W17.docx").mkdir(parents=True)
    failed = run("publish", "--config", sample, "--week", "2023-W17", "--format", "md,docx")
    assert failed.exit_code == 1 and "同名的文件夹" in failed.output
    assert sorted(p.name for p in output.rglob("*")) == ["招商工作简报-2023-W17.docx"]   # only the folder
    assert publish(sample, "2023-W16").exit_code == 0
    assert masthead(output / "招商工作简报-2023-W16.md") == "**第1期**"


def test_the_published_copy_is_read_only_and_unchanged_by_later_reports_and_diff_names_the_unit(sample):
    assert publish(sample, "2023-W17").exit_code == 0
    before = published_files(sample)
    copy = sample.parent / "output" / "已印发" / "2023-第1期-2023-W17" / "招商工作简报-2023-W17.md"
    assert not os.stat(copy).st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH) or os.name == "nt"
    report = sample.parent / "entries" / "2023-W17" / "昌吉市.yaml"
    report.write_text(report.read_text(encoding="utf-8").replace("funds: 1.37", "funds: 2.37"), encoding="utf-8")
    drafted = run("build", "--config", sample, "--week", "2023-W17", "--format", "md")
    assert drafted.exit_code == 0 and published_files(sample) == before
    assert "这一周已印发为第1期" in drafted.stdout and "昌吉市的报告在印发后有变动" in drafted.stdout
    diff = run("diff", "--config", sample, "--week", "2023-W17")
    assert diff.exit_code == 0, diff.output
    assert "今年以来到位资金（亿元）：已印发 295.18 → 现在 296.18" in diff.output
    assert "昌吉市：entries/2023-W17/昌吉市.yaml（更改，" in diff.output
    assert re.search(r"− [^\n]*295\.18亿元", diff.output) and re.search(r"＋ [^\n]*296\.18亿元", diff.output), diff.output


def test_funds_typed_in_wan_stop_publish_naming_file_and_line_unless_accepted(sample):
    report = sample.parent / "entries" / "2023-W17" / "昌吉市.yaml"
    text = report.read_text(encoding="utf-8")
    line = next(n for n, row in enumerate(text.splitlines(), 1) if "funds: 1.37" in row)
    report.write_text(text.replace("funds: 1.37", "funds: 13700"), encoding="utf-8")
    stopped = publish(sample, "2023-W17")
    assert stopped.exit_code == 1
    assert f"{report.relative_to(sample.parent).as_posix()}:{line}:" in stopped.output.replace(os.sep, "/")
    assert "--accept-warnings" in stopped.output and not (sample.parent / "output").exists()
    drafted = run("build", "--config", sample, "--week", "2023-W17", "--format", "md")  # a draft goes through
    assert drafted.exit_code == 0 and "请先核对以下" in drafted.stderr
    assert drafted.stderr.index("请先核对以下") < len(drafted.stderr)
    accepted = publish(sample, "2023-W17", "--accept-warnings")
    assert accepted.exit_code == 0, accepted.output
    assert masthead(sample.parent / "output" / "招商工作简报-2023-W17.md") == "**第1期**"


def test_a_week_not_ended_cannot_be_published_and_its_draft_says_incomplete(sample):
    friday = {"BRIEFING_TODAY": "2023-04-28"}   # Friday of week 17: the week being reported is week 17
    refused = run("publish", "--config", sample, "--format", "md", env=friday)
    assert refused.exit_code == 1 and "2023年第17周（4月24日至30日）还没有结束" in refused.output
    drafted = run("build", "--config", sample, "--format", "md", env=friday)
    assert drafted.exit_code == 0 and "周次：2023年第17周（4月24日至30日）" in drafted.stderr
    assert "还没有结束，这份征求意见稿的数字不完整" in drafted.stderr



def test_a_week_is_not_published_on_its_own_sunday_but_on_the_monday_after(sample):
    """2023-W17 runs from Monday 4月24日 to Sunday 4月30日: on that Sunday it has not ended yet."""
    sunday = publish(sample, "2023-W17", env={"BRIEFING_TODAY": "2023-04-30"})
    assert sunday.exit_code == 1
    assert "2023年第17周（4月24日至30日）还没有结束（到4月30日），不能印发" in sunday.output
    assert not (sample.parent / "output" / "已印发").exists()
    assert not (sample.parent / ".briefing" / "publications.json").exists()
    monday = publish(sample, "2023-W17", env={"BRIEFING_TODAY": "2023-05-01"})
    assert monday.exit_code == 0, monday.output
    assert masthead(sample.parent / "output" / "招商工作简报-2023-W17.md") == "**第1期**"

def test_a_draft_of_a_week_long_past_is_dated_the_monday_after_it(sample):
    drafted = run("build", "--config", sample, "--week", "2023-W16", "--format", "md", env={"BRIEFING_TODAY": "2023-05-15"})
    assert drafted.exit_code == 0 and "用这一周后的周一（2023年4月24日）" in drafted.stderr
    text = (sample.parent / "output" / "招商工作简报-2023-W16-征求意见稿.md").read_text(encoding="utf-8")
    assert "2023年4月24日" in text
    recent = run("build", "--config", sample, "--week", "2023-W16", "--format", "md", env={"BRIEFING_TODAY": "2023-05-07"})
    assert "2023年5月7日" in (sample.parent / "output" / "招商工作简报-2023-W16-征求意见稿.md").read_text(encoding="utf-8")
    assert "周一" not in recent.stderr


def test_a_draft_before_anyone_reported_this_week_is_of_the_latest_week_with_reports(sample):
    """`pip install . && briefing build` in the sample workspace must work on any date: with no
    report yet for the reporting week, the draft is of the latest earlier week, and says so; a
    typed week and publish stay strict."""
    later = {"BRIEFING_TODAY": "2026-11-28"}                  # 2026-W48: nobody has reported
    made = run("build", "--config", sample, "--format", "md", env=later)
    assert made.exit_code == 0, made.output
    assert "2026年第48周（11月23日至29日）还没有单位报送" in made.output and "（2023年第17周）的征求意见稿" in made.output
    assert (sample.parent / "output" / "招商工作简报-2023-W17-征求意见稿.md").is_file()
    strict = run("build", "--config", sample, "--week", "2026-W48", "--format", "md", env=later)
    assert strict.exit_code == 1 and "没有2026年第48周" in strict.output
    refused = run("publish", "--config", sample, "--format", "md", env=later)
    assert refused.exit_code == 1 and "不能印发" in refused.output
    assert not (sample.parent / "output" / "已印发").exists()


def test_prospect_says_what_publish_would_do_without_doing_it(sample, monkeypatch):
    """The web page's publish form shows :func:`prospect`; it must agree with ``publish``."""
    from briefing.actions.publish import prospect
    from briefing.workspace.layout import open_workspace

    monkeypatch.setenv("BRIEFING_TODAY", AFTER_W17["BRIEFING_TODAY"])
    ws = open_workspace(sample)
    first = prospect(ws, "2023-W17")
    assert (first.issue, first.earlier, first.refusal, first.published) == (1, [], None, False)
    assert not (sample.parent / ".briefing" / "publications.json").exists()  # nothing taken
    assert publish(sample, "2023-W17").exit_code == 0
    done = prospect(ws, "2023-W17")
    assert (done.issue, [p.issue for p in done.earlier], done.published) == (1, [1], True)  # a correction keeps it
    assert prospect(ws, "2023-W16").issue == 2
    assert prospect(ws, "2023-W19").refusal.startswith("2023年第19周（5月8日至14日）还没有结束（到5月14日），不能印发")
    assert prospect(ws).week.iso == "2023-W18"  # default: the reporting week


def _edit_entry(config: Path, **changes) -> None:
    register = config.parent / ".briefing" / "publications.json"
    data = json.loads(register.read_text(encoding="utf-8"))
    data["issues"][0].update(changes)
    register.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


@pytest.mark.parametrize("changes", [{"date": "昨天"}, {"date": 20230508}, {"markdown": 5}, {"figures": None},
                                     {"folder": ["x"]}, {"published": 1}, {"reports": {"a.yaml": 1}},
                                     {"markdown": "/etc/passwd"}, {"figures": "../figures.json"},
                                     {"markdown": "C:\\Windows\\win.ini"}, {"figures": ".briefing/../../x.json"}])
def test_a_damaged_or_planted_entry_stops_every_reader_naming_the_record(sample, changes):
    """Only the week and number of an entry were checked: a date that is no date, a path that is no
    text ended diff and build in an internal error; a path leading out of the workspace made diff
    print another file's lines as the published sentences."""
    assert publish(sample, "2023-W17").exit_code == 0
    _edit_entry(sample, **changes)
    register = sample.parent / ".briefing" / "publications.json"
    for command in (["diff", "--week", "2023-W17"], ["build", "--week", "2023-W17", "--format", "md"],
                    ["numbers", "--year", "2023"]):
        result = run(*command, "--config", sample)
        assert result.exit_code == 1, (command, result.output)
        assert f"期号记录 {register} 已损坏" in result.output, result.output
        assert "root:" not in result.output


@pytest.mark.parametrize("field", ["markdown", "figures"])
@pytest.mark.parametrize("plant", ["fifo", "device", "link", "folder"])
def test_a_planted_published_record_is_read_as_a_regular_file_only(sample, field, plant):
    """A named pipe hung diff and build for ever, /dev/zero filled the memory, a link was followed
    out of the workspace: the published Markdown and figures are read as the tool's own records
    (files.read_record), and anything else is a message naming the file."""
    if plant == "fifo" and not hasattr(os, "mkfifo"):
        pytest.skip("no named pipes on this system")
    assert publish(sample, "2023-W17").exit_code == 0
    register = json.loads((sample.parent / ".briefing" / "publications.json").read_text(encoding="utf-8"))
    path = sample.parent / register["issues"][0][field]
    os.chmod(path, stat.S_IWUSR | stat.S_IRUSR)
    path.unlink()
    if plant == "fifo":
        os.mkfifo(path)
    elif plant == "device":
        path.symlink_to(os.devnull if os.name == "nt" else "/dev/zero")
    elif plant == "link":
        outside = sample.parent.parent / "outside.txt"
        outside.write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
        path.symlink_to(outside)
    else:
        path.mkdir()
    for command in (["diff"], ["build", "--format", "md"]):
        result = run(*command, "--config", sample, "--week", "2023-W17")
        assert result.exit_code == 1, (command, result.output)
        assert f"已印发版本的记录 {register['issues'][0][field]}" in result.output, result.output
        assert "root:" not in result.output
