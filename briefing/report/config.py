"""The bureau's ``briefing.yaml``: units and their other names, industries, targets, the
last-year baseline, opening balances, the distribution list, the charts the editions carry, who
may report by e-mail, mail servers, the weekday "this week" switches on; and :func:`load_config`,
which reads and checks it, listing every problem at its line and column.

Checks across sections (a unit named in ``targets`` must be in ``units``, …) are not a pydantic
model validator, which stops at the first problem: :func:`cross_checks` lists every one.
"""

from __future__ import annotations

import os
import re
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, ClassVar, Optional

from pydantic import BeforeValidator, Field, ValidationError, field_validator, model_validator
from pydantic_core import PydanticCustomError

from briefing.errors import BriefingError, Problem
from briefing.report.fields import (Count, Flag, Model, Money, OptText, Port, Size, Text, TextList, fail,
                                    parse_flag, whole_number)
from briefing.report.hints import choice_hint
from briefing.report.load import locate, read_file
from briefing.report.messages import problems_from_errors
from briefing.report.opening import ORIGINS, OpeningYear
from briefing.weeks import DEFAULT_SWITCH_DAY, parse_weekday, weeks_in_year


class UnitSpec(Model):
    """报送单位及其别称。"""

    name: Text
    """单位名称，简报中使用。例如：木垒县"""
    aliases: TextList = Field(default_factory=list)
    """别称，报告里写别称也算本单位。例如：木垒哈萨克自治县"""
    team: Optional[Flag] = None
    """是否驻外招商小分队：true 或 false。不填时名称含“小分队”的算小分队。简报把小分队与各县市（园区）分开统计。例如：true"""

    @property
    def is_team(self) -> bool:
        """An outbound team (驻外招商小分队): as configured, else by its name."""
        return "小分队" in self.name if self.team is None else self.team


def _weekday(value: Any) -> int:
    try:
        return parse_weekday(value)
    except ValueError as error:
        raise fail(str(error)) from None


def _week_number(value: Any) -> int:
    number = whole_number(value)
    if not 1 <= number <= 53:
        raise fail("周数应为 1～53 之间的整数，实际是 {value}", value=number)
    return number


class BaselineEntry(Model):
    """去年截至某周的累计数（用于计算同比）。"""

    week: Annotated[int, BeforeValidator(_week_number)]
    """截至去年第几周（ISO 周）。例如：17"""
    funds: Optional[Money] = None
    """到位资金累计（亿元）。例如：206.16"""
    external_funds: Optional[Money] = None
    """区外到位资金累计（亿元）。例如：160.32"""


class Distribution(Model):
    """报尾：报、送、发的单位和印发份数。"""

    报: TextList = Field(default_factory=list)
    """报送的上级单位。例如：州党委、人大、政府、政协领导"""
    送: TextList = Field(default_factory=list)
    """抄送单位。例如：自治区商务厅"""
    发: TextList = Field(default_factory=list)
    """印发单位。例如：各县市（园区）商务主管部门"""
    copies: Optional[Count] = None
    """共印份数。例如：50"""


CHART_NAMES = {"units": "单位", "industries": "产业链", "cumulative": "累计"}
"""The charts the Word and PDF editions can carry (config ``charts``), in their order: each name
and the Chinese name a clerk may write instead (:mod:`briefing.editions.charts` draws them)."""


def _charts(value: Any) -> tuple[str, ...]:
    """``charts``: ``true`` (every chart), ``false`` or nothing (none), or a list of chart names
    (English or Chinese, one name alone too), in the order given, each once."""
    if value is None or isinstance(value, bool):
        return tuple(CHART_NAMES) if value else ()
    many = isinstance(value, (list, tuple))  # a tuple: a config dumped and read again
    items = list(value) if many else [value]
    by_name = {**{name: name for name in CHART_NAMES}, **{cn: name for name, cn in CHART_NAMES.items()}}
    choices = [f"{name}（{cn}）" for name, cn in CHART_NAMES.items()]
    chosen: list[str] = []
    for index, item in enumerate(items):
        text = str(item).strip() if isinstance(item, (str, int, float)) else ""
        if text in by_name:
            chosen += [by_name[text]] if by_name[text] not in chosen else []
            continue
        if not many:
            try:
                return tuple(CHART_NAMES) if parse_flag(value) else ()
            except PydanticCustomError:
                pass
        at = (index,) if many else ()
        if not text:
            raise PydanticCustomError("briefing", "这里应写 true（全部图表），或列出要的图表：{choices}",
                                      {"choices": "、".join(choices), "at": at})
        hint = choice_hint(text, list(by_name), listing=None) or "。"
        raise PydanticCustomError("briefing", "“{value}”不是图表名称{hint}写 true 表示全部图表，或列出要的图表：{choices}",
                                  {"value": text, "hint": hint, "choices": "、".join(choices), "at": at})
    return tuple(chosen)


Charts = Annotated[tuple[str, ...], BeforeValidator(_charts)]


class _Server(Model):
    """Shared checks of the IMAP and SMTP settings."""

    @model_validator(mode="before")
    @classmethod
    def _no_password(cls, data: Any) -> Any:
        if isinstance(data, dict) and "password" in data:
            env = data.get("password_env") or cls.model_fields["password_env"].default
            raise PydanticCustomError(
                "briefing", "密码不能写在配置文件里（别人打开文件就能看到）。请删除这一行，"
                "改为设置环境变量 {env}，或者运行时按提示输入", {"env": env, "at": ("password",)})
        return data

    @model_validator(mode="after")
    def _one_encryption(self) -> Any:
        if self.ssl and self.starttls:
            raise PydanticCustomError("briefing", "ssl 和 starttls 只能选一个：端口 {ssl_port} 用 ssl: true；"
                                      "端口 {tls_port} 用 starttls: true，同时写 ssl: false",
                                      {"ssl_port": self.SSL_PORT, "tls_port": self.STARTTLS_PORT, "at": ("starttls",)})
        return self

    SSL_PORT: ClassVar[int] = 0
    STARTTLS_PORT: ClassVar[int] = 0
    PLAIN_PORT: ClassVar[int] = 0

    @property
    def effective_port(self) -> int:
        """The configured port, else the usual one for the chosen encryption."""
        if self.port is not None:
            return self.port
        return self.SSL_PORT if self.ssl else self.STARTTLS_PORT if self.starttls else self.PLAIN_PORT


class ImapSettings(_Server):
    """收取报送邮件的 IMAP 邮箱。"""

    host: Text
    """IMAP 服务器地址。收件服务器的域名。例如：imap.163.com"""
    port: Optional[Port] = None
    """端口。不填时 ssl 用 993，否则用 143。例如：993"""
    ssl: Flag = True
    """SSL 加密。是否用 SSL 加密连接，填 true 或 false。例如：true"""
    starttls: Flag = False
    """STARTTLS 加密。在普通端口上升级为加密连接，此时 ssl 写 false。例如：false"""
    user: Text
    """登录用户名。一般是完整的邮箱地址。例如：zsj_baosong@163.com"""
    folder: Text = "INBOX"
    """邮件夹。收取哪个邮件夹，默认是收件箱 INBOX。例如：INBOX"""
    password_env: Text = "BRIEFING_IMAP_PASSWORD"
    """密码环境变量。存放密码（授权码）的环境变量名，没有设置时运行时提示输入。例如：BRIEFING_IMAP_PASSWORD"""
    move_to: OptText = None
    """导入后移到。导入后把邮件移到这个邮件夹（不存在会自动建立），不填则留在原处只做标记。例如：已导入"""

    SSL_PORT: ClassVar[int] = 993
    STARTTLS_PORT: ClassVar[int] = 143
    PLAIN_PORT: ClassVar[int] = 143


class SmtpSettings(_Server):
    """发送回执的 SMTP 服务器。"""

    host: Text
    """SMTP 服务器地址。发件服务器的域名。例如：smtp.163.com"""
    port: Optional[Port] = None
    """端口。不填时 ssl 用 465，starttls 用 587，否则用 25。例如：465"""
    ssl: Flag = True
    """SSL 加密。是否用 SSL 加密连接，填 true 或 false。例如：true"""
    starttls: Flag = False
    """STARTTLS 加密。在普通端口上升级为加密连接，此时 ssl 写 false。例如：false"""
    user: OptText = None
    """登录用户名。一般是完整的邮箱地址；服务器不需要登录时不填。例如：zsj_baosong@163.com"""
    sender: OptText = None
    """回执发件地址。不填时用 user。例如：zsj_baosong@163.com"""
    password_env: Text = "BRIEFING_SMTP_PASSWORD"
    """密码环境变量。存放密码（授权码）的环境变量名，没有设置时运行时提示输入。例如：BRIEFING_SMTP_PASSWORD"""

    SSL_PORT: ClassVar[int] = 465
    STARTTLS_PORT: ClassVar[int] = 587
    PLAIN_PORT: ClassVar[int] = 25

    @model_validator(mode="after")
    def _has_sender(self) -> "SmtpSettings":
        if not (self.sender or self.user):
            raise PydanticCustomError("briefing", "请填写回执的发件地址 sender（或登录用户名 user）",
                                      {"at": ("sender",)})
        return self


class MailSettings(Model):
    """邮件报送设置：收件邮箱、回执发送和附件大小上限。"""

    imap: Optional[ImapSettings] = None
    """收件邮箱。收取报送邮件的 IMAP 邮箱，使用 briefing ingest --imap 时需要"""
    smtp: Optional[SmtpSettings] = None
    """回执发送。发送回执的 SMTP 服务器，使用 briefing ingest --reply 时需要"""
    attachment_limit: Size = 5 * 1024 * 1024
    """附件大小上限。单个附件超过这个大小就不导入，纯数字表示 MB。例如：5MB"""


def _pair(value: Any) -> Any:
    if isinstance(value, list) and len(value) != 2:
        raise fail("每一组应是两个项目名称或编码，写成 [项目甲, 项目乙]，实际有 {count} 个", count=len(value))
    return value


ProjectPair = Annotated[list[Text], BeforeValidator(_pair)]


class LedgerSettings(Model):
    """项目台账的督办提示。"""

    overdue_weeks: Annotated[int, BeforeValidator(whole_number)] = 12
    """重点项目签约后多少周仍未开工就提示督办。例如：12"""
    stale_weeks: Annotated[int, BeforeValidator(whole_number)] = 8
    """项目连续多少周没有报告就提示督办。例如：8"""

    @field_validator("overdue_weeks", "stale_weeks")
    @classmethod
    def _positive(cls, value: int) -> int:
        if not 1 <= value <= 520:
            raise fail("周数应为 1～520 之间的整数，实际是 {value}", value=value)
        return value


class Config(Model):
    """简报配置（briefing.yaml）。"""

    bureau: Text
    """编印单位。例如：昌吉州商务局"""
    title: Text = "招商工作简报"
    """报头名称。例如：招商工作简报"""
    region: Text = "全州"
    """全辖区在句子中的称呼。例如：全州"""
    units_label: Text = "各县市（园区）"
    """各报送单位的统称，用于句子中。例如：各县市（园区）"""
    external_label: Text = "区外"
    """“外来投资”的叫法。例如：区外（新疆）或 省外"""
    units: Annotated[list[UnitSpec], Field(min_length=1)]
    """报送单位，按简报中的排列顺序"""
    industries: Annotated[list[Text], Field(min_length=1)]
    """产业链名称"""
    targets: dict[int, dict[str, Money]] = {}
    """各年度各单位到位资金目标（亿元）"""
    baseline: dict[int, list[BaselineEntry]] = {}
    """去年同期累计数（没有去年报告时用于计算同比）"""
    headline: OptText = None
    """简报标题。写了就用这个标题，不写则按本周数字自动生成。例如：全州招商引资工作持续推进"""
    editor_note: OptText = None
    """编者按。写了就印在标题下面，不写则没有。例如：近期各县市（园区）……"""
    key_projects: Count = 5
    """本周项目推进中点名的重点项目个数（其余列入附表）。例如：5"""
    distribution: Optional[Distribution] = None
    """报尾"""
    charts: Charts = ()
    """附图。Word 和 PDF 版在附表之后附上的图表：true 表示全部，或列出图表 units（单位）、industries（产业链）、cumulative（累计）；不填则不附图。例如：true"""
    senders: dict[str, TextList] = {}
    """各单位允许报送的邮箱地址"""
    mail: MailSettings = MailSettings()
    """邮件报送设置（见 docs/邮件报送.md）"""
    opening: dict[int, OpeningYear] = {}
    """期初数：年中开始使用时，各单位今年截至某周的累计数（见 docs/配置说明.md）"""
    switch_day: Annotated[int, BeforeValidator(_weekday)] = DEFAULT_SWITCH_DAY
    """从星期几起，“本周”指刚结束的这一周（各单位报送的那一周）。例如：周五"""
    same_project: list[ProjectPair] = []
    """经核实是同一项目的两个名称（或编码），每组两个，合并统计。例如：[[邓州市智能农机装备产业园项目, 邓州智能农机装备园]]"""
    distinct: list[ProjectPair] = []
    """经核实不是同一项目的两个名称（或编码），每组两个，不再提示疑似重复。例如：[[光伏组件项目, 光伏支架项目]]"""
    ledger: LedgerSettings = LedgerSettings()
    """项目台账的督办提示（见 docs/配置说明.md）"""

    @field_validator("opening")
    @classmethod
    def _opening_weeks(cls, opening: dict[int, OpeningYear]) -> dict[int, OpeningYear]:
        for year, balances in opening.items():
            if balances.through > weeks_in_year(year):
                raise PydanticCustomError(
                    "briefing", "{year}年只有{weeks}周，through 写的是第{through}周，请核对",
                    {"year": year, "weeks": weeks_in_year(year), "through": balances.through, "at": (year, "through")})
        return opening

    @field_validator("senders")
    @classmethod
    def _addresses(cls, senders: dict[str, list[str]]) -> dict[str, list[str]]:
        from email.utils import parseaddr

        for unit, addresses in senders.items():
            for index, address in enumerate(addresses):
                if not re.fullmatch(r"[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+", parseaddr(address)[1]):
                    raise PydanticCustomError("briefing", "“{value}”不是邮箱地址，应写成 htb@example.gov.cn 的形式",
                                              {"value": address, "at": (unit, index)})
        return senders

    @field_validator("units", mode="before")
    @classmethod
    def _unit_strings(cls, value: Any) -> Any:
        if isinstance(value, list):
            return [{"name": item} if isinstance(item, str) else item for item in value]
        return value

    @property
    def internal_label(self) -> str:
        """The opposite of ``external_label`` (省外 → 省内)."""
        return self.external_label.replace("外", "内")

    @property
    def team_units(self) -> list[str]:
        """The outbound teams (驻外招商小分队), in briefing order."""
        return [unit.name for unit in self.units if unit.is_team]

    @property
    def unit_names(self) -> list[str]:
        """Unit names in briefing order."""
        return [unit.name for unit in self.units]

    @cached_property
    def industry_lookup(self) -> dict[str, str]:
        """Industry name → the config's own string for it."""
        return {name: name for name in self.industries}

    @cached_property
    def _unit_lookup(self) -> dict[str, str]:
        return {alias: unit.name for unit in self.units for alias in (unit.aliases + [unit.name])}

    def canonical_unit(self, name: str) -> str | None:
        """The unit's configured name for a name or alias, else ``None``."""
        return self._unit_lookup.get(name)


Located = tuple[tuple, str, bool]
"""A problem found after validation: where (a path of keys), the Chinese message, and whether
it points at the key (a unit name used as a key) rather than its value."""


def cross_checks(config: Config) -> list[Located]:
    """Every problem across sections: repeated unit names, units in ``targets``, ``senders``
    and ``opening`` that are not in ``units``, and what an opening lists (industries, origins)."""
    names = config.unit_names
    found: list[Located] = []
    seen: set[str] = set()
    for index, unit in enumerate(config.units):
        for name in (unit.name, *unit.aliases):
            if name in seen:
                found.append((("units", index), f"单位名称或别称“{name}”重复出现", False))
            seen.add(name)

    def unit_known(unit: str, at: tuple) -> None:
        if unit not in names:
            found.append((at, f"“{unit}”不是 units 中的单位{choice_hint(unit, names)}", True))

    for year, rows in config.targets.items():
        for unit in rows:
            unit_known(unit, ("targets", year, unit))
    for unit in config.senders:
        unit_known(unit, ("senders", unit))
    origins = {*ORIGINS, config.external_label, config.internal_label}
    for year, opening in config.opening.items():
        for unit, figures in opening.units.items():
            unit_known(unit, ("opening", year, "units", unit))
            where = ("opening", year, "units", unit)
            for index, project in enumerate(figures.projects):
                if project.origin not in origins:
                    found.append(((*where, "projects", index, "origin"),
                                  f"origin 应为 {config.external_label} 或 {config.internal_label}，实际是“{project.origin}”", False))
                if project.industry is not None and project.industry not in config.industries:
                    found.append(((*where, "projects", index, "industry"), f"“{project.industry}”不是配置中的产业链"
                                  f"{choice_hint(project.industry, config.industries)}", False))
            for industry in figures.by_industry:
                if industry not in config.industries:
                    found.append(((*where, "by_industry", industry),
                                  f"“{industry}”不是配置中的产业链{choice_hint(industry, config.industries)}", True))
    return found


def load_config(path: str | os.PathLike) -> Config:
    """Read and validate ``briefing.yaml``; raise one :class:`BriefingError` listing every problem."""
    path = Path(path)
    if not path.is_file():
        raise BriefingError(f"找不到简报配置文件 {path}。请在工作目录中运行，或用 --config 指定 briefing.yaml 的位置；"
                            "新建工作目录可运行 briefing init 目录名", exit_code=2)
    doc = read_file(path, config=True)
    doc.problems = [p._replace(message="配置文件是空的。可以运行 briefing init 新建一个带注释的配置文件，照着修改")
                    if p.message.startswith("文件是空的") else p for p in doc.problems]
    config = None
    if not doc.problems:
        try:
            config = Config.model_validate(doc.data)
        except ValidationError as error:
            doc.problems.extend(problems_from_errors(Config, error.errors(), doc))
    if config is not None:
        for at, message, at_key in cross_checks(config):
            line, col = locate(doc.root, at, at_key=at_key)
            doc.problems.append(Problem(doc.path, line, col, message))
        doc.problems.sort()
        if doc.problems:
            config = None
    if config is None:
        raise BriefingError(f"简报配置文件 {path} 有误，请按提示修改", doc.problems)
    return config
