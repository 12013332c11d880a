"""The ledger's figures cached for an unchanged workspace (:class:`briefing.workspace.cache.Derived`):
never settled again when nothing changed, never stale when anything did.

Each workspace is built by hand; the figures are worked out in the comments.  Every build here
goes through the cache; the first one of each test fills it.
"""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest

from briefing.actions.build import compute
from briefing.figures.ledger import Ledger
from briefing.workspace.layout import open_workspace

from test_ledger import project, report, signing, workspace

W01 = "2023-W01/A.yaml"
W02 = "2023-W02/A.yaml"


def _briefing(config, week="2023-W02", notes=None):
    return compute(open_workspace(config), week=week, date=dt.date(2023, 6, 1),
                   note=(notes if notes is not None else []).append)


def _repeat_workspace(tmp_path, config_extra=""):
    """光伏项目 (key, 10 亿元) signed by A县 in W01 and again in W02: a repeat, counted once."""
    return workspace(tmp_path, {
        W01: report("A县", "2023-W01", signings=[signing("光伏项目", key=True)], projects=[project("光伏项目", "签约", 1)]),
        W02: report("A县", "2023-W02", signings=[signing("光伏项目", key=True)], projects=[project("光伏项目", "签约", 2)])},
        config_extra)


def _derived_rows(config) -> int:
    db = sqlite3.connect(config.parent / ".briefing" / "cache.sqlite")
    try:
        return db.execute("SELECT COUNT(*) FROM derived").fetchone()[0]
    finally:
        db.close()


def _no_settling(monkeypatch):
    """Settling the ledger, or decoding any cached contribution, fails the test."""
    from briefing.figures.figures import Deferred

    def refuse(*args, **kwargs):
        raise AssertionError("the ledger was settled or a contribution decoded")

    monkeypatch.setattr(Ledger, "settle", refuse)
    monkeypatch.setattr(Deferred, "contribution", refuse)


def test_an_unchanged_workspace_is_rebuilt_without_settling_the_ledger_or_decoding(tmp_path, monkeypatch):
    config = _repeat_workspace(tmp_path)
    first_notes, again_notes = [], []
    first = _briefing(config, notes=first_notes)
    assert _derived_rows(config) == 2  # the ledger view and the year's sums of W02
    _no_settling(monkeypatch)
    again = _briefing(config, notes=again_notes)
    # YTD: one signing of 10 亿元 (the W02 one is a repeat); the week: none
    assert (again.ytd_totals.signings, again.ytd_totals.investment, again.week_totals.signings) == (1, 10, 0)
    assert (again.ytd_totals, again.week_totals, again.fulfilment, again.stage_counts, again.week_signings) == \
           (first.ytd_totals, first.week_totals, first.fulfilment, first.stage_counts, first.week_signings)
    assert again_notes == first_notes and any("已在 2023-W01 报过签约" in line for line in again_notes)


def test_an_edited_report_changes_the_figures_and_the_warnings(tmp_path):
    config = _repeat_workspace(tmp_path)
    before = _briefing(config)
    assert (before.ytd_totals.signings, before.fulfilment.total) == (1, 1)
    # W02 now signs another project (风电项目, 10 亿元): two signings, 20 亿元, no repeat
    (config.parent / "entries" / W02).write_text(
        report("A县", "2023-W02", signings=[signing("风电项目", key=True, investor="风电公司")],
               projects=[project("光伏项目", "签约", 2)]), encoding="utf-8")
    notes = []
    after = _briefing(config, notes=notes)
    assert (after.ytd_totals.signings, after.ytd_totals.investment, after.week_totals.signings) == (2, 20, 1)
    assert [k.project for k in after.fulfilment.items] == ["光伏项目", "风电项目"]
    assert not any("报过签约" in line for line in notes)


def test_a_stage_reported_in_a_new_file_moves_the_project(tmp_path):
    config = _repeat_workspace(tmp_path)
    assert _briefing(config).stage_counts == {"开工": 0, "投产": 0}
    # B县 is a new file: it reports 储能项目 started in W02 (新开工 1, a movement from nothing)
    path = config.parent / "entries" / "2023-W02" / "B.yaml"
    path.write_text(report("B县", "2023-W02", projects=[project("储能项目", "开工", 3, investor="储能公司")]),
                    encoding="utf-8")
    b = _briefing(config)
    assert b.stage_counts == {"开工": 1, "投产": 0} and [m.project for m in b.movements] == ["储能项目"]
    path.unlink()  # and gone again: back to none
    assert _briefing(config).stage_counts == {"开工": 0, "投产": 0}


@pytest.mark.parametrize("change, expected", [
    ("ledger:\n  overdue_weeks: 1\n", ["光伏项目"]),  # signed W01, not started by W03: 2 weeks > 1
    ("", []),
])
def test_the_config_decides_the_cached_overdue_list(tmp_path, change, expected):
    config = _repeat_workspace(tmp_path)
    (config.parent / "entries" / "2023-W03").mkdir()
    (config.parent / "entries" / "2023-W03" / "A.yaml").write_text(report("A县", "2023-W03", projects=[
        project("光伏项目", "签约", 0)]), encoding="utf-8")
    assert [a.name for a in _briefing(config, "2023-W03").overdue] == []  # default: more than 12 weeks
    config.write_text(config.read_text(encoding="utf-8") + change, encoding="utf-8")
    assert [a.name for a in _briefing(config, "2023-W03").overdue] == expected


def test_same_project_in_the_config_merges_what_the_cache_counted_twice(tmp_path):
    """光伏项目 and 光伏电站 (same investor, industry and amount: an L3 warning) are two signings
    until the clerk says they are one project."""
    config = workspace(tmp_path, {
        W01: report("A县", "2023-W01", signings=[signing("光伏项目")]),
        W02: report("A县", "2023-W02", signings=[signing("光伏电站")])})
    assert _briefing(config).ytd_totals.signings == 2
    config.write_text(config.read_text(encoding="utf-8") + "same_project:\n  - [光伏项目, 光伏电站]\n", encoding="utf-8")
    assert _briefing(config).ytd_totals.signings == 1                   # one project: the W02 signing is a repeat


def test_a_code_change_makes_the_cached_view_a_miss(tmp_path, monkeypatch):
    from briefing.workspace import cache

    config = _repeat_workspace(tmp_path)
    _briefing(config)
    monkeypatch.setattr(cache, "_source_digest", lambda package=None: b"other code")
    calls = []
    settle = Ledger.settle
    monkeypatch.setattr(Ledger, "settle", lambda self, *a, **k: calls.append(1) or settle(self, *a, **k))
    assert _briefing(config).ytd_totals.signings == 1
    assert calls == [1]


def _edit_derived(config, prefix, change):
    """``change(plain)`` on the plain data of the derived entry named ``prefix…``; every other derived
    entry dropped (computed again from the folds, corrected by whatever view is used)."""
    import marshal

    db = sqlite3.connect(config.parent / ".briefing" / "cache.sqlite")
    try:
        with db:
            name, payload = db.execute("SELECT name, payload FROM derived WHERE name LIKE ?", (prefix + "%",)).fetchone()
            db.execute("DELETE FROM derived WHERE name != ?", (name,))
            db.execute("UPDATE derived SET payload = ? WHERE name = ?",
                       (marshal.dumps(change(list(marshal.loads(payload)))), name))
    finally:
        db.close()


def _no_corrections(plain):
    plain[1] = ()  # no corrections: the repeat would count twice
    return tuple(plain)


def _twelve_signings(plain):
    totals = list(plain[2])  # the year's totals: signings is the third figure
    totals[2] = 12
    plain[2] = tuple(totals)
    return tuple(plain)


@pytest.mark.parametrize("prefix, change", [("briefing-ledger", _no_corrections),
                                            ("briefing-figures", _twelve_signings)])
def test_an_edited_cached_entry_is_never_used(tmp_path, prefix, change):
    """An edited derived entry (the view without its corrections, the year's signings made 12)
    fails its MAC: the figures are those of a build without any cache."""
    config = _repeat_workspace(tmp_path)
    _briefing(config)
    _edit_derived(config, prefix, change)
    b = _briefing(config)
    assert (b.ytd_totals.signings, b.ytd_totals.investment) == (1, 10)


@pytest.mark.parametrize("edit", ["state", "mac"])
def test_a_cached_entry_of_another_state_or_without_its_mac_is_a_miss(tmp_path, edit):
    config = _repeat_workspace(tmp_path)
    _briefing(config)
    db = sqlite3.connect(config.parent / ".briefing" / "cache.sqlite")
    try:
        with db:
            db.execute("UPDATE derived SET state = ?" if edit == "state" else "UPDATE derived SET mac = ?", (bytes(16),))
    finally:
        db.close()
    calls = []
    settle = Ledger.settle
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Ledger, "settle", lambda self, *a, **k: calls.append(1) or settle(self, *a, **k))
        b = _briefing(config)
    assert (b.ytd_totals.signings, b.ytd_totals.investment, calls) == (1, 10, [1])
