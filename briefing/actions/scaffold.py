"""``briefing init``: a new workspace with a commented config, templates to restyle, folders,
and the Chinese guides (docs/: how units fill in reports, the config, e-mail)."""

from __future__ import annotations

import shutil
from pathlib import Path

from briefing.errors import BriefingError
from briefing.editions.jinja import default_templates
from briefing.workspace.layout import CONFIG_NAME

TEMPLATE_FILES = ("briefing.md.j2", "prose.j2", "briefing.docx")


PACKAGE = Path(__file__).resolve().parent.parent
STARTER = Path(__file__).resolve().parent / "starter.yaml"
"""The commented config of a new workspace."""


def sample_dir() -> Path:
    """The packaged sample workspace (the repository root in a source checkout)."""
    installed = PACKAGE / "sample"
    return installed if (installed / CONFIG_NAME).is_file() else PACKAGE.parent


def docs_dir() -> Path:
    """The packaged Chinese guides (the repository's docs/ in a source checkout)."""
    installed = PACKAGE / "docs"
    return installed if installed.is_dir() else PACKAGE.parent / "docs"


def init_workspace(folder: Path, sample: bool = False) -> list[Path]:
    """Create a workspace in ``folder``; refuse to overwrite an existing ``briefing.yaml``."""
    config = folder / CONFIG_NAME
    if config.exists():
        raise BriefingError(f"{config} 已存在，没有覆盖。请换一个文件夹，或删除后重试")
    created = []
    folder.mkdir(parents=True, exist_ok=True)
    source = sample_dir() / CONFIG_NAME if sample else STARTER
    shutil.copyfile(source, config)
    created.append(config)
    templates = folder / "templates"
    templates.mkdir(exist_ok=True)
    for name in TEMPLATE_FILES:
        target = templates / name
        if not target.exists():
            shutil.copyfile(default_templates() / name, target)
            created.append(target)
    entries = folder / "entries"
    if sample:
        shutil.copytree(sample_dir() / "entries", entries, dirs_exist_ok=True)
    else:
        entries.mkdir(exist_ok=True)
    created.append(entries)
    (folder / "output").mkdir(exist_ok=True)
    created.append(folder / "output")
    guides = folder / "docs"
    guides.mkdir(exist_ok=True)
    for guide in sorted(docs_dir().glob("*.md")):
        if not (guides / guide.name).exists():
            shutil.copyfile(guide, guides / guide.name)
            created.append(guides / guide.name)
    return created
