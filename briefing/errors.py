"""The package's one exception class and the diagnostics it carries.

Every problem a user can fix is a :class:`Problem` (``PATH:LINE:COL: 错误: …``).  Library code
collects problems and raises a single :class:`BriefingError` once, after checking everything
(the way ``mkdocs`` gathers config errors), so a clerk sees every mistake in one run.
"""

from __future__ import annotations

from typing import NamedTuple  # not dataclasses: it imports inspect, and this loads with --help

ERROR = "错误"
WARNING = "警告"


def quotable(value: object) -> str:
    """A user's text as it goes between “ and ” in a message: its own “ and ” become ASCII quotes.

    Every value a message quotes passes through here, so each quoted value is exactly one “…”
    pair; receipts (:mod:`briefing.mail.receipts`) hide the quoted values that are not the
    bureau's own words, and a typed ” must not end the quote early and let text out.
    """
    return str(value).replace("“", '"').replace("”", '"')


class Problem(NamedTuple):
    """One diagnostic about one place in one file (1-based line and column)."""

    path: str
    line: int
    col: int
    message: str
    severity: str = ERROR

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.severity}: {self.message}"

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR


class BriefingError(Exception):
    """A failure the user can act on; the CLI prints it without a traceback.

    ``problems`` lists file diagnostics (printed one per line before the message);
    ``exit_code`` is 1 for bad data and 2 for bad usage, as in ``briefing validate``.
    """

    def __init__(self, message: str, problems: list[Problem] | None = None, exit_code: int = 1):
        super().__init__(message)
        self.message = message
        self.problems = list(problems or [])
        self.exit_code = exit_code

