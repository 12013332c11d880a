"""Opening balances (config ``opening``): each unit's figures of a year up to a week, for a
workspace that starts mid-year.

The clerk copies the year's totals so far from the bureau's own tables: per unit the counts
and sums a briefing shows, the key signings by project name and the projects (落实执行项目)
with their funds to date and latest stage, so that the same project reported again later is
recognised (it is matched like reports match projects, :func:`~briefing.report.fields.project_key`).
Optional breakdowns (signings by industry chain, trips by province) let the by-industry and
by-province tables carry the opening too; whatever they do not cover is shown as 未分类 / 其他.

These models only describe and check what is written; :mod:`briefing.figures.opening` turns
them into what the figures layer folds.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field, field_validator, model_validator

from briefing.report.fields import Count, Model, Money, OptText, Text, TextList, fail, whole_number

KINDS = ("新建", "续建")
ORIGINS = ("区外", "区内")
STAGES = ("签约", "开工", "投产")
EVENTS = ("推介会", "签约仪式", "考察接待")


def _one_of(value: Any, choices: tuple[str, ...]) -> str:
    text = str(value).strip() if value is not None else ""
    if text not in choices:
        raise fail("应为 {choices} 之一，实际是“{value}”", choices="、".join(choices), value=text)
    return text


class OpeningProject(Model):
    """期初的落实执行项目：截至 through 周的到位资金累计和最新阶段。"""

    project: Text
    """项目名称，与以后周报里的写法一致。例如：硅基新材料项目"""
    kind: Text
    """新建 或 续建。例如：新建"""
    origin: Text
    """区外 或 区内（也可用本局的叫法，如 省外）。例如：区外"""
    stage: Text
    """截至 through 周的阶段：签约、开工、投产。例如：开工"""
    funds: Money
    """今年以来到位资金累计（亿元）。例如：3.2"""
    industry: OptText = None
    """所属产业链（可不填）。例如：新能源"""

    @field_validator("kind")
    @classmethod
    def _kind(cls, value: str) -> str:
        return _one_of(value, KINDS)

    @field_validator("stage")
    @classmethod
    def _stage(cls, value: str) -> str:
        return _one_of(value, STAGES)


class IndustrySignings(Model):
    """某条产业链的签约项目数和签约总投资。"""

    signings: Count = 0
    investment: Money = 0


class ProvinceTrips(Model):
    """到某省份的外出招商次数和对接洽谈项目数（按首个目的地）。"""

    trips: Count = 0
    negotiated: Count = 0


class OpeningUnit(Model):
    """一个单位截至 through 周的今年累计数。"""

    trips: Count = 0
    """外出招商次数。例如：5"""
    negotiated: Count = 0
    """对接洽谈项目（个）。例如：20"""
    signings: Count = 0
    """签约项目（个）。例如：4"""
    investment: Money = 0
    """签约总投资（亿元）。例如：80.5"""
    events: dict[str, Count] = Field(default_factory=dict)
    """推介会、签约仪式、考察接待的场次。例如：{推介会: 1}"""
    key_signings: TextList = Field(default_factory=list)
    """重点签约项目的项目名称。例如：[硅基新材料项目]"""
    projects: list[OpeningProject] = Field(default_factory=list)
    """落实执行项目（到位资金为累计数）"""
    by_industry: dict[str, IndustrySignings] = Field(default_factory=dict)
    """签约项目按产业链分列（可不填；不填的部分在分产业链表中列为未分类）"""
    by_province: dict[str, ProvinceTrips] = Field(default_factory=dict)
    """外出招商按目的地省份分列（可不填；不填的部分列为其他）"""

    @field_validator("events")
    @classmethod
    def _events(cls, value: dict[str, int]) -> dict[str, int]:
        for kind in value:
            if kind not in EVENTS:
                raise fail("“{value}”不是活动类型，应为 {choices} 之一", value=kind, choices="、".join(EVENTS),
                           at=(kind,))
        return value

    @model_validator(mode="after")
    def _parts_fit(self) -> "OpeningUnit":
        checks = (("by_industry", "signings", self.signings, "签约项目"),
                  ("by_industry", "investment", self.investment, "签约总投资"),
                  ("by_province", "trips", self.trips, "外出招商次数"),
                  ("by_province", "negotiated", self.negotiated, "对接洽谈项目"))
        for section, name, total, label in checks:
            parts = sum(getattr(row, name) for row in getattr(self, section).values())
            if parts > total:
                raise fail("{section} 中{label}之和（{parts}）大于合计 {name}: {total}，请核对",
                           section=section, label=label, parts=str(parts), name=name, total=str(total),
                           at=(section,))
        if len(self.key_signings) > self.signings:
            raise fail("重点签约项目（{count}个）比签约项目 signings: {total} 还多，请核对",
                       count=len(self.key_signings), total=self.signings, at=("key_signings",))
        return self


def _through(value: Any) -> int:
    number = whole_number(value)
    if not 1 <= number <= 53:
        raise fail("应为 1～53 之间的周数（ISO 周），实际是 {value}", value=number)
    return number


class OpeningYear(Model):
    """一年的期初数：截至第几周（含），各单位的累计数。"""

    through: Count
    """截至第几周（ISO 周，含这一周）。例如：16"""
    units: dict[str, OpeningUnit]
    """各单位的累计数，单位名称须为 units 中的单位"""

    @field_validator("through", mode="before")
    @classmethod
    def _week(cls, value: Any) -> int:
        return _through(value)
