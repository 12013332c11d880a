"""Package parts of the Word template that python-docx does not model: font table, theme, app.xml.

python-docx builds every new document from its own default package, made with Word 2011 for the
Mac: its font table lists ＭＳ 明朝 and ＭＳ ゴシック, its theme maps the Japanese script to them,
and ``docProps/app.xml`` names "Microsoft Macintosh Word".  Word and WPS read the font table to
find or substitute fonts, so the template carries the Chinese faces it uses instead, each with
its GB2312 character set (86) and its English name (``w:altName``) for systems that know the
face only by that name.  The rewrite works on the saved .docx (a zip), part by part.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Callable

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

# name, English (alternative) name, panose, family, charset: what Word's own font table says.
CHINESE_FONTS = (
    ("宋体", "SimSun", "02010600030101010101", "auto", "86"),
    ("仿宋", "FangSong", "02010609060101010101", "modern", "86"),
    ("黑体", "SimHei", "02010609060101010101", "modern", "86"),
    ("楷体", "KaiTi", "02010609060101010101", "modern", "86"),
    ("方正小标宋简体", "FZXiaoBiaoSong-B05S", "02000000000000000000", "auto", "86"),
)
LATIN_FONTS = (("Times New Roman", "02020603050405020304", "roman", "00"),)


def font_table() -> str:
    """``word/fontTable.xml``: the faces the template uses, and nothing Japanese."""
    entries = []
    for name, alt, panose, family, charset in CHINESE_FONTS:
        entries.append(f'<w:font w:name="{name}"><w:altName w:val="{alt}"/><w:panose1 w:val="{panose}"/>'
                       f'<w:charset w:val="{charset}"/><w:family w:val="{family}"/><w:pitch w:val="variable"/></w:font>')
    for name, panose, family, charset in LATIN_FONTS:
        entries.append(f'<w:font w:name="{name}"><w:panose1 w:val="{panose}"/><w:charset w:val="{charset}"/>'
                       f'<w:family w:val="{family}"/><w:pitch w:val="variable"/></w:font>')
    return ("<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
            f'<w:fonts xmlns:w="{W_NS}">' + "".join(entries) + "</w:fonts>")


def theme(xml: str) -> str:
    """Drop the theme's Japanese script fonts (Chinese ones, ``Hans``, stay)."""
    return re.sub(r'<a:font script="Jpan" typeface="[^"]*"/>', "", xml)


def app_properties(xml: str) -> str:
    """Name this tool, not Word for the Mac, as the application that wrote the file."""
    xml = re.sub(r"<Application>[^<]*</Application>", "<Application>briefing</Application>", xml)
    return re.sub(r"\s*<AppVersion>[^<]*</AppVersion>", "", xml)


def rewrite(path: Path, changes: dict[str, Callable[[str], str]]) -> None:
    """Rewrite the named parts of the .docx at ``path`` in place (entry order and dates kept)."""
    with zipfile.ZipFile(path) as source:
        items = [(info, source.read(info.filename)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in items:
            change = changes.get(info.filename)
            if change is not None:
                data = change(data.decode("utf-8")).encode("utf-8")
            target.writestr(info, data)


def tidy(path: Path) -> None:
    """Chinese font table, no Japanese theme fonts, an honest application name."""
    rewrite(path, {"word/fontTable.xml": lambda _: font_table(),
                   "word/theme/theme1.xml": theme,
                   "docProps/app.xml": app_properties})
