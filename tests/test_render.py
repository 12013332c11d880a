"""The Markdown edition: golden output, wording, hostile text, template overrides."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from jinja2 import UndefinedError

from briefing.build import build
from briefing.errors import BriefingError
from briefing.render import cn_number, make_env
from briefing.workspace import open_workspace

from conftest import SMALL_REPORTS, write_workspace

GOLDEN = Path(__file__).parent / "golden"


def _markdown(config_path, week="2023-W02", issue=3):
    ws = open_workspace(config_path)
    [path] = build(ws, week=week, formats=["md"], issue=issue, date=dt.date(2023, 1, 16))
    return path.read_text(encoding="utf-8")


def test_golden_markdown_of_the_sample_week(sample):
    text = _markdown(sample, week="2023-W17", issue=5)
    golden = GOLDEN / "sample-2023-W17.md"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


def test_small_workspace_figures_in_words(small):
    md = _markdown(small)
    assert "**第3期**" in md and "测试州商务局　　　　2023年1月16日" in md
    assert "本周（1月9日至15日），全州各县市（园区）领导带队外出招商2次，对接洽谈项目2个，签约项目1个，总投资10亿元；举办推介会1场。" in md
    assert ("今年以来，全州落实执行招商引资项目3个，到位资金1.94亿元，比去年同期下降51.5%。"
            "其中，新建项目1个，到位资金1.32亿元；续建项目2个，到位资金0.63亿元。"
            "区外招商引资项目2个，到位资金1.44亿元，比去年同期下降28.0%。") in md  # baseline: 4 and 2
    assert "\n\n注：同比数据来自配置中的去年同期累计数。\n" in md
    assert "今年以来，全州各县市（园区）领导带队外出招商3次，对接洽谈项目5个，签约项目3个，总投资11.36亿元；举办推介会1场。" in md
    assert "今年以来，全州重点签约项目2个，已开工或投产1个，重点签约项目履约率50.0%。" in md
    assert "| A县 | 10 | 1.82 | 18.2% | 4.1% | 2 |" in md      # 1.815 → 1.82, 18.15% → 18.2%: half up
    assert "| B县 | 0.5 | 0.13 | 25.0% | 4.1% | 1 |" in md
    assert "| C园区 | — | 0 | — | 4.1% | — |" in md
    assert "本周无外出招商活动：B县。本周未报送：C园区。" in md
    assert "1. 赴广东招商（A县）。\n2. 跟踪签约项目（A县、B县）。\n\n## 附表" in md  # merged, de-duplicated
    assert "副县长李四带队赴深圳开展招商活动。" in md  # no "0个"
    assert "报：州领导" in md and "（共印30份）" in md


def test_negative_growth_reads_as_a_decline(tmp_path):
    reports = {k: v for k, v in SMALL_REPORTS.items() if not k.startswith("2022")}
    md = _markdown(write_workspace(tmp_path / "ws", reports=reports))
    assert "到位资金1.94亿元，比去年同期下降51.5%。" in md and "到位资金1.44亿元，比去年同期下降28.0%。" in md


def test_growth_left_out_without_a_baseline(tmp_path):
    reports = {k: v for k, v in SMALL_REPORTS.items() if not k.startswith("2022")}
    md = _markdown(write_workspace(tmp_path / "ws", reports=reports), week="2023-W01")
    assert "比去年同期" not in md and "到位资金1.12亿元。" in md  # 1.115 → 1.12


def test_hostile_free_text_is_kept_literally(tmp_path):
    reports = dict(SMALL_REPORTS)
    reports["2023-W02/B县.yaml"] = SMALL_REPORTS["2023-W02/B县.yaml"].replace(
        "investor: 风电公司", "investor: \"A&B <公司> {{ 7*7 }} {% if %} |x|\"")
    md = _markdown(write_workspace(tmp_path / "ws", reports=reports))
    # the same backslash escapes in prose and in a table cell: CommonMark shows the text as typed
    assert md.count("A&B \\<公司> {{ 7\\*7 }} {% if %} \\|x\\|") == 2 and "49" not in md


def test_workspace_template_overrides_default(small):
    templates = small.parent / "templates"
    templates.mkdir()
    (templates / "briefing.md.j2").write_text('{% import "prose.j2" as prose %}自定义：{{ b.ytd_totals.trips }}次\n',
                                              encoding="utf-8")
    assert _markdown(small) == "自定义：3次\n"


def test_template_typo_fails_loudly_in_chinese(small):
    templates = small.parent / "templates"
    templates.mkdir()
    (templates / "briefing.md.j2").write_text("{{ b.ytd_totals.tripz }}\n", encoding="utf-8")
    with pytest.raises(BriefingError, match="模板有误"):
        _markdown(small)


def test_environment_is_strict():
    env = make_env(None)
    with pytest.raises(UndefinedError):
        env.from_string("{{ missing }}").render()


def test_cn_numbers():
    assert [cn_number(n) for n in (1, 9, 10, 11, 13, 20, 21, 99)] == ["一", "九", "十", "十一", "十三", "二十", "二十一", "九十九"]
    assert [cn_number(n) for n in (100, 101, 110, 115, 300, 1005, 1010, 3000, 2999)] == [
        "一百", "一百零一", "一百一十", "一百一十五", "三百", "一千零五", "一千零一十", "三千", "二千九百九十九"]
