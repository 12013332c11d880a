"""Validation at its boundaries: a one-day trip, an origin typed with an IME space, two spellings
of one project in one report, and the exact amount ceiling, through validate as the clerk runs it."""

from __future__ import annotations

import textwrap
from decimal import Decimal as D

import pytest

from briefing.report.fields import MAX_AMOUNT, parse_money
from briefing.report.validate import is_suspicious
from helpers import validate_bytes

HEAD = "unit: A县\nweek: 2023-W02\nreporter: 甲\n"


def _validate(config, body: str):
    return validate_bytes((HEAD + textwrap.dedent(body)).encode("utf-8"), "a.yaml", config)


def _trip(start: str, end: str) -> str:
    return f"""\
        trips:
          - leader: 张三
            title: 县长
            start: {start}
            end: {end}
            destinations: [北京市]
            negotiated: 1
        """


def test_a_one_day_trip_is_valid_and_a_return_before_departure_is_not(config):
    report, problems = _validate(config, _trip("2023-01-10", "2023-01-10"))
    assert problems == [] and report.trips[0].end == report.trips[0].start
    report, problems = _validate(config, _trip("2023-01-10", "2023-01-09"))
    assert report is None and [(p.line, p.col) for p in problems] == [(8, 10)]
    assert "返回日期 2023-01-09 早于出发日期 2023-01-10" in problems[0].message



@pytest.mark.parametrize("funds,warned", [("100", True), ("99.9999999999", False), ("1000000万元", True)])
def test_funds_of_100_yi_in_one_week_are_the_first_to_be_queried(config, funds, warned):
    """到位资金 of 100亿元 or more for one project in one week is queried as a likely 万元 typed as
    亿元 (a warning that stops publish); anything below is taken as it is."""
    report, problems = _validate(config, f"""\
        projects:
          - project: 光伏项目
            investor: 甲公司
            kind: 新建
            origin: 区外
            stage: 开工
            funds: {funds}
        """)
    assert report is not None and all(not p.is_error for p in problems)
    warnings = [(p.line, p.col, p.message) for p in problems]
    if warned:
        assert warnings == [(10, 12, "到位资金100亿元，一个项目一周这么多很少见。金额的单位是亿元：如果是万元，"
                                     "请写成“100万元”；核对无误可忽略此提示")]
        assert is_suspicious(problems[0])
    else:
        assert warnings == []

@pytest.mark.parametrize("typed", ["区外\u3000", "\u3000区外", " 区外 ", "区外\t"])
def test_an_origin_with_an_ime_space_is_the_origin(config, typed):
    body = f"""\
        projects:
          - project: p
            investor: x
            kind: 新建
            origin: "{typed}"
            stage: 开工
            funds: 1
        """
    report, problems = _validate(config, body)
    assert problems == [] and report.projects[0].origin == "区外"
    labelled = config.model_copy(update={"external_label": "省外"})
    report, problems = _validate(labelled, body.replace("区外", "省外"))
    assert problems == [] and report.projects[0].origin == "区外"


@pytest.mark.parametrize("second", ["光伏 项目", "光伏项目 ", "光伏\u3000项目", " 光伏项目"])
def test_two_spellings_of_one_project_in_one_report_are_refused(config, second):
    body = f"""\
        projects:
          - {{project: 光伏项目, investor: x, kind: 新建, origin: 区外, stage: 开工, funds: 1}}
          - {{project: "{second}", investor: x, kind: 新建, origin: 区外, stage: 开工, funds: 2}}
        """
    report, problems = _validate(config, body)
    assert report is None and len(problems) == 1
    assert "在本报告中出现了两次（第1条和第2条）" in problems[0].message and problems[0].line == 6


def test_different_projects_in_one_report_are_both_kept(config):
    body = """\
        projects:
          - {project: 光伏项目, investor: x, kind: 新建, origin: 区外, stage: 开工, funds: 1}
          - {project: 光伏二期, investor: x, kind: 新建, origin: 区外, stage: 开工, funds: 2}
        """
    report, problems = _validate(config, body)
    assert problems == [] and [p.funds for p in report.projects] == [D(1), D(2)]


@pytest.mark.parametrize("raw", ["1000000", "1000000.0", "1000000亿", "10000000000万", "100000000000000元",
                                 " 1000000 ", "1,000,000", "１００００００", 1_000_000, D(1_000_000), 1e6])
def test_the_exact_ceiling_is_refused_on_every_path(raw):
    with pytest.raises(ValueError, match="一百万亿元"):
        parse_money(raw)


@pytest.mark.parametrize("raw", ["999999.9999999999", "99999999999999.99元", "9999999999.999999万元", 999_999,
                                 D("999999.9999999999")])
def test_one_fen_below_the_ceiling_is_kept(raw):
    assert parse_money(raw) == MAX_AMOUNT - (1 if isinstance(raw, int) else D("1E-10"))


@pytest.mark.parametrize("raw,message", [
    ("3，5", "金额里不能有中文逗号或顿号（实际是“3，5”）：只填一个数，例如 35.6 或“3560万元”"),
    ("3、5", "金额里不能有中文逗号或顿号（实际是“3、5”）：只填一个数，例如 35.6 或“3560万元”"),
    ("-5万元", "金额不能是负数（实际是“-5万元”）"),
    ("35,6", "“35,6”里的逗号应是小数点：请用英文句点，例如 35.6"),
    ("1,20,0", "金额“1,20,0”写法不对：不要用逗号分隔，小数点用英文句点，例如 1200 或 35.6"),
    ("5美元", "金额单位“美元”无法识别，只能用亿元、万元或元；外币请先折算成人民币。例如 35.6、“35.6亿元”或“3560万元”"),
    ("5千元", "金额单位“千元”无法识别，只能用亿元、万元或元；外币请先折算成人民币。例如 35.6、“35.6亿元”或“3560万元”"),
    ("5吨", "金额单位“吨”无法识别，只能用亿元、万元或元。例如 35.6、“35.6亿元”或“3560万元”"),
    ("五亿", "应为金额，例如 35.6（亿元）或“3560万元”，实际是“五亿”"),
])
def test_each_money_mistake_gets_its_whole_chinese_message(raw, message):
    with pytest.raises(ValueError) as info:
        parse_money(raw)
    assert info.value.message() == message


@pytest.mark.parametrize("raw,amount", [
    ("1.0000000000000万元", D("0.0001")), ("2.5000000000000亿", D("2.5")), ("3.0000000000000元", D("3E-8")),
    ("３５．６亿元", D("35.6")), ("1,200万元", D("0.12")), ("35.6 亿元", D("35.6")),
])
def test_amounts_off_the_fast_path_keep_their_unit(raw, amount):
    assert parse_money(raw) == amount
