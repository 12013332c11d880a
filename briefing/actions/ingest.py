"""``briefing ingest`` as a library call: the chosen sources read one message at a time into the
mail engine, each settled after it is stored and logged, then the receipts; and reports handed
over directly (the web page's upload) stored the same way."""

from __future__ import annotations

import os
from contextlib import ExitStack, contextmanager
from typing import Callable, ContextManager, Iterator, Sequence

from briefing.errors import BriefingError, Problem
from briefing.mail.engine import Ingest, IngestResult
from briefing.mail.imap import ImapSource
from briefing.mail.log import LogRecord
from briefing.mail.receipts import send_receipts
from briefing.mail.sources import FileSource, Source
from briefing.workspace.layout import Workspace

Progress = Callable[[int, str], ContextManager[Callable[[], None]]]
"""``progress(total, label)``: a context giving the function to call after each message."""


@contextmanager
def no_progress(total: int, label: str) -> Iterator[Callable[[], None]]:
    """The default progress display: none."""
    yield lambda: None


def run(ws: Workspace, sources: Sequence[str | os.PathLike] = (), *, imap_password: str | None = None,
        reply: bool = False, smtp_password: str | None = None, progress: Progress = no_progress,
        use_imap: bool = False, vouched: Sequence[str | os.PathLike] = ()) -> IngestResult:
    """Ingest ``sources`` (files, mbox, Maildir), the messages the clerk vouches for
    (``vouched``: single message files) and, with ``use_imap``, the IMAP mailbox of
    ``mail.imap``; with ``reply``, send receipts over ``mail.smtp``."""
    mail = ws.config.mail
    if use_imap and mail.imap is None:
        raise BriefingError("briefing.yaml 中没有 mail.imap 设置，无法收取邮箱。写法见 docs/邮件报送.md", exit_code=2)
    if reply and mail.smtp is None:
        raise BriefingError("briefing.yaml 中没有 mail.smtp 设置，无法发送回执。写法见 docs/邮件报送.md", exit_code=2)
    chosen: list[Source] = [FileSource(sources, vouched)] if sources or vouched else []
    if use_imap:
        chosen.append(ImapSource(mail.imap, imap_password or "", ws.state))
    with Ingest(ws) as engine, ExitStack() as stack:
        for source in chosen:
            opened = source.open(stack)
            engine.result.warnings.extend(opened.warnings)
            if not opened.total:
                continue
            with progress(opened.total, opened.label) as advance:
                for incoming in opened.messages:
                    engine.take(incoming)
                    if incoming.settle is not None:
                        incoming.settle()
                    advance()
        if reply:
            send_receipts(engine, mail.smtp, smtp_password)
        return engine.result


def take_uploads(ws: Workspace, files: Sequence[tuple[str, bytes]]) -> list[tuple[LogRecord, list[Problem]]]:
    """Reports the clerk hands over directly (``briefing serve``'s upload page): each ``(name,
    bytes)`` judged and stored as a report attachment is (:meth:`Ingest.take_upload`), under
    the same lock as ``ingest``; its log record and its problems, in order."""
    with Ingest(ws) as engine:
        return [engine.take_upload(data, name) for name, data in files]
