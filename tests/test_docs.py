"""The examples in the user guides are real: they validate against the sample config."""

from __future__ import annotations

import re

from briefing.report.config import load_config
from briefing.workspace.loading import load_reports

from conftest import REPO


def test_units_guide_example_validates(tmp_path):
    guide = (REPO / "docs" / "填报说明.md").read_text(encoding="utf-8")
    example = re.search(r"```yaml\n(.*?)```", guide, re.S).group(1)
    path = tmp_path / "昌吉市.yaml"
    path.write_text(example, encoding="utf-8")
    loaded = load_reports([path], load_config(REPO / "briefing.yaml"))
    assert not loaded.problems, [str(p) for p in loaded.problems]
    report = loaded.reports[0]
    assert (report.unit, str(report.week), len(report.trips), str(report.signings[0].investment)) == ("昌吉市", "2023-W17", 1, "35.6")


def test_readme_opens_with_the_two_commands():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    first_block = readme.split("```")[1]
    assert "pip install . && briefing build" in first_block
    assert 'pip install ".[test]" && pytest' in first_block
