"""What a report may not contain: a week not yet begun, impossible amounts and counts,
characters that Word and Excel cannot hold, and line breaks that would become Markdown."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from pydantic import ValidationError

from briefing.report.fields import MAX_AMOUNT, parse_count, parse_money
from briefing.report.model import Report
from briefing.weeks import Week, current_week
from helpers import validate_bytes

from test_cli import run
from helpers import add_report

HEAD = "unit: A县\nweek: 2023-W02\nreporter: 甲\n"


def _problems(config, text):
    report, problems = validate_bytes(text.encode("utf-8"), "r.yaml", config)
    assert report is None, "expected the report to be refused"
    return [(p.line, p.col, p.message) for p in problems if p.is_error]


# ---------------------------------------------------------------- item 12: a week not yet begun


def test_current_week_follows_briefing_today(monkeypatch):
    monkeypatch.setenv("BRIEFING_TODAY", "2023-04-28")   # a Friday: ISO week 17
    assert current_week() == Week(2023, 17)
    monkeypatch.setenv("BRIEFING_TODAY", "2023-01-01")   # a Sunday: still the last ISO week of 2022
    assert current_week() == Week(2022, 52)


def test_a_week_after_the_current_one_is_refused_with_its_position(monkeypatch, config):
    monkeypatch.setenv("BRIEFING_TODAY", "2023-01-15")   # Sunday of 2023-W02
    report, problems = validate_bytes(HEAD.encode(), "r.yaml", config)
    assert report is not None and not problems          # this week is fine
    errors = _problems(config, HEAD.replace("2023-W02", "2023-W03"))
    assert errors[0][:2] == (2, 7) and "2023-W03" in errors[0][2] and "2023-W02" in errors[0][2]


def test_a_far_future_week_is_refused_by_validate(small):
    bad = small.parent / "entries" / "future.yaml"
    bad.write_text(HEAD.replace("2023-W02", "2199-W01"), encoding="utf-8")
    result = run("validate", "--config", str(small))
    assert result.exit_code == 1
    assert f"{bad}:2:7: 错误: " in result.output and "2199-W01" in result.output


def test_the_sample_stays_valid_today(sample):
    assert run("validate", "--config", str(sample)).exit_code == 0


def test_a_malformed_briefing_today_is_a_usage_error(small, monkeypatch):
    monkeypatch.setenv("BRIEFING_TODAY", "明天")
    result = run("validate", "--config", str(small))
    assert result.exit_code == 2 and "BRIEFING_TODAY" in result.output and "Traceback" not in result.output


# ---------------------------------------------------------------- item 13: one ceiling, exact digits


@pytest.mark.parametrize("raw", [
    "99999999999999999999",        # 20 digits: the fast path once skipped the ceiling
    "1000000", "1000000亿元", "1e6", "10000000000万元", "100000000000000元", 10 ** 6, D(10 ** 6),
])
def test_one_amount_ceiling_for_every_path(raw):
    with pytest.raises(ValueError, match="一百万亿元"):
        parse_money(raw)


def test_just_under_the_ceiling_is_kept_exactly():
    assert MAX_AMOUNT == D(1_000_000)
    assert parse_money("999999.9999999999") == D("999999.9999999999")   # 分 in 亿元: 10 decimals
    assert parse_money("99999999999999.99元") == D("999999.9999999999")
    assert parse_money("1.23元") == D("1.23E-8")


@pytest.mark.parametrize("raw", [
    "0.123456789012345678901234567890123",   # 33 significant digits: once rounded silently
    "1.23456789012345678901234567890123元",
    "35.12345678901",                         # 11 decimals in 亿元: below one 分
    "1.234元", "3560.1234567万元",
])
def test_more_digits_than_can_be_kept_exactly_are_refused(raw):
    with pytest.raises(ValueError, match="精确到分"):
        parse_money(raw)


def test_trailing_zeros_are_not_digits_lost():
    assert parse_money("35.600000000000000000000000000000") == D("35.6")


def test_a_twenty_digit_amount_is_refused_by_validate_with_its_position(config):
    text = HEAD + ("projects:\n  - project: p\n    investor: x\n    kind: 新建\n    origin: 区外\n"
                   "    stage: 开工\n    funds: 99999999999999999999\n")
    errors = _problems(config, text)
    assert errors[0][:2] == (10, 12) and "一百万亿元" in errors[0][2]


def test_counts_have_a_ceiling_with_a_chinese_message():
    assert parse_count("1000") == 1000
    for raw in ("1001", "9" * 30, "9" * 5000, 10 ** 40):
        with pytest.raises(ValueError, match="大得不可能"):
            parse_count(raw)


def test_negotiated_beyond_the_ceiling_is_refused_with_its_position(config):
    text = HEAD + ("trips:\n  - leader: 张三\n    title: 县长\n    start: 2023-01-10\n"
                   "    destinations: [北京市]\n    negotiated: 66666\n")
    errors = _problems(config, text)
    assert errors[0][:2] == (9, 17) and "negotiated" in errors[0][2] and "1000" in errors[0][2]


def test_the_config_uses_the_same_ceilings(tmp_path):
    from conftest import SMALL_CONFIG, write_workspace
    from briefing.errors import BriefingError
    from briefing.report.config import load_config

    for old, new in (("A县: 10", "A县: 99999999999999999999"), ("funds: 4", "funds: 0.123456789012345678901234567890123"),
                     ("copies: 30", "copies: 30000"), ("week: 2", "week: 99")):
        path = write_workspace(tmp_path / new[:4], config=SMALL_CONFIG.replace(old, new), reports={})
        with pytest.raises(BriefingError) as info:
            load_config(path)
        assert info.value.problems and info.value.problems[0].line > 1, new


# ---------------------------------------------------------------- item 14: characters XML cannot hold


@pytest.mark.parametrize("escape,code", [
    (r"\uFFFF", "U+FFFF"), (r"\uFFFE", "U+FFFE"), (r"\x01", "U+0001"), (r"\0", "U+0000"), (r"\e", "U+001B"),
    (r"\v", "U+000B"), (r"\x7f", "U+007F"),
])
def test_characters_xml_cannot_hold_are_refused_where_written(config, escape, code):
    errors = _problems(config, HEAD + f'highlights:\n  - "好{escape}事"\n')
    assert errors == [(5, 5, errors[0][2])] and code in errors[0][2]


def test_such_characters_in_a_key_are_refused_too(config):
    errors = _problems(config, HEAD + '"note\\uFFFF": x\n')
    assert errors[0][:2] == (4, 1) and "U+FFFF" in errors[0][2]


def test_a_lone_surrogate_escape_is_refused_with_its_line(config):
    errors = _problems(config, HEAD + 'highlights:\n  - "好\\uD800事"\n')
    assert errors[0][0] == 5 and "转义" in errors[0][2]


def test_tabs_and_line_breaks_from_escapes_are_fine(config):
    report, problems = validate_bytes((HEAD + 'highlights:\n  - "甲\\t乙\\n丙"\n').encode(), "r.yaml", config)
    assert report is not None and report.highlights == ["甲\t乙\n丙"]


def test_uffff_is_refused_by_validate_before_build_can_crash(small):
    bad = small.parent / "entries" / "2023-W02" / "A县.yaml"
    bad.write_text(bad.read_text(encoding="utf-8").replace("reporter: 甲", 'reporter: "甲\\uFFFF"'), encoding="utf-8")
    result = run("validate", "--config", str(small))
    assert result.exit_code == 1 and f"{bad}:3:11: 错误: " in result.output and "U+FFFF" in result.output
    result = run("build", "--config", str(small), "--week", "2023-W02", "--format", "xlsx")
    assert result.exit_code == 1 and "Traceback" not in result.output


# ---------------------------------------------------------------- item 5: line endings in free text


@pytest.mark.parametrize("sep", ["\r", "\r\n", "\u2028", "\u2029", "\x85"])
def test_every_line_ending_in_free_text_becomes_a_newline(config, sep):
    report = Report.model_validate({"unit": "A县", "week": "2023-W02", "reporter": "甲",
                                    "highlights": [f"正常{sep}{sep}## 伪造的第五部分"]}, context={"config": config})
    assert report.highlights == ["正常\n\n## 伪造的第五部分"]


def test_line_endings_from_yaml_escapes_are_normalised(config):
    report, _ = validate_bytes((HEAD + 'plans:\n  - "正常\\r\\r## 伪造\\L第二行\\P\\N末尾"\n').encode(), "r.yaml", config)
    assert report.plans == ["正常\n\n## 伪造\n第二行\n\n末尾"]


def test_invalid_values_do_not_slip_through_a_model_built_in_code(config):
    with pytest.raises(ValidationError):
        Report.model_validate({"unit": "A县", "week": "2199-W01", "reporter": "甲"}, context={"config": config})


def test_ingest_refuses_a_far_future_week_and_files_nothing(tmp_path):
    import mailcorpus
    from briefing.mail.log import read_log
    from conftest import write_workspace

    config = write_workspace(tmp_path / "ws", config=mailcorpus.CONFIG, reports={})
    future = mailcorpus.A_V1.replace(b"2023-W17", b"2199-W01")
    eml = tmp_path / "future.eml"
    eml.write_bytes(mailcorpus._attach(mailcorpus._message(mailcorpus.A, "A县报告", 24, 9, "future"),
                                       future, "A县.yaml").as_bytes())
    run("ingest", "--config", str(config), str(eml))
    [record] = read_log(config.parent / ".briefing")
    assert record.outcome == "rejected" and any("2199-W01" in e and e.startswith("第2行第7列") for e in record.errors)
    assert not list((config.parent / "entries").rglob("*.yaml"))


def test_the_config_is_held_to_the_same_characters(tmp_path):
    from conftest import SMALL_CONFIG, write_workspace
    from briefing.errors import BriefingError
    from briefing.report.config import load_config

    path = write_workspace(tmp_path / "ws", config=SMALL_CONFIG.replace("bureau: 测试州商务局", 'bureau: "局\\uFFFF"'),
                           reports={})
    with pytest.raises(BriefingError) as info:
        load_config(path)
    assert [(p.line, p.col) for p in info.value.problems] == [(1, 9)] and "U+FFFF" in info.value.problems[0].message


def test_amounts_probably_in_the_wrong_unit_are_warned_about_not_refused(small):
    path = add_report(small, "2023-W02/C.yaml", """\
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
    path = add_report(small, "2023-W02/C.yaml", """\
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
    path = add_report(small, "2023-W02/C.yaml", """\
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
