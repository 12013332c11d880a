"""``briefing ingest --reply``: Chinese receipts over SMTP, to an aiosmtpd sink on loopback."""

from __future__ import annotations

import re
from email import policy
from email.parser import BytesParser

import pytest
from click.testing import CliRunner

import mailcorpus
from briefing.cli import cli
from briefing.mail.log import read_log
from conftest import write_workspace
from servers import SMTP_PASSWORD, SMTP_USER, free_port


def workspace(tmp_path, port: int, login: bool = True):
    user = f"    user: {SMTP_USER}\n" if login else f"    sender: {SMTP_USER}\n"
    config = mailcorpus.CONFIG.replace("mail:\n", f"""mail:
  smtp:
    host: 127.0.0.1
    port: {port}
    ssl: false
{user}""")
    return write_workspace(tmp_path / "ws", config=config)


def reply(config, *sources):
    return CliRunner().invoke(cli, ["ingest", "--config", str(config), "--reply", *map(str, sources)],
                              env={"BRIEFING_SMTP_PASSWORD": SMTP_PASSWORD})


def receipts(sink) -> dict[str, list]:
    """Recipient → the receipts it got, parsed."""
    got: dict[str, list] = {}
    for recipients, raw in sink.received:
        message = BytesParser(policy=policy.default).parsebytes(raw)
        for to in recipients:
            got.setdefault(to, []).append(message)
    return got


def by_sent(messages) -> dict[str, object]:
    """Receipts by the original's sending time they name (each corpus mail has its own)."""
    return {re.search(r"原邮件发送时间 (\S+ \S+)）", m.get_content()).group(1): m for m in messages}


def test_receipts_accept_reject_and_never_answer_strangers(tmp_path, smtp_sink):
    corpus = mailcorpus.build(tmp_path / "corpus")
    config = workspace(tmp_path, smtp_sink.port)
    result = reply(config, *corpus.sources)
    assert result.exit_code == 0, result.output
    assert smtp_sink.logins == [(SMTP_USER.encode(), SMTP_PASSWORD.encode())]  # one login for the run

    got = receipts(smtp_sink)
    assert mailcorpus.STRANGER not in got
    assert set(got) == {mailcorpus.A, "b@county.example", "b-backup@county.example", mailcorpus.C}

    a = by_sent(got[mailcorpus.A])
    first = a["2023-04-24 09:00"]
    assert first["Subject"] == "【已收到】A县2023年第17周招商工作周报"  # made by the bureau, not the sender's
    assert first["From"] == SMTP_USER and first["Auto-Submitted"] == "auto-replied"
    assert first["In-Reply-To"] is None  # the Message-ID is the sender's text too
    assert "已收到A县2023年第17周报送，共2条记录。" in first.get_content()
    assert "已收到A县2023年第17周报送，共3条记录，已替换此前报送的版本。" in a["2023-04-25 10:00"].get_content()
    assert "作为旧版本存档" in a["2023-04-23 18:00"].get_content()
    assert "压缩包" in a["2023-04-14 10:00"].get_content()
    assert str(a["2023-04-14 10:00"]["Subject"]).startswith("【请修改后重发】")
    assert "没有 .yaml 格式的报告附件" in a["2023-04-24 15:00"].get_content()

    c = by_sent(got[mailcorpus.C])
    broken = c["2023-04-14 09:00"].get_content()
    assert "C园区2023年第15周的报告有错误，未能入库" in broken
    assert "  第9行第17列：“negotiated”（对接洽谈项目数（个））：不要带单位，请把“…”改成 6" in broken.splitlines()
    assert "已收到C园区2023年第17周报送，共1条记录。" in c["2023-04-25 12:00"].get_content()

    b = by_sent(got["b@county.example"])
    assert "不能报送“A县”的报告" in b["2023-04-20 09:00"].get_content()
    assert str(b["2023-04-20 09:00"]["Subject"]).startswith("【未入库】")
    assert "已收到B县2023年第17周报送，共2条记录。" in b["2023-04-25 11:00"].get_content()
    assert len(got["b@county.example"]) == 2  # m07, the same mail as m02 by another route, is not answered

    sent = [r for r in read_log(config.parent / ".briefing") if r.kind == "receipt"]
    assert len(sent) == len(smtp_sink.received) and all(r.outcome == "sent" for r in sent)
    assert f"已发送回执 {len(sent)} 封。" in result.output

    again = reply(config, *corpus.sources)  # nothing new: nobody is answered twice
    assert again.exit_code == 0 and len(smtp_sink.received) == len(sent)


def test_no_login_when_no_user(tmp_path, smtp_sink):
    raw = mailcorpus.messages()
    (tmp_path / "m01.eml").write_bytes(raw["m01"])
    config = workspace(tmp_path, smtp_sink.port, login=False)
    result = reply(config, tmp_path / "m01.eml")
    assert result.exit_code == 0, result.output
    assert smtp_sink.logins == [] and len(smtp_sink.received) == 1


def test_a_dead_smtp_server_does_not_undo_the_ingest(tmp_path):
    raw = mailcorpus.messages()
    (tmp_path / "m01.eml").write_bytes(raw["m01"])
    config = workspace(tmp_path, free_port())
    result = reply(config, tmp_path / "m01.eml")
    assert result.exit_code == 0, result.output
    assert "回执未能发给 a@county.example" in result.output
    assert (config.parent / "entries" / "2023-W17" / "A县.yaml").read_bytes() == mailcorpus.A_V1
    records = read_log(config.parent / ".briefing")
    assert [(r.kind, r.outcome) for r in records] == [("report", "accepted"), ("receipt", "failed")]


def test_a_failed_receipt_is_sent_on_the_next_run(tmp_path, smtp_sink):
    raw = mailcorpus.messages()
    (tmp_path / "m01.eml").write_bytes(raw["m01"])
    port = free_port()
    dead = workspace(tmp_path, port)
    first = reply(dead, tmp_path / "m01.eml")
    assert "无法连接发件服务器" in first.output and "Errno" not in first.output
    live = dead.read_text(encoding="utf-8").replace(f"port: {port}", f"port: {smtp_sink.port}")
    dead.write_text(live, encoding="utf-8")
    second = reply(dead, tmp_path / "m01.eml")
    assert second.exit_code == 0, second.output
    got = receipts(smtp_sink)
    assert list(got) == ["a@county.example"] and "已收到A县2023年第17周报送" in got["a@county.example"][0].get_content()
    outcomes = [(r.kind, r.outcome) for r in read_log(dead.parent / ".briefing")]
    assert outcomes == [("report", "accepted"), ("receipt", "failed"), ("receipt", "sent")]
    reply(dead, tmp_path / "m01.eml")
    assert len(smtp_sink.received) == 1  # sent once, not again


def test_smtp_password_is_required_when_logging_in(tmp_path):
    config = workspace(tmp_path, free_port())
    result = CliRunner().invoke(cli, ["ingest", "--config", str(config), "--reply", str(tmp_path)],
                                env={"BRIEFING_SMTP_PASSWORD": None})
    assert result.exit_code == 2 and "BRIEFING_SMTP_PASSWORD" in result.output


@pytest.mark.parametrize("header", [b"Auto-Submitted: auto-replied\r\n", b"Precedence: bulk\r\n"])
def test_automatic_mail_is_never_answered(tmp_path, smtp_sink, header):
    raw = mailcorpus.messages()["m01"]
    (tmp_path / "auto.eml").write_bytes(header + raw)
    config = workspace(tmp_path, smtp_sink.port)
    assert reply(config, tmp_path / "auto.eml").exit_code == 0
    assert smtp_sink.received == []
    assert (config.parent / "entries" / "2023-W17" / "A县.yaml").exists()
