"""The ISO week value: what clerks type, how it is written, its days and its neighbours."""

from __future__ import annotations

import datetime as dt

import pytest

from briefing.weeks import Week, current_week, today, weeks_in_year


@pytest.mark.parametrize("typed", ["2023-W17", "2023W17", "2023w17", "2023年第17周", "2023年17周",
                                   " 2023-W17 ", "２０２３-Ｗ１７", "２０２３年第１７周"])
def test_what_clerks_type_is_read(typed):
    assert Week.parse(typed) == Week(2023, 17)


def test_one_digit_weeks_and_the_iso_key():
    week = Week.parse("2023-W7")
    assert (week.year, week.number) == (2023, 7) and str(week) == week.iso == "2023-W07"
    assert Week.parse(week) is week


@pytest.mark.parametrize("typed,needle", [
    ("2023-W53", "2023年没有第53周（ISO 周次为 1～52）"),
    ("2023-W00", "2023年没有第0周"),
    ("2023-W99", "2023年没有第99周"),
    ("2023-17", "周次应写成 2023-W17 的形式"),
    ("W17", "实际是“W17”"),
    ("1800-W01", "年份 1800 不对"),
    ("", "不能为空"),
    (None, "不能为空"),
])
def test_mistakes_are_chinese_value_errors(typed, needle):
    with pytest.raises(ValueError, match=needle):
        Week.parse(typed)


def test_week_53_exists_only_in_long_years():
    assert weeks_in_year(2020) == 53 and weeks_in_year(2015) == 53 and weeks_in_year(2023) == 52
    assert Week.parse("2020-W53").last_day == dt.date(2021, 1, 3)
    with pytest.raises(ValueError):
        Week(2021, 53)


def test_chinese_text_and_days():
    week = Week(2023, 17)
    assert week.text == "2023年第17周"
    assert (week.first_day, week.last_day) == (dt.date(2023, 4, 24), dt.date(2023, 4, 30))
    assert week.span_text == "4月24日至30日"
    assert Week(2023, 18).span_text == "5月1日至7日"
    assert Week(2023, 13).span_text == "3月27日至4月2日"
    assert Week(2020, 53).span_text == "2020年12月28日至2021年1月3日"


def test_the_week_a_day_is_in_across_the_turn_of_the_year():
    assert Week.of(dt.date(2023, 1, 1)) == Week(2022, 52)   # a Sunday
    assert Week.of(dt.date(2021, 1, 3)) == Week(2020, 53)
    assert Week.of(dt.date(2024, 12, 30)) == Week(2025, 1)  # a Monday


def test_previous_and_next_cross_years():
    assert Week(2023, 1).previous() == Week(2022, 52)
    assert Week(2021, 1).previous() == Week(2020, 53)
    assert Week(2020, 53).next() == Week(2021, 1)
    assert Week(2023, 52).next() == Week(2024, 1)
    assert Week(2023, 17).previous().next() == Week(2023, 17)


def test_same_week_last_year():
    assert Week(2023, 17).same_week_last_year() == Week(2022, 17)
    assert Week(2021, 52).same_week_last_year() == Week(2020, 52)
    assert Week(2020, 53).same_week_last_year() == Week(2019, 52)   # 2019 has no week 53
    assert Week(2016, 52).same_week_last_year() == Week(2015, 52)


def test_weeks_order_by_year_then_number_and_are_keys():
    assert Week(2022, 52) < Week(2023, 1) < Week(2023, 10)
    assert max([Week(2023, 9), Week(2022, 52), Week(2023, 10)]) == Week(2023, 10)
    assert {Week(2023, 1): "a"}[Week.parse("2023年第1周")] == "a"


def test_today_and_the_current_week_follow_briefing_today(monkeypatch):
    monkeypatch.setenv("BRIEFING_TODAY", "2023-04-28")
    assert today() == dt.date(2023, 4, 28) and current_week() == Week(2023, 17)
    monkeypatch.setenv("BRIEFING_TODAY", "2023-4-28")
    from briefing.errors import BriefingError

    with pytest.raises(BriefingError, match="BRIEFING_TODAY"):
        today()
    monkeypatch.delenv("BRIEFING_TODAY")
    assert current_week() == Week.of(dt.date.today())


def test_the_reporting_week_switches_on_the_switch_day():
    from briefing.weeks import reporting_week

    # 2023-W17 is Monday 4月24日 to Sunday 4月30日; Friday is the default switch day
    assert reporting_week(dt.date(2023, 4, 27)) == Week(2023, 16)   # Thursday: still last week
    assert reporting_week(dt.date(2023, 4, 28)) == Week(2023, 17)   # Friday: this week
    assert reporting_week(dt.date(2023, 5, 4)) == Week(2023, 17)    # next Thursday
    assert reporting_week(dt.date(2023, 5, 5)) == Week(2023, 18)
    assert reporting_week(dt.date(2023, 4, 24), switch_day=1) == Week(2023, 17)   # Monday switch: the calendar week
    assert reporting_week(dt.date(2023, 4, 30), switch_day=7) == Week(2023, 17)
    assert reporting_week(dt.date(2023, 4, 29), switch_day=7) == Week(2023, 16)
    assert reporting_week(dt.date(2021, 1, 7)) == Week(2020, 53)    # across the turn of the year


@pytest.mark.parametrize("text,day", [("周五", 5), ("星期五", 5), ("Friday", 5), ("fri", 5), ("5", 5), (5, 5),
                                      ("周日", 7), ("星期天", 7), ("周一", 1), ("７", 7), ("1", 1), (1, 1), (7, 7),
                                      ("星期 五", 5), (" Fri ", 5)])
def test_weekdays_are_read_in_every_usual_spelling(text, day):
    from briefing.weeks import parse_weekday

    assert parse_weekday(text) == day


@pytest.mark.parametrize("text", ["周八", "8", "0", "", "Fryday", 8, 0, -1, True])
def test_a_wrong_weekday_says_how_to_write_it(text):
    from briefing.weeks import parse_weekday

    with pytest.raises(ValueError, match="应写成 周一～周日"):
        parse_weekday(text)


def test_weekday_names_from_monday_to_sunday():
    from briefing.weeks import weekday_text

    assert [weekday_text(day) for day in range(1, 8)] == ["周一", "周二", "周三", "周四", "周五", "周六", "周日"]


def test_week_label_names_its_days():
    assert Week(2023, 17).label == "2023年第17周（4月24日至30日）"
