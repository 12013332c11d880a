"""The 台账 page of ``briefing serve``: the year's project ledger filtered on the server by GET
parameters (unit, stage, 重点/督办, text), each project's history as ``briefing project`` tells
it, and the ledger workbook.

The small workspace's 2023 ledger, by hand (SMALL_REPORTS in conftest.py; ``stale_weeks: 1``):
  光伏项目  A县  signed W01 (key), 开工 W02               -> stage 开工, key
  材料项目  A县  signed W01, never reported again          -> stage 签约, 1周没有报告 (stale as of W02)
  老厂改造  A县  first reported W02 at 投产                -> stage 投产
  材料厂    B县  first reported W02 at 开工 (外地公司)     -> stage 开工
  风电项目  B县  signed W02 (key, 风电公司)                -> stage 签约, key
"""

from __future__ import annotations

import io
import re
from urllib.parse import quote

import openpyxl
import pytest
from click.testing import CliRunner

from briefing.cli import cli
from conftest import SMALL_CONFIG, write_workspace
from test_web import C_W02_BAD, client_for, tree, unchanged

ALL = ["光伏项目", "材料项目", "老厂改造", "材料厂", "风电项目"]


@pytest.fixture
def ws(tmp_path, monkeypatch):
    monkeypatch.setenv("BRIEFING_TODAY", "2023-01-16")
    return write_workspace(tmp_path / "ws", SMALL_CONFIG + "ledger:\n  stale_weeks: 1\n")


@pytest.fixture
def client(ws):
    with client_for(ws) as c:
        yield c


def projects(page: str) -> list[str]:
    return re.findall(r'<tr data-project="([^"]+)"', page)


@pytest.mark.parametrize("query, expected", [
    ("", ALL),
    ("unit=B县", ["材料厂", "风电项目"]),
    ("stage=签约", ["材料项目", "风电项目"]),
    ("stage=开工", ["光伏项目", "材料厂"]),
    ("stage=投产", ["老厂改造"]),
    ("flag=key", ["光伏项目", "风电项目"]),
    ("flag=alert", ["材料项目"]),
    ("q=风电公司", ["风电项目"]),             # the investor
    ("q=新材料", ["材料项目", "材料厂"]),       # the industry chain
    ("q=光伏 项目", ["光伏项目"]),             # spacing ignored
    ("q=ａ县", ["光伏项目", "材料项目", "老厂改造"]),  # full width and case folded: the unit A县
    ("q=无此项目", []),
    ("unit=A县&stage=开工&flag=key&q=光伏", ["光伏项目"]),
    ("year=2022", ["去年项目"]),
])
def test_the_ledger_is_filtered_on_the_server(client, query, expected):
    page = client.get(f"/ledger?{query}")
    assert page.status_code == 200
    assert projects(page.text) == expected


def test_filters_are_a_plain_get_form_that_keeps_its_choices(client):
    page = client.get("/ledger?unit=B县&stage=签约&flag=key&q=风电").text
    form = page[page.index('<form class="filters"'):page.index("</form>")]
    assert 'method="get" action="/ledger"' in form
    assert {"year", "unit", "stage", "flag", "q"} == set(re.findall(r'name="(\w+)"', form))
    assert '<option value="B县" selected>' in form and '<option value="签约" selected>' in form
    assert '<option value="key" selected>' in form and 'name="q" value="风电"' in form
    assert "2023年共 5 个项目，符合筛选条件的 1 个" in page
    assert "1周没有报告" in client.get("/ledger").text


@pytest.mark.parametrize("query, message", [
    ("unit=D县", "没有“D县”这个单位"),
    ("stage=竣工", "阶段应为签约、开工、投产之一"),
    ("flag=all", "“重点/督办”应为重点项目、有督办提示之一"),
    ("year=23", "年份“23”有误"),
    ("year=1999", "没有 1999 年的报告（有报告的年份：2022、2023）"),
])
def test_a_filter_the_page_never_offers_is_a_chinese_message(client, query, message):
    page = client.get(f"/ledger?{query}")
    assert page.status_code == 400 and message in page.text and "<tr data-project" not in page.text


def test_typed_html_in_the_search_is_shown_as_text(client):
    page = client.get("/ledger?q=" + quote('"><script>alert(1)</script>')).text
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "没有符合筛选条件的项目" in page


def test_a_report_with_an_error_stops_the_ledger_with_its_place(ws, client):
    (ws.parent / "entries" / "2023-W02" / "C园区.yaml").write_bytes(C_W02_BAD)
    page = client.get("/ledger").text
    assert "entries/2023-W02/C园区.yaml:9:17" in page and "<tr data-project" not in page


def test_each_project_has_its_history_as_briefing_project_tells_it(ws, client):
    page = client.get("/ledger").text
    link = re.search(r'<a href="(/ledger/project\?name=[^"]+)">光伏项目</a>', page).group(1).replace("&amp;", "&")
    history = client.get(link).text
    told = CliRunner().invoke(cli, ["project", "--config", str(ws), "光伏项目"])
    lines = [line.replace(f"{ws.parent}/", "") for line in told.stdout.splitlines()]
    assert lines[0] == "项目：光伏项目" and len(lines) == 6
    assert f"<h1>{lines[0]}</h1>" in history and f"<p>{lines[1]}</p>" in history
    events = re.findall(r'<tr><td class="nowrap">([^<]+)</td><td>([^<]+)</td></tr>', history)
    assert [f"{week}  {text}" for week, text in events] == lines[2:5]
    assert events[0] == ("2023-W01", "签约：2023-01-04，1.01亿元（A县，entries/2023-W01/A县.yaml:13）")
    assert f'<p class="summary">{lines[5]}</p>' in history
    assert 'href="/ledger"' in history  # back to the ledger it came from


def test_a_project_history_by_code_by_a_near_name_and_not_found(client):
    assert "<h1>项目：风电项目</h1>" in client.get("/ledger/project?name=" + quote("风电 项目")).text
    missing = client.get("/ledger/project?name=" + quote("风电厂")).text
    assert "没有找到项目“风电厂”" in missing and "风电项目" in missing
    assert "请给出项目名称或编码" in client.get("/ledger/project?name=").text


@pytest.mark.parametrize("back", ["javascript:alert(1)", "http://evil.example/", "//evil.example/ledger"])
def test_the_way_back_only_leads_to_the_ledger(client, back):
    page = client.get(f"/ledger/project?name={quote('光伏项目')}&back={quote(back)}").text
    assert '<a href="/ledger">‹ 返回台账</a>' in page and "evil" not in page and "javascript" not in page


def test_the_workbook_is_the_commands_and_writes_nothing(ws, client):
    client.get("/ledger")
    before = tree(ws.parent)
    got = client.get("/ledger/workbook?year=2023")
    assert got.status_code == 200
    assert got.headers["content-disposition"] == "attachment; filename*=utf-8''" + quote("招商项目台账-2023.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(got.content)).active
    assert sheet["A1"].value == "招商项目台账（2023年，截至2023-W02）"
    names = [row[1] for row in sheet.iter_rows(min_row=3, values_only=True)]
    assert names == ALL
    assert unchanged(before, tree(ws.parent))  # a GET: made in memory, not written to output/
    result = CliRunner().invoke(cli, ["ledger", "--config", str(ws), "--year", "2023"])
    assert result.exit_code == 0
    written = openpyxl.load_workbook(ws.parent / "output" / "招商项目台账-2023.xlsx").active
    assert [list(r) for r in written.iter_rows(values_only=True)] == [list(r) for r in sheet.iter_rows(values_only=True)]
    assert 'href="/ledger/workbook?year=2023"' in client.get("/ledger").text


def test_amounts_are_printed_half_up_from_the_decimal(tmp_path, monkeypatch):
    """0.125 亿元 is 0.13 (half up), never 0.12 (a float's half-even)."""
    monkeypatch.setenv("BRIEFING_TODAY", "2023-01-16")
    config = write_workspace(tmp_path / "ws", reports={"2023-W02/A县.yaml": """\
        unit: A县
        week: 2023-W02
        reporter: 甲
        signings:
          - project: 半分项目
            investor: 某公司
            industry: 新能源
            investment: 0.125
            date: 2023-01-10
        """})
    with client_for(config) as c:
        row = re.search(r'<tr data-project="半分项目".*?</tr>', c.get("/ledger").text, re.S).group(0)
    assert '<td class="num">0.13</td>' in row and "0.12" not in row


def test_the_ledger_tab_is_in_the_navigation(client):
    page = client.get("/").text
    assert '<a href="/ledger">台账</a>' in page
    assert '<a href="/ledger" aria-current="page">台账</a>' in client.get("/ledger").text
