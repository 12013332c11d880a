"""Bytes → text → YAML data, with the line and column of every node kept for messages.

Reports come from clerks' Windows machines, so text may be UTF-8 (with or without a BOM),
UTF-16 with a BOM (Notepad's "Unicode") or GB18030/GBK.  YAML is composed by libyaml
(``CSafeLoader``) into nodes, and nodes are turned into plain data by :func:`_to_data`:

* every scalar stays the **string the clerk typed** (``None`` for an empty value), so YAML 1.1
  surprises (``no`` → False, ``010`` → 8, ``1:20`` → 80) never reach a field; the model parses
  numbers, dates and booleans itself;
* anchors and aliases are refused (an alias bomb is cheap to load, ruinous to walk);
* duplicate keys are refused (PyYAML would silently keep the last one);
* non-standard tags are refused;
* characters that XML 1.0 (so Word and Excel) cannot hold, and invisible control characters,
  are refused where they were written.  They can only come from escapes in double-quoted
  scalars (``"\\uFFFF"``, ``"\\x01"``): libyaml refuses them typed raw, and raw C0 controls are
  removed before composing.

The composed root node is kept so that a validation error's location (``('trips', 0, 'end')``)
can be turned back into ``LINE:COL`` by :func:`locate`.
"""

from __future__ import annotations

import bisect
import codecs
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from briefing.errors import Problem, os_reason, quotable

_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_NULL = "tag:yaml.org,2002:null"
_STR = "tag:yaml.org,2002:str"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"
_NULLS = frozenset(("", "~", "null", "Null", "NULL"))
_ALLOWED_TAGS = frozenset((_NULL, _STR, _SEQ, _MAP))

# Keys of the report format, for the "missing space after colon" hint.
KNOWN_KEYS = (
    "unit week reporter phone trips events signings projects highlights plans leader title "
    "start end destinations companies negotiated summary name kind date place project investor "
    "industry investment key origin stage funds note code increase"
).split()

_MAX_BYTES = 5 * 1024 * 1024


class _Loader(_Base):
    """libyaml's composer with a trivial resolver: only "is this scalar empty?" matters."""

    def resolve(self, kind, value, implicit):  # noqa: D102 - called by the C composer
        if kind is yaml.ScalarNode:
            return _NULL if implicit[0] and value in _NULLS else _STR
        return _SEQ if kind is yaml.SequenceNode else _MAP


@dataclass
class Document:
    """One loaded YAML file: its data (or ``None``), its root node and the problems found."""

    path: str
    data: Any = None
    root: Any = None
    problems: list[Problem] = field(default_factory=list)

    def problem(self, line: int, col: int, message: str, severity: str = "错误") -> None:
        self.problems.append(Problem(self.path, line, col, message, severity))


class _Stop(Exception):
    """Raised inside this module when a file cannot be read any further."""

    def __init__(self, line: int, col: int, message: str):
        super().__init__(message)
        self.line, self.col, self.message = line, col, message


# ---------------------------------------------------------------- decoding


def decode(data: bytes) -> str:
    """Decode a report's bytes: UTF-8 (BOM optional), UTF-16 with BOM, else GB18030.

    Raises :class:`_Stop` with a Chinese message for binary or undecodable content.
    """
    if data.startswith(codecs.BOM_UTF8):
        return _decode_utf8(data[3:], offset=3)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return _plausible(data.decode("utf-16"))
        except UnicodeDecodeError:
            raise _Stop(1, 1, _BINARY) from None
    if b"\x00" in data[:8192]:
        raise _Stop(1, 1, _BINARY)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as utf8_error:
        try:
            return _plausible(data.decode("gb18030"))
        except UnicodeDecodeError as gbk_error:
            # A GBK file fails UTF-8 at its first Chinese character and GB18030 at the damage
            # (and the other way round): the later of the two is where the file is broken.
            line, col = _line_col(data, max(utf8_error.start, gbk_error.start))
            raise _Stop(line, col, "文件编码无法识别（既不是 UTF-8 也不是 GBK），这里有无法识别的字符。"
                                   "请用记事本打开，另存为“UTF-8”编码后重新提交") from None


_BINARY = "这不是文本文件（可能是 Word、Excel、图片或压缩包）。请提交用记事本等编辑的 .yaml 文本文件"
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _plausible(text: str) -> str:
    """Refuse text that only decoded by accident (random bytes read as UTF-16 or GB18030)."""
    odd = sum(1 for ch in text if unicodedata.category(ch) in ("Cc", "Co", "Cn", "Cs") and ch not in "\t\r\n")
    if odd > max(3, len(text) // 100):
        raise _Stop(1, 1, _BINARY)
    return text


def _decode_utf8(data: bytes, offset: int) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line, col = _line_col(data, error.start)
        raise _Stop(line, col, "文件开头标明是 UTF-8 编码，但此处的字节不是 UTF-8。请用记事本另存为“UTF-8”编码") from None


def _line_col(data: bytes, index: int) -> tuple[int, int]:
    line = data.count(b"\n", 0, index) + 1
    col = index - (data.rfind(b"\n", 0, index) + 1) + 1
    return line, col


# ---------------------------------------------------------------- lexical hints

_KEY_ALT = "|".join(KNOWN_KEYS)
_FULLWIDTH_COLON = re.compile(r"^[ \t\u3000]*(?:-[ \t\u3000]*)?([A-Za-z_][A-Za-z0-9_]*)[ \t\u3000]*(：)", re.M)
_NO_SPACE = re.compile(rf"^[ ]*(?:-[ ]+)?({_KEY_ALT}):(?=[^ \t\r\n/])", re.M)
_BAD_INDENT = re.compile(r"^[ ]*([\t\u3000\u00a0])", re.M)
_DASH_NO_SPACE = re.compile(r"^[ ]*(-)(?=[^\s\-0-9.])", re.M)
# In the config, keys are also Chinese (unit names under targets, 报/送/发): "昌吉市：120".
_FULLWIDTH_COLON_ANY_KEY = re.compile(r"^[ \t\u3000]*([^\s:：#\-\[\]{}'\"][^\s:：#\[\]{}'\"]{0,30})[ \t\u3000]*(：)", re.M)
PROSE_LISTS = ("报", "送", "发")
"""Config keys whose list items are names written with 公文 punctuation: a Chinese comma or
顿号 there is part of a name ("[省商务厅，市政府办公室]" is one name), not a separator typed wrong."""


MAX_HINTS = 20
"""Hints shown per file; the rest are counted in one line (a hostile file can have 300,000)."""


def lexical_hints(text: str, config: bool = False) -> list[tuple[int, int, str]]:
    """Find the typing mistakes clerks make that YAML reports badly or not at all.

    ``config``: the text is ``briefing.yaml`` (Chinese keys; 报尾 names keep their commas).
    Returns ``(line, col, message)`` triples, 1-based: the first :data:`MAX_HINTS`, then one
    line counting the others.  Linear in the text: positions come from one table of line starts.
    """
    hints = []
    where = _Positions(text)
    if "：" in text:
        for m in (_FULLWIDTH_COLON_ANY_KEY if config else _FULLWIDTH_COLON).finditer(text):
            hints.append((*where(m.start(2)),
                          f"“{quotable(m.group(1))}”后面是中文冒号“：”，请改成英文冒号“:”，并在冒号后空一格"))
    if "\t" in text or "\u3000" in text or "\u00a0" in text:
        for m in _BAD_INDENT.finditer(text):
            what = "制表符（Tab）" if m.group(1) == "\t" else "全角空格"
            hints.append((*where(m.start(1)), f"缩进里有{what}，请全部改用半角空格缩进"))
    for m in _NO_SPACE.finditer(text):
        hints.append((*where(m.end(1)), f"“{m.group(1)}:”的冒号后面缺少空格，请在冒号后空一格再填写"))
    for m in _DASH_NO_SPACE.finditer(text):
        hints.append((*where(m.start(1)), "列表项的“-”后面要空一格，例如写成“- 北京市”"))
    if "[" in text and "，" in text:
        for number, line in enumerate(text.split("\n"), 1):  # per line: linear even for hostile input
            opening = line.find("[")
            if config and line.strip().split(":", 1)[0].strip() in PROSE_LISTS:
                continue
            comma = line.find("，", opening + 1) if opening >= 0 else -1
            if comma >= 0 and "]" not in line[opening:comma]:
                hints.append((number, comma + 1,
                              "方括号列表里用了中文标点“，”分隔，请改用英文逗号“,”，或每项单独一行以“- ”开头"))
    hints.sort()
    if len(hints) > MAX_HINTS:
        line, col, _ = hints[MAX_HINTS]
        hints[MAX_HINTS:] = [(line, col, f"从这里起另有{len(hints) - MAX_HINTS}处类似的问题没有一一列出，"
                                         "请先改正上面这些，再重新检查")]
    return hints


class _Positions:
    """1-based ``(line, col)`` of an index into ``text``, by bisection in a table of line
    starts made on first use (``text.count`` per hint was quadratic)."""

    def __init__(self, text: str):
        self.text = text
        self.starts: list[int] | None = None

    def __call__(self, index: int) -> tuple[int, int]:
        if self.starts is None:
            self.starts = [0] + [m.end() for m in re.finditer("\n", self.text)]
        line = bisect.bisect_right(self.starts, index)
        return line, index - self.starts[line - 1] + 1


# ---------------------------------------------------------------- composing


def _compose(text: str) -> Any:
    if "&" in text or "*" in text:
        _refuse_anchors(text)
    try:
        return yaml.compose(text, Loader=_Loader)
    except RecursionError:
        raise _Stop(1, 1, f"嵌套层次太深（超过 {MAX_DEPTH} 层），这不是一份正常的周报") from None
    except yaml.MarkedYAMLError as error:
        raise _yaml_stop(error) from None
    except yaml.YAMLError as error:  # ReaderError and friends
        raise _Stop(1, 1, f"YAML 格式错误：{error}") from None


def _refuse_anchors(text: str) -> None:
    try:
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
                mark = event.start_mark
                raise _Stop(mark.line + 1, mark.column + 1,
                            "报告中不能使用 YAML 锚点或别名（“&”“*”开头的写法）。请直接写出内容；"
                            "如果“&”“*”是文字的一部分，请给整个值加上英文引号")
    except yaml.MarkedYAMLError as error:
        raise _yaml_stop(error) from None


_YAML_MESSAGES = (
    ("while scanning a quoted scalar", "引号没有闭合，请检查这一行的引号是否成对"),
    ("found unexpected end of stream", "文件意外结束：可能有引号或括号没有闭合"),
    ("found character '\\t' that cannot start any token", "这里有制表符（Tab），YAML 只能用空格缩进"),
    ("mapping values are not allowed", "这里不能出现“: ”。如果值里本身含有冒号，请给整个值加上英文引号；否则请检查上一行的缩进"),
    ("could not find expected ':'", "找不到键后面的英文冒号“:”，请检查这一行是否写成了“键: 值”的形式"),
    ("did not find expected key", "缩进不对齐：同一层的键应该对齐，列表项以“- ”开头"),
    ("did not find expected '-' indicator", "缩进不对齐：列表项应以“- ”开头并与上一项对齐"),
    ("found undefined alias", "使用了未定义的别名（“*”开头），报告中不能使用别名"),
    ("expected a single document", "一个文件只能有一份报告（不要使用“---”分隔多份）"),
    ("found unknown escape character", "双引号里有无法识别的反斜杠转义，请改用单引号或去掉反斜杠"),
    ("found invalid Unicode character escape code", "双引号里的“\\u”转义不是有效的字符，请删去这个转义"),
    ("special characters are not allowed", "文件中含有不可见的控制字符，请删除后重新保存"),
    ("control characters are not allowed", "文件中含有不可见的控制字符，请删除后重新保存"),
    ("found unexpected ':'", "这里的英文冒号“:”位置不对，如果它是文字的一部分，请给整个值加上英文引号"),
    ("did not find expected node content", "这里缺少内容：请检查是否多写了“-”、“,”或括号"),
    ("did not find expected ',' or ']'", "方括号列表没有正确闭合，请检查逗号和“]”"),
    ("did not find expected ',' or '}'", "花括号没有正确闭合，请检查逗号和“}”"),
)


def _yaml_stop(error: yaml.MarkedYAMLError) -> _Stop:
    raw = f"{error.context or ''} {error.problem or ''}"
    # An unclosed quote or bracket is reported where the file ends; point at its opening instead.
    opened = ("quoted scalar" in raw or "flow" in raw) and error.context_mark is not None
    mark = error.context_mark if opened else (error.problem_mark or error.context_mark)
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    for needle, message in _YAML_MESSAGES:
        if needle in raw:
            return _Stop(line, col, f"YAML 格式错误：{message}")
    return _Stop(line, col, "YAML 格式错误，请检查这一行和上一行的冒号、缩进和引号")


MAX_DEPTH = 20  # a report is four levels deep; hostile nesting must not exhaust the stack
# Not allowed by XML 1.0 (C0 controls but tab and line breaks, U+FFFE, U+FFFF, surrogates), plus
# DEL and the C1 controls but NEL (a line break): invisible, and refused by libyaml when typed raw.
_UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")


def _unwritable(node: Any, problems: list[tuple[int, int, str]]) -> None:
    """Record a problem at a (double-quoted) scalar whose escapes made a character XML cannot hold."""
    found = _UNWRITABLE.search(node.value)
    if found is not None:
        mark = node.start_mark
        problems.append((mark.line + 1, mark.column + 1,
                         f"这里有不可见的控制字符或 Word、Excel 无法保存的字符（U+{ord(found.group()):04X}），"
                         "大概是引号里的“\\”转义写法造成的，请删去这个转义"))


def _to_data(node: Any, problems: list[tuple[int, int, str]], depth: int = 0) -> Any:
    """Turn a composed node into dicts, lists, strings and ``None``; record problems."""
    tag = node.tag
    if depth > MAX_DEPTH:
        mark = node.start_mark
        raise _Stop(mark.line + 1, mark.column + 1, f"嵌套层次太深（超过 {MAX_DEPTH} 层），这不是一份正常的周报")
    if tag not in _ALLOWED_TAGS:
        mark = node.start_mark
        problems.append((mark.line + 1, mark.column + 1,
                         f"不支持 YAML 标签“{quotable(tag.replace('tag:yaml.org,2002:', '!!'))}”，请去掉以“!”开头的标记"))
    if node.__class__ is yaml.ScalarNode:
        if node.style == '"':  # only escapes can make such characters
            _unwritable(node, problems)
        return None if tag == _NULL else node.value
    if node.__class__ is yaml.SequenceNode:
        return [_to_data(item, problems, depth + 1) for item in node.value]
    result: dict[str, Any] = {}
    for key_node, value_node in node.value:
        mark = key_node.start_mark
        if key_node.__class__ is not yaml.ScalarNode:
            problems.append((mark.line + 1, mark.column + 1, "键必须是简单的文字，不能是列表或键值对"))
            continue
        key = key_node.value
        if key_node.style == '"':
            _unwritable(key_node, problems)
        if key in result:
            first = _key_line(node, key)
            problems.append((mark.line + 1, mark.column + 1,
                             f"键“{quotable(key)}”重复出现（第{first}行已有）。同一层里每个键只能写一次，请合并或删除一处"))
            continue
        result[key] = _to_data(value_node, problems, depth + 1)
    return result


def _key_line(mapping: Any, key: str) -> int:
    for key_node, _ in mapping.value:
        if key_node.__class__ is yaml.ScalarNode and key_node.value == key:
            return key_node.start_mark.line + 1
    return 0


# ---------------------------------------------------------------- public API


def parse_bytes(raw: bytes, path: str, config: bool = False) -> Document:
    """Load one YAML file's bytes into a :class:`Document`; never raises for bad content.
    ``config``: it is ``briefing.yaml`` (see :func:`lexical_hints`)."""
    doc = Document(path=path)
    try:
        if len(raw) > _MAX_BYTES:
            raise _Stop(1, 1, f"文件过大（{len(raw) // 1024} KB），一份周报不应超过 {_MAX_BYTES // 1024 // 1024} MB")
        text = _CONTROLS.sub("", decode(raw))  # e.g. Word's vertical tab pasted into a value
        hints = lexical_hints(text, config)
        for line, col, message in hints:
            doc.problem(line, col, message)
        try:
            root = _compose(text)
        except _Stop:
            if hints:  # the syntax error is almost surely the hinted mistake itself
                return doc
            raise
    except _Stop as stop:
        doc.problem(stop.line, stop.col, stop.message)
        return doc
    if root is None:
        doc.problem(1, 1, "文件是空的。请按模板填写报告（至少包括 unit、week、reporter）")
        return doc
    walk_problems: list[tuple[int, int, str]] = []
    try:
        data = _to_data(root, walk_problems)
    except _Stop as stop:
        doc.problem(stop.line, stop.col, stop.message)
        return doc
    for line, col, message in walk_problems:
        doc.problem(line, col, message)
    doc.root, doc.data = root, data
    return doc


def read_file(path: str | Path, shown_as: str | None = None, config: bool = False) -> Document:
    """Read and load a YAML file; unreadable files become a problem, not an exception."""
    shown = shown_as if shown_as is not None else str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as error:
        doc = Document(path=shown)
        doc.problem(1, 1, f"无法读取文件：{os_reason(error)}")
        return doc
    return parse_bytes(raw, shown, config)


def locate(root: Any, loc: tuple, at_key: bool = False) -> tuple[int, int]:
    """The 1-based ``(line, col)`` of the node at ``loc`` (keys and list indexes).

    Walks as deep as the location exists, so a missing key points at its parent mapping.
    With ``at_key`` (or when the value is empty) it points at the key rather than the value.
    """
    if root is None:
        return (1, 1)
    node, key_node = root, None
    for part in loc:
        entry = _entry(node, part)
        if entry is None:
            key_node = None
            break
        key_node, node = entry
    if key_node is not None and (at_key or (node.__class__ is yaml.ScalarNode and node.tag == _NULL)):
        node = key_node
    return node.start_mark.line + 1, node.start_mark.column + 1


def _entry(node: Any, part: Any) -> tuple[Any, Any] | None:
    """``(key node or None, child node)`` for one step of a location, or ``None``."""
    if node.__class__ is yaml.MappingNode:
        for key_node, value_node in node.value:
            if key_node.__class__ is yaml.ScalarNode and key_node.value == str(part):
                return key_node, value_node
    elif node.__class__ is yaml.SequenceNode and isinstance(part, int) and 0 <= part < len(node.value):
        return None, node.value[part]
    return None
