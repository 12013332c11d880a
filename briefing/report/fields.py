"""The scalar fields of reports and of the config: what a clerk may type, parsed strictly.

Scalars arrive as the strings the clerk typed (see :mod:`briefing.report.load`), so every
number, date and flag is parsed here, with a Chinese message for every mistake: money becomes
an exact :class:`~decimal.Decimal` in 亿元 (never negative, below :data:`MAX_AMOUNT`, exact to
the 分), counts become ``int`` (up to :data:`MAX_COUNT`), dates ``datetime.date``, weeks
:class:`~briefing.weeks.Week`.  Each parser is wrapped in an ``Annotated`` type (``Money``,
``Count``, ``Day`` …) with the JSON Schema editors check against; a new kind of field starts here.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Optional

from pydantic import BaseModel, BeforeValidator, ConfigDict, PlainSerializer, PlainValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from briefing.errors import quotable
from briefing.weeks import Week


def fail(message: str, **context: Any) -> PydanticCustomError:
    """A validation error whose message is already Chinese (``{value}`` etc. from context).

    ``value`` and ``unit`` are what the unit typed: they go in as :func:`~briefing.errors.quotable`.
    """
    for key in ("value", "unit"):
        if key in context:
            context[key] = quotable(context[key])
    return PydanticCustomError("briefing", message, context)


# ---------------------------------------------------------------- parsers

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
        raise fail("应为单个值，但填成了{kind}", kind=kind)
    return value


def parse_text(value: Any) -> str:
    """A required piece of text: not empty after stripping."""
    if type(value) is str:  # fast path: what the loader gives
        text = value.strip()
        if text and text.isprintable():
            return text
    value = _scalar(value)
    if value is None:
        raise fail("不能为空，请填写内容")
    text = clean_text(str(value))
    if not text:
        raise fail("不能为空，请填写内容")
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
        raise fail("不能为空，请填写金额（单位亿元），没有请填 0")
    if isinstance(value, bool):
        raise fail("应为金额，例如 35.6 或“3560万元”")
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
        raise fail("应为金额，例如 35.6 或“3560万元”，实际是“{value}”", value=shown)
    if abs(amount) >= MAX_AMOUNT:
        bare = re.fullmatch(r"[0-9]{7,14}(\.[0-9]{1,2})?", shown.strip())  # 元 typed without its unit?
        hint = f"。金额的单位是亿元：如果是元，请写成“{shown.strip()}元”" if bare else "，请检查单位和位数"
        raise fail("金额“{value}”大得不可能（超过一百万亿元）{hint}", value=_short(shown), hint=hint)
    if amount < 0:
        raise fail("金额不能是负数（实际是“{value}”）", value=shown)
    sign, digits, exponent = amount.as_tuple()
    if exponent < -MAX_DECIMALS:
        zeros = len(digits) - len("".join(map(str, digits)).rstrip("0"))
        keep = min(zeros, -MAX_DECIMALS - exponent)
        if exponent + keep < -MAX_DECIMALS:
            raise fail("金额“{value}”的小数位数太多，无法精确计算：金额最多精确到分（以亿元为单位最多 10 位小数，"
                        "万元最多 6 位，元最多 2 位），请四舍五入后填写", value=_short(shown))
        amount = Decimal((sign, digits[:len(digits) - keep], exponent + keep))  # only trailing zeros dropped
    return amount


def _short(text: str) -> str:
    return text if len(text) <= 40 else text[:40] + "…"


def _money_from_text(raw: str) -> Decimal:
    if "，" in raw or "、" in raw:
        raise fail("金额里不能有中文逗号或顿号（实际是“{value}”）：只填一个数，例如 35.6 或“3560万元”", value=raw)
    text = _nfkc(raw)
    if _THOUSANDS.fullmatch(text):
        text = text.replace(",", "")
    if text.startswith("-") and _MONEY.fullmatch(text[1:]):
        raise fail("金额不能是负数（实际是“{value}”）", value=raw)
    match = _MONEY.fullmatch(text)
    if match:
        whole, fraction, unit = match.groups()
        return _scaled(Decimal(f"{whole}.{fraction}" if fraction else whole), _MONEY_SHIFT[unit])
    if _EXPONENT.fullmatch(text):
        raise fail(f"金额“{{value}}”是科学计数法或不是一个数{_PLAIN_HINT}", value=raw)
    try:
        return Decimal(text)
    except InvalidOperation:
        pass
    if re.fullmatch(r"[0-9]+,[0-9]{1,2}(亿元|亿|万元|万|元)?", text):
        raise fail("“{value}”里的逗号应是小数点：请用英文句点，例如 35.6", value=raw)
    if "," in text:
        raise fail("金额“{value}”写法不对：不要用逗号分隔，小数点用英文句点，例如 1200 或 35.6", value=raw)
    number = re.fullmatch(r"([0-9]+(?:\.[0-9]+)?)(亿元|亿|万元|万|元)", text)
    if number:  # more decimals than the fast pattern takes
        return _scaled(Decimal(number.group(1)), _MONEY_SHIFT[number.group(2)])
    unit = _NUMBER_THEN_UNIT.fullmatch(text)
    if unit:
        hint = "；外币请先折算成人民币" if "元" in unit.group(1) or "美" in unit.group(1) else ""
        raise fail("金额单位“{unit}”无法识别，只能用亿元、万元或元{hint}。例如 35.6、“35.6亿元”或“3560万元”",
                    unit=unit.group(1), hint=hint)
    raise fail("应为金额，例如 35.6（亿元）或“3560万元”，实际是“{value}”", value=raw)


# 1E+5, 1e5, inf, NaN: Decimal() and YAML 1.1 read them as numbers; a clerk never means them.
_EXPONENT = re.compile(r"[+-]?(?:(?:[0-9]+\.?[0-9]*|\.[0-9]+)[eE][+-]?[0-9]+|\.?inf(?:inity)?|\.?s?nan)"
                       r"(?:亿元|亿|万元|万|元)?", re.I)
_PLAIN_HINT = "：请直接写数字，如 100000"
_COUNT_UNIT = re.compile(r"(\d+)\s*(个|次|项|家|场|人|批|户|份|件)")


def parse_count(value: Any) -> int:
    """A count (个, 次): a whole number from 0 to :data:`MAX_COUNT`."""
    number = whole_number(value)
    if number > MAX_COUNT:
        raise fail("数字 {value} 大得不可能（最多 {limit}），请检查是否多打了数字", value=_short(str(number)),
                    limit=MAX_COUNT)
    return number


def whole_number(value: Any) -> int:
    """A whole number, 0 or more, with no upper bound but its length (callers set the range)."""
    if type(value) is str and value.isascii() and value.isdigit() and len(value) <= 9:
        return int(value)
    value = _scalar(value)
    if value is None:
        raise fail("不能为空，请填写整数，没有请填 0")
    if isinstance(value, bool):
        raise fail("应为整数，例如 6")
    if isinstance(value, int):
        number = value
    else:
        text = _nfkc(str(value))
        if re.fullmatch(r"[-+]?\d+", text):
            if len(text.lstrip("+-").lstrip("0")) > 9:  # int() of thousands of digits is slow, then refused
                raise fail("数字 {value} 大得不可能，请检查是否多打了数字", value=_short(text))
            number = int(text)
        else:
            unit = _COUNT_UNIT.fullmatch(text)
            if _EXPONENT.fullmatch(text):
                raise fail(f"“{{value}}”是科学计数法或不是一个数{_PLAIN_HINT}", value=str(value))
            if unit:
                raise fail("不要带单位，请把“{value}”改成 {number}", value=str(value), number=unit.group(1))
            raise fail("应为整数，例如 6，实际是“{value}”", value=str(value))
    if number < 0:
        raise fail("不能是负数（实际是 {value}）", value=number)
    if number >= 10 ** 9:
        raise fail("数字大得不可能，请检查是否多打了数字")
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
    raise fail("应为 true（是）或 false（否），实际是“{value}”", value=str(value))


_DATE = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?")


_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def impossible_date(year: int, month: int, day: int) -> str:
    """Which part of a date that does not exist is wrong, in Chinese (``月份应为 1～12``)."""
    if not 1 <= month <= 12:
        return "月份应为 1～12"
    if not dt.MINYEAR <= year <= dt.MAXYEAR:
        return "年份不对"
    last = (dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)).day if year < dt.MAXYEAR or month < 12 else 31
    return f"{year}年{month}月只有 {last} 天，日应为 1～{last}" if day > 0 else "日应从 1 开始"


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
        raise fail("不能为空，请填写日期，例如 2023-04-17")
    text = _nfkc(str(value))
    match = _DATE.fullmatch(text)
    if match:
        try:
            return dt.date(*(int(part) for part in match.groups()))
        except ValueError:
            raise fail("“{value}”不是有效日期：{why}", value=str(value),
                       why=impossible_date(*(int(part) for part in match.groups()))) from None
    raise fail("日期应写成 2023-04-17 的形式，实际是“{value}”", value=str(value))


def parse_week(value: Any) -> Week:
    """An ISO week (``2023-W7`` and ``2023年第7周`` are accepted): see :meth:`Week.parse`."""
    if type(value) is not str:
        value = _scalar(value)
    try:
        return Week.parse(value)
    except ValueError as error:
        raise fail("{reason}", reason=str(error)) from None


def text_items(value: Any) -> Any:
    """Accept a single string where a list of strings is expected."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [item for item in value if item is not None]  # a blank "- " line
    return [] if value is None else value


def empty_if_none(value: Any) -> Any:
    """A missing list (a key with nothing after it) as an empty one."""
    return [] if value is None else value


_SIZE = re.compile(r"(\d+(?:\.\d+)?)(kib|kb|k|mib|mb|m|b)?")
_SIZE_SHIFT = {"b": 1, "k": 1024, "kb": 1024, "kib": 1024, "m": 1024 ** 2, "mb": 1024 ** 2, "mib": 1024 ** 2}


def parse_size(value: Any) -> int:
    """A size in bytes: a plain number means MB; ``512KB``, ``5MB``, ``5 MiB`` are accepted."""
    value = _scalar(value)
    if value is None or isinstance(value, bool):
        raise fail("应为大小，例如 5MB 或 512KB")
    text = _nfkc(str(value)).lower()
    match = _SIZE.fullmatch(text)
    if not match:
        raise fail("应为大小，例如 5MB 或 512KB，实际是“{value}”", value=str(value))
    size = int(Decimal(match.group(1)) * _SIZE_SHIFT[match.group(2) or "m"])
    if size <= 0:
        raise fail("大小应大于 0，例如 5MB")
    return size


def _port(value: Any) -> int:
    number = whole_number(value)
    if not 1 <= number <= 65535:
        raise fail("端口应为 1～65535 之间的整数，实际是 {value}", value=number)
    return number


# ---------------------------------------------------------------- the field types

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
WeekField = Annotated[Week, PlainValidator(parse_week), PlainSerializer(str, return_type=str), WithJsonSchema(
    {"type": "string", "pattern": r"^\s*([0-9]{4}-?[Ww][0-9]{1,2}|[0-9]{4}年第?[0-9]{1,2}周)\s*$"})]
TextList = Annotated[list[Text], BeforeValidator(text_items), WithJsonSchema(
    {"anyOf": [{"type": "array", "items": {"type": "string"}}, {"type": "string"}]})]
Port = Annotated[int, BeforeValidator(_port), WithJsonSchema({"type": "integer", "minimum": 1, "maximum": 65535})]
Size = Annotated[int, BeforeValidator(parse_size), WithJsonSchema({"type": ["integer", "string"]})]


class Model(BaseModel):
    """The base of every model: unknown keys are errors, field docstrings are descriptions, frozen."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True, frozen=True)


_BRACKETS = re.compile(r"[()\[\]{}<>〈〉《》「」『』【】〔〕〖〗〘〙〚〛⦅⦆]")
_SUFFIX = re.compile(r"(?:项目|工程)+$")


def project_key(name: str) -> str:
    """How project names are matched (the one normalisation, across weeks, units and in one
    report): full/half width unified (NFKC), spaces and every kind of bracket removed (their
    contents kept), a trailing 项目/工程 removed.  ``光伏 项目（一期）`` → ``光伏一期``."""
    key = _BRACKETS.sub("", "".join(unicodedata.normalize("NFKC", name).split()))
    return _SUFFIX.sub("", key) or key


def investor_key(name: str) -> str:
    """How investors are matched (for the duplicate checks): like :func:`project_key`, without
    the suffix rule."""
    return _BRACKETS.sub("", "".join(unicodedata.normalize("NFKC", name).split()))
