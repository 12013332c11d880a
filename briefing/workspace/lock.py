"""The one lock file: a command that changes the workspace's records holds it while it works.

A lock is a file made with ``O_CREAT | O_EXCL`` (atomic on every system and on network shares,
no ``fcntl``), holding the holder's process id, host and start time.  It guards the issue
registry and the build record (held for a moment: others wait for it) and a whole
``briefing ingest`` (held for minutes: a second ingest is refused at once).

A lock is taken over, never waited for, when it is provably abandoned:

* its holder ran on this computer and that process no longer exists (killed, crashed, the
  computer restarted): known at once, no matter how recent the lock;
* it is older than ``stale`` seconds (a holder on another computer, or an unreadable lock file
  such as one left by an older version).  A long-running holder keeps its lock fresh with
  :meth:`Lock.touch`;
* it is not a regular file (a planted link or folder).

A folder where the lock cannot be made (read-only, a file in the way) is a Chinese message.
"""

from __future__ import annotations

import json
import os
import socket
import stat
import time
from pathlib import Path

from briefing.errors import BriefingError
from briefing.workspace.files import Damaged, folder_problem, read_json

BUSY = "另一个 briefing 命令正在使用这个工作目录（{path}），请等它结束后再试；如果确定没有在运行，删除这个文件后重试"


class Lock:
    """A lock file at ``path``; use as a context manager.

    ``wait``: seconds to wait for another holder before giving up (0: give up at once);
    ``stale``: age in seconds after which a lock whose holder cannot be checked is abandoned;
    ``busy``: the message when it stays held (``{path}`` is replaced by the lock's path).
    """

    def __init__(self, path: str | os.PathLike, wait: float = 30.0, stale: float = 120.0, busy: str = BUSY):
        self.path, self.wait, self.stale, self.busy = Path(path), wait, stale, busy

    def __enter__(self) -> "Lock":
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise folder_problem(self.path.parent, error) from None
        deadline = time.monotonic() + self.wait
        while True:
            try:
                fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            except FileExistsError:
                if self._abandoned():
                    self._take_over()
                    continue
                if time.monotonic() >= deadline:
                    raise BriefingError(self.busy.format(path=self.path)) from None
                time.sleep(0.05)
                continue
            except OSError as error:
                raise folder_problem(self.path.parent, error) from None
            with os.fdopen(fd, "w", encoding="utf-8") as handle:  # who holds it, for _abandoned
                handle.write(json.dumps({"pid": os.getpid(), "host": socket.gethostname(), "since": time.time()}))
            return self

    def touch(self) -> None:
        """Keep the lock fresh (a long-running holder, so that it is not taken for abandoned)."""
        try:
            os.utime(self.path)
        except OSError:
            pass

    def __exit__(self, *exc: object) -> None:
        try:
            os.unlink(self.path)
        except OSError:
            pass

    def _abandoned(self) -> bool:
        try:
            info = os.lstat(self.path)
        except OSError:
            return False  # gone meanwhile: just try again
        if not stat.S_ISREG(info.st_mode):
            return True   # a lock is a regular file made above; a link or folder is planted
        try:
            holder = read_json(self.path, limit=1024)
        except Damaged:
            holder = None
        if isinstance(holder, dict) and holder.get("host") == socket.gethostname() \
                and type(holder.get("pid")) is int and not _alive(holder["pid"]):
            return True
        return time.time() - info.st_mtime > self.stale

    def _take_over(self) -> None:
        try:
            os.unlink(self.path)
        except FileNotFoundError:
            pass
        except OSError:
            raise BriefingError(f"{self.path} 不是本程序的锁文件，也无法删除。请手工删除它后重试") from None


def _alive(pid: int) -> bool:
    """Whether process ``pid`` exists on this computer (``True`` when that cannot be told)."""
    if pid <= 0:
        return True
    if os.name == "nt":
        return _alive_windows(pid)
    try:
        os.kill(pid, 0)  # signal 0: only checks
    except ProcessLookupError:
        return False
    except OSError:
        return True      # exists, but belongs to someone else
    return True


def _alive_windows(pid: int) -> bool:
    """``OpenProcess`` (os.kill would end the process on Windows)."""
    try:
        import ctypes

        kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
        handle = kernel32.OpenProcess(0x00100000, False, pid)  # SYNCHRONIZE
        if not handle:
            return ctypes.get_last_error() != 87  # ERROR_INVALID_PARAMETER: no such process
        try:
            return kernel32.WaitForSingleObject(handle, 0) == 0x102  # WAIT_TIMEOUT: still running
        finally:
            kernel32.CloseHandle(handle)
    except Exception:  # noqa: BLE001 - cannot tell: keep the age rule
        return True
