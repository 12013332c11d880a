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
