"""The edge for the clerk who does not use commands: ``briefing serve``, the workspace as a local web page.

The page does what the commands do (who has reported, upload reports, preview and download
the draft, publish, remind, import mail, charts, the project ledger) without a command line, on the same calendar:
every page shows the reporting week unless the clerk picks another, as every command does
without ``--week``.  It runs on the clerk's own machine, bound to 127.0.0.1, and is built from
small parts:

- :mod:`~briefing.web.data`: the one door into the library (status, compute and render, storing
  an upload as ``ingest`` does, remind, ``ingest --imap``, build, publish), display-ready values
  out; it decides no rule of its own (a unit's state is ``briefing status``'s, publishing is
  ``briefing publish``'s);
- :mod:`~briefing.web.ledger`: the 台账 page's door (``briefing ledger`` filtered by GET
  parameters, ``briefing project``, the ledger workbook);
- :mod:`~briefing.web.guard`: what every request passes first: the Host and Origin check, the
  body size limit, the CSRF token and the security headers;
- :mod:`~briefing.web.pages`: the GET pages; :mod:`~briefing.web.forms`: the POST handlers;
  :mod:`~briefing.web.jobs`: long tasks (mail import, sending reminders) with their progress;
- :mod:`~briefing.web.app`: the application factory and the server (:func:`~briefing.web.app.serve`);
- ``templates/`` (Jinja, server-rendered, every form a plain POST) and ``static/`` (one style
  sheet and one small script of our own that only improves what works without it; nothing
  vendored, nothing from a CDN).
"""
