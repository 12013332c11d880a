"""Pydantic validation errors → one Chinese line per mistake, at the right line and column."""

from __future__ import annotations

import re
import typing
from typing import Any

from briefing.errors import Problem, quotable
from briefing.report.hints import choice_hint, closest
from briefing.report.load import Document, locate

_TYPE_MESSAGES = {
    "list_type": "应为列表：每项单独一行，以“- ”开头",
    "model_type": "应为“键: 值”形式的内容，请对照模板填写",
    "model_attributes_type": "应为“键: 值”形式的内容，请对照模板填写",
    "dict_type": "应为“键: 值”形式的内容，请对照模板填写",
    "string_type": "应为文字",
    "too_short": "至少要填写一项",
    "int_parsing": "应为整数，例如 2023",
    "int_type": "应为整数，例如 2023",
}


def field_doc(model: type, loc: tuple) -> tuple[str, str]:
    """``(label, example)`` of the field at ``loc``, from its Chinese docstring."""
    info = None
    current: Any = model
    for part in loc:
        if isinstance(part, int) or current is None:
            continue
        fields = getattr(current, "model_fields", {})
        if part not in fields:
            return "", ""
        info = fields[part]
        current = _inner_model(info.annotation)
    description = (info.description or "") if info else ""
    label = re.split(r"[。，：]", description, maxsplit=1)[0].replace("（可不填）", "")
    if label.count("（") > label.count("）"):   # cut inside a bracket: "截至第几周（ISO 周，含这一周）"
        label = label.rsplit("（", 1)[0]
    example = description.split("例如：", 1)[1].strip() if "例如：" in description else ""
    return label, example


def _inner_model(annotation: Any) -> Any:
    if isinstance(annotation, type) and hasattr(annotation, "model_fields"):
        return annotation
    for arg in typing.get_args(annotation):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def _shown(value: Any) -> str:
    text = quotable(value)
    return text if len(text) <= 30 else text[:30] + "…"


def _describe(model: type, error: dict, words: dict[str, str]) -> tuple[tuple, str, bool]:
    """``(loc, message, at_key)`` for one pydantic error dict; ``words`` puts the bureau's words
    for the model's (区外 → 省外) into the choices it lists."""
    loc = tuple(error["loc"])
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if kind == "briefing" and "at" in ctx:
        loc = loc + tuple(ctx["at"])
    key = quotable(next((str(p) for p in reversed(loc) if isinstance(p, str)), ""))
    label, example = field_doc(model, loc)
    named = f"“{key}”（{label}）" if label else (f"“{key}”" if key else "报告")
    if kind == "missing":
        sample = f"，例如：{key}: {example}" if example else ""
        return loc[:-1], f"缺少必填项{named}{sample}", False
    if kind == "extra_forbidden":
        hint = choice_hint(key, _fields_at(model, loc[:-1]), listing="可用的键")
        return loc, f"无法识别的键“{key}”{hint}", True
    if kind == "literal_error":
        options = [words.get(str(o), str(o)) for o in _literal_options(model, loc)]
        if error.get("input") is None:  # "kind:" left empty
            return loc, f"{named}：不能为空，请填写 {'、'.join(options)} 之一", False
        value = _shown(error.get("input"))
        hint = choice_hint(value, options, listing=None)
        return loc, f"{named}：应为 {'、'.join(options)} 之一，实际是“{value}”{hint}", False
    if kind == "briefing" and not error["loc"] and "at" in ctx:  # model-level check naming its own subject
        return loc, error["msg"], True
    if kind == "briefing":
        return loc, f"{named}：{error['msg']}", False
    generic = _TYPE_MESSAGES.get(kind, "填写有误，请对照模板检查")
    return loc, f"{named}：{generic}", False


def _fields_at(model: type, loc: tuple) -> list[str]:
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        fields = getattr(current, "model_fields", {})
        if part not in fields:
            return []
        current = _inner_model(fields[part].annotation)
    return list(getattr(current, "model_fields", {}))


def _literal_options(model: type, loc: tuple) -> tuple:
    current: Any = model
    info = None
    for part in loc:
        if isinstance(part, int):
            continue
        info = getattr(current, "model_fields", {}).get(part)
        if info is None:
            return ()
        current = _inner_model(info.annotation)
    return typing.get_args(info.annotation) if info else ()


def _without_misspelt_missing(model: type, errors: list[dict]) -> list[dict]:
    """Drop "missing X" when the same mapping has an unknown key that is a misspelling of X
    (one mistake, one line)."""
    misspelt = set()
    for error in errors:
        if error["type"] == "extra_forbidden":
            loc = tuple(error["loc"])
            best = closest(str(loc[-1]), _fields_at(model, loc[:-1]))
            if best:
                misspelt.add(loc[:-1] + (best,))
    return [e for e in errors if not (e["type"] == "missing" and tuple(e["loc"]) in misspelt)]


def problems_from_errors(model: type, errors: list[dict], doc: Document,
                         words: dict[str, str] | None = None) -> list[Problem]:
    """Turn ``ValidationError.errors()`` of ``model`` into located :class:`Problem` lines."""
    problems = []
    for error in _without_misspelt_missing(model, errors):
        loc, message, at_key = _describe(model, error, words or {})
        line, col = locate(doc.root, loc, at_key=at_key)
        problems.append(Problem(doc.path, line, col, message))
    return sorted(set(problems))
