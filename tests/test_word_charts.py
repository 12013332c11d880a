"""附图: the config's ``charts`` in the Word and PDF editions (briefing/editions/wordcharts.py),
and the ``charts`` setting itself (briefing/report/config.py)."""

from __future__ import annotations

import io
import re
import struct
import subprocess
import zipfile

import pytest
from click.testing import CliRunner
from docx import Document
from docx.enum.text import WD_LINE_SPACING
from docx.shared import Mm

from briefing.actions.build import build
from briefing.cli import cli
from briefing.editions import charts
from briefing.errors import BriefingError
from briefing.report.config import load_config
from briefing.workspace.layout import open_workspace
from conftest import SMALL_CONFIG, need_tool, write_workspace

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
EMU_PER_INCH = 914400


def workspace(tmp_path, charts_setting: str | None):
    config = SMALL_CONFIG + (f"charts: {charts_setting}\n" if charts_setting is not None else "")
    return write_workspace(tmp_path / "ws", config)


def docx_of(config_path) -> bytes:
    [path] = build(open_workspace(config_path), "2023-W02", ["docx"])
    return path.read_bytes()


def png_width(blob: bytes) -> int:
    assert blob[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">I", blob[16:20])[0]


def body_texts(document) -> list[str]:
    """Each top-level element of the body as text: a paragraph's text, ``<table>``, ``<floating table>``."""
    out = []
    for child in document.element.body:
        if child.tag == f"{W}p":
            out.append("".join(child.xpath(".//w:t/text()")).strip())
        elif child.tag == f"{W}tbl":
            out.append("<floating table>" if child.find(f"{W}tblPr/{W}tblpPr") is not None else "<table>")
    return out


# ---------------------------------------------------------------- the setting


@pytest.mark.parametrize(("written", "chosen"), [
    (None, ()),
    ("true", ("units", "industries", "cumulative")),
    ("是", ("units", "industries", "cumulative")),
    ("false", ()),
    ("[累计, units, 累计]", ("cumulative", "units")),
    ("产业链", ("industries",)),
])
def test_charts_setting(tmp_path, written, chosen):
    assert load_config(workspace(tmp_path, written)).charts == chosen


def test_a_dumped_config_reads_back_with_its_charts(tmp_path):
    config = load_config(workspace(tmp_path, "[累计, units]"))
    assert type(config).model_validate(config.model_dump()).charts == ("cumulative", "units")


def test_an_unknown_chart_name_is_one_chinese_line_at_its_place(tmp_path):
    path = workspace(tmp_path, "[units, unit]")
    with pytest.raises(BriefingError) as caught:
        load_config(path)
    [problem] = caught.value.problems
    line = SMALL_CONFIG.count("\n") + 1
    assert (problem.line, problem.col) == (line, len("charts: [units, ") + 1)
    assert "“unit”不是图表名称，是否应为“units”？" in problem.message
    assert "units（单位）、industries（产业链）、cumulative（累计）" in problem.message


def test_a_mapping_is_not_a_chart_setting(tmp_path):
    with pytest.raises(BriefingError) as caught:
        load_config(workspace(tmp_path, "{units: 1}"))
    assert "这里应写 true（全部图表）" in caught.value.problems[0].message


# ---------------------------------------------------------------- the Word edition


def test_charts_on_the_docx_carries_them_at_print_resolution_after_the_tables(tmp_path):
    document = Document(io.BytesIO(docx_of(workspace(tmp_path, "true"))))
    shapes = document.inline_shapes
    assert len(shapes) == 3
    for shape in shapes:
        blob = shape._inline.graphic.graphicData.pic.blipFill.blip.embed
        image = document.part.related_parts[blob].blob
        printed_inches = shape.width / EMU_PER_INCH
        assert abs(shape.width - Mm(156)) < Mm(0.5)  # the text block: A4 less margins 28 and 26 mm
        assert png_width(image) / printed_inches >= 200
    texts = body_texts(document)
    captions = [i for i, text in enumerate(texts) if re.match(r"图\d　", text)]
    assert [texts[i] for i in captions] == [
        "图1　各单位今年以来到位资金与年度目标（截至2023年第2周）",
        "图2　各产业链今年以来到位资金（截至2023年第2周）",
        "图3　今年以来累计到位资金与去年同期对比（截至2023年第2周）",
    ]
    heading = texts.index("附图")
    assert texts.index("附表") < heading < captions[0]
    assert captions[-1] < texts.index("<floating table>")  # the 版记 stays last
    pictures = [p for p in document.paragraphs if p._p.xpath(".//pic:pic")]
    assert len(pictures) == 3  # the body's exact line spacing would crop them
    assert all(p.paragraph_format.line_spacing_rule == WD_LINE_SPACING.SINGLE for p in pictures)


def test_charts_listed_are_numbered_in_the_order_given(tmp_path):
    document = Document(io.BytesIO(docx_of(workspace(tmp_path, "[累计]"))))
    assert len(document.inline_shapes) == 1
    assert [t for t in body_texts(document) if t.startswith("图")] == ["图1　今年以来累计到位资金与去年同期对比（截至2023年第2周）"]


def test_charts_off_no_picture_and_no_heading(tmp_path):
    data = docx_of(workspace(tmp_path, None))
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        assert not [name for name in package.namelist() if name.startswith("word/media/")]
    assert "附图" not in body_texts(Document(io.BytesIO(data)))


def test_without_a_chinese_font_the_build_stops_with_a_chinese_message(tmp_path, monkeypatch):
    config = workspace(tmp_path, "true")
    monkeypatch.setattr(charts, "CJK_FONTS", ("No Such Font Anywhere",))
    result = CliRunner().invoke(cli, ["build", "--config", str(config), "--week", "2023-W02"])
    assert result.exit_code == 1
    assert "没有找到中文字体" in result.output and "Traceback" not in result.output
    assert not (config.parent / "output").exists() or not list((config.parent / "output").iterdir())


# ---------------------------------------------------------------- the PDF edition


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory):
    for tool in ("soffice", "pdfimages", "pdftotext"):
        need_tool(tool)
    made = {}
    for name, setting in (("on", "true"), ("off", None)):
        root = tmp_path_factory.mktemp(f"charts-{name}")
        [path] = build(open_workspace(workspace(root, setting)), "2023-W02", ["pdf"])
        made[name] = path
    return made


def pdf_images(path) -> list[list[str]]:
    listing = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True).stdout
    return [row.split() for row in listing.splitlines()[2:] if row.split()[2:3] == ["image"]]


def test_libreoffice_pdf_shows_the_charts(pdfs):
    images = pdf_images(pdfs["on"])
    assert len(images) == 3
    assert all(int(row[12]) >= 200 and int(row[13]) >= 200 for row in images)  # x-ppi, y-ppi
    text = subprocess.run(["pdftotext", str(pdfs["on"]), "-"], capture_output=True, text=True, check=True).stdout
    assert "附图" in text and "图1" in text and "图3" in text


def test_libreoffice_pdf_without_charts_has_no_image(pdfs):
    assert pdf_images(pdfs["off"]) == []
