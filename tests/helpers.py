"""Small helpers the tests share that the package itself does not need."""

from __future__ import annotations

from briefing.errors import Problem
from briefing.report.config import Config
from briefing.report.load import parse_bytes
from briefing.report.model import Report
from briefing.report.validate import validate_document


def validate_bytes(raw: bytes, path: str, config: Config) -> tuple[Report | None, list[Problem]]:
    """Load and validate one report given as bytes: the report (or ``None``) and its problems."""
    doc = parse_bytes(raw, path)
    report = validate_document(doc, config)
    return report, doc.problems
