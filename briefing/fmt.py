"""How numbers and dates are written in a Chinese briefing (round half up, only when printing)."""

from __future__ import annotations

import datetime as dt
import unicodedata
from decimal import ROUND_HALF_UP, Decimal

_CENT = Decimal("0.01")
_TENTH = Decimal("0.1")


def money(amount: Decimal | int | None) -> str:
    """亿元 with at most two decimals, half up, no trailing zeros: ``2100.90`` → ``2100.9``."""
    if amount is None:
        return ""
    text = f"{Decimal(amount).quantize(_CENT, rounding=ROUND_HALF_UP):f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def amount(value: Decimal | int | None) -> str:
    """亿元 in a table: always two decimals, half up: ``45.8`` → ``45.80``, ``0`` → ``0.00``."""
    if value is None:
        return ""
    text = f"{Decimal(value).quantize(_CENT, rounding=ROUND_HALF_UP):f}"
    return "0.00" if text == "-0.00" else text


def points(value: Decimal | None) -> str:
    """Percentage points with one decimal, half up, no sign: ``-2.24`` → ``2.2``."""
    if value is None:
        return ""
    return f"{abs(Decimal(value)).quantize(_TENTH, rounding=ROUND_HALF_UP):f}"


def annotate(name: str, note: str) -> str:
    """``name（note）``, or the note inside a bracket that ends the name, so that brackets never
    stack: ``数据中心项目（二期）`` + ``呼图壁县`` → ``数据中心项目（二期，呼图壁县）``."""
    if not note:
        return name
    if name.endswith("）") and name.count("（") == name.count("）") and "（" in name:
        return f"{name[:-1]}，{note}）"
    return f"{name}（{note}）"


def percent(ratio: Decimal | None) -> str:
    """A ratio as a percentage with one decimal, half up: ``0.6414`` → ``64.1%``."""
    if ratio is None:
        return ""
    value = (Decimal(ratio) * 100).quantize(_TENTH, rounding=ROUND_HALF_UP)
    return f"{value:f}%"


def percent_abs(ratio: Decimal | None) -> str:
    """Like :func:`percent` without the sign (for 增长/下降 wording)."""
    return "" if ratio is None else percent(abs(Decimal(ratio)))


def full_date(day: dt.date) -> str:
    """``2023年5月5日``."""
    return f"{day.year}年{day.month}月{day.day}日"


def month_day(day: dt.date) -> str:
    """``4月17日``."""
    return f"{day.month}月{day.day}日"


def date_range(start: dt.date, end: dt.date | None) -> str:
    """``4月17日``, ``4月17日至21日`` or ``4月28日至5月2日``."""
    if end is None or end == start:
        return month_day(start)
    if end.year == start.year and end.month == start.month:
        return f"{month_day(start)}至{end.day}日"
    if end.year == start.year:
        return f"{month_day(start)}至{month_day(end)}"
    return f"{full_date(start)}至{full_date(end)}"


def width(text: str) -> int:
    """Columns a text takes in a terminal or editor (CJK characters are two wide)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, columns: int) -> str:
    """``text`` padded with spaces to ``columns`` display columns (for aligned tables)."""
    return text + " " * (columns - width(text))
