"""Everything a unit receives is written from the bureau's own config (issue 13, item 1):
``new``, ``schema``, ``guide`` and ``form`` for a second bureau name its units and industries
and none of the sample's; the guide's example validates; the form's messages are the
validating code's own."""

from __future__ import annotations

import json
import re
import zipfile

import pytest
from click.testing import CliRunner

from briefing.cli import cli
from briefing.forms.form import form_html, page_data
from briefing.forms.guide import example_report
from briefing.forms.rules import PARSER_PROBES, ProbeFailed, catalogue
from briefing.report.config import load_config
from briefing.workspace.loading import load_reports

from conftest import REPO, SAMPLE_WORDS


def _run(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def _docx_text(path) -> str:
    with zipfile.ZipFile(path) as archive:
        return re.sub(r"<[^>]+>", "", archive.read("word/document.xml").decode("utf-8"))


def test_everything_generated_for_another_bureau_uses_its_own_words(nanyang, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    config = str(nanyang)
    texts = {
        "new": _run("new", "--config", config, "南召县", "--week", "2023-W17"),
        "schema": _run("schema", "--config", config),
    }
    form = _run("form", "--config", config, "南召县", "--week", "2023-W17").strip()
    texts["form"] = (tmp_path / form).read_text(encoding="utf-8")
    for line in _run("guide", "--config", config, "--week", "2023-W17", "-o", "guide").split():
        path = tmp_path / line
        texts[line] = _docx_text(path) if line.endswith(".docx") else path.read_text(encoding="utf-8")
    assert form == "南召县-2023-W17-填报.html"
    assert len(texts) == 5
    for name, text in texts.items():
        assert [w for w in SAMPLE_WORDS if w in text] == [], name
        assert "南召县" in text and "省外" in text, name
    for name in ("schema", "form", "guide/填报说明.md", "guide/填报说明.docx"):
        assert all(industry in texts[name] for industry in ("装备制造", "绿色食品", "中医药")), name
    assert "例如：南召县" in texts["new"] and "例如：0000-1234567" in texts["new"]
    schema = json.loads(texts["schema"])
    assert schema["$defs"]["Project"]["properties"]["origin"]["enum"] == ["省外", "省内"]
    assert schema["properties"]["unit"]["description"].endswith("例如：南召县")


def test_the_sample_bureau_keeps_its_examples():
    data = page_data(load_config(REPO / "briefing.yaml"), "昌吉高新区", "2023-W17")
    unit, projects = data["fields"][0], next(f for f in data["fields"] if f["name"] == "projects")
    origin = next(f for f in projects["fields"] if f["name"] == "origin")
    assert (data["unit"], unit["example"], list(unit["choices"][:2])) == ("昌吉高新区", "昌吉市", ["昌吉市", "阜康市"])
    assert (list(origin["choices"]), origin["example"]) == (["区外", "区内"], "区外")


def test_the_guides_example_validates_for_each_bureau(nanyang, tmp_path):
    for config_path, unit in ((nanyang, "西峡县"), (REPO / "briefing.yaml", "木垒县")):
        config = load_config(config_path)
        path = tmp_path / f"{unit}.yaml"
        path.write_text(example_report(config, unit, "2023-W17"), encoding="utf-8")
        loaded = load_reports([path], config)
        assert not loaded.problems, [str(p) for p in loaded.problems]
        report = loaded.reports[0]
        assert (report.unit, len(report.trips), len(report.events), str(report.signings[0].investment),
                report.projects[0].origin) == (unit, 1, 1, "35.6", "区外")


def test_guide_for_one_unit_and_an_unknown_unit(nanyang, tmp_path):
    out = _run("guide", "--config", str(nanyang), "西峡", "--week", "2023-W17", "-o", str(tmp_path / "g"))
    assert out.split() == [str(tmp_path / "g" / "填报说明-西峡县.md"), str(tmp_path / "g" / "填报说明-西峡县.docx")]
    assert "西峡县-2023-W17-填报.html" in (tmp_path / "g" / "填报说明-西峡县.md").read_text(encoding="utf-8")
    result = CliRunner().invoke(cli, ["guide", "--config", str(nanyang), "南召", "-o", str(tmp_path)])
    assert result.exit_code == 2 and "是否应为“南召县”" in result.output


def test_form_for_an_unknown_unit_or_week_is_a_usage_error(nanyang):
    result = CliRunner().invoke(cli, ["form", "--config", str(nanyang), "南阳"])
    assert result.exit_code == 2 and "不是配置中的报送单位" in result.output
    result = CliRunner().invoke(cli, ["form", "--config", str(nanyang), "--week", "2023-W60"])
    assert result.exit_code == 2 and "2023年没有第60周" in result.output


def test_every_message_comes_from_the_validating_code(nanyang):
    found = catalogue(load_config(nanyang))
    messages = found["messages"]
    assert messages["count.unit"] == "不要带单位，请把“{value}”改成 {number}"
    assert messages["trip.end_before_start"] == "返回日期 {end} 早于出发日期 {start}，请检查是否写反或写错年份月份"
    assert found["named"] == "“{key}”（{label}）：{message}"
    assert messages["warn.funds"].startswith("到位资金{amount}亿元") and "如果是{unit}，请写成“{amount}{unit}”" in messages["warn.funds"]
    assert messages["industry.unknown"] == "“{value}”不是配置中的产业链。可选：{choices}"
    assert set(PARSER_PROBES) <= set(messages)


def test_a_probe_that_no_longer_fails_is_reported(monkeypatch, config):
    monkeypatch.setitem(PARSER_PROBES, "count.unit", (PARSER_PROBES["count.unit"][0], "6"))
    with pytest.raises(ProbeFailed, match="count.unit"):
        catalogue(config)


def test_the_page_loads_nothing_and_hides_no_markup_in_its_data(nanyang):
    config = load_config(nanyang)
    html = form_html(config, None, "2023-W17")
    assert "default-src 'none'" in html
    network = r"""\bsrc\s*=|<link|<iframe|<img|@import|(?<![A-Za-z])url\(|\bhttps?:|\bwss?:|//[a-z0-9.-]+\.[a-z]{2,}/|fetch\(|XMLHttpRequest|WebSocket|sendBeacon|import\(|new Image"""
    assert not re.search(network, html, re.I)
    assert html.count("<script") == 2 and "</script>" not in html.split('id="form-data">')[1].split("</script>")[0]
    hostile = config.model_copy(update={"bureau": "</script><script>alert(1)</script>{{SCRIPT}}"})
    page = form_html(hostile, None, "2023-W17")
    assert page.count("<script") == 2 and "alert(1)</script>" not in page


def test_every_field_has_a_kind_the_form_knows(config):
    """A field typed in a way fielddocs does not read (as the week once was, by a PlainValidator)
    would be shown as a text box the page cannot check."""
    from briefing.forms.fielddocs import field_docs

    kinds = {doc.name: doc.kind for doc in field_docs(config)}
    kinds.update({f"{doc.name}.{child.name}": child.kind for doc in field_docs(config) for child in doc.fields})
    assert [name for name, kind in kinds.items() if kind == "unknown"] == []
    assert (kinds["week"], kinds["unit"], kinds["trips.start"], kinds["signings.investment"]) == \
        ("week", "choice", "date", "money")


@pytest.mark.parametrize("today", ["2005-03-01", "2023-01-16", "2150-06-01"])
def test_the_form_builds_whatever_today_is(nanyang, monkeypatch, today):
    """The probes that learn validate's messages use a report of a week long past: on any date
    (a clock set wrong, a test's BRIEFING_TODAY) none of them meets the far-future-week check."""
    monkeypatch.setenv("BRIEFING_TODAY", today)
    assert "南召县" in form_html(load_config(nanyang), "南召县", "2023-W17")
