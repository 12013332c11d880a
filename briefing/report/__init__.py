"""One unit's report and the bureau's config: bytes → YAML with positions → models, Chinese messages.

- :mod:`~briefing.report.load`: bytes → text → YAML data, line and column of every node kept
- :mod:`~briefing.report.fields`: the scalar fields (money, counts, dates, weeks …) and their parsers
- :mod:`~briefing.report.model`: the report (trips, events, signings, projects)
- :mod:`~briefing.report.config`: the bureau's ``briefing.yaml``; :mod:`~briefing.report.opening`: its opening balances
- :mod:`~briefing.report.validate`: one loaded report checked against the config, plus warnings
- :mod:`~briefing.report.messages`, :mod:`~briefing.report.hints`: pydantic errors → Chinese lines
"""
