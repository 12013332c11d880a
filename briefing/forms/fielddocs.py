"""The report's fields as a reporting unit sees them, in the bureau's own words.

Everything a unit receives (the blank report of ``briefing new``, the JSON schema, the units'
guide and the fill-in form) describes the fields of :class:`~briefing.model.Report`.  This
module reads those fields by introspection, so the documents follow the model: the order,
whether a field is required, its kind (read from the parser in its ``Annotated`` metadata),
the choices of a ``Literal`` and the Chinese docstring ``<label>。<what>。例如：<example>``.

The docstrings' examples were written for the sample bureau (昌吉州): a unit, an industry, a
telephone area code.  A document for another bureau must not show them, so :data:`LOCAL`
replaces those examples with values from the bureau's config when a document is generated.
(When the report model is reshaped, these examples belong in the field definitions.)
"""

from __future__ import annotations

import re
import typing
from dataclasses import dataclass
from typing import Any, Callable, Literal

from annotated_types import MinLen
from pydantic import BaseModel, BeforeValidator, PlainValidator

from briefing.report.config import Config
from briefing.report.fields import (
    parse_count,
    parse_date,
    parse_flag,
    parse_money,
    parse_optional_text,
    parse_text,
    parse_week,
)
from briefing.report.model import Report

# A telephone number that belongs to no area: the sample's 0994 is 昌吉's area code.
NEUTRAL_PHONE = "0000-1234567"

# (model, field) → the field's example, from the config.
EXAMPLES: dict[tuple[str, str], Callable[[Config], str]] = {
    ("Report", "unit"): lambda c: c.unit_names[0],
    ("Report", "phone"): lambda c: NEUTRAL_PHONE,
    ("Event", "name"): lambda c: f"{region_name(c)}（深圳）招商引资推介会",
    ("Signing", "industry"): lambda c: c.industries[0],
    ("Project", "industry"): lambda c: c.industries[0],
    ("Project", "origin"): lambda c: c.external_label,
}
# (model, field) → the text between label and example, when the docstring names the sample's words.
HINTS: dict[tuple[str, str], Callable[[Config], str]] = {
    ("Project", "origin"): lambda c: f"{c.external_label} 或 {c.internal_label}",
}
LOCAL = sorted(set(EXAMPLES) | set(HINTS))

_PARSERS = {
    parse_text: "text",
    parse_optional_text: "optional_text",
    parse_money: "money",
    parse_count: "count",
    parse_date: "date",
    parse_flag: "flag",
    parse_week: "week",
}


@dataclass(frozen=True)
class FieldDoc:
    """One field as documented for the units.

    ``kind`` is one of ``text``, ``optional_text``, ``money``, ``count``, ``date``, ``flag``,
    ``week``, ``choice``, ``texts`` (a list of text, one per line) and ``items`` (a repeatable
    section whose own fields are in ``fields``).
    """

    name: str
    label: str
    hint: str
    example: str
    required: bool
    kind: str
    choices: tuple[str, ...] = ()
    min_items: int = 0
    fields: tuple["FieldDoc", ...] = ()
    item_label: str = ""
    description: str = ""  # the docstring with the bureau's example and words


def region_name(config: Config) -> str:
    """The bureau's area as used in an event's name: 南阳市商务局 → 南阳市."""
    name = re.sub(r"(商务局|商务委员会|商务厅|投资促进局|招商局)$", "", config.bureau)
    return name or config.unit_names[0]


def split_description(description: str) -> tuple[str, str, str]:
    """``(label, hint, example)`` of a field docstring.

    The label is cut the way :func:`briefing.report.messages.field_doc` cuts it, so the form's labels
    and ``validate``'s messages name a field alike.
    """
    text, _, example = description.partition("例如：")
    text = text.strip().rstrip("。")
    label = re.split(r"[。，：]", text, maxsplit=1)[0]
    hint = text[len(label):].lstrip("。，：").strip()
    return label.replace("（可不填）", ""), hint, example.strip()


def _kind(annotation: Any, metadata: list) -> tuple[str, Any]:
    """``(kind, item model)`` of a field from its annotation and metadata."""
    if typing.get_origin(annotation) is Literal:
        return "choice", None
    for meta in metadata:
        if isinstance(meta, (BeforeValidator, PlainValidator)) and meta.func in _PARSERS:
            return _PARSERS[meta.func], None
    if typing.get_origin(annotation) is list:
        (inner,) = typing.get_args(annotation)
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            return "items", inner
        return "texts", None
    for arg in typing.get_args(annotation):  # Optional[Annotated[date, ...]]
        if arg is type(None):
            continue
        kind, item = _kind(arg, list(getattr(arg, "__metadata__", ())))
        if kind != "unknown":
            return ("optional_" + kind if kind == "text" else kind), item
    return "unknown", None


def field_docs(config: Config, model: type[BaseModel] = Report) -> tuple[FieldDoc, ...]:
    """Every field of ``model`` (and of its sections) in order, with the config's examples and choices."""
    docs = []
    for name, info in model.model_fields.items():
        kind, item = _kind(info.annotation, list(info.metadata))
        label, hint, example = split_description(info.description or "")
        key = (model.__name__, name)
        description = info.description or ""
        if key in EXAMPLES:
            example = EXAMPLES[key](config)
            description = description.partition("例如：")[0] + "例如：" + example
        if key in HINTS:
            hint = HINTS[key](config)
            description = f"{label}：{hint}。例如：{example}"
        choices: tuple[str, ...] = ()
        if kind == "choice":
            choices = tuple(str(c) for c in typing.get_args(info.annotation))
        if name == "origin" and kind == "choice":
            choices = (config.external_label, config.internal_label)
        elif name == "industry":
            kind, choices = ("choice", tuple(config.industries))
        elif (model.__name__, name) == ("Report", "unit"):
            kind, choices = ("choice", tuple(config.unit_names))
        min_items = next((m.min_length for m in info.metadata if isinstance(m, MinLen)), 0)
        children: tuple[FieldDoc, ...] = ()
        item_label = ""
        if item is not None:
            children = field_docs(config, item)
            item_label = re.split(r"[（。，：(]", (item.__doc__ or "").strip(), maxsplit=1)[0]
        docs.append(FieldDoc(name, label, hint, example, info.is_required(), kind, choices, min_items,
                             children, item_label, description))
    return tuple(docs)


def docs_by_model(config: Config) -> dict[tuple[str, str], FieldDoc]:
    """``{(model name, field name): FieldDoc}`` for the report and its sections."""
    result = {}

    def walk(model: type[BaseModel], docs: tuple[FieldDoc, ...]) -> None:
        for doc in docs:
            result[(model.__name__, doc.name)] = doc
            if doc.kind == "items":
                walk(_item_model(model, doc.name), doc.fields)

    walk(Report, field_docs(config))
    return result


def _item_model(model: type[BaseModel], name: str) -> type[BaseModel]:
    (inner,) = typing.get_args(model.model_fields[name].annotation)
    return inner


def section_model(name: str) -> type[BaseModel]:
    """The model of a report section's items by its class name (``Trip``, ``Signing``…)."""
    for info in Report.model_fields.values():
        if typing.get_origin(info.annotation) is list:
            (inner,) = typing.get_args(info.annotation)
            if isinstance(inner, type) and issubclass(inner, BaseModel) and inner.__name__ == name:
                return inner
    raise KeyError(name)


def describe(config: Config, model: type[BaseModel], name: str) -> str:
    """The docstring of ``model.name`` with the bureau's examples (unchanged when nothing is local)."""
    key = (model.__name__, name)
    if key not in EXAMPLES and key not in HINTS:
        return model.model_fields[name].description or ""
    return docs_by_model(config)[key].description
