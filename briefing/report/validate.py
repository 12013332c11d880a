"""One loaded report checked against the bureau's config: the model's errors at their places,
then warnings for figures that are valid but probably typed in the wrong unit, or a week that
does not fit the file's folder or the report's dates.

Also what can be read of a report that did not validate (:func:`unit_and_week`): which unit
and week it claims to be, for ``briefing status``, ``briefing build`` (is the broken file one
this briefing needs?) and the mail engine (whose file is in the way?).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from typing import Any

from pydantic import ValidationError

from briefing.errors import WARNING, Problem
from briefing.report.config import Config
from briefing.report.load import Document, locate, read_file
from briefing.report.messages import problems_from_errors
from briefing.report.model import Report
from briefing.weeks import Week

SECTIONS = ("trips", "events", "signings", "projects")
"""The report's lists of items (the blank report has one template item in each)."""


def validate_document(doc: Document, config: Config) -> Report | None:
    """Validate one loaded report against ``config``; problems are added to ``doc``."""
    if doc.problems:
        return None
    if not isinstance(doc.data, dict):
        doc.problem(1, 1, "报告的内容应为“键: 值”的形式（例如第一行写“unit: 昌吉市”），请对照模板填写")
        return None
    _drop_blank_items(doc)
    try:
        report = Report.model_validate(doc.data, context={"config": config})
    except ValidationError as error:
        words = {"区外": config.external_label, "区内": config.internal_label}
        doc.problems.extend(problems_from_errors(Report, error.errors(), doc, words))
        doc.problems.sort()
        return None
    if any(p.is_error for p in doc.problems):
        return None
    _plausibility(report, doc)
    return report


LARGE_FUNDS = 100          # 亿元 arriving for one project in one week
LARGE_INVESTMENT = 1000    # 亿元 for one signing
_WEEK_FOLDER = re.compile(r"[0-9]{4}-W[0-9]{2}")


def _plausibility(report: Report, doc: Document) -> None:
    """Warnings (not errors) for figures that are valid but probably typed in the wrong unit,
    and for a week that does not fit the folder or the dates in the report."""
    def warn(loc: tuple, message: str) -> None:
        line, col = locate(doc.root, loc)
        doc.problems.append(Problem(doc.path, line, col, message, WARNING))

    for index, item in enumerate(report.projects):
        if item.funds >= LARGE_FUNDS:
            warn(("projects", index, "funds"), _large("到位资金", item.funds, "一个项目一周"))
    for index, item in enumerate(report.signings):
        if item.investment >= LARGE_INVESTMENT:
            warn(("signings", index, "investment"), _large("总投资", item.investment, "一个签约项目"))
    folder = os.path.basename(os.path.dirname(doc.path))
    if _WEEK_FOLDER.fullmatch(folder) and folder != report.week.iso:
        warn(("week",), f"文件放在“{folder}”文件夹里，但周次写的是 {report.week}。请确认周次没有写错")
    dates = [t.start for t in report.trips] + [e.date for e in report.events] + [s.date for s in report.signings]
    first = report.week.first_day - dt.timedelta(days=14)
    last = report.week.last_day + dt.timedelta(days=14)
    if dates and not any(first <= day <= last for day in dates):
        warn(("week",), f"报告里的日期都不在 {report.week} 前后两周内，周次是否写错？（报告按所写周次统计）")


_UNIT_HINT = "金额的单位是亿元：如果是万元"


def _large(what: str, amount, scope: str) -> str:
    text = format(amount.normalize(), "f")  # below MAX_AMOUNT: 25000 was probably typed in 万元
    return (f"{what}{text}亿元，{scope}这么多很少见。{_UNIT_HINT}，请写成“{text}万元”；"
            "核对无误可忽略此提示")


def is_suspicious(problem: Problem) -> bool:
    """Whether a warning says an amount was probably typed in the wrong unit (such warnings
    stop ``briefing publish`` until the clerk confirms them)."""
    return not problem.is_error and _UNIT_HINT in problem.message


def _is_blank(value: object) -> bool:
    return value is None or value == [] or (isinstance(value, str) and not value.strip())


def _drop_blank_items(doc: Document) -> None:
    """One error for each template item left completely blank (instead of one per field)."""
    for section in SECTIONS:
        items = doc.data.get(section)
        if not isinstance(items, list) or not any(
                isinstance(item, dict) and all(_is_blank(v) for v in item.values()) for item in items):
            continue
        for index, item in enumerate(items):
            if isinstance(item, dict) and item and all(_is_blank(v) for v in item.values()):
                line, col = locate(doc.root, (section, index))
                doc.problem(line, col, f"“{section}”的这一条没有填写任何内容：请填写；本周没有的话，请删去整段“{section}:”")
        doc.data[section] = [item for item in items
                             if not (isinstance(item, dict) and item and all(_is_blank(v) for v in item.values()))]


def unit_and_week(data: Any, config: Config) -> tuple[str | None, Week | None]:
    """The unit (its configured name) and week a report's data claims, as far as they can be
    read, for a report that may not validate."""
    if not isinstance(data, dict):
        return None, None
    unit = config.canonical_unit(str(data.get("unit") or "").strip())
    try:
        week = Week.parse(data.get("week"))
    except ValueError:
        week = None
    return unit, week


def guess_unit_week(path: str | os.PathLike, config: Config) -> tuple[str | None, Week | None]:
    """:func:`unit_and_week` of the file at ``path``."""
    return unit_and_week(read_file(path).data, config)
