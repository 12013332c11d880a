"""Opening balances (config ``opening``, issue 11 item 1): a workspace that starts mid-year
states the year's figures so far and gets the same briefing as one with every report."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import yaml
from click.testing import CliRunner

from briefing.actions.build import briefing_of, gather, render
from briefing.cli import cli
from briefing.figures.figures import trip_province
from briefing.report.fields import project_key
from briefing.workspace.layout import open_workspace
from helpers import valid_reports

THROUGH = 16


def opening_of(reports) -> dict:
    """The opening balance (config ``opening.2023``) equal to ``reports``, summed by hand-written
    rules from the reports themselves (not by the figures code under test)."""
    units: dict[str, dict] = {}
    latest: dict[tuple[str, str], tuple] = {}
    funds: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for report in sorted(reports, key=lambda r: r.week):
        u = units.setdefault(report.unit, {"trips": 0, "negotiated": 0, "signings": 0, "investment": Decimal(0),
                                           "events": defaultdict(int), "key_signings": [],
                                           "by_industry": {}, "by_province": {}})
        for trip in report.trips:
            u["trips"] += 1
            u["negotiated"] += trip.negotiated
            row = u["by_province"].setdefault(trip_province(trip), {"trips": 0, "negotiated": 0})
            row["trips"] += 1
            row["negotiated"] += trip.negotiated
        for signing in report.signings:
            u["signings"] += 1
            u["investment"] += signing.investment
            row = u["by_industry"].setdefault(signing.industry, {"signings": 0, "investment": Decimal(0)})
            row["signings"] += 1
            row["investment"] += signing.investment
            if signing.key:
                u["key_signings"].append(signing.project)
        for event in report.events:
            u["events"][event.kind] += 1
        for item in report.projects:
            key = (report.unit, project_key(item.project))
            funds[key] += item.funds
            latest[key] = (item.project, item.kind, item.origin, item.stage, item.industry)
    for (unit, _), (name, kind, origin, stage, industry) in latest.items():
        project = {"project": name, "kind": kind, "origin": origin, "stage": stage,
                   "funds": str(funds[(unit, project_key(name))])}
        if industry:
            project["industry"] = industry
        units[unit].setdefault("projects", []).append(project)
    for u in units.values():
        u["investment"] = str(u["investment"])
        u["events"] = dict(u["events"])
        for row in u["by_industry"].values():
            row["investment"] = str(row["investment"])
    return {"through": THROUGH, "units": units}


def mid_year_copy(sample: Path, root: Path) -> Path:
    """The sample with only week 17's reports and an opening equal to weeks 14–16."""
    root.mkdir()
    shutil.copytree(sample.parent / "entries" / "2023-W17", root / "entries" / "2023-W17")
    earlier = [r for r in valid_reports(open_workspace(sample)).reports if r.week.year == 2023 and r.week.number <= THROUGH]
    config = yaml.safe_load(sample.read_text(encoding="utf-8"))
    config["opening"] = {2023: opening_of(earlier)}
    (root / "briefing.yaml").write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return root / "briefing.yaml"


def computed(config: Path):
    ws = open_workspace(config)
    gathered = gather(ws, "2023-W17", True, lambda line: None)
    b = briefing_of(ws, gathered, 1, dt.date(2023, 5, 5), lambda line: None)
    [(_, markdown)] = render(b, ws, ["md"], lambda line: None)
    return b, markdown.decode("utf-8")


def section(markdown: str, heading: str) -> str:
    match = re.search(rf"^## {heading}\n(.*?)(?=^## |\Z)", markdown, re.S | re.M)
    assert match, heading
    return match.group(1)


def figures_of(b):
    return {
        "ytd": b.ytd_totals, "week": b.week_totals, "growth": b.growth, "previous": b.previous,
        "units": [(r.unit, r.ytd, r.week, r.completion, r.rank) for r in b.units],
        "target_completion": b.target_completion, "fulfilment": (b.fulfilment.total, b.fulfilment.fulfilled),
        "industries": b.industries, "provinces": b.provinces, "comparison": b.comparison,
    }


def test_an_opening_equal_to_the_earlier_weeks_gives_the_same_briefing(sample, tmp_path):
    full, full_md = computed(sample)
    opened, opened_md = computed(mid_year_copy(sample, tmp_path / "mid"))
    assert figures_of(opened) == figures_of(full)
    assert full.fulfilment.total > 0 and full.growth["funds"] is not None   # the comparison is not empty
    for heading in ("一、总体情况", "附表"):
        assert section(opened_md, heading) == section(full_md, heading)


def test_reports_of_weeks_the_opening_covers_are_not_counted_and_are_named(sample, tmp_path):
    config = mid_year_copy(sample, tmp_path / "mid")
    stray = config.parent / "entries" / "2023-W16"
    shutil.copytree(sample.parent / "entries" / "2023-W16", stray)
    before, _ = computed(mid_year_copy(sample, tmp_path / "again"))
    after, _ = computed(config)
    assert figures_of(after) == figures_of(before)
    result = CliRunner().invoke(cli, ["build", "--config", str(config), "--week", "2023-W17", "--format", "md"])
    assert result.exit_code == 0, result.output
    assert re.search(r"2023-W16.昌吉市\.yaml: 注意: 2023年第16周在期初数（截至第16周）之内，这份报告没有计入", result.stderr)


def test_a_briefing_for_a_week_the_opening_covers_is_refused(sample, tmp_path):
    config = mid_year_copy(sample, tmp_path / "mid")
    for command in ("build", "publish"):
        result = CliRunner().invoke(cli, [command, "--config", str(config), "--week", "2023-W16", "--format", "md"],
                                    env={"BRIEFING_TODAY": "2023-05-08"})
        assert result.exit_code == 2 and "2023年第16周在期初数之内" in result.output, result.output
        assert "请生成第17周及以后的简报" in result.output


def test_opening_figures_by_hand(tmp_path):
    """A two-unit opening, figures worked out by hand: 5 + 1 trips, 2.5 + 0.75 亿元 to date, a key
    signing fulfilled by the project's 开工 in week 3 and one not yet."""
    from briefing.figures.briefing import Tally
    from briefing.figures.figures import contribution
    from briefing.report.config import Config
    from briefing.report.model import Report
    from briefing.weeks import Week

    config = Config.model_validate({
        "bureau": "局", "units": ["甲县", "乙县"], "industries": ["新能源"], "targets": {2023: {"甲县": 10}},
        "opening": {2023: {"through": 2, "units": {
            "甲县": {"trips": 5, "negotiated": 7, "signings": 2, "investment": "3亿元", "events": {"推介会": 1},
                    "key_signings": ["光伏 项目", "风电项目"],
                    "by_industry": {"新能源": {"signings": 1, "investment": 2}},
                    "projects": [{"project": "光伏项目", "kind": "新建", "origin": "区外", "stage": "签约",
                                  "funds": "2.5", "industry": "新能源"}]},
            "乙县": {"trips": 1}}}}})
    week3 = Report.model_validate({"unit": "甲县", "week": "2023-W03", "reporter": "某", "projects": [
        {"project": "光伏项目", "investor": "某公司", "kind": "新建", "origin": "区外", "stage": "开工", "funds": 0.75,
         "industry": "新能源"}]},
        context={"config": config})
    tally = Tally(Week(2023, 3), config)
    tally.add(contribution(week3), week3, "w3.yaml")
    b = tally.briefing(config, Week(2023, 3), None, dt.date(2023, 1, 23))
    ytd = b.ytd_totals
    assert (ytd.trips, ytd.negotiated, ytd.signings, ytd.investment, ytd.promotions) == (6, 7, 2, Decimal(3), 1)
    assert (ytd.projects, ytd.funds, ytd.new_funds, ytd.external_funds) == (1, Decimal("3.25"), Decimal("3.25"),
                                                                            Decimal("3.25"))
    assert (b.week_totals.funds, b.week_totals.trips) == (Decimal("0.75"), 0)
    assert (b.fulfilment.total, b.fulfilment.fulfilled) == (2, 1)
    assert b.units[0].completion == Decimal("0.325") and b.units[0].rank == 1
    assert [(m.project, m.before, m.stage) for m in b.movements] == [("光伏项目", "签约", "开工")]
    industries = {row.industry: (row.signings, row.investment, row.projects) for row in b.industries}
    assert industries == {"新能源": (1, Decimal(2), 1), "未分类": (1, Decimal(1), 0)}
    assert {row.province: row.trips for row in b.provinces} == {"其他地区": 6}


def test_opening_is_validated_like_the_rest_of_the_config(tmp_path):
    config = tmp_path / "briefing.yaml"
    config.write_text(
        "bureau: 局\nunits: [甲县]\nindustries: [新能源]\nopening:\n  2023:\n    through: 60\n    units:\n"
        "      乙县: {trips: 2}\n      甲县:\n        trips: 3个\n        investment: abc\n"
        "        events: {路演: 1}\n        projects:\n"
        "          - {project: x, kind: 新开, origin: 国外, stage: 开工, funds: 1, industry: 新材料}\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", "--config", str(config)])
    assert result.exit_code == 1
    lines = [line.split(": 错误: ")[1] for line in result.output.splitlines() if ": 错误: " in line]
    assert "“through”：应为 1～53 之间的周数（ISO 周），实际是 60" in lines
    assert any("“3个”" in line or "不要带单位" in line for line in lines), lines
    assert any("路演" in line for line in lines), lines
    assert "“kind”：应为 新建、续建 之一，实际是“新开”" in lines
    assert len(lines) == 5   # every problem at once


def test_units_origins_and_industries_of_an_opening_are_checked_all_at_once(tmp_path):
    config = tmp_path / "briefing.yaml"
    config.write_text(
        "bureau: 局\nunits: [甲县]\nindustries: [新能源]\nexternal_label: 省外\nopening:\n  2023:\n    through: 16\n"
        "    units:\n      乙县: {trips: 2}\n      甲县:\n        by_industry: {新材料: {signings: 0}}\n"
        "        projects:\n          - {project: x, kind: 新建, origin: 国外, stage: 开工, funds: 1, industry: 新材料}\n"
        "          - {project: y, kind: 新建, origin: 省外, stage: 开工, funds: 1}\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", "--config", str(config)])
    assert result.exit_code == 1
    lines = [line.split(": 错误: ", 1)[1] for line in result.output.splitlines() if ": 错误: " in line]
    assert lines == ["“乙县”不是 units 中的单位，是否应为“甲县”？", "“新材料”不是配置中的产业链。可选：新能源",
                     "origin 应为 省外 或 省内，实际是“国外”", "“新材料”不是配置中的产业链。可选：新能源"]


def test_last_years_opening_counts_for_growth_from_its_week_on(tmp_path):
    """2022 opens through week 10 with 8 亿元; 2022-W11 adds 2: 同比 of 2023-W11 compares with
    10 (8 + 2).  For 2023-W05 last year's figure through week 5 is unknown: the baseline (4) is used."""
    from briefing.figures.briefing import Tally
    from briefing.figures.figures import contribution
    from briefing.report.config import Config
    from briefing.report.model import Report
    from briefing.weeks import Week

    project = {"project": "p", "kind": "新建", "origin": "区外", "stage": "签约"}
    config = Config.model_validate({
        "bureau": "局", "units": ["甲县"], "industries": ["新能源"],
        "baseline": {2022: [{"week": 5, "funds": 4}]},
        "opening": {2022: {"through": 10, "units": {"甲县": {"projects": [{**project, "funds": 8}]}}}}})

    def report(week: str, funds: str) -> Report:
        return Report.model_validate({"unit": "甲县", "week": week, "reporter": "某", "projects": [
            {**project, "investor": "某", "funds": funds}]}, context={"config": config})

    for week, expected, source in (("2023-W11", Decimal(10), "reports"), ("2023-W05", Decimal(4), "baseline")):
        tally = Tally(Week.parse(week), config)
        for r in (report("2022-W11", "2"), report(week, "15")):
            tally.add(contribution(r), r, "")
        b = tally.briefing(config, Week.parse(week), None, dt.date(2023, 5, 5))
        assert (b.comparison, b.previous["funds"]) == (source, expected)
        assert b.growth["funds"] == (Decimal(15) - expected) / expected


def test_suspicious_figures_are_growth_beyond_500_percent_and_a_week_above_the_year_target():
    """甲县 gets 12 亿元 this week against a target of 10; last year to date was 2, so 同比 is
    (12 − 2) / 2 = +500% exactly (not beyond: no line), then 13 gives +550%."""
    from briefing.figures.briefing import Tally
    from briefing.figures.checks import suspicious_figures
    from briefing.figures.figures import contribution
    from briefing.report.config import Config
    from briefing.report.model import Report
    from briefing.weeks import Week

    config = Config.model_validate({"bureau": "局", "units": ["甲县", "乙县"], "industries": ["新能源"],
                                    "targets": {2023: {"甲县": 10, "乙县": 100}},
                                    "baseline": {2022: [{"week": 2, "funds": 2}]}})
    lines = {}
    for funds in ("12", "13"):
        r = Report.model_validate({"unit": "甲县", "week": "2023-W02", "reporter": "某", "projects": [
            {"project": "p", "investor": "某", "kind": "新建", "origin": "区内", "stage": "签约", "funds": funds}]},
            context={"config": config})
        tally = Tally(Week(2023, 2), config)
        tally.add(contribution(r), r, "")
        lines[funds] = suspicious_figures(tally.briefing(config, Week(2023, 2), None, dt.date(2023, 1, 16)))
    assert lines["12"] == ["甲县本周到位资金12亿元，超过其全年目标10亿元，请核对是否把万元写成了亿元"]
    assert lines["13"] == ["今年以来到位资金同比增长550.0%，超过±500%，请核对今年的报告和去年同期数是否有误（如金额单位写错）",
                           "甲县本周到位资金13亿元，超过其全年目标10亿元，请核对是否把万元写成了亿元"]


def test_a_week_53_in_a_year_of_52_weeks_is_refused(tmp_path):
    """2023 has 52 ISO weeks, 2020 has 53: ``through: 53`` is a typing slip in one and right in the other."""
    config = tmp_path / "briefing.yaml"
    (tmp_path / "entries").mkdir()
    for year, code in ((2023, 1), (2020, 0)):
        config.write_text(f"bureau: 局\nunits: [甲县]\nindustries: [新能源]\nopening:\n  {year}:\n    through: 53\n"
                          "    units:\n      甲县: {trips: 2}\n", encoding="utf-8")
        result = CliRunner().invoke(cli, ["validate", "--config", str(config)])
        assert result.exit_code == code, result.output
    config.write_text("bureau: 局\nunits: [甲县]\nindustries: [新能源]\nopening:\n  2023:\n    through: 53\n"
                      "    units:\n      甲县: {trips: 2}\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", "--config", str(config)])
    assert "briefing.yaml:6:14: 错误: “through”（截至第几周）：2023年只有52周，through 写的是第53周，请核对" in result.output
    assert ":6:" in result.output, result.output       # the line of through
