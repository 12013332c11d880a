"""Atomic file writes: a temporary file in the same folder, then a rename."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from briefing.errors import BriefingError


def write_bytes(path: str | os.PathLike, data: bytes) -> Path:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never half."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; a normal file follows the umask
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except PermissionError:
        _discard(tmp)
        raise BriefingError(f"无法写入 {path}：没有权限，或文件正被其他程序（Word、WPS、Excel 等）打开，请关闭后重试") from None
    except OSError as error:
        _discard(tmp)
        raise BriefingError(f"无法写入 {path}：{error.strerror or error}") from None
    return path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_text(path: str | os.PathLike, text: str) -> Path:
    """:func:`write_bytes` for UTF-8 text."""
    return write_bytes(path, text.encode("utf-8"))


def _discard(tmp: str) -> None:
    try:
        os.unlink(tmp)
    except OSError:
        pass


class FileLock:
    """A cross-platform lock file (``O_CREAT | O_EXCL``) held for a short read-modify-write."""

    def __init__(self, path: str | os.PathLike, timeout: float = 30.0, stale: float = 120.0):
        self.path, self.timeout, self.stale = Path(path), timeout, stale

    def __enter__(self) -> "FileLock":
        import time

        self.path.parent.mkdir(parents=True, exist_ok=True)
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                os.close(os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
                return self
            except FileExistsError:
                if self._is_stale():  # left behind by a crash long ago
                    _discard(str(self.path))
                    continue
                if time.monotonic() > deadline:
                    raise BriefingError(f"另一个 briefing 命令正在使用这个工作目录（{self.path}），请等它结束后再试") from None
                time.sleep(0.05)

    def _is_stale(self) -> bool:
        import time

        try:
            return time.time() - self.path.stat().st_mtime > self.stale
        except OSError:
            return False

    def __exit__(self, *exc: object) -> None:
        _discard(str(self.path))
