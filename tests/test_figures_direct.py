"""Figures worked out by hand on a few reports built in the test, not through the golden file:
a project's classification by its latest report, 履约率 on the boundary week, the event-kind
counters, tied ranks, and which of last year's weeks 同比 takes."""

from __future__ import annotations

import datetime as dt
import typing
from decimal import Decimal as D

import pytest

from briefing.figures.briefing import UnitRow, rank_completion
from briefing.figures.figures import EVENT_FIGURES, Figures, contribution, records
from briefing.report.model import EventKind, Report
from helpers import build_briefing, fold


def report(config, unit: str, week: str, **sections) -> Report:
    return Report.model_validate({"unit": unit, "week": week, "reporter": "某", **sections}, context={"config": config})


def project(name: str, stage: str = "开工", funds="1", kind: str = "新建", origin: str = "区外", **extra) -> dict:
    return {"project": name, "investor": "某公司", "kind": kind, "origin": origin, "stage": stage, "funds": funds, **extra}


def signing(name: str, key: bool = True, week_day: str = "2023-01-10") -> dict:
    return {"project": name, "investor": "某公司", "industry": "新能源", "investment": 1, "date": week_day, "key": key}


def event(kind: str) -> dict:
    return {"name": f"某{kind}", "kind": kind, "date": "2023-01-10", "place": "深圳市"}


# ---------------------------------------------------------------- classification by the latest report


def test_a_project_is_classified_by_its_latest_report_and_all_its_funds_go_with_it(config):
    w1 = report(config, "A县", "2023-W01", projects=[project("光伏项目", "签约", "1", "新建", "区外", industry="新能源")])
    w2 = report(config, "A县", "2023-W02", projects=[project("光伏 项目", "开工", "0.5", "新建", "区外")])
    w3 = report(config, "A县", "2023-W03", projects=[project("光伏项目", "开工", "2", "续建", "区内", industry="新材料")])
    other = report(config, "B县", "2023-W01", projects=[project("光伏项目", "签约", "0.25")])
    for order in ([w1, w2, w3, other], [w3, other, w1, w2], [w2, w3, w1, other]):   # latest by week, not arrival
        f = fold(order)
        a = f.totals("A县")
        # one project for A县 (three weeks, one name up to spacing): funds 1 + 0.5 + 2 = 3.5, all 续建/区内 as in W03
        assert (a.projects, a.funds) == (1, D("3.5"))
        assert (a.new_projects, a.new_funds, a.continued_projects, a.continued_funds) == (0, D(0), 1, D("3.5"))
        assert (a.external_projects, a.external_funds) == (0, D(0))
        total = f.totals()   # B县's project of the same name is another project: 新建/区外, 0.25
        assert (total.projects, total.funds, total.new_projects, total.new_funds) == (2, D("3.75"), 1, D("0.25"))
        assert (total.external_projects, total.external_funds) == (1, D("0.25"))
        rows = {row.industry: (row.projects, row.funds) for row in f.by_industry(config.industries)}
        assert rows == {"新能源": (0, D(0)), "新材料": (1, D("3.5")), "未分类": (1, D("0.25"))}


def test_the_classification_of_the_briefing_week_uses_only_weeks_up_to_it(config):
    w1 = report(config, "A县", "2023-W01", projects=[project("p", "签约", "1", "新建", "区外")])
    w2 = report(config, "A县", "2023-W02", projects=[project("p", "开工", "2", "续建", "区内")])
    y = build_briefing([w1, w2], config, "2023-W01", 1, dt.date(2023, 1, 9)).ytd_totals
    assert (y.projects, y.funds, y.new_projects, y.external_funds) == (1, D(1), 1, D(1))   # W02 not yet
    y = build_briefing([w1, w2], config, "2023-W02", 1, dt.date(2023, 1, 16)).ytd_totals
    assert (y.projects, y.funds, y.continued_funds, y.new_projects, y.external_projects) == (1, D(3), D(3), 0, 0)


# ---------------------------------------------------------------- 履约率 on the boundary week


def test_fulfilment_on_the_boundary_weeks(config):
    reports = [
        # signed and started in the same week (the name matched up to spacing): fulfilled
        report(config, "A县", "2023-W02", signings=[signing("光伏项目")], projects=[project("光伏 项目", "开工")]),
        # a key signing reported straight at 投产 three weeks later, never at 开工: fulfilled
        report(config, "B县", "2023-W02", signings=[signing("风电项目"), signing("小项目", key=False)]),
        report(config, "B县", "2023-W05", projects=[project("风电项目", "投产")]),
        # started in W01, signed (again) in W03, not reported since: not fulfilled by the earlier start
        report(config, "A县", "2023-W01", projects=[project("老项目", "开工")]),
        report(config, "A县", "2023-W03", signings=[signing("老项目")]),
        # C园区 signs a project only A县 reports at 开工: another unit's project, not fulfilled
        report(config, "C园区", "2023-W04", signings=[signing("光伏项目")]),
        # reported at 签约 only: not fulfilled
        report(config, "C园区", "2023-W05", signings=[signing("签约项目")], projects=[project("签约项目", "签约")]),
    ]
    f = build_briefing(reports, config, "2023-W05", 1, dt.date(2023, 2, 6)).fulfilment
    assert [(i.unit, i.project, str(i.week), i.fulfilled) for i in f.items] == [
        ("A县", "光伏项目", "2023-W02", True), ("B县", "风电项目", "2023-W02", True),
        ("A县", "老项目", "2023-W03", False), ("C园区", "光伏项目", "2023-W04", False),
        ("C园区", "签约项目", "2023-W05", False)]
    assert (f.total, f.fulfilled, f.rate) == (5, 2, D("0.4"))
    # as of W04, 风电项目 has not started yet
    f = build_briefing(reports, config, "2023-W04", 1, dt.date(2023, 1, 30)).fulfilment
    assert (f.total, f.fulfilled) == (4, 1)


def test_no_key_signing_means_no_fulfilment_rate(config):
    r = report(config, "A县", "2023-W02", signings=[signing("小项目", key=False)])
    f = build_briefing([r], config, "2023-W02", 1, dt.date(2023, 1, 16)).fulfilment
    assert (f.total, f.fulfilled, f.rate) == (0, 0, None)


# ---------------------------------------------------------------- event kinds


@pytest.mark.parametrize("kind", typing.get_args(EventKind))
def test_each_event_kind_is_counted_in_its_own_figure_and_in_the_records(config, kind):
    c = contribution(report(config, "A县", "2023-W02", events=[event(kind), event(kind)]))
    expected = {"推介会": Figures(promotions=2), "签约仪式": Figures(ceremonies=2), "考察接待": Figures(visits=2)}[kind]
    assert c.figures == expected
    assert records(c) == 2


def test_records_count_every_item_of_every_kind(config):
    r = report(config, "A县", "2023-W02",
               trips=[{"leader": "张三", "title": "县长", "start": "2023-01-10", "destinations": ["北京"], "negotiated": 4}],
               events=[event("推介会"), event("签约仪式"), event("签约仪式"), event("考察接待"), event("考察接待"),
                       event("考察接待")],
               signings=[signing("甲"), signing("乙", key=False)],
               projects=[project("丙"), project("丁"), project("戊"), project("己")])
    c = contribution(r)
    assert (c.figures.promotions, c.figures.ceremonies, c.figures.visits) == (1, 2, 3)
    assert (c.figures.trips, c.figures.negotiated, c.figures.signings, c.figures.key_signings) == (1, 4, 2, 1)
    assert records(c) == 1 + 6 + 2 + 4
    assert set(EVENT_FIGURES) == set(typing.get_args(EventKind))


# ---------------------------------------------------------------- ranks


def _rows(*completions):
    rows = [UnitRow(f"u{i}", Figures(), Figures(), completion=None if c is None else D(c))
            for i, c in enumerate(completions)]
    rank_completion(rows)
    return [row.rank for row in rows]


def test_tied_completion_rates_share_a_rank_and_the_next_rank_skips():
    assert _rows("0.2", "0.2", "0.1", None) == [1, 1, 3, None]
    assert _rows("0.1", "0.5", "0.2", "0.2") == [4, 1, 2, 2]
    assert _rows("0.3", "0.3", "0.3") == [1, 1, 1]
    assert _rows() == [] and _rows(None) == [None]


def test_tied_units_share_a_rank_in_the_briefing(config):
    config = config.model_copy(update={"targets": {2023: {"A县": D(10), "B县": D("0.5"), "C园区": D(1)}}})
    reports = [report(config, "A县", "2023-W02", projects=[project("a", funds="2")]),      # 2 / 10 = 20%
               report(config, "B县", "2023-W02", projects=[project("b", funds="0.1")]),    # 0.1 / 0.5 = 20%
               report(config, "C园区", "2023-W02", projects=[project("c", funds="0.3")])]  # 30%
    rows = build_briefing(reports, config, "2023-W02", 1, dt.date(2023, 1, 16)).units
    assert [(row.unit, row.completion, row.rank) for row in rows] == [
        ("A县", D("0.2"), 2), ("B县", D("0.2"), 2), ("C园区", D("0.3"), 1)]


# ---------------------------------------------------------------- 同比: last year's weeks through the cut-off


def _last_year(config):
    """Both units that report in 2023 have a report for each 2022 week 1..3, and A县 one for W04."""
    a = {1: "1", 2: "2", 3: "4", 4: "100"}
    result = [report(config, "A县", f"2022-W{w:02d}", projects=[project(f"a{w}", funds=f, origin="区外")])
              for w, f in a.items()]
    result += [report(config, "B县", "2022-W01", projects=[project("b", funds="0.5", origin="区内")]),
               report(config, "B县", "2022-W02"),
               report(config, "B县", "2022-W03", projects=[project("b", funds="0.25", origin="区内")])]
    return result


def test_last_years_reports_through_exactly_the_same_week_give_the_comparison(config):
    config = config.model_copy(update={"baseline": {}})
    now = [report(config, "A县", "2023-W03", projects=[project("x", funds="15.5")]),
           report(config, "B县", "2023-W01")]
    b = build_briefing(_last_year(config) + now, config, "2023-W03", 1, dt.date(2023, 1, 23))
    # 2022 W01..W03: A县 1 + 2 + 4 (区外), B县 0.5 + 0.25 (区内); W04's 100 is after the cut-off
    assert b.comparison == "reports"
    assert b.previous == {"funds": D("7.75"), "external_funds": D(7)}
    assert b.growth == {"funds": D(1), "external_funds": (D("15.5") - 7) / 7}   # 15.5 / 7.75 − 1 = +100%


def test_last_year_missing_the_cut_off_week_gives_no_comparison(config):
    config = config.model_copy(update={"baseline": {}})
    last_year = [r for r in _last_year(config) if not (r.unit == "B县" and r.week.number == 3)]
    now = [report(config, "A县", "2023-W03", projects=[project("x", funds="15.5")]), report(config, "B县", "2023-W01")]
    b = build_briefing(last_year + now, config, "2023-W03", 1, dt.date(2023, 1, 23))
    assert b.comparison is None and b.previous == {"funds": None, "external_funds": None}


# ---------------------------------------------------------------- an opening balance folded in


def test_an_opening_rollup_is_combined_with_the_weeks_reported_after_it(config):
    from briefing.figures.figures import ProjectItem
    from briefing.figures.fold import Fold, ProjectRollup
    from briefing.weeks import Week

    opening = ProjectRollup("A县", "光伏", ProjectItem("光伏", "新建", "区外", "开工", "新能源", D("2")),
                            D("2"), Week(2023, 10), started=Week(2023, 10))
    later = fold([report(config, "A县", "2023-W12", projects=[project("光伏项目", "签约", "0.5", "续建", "区内")])])
    combined = Fold()
    combined.add_rollup(opening)
    combined.merge(later)
    rollup = combined.projects[("A县", "光伏")]
    assert rollup.funds == D("2.5")                                       # 2 + 0.5
    assert (rollup.latest.kind, rollup.latest.origin, rollup.latest.stage) == ("续建", "区内", "签约")   # week 12 wins
    assert rollup.last_week == Week(2023, 12) and rollup.started == Week(2023, 10)
    totals = combined.totals()
    assert (totals.projects, totals.continued_projects, totals.funds, totals.continued_funds) == (1, 1, D("2.5"), D("2.5"))


def test_rekey_moves_every_merged_node_present_in_the_fold_to_its_owner(config):
    merged = fold([report(config, "B县", "2023-W02", projects=[project("风电项目", "开工", "0.3")]),
                   report(config, "A县", "2023-W02", projects=[project("光伏项目", "开工", "0.2")])])
    merged.rekey({("C园区", "别的项目"): ("A县", "光伏"),          # not in this week's fold: skipped
                  ("B县", "风电"): ("A县", "光伏")})
    assert list(merged.projects) == [("A县", "光伏")]
    rollup = merged.projects[("A县", "光伏")]
    assert rollup.funds == D("0.5") and (rollup.unit, rollup.key) == ("A县", "光伏")   # 0.2 + 0.3
