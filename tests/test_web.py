"""``briefing serve``'s pages through Starlette's test client: every route, uploads stored as
``ingest`` stores them, and the guards (CSRF token, Origin, Host, body size, path tricks).

Refused requests are checked by hashing the whole workspace before and after: not a byte may
change.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import textwrap
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from briefing.cli import cli
from briefing.mail.log import UPLOAD, read_log
from briefing.web import data
from briefing.web.app import create_app
from conftest import SMALL_CONFIG, write_workspace

BASE = "http://127.0.0.1:8765"

C_W02 = textwrap.dedent("""\
    unit: C园区
    week: 2023-W02
    reporter: 丙
    trips:
      - leader: 王五
        title: 主任
        start: 2023-01-10
        destinations: [北京市]
        negotiated: 6
    highlights: [与某公司洽谈]
    """).encode("utf-8")
C_W02_BAD = C_W02.replace("negotiated: 6".encode(), "negotiated: 6个".encode())
A_W02_NEW = textwrap.dedent("""\
    unit: A县
    week: 2023-W02
    reporter: 甲
    projects:
      - project: 老厂改造
        investor: 本地公司
        kind: 续建
        origin: 区内
        stage: 投产
        funds: 0.7
    """).encode("utf-8")


MONDAY_W03 = "2023-01-16"
"""Today for these tests: the Monday of 2023-W03, so the week being reported is 2023-W02 (the
small workspace's latest week) and it has ended (it can be published)."""


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setenv("BRIEFING_TODAY", MONDAY_W03)


def client_for(config: Path, **kwargs) -> TestClient:
    return TestClient(create_app(config, port=8765, **kwargs), base_url=BASE)


@pytest.fixture
def ws(small):
    return small


@pytest.fixture
def client(ws):
    with client_for(ws) as c:
        yield c


def token(client: TestClient) -> str:
    page = client.get("/upload").text
    return re.search(r'name="csrftoken" value="([^"]+)"', page).group(1)


def tree(root: Path) -> dict[str, str]:
    """Every file under the workspace and the hash of its bytes."""
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def upload(client: TestClient, *files: tuple[str, bytes], tok: str | None = None, **kwargs):
    fields = {} if tok is False else {"csrftoken": tok or token(client)}
    return client.post("/upload", data=fields, files=[("reports", (name, raw, "application/x-yaml")) for name, raw in files],
                       **kwargs)


def rows(page: str) -> dict[str, str]:
    """``data-unit`` → ``data-status`` of the board's rows."""
    return dict(re.findall(r'<tr data-unit="([^"]+)" data-status="([^"]+)"', page))


# ---------------------------------------------------------------- the board


def test_board_lists_every_unit_with_its_status(client):
    page = client.get("/").text
    assert rows(page) == {"A县": "reported", "B县": "reported", "C园区": "missing"}
    assert "2023年第2周" in page and "未报送 1" in page
    assert 'href="/remind?week=2023-W02"' in page


def test_board_shows_each_error_with_file_line_and_hint(ws, client):
    (ws.parent / "entries" / "2023-W02" / "C园区.yaml").write_bytes(C_W02_BAD)
    page = client.get("/").text
    assert rows(page)["C园区"] == "error"
    assert "entries/2023-W02/C园区.yaml:9:17" in page
    assert "请把“6个”改成 6" in page


def test_board_of_another_week_and_a_bad_week(client):
    page = client.get("/?week=2023-W01").text
    assert rows(page) == {"A县": "reported", "B县": "missing", "C园区": "missing"}
    bad = client.get("/?week=2023-W99")
    assert bad.status_code == 400 and "周次" in bad.text


def test_board_shows_a_rejected_and_a_quarantined_mail(ws, client):
    log = ws.parent / ".briefing" / "ingest.jsonl"
    log.parent.mkdir(exist_ok=True)
    base = {"kind": "report", "time": "2023-01-16T10:00:00+08:00", "seq": 1, "sha256": "0" * 64,
            "message": "archive/mail/x.eml", "week": "2023-W02", "unit": "C园区"}
    log.write_text(json.dumps({**base, "outcome": "quarantined"}, ensure_ascii=False) + "\n", encoding="utf-8")
    assert rows(client.get("/").text)["C园区"] == "quarantined"
    log.write_text(json.dumps({**base, "outcome": "rejected", "errors": ["x"]}, ensure_ascii=False) + "\n",
                   encoding="utf-8")
    assert rows(client.get("/").text)["C园区"] == "rejected"


def test_board_states_are_the_librarys(ws, client):
    """Every row's data-status and label is what ``briefing status`` says, and the templates
    decide or name no state themselves."""
    from briefing.actions.status import STATES, week_status
    from briefing.workspace.layout import open_workspace

    log = ws.parent / ".briefing" / "ingest.jsonl"
    log.parent.mkdir(exist_ok=True)
    log.write_text(json.dumps({"kind": "report", "time": "2023-01-16T10:00:00+08:00", "seq": 1, "sha256": "0" * 64,
                               "message": "archive/mail/x.eml", "week": "2023-W02", "unit": "C园区",
                               "outcome": "quarantined"}, ensure_ascii=False) + "\n", encoding="utf-8")
    (ws.parent / "entries" / "2023-W02" / "B县.yaml").write_bytes(C_W02_BAD.replace("C园区".encode(), "B县".encode()))
    page = client.get("/").text
    status = week_status(open_workspace(ws), "2023-W02")
    assert rows(page) == {u.unit: u.code for u in status.units} == {"A县": "reported", "B县": "error",
                                                                     "C园区": "quarantined"}
    for unit in status.units:
        assert re.search(rf'data-unit="{unit.unit}".*?<span class="chip {unit.code}">{unit.state}</span>', page, re.S)
    assert "报送被隔离 1" in page and "邮件报送被隔离（未入库）" in page
    assert list(data.LABELS) == list(STATES.values())
    templates = Path(data.__file__).parent / "templates"
    for name in ("board.html", "macros.html"):  # the board decides or names no state itself
        text = (templates / name).read_text(encoding="utf-8")
        decided = re.findall(r"""(?:==|!=|\bin)\s*\(?\s*['"](\w+)['"]""", text)  # {% if row.code == "missing" %}
        assert not set(decided) & set(STATES.values()), name
        assert not any(re.search(rf">\s*{label}\s*(<|{{{{)", text) for label in STATES), name
    assert not (templates.parent / "states.py").exists()


# ---------------------------------------------------------------- uploads


def test_a_valid_upload_is_stored_as_ingest_stores_it(ws, client):
    response = upload(client, ("c.yaml", C_W02))
    assert response.status_code == 200 and "已入库" in response.text
    stored = ws.parent / "entries" / "2023-W02" / "C园区.yaml"
    assert stored.read_bytes() == C_W02
    [record] = read_log(ws.parent / ".briefing")
    assert (record.outcome, record.source, record.unit, record.week) == ("accepted", UPLOAD, "C园区", "2023-W02")
    board = client.get("/").text
    assert rows(board)["C园区"] == "reported"
    assert "网页上传" in board


def test_a_new_version_keeps_the_old_one_in_the_history(ws, client):
    old = (ws.parent / "entries" / "2023-W02" / "A县.yaml").read_bytes()
    response = upload(client, ("A县 更正.yaml", A_W02_NEW))
    assert "旧版本存入 archive/history/2023-W02/A县-" in response.text
    assert (ws.parent / "entries" / "2023-W02" / "A县.yaml").read_bytes() == A_W02_NEW
    [kept] = (ws.parent / "archive" / "history" / "2023-W02").iterdir()
    assert kept.read_bytes() == old
    again = upload(client, ("again.yaml", A_W02_NEW))
    assert "未改动" in again.text
    assert len(list((ws.parent / "archive" / "history" / "2023-W02").iterdir())) == 1


def test_a_report_with_an_error_is_shown_highlighted_and_not_stored(ws, client):
    before = tree(ws.parent)
    response = upload(client, ("C园区.yaml", C_W02_BAD))
    assert "有错误，未入库" in response.text
    assert re.search(r'<tr class="bad">\s*<th>9</th><td><code>    negotiated: 6个</code>\s*'
                     r'<div class="why">第17列：“negotiated”', response.text)
    after = tree(ws.parent)
    assert {k: v for k, v in after.items() if "cache" not in k} == {k: v for k, v in before.items() if "cache" not in k}


def test_several_files_at_once_each_judged(ws, client):
    response = upload(client, ("a.yaml", A_W02_NEW), ("bad.yaml", C_W02_BAD), ("空.yaml", b""))
    outcomes = re.findall(r'data-file="([^"]+)" data-outcome="([^"]+)"', response.text)
    assert outcomes == [("a.yaml", "stored"), ("bad.yaml", "error"), ("空.yaml", "error")]
    assert not (ws.parent / "entries" / "2023-W02" / "C园区.yaml").exists()


def test_file_names_are_never_paths(ws, client):
    before = {p for p in ws.parent.parent.rglob("*")}
    response = upload(client, ("../../../evil.yaml", C_W02), ("..\\..\\x<b>.yaml", A_W02_NEW))
    assert (ws.parent / "entries" / "2023-W02" / "C园区.yaml").read_bytes() == C_W02
    created = {p for p in ws.parent.parent.rglob("*")} - before
    assert all(ws.parent in p.parents for p in created)
    assert not any("evil" in p.name for p in created)
    assert 'data-file="evil.yaml"' in response.text and 'data-file="xb.yaml"' in response.text


def test_upload_limits(ws, tmp_path):
    config = write_workspace(tmp_path / "limited", SMALL_CONFIG + "mail:\n  attachment_limit: 1KB\n")
    with client_for(config, max_body=64 * 1024) as c:
        big = upload(c, ("big.yaml", C_W02 + b"#" * 2000))
        assert "超过" in big.text and not (config.parent / "entries" / "2023-W02" / "C园区.yaml").exists()
        before = tree(config.parent)
        huge = upload(c, ("huge.yaml", b"#" * 100_000))
        assert huge.status_code == 413 and "不能超过" in huge.text
        many = upload(c, *[(f"{i}.yaml", b"unit: A") for i in range(101)])
        assert many.status_code == 400 and "一次最多上传 100 个文件" in many.text
        assert tree(config.parent) == before
    nothing = None
    with client_for(ws) as c:
        nothing = c.post("/upload", data={"csrftoken": token(c)}, files=[("reports", ("", b"", "application/octet-stream"))])
    assert "没有选择文件" in nothing.text


# ---------------------------------------------------------------- the guards


def test_a_body_over_the_limit_is_refused_while_it_arrives(ws):
    """Sent in chunks without a Content-Length: counted as it is read."""
    with client_for(ws, max_body=64 * 1024) as c:
        tok = token(c)
        before = tree(ws.parent)

        def chunks():
            yield (f"--x\r\nContent-Disposition: form-data; name=\"csrftoken\"\r\n\r\n{tok}\r\n--x\r\n"
                   "Content-Disposition: form-data; name=\"reports\"; filename=\"a.yaml\"\r\n\r\n").encode()
            for _ in range(20):
                yield b"#" * 8192
            yield b"\r\n--x--\r\n"

        response = c.post("/upload", content=chunks(), headers={"Content-Type": "multipart/form-data; boundary=x"})
        assert response.status_code == 413 and "不能超过" in response.text
        assert tree(ws.parent) == before


def test_a_declared_length_over_the_limit_is_refused_unread(ws):
    import anyio

    app = create_app(ws, port=8765, max_body=1024)
    sent, read = [], []

    async def receive():
        read.append(1)
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": "/upload", "raw_path": b"/upload", "query_string": b"",
             "headers": [(b"host", b"127.0.0.1:8765"), (b"content-length", b"2048"),
                         (b"content-type", b"multipart/form-data; boundary=x")],
             "scheme": "http", "server": ("127.0.0.1", 8765), "client": ("127.0.0.1", 5000), "http_version": "1.1",
             "asgi": {"version": "3.0"}, "root_path": ""}
    anyio.run(app, scope, receive, send)
    assert sent[0]["status"] == 413 and read == []



def test_a_post_without_the_token_changes_nothing(ws, client):
    client.get("/")
    before = tree(ws.parent)
    refused = upload(client, ("c.yaml", C_W02), tok=False)
    assert refused.status_code == 403 and "安全令牌" in refused.text
    wrong = upload(client, ("c.yaml", C_W02), tok="forged")
    assert wrong.status_code == 403
    with client_for(ws) as fresh:  # no cookie at all
        assert upload(fresh, ("c.yaml", C_W02), tok=False).status_code == 403
        assert fresh.post("/build", data={"week": "2023-W02", "format": "md"}).status_code == 403
        assert fresh.post("/mail", data={}).status_code == 403
        assert fresh.post("/remind", data={"week": "2023-W02"}).status_code == 403
    assert tree(ws.parent) == before


@pytest.mark.parametrize("headers", [
    {"Origin": "http://evil.example"},
    {"Origin": "http://127.0.0.1:9999"},
    {"Origin": "null"},
    {"Referer": "http://evil.example/page.html"},
    {"Sec-Fetch-Site": "cross-site"},
    {"Sec-Fetch-Site": "same-site"},
])
def test_a_post_from_another_site_changes_nothing(ws, client, headers):
    tok = token(client)
    before = tree(ws.parent)
    refused = upload(client, ("c.yaml", C_W02), tok=tok, headers=headers)
    assert refused.status_code == 403 and "其他" in refused.text
    assert tree(ws.parent) == before
    allowed = upload(client, ("c.yaml", C_W02), tok=tok, headers={"Origin": BASE, "Sec-Fetch-Site": "same-origin"})
    assert "已入库" in allowed.text


@pytest.mark.parametrize("host", ["evil.example", "127.0.0.1:9999", "localhost", "attacker.example:8765", ""])
def test_a_foreign_host_is_refused(ws, client, host):
    tok = token(client)
    before = tree(ws.parent)
    assert client.get("/", headers={"Host": host}).status_code == 421
    refused = upload(client, ("c.yaml", C_W02), tok=tok, headers={"Host": host})
    assert refused.status_code == 421
    assert tree(ws.parent) == before
    assert client.get("/", headers={"Host": "localhost:8765"}).status_code == 200


def test_security_headers(client):
    response = client.get("/")
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["x-content-type-options"] == "nosniff"
    cookie = response.headers.get("set-cookie") or client.get("/upload").headers.get("set-cookie", "")
    assert "SameSite=Strict" in cookie


@pytest.mark.parametrize("path", ["/download/briefing.yaml", "/download/..%2Fbriefing.yaml", "/download/../briefing.yaml",
                                  "/download/%2E%2E%2Fbriefing.yaml", "/static/../briefing.yaml", "/static/",
                                  "/static/%2e%2e/data.py", "/static/..%2fdata.py", "/entries/2023-W02/A县.yaml",
                                  "/briefing.yaml", "/download/link.md"])
def test_nothing_outside_what_the_app_lists_is_served(ws, client, path):
    (ws.parent / "output").mkdir(exist_ok=True)
    os.symlink(ws, ws.parent / "output" / "link.md")
    response = client.get(path)
    assert response.status_code == 404
    assert "unit:" not in response.text and "bureau:" not in response.text and "import" not in response.text


# ---------------------------------------------------------------- preview, downloads, charts


def test_preview_shows_the_briefing_and_its_warnings(ws, client):
    page = client.get("/preview").text
    assert "2023年第2周" in page
    assert "<table>" in page and "附表" in page
    assert "注意：2023-W02 只有 2 个单位报送" not in page  # 2 of 3 is not fewer than half
    assert 'name="format" value="docx"' in page


def test_preview_displays_typed_html_as_text(ws, client):
    hostile = C_W02.replace("与某公司洽谈".encode(), "<script>alert(1)</script><img src=x onerror=alert(2)>".encode())
    upload(client, ("c.yaml", hostile))
    page = client.get("/preview").text
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_raw_html_in_markdown_is_shown_as_text():
    html = data.markdown_html("正文<script>alert(1)</script>\n\n<iframe src=x></iframe>\n")
    assert "<script>" not in html and "<iframe" not in html and "&lt;script&gt;" in html


def test_preview_with_errors_lists_them(ws, client):
    (ws.parent / "entries" / "2023-W02" / "C园区.yaml").write_bytes(C_W02_BAD)
    page = client.get("/preview").text
    assert "无法生成这一周的简报" in page and "C园区.yaml:9:17" in page


def test_build_then_download(ws, client):
    import docx

    tok = token(client)
    response = client.post("/build", data={"csrftoken": tok, "week": "2023-W02", "format": "md"}, follow_redirects=False)
    assert response.status_code == 303
    # a draft since issue 11: named 征求意见稿, no 期号 taken
    assert response.headers["location"] == "/download/" + quote("招商工作简报-2023-W02-征求意见稿.md")
    got = client.get(response.headers["location"])
    assert got.status_code == 200 and "attachment" in got.headers["content-disposition"]
    assert got.content == (ws.parent / "output" / "招商工作简报-2023-W02-征求意见稿.md").read_bytes()
    assert "第　期（征求意见稿）" in got.content.decode("utf-8")
    word = client.post("/build", data={"csrftoken": tok, "week": "2023-W02", "format": "docx"})
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(word.content)).paragraphs)
    assert "本周（1月9日至15日）" in text and "签约项目1个，总投资10亿元" in text
    page = client.get("/preview?week=2023-W02").text
    assert "已生成的征求意见稿" in page and "招商工作简报-2023-W02-征求意见稿.docx" in page
    assert not (ws.parent / ".briefing" / "publications.json").exists()
    bad = client.post("/build", data={"csrftoken": tok, "week": "2023-W02", "format": "exe"})
    assert "不支持的格式" in bad.text


# ---------------------------------------------------------------- publishing (印发)

PUBLISHED = Path("output") / "已印发" / "2023-第1期-2023-W02"


def publish_form(page: str, form: str = "publish-form") -> dict[str, str]:
    """The hidden fields of the publish (or correct) form on a preview page."""
    html = page[page.index(f'id="{form}"'):]
    html = html[:html.index("</form>")]
    return dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', html))


def post_publish(client: TestClient, fields: dict[str, str], headers: dict[str, str] | None = None, **extra):
    return client.post("/publish", data={**fields, **extra}, headers=headers, follow_redirects=False)


def unchanged(before: dict[str, str], after: dict[str, str]) -> bool:
    """The workspace is as it was, but for the report cache (a refusal by the library may warm it)."""
    return {k: v for k, v in before.items() if "cache" not in k} == {k: v for k, v in after.items() if "cache" not in k}


def test_the_preview_is_a_draft_that_says_what_publishing_would_do(ws, client):
    page = client.get("/preview").text
    assert "2023年第2周（1月9日至15日）" in page and "本周要报送、汇总的一周" in page
    assert "征求意见稿 · 还没有印发" in page and "第　期（征求意见稿）" in page
    assert '<strong class="issue" data-issue="1">2023年第1期</strong>' in page
    assert 'name="date" value="2023-01-16"' in page  # today
    assert "确认这些数字无误" not in page  # nothing suspicious in the small workspace
    fields = publish_form(page)
    assert (fields["week"], fields["issue"]) == ("2023-W02", "1") and len(fields["seen"]) == 64
    week3 = client.get("/preview?week=2023-W03").text  # not ended: no form, the library's reason
    assert "2023年第3周（1月16日至22日）还没有结束（到1月22日），不能印发" in week3 and 'id="publish-form"' not in week3
    assert "回到本周（2023年第2周）" in week3


def test_publish_through_the_page(ws, client):
    from briefing.workspace.publications import read_register

    fields = publish_form(client.get("/preview").text)
    response = post_publish(client, fields, date="2023-01-20")
    assert response.status_code == 303 and response.headers["location"] == "/preview?week=2023-W02&done=1"
    [entry] = read_register(ws.parent / ".briefing")
    assert (entry.week, entry.issue, entry.date, entry.correction) == ("2023-W02", 1, "2023-01-20", 0)
    copies = sorted(p.name for p in (ws.parent / PUBLISHED).iterdir())
    assert copies == ["招商工作简报-2023-W02.docx", "招商工作简报-2023-W02.md", "招商工作简报-2023-W02.xlsx"]
    page = client.get(response.headers["location"]).text
    assert "已印发2023年第2周：第1期，印发日期 2023-01-20" in page
    assert 'data-published="yes"' in page and "已印发 · 2023年第1期" in page
    assert "现在的报告与已印发版本相同" in page and 'id="publish-form"' not in page
    markdown = (ws.parent / PUBLISHED / "招商工作简报-2023-W02.md").read_text(encoding="utf-8")
    assert "第1期" in markdown and "征求意见稿" not in markdown
    assert "已印发的第1期" in page and "<p><strong>第1期</strong></p>" in page  # the article is what went out
    assert "第　期（征求意见稿）" in client.get("/preview?week=2023-W02&view=draft").text
    link = f"/published/{quote(PUBLISHED.name)}/{quote('招商工作简报-2023-W02.docx')}"
    assert f'href="{link}"' in page
    got = client.get(link)
    assert got.status_code == 200 and "attachment" in got.headers["content-disposition"]
    assert got.content == (ws.parent / PUBLISHED / "招商工作简报-2023-W02.docx").read_bytes()


def test_publishing_twice_without_correct_is_refused_with_the_librarys_message(ws, client):
    from briefing.actions.publish import publish
    from briefing.errors import BriefingError
    from briefing.workspace.layout import open_workspace

    fields = publish_form(client.get("/preview").text)  # a second tab, opened before publishing
    assert post_publish(client, fields).status_code == 303
    before = tree(ws.parent)
    again = post_publish(client, fields)
    with pytest.raises(BriefingError) as refusal:
        publish(open_workspace(ws), "2023-W02")
    assert "已经印发为第1期" in refusal.value.message
    assert again.status_code == 200 and refusal.value.message in again.text
    assert unchanged(before, tree(ws.parent))


def test_a_correction_needs_its_confirmation(ws, client):
    from briefing.workspace.publications import read_register

    assert post_publish(client, publish_form(client.get("/preview").text)).status_code == 303
    upload(client, ("c.yaml", C_W02))  # a late report: the published issue is now out of date
    page = client.get("/preview").text
    assert "现在的报告与已印发版本不同" in page and "C园区" in page
    fields = publish_form(page, "correct-form")
    assert fields["correct"] == "1" and fields["issue"] == "1"
    before = tree(ws.parent)
    unconfirmed = post_publish(client, fields)
    assert unconfirmed.status_code == 400 and "请勾选“确认印发更正版”" in unconfirmed.text
    assert unchanged(before, tree(ws.parent))
    assert post_publish(client, fields, confirm_correct="1").status_code == 303
    first, correction = read_register(ws.parent / ".briefing")
    assert (correction.issue, correction.correction) == (1, 1) and first.correction == 0
    assert (ws.parent / "output" / "已印发" / "2023-第1期-2023-W02-更正1" / "招商工作简报-2023-W02.md").is_file()
    assert (ws.parent / PUBLISHED / "招商工作简报-2023-W02.md").is_file()  # the original is kept
    page = client.get("/preview").text
    assert "第1期（更正1）" in page and "现在的报告与已印发版本相同" in page


@pytest.mark.parametrize("headers", [None, {"Origin": "http://evil.example"}, {"Sec-Fetch-Site": "cross-site"},
                                     {"Referer": "http://127.0.0.1:9999/x"}])
def test_a_publish_post_without_token_or_from_another_site_changes_nothing(ws, client, headers):
    fields = publish_form(client.get("/preview").text)
    tok = token(client)
    before = tree(ws.parent)
    if headers is None:  # no token at all, then a forged one
        assert post_publish(client, {k: v for k, v in fields.items() if k != "csrftoken"}).status_code == 403
        assert post_publish(client, fields, csrftoken="forged").status_code == 403
    else:
        refused = post_publish(client, fields, csrftoken=tok, headers=headers)
        assert refused.status_code == 403 and "其他" in refused.text
    assert tree(ws.parent) == before
    assert not (ws.parent / "output" / "已印发").exists()


def test_suspicious_figures_are_shown_first_and_need_the_checkbox(ws, client):
    upload(client, ("a.yaml", A_W02_NEW.replace(b"funds: 0.7", b"funds: 12")))  # A县's year target is 10
    page = client.get("/preview").text
    doubt = "A县本周到位资金12亿元，超过其全年目标10亿元，请核对是否把万元写成了亿元"
    assert doubt in page and page.index(doubt) < page.index('id="publish-form"')
    assert '<input type="checkbox" name="accept_warnings" value="1" required>' in page
    fields = publish_form(page)
    before = tree(ws.parent)
    refused = post_publish(client, fields)
    assert "以下数字可疑，没有印发" in refused.text and doubt in refused.text
    assert unchanged(before, tree(ws.parent))
    assert post_publish(client, fields, accept_warnings="1").status_code == 303
    assert (ws.parent / PUBLISHED / "招商工作简报-2023-W02.md").is_file()


def test_publish_refuses_what_the_clerk_has_not_seen(ws, client):
    fields = publish_form(client.get("/preview").text)
    upload(client, ("c.yaml", C_W02))  # arrives while the preview is open
    before = tree(ws.parent)
    stale = post_publish(client, fields)
    assert "在您打开预览后有变化，没有印发" in stale.text
    forged = post_publish(client, fields, seen="0" * 64)
    assert forged.status_code == 200 and "没有印发" in forged.text
    assert unchanged(before, tree(ws.parent))
    taken = post_publish(client, {**publish_form(client.get("/preview").text), "issue": "7"})
    assert taken.status_code == 303  # an unused 期号 sent by the page is the one it gets
    from briefing.workspace.publications import read_register

    assert [p.issue for p in read_register(ws.parent / ".briefing")] == [7]


def test_a_bad_date_or_week_is_a_chinese_message(ws, client):
    fields = publish_form(client.get("/preview").text)
    before = tree(ws.parent)
    assert "2023年2月只有 28 天" in post_publish(client, fields, date="2023-02-30").text
    assert "周次" in post_publish(client, {**fields, "week": "2023-W99"}).text
    assert unchanged(before, tree(ws.parent))


@pytest.mark.parametrize("path", ["/published/..%2F..%2F/briefing.yaml", "/published/2023-第1期-2023-W02/..%2F..%2F..%2Fbriefing.yaml",
                                  "/published/x/招商工作简报-2023-W02.md", "/published/2023-第1期-2023-W02/other.md",
                                  "/published/2023-第1期-2023-W02/"])
def test_only_what_the_record_lists_is_served_as_published(ws, client, path):
    post_publish(client, publish_form(client.get("/preview").text))
    (ws.parent / PUBLISHED / "other.md").write_text("x")
    response = client.get(path)
    assert response.status_code == 404 and "unit:" not in response.text and "bureau:" not in response.text


def test_a_published_copy_replaced_by_a_link_is_not_served(ws, client):
    post_publish(client, publish_form(client.get("/preview").text))
    copy = ws.parent / PUBLISHED / "招商工作简报-2023-W02.md"
    copy.chmod(0o644)
    copy.unlink()
    os.symlink(ws, copy)
    assert client.get(f"/published/{quote(PUBLISHED.name)}/{quote(copy.name)}").status_code == 404


def test_a_lost_published_markdown_is_said_and_the_draft_shown(ws, client):
    post_publish(client, publish_form(client.get("/preview").text))
    for kept in (ws.parent / ".briefing" / "published").rglob("briefing.md"):
        kept.chmod(0o644)
        kept.unlink()
    page = client.get("/preview").text
    assert "无法与已印发版本比较：</strong>找不到已印发版本的记录" in page and "第　期（征求意见稿）" in page
    assert "现在的报告与已印发版本不同" not in page and "现在的报告与已印发版本相同" not in page
    assert page.count("找不到已印发版本的记录") == 2  # and in the notes, for the article shown instead


def test_a_damaged_record_still_previews_but_offers_no_publishing(ws, client):
    state = ws.parent / ".briefing"
    state.mkdir(exist_ok=True)
    (state / "publications.json").write_text("{garbage", encoding="utf-8")
    page = client.get("/preview").text
    assert "无法读取印发记录" in page and "publications.json" in page and "已损坏" in page
    assert 'id="publish-form"' not in page and "第　期（征求意见稿）" in page


def test_charts_page(client):
    page = client.get("/charts").text
    assert "2023年第2周（1月9日至15日）" in page  # the reporting week, as every command defaults to
    assert re.findall(r'data-chart="(\w+)"', page) == ["units", "industries", "cumulative"]
    assert page.count('src="data:image/svg+xml;base64,') == 3
    assert "图1　各单位今年以来到位资金与年度目标" in page


# ---------------------------------------------------------------- reminders and mail


def wait_for(client: TestClient, location: str) -> str:
    for _ in range(300):
        page = client.get(location).text
        if 'data-state="running"' not in page:
            return page
        time.sleep(0.1)
    raise AssertionError("the job did not finish")


def test_remind_preview_then_send(tmp_path, smtp_sink, monkeypatch):
    from servers import SMTP_PASSWORD, SMTP_USER

    # the reminder's blank form probes its messages with a 2023-W17 report: today must be past it
    monkeypatch.setenv("BRIEFING_TODAY", "2023-05-01")

    config = write_workspace(tmp_path / "ws", SMALL_CONFIG + f"""\
senders:
  C园区: [c@park.example]
mail:
  smtp: {{host: 127.0.0.1, port: {smtp_sink.port}, ssl: false, starttls: false, user: {SMTP_USER}}}
""")
    with client_for(config) as c:
        page = c.get("/remind?week=2023-W02").text
        assert '<tr data-unit="C园区"><td>C园区</td><td>c@park.example</td></tr>' in page
        assert "【催报】C园区2023年第2周招商工作周报" in page and "还没有发送" in page
        assert smtp_sink.received == []
        assert 'name="password"' in page  # no BRIEFING_SMTP_PASSWORD: the page asks
        response = c.post("/remind", data={"csrftoken": token(c), "week": "2023-W02", "password": SMTP_PASSWORD},
                          follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"].startswith("/jobs/")
        result = wait_for(c, response.headers["location"])
        assert "C园区：已发送至 c@park.example" in result
    assert [to for to, _ in smtp_sink.received] == [["c@park.example"]]


def test_import_mail_with_progress(tmp_path, dovecot, monkeypatch):
    import mailcorpus
    from servers import PASSWORD, USER

    monkeypatch.setenv("BRIEFING_TODAY", "2023-05-01")  # the mails report 2023-W17: it must have come

    config = write_workspace(tmp_path / "ws", mailcorpus.CONFIG.replace("mail:\n", f"""mail:
  imap: {{host: 127.0.0.1, port: {dovecot.port}, ssl: false, user: {USER}}}
"""), reports={})
    raw = mailcorpus.messages()
    dovecot.deliver(raw["m01"], raw["m04"])
    with client_for(config) as c:
        board = c.get("/").text
        assert 'name="imap_password"' in board and f"收取邮件（{USER}）" in board
        response = c.post("/mail", data={"csrftoken": token(c), "imap_password": PASSWORD}, follow_redirects=False)
        job = response.headers["location"]
        progress = c.get(job + "/progress").json()
        assert progress["title"] == "收取邮件"
        result = wait_for(c, job)
        assert "共读取 2 封邮件" in result and "已完成" in result
        assert rows(c.get("/?week=2023-W17").text)["A县"] == "reported"


def test_import_mail_without_imap_settings(client):
    page = client.get("/").text
    assert "还没有配置 mail.imap" in page
    response = client.post("/mail", data={"csrftoken": token(client)})
    result = wait_for(client, str(response.url.path))
    assert "没有 mail.imap 设置" in result and "未完成" in result


def test_unknown_job_and_page(client):
    assert client.get("/jobs/nothing").status_code == 404
    assert client.get("/jobs/nothing/progress").json() == {"state": "missing"}
    missing = client.get("/no-such-page")
    assert missing.status_code == 404 and "没有这个页面" in missing.text


def test_serve_refuses_a_port_in_use_in_chinese(ws):
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = CliRunner().invoke(cli, ["serve", "--config", str(ws), "--port", str(port)])
    assert result.exit_code == 2 and f"端口 {port} 已被占用" in result.output


def test_serve_warns_in_chinese_for_another_host(ws, monkeypatch):
    from briefing.web import app

    started = []
    monkeypatch.setattr(app, "serve", lambda *args, **kwargs: started.append(args))
    result = CliRunner().invoke(cli, ["serve", "--config", str(ws), "--host", "0.0.0.0"])
    assert "警告：--host 0.0.0.0 让本机以外的电脑也可能打开这个网页" in result.output
    assert started and started[0][1] == "0.0.0.0"
    quiet = CliRunner().invoke(cli, ["serve", "--config", str(ws)])
    assert "警告" not in quiet.output and started[-1][1] == "127.0.0.1"


def test_a_bug_is_one_chinese_line_not_a_traceback(ws, monkeypatch):
    def broken(*args):
        raise RuntimeError("boom")

    monkeypatch.setattr(data, "board", broken)
    with TestClient(create_app(ws, port=8765), base_url=BASE, raise_server_exceptions=False) as c:
        response = c.get("/")
    assert response.status_code == 500
    assert "程序内部错误" in response.text and "RuntimeError: boom" in response.text and "Traceback" not in response.text


def test_open_starts_the_browser_on_the_page(ws, monkeypatch):
    import uvicorn

    from briefing.web import app

    opened, served = [], []
    monkeypatch.setattr(app.webbrowser, "open", opened.append)
    monkeypatch.setattr(app.threading, "Timer", lambda delay, function, args: type(
        "Now", (), {"start": lambda self: function(*args)})())
    monkeypatch.setattr(uvicorn.Server, "run", lambda self, sockets: served.append(sockets[0].getsockname()))
    port = __import__("browser").free_port()
    result = CliRunner().invoke(cli, ["serve", "--config", str(ws), "--port", str(port), "--open"])
    assert result.exit_code == 0, result.output
    assert opened == [f"http://127.0.0.1:{port}/"] and served == [("127.0.0.1", port)]
    assert f"简报网页已启动：http://127.0.0.1:{port}/" in result.output


def test_the_host_names_answered_to():
    from briefing.web.app import allowed_hosts

    assert allowed_hosts("127.0.0.1", 8765) == ["127.0.0.1:8765", "localhost:8765"]
    assert allowed_hosts("192.0.2.7", 8800) == ["127.0.0.1:8800", "localhost:8800", "192.0.2.7:8800"]


def test_a_mail_password_is_asked_for_on_the_page(tmp_path, monkeypatch):
    config = write_workspace(tmp_path / "ws", SMALL_CONFIG + """\
mail:
  imap: {host: 127.0.0.1, port: 1, ssl: false, user: clerk@bureau.example}
""")
    monkeypatch.delenv("BRIEFING_IMAP_PASSWORD", raising=False)
    with client_for(config) as c:
        response = c.post("/mail", data={"csrftoken": token(c)})
        result = wait_for(c, str(response.url.path))
    assert "请在页面上填写收件邮箱的授权码（或在启动前设置环境变量 BRIEFING_IMAP_PASSWORD）" in result
