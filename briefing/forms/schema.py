"""The report's JSON Schema (``briefing schema``), for editors that check a report as it is typed.

Derived from the model, with the config's units (and their other names) and industries as
the allowed values and the Chinese labels as titles.
"""

from __future__ import annotations

import re
from typing import Any

from briefing.report.config import Config
from briefing.report.model import Report


def report_schema(config: Config) -> dict:
    """JSON Schema of a report, with the config's units and industries as enums."""
    schema = Report.model_json_schema()
    units = [name for spec in config.units for name in (spec.name, *spec.aliases)]
    schema["properties"]["unit"]["enum"] = units
    for definition in ("Signing", "Project"):
        prop = schema["$defs"][definition]["properties"]["industry"]
        target = prop["anyOf"][0] if "anyOf" in prop else prop
        target["enum"] = list(config.industries)
    _chinese_titles(schema)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "招商工作周报"
    return schema


def _chinese_titles(node: Any) -> None:
    """Editors show ``title``: use the Chinese label from each description, not the key name."""
    if isinstance(node, dict):
        description = node.get("description")
        if "title" in node and isinstance(description, str):
            node["title"] = re.split(r"[。，：]", description, maxsplit=1)[0]
        for value in node.values():
            _chinese_titles(value)
    elif isinstance(node, list):
        for value in node:
            _chinese_titles(value)
