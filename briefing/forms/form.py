"""``briefing form``: one self-contained HTML page in which a unit fills in its weekly report.

County staff have never seen YAML and may not install anything, but every office has a
browser.  The page is a single file (sent by e-mail, opened from disk): its CSS and plain
JavaScript are inlined from ``form_assets/`` (package data beside this module), and a Content-Security-Policy forbids it to load
anything, so it works offline and leaks nothing.  (``rules.js`` ports the parsers,
``yaml.js`` writes and reads the file, ``form.js`` is the page.)  It saves the report as a ``.yaml`` file (a
download) that ``briefing validate`` accepts, and reopens such a file to correct it.

What the page shows is generated here, as one JSON blob, from the same sources as
``validate``: the fields, their labels, examples and choices from the model
(:mod:`briefing.forms.fielddocs`), the error messages from the validating code itself
(:mod:`briefing.forms.rules`), and the unit list, industries, labels and mail address from the
bureau's config.  The JavaScript holds no Chinese text and no field names.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict
from importlib import resources

from briefing.forms.blank import canonical_unit
from briefing.forms.fielddocs import FieldDoc, field_docs
from briefing.forms.rules import catalogue
from briefing.report.config import Config
from briefing.weeks import Week

# The page's own words (the validation messages come from forms.rules).
UI = {
    "heading": "招商工作周报填报",
    "no_unit": "周报",
    "week_days": "这一周是 {from}（周一）至 {to}（周日）",
    "day": "{year}年{month}月{day}日",
    "intro": "请在本页逐项填写本单位本周的招商工作情况。带“必填”的项一定要填；本周没有的内容不用填。"
             "填完后点页面最下方的“保存周报文件”，再把保存下来的文件作为邮件附件发送给{bureau}。",
    "offline": "本页面不联网，填写的内容只保存在您自己的电脑上。",
    "required": "必填",
    "choose": "请选择",
    "unknown_option": "{value}（不在名单中）",
    "add": "＋ 添加一条{item}",
    "remove": "删除这一条",
    "item_title": "{item} 第{number}条",
    "none_yet": "本周没有可不填；有的话点下面的按钮添加。",
    "example": "例如：{example}",
    "lines": "每行写一条",
    "money_unit": "金额单位",
    "money_hint": "填数字，单位在右边选（亿元或万元）；没有填 0",
    "pick_date": "选日期",
    "yes": "是",
    "save": "保存周报文件",
    "errors": "还有 {count} 处需要修改（已标红），改好后再保存：",
    "warnings": "请核对以下提示（不影响保存）：",
    "where_item": "{item} 第{number}条 · {label}",
    "saved": "已保存为“{file}”（一般在浏览器的“下载”文件夹里）。",
    "send": "下一步：用本单位登记的邮箱写一封邮件发送到 {address}，把这个文件作为附件添加进去。",
    "send_no_address": "下一步：把这个文件作为邮件附件发送给{bureau}的报送邮箱。",
    "mailto": "点这里写邮件（收件人和主题已填好，附件需要自己添加）",
    "subject": "{unit}{year}年第{number}周招商工作周报",
    "resave": "如果发现填错了，在本页改好后重新保存、重新发送即可，新的一份会替换旧的。",
    "open": "打开已保存的周报继续修改",
    "opened": "已打开“{name}”。请核对、修改后重新保存。",
    "open_failed": "无法打开“{name}”：{reason}",
    "read_line": "第{line}行{what}。这个文件可能是手工编辑过的，本页面读不了；请直接用记事本修改它，或在本页重新填写",
    "read_indent": "缩进不对齐",
    "read_syntax": "的写法本页面不认识",
    "read_quote": "的引号没有闭合",
    "read_key": "有本页面不认识的项“{key}”",
    "read_not_report": "不是周报文件（第一行应是“unit: 单位名称”这样的内容）",
    "read_encoding": "文件编码无法识别，请用记事本另存为“UTF-8”编码后再打开",
    "unsaved": "填写的内容还没有保存，确定要离开吗？",
    "file_comment": "由{bureau}下发的填报页面保存。可以用填报页面重新打开修改，也可以用记事本修改。",
    "title_comment": "招商工作周报：{unit} {year}年第{number}周",
}


def mail_address(config: Config) -> str | None:
    """The address units send reports to: the IMAP mailbox's login, else the receipts' sender."""
    mail = config.mail
    for candidate in (mail.imap.user if mail.imap else None,
                      (mail.smtp.sender or mail.smtp.user) if mail.smtp else None):
        if candidate and re.fullmatch(r"[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+", candidate):
            return candidate
    return None


WIDE = ("summary", "note")  # one-line texts that are usually long
UNKNOWN = {"unit": "unit.unknown", "industry": "industry.unknown"}  # else choice.unknown


def _field(doc: FieldDoc) -> dict:
    data = asdict(doc)
    data["fields"] = [_field(child) for child in doc.fields]
    data["wide"] = doc.kind == "texts" or doc.name in WIDE
    data["unknown"] = UNKNOWN.get(doc.name, "choice.unknown")
    data["literal"] = doc.kind == "choice" and doc.name not in UNKNOWN  # a fixed list in the model
    return data


def page_data(config: Config, unit: str | None, week: Week | str) -> dict:
    """Everything the page needs, as JSON-ready data."""
    week = Week.parse(week)
    ui = dict(UI, intro=UI["intro"].format(bureau=config.bureau),
              send_no_address=UI["send_no_address"].format(bureau=config.bureau),
              file_comment=UI["file_comment"].format(bureau=config.bureau))
    return {
        "bureau": config.bureau,
        "unit": canonical_unit(config, unit) if unit else None,
        "week": week.iso,
        "address": mail_address(config),
        "fields": [_field(doc) for doc in field_docs(config)],
        "ui": ui,
        **catalogue(config),
    }


SCRIPTS = ("rules.js", "yaml.js", "form.js")  # parser ports, the file format, the page


def _asset(name: str) -> str:
    return resources.files("briefing.forms").joinpath("form_assets", name).read_text(encoding="utf-8")


def _script_json(data: dict) -> str:
    """JSON safe inside a ``<script>`` element (no ``</script>``, no ``<!--``)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def form_html(config: Config, unit: str | None, week: Week | str) -> str:
    """The complete page for ``unit`` (or a unit chosen on the page) and ``week``."""
    data = page_data(config, unit, week)
    title = f"{data['unit'] or ''}{UI['heading']}（{config.bureau}）"
    parts = {"TITLE": _html_text(title), "CSS": _asset("form.css"), "DATA": _script_json(data),
             "SCRIPT": "\n".join(_asset(name) for name in SCRIPTS)}
    return re.sub(r"\{\{(TITLE|CSS|DATA|SCRIPT)\}\}", lambda m: parts[m.group(1)], _asset("form.html"))


def _html_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def form_file_name(unit: str | None, week: Week | str) -> str:
    """``南召县-2023-W17-填报.html`` (or ``周报填报-2023-W17.html`` when the unit is chosen on the page)."""
    week = Week.parse(week)
    return f"{unit}-{week.iso}-填报.html" if unit else f"周报填报-{week.iso}.html"
