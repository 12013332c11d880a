"""Printing of money, percentages and dates; destination provinces."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from briefing import fmt
from briefing.figures.regions import OTHER, province_of


@pytest.mark.parametrize("amount,text", [
    (D("2100.90"), "2100.9"), (D("138.36"), "138.36"), (D("1.005"), "1.01"), (D("1.015"), "1.02"),
    (D("2.675"), "2.68"), (D("0"), "0"), (D("0.001"), "0"), (D("100"), "100"), (D("1E+3"), "1000"),
    (D("12345678.9"), "12345678.9"), (D("0.0050"), "0.01"),
])
def test_money_rounds_half_up_without_trailing_zeros(amount, text):
    assert fmt.money(amount) == text


def test_percent():
    assert fmt.percent(D("0.6414")) == "64.1%" and fmt.percent(D("0.64150")) == "64.2%"
    assert fmt.percent(D("0.5")) == "50.0%" and fmt.percent(D("-0.515")) == "-51.5%"
    assert fmt.percent_abs(D("-0.515")) == "51.5%" and fmt.percent(None) == ""


@pytest.mark.parametrize("ratio,text", [
    # ties at .x5 go up (half-even would give 0.2%, 64.4%, 12.2%)
    (D("0.0025"), "0.3%"), (D("0.6445"), "64.5%"), (D("0.12250"), "12.3%"), (D("0.0015"), "0.2%"),
    (D("0.64449"), "64.4%"), (D("0"), "0.0%"), (D("1"), "100.0%"), (D("2.5"), "250.0%"), (D(1) / D(3), "33.3%"),
    # negative growth: half up is away from zero, the sign kept
    (D("-0.0025"), "-0.3%"), (D("-0.6445"), "-64.5%"), (D("-0.64449"), "-64.4%"), (D("-1"), "-100.0%"),
])
def test_percent_rounds_half_up_at_every_x5_boundary(ratio, text):
    assert fmt.percent(ratio) == text
    assert fmt.percent_abs(ratio) == text.lstrip("-")


@pytest.mark.parametrize("amount,text", [
    (None, ""), (0, "0"), (3, "3"), (D("10.10"), "10.1"), (D("0.10"), "0.1"), (D("1000.00"), "1000"),
    (D("0.005"), "0.01"), (D("0.0049999"), "0"), (D("-0.004"), "0"), (D("-1.005"), "-1.01"), (D("0.105"), "0.11"),
    (D("999999.995"), "1000000"), (D("20"), "20"), (D("1E-10"), "0"),
])
def test_money_formatting_by_hand(amount, text):
    assert fmt.money(amount) == text


def test_width_counts_wide_characters_twice_and_pad_fills_to_columns():
    assert fmt.width("A县") == 3 and fmt.width("Ｃ园区") == 6 and fmt.width("—") == 1 and fmt.width("") == 0
    assert fmt.pad("A县", 6) == "A县   " and fmt.pad("C园区", 5) == "C园区" and fmt.pad("x", 0) == "x"


def test_date_ranges_across_months_and_years():
    assert fmt.date_range(dt.date(2023, 4, 17), None) == "4月17日"
    assert fmt.date_range(dt.date(2023, 4, 17), dt.date(2023, 4, 17)) == "4月17日"
    assert fmt.date_range(dt.date(2023, 4, 17), dt.date(2023, 4, 21)) == "4月17日至21日"
    assert fmt.date_range(dt.date(2023, 4, 28), dt.date(2023, 5, 2)) == "4月28日至5月2日"
    assert fmt.date_range(dt.date(2023, 12, 28), dt.date(2024, 1, 3)) == "2023年12月28日至2024年1月3日"


def test_dates():
    assert fmt.full_date(dt.date(2023, 5, 5)) == "2023年5月5日"
    assert fmt.date_range(dt.date(2023, 4, 17), dt.date(2023, 4, 21)) == "4月17日至21日"
    assert fmt.date_range(dt.date(2023, 4, 28), dt.date(2023, 5, 2)) == "4月28日至5月2日"
    assert fmt.date_range(dt.date(2023, 4, 28), None) == "4月28日"
    assert fmt.date_range(dt.date(2022, 12, 30), dt.date(2023, 1, 2)) == "2022年12月30日至2023年1月2日"


@pytest.mark.parametrize("place,province", [
    ("北京", "北京市"), ("北京市", "北京市"), ("京", "北京市"), ("北京市朝阳区", "北京市"),
    ("广东省佛山市", "广东省"), ("佛山", "广东省"), ("深圳市", "广东省"), ("广东", "广东省"), ("粤", "广东省"),
    ("内蒙古鄂尔多斯", "内蒙古自治区"), ("新疆", "新疆维吾尔自治区"), ("乌鲁木齐市", "新疆维吾尔自治区"),
    ("吉林市", "吉林省"), ("台州", "浙江省"), ("海南州", "青海省"), ("海口", "海南省"), ("苏州工业园区", "江苏省"),
    ("新加坡", OTHER), ("", OTHER), (" 上海 ", "上海市"),
])
def test_province_of(place, province):
    assert province_of(place) == province


def test_a_missing_figure_prints_as_an_empty_cell():
    assert (fmt.amount(None), fmt.points(None), fmt.percent_abs(None)) == ("", "", "")
    assert (fmt.amount(D("-0.001")), fmt.points(D("-2.25")), fmt.percent_abs(D("-0.1234"))) == ("0.00", "2.3", "12.3%")
