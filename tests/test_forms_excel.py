"""The blank report, the JSON schema, the Excel workbook and issue numbers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
import json
import re

import jsonschema
import pytest
import yaml
from click.testing import CliRunner
from openpyxl import load_workbook

from briefing.actions.build import build
from briefing.cli import cli
from briefing.errors import BriefingError
from briefing.forms.blank import blank_report
from briefing.forms.schema import report_schema
from briefing.workspace.layout import open_workspace
from briefing.workspace.loading import load_reports

from test_messages import GOOD

FILLED = {
    "reporter": "李四", "phone": "0994-1234567", "leader": "张三", "title": "县长", "start": "2023-01-09",
    "end": "2023-01-10", "destinations": "[北京市]", "companies": "[甲公司]", "negotiated": "4",
    "summary": "洽谈顺利", "name": "推介会", "kind": None, "date": "2023-01-10", "place": "北京市",
    "project": "光伏项目", "investor": "某公司", "industry": "新能源", "investment": "3560万元", "key": "true",
    "origin": "区外", "stage": "开工", "funds": "1.5", "note": "进展顺利",
}
KINDS = {"events": "推介会", "projects": "新建"}


def _fill(text: str) -> str:
    """Fill every blank of the template the way a county clerk would."""
    section, lines = None, []
    for line in text.splitlines():
        match = re.match(r"^(\s*-?\s*)(\w+): ?(\[\])?(\s+#.*)?$", line)
        if re.match(r"^\w+:", line):
            section = line.split(":")[0]
        if match and match.group(2) in FILLED and not line.startswith(("unit", "week")):
            key = match.group(2)
            value = KINDS[section] if key == "kind" else FILLED[key]
            line = f"{match.group(1)}{key}: {value}{match.group(4) or ''}"
        elif line.strip() == "-":
            line = "  - 一条内容"
        lines.append(line)
    return "\n".join(lines) + "\n"


def test_blank_report_names_unit_and_week_with_chinese_comments(config):
    text = blank_report(config, "B自治县", "2023-W02")
    data = yaml.safe_load(text)
    assert data["unit"] == "B县" and data["week"] == "2023-W02"
    comments = [line.split("#", 1)[1] for line in text.splitlines() if "#" in line]
    assert len(comments) > 30 and all(re.search(r"[\u4e00-\u9fff]", c) for c in comments)
    assert "例如：6" in text and "（必填）" in text


def test_blank_report_is_rejected_until_filled_then_validates(tmp_path, config):
    path = tmp_path / "b.yaml"
    path.write_text(blank_report(config, "A县", "2023-W02"), encoding="utf-8")
    blank = load_reports([path], config)
    assert not blank.reports and len(blank.errors) == 5  # reporter + one line per untouched section
    path.write_text(_fill(path.read_text(encoding="utf-8")), encoding="utf-8")
    filled = load_reports([path], config)
    assert not filled.problems, [str(p) for p in filled.problems]
    report = filled.reports[0]
    assert (report.unit, str(report.week), report.signings[0].investment, report.projects[0].kind) == (
        "A县", "2023-W02", Decimal("0.356"), "新建")


def test_blank_report_for_an_unknown_unit_suggests(config):
    with pytest.raises(BriefingError, match="是否应为“A县”"):
        blank_report(config, "A", "2023-W02")


def test_new_command_writes_the_file(small, tmp_path):
    out = tmp_path / "new.yaml"
    result = CliRunner().invoke(cli, ["new", "--config", str(small), "A县", "--week", "2023-W9", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert yaml.safe_load(out.read_text(encoding="utf-8"))["week"] == "2023-W09"


def test_schema_accepts_valid_and_rejects_bad_kind(config):
    schema = report_schema(config)
    jsonschema.Draft202012Validator.check_schema(schema)
    good = yaml.safe_load(GOOD)            # dates arrive as date objects, money as floats
    jsonschema.validate(good, schema)
    as_json = json.loads(json.dumps(good, default=str))
    jsonschema.validate(as_json, schema)   # and as strings
    bad = yaml.safe_load(GOOD.replace("kind: 新建", "kind: 新开工"))
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema)
    for wrong in (GOOD.replace("unit: A县", "unit: Z县"), GOOD.replace("industry: 新能源", "industry: 钢铁"),
                  GOOD.replace("negotiated: 5", "negociated: 5")):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(yaml.safe_load(wrong), schema)


def test_schema_money_takes_numbers_and_strings_with_units(config):
    schema = report_schema(config)
    for amount in (35.6, 0, "3560万元", "35.6亿元", "120000000元"):
        jsonschema.validate(yaml.safe_load(GOOD.replace("investment: 35.6", f"investment: {amount}")), schema)
    for amount in ("3.5亿美元", -1):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(yaml.safe_load(GOOD.replace("investment: 35.6", f"investment: {amount}")), schema)


def test_schema_command_lists_units_and_aliases(small):
    result = CliRunner().invoke(cli, ["schema", "--config", str(small)])
    schema = json.loads(result.output)
    assert schema["properties"]["unit"]["enum"] == ["A县", "B县", "B自治县", "C园区"]


def _build(config_path, week, issue=None, formats=("md",)):
    return build(open_workspace(config_path), week=week, formats=list(formats), issue=issue,
                 date=dt.date(2023, 1, 20))


def _issue_of(path) -> str:
    return re.search(r"第(\d+)期", path.read_text(encoding="utf-8")).group(1)


def test_issue_numbers_are_assigned_once_per_week_and_year(small):
    assert _issue_of(_build(small, "2023-W01")[0]) == "1"
    assert _issue_of(_build(small, "2023-W02")[0]) == "2"
    assert _issue_of(_build(small, "2023-W01")[0]) == "1"   # a rebuild keeps its number
    assert _issue_of(_build(small, "2023-W02", issue=9)[0]) == "9"
    assert _issue_of(_build(small, "2023-W02")[0]) == "9"   # the override is recorded
    assert _issue_of(_build(small, "2022-W05")[0]) == "1"   # numbering restarts each year


def test_rebuild_is_atomic_when_writing_fails(small, monkeypatch):
    [path] = _build(small, "2023-W02")
    before = path.read_bytes()
    import briefing.workspace.files

    def crash(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(briefing.workspace.files.os, "replace", crash)
    with pytest.raises(BriefingError, match="无法写入"):
        _build(small, "2023-W02", issue=4)
    assert path.read_bytes() == before
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary file left


def test_excel_has_real_numbers_styled_headers_and_frozen_panes(small):
    [path] = _build(small, "2023-W02", formats=("xlsx",))
    book = load_workbook(path)
    units, targets, industries, provinces, signings = (book[name] for name in book.sheetnames)
    assert units["A1"].value == "表1　各县市（园区）招商引资情况（今年以来，截至第2周）" and units["A1"].font.bold
    assert units.freeze_panes == "B3" and units["A2"].font.bold and units["A2"].value == "单位"
    assert [c.value for c in units[3]] == ["A县", 3, 5, 2, 1.361, 2, 1.815, 1.315]
    assert [c.value for c in units[6]][:2] == ["合计", 3] and units["G6"].value == 1.94
    assert isinstance(units["G3"].value, float) and units["G3"].number_format == "0.00"
    assert sum(units[f"G{r}"].value for r in (3, 4, 5)) == pytest.approx(units["G6"].value)
    assert [c.value for c in targets[3]][:4] == ["A县", 10, 1.815, 0.1815] and targets["D3"].number_format == "0.0%"
    assert [c.value for c in targets[5]] == ["C园区", "—", 0, "—", 0.0410958904109589, "—"]
    assert [c.value for c in provinces[3]] == ["北京市", 2, 5]            # W01's trip counts under its first destination
    assert [c.value for c in signings[3]] == [1, "风电项目", "风电公司", "新能源", 10, "B县"]
    assert [c.value for c in signings[4]] == ["合计", None, None, None, 10, None]
    assert industries["A2"].value == "产业链"
    assert 10 <= units.column_dimensions["A"].width < units.column_dimensions["E"].width   # by display width
