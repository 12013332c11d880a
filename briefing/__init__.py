"""briefing: the weekly 招商工作简报 from the units' YAML reports.

Pipeline: :mod:`briefing.load` (bytes to YAML data with positions) → :mod:`briefing.model`
(pydantic validation) → :mod:`briefing.aggregate` (pure figures) → :mod:`briefing.render`
(Markdown and Word).  Importing the package is cheap; heavy modules load on first use.
"""

from briefing.errors import BriefingError, Problem

__version__ = "0.1.0"

__all__ = ["BriefingError", "Problem", "__version__"]
