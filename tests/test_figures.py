"""Figures of a small workspace computed by hand, and invariants checked by hypothesis."""

from __future__ import annotations

import datetime as dt
import marshal
import textwrap
import typing
from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from briefing.figures.briefing import growth, time_progress
from briefing.figures.figures import (EVENT_FIGURES, FIGURE_NAMES, Figures, ProjectItem, TripItem, contribution,
                                      from_plain, records, to_plain)
from briefing.report.model import EventKind
from briefing.report.model import Report
from briefing.weeks import Week
from briefing.workspace.layout import open_workspace

from conftest import SMALL_REPORTS, write_workspace
from helpers import build_briefing, by_industry, by_province, by_unit, figures, valid_reports, validate_bytes
from mutation import examples


def _briefing(config_path, week="2023-W02"):
    ws = open_workspace(config_path)
    reports = valid_reports(ws).reports
    return build_briefing(reports, ws.config, week, 1, dt.date(2023, 1, 16))


def test_week_figures_by_hand(small):
    w = _briefing(small).week_totals
    assert (w.trips, w.negotiated, w.signings, w.investment, w.promotions) == (2, 2, 1, D(10), 1)
    assert (w.projects, w.new_projects, w.continued_projects, w.external_projects) == (3, 1, 2, 2)
    assert w.funds == D("0.825")          # 0.2 + 0.5 + 0.125
    assert w.new_funds == D("0.2") and w.continued_funds == D("0.625")
    assert w.external_funds == D("0.325")  # 0.2 + 0.125


def test_year_to_date_by_hand(small):
    y = _briefing(small).ytd_totals
    assert (y.trips, y.negotiated, y.signings, y.key_signings) == (3, 5, 3, 2)
    assert y.investment == D("11.361")     # 1.005 + 0.356 + 10
    # 光伏项目 counted once (W01 and W02, name matched ignoring the space), classified by W02.
    assert (y.projects, y.new_projects, y.continued_projects, y.external_projects) == (3, 1, 2, 2)
    assert y.funds == D("1.94") and y.new_funds == D("1.315") and y.external_funds == D("1.44")


def test_a_stray_report_of_last_year_does_not_beat_the_baseline(small):
    b = _briefing(small)
    # 2022 has only A县's W02 (funds 1) and W05: W01 and B县 are missing, so the baseline
    # (week 2: funds 4, external 2) stands, as if those reports were not there.
    assert b.previous == {"funds": D(4), "external_funds": D(2)} and b.comparison == "baseline"
    assert b.growth["funds"] == (D("1.94") - 4) / 4 and b.growth["external_funds"] == (D("1.44") - 2) / 2


LAST_YEAR = {  # both units that report in 2023, every week of 2022 through W02
    "2022-W01/A县.yaml": "unit: A县\nweek: 2022-W01\nreporter: 甲\nprojects:\n  - {project: x, investor: i, "
                         "kind: 新建, origin: 区外, stage: 开工, funds: 1}\n",
    "2022-W02/A县.yaml": "unit: A县\nweek: 2022-W02\nreporter: 甲\nprojects:\n  - {project: x, investor: i, "
                         "kind: 新建, origin: 区外, stage: 开工, funds: 2}\n",
    "2022-W01/B县.yaml": "unit: B县\nweek: 2022-W01\nreporter: 乙\nprojects:\n  - {project: y, investor: i, "
                         "kind: 续建, origin: 区内, stage: 开工, funds: 0.5}\n",
    "2022-W02/B县.yaml": "unit: B县\nweek: 2022-W02\nreporter: 乙\n",
}


def _this_year():
    return {k: v for k, v in SMALL_REPORTS.items() if not k.startswith("2022")}


def test_last_years_reports_are_used_when_they_cover_every_week_of_every_unit(tmp_path):
    b = _briefing(write_workspace(tmp_path / "ws", reports={**_this_year(), **LAST_YEAR}))
    # 2022 through W02: funds 1 + 2 + 0.5 = 3.5, external (区外) 1 + 2 = 3
    assert b.previous == {"funds": D("3.5"), "external_funds": D(3)} and b.comparison == "reports"
    assert b.growth["funds"] == (D("1.94") - D("3.5")) / D("3.5")      # −44.6%
    assert b.growth["external_funds"] == (D("1.44") - 3) / 3            # −52.0%


def test_one_missing_unit_week_of_last_year_falls_back_to_the_baseline(tmp_path):
    last_year = {k: v for k, v in LAST_YEAR.items() if k != "2022-W02/B县.yaml"}
    b = _briefing(write_workspace(tmp_path / "ws", reports={**_this_year(), **last_year}))
    assert b.previous == {"funds": D(4), "external_funds": D(2)} and b.comparison == "baseline"


def test_the_first_weeks_of_last_year_never_stand_for_week_17(config):
    def report(unit, week, funds):
        return Report.model_validate({"unit": unit, "week": week, "reporter": "某", "projects": [
            {"project": "p", "investor": "x", "kind": "新建", "origin": "区外", "stage": "开工", "funds": funds}]},
            context={"config": config})

    early = [report(unit, f"2022-W{w:02d}", "0.5") for unit in ("A县", "B县") for w in range(1, 5)]  # 4.0 in all
    now = [report("A县", "2023-W17", 4)]
    b = build_briefing(early + now, config, "2023-W17", 1, dt.date(2023, 5, 1))
    assert b.growth == {"funds": None, "external_funds": None} and b.comparison is None  # no baseline for W17
    config = config.model_copy(update={"baseline": {2022: [config.baseline[2022][0].model_copy(
        update={"week": 17, "funds": D(8), "external_funds": D(5)})]}})
    b = build_briefing(early + now, config, "2023-W17", 1, dt.date(2023, 5, 1))
    assert b.growth == {"funds": D("-0.5"), "external_funds": D("-0.2")} and b.comparison == "baseline"


def test_growth_from_baseline_when_no_reports(tmp_path):
    b = _briefing(write_workspace(tmp_path / "ws", reports=_this_year()))
    assert b.comparison == "baseline"
    assert b.growth["funds"] == (D("1.94") - 4) / 4          # −51.5%
    assert b.growth["external_funds"] == (D("1.44") - 2) / 2  # −28.0%


def test_growth_omitted_without_any_comparison(tmp_path):
    reports = {k: v for k, v in SMALL_REPORTS.items() if not k.startswith("2022")}
    b = _briefing(write_workspace(tmp_path / "ws", reports=reports), week="2023-W01")
    assert b.growth == {"funds": None, "external_funds": None}  # baseline has week 2 only
    assert b.comparison is None


def test_fulfilment_by_hand(small):
    f = _briefing(small).fulfilment
    assert (f.total, f.fulfilled, f.rate) == (2, 1, D("0.5"))
    assert [item.fulfilled for item in f.items] == [True, False]  # 光伏 started W02, 风电 not


def test_units_targets_and_ranking(small):
    rows = {row.unit: row for row in _briefing(small).units}
    assert rows["A县"].ytd.funds == D("1.815") and rows["A县"].completion == D("0.1815")
    assert rows["B县"].completion == D("0.25") and rows["B县"].target == D("0.5")
    assert (rows["B县"].rank, rows["A县"].rank, rows["C园区"].rank) == (1, 2, None)


def test_industries_and_provinces(small):
    b = _briefing(small)
    industries = {row.industry: (row.signings, row.investment, row.projects, row.funds) for row in b.industries}
    assert industries == {"新能源": (2, D("11.005"), 1, D("1.315")), "新材料": (1, D("0.356"), 1, D("0.125")),
                          "未分类": (0, D(0), 1, D("0.5"))}
    provinces = {row.province: (row.trips, row.negotiated) for row in b.provinces}
    assert provinces == {"北京市": (2, 5), "广东省": (1, 0)}


def test_missing_quiet_plans_and_progress(small):
    b = _briefing(small)
    assert b.missing_units == ["C园区"] and b.quiet_units == []   # B县 made no trip but signed: not quiet
    assert [(p.text, p.units) for p in b.plans] == [("赴广东招商。", ["A县"]), ("跟踪签约项目", ["A县", "B县"])]
    assert [(m.project, m.before, m.stage) for m in b.movements] == [
        ("光伏 项目", "签约", "开工"), ("老厂改造", None, "投产"), ("材料厂", None, "开工")]
    assert time_progress(Week(2023, 2)) == D(15) / D(365)


def test_time_progress_clamps_to_calendar_year():
    assert time_progress(Week(2020, 53)) == 1  # ISO week 53 of 2020 ends on 2021-01-03
    assert time_progress(Week(2021, 1)) == D(10) / D(365)  # 2021-W01 ends on Jan 10


def test_growth_edge_cases():
    assert growth(D(5), None) is None and growth(D(5), D(0)) is None
    assert growth(D(3), D(4)) == D("-0.25")


# ---------------------------------------------------------------- invariants

UNITS = ["甲", "乙", "丙"]
INDUSTRIES = ["新能源", "新材料"]
money = st.decimals(min_value=0, max_value=1000, places=4, allow_nan=False, allow_infinity=False)
weeks = st.integers(min_value=1, max_value=5)
names = st.sampled_from(["项目一", "项目二", "项目 一", "项目三"])

trip = st.fixed_dictionaries({
    "leader": st.just("某"), "title": st.just("县长"), "start": st.just("2023-01-02"),
    "destinations": st.lists(st.sampled_from(["北京", "京", "广东省佛山市", "深圳", "新加坡", "江苏"]), min_size=1, max_size=3),
    "negotiated": st.integers(0, 20)})
signing = st.fixed_dictionaries({
    "project": names, "investor": st.just("某公司"), "industry": st.sampled_from(INDUSTRIES),
    "investment": money, "date": st.just("2023-01-03"), "key": st.booleans()})
project = st.fixed_dictionaries({
    "project": names, "investor": st.just("某公司"), "kind": st.sampled_from(["新建", "续建"]),
    "origin": st.sampled_from(["区外", "区内"]), "stage": st.sampled_from(["签约", "开工", "投产"]),
    "funds": money}, optional={"industry": st.sampled_from(INDUSTRIES)})


@st.composite
def reports(draw):
    result, seen = [], set()
    for _ in range(draw(st.integers(0, 8))):
        unit, week = draw(st.sampled_from(UNITS)), draw(weeks)
        if (unit, week) in seen:
            continue
        seen.add((unit, week))
        projects = draw(st.lists(project, max_size=4, unique_by=lambda p: p["project"].replace(" ", "")))
        result.append(Report.model_validate({
            "unit": unit, "week": f"2023-W{week:02d}", "reporter": "某",
            "trips": draw(st.lists(trip, max_size=3)), "signings": draw(st.lists(signing, max_size=3)),
            "projects": projects}))
    return result


def _total(rows, *names):
    return tuple(sum((getattr(row, n) for row in rows), 0) for n in names)


@settings(max_examples=examples(150), deadline=None)
@given(reports())
def test_every_breakdown_adds_up_to_its_total(rs):
    total = figures(rs)
    assert sum(by_unit(rs, UNITS).values(), Figures()) == total
    industry = by_industry(rs, INDUSTRIES)
    assert _total(industry, "signings", "investment", "projects", "funds") == (
        total.signings, total.investment, total.projects, total.funds)
    assert _total(by_province(rs), "trips", "negotiated") == (total.trips, total.negotiated)
    assert total.new_projects + total.continued_projects == total.projects
    assert total.new_funds + total.continued_funds == total.funds
    assert total.external_projects <= total.projects and total.external_funds <= total.funds


@settings(max_examples=examples(100), deadline=None)
@given(reports(), st.randoms())
def test_figures_do_not_depend_on_file_order(rs, random):
    shuffled = list(rs)
    random.shuffle(shuffled)
    assert figures(shuffled) == figures(rs)


@settings(max_examples=examples(100), deadline=None)
@given(st.lists(money, max_size=30))
def test_sums_are_exact_decimals(amounts):
    r = Report.model_validate({"unit": "甲", "week": "2023-W01", "reporter": "某", "projects": [
        {"project": f"p{i}", "investor": "x", "kind": "新建", "origin": "区外", "stage": "开工", "funds": str(a)}
        for i, a in enumerate(amounts)]})
    assert figures([r]).funds == sum(amounts, D(0))


# ---------------------------------------------------------------- one report's contribution


def _w02_a(config):
    report, problems = validate_bytes(textwrap.dedent(SMALL_REPORTS["2023-W02/A县.yaml"]).encode(), "a.yaml", config)
    assert report is not None, problems
    return report


def test_a_contribution_names_its_figures_and_items(config):
    c = contribution(_w02_a(config))
    assert (c.unit, c.week) == ("A县", Week(2023, 2))
    assert c.figures == Figures(trips=2, negotiated=2, promotions=1)   # no signings; projects come from rollups
    assert c.trips == (TripItem("北京市", 2), TripItem("广东省", 0))    # 深圳 is in 广东省
    assert c.projects[1] == ProjectItem("老厂改造", "续建", "区内", "投产", None, D("0.5"), "老厂改造", "本地公司")
    assert records(c) == 2 + 1 + 0 + 2                                  # trips, events, signings, projects


def test_a_contribution_survives_the_cache_format(config):
    c = contribution(_w02_a(config))
    plain = marshal.loads(marshal.dumps(to_plain(c)))
    assert plain[2] == {"trips": 2, "negotiated": 2, "promotions": 1}   # by name, zeros left out
    assert from_plain(plain) == c
    for bad in ({"tripz": 2}, {"trips": "2"}, {"funds": "x"}):
        with pytest.raises(Exception):
            from_plain((*plain[:2], bad, *plain[3:]))
    with pytest.raises(Exception):
        from_plain(("A县", (2023, 60), {}, (), (), ()))                 # no such week


def test_the_same_texts_and_amounts_are_held_once(config):
    """A year's ledger keeps every item: a project's name, investor, kind … reported every week
    must be one object, whether the report was read or came back from the cache."""
    fresh = [contribution(_w02_a(config)) for _ in range(2)]                     # two separate reads
    cached = [from_plain(marshal.loads(marshal.dumps(to_plain(fresh[0])))) for _ in range(2)]
    first = fresh[0]
    for other in (fresh[1], *cached):
        assert other == first
        assert other.unit is first.unit
        for mine, theirs in zip(first.projects, other.projects):
            for field in ("key", "kind", "origin", "stage", "industry", "name", "investor"):
                assert getattr(theirs, field) is getattr(mine, field), field
    assert cached[1].projects[0].funds is cached[0].projects[0].funds


def test_signings_projects_and_amounts_survive_the_cache_format_and_malformed_items_are_refused(config):
    c = contribution(_w01_a(config))
    assert [s.investment for s in c.signings] == [D("1.005"), D("0.3560")] and c.projects[0].funds == D("1.115")   # 3560万元
    plain = marshal.loads(marshal.dumps(to_plain(c)))
    assert plain[2]["investment"] == "1.3610" and plain[4][0][1] == "1.005" and plain[5][0][5] == "1.115"
    assert from_plain(plain) == c
    signing, project = plain[4][0], plain[5][0]
    bad_items = [(4, signing, -2, "2"), (4, signing, -1, None), (4, signing, 4, None), (4, signing, 6, 7),
                 (5, project, -2, 2.0), (5, project, -1, "1"), (5, project, 6, b"x"), (5, project, 8, 1)]
    for where, item, index, value in bad_items:
        broken = list(item)
        broken[index] = value
        with pytest.raises(ValueError):
            from_plain((*plain[:where], (tuple(broken),), *plain[where + 1:]))
    for bad in ((None, *plain[1:]), (plain[0], plain[1], [("trips", 2)], *plain[3:])):
        with pytest.raises(ValueError):
            from_plain(bad)


def _w01_a(config):
    report, problems = validate_bytes(textwrap.dedent(SMALL_REPORTS["2023-W01/A县.yaml"]).encode(), "a.yaml", config)
    assert report is not None, problems
    return report


def test_every_event_kind_counts_in_one_figure():
    assert set(EVENT_FIGURES) == set(typing.get_args(EventKind))
    assert set(EVENT_FIGURES.values()) <= set(FIGURE_NAMES)


def _report(**extra):
    data = {"unit": "A县", "week": "2023-W02", "reporter": "甲"}
    data.update(extra)
    return data


def _project(name, stage="开工", funds=1):
    return {"project": name, "investor": "x", "kind": "新建", "origin": "区外", "stage": stage, "funds": funds}


def test_total_completion_counts_only_units_with_a_target(config):
    reports = [Report.model_validate(_report(projects=[_project("a", funds=2)]), context={"config": config}),
               Report.model_validate(_report(unit="C园区", projects=[_project("c", funds=90)]),
                                     context={"config": config})]
    b = build_briefing(reports, config, "2023-W02", 1, dt.date(2023, 1, 16))
    assert b.target_total == D("10.5") and b.target_completion == D(2) / D("10.5")  # C园区 has no target


def test_last_years_partial_reports_do_not_replace_the_baseline(config):
    late = Report.model_validate(_report(week="2022-W01", projects=[_project("x", funds=1)]), context={"config": config})
    now = Report.model_validate(_report(projects=[_project("y", funds=8)]), context={"config": config})
    config = config.model_copy(update={"baseline": {2022: config.baseline[2022]}})
    with_start = build_briefing([late, now], config, "2023-W02", 1, dt.date(2023, 1, 16))
    assert with_start.previous["funds"] == D(4)          # W01 only, not through W02: the baseline
    mid = Report.model_validate(_report(week="2022-W02", projects=[_project("x", funds=1)]), context={"config": config})
    assert build_briefing([mid, now], config, "2023-W02", 1, dt.date(2023, 1, 16)).previous["funds"] == D(4)
    both = build_briefing([late, mid, now], config, "2023-W02", 1, dt.date(2023, 1, 16))
    assert both.previous["funds"] == D(2)                # A县, the only unit this year, every week through W02
    half = Report.model_validate(_report(week="2022-W30", projects=[_project("x", funds=1)]), context={"config": config})
    summer = Report.model_validate(_report(week="2023-W02", projects=[_project("y", funds=8)]), context={"config": config})
    b = build_briefing([half, summer], config, "2023-W02", 1, dt.date(2023, 1, 16))
    assert b.previous["funds"] == D(4)                   # only a week-30 report: baseline, not 0


def test_week_53_compares_with_last_years_last_week(config):
    config = config.model_copy(update={"baseline": {2019: [
        config.baseline[2022][0].model_copy(update={"week": 52, "funds": D(10)})]}})
    r = Report.model_validate(_report(week="2020-W53", projects=[_project("y", funds=12)]), context={"config": config})
    assert build_briefing([r], config, "2020-W53", 1, dt.date(2021, 1, 4)).growth["funds"] == D("0.2")


def test_a_project_unchanged_over_new_year_has_not_moved(config):
    old = Report.model_validate(_report(week="2022-W52", projects=[_project("老项目")]), context={"config": config})
    new = Report.model_validate(_report(week="2023-W01", projects=[_project("老项目")]), context={"config": config})
    assert build_briefing([old, new], config, "2023-W01", 1, dt.date(2023, 1, 9)).movements == []
