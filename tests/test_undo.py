"""``briefing ingest --undo``: the last run reverted exactly, or nothing touched when anything
changed since (issue 11, item 6)."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

import mailcorpus
from briefing.cli import cli
from briefing.mail.log import read_log
from conftest import write_workspace

def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def tree(folder: Path) -> dict[str, str]:
    """Every file and folder under ``folder`` (files with their hash), apart from ``.briefing``
    (the log and the cache)."""
    found = {}
    for path in sorted(folder.rglob("*")):
        name = path.relative_to(folder).as_posix()
        if name == ".briefing" or name.startswith(".briefing/"):  # the tool's records: the log, the cache
            continue
        found[name] = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "folder"
    return found


def test_ingest_then_undo_leaves_the_workspace_as_before(tmp_path):
    corpus = mailcorpus.build(tmp_path / "corpus")
    config = write_workspace(tmp_path / "ws", config=mailcorpus.CONFIG)
    root = config.parent
    before = tree(root)
    first = invoke("ingest", "--config", config, *corpus.sources)
    assert first.exit_code == 0, first.output
    after_first = tree(root)
    assert after_first != before and any(name.startswith("archive/") for name in after_first)
    # a second run replaces a stored version: its undo must put the first version back
    newer = mailcorpus.mail("a@a.gov.cn", "undo-1", [(mailcorpus.B_W17.replace(b"reporter: \xe4\xb9\x99", b"reporter: x"),
                                                       "B.yaml")], day=28)
    (tmp_path / "newer.eml").write_bytes(newer)
    second = invoke("ingest", "--config", config, tmp_path / "newer.eml")
    assert second.exit_code == 0, second.output

    undone = invoke("ingest", "--config", config, "--undo")
    assert undone.exit_code == 0, undone.output
    assert "已撤销上一次导入" in undone.output
    assert tree(root) == after_first
    undone = invoke("ingest", "--config", config, "--undo")
    assert undone.exit_code == 0, undone.output
    assert tree(root) == before
    assert read_log(root / ".briefing") == []   # every reader ignores the undone runs
    again = invoke("ingest", "--config", config, *corpus.sources)   # and they can be imported again
    assert again.exit_code == 0 and tree(root) == after_first


def test_undo_refuses_when_a_stored_report_changed_since(tmp_path):
    corpus = mailcorpus.build(tmp_path / "corpus")
    config = write_workspace(tmp_path / "ws", config=mailcorpus.CONFIG)
    root = config.parent
    assert invoke("ingest", "--config", config, *corpus.sources).exit_code == 0
    stored = next(r.stored for r in read_log(root / ".briefing") if r.outcome == "accepted")
    (root / stored).write_text("unit: 改过\n", encoding="utf-8")
    before = tree(root)
    result = invoke("ingest", "--config", config, "--undo")
    assert result.exit_code == 1
    assert f"{stored}（导入后被修改过）" in result.output and "没有撤销任何东西" in result.output
    assert tree(root) == before


def test_undo_with_nothing_to_undo_says_so(tmp_path):
    config = write_workspace(tmp_path / "ws", config=mailcorpus.CONFIG)
    result = invoke("ingest", "--config", config, "--undo")
    assert result.exit_code == 1 and "没有可以撤销的导入" in result.output


@pytest.mark.parametrize("plant", ["fifo", "device", "link out", "folder"])
def test_a_planted_log_line_cannot_hang_undo_or_copy_a_file_from_elsewhere(tmp_path, plant):
    """The log is not trusted: the files it names are read as records (regular files only, never
    through a link, never waiting on a pipe).  Before, a named pipe hung undo for ever, a link to
    /dev/zero filled the memory, and a logged move whose history file linked to a private file
    outside copied that file into entries/."""
    if plant == "fifo" and not hasattr(os, "mkfifo"):
        pytest.skip("no named pipes on this system")
    config = write_workspace(tmp_path / "ws", config=mailcorpus.CONFIG)
    root = config.parent
    secret = tmp_path / "id_rsa"
    secret.write_bytes(b"PRIVATE KEY\n")
    history = root / "archive" / "history" / "2023-W10"
    history.mkdir(parents=True)
    planted = history / "x.yaml"
    if plant == "fifo":
        os.mkfifo(planted)
    elif plant == "device":
        planted.symlink_to("/dev/zero")
    elif plant == "link out":
        planted.symlink_to(secret)
    else:
        planted.mkdir()
    line = {"kind": "report", "outcome": "replaced", "time": "2023-04-26T09:00:00+08:00", "seq": 1,
            "sha256": "a" * 64, "message": "archive/mail/x.eml", "run": "planted",
            "created": [] if plant == "link out" else [["archive/history/2023-W10/x.yaml", "0" * 64]],
            "moves": [["archive/history/2023-W10/x.yaml", "entries/2023-W10/B县.yaml"]]}
    (root / ".briefing").mkdir(exist_ok=True)
    (root / ".briefing" / "ingest.jsonl").write_text(json.dumps(line) + "\n", encoding="utf-8")
    before = sorted(p.relative_to(root).as_posix() for p in root.rglob("*"))
    result = invoke("ingest", "--config", config, "--undo")
    assert result.exit_code == 1, result.output
    assert "没有撤销任何东西" in result.output and "archive/history/2023-W10/x.yaml（不是普通文件" in result.output
    assert sorted(p.relative_to(root).as_posix() for p in root.rglob("*")) == before
