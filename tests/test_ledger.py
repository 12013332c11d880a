"""The project ledger: identity, counting once, duplicates, stages, 督办, and its commands.

Each workspace is built by hand; expected figures are worked out by hand in the comments.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal as D

import openpyxl
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from briefing.actions.build import compute
from briefing.actions.check import check_reports
from briefing.cli import cli
from briefing.figures.identity import project_key, similar
from briefing.report.config import Config
from briefing.report.load import parse_bytes
from briefing.report.model import Report
from briefing.workspace.layout import open_workspace

from conftest import SMALL_CONFIG, write_workspace
from helpers import build_briefing
from mutation import examples

HEAD = "unit: {unit}\nweek: {week}\nreporter: 甲\n"


def signing(name, investment=10, investor="光伏公司", industry="新能源", key=False, extra=""):
    return (f"  - project: {name}\n    investor: {investor}\n    industry: {industry}\n    investment: {investment}\n"
            f"    date: 2023-01-04\n    key: {'true' if key else 'false'}\n{extra}")


def project(name, stage="开工", funds=1, investor="光伏公司", extra=""):
    return (f"  - project: {name}\n    investor: {investor}\n    kind: 新建\n    origin: 区外\n    stage: {stage}\n"
            f"    funds: {funds}\n{extra}")


def report(unit, week, signings=(), projects=()):
    text = HEAD.format(unit=unit, week=week)
    if signings:
        text += "signings:\n" + "".join(signings)
    if projects:
        text += "projects:\n" + "".join(projects)
    return text


def workspace(tmp_path, reports, config_extra=""):
    return write_workspace(tmp_path / "ws", SMALL_CONFIG + config_extra, reports)


def warnings(config):
    return [p for p in check_reports(config).problems if not p.is_error]


def briefing_of(config, week):
    return compute(open_workspace(config), week=week, date=dt.date(2023, 6, 1), use_cache=False)


# ---------------------------------------------------------------- identity


def test_names_are_normalised_once_for_every_match():
    assert project_key("光伏 项目") == project_key("光伏项目") == project_key("【光伏】工程") == "光伏"
    assert project_key("光伏项目（一期）") == project_key("光伏项目(一期)") == "光伏项目一期"
    assert project_key("ＡＢ项目") == "AB"
    assert similar(project_key("邓州市智能农机装备产业园项目"), project_key("邓州智能农机装备产业园"))
    assert not similar("年产10万吨多晶硅", "年产20万吨多晶硅")       # numbers tell projects apart
    assert not similar("光伏电站一期", "光伏电站二期")


def test_the_same_project_twice_in_one_report_is_an_error_naming_both_items(tmp_path):
    config = workspace(tmp_path, {"2023-W01/A.yaml": report("A县", "2023-W01", projects=[project("光伏项目"),
                                                                                           project("光伏 项目")])})
    errors = [p for p in check_reports(config).problems if p.is_error]
    assert len(errors) == 1 and "第1条和第2条" in errors[0].message and errors[0].line == 11


# ---------------------------------------------------------------- counting once


def test_a_signing_repeated_in_three_weeks_counts_once_and_warns_with_both_places(tmp_path):
    config = workspace(tmp_path, {
        f"2023-W0{n}/A.yaml": report("A县", f"2023-W0{n}", signings=[signing(name, key=True)])
        for n, name in ((1, "光伏项目"), (2, "光伏项目"), (3, "光伏 项目"))})
    b = briefing_of(config, "2023-W03")
    assert (b.ytd_totals.signings, b.ytd_totals.investment, b.ytd_totals.key_signings) == (1, D(10), 1)
    assert (b.week_totals.signings, b.week_totals.investment) == (0, D(0))   # W03's is a repeat
    assert b.week_signings == [] and b.fulfilment.total == 1
    assert sum(row.signings for row in b.industries) == 1
    found = warnings(config)
    assert [(p.path.split("entries/")[1], p.line) for p in found] == [("2023-W02/A.yaml", 5), ("2023-W03/A.yaml", 5)]
    assert all("2023-W01" in p.message and "2023-W01/A.yaml:5" in p.message for p in found)


def test_an_increase_counts_only_its_amount(tmp_path):
    config = workspace(tmp_path, {
        "2023-W01/A.yaml": report("A县", "2023-W01", signings=[signing("材料项目", 5, industry="新材料")]),
        "2023-W02/A.yaml": report("A县", "2023-W02", signings=[signing("材料项目", "2亿", industry="新材料",
                                                                       extra="    increase: true\n")])})
    b = briefing_of(config, "2023-W02")
    assert (b.ytd_totals.signings, b.ytd_totals.investment) == (1, D(7))   # 5 + 2 added
    assert (b.week_totals.signings, b.week_totals.investment) == (0, D(2))
    assert {r.industry: (r.signings, r.investment) for r in b.industries}["新材料"] == (1, D(7))
    assert warnings(config) == []


def test_a_stage_moving_back_warns_naming_both_weeks(tmp_path):
    config = workspace(tmp_path, {
        "2023-W01/A.yaml": report("A县", "2023-W01", projects=[project("风电项目", "投产")]),
        "2023-W02/A.yaml": report("A县", "2023-W02", projects=[project("风电项目", "开工")])})
    [warning] = warnings(config)
    assert warning.path.endswith("2023-W02/A.yaml") and warning.line == 5
    assert "2023-W01" in warning.message and "2023-W02" in warning.message and "2023-W01/A.yaml:5" in warning.message
    b = briefing_of(config, "2023-W02")
    assert b.movements == [] and b.ytd_totals.projects == 1


# ---------------------------------------------------------------- duplicates


RENAME = {
    "2023-W01/A.yaml": report("A县", "2023-W01", signings=[signing("邓州市智能农机装备产业园项目", investor="农机公司")]),
    "2023-W02/A.yaml": report("A县", "2023-W02", signings=[signing("邓州智能农机装备产业园", investor="农机 公司")]),
}


def test_a_rename_warns_l2_with_both_places(tmp_path):
    config = workspace(tmp_path, RENAME)
    [warning] = warnings(config)
    assert warning.path.endswith("2023-W02/A.yaml") and warning.line == 5
    assert "名称相近" in warning.message and "2023-W01/A.yaml:5" in warning.message
    assert briefing_of(config, "2023-W02").ytd_totals.signings == 2       # two until the clerk says otherwise


def test_same_project_merges_the_rename_and_distinct_silences_it(tmp_path):
    merged = workspace(tmp_path / "merged", RENAME, "same_project:\n  - [邓州市智能农机装备产业园项目, 邓州智能农机装备产业园]\n")
    assert briefing_of(merged, "2023-W02").ytd_totals.signings == 1      # W02 is now a repeat
    assert [p.line for p in warnings(merged)] == [5] and "已在 2023-W01 报过签约" in warnings(merged)[0].message
    apart = workspace(tmp_path / "apart", RENAME, "distinct:\n  - [邓州智能农机装备产业园, 邓州市智能农机装备产业园项目]\n")
    assert warnings(apart) == [] and briefing_of(apart, "2023-W02").ytd_totals.signings == 2


def test_a_double_claim_warns_l1_and_a_shared_code_counts_once(tmp_path):
    config = workspace(tmp_path, {
        "2023-W01/A.yaml": report("A县", "2023-W01", projects=[project("储能电站", funds=2, extra="    code: CJ-001\n"),
                                                               project("光伏电站", investor="光伏公司")]),
        "2023-W01/C.yaml": report("C园区", "2023-W01", projects=[project("储能电站项目", funds=3, extra="    code: CJ-001\n"),
                                                                  project("光伏 电站", investor="光伏公司")])})
    found = warnings(config)
    assert len(found) == 2 and all(p.path.endswith("C.yaml") and "A.yaml:5" in p.message or "A.yaml:12" in p.message
                                   for p in found)
    assert any("CJ-001" in p.message for p in found) and any("名称相同" in p.message for p in found)
    b = briefing_of(config, "2023-W01")
    assert (b.ytd_totals.projects, b.ytd_totals.funds) == (3, D(7))       # 储能电站 once (under A县), 光伏电站 twice
    rows = {u.unit: (u.ytd.projects, u.ytd.funds) for u in b.units}
    assert rows["A县"] == (2, D(6)) and rows["C园区"] == (1, D(1))


def test_the_sample_has_no_duplicate_warnings(sample):
    assert warnings(sample) == []


# ---------------------------------------------------------------- the ledger and its commands


def test_a_key_project_never_started_gets_the_flag_in_the_ledger_workbook(tmp_path):
    config = workspace(tmp_path, {
        "2023-W01/A.yaml": report("A县", "2023-W01", signings=[signing("风电项目", key=True)],
                                  projects=[project("风电项目", "签约", 0)]),
        "2023-W02/A.yaml": report("A县", "2023-W02", projects=[project("光伏厂", "开工", 1, investor="某公司")]),
        "2023-W15/B.yaml": report("B县", "2023-W15", projects=[project("材料厂", "开工", 2, investor="材料公司")])})
    out = tmp_path / "台账.xlsx"
    result = CliRunner().invoke(cli, ["ledger", "--config", str(config), "--format", "xlsx", "-o", str(out)])
    assert result.exit_code == 0, result.output
    rows = list(openpyxl.load_workbook(io.BytesIO(out.read_bytes())).active.iter_rows(values_only=True))
    header, body = rows[1], {row[1]: dict(zip(rows[1], row)) for row in rows[2:]}
    assert len(body) == 3                                                  # one row per project
    wind = body["风电项目"]
    assert (wind["签约周"], wind["开工周"], wind["重点项目"]) == ("2023-W01", None, "是")
    assert "重点项目签约14周仍未开工" in wind["督办"]                     # as of W15, more than 12 weeks
    assert "13周没有报告" in body["光伏厂"]["督办"] and body["材料厂"]["督办"] is None
    assert body["光伏厂"]["开工周"] == "2023-W02" and body["光伏厂"]["到位资金合计（亿元）"] == 1
    b = briefing_of(config, "2023-W15")
    assert [a.name for a in b.overdue] == ["风电项目"] and b.stage_counts == {"开工": 1, "投产": 0}
    # The briefing names it under 存在问题 and lists it in the 督办项目 附表.
    from briefing.editions.markdown import render_markdown

    md = render_markdown(b, None)
    assert "存在问题" in md and "重点签约项目签约超过12周仍未开工1个：A县风电项目，详见附表。" in md, md
    assert "督办项目（重点项目签约超过12周仍未开工）" in md


def test_project_prints_a_history_and_hints_when_not_found(tmp_path):
    config = workspace(tmp_path, {
        "2023-W01/A.yaml": report("A县", "2023-W01", signings=[signing("风电项目")]),
        "2023-W02/A.yaml": report("A县", "2023-W02", projects=[project("风电 项目", "开工", 3)])})
    result = CliRunner().invoke(cli, ["project", "--config", str(config), "风电"])
    assert result.exit_code == 0 and "2023-W01  签约" in result.output and "2023-W02  开工，本周到位资金3亿元" in result.output
    result = CliRunner().invoke(cli, ["project", "--config", str(config), "风电厂"])
    assert result.exit_code == 1 and "是否应为“风电项目”" in result.output


def test_trips_form_has_the_offices_columns(tmp_path):
    config = workspace(tmp_path, None)
    out = tmp_path / "trips.xlsx"
    result = CliRunner().invoke(cli, ["trips", "--config", str(config), "--from", "2023-W01", "--to", "2023-W02",
                                      "--format", "xlsx", "-o", str(out)])
    assert result.exit_code == 0, result.output
    rows = list(openpyxl.load_workbook(out).active.iter_rows(values_only=True))
    assert rows[1] == ("单位", "序号", "带队领导", "职务", "开始时间", "结束时间", "天数", "目的地", "拜访企业",
                       "对接洽谈项目数", "成果")
    assert [r[:8] for r in rows[2:]] == [                                # A县: W01 trip then W02's two; B县 none
        ("A县", 1, "张三", "县长", "2023-01-03", "2023-01-05", 3, "京、广东省佛山市"),
        ("A县", 2, "张三", "县长", "2023-01-10", None, 1, "北京市"),
        ("A县", 3, "李四", "副县长", "2023-01-11", "2023-01-13", 3, "深圳")]


# ---------------------------------------------------------------- invariants


CONFIG = Config.model_validate(parse_bytes(SMALL_CONFIG.encode(), "briefing.yaml").data)
NAMES = ["光伏项目", "光伏 项目", "风电项目", "材料厂", "储能项目"]


@settings(max_examples=examples(40), deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["A县", "B县", "C园区"]), st.integers(1, 3), st.sampled_from(NAMES),
                          st.integers(0, 50), st.booleans(), st.sampled_from(["新能源", "新材料"]),
                          st.sampled_from(["签约", "开工", "投产"])), max_size=12),
       st.booleans())
def test_every_breakdown_sums_to_its_total_with_repeats_and_merges(items, merge):
    config = CONFIG
    if merge:
        config = config.model_copy(update={"same_project": [["风电项目", "储能项目"], ["储能项目", "B县:材料厂"]]})
    by_report: dict[tuple[str, int], dict] = {}
    for unit, week, name, amount, increase, industry, stage in items:
        data = by_report.setdefault((unit, week), {"unit": unit, "week": f"2023-W0{week}", "reporter": "甲",
                                                   "signings": [], "projects": []})
        data["signings"].append({"project": name, "investor": "某公司", "industry": industry, "investment": str(amount),
                                 "date": "2023-01-04", "increase": "true" if increase else "false"})
        if all(project_key(p["project"]) != project_key(name) for p in data["projects"]):
            data["projects"].append({"project": name, "investor": "某公司", "kind": "新建", "origin": "区外",
                                     "stage": stage, "funds": str(amount)})
    reports = [Report.model_validate(d, context={"config": config}) for d in by_report.values()]
    if not reports:
        return
    week = max(r.week for r in reports)
    keep = [r for r in reports]
    b = build_briefing(keep, config, week, 1, dt.date(2023, 2, 1))
    for name in ("signings", "investment", "key_signings", "projects", "funds", "new_funds", "external_funds"):
        assert sum(getattr(u.ytd, name) for u in b.units) == getattr(b.ytd_totals, name), name
        assert sum(getattr(u.week, name) for u in b.units) == getattr(b.week_totals, name), name
    assert sum(r.signings for r in b.industries) == b.ytd_totals.signings
    assert sum(r.investment for r in b.industries) == b.ytd_totals.investment
    assert sum(r.funds for r in b.industries) == b.ytd_totals.funds
    assert b.ytd_totals.signings <= len({project_key(n) for _, _, n, *_ in items}) * 3  # once per project and unit at most
    assert b.ytd_totals.investment == sum((D(a) for _, _, _, a, *_ in items), D(0)) - sum(
        (e.item.investment for h in b_ledger(keep, config).histories for e in h.signings if e.verdict == "repeat"), D(0))


def b_ledger(reports, config):
    from briefing.figures.figures import contribution
    from briefing.figures.ledger import Ledger

    ledger = Ledger()
    for r in reports:
        ledger.add(contribution(r), r, "")
    return ledger.settle(config.same_project, config.unit_names)


def test_a_name_that_looks_like_a_formula_stays_text_in_the_ledger(tmp_path):
    config = workspace(tmp_path, {"2023-W01/A.yaml": report("A县", "2023-W01", projects=[
        project('"=HYPERLINK(\\"http://x\\",\\"点我\\")"', "开工", "1.005")])})
    out = tmp_path / "台账.xlsx"
    result = CliRunner().invoke(cli, ["ledger", "--config", str(config), "-o", str(out)])
    assert result.exit_code == 0, result.output
    row = list(openpyxl.load_workbook(out).active.iter_rows(min_row=3))[0]
    assert row[1].value == '=HYPERLINK("http://x","点我")' and row[1].data_type == "s"
    assert row[13].value == 1.005 and row[13].number_format == "0.00"   # exact amount, shown with two decimals


def test_last_week_up_to_a_week_reads_signings_and_reports():
    """History.last_week(until): the latest week of a signing or a report not after ``until``."""
    from briefing.figures.figures import Contribution, Figures, ProjectItem, SigningItem
    from briefing.figures.ledger import Ledger
    from briefing.weeks import Week

    def report(week, signed=False, stage=None):
        signings = (SigningItem("新能源", D(1), False, "光伏", "光伏"),) if signed else ()
        projects = (ProjectItem("光伏", "新建", "区外", stage, "新能源", D(1), "光伏"),) if stage else ()
        return Contribution("A县", Week(2023, week), Figures(), (), signings, projects)

    ledger = Ledger()
    for c in (report(3, signed=True), report(5, stage="开工"), report(9, signed=True), report(7, stage="开工")):
        ledger.add(c, None, f"w{c.week.number}.yaml")
    history, = ledger.settle().histories
    # signings in weeks 3 and 9, reports in weeks 5 and 7
    assert history.last_week() == Week(2023, 9)
    assert history.last_week(Week(2023, 8)) == Week(2023, 7)   # the signing of week 9 is later
    assert history.last_week(Week(2023, 6)) == Week(2023, 5)
    assert history.last_week(Week(2023, 4)) == Week(2023, 3)   # no report yet: the signing
    assert history.last_week(Week(2023, 2)) is None


def test_alerts_on_their_boundary_weeks(tmp_path):
    """Defaults: overdue after more than 12 weeks since the key signing, stale after 8 or more
    weeks without a report (a project at 投产 is never stale)."""
    config = workspace(tmp_path, {
        "2023-W01/A.yaml": report("A县", "2023-W01", signings=[signing("风电项目", key=True)],
                                  projects=[project("风电项目", "签约", 0)]),
        "2023-W02/B.yaml": report("B县", "2023-W02", projects=[project("光伏厂", "开工", 1, investor="某公司"),
                                                               project("材料厂", "投产", 2, investor="材料公司")]),
        **{f"2023-W{n:02d}/C.yaml": report("C园区", f"2023-W{n:02d}") for n in (8, 9, 10, 13, 14)}})  # no projects

    def alerts(week):
        return [(a.name, a.kind, a.weeks) for a in briefing_of(config, week).ledger_alerts]

    assert alerts("2023-W08") == []
    assert alerts("2023-W09") == [("风电项目", "stale", 8)]                       # W01 + 8 weeks
    assert alerts("2023-W10") == [("风电项目", "stale", 9), ("光伏厂", "stale", 8)]
    assert alerts("2023-W13") == [("风电项目", "stale", 12), ("光伏厂", "stale", 11)]   # 12 weeks: not yet overdue
    assert alerts("2023-W14") == [("风电项目", "overdue", 13), ("光伏厂", "stale", 12)]
    assert [a.name for a in briefing_of(config, "2023-W14").overdue] == ["风电项目"]


def test_similar_names_on_the_boundary_ratio_and_with_letters_in_another_order():
    from briefing.figures.identity import similar

    a = "ABCDEFGHIJKLMNOPQ"                       # 17 letters, all of them again in the 23 of b
    b = a + "RSTUVW"
    assert similar(a, b)                          # ratio 2 × 17 / 40 = 0.85 exactly: similar
    assert not similar(a, b + "X")                # 34 / 41 < 0.85
    assert not similar("ABCDEFGHIJ", "JIHGFEDCBA")  # the same letters (quick ratio 1.0), matching only 1
    assert similar("光伏电站", "光伏电站") and not similar("光伏电站1期", "光伏电站2期")


def test_a_same_project_label_names_a_unit_only_when_the_unit_exists():
    from briefing.figures.identity import Label

    units = ["A县", "B县"]
    label = Label(" A县：光伏项目 ", units)
    assert (label.text, label.unit, label.code, label.key) == (" A县：光伏项目 ", "A县", "光伏项目", "光伏")
    assert (Label("A县:光伏:一期", units).unit, Label("A县:光伏:一期", units).code) == ("A县", "光伏:一期")
    unknown = Label("X县:光伏", units)
    assert (unknown.unit, unknown.code) == (None, "X县:光伏")
    assert (Label("A县:", units).unit, Label("A县:", units).code) == (None, "A县:")


def test_a_label_matches_by_name_within_its_unit_or_by_code_anywhere():
    from briefing.figures.identity import Label

    units = ["A县", "B县"]
    in_a = Label("A县:光伏项目", units)
    assert in_a.matches("A县", "光伏", []) and not in_a.matches("B县", "光伏", [])
    assert not in_a.matches("A县", "风电", ["光伏项目"])          # a label with a unit matches by name only
    code = Label("P-001", units)
    assert code.matches("B县", "风电", [None, "P-001"]) and not code.matches("B县", "风电", ["P-002", None])
    assert Label("光伏项目", units).matches("B县", "风电", ["光伏 项目"])   # a code read as a name
    assert not Label("光伏项目", units).matches("B县", "风电", [None])
