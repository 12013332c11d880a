"""The ISO week as a value, and which week "now" is.

Reports, folds, issue numbers and file names are all per ISO week (Monday to Sunday; week 1
holds the year's first Thursday, so a year has 52 or 53 weeks and 2021-01-03 is in 2020-W53).
:class:`Week` is the one place that knows how a week is written: ``2023-W17`` in files and
folder names, ``2023年第17周`` in Chinese text, ``4月24日至30日`` for its days.  Everything else
holds a :class:`Week` and asks it; nothing slices week strings.

What clerks type is read by :meth:`Week.parse`: ``2023-W17``, ``2023-W7``, ``2023W17``,
``2023年第17周``, with full-width digits too; a mistake is a :class:`ValueError` whose message
is the Chinese line to show.

"Now" is the computer's date unless ``BRIEFING_TODAY`` says otherwise (:func:`today`).

"This week" for the clerk's commands is the **reporting week** (:func:`reporting_week`): units
report a week from its Friday on and the clerk compiles it early the next week, so from the
switch weekday (config ``switch_day``, default Friday) of ISO week W through the day before it
in W+1, the week being reported is W.  Every command that defaults to "this week" asks
:func:`reporting_week`, so they never disagree.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import unicodedata
from dataclasses import dataclass

from briefing.errors import BriefingError, quotable

MIN_YEAR, MAX_YEAR = 1990, 2200
"""The years a typed week may be in (anything else is a typing mistake)."""

_ISO = re.compile(r"[0-9]{4}-W[0-9]{2}")
_TYPED = re.compile(r"(\d{4})-?[Ww](\d{1,2})|(\d{4})年第?(\d{1,2})周")


def weeks_in_year(year: int) -> int:
    """Number of ISO weeks (52 or 53) in an ISO year."""
    return dt.date(year, 12, 28).isocalendar()[1]


@dataclass(frozen=True, order=True, slots=True)
class Week:
    """One ISO week: ordered (by year, then number), hashable, printed as ``2023-W17``."""

    year: int
    number: int

    def __post_init__(self) -> None:
        if not 1 <= self.number <= 52 and not (self.number == 53 and weeks_in_year(self.year) == 53):
            raise ValueError(f"{self.year}年没有第{self.number}周（ISO 周次为 1～{weeks_in_year(self.year)}）")

    # ---------------------------------------------------------------- making one

    @classmethod
    def parse(cls, value: object) -> "Week":
        """The week a clerk typed; :class:`ValueError` with a Chinese message otherwise."""
        if isinstance(value, Week):
            return value
        if type(value) is str and _ISO.fullmatch(value):  # fast path: what files and folders hold
            year, number = int(value[:4]), int(value[6:])
            if MIN_YEAR <= year <= MAX_YEAR and 1 <= number <= 52:
                return cls(year, number)
        if value is None or (isinstance(value, str) and not value.strip()):
            raise ValueError("不能为空，请按 2023-W17 的形式填写周次")
        text = unicodedata.normalize("NFKC", str(value)).strip().replace(" ", "")
        match = _TYPED.fullmatch(text)
        if not match:
            raise ValueError(f"周次应写成 2023-W17 的形式（年份-W周数），实际是“{quotable(value)}”")
        year, number = int(match.group(1) or match.group(3)), int(match.group(2) or match.group(4))
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise ValueError(f"年份 {year} 不对，请检查周次，例如 2023-W17")
        return cls(year, number)

    @classmethod
    def of(cls, day: dt.date) -> "Week":
        """The week ``day`` falls in."""
        year, number, _ = day.isocalendar()
        return cls(year, number)

    # ---------------------------------------------------------------- writing it

    def __str__(self) -> str:
        return f"{self.year}-W{self.number:02d}"

    @property
    def iso(self) -> str:
        """``2023-W17``: files, folders, logs and the command line."""
        return str(self)

    @property
    def text(self) -> str:
        """``2023年第17周``: Chinese text."""
        return f"{self.year}年第{self.number}周"

    @property
    def label(self) -> str:
        """``2023年第17周（4月24日至30日）``: the week a command used, named for the clerk."""
        return f"{self.text}（{self.span_text}）"

    @property
    def span_text(self) -> str:
        """``4月24日至30日``: its days, Monday to Sunday."""
        from briefing.fmt import date_range

        return date_range(self.first_day, self.last_day)

    # ---------------------------------------------------------------- its days and neighbours

    @property
    def first_day(self) -> dt.date:
        """Its Monday."""
        return dt.date.fromisocalendar(self.year, self.number, 1)

    @property
    def last_day(self) -> dt.date:
        """Its Sunday."""
        return dt.date.fromisocalendar(self.year, self.number, 7)

    def previous(self) -> "Week":
        """The week before (across the turn of the year)."""
        return Week.of(self.first_day - dt.timedelta(days=7))

    def next(self) -> "Week":
        """The week after (across the turn of the year)."""
        return Week.of(self.first_day + dt.timedelta(days=7))

    def same_week_last_year(self) -> "Week":
        """The week with the same number a year earlier; week 53 of a year whose year before
        has only 52 becomes that year's week 52."""
        return Week(self.year - 1, min(self.number, weeks_in_year(self.year - 1)))


def today() -> dt.date:
    """Today: the computer's date, unless the environment variable ``BRIEFING_TODAY`` holds a
    date written ``YYYY-MM-DD`` (for tests, or to check as of another day), e.g.
    ``BRIEFING_TODAY=2023-04-28 briefing validate``.  This is the one place that decides what
    "now" is (a configurable day on which the reporting week switches belongs here)."""
    raw = os.environ.get("BRIEFING_TODAY", "").strip()
    if not raw:
        return dt.date.today()
    try:
        if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", raw):
            raise ValueError(raw)
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise BriefingError(f"环境变量 BRIEFING_TODAY 应为日期，写成 2023-04-28 的形式，实际是“{raw}”。"
                            "不需要时请删除这个环境变量", exit_code=2) from None


def current_week() -> Week:
    """The week :func:`today` is in: no report may be for a later one."""
    return Week.of(today())


WEEKDAYS = ("一", "二", "三", "四", "五", "六", "日")
_WEEKDAY_NAMES = {
    **{f"周{name}": index for index, name in enumerate(WEEKDAYS, 1)},
    **{f"星期{name}": index for index, name in enumerate(WEEKDAYS, 1)},
    "周天": 7, "星期天": 7, "礼拜天": 7, "礼拜日": 7,
    **{f"礼拜{name}": index for index, name in enumerate(WEEKDAYS[:6], 1)},
    **{name.lower(): index for index, name in enumerate(
        ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"), 1)},
    **{name.lower(): index for index, name in enumerate(("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"), 1)},
}
DEFAULT_SWITCH_DAY = 5
"""Friday: units report a week from its Friday on."""


def parse_weekday(value: object) -> int:
    """ISO weekday (1 = Monday … 7 = Sunday) from 周五, 星期五, Friday, Fri or 5;
    :class:`ValueError` with a Chinese message otherwise."""
    if type(value) is int and 1 <= value <= 7:
        return value
    text = unicodedata.normalize("NFKC", str(value)).strip().lower().replace(" ", "")
    if text.isdigit() and 1 <= int(text) <= 7:
        return int(text)
    if text in _WEEKDAY_NAMES:
        return _WEEKDAY_NAMES[text]
    raise ValueError(f"“{value}”不是星期几，应写成 周一～周日（或 星期五、Friday、1～7，1 是周一）")


def weekday_text(day: int) -> str:
    """``周五`` for 5."""
    return f"周{WEEKDAYS[day - 1]}"


def reporting_week(day: dt.date, switch_day: int = DEFAULT_SWITCH_DAY) -> Week:
    """The week being reported on ``day``: from the ``switch_day`` (ISO weekday) of week W
    through the day before it in week W+1, it is W.  With the default (Friday), Friday
    2023-04-28 through Thursday 2023-05-04 report 2023-W17."""
    week = Week.of(day)
    return week if day.isoweekday() >= switch_day else week.previous()
