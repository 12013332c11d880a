"""The ingest engine (briefing/mail/engine.py) called directly with reports handed over as the
upload page hands them (``Ingest.take_upload``), at a fixed time: what is filed where, what the
log says, and the whole Chinese note or error the clerk reads.  Mail-borne reports, senders and
forwarding are in test_mail.py and test_mail_hostile.py; the web page itself in test_web.py."""

from __future__ import annotations

import datetime as dt
import hashlib
import os

from briefing.mail.engine import Ingest
from briefing.mail.log import UPLOAD, read_log
from briefing.workspace.layout import open_workspace
from conftest import write_workspace

T = dt.datetime(2023, 1, 16, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
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
    (week / "A县-补充.yaml").write_bytes(copy)                    # a second file holding A县 2023-W02
    for name in ("A县.yaml", "A县-补充.yaml"):
        os.utime(week / name, (OLD.timestamp(), OLD.timestamp()))
    new = old.replace(b"reporter:", b"# corrected\nreporter:")
    [(record, _)] = upload(config, ("更正.yaml", new))
    local = OLD.astimezone().strftime("%Y%m%d-%H%M%S")     # the file's time, on this machine's clock
    history = f"archive/history/2023-W02/A县-{local}-"
    assert (record.outcome, record.stored) == ("replaced", "entries/2023-W02/A县.yaml")
    assert record.previous == history + sha(copy)[:8] + ".yaml"            # sorted: 补充 comes first
    assert record.notes == ["另有旧文件移入历史版本：" + history + sha(old)[:8] + ".yaml"]
    assert (week / "A县.yaml").read_bytes() == new and not (week / "A县-补充.yaml").exists()


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
