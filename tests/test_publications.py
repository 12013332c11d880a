"""The record of published issues read and written directly (briefing/workspace/publications.py):
the whole Chinese message for each kind of damage, what counts as a used 期号, and the file as the
clerk may open it (UTF-8 Chinese, one item per line).  The publish workflow is in test_publish.py."""

from __future__ import annotations

import json

import pytest

from briefing.errors import BriefingError
from briefing.weeks import Week
from briefing.workspace.publications import (Publication, legacy_numbers, published, read_register, used_numbers,
                                             write_register)

TAIL = "），无法确定期号，没有印发。为免期号重复，程序不会从第1期重新编号。请从备份恢复这个文件，或请技术支持修复后重试"


def entry(week="2023-W16", issue=1, correction=0, **extra):
    return {"week": week, "issue": issue, "date": "2023-04-24", "published": "2023-04-24T09:00:00+08:00",
            "folder": f"output/已印发/2023-第{issue}期-{week}", "correction": correction, **extra}


def message(state, name, content):
    state.mkdir(exist_ok=True)
    (state / name).write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    with pytest.raises(BriefingError) as caught:
        read_register(state) if name == "publications.json" else legacy_numbers(state)
    return caught.value.message


@pytest.mark.parametrize("name, content, why", [
    ("publications.json", b"\xff", "不是有效的 JSON"),
    ("publications.json", "{", "不是有效的 JSON"),
    ("publications.json", "null", "内容应为已印发各期的列表"),
    ("publications.json", '{"issues": {}}', "内容应为已印发各期的列表"),
    ("issues.json", "[1]", "内容应为按年份分组的期号"),
    ("issues.json", '{"2023": [1]}', "“2023”下应为各周的期号"),
    ("issues.json", '{"二〇二三": {}}', "“二〇二三”下应为各周的期号"),
    ("issues.json", '{"2023": {"2023-W02": 0}}', "2023-W02 的期号不是正整数"),
    ("issues.json", '{"2023": {"2023-W02": "3"}}', "2023-W02 的期号不是正整数"),
])
def test_each_kind_of_damage_gets_its_whole_message(tmp_path, name, content, why):
    state = tmp_path / ".briefing"
    assert message(state, name, content) == f"期号记录 {state / name} 已损坏（{why}{TAIL}"


def test_a_folder_in_place_of_the_record_says_what_is_there(tmp_path):
    state = tmp_path / ".briefing"
    (state / "publications.json").mkdir(parents=True)
    with pytest.raises(BriefingError) as caught:
        read_register(state)
    assert caught.value.message == (f"期号记录 {state / 'publications.json'} 已损坏"
                                    f"（不是普通文件（可能是文件夹或快捷方式）{TAIL}")


@pytest.mark.parametrize("bad", [
    {"week": "2023-W16"},                                  # fields missing
    entry(week="2023-w16"),                                # not the ISO spelling of the week
    entry(week="2023-W16", issue=0), entry(issue=True), entry(issue="1"),
    entry(correction=-0.0), entry(correction=None),
    entry(reports=[]), entry(files="x"),
])
def test_an_incomplete_entry_is_quoted_unescaped_and_cut_at_80_characters(tmp_path, bad):
    text = json.dumps({"issues": [entry(), bad]}, ensure_ascii=False)
    quoted = json.dumps(bad, ensure_ascii=False)[:80]
    state = tmp_path / ".briefing"
    assert message(state, "publications.json", text) == (
        f"期号记录 {state / 'publications.json'} 已损坏（其中一项不完整：{quoted}{TAIL}")


def test_a_long_entry_is_cut_at_exactly_80_characters(tmp_path):
    bad = {"week": "印发" * 60}
    state = tmp_path / ".briefing"
    text = message(state, "publications.json", json.dumps({"issues": [bad]}, ensure_ascii=False))
    assert "（其中一项不完整：{\"week\": \"" + "印发" * 35 + "），无法确定期号" in text   # 10 + 70 = 80


def test_the_record_round_trips_and_is_readable_chinese_one_field_a_line(tmp_path):
    issues = [Publication(**entry(reports={"entries/2023-W16/A县.yaml": "ab"}, files={"output/简报.md": "cd"})),
              Publication(**entry(correction=1)), Publication(**entry(week="2023-W17", issue=2))]
    write_register(tmp_path, issues)
    text = (tmp_path / "publications.json").read_text(encoding="utf-8")
    assert "已印发/2023-第1期-2023-W16" in text and '"entries/2023-W16/A县.yaml": "ab"' in text
    assert text.startswith('{\n "issues": [\n  {\n   "week": "2023-W16",\n   "issue": 1,\n')   # indent=1
    assert read_register(tmp_path) == issues
    assert published(issues, Week(2023, 16)) == issues[:2] and published(issues, Week(2023, 18)) == []
    assert [p.year for p in issues] == [2023, 2023, 2023]


def test_no_record_means_nothing_published_and_no_old_numbers(tmp_path):
    assert read_register(tmp_path) == [] and legacy_numbers(tmp_path) == {} and used_numbers(tmp_path, 2023) == {}


def test_used_numbers_join_the_old_numbering_and_the_record_of_the_year(tmp_path):
    (tmp_path / "issues.json").write_text(json.dumps({"2023": {"2023-W01": 1, "2023-W02": 2}, "2022": {"2022-W52": 9}}),
                                          encoding="utf-8")
    write_register(tmp_path, [Publication(**entry(week="2023-W16", issue=3)),
                              Publication(**entry(week="2022-W50", issue=40))])
    assert legacy_numbers(tmp_path) == {2023: {"2023-W01": 1, "2023-W02": 2}, 2022: {"2022-W52": 9}}
    assert used_numbers(tmp_path, 2023) == {1: "2023-W01（旧的期号记录 issues.json）",
                                            2: "2023-W02（旧的期号记录 issues.json）", 3: "2023-W16"}
    assert used_numbers(tmp_path, 2022) == {9: "2022-W52（旧的期号记录 issues.json）", 40: "2022-W50"}
    # the issues given replace the record; the old numbering still counts
    assert used_numbers(tmp_path, 2023, [Publication(**entry(week="2023-W20", issue=7))]) == {
        1: "2023-W01（旧的期号记录 issues.json）", 2: "2023-W02（旧的期号记录 issues.json）", 7: "2023-W20"}
