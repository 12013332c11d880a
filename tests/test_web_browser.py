"""``briefing serve`` in a real browser: Debian's headless Chromium driven by Selenium against
the server started as the clerk starts it (a subprocess on a free port).

The clerk's week: the board lists who is missing; a report uploaded through the file input
turns its unit 已报送; the preview shows the briefing; the .docx downloaded from it opens with
python-docx and carries the week's figures.  A page on another port cannot post to the app, and
the server listens on 127.0.0.1 only.  Screenshots of every page go into the test's folder (and
into ``$BRIEFING_SHOTS`` when set).
"""

from __future__ import annotations

import hashlib
import http.server
import textwrap
import threading
import time
from pathlib import Path

import pytest

from browser import Server, chrome, free_port, need_browser, screenshot
from conftest import copy_sample

REPORT = textwrap.dedent("""\
    unit: 玛纳斯县
    week: 2023-W17
    reporter: 黄建华
    signings:
      - project: 玛纳斯县浏览器测试项目
        investor: 测试投资有限公司
        industry: 新能源
        investment: 12.34
        date: 2023-04-26
    projects:
      - project: 玛纳斯县浏览器测试项目
        investor: 测试投资有限公司
        kind: 新建
        origin: 区外
        stage: 签约
        funds: 3.21
        industry: 新能源
    """)
TODAY = "2023-05-01"
"""The Monday after the sample's latest week: 2023-W17 is the reporting week and has ended."""
BAD = REPORT.replace("week: 2023-W17", "week: 2023-W17\nphone: [1, 2]").replace("funds: 3.21", "funds: 3.21亿美元")


def tree(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file() and "cache.sqlite" not in p.name}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    need_browser()
    root = tmp_path_factory.mktemp("web")
    config = copy_sample(root / "ws")
    server = Server(config, env={"BRIEFING_TODAY": TODAY})
    driver = chrome(root / "profile", root / "downloads")
    try:
        yield server, driver, root
    finally:
        driver.quit()
        server.stop()


def statuses(driver) -> dict[str, str]:
    from selenium.webdriver.common.by import By

    return {row.get_attribute("data-unit"): row.get_attribute("data-status")
            for row in driver.find_elements(By.CSS_SELECTOR, "tr[data-unit][data-status]")}


def submit(driver, selector: str) -> None:
    """Click a form's button and wait for the next page (a plain POST and its redirect)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    page = driver.find_element(By.TAG_NAME, "html")
    driver.find_element(By.CSS_SELECTOR, selector).click()
    WebDriverWait(driver, 60).until(expected_conditions.staleness_of(page))
    WebDriverWait(driver, 60).until(lambda d: d.execute_script("return document.readyState") == "complete")


def wait_for_file(path: Path, patience: float = 60) -> bytes:
    deadline = time.monotonic() + patience
    while time.monotonic() < deadline:
        if path.is_file() and path.stat().st_size and not path.with_name(path.name + ".crdownload").exists():
            return path.read_bytes()
        time.sleep(0.1)
    raise AssertionError(f"{path} was not downloaded")


def test_the_clerks_week_in_a_browser(site):
    import docx
    from selenium.webdriver.common.by import By

    server, driver, root = site
    shots = root / "shots"
    shots.mkdir(exist_ok=True)

    driver.get(server.url + "/")
    board = statuses(driver)
    assert len(board) == 13
    assert {unit for unit, status in board.items() if status == "missing"} == {"玛纳斯县", "驻上海招商小分队"}
    screenshot(driver, shots, "board.png")

    bad = root / "玛纳斯县-有错.yaml"
    bad.write_text(BAD, encoding="utf-8")
    driver.get(server.url + "/upload")
    screenshot(driver, shots, "upload-empty.png")
    driver.find_element(By.ID, "reports").send_keys(str(bad))
    submit(driver, "#upload-form button[type=submit]")
    result = driver.find_element(By.CSS_SELECTOR, "li.result")
    assert result.get_attribute("data-outcome") == "error"
    assert driver.find_elements(By.CSS_SELECTOR, "table.source tr.bad")
    screenshot(driver, shots, "upload-error.png")

    good = root / "玛纳斯县.yaml"
    good.write_text(REPORT, encoding="utf-8")
    driver.find_element(By.ID, "reports").send_keys(str(good))
    submit(driver, "#upload-form button[type=submit]")
    assert driver.find_element(By.CSS_SELECTOR, "li.result").get_attribute("data-outcome") == "stored"
    screenshot(driver, shots, "upload.png")

    driver.get(server.url + "/")
    assert statuses(driver)["玛纳斯县"] == "reported"
    row = driver.find_element(By.CSS_SELECTOR, 'tr[data-unit="玛纳斯县"]')
    assert "已报送" in row.text and "网页上传" in row.text

    driver.get(server.url + "/preview")
    assert "玛纳斯县浏览器测试项目" in driver.page_source
    assert "2023年第17周（4月24日至30日）" in driver.find_element(By.CSS_SELECTOR, ".weekname").text
    screenshot(driver, shots, "preview.png")
    # the tables' alignment survives the page's CSP (no inline style): names left, money right
    cell = driver.find_element(By.XPATH, '//td[text()="玛纳斯县浏览器测试项目"]')
    row = cell.find_element(By.XPATH, "..").find_elements(By.TAG_NAME, "td")
    aligned = [c.value_of_css_property("text-align") for c in row]
    assert aligned[row.index(cell)] in ("left", "start") and aligned[row.index(cell) + 1] in ("left", "start")
    assert [a for c, a in zip(row, aligned) if c.text == "12.34"] == ["right"]
    driver.find_element(By.CSS_SELECTOR, 'button[data-format="docx"]').click()
    data = wait_for_file(root / "downloads" / "招商工作简报-2023-W17-征求意见稿.docx")
    text = "\n".join(p.text for p in docx.Document(__import__("io").BytesIO(data)).paragraphs)
    assert "本周（4月24日至30日）" in text and "征求意见稿" in text
    assert "（四）玛纳斯县。签约浏览器测试项目，总投资12.34亿元。" in text  # the prose of issue 10

    # 印发: the 期号 shown, the suspicious figures confirmed, then the read-only copy downloaded
    assert driver.find_element(By.CSS_SELECTOR, "#publish-form .issue").text == "2023年第1期"
    for box in driver.find_elements(By.CSS_SELECTOR, "#publish-form input[name=accept_warnings]"):
        box.click()
    submit(driver, "#publish-form button[type=submit]")
    assert "已印发2023年第17周：第1期" in driver.find_element(By.ID, "done").text
    assert driver.find_element(By.CSS_SELECTOR, "section.calendar").get_attribute("data-published") == "yes"
    screenshot(driver, shots, "preview-published.png")
    driver.find_element(By.CSS_SELECTOR, '.version a[href$=".docx"]').click()
    data = wait_for_file(root / "downloads" / "招商工作简报-2023-W17.docx")
    text = "\n".join(p.text for p in docx.Document(__import__("io").BytesIO(data)).paragraphs)
    assert "征求意见稿" not in text and "第1期" in text and "（四）玛纳斯县。签约浏览器测试项目，总投资12.34亿元。" in text
    assert data == (root / "ws" / "output" / "已印发" / "2023-第1期-2023-W17" / "招商工作简报-2023-W17.docx").read_bytes()

    driver.get(server.url + "/charts")
    images = driver.find_elements(By.CSS_SELECTOR, "figure.chart img")
    assert len(images) == 3
    assert all(driver.execute_script("return arguments[0].naturalWidth", image) > 0 for image in images)
    screenshot(driver, shots, "charts.png")

    driver.get(server.url + "/ledger?unit=" + "玛纳斯县")
    assert "玛纳斯县浏览器测试项目" in [row.get_attribute("data-project")
                                  for row in driver.find_elements(By.CSS_SELECTOR, "tr[data-project]")]
    screenshot(driver, shots, "ledger.png")
    driver.find_element(By.LINK_TEXT, "玛纳斯县浏览器测试项目").click()
    assert "2023-W17" in driver.find_element(By.CSS_SELECTOR, "table.history").text
    screenshot(driver, shots, "project.png")

    driver.get(server.url + "/remind")
    assert "驻上海招商小分队" in driver.page_source and "玛纳斯县" not in driver.find_element(By.TAG_NAME, "table").text
    screenshot(driver, shots, "remind.png")


def test_dropping_files_fills_the_forms_own_input(site):
    from selenium.webdriver.common.by import By

    server, driver, root = site
    driver.get(server.url + "/upload")
    driver.execute_script("""
        const data = new DataTransfer();
        data.items.add(new File(["unit: 玛纳斯县"], "甲.yaml"));
        data.items.add(new File(["unit: 昌吉市"], "乙.yaml"));
        const drop = document.getElementById("drop");
        for (const type of ["dragenter", "dragover", "drop"]) {
          drop.dispatchEvent(new DragEvent(type, {dataTransfer: data, bubbles: true, cancelable: true}));
        }""")
    assert driver.execute_script("return [...document.getElementById('reports').files].map(f => f.name)") == [
        "甲.yaml", "乙.yaml"]
    assert [item.text for item in driver.find_elements(By.CSS_SELECTOR, "#chosen li")] == ["甲.yaml（1 KB）", "乙.yaml（1 KB）"]


class _Evil(http.server.SimpleHTTPRequestHandler):
    page = b""

    def do_GET(self):  # noqa: N802 - the standard library's name
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        self.wfile.write(self.page)

    def log_message(self, *args):
        pass


def test_a_page_on_another_port_cannot_post_to_the_app(site):
    server, driver, root = site
    workspace = root / "ws"
    driver.get(server.url + "/upload")  # the clerk has the page open: the browser holds the cookie
    before = tree(workspace)
    _Evil.page = f"""<!doctype html><meta charset="utf-8"><title>中奖了</title>
        <form method="post" action="{server.url}/upload" enctype="multipart/form-data">
          <input name="csrftoken" value="guessed"><textarea name="reports">unit: 玛纳斯县</textarea></form>
        <script>
          const data = new FormData();
          data.append("reports", new Blob(["unit: 驻上海招商小分队\\nweek: 2023-W17\\nreporter: x\\n"]), "x.yaml");
          fetch("{server.url}/upload", {{method: "POST", body: data, mode: "no-cors", credentials: "include"}})
            .finally(() => document.forms[0].submit());
        </script>""".encode("utf-8")
    evil = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), _Evil)
    threading.Thread(target=evil.serve_forever, daemon=True).start()
    try:
        driver.get(f"http://127.0.0.1:{evil.server_address[1]}/")
        deadline = time.monotonic() + 30
        while "已拒绝" not in driver.page_source and time.monotonic() < deadline:
            time.sleep(0.1)
        assert "已拒绝" in driver.page_source
        screenshot(driver, root / "shots", "refused.png")
    finally:
        evil.shutdown()
    assert tree(workspace) == before


def test_serve_listens_on_127_0_0_1_only(site):
    import psutil

    server = site[0]
    listening = [c.laddr for c in psutil.Process(server.process.pid).net_connections(kind="inet")
                 if c.status == psutil.CONN_LISTEN]
    assert listening and all(address.ip == "127.0.0.1" and address.port == server.port for address in listening)
