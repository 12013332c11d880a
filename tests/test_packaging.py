"""What ``pip install .`` ships: every subpackage of the source, the templates, the sample, the guides."""

from __future__ import annotations

import configparser

import briefing
from conftest import REPO


def test_every_subpackage_is_installed():
    config = configparser.ConfigParser()
    config.read(REPO / "setup.cfg", encoding="utf-8")
    listed = set(config["options"]["packages"].split())
    package = REPO / "briefing"
    source = {".".join(("briefing", *path.parent.relative_to(package).parts)) for path in package.rglob("__init__.py")}
    assert source <= listed, f"add to setup.cfg packages: {sorted(source - listed)}"
    assert {"briefing.templates", "briefing.sample", "briefing.docs"} <= listed
    assert "briefing.actions" in config["options.package_data"] and briefing.__version__
