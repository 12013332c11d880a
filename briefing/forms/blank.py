"""The blank report a unit fills in: every field of the model, blank, with a Chinese comment.

It is derived from the model (field order, required fields, docstrings), so it cannot drift
from what ``briefing validate`` accepts.
"""

from __future__ import annotations

import typing
from typing import Any

from pydantic import BaseModel

from briefing.errors import BriefingError
from briefing.fmt import width
from briefing.forms.fielddocs import describe
from briefing.report.config import Config
from briefing.report.hints import choice_hint
from briefing.report.model import Report
from briefing.report.validate import SECTIONS
from briefing.weeks import Week

COMMENT_COLUMN = 30
TEXT_LISTS = ("highlights", "problems", "plans")


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
        raise BriefingError(f"“{unit}”不是配置中的报送单位{choice_hint(unit, config.unit_names)}", exit_code=2)
    return name


def blank_report(config: Config, unit: str, week: Week | str) -> str:
    """A report for ``unit`` and ``week`` with every field blank and explained.

    Sections the unit has nothing for are deleted; blank values left in place are errors, so
    nothing half-filled slips through.
    """
    unit = canonical_unit(config, unit)
    week = Week.parse(week)
    lines = [
        f"# 招商工作周报：{unit} {week.text}",
        "# 填写说明：冒号用英文“:”并在后面空一格；缩进只用空格；“#”后面是说明，可以保留。",
        "# 本周没有的内容，请把整段（从“trips:”这样的键到下一段之前）删掉；留空的项目会被当作错误。",
        f"# 填好后作为邮件附件发送给{config.bureau}。详细说明见商务局下发的《填报说明》。",
        "",
    ]
    values = {"unit": unit, "week": week.iso}
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
