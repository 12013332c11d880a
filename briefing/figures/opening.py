"""Opening balances as a fold: a year's figures up to a week, stated in the config
(:mod:`briefing.report.opening`), folded like the reports they stand for.

The opening of year Y through week T becomes one :class:`~briefing.figures.fold.Fold` placed at
week T, so every figure that folds weeks (year to date, 同比, 完成率, 履约率, rankings, the
by-industry and by-province tables, the stage a project had "before" this week) includes it
without knowing it is there.  Reports for Y's weeks up to T are left out: the opening replaces
them (:class:`briefing.figures.briefing.Tally` skips them and names them).

Choices:

* An opening project is a rollup at week T: its funds to date, classified by what the opening
  says, started at T when its stage is 开工 or 投产.
* An opening key signing is a key signing of week T, fulfilled when its project (matched by
  :func:`~briefing.report.fields.project_key`) is at 开工/投产 in the opening or reported so
  later.  A signing whose project had started before it was signed counts as fulfilled here
  (the opening does not say when each happened).
* Signings and trips not broken down by industry or province are shown as 未分类 / 其他.
* The project ledger (:mod:`briefing.figures.ledger`) gets the opening as one contribution per
  unit at week T (:func:`opening_contributions`): its key signings and its projects, so that
  履约率, 新开工/新投产, movements and repeats see them like reported items.
"""

from __future__ import annotations

from decimal import Decimal

from briefing.figures.figures import EVENT_FIGURES, ZERO, Contribution, Figures, ProjectItem, SigningItem
from briefing.figures.fold import UNCLASSIFIED, Fold, IndustryRow, ProjectRollup, ProvinceRow
from briefing.figures.regions import OTHER
from briefing.report.config import Config
from briefing.report.fields import project_key
from briefing.report.model import FULFILLED_STAGES
from briefing.report.opening import OpeningUnit
from briefing.weeks import Week


def opening_week(config: Config, year: int) -> Week | None:
    """The last week the opening of ``year`` covers (``None`` without one)."""
    opening = config.opening.get(year)
    return Week(year, opening.through) if opening is not None else None


def opening_fold(config: Config, year: int) -> Fold:
    """The opening of ``year`` as one fold (at :func:`opening_week`)."""
    opening = config.opening[year]
    week = Week(year, opening.through)
    fold = Fold()
    for unit, stated in opening.units.items():
        _unit(fold, config, unit, stated, week)
    return fold


def _origin(config: Config, origin: str) -> str:
    if origin in ("区外", config.external_label):
        return "区外"
    return "区内"


def _unit(fold: Fold, config: Config, unit: str, stated: OpeningUnit, week: Week) -> None:
    figures = Figures(trips=stated.trips, negotiated=stated.negotiated, signings=stated.signings,
                      investment=stated.investment, key_signings=len(stated.key_signings))
    for kind, count in stated.events.items():
        name = EVENT_FIGURES[kind]
        setattr(figures, name, getattr(figures, name) + count)
    mine = fold.units.get(unit)
    fold.units[unit] = figures if mine is None else mine + figures

    signings, investment = stated.signings, stated.investment
    for industry, part in stated.by_industry.items():
        _industry(fold, industry, part.signings, part.investment)
        signings, investment = signings - part.signings, investment - part.investment
    if signings or investment:
        _industry(fold, UNCLASSIFIED, signings, investment)

    trips, negotiated = stated.trips, stated.negotiated
    for province, part in stated.by_province.items():
        _province(fold, province, part.trips, part.negotiated)
        trips, negotiated = trips - part.trips, negotiated - part.negotiated
    if trips or negotiated:
        _province(fold, OTHER, trips, negotiated)

    for project in stated.projects:
        key = project_key(project.project)
        item = ProjectItem(key, project.kind, _origin(config, project.origin), project.stage,
                           project.industry, project.funds)
        started = week if project.stage in FULFILLED_STAGES else None
        fold.add_rollup(ProjectRollup(unit, key, item, project.funds, week, started))


def _industry(fold: Fold, name: str, signings: int, investment: Decimal) -> None:
    row = fold.industries.setdefault(name, IndustryRow(name))
    row.signings += signings
    row.investment += investment or ZERO


def _province(fold: Fold, name: str, trips: int, negotiated: int) -> None:
    row = fold.provinces.setdefault(name, ProvinceRow(name))
    row.trips += trips
    row.negotiated += negotiated


def opening_contributions(config: Config, year: int) -> list[Contribution]:
    """The opening of ``year`` as the ledger sees it: per unit, its key signings (amount unknown:
    0, industry 未分类) and its projects, at the opening's last week."""
    opening = config.opening[year]
    week = Week(year, opening.through)
    result = []
    for unit, stated in opening.units.items():
        signings = tuple(SigningItem(UNCLASSIFIED, ZERO, True, project_key(name), name) for name in stated.key_signings)
        projects = tuple(ProjectItem(project_key(p.project), p.kind, _origin(config, p.origin), p.stage, p.industry,
                                     p.funds, p.project) for p in stated.projects)
        result.append(Contribution(unit, week, Figures(), (), signings, projects))
    return result
