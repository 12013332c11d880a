"""Mail sources: every kind of file source recognised by the one registry, read in a stable order."""

from __future__ import annotations

import shutil
from contextlib import ExitStack

import pytest

import mailcorpus
from briefing.errors import BriefingError
from briefing.mail.sources import REGISTRY, FileSource, open_paths


@pytest.fixture
def corpus(tmp_path):
    return mailcorpus.build(tmp_path / "corpus")


def test_each_kind_of_path_is_read_by_its_entry(corpus, tmp_path):
    folder = tmp_path / "mixed"
    (folder / "sub").mkdir(parents=True)
    shutil.copy(corpus.mbox, folder / "sub" / "inbox.mbox")
    first_eml = sorted(corpus.eml.glob("*.eml"))[0]
    shutil.copy(first_eml, folder / "a.eml")
    (folder / "notes.txt").write_text("not mail")
    kinds = {path: next(name for name, recognises, _ in REGISTRY if recognises(path))
             for path in (corpus.maildir, corpus.mbox, first_eml, folder)}
    assert kinds == {corpus.maildir: "Maildir", corpus.mbox: "mbox", first_eml: "message", folder: "folder"}
    with ExitStack() as stack:
        in_mbox = open_paths([corpus.mbox], stack)
        in_maildir = open_paths([corpus.maildir], stack)
        in_folder = open_paths([folder], stack)
        assert [m.origin for m in in_mbox] == [f"{corpus.mbox}#{n}" for n in range(1, len(in_mbox) + 1)]
        stored = sorted(p.name for sub in ("new", "cur") for p in (corpus.maildir / sub).iterdir())
        assert [m.origin for m in in_maildir] == [f"{corpus.maildir}#{name.split(':')[0]}" for name in stored]
        assert [m.origin for m in in_maildir] == sorted(m.origin for m in in_maildir)
        assert [m.origin for m in in_folder] == [str(folder / "a.eml"),
                                                 *(f"{folder / 'sub' / 'inbox.mbox'}#{n}" for n in range(1, len(in_mbox) + 1))]
        assert {m.load() for m in in_maildir} == {p.read_bytes() for sub in ("new", "cur") for p in (corpus.maildir / sub).iterdir()}
        assert in_folder[0].load() == first_eml.read_bytes()


def test_a_file_source_counts_its_messages_and_vouched_ones_last(corpus):
    first_eml = sorted(corpus.eml.glob("*.eml"))[0]
    with ExitStack() as stack:
        opened = FileSource([corpus.mbox], [first_eml]).open(stack)
        messages = list(opened.messages)
    assert opened.total == len(messages) and opened.label == "导入邮件"
    assert [m.vouched for m in messages] == [False] * (len(messages) - 1) + [True]
    with pytest.raises(BriefingError, match="--vouch 只能用于单个 .eml"):
        FileSource([], [corpus.mbox])
    with pytest.raises(BriefingError, match="找不到邮件文件或文件夹"):
        with ExitStack() as stack:
            FileSource([corpus.folder / "nowhere.eml"]).open(stack)
