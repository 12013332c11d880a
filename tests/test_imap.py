"""``briefing ingest --imap`` against a real Dovecot on loopback (see ``servers.py``)."""

from __future__ import annotations

import hashlib
import imaplib
import json
import os

import pytest
from click.testing import CliRunner

import mailcorpus
from briefing.mail import engine as engine_module
from briefing.mail import imap as imap_module
from briefing.cli import cli
from briefing.actions.ingest import run
from briefing.mail.log import read_log
from briefing.workspace.layout import open_workspace
from conftest import write_workspace
from servers import PASSWORD, USER

KEYWORD = "$BriefingIngested"


def workspace(tmp_path, server, extra: str = ""):
    config = mailcorpus.CONFIG.replace("mail:\n", f"""mail:
  imap:
    host: 127.0.0.1
    port: {server.port}
    ssl: false
    user: {USER}
{extra}""")
    return write_workspace(tmp_path / "ws", config=config)


def ingest(config, *args, password: str = PASSWORD):
    return CliRunner().invoke(cli, ["ingest", "--config", str(config), "--imap", *args],
                              env={"BRIEFING_IMAP_PASSWORD": password})


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_imap_sends_id_before_select_keeps_raw_bytes_and_flags_after_storing(tmp_path, dovecot, monkeypatch):
    raw = mailcorpus.messages()
    dovecot.deliver(raw["m01"], raw["m02"], raw["m04"], raw["m08"], raw["m10"])
    config = workspace(tmp_path, dovecot)
    commands: list[str] = []
    real = imaplib.IMAP4._command

    def spy(self, name, *args):
        commands.append(name if name != "UID" else f"UID {args[0]}".upper())
        return real(self, name, *args)

    monkeypatch.setattr(imaplib.IMAP4, "_command", spy)
    result = ingest(config)
    assert result.exit_code == 0, result.output

    sent = list(commands)  # before the test's own IMAP look-ups below
    assert "ID" in sent and sent.index("ID") < sent.index("SELECT")
    assert "ID sent: name=briefing" in dovecot.log_text()
    root = config.parent
    assert (root / "entries" / "2023-W17" / "A县.yaml").read_bytes() == mailcorpus.A_V2
    assert (root / "entries" / "2023-W17" / "B县.yaml").read_bytes() == mailcorpus.B_GBK
    assert not (root / "entries" / "2023-W15").exists()
    kept = {sha(p.read_bytes()) for p in (root / "archive" / "mail").rglob("*.eml")}
    assert kept == {sha(raw[n]) for n in ("m01", "m02", "m04", "m08", "m10")}  # BODY.PEEK[] bytes, untouched
    records = read_log(root / ".briefing")
    assert [r.outcome for r in records] == ["accepted", "accepted", "quarantined", "replaced", "rejected"]
    assert all(r.source.startswith(f"imap://{USER}@127.0.0.1/INBOX;UIDVALIDITY=") and ";UID=" in r.source
               for r in records)
    assert all(r.arrived for r in records)  # INTERNALDATE
    flags = dovecot.flags()
    assert len(flags) == 5
    assert all(KEYWORD in f and "\\Seen" not in f for f in flags.values()), flags
    # each message is flagged right after it was fetched and stored, never before
    assert [c for c in sent if c in ("UID FETCH", "UID STORE")] == ["UID FETCH", "UID STORE"] * 5

    log_before = (root / ".briefing" / "ingest.jsonl").read_bytes()
    commands.clear()
    again = ingest(config)
    assert again.exit_code == 0, again.output
    assert "UID SEARCH" in commands and "UID FETCH" not in commands  # flagged messages are not fetched again
    assert (root / ".briefing" / "ingest.jsonl").read_bytes() == log_before

    dovecot.deliver(raw["m09"])  # an older draft, arriving last
    third = ingest(config)
    assert third.exit_code == 0, third.output
    assert read_log(root / ".briefing")[-1].outcome == "superseded"
    assert (root / "entries" / "2023-W17" / "A县.yaml").read_bytes() == mailcorpus.A_V2


def test_a_crash_between_storing_and_flagging_fetches_again_and_dedups(tmp_path, dovecot, monkeypatch):
    raw = mailcorpus.messages()
    dovecot.deliver(raw["m01"], raw["m08"])
    config = workspace(tmp_path, dovecot)
    real_mark = imap_module._mark

    def crash(box, uids, *args):
        if uids:
            raise RuntimeError("killed between store and flag")

    monkeypatch.setattr(imap_module, "_mark", crash)
    with pytest.raises(RuntimeError):
        run(open_workspace(config), use_imap=True, imap_password=PASSWORD)
    root = config.parent
    assert (root / "entries" / "2023-W17" / "A县.yaml").read_bytes() == mailcorpus.A_V1  # stored and logged
    assert len(read_log(root / ".briefing")) == 1
    assert not any(KEYWORD in f for f in dovecot.flags().values())  # but not flagged

    monkeypatch.setattr(imap_module, "_mark", real_mark)
    fetched: list[str] = []
    real_fetch = imap_module._fetch

    def counting(client, uid):
        fetched.append(uid)
        return real_fetch(client, uid)

    monkeypatch.setattr(imap_module, "_fetch", counting)
    result = run(open_workspace(config), use_imap=True, imap_password=PASSWORD)
    assert len(fetched) == 2  # m01 fetched again ...
    assert [h.skipped for h in result.handled] == [True, False]  # ... and recognised
    records = read_log(root / ".briefing")
    assert [r.outcome for r in records] == ["accepted", "replaced"]
    assert all(KEYWORD in f for f in dovecot.flags().values())
    assert (root / "entries" / "2023-W17" / "A县.yaml").read_bytes() == mailcorpus.A_V2


def test_move_to_a_folder_after_storing(tmp_path, dovecot):
    raw = mailcorpus.messages()
    dovecot.deliver(raw["m01"], raw["m15"])
    config = workspace(tmp_path, dovecot, extra="    move_to: 已导入\n")
    result = ingest(config)
    assert result.exit_code == 0, result.output
    assert dovecot.flags("INBOX") == {}
    from imap_tools.imap_utf7 import utf7_encode

    moved = dovecot.flags(utf7_encode("已导入").decode())
    assert set(moved) == {b"<m01@corpus.example>", b"<m15@corpus.example>"}
    assert [r.outcome for r in read_log(config.parent / ".briefing")] == ["accepted", "empty"]
    assert ingest(config).exit_code == 0
    assert len(read_log(config.parent / ".briefing")) == 2


def test_a_server_without_keywords_is_remembered_by_uid(tmp_path, dovecot, monkeypatch):
    raw = mailcorpus.messages()
    dovecot.deliver(raw["m01"], raw["m02"])
    config = workspace(tmp_path, dovecot)
    real = imap_module._untagged

    def no_keywords(client, name):
        return b"(\\Answered \\Flagged \\Deleted \\Seen \\Draft)" if name == "PERMANENTFLAGS" else real(client, name)

    monkeypatch.setattr(imap_module, "_untagged", no_keywords)
    result = ingest(config)
    assert result.exit_code == 0, result.output
    assert "不支持给邮件加自定义标记" in result.output
    assert not any(KEYWORD in f for f in dovecot.flags().values())
    state = json.loads((config.parent / ".briefing" / "imap.json").read_text(encoding="utf-8"))
    (entry,) = state.values()
    assert entry["done"] == ["1", "2"] and entry["uidvalidity"]

    fetched: list[str] = []
    real_fetch = imap_module._fetch
    monkeypatch.setattr(imap_module, "_fetch", lambda client, uid: fetched.append(uid) or real_fetch(client, uid))
    dovecot.deliver(raw["m08"])
    assert ingest(config).exit_code == 0
    assert fetched == ["3"]
    assert [r.outcome for r in read_log(config.parent / ".briefing")] == ["accepted", "accepted", "replaced"]


def test_wrong_password_is_a_chinese_error(tmp_path, dovecot):
    config = workspace(tmp_path, dovecot)
    result = ingest(config, password="wrong")
    assert result.exit_code == 1 and "登录 127.0.0.1 失败" in result.output and "授权码" in result.output
    assert "Traceback" not in result.output
    assert not (config.parent / "archive").exists()


def test_missing_folder_and_closed_port(tmp_path, dovecot):
    config = workspace(tmp_path, dovecot, extra="    folder: 不存在\n")
    result = ingest(config)
    assert result.exit_code == 1 and "打开邮件夹“不存在”失败" in result.output
    closed = write_workspace(tmp_path / "closed", config=mailcorpus.CONFIG.replace(
        "mail:\n", "mail:\n  imap: {host: 127.0.0.1, port: 1, ssl: false, user: x}\n"))
    result = ingest(closed)
    assert result.exit_code == 1 and "无法连接邮件服务器 127.0.0.1:1" in result.output


def test_password_comes_from_the_environment_or_a_prompt_never_the_config(tmp_path, dovecot):
    config = workspace(tmp_path, dovecot)
    env = {k: v for k, v in os.environ.items() if k != "BRIEFING_IMAP_PASSWORD"}
    result = CliRunner().invoke(cli, ["ingest", "--config", str(config), "--imap"], env={"BRIEFING_IMAP_PASSWORD": None})
    assert result.exit_code == 2 and "BRIEFING_IMAP_PASSWORD" in result.output  # no terminal to ask on
    assert env.get("BRIEFING_IMAP_PASSWORD") is None
    custom = workspace(tmp_path / "custom", dovecot, extra="    password_env: MY_MAIL_CODE\n")
    result = CliRunner().invoke(cli, ["ingest", "--config", str(custom), "--imap"], env={"MY_MAIL_CODE": PASSWORD})
    assert result.exit_code == 0, result.output


def test_a_mail_that_stalled_a_run_is_skipped_next_time_with_its_reason(tmp_path, dovecot, monkeypatch):
    """A run killed while parsing a message (the parser stuck on it) left a trace; the next run
    logs it as interrupted, flags it and goes on, instead of stalling on it again."""
    raw = mailcorpus.messages()
    dovecot.deliver(raw["m01"], raw["m02"])
    config = workspace(tmp_path, dovecot)

    class Killed(BaseException):
        pass

    real = engine_module.read_letter

    def stuck(data, limit):
        if data == raw["m01"]:
            raise Killed  # kill -9 while the parser is busy with m01
        return real(data, limit)

    monkeypatch.setattr(engine_module, "read_letter", stuck)
    with pytest.raises(Killed):
        run(open_workspace(config), use_imap=True, imap_password=PASSWORD)
    monkeypatch.setattr(engine_module, "read_letter", real)
    root = config.parent
    assert read_log(root / ".briefing") == [] and not any(KEYWORD in f for f in dovecot.flags().values())

    result = ingest(config)
    assert result.exit_code == 0, result.output
    records = read_log(root / ".briefing")
    assert [(r.outcome, r.unit) for r in records] == [("interrupted", None), ("accepted", "B县")]
    assert "中断" in records[0].errors[0] and "读取中断" in result.output
    assert all(KEYWORD in f for f in dovecot.flags().values())  # both done: m01 is not fetched again
    assert not (root / "entries" / "2023-W17" / "A县.yaml").exists()


def test_a_mail_with_a_huge_header_is_refused_and_flagged(tmp_path, dovecot):
    huge = mailcorpus.huge_content_type(400_000)
    raw = mailcorpus.messages()
    dovecot.deliver(huge, raw["m01"])
    config = workspace(tmp_path, dovecot)
    result = ingest(config)
    assert result.exit_code == 0, result.output
    records = read_log(config.parent / ".briefing")
    assert [(r.kind, r.outcome) for r in records] == [("message", "rejected"), ("report", "accepted")]
    assert "邮件头过大" in records[0].errors[0]
    assert all(KEYWORD in f for f in dovecot.flags().values())
