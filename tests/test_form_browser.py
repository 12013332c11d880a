"""The fill-in form in a real browser (issue 13, item 4): headless Chromium from Debian,
driven with Selenium the way a person fills it in.

One browser serves the whole module.  Without Chromium, its driver or Selenium these tests are
skipped, except on CI (``CI=true``), where a missing one is a failure (:func:`conftest.need_tool`).
"""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from briefing.cli import cli
from briefing.forms.form import form_html
from briefing.report.config import load_config
from briefing.report.fields import parse_text
from briefing.report.load import parse_bytes
from briefing.weeks import Week

from conftest import NANYANG_CONFIG, need_tool, write_workspace
from helpers import validate_bytes

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
FLAGS = ("--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage --disable-background-networking "
         "--disable-component-update --no-first-run --disable-sync --window-size=1366,768").split()
SHOTS = Path(os.environ.get("BRIEFING_SHOTS", "")) if os.environ.get("BRIEFING_SHOTS") else None


def _need_browser():
    for tool in (CHROMIUM, CHROMEDRIVER):
        need_tool(tool)
    try:
        import selenium  # noqa: F401
    except ImportError:
        if os.environ.get("CI") == "true":
            pytest.fail("selenium is required in CI (pip install -e .[test])")
        pytest.skip("selenium not installed")


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    _need_browser()
    from selenium import webdriver

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument("--user-data-dir=" + str(tmp_path_factory.mktemp("profile")))
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(CHROMEDRIVER))
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    root = tmp_path_factory.mktemp("ws")
    config = write_workspace(root / "nanyang", NANYANG_CONFIG, {})
    page = root / "form.html"
    page.write_text(form_html(load_config(config), "南召县", "2023-W17"), encoding="utf-8")
    return config, page


def _open(driver, page: Path, downloads: Path | None = None):
    driver.get("about:blank")
    driver.get_log("performance")  # start the network record with this page
    driver.get(page.as_uri())
    if downloads is not None:
        driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})


def _type(driver, name: str, text: str):
    from selenium.webdriver.common.by import By

    field = driver.find_element(By.NAME, name)
    field.clear()
    field.send_keys(text)


def _choose(driver, name: str, text: str):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    Select(driver.find_element(By.NAME, name)).select_by_visible_text(text)


def _click(driver, selector: str):
    from selenium.webdriver.common.by import By

    element = driver.find_element(By.CSS_SELECTOR, selector)
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    element.click()


def _shot(driver, name: str):
    if SHOTS is not None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(SHOTS / name))


def _wait_for(path: Path) -> bytes:
    for _ in range(200):
        if path.is_file() and path.stat().st_size:
            return path.read_bytes()
        time.sleep(0.05)
    raise AssertionError(f"{path} was not downloaded")


def _requests(driver) -> list[str]:
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def _fill_a_week(driver):
    """A trip, a signing and a project, typed in as a clerk would."""
    _type(driver, "reporter", "李明")
    _type(driver, "phone", "0377-6612345")
    _click(driver, '[data-add="trips"]')
    _type(driver, "trips.0.leader", "王强")
    _type(driver, "trips.0.title", "县长")
    _type(driver, "trips.0.start", "2023-04-18")
    _type(driver, "trips.0.end", "2023-04-20")
    _type(driver, "trips.0.destinations", "北京市\n广东省深圳市")
    _type(driver, "trips.0.negotiated", "5")
    _click(driver, '[data-add="signings"]')
    _type(driver, "signings.0.project", "no")               # YAML 1.1 would read a boolean
    _type(driver, "signings.0.investor", "#1 投资: \"A&B\" 公司")
    _choose(driver, "signings.0.industry", "中医药")
    _type(driver, "signings.0.investment", "3560")
    _type(driver, "signings.0.date", "2023/4/19")
    _click(driver, '[name="signings.0.key"]')
    _click(driver, '[data-add="projects"]')
    _type(driver, "projects.0.project", "中药饮片加工项目")
    _type(driver, "projects.0.investor", "某某药业有限公司")
    _choose(driver, "projects.0.kind", "新建")
    _choose(driver, "projects.0.origin", "省外")
    _choose(driver, "projects.0.stage", "开工")
    _type(driver, "projects.0.funds", "1.25")


def test_a_report_typed_in_saves_validates_and_counts(browser, workspace, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    config, page = workspace
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    _open(browser, page, downloads)
    _shot(browser, "form-empty.png")
    _fill_a_week(browser)
    unit = browser.find_element(By.CSS_SELECTOR, '.field[data-path="signings.0.investment"] .unit select')
    Select(unit).select_by_visible_text("万元")
    _shot(browser, "form-filled.png")
    _click(browser, '[data-action="save"]')
    saved = downloads / "南召县-2023-W17.yaml"
    raw = _wait_for(saved)
    done = browser.find_element(By.ID, "saved").text
    assert "南召县-2023-W17.yaml" in done and "nyzs@example.cn" in done
    mail = browser.find_element(By.CSS_SELECTOR, '#saved a[href^="mailto:"]').get_attribute("href")
    assert mail.startswith("mailto:nyzs@example.cn?subject=") and "%E5%8D%97%E5%8F%AC%E5%8E%BF" in mail
    _shot(browser, "form-saved.png")

    report, problems = validate_bytes(raw, str(saved), load_config(config))
    assert problems == [] and report is not None
    assert (report.unit, report.week, report.reporter, report.phone) == ("南召县", Week(2023, 17), "李明", "0377-6612345")
    assert report.trips[0].destinations == ["北京市", "广东省深圳市"] and report.trips[0].negotiated == 5
    signing = report.signings[0]
    assert (signing.project, signing.investor, signing.industry, str(signing.investment), signing.date.isoformat(),
            signing.key) == ("no", "#1 投资: \"A&B\" 公司", "中医药", "0.3560", "2023-04-19", True)
    project = report.projects[0]
    assert (project.origin, project.stage, str(project.funds)) == ("区外", "开工", "1.25")
    assert "investment: 3560万元" in raw.decode("utf-8")

    entries = config.parent / "entries"
    entries.mkdir(exist_ok=True)
    shutil.copy(saved, entries / saved.name)
    assert CliRunner().invoke(cli, ["validate", "--config", str(config)]).exit_code == 0
    out = config.parent / "output"
    result = CliRunner().invoke(cli, ["build", "--config", str(config), "--week", "2023-W17", "--format", "md",
                                      "--output", str(out)])
    assert result.exit_code == 0, result.output
    briefing = next(out.glob("*.md")).read_text(encoding="utf-8")
    for figure in ("0.36亿元", "1.25亿元", "对接洽谈项目5个", "南召县"):
        assert figure in briefing, figure

    requests = _requests(browser)
    assert any(u.startswith("file://") for u in requests)  # the record works: it has the page itself
    assert [u for u in requests if not u.startswith(("file://", "blob:", "data:"))] == []


def test_a_wrong_entry_reads_as_validate_says(browser, workspace, tmp_path):
    """The same wrong entries typed into the form and written to a file for ``validate``."""
    from selenium.webdriver.common.by import By

    config, page = workspace
    _open(browser, page)
    _fill_a_week(browser)
    wrong = {"trips.0.negotiated": "5个", "trips.0.end": "2023-04-17", "trips.0.destinations": "北京市、上海市",
             "signings.0.investment": "35,6", "signings.0.date": "2023-02-30", "projects.0.funds": "-1",
             "phone": "", "reporter": ""}
    for name, text in wrong.items():
        _type(browser, name, text)
    _click(browser, '[data-add="projects"]')
    _type(browser, "projects.1.project", "中药饮片 加工项目")
    _click(browser, '[data-action="save"]')
    _shot(browser, "form-errors.png")
    browser.execute_script("document.querySelector('[name=\"trips.0.end\"]').scrollIntoView({block: 'center'})")
    _shot(browser, "form-errors-inline.png")
    found = browser.execute_script("return briefingForm.check()")
    shown = {}
    for box in browser.find_elements(By.CSS_SELECTOR, ".field.bad"):
        shown[box.get_attribute("data-path")] = box.find_element(By.CSS_SELECTOR, ".msg").text
    assert shown == {e["path"]: e["message"] for e in found["errors"]}
    assert len(shown) == 12  # 7 wrong values, 5 blanks of the second project
    from_form = _same_as_validate(browser, config, found)
    assert "“negotiated”（对接洽谈项目数（个））：不要带单位，请把“5个”改成 5" in from_form
    assert "“kind”（项目类型）：不能为空，请填写 新建、续建 之一" in from_form

    # The repeated project name is checked once the projects are otherwise right, as in validate.
    _type(browser, "projects.0.funds", "1")
    for name, text in {"investor": "乙", "funds": "0"}.items():
        _type(browser, f"projects.1.{name}", text)
    for name, text in {"kind": "续建", "origin": "省内", "stage": "投产"}.items():
        _choose(browser, f"projects.1.{name}", text)
    found = browser.execute_script("return briefingForm.check()")
    from_form = _same_as_validate(browser, config, found)
    assert ("“project”（项目名称）：项目“中药饮片 加工项目”在本报告中出现了两次（第1条和第2条），按名称是同一项目（空格、括号、"
            "全角半角和末尾的“项目”“工程”不计）。同一项目每周只报一条，请合并") in from_form
    # The same identity as everywhere (fields.project_key): brackets and a trailing 工程 do not count.
    _type(browser, "projects.1.project", "（中药饮片）加工工程")
    found = browser.execute_script("return briefingForm.check()")
    assert any("出现了两次" in line for line in _same_as_validate(browser, config, found))


def _same_as_validate(browser, config, found) -> list[str]:
    text = browser.execute_script("return briefingForm.yaml()")
    assert parse_bytes(text.encode("utf-8"), "form.yaml").problems == []
    _, problems = validate_bytes(text.encode("utf-8"), "form.yaml", load_config(config))
    named = "“{key}”（{label}）：{message}"
    from_form = sorted(named.format(**e) for e in found["errors"])
    assert sorted(p.message for p in problems) == from_form
    return from_form


HOSTILE = ["no", "Yes", "null", "~", "1:20", "#1", "- 甲", "* 乙", "&丙", "!丁", "%戊", "@己", "`庚`", "'单'", '"双"',
           "a\\b", "C:\\路径", "x: y", "x #y", "[甲，乙", "{甲}", "甲，乙", "Q1：完成", "abc:def", "? 问",
           "1e3", "0x1F", "2023-04-17", "12:30:00", "= 等", "|管道", "> 大于", "，开头", "末尾 ", "tab\there",
           "行\u2028分", "零宽\ufeff", "控制\x0b字", "引号'中'", "emoji 🙂", "\\u0041"]


def test_any_text_round_trips_through_the_file(browser, workspace):
    """Hostile names: what the page writes is read back, by validate and by the page, as typed."""
    config, page = workspace
    _open(browser, page)
    _type(browser, "reporter", "甲")
    browser.execute_script("""
        var add = document.querySelector('[data-add="signings"]');
        arguments[0].forEach(function (text, i) {
          add.click();
          var set = function (f, v) { document.querySelector('[name="signings.' + i + '.' + f + '"]').value = v; };
          set('project', text); set('investor', text + '投资'); set('industry', '装备制造');
          set('investment', '1'); set('date', '2023-04-18');
        });
        document.querySelector('[name="highlights"]').value = arguments[0].join('\\n');
    """, HOSTILE)
    text = browser.execute_script("return briefingForm.yaml()")
    report, problems = validate_bytes(text.encode("utf-8"), "x.yaml", load_config(config))
    assert problems == [], [str(p) for p in problems]
    # as the model cleans text, except that the page also trims a zero-width no-break space at either end
    cleaned = [parse_text(t.strip().strip("\ufeff")) for t in HOSTILE]
    assert [s.project for s in report.signings] == cleaned
    assert yaml.safe_load(text)["signings"][0]["project"] == "no"  # a plain YAML reader agrees
    assert browser.execute_script("return briefingForm.load(arguments[0], 'x.yaml')", text) is True
    assert browser.execute_script("return briefingForm.yaml()") == text


def test_a_saved_file_reopens_and_a_hand_typed_one_is_explained(browser, workspace, tmp_path):
    from selenium.webdriver.common.by import By

    config, page = workspace
    _open(browser, page)
    _fill_a_week(browser)
    written = browser.execute_script("return briefingForm.yaml()")
    saved = tmp_path / "南召县-2023-W17.yaml"
    saved.write_text(written, encoding="utf-8")
    _open(browser, page)
    browser.find_element(By.CSS_SELECTOR, '[data-action="open"]').send_keys(str(saved))
    opened = browser.find_element(By.ID, "opened")
    for _ in range(100):
        if opened.text:
            break
        time.sleep(0.05)
    assert "已打开“南召县-2023-W17.yaml”" in opened.text
    assert browser.find_element(By.NAME, "signings.0.investment").get_attribute("value") == "3560"
    assert browser.find_element(By.NAME, "trips.0.destinations").get_attribute("value") == "北京市\n广东省深圳市"
    assert browser.execute_script("return briefingForm.yaml()") == written

    # Warnings read as validate's: amounts in the wrong unit (3560 meant 万元), dates far from the week.
    _type(browser, "projects.0.funds", "150")
    _type(browser, "week", "2023-W30")
    warnings = browser.execute_script("return briefingForm.check()")["warnings"]
    _, problems = validate_bytes(browser.execute_script("return briefingForm.yaml()").encode("utf-8"), "w.yaml",
                                 load_config(config))
    assert sorted(w["message"] for w in warnings) == sorted(p.message for p in problems) and len(problems) == 3
    assert all(p.severity == "警告" for p in problems)
    assert browser.execute_script("return briefingForm.save()").startswith("# 招商工作周报：南召县 2023年第30周")
    _type(browser, "week", "2200-W01")  # a week that has not come yet
    from_form = _same_as_validate(browser, config, browser.execute_script("return briefingForm.check()"))
    assert len(from_form) == 1 and "周次 2200-W01 还没有到" in from_form[0]
    assert browser.execute_script("return briefingForm.save()") is None  # refused

    blank = CliRunner().invoke(cli, ["new", "--config", str(config), "方城县", "--week", "2023-W17"]).output
    filled = blank.replace("reporter:  ", "reporter: 张三").replace("\n\ntrips:", "\n\nmisc: 1\ntrips:", 1)
    assert browser.execute_script("return briefingForm.load(arguments[0], '方城县.yaml')", filled) is False
    assert "第11行有本页面不认识的项“misc”" in opened.text and "请直接用记事本修改" in opened.text
    assert browser.execute_script("return briefingForm.load(arguments[0], '方城县.yaml')", blank) is True
    assert browser.find_element(By.CSS_SELECTOR, '[name="unit"]').get_attribute("value") == "方城县"
    assert len(browser.find_elements(By.CSS_SELECTOR, "[data-items] .item")) == 4  # one blank item per section
    tabbed = "unit: 方城县\nweek: 2023-W17\ntrips:\n\t- leader: 甲\n"
    assert browser.execute_script("return briefingForm.load(arguments[0], 't.yaml')", tabbed) is False
    assert "第4行缩进不对齐" in opened.text


PARSER_INPUTS = {
    "Money": ["35.6", "3560万元", "3560万", "120000000元", "", "abc", "NaN", "inf", "-inf", "1e9", "1e99999", "-1",
              "-5e3", "1，2", "35,6", "1,2,3", "1,200", "5美元", "5 亿美元", "12 亿", "１２", "+5", ".5", "35.6亿",
              "999999.9999999999", "1000000", "1234567890", "1234567890.12", "1.12345678901", "0.00000000010",
              "1.5e-11", "1e-99999", "0.123456789012345万元", "-0", "0e5", "nan5", "1E+5万元", "Infinity"],
    "Count": ["6", "", "6个", "6 次", "-1", "+5", "６", "abc", "1.5", "1000", "1001", "0001000", "1234567890",
              "-99999999999", "1e5", "1E+2", "nan", "inf"],
    "Date": ["2023-04-17", "2023/4/17", "2023年4月17日", "", "2023-02-30", "2023-13-01", "17/04/2023", "abc", "２０２３-4-1",
             "2024-02-30", "2023-04-31", "2023-04-00", "0000-01-01", "2023-00-10"],
    "Week": ["2023-W17", "2023-w7", "2023W7", "2023年第7周", "2023年7周", "", "abc", "1900-W01", "2023-W60", "2023-W00",
             "2020-W53", "2023-W53", "2026-W53", "2015-W53", "2024-W53", "2032-W53"],
}


def test_the_ported_parsers_say_what_the_python_parsers_say(browser, workspace):
    """Value by value: the page's checks of one entry against briefing.report.fields' parsers."""
    from pydantic_core import PydanticCustomError

    from briefing.report.fields import parse_count, parse_date, parse_money, parse_week

    config, page = workspace
    _open(browser, page)
    got = browser.execute_script("""
        var inputs = arguments[0], data = JSON.parse(document.getElementById("form-data").textContent);
        var parse = BriefingRules(data.messages, data.limits), out = {};
        Object.keys(inputs).forEach(function (kind) {
          out[kind] = inputs[kind].map(function (text) {
            var r = parse["check" + kind](text);
            return r.error ? ["error", r.error] : ["ok", kind === "Week" ? r.value : null];
          });
        });
        return out;
    """, PARSER_INPUTS)
    parsers = {"Money": parse_money, "Count": parse_count, "Date": parse_date, "Week": parse_week}
    for kind, inputs in PARSER_INPUTS.items():
        for text, (outcome, detail) in zip(inputs, got[kind]):
            try:
                value = parsers[kind](text or None)  # the page writes an empty entry as an empty value
                expected = ["ok", str(value) if kind == "Week" else None]
            except PydanticCustomError as error:
                expected = ["error", str(error)]
            assert [outcome, detail] == expected, (kind, text)
