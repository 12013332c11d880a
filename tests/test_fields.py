"""The field parsers of briefing/report/fields.py called directly, each Chinese message pinned
whole (a county clerk reads exactly this line), and the boundaries of dates, amounts and ports
worked out by hand.  Reports as a whole are in test_model.py, test_limits.py and test_messages.py."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from pydantic_core import PydanticCustomError

from briefing.report.fields import _port, impossible_date, parse_money, parse_size, parse_text


def message(parse, value) -> str:
    with pytest.raises(PydanticCustomError) as caught:
        parse(value)
    return caught.value.message()


EXAMPLE = "例如 35.6、“35.6亿元”或“3560万元”"


@pytest.mark.parametrize("value, expected", [
    (float("nan"), "应为金额，例如 35.6 或“3560万元”，实际是“nan”"),
    (D("Infinity"), "应为金额，例如 35.6 或“3560万元”，实际是“Infinity”"),
    (-2.5, "金额不能是负数（实际是“-2.5”）"),
    (D("-0.01"), "金额不能是负数（实际是“-0.01”）"),
    # 7 to 14 digits without a unit: probably 元 typed without it
    ("12345678", "金额“12345678”大得不可能（超过一百万亿元）。金额的单位是亿元：如果是元，请写成“12345678元”"),
    ("1000000", "金额“1000000”大得不可能（超过一百万亿元）。金额的单位是亿元：如果是元，请写成“1000000元”"),
    ("1000000亿", "金额“1000000亿”大得不可能（超过一百万亿元），请检查单位和位数"),
    # _short: 40 characters are shown whole, the 41st is replaced by "…"
    ("1" * 40, f"金额“{'1' * 40}”大得不可能（超过一百万亿元），请检查单位和位数"),
    ("1" * 41, f"金额“{'1' * 40}…”大得不可能（超过一百万亿元），请检查单位和位数"),
    ("1.00000000001", "金额“1.00000000001”的小数位数太多，无法精确计算：金额最多精确到分（以亿元为单位最多 10 位小数，"
                      "万元最多 6 位，元最多 2 位），请四舍五入后填写"),
    ("0." + "0" * 38 + "12", f"金额“0.{'0' * 38}…”的小数位数太多，无法精确计算：金额最多精确到分（以亿元为单位最多 10 位小数，"
                             "万元最多 6 位，元最多 2 位），请四舍五入后填写"),
    # what the county typed is quoted once: its own “” become ASCII quotes
    ("“3”", "应为金额，例如 35.6（亿元）或“3560万元”，实际是“\"3\"”"),
    ("3 “USD”", f"金额单位“\"USD\"”无法识别，只能用亿元、万元或元。{EXAMPLE}"),
    ("3美金", f"金额单位“美金”无法识别，只能用亿元、万元或元；外币请先折算成人民币。{EXAMPLE}"),
    ("3欧元", f"金额单位“欧元”无法识别，只能用亿元、万元或元；外币请先折算成人民币。{EXAMPLE}"),
])
def test_each_amount_mistake_gets_its_whole_message(value, expected):
    assert message(parse_money, value) == expected


def test_trailing_zeros_past_the_fen_are_dropped_only_down_to_the_fen():
    amount = parse_money("1.00000000000000")      # 14 decimals, all zeros: 1 亿元 exactly, kept to the 分
    assert amount == 1 and amount.as_tuple().exponent == -10
    assert parse_money("0.12345678900").as_tuple() == D("0.1234567890").as_tuple()


@pytest.mark.parametrize("year, month, day, expected", [
    (2023, 13, 1, "月份应为 1～12"), (2023, 0, 5, "月份应为 1～12"),
    (0, 1, 1, "年份不对"), (10000, 1, 1, "年份不对"),
    (1, 1, 32, "1年1月只有 31 天，日应为 1～31"),          # the first year there is
    (2023, 1, 32, "2023年1月只有 31 天，日应为 1～31"),
    (2023, 2, 29, "2023年2月只有 28 天，日应为 1～28"), (2024, 2, 30, "2024年2月只有 29 天，日应为 1～29"),
    (2023, 11, 31, "2023年11月只有 30 天，日应为 1～30"), (2023, 12, 32, "2023年12月只有 31 天，日应为 1～31"),
    (9999, 11, 31, "9999年11月只有 30 天，日应为 1～30"), (9999, 12, 32, "9999年12月只有 31 天，日应为 1～31"),
    (2023, 1, 0, "日应从 1 开始"), (2023, 12, 0, "日应从 1 开始"),
])
def test_what_is_wrong_with_a_date_that_does_not_exist(year, month, day, expected):
    assert impossible_date(year, month, day) == expected


@pytest.mark.parametrize("value", [1, "1", 25, 65535, "65535"])
def test_ports_from_1_to_65535(value):
    assert _port(value) == int(value)


@pytest.mark.parametrize("value, shown", [(0, "0"), (65536, "65536"), ("70000", "70000")])
def test_a_port_out_of_range_says_so(value, shown):
    assert message(_port, value) == f"端口应为 1～65535 之间的整数，实际是 {shown}"


def test_control_characters_are_removed_not_replaced():
    assert parse_text("甲\x00公\x1b司\x7f") == "甲公司"
    assert parse_text(" 第一行\r\n第二行\u2028第三行 ") == "第一行\n第二行\n第三行"


@pytest.mark.parametrize("value, size", [
    (5, 5 * 1024 * 1024), ("5", 5 * 1024 * 1024), ("0.5", 512 * 1024),          # a plain number is MB
    ("5MB", 5 * 1024 * 1024), ("5 MiB", 5 * 1024 * 1024), ("５ｍ", 5 * 1024 * 1024),
    ("512KB", 512 * 1024), ("512kib", 512 * 1024), ("1.5k", 1536), ("100b", 100), ("100 B", 100),
])
def test_sizes_in_every_usual_spelling(value, size):
    assert parse_size(value) == size


@pytest.mark.parametrize("value, expected", [
    (None, "应为大小，例如 5MB 或 512KB"), (True, "应为大小，例如 5MB 或 512KB"),
    ("5GB", "应为大小，例如 5MB 或 512KB，实际是“5GB”"), ("“5”MB", "应为大小，例如 5MB 或 512KB，实际是“\"5\"MB”"),
    ("0", "大小应大于 0，例如 5MB"), ("0.5b", "大小应大于 0，例如 5MB"),
])
def test_a_wrong_size_says_how_to_write_it(value, expected):
    assert message(parse_size, value) == expected
