"""The parts of the briefing issue 10 added: the clerk's headline and 编者按, 存在问题 merged
across units, sections numbered by those shown, outbound teams counted as teams."""

from __future__ import annotations

from textwrap import dedent

from docx import Document

from briefing.cli import cli
from click.testing import CliRunner

from conftest import SMALL_CONFIG, SMALL_REPORTS, write_workspace
from helpers import build_week


def _with_problems() -> dict[str, str]:
    reports = dict(SMALL_REPORTS)
    reports["2023-W02/A县.yaml"] = dedent(reports["2023-W02/A县.yaml"]) + "problems:\n  - 用地指标紧张。\n  - 项目融资困难\n"
    reports["2023-W02/B县.yaml"] = dedent(reports["2023-W02/B县.yaml"]) + "problems: [用地指标紧张]\n"
    return reports


def test_problems_are_merged_and_sections_renumber(tmp_path):
    [md] = build_week(write_workspace(tmp_path / "ws", reports=_with_problems()), "2023-W02")
    text = md.read_text(encoding="utf-8")
    assert "## 四、存在问题\n\n1. 用地指标紧张（A县、B县）。\n2. 项目融资困难（A县）。\n\n## 五、下一步工作" in text


def test_a_week_without_plans_or_problems_has_neither_section(tmp_path):
    reports = {name: text.split("        plans:")[0] for name, text in SMALL_REPORTS.items()}
    [md] = build_week(write_workspace(tmp_path / "ws", reports=reports), "2023-W02")
    text = md.read_text(encoding="utf-8")
    assert "存在问题" not in text and "下一步工作" not in text and "未报送下一步" not in text
    assert "## 三、重点项目推进" in text and "## 四、" not in text


def test_the_clerks_headline_and_note_in_every_edition(tmp_path):
    config = write_workspace(tmp_path / "ws")
    result = CliRunner().invoke(cli, ["build", "--config", str(config), "--week", "2023-W02", "--format", "md,docx",
                                      "--headline", "全州<招商>工作*稳步*推进　签约10亿元", "--note", "请各地 & 各部门认真研究。"])
    assert result.exit_code == 0, result.output
    md = (config.parent / "output" / "招商工作简报-2023-W02-征求意见稿.md").read_text(encoding="utf-8")
    assert "**全州\\<招商>工作\\*稳步\\*推进　签约10亿元**\n\n**编者按**：请各地 & 各部门认真研究。\n\n## 一、" in md
    doc = Document(str(config.parent / "output" / "招商工作简报-2023-W02-征求意见稿.docx"))
    paragraphs = [(p.style.name, p.text) for p in doc.paragraphs if p.text]
    start = paragraphs.index(("标题", "全州<招商>工作*稳步*推进"))
    assert paragraphs[start + 1:start + 4] == [("标题", "签约10亿元"), ("编者按", "编者按：请各地 & 各部门认真研究。"),
                                               ("Heading 1", "一、总体情况")]


def test_the_config_gives_a_headline_too(tmp_path):
    config = write_workspace(tmp_path / "ws", config=SMALL_CONFIG + "headline: 本周招商工作综述\n")
    [md] = build_week(config, "2023-W02")
    assert "**本周招商工作综述**\n\n## 一、总体情况" in md.read_text(encoding="utf-8")


def test_outbound_teams_are_counted_as_teams(tmp_path):
    config = SMALL_CONFIG.replace("  - C园区\n", "  - C园区\n  - name: 驻京招商组\n    team: true\n")
    reports = dict(SMALL_REPORTS)
    reports["2023-W02/驻京招商组.yaml"] = """\
        unit: 驻京招商组
        week: 2023-W02
        reporter: 丙
        trips:
          - leader: 王五
            title: 组长
            start: 2023-01-10
            destinations: [浙江省杭州市, 浙江省宁波市]
            negotiated: 4
        """
    [md] = build_week(write_workspace(tmp_path / "ws", config=config, reports=reports), "2023-W02")
    text = md.read_text(encoding="utf-8")
    # A县 2 trips, the team 1: 3 this week, 6 negotiated
    assert "全州外出招商3次，其中各县市（园区）领导带队2次、各驻外招商小分队1次，对接洽谈项目6个；" in text
    assert "组长王五带队赴浙江省杭州市、宁波市，洽谈项目4个。" in text


def test_a_unit_named_small_team_can_be_counted_as_a_county(tmp_path):
    config = SMALL_CONFIG.replace("  - A县\n", "  - name: A县\n    team: false\n").replace("A县", "A县小分队")
    reports = {name: text.replace("A县", "A县小分队") for name, text in SMALL_REPORTS.items()}
    [md] = build_week(write_workspace(tmp_path / "ws", config=config, reports=reports), "2023-W02")
    assert "全州各县市（园区）领导带队外出招商2次" in md.read_text(encoding="utf-8")
