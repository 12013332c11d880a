"""``briefing validate`` as a library call: every report file given (or the workspace's
``entries/``) loaded and checked, every problem listed, then the project ledger's warnings
across files (repeats, stages moving back, probable duplicates); nothing is written but the cache."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Sequence

from briefing.report.config import load_config
from briefing.workspace.layout import entries_folder, find_reports
from briefing.figures.duplicates import ledger_problems
from briefing.figures.ledger import Ledger
from briefing.workspace.loading import Loaded, load_cached


def check_reports(config_path: Path, paths: Sequence[str | os.PathLike] = ()) -> Loaded:
    """The problems of the files and folders in ``paths`` (default: the ``entries`` folder
    beside ``config_path``), searched as ``briefing build`` searches; unreadable paths first."""
    config = load_config(config_path)
    entries = config_path.parent / "entries"
    if not paths:
        entries_folder(entries)
    found = find_reports(list(paths) or [entries], config_path.parent)
    ledger = Ledger()
    loaded = load_cached(found.files, config, config_path, ledger)
    loaded.problems.extend(ledger_problems(ledger.settle(config.same_project, config.unit_names), config))
    loaded.add_unread(found.problems)
    return loaded
