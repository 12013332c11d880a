"""Links planted in the workspace never make the tool read or write outside it, state files are
read only when they are regular files of a sane size, and operating-system errors are named in
Chinese (hostile re-check r03, r04, r05 and the minor items)."""

from __future__ import annotations

import errno
import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefing.cli import cli
from briefing.errors import BriefingError, os_reason
from briefing.mail.log import LogRecord, append_log, read_log
from briefing.workspace import files
from briefing.workspace.files import Damaged, read_json, read_record

from conftest import write_mail

WEEK = ["--week", "2023-W02"]
C_REPORT = "unit: C园区\nweek: 2023-W02\nreporter: 丙\n"


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def outside_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    (folder / "keep.txt").write_text("the clerk's own file\n", encoding="utf-8")
    return folder


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# ---------------------------------------------------------------- r04, r05: writes through links


def test_the_ingest_log_is_never_appended_through_a_link(tmp_path):
    state = tmp_path / ".briefing"
    state.mkdir()
    victim = tmp_path / "bashrc"
    victim.write_text("# start-up file\n", encoding="utf-8")
    (state / "ingest.jsonl").symlink_to(victim)
    with pytest.raises(BriefingError) as caught:
        append_log(state, [LogRecord(kind="message", outcome="empty", time="", seq=1, sha256="ab", message="",
                                      subject="$(touch x)")])
    assert victim.read_text(encoding="utf-8") == "# start-up file\n"
    assert "ingest.jsonl" in caught.value.message and "快捷方式" in caught.value.message


@pytest.mark.parametrize("link", ["entries/2023-W02", "entries", "archive", "archive/mail", ".briefing"])
def test_ingest_never_writes_through_a_link_leading_out_of_the_workspace(small, tmp_path, link):
    root = small.parent
    elsewhere = outside_folder(tmp_path)
    place = root / link
    if place.exists():  # its content moves out, the link stands in its place
        for item in place.iterdir():
            shutil.move(str(item), elsewhere / item.name)
        place.rmdir()
    place.parent.mkdir(parents=True, exist_ok=True)
    place.symlink_to(elsewhere)
    before = tree(elsewhere)
    mail = write_mail(tmp_path / "c.eml", C_REPORT, "C园区.yaml")
    result = invoke("ingest", "--config", small, mail)
    assert result.exit_code == 1, result.output
    assert tree(elsewhere) == before  # nothing written, replaced or moved out there
    assert str(place) in result.output and "工作目录以外" in result.output and "程序内部错误" not in result.output


@pytest.mark.parametrize("link", ["output", ".briefing"])
def test_build_never_writes_through_a_link_leading_out_of_the_workspace(small, tmp_path, link):
    elsewhere = outside_folder(tmp_path)
    (small.parent / link).symlink_to(elsewhere)
    result = invoke("build", "--config", small, *WEEK, "--format", "md")
    assert result.exit_code == 1, result.output
    assert tree(elsewhere) == {"keep.txt": "the clerk's own file\n".encode()}
    assert str(small.parent / link) in result.output and "工作目录以外" in result.output


def test_links_that_stay_inside_and_folders_the_clerk_names_are_written(small, tmp_path):
    root = small.parent
    (root / "real-output").mkdir()
    (root / "output").symlink_to(root / "real-output")  # a link inside the workspace: fine
    assert invoke("build", "--config", small, *WEEK, "--format", "md").exit_code == 0
    assert list((root / "real-output").glob("*.md"))
    named = tmp_path / "shared"  # named on the command line: the clerk's own choice
    result = invoke("build", "--config", small, *WEEK, "--format", "md", "--output", named)
    assert result.exit_code == 0, result.output
    assert list(named.glob("*.md"))


# ---------------------------------------------------------------- r03: state files read safely


def test_a_link_swapped_in_after_the_check_is_not_followed(tmp_path, monkeypatch):
    secret = tmp_path / "secret.json"
    secret.write_text('{"outside": true}', encoding="utf-8")
    record = tmp_path / "issues.json"
    record.symlink_to(secret)
    regular = os.stat(secret)
    monkeypatch.setattr(files.os, "lstat", lambda path: regular)  # the check saw a regular file
    with pytest.raises(Damaged):
        read_record(record)


def test_a_huge_sparse_log_is_refused_not_read(small):
    state = small.parent / ".briefing"
    state.mkdir()
    with open(state / "ingest.jsonl", "wb") as handle:
        handle.truncate(8 << 30)  # 8 GB of nothing, in no disk space
    result = invoke("status", "--config", small, *WEEK)
    assert result.exit_code == 1 and "大得不正常" in result.output and "移出" in result.output, result.output


def test_a_named_pipe_as_the_log_is_refused(small, tmp_path):
    state = small.parent / ".briefing"
    state.mkdir()
    os.mkfifo(state / "ingest.jsonl")
    mail = write_mail(tmp_path / "c.eml", C_REPORT, "C园区.yaml")
    for command in (["status", "--config", small, *WEEK], ["ingest", "--config", small, mail]):
        result = invoke(*command)
        assert result.exit_code == 1 and "ingest.jsonl" in result.output and "不是普通文件" in result.output


# ---------------------------------------------------------------- minor: BOM, Chinese OS errors


def test_a_bom_at_the_start_of_a_state_file_is_not_damage(tmp_path):
    (tmp_path / "issues.json").write_bytes(b"\xef\xbb\xbf" + json.dumps({"2023": {"2023-W02": 3}}).encode())
    assert read_json(tmp_path / "issues.json") == {"2023": {"2023-W02": 3}}
    line = json.dumps({"kind": "message", "outcome": "empty", "time": "", "seq": 1, "sha256": "ab", "message": ""})
    (tmp_path / "ingest.jsonl").write_bytes(b"\xef\xbb\xbf" + line.encode() + b"\n")
    (record,) = read_log(tmp_path)
    assert (record.kind, record.seq) == ("message", 1)


@pytest.mark.parametrize("number, words", [(errno.EACCES, "没有权限"), (errno.ENOENT, "不存在"),
                                           (errno.ENOSPC, "磁盘已满"), (errno.EROFS, "只读"),
                                           (errno.ENAMETOOLONG, "文件名太长"), (errno.EIO, "磁盘读写出错")])
def test_os_errors_are_named_in_chinese(number, words):
    assert words in os_reason(OSError(number, os.strerror(number)))


def test_an_unknown_os_error_never_shows_the_systems_english_text():
    text = os_reason(OSError(errno.ENOLINK, os.strerror(errno.ENOLINK)))
    assert os.strerror(errno.ENOLINK) not in text and "ENOLINK" in text


def test_an_unreadable_mail_file_is_named_in_chinese(small, tmp_path, monkeypatch):
    mail = write_mail(tmp_path / "c.eml", C_REPORT, "C园区.yaml")
    real = Path.read_bytes

    def denied(self):
        if self == mail:
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", denied)
    result = invoke("ingest", "--config", small, mail)
    assert "没有权限" in result.output and "Permission denied" not in result.output, result.output
