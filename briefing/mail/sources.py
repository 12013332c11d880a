"""Where messages come from: every kind of mail source behind one interface.

A source, once opened (:meth:`Source.open`), gives its :class:`Incoming` messages one at a
time, with how many there are (for the progress bar) and any warnings for the clerk.  A message
may carry a ``settle`` callback: the runner calls it after the engine has stored and logged the
message (IMAP flags or moves it then, never before, so a crash means fetching it again).

Files are recognised by :data:`REGISTRY`, in order: a Maildir folder, a folder of ``.eml`` and
mbox files (searched), an mbox file (it starts with ``From ``), else a single message file.
mbox and Maildir are read through one implementation over :mod:`mailbox`.  IMAP
(:class:`briefing.mail.imap.ImapSource`) is a source of the same kind.  A new kind of mail
source is a :class:`Source` (and, for files, an entry in :data:`REGISTRY`).
"""

from __future__ import annotations

import datetime as dt
import mailbox
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Protocol, Sequence

from briefing.errors import BriefingError
from briefing.workspace.layout import expand

MESSAGE_SUFFIXES = (".eml",)
MBOX_SUFFIXES = (".mbox", ".mbx")


@dataclass
class Incoming:
    """One message to ingest: where it came from and how to get its bytes."""

    origin: str
    """Shown to the clerk and logged: a file, ``mbox#3``, a Maildir entry, an IMAP UID."""
    load: Callable[[], bytes]
    arrived: dt.datetime | None = None
    """When the mail server received it (IMAP INTERNALDATE), if known."""
    vouched: bool = False
    """The clerk vouches for it (``briefing ingest --vouch``): the author of a forwarded message
    counts as its sender."""
    settle: Callable[[], None] | None = None
    """Called once the engine has stored and logged the message."""


@dataclass
class Opened:
    """The messages of an opened source."""

    label: str
    """What the progress bar says while they are read."""
    total: int
    messages: Iterable[Incoming]
    warnings: list[str] = field(default_factory=list)


class Source(Protocol):
    """A place messages come from."""

    def open(self, stack: ExitStack) -> Opened:
        """Open the source (what must be closed again goes on ``stack``); raises
        :class:`BriefingError` when it cannot be read at all."""


# ---------------------------------------------------------------- files and folders


def _is_mbox(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(5) == b"From "
    except OSError:
        return False


def _is_maildir(path: Path) -> bool:
    return path.is_dir() and ((path / "cur").is_dir() or (path / "new").is_dir())


def _single(path: Path, stack: ExitStack) -> list[Incoming]:
    return [Incoming(origin=str(path), load=path.read_bytes)]


def _mailbox(kind: type, what: str, path: Path, stack: ExitStack) -> list[Incoming]:
    """The messages of an mbox file or a Maildir folder, in a stable order."""
    try:
        box = kind(str(path), factory=None, create=False)
        keys = list(box.keys())
    except (OSError, mailbox.Error) as error:
        raise BriefingError(f"无法读取{what} {path}：{getattr(error, 'strerror', None) or error}") from None
    stack.callback(box.close)
    if kind is mailbox.mbox:  # numbered in file order
        return [Incoming(origin=f"{path}#{number}", load=lambda key=key: box.get_bytes(key))
                for number, key in enumerate(keys, start=1)]
    return [Incoming(origin=f"{path}#{key}", load=lambda key=key: box.get_bytes(key)) for key in sorted(keys)]


def _mbox(path: Path, stack: ExitStack) -> list[Incoming]:
    return _mailbox(mailbox.mbox, "邮箱文件", path, stack)


def _maildir(path: Path, stack: ExitStack) -> list[Incoming]:
    return _mailbox(mailbox.Maildir, "邮件文件夹", path, stack)


def _folder(path: Path, stack: ExitStack) -> list[Incoming]:
    found: list[Incoming] = []
    for child in sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith(".")):
        if child.suffix.lower() in MBOX_SUFFIXES:
            found.extend(_mbox(child, stack))
        elif child.suffix.lower() in MESSAGE_SUFFIXES:
            found.extend(_single(child, stack))
    return found


REGISTRY: list[tuple[str, Callable[[Path], bool], Callable[[Path, ExitStack], list[Incoming]]]] = [
    ("Maildir", _is_maildir, _maildir),
    ("folder", Path.is_dir, _folder),
    ("mbox", _is_mbox, _mbox),
    ("message", lambda path: True, _single),
]
"""``(name, recognises(path), messages(path, stack))``: the first that recognises a path reads it."""


def open_paths(paths: Sequence[str | Path], stack: ExitStack) -> list[Incoming]:
    """Every message in ``paths``, in a stable order (see :data:`REGISTRY`).  Mailbox files stay
    open until ``stack`` closes.  Raises :class:`BriefingError` (exit 2) for a path that does
    not exist."""
    found: list[Incoming] = []
    for path in expand(paths, "邮件文件或文件夹"):
        opener = next(opener for _, recognises, opener in REGISTRY if recognises(path))
        found.extend(opener(path, stack))
    return found


def open_vouched(paths: Sequence[str | Path]) -> list[Incoming]:
    """The messages the clerk vouches for (``--vouch``): single message files only, since a
    vouch is for one mail the clerk has looked at.  Raises :class:`BriefingError` (exit 2)
    for a folder or a mailbox file."""
    found = []
    for path in expand(paths, "邮件文件"):
        if path.is_dir() or _is_mbox(path):
            raise BriefingError(f"--vouch 只能用于单个 .eml 邮件文件，不能是文件夹或邮箱文件：{path}。"
                                "请核实后一封一封地给出", exit_code=2)
        found.append(Incoming(origin=str(path), load=path.read_bytes, vouched=True))
    return found


class FileSource:
    """Message files, mbox files and Maildir or other folders given on the command line, and the
    message files the clerk vouches for."""

    def __init__(self, paths: Sequence[str | Path] = (), vouched: Sequence[str | Path] = ()):
        self.paths, self.vouched = list(paths), open_vouched(vouched)  # refused before anything is opened

    def open(self, stack: ExitStack) -> Opened:
        messages = open_paths(self.paths, stack) + self.vouched
        return Opened("导入邮件", len(messages), messages)
