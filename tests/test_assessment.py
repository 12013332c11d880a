"""The figures the evaluative prose is written from, and the small wording helpers it relies on:
百分点 from the printed percentages, who leads and trails (ties named together), 环比 only
between comparable weeks, stage counts, destinations without a repeated province, brackets
that never stack, money in tables with two decimals."""

from __future__ import annotations

from decimal import Decimal as D

from briefing import fmt
from briefing.figures.assessment import named_movements, stage_counts, standing, week_on_week
from briefing.figures.briefing import Movement, UnitRow, rank_completion
from briefing.figures.figures import Figures
from briefing.figures.regions import without_repeated_province


def _rows(completions: dict[str, str | None]) -> list[UnitRow]:
    rows = [UnitRow(unit, Figures(), Figures(), completion=None if value is None else D(value))
            for unit, value in completions.items()]
    rank_completion(rows)
    return rows


def test_points_are_the_difference_of_the_printed_percentages():
    # 38.335% − 32.877%: printed 38.3% and 32.9%, so 5.4 points (not 5.458 → 5.5)
    s = standing(_rows({"甲": "0.5", "乙": "0.3", "丙": "0.2"}), D(120) / D(365), D("0.38335"))
    assert s.points == D("5.4") and fmt.points(s.points) == "5.4"
    assert fmt.points(D("-2.24")) == "2.2" and fmt.points(D("-0.05")) == "0.1"
    assert standing(_rows({"甲": "0.3"}), D("0.3"), None).points is None     # no targets: nothing said


def test_leaders_and_trailers_with_ties():
    s = standing(_rows({"A": "0.9", "B": "0.8", "C": "0.5", "D": "0.2", "E": "0.1"}), D("0.3"), D("0.5"))
    assert [g.units for g in s.leaders] == [["A"], ["B"]] and s.lead_text_kind == "two"
    assert s.trailer_units == ["D", "E"] and (s.ranked, s.ahead) == (5, 3)
    tied = standing(_rows({"A": "0.9", "B": "0.9", "C": "0.5", "D": "0.2", "E": "0.2"}), D("0.3"), D("0.5"))
    assert [g.units for g in tied.leaders] == [["A", "B"]] and tied.lead_text_kind == "tied"
    assert tied.trailer_units == ["D", "E"]                                  # tied at rank 4: both named
    second = standing(_rows({"A": "0.9", "B": "0.5", "C": "0.5", "D": "0.1"}), D("0.3"), D("0.5"))
    assert second.lead_text_kind == "first_then_tied" and second.trailer_units == ["D"]
    three = standing(_rows({"A": "0.9", "B": "0.5", "C": "0.1", "D": None}), D("0.3"), D("0.5"))
    assert three.ranked == 3 and three.trailers == []                        # too few to single one out
    two = standing(_rows({"A": "0.9", "B": "0.5"}), D("0.3"), D("0.5"))
    assert two.leaders == [] and two.lead_text_kind == ""                    # two units: no ranking said
    flat = standing(_rows({"A": "0.9", "B": "0.1", "C": "0.1", "D": "0.1", "E": "0.1"}), D("0.3"), D("0.3"))
    assert flat.trailers == []                                               # four of five tied last


def test_ahead_counts_printed_completion_above_printed_progress():
    # 32.94% prints 32.9% like the progress (32.88%): not ahead
    s = standing(_rows({"A": "0.3294", "B": "0.3296", "C": "0.1"}), D(120) / D(365), D("0.3"))
    assert s.ahead == 1


def test_week_on_week_only_between_comparable_weeks():
    this, before = Figures(trips=3, funds=D("1.5")), Figures(trips=2, funds=D("1.2"))
    assert week_on_week(this, before, True) == {"funds": D("0.25"), "trips": D("0.5")}
    assert week_on_week(this, before, False) == {"funds": None, "trips": None}
    assert week_on_week(this, None, True) == {"funds": None, "trips": None}
    assert week_on_week(this, Figures(), True) == {"funds": None, "trips": None}     # nothing to compare with


def _move(unit, project, before, stage, funds="1"):
    return Movement(unit, project, "某公司", before, stage, D(funds))


def test_stage_counts_and_the_named_projects():
    moves = [_move("甲", "一号项目", "签约", "开工", "1"), _move("甲", "二号项目", None, "开工", "5"),
             _move("乙", "三号项目", "开工", "投产", "2"), _move("乙", "四号项目", None, "投产", "0"),
             _move("丙", "五号项目", "投产", "开工", "9")]                          # backwards: counted nowhere
    assert stage_counts(moves) == (2, 2)
    named = named_movements(moves, {("乙", "四号项目")}, 3)
    assert [m.project for m in named] == ["四号项目", "五号项目", "二号项目"]        # key first, then by funds
    assert named_movements(moves, set(), 0) == []


def test_destinations_name_their_province_once():
    assert without_repeated_province(["浙江省杭州市", "浙江省宁波市", "广东省广州市", "广东省佛山市"]) == [
        "浙江省杭州市", "宁波市", "广东省广州市", "佛山市"]
    assert without_repeated_province(["北京市", "北京市海淀区"]) == ["北京市", "海淀区"]
    assert without_repeated_province(["宁波", "浙江省"]) == ["宁波", "浙江省"]          # never cut to nothing
    assert without_repeated_province(["某地", "某地"]) == ["某地", "某地"]              # unknown: as typed


def test_brackets_never_stack():
    assert fmt.annotate("数据中心项目（二期）", "呼图壁县") == "数据中心项目（二期，呼图壁县）"
    assert fmt.annotate("冷链物流园项目", "木垒县，1.2亿元") == "冷链物流园项目（木垒县，1.2亿元）"
    assert fmt.annotate("项目（一）期）", "甲") == "项目（一）期）（甲）"                 # unbalanced: left alone
    assert fmt.annotate("项目", "") == "项目"


def test_table_money_has_two_decimals_prose_at_most_two():
    assert [fmt.amount(D(v)) for v in ("45.8", "0", "1083", "0.005", "-0.001", "149.255")] == [
        "45.80", "0.00", "1083.00", "0.01", "0.00", "149.26"]
    assert [fmt.money(D(v)) for v in ("45.80", "1083.00", "0.005")] == ["45.8", "1083", "0.01"]
