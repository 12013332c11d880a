"""The "did you mean …?" hint: the valid choice a clerk most likely meant, or the choices.

One helper for every message that names a wrong choice (a unit, an industry, a key, a kind),
so they all suggest the same way: ``，是否应为“昌吉市”？`` when one choice is close, else
``。可选：A、B、C``.
"""

from __future__ import annotations

import difflib


def closest(value: str, choices: list[str]) -> str | None:
    """The valid choice a clerk most likely meant, or ``None``.

    Prefers a choice that contains the typed text or is contained in it (``昌吉`` → ``昌吉市``),
    then the most similar spelling.
    """
    value = value.strip()
    if not value:
        return None
    containing = [c for c in choices if value in c or c in value]
    if len(containing) == 1:
        return containing[0]
    pool = containing or choices
    matches = difflib.get_close_matches(value, pool, n=1, cutoff=0.5)
    if matches:
        return matches[0]
    return pool[0] if containing else None


def choice_hint(value: str, choices: list[str], listing: str | None = "可选") -> str:
    """``，是否应为“X”？`` for the closest choice; else ``。<listing>：`` and every choice (nothing
    when ``listing`` is ``None`` or there are no choices).  Appended to a message naming ``value``."""
    best = closest(value, choices)
    if best:
        return f"，是否应为“{best}”？"
    if listing is None or not choices:
        return ""
    return f"。{listing}：" + "、".join(choices)
