"""The units' guide to filling in and sending the weekly report (``briefing guide``).

The guide is what a bureau forwards to its counties, so it is written from the bureau's own
config: its name and mail address, its units, industries and word for outside investment
(区外, 省外), and a filled example that validates against that config.  The field table comes
from the model (:mod:`briefing.forms.fielddocs`), like the blank report and the form.

The text is built once as a list of blocks (heading, paragraph, list, code, table) and
rendered twice: as Markdown and as a Word document (python-docx), so both say the same.
This module only renders; :mod:`briefing.actions.guide` writes the files.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field

from briefing.fmt import width
from briefing.forms.blank import COMMENT_COLUMN, canonical_unit
from briefing.forms.fielddocs import NEUTRAL_PHONE, FieldDoc, field_docs, region_name
from briefing.forms.form import form_file_name, mail_address
from briefing.report.config import Config
from briefing.weeks import Week


TABLE_WIDTHS = (3.0, 3.6, 1.8, 7.6)  # cm: key, name, required, explanation (A4 text width)


@dataclass
class Block:
    """One piece of the guide: ``kind`` is h1, h2, h3, p, ol, ul, code or table."""

    kind: str
    text: str = ""
    items: list = field(default_factory=list)


def example_report(config: Config, unit: str, week: Week | str) -> str:
    """A filled report for ``unit`` and ``week`` in the bureau's words; it passes ``validate``."""
    week = Week.parse(week)

    def day(offset: int) -> str:
        return (week.first_day + dt.timedelta(days=offset)).isoformat()

    industry = config.industries[0]
    project = f"{industry}产业园项目"
    rows = [
        (f"unit: {unit}", "报送单位，必须和商务局名单中的名称一致"),
        (f"week: {week.iso}", "报送周次"),
        ("reporter: 李四", "填报人"),
        (f"phone: {NEUTRAL_PHONE}", "联系电话（可不填）"),
        ("", ""),
        ("trips:", "领导带队外出招商，每次一条；本周没有就删掉整段"),
        ("  - leader: 张三", "带队领导"),
        ("    title: 县长", "职务"),
        (f"    start: {day(0)}", "出发日期"),
        (f"    end: {day(3)}", "返回日期（不能早于出发日期）"),
        ("    destinations:", "到访省市，每个一行"),
        ("      - 北京市", ""),
        ("      - 广东省深圳市", ""),
        ("    companies:", "拜访对接的企业（可不填）"),
        ("      - 某某科技有限公司", ""),
        ("    negotiated: 6", "对接洽谈项目个数，只填数字"),
        ("    summary: 与企业深入洽谈，达成初步合作意向", ""),
        ("", ""),
        ("events:", "推介会、签约仪式、考察接待，每场一条"),
        (f"  - name: {region_name(config)}（深圳）招商引资推介会", ""),
        ("    kind: 推介会", "推介会、签约仪式、考察接待 三选一"),
        (f"    date: {day(2)}", ""),
        ("    place: 深圳市", ""),
        ("", ""),
        ("signings:", "本周签约项目，每个一条"),
        (f"  - project: {project}", ""),
        ("    investor: 某某投资有限公司", ""),
        (f"    industry: {industry}", "产业链，必须是商务局名单中的名称"),
        ("    investment: 35.6", "总投资（亿元）；也可写 3560万元"),
        (f"    date: {day(3)}", ""),
        ("    key: true", "是否重点签约项目：true（是）或 false（否）"),
        ("", ""),
        ("projects:", "落实执行项目本周进展，每个项目一条"),
        (f"  - project: {project}", "同一项目每周名称要一致"),
        ("    investor: 某某投资有限公司", ""),
        ("    kind: 新建", "新建 或 续建"),
        (f"    origin: {config.external_label}", f"{config.external_label} 或 {config.internal_label}（投资方来自哪里）"),
        ("    stage: 开工", "签约、开工、投产 三选一"),
        ("    funds: 2.5", "本周到位资金（亿元），没有填 0"),
        (f"    industry: {industry}", "可不填"),
        ("    note: 主体厂房开工建设", "备注，可不填"),
        ("", ""),
        ("highlights:", "经验做法、工作亮点"),
        ("  - 实行“一个项目、一名领导、一个专班”推进机制", ""),
        ("", ""),
        ("plans:", "下一步工作"),
        ("  - 赴长三角地区开展产业链精准招商", ""),
    ]
    return "".join(_commented(code, comment) for code, comment in rows)


def _commented(code: str, comment: str) -> str:
    """One line of the example, its comment aligned by display width (CJK counts double)."""
    if not comment:
        return code + "\n"
    return f"{code}{' ' * max(1, COMMENT_COLUMN - width(code))}# {comment}\n"


def _field_rows(docs: tuple[FieldDoc, ...]) -> list[list[str]]:
    rows = []
    for doc in docs:
        if doc.kind == "items":
            continue
        need = "必填" if doc.required or doc.min_items else "可不填"
        text = doc.hint
        if doc.kind == "choice":
            text = "、".join(doc.choices) + " 之一"
        if doc.example:
            text += ("。" if text else "") + f"例如：{doc.example}"
        rows.append([doc.name, doc.label, need, text])
    return rows


def guide_blocks(config: Config, unit: str | None, week: Week | str) -> list[Block]:
    """The guide's content for ``unit`` (or every unit) as blocks."""
    week = Week.parse(week)
    unit = canonical_unit(config, unit) if unit else None
    shown_unit = unit or config.unit_names[0]
    address = mail_address(config)
    to = f"报送邮箱 {address}" if address else f"{config.bureau}的报送邮箱"
    form_name = form_file_name(unit, week) if unit else "“单位名称-周次-填报.html”"
    blocks = [
        Block("h1", f"{config.bureau}招商工作周报填报说明"),
        Block("p", f"供{unit or config.units_label}使用。" if unit else f"供{config.units_label}使用。"),
        Block("p", f"每个单位每周报送一份周报文件（.yaml），作为邮件附件发送到{to}。"
                   f"{config.bureau}收到后由程序自动检查和汇总，编入《{config.title}》。"),
        Block("h2", "一、两种填写方法"),
        Block("ol", items=[
            f"用填报页面（推荐）：{config.bureau}发来的填报页面 {form_name} 用浏览器打开，逐项填写，"
            "点“保存周报文件”即得到周报文件。页面会当场指出填错的地方，不需要安装任何软件，也不联网。",
            f"用记事本填写：{config.bureau}发来的空白周报（.yaml 文件）用记事本打开，按第三节的规则逐项填写。",
        ]),
        Block("h2", "二、用填报页面填写"),
        Block("ol", items=[
            "双击填报页面文件，用 Chrome、Edge、Firefox 或 360、QQ 浏览器（极速模式）打开。",
            "核对“报送单位”和“报送周次”（页面已填好，周次下方写明了这一周的起止日期）。",
            "填写填报人和联系电话。本周有领导带队外出招商、推介会等活动、签约项目、落实执行项目的，"
            "点相应的“＋ 添加一条……”按钮逐条填写；没有的不用填。",
            "金额默认以亿元为单位，也可以在旁边选“万元”；个数只填数字；日期写成 2023-04-17，或点“选日期”从日历里选。",
            "填错的地方会标红并写明怎么改。全部改好后点最下方的“保存周报文件”，"
            f"文件会保存到浏览器的“下载”文件夹，文件名是“单位-周次.yaml”，例如“{shown_unit}-{week.iso}.yaml”。",
            f"写一封邮件发送到{to}，把这个文件作为附件添加进去（页面上的“点这里写邮件”已填好收件人和主题）。",
            "需要修改时，打开填报页面，点“打开已保存的周报继续修改”，选中保存的文件，改好后重新保存、重新发送。",
        ]),
        Block("h2", "三、用记事本填写"),
        Block("ul", items=[
            "每一行都是“键: 值”的形式。键（冒号左边的英文）不要改；冒号用英文半角“:”，冒号后面空一格再写内容。",
            "缩进只用空格，不要用 Tab 键或全角空格；同一层的内容左边要对齐。",
            "一项里有多条内容（多次外出、多个项目）时，每条以“- ”（减号加空格）开头。",
            "“#”后面的文字是说明，程序不读，可以保留。",
            "金额一律以亿元为单位，直接写数字，如 35.6；也可以写 35.6亿元、3560万元。外币请先折算成人民币。没有到位资金写 0。",
            "个数、次数只写数字，如 negotiated: 6，不要写成 6个。",
            "日期写成 2023-04-17（也可以写 2023/4/17、2023年4月17日）；周次写成 2023-W17（按 ISO 周，周一为一周的第一天）。",
            "本周没有的内容，把整段（从“trips:”这样的键到下一段之前）删掉。",
            "值里本身有英文冒号加空格、“#”、“&”、“*”，或以“[”“{”“-”开头时，给整个值加上英文引号。",
            f"保存时文件名用“{shown_unit}.yaml”这样的名字；用记事本“另存为”时“保存类型”选“所有文件”，编码选“UTF-8”。",
        ]),
        Block("h2", "四、填好的示例"),
        Block("code", example_report(config, shown_unit, week)),
        Block("p", "unit、week、reporter 必填；其余各段本周没有内容可以整段删掉。"),
        Block("h2", "五、各项的含义"),
    ]
    docs = field_docs(config)
    header = ["键", "名称", "要求", "说明"]
    blocks.append(Block("h3", "基本信息"))
    blocks.append(Block("table", items=[header, *_field_rows(docs)]))
    for doc in docs:
        if doc.kind == "items":
            blocks.append(Block("h3", f"{doc.label}（{doc.name}，{doc.hint}）"))
            blocks.append(Block("table", items=[header, *_field_rows(doc.fields)]))
    blocks += [
        Block("p", f"报送单位：{'、'.join(config.unit_names)}。"),
        Block("p", f"产业链：{'、'.join(config.industries)}。"),
        Block("h2", "六、报送和回执"),
        Block("p", f"把周报文件作为附件，用本单位在{config.bureau}登记过的邮箱发送到{to}。"
                   "不要压缩，也不要把内容贴在邮件正文里。"),
        Block("p", "程序会自动回复回执：“【已收到】”表示已入库；“【请修改后重发】”会逐条列出错误所在的行、列和改法，"
                   "改好后重新发送即可。同一单位同一周报错了重新报送，新的一份会替换旧的（旧的留档）。"),
        Block("p", "提示中的“警告”是请您核对的地方（例如金额大得不寻常），核对无误不用修改。"),
    ]
    return blocks


def to_markdown(blocks: list[Block]) -> str:
    """The guide as Markdown."""
    out = []
    for block in blocks:
        if block.kind in ("h1", "h2", "h3"):
            out.append("#" * int(block.kind[1]) + " " + block.text)
        elif block.kind == "p":
            out.append(block.text)
        elif block.kind in ("ol", "ul"):
            out.append("\n".join((f"{n}. " if block.kind == "ol" else "- ") + item
                                 for n, item in enumerate(block.items, 1)))
        elif block.kind == "code":
            out.append("```yaml\n" + block.text + "```")
        elif block.kind == "table":
            header, *rows = block.items
            lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
            lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
            out.append("\n".join(lines))
    return "\n\n".join(out) + "\n"


def to_docx(blocks: list[Block]) -> bytes:
    """The guide as a Word document (bytes)."""
    from docx import Document
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    document = Document()
    for name in ("Normal", "Heading 1", "Heading 2", "Heading 3"):
        style = document.styles[name]
        style.font.name = "宋体" if name == "Normal" else "黑体"
        style.element.rPr.rFonts.set(qn("w:eastAsia"), style.font.name)
    document.styles["Normal"].font.size = Pt(11)
    for block in blocks:
        if block.kind in ("h1", "h2", "h3"):
            document.add_heading(block.text, level=int(block.kind[1]))
        elif block.kind == "p":
            document.add_paragraph(block.text)
        elif block.kind in ("ol", "ul"):  # numbers typed in: Word's "List Number" runs on across lists
            for number, item in enumerate(block.items, 1):
                paragraph = document.add_paragraph(f"{number}. {item}" if block.kind == "ol" else f"• {item}")
                paragraph.paragraph_format.left_indent = Cm(0.75)
                paragraph.paragraph_format.first_line_indent = Cm(-0.5)
        elif block.kind == "code":
            paragraph = document.add_paragraph()
            run = paragraph.add_run(block.text.rstrip("\n"))
            run.font.name = "Consolas"
            run.font.size = Pt(9)
            run.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
        elif block.kind == "table":
            header, *rows = block.items
            table = document.add_table(rows=1, cols=len(header))
            table.style = "Table Grid"
            for cell, text in zip(table.rows[0].cells, header):
                cell.text = text
                cell.paragraphs[0].runs[0].bold = True
            for row in rows:
                for cell, text in zip(table.add_row().cells, row):
                    cell.text = text
            table.autofit = False
            for column, size in zip(table.columns, TABLE_WIDTHS):
                column.width = Cm(size)  # the grid, which LibreOffice and WPS go by
                for cell in column.cells:
                    cell.width = Cm(size)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def guide_files(config: Config, unit: str | None, week: Week | str) -> dict[str, bytes]:
    """``{file name: content}``: ``填报说明[-单位].md`` and ``.docx``."""
    blocks = guide_blocks(config, unit, week)
    stem = "填报说明" + (f"-{canonical_unit(config, unit)}" if unit else "")
    return {f"{stem}.md": to_markdown(blocks).encode("utf-8"), f"{stem}.docx": to_docx(blocks)}
