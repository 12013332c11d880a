"""The board's unit states: the ONE place that decides a unit's ``data-status`` and its label.

The status board shows each unit as one of :data:`STATES` (``reported``, ``missing``,
``error``, ``rejected``, ``quarantined``), each with its Chinese label; templates only print
what :func:`board_state` returns and loop over :data:`STATES`, they hold no rule of their own.

``briefing status`` (:func:`briefing.actions.status.week_status`) knows four states;
``quarantined`` is added here from the ingest log: a unit with no report of its own while a
report in its name came from an address not registered for it.  When the library's status
action carries the same five states itself (issue 11), :func:`board_state` becomes a lookup
of ``unit.state`` and the log reading below goes away; nothing else on the page changes.
"""

from __future__ import annotations

from typing import Iterable

from briefing.actions.status import FAULTY, MISSING, REPORTED, RETURNED, UnitStatus
from briefing.mail.log import QUARANTINED, LogRecord

STATES = {
    "reported": "已报送",
    "error": "有错误",
    "missing": "未报送",
    "rejected": "更正被退回",
    "quarantined": "已隔离",
}
"""Every board state (the row's ``data-status``) and its label, in the order the summary shows them."""

STILL_DUE = ("missing", "rejected", "quarantined")
"""States whose unit still owes the week's report (the reminder goes to them)."""

QUARANTINE_NOTE = "有以该单位名义发来、但发件人未登记的报告，已隔离（见 archive/quarantine/）"

_FROM_STATUS = {REPORTED: "reported", FAULTY: "error", MISSING: "missing", RETURNED: "rejected"}


def board_state(unit: UnitStatus, log: Iterable[LogRecord]) -> str:
    """The board state of ``unit`` for the week whose report lines of the ingest log are ``log``."""
    state = _FROM_STATUS[unit.state]
    if state == "missing" and any(r.unit == unit.unit and r.outcome == QUARANTINED for r in log):
        return "quarantined"
    return state
