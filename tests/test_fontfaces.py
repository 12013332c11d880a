"""Standalone copies of collection faces: the PDF names the SC face it is set in, with SC glyphs.

Needs Debian's fonts-noto-cjk (a collection whose SC face is not the first) and fontTools;
skips without them, except in CI (CI=true), where .ci/run installs them.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from briefing.editions import fontfaces
from briefing.editions.fontfaces import SUFFIX, copy_face, faces_of, needs_copy, rename_cff, standalone_family
from briefing.editions.pdffonts import fontconfig_rules, plan_replacements

from test_pdffonts import NOTO, _docx

BONE, NOW = 0x9AA8, 0x4ECA   # 骨 and 今: drawn differently in Japanese and Chinese


@pytest.fixture(scope="module")
def serif():
    faces = [face for face in faces_of("Noto Serif CJK SC") if face.style == "Regular" and needs_copy(face)]
    if not faces:
        if os.environ.get("CI") == "true":
            pytest.fail("Noto Serif CJK SC in a collection is required in CI (fonts-noto-cjk)")
        pytest.skip("Noto Serif CJK SC is not installed as a font collection")
    if os.environ.get("CI") == "true":
        import fontTools  # noqa: F401  (a test requirement: .ci/run installs ".[test]")
    else:
        pytest.importorskip("fontTools")
    return faces[0]


def test_the_copy_is_named_after_the_sc_face_and_draws_sc_glyphs(serif, tmp_path):
    from fontTools.ttLib import TTFont

    copy = TTFont(str(copy_face(serif, tmp_path)))
    cff = copy["CFF "].cff
    assert cff.fontNames == ["NotoSerifCJKsc-Regular"]
    assert all(fd.FontName.startswith("NotoSerifCJKsc-Regular-") for fd in cff[cff.fontNames[0]].FDArray)
    families = {record.toUnicode() for record in copy["name"].names if record.nameID in (1, 16)}
    assert families == {"Noto Serif CJK SC" + SUFFIX}
    sc = TTFont(str(serif.file), fontNumber=serif.index, lazy=True).getBestCmap()
    jp = TTFont(str(serif.file), fontNumber=0, lazy=True).getBestCmap()
    for char in (BONE, NOW):
        assert copy.getBestCmap()[char] == sc[char] != jp[char]


def test_the_copy_is_made_once(serif, tmp_path):
    first = copy_face(serif, tmp_path)
    made = first.stat().st_mtime_ns
    assert copy_face(serif, tmp_path) == first and first.stat().st_mtime_ns == made


def test_the_replacement_table_names_the_copies(serif, tmp_path, monkeypatch):
    monkeypatch.setattr("briefing.editions.pdffonts.fontconfig_base", lambda: tmp_path / "base.conf")
    plan = plan_replacements(_docx("仿宋", "方正小标宋简体", "Times New Roman"), NOTO | {"Liberation Serif"},
                             copies=tmp_path / "fonts")
    assert plan.replace == {"仿宋": "Noto Serif CJK SC" + SUFFIX, "Times New Roman": "Liberation Serif"}
    assert plan.embolden == {"方正小标宋简体": "Noto Serif CJK SC" + SUFFIX} and plan.fonts == tmp_path / "fonts"
    assert "PDF 中“仿宋”用“Noto Serif CJK SC”代替" in plan.lines                    # the clerk's words unchanged
    assert f"<dir>{tmp_path / 'fonts'}</dir>" in fontconfig_rules(plan.embolden, tmp_path, plan.fonts)


def test_without_fonttools_the_collection_face_is_used_and_the_clerk_told(monkeypatch, tmp_path):
    face = fontfaces.Face(Path("/x/NotoSerifCJK-Regular.ttc"), 2, "Noto Serif CJK SC", "Regular", "NotoSerifCJKsc-Regular")
    monkeypatch.setattr(fontfaces, "faces_of", lambda family: [face])

    def no_fonttools(face, folder):
        raise ImportError("fontTools")

    monkeypatch.setattr(fontfaces, "copy_face", no_fonttools)
    family, lines = standalone_family("Noto Serif CJK SC", tmp_path)
    assert family == "Noto Serif CJK SC" and "pip install \"briefing[pdf]\"" in lines[0]
    assert standalone_family("Noto Serif CJK SC", None) == ("Noto Serif CJK SC", [])


def test_the_cff_names_change_in_place_only():
    # header (4 bytes), Name INDEX ["ABjp-R"], Top DICT INDEX [b"xx"], String INDEX ["ABjp-R-K", "jp"], charstrings
    name = b"\x00\x01\x01\x01\x07ABjp-R"
    top = b"\x00\x01\x01\x01\x03xx"
    strings = b"\x00\x02\x01\x01\x09\x0bABjp-R-Kjp"
    data = b"\x01\x00\x04\x01" + name + top + strings + b"ABjp-R in glyph data"
    patched = rename_cff(data, "ABjp-R", "ABsc-R")
    assert patched == data.replace(b"ABjp-R", b"ABsc-R", 2) and patched.endswith(b"ABjp-R in glyph data")
    assert len(patched) == len(data)
    with pytest.raises(ValueError):
        rename_cff(data, "ABjp-R", "AB-R")
