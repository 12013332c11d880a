"""Loading every report of a workspace: validated one at a time, streamed into a sink, through
the cache.

:func:`load_reports` gathers every problem of every file before anyone fails (a clerk sees all
mistakes in one run) and flags two files for the same unit and week.  With a sink (a
:class:`~briefing.figures.briefing.Tally`, ``briefing status``'s census, :class:`Discard`), each
valid report is reduced to its contribution and handed over, not kept, so a province's year of
reports need not be in memory at once; files unchanged since the cache saw them arrive as
contributions only (see :mod:`briefing.workspace.cache`), undecoded to a sink that can wait
(``add_deferred``).  With a cache, the loader also hashes what went into the sink (each file's
path and content hash): results computed from exactly those contributions are cached under it
(:attr:`Loaded.derived`).
"""

from __future__ import annotations

import gc
import os
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Protocol

from briefing.errors import Problem
from briefing.figures.figures import Contribution, contribution
from briefing.report.config import Config
from briefing.report.load import locate, parse_bytes, read_file
from briefing.report.model import Report
from briefing.report.validate import validate_document
from briefing.weeks import Week
from briefing.workspace.files import confine

if TYPE_CHECKING:
    from briefing.workspace.cache import Derived, ReportCache


@dataclass
class Loaded:
    """Reports that validated, with the file each came from, and every problem found."""

    reports: list[Report] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    files: int = 0
    unread: list[Problem] = field(default_factory=list)
    """Paths that could not be searched or were refused (see :class:`Found`); also in ``problems``."""
    derived: "Derived | None" = None
    """Where results computed from exactly these contributions are cached (``None``: no cache);
    see :class:`briefing.workspace.cache.Derived`."""

    def add_unread(self, problems: list[Problem]) -> None:
        """Put the errors of :func:`find_reports` first."""
        self.unread = list(problems)
        self.problems[:0] = problems

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def bad_files(self) -> int:
        return len({p.path for p in self.errors})


@contextmanager
def no_gc_pauses():
    """Suspend the cyclic garbage collector (while loading, and for a whole build): reports,
    folds and briefings hold no cycles, and repeated full collections over hundreds of
    thousands of live objects cost more than parsing.  Nests."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class Sink(Protocol):
    """Where :func:`load_reports` hands each valid report."""

    def add(self, c: Contribution, report: Report | None, path: str) -> None:
        """One report's contribution; ``report`` is ``None`` when it came from the cache."""

    # A sink may also have ``add_deferred(d: Deferred, path)``: a contribution from the cache
    # handed over undecoded (:class:`~briefing.figures.figures.Deferred`), for sinks that may
    # never need more than its unit and week.


class Discard:
    """A sink for :func:`load_reports` that keeps nothing (for checking only)."""

    def add(self, c: Contribution, report: Report | None, path: str) -> None:
        pass


def load_reports(files: Iterable[str | os.PathLike], config: Config, cache: "ReportCache | None" = None,
                 sink: Sink | None = None) -> Loaded:
    """Load and validate every file; also flag two files for the same unit and week.

    Without a ``sink``, valid reports are kept in ``Loaded.reports``.  With one (a
    :class:`~briefing.figures.briefing.Tally`), they are folded into it one at a time and not kept, so
    a province's year of reports need not be in memory at once; files unchanged since the
    ``cache`` saw them arrive as contributions only.
    """
    if sink is None:
        cache = None
    with no_gc_pauses():
        loaded = _load_reports(files, config, cache, sink)
    if cache is not None:
        cache.save(final=True)
    return loaded


class _State:
    """The hash of what went into the sink: each file's path (as named here) and content hash,
    in order (see :class:`briefing.workspace.cache.Derived`)."""

    def __init__(self) -> None:
        import hashlib

        self.hash = hashlib.blake2b(digest_size=16)

    def add(self, path: str, content: bytes) -> None:
        self.hash.update(path.encode("utf-8", "surrogatepass") + b"\0" + content)  # content: fixed length


@dataclass
class _File:
    """One file as loaded: a fresh report or a cached contribution, its problems, and what
    the cache needs to record it."""

    report: Report | None = None
    cached: object = None
    problems: list[Problem] = field(default_factory=list)
    root: object = None
    stat: os.stat_result | None = None
    raw: bytes = b""
    digest: bytes | None = None
    """The content hash, when the cache knows it."""


def _load_reports(files, config: Config, cache, sink) -> Loaded:
    from briefing.workspace.cache import digest

    here = os.getcwd()  # cache keys are absolute paths; joining once is cheaper than abspath
    loaded = Loaded()
    state = _State() if cache is not None else None
    first_file: dict[tuple[str, Week], str] = {}
    for raw_path in files:
        path = str(raw_path)
        loaded.files += 1
        one = _load_one(path, os.path.join(here, path), config, cache)
        loaded.problems.extend(one.problems)
        if one.report is None and one.cached is None:
            continue
        unit, week = (one.report.unit, one.report.week) if one.report is not None else (one.cached.unit, one.cached.week)
        if (unit, week) in first_file:
            line, col = locate(one.root if one.root is not None else read_file(path).root, ("unit",))
            loaded.problems.append(Problem(
                path, line, col,
                f"与 {first_file[(unit, week)]} 重复：两个文件都是“{unit}”{week} 的报告。"
                "同一单位同一周只能保留一份，请删除或合并其中一个"))
            continue
        first_file[(unit, week)] = path
        content = None
        if state is not None:
            content = one.digest or digest(one.raw)
            state.add(path, content)
        if sink is None:
            loaded.reports.append(one.report)
            loaded.paths.append(path)
        elif one.report is None:
            if hasattr(sink, "add_deferred"):
                sink.add_deferred(one.cached, path)
            else:
                sink.add(one.cached.contribution(), None, path)  # MAC-checked bytes this code wrote
        else:
            c = contribution(one.report, one.root)
            sink.add(c, one.report, path)
            if cache is not None and not one.problems:  # files with warnings are read every time
                cache.put(os.path.join(here, path), one.stat, one.raw, c, content)
    if state is not None:
        loaded.derived = cache.derived(state.hash.digest())
    return loaded


def _load_one(path: str, key: str, config: Config, cache) -> _File:
    """One file: from the cache (under ``key``) when unchanged, else parsed and validated."""
    if cache is None:
        doc = read_file(path)
        return _File(validate_document(doc, config), None, doc.problems, doc.root)
    try:
        stat = os.stat(path)
        cached, raw, known = cache.lookup(key, stat, lambda: _read(path))
    except OSError:
        return _File(problems=read_file(path).problems)  # says why it cannot be read
    if cached is not None:
        return _File(cached=cached, digest=known)
    doc = parse_bytes(raw, path)
    report = validate_document(doc, config)
    return _File(report, None, doc.problems, doc.root, stat, raw)


def _read(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()


def load_cached(files: Iterable[str | os.PathLike], config: Config, config_path: Path,
                sink: Sink, use_cache: bool = True) -> Loaded:
    """:func:`load_reports` through the workspace's cache (opened and closed here)."""
    cache = open_cache(config_path) if use_cache else None
    try:
        return load_reports(files, config, cache=cache, sink=sink)
    finally:
        if cache is not None:
            cache.close()


def open_cache(config_path: Path) -> "ReportCache | None":
    """The report cache of the workspace of ``config_path`` (``None`` if switched off)."""
    if os.environ.get("BRIEFING_NO_CACHE"):
        return None
    from briefing.workspace.cache import ReportCache, user_secret

    try:
        config_bytes = Path(config_path).read_bytes()
    except OSError:
        return None
    secret = user_secret()
    if secret is None:  # nowhere to keep the key the entries are checked with: no cache
        return None
    state = Path(config_path).parent / ".briefing"
    confine(state, (os.path.realpath(state.parent),))  # SQLite would write through a planted link
    return ReportCache(state / "cache.sqlite", config_bytes, secret)
