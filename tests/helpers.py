"""Small helpers the tests share that the package itself does not need."""

from __future__ import annotations

import datetime as dt
import json
import textwrap
from pathlib import Path
from typing import Iterable

from briefing.actions.build import build, load_entries, refuse_errors
from briefing.errors import Problem
from briefing.figures.briefing import Briefing, Tally
from briefing.figures.figures import Figures, contribution
from briefing.figures.fold import Fold, IndustryRow, ProvinceRow
from briefing.report.config import Config
from briefing.report.load import parse_bytes
from briefing.report.model import Report
from briefing.report.validate import validate_document
from briefing.weeks import Week
from briefing.workspace.layout import Workspace, open_workspace
from briefing.workspace.loading import Loaded


def validate_bytes(raw: bytes, path: str, config: Config) -> tuple[Report | None, list[Problem]]:
    """Load and validate one report given as bytes: the report (or ``None``) and its problems."""
    doc = parse_bytes(raw, path)
    report = validate_document(doc, config)
    return report, doc.problems


# ---------------------------------------------------------------- figures of a list of reports


def recorded_issues(state: Path) -> dict:
    """The issue registry ``{year: {week: number}}`` as the workspace keeps it (``{}`` if none)."""
    path = state / "issues.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def build_week(config: Path, week: str, issue: int | None = None, formats: tuple[str, ...] = ("md",)) -> list[Path]:
    """Build the briefing of ``week`` of the workspace of ``config`` (dated 2023-01-20)."""
    return build(open_workspace(config), week=week, formats=list(formats), issue=issue, date=dt.date(2023, 1, 20))


def add_report(config: Path, name: str, text: str) -> Path:
    """Write a report (dedented) as ``entries/<name>`` of the workspace of ``config``."""
    path = config.parent / "entries" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def valid_reports(ws: Workspace) -> Loaded:
    """Every valid report of the workspace, kept in memory."""
    loaded = load_entries(ws)
    refuse_errors(loaded)
    return loaded


def fold(reports: Iterable[Report]) -> Fold:
    """A :class:`Fold` of ``reports``."""
    result = Fold()
    for report in reports:
        result.add(contribution(report))
    return result


def figures(reports: Iterable[Report]) -> Figures:
    """All counts and sums over ``reports`` (one scope, any group of units)."""
    return fold(reports).totals()


def by_unit(reports: Iterable[Report], units: list[str]) -> dict[str, Figures]:
    """Figures per unit, in config order (units without reports get zeros)."""
    return fold(reports).by_unit(units)


def by_industry(reports: Iterable[Report], industries: list[str]) -> list[IndustryRow]:
    """Signings and projects per industry chain; projects without one go to 未分类."""
    return fold(reports).by_industry(industries)


def by_province(reports: Iterable[Report]) -> list[ProvinceRow]:
    """Trips and negotiated projects per destination province, in statistical order."""
    return fold(reports).by_province()


def build_briefing(reports: Iterable[Report], config: Config, week: Week | str, issue: int,
                   date: dt.date) -> Briefing:
    """The briefing of ``week`` from all ``reports``, kept in memory."""
    week = Week.parse(week)
    tally = Tally(week)
    for report in reports:
        tally.add(contribution(report), report, "")
    return tally.briefing(config, week, issue, date)


# ---------------------------------------------------------------- a full week of thirteen units

_PLACES = (("广东省深圳市", "广东省广州市"), ("浙江省杭州市", "浙江省宁波市"), ("江苏省苏州市", "江苏省无锡市"),
           ("北京市",), ("上海市",), ("山东省青岛市", "山东省济南市"), ("四川省成都市",))


def thirteen_units(root: Path) -> Path:
    """The sample config with a week (2023-W17) in which each of its 13 units reports one trip
    (two cities, two companies, a summary, as the sample's) and one signing, and reports funds for
    one project (every third unit's started this week); the week before, each project at 签约.  Returns the
    config path.  (The length of such a briefing is what issue 10 measures.)"""
    from conftest import REPO

    root.mkdir(parents=True, exist_ok=True)
    (root / "briefing.yaml").write_text((REPO / "briefing.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    units = Config.model_validate(__import__("yaml").safe_load((root / "briefing.yaml").read_text(encoding="utf-8")))
    for index, unit in enumerate(units.unit_names):
        places = _PLACES[index % len(_PLACES)]
        day = 24 + index % 4
        started = "开工" if index % 3 == 0 else "签约"
        for week, stage, funds in (("2023-W16", "签约", 1.2), ("2023-W17", started, 2.35 + index)):
            text = textwrap.dedent(f"""\
                unit: {unit}
                week: {week}
                reporter: 填报人{index}
                projects:
                  - project: 年产{index + 1}万吨新材料项目
                    investor: 新疆某某新材料有限公司
                    kind: 新建
                    origin: 区外
                    stage: {stage}
                    funds: {funds}
                    industry: 新材料
                """)
            if week == "2023-W17":
                text += textwrap.dedent(f"""\
                trips:
                  - leader: 王{index}
                    title: 县委副书记
                    start: 2023-04-{day}
                    end: 2023-04-{day + 2}
                    destinations: [{", ".join(places)}]
                    companies: [天合光能, 协鑫集团]
                    negotiated: {3 + index % 3}
                    summary: 与天合光能就光伏发电项目深入洽谈，达成初步合作意向
                signings:
                  - project: {unit}风光储一体化项目
                    investor: 天合光能股份有限公司
                    industry: 新能源
                    investment: {10 + index}.5
                    date: 2023-04-{day}
                    key: {"true" if index % 2 else "false"}
                """)
            path = root / "entries" / week / f"{unit}.yaml"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    return root / "briefing.yaml"
