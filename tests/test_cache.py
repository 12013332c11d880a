"""The cache of validated reports: same output with or without it, never stale, never fatal."""

from __future__ import annotations

import datetime as dt
import marshal
import os
import pickle
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

import briefing
from briefing.actions.build import build
from briefing.errors import BriefingError
from briefing.workspace.layout import open_workspace

from conftest import SMALL_CONFIG

WEEK = "2023-W02"


def _md(config_path, use_cache=True, out=None) -> str:
    ws = open_workspace(config_path, output=out)
    [path] = build(ws, week=WEEK, formats=["md"], issue=1, date=dt.date(2023, 1, 16), use_cache=use_cache)
    return path.read_text(encoding="utf-8")


def _cache(config_path) -> Path:
    return config_path.parent / ".briefing" / "cache.sqlite"


def _rows(config_path) -> int:
    db = sqlite3.connect(_cache(config_path))
    try:  # closed at once: an open connection would hold the build's cache waiting for its lock
        return db.execute("SELECT COUNT(*) FROM reports").fetchone()[0]
    finally:
        db.close()


def test_cached_and_uncached_builds_are_byte_identical(small, sample):
    for config in (small, sample):
        week = "2023-W17" if config == sample else WEEK
        ws = open_workspace(config)
        outputs = []
        for use_cache in (False, True, True):  # no cache, cold cache, warm cache
            [path] = build(ws, week=week, formats=["md"], issue=1, date=dt.date(2023, 5, 5), use_cache=use_cache)
            outputs.append(path.read_bytes())
        assert outputs[0] == outputs[1] == outputs[2]
    assert _rows(small) == 4  # 2022-W05's 100亿元 carries a warning: such files are read every time


def test_a_report_edited_between_builds_is_picked_up(small):
    before = _md(small)
    path = small.parent / "entries" / "2023-W02" / "B县.yaml"
    text = path.read_text(encoding="utf-8")
    assert "investment: 10\n" in text
    path.write_text(text.replace("investment: 10\n", "investment: 20\n"), encoding="utf-8")  # same size
    stat = os.stat(path)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))
    after = _md(small)
    assert "签约风电项目，总投资10亿元" in before and "签约风电项目，总投资20亿元" in after
    assert after == _md(small, use_cache=False)


def test_same_size_and_mtime_within_the_racy_window_is_rechecked(small):
    _md(small)                               # caches files written moments ago
    path = small.parent / "entries" / "2023-W02" / "B县.yaml"
    stat = os.stat(path)
    path.write_text(path.read_text(encoding="utf-8").replace("investment: 10\n", "investment: 30\n"),
                    encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # same size, same mtime
    assert "签约风电项目，总投资30亿元" in _md(small)


def test_touched_but_unchanged_files_are_reused(small, monkeypatch):
    _md(small)
    for path in (small.parent / "entries").rglob("*.yaml"):
        os.utime(path)  # new mtime, same bytes
    calls = []
    import briefing.workspace.loading as workspace

    original = workspace.validate_document
    monkeypatch.setattr(workspace, "validate_document", lambda doc, config: calls.append(doc.path) or original(doc, config))
    _md(small)
    # only the briefing week's two files are read again in full (for their text), and the file with
    # a warning (never cached); none of the others
    assert sorted(Path(p).name for p in calls) == ["A县-2022-W05.yaml", "A县.yaml", "B县.yaml"]


def test_config_change_invalidates_the_cache(small):
    _md(small)
    small.write_text(SMALL_CONFIG.replace("industries: [新能源, 新材料]", "industries: [新能源]"), encoding="utf-8")
    with pytest.raises(BriefingError) as error:
        _md(small)
    assert any("新材料" in p.message for p in error.value.problems)


def test_package_version_change_invalidates_the_cache(small, monkeypatch):
    _md(small)
    assert _rows(small) == 4
    monkeypatch.setattr(briefing, "__version__", "99.0")
    from briefing.workspace.loading import open_cache

    cache = open_cache(small)
    assert cache.entries == {}
    cache.close()


@pytest.mark.parametrize("damage", ["garbage", "bad payload", "empty file", "locked-out table"])
def test_a_damaged_cache_means_rebuilding_not_wrong_numbers(small, damage):
    expected = _md(small, use_cache=False)
    _md(small)
    cached = _rows(small)
    db_path = _cache(small)
    if damage == "garbage":
        db_path.write_bytes(b"this is not a database" * 100)
        for suffix in ("-wal", "-shm"):
            Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    elif damage == "bad payload":
        with sqlite3.connect(db_path) as db:
            db.execute("UPDATE reports SET payload = x'80049500'")
    elif damage == "empty file":
        db_path.write_bytes(b"")
    else:
        with sqlite3.connect(db_path) as db:
            db.execute("DROP TABLE reports")
            db.execute("CREATE TABLE reports (nonsense TEXT)")
    assert _md(small) == expected
    if damage == "garbage":
        assert _rows(small) == cached  # a new cache in its place, as full as the first
    assert _md(small) == expected


def test_two_builds_at_once_do_not_corrupt_the_cache(sample, tmp_path):
    script = textwrap.dedent(f"""
        import datetime as dt, sys
        from briefing.actions.build import build
        from briefing.workspace.layout import open_workspace
        ws = open_workspace({str(sample)!r}, output=sys.argv[1])
        build(ws, week="2023-W17", formats=["md"], issue=1, date=dt.date(2023, 5, 5))
    """)
    outs = [tmp_path / "a", tmp_path / "b"]
    processes = [subprocess.Popen([sys.executable, "-c", script, str(out)]) for out in outs]
    assert [p.wait(timeout=300) for p in processes] == [0, 0]
    texts = [next(out.iterdir()).read_bytes() for out in outs]
    assert texts[0] == texts[1]
    with sqlite3.connect(_cache(sample)) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert _rows(sample) == len(list((sample.parent / "entries").rglob("*.yaml")))
    ws = open_workspace(sample, output=tmp_path / "c")
    [path] = build(ws, week="2023-W17", formats=["md"], issue=1, date=dt.date(2023, 5, 5))
    assert path.read_bytes() == texts[0]


def _tampered(plain):
    """Every amount and count in a cached contribution changed (strings of digits → 999, ints + 7)."""
    if isinstance(plain, tuple):
        return tuple(_tampered(part) for part in plain)
    if isinstance(plain, bool):
        return plain
    if isinstance(plain, int):
        return plain + 7
    if isinstance(plain, str) and plain.replace(".", "", 1).isdigit():
        return "999"
    return plain


@pytest.mark.parametrize("edit", ["figures", "swap rows"])
def test_an_edited_cache_entry_never_changes_a_printed_figure(small, edit):
    expected = _md(small, use_cache=False)
    assert _md(small) == expected and _rows(small) == 4
    with sqlite3.connect(_cache(small)) as db:
        rows = db.execute("SELECT path, payload FROM reports ORDER BY path").fetchall()
        if edit == "figures":
            for path, payload in rows:
                db.execute("UPDATE reports SET payload = ? WHERE path = ?",
                           (marshal.dumps(_tampered(marshal.loads(payload))), path))
        else:  # each file gets another file's genuine entry
            for (path, _), (_, payload) in zip(rows, rows[1:] + rows[:1]):
                db.execute("UPDATE reports SET payload = ? WHERE path = ?", (payload, path))
    db.close()
    assert _md(small) == expected
    assert _md(small) == expected  # and the entries written again are genuine


def test_the_cache_key_is_kept_outside_the_workspace_for_the_user_alone(small):
    from briefing.workspace.cache import SECRET_NAME, user_cache_dir

    _md(small)
    key = user_cache_dir() / SECRET_NAME
    assert len(key.read_bytes()) == 32
    assert small.parent.resolve() not in key.resolve().parents
    if os.name == "posix":
        assert key.stat().st_mode & 0o777 == 0o600
    assert not any(key.read_bytes() in p.read_bytes() for p in small.parent.rglob("*") if p.is_file())


def test_without_a_place_for_the_key_there_is_no_cache_and_the_figures_are_right(small, monkeypatch, tmp_path):
    expected = _md(small, use_cache=False)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    assert _md(small) == expected
    assert not _cache(small).exists()


def test_the_code_fingerprint_covers_every_subpackage(tmp_path):
    import shutil

    import briefing
    from briefing.workspace.cache import _source_digest

    package = Path(briefing.__file__).resolve().parent
    assert _source_digest() == _source_digest(package)
    copy = tmp_path / "briefing"
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("__pycache__"))
    before = _source_digest(copy)
    for module in ("report/fields.py", "figures/fold.py", "workspace/cache.py"):
        with open(copy / module, "a", encoding="utf-8") as handle:
            handle.write("\n# an edit\n")
        after = _source_digest(copy)
        assert after != before, module
        before = after
    (copy / "report" / "fields.py").rename(copy / "report" / "fields2.py")  # a move counts too
    assert _source_digest(copy) != before


def test_a_planted_pickle_in_the_cache_is_never_loaded(small, tmp_path):
    build(open_workspace(small), week="2023-W02", formats=["md"], issue=1, date=dt.date(2023, 1, 16))
    marker = tmp_path / "pwned"

    class Evil:
        def __reduce__(self):
            return (open, (str(marker), "w"))

    with sqlite3.connect(small.parent / ".briefing" / "cache.sqlite") as db:
        db.execute("UPDATE reports SET payload = ?", (pickle.dumps(Evil()),))
    [path] = build(open_workspace(small), week="2023-W02", formats=["md"], issue=1, date=dt.date(2023, 1, 16))
    assert not marker.exists() and "总投资11.36亿元" in path.read_text(encoding="utf-8")
    with sqlite3.connect(small.parent / ".briefing" / "cache.sqlite") as db:
        db.execute("UPDATE reports SET payload = ?", (marshal.dumps(("A县", (2023, 2), (1,), (), (), ())),))
    assert "总投资11.36亿元" in build(open_workspace(small), week="2023-W02", formats=["md"], issue=1,
                                   date=dt.date(2023, 1, 16))[0].read_text(encoding="utf-8")


def test_a_code_change_invalidates_the_cache(small, monkeypatch):
    from briefing.workspace import cache
    from briefing.workspace.loading import open_cache

    build(open_workspace(small), week="2023-W02", formats=["md"], issue=1, date=dt.date(2023, 1, 16))
    assert open_cache(small).entries
    monkeypatch.setattr(cache, "_source_digest", lambda: b"changed")
    assert open_cache(small).entries == {}


# ---------------------------------------------------------------- freshness, on the cache itself


class _Stat:
    def __init__(self, size: int, mtime_ns: int):
        self.st_size, self.st_mtime_ns = size, mtime_ns


def _fresh_cache(tmp_path, monkeypatch, checked_ns: int):
    """A cache holding one entry for ``r.yaml`` (size 10, mtime 10**18), checked at ``checked_ns``."""
    from briefing.figures.figures import Contribution, Figures
    from briefing.weeks import Week
    from briefing.workspace import cache as cache_module

    path = str(tmp_path / "r.yaml")
    value = Contribution("A县", Week(2023, 2), Figures(trips=1), (), (), ())
    db = tmp_path / "cache.sqlite"
    writer = cache_module.ReportCache(db, b"config", b"k" * 32)
    monkeypatch.setattr(cache_module.time, "time_ns", lambda: checked_ns)
    writer.put(path, _Stat(10, 10 ** 18), b"0123456789", value)
    writer.save(final=True)
    writer.close()
    return cache_module.ReportCache(db, b"config", b"k" * 32), path, value


def _get(cache, path, size, mtime_ns, raw=b"0123456789"):
    reads = []
    value, data = cache.get(path, _Stat(size, mtime_ns), lambda: reads.append(1) or raw)
    return value, data, len(reads)


def test_a_cache_hit_needs_the_same_size_and_mtime_and_an_old_enough_check(tmp_path, monkeypatch):
    from briefing.workspace.cache import RACY_NS

    mtime = 10 ** 18
    cache, path, value = _fresh_cache(tmp_path, monkeypatch, mtime + RACY_NS + 1)
    assert _get(cache, path, 10, mtime) == (value, None, 0)                     # size, mtime, check: not read
    # the same mtime but another size: the file is read, and new bytes are a miss
    assert _get(cache, path, 11, mtime, raw=b"0123456789X") == (None, b"0123456789X", 1)
    assert _get(cache, path, 9, mtime, raw=b"012345678") == (None, b"012345678", 1)
    # another mtime, same bytes: read, then taken from the cache by its hash
    assert _get(cache, path, 10, mtime + 1) == (value, None, 1)
    assert _get(cache, path, 10, mtime + 1, raw=b"9876543210") == (None, b"9876543210", 1)
    assert _get(cache, str(tmp_path / "other.yaml"), 10, mtime) == (None, b"0123456789", 1)


def test_a_check_within_the_racy_window_is_not_trusted(tmp_path, monkeypatch):
    from briefing.workspace.cache import RACY_NS

    mtime = 10 ** 18
    cache, path, value = _fresh_cache(tmp_path, monkeypatch, mtime + RACY_NS)    # exactly at the window's edge
    assert _get(cache, path, 10, mtime) == (value, None, 1)                      # read to compare the hash
    assert _get(cache, path, 10, mtime, raw=b"edited!!!!") == (None, b"edited!!!!", 1)
    cache, path, value = _fresh_cache(tmp_path / "b", monkeypatch, mtime + 1)
    assert _get(cache, path, 10, mtime, raw=b"edited!!!!") == (None, b"edited!!!!", 1)


def test_the_key_is_made_once_readable_by_the_user_alone_and_a_damaged_one_is_replaced(tmp_path, monkeypatch):
    """Directly, in a fresh user cache folder (the session's folder already has its key)."""
    from briefing.workspace.cache import SECRET_NAME, user_secret

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    key = tmp_path / "briefing" / SECRET_NAME
    secret = user_secret()
    assert len(secret) == 32 and key.read_bytes() == secret and user_secret() == secret
    if os.name == "posix":
        assert key.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in key.parent.iterdir()] == [SECRET_NAME]       # no temporary file left
    key.write_bytes(b"short")
    old = time.time() - 60
    os.utime(key, (old, old))                                         # damaged long ago: replaced
    fresh = user_secret()
    assert len(fresh) == 32 and fresh != secret and key.read_bytes() == fresh
    assert [p.name for p in key.parent.iterdir()] == [SECRET_NAME]


def test_a_cache_that_cannot_be_made_again_is_no_cache_and_saving_does_nothing(tmp_path, monkeypatch):
    from briefing.workspace.cache import ReportCache

    path = tmp_path / "cache.sqlite"
    path.write_bytes(b"this is not a database" * 100)

    def refuse(self):
        raise sqlite3.DatabaseError("file is not a database")

    monkeypatch.setattr(ReportCache, "_open", refuse)
    cache = ReportCache(path, b"config", b"k" * 32)
    assert cache.db is None and cache.entries == {} and not path.exists()    # the damaged file is gone
    cache.pending.append(("x", 1, 2, 3, b"d", b"p", b"m"))
    cache.save(final=True)                                                     # nothing to write to: no error
    cache.close()
