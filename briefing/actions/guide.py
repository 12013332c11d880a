"""``briefing guide``: write the units' guide (Markdown and Word) into a folder, ready to forward.

The guide itself is rendered by :mod:`briefing.forms.guide` from the bureau's config; this
action only writes its files, atomically, so a guide open in Word is never left half-written.
"""

from __future__ import annotations

from pathlib import Path

from briefing.forms.guide import guide_files
from briefing.report.config import Config
from briefing.weeks import Week
from briefing.workspace.files import write_bytes


def write_guide(config: Config, unit: str | None, week: Week, folder: Path) -> list[Path]:
    """Write ``填报说明[-单位].md`` and ``.docx`` into ``folder``; return their paths."""
    return [write_bytes(folder / name, content) for name, content in guide_files(config, unit, week).items()]
