"""When each week's draft was last built (``.briefing/builds.json``; ``briefing status``
compares it with when reports arrived).

期号 are no longer assigned here: only ``briefing publish`` takes one, recorded in
:mod:`briefing.workspace.publications` (which also honours the numbers the old per-build
numbering left in ``issues.json``).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from briefing.workspace.files import read_json_dict, write_text
from briefing.workspace.lock import Lock
from briefing.weeks import Week


def _write(path: Path, data: dict) -> None:
    write_text(path, json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True))


BUILDS = "builds.json"


def _read_builds(path: Path) -> dict[str, str]:
    """When each week was last built; a damaged file only loses these notes, so it reads as empty."""
    return {week: when for week, when in read_json_dict(path).items() if isinstance(when, str)}


def record_build(state: Path, week: Week, when: dt.datetime | None = None) -> None:
    """Remember when the briefing of ``week`` was last built (``briefing status`` compares)."""
    path = state / BUILDS
    with Lock(state / (BUILDS + ".lock")):
        builds = _read_builds(path)
        builds[week.iso] = (when or dt.datetime.now().astimezone()).isoformat()
        _write(path, builds)


def last_build(state: Path, week: Week) -> dt.datetime | None:
    """When the briefing of ``week`` was last built, if ever."""
    value = _read_builds(state / BUILDS).get(week.iso)
    try:
        return dt.datetime.fromisoformat(value) if value is not None else None
    except ValueError:
        return None
