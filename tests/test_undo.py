"""``briefing ingest --undo``: the last run reverted exactly, or nothing touched when anything
changed since (issue 11, item 6)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

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
