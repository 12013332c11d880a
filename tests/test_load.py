"""Decoding, safe YAML composition, lexical hints and positions."""

from __future__ import annotations

import codecs

import pytest

from briefing.report.load import decode, lexical_hints, locate, parse_bytes
from helpers import validate_bytes

TEXT = "unit: 昌吉市\nweek: 2023-W17\nreporter: 张三\n"


@pytest.mark.parametrize("raw", [
    TEXT.encode("utf-8"),
    codecs.BOM_UTF8 + TEXT.encode("utf-8"),
    TEXT.encode("gbk"),
    TEXT.encode("gb18030"),
    TEXT.encode("utf-16"),  # Notepad's "Unicode", with its BOM
])
def test_decodes_what_windows_saves(raw):
    assert decode(raw) == TEXT
    assert parse_bytes(raw, "r.yaml").data == {"unit": "昌吉市", "week": "2023-W17", "reporter": "张三"}


def test_binary_and_undecodable_files_are_problems_not_crashes(config):
    for raw in (b"\x89PNG\r\n\x1a\n\x00\x00\x00", bytes(range(256)) * 4, b"\xff\xfe\xfd" * 10,
                b"PK\x03\x04" + bytes(range(1, 200))):
        report, problems = validate_bytes(raw, "x.yaml", config)
        assert report is None and len(problems) == 1 and problems[0].line >= 1


def test_scalars_stay_as_typed():
    doc = parse_bytes(b"a: no\nb: 010\nc: 1:20\nd: 2023-04-17\ne: ~\nf:\ng: '0.1'\nh: yes\n", "r.yaml")
    assert doc.data == {"a": "no", "b": "010", "c": "1:20", "d": "2023-04-17", "e": None, "f": None,
                        "g": "0.1", "h": "yes"}


def test_alias_bomb_is_refused_quickly():
    bomb = "a: &a [x,x,x,x,x,x,x,x,x]\n" + "".join(
        f"{n}: &{n} [{', '.join(['*' + p] * 9)}]\n" for p, n in zip("abcdefgh", "bcdefghi"))
    doc = parse_bytes(bomb.encode(), "bomb.yaml")
    assert doc.data is None
    assert (doc.problems[0].line, doc.problems[0].col) == (1, 4)
    assert "锚点" in doc.problems[0].message


def test_anchor_without_alias_is_refused_but_ampersand_in_text_is_fine():
    assert parse_bytes(b"a: &x 1\n", "r.yaml").problems
    doc = parse_bytes("a: 'A&B *星号*'\nb: A&B公司\n".encode(), "r.yaml")
    assert not doc.problems and doc.data == {"a": "A&B *星号*", "b": "A&B公司"}


def test_duplicate_keys_are_refused_with_both_lines():
    doc = parse_bytes("unit: 甲\nweek: 2023-W01\nunit: 乙\n".encode(), "r.yaml")
    assert [(p.line, p.col) for p in doc.problems] == [(3, 1)]
    assert "第1行" in doc.problems[0].message


def test_duplicate_keys_nested():
    doc = parse_bytes(b"trips:\n  - a: 1\n    b: 2\n    a: 3\n", "r.yaml")
    assert [(p.line, p.col) for p in doc.problems] == [(4, 5)]


def test_python_tags_are_refused():
    doc = parse_bytes(b"a: !!python/object/apply:os.system ['echo hi']\n", "r.yaml")
    assert doc.problems and "!!python/object/apply:os.system" in doc.problems[0].message


@pytest.mark.parametrize("text,line,col,needle", [
    ("unit：昌吉市\nweek: 2023-W17\n", 1, 5, "中文冒号"),
    ("trips:\n  - destinations: [北京市，上海市]\n", 2, 23, "，"),
    ("trips:\n\t- a: 1\n", 2, 1, "制表符"),
    ("trips:\n\u3000\u3000- a: 1\n", 2, 1, "全角空格"),
    ("unit:昌吉市\n", 1, 5, "缺少空格"),
])
def test_lexical_hints(text, line, col, needle):
    hints = lexical_hints(text)
    assert hints and hints[0][:2] == (line, col) and needle in hints[0][2]


def test_urls_and_colons_in_values_are_not_hints():
    assert lexical_hints("summary: 详见 http://example.com：会议\nnote: a:b\n") == []


@pytest.mark.parametrize("text,line", [
    ("unit: 甲\nweek: [2023-W01\nreporter: 乙\n", 2),      # unclosed bracket: where it opens
    ('unit: "甲\nweek: 2023-W01\n', 1),                     # unclosed quote
    ("unit: 甲\n  week: 2023\nreporter: x\n", 2),           # bad indentation
    ("---\nunit: 甲\n---\nunit: 乙\n", 3),                  # two documents
])
def test_syntax_errors_point_at_the_mistake(text, line):
    doc = parse_bytes(text.encode(), "r.yaml")
    assert doc.data is None and doc.problems[0].line == line
    assert doc.problems[0].message.startswith("YAML 格式错误")


def test_empty_and_comment_only_files():
    for raw in (b"", b"   \n", b"# only a comment\n", codecs.BOM_UTF8):
        doc = parse_bytes(raw, "r.yaml")
        assert [p.message[:5] for p in doc.problems] == ["文件是空的"]


def test_locate_values_keys_and_missing():
    doc = parse_bytes(b"a: 1\nb:\n  - x: 1\n    y:\n    z: 3\n", "r.yaml")
    assert locate(doc.root, ("b", 0, "z")) == (5, 8)
    assert locate(doc.root, ("b", 0, "y")) == (4, 5)          # empty value: the key
    assert locate(doc.root, ("b", 0, "z"), at_key=True) == (5, 5)
    assert locate(doc.root, ("b", 0)) == (3, 5)
    assert locate(doc.root, ("b", 3, "x")) == (3, 3)          # no such item: the list


def test_raw_control_characters_are_removed():
    doc = parse_bytes("a: 甲\x0b乙\x07\nb: c\n".encode(), "r.yaml")
    assert doc.data == {"a": "甲乙", "b": "c"} and not doc.problems


def test_a_dash_without_a_space_is_an_error_not_a_merged_destination(tmp_path, config):
    doc = parse_bytes("trips:\n  - destinations:\n      -北京市\n      - 广东省佛山市\n".encode(), "r.yaml")
    assert [(p.line, p.col) for p in doc.problems] == [(3, 7)] and "- 北京市" in doc.problems[0].message
