"""The Markdown edition: the sample week's golden output, the wording of the figures, the
clerk's template overrides; and, read by a CommonMark parser, what units and the bureau typed
displays as typed (no markup, no HTML, no image, no new heading), and the run-in headings are bold.

The Word edition gets the same hostile text through the same prose macros: it must show it
literally too, without the Markdown edition's backslashes.
"""

from __future__ import annotations

import datetime as dt
import html
import os
import re
import textwrap
from pathlib import Path

import pytest
from docx import Document
from jinja2 import UndefinedError
from markdown_it import MarkdownIt

from briefing.actions.build import build
from briefing.editions.jinja import cn_number, make_env
from briefing.errors import BriefingError
from briefing.workspace.layout import open_workspace

from conftest import SMALL_CONFIG, SMALL_REPORTS, write_workspace

COMMONMARK = MarkdownIt("commonmark")
GFM_TABLES = MarkdownIt("commonmark").enable("table")

HOSTILE = [
    "A&B <公司> {{ 7*7 }}", "*x*", "_x_", "[a](b)", "![x](http://evil.example/x.png)",
    "<img src=x onerror=alert(1)>", "# 标题", "1. 列表", "- 列表", "> 引用", "a|b", "`代码`", "&amp; &copy; 后",
    "<script>alert(1)</script>", "~~删除~~", "\\*反斜杠", "<http://evil.example>", "**粗**", "===", "+ 加",
]


def _yaml(text: str) -> str:
    """``text`` as a double-quoted YAML scalar."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _hostile_workspace(tmp_path, pick=lambda i: HOSTILE[i % len(HOSTILE)]):
    """The small workspace with hostile text in every free-text field a briefing shows."""
    a = textwrap.dedent(SMALL_REPORTS["2023-W02/A县.yaml"])
    a = a.replace("leader: 张三", f"leader: {_yaml(pick(0))}").replace("title: 县长", f"title: {_yaml(pick(1))}")
    a = a.replace("destinations: [北京市]", f"destinations: [北京市, {_yaml(pick(2).replace(';', ''))}]")  # one place: no ";"
    a = a.replace("name: A县推介会", f"name: {_yaml(pick(3))}").replace("place: 深圳市", f"place: {_yaml(pick(4))}")
    a = a.replace("  - 赴广东招商。", f"  - {_yaml(pick(5))}").replace("  - 跟踪签约项目", f"  - {_yaml(pick(6))}")
    a = a.replace("project: 光伏 项目", f"project: {_yaml('光伏 项目')}")
    a += f"highlights:\n  - {_yaml(pick(7))}\n  - {_yaml(pick(8))}\n"
    b = textwrap.dedent(SMALL_REPORTS["2023-W02/B县.yaml"])
    b = b.replace("project: 风电项目", f"project: {_yaml(pick(9))}").replace("investor: 风电公司", f"investor: {_yaml(pick(10))}")
    b = b.replace("plans: [跟踪签约项目]", f"plans:\n  - {_yaml(pick(11))}\n  - {_yaml(pick(12))}")
    b = b.replace("project: 材料厂", f"project: {_yaml(pick(13))}")
    reports = dict(SMALL_REPORTS, **{"2023-W02/A县.yaml": a, "2023-W02/B县.yaml": b})
    config = (SMALL_CONFIG.replace("bureau: 测试州商务局", f"bureau: {_yaml(pick(14))}")
              .replace("  - C园区", f"  - {_yaml('C园区' + pick(15))}")
              .replace("报: [州领导]", f"报: [{_yaml(pick(16))}]")
              .replace("region: 全州", f"region: {_yaml(pick(17))}"))
    return write_workspace(tmp_path / "ws", config=config, reports=reports)


def _build(config_path, formats=("md",)):
    return build(open_workspace(config_path), week="2023-W02", formats=list(formats), issue=3,
                 date=dt.date(2023, 1, 16))


def _shape(md: str) -> list:
    """Block structure and inline markup of a Markdown text, without the words themselves."""
    shape = []
    for token in GFM_TABLES.parse(md):
        if token.type == "inline":
            shape.append([c.type for c in token.children if c.type not in ("text", "text_special")])
        else:
            shape.append((token.type, token.tag))
    return shape


def _visible(md: str) -> str:
    """The text a reader sees once the Markdown is rendered."""
    return html.unescape(re.sub(r"<[^>]+>", "", GFM_TABLES.render(md)))


@pytest.mark.parametrize("shift", range(0, len(HOSTILE), 3))
def test_hostile_text_has_the_shape_of_plain_text(tmp_path, shift):
    [plain] = _build(_hostile_workspace(tmp_path / "plain", pick=lambda i: "普通文字" + "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉"[i]))
    [hostile] = _build(_hostile_workspace(tmp_path / "hostile", pick=_shifted(shift)))
    md = hostile.read_text(encoding="utf-8")
    assert _shape(md) == _shape(plain.read_text(encoding="utf-8"))
    rendered = COMMONMARK.render(md)
    for tag in ("<img", "<script", "<a ", "<em>", "<code>", "<blockquote>", "<h4", "<del>", "<ol start"):
        assert tag not in rendered, tag


def _shifted(shift):
    return lambda i: HOSTILE[(i + shift) % len(HOSTILE)]


def test_hostile_text_displays_as_typed(tmp_path):
    shown = ""
    for shift in (0, 10):  # 18 fields: every hostile text lands in one of the two
        [path] = _build(_hostile_workspace(tmp_path / str(shift), pick=_shifted(shift)))
        md = path.read_text(encoding="utf-8")
        shown += _visible(md)
        if shift == 0:
            assert "A&B \\<公司> {{ 7\\*7 }}" in md          # backslash escapes, readable when pasted raw
    for text in HOSTILE:
        assert text in shown, text
    assert "49" not in shown


def test_chinese_text_is_not_escaped(small):
    [path] = _build(small)
    md = path.read_text(encoding="utf-8")
    assert "\\" not in md.split("## 附表")[0]
    assert "1. 赴广东招商（A县）。" in md


def test_a_lone_cr_does_not_make_a_heading_or_a_paragraph(small, tmp_path):
    reports = dict(SMALL_REPORTS)
    reports["2023-W02/A县.yaml"] = textwrap.dedent(reports["2023-W02/A县.yaml"]) + 'highlights:\n  - "正常\\r\\r## 伪造的第五部分\\u2028\\u2029\\N> 引用"\n'
    [path] = _build(write_workspace(tmp_path / "ws", reports=reports))
    md = path.read_text(encoding="utf-8")
    assert not set("\r\u2028\u2029\x85") & set(md)
    assert "正常## 伪造的第五部分> 引用" in _visible(md)
    [plain] = _build(small)
    assert _shape(md) == _shape(plain.read_text(encoding="utf-8"))   # no heading, paragraph or quote added


def test_run_in_headings_are_bold_in_commonmark(sample):
    md = build(open_workspace(sample), week="2023-W17", formats=["md"], issue=5, date=dt.date(2023, 5, 5))[0]
    text = md.read_text(encoding="utf-8")
    rendered = COMMONMARK.render(text)
    assert "**" not in _visible(text)
    sections = re.findall(r"<strong>（([一二三四五六七八九十]+)）([^<]+)</strong>。", rendered)
    assert [number for number, _ in sections][:3] == ["一", "二", "三"] and len(sections) >= 10
    assert "<strong>第5期</strong>" in rendered


def test_the_word_edition_shows_hostile_text_without_markdown_escapes(tmp_path):
    parts = []
    for shift in (0, 10):
        [path] = _build(_hostile_workspace(tmp_path / str(shift), pick=_shifted(shift)), formats=("docx",))
        doc = Document(str(path))
        parts += [p.text for p in doc.paragraphs]
        parts += [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    text = "\n".join(parts)
    for hostile in HOSTILE:
        assert hostile in text, hostile
    for escaped in ("\\<", "7\\*7", "\\#", "\\[a\\]", "\\_x", "1\\.", "a\\|b", "&lt;", "&amp;lt;"):
        assert escaped not in text, escaped
    assert "49" not in text


def test_where_the_comparison_comes_from_is_noted(small, tmp_path):
    [md, docx] = _build(small, formats=("md", "docx"))
    note = "注：同比以去年同期累计统计数为基数。"
    assert note in md.read_text(encoding="utf-8")
    assert note in [p.text for p in Document(str(docx)).paragraphs]
    last_year = {f"2022-W0{w}/{u}.yaml": f"unit: {u}\nweek: 2022-W0{w}\nreporter: 某\nprojects:\n"
                 f"  - {{project: x, investor: i, kind: 新建, origin: 区外, stage: 开工, funds: 1}}\n"
                 for w in (1, 2) for u in ("A县", "B县")}
    reports = {k: v for k, v in SMALL_REPORTS.items() if not k.startswith("2022")}
    [md, docx] = _build(write_workspace(tmp_path / "full", reports={**reports, **last_year}), formats=("md", "docx"))
    note = "注：同比以去年同期各单位报送数为基数。"
    assert note in md.read_text(encoding="utf-8")
    assert note in [p.text for p in Document(str(docx)).paragraphs]


def test_no_note_without_a_comparison(tmp_path):
    reports = {k: v for k, v in SMALL_REPORTS.items() if not k.startswith("2022")}
    config = write_workspace(tmp_path / "ws", reports=reports)
    md = build(open_workspace(config), week="2023-W01", formats=["md"], issue=1, date=dt.date(2023, 1, 9))[0]
    assert "同比数据" not in md.read_text(encoding="utf-8")


def test_zero_growth_reads_as_unchanged(tmp_path):
    config = write_workspace(tmp_path / "ws", reports={
        k: v for k, v in SMALL_REPORTS.items() if not k.startswith("2022")}).read_text(encoding="utf-8")
    ws_config = write_workspace(tmp_path / "ws2", config=config.replace("funds: 4", "funds: 1.94"),
                                reports={k: v for k, v in SMALL_REPORTS.items() if not k.startswith("2022")})
    [path] = build(open_workspace(ws_config), week="2023-W02", formats=["md"], issue=1, date=dt.date(2023, 1, 16))
    assert "到位资金1.94亿元，与去年同期持平。" in path.read_text(encoding="utf-8")


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
    # W02: A县 2 trips (2 + 0 negotiated), a 推介会; B县 one signing of 10; projects 0.2 + 0.5 + 0.125
    assert ("本周（1月9日至15日），全州各县市（园区）领导带队外出招商2次，对接洽谈项目2个；签约项目1个，总投资10亿元；"
            "举办推介会1场；落实执行招商引资项目3个，到位资金0.83亿元。") in md     # no 环比: W01 had A县 only
    assert ("今年以来，全州外出招商3次，对接洽谈项目5个；签约项目3个，总投资11.36亿元；举办推介会1场；"
            "落实执行招商引资项目3个，到位资金1.94亿元，比去年同期下降51.5%。"
            "其中，新建项目1个，到位资金1.32亿元；续建项目2个，到位资金0.63亿元。"
            "区外招商引资项目2个，到位资金1.44亿元，比去年同期下降28.0%，占全州到位资金的74.2%。") in md  # baseline: 4 and 2
    # targets 10 + 0.5, funds 1.815 + 0.125 = 1.94: 18.5%; 15 of 365 days: 4.1%; two ranked units: no ranking said
    assert "全州到位资金完成年度目标的18.5%，超时序进度14.4个百分点。\n" in md
    assert "\n\n注：同比以去年同期累计统计数为基数。\n" in md
    assert "今年以来，全州重点签约项目2个，已开工或投产1个，重点签约项目履约率50.0%。" in md
    assert "本周新开工项目2个、新投产项目1个，其中A县光伏 项目、B县材料厂开工，A县老厂改造投产。" in md  # key signing first
    assert "本周重点签约项目1个：B县风电项目（10亿元）。" in md
    assert "| A县 | 10.00 | 1.82 | 18.2% | 2 |" in md      # 1.815 → 1.82, 18.15% → 18.2%: half up
    assert "| B县 | 0.50 | 0.13 | 25.0% | 1 |" in md
    assert "| C园区 | — | 0.00 | — | — |" in md
    assert "### 表2　到位资金目标完成情况（今年以来，时序进度4.1%）" in md
    assert "本周未报送：C园区。" in md and "无招商活动" not in md        # B县 signed: it had activity
    assert "**（二）B县**。签约风电项目，总投资10亿元（重点项目）。" in md
    assert "## 四、下一步工作\n\n1. 赴广东招商（A县）。\n2. 跟踪签约项目（A县、B县）。\n\n## 附表" in md  # merged
    assert "存在问题" not in md and "未报送下一步" not in md
    assert "副县长李四带队赴深圳。" in md  # no "0个"
    assert "报：州领导" in md and "（共印30份）" in md


def test_negative_growth_reads_as_a_decline(tmp_path):
    reports = {k: v for k, v in SMALL_REPORTS.items() if not k.startswith("2022")}
    md = _markdown(write_workspace(tmp_path / "ws", reports=reports))
    assert "到位资金1.94亿元，比去年同期下降51.5%。" in md and "到位资金1.44亿元，比去年同期下降28.0%，" in md
    assert "**全州招商引资工作有序推进　今年以来到位资金同比下降51.5%**" in md           # the headline says so too


def test_growth_left_out_without_a_baseline(tmp_path):
    reports = {k: v for k, v in SMALL_REPORTS.items() if not k.startswith("2022")}
    md = _markdown(write_workspace(tmp_path / "ws", reports=reports), week="2023-W01")
    assert "比去年同期" not in md and "到位资金1.12亿元。" in md  # 1.115 → 1.12


def test_hostile_free_text_is_kept_literally(tmp_path):
    reports = dict(SMALL_REPORTS)
    reports["2023-W02/B县.yaml"] = SMALL_REPORTS["2023-W02/B县.yaml"].replace(
        "project: 风电项目", "project: \"A&B <公司> {{ 7*7 }} {% if %} |x|\"")
    md = _markdown(write_workspace(tmp_path / "ws", reports=reports))
    # the same backslash escapes in prose (二, and 三 after the unit's name) and in a table cell:
    # CommonMark shows the text as typed
    assert md.count("A&B \\<公司> {{ 7\\*7 }} {% if %} \\|x\\|") == 3 and "49" not in md
    assert "签约A&B \\<公司>" in md and "B县A&B \\<公司>" in md


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


@pytest.mark.parametrize("body, quiet", [
    ("highlights: [建立重点企业“白名单”。]\n", False),   # something to tell: its own section, not "无招商活动"
    ("plans: [赴广东招商。]\n", True),                   # only plans: nothing done this week
])
def test_a_unit_is_named_quiet_only_when_it_has_nothing_to_tell(tmp_path, body, quiet):
    reports = dict(SMALL_REPORTS)
    reports["2023-W02/C园区.yaml"] = "unit: C园区\nweek: 2023-W02\nreporter: 丙\n" + body
    md = _markdown(write_workspace(tmp_path / "ws", reports=reports))
    assert ("本周无招商活动：C园区。" in md) is quiet
    assert ("**（三）C园区**" in md) is not quiet
