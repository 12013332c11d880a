"""The blank report, the JSON schema, the Excel workbook and issue numbers."""

from __future__ import annotations

from decimal import Decimal
import json
import re

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

from briefing.cli import cli
from briefing.errors import BriefingError
from briefing.forms.blank import blank_report
from briefing.forms.schema import report_schema
from briefing.workspace.loading import load_reports

from test_messages import GOOD
from test_cli import run

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


def test_new_does_not_overwrite_a_filled_report(small, tmp_path):
    target = tmp_path / "A县.yaml"
    target.write_text("已经填好的内容\n", encoding="utf-8")
    result = run("new", "--config", str(small), "A县", "--week", "2023-W02", "-o", str(target))
    assert result.exit_code == 1 and "已存在" in result.output
    assert target.read_text(encoding="utf-8") == "已经填好的内容\n"
