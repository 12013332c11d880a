"""The sums a week's briefing prints, as one value that can be cached.

:meth:`briefing.figures.briefing.Tally.figures` computes a :class:`WeekFigures` from the week
folds (corrected by the ledger): the week's and the year's figures per unit and in total, the
by-industry and by-province rows, where 同比 comes from and last year's figures, each week's
到位资金, and last week's totals for the week-on-week prose.  These need every report of the year
(and of the year before); the rest of a briefing needs only the week's own reports.

So a rebuild of an unchanged workspace reads it back from the workspace cache
(:class:`briefing.workspace.cache.Derived`, keyed by the exact contributions, config and code)
instead of decoding and folding a year of contributions: :meth:`WeekFigures.to_plain` and
:meth:`WeekFigures.from_plain` turn it into strings, numbers and tuples (amounts as text);
``from_plain`` raises on anything malformed (a cache miss).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from decimal import Decimal

from briefing.figures.figures import FIGURE_NAMES, Figures
from briefing.figures.fold import IndustryRow, ProvinceRow
from briefing.figures.ledger_view import checked_bool, checked_int, checked_str
from briefing.weeks import Week

_AMOUNTS = frozenset(f.name for f in fields(Figures) if f.type in ("Decimal", Decimal))


@dataclass
class WeekFigures:
    """What a week's briefing sums over the year (see the module docstring)."""

    week: Week
    week_totals: Figures
    ytd_totals: Figures
    week_by_unit: dict[str, Figures]
    """Per configured unit, in the config's order (units without reports: zeros)."""
    ytd_by_unit: dict[str, Figures]
    industries: list[IndustryRow]
    provinces: list[ProvinceRow]
    comparison: str | None
    """Where last year's figures come from: ``"reports"``, ``"baseline"`` or ``None``."""
    previous: dict[str, Decimal | None]
    """Last year's 到位资金 and 区外到位资金 through the same week."""
    count_growth: dict[str, Decimal | None]
    week_funds: dict[Week, Decimal]
    before: Figures | None
    """Last week's totals (``None``: no report last week)."""
    comparable: bool
    """Whether last week had reports from the same units."""

    def to_plain(self) -> tuple:
        """Strings, numbers, tuples and dicts only (weeks as ``(year, number)``, amounts as text)."""
        return ((self.week.year, self.week.number), _plain(self.week_totals), _plain(self.ytd_totals),
                tuple((unit, _plain(f)) for unit, f in self.week_by_unit.items()),
                tuple((unit, _plain(f)) for unit, f in self.ytd_by_unit.items()),
                tuple((r.industry, r.signings, str(r.investment), r.projects, str(r.funds)) for r in self.industries),
                tuple((r.province, r.trips, r.negotiated) for r in self.provinces),
                self.comparison, tuple((name, _amount(value)) for name, value in self.previous.items()),
                tuple((name, _amount(value)) for name, value in self.count_growth.items()),
                tuple((w.year, w.number, str(a)) for w, a in self.week_funds.items()),
                None if self.before is None else _plain(self.before), self.comparable)

    @classmethod
    def from_plain(cls, data: tuple) -> "WeekFigures":
        """The inverse of :meth:`to_plain`; raises on anything malformed."""
        ((year, number), week_totals, ytd_totals, week_by_unit, ytd_by_unit, industries, provinces, comparison,
         previous, count_growth, week_funds, before, comparable) = data
        if comparison is not None:
            checked_str(comparison)
        return cls(
            week=Week(year, number), week_totals=_figures(week_totals), ytd_totals=_figures(ytd_totals),
            week_by_unit={checked_str(unit): _figures(f) for unit, f in week_by_unit},
            ytd_by_unit={checked_str(unit): _figures(f) for unit, f in ytd_by_unit},
            industries=[IndustryRow(checked_str(name), checked_int(s), Decimal(checked_str(i)), checked_int(p),
                                    Decimal(checked_str(f))) for name, s, i, p, f in industries],
            provinces=[ProvinceRow(checked_str(name), checked_int(t), checked_int(n)) for name, t, n in provinces],
            comparison=comparison,
            previous={checked_str(name): _read_amount(value) for name, value in previous},
            count_growth={checked_str(name): _read_amount(value) for name, value in count_growth},
            week_funds={Week(checked_int(y), checked_int(n)): Decimal(checked_str(a)) for y, n, a in week_funds},
            before=None if before is None else _figures(before), comparable=checked_bool(comparable))


def _plain(figures: Figures) -> tuple:
    return tuple(str(value) if name in _AMOUNTS else value
                 for name in FIGURE_NAMES for value in (getattr(figures, name),))


def _figures(data: tuple) -> Figures:
    if len(data) != len(FIGURE_NAMES):
        raise ValueError("malformed figures")
    return Figures(*(Decimal(checked_str(value)) if name in _AMOUNTS else checked_int(value)
                     for name, value in zip(FIGURE_NAMES, data)))


def _amount(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _read_amount(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(checked_str(value))
