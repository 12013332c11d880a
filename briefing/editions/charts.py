"""Charts of the year to date: funds by unit against target and 时序进度, funds by industry
chain, and cumulative funds week by week against last year.

:func:`chart_data` takes the figures from a computed :class:`~briefing.figures.briefing.Briefing`
(its weekly 到位资金 included), as exact Decimals: the charts are pure from the figures.
:func:`render` draws one chart as SVG (the web page) or PNG (Word and PDF editions: give the
printed width, the resolution is at least :data:`PRINT_DPI`).  The image
carries no title: :func:`title` gives it, so an edition can number it (图1 …) in its own style.

matplotlib is imported only when a chart is drawn (``briefing --help`` stays fast), through its
object API (no pyplot: no global figure state, safe in a server thread).  Chinese text needs a
CJK font: the first installed one of :data:`CJK_FONTS` is used, and without one drawing stops with
a Chinese message rather than printing boxes.  Every text is drawn as written: mathtext is off,
so a "$" in a unit or industry name from the config is a dollar sign, never a formula.  SVG text is drawn as outlines, so the page shows
the same glyphs whatever fonts the browser has.
"""

from __future__ import annotations

import io
import threading
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from briefing import fmt
from briefing.errors import BriefingError
from briefing.report.config import CHART_NAMES
from briefing.weeks import weeks_in_year

if TYPE_CHECKING:
    from briefing.figures.briefing import Briefing

CHARTS = tuple(CHART_NAMES)
"""Every chart's name, in the order the page shows them (the config's ``charts`` names them)."""

CJK_FONTS = ("Microsoft YaHei", "SimHei", "Noto Sans CJK SC", "Source Han Sans SC", "Noto Sans SC",
             "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "PingFang SC", "Heiti SC", "Noto Serif CJK SC",
             "SimSun", "Noto Sans CJK JP", "Noto Sans CJK TC")
"""Fonts tried in turn (Windows first, then Linux and macOS); a Simplified Chinese face first."""

PRINT_DPI = 250
"""Resolution of PNG charts at their printed width (≥ 200 dpi for print)."""
TEXT_BLOCK_MM = 156
"""Width of the briefing's text block (A4, margins 28 and 26 mm): charts are drawn this wide."""
MAX_HEIGHT_MM = 190
"""A chart with its 图N title fits the 225 mm text block's height."""
MAX_BARS = 40
"""More units than this make the unit chart unreadable: the first ``MAX_BARS`` are drawn."""

_MM = 1 / 25.4
_BLUE, _GREY, _RED, _LIGHT = "#1f5fa8", "#8a8a8a", "#c0392b", "#d9dee5"
_DRAWING = threading.Lock()  # rc_context changes matplotlib's process-wide settings


@dataclass(frozen=True)
class UnitFunds:
    """One unit's funds so far this year and its annual target (亿元)."""

    unit: str
    funds: Decimal
    target: Decimal | None


@dataclass(frozen=True)
class IndustryFunds:
    """One industry chain's funds so far this year (亿元)."""

    industry: str
    funds: Decimal


@dataclass(frozen=True)
class WeekFunds:
    """Funds from the first reported week of a year through ISO week ``week`` (亿元)."""

    week: int
    funds: Decimal


@dataclass(frozen=True)
class ChartData:
    """What the charts show, exact; :func:`chart_data` makes it."""

    year: int
    week_no: int
    time_progress: Decimal
    units: tuple[UnitFunds, ...]
    industries: tuple[IndustryFunds, ...]
    this_year: tuple[WeekFunds, ...]
    """Every week from the first reported one up to the briefing's."""
    last_year: tuple[WeekFunds, ...]
    """The same for last year, from its reports or the config's baseline (see ``comparison``)."""
    comparison: str | None
    """Where last year's figures come from: ``"reports"``, ``"baseline"`` or ``None`` (none shown),
    as for the briefing's 同比."""


def chart_data(b: "Briefing") -> ChartData:
    """The charts' figures for briefing ``b`` (exact; the weekly line from ``b.week_funds``)."""
    def cumulative(year: int, last: int) -> tuple[WeekFunds, ...]:
        """From the first week with reports (earlier weeks are unknown, not zero) through ``last``."""
        funds = {week.number: value for week, value in b.week_funds.items() if week.year == year and week.number <= last}
        total, points = Decimal(0), []
        for number in range(min(funds, default=last + 1), last + 1):
            total += funds.get(number, Decimal(0))
            points.append(WeekFunds(number, total))
        return tuple(points)

    if b.comparison == "reports":
        last_year = cumulative(b.year - 1, min(b.week_no, weeks_in_year(b.year - 1)))
    elif b.comparison == "baseline":
        last_year = tuple(sorted((WeekFunds(entry.week, entry.funds) for entry in b.config.baseline.get(b.year - 1, [])
                                  if entry.funds is not None and entry.week <= b.week_no), key=lambda point: point.week))
    else:
        last_year = ()
    return ChartData(
        year=b.year, week_no=b.week_no, time_progress=b.time_progress,
        units=tuple(UnitFunds(row.unit, row.ytd.funds, row.target) for row in b.units),
        industries=tuple(IndustryFunds(row.industry, row.funds) for row in b.industries),
        this_year=cumulative(b.year, b.week_no), last_year=last_year, comparison=b.comparison)


def title(name: str, data: ChartData) -> str:
    """The chart's caption (without a number), in Chinese."""
    through = f"（截至{data.year}年第{data.week_no}周）"
    if name == "units":
        more = f"，前{MAX_BARS}个单位" if len(data.units) > MAX_BARS else ""
        return f"各单位今年以来到位资金与年度目标{through[:-1]}{more}）"
    if name == "industries":
        return f"各产业链今年以来到位资金{through}"
    if name == "cumulative":
        return f"今年以来累计到位资金与去年同期对比{through}" if data.last_year else f"今年以来累计到位资金{through}"
    raise KeyError(name)


def cjk_font() -> str:
    """The family name of the first installed font of :data:`CJK_FONTS`."""
    from matplotlib import font_manager

    installed = {font.name for font in font_manager.fontManager.ttflist}
    for name in CJK_FONTS:
        if name in installed:
            return name
    raise BriefingError("没有找到中文字体，无法画图（图中的中文会显示成方框）。Windows 自带“微软雅黑”或“黑体”；"
                        "Linux 请安装 fonts-noto-cjk（Debian/Ubuntu：sudo apt install fonts-noto-cjk），然后重试")


def render(name: str, data: ChartData, format: str = "svg", width_mm: float = TEXT_BLOCK_MM,
           dpi: int = PRINT_DPI) -> bytes:
    """Chart ``name`` of :data:`CHARTS` as ``svg`` or ``png`` bytes, ``width_mm`` wide."""
    import matplotlib
    from matplotlib.figure import Figure

    draw = {"units": _units, "industries": _industries, "cumulative": _cumulative}[name]
    settings = {"font.family": "sans-serif", "font.sans-serif": [cjk_font()], "font.size": 9,
                "axes.unicode_minus": False, "svg.fonttype": "path", "svg.hashsalt": "briefing",
                "axes.spines.top": False, "axes.spines.right": False,
                "text.parse_math": False}  # names from briefing.yaml are text: "$…$" is not a formula
    with _DRAWING, matplotlib.rc_context(settings):
        figure = Figure(figsize=(width_mm * _MM, _height(name, data) * _MM), layout="constrained")
        draw(figure.add_subplot(), data)
        out = io.BytesIO()
        metadata = {"Date": None} if format == "svg" else {"Software": None}
        figure.savefig(out, format=format, dpi=dpi, metadata=metadata)
    return out.getvalue()


def _height(name: str, data: ChartData) -> float:
    """The chart's height in mm: bar charts grow with their bars, within a page."""
    if name == "units":
        return min(MAX_HEIGHT_MM, 30 + 7 * min(len(data.units), MAX_BARS))
    if name == "industries":
        return min(MAX_HEIGHT_MM, 30 + 7 * len(data.industries))
    return 85


def _money(value: Decimal) -> float:
    return float(fmt.money(value))


def _units(ax, data: ChartData) -> None:
    rows = data.units[:MAX_BARS]
    y = range(len(rows))
    targets = [_money(r.target) if r.target else 0.0 for r in rows]
    funds = [_money(r.funds) for r in rows]
    ax.barh(y, targets, height=0.7, color=_LIGHT, label="年度目标")
    ax.barh(y, funds, height=0.4, color=_BLUE, label="今年以来到位资金")
    expected = [(i, t * float(data.time_progress)) for i, t in zip(y, targets) if t]
    if expected:
        ax.scatter([x for _, x in expected], [i for i, _ in expected], marker="|", s=160, linewidths=2,
                   color=_RED, zorder=3, label=f"按时序进度（{fmt.percent(data.time_progress)}）应到位")
    right = max([*targets, *funds, 1.0])
    for i, row in zip(y, rows):
        text = f"{fmt.money(row.funds)}"
        if row.target:
            text += f" / {fmt.money(row.target)}（{fmt.percent(row.funds / row.target)}）"
        ax.text(max(targets[i], funds[i]) + right * 0.01, i, text, va="center", fontsize=8)
    ax.set_yticks(list(y), [r.unit for r in rows])
    ax.invert_yaxis()
    ax.set_xlim(0, right * 1.45)
    ax.set_xlabel("亿元（标注：到位资金 / 年度目标（完成率））")
    ax.legend(loc="lower right", fontsize=8, frameon=False)


def _industries(ax, data: ChartData) -> None:
    names = [row.industry for row in data.industries]
    funds = [_money(row.funds) for row in data.industries]
    y = range(len(names))
    ax.barh(y, funds, height=0.6, color=_BLUE)
    right = max([*funds, 1.0])
    for i, row in zip(y, data.industries):
        ax.text(_money(row.funds) + right * 0.01, i, fmt.money(row.funds), va="center", fontsize=8)
    ax.set_yticks(list(y), names)
    ax.invert_yaxis()
    ax.set_xlim(0, right * 1.15)
    ax.set_xlabel("到位资金（亿元）")


def _cumulative(ax, data: ChartData) -> None:
    weeks = [point.week for point in data.this_year]
    ax.plot(weeks, [_money(point.funds) for point in data.this_year], color=_BLUE, marker="o", markersize=3,
            label=f"{data.year}年")
    if data.last_year:
        source = "（去年同期累计数）" if data.comparison == "baseline" else ""
        ax.plot([p.week for p in data.last_year], [_money(p.funds) for p in data.last_year], color=_GREY,
                linestyle="--", marker="s", markersize=3, label=f"{data.year - 1}年{source}")
    if data.this_year:
        week, value = data.this_year[-1].week, data.this_year[-1].funds
        ax.annotate(f"{fmt.money(value)}亿元", (week, _money(value)), textcoords="offset points", xytext=(-4, 6),
                    ha="right", fontsize=8, color=_BLUE)
    shown = weeks + [p.week for p in data.last_year]
    ax.set_xlim(min(shown or [1]) - 0.5, max(weeks or [1]) + 0.5)  # from the first week with figures
    ax.set_ylim(bottom=0)
    ax.set_xlabel("周次（ISO 周）")
    ax.set_ylabel("累计到位资金（亿元）")
    ax.grid(axis="y", color="#e5e5e5", linewidth=0.6)
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.legend(loc="upper left", fontsize=8, frameon=False)
