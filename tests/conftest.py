"""Shared fixtures: a small hand-computed workspace written into ``tmp_path``."""

from __future__ import annotations

import os
import shutil
import textwrap
from pathlib import Path

import pytest

# Loopback servers (Dovecot, an SMTP sink) as fixtures: see tests/servers.py; what changes while
# mutmut runs the tests: see tests/mutation.py.
pytest_plugins = ["servers", "mutation"]

REPO = Path(__file__).resolve().parent.parent

SMALL_CONFIG = """\
bureau: 测试州商务局
title: 招商工作简报
region: 全州
external_label: 区外
units:
  - A县
  - name: B县
    aliases: [B自治县]
  - C园区
industries: [新能源, 新材料]
targets:
  2023:
    A县: 10
    B县: 5000万元
baseline:
  2022:
    - week: 2
      funds: 4
      external_funds: 2
distribution:
  报: [州领导]
  送: [自治区商务厅]
  发: [各县市]
  copies: 30
"""

# Expected figures for 2023-W02 are worked out by hand in tests/test_aggregate.py.
SMALL_REPORTS = {
    "2023-W01/A县.yaml": """\
        unit: A县
        week: 2023-W01
        reporter: 甲
        trips:
          - leader: 张三
            title: 县长
            start: 2023-01-03
            end: 2023-01-05
            destinations: [京, 广东省佛山市]
            companies: [甲公司]
            negotiated: 3
        signings:
          - project: 光伏项目
            investor: 光伏公司
            industry: 新能源
            investment: 1.005亿
            date: 2023-01-04
            key: true
          - project: 材料项目
            investor: 材料公司
            industry: 新材料
            investment: 3560万元
            date: 2023-01-05
        projects:
          - project: 光伏项目
            investor: 光伏公司
            kind: 新建
            origin: 区外
            stage: 签约
            funds: 1.115
            industry: 新能源
        plans: [赴广东招商]
        """,
    "2023-W02/A县.yaml": """\
        unit: A县
        week: 2023-W02
        reporter: 甲
        trips:
          - leader: 张三
            title: 县长
            start: 2023-01-10
            destinations: [北京市]
            negotiated: 2
          - leader: 李四
            title: 副县长
            start: 2023-01-11
            end: 2023-01-13
            destinations: [深圳]
            negotiated: 0
        events:
          - name: A县推介会
            kind: 推介会
            date: 2023-01-12
            place: 深圳市
        projects:
          - project: 光伏 项目
            investor: 光伏公司
            kind: 新建
            origin: 区外
            stage: 开工
            funds: 2000万
            industry: 新能源
          - project: 老厂改造
            investor: 本地公司
            kind: 续建
            origin: 区内
            stage: 投产
            funds: 0.5
        plans:
          - 赴广东招商。
          - 跟踪签约项目
        """,
    "2023-W02/B县.yaml": """\
        unit: B自治县
        week: 2023-W02
        reporter: 乙
        signings:
          - project: 风电项目
            investor: 风电公司
            industry: 新能源
            investment: 10
            date: 2023-01-12
            key: 是
        projects:
          - project: 材料厂
            investor: 外地公司
            kind: 续建
            origin: 区外
            stage: 开工
            funds: "12500000元"
            industry: 新材料
        plans: [跟踪签约项目]
        """,
    "2022/A县-2022-W02.yaml": """\
        unit: A县
        week: 2022-W02
        reporter: 甲
        projects:
          - project: 去年项目
            investor: 某公司
            kind: 新建
            origin: 区外
            stage: 开工
            funds: 1
        """,
    "2022/A县-2022-W05.yaml": """\
        unit: A县
        week: 2022-W05
        reporter: 甲
        projects:
          - project: 去年项目
            investor: 某公司
            kind: 新建
            origin: 区外
            stage: 开工
            funds: 100
        """,
}


def write_workspace(root: Path, config: str = SMALL_CONFIG, reports: dict[str, str] | None = None) -> Path:
    """Write ``briefing.yaml`` and ``entries/`` under ``root``; return the config path."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "briefing.yaml").write_text(config, encoding="utf-8")
    for name, text in (SMALL_REPORTS if reports is None else reports).items():
        path = root / "entries" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root / "briefing.yaml"


@pytest.fixture(autouse=True, scope="session")
def _user_cache_dir(tmp_path_factory) -> None:
    """The per-user cache folder (the cache's secret key) in a temporary folder, for every test
    and the processes they start."""
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("user-cache"))


@pytest.fixture
def small(tmp_path: Path) -> Path:
    """The hand-computed workspace; returns its config path."""
    return write_workspace(tmp_path / "ws")


def copy_sample(root: Path) -> Path:
    """Copy the repository's sample workspace to ``root``; return its config path."""
    root.mkdir(parents=True)
    shutil.copy(REPO / "briefing.yaml", root / "briefing.yaml")
    shutil.copytree(REPO / "entries", root / "entries")
    return root / "briefing.yaml"


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    """A copy of the repository's sample workspace; returns its config path."""
    return copy_sample(tmp_path / "sample")


def need_tool(tool: str) -> None:
    """Skip without ``tool``, except in CI (CI=true), where its absence is a failure."""
    if shutil.which(tool) is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{tool} is required in CI (installed by .ci/run)")
        pytest.skip(f"{tool} not installed")


@pytest.fixture
def config():
    """The small workspace's validated config."""
    from briefing.report.config import Config
    from briefing.report.load import parse_bytes

    return Config.model_validate(parse_bytes(SMALL_CONFIG.encode(), "briefing.yaml").data)


def write_mail(path: Path, report: str, name: str = "report.yaml", sender: str = "a@county.example",
               message_id: str = "<test@county.example>") -> Path:
    """An e-mail from ``sender`` carrying ``report`` as the attachment ``name``, saved as ``path``."""
    from email.message import EmailMessage

    message = EmailMessage()
    message["From"] = sender
    message["To"] = "bureau@example"
    message["Subject"] = "周报"
    message["Date"] = "Mon, 16 Jan 2023 10:00:00 +0800"
    message["Message-ID"] = message_id
    message.set_content("见附件")
    message.add_attachment(report.encode("utf-8"), maintype="application", subtype="octet-stream", filename=name)
    path.write_bytes(bytes(message))
    return path


# A second, unrelated bureau (another province, 省外 for outside investment): documents
# generated for it must use its own names, never the sample's (issue 13).
NANYANG_CONFIG = """\
bureau: 南阳市商务局
title: 招商引资工作简报
region: 全市
units_label: 各县市区
external_label: 省外
units:
  - 南召县
  - 方城县
  - name: 西峡县
    aliases: [西峡]
industries: [装备制造, 绿色食品, 中医药]
mail:
  imap:
    host: imap.example.cn
    user: nyzs@example.cn
"""
SAMPLE_WORDS = ("昌吉", "区外", "区内", "硅基", "0994", "呼图壁", "准东", "新疆", "自治区")


@pytest.fixture
def nanyang(tmp_path: Path) -> Path:
    """The second bureau's workspace, with no reports; returns its config path."""
    return write_workspace(tmp_path / "nanyang", NANYANG_CONFIG, {})
