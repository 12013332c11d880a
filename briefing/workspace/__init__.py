"""The workspace on disk: its layout and the one search for reports, loading them (validated,
streamed, cached), the issue numbers, atomic writes and careful reads, the one lock.

- :mod:`~briefing.workspace.layout`: where things are; :func:`~briefing.workspace.layout.find_reports`
- :mod:`~briefing.workspace.loading`: every report validated and handed to a sink
- :mod:`~briefing.workspace.cache`: contributions of unchanged files, authenticated
- :mod:`~briefing.workspace.numbering`: 期号 per week, and when each week was built
- :mod:`~briefing.workspace.files`, :mod:`~briefing.workspace.lock`: writes, record reads, the lock
"""
