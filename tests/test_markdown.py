"""The Markdown edition read by a CommonMark parser: what units and the bureau typed displays
as typed (no markup, no HTML, no image, no new heading), and the run-in headings are bold.

The Word edition gets the same hostile text through the same prose macros: it must show it
literally too, without the Markdown edition's backslashes.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import textwrap

import pytest
from docx import Document
from markdown_it import MarkdownIt

from briefing.build import build
from briefing.workspace import open_workspace

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
    note = "注：同比数据来自配置中的去年同期累计数。"
    assert note in md.read_text(encoding="utf-8")
    assert note in [p.text for p in Document(str(docx)).paragraphs]
    last_year = {f"2022-W0{w}/{u}.yaml": f"unit: {u}\nweek: 2022-W0{w}\nreporter: 某\nprojects:\n"
                 f"  - {{project: x, investor: i, kind: 新建, origin: 区外, stage: 开工, funds: 1}}\n"
                 for w in (1, 2) for u in ("A县", "B县")}
    reports = {k: v for k, v in SMALL_REPORTS.items() if not k.startswith("2022")}
    [md, docx] = _build(write_workspace(tmp_path / "full", reports={**reports, **last_year}), formats=("md", "docx"))
    note = "注：同比数据来自去年各单位报告。"
    assert note in md.read_text(encoding="utf-8")
    assert note in [p.text for p in Document(str(docx)).paragraphs]


def test_no_note_without_a_comparison(tmp_path):
    reports = {k: v for k, v in SMALL_REPORTS.items() if not k.startswith("2022")}
    config = write_workspace(tmp_path / "ws", reports=reports)
    md = build(open_workspace(config), week="2023-W01", formats=["md"], issue=1, date=dt.date(2023, 1, 9))[0]
    assert "同比数据" not in md.read_text(encoding="utf-8")
