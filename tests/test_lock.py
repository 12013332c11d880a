"""The one lock: held, waited for or refused; taken over when provably abandoned (its process is
gone, it is old, it is not a file); a folder where it cannot be made is a Chinese message."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time

import pytest

from briefing.errors import BriefingError
from briefing.workspace.lock import Lock


def _planted(path, **holder) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(holder), encoding="utf-8")


def test_a_held_lock_is_refused_and_released(tmp_path):
    path = tmp_path / ".briefing" / "x.lock"
    with Lock(path, wait=0):
        assert json.loads(path.read_text())["pid"] == os.getpid()
        with pytest.raises(BriefingError, match="忙：.*x.lock"):
            Lock(path, wait=0.2, busy="忙：{path}").__enter__()
    assert not path.exists()


def test_a_lock_whose_process_is_gone_is_taken_over_at_once(tmp_path):
    path = tmp_path / "x.lock"
    holder = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    _planted(path, pid=int(holder.stdout), host=socket.gethostname(), since=time.time())  # fresh, but its holder ended
    with Lock(path, wait=0, stale=600):
        assert json.loads(path.read_text())["pid"] == os.getpid()


def test_kill_9_does_not_block_the_next_ingest(tmp_path):
    path = tmp_path / "ingest.lock"
    code = ("import sys, time; from briefing.workspace.lock import Lock; "
            f"Lock({str(path)!r}).__enter__(); print('held', flush=True); time.sleep(60)")
    holder = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(BriefingError):
            Lock(path, wait=0, stale=600).__enter__()   # alive: refused
    finally:
        holder.kill()                                    # SIGKILL: no clean-up runs
        holder.wait()
    assert path.exists()
    with Lock(path, wait=0, stale=600):
        pass


def _held_until_old(path) -> None:
    """The lock at ``path`` refuses a newcomer while fresh, and is taken over once old."""
    with pytest.raises(BriefingError):
        Lock(path, wait=0, stale=600).__enter__()
    old = time.time() - 601
    os.utime(path, (old, old))
    with Lock(path, wait=0, stale=600):
        pass


def test_a_live_holder_elsewhere_counts_until_the_lock_is_old(tmp_path):
    path = tmp_path / "x.lock"
    _planted(path, pid=1, host="another-computer", since=time.time())
    _held_until_old(path)


def test_touch_keeps_a_long_holder_fresh(tmp_path):
    path = tmp_path / "x.lock"
    with Lock(path, wait=0) as lock:
        old = time.time() - 3600
        os.utime(path, (old, old))
        lock.touch()
        assert time.time() - path.stat().st_mtime < 60


@pytest.mark.parametrize("content", ["", "not json", '{"pid": "1"}', "[]"])
def test_an_unreadable_lock_falls_back_to_its_age(tmp_path, content):
    path = tmp_path / "x.lock"
    path.write_text(content)
    _held_until_old(path)


def test_a_planted_link_is_not_a_lock(tmp_path):
    target = tmp_path / "elsewhere"
    target.write_text("keep")
    path = tmp_path / "x.lock"
    path.symlink_to(target)
    with Lock(path, wait=0, stale=600):
        pass
    assert target.read_text() == "keep"


def test_waiting_for_a_short_holder(tmp_path):
    path = tmp_path / "x.lock"
    code = ("import time; from briefing.workspace.lock import Lock\n"
            f"with Lock({str(path)!r}):\n    print('held', flush=True); time.sleep(0.5)")
    holder = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    with Lock(path, wait=30):
        assert json.loads(path.read_text())["pid"] == os.getpid()
    holder.wait()
