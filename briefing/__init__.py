"""briefing: the weekly 招商工作简报 from the units' YAML reports.

The package in layers, lowest first (a module imports only from its own layer or lower ones;
``tests/test_layers.py`` checks it):

0. :mod:`briefing.errors`, :mod:`briefing.fmt`, :mod:`briefing.weeks`: the exception, how things are written, the ISO week
1. :mod:`briefing.report`: one unit's report and the bureau's config, validated, with Chinese messages
2. :mod:`briefing.figures`: pure aggregation into the computed briefing
3. :mod:`briefing.editions` (Markdown, Word, Excel, PDF from one spec), :mod:`briefing.forms` (what units receive)
4. :mod:`briefing.workspace`: the workspace on disk
5. :mod:`briefing.mail`: e-mail
6. :mod:`briefing.actions`: what the clerk does, as library calls
7. :mod:`briefing.cli` (the commands, by task), :mod:`briefing.web`: the edges

Importing the package is cheap; heavy modules load on first use.
"""

from briefing.errors import BriefingError, Problem

__version__ = "0.1.0"

__all__ = ["BriefingError", "Problem", "__version__"]
