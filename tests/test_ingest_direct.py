"""The ingest engine (briefing/mail/engine.py) called directly with reports handed over as the
upload page hands them (``Ingest.take_upload``), at a fixed time: what is filed where, what the
log says, and the whole Chinese note or error the clerk reads.  Mail-borne reports, senders and
forwarding are in test_mail.py and test_mail_hostile.py; the web page itself in test_web.py."""

from __future__ import annotations

import datetime as dt
import hashlib
import os

import pytest

import mailcorpus
from briefing.mail.engine import Ingest
from briefing.mail.log import UPLOAD, read_log
from briefing.mail.sources import Incoming
from briefing.workspace.layout import open_workspace
from conftest import SMALL_CONFIG, write_workspace

T = dt.datetime(2023, 1, 16, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
MAIL_TIME = dt.datetime(2023, 4, 26, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))   # after every Date below
OLD = dt.datetime(2023, 1, 13, 17, 5, 9, tzinfo=dt.timezone(dt.timedelta(hours=8)))
C_W02 = "unit: C园区\nweek: 2023-W02\nreporter: 丙\nplans: [赴广东招商]\n".encode()


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def upload(config, *files):
    with Ingest(open_workspace(config), now=lambda: T) as engine:
        return [engine.take_upload(data, name) for name, data in files]


def test_a_new_report_is_filed_logged_and_a_second_copy_changes_nothing(tmp_path):
    config = write_workspace(tmp_path / "ws")
    (first, problems), (again, _) = upload(config, ("c.yaml", C_W02), ("c 再传.yaml", C_W02))
    assert problems == []
    assert (first.outcome, first.unit, first.week, first.stored, first.previous, first.notes, first.errors) == (
        "accepted", "C园区", "2023-W02", "entries/2023-W02/C园区.yaml", None, [], [])
    assert (first.source, first.part, first.attachment, first.message, first.seq, first.kind) == (
        UPLOAD, 1, "c.yaml", "", 1, "report")
    assert first.report_sha256 == first.sha256 == sha(C_W02) and first.time == first.arrived == T.isoformat()
    assert (again.outcome, again.stored, again.notes, again.seq) == (
        "duplicate", "entries/2023-W02/C园区.yaml", ["内容与已入库的版本完全相同，未改动"], 2)
    assert (config.parent / "entries" / "2023-W02" / "C园区.yaml").read_bytes() == C_W02
    assert [(r.outcome, r.seq, r.attachment) for r in read_log(config.parent / ".briefing")] == [
        ("accepted", 1, "c.yaml"), ("duplicate", 2, "c 再传.yaml")]


def test_a_new_version_moves_every_old_file_of_that_week_into_the_history(tmp_path):
    config = write_workspace(tmp_path / "ws")
    week = config.parent / "entries" / "2023-W02"
    old = (week / "A县.yaml").read_bytes()
    copy = old.replace(b"reporter:", b"# copy\nreporter:")
    (week / "A县-补充.yaml").write_bytes(copy)                    # two more files holding A县 2023-W02
    copy2 = old.replace(b"reporter:", b"# copy 2\nreporter:")
    (week / "A县-补充2.yaml").write_bytes(copy2)
    for name in ("A县.yaml", "A县-补充.yaml", "A县-补充2.yaml"):
        os.utime(week / name, (OLD.timestamp(), OLD.timestamp()))
    new = old.replace(b"reporter:", b"# corrected\nreporter:")
    [(record, _)] = upload(config, ("更正.yaml", new))
    local = OLD.astimezone().strftime("%Y%m%d-%H%M%S")     # the file's time, on this machine's clock
    history = f"archive/history/2023-W02/A县-{local}-"
    assert (record.outcome, record.stored) == ("replaced", "entries/2023-W02/A县.yaml")
    assert record.previous == history + sha(copy)[:8] + ".yaml"            # sorted: 补充 comes first
    assert record.notes == ["另有旧文件移入历史版本：" + history + sha(copy2)[:8] + ".yaml、" + history + sha(old)[:8] + ".yaml"]
    assert (week / "A县.yaml").read_bytes() == new and not (week / "A县-补充.yaml").exists()
    newer = new.replace(b"reporter:", b"# again\nreporter:")
    [(again, _)] = upload(config, ("再更正.yaml", newer))                     # one old file: no further note
    assert (again.outcome, again.previous, again.notes) == (
        "replaced", f"archive/history/2023-W02/A县-20230116-093000-{sha(new)[:8]}.yaml", [])   # logged at T


def test_a_report_with_an_error_is_neither_filed_nor_logged(tmp_path):
    config = write_workspace(tmp_path / "ws")
    bad = C_W02.replace(b"2023-W02", b"2023-W99")
    [(record, problems), (empty, _)] = upload(config, ("bad.yaml", bad), ("空.yaml", b""))
    assert (record.outcome, record.unit, record.week, record.stored) == ("rejected", "C园区", None, None)
    assert record.errors == ["第2行第7列：“week”（报送周次（ISO 周））：2023年没有第99周（ISO 周次为 1～52）"]
    assert [str(p) for p in problems] == ["bad.yaml:2:7: 错误: “week”（报送周次（ISO 周））：2023年没有第99周（ISO 周次为 1～52）"]
    assert empty.errors == ["第1行第1列：文件是空的。请按模板填写报告（至少包括 unit、week、reporter）"]
    assert read_log(config.parent / ".briefing") == []
    assert not (config.parent / "entries" / "2023-W02" / "C园区.yaml").exists()


HELD = ("。为免弄乱，这个文件没有移动也没有替换，本次收到的C园区2023年第3周报告暂存在 archive/pending/{stored}，未入库。"
        "请先改正该文件（改成正确的文件名、移走或删除），再重新上传这份报告")


def test_a_misfiled_entry_holds_the_upload_aside_and_names_the_file(tmp_path):
    config = write_workspace(tmp_path / "ws")
    folder = config.parent / "entries" / "2023-W03"
    folder.mkdir()
    (folder / "C园区.yaml").write_bytes("unit: B县\nweek: 2023-W03\nreporter: 乙\n".encode())
    c_w03 = C_W02.replace(b"W02", b"W03")
    [(record, _)] = upload(config, ("c3.yaml", c_w03))
    stored = f"{sha(c_w03)[:16]}-1.yaml"
    assert (record.outcome, record.stored) == ("held", "archive/pending/" + stored)
    assert record.errors == ["entries/2023-W03/C园区.yaml 里是B县2023年第3周的报告，不是C园区2023年第3周的"
                             + HELD.format(stored=stored)]
    assert (config.parent / "archive" / "pending" / stored).read_bytes() == c_w03
    (folder / "C园区.yaml").write_bytes("reporter: 乙\n".encode())             # no unit, no week
    [(record, _)] = upload(config, ("c3.yaml", c_w03))
    assert record.errors == ["entries/2023-W03/C园区.yaml 读不出单位和周次（unit、week），无法确认是谁的报告"
                             + HELD.format(stored=stored)]


# ---------------------------------------------------------------- who may send a report

TWO_UNITS = SMALL_CONFIG + "senders:\n  A县: [a@county.example]\n  C园区: [a@county.example, c@park.example]\n"
VOUCH = "经办人用 --vouch 确认此邮件可信，按转发的原邮件发件人 {}判断报送单位"
NOT_LISTED = "发件人 evil@attacker.example 不在 briefing.yaml 的 senders 名单中，报告未入库"


@pytest.mark.parametrize("raw, vouched, outcome, unit, notes, errors", [
    (mailcorpus.forward(mailcorpus.C, mailcorpus.A, mailcorpus.A_V1, "f1"), False, "quarantined", "A县", [],
     ["发件人 c@park.example 登记的报送单位是C园区，不能报送“A县”的报告"]),
    (mailcorpus.forward(mailcorpus.STRANGER, mailcorpus.A, mailcorpus.A_V1, "f2"), False, "quarantined", "A县",
     ["转发的原邮件发件人 a@county.example 登记为A县、C园区的报送邮箱；如已核实这封邮件确实来自该单位，"
      "可用 briefing ingest --vouch {message} 导入"], [NOT_LISTED]),
    (mailcorpus.forward(mailcorpus.STRANGER, mailcorpus.A, mailcorpus.A_V1, "f3"), True, "accepted", "A县",
     [VOUCH.format("a@county.example")], []),
    (mailcorpus.forward(mailcorpus.STRANGER, mailcorpus.C, mailcorpus.B_W16, "f4"), True, "quarantined", "B县",
     [VOUCH.format("c@park.example")], ["转发的原邮件发件人 c@park.example 登记的报送单位是C园区，不能报送“B县”的报告"]),
    (mailcorpus.mail(mailcorpus.A, "f5", [(mailcorpus.B_W16, "B.yaml")]), False, "quarantined", "B县", [],
     ["发件人 a@county.example 登记的报送单位是A县、C园区，不能报送“B县”的报告"]),
    (mailcorpus.two_froms(mailcorpus.A, mailcorpus.C, mailcorpus.A_V1, "f6"), False, "quarantined", "A县", [],
     ["邮件的发件人无法确认（没有发件人、有多个发件人或地址不规范），报告未入库"]),
    (mailcorpus.mail(mailcorpus.STRANGER, "f7", [(mailcorpus.A_V1, "A.yaml")]), False, "quarantined", "A县", [],
     [NOT_LISTED]),
    (mailcorpus.mail(mailcorpus.C, "f8", [(mailcorpus.BROKEN, "C.yaml")]), False, "rejected", "C园区", [],
     ["第9行第17列：“negotiated”（对接洽谈项目数（个））：不要带单位，请把“6个”改成 6"]),
], ids=["registered county forwards another's report", "stranger forwards a registered county's mail",
        "the same, vouched for", "vouched, but the original sender's unit differs", "one address for two units",
        "two From headers", "stranger", "a report with an error"])
def test_the_sender_decides_where_a_report_goes_with_the_whole_reason(tmp_path, raw, vouched, outcome, unit, notes,
                                                                     errors):
    config = write_workspace(tmp_path / "ws", TWO_UNITS)
    with Ingest(open_workspace(config), now=lambda: MAIL_TIME) as engine:
        [record] = engine.take(Incoming(origin="test", load=lambda: raw, vouched=vouched)).records
    message = f"archive/mail/2023-04/{sha(raw)[:16]}.eml"
    assert (record.outcome, record.unit, record.message) == (outcome, unit, message)
    assert (record.notes, record.errors) == ([n.format(message=message) for n in notes], errors)
    folder = {"quarantined": "archive/quarantine/", "rejected": "archive/rejected/", "accepted": "entries/"}[outcome]
    assert record.stored.startswith(folder) and (config.parent / record.stored).is_file()


def test_an_older_version_arriving_late_is_kept_in_the_history_and_its_copies_change_nothing(tmp_path):
    config = write_workspace(tmp_path / "ws", mailcorpus.CONFIG)
    mails = [mailcorpus.mail(mailcorpus.A, "v2", [(mailcorpus.A_V2, "A.yaml")], day=25, hour=9),
             mailcorpus.mail(mailcorpus.A, "v1", [(mailcorpus.A_V1, "A.yaml")], day=24, hour=9),
             mailcorpus.mail(mailcorpus.A, "v1b", [(mailcorpus.A_V1, "A.yaml")], day=24, hour=11),
             mailcorpus.mail(mailcorpus.A, "v2b", [(mailcorpus.A_V2, "A.yaml")], day=25, hour=12)]
    with Ingest(open_workspace(config), now=lambda: MAIL_TIME) as engine:
        records = [engine.take(Incoming(origin=str(n), load=lambda raw=raw: raw)).records[0]
                   for n, raw in enumerate(mails)]
    entry = "entries/2023-W17/A县.yaml"
    assert [(r.outcome, r.stored, r.notes) for r in records] == [
        ("accepted", entry, []),
        ("superseded", f"archive/history/2023-W17/A县-20230424-090000-{sha(mailcorpus.A_V1)[:8]}.yaml",
         ["已有一份发送时间更晚（2023-04-25 09:00）的版本在用，本份作为旧版本存档，未替换"]),
        ("duplicate", entry, ["内容与此前报送的一个旧版本完全相同，未改动"]),
        ("duplicate", entry, ["内容与已入库的版本完全相同，未改动"])]
    assert (config.parent / entry).read_bytes() == mailcorpus.A_V2


def test_the_log_line_of_a_mail_says_where_when_from_whom_and_a_copy_is_skipped(tmp_path):
    config = write_workspace(tmp_path / "ws", mailcorpus.CONFIG)
    arrived = dt.datetime(2023, 4, 26, 9, 1, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    report = mailcorpus.mail(mailcorpus.A, "r1", [(mailcorpus.A_V1, "A县.yaml")], subject="A县第17周")
    bare = mailcorpus.mail(mailcorpus.A, "r2", [], subject="空")
    text = mailcorpus.mail(mailcorpus.A, "r3", [(b"hello", "说明.txt")], subject="说明")
    with Ingest(open_workspace(config), now=lambda: MAIL_TIME) as engine:
        handled = [engine.take(Incoming(origin="收件箱#1", load=lambda raw=raw: raw, arrived=arrived))
                   for raw in (report, report, bare, text)]
        run = engine.run
    assert run.startswith("20230426-100000-") and len(run) == 24
    assert [(h.origin, h.skipped, len(h.records)) for h in handled] == [
        ("收件箱#1", False, 1), ("收件箱#1", True, 0), ("收件箱#1", False, 1), ("收件箱#1", False, 1)]
    logged = read_log(config.parent / ".briefing")
    first = logged[0]
    assert (first.kind, first.outcome, first.time, first.seq, first.source, first.arrived, first.date) == (
        "report", "accepted", "2023-04-26T10:00:00+08:00", 1, "收件箱#1", "2023-04-26T09:01:00+08:00",
        "2023-04-26T09:00:00+08:00")
    assert (first.message, first.message_id, first.sender, first.subject, first.part, first.attachment) == (
        f"archive/mail/2023-04/{sha(report)[:16]}.eml", "<r1@corpus.example>", "a@county.example", "A县第17周", 2,
        "A县.yaml")
    assert (first.sha256, first.report_sha256, first.run, first.records) == (sha(report), sha(mailcorpus.A_V1), run, 2)
    assert [(r.kind, r.outcome, r.seq, r.subject, r.notes, r.run) for r in logged[1:]] == [
        ("message", "empty", 2, "空", ["邮件中没有附件"], run),
        ("message", "empty", 3, "说明", ["附件“说明.txt”不是 .yaml 报告文件"], run)]


def test_a_mailed_report_held_aside_says_how_to_import_the_mail_again(tmp_path):
    config = write_workspace(tmp_path / "ws", mailcorpus.CONFIG)
    folder = config.parent / "entries" / "2023-W17"
    folder.mkdir()
    (folder / "A县.yaml").write_bytes("unit: B县\nweek: 2023-W17\nreporter: 乙\n".encode())
    raw = mailcorpus.mail(mailcorpus.A, "h1", [(mailcorpus.A_V1, "A.yaml")])
    with Ingest(open_workspace(config), now=lambda: MAIL_TIME) as engine:
        [record] = engine.take(Incoming(origin="test", load=lambda: raw)).records
    message = f"archive/mail/2023-04/{sha(raw)[:16]}.eml"
    stored = f"archive/pending/{sha(raw)[:16]}-2.yaml"                   # the message, part 2
    assert (record.outcome, record.stored) == ("held", stored)
    assert record.errors == [f"entries/2023-W17/A县.yaml 里是B县2023年第17周的报告，不是A县2023年第17周的。为免弄乱，"
                             f"这个文件没有移动也没有替换，本次收到的A县2023年第17周报告暂存在 {stored}，未入库。"
                             f"请先改正该文件（改成正确的文件名、移走或删除），再重新导入这封邮件：briefing ingest {message}"]


INTERRUPTED = ("。为免再次卡住，这封邮件不再读取，其中的报告没有导入。原件保存在 {message}；"
               "如果这是正常的报送邮件，请联系发件单位重新发送")


@pytest.mark.parametrize("stops, where, what", [
    (1, "briefing.mail.engine.read_letter", "上次导入读取这封邮件时程序中断了（可能是这封邮件格式异常，读取时卡住）"),
    (2, "briefing.mail.engine.Ingest._judge_part",
     "前两次导入检查这封邮件里的报告时程序都中断了（可能是报告内容异常，检查时卡住）")])
def test_a_mail_that_stopped_earlier_runs_is_given_up_with_the_whole_reason(tmp_path, monkeypatch, stops, where, what):
    config = write_workspace(tmp_path / "ws", mailcorpus.CONFIG)
    raw = mailcorpus.mail(mailcorpus.A, "k1", [(mailcorpus.A_V1, "A.yaml")])
    arrived = dt.datetime(2023, 3, 2, 8, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))   # no Date is trusted here

    class Killed(BaseException):
        pass

    def hang(*args, **kwargs):
        raise Killed

    with monkeypatch.context() as patch:
        patch.setattr(where, hang)
        for _ in range(stops):
            with pytest.raises(Killed), Ingest(open_workspace(config), now=lambda: MAIL_TIME) as engine:
                engine.take(Incoming(origin="test", load=lambda: raw, arrived=arrived))
    with Ingest(open_workspace(config), now=lambda: MAIL_TIME) as engine:
        [record] = engine.take(Incoming(origin="test", load=lambda: raw, arrived=arrived)).records
    message = f"archive/mail/2023-03/{sha(raw)[:16]}.eml"       # filed by the arrival time of the first try
    assert (record.kind, record.outcome, record.message) == ("message", "interrupted", message)
    assert record.errors == [what + INTERRUPTED.format(message=message)]
    assert (config.parent / message).read_bytes() == raw


def test_a_message_id_seen_before_is_no_proof_when_the_earlier_copy_is_gone(tmp_path):
    config = write_workspace(tmp_path / "ws", mailcorpus.CONFIG)
    first = mailcorpus.mail(mailcorpus.A, "same", [(mailcorpus.A_V1, "A.yaml")], hour=9)
    second = mailcorpus.mail(mailcorpus.A, "same", [(mailcorpus.A_V2, "A.yaml")], hour=10)   # same Message-ID
    with Ingest(open_workspace(config), now=lambda: MAIL_TIME) as engine:
        [kept] = engine.take(Incoming(origin="1", load=lambda: first)).records
        (config.parent / kept.message).unlink()                     # the archived copy cannot be compared
        [record] = engine.take(Incoming(origin="2", load=lambda: second)).records
    assert (record.outcome, record.notes) == ("replaced", [])
    assert (config.parent / "entries" / "2023-W17" / "A县.yaml").read_bytes() == mailcorpus.A_V2


def test_a_vouched_forward_without_a_readable_original_sender_is_quarantined(tmp_path):
    config = write_workspace(tmp_path / "ws", mailcorpus.CONFIG)
    raw = mailcorpus.forward(mailcorpus.STRANGER, "", mailcorpus.A_V1, "nf")
    with Ingest(open_workspace(config), now=lambda: MAIL_TIME) as engine:
        [record] = engine.take(Incoming(origin="test", load=lambda: raw, vouched=True)).records
    assert (record.outcome, record.notes, record.errors) == (
        "quarantined", ["经办人用 --vouch 确认此邮件可信，按转发的原邮件发件人 （无法识别）判断报送单位"],
        ["转发的原邮件的发件人无法确认（没有发件人、有多个发件人或地址不规范），报告未入库"])
