"""What the clerk does, as library calls for the command line (and later the web page).

- :mod:`~briefing.actions.build` (drafts), :mod:`~briefing.actions.publish` (期号, publishing), :mod:`~briefing.actions.diff`,
  :mod:`~briefing.actions.check` (validate), :mod:`~briefing.actions.status`,
  :mod:`~briefing.actions.remind`, :mod:`~briefing.actions.scaffold` (init), :mod:`~briefing.actions.ingest`,
  :mod:`~briefing.actions.guide`,
  :mod:`~briefing.actions.ledger` (ledger, project, trips)
"""
