"""E-mail: mail sources, reading messages, the engine that files reports, the log, receipts, SMTP.

- :mod:`~briefing.mail.sources`: the sources (files, mbox, Maildir; :mod:`~briefing.mail.imap`) behind one interface
- :mod:`~briefing.mail.message`, :mod:`~briefing.mail.headers`: one message and its report attachments
- :mod:`~briefing.mail.engine`: judge, store and log each message; :mod:`~briefing.mail.archive`: where files go
- :mod:`~briefing.mail.log`: the ingest log; :mod:`~briefing.mail.summary`: the clerk's table; :mod:`~briefing.mail.undo`: undo the last run
- :mod:`~briefing.mail.receipts`, :mod:`~briefing.mail.smtp`: receipts, sending, passwords
"""
