"""A workspace others can write (a shared folder, a copied workspace) must not run code on the
clerk's machine: every file the tool reads from ``.briefing/`` is planted with pickle and
marshal payloads that would create a marker file if executed, with junk and with links, and
every command still works or stops with a Chinese message."""

from __future__ import annotations

import marshal
import os
import pickle
import re
import shutil
import sqlite3
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from jinja2 import BytecodeCache, Environment, FileSystemLoader
from jinja2.bccache import bc_magic

from briefing.workspace import cache
from briefing.cli import cli
from briefing.editions.jinja import default_templates, template_dirs

from conftest import write_mail

RECORDS = ["cache.sqlite", "cache.sqlite-wal", "cache.sqlite-shm", "issues.json", "issues-pending.json",
           "builds.json", "ingest.jsonl", "imap.json", "issues.json.lock", "builds.json.lock", "ingest.lock"]
TEMPLATES = ["briefing.md.j2", "prose.j2"]


class _Boom:
    """Unpickling this runs ``code``."""

    def __init__(self, code: str):
        self.code = code

    def __reduce__(self):
        return (exec, (self.code,))


def _jinja_caches(root: Path) -> dict[str, str]:
    """``{file name in .briefing: template source}`` for every compiled-template cache file Jinja's
    FileSystemBytecodeCache would look for (both autoescape settings, every template folder)."""
    names = {}
    for folder in template_dirs(root / "templates"):
        loader = FileSystemLoader([str(folder)])
        for template in TEMPLATES:
            source, filename, _ = loader.get_source(Environment(), template)
            key = BytecodeCache().get_cache_key(template, filename)
            for pattern in ("jinja-%s.cache", "jinja-xml-%s.cache"):
                names[pattern % key] = source
    return names


def _plant_cache_db(path: Path, config: Path, payload: bytes) -> None:
    """A well-formed cache whose every entry matches a report file and carries ``payload``."""
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
        db.execute("INSERT INTO meta VALUES ('fingerprint', ?)", (cache.fingerprint(config.read_bytes()),))
        db.execute("CREATE TABLE reports (path TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER,"
                   " checked_ns INTEGER, digest BLOB, payload BLOB, mac BLOB)")
        for report in (config.parent / "entries").rglob("*.yaml"):
            info = report.stat()
            db.execute("INSERT INTO reports VALUES (?, ?, ?, ?, ?, ?, ?)",
                       (str(report), info.st_size, info.st_mtime_ns, time.time_ns() * 2,
                        cache.digest(report.read_bytes()), payload, b"\0" * 16))
    db.close()


def _plant(config: Path, kind: str, marker: Path, outside: Path) -> None:
    state = config.parent / ".briefing"
    state.mkdir()
    code = f"open({str(marker)!r}, 'w').close()"
    evil_pickle = pickle.dumps(_Boom(code), protocol=2)
    evil_code = marshal.dumps(compile(code, "planted", "exec"))
    junk = os.urandom(300) + b"\n{[\"\n" + bytes(range(256))
    outside.write_bytes(junk)
    old = time.time() - 3600
    os.utime(outside, (old, old))
    files = {name: evil_pickle if kind == "pickle" else evil_code if kind == "marshal" else junk for name in RECORDS}
    for name, source in _jinja_caches(config.parent).items():
        checksum = BytecodeCache().get_source_checksum(source)
        # pickle: the checksum Jinja unpickles runs the code; marshal: a valid header, then the
        # template's "compiled code" is the payload, which Jinja would execute on render
        files[name] = {"pickle": bc_magic + evil_pickle,
                       "marshal": bc_magic + pickle.dumps(checksum, 2) + evil_code}.get(kind, junk)
    for name, data in files.items():
        path = state / name
        if kind == "symlink":
            path.symlink_to(outside)
            continue
        if name == "cache.sqlite" and kind in ("pickle", "marshal"):
            _plant_cache_db(path, config, data)
        else:
            path.write_bytes(data)
        os.utime(path, (old, old))  # a lock left behind long ago, as in a copied workspace


@pytest.mark.parametrize("kind", ["pickle", "marshal", "junk", "symlink"])
def test_a_planted_state_folder_runs_no_code(small, tmp_path, kind):
    marker = tmp_path / "executed"
    _plant(small, kind, marker, tmp_path / "outside.bin")
    config = ["--config", str(small)]
    mail = write_mail(tmp_path / "c.eml", "unit: C园区\nweek: 2023-W02\nreporter: 丙\n", "C园区.yaml")
    commands = [["validate", *config], ["build", *config, "--week", "2023-W02"], ["status", *config],
                ["ingest", *config, str(mail)], ["build", *config, "--week", "2023-W02"]]
    for command in commands:
        result = CliRunner().invoke(cli, command)
        assert not marker.exists(), (command, "planted code ran")
        assert result.exception is None or isinstance(result.exception, SystemExit), (command, result.exception)
        assert result.exit_code in (0, 1), (command, result.output)
        assert "程序内部错误" not in result.output, (command, result.output)
        if result.exit_code:
            assert re.search("[\u4e00-\u9fff]", result.output), (command, result.output)
    assert not marker.exists()


@pytest.mark.parametrize("kind", ["pickle", "marshal"])
def test_planted_compiled_templates_and_cache_entries_are_never_run(small, tmp_path, kind):
    clean = CliRunner().invoke(cli, ["build", "--config", str(small), "--week", "2023-W02", "--format", "md",
                                     "--output", str(tmp_path / "clean"), "--no-cache"])
    assert clean.exit_code == 0, clean.output
    shutil.rmtree(small.parent / ".briefing")
    shutil.copytree(default_templates(), small.parent / "templates")  # as `briefing init` makes it
    marker = tmp_path / "executed"
    _plant(small, kind, marker, tmp_path / "outside.bin")
    state = small.parent / ".briefing"
    for name in RECORDS:  # keep the planted templates and cache; the other records are tested above
        if name != "cache.sqlite":
            (state / name).unlink()
    planted = {p.name: p.read_bytes() for p in state.glob("jinja*.cache")}
    assert len(planted) == 8
    for _ in range(2):
        result = CliRunner().invoke(cli, ["build", "--config", str(small), "--week", "2023-W02",
                                          "--format", "md,docx"])
        assert result.exit_code == 0, result.output
        assert not marker.exists()
    assert {p.name: p.read_bytes() for p in state.glob("jinja*.cache")} == planted  # nothing compiled is stored
    name = "招商工作简报-2023-W02-征求意见稿.md"
    assert (small.parent / "output" / name).read_bytes() == (tmp_path / "clean" / name).read_bytes()


def test_records_that_are_devices_are_refused_not_read(small):
    from briefing.workspace.files import read_json_dict

    state = small.parent / ".briefing"
    state.mkdir()
    (state / "ingest.jsonl").symlink_to("/dev/zero")   # reading it would never end
    result = CliRunner().invoke(cli, ["status", "--config", str(small)])
    assert result.exit_code == 1 and "无法读取导入记录" in result.output and "不是普通文件" in result.output
    (state / "imap.json").symlink_to("/dev/zero")
    assert read_json_dict(state / "imap.json") == {}


# Ways a template can walk from what it sees to Python itself (hostile re-check r02): each would
# create the marker file in a plain jinja2.Environment.
ESCAPES = [
    "{{ cycler.__init__.__globals__.os.system('touch MARKER') }}",
    "{{ lipsum.__globals__['os'].popen('touch MARKER').read() }}",
    "{{ (b|attr('__class__')).__init__.__globals__ }}{{ joiner.__init__.__globals__.os.system('touch MARKER') }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ '{0.__class__.__init__.__globals__}'.format(b) }}",
    "{% set n = namespace() %}{{ self._TemplateReference__context.cycler.__init__.__globals__.os.system('touch MARKER') }}",
]


@pytest.mark.parametrize("payload", ESCAPES)
def test_a_planted_workspace_template_runs_no_code(small, tmp_path, payload):
    marker = tmp_path / "executed"
    templates = small.parent / "templates"
    shutil.copytree(default_templates(), templates)
    prose = templates / "prose.j2"
    prose.write_text(prose.read_text(encoding="utf-8") + "\n" + payload.replace("MARKER", str(marker)) + "\n",
                     encoding="utf-8")
    result = CliRunner().invoke(cli, ["build", "--config", str(small), "--week", "2023-W02", "--format", "md"])
    assert not marker.exists(), "planted template code ran"
    assert result.exit_code == 1, result.output
    assert "prose.j2" in result.output and "模板" in result.output and "Traceback" not in result.output
    assert not re.search("[A-Za-z]{4,} [a-z]{4,}", result.output.replace(str(small.parent), "")), result.output


def test_a_planted_word_template_runs_no_code(small, tmp_path):
    import zipfile

    marker = tmp_path / "executed"
    templates = small.parent / "templates"
    shutil.copytree(default_templates(), templates)
    docx = templates / "briefing.docx"
    original = zipfile.ZipFile(docx)
    parts = {name: original.read(name) for name in original.namelist()}
    original.close()
    payload = ESCAPES[0].replace("MARKER", str(marker)).replace("'", "&apos;")
    parts["word/document.xml"] = parts["word/document.xml"].replace(b"{{ c.bureau }}", payload.encode(), 1)
    with zipfile.ZipFile(docx, "w") as planted:
        for name, data in parts.items():
            planted.writestr(name, data)
    result = CliRunner().invoke(cli, ["build", "--config", str(small), "--week", "2023-W02", "--format", "docx"])
    assert not marker.exists(), "planted template code ran"
    assert result.exit_code == 1 and "briefing.docx" in result.output and "模板" in result.output, result.output
