"""Charts (briefing/editions/charts.py): figures worked out by hand for the small workspace, Chinese
text drawn with a CJK font (never boxes), print resolution, and a Chinese error without one."""

from __future__ import annotations

import dataclasses
import struct
import warnings
from decimal import Decimal as D

import pytest

from briefing.actions.build import compute
from briefing.editions import charts
from briefing.errors import BriefingError
from briefing.workspace.layout import open_workspace
from conftest import SMALL_REPORTS, write_workspace
from test_figures import LAST_YEAR


def data_of(config):
    return charts.chart_data(compute(open_workspace(config), "2023-W02"))


def test_chart_figures_by_hand(small):
    d = data_of(small)
    assert (d.year, d.week_no) == (2023, 2)
    # A县 1.115 (W01) + 0.2 + 0.5 (W02); B县 12500000元; targets 10 and 5000万元
    assert d.units == (charts.UnitFunds("A县", D("1.815"), D(10)), charts.UnitFunds("B县", D("0.125"), D("0.5")),
                       charts.UnitFunds("C园区", D(0), None))
    assert d.industries == (charts.IndustryFunds("新能源", D("1.315")), charts.IndustryFunds("新材料", D("0.125")),
                            charts.IndustryFunds("未分类", D("0.5")))
    assert d.this_year == (charts.WeekFunds(1, D("1.115")), charts.WeekFunds(2, D("1.94")))
    # 2022 has only some of A县's weeks: 同比 uses the config's baseline (week 2: 4), and so does the chart
    assert (d.comparison, d.last_year) == ("baseline", (charts.WeekFunds(2, D(4)),))


def test_last_year_from_its_reports_when_they_are_complete(tmp_path):
    reports = {**{k: v for k, v in SMALL_REPORTS.items() if not k.startswith("2022")}, **LAST_YEAR}
    d = data_of(write_workspace(tmp_path / "ws", reports=reports))
    assert d.comparison == "reports"
    assert d.last_year == (charts.WeekFunds(1, D("1.5")), charts.WeekFunds(2, D("3.5")))  # W01: 1 + 0.5; W02: + 2


def test_the_year_starts_at_its_first_reported_week(tmp_path):
    reports = {k: v for k, v in SMALL_REPORTS.items() if k.startswith("2023-W02")}
    d = data_of(write_workspace(tmp_path / "ws", reports=reports))
    assert d.this_year == (charts.WeekFunds(2, D("0.825")),)  # W01 is unknown, not zero


def _png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", png[16:24])


@pytest.mark.parametrize("name", charts.CHARTS)
def test_png_text_is_drawn_with_a_cjk_font_at_print_resolution(small, name):
    from matplotlib import font_manager

    family = charts.cjk_font()
    path = font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False)
    face = font_manager.get_font(path)
    labels = "".join(u.unit for u in data_of(small).units) + charts.title(name, data_of(small)) + "亿元年度目标时序进度到位资金周次"
    assert all(face.get_char_index(ord(ch)) for ch in set(labels) if ord(ch) > 0x2E80), family  # every CJK glyph exists
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph … missing from font(s)" when it would draw a box
        png = charts.render(name, data_of(small), "png", width_mm=150)
    width, _ = _png_size(png)
    assert width / (150 / 25.4) >= 200


def test_svg_text_is_drawn_as_outlines(small):
    svg = charts.render("units", data_of(small), "svg").decode("utf-8")
    assert "<text" not in svg and "<path" in svg


def test_no_cjk_font_is_a_chinese_error(small, monkeypatch):
    monkeypatch.setattr(charts, "CJK_FONTS", ("No Such Font Anywhere",))
    with pytest.raises(BriefingError, match="没有找到中文字体"):
        charts.render("units", data_of(small), "png")


def test_titles(small):
    d = data_of(small)
    assert charts.title("units", d) == "各单位今年以来到位资金与年度目标（截至2023年第2周）"
    assert charts.title("cumulative", d) == "今年以来累计到位资金与去年同期对比（截至2023年第2周）"


@pytest.mark.parametrize("name", ["$\\frac{a}{$新材料", "$x$新材料", "A$B$C"])
def test_names_from_the_config_are_drawn_as_written_never_as_mathtext(small, monkeypatch, name):
    """matplotlib reads text between two '$' as mathtext: a name in briefing.yaml must neither
    stop the chart (ValueError from the parser, reported as a broken Word template) nor be drawn
    as formula instead of the text the bureau wrote."""
    from matplotlib.mathtext import MathTextParser

    d = data_of(small)
    d = dataclasses.replace(d, industries=(charts.IndustryFunds(name, D(1)), *d.industries[1:]),
                            units=(charts.UnitFunds(name, D(1), D(2)), *d.units[1:]))

    def no_mathtext(*args, **kwargs):
        raise AssertionError(f"mathtext parsed {args[1:2]}")

    monkeypatch.setattr(MathTextParser, "parse", no_mathtext)
    for chart in charts.CHARTS:
        assert charts.render(chart, d, "svg").startswith(b"<?xml")
