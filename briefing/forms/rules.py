"""The words of ``briefing validate``, collected for the fill-in form.

The form checks entries as they are typed (see ``form_assets/form.js``), and must say what
``validate`` would say.  Rather than copying the Chinese messages into JavaScript, this module
*asks* the validating code for them when a form is generated: it feeds each parser and each
model check a wrong value chosen to trigger one message, and turns the message it gets back
into a template by putting ``{name}`` where the wrong value shows.  A changed wording reaches
the form with the next ``briefing form``; a check that no longer fails on its probe raises
:class:`ProbeFailed` (a test runs every probe), so the catalogue cannot silently go stale.

The JavaScript decides *which* message applies (it ports the parsers' few rules: what a date,
a count, an amount look like); ``tests/test_form_browser.py`` feeds the same wrong entries to
the form and to ``validate`` and compares the messages, which keeps those rules in step.
"""

from __future__ import annotations

import copy
import re
from typing import Any, Callable

from pydantic import ValidationError
from pydantic_core import PydanticCustomError

from briefing.report.config import Config
from briefing.report.fields import (
    MAX_AMOUNT,
    MAX_COUNT,
    MAX_DECIMALS,
    impossible_date,
    parse_count,
    parse_date,
    parse_flag,
    parse_money,
    parse_text,
    parse_week,
)
from briefing.report.load import _UNWRITABLE as UNWRITABLE  # characters a report may not carry (see load.py)
from briefing.report.load import Document, parse_bytes
from briefing.report.messages import problems_from_errors
from briefing.report.fields import _BRACKETS, _SUFFIX  # the one project-name normalisation (project_key)
from briefing.report.model import TWICE_BY_CODE, TWICE_BY_NAME, Report
from briefing.report.validate import LARGE_FUNDS, LARGE_INVESTMENT, validate_document
from briefing.weeks import MAX_YEAR, MIN_YEAR, current_week


# Which fields the model's own validators relate (Trip, Report and report.validate._plausibility),
# for the form's generic versions of those checks.
RULES: dict[str, Any] = {
    "unit": "unit",
    "week": "week",
    "not_before": [{"section": "trips", "earlier": "start", "later": "end", "message": "trip.end_before_start"}],
    "one_per_line": [{"section": "trips", "field": "destinations", "message": "trip.one_place"}],
    "once": [{"section": "projects", "field": "project", "message": "project.twice"}],
    "large": [{"section": "projects", "field": "funds", "message": "warn.funds", "limit": LARGE_FUNDS},
              {"section": "signings", "field": "investment", "message": "warn.investment", "limit": LARGE_INVESTMENT}],
    "dates": [{"section": "trips", "field": "start"}, {"section": "events", "field": "date"},
              {"section": "signings", "field": "date"}],
}


class ProbeFailed(AssertionError):
    """A probe no longer triggers the message it was written for: update the probe."""


# key → (parser, a value it refuses with exactly that message)
PARSER_PROBES: dict[str, tuple[Callable[[Any], Any], Any]] = {
    "text.empty": (parse_text, None),
    "money.empty": (parse_money, None),
    "money.invalid": (parse_money, "abc"),
    "money.not_finite": (parse_money, "nan5"),
    "money.exponent": (parse_money, "1e5"),
    "money.too_large": (parse_money, "1000000000000000"),
    "money.decimals": (parse_money, "1.12345678901"),
    "money.negative": (parse_money, "-1"),
    "money.cn_comma": (parse_money, "1，2"),
    "money.decimal_comma": (parse_money, "35,6"),
    "money.comma": (parse_money, "1,2,3"),
    "money.unit": (parse_money, "5美元"),
    "count.empty": (parse_count, None),
    "count.unit": (parse_count, "6个"),
    "count.negative": (parse_count, "-1"),
    "count.invalid": (parse_count, "abc"),
    "count.exponent": (parse_count, "1e5"),
    "count.huge": (parse_count, "1234567890"),
    "count.too_large": (parse_count, "1001"),
    "date.empty": (parse_date, None),
    "date.invalid_day": (parse_date, "2023-02-30"),
    "date.format": (parse_date, "abc"),
    "week.empty": (parse_week, None),
    "week.format": (parse_week, "abc"),
    "week.year": (parse_week, "1900-W01"),
    "week.number": (parse_week, "2023-W60"),
    "flag.invalid": (parse_flag, "也许"),
}


# Messages a parser passes on whole (``parse_week`` gives :meth:`Week.parse`'s text as ``{reason}``):
# the probe's values in them, to be put back as placeholders.
PASSED_ON: dict[str, dict[str, str]] = {
    "week.format": {"value": "abc"},
    "week.year": {"year": "1900"},
    "week.number": {"year": "2023", "week": "60", "last": "52"},
}


def _parser_template(key: str) -> str:
    parser, value = PARSER_PROBES[key]
    try:
        parser(value)
    except PydanticCustomError as error:
        if error.message_template != "{reason}":
            return error.message_template
        return _template(error.message(), PASSED_ON.get(key, {}))
    raise ProbeFailed(f"{parser.__name__}({value!r}) no longer fails (probe {key})")


def _context(key: str) -> dict:
    parser, value = PARSER_PROBES[key]
    try:
        parser(value)
    except PydanticCustomError as error:
        return error.context or {}
    raise ProbeFailed(key)


def _hint(parser: Callable[[Any], Any], value: str) -> str:
    try:
        parser(value)
    except PydanticCustomError as error:
        return (error.context or {})["hint"]
    raise ProbeFailed(f"{parser.__name__}({value!r}) no longer fails")


def _js_pattern(pattern: str) -> str:
    """A character-class pattern for ``new RegExp`` in JSON: non-ASCII as ``\\uXXXX`` escapes."""
    return "".join(c if c.isascii() and c.isprintable() else f"\\u{ord(c):04x}" for c in pattern)


def flag_words() -> dict[str, list[str]]:
    """The words ``validate`` reads as yes and as no (for reopening a file typed by hand)."""
    from briefing.report.fields import _FALSE, _TRUE  # the parser's own word lists

    return {"true": sorted(_TRUE), "false": sorted(_FALSE)}


def _base(config: Config) -> dict:
    """A valid report with one item in each section, for the model-level probes (a week long
    past whatever today is, so that no probe meets the far-future-week check by accident)."""
    unit, industry = config.unit_names[0], config.industries[0]
    return {
        "unit": unit, "week": "2001-W07", "reporter": "甲",
        "trips": [{"leader": "甲", "title": "乙", "start": "2001-02-12", "destinations": ["北京市"],
                   "negotiated": "1"}],
        "signings": [{"project": "甲项目", "investor": "乙公司", "industry": industry, "investment": "1",
                      "date": "2001-02-13"}],
        "projects": [{"project": "甲项目", "investor": "乙公司", "kind": "新建", "origin": config.external_label,
                      "stage": "开工", "funds": "1"}],
    }


def _messages(config: Config, data: dict) -> list[str]:
    try:
        Report.model_validate(data, context={"config": config})
    except ValidationError as error:
        words = {"区外": config.external_label, "区内": config.internal_label}
        return [p.message for p in problems_from_errors(Report, error.errors(), Document(path=""), words)]
    return []


def _one(config: Config, change: Callable[[dict], None], key: str) -> str:
    data = copy.deepcopy(_base(config))
    change(data)
    found = _messages(config, data)
    if len(found) != 1:
        raise ProbeFailed(f"probe {key} gave {found!r}, not one message")
    return found[0]


def _body(message: str, named: str, key: str, label: str) -> str:
    prefix = named.split("{message}")[0].replace("{key}", key).replace("{label}", label)
    if not message.startswith(prefix):
        raise ProbeFailed(f"{message!r} does not start with {prefix!r}")
    return message[len(prefix):]


def _template(text: str, values: dict[str, str]) -> str:
    for name, value in values.items():
        if value not in text:
            raise ProbeFailed(f"{value!r} not in {text!r}")
        text = text.replace(value, "{" + name + "}")
    return text


def _warnings(config: Config) -> dict[str, str]:
    """The plausibility warnings of ``validate`` (large amounts, dates far from the week)."""
    funds, investment = LARGE_FUNDS + 23, LARGE_INVESTMENT + 234   # "如果是万元"
    data = _base(config)
    data["projects"][0]["funds"] = str(funds)
    data["signings"][0]["investment"] = str(investment)
    data["trips"][0]["start"] = data["signings"][0]["date"] = "2020-01-06"
    doc = parse_bytes(_yaml(data).encode("utf-8"), "probe.yaml")
    validate_document(doc, config)
    found = {}
    for problem in doc.problems:
        if problem.is_error:
            raise ProbeFailed(str(problem))
        if problem.message.startswith("到位资金"):
            found["warn.funds"] = _template(problem.message.replace(f"“{funds}万元”", "“{amount}{unit}”")
                                            .replace("如果是万元", "如果是{unit}"), {"amount": str(funds)})
        elif problem.message.startswith("总投资"):
            found["warn.investment"] = _template(problem.message.replace(f"“{investment}万元”", "“{amount}{unit}”")
                                                 .replace("如果是万元", "如果是{unit}"), {"amount": str(investment)})
        else:
            found["warn.dates"] = _template(problem.message, {"week": data["week"]})
    if len(found) != 3:
        raise ProbeFailed(f"plausibility probes gave {found!r}")
    return found


def _yaml(data: Any, indent: str = "") -> str:
    """Just enough YAML for the probe report (plain scalars, no quoting needed)."""
    lines = []
    for key, value in data.items():
        if isinstance(value, list):
            lines.append(f"{indent}{key}:")
            for item in value:
                if isinstance(item, dict):
                    lines.append(indent + "  - " + _yaml(item, indent + "    ").lstrip())
                else:
                    lines.append(f"{indent}  - {item}")
        else:
            lines.append(f"{indent}{key}: {value}")
    return "\n".join(lines) + "\n"


# The placeholders form.js fills in, per message; a message with any other is a check the form
# does not know yet (ProbeFailed tells which, so the JavaScript is taught it, not left to show "{x}").
FILLED = {
    "money.invalid": {"value"}, "money.not_finite": {"value"}, "money.exponent": {"value"}, "count.exponent": {"value"}, "money.too_large": {"value", "hint"},
    "money.negative": {"value"}, "money.cn_comma": {"value"}, "money.decimal_comma": {"value"},
    "money.comma": {"value"}, "money.unit": {"unit", "hint"}, "count.unit": {"value", "number"},
    "money.too_large.bare": {"value"}, "money.decimals": {"value"}, "count.huge": {"value"},
    "count.too_large": {"value", "limit"}, "week.future": {"week", "now"},
    "count.negative": {"value"}, "count.invalid": {"value"}, "date.invalid_day": {"value", "why"},
    "date.why.month": set(), "date.why.year": set(), "date.why.day": {"year", "month", "last"}, "date.why.zero": set(),
    "date.format": {"value"}, "week.format": {"value"}, "week.year": {"year"}, "week.number": {"year", "week", "last"},
    "flag.invalid": {"value"}, "trip.end_before_start": {"end", "start"}, "trip.one_place": {"value"},
    "project.twice": {"value", "first", "second", "what"}, "project.twice.code": {"code"}, "choice.empty": {"choices"}, "choice.unknown": {"value", "choices"},
    "industry.unknown": {"value", "choices"}, "unit.unknown": {"value", "choices"},
    "warn.funds": {"amount", "unit"}, "warn.investment": {"amount", "unit"}, "warn.dates": {"week"},
}


def _check_placeholders(messages: dict[str, str]) -> None:
    for key, template in messages.items():
        unknown = set(re.findall(r"\{(\w+)\}", template)) - FILLED.get(key, set())
        if unknown:
            raise ProbeFailed(f"message {key} has placeholders the form does not fill: {sorted(unknown)}: {template}")


def catalogue(config: Config) -> dict[str, Any]:
    """Every message the form may show, as ``{name}`` templates, plus the limits it checks."""
    messages = {key: _parser_template(key) for key in PARSER_PROBES}
    messages["money.unit.foreign"] = _context("money.unit")["hint"]
    messages["money.too_large.check"] = _context("money.too_large")["hint"]
    messages["date.why.month"] = impossible_date(2023, 13, 1)
    messages["date.why.year"] = impossible_date(0, 1, 1)
    messages["date.why.day"] = _template(impossible_date(1999, 4, 31), {"year": "1999", "month": "4", "last": "30"})
    messages["date.why.zero"] = impossible_date(1999, 4, 0)
    messages["money.too_large.bare"] = _template(_hint(parse_money, "1234567890"), {"value": "1234567890"})
    reporter = _one(config, lambda d: d.update(reporter=None), "named")
    if not reporter.endswith(messages["text.empty"]):
        raise ProbeFailed(reporter)
    named = _template(reporter[:-len(messages["text.empty"])], {"key": "reporter", "label": "填报人"}) + "{message}"

    def trip(**change):
        return lambda d: d["trips"][0].update(change)

    messages["list.too_short"] = _body(_one(config, trip(destinations=[]), "too_short"), named, "destinations", "到访省市")
    messages["trip.end_before_start"] = _template(_body(
        _one(config, trip(start="2001-02-04", end="2001-02-03"), "end"), named, "end", "返回日期"),
        {"end": "2001-02-03", "start": "2001-02-04"})
    messages["trip.one_place"] = _template(_body(
        _one(config, trip(destinations=["甲地、乙地"]), "one_place"), named, "destinations", "到访省市"),
        {"value": "甲地、乙地"})
    twice = dict(_base(config)["projects"][0], project="甲 项目")
    messages["project.twice"] = _template(_body(
        _one(config, lambda d: d["projects"].append(twice), "twice"), named, "project", "项目名称"),
        {"value": "甲 项目", "first": "1", "second": "2", "what": TWICE_BY_NAME})
    messages["project.twice.name"] = TWICE_BY_NAME
    messages["project.twice.code"] = TWICE_BY_CODE
    # Values the form cannot produce but may find in a reopened file: no suggestion, all choices.
    nothing_alike = "※"
    messages["week.future"] = _template(_body(
        _one(config, lambda d: d.update(week="2200-W01"), "week.future"), named, "week", "报送周次（ISO 周）"),
        {"week": "2200-W01", "now": current_week().iso})
    messages["choice.empty"] = _template(_body(
        _one(config, lambda d: d["projects"][0].update(kind=None), "choice.empty"), named, "kind", "项目类型"),
        {"choices": "新建、续建"})
    messages["choice.unknown"] = _template(_body(
        _one(config, lambda d: d["projects"][0].update(kind=nothing_alike), "choice"), named, "kind", "项目类型"),
        {"value": nothing_alike, "choices": "新建、续建"})
    messages["industry.unknown"] = _template(_body(
        _one(config, lambda d: d["signings"][0].update(industry=nothing_alike), "industry"), named, "industry",
        "所属产业链"), {"value": nothing_alike, "choices": "、".join(config.industries)})
    messages["unit.unknown"] = _template(_body(
        _one(config, lambda d: d.update(unit=nothing_alike), "unit"), named, "unit", "报送单位"),
        {"value": nothing_alike, "choices": "、".join(config.unit_names)})
    messages.update(_warnings(config))
    messages.update(unit_yi="亿元", unit_wan="万元", unit_yuan="元")  # money units the form writes
    _check_placeholders(messages)
    return {
        "messages": messages,
        "named": named,
        "flags": flag_words(),
        "rules": RULES,
        "limits": {"maxAmount": str(MAX_AMOUNT), "largeFunds": LARGE_FUNDS, "largeInvestment": LARGE_INVESTMENT,
                   "yuan": 1_000_000,
                   "minYear": MIN_YEAR, "maxYear": MAX_YEAR, "maxDecimals": MAX_DECIMALS, "maxCount": MAX_COUNT,
                   "unwritable": _js_pattern(UNWRITABLE.pattern),
                   "brackets": _js_pattern(_BRACKETS.pattern), "suffix": _js_pattern(_SUFFIX.pattern)},
    }
