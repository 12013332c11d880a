"""Font replacement for the PDF edition: which fonts are missing, what stands in, what the clerk is told."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest

from briefing.editions import pdffonts
from briefing.editions.pdffonts import FontPlan, fontconfig_rules, plan_replacements, profile_settings, soffice_environment

NOTO = {"Noto Serif CJK SC", "Noto Sans CJK SC", "Noto Serif CJK JP", "DejaVu Sans"}


def _docx(*fonts: str) -> bytes:
    """A minimal package whose styles name ``fonts`` (East Asian and Latin attributes)."""
    runs = "".join(f'<w:rFonts w:ascii="{f}" w:eastAsia="{f}"/>' for f in fonts)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("word/styles.xml", f'<w:styles xmlns:w="w">{runs}</w:styles>')
        package.writestr("word/footer1.xml", '<w:ftr xmlns:w="w"><w:rFonts w:ascii="Courier"/></w:ftr>')
        package.writestr("word/media/x.xml", '<x w:ascii="黑体"/>')  # not a text part: ignored
    return buffer.getvalue()


@pytest.fixture
def with_fontconfig(monkeypatch, tmp_path):
    base = tmp_path / "fonts.conf"
    base.write_text("<fontconfig/>", encoding="utf-8")
    monkeypatch.setattr(pdffonts, "fontconfig_base", lambda: base)
    return base


def test_each_missing_font_gets_a_face_of_its_kind(with_fontconfig):
    installed = NOTO | {"AR PL UKai CN", "Liberation Serif"}
    plan = plan_replacements(_docx("仿宋", "宋体", "仿宋_GB2312", "黑体", "楷体_GB2312", "华文楷体", "方正小标宋简体",
                                   "Times New Roman", "Courier"), installed)
    assert plan.replace == {"仿宋": "Noto Serif CJK SC", "宋体": "Noto Serif CJK SC", "仿宋_GB2312": "Noto Serif CJK SC",
                            "黑体": "Noto Sans CJK SC", "楷体_GB2312": "AR PL UKai CN", "华文楷体": "AR PL UKai CN",
                            "Times New Roman": "Liberation Serif"}
    assert plan.embolden == {"方正小标宋简体": "Noto Serif CJK SC"}
    assert "PDF 中“仿宋”用“Noto Serif CJK SC”代替" in plan.lines
    assert "PDF 中“方正小标宋简体”用“Noto Serif CJK SC”粗体代替" in plan.lines
    assert len(plan.lines) == 8  # one line per replaced font; Courier is of no known kind


def test_installed_fonts_are_left_alone(with_fontconfig):
    plan = plan_replacements(_docx("仿宋", "黑体"), NOTO | {"仿宋", "黑体"})
    assert plan == FontPlan({}, {}, [])


def test_a_missing_font_without_any_substitute_is_named_with_a_hint(with_fontconfig):
    plan = plan_replacements(_docx("楷体"), NOTO)
    assert plan.replace == {} and plan.lines == [
        "PDF 中“楷体”本机未安装，也没有可代替的字体，由 LibreOffice 自动选择（Debian/Ubuntu 可安装 fonts-arphic-ukai）"]


def test_without_fontconfig_nothing_is_replaced(monkeypatch):
    monkeypatch.setattr(pdffonts.shutil, "which", lambda name: None)
    assert plan_replacements(_docx("仿宋")) == FontPlan({}, {}, [])


def test_without_a_system_fontconfig_file_the_masthead_face_is_replaced_plainly(monkeypatch):
    monkeypatch.setattr(pdffonts, "fontconfig_base", lambda: None)
    plan = plan_replacements(_docx("方正小标宋简体"), NOTO)
    assert plan.replace == {"方正小标宋简体": "Noto Serif CJK SC"} and plan.embolden == {}


def test_profile_carries_the_table_and_chinese_as_east_asian_language():
    xml = profile_settings({"仿宋": "Noto Serif CJK SC", "A&B<字体>": "Noto Sans CJK SC"})
    root = ET.fromstring(xml)
    values = {}
    for item in root:
        for prop in item.iter("prop"):
            values.setdefault(prop.get("{http://openoffice.org/2001/registry}name"), []).append(prop.find("value").text)
    assert values["Replacement"] == ["true"]
    assert values["ReplaceFont"] == ["仿宋", "A&B<字体>"]          # hostile names escaped, kept literally
    assert values["SubstituteFont"] == ["Noto Serif CJK SC", "Noto Sans CJK SC"]
    assert values["Always"] == ["true", "true"] and values["OnScreenOnly"] == ["false", "false"]
    assert values["DefaultLocale_CJK"] == ["zh-CN"]


def test_fontconfig_rules_include_the_system_configuration(tmp_path, with_fontconfig):
    plan = FontPlan({}, {"方正小标宋简体": "Noto Serif CJK SC"}, [])
    env = soffice_environment(plan, tmp_path)
    rules = Path(env["FONTCONFIG_FILE"]).read_text(encoding="utf-8")
    root = ET.fromstring(rules.split("\n", 2)[2])
    assert root.find("include").text == str(with_fontconfig)
    match = root.find("match")
    assert match.find("test/string").text == "方正小标宋简体"
    assert [e.get("name") for e in match.findall("edit")] == ["family", "weight"]
    assert match.find("edit/string").text == "Noto Serif CJK SC" and match.find("edit[@name='weight']/const").text == "bold"
    assert soffice_environment(FontPlan({"仿宋": "x"}, {}, []), tmp_path) is None  # nothing to embolden
    assert "&lt;" in fontconfig_rules({"<": "x"}, with_fontconfig)
