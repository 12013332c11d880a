"""Issue 15, the mail items: forwards from strangers, two From headers, receipts that could relay
an attacker's text, a hand-saved file under another unit's name, long attachment names, a
reused Message-ID, and mails built to make the parser hang."""

from __future__ import annotations

import hashlib
import os
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest
from click.testing import CliRunner

import mailcorpus
from briefing.cli import cli
from briefing.actions.ingest import run
from briefing.mail.engine import Ingest
from briefing.mail.log import read_log
from briefing.mail.message import read_letter
from briefing.workspace.layout import open_workspace
from conftest import write_workspace
from servers import SMTP_PASSWORD, SMTP_USER

CLERK = "clerk@bureau.example"


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def entries_tree(config: Path) -> dict[str, str]:
    root = config.parent / "entries"
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def save(folder: Path, **messages: bytes) -> list[Path]:
    paths = []
    for name, raw in messages.items():
        path = folder / f"{name}.eml"
        path.write_bytes(raw)
        paths.append(path)
    return paths


@pytest.fixture
def ws(tmp_path):
    return write_workspace(tmp_path / "ws", config=mailcorpus.CONFIG)


def with_smtp(tmp_path, port: int) -> Path:
    config = mailcorpus.CONFIG.replace("mail:\n", f"mail:\n  smtp:\n    host: 127.0.0.1\n    port: {port}\n"
                                       f"    ssl: false\n    user: {SMTP_USER}\n")
    return write_workspace(tmp_path / "ws", config=config)


def reply(config: Path, *sources):
    return CliRunner().invoke(cli, ["ingest", "--config", str(config), "--reply", *map(str, sources)],
                              env={"BRIEFING_SMTP_PASSWORD": SMTP_PASSWORD})


def parsed(sink) -> list:
    return [BytesParser(policy=policy.default).parsebytes(raw) for _, raw in sink.received]


# ---------------------------------------------------------------- 1: forwards


def test_a_strangers_forward_of_a_registered_mail_changes_nothing(tmp_path, ws):
    (first,) = save(tmp_path, first=mailcorpus.mail(mailcorpus.A, "own", [(mailcorpus.A_V1, "A县.yaml")], day=24))
    assert invoke("ingest", "--config", ws, first).exit_code == 0
    before = entries_tree(ws)
    (fwd,) = save(tmp_path, fwd=mailcorpus.forward(mailcorpus.STRANGER, mailcorpus.A, mailcorpus.EVIL, "fwd"))
    result = invoke("ingest", "--config", ws, fwd)
    assert result.exit_code == 0, result.output
    assert entries_tree(ws) == before
    record = read_log(ws.parent / ".briefing")[-1]
    assert record.outcome == "quarantined" and record.sender == mailcorpus.STRANGER
    assert "不在 briefing.yaml 的 senders 名单中" in record.errors[0]


def test_a_county_cannot_file_another_countys_report_by_forwarding_it(tmp_path, ws):
    (fwd,) = save(tmp_path, fwd=mailcorpus.forward(mailcorpus.B, mailcorpus.A, mailcorpus.A_V1, "fwd-b"))
    assert invoke("ingest", "--config", ws, fwd).exit_code == 0
    assert not (ws.parent / "entries" / "2023-W17").exists()
    record = read_log(ws.parent / ".briefing")[-1]
    assert record.outcome == "quarantined" and "不能报送“A县”的报告" in record.errors[0]


def test_a_county_forwarding_its_own_colleagues_mail_is_accepted(tmp_path, ws):
    (fwd,) = save(tmp_path, fwd=mailcorpus.forward(mailcorpus.A, "colleague@county.example", mailcorpus.A_V1, "own"))
    assert invoke("ingest", "--config", ws, fwd).exit_code == 0
    assert (ws.parent / "entries" / "2023-W17" / "A县.yaml").read_bytes() == mailcorpus.A_V1


def test_the_clerk_vouches_for_a_saved_forward(tmp_path, ws):
    good, wrong = save(tmp_path, good=mailcorpus.forward(CLERK, mailcorpus.A, mailcorpus.A_V1, "v1"),
                       wrong=mailcorpus.forward(CLERK, mailcorpus.B, mailcorpus.A_V2, "v2"))
    plain = invoke("ingest", "--config", ws, good)  # without vouching: the clerk's address is not listed
    assert plain.exit_code == 0 and read_log(ws.parent / ".briefing")[-1].outcome == "quarantined"
    assert not (ws.parent / "entries" / "2023-W17").exists()

    result = invoke("ingest", "--config", ws, "--vouch", good, "--vouch", wrong)
    assert result.exit_code == 0, result.output
    assert (ws.parent / "entries" / "2023-W17" / "A县.yaml").read_bytes() == mailcorpus.A_V1
    records = read_log(ws.parent / ".briefing")
    accepted, refused = records[-2:]
    assert (accepted.outcome, accepted.unit, accepted.vouched) == ("accepted", "A县", True)
    assert any("经办人用 --vouch 确认" in note and mailcorpus.A in note for note in accepted.notes)
    # the original author decides the unit: B县's address cannot file A县's report, vouched or not
    assert refused.outcome == "quarantined" and refused.vouched and "不能报送“A县”的报告" in refused.errors[0]
    assert invoke("ingest", "--config", ws, "--vouch", good).exit_code == 0
    assert len(read_log(ws.parent / ".briefing")) == len(records)  # done once, nothing again


def test_vouch_takes_single_message_files_only(tmp_path, ws):
    folder = tmp_path / "mails"
    folder.mkdir()
    save(folder, one=mailcorpus.mail(mailcorpus.A, "x", [(mailcorpus.A_V1, "A县.yaml")]))
    result = invoke("ingest", "--config", ws, "--vouch", folder)
    assert result.exit_code == 2 and "--vouch" in result.output and "一封一封" in result.output
    assert not (ws.parent / "archive").exists()
    assert "--vouch" in invoke("ingest", "--help").output


# ---------------------------------------------------------------- 3: two From headers


@pytest.mark.parametrize("order", ["registered-first", "stranger-first"])
def test_two_from_headers_mean_no_sender(tmp_path, ws, order):
    pair = (mailcorpus.A, mailcorpus.STRANGER) if order == "registered-first" else (mailcorpus.STRANGER, mailcorpus.A)
    raw = mailcorpus.two_froms(*pair, mailcorpus.EVIL, "two")
    assert read_letter(raw, 10**6).sender is None
    (path,) = save(tmp_path, two=raw)
    assert invoke("ingest", "--config", ws, path).exit_code == 0
    assert not (ws.parent / "entries" / "2023-W17").exists()
    record = read_log(ws.parent / ".briefing")[-1]
    assert record.outcome == "quarantined" and record.sender is None
    assert "发件人无法确认（没有发件人、有多个发件人或地址不规范）" in record.errors[0]


@pytest.mark.parametrize("second", ["From : {x}", "FROM: {x}", "from\t: {x}", "From  :{x}", "FrOm : <{x}>"])
@pytest.mark.parametrize("first", [True, False])
def test_a_from_in_obsolete_syntax_counts_as_a_second_from(tmp_path, ws, second, first):
    """RFC 5322 obs-from ("From : x") is dropped by Python's parser as a misplaced "From " line,
    and "FROM : x" ends its header block: either way, another From (hostile re-check r13)."""
    raw = mailcorpus.mail(mailcorpus.A, "obs", [(mailcorpus.A_V1, "A县.yaml")])
    extra = second.format(x=mailcorpus.STRANGER).encode() + b"\r\n"
    own = f"From: {mailcorpus.A}\r\n".encode()
    trace = b"Received: from mx.example by bureau.example; Wed, 26 Apr 2023 09:00:00 +0800\r\n"  # not an mbox
    raw = raw.replace(own, trace + extra + own if first else own + extra, 1)
    assert read_letter(raw, 10**6).sender is None
    (path,) = save(tmp_path, obs=raw)
    assert invoke("ingest", "--config", ws, path).exit_code == 0
    assert not (ws.parent / "entries" / "2023-W17").exists()
    (record,) = read_log(ws.parent / ".briefing")
    assert record.sender is None and record.outcome in ("quarantined", "empty", "rejected")


def test_from_in_a_body_or_another_header_is_not_a_second_from():
    raw = mailcorpus.mail(mailcorpus.A, "body", [(b"From: x@y.example\nFrom : z@y.example\n", "A县.yaml")])
    raw = raw.replace(b"Subject:", b"X-Original-From: z@y.example\r\nSubject:", 1)
    assert read_letter(raw, 10**6).sender == mailcorpus.A


def test_a_forward_whose_inner_message_has_two_froms_has_no_author(tmp_path, ws):
    inner = mailcorpus.forward(CLERK, mailcorpus.A, mailcorpus.A_V1, "inner2")
    raw = inner.replace(f"From: {mailcorpus.A}\r\n".encode(), f"From: {mailcorpus.A}\r\nFrom: x@y.example\r\n".encode())
    assert read_letter(raw, 10**6).parts[0].forwarded == ""  # forwarded, but by nobody known
    (path,) = save(tmp_path, fwd=raw)
    assert invoke("ingest", "--config", ws, "--vouch", path).exit_code == 0
    assert not (ws.parent / "entries" / "2023-W17").exists()


# ---------------------------------------------------------------- 4: receipts


def test_receipts_never_relay_what_the_sender_typed(tmp_path, smtp_sink):
    marker = mailcorpus.MARKER
    bad = (f"unit: A县\nweek: 2023-W17\nreporter: {marker}\nplans: [{marker}]\n"
           f"trips:\n  - leader: {marker}\n    title: {marker}\n    start: 2023-04-24\n"
           f"    destinations: [北京市]\n    negotiated: {marker}\n"
           f"signings:\n  - project: {marker}\n    investor: 某公司\n    industry: {marker}\n"
           f"    investment: {marker}\n    date: 2023-04-24\n{marker}: 1\n").encode()
    wrong_unit = f"unit: {marker}\nweek: 2023-W17\nreporter: x\n".encode()
    named = f"{marker}.yaml"
    ident = "XQZ-id"  # the Message-ID is the sender's text too
    raws = {
        "valid": mailcorpus.mail(mailcorpus.A, ident + "1", [(mailcorpus.A_V1, named)], subject=marker),
        "errors": mailcorpus.mail(mailcorpus.A, ident + "2", [(bad, named), (wrong_unit, named)], subject=marker),
        "empty": mailcorpus.mail(mailcorpus.A, ident + "3", [(b"PK\x03\x04", f"{marker}.docx")], subject=marker),
        "zip": mailcorpus.mail(mailcorpus.A, ident + "4", [(b"PK\x03\x04", f"{marker}.zip")], subject=marker),
        "other": mailcorpus.mail(mailcorpus.A, ident + "5", [(mailcorpus.B_W17, named)], subject=marker),
    }
    config = with_smtp(tmp_path, smtp_sink.port)
    result = reply(config, *save(tmp_path, **raws))
    assert result.exit_code == 0, result.output
    messages = parsed(smtp_sink)
    assert len(messages) == len(raws)
    for message in messages:
        text = str(message) + message.get_content()
        assert marker not in text and "XQZ" not in text, text
    subjects = sorted(str(m["Subject"]) for m in messages)
    assert "【已收到】A县2023年第17周招商工作周报" in subjects
    assert "【请修改后重发】A县2023年第17周招商工作周报" in subjects
    body = "\n".join(m.get_content() for m in messages)
    assert "第1个报告附件" in body or "A县2023年第17周的报告" in body
    assert "第10行第17列：“negotiated”（对接洽谈项目数（个））：应为整数，例如 6，实际是“…”" in body  # positions, hints
    assert "发送时间 2023-04-26 09:00" in body


# A typed ” closes the message's own quote, a typed “ opens one: between them the text stood outside
# any quote pair and went out verbatim (hostile re-check r01).
BREAK_OUT = "”请点击 http://evil.example/XQZ 下载新模板“"


@pytest.mark.parametrize("report, where", [
    (f"unit: A县{BREAK_OUT}\nweek: 2023-W17\nreporter: x\n", "第1行第7列"),
    (f"unit: A县\nweek: 2023-W17{BREAK_OUT}\nreporter: x\n", "第2行第7列"),
    (f"unit: A县\nweek: 2023-W17\nreporter: x\n'a{BREAK_OUT}': 1\n", "第4行第1列"),
    (f"unit: A县\nweek: 2023-W17\nreporter: x\nsignings:\n  - {{project: p, investor: i, industry: 新能源, "
     f"investment: '1{BREAK_OUT}', date: 2023-04-24}}\n", "第5行"),
    (f"unit: A县\nweek: 2023-W17\nreporter: x\nprojects:\n"
     f"  - {{project: 'p{BREAK_OUT}', investor: i, kind: 新建, origin: 区外, stage: 签约, funds: 1}}\n"
     f"  - {{project: 'p{BREAK_OUT}', investor: i, kind: 新建, origin: 区外, stage: 签约, funds: 1}}\n", "第6行"),
], ids=["unit", "week", "key", "money", "project"])
def test_typed_quotes_cannot_let_text_out_of_a_receipt(tmp_path, smtp_sink, report, where):
    config = with_smtp(tmp_path, smtp_sink.port)
    raw = mailcorpus.mail(mailcorpus.A, "quote", [(report.encode(), "A县.yaml")])
    result = reply(config, *save(tmp_path, m=raw))
    assert result.exit_code == 0, result.output
    (message,) = parsed(smtp_sink)
    text = str(message) + message.get_content()
    assert "evil" not in text and "请点击" not in text and "XQZ" not in text, text
    assert where in message.get_content()  # still says where to look


def test_a_message_whose_quotes_do_not_alternate_keeps_only_its_place():
    from briefing.mail.receipts import UNTRUSTED, bureau_text
    words = frozenset({"unit"})
    assert bureau_text("第1行第7列：“unit”：“A”请点击 x”", words) == "第1行第7列：" + UNTRUSTED
    assert bureau_text("第2行第1列（警告）：“a”b”", words) == "第2行第1列（警告）：" + UNTRUSTED
    assert bureau_text("“unit”：“x” 与 “- ”", words) == "“unit”：“…” 与 “- ”"


def test_a_receipt_keeps_field_names_and_unit_hints(tmp_path, smtp_sink):
    report = "unit: A县\nweek: 2023-W17\nreporter: 甲\ntrips:\n  - {leader: 张三, title: 县长, start: 2023-04-24, " \
             "destinations: [北京市], negotiated: 6个}\n"
    config = with_smtp(tmp_path, smtp_sink.port)
    result = reply(config, *save(tmp_path, m=mailcorpus.mail(mailcorpus.A, "hint", [(report.encode(), "A县.yaml")])))
    assert result.exit_code == 0, result.output
    (message,) = parsed(smtp_sink)
    lines = message.get_content().splitlines()
    assert any("“negotiated”（对接洽谈项目数（个））" in line and "6个" not in line and "改成 6" in line for line in lines), lines


# ---------------------------------------------------------------- 7: a file saved under another unit's name


def test_a_hand_saved_file_holding_another_units_report_is_never_moved(tmp_path, ws):
    misfiled = ws.parent / "entries" / "2023-W17" / "A县.yaml"
    misfiled.parent.mkdir(parents=True)
    misfiled.write_bytes(mailcorpus.B_W17)  # B县's report, saved by hand under A县's name
    before = entries_tree(ws)
    (path,) = save(tmp_path, a=mailcorpus.mail(mailcorpus.A, "a17", [(mailcorpus.A_V1, "A县.yaml")]))
    result = invoke("ingest", "--config", ws, path)
    assert result.exit_code == 0, result.output
    assert entries_tree(ws) == before  # nothing moved, nothing replaced
    assert not (ws.parent / "archive" / "history").exists()
    record = read_log(ws.parent / ".briefing")[-1]
    assert record.outcome == "held" and record.unit == "A县"
    assert "entries/2023-W17/A县.yaml" in record.errors[0] and "B县" in record.errors[0]
    assert (ws.parent / record.stored).read_bytes() == mailcorpus.A_V1  # the incoming report is kept
    assert "待处理" in result.output and "entries/2023-W17/A县.yaml" in result.output

    again = invoke("ingest", "--config", ws, path)  # nothing changed: nothing logged again
    assert again.exit_code == 0 and len(read_log(ws.parent / ".briefing")) == 1

    misfiled.rename(misfiled.with_name("B县.yaml"))  # the clerk fixes the name, then imports again
    assert invoke("ingest", "--config", ws, ws.parent / record.message).exit_code == 0
    assert (ws.parent / "entries" / "2023-W17" / "A县.yaml").read_bytes() == mailcorpus.A_V1
    assert (ws.parent / "entries" / "2023-W17" / "B县.yaml").read_bytes() == mailcorpus.B_W17
    assert read_log(ws.parent / ".briefing")[-1].outcome == "accepted"


def test_an_unreadable_file_under_the_units_name_is_not_replaced(tmp_path, ws):
    draft = ws.parent / "entries" / "2023-W17" / "A县.yaml"
    draft.parent.mkdir(parents=True)
    draft.write_bytes(b"unit: A\xe5\x8e\xbf\nweek: [\n")
    (path,) = save(tmp_path, a=mailcorpus.mail(mailcorpus.A, "a17", [(mailcorpus.A_V1, "A县.yaml")]))
    assert invoke("ingest", "--config", ws, path).exit_code == 0
    assert draft.read_bytes() == b"unit: A\xe5\x8e\xbf\nweek: [\n"
    record = read_log(ws.parent / ".briefing")[-1]
    assert record.outcome == "held" and "entries/2023-W17/A县.yaml" in record.errors[0]


def test_the_held_report_shows_in_status(tmp_path, ws):
    misfiled = ws.parent / "entries" / "2023-W17" / "A县.yaml"
    misfiled.parent.mkdir(parents=True)
    misfiled.write_bytes(mailcorpus.B_W17)
    (path,) = save(tmp_path, a=mailcorpus.mail(mailcorpus.A, "a17", [(mailcorpus.A_V1, "A县.yaml")]))
    assert invoke("ingest", "--config", ws, path).exit_code == 0
    result = invoke("status", "--config", ws, "--week", "2023-W17")
    line = next(line for line in result.output.splitlines() if line.startswith("A县"))
    assert "待处理" in line


# ---------------------------------------------------------------- 8: long and odd attachment names


@pytest.mark.parametrize("name", ["a" * 116 + ".yaml", "呼" * 116 + ".yaml", "..yaml", "A县.YAML "])
def test_a_report_is_found_by_its_full_name(tmp_path, ws, name):
    raw = mailcorpus.mail(mailcorpus.A, "long", [(mailcorpus.A_V1, name)])
    (path,) = save(tmp_path, long=raw)
    result = invoke("ingest", "--config", ws, path)
    assert result.exit_code == 0, result.output
    assert (ws.parent / "entries" / "2023-W17" / "A县.yaml").read_bytes() == mailcorpus.A_V1
    record = read_log(ws.parent / ".briefing")[-1]
    assert record.outcome == "accepted"
    assert not any("文件夹路径" in note for note in record.notes)


# ---------------------------------------------------------------- 9: a reused Message-ID


def test_the_same_message_id_with_new_content_is_judged_by_content(tmp_path, smtp_sink):
    config = with_smtp(tmp_path, smtp_sink.port)
    first = mailcorpus.mail(mailcorpus.A, "reuse", [], day=24)
    second = mailcorpus.mail(mailcorpus.A, "reuse", [(mailcorpus.A_V1, "A县.yaml")], day=24, hour=10)
    paths = save(tmp_path, first=first, second=second)
    assert reply(config, paths[0]).exit_code == 0
    result = reply(config, paths[1])
    assert result.exit_code == 0, result.output
    assert (config.parent / "entries" / "2023-W17" / "A县.yaml").read_bytes() == mailcorpus.A_V1
    outcomes = [(r.kind, r.outcome) for r in read_log(config.parent / ".briefing")]
    assert outcomes == [("message", "empty"), ("receipt", "sent"), ("report", "accepted"), ("receipt", "sent")]
    assert "已收到A县2023年第17周报送，共2条记录。" in parsed(smtp_sink)[-1].get_content()


def test_the_same_message_by_another_route_is_still_a_duplicate(tmp_path, ws):
    raw = mailcorpus.messages()
    paths = save(tmp_path, m02=raw["m02"], m07=raw["m07"])
    assert invoke("ingest", "--config", ws, *paths).exit_code == 0
    first, second = read_log(ws.parent / ".briefing")
    assert (second.kind, second.outcome, second.duplicate_of) == ("message", "duplicate", first.message)


# ---------------------------------------------------------------- 15: mails built to hang the parser


@pytest.mark.parametrize("raw,needle", [
    (mailcorpus.huge_content_type(400_000), "邮件头过大"),
    (mailcorpus.huge_header_block(2 * 1024 * 1024), "邮件头过大"),
    (mailcorpus.huge_content_type(3_000, nested=True), "邮件结构异常"),
    (mailcorpus.huge_content_type(20_000, nested=True), "邮件结构异常"),
], ids=["400k-parameters", "2MB-header-block", "nested-3k-parameters", "nested-20k-parameters"])
def test_oversized_headers_are_refused_before_parsing(tmp_path, ws, raw, needle):
    (path,) = save(tmp_path, big=raw)
    result = invoke("ingest", "--config", ws, path)
    assert result.exit_code == 0, result.output
    (record,) = read_log(ws.parent / ".briefing")
    assert (record.kind, record.outcome) == ("message", "rejected")
    assert needle in record.errors[0] and needle in result.output
    assert (ws.parent / record.message).read_bytes() == raw  # kept, as every message is


def test_a_mail_with_too_many_parts_is_refused(tmp_path, ws):
    parts = "".join(f"--pb\r\nContent-Type: text/plain\r\n\r\n{n}\r\n" for n in range(5000))
    raw = (f"From: {mailcorpus.A}\r\nSubject: parts\r\nMessage-ID: <parts@x>\r\nMIME-Version: 1.0\r\n"
           f'Content-Type: multipart/mixed; boundary="pb"\r\n\r\n{parts}--pb--\r\n').encode()
    letter = read_letter(raw, 10**6)
    assert letter.broken and "邮件结构异常" in letter.broken
    assert letter.sender == mailcorpus.A  # known, so the county can be told


def test_a_run_killed_while_reading_a_message_leaves_a_trace_and_the_next_run_skips_it(tmp_path, ws, monkeypatch):
    raw = mailcorpus.messages()
    paths = save(tmp_path, m01=raw["m01"], m02=raw["m02"])

    class Killed(BaseException):
        pass

    real = read_letter

    def hang(data, limit):
        if data == raw["m01"]:
            raise Killed  # what kill -9 or Ctrl+C does in the middle of the parser
        return real(data, limit)

    monkeypatch.setattr("briefing.mail.engine.read_letter", hang)
    with pytest.raises(Killed):
        run(open_workspace(ws), paths)
    monkeypatch.setattr("briefing.mail.engine.read_letter", real)
    assert read_log(ws.parent / ".briefing") == []  # nothing judged yet ...
    assert "started" in (ws.parent / ".briefing" / "ingest.jsonl").read_text(encoding="utf-8")  # ... but a trace

    result = invoke("ingest", "--config", ws, *paths)
    assert result.exit_code == 0, result.output
    first, second = read_log(ws.parent / ".briefing")
    assert (first.kind, first.outcome, first.sha256) == ("message", "interrupted", hashlib.sha256(raw["m01"]).hexdigest())
    assert "中断" in first.errors[0] and first.message in first.errors[0]
    assert (ws.parent / first.message).read_bytes() == raw["m01"]
    assert (second.outcome, second.unit) == ("accepted", "B县")
    assert "读取中断" in result.output and not (ws.parent / "entries" / "2023-W17" / "A县.yaml").exists()
    log = (ws.parent / ".briefing" / "ingest.jsonl").read_bytes()
    assert "都已导入过" in invoke("ingest", "--config", ws, *paths).output
    assert (ws.parent / ".briefing" / "ingest.jsonl").read_bytes() == log


def test_a_run_stopped_after_reading_is_not_taken_for_a_hang(tmp_path, ws, monkeypatch):
    raw = mailcorpus.messages()
    (path,) = save(tmp_path, m01=raw["m01"])
    original = Ingest._store

    def power_cut(self, *args):
        raise KeyboardInterrupt

    monkeypatch.setattr(Ingest, "_store", power_cut)
    with pytest.raises(KeyboardInterrupt):
        run(open_workspace(ws), [path])
    monkeypatch.setattr(Ingest, "_store", original)
    run(open_workspace(ws), [path])
    (record,) = read_log(ws.parent / ".briefing")
    assert (record.outcome, record.seq) == ("accepted", 1)
    assert (ws.parent / "entries" / "2023-W17" / "A县.yaml").read_bytes() == mailcorpus.A_V1
    assert len({p for p in (ws.parent / "archive" / "mail").rglob("*.eml")}) == 1
    assert not os.path.exists(ws.parent / ".briefing" / "ingest.lock")


def test_a_run_stopped_while_checking_reports_is_retried_once_then_skipped(tmp_path, ws, monkeypatch):
    """Hostile re-check r12: the guard covered parsing only, so a mail whose report hung the
    check stalled every later run.  Now: the next run retries it once; a second stop, and the
    run after that logs it as interrupted and gets on with the other mail."""
    raw = mailcorpus.messages()
    paths = save(tmp_path, m01=raw["m01"], m02=raw["m02"])
    original = Ingest._judge_part

    class Killed(BaseException):
        pass

    def hang(self, letter, part, base, vouched=False):
        if letter.raw == raw["m01"]:
            raise Killed  # kill -9 while the report is checked
        return original(self, letter, part, base, vouched)

    monkeypatch.setattr(Ingest, "_judge_part", hang)
    for _ in range(2):
        with pytest.raises(Killed):
            run(open_workspace(ws), paths)
        assert read_log(ws.parent / ".briefing") == []  # no outcome yet, and not given up after one stop
    monkeypatch.setattr(Ingest, "_judge_part", original)
    result = invoke("ingest", "--config", ws, *paths)
    assert result.exit_code == 0, result.output
    first, second = read_log(ws.parent / ".briefing")
    assert (first.outcome, first.sha256) == ("interrupted", hashlib.sha256(raw["m01"]).hexdigest())
    assert "检查这封邮件里的报告时程序都中断了" in first.errors[0]
    assert (second.outcome, second.unit) == ("accepted", "B县")
    log = (ws.parent / ".briefing" / "ingest.jsonl").read_bytes()
    assert invoke("ingest", "--config", ws, *paths).exit_code == 0
    assert (ws.parent / ".briefing" / "ingest.jsonl").read_bytes() == log  # settled: nothing more


def test_a_message_stopped_after_its_first_report_resumes_with_the_second(tmp_path, ws, monkeypatch):
    both = mailcorpus.mail(mailcorpus.A, "two-parts", [(mailcorpus.A_V1, "A县.yaml"), (mailcorpus.B_W17, "B县.yaml")])
    (path,) = save(tmp_path, two=both)
    config = ws.read_text(encoding="utf-8")
    ws.write_text(config.replace("senders:\n", "senders:\n  B县: [a@county.example]\n", 1)
                  .replace("  B县: [B@County.Example, b-backup@county.example]\n", ""), encoding="utf-8")
    original = Ingest._judge_part

    def stop_at_second(self, letter, part, base, vouched=False):
        if part.index != letter.parts[0].index:
            raise KeyboardInterrupt
        return original(self, letter, part, base, vouched)

    monkeypatch.setattr(Ingest, "_judge_part", stop_at_second)
    with pytest.raises(KeyboardInterrupt):
        run(open_workspace(ws), [path])
    monkeypatch.setattr(Ingest, "_judge_part", original)
    run(open_workspace(ws), [path])
    records = read_log(ws.parent / ".briefing")
    assert [(r.unit, r.outcome) for r in records] == [("A县", "accepted"), ("B县", "accepted")]  # each once
    assert (ws.parent / "entries" / "2023-W17" / "B县.yaml").read_bytes() == mailcorpus.B_W17



# ---------------------------------------------------------------- issue 16: the mail slips


def test_a_county_cannot_file_another_countys_report_in_a_forward_of_its_own_colleague(tmp_path, ws):
    # B县's registered address forwards a mail from a colleague at B县 that carries A县's report
    (fwd,) = save(tmp_path, fwd=mailcorpus.forward(mailcorpus.B, "colleague@county.example", mailcorpus.A_V1, "bb"))
    assert invoke("ingest", "--config", ws, fwd).exit_code == 0
    assert not (ws.parent / "entries" / "2023-W17").exists()
    [record] = read_log(ws.parent / ".briefing")
    assert (record.outcome, record.unit) == ("quarantined", "A县")
    assert "登记的报送单位是B县，不能报送“A县”的报告" in record.errors[0]


def test_a_message_half_quarantined_is_looked_at_again_once_the_sender_is_listed(tmp_path, ws):
    (both,) = save(tmp_path, both=mailcorpus.mail(mailcorpus.B, "both", [(mailcorpus.B_W17, "B县.yaml"),
                                                                         (mailcorpus.A_V1, "A县.yaml")]))
    assert invoke("ingest", "--config", ws, both).exit_code == 0
    first = read_log(ws.parent / ".briefing")
    assert [(r.outcome, r.unit) for r in first] == [("accepted", "B县"), ("quarantined", "A县")]
    assert not (ws.parent / "entries" / "2023-W17" / "A县.yaml").exists()
    text = ws.read_text(encoding="utf-8").replace("A县: [a@county.example]", "A县: [a@county.example, b@county.example]")
    ws.write_text(text, encoding="utf-8")
    assert invoke("ingest", "--config", ws, both).exit_code == 0
    records = read_log(ws.parent / ".briefing")
    assert [(r.outcome, r.unit, r.part) for r in records[len(first):]] == [("accepted", "A县", first[1].part)]
    assert (ws.parent / "entries" / "2023-W17" / "A县.yaml").read_bytes() == mailcorpus.A_V1
    assert (ws.parent / "entries" / "2023-W17" / "B县.yaml").read_bytes() == mailcorpus.B_W17
    assert invoke("ingest", "--config", ws, both).exit_code == 0           # and then nothing more
    assert len(read_log(ws.parent / ".briefing")) == len(records)


def _sized(size: int) -> bytes:
    """A_V1 padded with a comment line to exactly ``size`` bytes."""
    head = mailcorpus.A_V1 + b"# "
    return head + b"x" * (size - len(head) - 1) + b"\n"


def test_an_attachment_exactly_at_the_limit_is_taken_one_byte_more_is_not(tmp_path, ws):
    limit = 64 * 1024                                                       # the corpus config: 64KB
    at, over = _sized(limit), _sized(limit + 1)
    assert (len(at), len(over)) == (limit, limit + 1)
    assert read_letter(mailcorpus.mail(mailcorpus.A, "at", [(at, "A县.yaml")]), limit).parts[0].refused is None
    assert "过大" in read_letter(mailcorpus.mail(mailcorpus.A, "over", [(over, "A县.yaml")]), limit).parts[0].refused
    first, second = save(tmp_path, over=mailcorpus.mail(mailcorpus.A, "over", [(over, "A县.yaml")], day=24),
                         at=mailcorpus.mail(mailcorpus.A, "at", [(at, "A县.yaml")], day=25))
    assert invoke("ingest", "--config", ws, first, second).exit_code == 0
    assert [r.outcome for r in read_log(ws.parent / ".briefing")] == ["rejected", "accepted"]
    assert (ws.parent / "entries" / "2023-W17" / "A县.yaml").read_bytes() == at
