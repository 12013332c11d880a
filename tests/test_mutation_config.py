"""The mutation-testing configuration (setup.cfg [mutmut] and [mutation-tests], tests/mutation.py)
stays consistent with the repository: a renamed or deleted test file, or a mutated module without
its fast tests, would otherwise only show when someone runs ``python bench/mutants.py``."""

from __future__ import annotations

import configparser
from pathlib import Path

from mutation import files_for, selection

ROOT = Path(__file__).resolve().parent.parent


def _mutmut() -> configparser.SectionProxy:
    parser = configparser.ConfigParser()
    parser.read(ROOT / "setup.cfg", encoding="utf-8")
    return parser["mutmut"]


def test_every_mutated_module_has_its_fast_tests_and_they_exist_in_the_selection():
    mutated = _mutmut()["only_mutate"].split()
    recorded = set(_mutmut()["pytest_add_cli_args_test_selection"].split())
    modules = selection(ROOT / "setup.cfg")
    for path in mutated:
        assert (ROOT / path).is_file(), path
        dotted = path.removesuffix(".py").replace("/", ".")
        files = files_for(dotted + ".x_anything__mutmut_1", modules)
        assert files, f"{path} has no [mutation-tests] entry"
        assert set(files) <= recorded, f"{path}: {set(files) - recorded} not in pytest_add_cli_args_test_selection"
    for name in recorded:
        assert (ROOT / name).is_file(), name


def test_a_mutant_gets_the_files_of_its_longest_configured_module():
    modules = {"briefing.figures": ["a.py"], "briefing.figures.briefing": ["a.py", "b.py"], "briefing.fmt": ["c.py"]}
    assert files_for("briefing.figures.briefing.xǁTallyǁadd__mutmut_3", modules) == ["a.py", "b.py"]
    assert files_for("briefing.figures.fold.xǁFoldǁadd__mutmut_1", modules) == ["a.py"]
    assert files_for("briefing.fmt.x_money__mutmut_2", modules) == ["c.py"]
    assert files_for("briefing.fmtx.x_money__mutmut_2", modules) is None          # not a prefix by name
    assert files_for("briefing.weeks.x_today__mutmut_1", modules) is None         # not configured: every test
    assert files_for("stats", modules) is None and files_for("", modules) is None  # mutmut's own runs
