"""Mutation testing of the modules where a slip means a wrong figure or a misfiled report.

    pip install -e ".[test,mutation]"
    python bench/mutants.py                      # run what is not checked yet, then the scores
    python bench/mutants.py --module fmt weeks   # only these modules (names as in the table)
    python bench/mutants.py --retest             # also run the survivors again (after new tests)
    python bench/mutants.py --report             # only print the scores and the survivors

The tool is mutmut (configured in setup.cfg, section [mutmut]): it copies the package, the
sample workspace and the tests into ``mutants/`` (git-ignored), records once which tests reach
each function of the configured modules (the fast test selection in setup.cfg), then runs each
mutant against only those tests, with low priority (``nice``) and one worker unless ``--jobs``.
Results are kept in ``mutants/`` between runs, so an interrupted run goes on where it stopped.

The score per module is killed / non-equivalent: mutants listed in bench/mutants-survivors.md
(each with the reason it is equivalent or harmless) are left out of the count; every other
survivor is listed at the end, with ``mutmut show NAME`` to see it.  Not part of .ci/run.
"""

from __future__ import annotations

import argparse
import configparser
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXPLAINED = ROOT / "bench" / "mutants-survivors.md"
KILLED = {1, 3, 37}            # mutmut's exit codes for a mutant caught by the tests (3: pytest internal error)
SURVIVED, NO_TESTS = {0}, {5, 33}
TIMEOUT = {36, 24, -24, 152, 255}


def configured_modules() -> dict[str, Path]:
    """``{short name: source path}`` of setup.cfg's [mutmut] only_mutate, e.g. ``fmt``, ``fold``."""
    parser = configparser.ConfigParser()
    parser.read(ROOT / "setup.cfg", encoding="utf-8")
    paths = [Path(line) for line in parser.get("mutmut", "only_mutate").split() if line]
    return {path.stem: path for path in paths}


def dotted(path: Path) -> str:
    return ".".join(path.with_suffix("").parts)


def meta(path: Path) -> dict[str, int | None]:
    """mutmut's result per mutant of one module (``None``: not checked yet); empty before the first run."""
    file = ROOT / "mutants" / f"{path}.meta"
    if not file.exists():
        return {}
    return json.loads(file.read_text(encoding="utf-8"))["exit_code_by_key"]


def explained() -> dict[str, str]:
    """Mutant name → why it is equivalent or harmless, from the lines ``- `NAME`: reason``."""
    if not EXPLAINED.exists():
        return {}
    found = {}
    for line in EXPLAINED.read_text(encoding="utf-8").splitlines():
        match = re.match(r"\s*[-*] `([^`]+)`:?\s*(.*)", line)
        if match:
            found[match.group(1)] = match.group(2)
    return found


def run(modules: dict[str, Path], retest: bool, jobs: int) -> int:
    mutmut = shutil.which("mutmut") or str(Path(sys.executable).parent / "mutmut")
    if not Path(mutmut).exists():
        print('mutmut is not installed: pip install -e ".[test,mutation]"', file=sys.stderr)
        return 2
    names: list[str] = []
    for path in modules.values():
        results = meta(path)
        if not results:  # never generated: the whole module, by pattern
            names.append(dotted(path) + ".*")
            continue
        names += [name for name, code in results.items() if code is None or (retest and code not in KILLED)]
    if not names:
        print("nothing left to check (use --retest to run the survivors again)")
        return 0
    nice = ["nice", "-n", "19"] if shutil.which("nice") else []
    return subprocess.call([*nice, mutmut, "run", "--max-children", str(jobs), *names], cwd=ROOT)


def report(modules: dict[str, Path]) -> int:
    reasons = explained()
    survivors: list[str] = []
    total_killed = total_counted = 0
    print(f"{'module':<12} {'mutants':>7} {'killed':>7} {'survived':>8} {'equiv.':>6} {'no test':>7} "
          f"{'timeout':>7} {'unchecked':>9}  score")
    for short, path in modules.items():
        results = meta(path)
        killed = sum(1 for code in results.values() if code in KILLED)
        timeout = sum(1 for code in results.values() if code in TIMEOUT)
        unchecked = sum(1 for code in results.values() if code is None)
        alive = [name for name, code in results.items() if code is not None and code not in KILLED | TIMEOUT]
        equivalent = [name for name in alive if name in reasons]
        open_ = [name for name in alive if name not in reasons]
        no_tests = sum(1 for name in open_ if results[name] in NO_TESTS)
        counted = killed + timeout + len(open_)   # a timeout is a mutant the tests stopped
        total_killed += killed + timeout
        total_counted += counted
        score = f"{100 * (killed + timeout) / counted:.1f}%" if counted else "—"
        print(f"{short:<12} {len(results):>7} {killed:>7} {len(open_) - no_tests:>8} {len(equivalent):>6} "
              f"{no_tests:>7} {timeout:>7} {unchecked:>9}  {score}")
        survivors += open_
    if total_counted:
        print(f"{'all':<12} {'':>7} {'':>7} {'':>8} {'':>6} {'':>7} {'':>7} {'':>9}  "
              f"{100 * total_killed / total_counted:.1f}%")
    if survivors:
        print(f"\n{len(survivors)} survivors not explained in {EXPLAINED.relative_to(ROOT)} "
              "(see one with: mutmut show NAME):")
        for name in survivors:
            print("  " + name)
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--module", nargs="+", help="only these modules (e.g. fmt weeks fold)")
    parser.add_argument("--retest", action="store_true", help="run the survivors again")
    parser.add_argument("--report", action="store_true", help="only print the scores and survivors")
    parser.add_argument("--jobs", type=int, default=2, help="mutants run at once (default 2: the machine has 2 cores, shared)")
    args = parser.parse_args()
    modules = configured_modules()
    if args.module:
        unknown = sorted(set(args.module) - set(modules))
        if unknown:
            parser.error(f"not configured in setup.cfg: {', '.join(unknown)} (configured: {', '.join(modules)})")
        modules = {name: modules[name] for name in args.module}
    os.chdir(ROOT)
    if not args.report:
        code = run(modules, args.retest, args.jobs)
        if code not in (0, 1):
            return code
    return report(modules)


if __name__ == "__main__":
    sys.exit(main())
