"""``briefing status`` (who has reported) and ``briefing remind`` (催报 over SMTP)."""

from __future__ import annotations

import datetime as dt
import re
import textwrap
from email import policy
from email.parser import BytesParser

import yaml
from click.testing import CliRunner

import mailcorpus
from briefing.actions.build import build
from briefing.cli import cli
from briefing.actions.status import week_status
from briefing.workspace.layout import open_workspace
from briefing.fmt import width
from conftest import SMALL_CONFIG, SMALL_REPORTS, write_workspace
from helpers import add_report
from servers import SMTP_PASSWORD, SMTP_USER


def run(*args, env=None):
    return CliRunner().invoke(cli, list(args), env=env)


def test_missing_names_exactly_the_units_without_a_report(small):
    result = run("status", "--config", str(small), "--week", "2023-W02", "--missing")
    assert result.exit_code == 0 and result.output.splitlines() == ["C园区"]
    result = run("status", "--config", str(small), "--week", "2023-W01", "--missing")
    assert result.output.splitlines() == ["B县", "C园区"]
    assert run("status", "--config", str(small), "--week", "2023-W03", "--missing").output.splitlines() == [
        "A县", "B县", "C园区"]


def test_status_table_shows_state_records_and_faulty_files_with_exit_0(small):
    entries = small.parent / "entries"
    (entries / "2023-W02" / "C.yaml").write_text("unit: C园区\nweek: 2023-W02\nreporter: 丙\ntrips: x\n",
                                                 encoding="utf-8")
    (entries / "2023-W02" / "junk.yaml").write_text("这不是报告", encoding="utf-8")
    monday = {"BRIEFING_TODAY": "2023-01-16"}  # Monday of week 3: the week being reported is week 2
    result = run("status", "--config", str(small), env=monday)  # default: the reporting week
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "周次：2023年第2周（1月9日至15日）（本周，按今天的日期和 switch_day 确定；其他周用 --week 指定）"
    assert lines[1] == "2023年第2周（1月9日至15日）报送情况"
    a = next(line for line in lines if line.startswith("A县"))
    assert "已报送" in a and a.split()[-1] == "5"            # 2 trips + 1 event + 2 projects (conftest)
    c = next(line for line in lines if line.startswith("C园区"))
    assert "有错误" in c and "briefing validate" in c
    assert "应报 3 个单位：已报送 2，有错误 1，未报送 0。" in result.output
    assert "junk.yaml" in result.output
    assert run("status", "--config", str(small), "--missing", "--week", "2023-W02").output == ""



def test_a_broken_leftover_beside_a_valid_report_does_not_hide_that_the_unit_reported(small):
    """A county re-sent its report under another name and the old draft is broken: the valid
    report stands (已报送, its 5 records), the draft's error is noted, nobody counts as 有错误."""
    (small.parent / "entries" / "2023-W02" / "A县-草稿.yaml").write_text(
        "unit: A县\nweek: 2023-W02\nreporter: 甲\ntrips: x\n", encoding="utf-8")
    units = {u.unit: u for u in week_status(open_workspace(small), "2023-W02").units}
    a = units["A县"]
    assert (a.state, a.records, a.errors, len(a.files)) == ("已报送", 5, 1, 2)
    result = run("status", "--config", str(small), "--week", "2023-W02")
    assert result.exit_code == 0, result.output
    line = next(line for line in result.output.splitlines() if line.startswith("A县"))
    assert line.split()[1] == "已报送" and "1处错误，请运行 briefing validate 查看" in line
    assert "应报 3 个单位：已报送 2，有错误 0，未报送 1。" in result.output

def _mail_workspace(tmp_path, port=None):
    config = mailcorpus.CONFIG
    if port:
        config = config.replace("mail:\n", f"mail:\n  smtp:\n    host: 127.0.0.1\n    port: {port}\n    ssl: false\n"
                                           f"    user: {SMTP_USER}\n")
    path = write_workspace(tmp_path / "ws", config=config, reports={})
    (path.parent / "entries").mkdir()
    return path


def test_status_reads_the_ingest_log_and_flags_corrections_after_the_build(tmp_path):
    corpus = mailcorpus.build(tmp_path / "corpus")
    config = _mail_workspace(tmp_path)
    first = [corpus.eml / f"{name}.eml" for name in ("m01", "m02", "m03")]
    assert run("ingest", "--config", str(config), *map(str, sorted(first))).exit_code == 0
    ws = open_workspace(config)
    status = {u.unit: u for u in week_status(ws, "2023-W17").units}
    assert status["A县"].sender == mailcorpus.A and status["A县"].state == "已报送"
    build(ws, week="2023-W17", formats=["md"], issue=1, date=dt.date(2023, 4, 28))
    result = run("ingest", "--config", str(config), *map(str, corpus.sources))
    assert result.exit_code == 0, result.output
    status = {u.unit: u for u in week_status(ws, "2023-W17").units}
    assert any("重新生成简报" in n for n in status["A县"].notes), status["A县"].notes  # m08 corrected A县
    assert status["A县"].versions == 3 and status["A县"].notes[0] == "共报送3版，用最新一版"
    assert not any("重新生成简报" in n for n in status["B县"].notes)   # only m02 (and its copy)


def test_remind_is_a_dry_run_by_default(tmp_path, smtp_sink):
    config = _mail_workspace(tmp_path, smtp_sink.port)
    (config.parent / "entries" / "a.yaml").write_text(
        "unit: A县\nweek: 2023-W17\nreporter: 甲\n", encoding="utf-8")
    result = run("remind", "--config", str(config), "--week", "2023-W17")
    assert result.exit_code == 0, result.output
    assert "B县：B@County.Example、b-backup@county.example" in result.output
    assert "C园区：c@park.example" in result.output and "A县：" not in result.output
    assert "没有发送" in result.output and smtp_sink.received == []


def test_remind_sends_polite_chinese_reminders_with_a_blank_report(tmp_path, smtp_sink):
    config = _mail_workspace(tmp_path, smtp_sink.port)
    (config.parent / "entries" / "a.yaml").write_text(
        "unit: A县\nweek: 2023-W17\nreporter: 甲\n", encoding="utf-8")
    result = run("remind", "--config", str(config), "--week", "2023-W17", "--send",
                 env={"BRIEFING_SMTP_PASSWORD": SMTP_PASSWORD})
    assert result.exit_code == 0, result.output
    assert "B县：已发送至" in result.output and "C园区：已发送至 c@park.example" in result.output
    assert smtp_sink.logins == [(SMTP_USER.encode(), SMTP_PASSWORD.encode())]
    got = {}
    for recipients, raw in smtp_sink.received:
        message = BytesParser(policy=policy.default).parsebytes(raw)
        for to in recipients:
            got[to.lower()] = message
    assert set(got) == {"b@county.example", "b-backup@county.example", "c@park.example"}, smtp_sink.received
    message = got["c@park.example"]
    assert str(message["Subject"]) == "【催报】C园区2023年第17周招商工作周报"
    body = message.get_body().get_content()
    assert "尚未收到贵单位2023年第17周（4月24日至30日）的招商工作周报" in body and "测试州商务局" in body
    form, attachment = list(message.iter_attachments())
    assert form.get_filename() == "C园区-2023-W17-填报.html" and form.get_content_type() == "text/html"
    page = form.get_payload(decode=True).decode("utf-8")
    assert '"unit":"C园区","week":"2023-W17"' in page and "default-src 'none'" in page
    assert "附件“C园区-2023-W17-填报.html”是填报页面" in body
    assert attachment.get_filename() == "C园区.yaml"
    assert attachment.get_content_charset() == "utf-8"
    blank = yaml.safe_load(attachment.get_payload(decode=True).decode("utf-8"))
    assert blank["unit"] == "C园区" and blank["week"] == "2023-W17"


def test_remind_without_smtp_settings_says_what_to_configure(tmp_path):
    config = _mail_workspace(tmp_path)
    result = run("remind", "--config", str(config), "--week", "2023-W17", "--send")
    assert result.exit_code == 2 and "mail.smtp" in result.output and "Traceback" not in result.output


def test_remind_when_everyone_reported(small):
    add_report(small, "2023-W02/C园区.yaml", "unit: C园区\nweek: 2023-W02\nreporter: 丙\n")
    for send in ((), ("--send",)):  # nothing to send: no preview, and no SMTP settings needed
        result = run("remind", "--config", str(small), "--week", "2023-W02", *send)
        assert result.exit_code == 0 and result.output == "2023年第2周所有单位都已报送，无需催报。\n", result.output


def test_remind_stops_before_sending_when_a_folder_cannot_be_read(tmp_path, smtp_sink, monkeypatch):
    """Hostile re-check r06: the reports in an unreadable folder were taken for missing and their
    units reminded.  Root reads any folder, so the refusal is simulated where the system gives it."""
    import errno
    import os

    config = _mail_workspace(tmp_path, smtp_sink.port)
    week = config.parent / "entries" / "2023-W17"
    week.mkdir(parents=True)
    (week / "B县.yaml").write_text("unit: B县\nweek: 2023-W17\nreporter: 乙\n", encoding="utf-8")
    real = os.scandir

    def denied(path="."):
        if os.path.abspath(path) == str(week):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", denied)
    for send in ((), ("--send",)):
        result = run("remind", "--config", str(config), "--week", "2023-W17", *send,
                     env={"BRIEFING_SMTP_PASSWORD": SMTP_PASSWORD})
        assert result.exit_code == 1, result.output
        assert str(week) in result.output and "没有权限" in result.output and "没有发送任何催报" in result.output
        assert "B县：" not in result.output  # no preview either
    assert smtp_sink.received == []




def test_a_rejected_correction_and_quarantined_mail_show_next_to_the_report_that_stands(tmp_path):
    config = _mail_workspace(tmp_path)
    good = mailcorpus.mail(mailcorpus.B, "s1", [(mailcorpus.B_W17, "B.yaml")], day=26, hour=9)
    bad = mailcorpus.mail(mailcorpus.B, "s2", [(mailcorpus.B_W17.replace(b"reporter:", b"reporter: [x]\nfoo:"),
                                                "B.yaml")], day=27, hour=10)
    stranger = mailcorpus.mail(mailcorpus.STRANGER, "s3", [(mailcorpus.B_W17.replace(b"B\xe5\x8e\xbf", b"C\xe5\x9b\xad\xe5\x8c\xba"),
                                                            "C.yaml")], day=27, hour=11)
    for name, raw in (("good", good), ("bad", bad), ("stranger", stranger)):
        (tmp_path / f"{name}.eml").write_bytes(raw)
        assert run("ingest", "--config", str(config), str(tmp_path / f"{name}.eml")).exit_code == 0
    status = {u.unit: u for u in week_status(open_workspace(config), "2023-W17").units}
    b, c, a = status["B县"], status["C园区"], status["A县"]
    assert (b.state, b.code) == ("已报送", "reported")
    [note] = [n for n in b.notes if n.startswith("有更正被退回")]
    assert re.fullmatch(r"有更正被退回（04-2[67] \d\d:00，b@county.example：第3行第11列：.*填成了列表）", note)  # when, who, why
    assert (c.state, c.code) == ("报送被隔离", "quarantined")
    assert re.match(r"邮件报送被隔离（未入库）（04-2[67] \d\d:00，evil@attacker.example：.*不在 briefing.yaml 的 senders", c.notes[0])
    assert (a.state, a.code) == ("未报送", "missing")
    table = run("status", "--config", str(config), "--week", "2023-W17").output
    assert "有更正被退回" in table and "应报 3 个单位：已报送 1，有错误 0，未报送 2。" in table




def test_status_counts_every_item_of_every_event_kind(small):
    add_report(small, "2023-W03/A县.yaml", """\
        unit: A县
        week: 2023-W03
        reporter: 甲
        events:
          - {name: 推介会, kind: 推介会, date: 2023-01-17, place: 深圳市}
          - {name: 仪式一, kind: 签约仪式, date: 2023-01-17, place: 深圳市}
          - {name: 仪式二, kind: 签约仪式, date: 2023-01-18, place: 深圳市}
          - {name: 接待一, kind: 考察接待, date: 2023-01-18, place: A县}
          - {name: 接待二, kind: 考察接待, date: 2023-01-19, place: A县}
          - {name: 接待三, kind: 考察接待, date: 2023-01-19, place: A县}
        signings:
          - {project: 甲项目, investor: 甲公司, industry: 新能源, investment: 1, date: 2023-01-18}
        """)
    add_report(small, "2023-W03/B县.yaml", """\
        unit: B县
        week: 2023-W03
        reporter: 乙
        events:
          - {name: 接待, kind: 考察接待, date: 2023-01-18, place: B县}
        """)
    units = {u.unit: u for u in week_status(open_workspace(small), "2023-W03").units}
    assert (units["A县"].records, units["B县"].records, units["C园区"].records) == (1 + 2 + 3 + 1, 1, None)


def test_status_columns_line_up_for_wide_unit_names(tmp_path):
    config = SMALL_CONFIG.replace("  - A县\n", "  - Ａ县经济技术开发区\n").replace("    A县: 10\n", "")
    path = write_workspace(tmp_path / "ws", config=config, reports={
        "2023-W02/B县.yaml": textwrap.dedent(SMALL_REPORTS["2023-W02/B县.yaml"])})
    lines = run("status", "--config", str(path), "--week", "2023-W02").output.splitlines()
    table = lines[1:6]                                   # header, rule, three units
    assert table[2].startswith("Ａ县经济技术开发区") and table[3].startswith("B县") and table[4].startswith("C园区")
    def starts(line):  # the display column where each cell begins (cells are two spaces apart)
        return [width(line[:m.start()]) for m in re.finditer(r"\S+(?: \S+)*", line)][:5]
    assert starts(table[0]) == [0, 20, 28, 41, 49]     # 18 + 2, 6 + 2, 11 + 2, 6 + 2
    assert all(starts(line) == starts(table[0]) for line in table), table
    assert width(table[2].split("  ")[0]) == width("Ａ县经济技术开发区") == 18
