"""A hostile corpus of report e-mails for the small workspace (units A县, B县 alias B自治县, C园区),
built with the standard ``email`` package, plus the config that goes with it.

Each message is described in :data:`EXPECTED` with the outcome worked out by hand.
"""

from __future__ import annotations

import base64
import mailbox
import textwrap
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime
import datetime as dt
from pathlib import Path
from typing import Sequence

from conftest import SMALL_CONFIG

A = "a@county.example"
B = "b@county.example"
C = "c@park.example"
STRANGER = "evil@attacker.example"

CONFIG = SMALL_CONFIG + """\
senders:
  A县: [a@county.example]
  B县: [B@County.Example, b-backup@county.example]
  C园区: [c@park.example]
mail:
  attachment_limit: 64KB
"""


def _yaml(text: str) -> bytes:
    return textwrap.dedent(text).encode("utf-8")


A_V1 = _yaml("""\
    unit: A县
    week: 2023-W17
    reporter: 甲
    signings:
      - project: 光伏项目
        investor: 光伏公司
        industry: 新能源
        investment: 10
        date: 2023-04-24
    projects:
      - {project: 光伏项目, investor: 光伏公司, kind: 新建, origin: 区外, stage: 签约, funds: 1}
    """)
A_V2 = _yaml("""\
    # 更正：总投资改为 12 亿元，补报外出招商
    unit: A县
    week: 2023-W17
    reporter: 甲
    trips:
      - leader: 张三
        title: 县长
        start: 2023-04-24
        destinations: [北京市]
        negotiated: 2
    signings:
      - project: 光伏项目
        investor: 光伏公司
        industry: 新能源
        investment: 12
        date: 2023-04-24
    projects:
      - {project: 光伏项目, investor: 光伏公司, kind: 新建, origin: 区外, stage: 签约, funds: 1}
    """)
A_V0 = _yaml("""\
    unit: A县
    week: 2023-W17
    reporter: 甲
    plans: [草稿]
    events:
      - {name: 草稿推介会, kind: 推介会, date: 2023-04-20, place: 深圳市}
    """)
# GBK, with characters outside GB2312 (喆, 镕), labelled gb2312 by the sending client.
B_GBK = textwrap.dedent("""\
    unit: B自治县
    week: 2023-W17
    reporter: 王喆
    events:
      - {name: 镕钢推介会, kind: 推介会, date: 2023-04-25, place: 上海市}
    projects:
      - {project: 镕钢项目, investor: 镕钢公司, kind: 续建, origin: 区外, stage: 开工, funds: 0.5}
    """).encode("gbk")
C_FWD = _yaml("""\
    unit: C园区
    week: 2023-W17
    reporter: 丙
    trips:
      - {leader: 赵六, title: 主任, start: 2023-04-25, destinations: [上海市], negotiated: 1}
    """)
C_W16 = _yaml("""\
    unit: C园区
    week: 2023-W16
    reporter: 丙
    signings:
      - {project: 材料项目, investor: 材料公司, industry: 新材料, investment: 3, date: 2023-04-18}
    """)
C_W14 = _yaml("""\
    unit: C园区
    week: 2023-W14
    reporter: 丙
    plans: [跟踪项目]
    """)
B_W16 = _yaml("""\
    unit: B县
    week: 2023-W16
    reporter: 乙
    events:
      - {name: B县考察接待, kind: 考察接待, date: 2023-04-19, place: B县}
    """)
A_W16_BY_B = _yaml("""\
    unit: A县
    week: 2023-W16
    reporter: 冒名
    signings:
      - {project: 假项目, investor: 假公司, industry: 新能源, investment: 500, date: 2023-04-18}
    """)
EVIL = _yaml("""\
    unit: A县
    week: 2023-W17
    reporter: 陌生人
    signings:
      - {project: 注水项目, investor: 某公司, industry: 新能源, investment: 9999, date: 2023-04-24}
    """)
BROKEN = _yaml("""\
    unit: C园区
    week: 2023-W15
    reporter: 丙
    trips:
      - leader: 赵六
        title: 主任
        start: 2023-04-10
        destinations: [上海市]
        negotiated: 6个
    """)
BROKEN_ERROR = "第9行第17列：“negotiated”"
# A valid report over the corpus config's 64KB limit (but under the default 5MB).
BIG = A_V1.replace("reporter: 甲".encode(), ("reporter: 甲\n# " + "x" * 100_000).encode())


def _date(day: int, hour: int) -> str:
    return format_datetime(dt.datetime(2023, 4, day, hour, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))))


def _message(sender: str, subject: str, day: int, hour: int, ident: str) -> EmailMessage:
    msg = EmailMessage(policy=policy.SMTP)
    msg["From"] = sender
    msg["To"] = "zsj@bureau.example"
    msg["Subject"] = subject
    msg["Date"] = _date(day, hour)
    msg["Message-ID"] = f"<{ident}@corpus.example>"
    msg.set_content("请查收本周报告。\n")
    return msg


def _attach(msg: EmailMessage, data: bytes, name: str) -> EmailMessage:
    msg.add_attachment(data, maintype="application", subtype="octet-stream", filename=name)
    return msg


def _b64(data: bytes) -> str:
    return base64.encodebytes(data).decode("ascii")


def _gbk_word(text: str, label: str = "gbk") -> str:
    return f"=?{label}?B?{base64.b64encode(text.encode('gbk')).decode()}?="


def _raw(head: str, body: str) -> bytes:
    """A message written by hand: ``head`` and ``body`` are dedented separately from the text
    substituted into them (base64 lines stay whole), and sent with CRLF line ends."""
    def lines(text: str) -> str:
        return "\n".join(line.lstrip(" ").rstrip() for line in text.strip("\n").splitlines())
    return (lines(head) + "\n\n" + lines(body) + "\n").replace("\n", "\r\n").encode("ascii")


@dataclass
class Corpus:
    """The corpus on disk: the sources to give ``briefing ingest`` and the expected results."""

    folder: Path
    eml: Path
    mbox: Path
    maildir: Path
    messages: dict[str, bytes] = field(default_factory=dict)

    @property
    def sources(self) -> list[Path]:
        return [self.eml, self.mbox, self.maildir]


def _fixed(msg: EmailMessage, ident: str) -> bytes:
    """The message's bytes with boundaries that do not change from run to run."""
    for number, part in enumerate(p for p in msg.walk() if p.is_multipart() and p.get_content_maintype() == "multipart"):
        part.set_boundary(f"=={ident}-{number}==")
    return msg.as_bytes()


def messages() -> dict[str, bytes]:
    """Every message of the corpus by name, as raw bytes (the same on every call)."""
    out: dict[str, bytes] = {}
    # 01: A县's first report; RFC 2231 UTF-8 file name (the email package writes it).
    out["m01"] = _fixed(_attach(_message(A, "A县第17周报告", 24, 9, "m01"), A_V1, "A县第17周.yaml"), "m01")
    # 02: B县 from a GBK client: RFC 2047 gbk name, GBK body labelled gb2312, alias unit.
    out["m02"] = _raw(f"""
        From: =?gbk?B?{base64.b64encode('乙'.encode('gbk')).decode()}?= <b@county.example>
        To: zsj@bureau.example
        Subject: {_gbk_word('B自治县第17周报告', 'gb2312')}
        Date: {_date(25, 11)}
        Message-ID: <m02@corpus.example>
        MIME-Version: 1.0
        Content-Type: multipart/mixed; boundary="==gbk=="
        """, f"""
        --==gbk==
        Content-Type: text/plain; charset=gb2312
        Content-Transfer-Encoding: base64

        {base64.b64encode('请查收，联系人王喆'.encode('gbk')).decode()}
        --==gbk==
        Content-Type: text/plain; charset=gb2312; name="{_gbk_word('B自治县第17周.yaml', 'gb2312')}"
        Content-Disposition: attachment; filename="{_gbk_word('B自治县第17周.yaml', 'gb2312')}"
        Content-Transfer-Encoding: base64

        {_b64(B_GBK)}
        --==gbk==--
        """)
    # 03: C园区 forwards the mail a colleague sent it: the report sits in a message/rfc822 part.
    inner = _attach(_message("colleague@park.example", "C园区周报", 25, 8, "m03-inner"), C_FWD, "C园区.yaml")
    outer = _message(C, "Fwd: C园区周报", 25, 12, "m03")
    outer.add_attachment(inner)
    out["m03"] = _fixed(outer, "m03")
    # 04: a stranger injecting figures for A县.
    out["m04"] = _fixed(_attach(_message(STRANGER, "A县周报", 26, 9, "m04"), EVIL, "A县.yaml"), "m04")
    # 05: B县's address reporting for A县.
    out["m05"] = _fixed(_attach(_message(B, "A县第16周", 20, 9, "m05"), A_W16_BY_B, "A县.yaml"), "m05")
    # 06: a file name climbing out of the folder.
    out["m06"] = _raw(f"""
        From: c@park.example
        Subject: C16
        Date: {_date(21, 9)}
        Message-ID: <m06@corpus.example>
        MIME-Version: 1.0
        Content-Type: multipart/mixed; boundary="b6"
        """, f"""
        --b6
        Content-Type: application/octet-stream; name="../../evil.yaml"
        Content-Disposition: attachment; filename="../../evil.yaml"
        Content-Transfer-Encoding: base64

        {_b64(C_W16)}
        --b6--
        """)
    # 07: m02 again, through another route (an extra Received header): same Message-ID.
    out["m07"] = b"Received: from relay.example by mx.bureau.example; Tue, 25 Apr 2023 11:00:05 +0800\r\n" + out["m02"]
    # 08: A县's correction, sent later.
    out["m08"] = _fixed(_attach(_message(A, "A县第17周报告（更正）", 25, 10, "m08"), A_V2, "A县第17周.yaml"), "m08")
    # 09: an older draft of A县's week, dated before m01, arriving after the correction.
    out["m09"] = _fixed(_attach(_message(A, "A县第17周草稿", 23, 18, "m09"), A_V0, "A县草稿.yaml"), "m09")
    # 10: a broken report.
    out["m10"] = _fixed(_attach(_message(C, "C园区第15周", 14, 9, "m10"), BROKEN, "C园区.yaml"), "m10")
    # 11: a zip attachment.
    zipped = _message(A, "A县第15周（压缩包）", 14, 10, "m11")
    zipped.add_attachment(b"PK\x03\x04" + b"\x00" * 40, maintype="application", subtype="zip", filename="A县.zip")
    out["m11"] = _fixed(zipped, "m11")
    # 12: an oversized attachment (the corpus config allows 64KB).
    out["m12"] = _fixed(_attach(_message(A, "A县第17周（大附件）", 26, 10, "m12"), BIG, "A县.yaml"), "m12")
    # 13: malformed MIME: the closing boundary is missing, headers are folded oddly; the
    # report inside is still readable.
    out["m13"] = _raw(f"""
        From: c@park.example
        Subject: C14
        Date: {_date(7, 9)}
        Message-ID: <m13@corpus.example>
        MIME-Version: 1.0
        Content-Type: multipart/mixed;
        \tboundary="b13"
        """, f"""
        --b13
        Content-Type: application/octet-stream
        Content-Disposition: attachment; filename=C.yaml
        Content-Transfer-Encoding: base64

        {_b64(C_W14)}
        """)
    # 13b: malformed MIME beyond repair: a multipart without a boundary.
    out["m13b"] = _raw(f"""
        From: c@park.example
        Subject: broken
        Date: {_date(7, 10)}
        Message-ID: <m13b@corpus.example>
        MIME-Version: 1.0
        Content-Type: multipart/mixed
        """, """
        --nothing here
        Content-Disposition: attachment; filename=C.yaml

        unit: C
        """)
    # 14: an unknown charset label, on the name and on the part.
    out["m14"] = _raw(f"""
        From: b-backup@county.example
        Subject: =?x-klingon?Q?B16?=
        Date: {_date(21, 10)}
        Message-ID: <m14@corpus.example>
        MIME-Version: 1.0
        Content-Type: multipart/mixed; boundary="b14"
        """, f"""
        --b14
        Content-Type: text/plain; charset="x-klingon"; name="=?x-klingon?B?{base64.b64encode('B县.yaml'.encode()).decode()}?="
        Content-Disposition: attachment; filename="=?x-klingon?B?{base64.b64encode('B县.yaml'.encode()).decode()}?="
        Content-Transfer-Encoding: base64

        {_b64(B_W16)}
        --b14--
        """)
    # 15: no report, only a spreadsheet.
    sheet = _message(A, "A县第17周报表", 24, 15, "m15")
    sheet.add_attachment(b"PK\x03\x04xlsx", maintype="application",
                         subtype="vnd.openxmlformats-officedocument.spreadsheetml.sheet", filename="报表.xlsx")
    out["m15"] = _fixed(sheet, "m15")
    return out


# name → (outcome, unit, week) of each report or message, on the first run in corpus order.
EXPECTED = {
    "m01": ("replaced-later", "A县", "2023-W17"),
    "m02": ("accepted", "B县", "2023-W17"),
    "m03": ("accepted", "C园区", "2023-W17"),
    "m04": ("quarantined", "A县", "2023-W17"),
    "m05": ("quarantined", "A县", "2023-W16"),
    "m06": ("accepted", "C园区", "2023-W16"),
    "m07": ("duplicate", None, None),
    "m08": ("replaced", "A县", "2023-W17"),
    "m09": ("superseded", "A县", "2023-W17"),
    "m10": ("rejected", "C园区", "2023-W15"),
    "m11": ("rejected", "A县", None),
    "m12": ("rejected", "A县", None),
    "m13": ("accepted", "C园区", "2023-W14"),
    "m13b": ("empty", None, None),
    "m14": ("accepted", "B县", "2023-W16"),
    "m15": ("empty", None, None),
}

# Reports the workspace must hold afterwards (besides the small workspace's own), with content.
EXPECTED_ENTRIES = {
    "2023-W17/A县.yaml": A_V2,
    "2023-W17/B县.yaml": B_GBK,
    "2023-W17/C园区.yaml": C_FWD,
    "2023-W16/C园区.yaml": C_W16,
    "2023-W16/B县.yaml": B_W16,
    "2023-W14/C园区.yaml": C_W14,
}

EML = ("m01", "m02", "m03", "m04", "m13", "m13b", "m15")
MBOX = ("m05", "m06", "m07", "m14")
MAILDIR = ("m08", "m09", "m10", "m11", "m12")


def build(folder: Path) -> Corpus:
    """Write the corpus: ``eml/`` (with an exact copy of m02), ``inbox.mbox``, ``Maildir/``."""
    raw = messages()
    corpus = Corpus(folder, folder / "eml", folder / "inbox.mbox", folder / "Maildir", raw)
    corpus.eml.mkdir(parents=True)
    for name in EML:
        (corpus.eml / f"{name}.eml").write_bytes(raw[name])
    (corpus.eml / "m02-copy.eml").write_bytes(raw["m02"])  # an exact duplicate
    box = mailbox.mbox(str(corpus.mbox))
    for name in MBOX:
        box.add(raw[name])
    box.close()
    maildir = mailbox.Maildir(str(corpus.maildir))
    for name in MAILDIR:
        maildir.add(raw[name])
    maildir.close()
    return corpus


# ---------------------------------------------------------------- hostile mails (issue 15)

# Text an attacker controls; no receipt may ever carry it (the Subject, free text, values,
# attachment names, Message-ID).
MARKER = "点击领奖XQZ"
B_W17 = _yaml("""\
    unit: B县
    week: 2023-W17
    reporter: 乙
    events:
      - {name: B县推介会, kind: 推介会, date: 2023-04-25, place: 上海市}
    """)


def mail(sender: str, ident: str, attachments: Sequence[tuple[bytes, str]] = (), *, subject: str = "周报",
         day: int = 26, hour: int = 9) -> bytes:
    """A plain message from ``sender`` with ``(bytes, file name)`` attachments."""
    msg = _message(sender, subject, day, hour, ident)
    for data, name in attachments:
        _attach(msg, data, name)
    return _fixed(msg, ident)


def forward(outer: str, inner: str, report: bytes, ident: str, name: str = "A县.yaml") -> bytes:
    """``outer`` forwards a message ``inner`` sent with ``report`` attached (message/rfc822)."""
    original = _attach(_message(inner, "A县周报", 26, 8, f"{ident}-inner"), report, name)
    wrapper = _message(outer, "Fwd: A县周报", 26, 9, ident)
    wrapper.add_attachment(original)
    return _fixed(wrapper, ident)


def two_froms(first: str, second: str, report: bytes, ident: str) -> bytes:
    """A message with two From headers (only the first one shows in many clients)."""
    raw = mail(first, ident, [(report, "A县.yaml")])
    return raw.replace(f"From: {first}\r\n".encode(), f"From: {first}\r\nFrom: {second}\r\n".encode(), 1)


def huge_content_type(parameters: int, nested: bool = False) -> bytes:
    """A message whose Content-Type carries ``parameters`` parameters, at the top or in a part."""
    params = "".join(f";\r\n p{n}=v" for n in range(parameters))
    head = (f"From: {A}\r\nTo: zsj@bureau.example\r\nSubject: big\r\nDate: {_date(26, 9)}\r\n"
            "Message-ID: <huge@corpus.example>\r\nMIME-Version: 1.0\r\n")
    if not nested:
        return (head + f"Content-Type: text/plain{params}\r\n\r\nhello\r\n").encode()
    return (head + 'Content-Type: multipart/mixed; boundary="hb"\r\n\r\n--hb\r\n'
            f"Content-Type: application/octet-stream{params}\r\n"
            "Content-Disposition: attachment; filename=A.yaml\r\n\r\nunit: A\r\n--hb--\r\n").encode()


def huge_header_block(size: int) -> bytes:
    """A message whose header block is ``size`` bytes of ``X-Filler`` lines."""
    line = "X-Filler: " + "x" * 66 + "\r\n"
    filler = line * (size // len(line))
    return (f"From: {A}\r\nSubject: filler\r\nDate: {_date(26, 9)}\r\nMessage-ID: <filler@corpus.example>\r\n"
            + filler + "\r\nhello\r\n").encode()
