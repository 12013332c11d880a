"""The models of one unit's weekly report: trips, events, signings, projects, and the report.

Field docstrings are user-facing (they feed error messages, the JSON schema and the blank
report), so they are in Chinese: ``<label>。<what to write>。例如：<example>``.  A new report
field is one attribute here with its type from :mod:`briefing.report.fields` and such a
docstring; the blank report and the schema (:mod:`briefing.forms`) follow by themselves.

The ``Literal`` aliases below are the only list of event kinds, project kinds, origins and
stages (use :func:`typing.get_args` where a list is needed).
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cached_property
from typing import Annotated, Any, Literal, Optional

from pydantic import BeforeValidator, Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from briefing.errors import quotable
from briefing.fmt import date_range
from briefing.report.config import Config
from briefing.report.fields import (Count, Day, Flag, Model, Money, OptText, Text, TextList, WeekField, empty_if_none, fail,
                                    project_key, text_items)
from briefing.report.hints import choice_hint
from briefing.weeks import Week, current_week

EventKind = Literal["推介会", "签约仪式", "考察接待"]
ProjectKind = Literal["新建", "续建"]
Origin = Literal["区外", "区内"]
"""Written in the config's words in reports (``external_label``: 区外, 省外 …), stored as these."""
Stage = Literal["签约", "开工", "投产"]
FULFILLED_STAGES = frozenset(("开工", "投产"))
"""A key signing is fulfilled once its project reaches one of these stages."""


def context_config(info: ValidationInfo) -> Config | None:
    """The bureau's config a report is validated against (``context={"config": …}``), if any."""
    return (info.context or {}).get("config")


class Trip(Model):
    """领导带队外出招商（每条计 1 次）。"""

    leader: Text
    """带队领导姓名。例如：张三"""
    title: Text
    """带队领导职务。例如：县委书记"""
    start: Day
    """出发日期。例如：2023-04-17"""
    end: Optional[Day] = None
    """返回日期，不能早于出发日期。例如：2023-04-21"""
    destinations: Annotated[list[Text], BeforeValidator(text_items), Field(min_length=1)]
    """到访省市，至少一个，每个单独一行。例如：广东省佛山市"""
    companies: TextList = Field(default_factory=list)
    """拜访对接的企业，每家单独一行。例如：通威股份有限公司"""
    negotiated: Count
    """对接洽谈项目数（个），只填数字。例如：6"""
    summary: OptText = None
    """情况简述，一段话，写入简报。例如：与企业就光伏组件项目深入洽谈"""

    @property
    def period(self) -> str:
        """The dates as the briefing writes them (``4月17日至21日``)."""
        return date_range(self.start, self.end)

    @property
    def led_by(self) -> str:
        """The leader as a table names them (``张三（县委书记）``)."""
        return f"{self.leader}（{self.title}）"

    @field_validator("end")
    @classmethod
    def _end_not_before_start(cls, end: dt.date | None, info: ValidationInfo) -> dt.date | None:
        start = info.data.get("start")
        if end is not None and start is not None and end < start:
            raise fail("返回日期 {end} 早于出发日期 {start}，请检查是否写反或写错年份月份",
                        end=end.isoformat(), start=start.isoformat())
        return end

    @field_validator("destinations")
    @classmethod
    def _one_place_each(cls, places: list[str]) -> list[str]:
        for place in places:
            if re.search(r"[，,、；;]", place):
                raise fail("“{value}”里有多个地点，请每个地点单独一行（以“- ”开头）", value=place)
        return places


class Event(Model):
    """推介会、签约仪式或考察接待活动。"""

    name: Text
    """活动名称。例如：昌吉州（深圳）招商引资推介会"""
    kind: EventKind
    """活动类型：推介会、签约仪式、考察接待 三选一。例如：推介会"""
    date: Day
    """活动日期。例如：2023-04-19"""
    place: Text
    """举办城市。例如：深圳市"""
    summary: OptText = None
    """活动简述。例如：现场签约项目 3 个"""


class Signing(Model):
    """签约项目（每条计 1 个）。"""

    project: Text
    """项目名称。例如：年产 10 万吨多晶硅项目"""
    investor: Text
    """投资方。例如：某某新能源有限公司"""
    industry: Text
    """所属产业链，须为简报配置里的产业链之一。例如：硅基新材料"""
    investment: Money
    """总投资，纯数字表示亿元，也可写“3560万元”。例如：35.6"""
    date: Day
    """签约日期。例如：2023-04-20"""
    key: Flag = False
    """是否重点签约项目（计入履约率）：true 或 false。例如：true"""
    code: OptText = None
    """项目编码。市、省平台分配的编码；填了就按编码认定同一项目（各周、各单位都一样）。例如：CJ2023-0158"""
    increase: Flag = False
    """是否增资。已签约项目追加投资时填 true，这时总投资只填追加的金额，不再算一个新签约项目。例如：false"""

    @field_validator("industry")
    @classmethod
    def _known_industry(cls, value: str, info: ValidationInfo) -> str:
        return _check_industry(value, info)

    @cached_property
    def match_key(self) -> str:
        """The project name as matched against 落实执行项目 (see :func:`project_key`)."""
        return project_key(self.project)


class Project(Model):
    """落实执行项目的本周进展。"""

    project: Text
    """项目名称，同一单位各周须一致。例如：年产 10 万吨多晶硅项目"""
    investor: Text
    """投资方。例如：某某新能源有限公司"""
    kind: ProjectKind
    """项目类型：新建 或 续建。例如：新建"""
    origin: Origin
    """投资方来源：区外 或 区内（用本局的叫法，如 省外、省内）。例如：区外"""
    stage: Stage
    """目前所处阶段：签约、开工、投产 三选一。例如：开工"""
    funds: Money
    """本周到位资金，纯数字表示亿元，没有填 0。例如：2.5"""
    industry: OptText = None
    """所属产业链（可不填），须为简报配置里的产业链之一。例如：新能源"""
    code: OptText = None
    """项目编码。市、省平台分配的编码；填了就按编码认定同一项目（各周、各单位都一样）。例如：CJ2023-0158"""
    note: OptText = None
    """备注。例如：主体厂房封顶"""

    @field_validator("origin", mode="before")
    @classmethod
    def _external_label(cls, value: Any, info: ValidationInfo) -> Any:
        config = context_config(info)
        if isinstance(value, str):
            value = value.strip()
        if config is not None and isinstance(value, str):
            if value == config.external_label:
                return "区外"
            if value == config.internal_label:
                return "区内"
        return value

    @field_validator("industry")
    @classmethod
    def _known_industry(cls, value: str | None, info: ValidationInfo) -> str | None:
        return None if value is None else _check_industry(value, info)

    @cached_property
    def match_key(self) -> str:
        """The name as matched across weeks (see :func:`project_key`)."""
        return project_key(self.project)


def _check_industry(value: str, info: ValidationInfo) -> str:
    config = context_config(info)
    if config is None:
        return value
    known = config.industry_lookup.get(value)
    if known is not None:
        return known  # the config's own string: shared, not one copy per report
    raise fail("“{value}”不是配置中的产业链{hint}", value=value, hint=choice_hint(value, config.industries))


TWICE_BY_NAME = "按名称是同一项目（空格、括号、全角半角和末尾的“项目”“工程”不计）"
TWICE_BY_CODE = "项目编码都是“{code}”"
"""Why two projects of one report are the same project (the ``{what}`` of the message)."""


class Report(Model):
    """一个单位一周的招商工作报告。"""

    unit: Text
    """报送单位，须与简报配置中的单位名称一致。例如：昌吉市"""
    week: WeekField
    """报送周次（ISO 周），写成“年份-W周数”。例如：2023-W17"""
    reporter: Text
    """填报人。例如：李四"""
    phone: OptText = None
    """联系电话。例如：0994-2345678"""
    trips: Annotated[list[Trip], BeforeValidator(empty_if_none)] = Field(default_factory=list)
    """本周领导带队外出招商，每次一条"""
    events: Annotated[list[Event], BeforeValidator(empty_if_none)] = Field(default_factory=list)
    """本周推介会、签约仪式、考察接待活动，每场一条"""
    signings: Annotated[list[Signing], BeforeValidator(empty_if_none)] = Field(default_factory=list)
    """本周签约项目，每个项目一条"""
    projects: Annotated[list[Project], BeforeValidator(empty_if_none)] = Field(default_factory=list)
    """落实执行项目的本周进展，每个项目一条"""
    highlights: TextList = Field(default_factory=list)
    """经验做法、工作亮点，每条一段。例如：建立“一项目一专班”推进机制"""
    problems: TextList = Field(default_factory=list)
    """存在问题、困难，每条一段。例如：部分签约项目受用地指标制约，开工进度滞后"""
    plans: TextList = Field(default_factory=list)
    """下一步工作，每条一段。例如：赴江苏开展产业链精准招商"""

    @field_validator("unit")
    @classmethod
    def _known_unit(cls, value: str, info: ValidationInfo) -> str:
        config = context_config(info)
        if config is None:
            return value
        canonical = config.canonical_unit(value)
        if canonical is None:
            raise fail("“{value}”不是配置中的报送单位{hint}", value=value,
                        hint=choice_hint(value, config.unit_names))
        return canonical

    @field_validator("week")
    @classmethod
    def _not_in_the_future(cls, week: Week) -> Week:
        now = current_week()
        if week > now:
            raise fail("周次 {week} 还没有到（本周是 {now}），请检查年份和周数", week=str(week), now=str(now))
        return week

    @field_validator("projects")
    @classmethod
    def _projects_once(cls, projects: list[Project]) -> list[Project]:
        """The same project (same code, or the same name up to spacing, brackets, width and a
        trailing 项目/工程: the identity used everywhere) twice in one report is an error."""
        seen: dict[tuple[str, str], int] = {}
        for index, item in enumerate(projects):
            for key in (("name", item.match_key), ("code", item.code)):
                if key[1] is None:
                    continue
                if key in seen:
                    what = TWICE_BY_NAME if key[0] == "name" else TWICE_BY_CODE.format(code=quotable(item.code))
                    raise PydanticCustomError(
                        "briefing", "项目“{value}”在本报告中出现了两次（第{first}条和第{second}条），{what}。"
                        "同一项目每周只报一条，请合并",
                        {"value": quotable(item.project), "first": seen[key] + 1, "second": index + 1, "what": what,
                         "at": (index, "code" if key[0] == "code" else "project")})
                seen[key] = index
        return projects
