"""Performance ratios, measured in one run on this machine: ``python bench/run.py [--units 300 --weeks 52]``.

Prints, for a synthetic workspace of units × weeks (the year-end briefing reads every report):

* cold build / parse floor  (target ≤ 1.5): ``briefing build --format md`` with no cache, against
  only parsing the same files with ``yaml.CSafeLoader``;
* warm rebuild / parse floor (target ≤ 0.25): the same build again, nothing changed;
* ``briefing --help`` / ``python -c "import click"`` (target ≤ 1.5);
* peak RSS of the cold build / of the parse floor (target ≤ 4);
* ``briefing serve``: the warm status page (``/``) and the warm preview (``/preview``) / the cold
  build (target ≤ 0.25 each): the server is started once, each page is asked for once to warm
  it, then timed over HTTP.
* warm ``briefing ledger`` / warm rebuild (target < 2): the ledger from the same cached contributions.

Each measurement is a fresh process; times are the best of ``--repeat`` runs.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
FLOOR = """
import sys, yaml
from pathlib import Path
for path in sorted(Path(sys.argv[1]).rglob("*.yaml")):
    with open(path, "rb") as handle:
        yaml.load(handle, Loader=yaml.CSafeLoader)
"""


def measure(command: list[str], cwd: Path | None = None) -> tuple[float, int]:
    """Wall time (s) and peak RSS (KiB) of one process.

    The child is started with vfork, and Linux counts the parent's resident size in the child's
    peak RSS: this script must stay smaller than the parse floor (~20 MiB) until the RSS
    measurements are taken (urllib.request, with ssl, took it to 27 MiB and hid the build's growth).
    """
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(command)}\n{process.stderr.read().decode()}")
    return elapsed, usage.ru_maxrss


def best(command: list[str], repeat: int, before=None, cwd: Path | None = None) -> tuple[float, int]:
    runs = []
    for _ in range(repeat):
        if before:
            before()
        runs.append(measure(command, cwd))
    return min(t for t, _ in runs), min(r for _, r in runs)


def serve_times(briefing: str, config: Path, week: str, repeat: int) -> dict[str, float]:
    """Best response time of each page of a running ``briefing serve``, after one warming request."""
    import socket  # imported here, after the RSS measurements: see measure()
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([briefing, "serve", "--config", str(config), "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                urllib.request.urlopen(base + "/static/app.css", timeout=5).read()
                break
            except OSError:
                if server.poll() is not None:
                    raise SystemExit(f"briefing serve failed:\n{server.stderr.read().decode()}")
                time.sleep(0.1)
        times = {}
        for page in ("/", "/preview"):
            runs = []
            for attempt in range(repeat + 1):  # the first one warms the page
                start = time.perf_counter()
                with urllib.request.urlopen(f"{base}{page}?week={week}", timeout=600) as response:
                    if response.status != 200:
                        raise SystemExit(f"{page}: HTTP {response.status}")
                    response.read()
                if attempt:
                    runs.append(time.perf_counter() - start)
            times[page] = min(runs)
        return times
    finally:
        server.terminate()
        server.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--units", type=int, default=300)
    parser.add_argument("--weeks", type=int, default=52)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workspace", type=Path, help="use this workspace instead of generating one")
    parser.add_argument("--week", help="the briefing's week (default: the last generated week, 2023-Www)")
    args = parser.parse_args()

    sys.path.insert(0, str(HERE))
    from generate import generate

    briefing = shutil.which("briefing") or sys.exit("install the package first: pip install .")
    tmp = Path(tempfile.mkdtemp(prefix="briefing-bench-"))
    root = args.workspace or generate(tmp / "ws", args.units, args.weeks).parent
    entries, state, output = root / "entries", root / ".briefing", tmp / "out"
    files = sum(1 for _ in entries.rglob("*.yaml"))
    week = args.week or f"2023-W{args.weeks:02d}"  # build no longer defaults to the latest week with reports
    build = [briefing, "build", "--config", str(root / "briefing.yaml"), "--format", "md",
             "--output", str(output), "--week", week, "--date", "2023-12-31"]

    def clear_cache() -> None:
        for name in ("cache.sqlite", "cache.sqlite-wal", "cache.sqlite-shm"):
            (state / name).unlink(missing_ok=True)

    floor_time, floor_rss = best([sys.executable, "-c", FLOOR, str(entries)], args.repeat)
    cold_time, cold_rss = best(build, args.repeat, before=clear_cache)
    measure(build)  # make sure the cache is in place
    warm_time, _ = best(build, args.repeat)
    ledger = [briefing, "ledger", "--config", str(root / "briefing.yaml"), "-o", str(output / "ledger.xlsx")]
    measure(ledger)
    ledger_time, _ = best(ledger, args.repeat)
    click_time, _ = best([sys.executable, "-c", "import click"], max(5, args.repeat))
    help_time, _ = best([briefing, "--help"], max(5, args.repeat))
    pages = serve_times(briefing, root / "briefing.yaml", week, args.repeat)

    print(f"workspace: {files} reports ({root})")
    print(f"parse floor (CSafeLoader)   {floor_time:7.2f} s   peak RSS {floor_rss / 1024:7.1f} MiB")
    print(f"cold build                  {cold_time:7.2f} s   peak RSS {cold_rss / 1024:7.1f} MiB")
    print(f"warm rebuild                {warm_time:7.2f} s")
    print(f"warm ledger (xlsx)          {ledger_time:7.2f} s")
    print(f"import click / --help       {click_time:7.3f} s / {help_time:.3f} s")
    print(f"serve: warm status page     {pages['/']:7.2f} s")
    print(f"serve: warm preview         {pages['/preview']:7.2f} s")
    print()
    print(f"cold build / parse     = {cold_time / floor_time:5.2f}   (target ≤ 1.5)")
    print(f"warm rebuild / parse   = {warm_time / floor_time:5.2f}   (target ≤ 0.25)")
    print(f"--help / import click  = {help_time / click_time:5.2f}   (target ≤ 1.5)")
    print(f"cold RSS / parse RSS   = {cold_rss / floor_rss:5.2f}   (target ≤ 4)")
    print(f"status page / cold build = {pages['/'] / cold_time:5.2f}   (target ≤ 0.25)")
    print(f"preview / cold build     = {pages['/preview'] / cold_time:5.2f}   (target ≤ 0.25)")
    print(f"warm ledger / rebuild  = {ledger_time / warm_time:5.2f}   (target < 2)")
    if not args.workspace:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
