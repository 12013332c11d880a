"""What the units fill in: a blank report with Chinese comments, and the report's JSON Schema.

Both are derived from the model (field order, required fields, docstrings), so they cannot
drift from what ``briefing validate`` accepts.
"""

from __future__ import annotations

import re
import typing
from typing import Any

from pydantic import BaseModel

from briefing.errors import BriefingError
from briefing.fielddocs import LOCAL, describe
from briefing.fmt import width
from briefing.messages import closest
from briefing.model import Config, Report

COMMENT_COLUMN = 30
SECTIONS = ("trips", "events", "signings", "projects")
TEXT_LISTS = ("highlights", "plans")


def _item_model(annotation: Any) -> type[BaseModel] | None:
    for arg in typing.get_args(annotation):
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return arg
        found = _item_model(arg)
        if found is not None:
            return found
    return None


def _line(indent: str, key: str, value: str, comment: str) -> str:
    text = f"{indent}{key}: {value}".rstrip() if key else f"{indent}{value}".rstrip()
    return f"{text}{' ' * max(1, COMMENT_COLUMN - width(text))}  # {comment}" if comment else text


def _comment(config: Config, model: type[BaseModel], name: str) -> str:
    text = describe(config, model, name).replace("\n", " ")
    required = model.model_fields[name].is_required()
    return ("（必填）" if required else "（可不填）") + text


def canonical_unit(config: Config, unit: str) -> str:
    """The configured name for ``unit`` (or an alias); a Chinese error with a suggestion otherwise."""
    name = config.canonical_unit(unit.strip())
    if name is None:
        best = closest(unit, config.unit_names)
        hint = f"，是否应为“{best}”？" if best else "。可选：" + "、".join(config.unit_names)
        raise BriefingError(f"“{unit}”不是配置中的报送单位{hint}", exit_code=2)
    return name


def blank_report(config: Config, unit: str, week: str) -> str:
    """A report for ``unit`` and ``week`` with every field blank and explained.

    Sections the unit has nothing for are deleted; blank values left in place are errors, so
    nothing half-filled slips through.
    """
    unit = canonical_unit(config, unit)
    lines = [
        f"# 招商工作周报：{unit} {week[:4]}年第{int(week[6:])}周",
        "# 填写说明：冒号用英文“:”并在后面空一格；缩进只用空格；“#”后面是说明，可以保留。",
        "# 本周没有的内容，请把整段（从“trips:”这样的键到下一段之前）删掉；留空的项目会被当作错误。",
        f"# 填好后作为邮件附件发送给{config.bureau}。详细说明见商务局下发的《填报说明》。",
        "",
    ]
    values = {"unit": unit, "week": week}
    for name, info in Report.model_fields.items():
        item = _item_model(info.annotation)
        if name in SECTIONS and item is not None:
            lines.append("")
            lines.append(_line("", name, "", (info.description or "").strip()))
            for index, (field, _) in enumerate(item.model_fields.items()):
                indent = "  - " if index == 0 else "    "
                placeholder = "[]" if field in ("destinations", "companies") else ""
                comment = _comment(config, item, field)
                lines.append(_line(indent, field, placeholder, comment))
        elif name in TEXT_LISTS:
            lines.append("")
            lines.append(_line("", name, "", _comment(config, Report, name)))
            lines.append("  - ")
        else:
            lines.append(_line("", name, values.get(name, ""), _comment(config, Report, name)))
    return "\n".join(lines) + "\n"


def report_schema(config: Config) -> dict:
    """JSON Schema of a report, with the config's units and industries as enums."""
    schema = Report.model_json_schema()
    units = [name for spec in config.units for name in (spec.name, *spec.aliases)]
    schema["properties"]["unit"]["enum"] = units
    for definition in ("Signing", "Project"):
        prop = schema["$defs"][definition]["properties"]["industry"]
        target = prop["anyOf"][0] if "anyOf" in prop else prop
        target["enum"] = list(config.industries)
    for model_name, name in LOCAL:  # the sample's examples → the bureau's
        properties = schema["properties"] if model_name == "Report" else schema["$defs"][model_name]["properties"]
        model = Report if model_name == "Report" else _section_model(model_name)
        properties[name]["description"] = describe(config, model, name)
    origin = schema["$defs"]["Project"]["properties"]["origin"]
    origin["enum"] = [config.external_label, config.internal_label]
    _chinese_titles(schema)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "招商工作周报"
    return schema


def _section_model(name: str) -> type[BaseModel]:
    for info in Report.model_fields.values():
        item = _item_model(info.annotation)
        if item is not None and item.__name__ == name:
            return item
    raise KeyError(name)


def _chinese_titles(node: Any) -> None:
    """Editors show ``title``: use the Chinese label from each description, not the key name."""
    if isinstance(node, dict):
        description = node.get("description")
        if "title" in node and isinstance(description, str):
            node["title"] = re.split(r"[。，：]", description, maxsplit=1)[0]
        for value in node.values():
            _chinese_titles(value)
    elif isinstance(node, list):
        for value in node:
            _chinese_titles(value)
