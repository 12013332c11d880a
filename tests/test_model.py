"""Parsing of money, counts, dates, weeks and flags; report and config validation."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from pydantic import ValidationError

from briefing.report.config import Config
from briefing.report.fields import parse_count, parse_date, parse_flag, parse_money, parse_week, project_key
from briefing.report.model import Report
from briefing.weeks import Week


@pytest.mark.parametrize("raw,expected", [
    ("35.6", D("35.6")), (35, D(35)), ("35.6亿元", D("35.6")), ("35.6亿", D("35.6")),
    ("3560万元", D("0.356")), ("3560万", D("0.356")), ("120000000元", D("1.2")), ("１２３４万元", D("0.1234")),
    (" 0 ", D(0)), ("1,200万元", D("0.12")), (0.1, D("0.1")), ("0.01元", D("1E-10")),
])
def test_money_is_exact(raw, expected):
    assert parse_money(raw) == expected


def test_money_sum_is_exact_where_floats_are_not():
    assert parse_money("0.1") + parse_money("0.2") == D("0.3")


@pytest.mark.parametrize("raw,needle", [
    ("3.5亿美元", "亿美元"), ("-5", "负数"), ("-5亿元", "负数"), ("NaN", "金额"), ("inf", "金额"),
    ("五亿", "金额"), ("", "不能为空"), (None, "不能为空"), (True, "金额"), ("3.5 千元", "千元"),
    ("1，200", "中文逗号"),
])
def test_money_errors_say_what_was_expected(raw, needle):
    with pytest.raises(ValueError, match=needle):
        parse_money(raw)


def test_counts():
    assert parse_count("6") == 6 and parse_count("６") == 6 and parse_count(0) == 0
    with pytest.raises(ValueError, match="改成 6"):
        parse_count("6个")
    for bad in ("6.5", "-1", "六", "", True):
        with pytest.raises(ValueError):
            parse_count(bad)


def test_dates_weeks_and_flags():
    assert parse_date("2023-4-7") == parse_date("2023/04/07") == parse_date("2023年4月7日") == dt.date(2023, 4, 7)
    for bad in ("2023-02-30", "4月7日", "20230407"):
        with pytest.raises(ValueError):
            parse_date(bad)
    assert parse_week("2023-W7") == parse_week("2023W07") == parse_week("2023年第7周") == Week(2023, 7)
    for bad in ("2023-W53", "2023-W00", "2023-17", "W17", ["2023-W07"]):
        with pytest.raises(ValueError):
            parse_week(bad)
    assert [parse_flag(v) for v in ("true", "是", "no", None, "否", "TRUE")] == [True, True, False, False, False, True]
    with pytest.raises(ValueError):
        parse_flag("也许")


def test_project_names_match_ignoring_spaces_and_width():
    assert project_key("光伏 项目（一期）") == project_key("光伏项目(一期)")


def _report(**overrides):
    data = {"unit": "A县", "week": "2023-W01", "reporter": "甲"}
    data.update(overrides)
    return data


def test_report_uses_canonical_unit_names(config):
    report = Report.model_validate(_report(unit="B自治县"), context={"config": config})
    assert report.unit == "B县" and report.week == Week(2023, 1)


def test_report_strings_are_cleaned_and_lists_default_empty(config):
    report = Report.model_validate(_report(reporter=" 甲\x0b ", highlights="一条", trips=None),
                                   context={"config": config})
    assert report.reporter == "甲" and report.highlights == ["一条"] and report.trips == []


def test_same_project_twice_in_one_report_is_an_error(config):
    project = {"project": "p", "investor": "x", "kind": "新建", "origin": "区外", "stage": "开工", "funds": 1}
    with pytest.raises(ValidationError) as info:
        Report.model_validate(_report(projects=[project, dict(project, project=" p ")]), context={"config": config})
    assert info.value.errors()[0]["ctx"]["at"] == (1, "project")


def test_external_label_is_configurable(config):
    config = config.model_copy(update={"external_label": "省外"})
    project = {"project": "p", "investor": "x", "kind": "新建", "origin": "省外", "stage": "开工", "funds": 1}
    report = Report.model_validate(_report(projects=[project]), context={"config": config})
    assert report.projects[0].origin == "区外"


def test_config_lists_every_unknown_unit_across_sections(config):
    from briefing.report.config import cross_checks

    data = config.model_dump()
    data["targets"] = {2023: {"A县": 1, "D县": 2, "E县": 3}}
    data["senders"] = {"F县": ["f@example.cn"]}
    found = [(at, message) for at, message, _ in cross_checks(Config.model_validate(data))]
    assert found == [(("targets", 2023, "D县"), "“D县”不是 units 中的单位，是否应为“B县”？"),
                     (("targets", 2023, "E县"), "“E县”不是 units 中的单位，是否应为“B县”？"),
                     (("senders", "F县"), "“F县”不是 units 中的单位，是否应为“B县”？")]


def test_config_unit_aliases(config):
    assert config.unit_names == ["A县", "B县", "C园区"]
    assert config.canonical_unit("B自治县") == "B县" and config.canonical_unit("D县") is None


@pytest.mark.parametrize("raw", ["1,000,5", "1,000.5,3", "12,345,6亿", "1e30", "9" * 29])
def test_malformed_or_impossible_amounts_are_refused(raw):
    with pytest.raises(ValueError):
        parse_money(raw)
    assert parse_money("1,200万元") == D("0.12")


def test_comma_as_decimal_point_is_explained():
    try:
        parse_money("35,6")
    except ValueError as error:
        assert "小数点" in str(error)
    else:
        raise AssertionError("35,6 must not be accepted")
