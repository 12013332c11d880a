"""期号: each week's issue number, assigned once per year and kept in the workspace; and when
each week's briefing was last built.

``.briefing/issues.json`` holds ``{year: {week: number}}``.  A build takes its number with
:func:`reserve`: one read-modify-write under a lock file that records the number at once, so
builds of different weeks running side by side never print the same number.  Until the build
has written its files the number is provisional (``issues-pending.json`` counts the builds
holding it and the number it replaced); a build that fails gives it back, so a failed build uses
up no number.  A build killed outright leaves its number recorded for its week, where the next
build of that week uses it.

A damaged ``issues.json`` stops the build with a message naming it, rather than quietly
starting the year again at 第1期.
"""

from __future__ import annotations

import datetime as dt
import json
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from briefing.workspace.files import Damaged, read_json, read_json_dict, write_text
from briefing.workspace.lock import Lock
from briefing.errors import BriefingError
from briefing.weeks import Week

REGISTRY = "issues.json"
PENDING = "issues-pending.json"
LOCK = REGISTRY + ".lock"

Registry = dict[str, dict[str, int]]


def _read(path: Path) -> Registry:
    """The registry; raises :class:`BriefingError` naming the file when it is damaged."""
    try:
        data = read_json(path)
        return {} if data is None else _checked(data)
    except Damaged as problem:
        raise BriefingError(
            f"期号记录 {path} 已损坏（{problem}），无法确定期号，没有生成简报。"
            '请用记事本打开修正（格式如 {"2023": {"2023-W17": 12}}），'
            "或把它改名保存后用 --issue 指定期号重新生成") from None


def _checked(data: object) -> Registry:
    if not isinstance(data, dict):
        raise Damaged("内容应为按年份分组的期号")
    for year, numbers in data.items():
        if not isinstance(numbers, dict):
            raise Damaged(f"“{year}”下应为各周的期号")
        for week, number in numbers.items():
            try:
                parsed = Week.parse(week)
                valid = parsed.iso == week and str(parsed.year) == year
            except ValueError:
                valid = False
            if not valid:
                raise Damaged(f"“{week}”不是 {year} 年的周次")
            if type(number) is not int or number < 1:
                raise Damaged(f"{week} 的期号“{json.dumps(number, ensure_ascii=False)}”不是正整数")
    return data


def _read_pending(path: Path) -> dict[str, dict]:
    """Provisional numbers: ``{week: {"holds": builds holding it, "previous": number or null}}``.

    Only used to give numbers back; a damaged file is treated as empty (numbers then stay taken).
    """
    return {week: hold for week, hold in read_json_dict(path).items()
            if isinstance(hold, dict) and type(hold.get("holds")) is int
            and (hold.get("previous") is None or type(hold.get("previous")) is int)}


def _write(path: Path, data: dict) -> None:
    write_text(path, json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True))


@contextmanager
def reserve(state: Path, week: Week, override: int | None = None) -> Iterator[int]:
    """The issue number of ``week`` for the duration of a build: the recorded one, else the
    year's next; ``override`` replaces it.  A new or changed number is recorded at once and
    given back if the body raises; see the module docstring."""
    with Lock(state / LOCK):
        registry = _read(state / REGISTRY)
        numbers = registry.setdefault(str(week.year), {})
        previous = numbers.get(week.iso)
        number = override if override is not None else previous or max(numbers.values(), default=0) + 1
        pending = _read_pending(state / PENDING)
        held = number != previous or week.iso in pending
        if held:
            hold = pending.setdefault(week.iso, {"holds": 0, "previous": previous})
            hold["holds"] += 1
            numbers[week.iso] = number
            _write(state / PENDING, pending)  # first: a crash in between leaves the number taken, not lost
            _write(state / REGISTRY, registry)
    if not held:
        yield number
        return
    try:
        yield number
    except BaseException:
        _settle(state, week, number, succeeded=False)
        raise
    _settle(state, week, number, succeeded=True)


def _settle(state: Path, week: Week, number: int, succeeded: bool) -> None:
    """A build holding ``number`` ended: keep it for good, or give it back if no build used it."""
    with Lock(state / LOCK):
        pending = _read_pending(state / PENDING)
        hold = pending.get(week.iso)
        if hold is None:  # another build of the week succeeded: the number is final
            return
        hold["holds"] -= 1
        if succeeded or hold["holds"] <= 0:
            del pending[week.iso]
        if not succeeded and hold["holds"] <= 0:
            registry = _read(state / REGISTRY)
            numbers = registry.setdefault(str(week.year), {})
            if numbers.get(week.iso) == number:
                if hold["previous"] is None:
                    del numbers[week.iso]
                else:
                    numbers[week.iso] = hold["previous"]
                _write(state / REGISTRY, registry)
        _write(state / PENDING, pending)


def issue_number(state: Path, week: Week, override: int | None = None) -> int:
    """The number ``week`` would get now (nothing is recorded: see :func:`reserve`)."""
    numbers = _read(state / REGISTRY).get(str(week.year), {})
    if override is not None:
        return override
    return numbers.get(week.iso) or max(numbers.values(), default=0) + 1


def weeks_with_issue(state: Path, week: Week, number: int) -> list[str]:
    """Other weeks of ``week``'s year already recorded under issue ``number``."""
    numbers = _read(state / REGISTRY).get(str(week.year), {})
    return sorted(other for other, value in numbers.items() if value == number and other != week.iso)


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
