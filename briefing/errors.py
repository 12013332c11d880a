"""The package's one exception class and the diagnostics it carries.

Every problem a user can fix is a :class:`Problem` (``PATH:LINE:COL: 错误: …``).  Library code
collects problems and raises a single :class:`BriefingError` once, after checking everything
(the way ``mkdocs`` gathers config errors), so a clerk sees every mistake in one run.
"""

from __future__ import annotations

import errno
from typing import NamedTuple  # not dataclasses: it imports inspect, and this loads with --help

ERROR = "错误"
WARNING = "警告"


def quotable(value: object) -> str:
    """A user's text as it goes between “ and ” in a message: its own “ and ” become ASCII quotes.

    Every value a message quotes passes through here, so each quoted value is exactly one “…”
    pair; receipts (:mod:`briefing.mail.receipts`) hide the quoted values that are not the
    bureau's own words, and a typed ” must not end the quote early and let text out.
    """
    return str(value).replace("“", '"').replace("”", '"')


class Problem(NamedTuple):
    """One diagnostic about one place in one file (1-based line and column)."""

    path: str
    line: int
    col: int
    message: str
    severity: str = ERROR

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.severity}: {self.message}"

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR


class BriefingError(Exception):
    """A failure the user can act on; the CLI prints it without a traceback.

    ``problems`` lists file diagnostics (printed one per line before the message);
    ``exit_code`` is 1 for bad data and 2 for bad usage, as in ``briefing validate``.
    """

    def __init__(self, message: str, problems: list[Problem] | None = None, exit_code: int = 1):
        super().__init__(message)
        self.message = message
        self.problems = list(problems or [])
        self.exit_code = exit_code


_OS_REASONS = {
    errno.EACCES: "没有权限",
    errno.EPERM: "没有权限",
    errno.EROFS: "磁盘或文件夹是只读的",
    errno.ENOSPC: "磁盘已满",
    errno.ENOTDIR: "路径中有一部分是文件而不是文件夹",
    errno.EISDIR: "这是一个文件夹",
    errno.ENOENT: "不存在",
    errno.ELOOP: "符号链接循环",
    errno.EEXIST: "已存在",
    errno.ENAMETOOLONG: "文件名太长",
    errno.EBUSY: "正被其他程序占用",
    errno.ETXTBSY: "正被其他程序占用",
    errno.EMFILE: "同时打开的文件太多",
    errno.ENFILE: "同时打开的文件太多",
    errno.EIO: "磁盘读写出错",
    errno.EFBIG: "文件太大",
    errno.EXDEV: "不能跨磁盘移动",
    errno.ENOTEMPTY: "文件夹不是空的",
    errno.EAGAIN: "暂时无法访问",
    errno.ENXIO: "设备不存在",
    errno.ETIMEDOUT: "连接超时",
    errno.ECONNREFUSED: "连接被拒绝",
    errno.ECONNRESET: "连接被对方断开",
    errno.EHOSTUNREACH: "无法连接到这台主机",
    errno.ENETUNREACH: "网络不通",
}
if hasattr(errno, "EDQUOT"):
    _OS_REASONS[errno.EDQUOT] = "超出磁盘配额"


def os_reason(error: BaseException) -> str:
    """Why an operating-system call failed, in Chinese (the system's own text is English):
    from the error number, else the number's name, never ``Permission denied``."""
    number = getattr(error, "errno", None)
    if number in _OS_REASONS:
        return _OS_REASONS[number]
    if isinstance(number, int) and number in errno.errorcode:
        return f"系统错误 {errno.errorcode[number]}"
    return f"系统错误（{type(error).__name__}）"
