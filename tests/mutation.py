"""What the tests do differently while mutmut runs them (``python bench/mutants.py``).

mutmut records once which tests reach each function of the mutated modules (its "stats" run over
setup.cfg's ``pytest_add_cli_args_test_selection``), then runs every mutant against those tests
in a forked pytest.  A mutant that survives runs *all* of them, and a function such as
``parse_money`` is reached by several hundred tests, CLI builds and Word rendering included:
one survivor cost ~20 s.  So, while a mutant is under test (mutmut names it in the environment
variable ``MUTANT_UNDER_TEST``):

* only the tests of the files setup.cfg's ``[mutation-tests]`` gives for the mutated module are
  kept (the direct, fast tests of that module); the others are deselected.  A mutant none of them
  reaches is reported by mutmut as "no tests", never silently as killed;
* the kept tests run fastest first (by the durations mutmut recorded), so a killed mutant
  usually stops (``-x``) after a few milliseconds of tests;
* hypothesis tests draw fewer examples (``examples()``): a mutant a property catches is caught
  by the first few examples or replayed from hypothesis' example database.

Outside mutmut nothing changes.  The plugin is loaded from conftest.py.
"""

from __future__ import annotations

import configparser
import json
import os
from pathlib import Path

import pytest

UNDER_MUTATION = "MUTANT_UNDER_TEST" in os.environ
EXAMPLES_UNDER_MUTATION = 10


def examples(count: int, under_mutation: int = EXAMPLES_UNDER_MUTATION) -> int:
    """``max_examples`` for a hypothesis test: ``count``, or a few (``under_mutation`` at most)
    while mutmut runs the tests."""
    return min(count, under_mutation) if UNDER_MUTATION else count


def selection(setup_cfg: Path) -> dict[str, list[str]]:
    """``{dotted module: [test files]}`` from setup.cfg's ``[mutation-tests]``."""
    parser = configparser.ConfigParser()
    parser.read(setup_cfg, encoding="utf-8")
    if not parser.has_section("mutation-tests"):
        return {}
    return {module: value.split() for module, value in parser.items("mutation-tests")}


def files_for(mutant: str, modules: dict[str, list[str]]) -> list[str] | None:
    """The test files for the module of ``mutant`` (e.g. ``briefing.fmt.x_money__mutmut_3``);
    ``None`` when the name is not a mutant's or its module has no selection (keep every test)."""
    if "__mutmut_" not in mutant:
        return None
    owners = [module for module in modules if mutant.startswith(module + ".")]
    if not owners:
        return None
    return modules[max(owners, key=len)]


def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    mutant = os.environ.get("MUTANT_UNDER_TEST", "")
    root = Path(config.rootpath)
    files = files_for(mutant, selection(root / "setup.cfg"))
    if files is None:
        return
    keep = [item for item in items if item.nodeid.split("::")[0] in files]
    drop = [item for item in items if item.nodeid.split("::")[0] not in files]
    stats = root / "mutmut-stats.json"
    durations = json.loads(stats.read_text(encoding="utf-8")).get("duration_by_test", {}) if stats.exists() else {}
    keep.sort(key=lambda item: durations.get(item.nodeid, 0.0))
    if drop:
        config.hook.pytest_deselected(items=drop)
    items[:] = keep
