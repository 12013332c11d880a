"""Fonts for the PDF edition: which faces the .docx names, which this machine lacks, what replaces them.

The Word template names the faces a Chinese office has (仿宋, 黑体, 楷体, 宋体, 方正小标宋简体).
On a Linux server they are missing, and LibreOffice's own fallback picks the first CJK face
fontconfig offers, which is Noto Sans CJK JP: Japanese glyph forms, and every face the same sans.
So the throwaway LibreOffice profile gets a font replacement table (Tools ▸ Options ▸ Fonts,
stored in ``registrymodifications.xcu``): each missing face is replaced by an installed face of
its kind — 宋/仿宋 style by a serif CJK SC face, 黑体 by a sans one, 楷体 by a 楷 face — and the
profile's East Asian language is zh-CN.  The clerk is told each replacement in one Chinese line.

The masthead face, 方正小标宋简体, is a heavy 宋 by design: it becomes the *bold* serif face.  The
replacement table maps names only, so that one goes into a fontconfig rule instead (family and
weight), in a configuration that includes the system's and is given to LibreOffice alone
(``FONTCONFIG_FILE``).

Debian's Noto CJK faces live in collections whose shared CFF table is named after the JP face;
:mod:`briefing.editions.fontfaces` makes standalone copies of the faces used (in the per-user
cache folder) so that the PDF names the SC face it is set in.

Which faces are installed comes from ``fc-list``.  Where there is none (Windows, macOS), the
system's own fonts are left alone: a Chinese Windows has 仿宋, 黑体 and 楷体.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import NamedTuple
from xml.sax.saxutils import escape

from briefing.editions.fontfaces import standalone_family

# Installed faces to use instead, best first.  Noto CJK SC comes with Debian's fonts-noto-cjk,
# AR PL UKai CN with fonts-arphic-ukai, Liberation Serif (Times New Roman's metrics) with
# fonts-liberation2.
CANDIDATES = {
    "serif": ("Noto Serif CJK SC", "Source Han Serif SC", "Source Han Serif CN", "AR PL UMing CN"),
    "sans": ("Noto Sans CJK SC", "Source Han Sans SC", "Source Han Sans CN", "WenQuanYi Zen Hei"),
    "kai": ("AR PL UKai CN", "AR PL KaitiM GB", "LXGW WenKai"),
    "latin serif": ("Liberation Serif", "Tinos"),
    "latin sans": ("Liberation Sans", "Arimo"),
}
KNOWN_KINDS = {"Times New Roman": "latin serif", "Arial": "latin sans"}
SYSTEM_FONTCONFIG = Path("/etc/fonts/fonts.conf")
INSTALL_HINT = {"serif": "fonts-noto-cjk", "sans": "fonts-noto-cjk", "kai": "fonts-arphic-ukai",
                "latin serif": "fonts-liberation2", "latin sans": "fonts-liberation2"}
FONT_ATTRIBUTE = re.compile(r'w:(?:ascii|hAnsi|eastAsia|cs)="([^"]+)"')


def kind_of(font: str) -> str | None:
    """The kind of face a font name stands for, from the name (方正仿宋_GBK, 华文楷体 …)."""
    if font in KNOWN_KINDS:
        return KNOWN_KINDS[font]
    if "标宋" in font:
        return "heavy serif"
    if "楷" in font or "kai" in font.lower():
        return "kai"
    if "黑" in font or "hei" in font.lower():
        return "sans"
    if "宋" in font or "song" in font.lower() or "仿" in font:
        return "serif"
    return None


def fonts_named(docx: bytes) -> set[str]:
    """Every font the document's text, styles, headers and footers name."""
    names: set[str] = set()
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        for part in package.namelist():
            if re.fullmatch(r"word/(document|styles|header\d*|footer\d*|footnotes|endnotes)\.xml", part):
                names.update(FONT_ATTRIBUTE.findall(package.read(part).decode("utf-8")))
    return names


def installed_families() -> set[str] | None:
    """Every family name fontconfig knows (localised names too), or None without fontconfig."""
    exe = shutil.which("fc-list")
    if exe is None:
        return None
    try:
        listing = subprocess.run([exe, "--format", "%{family}\\n"], capture_output=True, text=True,
                                 encoding="utf-8", errors="replace", timeout=60, check=False).stdout
    except (OSError, subprocess.TimeoutExpired):
        return None
    return {name.strip() for line in listing.splitlines() for name in line.split(",") if name.strip()}


class FontPlan(NamedTuple):
    """What replaces the fonts this machine lacks."""
    replace: dict[str, str]     # LibreOffice's replacement table: missing font → installed face
    embolden: dict[str, str]    # fontconfig rules: missing font → installed face, bold
    lines: list[str]            # one Chinese line for the clerk per missing font
    fonts: Path | None = None   # the folder of standalone copies of collection faces, if any is used


def plan_replacements(docx: bytes, installed: set[str] | None = None, copies: Path | None = None) -> FontPlan:
    """Which installed face stands in for each font the document names and this machine lacks.

    With ``copies`` (a folder), a face that lives in a font collection behind its first face is
    named by its standalone copy there (see :mod:`briefing.editions.fontfaces`), so that the PDF
    names the face that is used.
    """
    installed = installed_families() if installed is None else installed
    plan = FontPlan({}, {}, [])
    if installed is None:
        return plan
    can_embolden = fontconfig_base() is not None
    standalone: dict[str, str] = {}
    for font in sorted(fonts_named(docx)):
        kind = kind_of(font)
        if font in installed or kind is None:
            continue
        face = next((name for name in CANDIDATES["serif" if kind == "heavy serif" else kind] if name in installed), None)
        if face is not None and copies is not None and kind != "latin serif" and kind != "latin sans":
            if face not in standalone:
                standalone[face], extra = standalone_family(face, copies)
                plan.lines.extend(extra)
            if standalone[face] != face:
                plan = plan._replace(fonts=copies)
        if face is None:
            hint = INSTALL_HINT["serif" if kind == "heavy serif" else kind]
            plan.lines.append(f"PDF 中“{font}”本机未安装，也没有可代替的字体，由 LibreOffice 自动选择"
                              f"（Debian/Ubuntu 可安装 {hint}）")
        elif kind == "heavy serif" and can_embolden:
            plan.embolden[font] = standalone.get(face, face)
            plan.lines.append(f"PDF 中“{font}”用“{face}”粗体代替")
        else:
            plan.replace[font] = standalone.get(face, face)
            plan.lines.append(f"PDF 中“{font}”用“{face}”代替")
    return plan


def fontconfig_base() -> Path | None:
    """The configuration fontconfig reads by default (the rules file includes it), if found."""
    named = os.environ.get("FONTCONFIG_FILE")
    for candidate in ([Path(named)] if named else []) + [SYSTEM_FONTCONFIG]:
        if candidate.is_file():
            return candidate
    return None


def fontconfig_rules(embolden: dict[str, str], base: Path, folder: Path | None = None) -> str:
    """A fontconfig configuration: the system's, the folder of standalone face copies (if any),
    and a bold face for each heavy masthead font."""
    rules = "".join(
        '<match target="pattern">'
        f'<test name="family"><string>{escape(font)}</string></test>'
        f'<edit name="family" mode="assign" binding="strong"><string>{escape(face)}</string></edit>'
        '<edit name="weight" mode="assign" binding="strong"><const>bold</const></edit>'
        '</match>' for font, face in embolden.items())
    folders = f"<dir>{escape(str(folder))}</dir>" if folder is not None else ""
    return ('<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>'
            f'<include ignore_missing="yes">{escape(str(base))}</include>{folders}{rules}</fontconfig>\n')


def soffice_environment(plan: FontPlan, folder: Path) -> dict[str, str] | None:
    """The environment for LibreOffice: with ``FONTCONFIG_FILE`` when there are bold rules or
    standalone face copies."""
    base = fontconfig_base()
    if not (plan.embolden or plan.fonts) or base is None:
        return None
    rules = folder / "fonts.conf"
    rules.write_text(fontconfig_rules(plan.embolden, base, plan.fonts), encoding="utf-8")
    return dict(os.environ, FONTCONFIG_FILE=str(rules))


def profile_settings(replacements: dict[str, str]) -> str:
    """``registrymodifications.xcu``: the replacement table (always applied, also when printing)
    and zh-CN as the East Asian language, so that SC glyph forms are used."""
    items = ['<item oor:path="/org.openoffice.Office.Common/Font/Substitution">'
             '<prop oor:name="Replacement" oor:op="fuse"><value>true</value></prop></item>']
    for index, (font, face) in enumerate(replacements.items()):
        items.append(
            '<item oor:path="/org.openoffice.Office.Common/Font/Substitution/FontPairs">'
            f'<node oor:name="_{index}" oor:op="replace">'
            '<prop oor:name="Always" oor:op="fuse"><value>true</value></prop>'
            '<prop oor:name="OnScreenOnly" oor:op="fuse"><value>false</value></prop>'
            f'<prop oor:name="ReplaceFont" oor:op="fuse"><value>{escape(font)}</value></prop>'
            f'<prop oor:name="SubstituteFont" oor:op="fuse"><value>{escape(face)}</value></prop>'
            '</node></item>')
    items.append('<item oor:path="/org.openoffice.Office.Linguistic/General">'
                 '<prop oor:name="DefaultLocale_CJK" oor:op="fuse"><value>zh-CN</value></prop></item>')
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<oor:items xmlns:oor="http://openoffice.org/2001/registry" '
            'xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
            + "\n".join(items) + "\n</oor:items>\n")


def write_profile(profile: Path, replacements: dict[str, str]) -> Path:
    """Create a LibreOffice user profile at ``profile`` carrying the settings above."""
    user = profile / "user"
    user.mkdir(parents=True, exist_ok=True)
    target = user / "registrymodifications.xcu"
    target.write_text(profile_settings(replacements), encoding="utf-8")
    return target
