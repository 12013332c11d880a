"""Figures that are computable but probably wrong, found before a briefing is published.

A briefing with such a figure goes out only when the clerk confirms it (``briefing publish
--accept-warnings``); a draft shows them first.  Besides the per-report plausibility warnings
(an amount probably typed in 万元 or 元, :mod:`briefing.report.validate`), the briefing as a
whole is checked for a 同比 beyond ±500% and for a unit whose funds in one week exceed its
whole year's target.
"""

from __future__ import annotations

from decimal import Decimal

from briefing.figures.briefing import Briefing
from briefing.fmt import money, percent_abs

GROWTH_LIMIT = Decimal(5)
"""同比 beyond ±500% is suspicious."""


def suspicious_figures(b: Briefing) -> list[str]:
    """One Chinese line per suspicious figure of ``b`` (empty when none)."""
    found = []
    labels = {"funds": "到位资金", "external_funds": f"{b.config.external_label}到位资金"}
    for name, value in b.growth.items():
        if value is not None and abs(value) > GROWTH_LIMIT:
            way = "增长" if value > 0 else "下降"
            found.append(f"今年以来{labels.get(name, name)}同比{way}{percent_abs(value)}，超过±500%，"
                         "请核对今年的报告和去年同期数是否有误（如金额单位写错）")
    for row in b.units:
        if row.target and row.week.funds > row.target:
            found.append(f"{row.unit}本周到位资金{money(row.week.funds)}亿元，超过其全年目标{money(row.target)}亿元，"
                         "请核对是否把万元写成了亿元")
    return found
