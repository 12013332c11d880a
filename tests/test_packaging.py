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


def test_every_data_file_in_a_package_is_shipped():
    """A file beside the code (the form's scripts, the starter config) reaches the wheel only
    when a ``package_data`` pattern of its package matches it."""
    config = configparser.ConfigParser()
    config.read(REPO / "setup.cfg", encoding="utf-8")
    patterns = {name: [p.strip() for p in value.split(",")] for name, value in config["options.package_data"].items()}
    package = REPO / "briefing"
    unshipped = []
    for path in sorted(package.rglob("*")):
        if path.is_dir() or path.suffix in (".py", ".pyc") or "__pycache__" in path.parts:
            continue
        owner = next(folder for folder in path.parents if (folder / "__init__.py").is_file())
        name = ".".join(("briefing", *owner.relative_to(package).parts))
        if not any(path.relative_to(owner).match(pattern) for pattern in patterns.get(name, [])):
            unshipped.append(str(path.relative_to(REPO)))
    assert unshipped == [], f"add to setup.cfg [options.package_data]: {unshipped}"
    assert (package / "forms" / "form_assets" / "form.js").is_file()
