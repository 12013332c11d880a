"""Cases found in code review: hostile input that must not crash, figures at the edges,
a cache that cannot run code, outputs that cannot run formulas."""

from __future__ import annotations

import datetime as dt
import marshal
import pickle
import sqlite3
from decimal import Decimal as D

import pytest
from openpyxl import load_workbook

from briefing.aggregate import build_briefing
from briefing.build import build
from briefing.errors import BriefingError
from briefing.ingest import LogRecord
from briefing.model import Report, parse_money
from briefing.workspace import load_reports, open_workspace

from conftest import SMALL_REPORTS, write_workspace


def _loaded(tmp_path, config, text):
    path = tmp_path / "r.yaml"
    path.write_text(text, encoding="utf-8")
    return load_reports([path], config)


@pytest.mark.parametrize("text", [
    "unit: A县\nweek: 2023-W02\nreporter: 甲\nplans: " + "[" * 900 + "]" * 900 + "\n",
    "unit: A县\nweek: 0000-W05\nreporter: 甲\n",
    "unit: A县\nweek: 9999-W52\nreporter: 甲\n",
    "unit: A县\nweek: 2023-W02\nreporter: 甲\nplans: " + "[" * 40000 + "，\n",
])
def test_hostile_reports_are_errors_not_crashes(tmp_path, config, text):
    loaded = _loaded(tmp_path, config, text)
    assert not loaded.reports and loaded.errors


@pytest.mark.parametrize("raw", ["1,000,5", "1,000.5,3", "12,345,6亿", "1e30", "9" * 29])
def test_malformed_or_impossible_amounts_are_refused(raw):
    with pytest.raises(ValueError):
        parse_money(raw)
    assert parse_money("1,200万元") == D("0.12")


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


def test_zero_growth_reads_as_unchanged(tmp_path):
    config = write_workspace(tmp_path / "ws", reports={
        k: v for k, v in SMALL_REPORTS.items() if not k.startswith("2022")}).read_text(encoding="utf-8")
    ws_config = write_workspace(tmp_path / "ws2", config=config.replace("funds: 4", "funds: 1.94"),
                                reports={k: v for k, v in SMALL_REPORTS.items() if not k.startswith("2022")})
    [path] = build(open_workspace(ws_config), week="2023-W02", formats=["md"], issue=1, date=dt.date(2023, 1, 16))
    assert "到位资金1.94亿元，与去年同期持平。" in path.read_text(encoding="utf-8")


def test_text_from_reports_never_becomes_an_excel_formula(tmp_path):
    reports = dict(SMALL_REPORTS)
    reports["2023-W02/B县.yaml"] = SMALL_REPORTS["2023-W02/B县.yaml"].replace(
        "project: 风电项目", "project: '=HYPERLINK(\"http://evil.example/\",\"点\")'")
    config = write_workspace(tmp_path / "ws", reports=reports)
    [path] = build(open_workspace(config), week="2023-W02", formats=["xlsx"], issue=1, date=dt.date(2023, 1, 16))
    cell = load_workbook(path)["本周签约"]["B2"]
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")


def test_a_planted_pickle_in_the_cache_is_never_loaded(small, tmp_path):
    build(open_workspace(small), week="2023-W02", formats=["md"], issue=1, date=dt.date(2023, 1, 16))
    marker = tmp_path / "pwned"

    class Evil:
        def __reduce__(self):
            return (open, (str(marker), "w"))

    with sqlite3.connect(small.parent / ".briefing" / "cache.sqlite") as db:
        db.execute("UPDATE reports SET payload = ?", (pickle.dumps(Evil()),))
    [path] = build(open_workspace(small), week="2023-W02", formats=["md"], issue=1, date=dt.date(2023, 1, 16))
    assert not marker.exists() and "总投资11.36亿元" in path.read_text(encoding="utf-8")
    with sqlite3.connect(small.parent / ".briefing" / "cache.sqlite") as db:
        db.execute("UPDATE reports SET payload = ?", (marshal.dumps(("A县", (2023, 2), (1,), (), (), ())),))
    assert "总投资11.36亿元" in build(open_workspace(small), week="2023-W02", formats=["md"], issue=1,
                                   date=dt.date(2023, 1, 16))[0].read_text(encoding="utf-8")


def test_a_code_change_invalidates_the_cache(small, monkeypatch):
    from briefing import cache
    from briefing.workspace import open_cache

    build(open_workspace(small), week="2023-W02", formats=["md"], issue=1, date=dt.date(2023, 1, 16))
    assert open_cache(small).entries
    monkeypatch.setattr(cache, "_source_digest", lambda: b"changed")
    assert open_cache(small).entries == {}


def test_a_damaged_word_template_gets_a_chinese_message(small):
    templates = small.parent / "templates"
    templates.mkdir()
    (templates / "briefing.docx").write_bytes(b"not a zip at all")
    with pytest.raises(BriefingError, match="Word 模板"):
        build(open_workspace(small), week="2023-W02", formats=["docx"], issue=None, date=dt.date(2023, 1, 16))
    from briefing.numbering import recorded_issues

    assert recorded_issues(small.parent / ".briefing") in ({}, {"2023": {}})  # a failed build uses up no number


def test_a_date_in_the_future_does_not_pin_a_version():
    def record(date, arrived):
        return LogRecord(kind="report", outcome="accepted", time="", seq=1, sha256="", message="",
                         date=date, arrived=arrived)
    forged = record("2099-05-01T00:00:00+08:00", "2023-04-25T10:00:00+08:00")
    honest = record("2023-04-26T09:00:00+08:00", "2023-04-26T09:01:00+08:00")
    assert honest.when > forged.when
