"""``python -m briefing.cli``, which worked while the commands were one module
(``python -m briefing`` is the documented way)."""

from briefing.cli import main

main()
