"""期号: each week's issue number, assigned once per year and kept in the workspace; and when
each week's briefing was last built."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from briefing.atomic import FileLock, write_text

REGISTRY = "issues.json"


def _read(path: Path) -> dict[str, dict[str, int]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def issue_number(state: Path, week: str, override: int | None = None, record: bool = True) -> int:
    """The issue number of ``week``: the recorded one, else the year's next; ``override``
    replaces it.  With ``record`` the number is written to ``state/issues.json`` (a build
    records it only once its files are written, so a failed build uses up no number)."""
    path = state / REGISTRY
    year = week[:4]
    with FileLock(state / (REGISTRY + ".lock")):
        registry = _read(path)
        numbers = registry.setdefault(year, {})
        if override is not None:
            numbers[week] = override
        elif week not in numbers:
            numbers[week] = max(numbers.values(), default=0) + 1
        if record:
            write_text(path, json.dumps(registry, ensure_ascii=False, indent=2, sort_keys=True))
        return numbers[week]


def weeks_with_issue(state: Path, week: str, number: int) -> list[str]:
    """Other weeks of ``week``'s year already recorded under issue ``number``."""
    numbers = _read(state / REGISTRY).get(week[:4], {})
    return sorted(other for other, value in numbers.items() if value == number and other != week)


def recorded_issues(state: Path) -> dict[str, dict[str, int]]:
    """The whole registry ``{year: {week: number}}``."""
    return _read(state / REGISTRY)


BUILDS = "builds.json"


def record_build(state: Path, week: str, when: dt.datetime | None = None) -> None:
    """Remember when the briefing of ``week`` was last built (``briefing status`` compares)."""
    path = state / BUILDS
    with FileLock(state / (BUILDS + ".lock")):
        builds = _read(path)
        builds[week] = (when or dt.datetime.now().astimezone()).isoformat()
        write_text(path, json.dumps(builds, ensure_ascii=False, indent=2, sort_keys=True))


def last_build(state: Path, week: str) -> dt.datetime | None:
    """When the briefing of ``week`` was last built, if ever."""
    value = _read(state / BUILDS).get(week)
    try:
        return dt.datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None
