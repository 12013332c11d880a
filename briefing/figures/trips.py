"""外出招商情况上报表: the trips of a span of weeks as the rows city and provincial offices ask for.

One row per trip (领导带队外出招商), grouped by unit in the config's order and numbered within
the unit (序号), in the order of their start dates.  天数 counts both ends (a trip that returns
the day it left is one day; without a return date, one day); 成果 is the trip's summary.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from briefing.report.model import Report


@dataclass
class TripRow:
    """One trip in the form."""

    unit: str
    number: int
    leader: str
    title: str
    start: str
    end: str
    days: int
    destinations: str
    companies: str
    negotiated: int
    summary: str


def trip_rows(reports: Iterable[Report], units: list[str]) -> list[TripRow]:
    """The rows of the form for ``reports`` (any weeks), units in ``units`` order."""
    order = {unit: index for index, unit in enumerate(units)}
    trips = sorted(((r.unit, t) for r in reports for t in r.trips),
                   key=lambda ut: (order.get(ut[0], len(order)), ut[1].start, ut[1].end or ut[1].start))
    rows, numbers = [], {}
    for unit, trip in trips:
        numbers[unit] = numbers.get(unit, 0) + 1
        end = trip.end or trip.start
        rows.append(TripRow(unit, numbers[unit], trip.leader, trip.title, trip.start.isoformat(),
                            trip.end.isoformat() if trip.end else "", (end - trip.start).days + 1,
                            "、".join(trip.destinations), "、".join(trip.companies), trip.negotiated,
                            trip.summary or ""))
    return rows
