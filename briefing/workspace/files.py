"""Atomic file writes (a temporary file in the same folder, then a rename), and careful reads of
the tool's own record files (:func:`read_record`, :func:`read_json`, :func:`read_json_dict`).

Every failure to write becomes a :class:`BriefingError` naming the path and what to do (a
read-only folder, a file where a folder should be, a full disk), never a traceback; the target
is then untouched and no temporary file is left behind.
"""

from __future__ import annotations

import errno
import json
import os
import stat
import tempfile
from pathlib import Path
from typing import Sequence

from briefing.errors import BriefingError, os_reason


def reason(error: OSError) -> str:
    """Why an operating-system call failed, in Chinese (:func:`briefing.errors.os_reason`)."""
    return os_reason(error)


def folder_problem(folder: Path, error: OSError) -> BriefingError:
    """A Chinese message for a folder that cannot be created or written in (``folder``, or
    the folder in which the failing call tried to create something)."""
    blocker = _file_in_the_way(folder)
    if error.filename and blocker is None:
        folder = Path(os.fsdecode(error.filename)).parent
    if str(folder) in ("", "."):
        folder = Path.cwd()
    if blocker is not None:
        return BriefingError(f"{blocker} 是一个文件，不是文件夹，无法在其中保存文件。"
                             "请把这个文件改名或移走，或换一个文件夹")
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return BriefingError(f"无法在文件夹 {folder} 中写入：{reason(error)}（文件夹可能是只读的）。"
                             "请检查这个文件夹的权限（属性里去掉“只读”），或换一个可以写入的文件夹")
    return BriefingError(f"无法在文件夹 {folder} 中写入：{reason(error)}")


def _file_in_the_way(folder: Path) -> Path | None:
    """The nearest existing ancestor of ``folder`` (itself included) that is not a folder."""
    for candidate in (folder, *folder.parents):
        if candidate.exists() or candidate.is_symlink():
            return None if candidate.is_dir() else candidate
    return None


def _inside(real: str, roots: Sequence[str]) -> bool:
    real = os.path.normcase(real)
    return any(real == os.path.normcase(root) or real.startswith(os.path.normcase(root).rstrip(os.sep) + os.sep)
               for root in roots)


def confine(folder: str | os.PathLike, roots: Sequence[str]) -> None:
    """Stop (:class:`BriefingError`) unless ``folder``, with every link in it followed, is inside
    one of ``roots`` (real paths, resolved once when the workspace was opened).

    Checked before a folder is created or written in, so that a link planted in the workspace
    (``entries/2023-W17`` → somewhere else) never makes the tool write elsewhere.  The message
    names the link.  Folders not created yet count by their nearest existing ancestor.
    """
    if not roots:
        return
    folder = Path(os.path.abspath(folder))
    if _inside(os.path.realpath(folder), roots):
        return
    link = next((p for p in (folder, *folder.parents) if os.path.islink(p) and not _inside(os.path.realpath(p), roots)),
                folder)
    raise BriefingError(f"{link} 是指向工作目录以外（{os.path.realpath(link)}）的快捷方式（符号链接），"
                        f"为安全起见没有写入。工作目录里的文件夹应是真正的文件夹：请删除这个链接后重新运行")


def write_bytes(path: str | os.PathLike, data: bytes, inside: Sequence[str] = ()) -> Path:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never half.

    With ``inside`` (the workspace's real roots), the folder written in must be inside them
    (:func:`confine`); a link at ``path`` itself is replaced, never written through.
    """
    path = Path(path)
    tmp = stage(path, data, inside)
    try:
        os.replace(tmp, path)
    except IsADirectoryError:
        _discard(tmp)
        raise BriefingError(f"无法写入 {path}：已有一个同名的文件夹。请把它改名或移走") from None
    except PermissionError:
        _discard(tmp)
        raise BriefingError(f"无法写入 {path}：没有权限，或文件正被其他程序（Word、WPS、Excel 等）打开，请关闭后重试") from None
    except OSError as error:
        _discard(tmp)
        raise BriefingError(f"无法写入 {path}：{reason(error)}") from None
    return path


def stage(path: str | os.PathLike, data: bytes, inside: Sequence[str] = ()) -> str:
    """Write ``data`` to a new temporary file in ``path``'s folder (made if missing) and return
    its name, ready to be moved into place with ``os.replace``; nothing is left on failure.
    With ``inside``, the folder must be inside the workspace (:func:`confine`)."""
    path = Path(path)
    confine(path.parent, inside)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        confine(path.parent, inside)  # made through a link swapped in meanwhile?
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as error:
        raise folder_problem(path.parent, error) from None
    try:
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; a normal file follows the umask
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as error:
        _discard(tmp)
        raise BriefingError(f"无法写入 {path}：{reason(error)}") from None
    return tmp


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_text(path: str | os.PathLike, text: str, inside: Sequence[str] = ()) -> Path:
    """:func:`write_bytes` for UTF-8 text."""
    return write_bytes(path, text.encode("utf-8"), inside)


def discard(tmp: str) -> None:
    """Remove a temporary file, if it is still there."""
    _discard(tmp)


def _discard(tmp: str) -> None:
    try:
        os.unlink(tmp)
    except OSError:
        pass


class Damaged(Exception):
    """A record file that exists but cannot be used; the message says why, in Chinese."""


def read_record(path: Path, limit: int = 4 << 20) -> bytes | None:
    """The bytes of one of the tool's small record files, ``None`` when there is none.

    Anything else at that name (a folder, a link, a device such as ``/dev/zero``, a named pipe,
    a file too large to be ours, one that cannot be read) raises :class:`Damaged`: a planted or
    broken file must not hang a command or be followed out of the workspace.  The file is
    opened without following a link and without waiting on a pipe, and checked on the open
    handle, so nothing can be swapped in between the check and the read.
    """
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return None
    except OSError as error:
        raise Damaged(f"无法读取（{reason(error)}）") from None
    if not stat.S_ISREG(info.st_mode):
        raise Damaged("不是普通文件（可能是文件夹或快捷方式）")
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as error:
        if error.errno == errno.ELOOP:  # a link swapped in after the check
            raise Damaged("不是普通文件（可能是文件夹或快捷方式）") from None
        raise Damaged(f"无法读取（{reason(error)}）") from None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise Damaged("不是普通文件（可能是文件夹或快捷方式）")
        if info.st_size > limit:
            raise Damaged("文件大得不正常")
        try:
            data = handle.read(limit + 1)
        except OSError as error:
            raise Damaged(f"无法读取（{reason(error)}）") from None
    if len(data) > limit:
        raise Damaged("文件大得不正常")
    return data


def read_json(path: Path, limit: int = 4 << 20) -> object:
    """The JSON in one of the tool's record files (:func:`read_record`), ``None`` when there is
    none; :class:`Damaged` when it is not a regular file, too large, or not JSON."""
    data = read_record(path, limit)
    if data is None:
        return None
    try:
        return json.loads(data.decode("utf-8-sig"))  # a BOM, as Notepad saves, is not damage
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise Damaged("不是有效的 JSON") from None


def read_json_dict(path: Path) -> dict:
    """A record whose loss costs little: its JSON object, or ``{}`` if missing or damaged."""
    try:
        data = read_json(path)
    except Damaged:
        return {}
    return data if isinstance(data, dict) else {}
