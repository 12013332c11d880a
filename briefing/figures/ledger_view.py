"""What the briefing of one week takes from the project ledger, as plain data that can be cached.

Settling the ledger (identities, counting once, duplicate detection L1–L3) goes over every
project's every week: at 300 units × 52 weeks it cost a warm rebuild more than everything else
together.  The briefing of week ``W`` needs only a little of it, gathered here in a
:class:`LedgerView`:

* what the week folds must lose or merge (:meth:`~briefing.figures.ledger.Settled.corrections`,
  :meth:`~briefing.figures.ledger.Settled.merged_nodes`; the same for every week);
* the verdict on each signing of ``W`` and, for each project reported in ``W``, the stage it was
  last reported at before (the 项目推进 movements);
* the key signings and their fulfilment (履约率), 新开工/新投产, the 督办 flags (as :class:`Flag`:
  what is printed, not the project's history);
* the ledger's warnings for the clerk (repeats, stages moving back, probable duplicates).

:meth:`LedgerView.to_plain` and :meth:`LedgerView.from_plain` turn it into strings, numbers and
tuples (amounts as text) for the workspace cache (:class:`briefing.workspace.cache.Derived`),
keyed there by the exact set of contributions it was computed from, so an unchanged workspace
rebuilds without settling anything (:meth:`briefing.figures.briefing.Tally.view`).
``from_plain`` raises on anything malformed (a cache miss).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from briefing.errors import Problem
from briefing.figures.duplicates import ledger_problems
from briefing.figures.fold import KeySigning
from briefing.figures.ledger import Correction, Settled
from briefing.report.config import Config
from briefing.weeks import Week

VERDICTS = frozenset(("count", "repeat", "increase"))


@dataclass(frozen=True, slots=True)
class Flag:
    """A 督办 flag as of the briefing's week, as the briefing prints it."""

    name: str
    """The project's label (its code and name, or its name)."""
    unit: str
    kind: str
    """``"overdue"`` (a key project signed long ago, not started) or ``"stale"`` (no report lately)."""
    weeks: int
    """Weeks since signing (overdue) or since the last report (stale)."""
    since: str
    """The week signed (overdue) or last reported (stale), as text."""

    @property
    def text(self) -> str:
        if self.kind == "overdue":
            return f"重点项目签约{self.weeks}周仍未开工"
        return f"{self.weeks}周没有报告"


@dataclass(slots=True)
class LedgerView:
    """The ledger as the briefing of ``week`` uses it (see the module docstring)."""

    week: Week
    corrections: dict[Week, dict[tuple[str, str], Correction]]
    merged: dict[tuple[str, str], tuple[str, str]]
    verdicts: dict[tuple[str, int], str]
    """``(unit, index) → verdict`` of the signings reported in ``week``."""
    before: dict[tuple[str, str], str]
    """``(unit, key) → stage`` last reported before ``week``, for the projects reported in it
    that had an earlier report (any unit, any year)."""
    key_signings: list[KeySigning]
    stage_counts: dict[str, int]
    alerts: list[Flag]
    problems: list[Problem]

    def stage_before(self, unit: str, key: str) -> str | None:
        """The stage a project of ``week`` was last reported at before it, or ``None``."""
        return self.before.get((unit, key))

    @classmethod
    def of(cls, settled: Settled, config: Config, week: Week) -> "LedgerView":
        """The view of ``week`` from the settled ledger."""
        before: dict[tuple[str, str], str] = {}
        for history in settled.histories:
            stage = None
            for report in history.reports:
                if report.week > week:
                    break
                if report.week == week:
                    if stage is not None:
                        before[(report.unit, report.item.key)] = stage
                else:
                    stage = report.item.stage
        alerts = settled.alerts(week, config.ledger.overdue_weeks, config.ledger.stale_weeks)
        return cls(
            week=week, corrections=settled.corrections(), merged=settled.merged_nodes(),
            verdicts=settled.verdicts(week), before=before,
            key_signings=[KeySigning(e.unit, h.name, e.week, done) for h, e, done in settled.key_signings(week.year, week)],
            stage_counts=settled.stage_counts(week),
            alerts=[Flag(a.name, a.unit, a.kind, a.weeks, a.since) for a in alerts],
            problems=ledger_problems(settled, config))

    def to_plain(self) -> tuple:
        """Strings, numbers, tuples and dicts only (weeks as ``(year, number)``, amounts as text)."""
        corrections = tuple((w.year, w.number, tuple((unit, industry, c.signings, str(c.investment), c.key_signings)
                                                     for (unit, industry), c in fixes.items()))
                            for w, fixes in self.corrections.items())
        return ((self.week.year, self.week.number), corrections,
                tuple((*node, *owner) for node, owner in self.merged.items()),
                tuple((unit, index, verdict) for (unit, index), verdict in self.verdicts.items()),
                tuple((unit, key, stage) for (unit, key), stage in self.before.items()),
                tuple((k.unit, k.project, k.week.year, k.week.number, k.fulfilled) for k in self.key_signings),
                dict(self.stage_counts),
                tuple((f.name, f.unit, f.kind, f.weeks, f.since) for f in self.alerts),
                plain_problems(self.problems))

    @classmethod
    def from_plain(cls, data: tuple) -> "LedgerView":
        """The inverse of :meth:`to_plain`; raises (``ValueError``, ``TypeError``) on anything malformed."""
        (year, number), corrections, merged, verdicts, before, key_signings, stage_counts, alerts, problems = data
        fixes = {Week(y, n): {(_text(unit), _text(industry)): Correction(_int(s), Decimal(_text(amount)), _int(k))
                              for unit, industry, s, amount, k in rows}
                 for y, n, rows in corrections}
        view = cls(
            week=Week(year, number), corrections=fixes,
            merged={(_text(a), _text(b)): (_text(c), _text(d)) for a, b, c, d in merged},
            verdicts={(_text(unit), _int(index)): _verdict(v) for unit, index, v in verdicts},
            before={(_text(unit), _text(key)): _text(stage) for unit, key, stage in before},
            key_signings=[KeySigning(_text(unit), _text(name), Week(y, n), _bool(done))
                          for unit, name, y, n, done in key_signings],
            stage_counts={_text(stage): _int(count) for stage, count in stage_counts.items()},
            alerts=[Flag(_text(name), _text(unit), _text(kind), _int(weeks), _text(since))
                    for name, unit, kind, weeks, since in alerts],
            problems=read_problems(problems))
        return view


def plain_problems(problems: list[Problem]) -> tuple:
    """Problems as tuples of strings and numbers."""
    return tuple(tuple(p) for p in problems)


def read_problems(data: tuple) -> list[Problem]:
    """The inverse of :func:`plain_problems`; raises on anything malformed."""
    return [Problem(_text(path), _int(line), _int(col), _text(message), _text(severity))
            for path, line, col, message, severity in data]


def _typed(kind: type):
    """A check that a value read back is exactly of ``kind`` (``bool`` is not an ``int`` here)."""
    def check(value: object):
        if type(value) is not kind:
            raise ValueError("malformed ledger view")
        return value
    return check


_text, _int, _bool = checked_str, checked_int, checked_bool = _typed(str), _typed(int), _typed(bool)


def _verdict(value: object) -> str:
    if value not in VERDICTS:
        raise ValueError("malformed ledger view")
    return value
