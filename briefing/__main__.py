"""``python -m briefing`` (when the ``briefing`` command is not on PATH)."""

from briefing.cli import main

main()
