"""Every mistake clerks make gives one Chinese line at the right PATH:LINE:COL."""

from __future__ import annotations

import codecs
import textwrap
from decimal import Decimal

import pytest

from briefing.workspace.loading import load_reports

GOOD = textwrap.dedent("""\
    unit: A县
    week: 2023-W02
    reporter: 张三
    trips:
      - leader: 王五
        title: 县委书记
        start: 2023-01-09
        end: 2023-01-12
        destinations: [北京市, 上海市]
        negotiated: 5
    signings:
      - project: 多晶硅项目
        investor: 某公司
        industry: 新能源
        investment: 35.6
        date: 2023-01-10
    projects:
      - project: 光伏项目
        investor: 某公司
        kind: 新建
        origin: 区外
        stage: 开工
        funds: 2.5
    """)


def _check(tmp_path, config, text=None, raw=None, name="r.yaml"):
    path = tmp_path / name
    path.write_bytes(raw if raw is not None else text.encode("utf-8"))
    return load_reports([path], config)


def _variant(old, new):
    assert old in GOOD
    return GOOD.replace(old, new, 1)


@pytest.mark.parametrize("raw", [GOOD.encode(), codecs.BOM_UTF8 + GOOD.encode(), GOOD.encode("gbk")])
def test_valid_report_in_every_encoding(tmp_path, config, raw):
    loaded = _check(tmp_path, config, raw=raw)
    assert not loaded.problems and len(loaded.reports) == 1
    assert loaded.reports[0].signings[0].investment == Decimal("35.6")


CASES = [
    # (description, old, new, line, needle)
    ("full-width colon", "reporter: 张三", "reporter：张三", 3, "中文冒号"),
    ("full-width comma", "[北京市, 上海市]", "[北京市，上海市]", 9, "，"),
    ("tab indentation", "    title: 县委书记", "\t  title: 县委书记", 6, "制表符"),
    ("full-width space indentation", "    title: 县委书记", "\u3000\u3000title: 县委书记", 6, "全角空格"),
    ("unit in a count", "negotiated: 5", "negotiated: 6个", 10, "改成 6"),
    ("unknown money unit", "investment: 35.6", "investment: 3.5亿美元", 15, "亿美元"),
    ("misspelt key", "negotiated: 5", "negociated: 5", 10, "是否应为“negotiated”"),
    ("misspelt unit", "unit: A县", "unit: A", 1, "是否应为“A县”"),
    ("misspelt industry", "industry: 新能源", "industry: 新能原", 14, "是否应为“新能源”"),
    ("end before start", "end: 2023-01-12", "end: 2023-01-02", 8, "早于出发日期"),
    ("bad enum", "kind: 新建", "kind: 新开工", 20, "新建、续建"),
    ("missing field", "    reporter: 张三\n", "", 1, "缺少必填项“reporter”"),
    ("bad week", "week: 2023-W02", "week: 2023-17", 2, "2023-W17"),
    ("bad date", "start: 2023-01-09", "start: 2023.13.09", 7, "不是有效日期"),
    ("negative money", "funds: 2.5", "funds: -2.5", 23, "负数"),
    ("several places in one", "[北京市, 上海市]", "[北京市、上海市]", 9, "单独一行"),
    ("list where a value goes", "reporter: 张三", "reporter: [张三, 李四]", 3, "单个值"),
    ("mapping where a list goes", "reporter: 张三\n", "reporter: 张三\nhighlights: {a: 1}\n", 4, "应为列表"),
    ("value where a mapping goes", "  - leader: 王五", "  - 王五\n  - leader: 王五", 5, "键: 值"),
    ("duplicate key", "week: 2023-W02\n", "week: 2023-W02\nweek: 2023-W03\n", 3, "重复"),
    ("syntax error", "week: 2023-W02", "week: [2023-W02", 2, "YAML 格式错误"),
    ("alias", "reporter: 张三", "reporter: &r 张三", 3, "锚点"),
]


@pytest.mark.parametrize("what,old,new,line,needle", CASES, ids=[c[0] for c in CASES])
def test_each_mistake_gives_one_located_chinese_line(tmp_path, config, what, old, new, line, needle):
    text = GOOD.replace("    reporter: 张三\n", "") if what == "missing field" else _variant(old, new)
    if what == "missing field":
        text = text.replace("reporter: 张三\n", "")
    loaded = _check(tmp_path, config, text)
    assert not loaded.reports
    assert len(loaded.problems) == 1, [str(p) for p in loaded.problems]
    problem = loaded.problems[0]
    assert str(problem).startswith(f"{tmp_path / 'r.yaml'}:{line}:")
    assert ": 错误: " in str(problem) and needle in problem.message
    assert "Traceback" not in problem.message and "Error" not in problem.message


def test_every_problem_in_every_file_is_reported(tmp_path, config):
    (tmp_path / "a.yaml").write_text(_variant("negotiated: 5", "negotiated: x"), encoding="utf-8")
    (tmp_path / "b.yaml").write_text(_variant("unit: A县", "unit: Z").replace("funds: 2.5", "funds: 元"),
                                     encoding="utf-8")
    (tmp_path / "c.yaml").write_text(GOOD.replace("A县", "B县"), encoding="utf-8")
    loaded = load_reports(sorted(tmp_path.iterdir()), config)
    assert [(p.path[-6:], p.line) for p in loaded.problems] == [("a.yaml", 10), ("b.yaml", 1), ("b.yaml", 23)]
    assert [r.unit for r in loaded.reports] == ["B县"]


def test_two_files_for_one_unit_and_week_name_both(tmp_path, config):
    (tmp_path / "x").mkdir()
    (tmp_path / "a.yaml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "x" / "b.yaml").write_text(GOOD.replace("unit: A县", "unit: A县 "), encoding="utf-8")
    loaded = load_reports([tmp_path / "a.yaml", tmp_path / "x" / "b.yaml"], config)
    assert len(loaded.errors) == 1
    message = str(loaded.errors[0])
    assert message.startswith(str(tmp_path / "x" / "b.yaml") + ":1:") and str(tmp_path / "a.yaml") in message


def test_yaml_11_surprises_do_not_change_strings(tmp_path, config):
    text = GOOD.replace("reporter: 张三", "reporter: no").replace("investor: 某公司", "investor: 010", 1)
    loaded = _check(tmp_path, config, text)
    assert loaded.reports[0].reporter == "no" and loaded.reports[0].signings[0].investor == "010"


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
