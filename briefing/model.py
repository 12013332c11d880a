"""Pydantic models of a weekly report and of the bureau's ``briefing.yaml``.

Scalars arrive as the strings the clerk typed (see :mod:`briefing.load`), so every number, date
and flag is parsed here, strictly and with a Chinese message: money becomes an exact
:class:`~decimal.Decimal` in 亿元, counts become ``int``, dates ``datetime.date``.

Field docstrings are user-facing (they feed error messages, the JSON schema and the report
template), so they are in Chinese: ``<label>。<what to write>。例如：<example>``.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from functools import cached_property
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, ClassVar, Literal, Optional

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from briefing.errors import BriefingError

EVENT_KINDS = ("推介会", "签约仪式", "考察接待")
PROJECT_KINDS = ("新建", "续建")
STAGES = ("签约", "开工", "投产")
FULFILLED_STAGES = frozenset(("开工", "投产"))


def _fail(message: str, **context: Any) -> PydanticCustomError:
    """A validation error whose message is already Chinese (``{value}`` etc. from context)."""
    return PydanticCustomError("briefing", message, context)


# ---------------------------------------------------------------- scalar parsers

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Every line ending a report can carry (CommonMark and Word each honour some of them): one "\n".
_LINE_ENDING = re.compile("\r\n?|[\x85\u2028\u2029]")
_MONEY = re.compile(r"([0-9]{1,20})(?:\.([0-9]{1,12}))?(亿元|亿|万元|万|元)?")
MAX_AMOUNT = Decimal(1_000_000)  # 亿元 (一百万亿元), for every way of writing an amount
MAX_DECIMALS = 10  # in 亿元: amounts are exact to the 分 (1 分 = 1e-10 亿元)
MAX_COUNT = 1000   # any count in a report or the config (对接洽谈项目数, 共印份数)
_MONEY_SHIFT = {None: 0, "亿元": 0, "亿": 0, "万元": -4, "万": -4, "元": -8}
_NUMBER_THEN_UNIT = re.compile(r"[-+]?\d+(?:\.\d+)?\s*(\S+)")
_THOUSANDS = re.compile(r"[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?(亿元|亿|万元|万|元)?")


def clean_text(value: str) -> str:
    """Strip a string, turn every kind of line ending into ``\\n`` and remove control characters
    (they break Word and terminals)."""
    return _CONTROL.sub("", _LINE_ENDING.sub("\n", value)).strip()


def _scalar(value: Any) -> Any:
    if isinstance(value, (dict, list)):
        kind = "列表" if isinstance(value, list) else "键值对"
        raise _fail("应为单个值，但填成了{kind}", kind=kind)
    return value


def parse_text(value: Any) -> str:
    """A required piece of text: not empty after stripping."""
    if type(value) is str:  # fast path: what the loader gives
        text = value.strip()
        if text and text.isprintable():
            return text
    value = _scalar(value)
    if value is None:
        raise _fail("不能为空，请填写内容")
    text = clean_text(str(value))
    if not text:
        raise _fail("不能为空，请填写内容")
    return text


def parse_optional_text(value: Any) -> str | None:
    """Optional text: empty becomes ``None``."""
    if type(value) is str and value.isprintable():
        return value.strip() or None
    value = _scalar(value)
    if value is None:
        return None
    return clean_text(str(value)) or None


def _nfkc(value: str) -> str:
    return unicodedata.normalize("NFKC", value).strip().replace(" ", "")


def parse_money(value: Any) -> Decimal:
    """Money in 亿元: a number, or a string with 亿元/亿/万元/万/元; exact, never negative.

    Every way of writing an amount meets the same limits: below :data:`MAX_AMOUNT` and exact to
    the 分 (at most :data:`MAX_DECIMALS` decimals in 亿元), so no digit typed is ever rounded away.
    """
    if type(value) is str:  # fast path: a plain number as the loader gives it
        match = _MONEY.fullmatch(value)
        if match:
            whole, fraction, unit = match.groups()
            shift = _MONEY_SHIFT[unit]
            if fraction is None or len(fraction) - shift <= MAX_DECIMALS:
                amount = _scaled(Decimal(f"{whole}.{fraction}" if fraction else whole), shift)
                if amount < MAX_AMOUNT:
                    return amount
    value = _scalar(value)
    if value is None or (isinstance(value, str) and not value.strip()):
        raise _fail("不能为空，请填写金额（单位亿元），没有请填 0")
    if isinstance(value, bool):
        raise _fail("应为金额，例如 35.6 或“3560万元”")
    if isinstance(value, (int, Decimal)):
        amount = Decimal(value)
    elif isinstance(value, float):
        amount = Decimal(repr(value))
    else:
        amount = _money_from_text(str(value))
    return _checked_amount(amount, str(value))


def _scaled(number: Decimal, shift: int) -> Decimal:
    """``number`` × 10**``shift``, exactly (``scaleb`` rounds to the context's 28 digits)."""
    if not shift or not number.is_finite():
        return number
    sign, digits, exponent = number.as_tuple()
    return Decimal((sign, digits, exponent + shift))


def _checked_amount(amount: Decimal, shown: str) -> Decimal:
    """``amount`` if it is a possible amount that can be kept exactly, else a Chinese error."""
    if not amount.is_finite():
        raise _fail("应为金额，例如 35.6 或“3560万元”，实际是“{value}”", value=shown)
    if abs(amount) >= MAX_AMOUNT:
        bare = re.fullmatch(r"[0-9]{7,14}(\.[0-9]{1,2})?", shown.strip())  # 元 typed without its unit?
        hint = f"。金额的单位是亿元：如果是元，请写成“{shown.strip()}元”" if bare else "，请检查单位和位数"
        raise _fail("金额“{value}”大得不可能（超过一百万亿元）{hint}", value=_short(shown), hint=hint)
    if amount < 0:
        raise _fail("金额不能是负数（实际是“{value}”）", value=shown)
    sign, digits, exponent = amount.as_tuple()
    if exponent < -MAX_DECIMALS:
        zeros = len(digits) - len("".join(map(str, digits)).rstrip("0"))
        keep = min(zeros, -MAX_DECIMALS - exponent)
        if exponent + keep < -MAX_DECIMALS:
            raise _fail("金额“{value}”的小数位数太多，无法精确计算：金额最多精确到分（以亿元为单位最多 10 位小数，"
                        "万元最多 6 位，元最多 2 位），请四舍五入后填写", value=_short(shown))
        amount = Decimal((sign, digits[:len(digits) - keep], exponent + keep))  # only trailing zeros dropped
    return amount


def _short(text: str) -> str:
    return text if len(text) <= 40 else text[:40] + "…"


def _money_from_text(raw: str) -> Decimal:
    if "，" in raw or "、" in raw:
        raise _fail("金额里不能有中文逗号或顿号（实际是“{value}”）：只填一个数，例如 35.6 或“3560万元”", value=raw)
    text = _nfkc(raw)
    if _THOUSANDS.fullmatch(text):
        text = text.replace(",", "")
    if text.startswith("-") and _MONEY.fullmatch(text[1:]):
        raise _fail("金额不能是负数（实际是“{value}”）", value=raw)
    match = _MONEY.fullmatch(text)
    if match:
        whole, fraction, unit = match.groups()
        return _scaled(Decimal(f"{whole}.{fraction}" if fraction else whole), _MONEY_SHIFT[unit])
    try:
        return Decimal(text)
    except InvalidOperation:
        pass
    if re.fullmatch(r"[0-9]+,[0-9]{1,2}(亿元|亿|万元|万|元)?", text):
        raise _fail("“{value}”里的逗号应是小数点：请用英文句点，例如 35.6", value=raw)
    if "," in text:
        raise _fail("金额“{value}”写法不对：不要用逗号分隔，小数点用英文句点，例如 1200 或 35.6", value=raw)
    number = re.fullmatch(r"([0-9]+(?:\.[0-9]+)?)(亿元|亿|万元|万|元)", text)
    if number:  # more decimals than the fast pattern takes
        return _scaled(Decimal(number.group(1)), _MONEY_SHIFT[number.group(2)])
    unit = _NUMBER_THEN_UNIT.fullmatch(text)
    if unit:
        hint = "；外币请先折算成人民币" if "元" in unit.group(1) or "美" in unit.group(1) else ""
        raise _fail("金额单位“{unit}”无法识别，只能用亿元、万元或元{hint}。例如 35.6、“35.6亿元”或“3560万元”",
                    unit=unit.group(1), hint=hint)
    raise _fail("应为金额，例如 35.6（亿元）或“3560万元”，实际是“{value}”", value=raw)


_COUNT_UNIT = re.compile(r"(\d+)\s*(个|次|项|家|场|人|批|户|份|件)")


def parse_count(value: Any) -> int:
    """A count (个, 次): a whole number from 0 to :data:`MAX_COUNT`."""
    number = whole_number(value)
    if number > MAX_COUNT:
        raise _fail("数字 {value} 大得不可能（最多 {limit}），请检查是否多打了数字", value=_short(str(number)),
                    limit=MAX_COUNT)
    return number


def whole_number(value: Any) -> int:
    """A whole number, 0 or more, with no upper bound but its length (callers set the range)."""
    if type(value) is str and value.isascii() and value.isdigit() and len(value) <= 9:
        return int(value)
    value = _scalar(value)
    if value is None:
        raise _fail("不能为空，请填写整数，没有请填 0")
    if isinstance(value, bool):
        raise _fail("应为整数，例如 6")
    if isinstance(value, int):
        number = value
    else:
        text = _nfkc(str(value))
        if re.fullmatch(r"[-+]?\d+", text):
            if len(text.lstrip("+-").lstrip("0")) > 9:  # int() of thousands of digits is slow, then refused
                raise _fail("数字 {value} 大得不可能，请检查是否多打了数字", value=_short(text))
            number = int(text)
        else:
            unit = _COUNT_UNIT.fullmatch(text)
            if unit:
                raise _fail("不要带单位，请把“{value}”改成 {number}", value=str(value), number=unit.group(1))
            raise _fail("应为整数，例如 6，实际是“{value}”", value=str(value))
    if number < 0:
        raise _fail("不能是负数（实际是 {value}）", value=number)
    if number >= 10 ** 9:
        raise _fail("数字大得不可能，请检查是否多打了数字")
    return number


_TRUE = frozenset("true yes y on 1 是 对 重点".split())
_FALSE = frozenset("false no n off 0 否 不是 非重点".split())


def parse_flag(value: Any) -> bool:
    """A yes/no flag: true/false, 是/否."""
    value = _scalar(value)
    if value is None or isinstance(value, bool):
        return bool(value)
    text = _nfkc(str(value)).lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise _fail("应为 true（是）或 false（否），实际是“{value}”", value=str(value))


_DATE = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?")


_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_date(value: Any) -> dt.date:
    """A date such as 2023-04-17 (also 2023/4/17 or 2023年4月17日)."""
    if type(value) is str and _ISO_DATE.fullmatch(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    value = _scalar(value)
    if isinstance(value, dt.date):
        return value
    if value is None:
        raise _fail("不能为空，请填写日期，例如 2023-04-17")
    text = _nfkc(str(value))
    match = _DATE.fullmatch(text)
    if match:
        try:
            return dt.date(*(int(part) for part in match.groups()))
        except ValueError:
            raise _fail("“{value}”不是有效日期（月份或日期超出范围）", value=str(value)) from None
    raise _fail("日期应写成 2023-04-17 的形式，实际是“{value}”", value=str(value))


_WEEK = re.compile(r"(\d{4})-?[Ww](\d{1,2})|(\d{4})年第?(\d{1,2})周")


def weeks_in_year(year: int) -> int:
    """Number of ISO weeks (52 or 53) in an ISO year."""
    return dt.date(year, 12, 28).isocalendar()[1]


MIN_YEAR, MAX_YEAR = 1990, 2200
_ISO_WEEK = re.compile(r"[0-9]{4}-W[0-9]{2}")


def parse_week(value: Any) -> str:
    """An ISO week, normalised to ``YYYY-Www`` (``2023-W7`` and ``2023年第7周`` are accepted)."""
    if type(value) is str and _ISO_WEEK.fullmatch(value) and 1 <= int(value[6:]) <= 52 \
            and MIN_YEAR <= int(value[:4]) <= MAX_YEAR:
        return value
    value = _scalar(value)
    if value is None:
        raise _fail("不能为空，请按 2023-W17 的形式填写周次")
    text = _nfkc(str(value))
    match = _WEEK.fullmatch(text)
    if not match:
        raise _fail("周次应写成 2023-W17 的形式（年份-W周数），实际是“{value}”", value=str(value))
    year, week = int(match.group(1) or match.group(3)), int(match.group(2) or match.group(4))
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise _fail("年份 {year} 不对，请检查周次，例如 2023-W17", year=year)
    if not 1 <= week <= weeks_in_year(year):
        raise _fail("{year}年没有第{week}周（ISO 周次为 1～{last}）", year=year, week=week, last=weeks_in_year(year))
    return f"{year}-W{week:02d}"


def current_week() -> str:
    """The ISO week containing today, ``YYYY-Www``: no report may be for a later week.

    Today is the computer's date, unless the environment variable ``BRIEFING_TODAY`` holds a
    date written ``YYYY-MM-DD`` (for tests, or to check as of another day), e.g.
    ``BRIEFING_TODAY=2023-04-28 briefing validate``.  This is the one place that decides what
    "now" is for reports (a configurable day on which the reporting week switches belongs here).
    """
    raw = os.environ.get("BRIEFING_TODAY", "").strip()
    if not raw:
        today = dt.date.today()
    else:
        try:
            if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", raw):
                raise ValueError(raw)
            today = dt.date.fromisoformat(raw)
        except ValueError:
            raise BriefingError(f"环境变量 BRIEFING_TODAY 应为日期，写成 2023-04-28 的形式，实际是“{raw}”。"
                                "不需要时请删除这个环境变量", exit_code=2) from None
    year, week, _ = today.isocalendar()
    return f"{year}-W{week:02d}"


def week_key(week: str) -> tuple[int, int]:
    """``'2023-W17'`` → ``(2023, 17)``."""
    return int(week[:4]), int(week[6:])


def _text_list(value: Any) -> Any:
    """Accept a single string where a list of strings is expected."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [item for item in value if item is not None]  # a blank "- " line
    return [] if value is None else value


def _items(value: Any) -> Any:
    return [] if value is None else value


Text = Annotated[str, BeforeValidator(parse_text), WithJsonSchema({"type": "string", "minLength": 1})]
OptText = Annotated[Optional[str], BeforeValidator(parse_optional_text), WithJsonSchema({"type": "string"})]
Money = Annotated[
    Decimal,
    BeforeValidator(parse_money),
    PlainSerializer(lambda d: str(d), return_type=str),
    WithJsonSchema({
        "anyOf": [
            {"type": "number", "minimum": 0, "exclusiveMaximum": int(MAX_AMOUNT)},
            {"type": "string", "pattern": r"^\s*\d+(\.\d+)?\s*(亿元|亿|万元|万|元)?\s*$"},
        ],
        "description": "金额：纯数字表示亿元，也可写“35.6亿元”“3560万元”“120000000元”",
    }),
]
Count = Annotated[int, BeforeValidator(parse_count), WithJsonSchema({
    "anyOf": [{"type": "integer", "minimum": 0, "maximum": MAX_COUNT},
              {"type": "string", "pattern": r"^\s*[0-9０-９]{1,4}\s*$"}]})]
# No "type" for dates: YAML loaders hand a checker either a string or a date object.
Day = Annotated[dt.date, BeforeValidator(parse_date),
                WithJsonSchema({"format": "date", "description": "日期，例如 2023-04-17"})]
Flag = Annotated[bool, BeforeValidator(parse_flag),
                 WithJsonSchema({"anyOf": [{"type": "boolean"}, {"enum": ["是", "否"]}]})]
Week = Annotated[str, BeforeValidator(parse_week), WithJsonSchema(
    {"type": "string", "pattern": r"^\s*([0-9]{4}-?[Ww][0-9]{1,2}|[0-9]{4}年第?[0-9]{1,2}周)\s*$"})]
TextList = Annotated[list[Text], BeforeValidator(_text_list), WithJsonSchema(
    {"anyOf": [{"type": "array", "items": {"type": "string"}}, {"type": "string"}]})]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True, frozen=True)


def _context_config(info: ValidationInfo) -> "Config | None":
    return (info.context or {}).get("config")


# ---------------------------------------------------------------- report


class Trip(_Model):
    """领导带队外出招商（每条计 1 次）。"""

    leader: Text
    """带队领导姓名。例如：张三"""
    title: Text
    """带队领导职务。例如：县委书记"""
    start: Day
    """出发日期。例如：2023-04-17"""
    end: Optional[Day] = None
    """返回日期，不能早于出发日期。例如：2023-04-21"""
    destinations: Annotated[list[Text], BeforeValidator(_text_list), Field(min_length=1)]
    """到访省市，至少一个，每个单独一行。例如：广东省佛山市"""
    companies: TextList = Field(default_factory=list)
    """拜访对接的企业，每家单独一行。例如：通威股份有限公司"""
    negotiated: Count
    """对接洽谈项目数（个），只填数字。例如：6"""
    summary: OptText = None
    """情况简述，一段话，写入简报。例如：与企业就光伏组件项目深入洽谈"""

    @field_validator("end")
    @classmethod
    def _end_not_before_start(cls, end: dt.date | None, info: ValidationInfo) -> dt.date | None:
        start = info.data.get("start")
        if end is not None and start is not None and end < start:
            raise _fail("返回日期 {end} 早于出发日期 {start}，请检查是否写反或写错年份月份",
                        end=end.isoformat(), start=start.isoformat())
        return end

    @field_validator("destinations")
    @classmethod
    def _one_place_each(cls, places: list[str]) -> list[str]:
        for place in places:
            if re.search(r"[，,、；;]", place):
                raise _fail("“{value}”里有多个地点，请每个地点单独一行（以“- ”开头）", value=place)
        return places


class Event(_Model):
    """推介会、签约仪式或考察接待活动。"""

    name: Text
    """活动名称。例如：昌吉州（深圳）招商引资推介会"""
    kind: Literal["推介会", "签约仪式", "考察接待"]
    """活动类型：推介会、签约仪式、考察接待 三选一。例如：推介会"""
    date: Day
    """活动日期。例如：2023-04-19"""
    place: Text
    """举办城市。例如：深圳市"""
    summary: OptText = None
    """活动简述。例如：现场签约项目 3 个"""


class Signing(_Model):
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

    @field_validator("industry")
    @classmethod
    def _known_industry(cls, value: str, info: ValidationInfo) -> str:
        return _check_industry(value, info)

    @cached_property
    def match_key(self) -> str:
        """The project name as matched against 落实执行项目 (see :func:`project_key`)."""
        return project_key(self.project)


class Project(_Model):
    """落实执行项目的本周进展。"""

    project: Text
    """项目名称，同一单位各周须一致。例如：年产 10 万吨多晶硅项目"""
    investor: Text
    """投资方。例如：某某新能源有限公司"""
    kind: Literal["新建", "续建"]
    """项目类型：新建 或 续建。例如：新建"""
    origin: Literal["区外", "区内"]
    """投资方来源：区外 或 区内（用本局的叫法，如 省外、省内）。例如：区外"""
    stage: Literal["签约", "开工", "投产"]
    """目前所处阶段：签约、开工、投产 三选一。例如：开工"""
    funds: Money
    """本周到位资金，纯数字表示亿元，没有填 0。例如：2.5"""
    industry: OptText = None
    """所属产业链（可不填），须为简报配置里的产业链之一。例如：新能源"""
    note: OptText = None
    """备注。例如：主体厂房封顶"""

    @field_validator("origin", mode="before")
    @classmethod
    def _external_label(cls, value: Any, info: ValidationInfo) -> Any:
        config = _context_config(info)
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
    config = _context_config(info)
    if config is None:
        return value
    known = config.industry_lookup.get(value)
    if known is not None:
        return known  # the config's own string: shared, not one copy per report
    raise _fail("“{value}”不是配置中的产业链{hint}", value=value, hint=_choices_hint(value, config.industries))


def _choices_hint(value: str, choices: list[str]) -> str:
    from briefing.messages import closest  # light module; avoids a cycle at import time

    best = closest(value, choices)
    if best:
        return f"，是否应为“{best}”？"
    return "。可选：" + "、".join(choices)


class Report(_Model):
    """一个单位一周的招商工作报告。"""

    unit: Text
    """报送单位，须与简报配置中的单位名称一致。例如：昌吉市"""
    week: Week
    """报送周次（ISO 周），写成“年份-W周数”。例如：2023-W17"""
    reporter: Text
    """填报人。例如：李四"""
    phone: OptText = None
    """联系电话。例如：0994-2345678"""
    trips: Annotated[list[Trip], BeforeValidator(_items)] = Field(default_factory=list)
    """本周领导带队外出招商，每次一条"""
    events: Annotated[list[Event], BeforeValidator(_items)] = Field(default_factory=list)
    """本周推介会、签约仪式、考察接待活动，每场一条"""
    signings: Annotated[list[Signing], BeforeValidator(_items)] = Field(default_factory=list)
    """本周签约项目，每个项目一条"""
    projects: Annotated[list[Project], BeforeValidator(_items)] = Field(default_factory=list)
    """落实执行项目的本周进展，每个项目一条"""
    highlights: TextList = Field(default_factory=list)
    """经验做法、工作亮点，每条一段。例如：建立“一项目一专班”推进机制"""
    plans: TextList = Field(default_factory=list)
    """下一步工作，每条一段。例如：赴江苏开展产业链精准招商"""

    @field_validator("unit")
    @classmethod
    def _known_unit(cls, value: str, info: ValidationInfo) -> str:
        config = _context_config(info)
        if config is None:
            return value
        canonical = config.canonical_unit(value)
        if canonical is None:
            raise _fail("“{value}”不是配置中的报送单位{hint}", value=value,
                        hint=_choices_hint(value, config.unit_names))
        return canonical

    @field_validator("week")
    @classmethod
    def _not_in_the_future(cls, week: str) -> str:
        now = current_week()
        if week_key(week) > week_key(now):
            raise _fail("周次 {week} 还没有到（本周是 {now}），请检查年份和周数", week=week, now=now)
        return week

    @field_validator("projects")
    @classmethod
    def _projects_once(cls, projects: list[Project]) -> list[Project]:
        seen: dict[str, int] = {}
        for index, item in enumerate(projects):
            name = item.match_key
            if name in seen:
                raise PydanticCustomError(
                    "briefing", "项目“{value}”在本报告中出现了两次（第{first}条和第{second}条），同一项目每周只报一条，请合并",
                    {"value": item.project, "first": seen[name] + 1, "second": index + 1, "at": (index, "project")})
            seen[name] = index
        return projects

    @cached_property
    def week_key(self) -> tuple[int, int]:
        """``(ISO year, ISO week)`` of this report."""
        return week_key(self.week)


def project_key(name: str) -> str:
    """How project names are matched across weeks: spacing and full/half width ignored."""
    return "".join(unicodedata.normalize("NFKC", name).split())


# ---------------------------------------------------------------- config


class UnitSpec(_Model):
    """报送单位及其别称。"""

    name: Text
    """单位名称，简报中使用。例如：木垒县"""
    aliases: TextList = Field(default_factory=list)
    """别称，报告里写别称也算本单位。例如：木垒哈萨克自治县"""


def _week_number(value: Any) -> int:
    number = whole_number(value)
    if not 1 <= number <= 53:
        raise _fail("周数应为 1～53 之间的整数，实际是 {value}", value=number)
    return number


class BaselineEntry(_Model):
    """去年截至某周的累计数（用于计算同比）。"""

    week: Annotated[int, BeforeValidator(_week_number)]
    """截至去年第几周（ISO 周）。例如：17"""
    funds: Optional[Money] = None
    """到位资金累计（亿元）。例如：206.16"""
    external_funds: Optional[Money] = None
    """区外到位资金累计（亿元）。例如：160.32"""


class Distribution(_Model):
    """报尾：报、送、发的单位和印发份数。"""

    报: TextList = Field(default_factory=list)
    """报送的上级单位。例如：州党委、人大、政府、政协领导"""
    送: TextList = Field(default_factory=list)
    """抄送单位。例如：自治区商务厅"""
    发: TextList = Field(default_factory=list)
    """印发单位。例如：各县市（园区）商务主管部门"""
    copies: Optional[Count] = None
    """共印份数。例如：50"""


_SIZE = re.compile(r"(\d+(?:\.\d+)?)(kib|kb|k|mib|mb|m|b)?")
_SIZE_SHIFT = {"b": 1, "k": 1024, "kb": 1024, "kib": 1024, "m": 1024 ** 2, "mb": 1024 ** 2, "mib": 1024 ** 2}


def parse_size(value: Any) -> int:
    """A size in bytes: a plain number means MB; ``512KB``, ``5MB``, ``5 MiB`` are accepted."""
    value = _scalar(value)
    if value is None or isinstance(value, bool):
        raise _fail("应为大小，例如 5MB 或 512KB")
    text = _nfkc(str(value)).lower()
    match = _SIZE.fullmatch(text)
    if not match:
        raise _fail("应为大小，例如 5MB 或 512KB，实际是“{value}”", value=str(value))
    size = int(Decimal(match.group(1)) * _SIZE_SHIFT[match.group(2) or "m"])
    if size <= 0:
        raise _fail("大小应大于 0，例如 5MB")
    return size


def _port(value: Any) -> int:
    number = whole_number(value)
    if not 1 <= number <= 65535:
        raise _fail("端口应为 1～65535 之间的整数，实际是 {value}", value=number)
    return number


Port = Annotated[int, BeforeValidator(_port), WithJsonSchema({"type": "integer", "minimum": 1, "maximum": 65535})]
Size = Annotated[int, BeforeValidator(parse_size), WithJsonSchema({"type": ["integer", "string"]})]


class _Server(_Model):
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


class MailSettings(_Model):
    """邮件报送设置：收件邮箱、回执发送和附件大小上限。"""

    imap: Optional[ImapSettings] = None
    """收件邮箱。收取报送邮件的 IMAP 邮箱，使用 briefing ingest --imap 时需要"""
    smtp: Optional[SmtpSettings] = None
    """回执发送。发送回执的 SMTP 服务器，使用 briefing ingest --reply 时需要"""
    attachment_limit: Size = 5 * 1024 * 1024
    """附件大小上限。单个附件超过这个大小就不导入，纯数字表示 MB。例如：5MB"""


class Config(_Model):
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
    distribution: Optional[Distribution] = None
    """报尾"""
    senders: dict[str, TextList] = {}
    """各单位允许报送的邮箱地址"""
    mail: MailSettings = MailSettings()
    """邮件报送设置（见 docs/邮件报送.md）"""

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

    @model_validator(mode="after")
    def _consistent(self) -> "Config":
        names = [unit.name for unit in self.units]
        seen: set[str] = set()
        for index, unit in enumerate(self.units):
            for name in (unit.name, *unit.aliases):
                if name in seen:
                    raise PydanticCustomError("briefing", "单位名称或别称“{value}”重复出现",
                                              {"value": name, "at": ("units", index)})
                seen.add(name)
        for section in ("targets", "senders"):
            table = getattr(self, section)
            for year_or_unit, rows in table.items():
                units = rows if section == "targets" else {year_or_unit: None}
                for unit in units:
                    if unit not in names:
                        at = (section, year_or_unit, unit) if section == "targets" else (section, unit)
                        raise PydanticCustomError(
                            "briefing", "“{value}”不是 units 中的单位{hint}",
                            {"value": unit, "hint": _choices_hint(unit, names), "at": at})
        return self

    @property
    def internal_label(self) -> str:
        """The opposite of ``external_label`` (省外 → 省内)."""
        return self.external_label.replace("外", "内")

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
