"""The workspace on disk: layout, report search, loading and cache, issue numbers, files, the lock.

- :mod:`~briefing.workspace.layout`: where things are; :func:`~briefing.workspace.layout.find_reports`
- :mod:`~briefing.workspace.loading`: every report validated and handed to a sink
- :mod:`~briefing.workspace.cache`: contributions of unchanged files, authenticated
- :mod:`~briefing.workspace.publications`: the published issues (期号, what went out); :mod:`~briefing.workspace.numbering`: when each week's draft was built
- :mod:`~briefing.workspace.files`, :mod:`~briefing.workspace.lock`: writes, record reads, the lock
"""
