"""``briefing ingest`` over .eml files, an mbox and a Maildir: the hostile corpus of
``mailcorpus.py``, ingested twice, in any order; header decoding; storing, history, the log."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

import mailcorpus
from briefing.cli import cli
from briefing.actions.ingest import run
from briefing.mail.engine import Ingest
from briefing.mail.headers import decode_words, header_param, parse_sender, text_from_bytes
from briefing.mail.log import LOG_NAME, read_log
from briefing.mail.message import read_letter
from briefing.mail.sources import Incoming
from briefing.workspace.layout import open_workspace
from conftest import SMALL_CONFIG, SMALL_REPORTS, write_workspace
from briefing.mail.log import LogRecord


def invoke(*args, cwd: Path | None = None, env: dict | None = None):
    old = os.getcwd()
    if cwd is not None:
        os.chdir(cwd)
    try:
        return CliRunner().invoke(cli, [str(a) for a in args], env=env)
    finally:
        os.chdir(old)


def tree(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` with the hash of its bytes."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def corpus(tmp_path):
    return mailcorpus.build(tmp_path / "corpus")


@pytest.fixture
def ws(tmp_path):
    return write_workspace(tmp_path / "ws", config=mailcorpus.CONFIG)


def entries_of(config: Path) -> dict[str, bytes]:
    root = config.parent / "entries"
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


FIXTURE_ENTRIES = set(SMALL_REPORTS)


# ---------------------------------------------------------------- the corpus, end to end


def test_corpus_ingested_twice_yields_exactly_the_right_reports(tmp_path, corpus, ws):
    elsewhere = tmp_path / "cwd"
    elsewhere.mkdir()
    outside_before = {k: v for k, v in tree(tmp_path).items() if not k.startswith("ws/")}

    first = invoke("ingest", "--config", ws, *corpus.sources, cwd=elsewhere)
    assert first.exit_code == 0, first.output
    assert "Traceback" not in first.output

    entries = entries_of(ws)
    assert set(entries) == FIXTURE_ENTRIES | set(mailcorpus.EXPECTED_ENTRIES)
    for name, content in mailcorpus.EXPECTED_ENTRIES.items():
        assert entries[name] == content, name  # the attachment's own bytes (GBK stays GBK)
    assert not list(tmp_path.rglob("evil.yaml"))

    # Every message read is kept, byte for byte, under a hashed name.
    kept = {sha(p.read_bytes()) for p in (ws.parent / "archive" / "mail").rglob("*.eml")}
    assert kept == {sha(raw) for raw in corpus.messages.values()}
    assert all(p.name[:-4] == sha(p.read_bytes())[:16] for p in (ws.parent / "archive" / "mail").rglob("*.eml"))

    after_first = tree(ws.parent)
    second = invoke("ingest", "--config", ws, *corpus.sources, cwd=elsewhere)
    assert second.exit_code == 0, second.output
    assert "都已导入过，本次没有变化" in second.output
    assert tree(ws.parent) == after_first  # not a byte changed, the log included

    outside_after = {k: v for k, v in tree(tmp_path).items() if not k.startswith("ws/")}
    assert outside_after == outside_before  # nothing written outside the workspace
    assert invoke("validate", "--config", ws).exit_code == 0


def test_each_message_gets_the_outcome_worked_out_by_hand(corpus, ws):
    result = invoke("ingest", "--config", ws, *corpus.sources)
    assert result.exit_code == 0, result.output
    records = read_log(ws.parent / ".briefing")
    by_message = {}
    for record in records:
        by_message.setdefault(record.sha256, []).append(record)
    names = {sha(raw): name for name, raw in corpus.messages.items()}
    assert set(names) == set(by_message)
    for digest, logged in by_message.items():
        name = names[digest]
        outcome, unit, week = mailcorpus.EXPECTED[name]
        assert len(logged) == 1, (name, logged)
        record = logged[0]
        assert record.outcome == outcome.replace("replaced-later", "accepted"), (name, record)
        assert (record.unit, record.week) == (unit, week), name
        assert record.message and (ws.parent / record.message).is_file()
        assert record.seq >= 1 and record.time
    # seq is the arrival order: one number per message, no gaps
    assert sorted(r.seq for r in records) == list(range(1, len(records) + 1))

    log = {names[r.sha256]: r for r in records}
    assert log["m08"].records == 3 and log["m01"].records == 2 and log["m02"].records == 2
    assert log["m08"].date == "2023-04-25T10:00:00+08:00" and log["m08"].sender == mailcorpus.A
    assert log["m08"].previous.startswith("archive/history/2023-W17/A县-20230424-090000-")
    assert (ws.parent / log["m08"].previous).read_bytes() == mailcorpus.A_V1
    assert log["m09"].stored.startswith("archive/history/2023-W17/A县-20230423-180000-")
    assert (ws.parent / log["m09"].stored).read_bytes() == mailcorpus.A_V0
    assert log["m04"].stored.startswith("archive/quarantine/")
    assert (ws.parent / log["m04"].stored).read_bytes() == mailcorpus.EVIL
    assert "不在 briefing.yaml 的 senders 名单中" in log["m04"].errors[0]
    assert "不能报送“A县”" in log["m05"].errors[0]
    assert log["m10"].errors[0].startswith(mailcorpus.BROKEN_ERROR) and "改成 6" in log["m10"].errors[0]
    assert (ws.parent / log["m10"].stored).read_bytes() == mailcorpus.BROKEN
    assert "压缩包" in log["m11"].errors[0] and "过大" in log["m12"].errors[0]
    assert log["m07"].duplicate_of == log["m02"].message
    assert any("含有文件夹路径" in note for note in log["m06"].notes) and log["m06"].attachment == "evil.yaml"
    assert any("报表.xlsx" in note for note in log["m15"].notes)
    assert any("格式不规范" in note for note in log["m13b"].notes)
    assert log["m02"].attachment == "B自治县第17周.yaml"  # RFC 2047, gb2312 label, GBK bytes
    assert log["m14"].attachment == "B县.yaml"  # unknown charset label
    assert log["m14"].sender == "b-backup@county.example"


def test_summary_table_speaks_chinese(corpus, ws):
    result = invoke("ingest", "--config", ws, *corpus.sources)
    out = result.output
    assert "序号" in out and "发件人" in out and "结果" in out
    for label in ("已入库", "已替换旧版", "旧版存档", "退回", "已隔离", "重复", "无报告"):
        assert label in out, label
    assert "结果：已入库 6 份，已替换旧版 1 份，旧版存档 1 份，退回 3 份，已隔离 2 份，重复 1 份，无报告 2 封。" in out
    assert "其中 1 封已导入过" in out  # the exact copy of m02
    assert "注意" not in out  # senders are configured: no warning


def test_order_of_sources_does_not_change_the_reports(tmp_path, corpus):
    results = []
    for number, order in enumerate((corpus.sources, corpus.sources[::-1], [corpus.maildir, corpus.eml, corpus.mbox])):
        config = write_workspace(tmp_path / f"ws{number}", config=mailcorpus.CONFIG)
        assert invoke("ingest", "--config", config, *order).exit_code == 0
        results.append(entries_of(config))
    assert results[0] == results[1] == results[2]
    # in reverse order the older draft and the first version both come after the correction
    records = read_log(tmp_path / "ws1" / ".briefing")
    a17 = [r.outcome for r in records if (r.unit, r.week) == ("A县", "2023-W17") and r.kind == "report"]
    assert a17 == ["accepted", "superseded", "superseded", "quarantined"]  # m08, m09, m01, m04


def test_older_correction_arriving_later_does_not_replace(tmp_path):
    config = write_workspace(tmp_path / "ws", config=mailcorpus.CONFIG)
    raw = mailcorpus.messages()
    for name in ("m08", "m01", "m09"):  # newest first
        (tmp_path / f"{name}.eml").write_bytes(raw[name])
    assert invoke("ingest", "--config", config, *(tmp_path / f"{n}.eml" for n in ("m08", "m01", "m09"))).exit_code == 0
    assert entries_of(config)["2023-W17/A县.yaml"] == mailcorpus.A_V2
    outcomes = [r.outcome for r in read_log(config.parent / ".briefing")]
    assert outcomes == ["accepted", "superseded", "superseded"]
    history = sorted((config.parent / "archive" / "history" / "2023-W17").iterdir())
    assert [p.read_bytes() for p in history] == [mailcorpus.A_V0, mailcorpus.A_V1]


def test_same_report_bytes_in_another_message_change_nothing(tmp_path, ws):
    raw = mailcorpus.messages()
    resent = raw["m01"].replace(b"<m01@corpus.example>", b"<m01-resent@corpus.example>").replace(
        b"Mon, 24 Apr 2023 09:00:00", b"Mon, 24 Apr 2023 09:30:00")
    (tmp_path / "a.eml").write_bytes(raw["m01"])
    (tmp_path / "b.eml").write_bytes(resent)
    assert invoke("ingest", "--config", ws, tmp_path / "a.eml", tmp_path / "b.eml").exit_code == 0
    records = read_log(ws.parent / ".briefing")
    assert [r.outcome for r in records] == ["accepted", "duplicate"]
    assert "完全相同" in records[1].notes[0]
    assert not (ws.parent / "archive" / "history").exists()


def test_a_resent_copy_with_a_later_date_keeps_its_content_current(tmp_path, ws):
    """v1 (24th), v1 again (26th), v2 (25th): v1 is the latest whatever the order."""
    raw = mailcorpus.messages()
    again = raw["m01"].replace(b"<m01@corpus.example>", b"<m01-again@corpus.example>").replace(
        b"Mon, 24 Apr 2023 09:00:00", b"Wed, 26 Apr 2023 09:00:00")
    files = {"v1": raw["m01"], "again": again, "v2": raw["m08"]}
    for name, data in files.items():
        (tmp_path / f"{name}.eml").write_bytes(data)
    for number, order in enumerate((["v1", "again", "v2"], ["v1", "v2", "again"], ["v2", "again", "v1"])):
        config = write_workspace(tmp_path / f"w{number}", config=mailcorpus.CONFIG)
        assert invoke("ingest", "--config", config, *(tmp_path / f"{n}.eml" for n in order)).exit_code == 0
        assert entries_of(config)["2023-W17/A县.yaml"] == mailcorpus.A_V1, order


def test_quarantined_report_goes_through_once_its_sender_is_listed(corpus, ws):
    assert invoke("ingest", "--config", ws, *corpus.sources).exit_code == 0
    before = len(read_log(ws.parent / ".briefing"))
    text = ws.read_text(encoding="utf-8").replace("A县: [a@county.example]", "A县: [a@county.example, b@county.example]")
    ws.write_text(text, encoding="utf-8")
    result = invoke("ingest", "--config", ws, *corpus.sources)
    assert result.exit_code == 0, result.output
    records = read_log(ws.parent / ".briefing")
    assert len(records) == before + 1
    assert (records[-1].outcome, records[-1].unit, records[-1].week) == ("accepted", "A县", "2023-W16")
    assert entries_of(ws)["2023-W16/A县.yaml"] == mailcorpus.A_W16_BY_B
    assert (ws.parent / "entries" / "2023-W17" / "A县.yaml").read_bytes() == mailcorpus.A_V2


def test_without_senders_everything_is_accepted_with_one_warning(tmp_path, corpus):
    config = write_workspace(tmp_path / "ws", config=SMALL_CONFIG)
    result = invoke("ingest", "--config", config, *corpus.sources)
    assert result.exit_code == 0, result.output
    assert result.output.count("不检查发件人") == 1
    entries = entries_of(config)
    # anyone may report: the stranger's figures (26th 09:00) go in, and the 100KB report, under
    # the default 5MB limit and dated 26th 10:00, is the latest
    assert entries["2023-W17/A县.yaml"] == mailcorpus.BIG
    assert mailcorpus.EVIL in {p.read_bytes() for p in (config.parent / "archive" / "history").rglob("*.yaml")}
    assert entries["2023-W16/A县.yaml"] == mailcorpus.A_W16_BY_B
    assert not any(r.outcome == "quarantined" for r in read_log(config.parent / ".briefing"))


def test_reports_filed_by_hand_are_moved_to_history_not_left_as_duplicates(tmp_path, ws):
    raw = mailcorpus.messages()
    for name, _week, body in (("x", "2022-W02", b"unit: A\xe5\x8e\xbf\nweek: 2022-W02\nreporter: x\n"),
                             ("y", "2023-W02", b"unit: A\xe5\x8e\xbf\nweek: 2023-W02\nreporter: y\n")):
        message = raw["m01"].replace(b"<m01@", f"<{name}@".encode())
        message = message.replace(base64.encodebytes(mailcorpus.A_V1).replace(b"\n", b"\r\n"),
                                  base64.encodebytes(body).replace(b"\n", b"\r\n"))
        assert body in read_letter(message, 10**6).parts[0].data
        (tmp_path / f"{name}.eml").write_bytes(message)
    old_2022 = (ws.parent / "entries" / "2022" / "A县-2022-W02.yaml").read_bytes()
    old_2023 = (ws.parent / "entries" / "2023-W02" / "A县.yaml").read_bytes()
    result = invoke("ingest", "--config", ws, tmp_path / "x.eml", tmp_path / "y.eml")
    assert result.exit_code == 0, result.output
    assert not (ws.parent / "entries" / "2022" / "A县-2022-W02.yaml").exists()
    assert (ws.parent / "entries" / "2022-W02" / "A县.yaml").read_bytes().endswith(b"reporter: x\n")
    assert (ws.parent / "entries" / "2023-W02" / "A县.yaml").read_bytes().endswith(b"reporter: y\n")
    history = {p.read_bytes() for p in (ws.parent / "archive" / "history").rglob("*.yaml")}
    assert history == {old_2022, old_2023}
    assert [r.outcome for r in read_log(ws.parent / ".briefing")] == ["replaced", "replaced"]
    assert invoke("validate", "--config", ws).exit_code == 0


def test_a_run_stopped_between_storing_and_logging_is_repaired_by_running_again(tmp_path, corpus, ws, monkeypatch):
    original = Ingest._append

    def crash_on_replace(self, records):
        if any(r.outcome == "replaced" for r in records):
            raise RuntimeError("power cut")
        original(self, records)

    monkeypatch.setattr(Ingest, "_append", crash_on_replace)
    with pytest.raises(RuntimeError):
        run(open_workspace(ws), corpus.sources)
    assert entries_of(ws)["2023-W17/A县.yaml"] == mailcorpus.A_V2  # written, not yet logged
    assert not (ws.parent / ".briefing" / "ingest.lock").exists()
    monkeypatch.setattr(Ingest, "_append", original)
    run(open_workspace(ws), corpus.sources)

    reference = write_workspace(tmp_path / "reference", config=mailcorpus.CONFIG)
    run(open_workspace(reference), corpus.sources)
    assert entries_of(ws) == entries_of(reference)
    history = sorted(p.name for p in (ws.parent / "archive" / "history").rglob("*.yaml"))
    assert history == sorted(p.name for p in (reference.parent / "archive" / "history").rglob("*.yaml"))
    records = read_log(ws.parent / ".briefing")
    assert sorted((r.sha256, r.part) for r in records) == sorted(
        (r.sha256, r.part) for r in read_log(reference.parent / ".briefing"))
    replaced = [r for r in records if r.outcome == "replaced"]
    assert len(replaced) == 1 and replaced[0].previous and (ws.parent / replaced[0].previous).exists()


def test_a_torn_last_log_line_is_skipped_and_the_next_line_starts_fresh(tmp_path, corpus, ws):
    raw = mailcorpus.messages()
    (tmp_path / "m01.eml").write_bytes(raw["m01"])
    (tmp_path / "m02.eml").write_bytes(raw["m02"])
    run(open_workspace(ws), [tmp_path / "m01.eml"])
    log = ws.parent / ".briefing" / LOG_NAME
    with open(log, "ab") as handle:
        handle.write(b'{"kind": "report", "outco')
    run(open_workspace(ws), [tmp_path / "m02.eml"])
    assert [r.outcome for r in read_log(ws.parent / ".briefing")] == ["accepted", "accepted"]
    # each message: reading started, read, its record; the torn line stays on its own
    assert len(log.read_text(encoding="utf-8").splitlines()) == 7


def test_another_ingest_running_is_refused_and_a_stale_lock_is_taken_over(tmp_path, corpus, ws):
    lock = ws.parent / ".briefing" / "ingest.lock"
    lock.parent.mkdir(parents=True)
    lock.touch()
    result = invoke("ingest", "--config", ws, corpus.eml)
    assert result.exit_code == 1 and "另一个 briefing ingest 正在导入" in result.output
    assert not (ws.parent / "archive").exists()
    old = time.time() - 3600
    os.utime(lock, (old, old))
    assert invoke("ingest", "--config", ws, corpus.eml).exit_code == 0
    assert not lock.exists()


@pytest.mark.parametrize("args,needle", [
    ((), "请指定要导入的邮件文件"),
    (("nowhere.eml",), "找不到邮件文件或文件夹"),
    (("--imap",), "没有 mail.imap 设置"),
    (("--reply", "x.eml"), "没有 mail.smtp 设置"),
])
def test_usage_errors(tmp_path, ws, args, needle):
    (tmp_path / "x.eml").write_bytes(mailcorpus.messages()["m01"])
    result = invoke("ingest", "--config", ws, *args, cwd=tmp_path)
    assert result.exit_code == 2 and needle in result.output and "Traceback" not in result.output
    assert not (ws.parent / "entries" / "2023-W17").exists()


def test_entries_option_and_a_folder_of_eml_files(tmp_path, corpus, ws):
    target = ws.parent / "elsewhere-entries"
    shutil.copytree(ws.parent / "entries", target)
    assert invoke("ingest", "--config", ws, "--entries", target, corpus.eml).exit_code == 0
    assert (target / "2023-W17" / "B县.yaml").read_bytes() == mailcorpus.B_GBK
    assert not (ws.parent / "entries" / "2023-W17").exists()


def test_unreadable_or_hostile_messages_never_crash(tmp_path, ws):
    nested = b"From: a@county.example\r\nSubject: deep\r\nMIME-Version: 1.0\r\n"
    body = b""
    for level in range(3000):
        body += f'Content-Type: multipart/mixed; boundary="n{level}"\r\n\r\n--n{level}\r\n'.encode()
    hostile = {
        "empty.eml": b"",
        "binary.eml": os.urandom(2048),
        "nested.eml": nested + body,
        "headers-only.eml": b"From: a@county.example\r\nSubject: =?gb2312?B?!!!?=\r\nDate: yesterday\r\n",
        "bad-b64.eml": (b"From: a@county.example\r\nSubject: x\r\nMIME-Version: 1.0\r\n"
                        b"Content-Type: multipart/mixed; boundary=z\r\n\r\n--z\r\n"
                        b"Content-Disposition: attachment; filename*=gbk''%D1%A1%ZZ.yaml\r\n"
                        b"Content-Transfer-Encoding: base64\r\n\r\n@@@not base64@@@\r\n--z--\r\n"),
    }
    for name, data in hostile.items():
        (tmp_path / name).write_bytes(data)
    result = invoke("ingest", "--config", ws, *(tmp_path / name for name in hostile))
    assert result.exit_code == 0, result.output
    records = read_log(ws.parent / ".briefing")
    assert len({r.sha256 for r in records}) == len(hostile)
    assert all(r.outcome in ("rejected", "empty") for r in records)
    assert len(list((ws.parent / "archive" / "mail").rglob("*.eml"))) == len(hostile)


# ---------------------------------------------------------------- headers and parts


def test_encoded_words_gbk_split_unknown_and_q():
    gbk = "镕喆县.yaml".encode("gbk")
    assert decode_words(f"=?gb2312?B?{base64.b64encode(gbk).decode()}?=") == "镕喆县.yaml"
    halves = f"=?gbk?B?{base64.b64encode(gbk[:3]).decode()}?=  =?gbk?B?{base64.b64encode(gbk[3:]).decode()}?="
    assert decode_words(halves) == "镕喆县.yaml"  # a character split across two words
    assert decode_words("=?x-unknown?B?" + base64.b64encode("县".encode()).decode() + "?=.yaml") == "县.yaml"
    assert decode_words("=?utf-8?Q?A=E5=8E=BF_=E5=91=A8=E6=8A=A5?=") == "A县 周报"
    assert decode_words("no words here") == "no words here"


def test_rfc2231_and_raw_8bit_names():
    value = "attachment; filename*0*=gbk''%C4%BE%C0%DD; filename*1*=%CF%D8.yaml"
    assert header_param(value, "content-disposition", "filename") == "木垒县.yaml"
    raw_gbk = "attachment; filename=\"" + "原始.yaml".encode("gbk").decode("ascii", "surrogateescape") + "\""
    assert header_param(raw_gbk, "content-disposition", "filename") == "原始.yaml"
    assert header_param("attachment", "content-disposition", "filename") is None


def test_short_gbk_text_that_is_also_valid_utf8_is_read_as_gbk():
    assert text_from_bytes("原始".encode("gbk")) == "原始"
    assert text_from_bytes("呼图壁县".encode("utf-8")) == "呼图壁县"
    assert text_from_bytes("呼图壁县".encode("gbk"), "gb2312") == "呼图壁县"


@pytest.mark.parametrize("text,expected", [
    ("张三 <ZhangSan@Example.COM>", "zhangsan@example.com"),
    ("=?gbk?B?1cXI/Q==?= <a@b.cn>", "a@b.cn"),
    ("a@b.cn, c@d.cn", None),
    ('"a@county.example" <evil@x.example>', None),
    ("not an address", None),
    ("", None),
])
def test_sender_is_one_plain_address(text, expected):
    assert parse_sender(text)[0] == expected


def test_every_yaml_part_at_any_depth_is_taken():
    raw = mailcorpus.messages()["m03"]
    letter = read_letter(raw, 10**6)
    assert [p.name for p in letter.parts] == ["C园区.yaml"]
    assert letter.parts[0].data == mailcorpus.C_FWD
    assert letter.sender == mailcorpus.C  # the forwarder, not the forwarded message's author


def test_config_mail_settings():
    from briefing.report.config import Config
    from briefing.report.fields import parse_size
    from briefing.report.load import parse_bytes

    base = "bureau: 局\nunits: [A县]\nindustries: [新能源]\n"
    config = Config.model_validate(parse_bytes(base.encode(), "b.yaml").data)
    assert config.mail.attachment_limit == 5 * 1024 * 1024 and config.mail.imap is None
    text = base + "mail:\n  imap: {host: imap.163.com, user: u@163.com}\n  smtp: {host: smtp.163.com, user: u@163.com}\n"
    config = Config.model_validate(parse_bytes(text.encode(), "b.yaml").data)
    assert (config.mail.imap.effective_port, config.mail.smtp.effective_port) == (993, 465)
    assert config.mail.imap.password_env == "BRIEFING_IMAP_PASSWORD" and config.mail.imap.folder == "INBOX"
    assert (parse_size("512KB"), parse_size("2"), parse_size("1.5 MiB")) == (512 * 1024, 2 * 1024**2, 1572864)
    for bad in ("lots", "-1MB", "0"):
        with pytest.raises(ValueError):
            parse_size(bad)


def test_a_password_in_the_config_is_refused(tmp_path):
    config = write_workspace(tmp_path / "ws", config=SMALL_CONFIG + "mail:\n  imap:\n    host: imap.163.com\n"
                             "    user: u@163.com\n    password: secret\n", reports={})
    result = invoke("validate", "--config", config)
    assert result.exit_code == 1 and "密码不能写在配置文件里" in result.output and "BRIEFING_IMAP_PASSWORD" in result.output


def test_read_log_tolerates_junk(tmp_path):
    state = tmp_path / ".briefing"
    state.mkdir()
    (state / LOG_NAME).write_text(
        "not json\n" + json.dumps({"kind": "report", "outcome": "accepted", "time": "t", "seq": 1, "sha256": "x",
                                   "message": "m", "unit": "A县", "future_field": 1}) + "\n[1, 2]\n", encoding="utf-8")
    records = read_log(state)
    assert [(r.unit, r.outcome) for r in records] == [("A县", "accepted")]
    assert read_log(tmp_path / "nothing") == []


def test_take_reports_an_unreadable_source_without_logging(ws, tmp_path):
    with Ingest(open_workspace(ws)) as engine:
        def boom() -> bytes:
            raise OSError(13, "Permission denied")
        handled = engine.take(Incoming(origin="locked.eml", load=boom))
    assert handled.error and "Permission denied" in handled.error
    assert read_log(ws.parent / ".briefing") == []


def test_a_forward_counts_for_its_own_sender_only(tmp_path, ws):
    """The inner From is anyone's to write: only --vouch makes it count (tests/test_mail_hostile.py)."""
    from email.message import EmailMessage

    def forward(outer_from: str, inner_from: str, ident: str) -> bytes:
        inner = EmailMessage()
        inner["From"], inner["Subject"], inner["Message-ID"] = inner_from, "A县周报", f"<{ident}-in@x>"
        inner["Date"] = "Wed, 26 Apr 2023 09:00:00 +0800"
        inner.set_content("见附件")
        inner.add_attachment(mailcorpus.A_V1, maintype="application", subtype="octet-stream", filename="A县.yaml")
        outer = EmailMessage()
        outer["From"], outer["Subject"], outer["Message-ID"] = outer_from, "Fwd: A县周报", f"<{ident}@x>"
        outer["Date"] = "Wed, 26 Apr 2023 10:00:00 +0800"
        outer.set_content("转发")
        outer.add_attachment(inner)
        return outer.as_bytes()

    (tmp_path / "clerk.eml").write_bytes(forward("clerk@bureau.example", mailcorpus.A, "f1"))
    (tmp_path / "forged.eml").write_bytes(forward("clerk@bureau.example", "nobody@attacker.example", "f2"))
    assert invoke("ingest", "--config", ws, tmp_path / "clerk.eml", tmp_path / "forged.eml").exit_code == 0
    clerk, forged = read_log(ws.parent / ".briefing")
    assert (clerk.outcome, clerk.unit, clerk.sender) == ("quarantined", "A县", "clerk@bureau.example")
    assert any("a@county.example 登记为A县的报送邮箱" in note and "--vouch" in note for note in clerk.notes)
    assert forged.outcome == "quarantined" and not any("--vouch" in note for note in forged.notes)
    assert not (ws.parent / "entries" / "2023-W17").exists()


def test_the_mail_guide_config_example_is_valid():
    import re

    from briefing.report.config import Config
    from briefing.report.load import parse_bytes
    from conftest import REPO

    guide = (REPO / "docs" / "邮件报送.md").read_text(encoding="utf-8")
    example = re.search(r"```yaml\n(.*?)```", guide, re.S).group(1)
    base = parse_bytes((REPO / "briefing.yaml").read_bytes(), "briefing.yaml")
    doc = parse_bytes(example.encode("utf-8"), "邮件报送.md")
    assert not base.problems and not doc.problems
    config = Config.model_validate({**base.data, **doc.data})  # the guide's keys replace the sample's
    assert config.senders["呼图壁县"] == ["htb@example.gov.cn", "htb_zs@163.com"]
    assert config.mail.imap.move_to == "已导入" and config.mail.smtp.effective_port == 465
    assert config.mail.attachment_limit == 5 * 1024 * 1024


def test_sender_addresses_in_the_config_are_checked_and_may_carry_a_name(tmp_path, corpus):
    bad = write_workspace(tmp_path / "bad", config=SMALL_CONFIG + "senders:\n  A县: [a.county.example]\n", reports={})
    result = invoke("validate", "--config", bad)
    assert result.exit_code == 1 and f"{bad}:26:8: 错误:" in result.output and "“a.county.example”不是邮箱地址" in result.output
    named = write_workspace(tmp_path / "named", config=mailcorpus.CONFIG.replace(
        "A县: [a@county.example]", "A县: ['甲 <A@County.Example>']"))
    assert invoke("ingest", "--config", named, corpus.eml).exit_code == 0
    assert (named.parent / "entries" / "2023-W17" / "A县.yaml").read_bytes() == mailcorpus.A_V1


def test_a_date_in_the_future_does_not_pin_a_version():
    def record(date, arrived):
        return LogRecord(kind="report", outcome="accepted", time="", seq=1, sha256="", message="",
                         date=date, arrived=arrived)
    forged = record("2099-05-01T00:00:00+08:00", "2023-04-25T10:00:00+08:00")
    honest = record("2023-04-26T09:00:00+08:00", "2023-04-26T09:01:00+08:00")
    assert honest.when > forged.when
