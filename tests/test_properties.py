"""Rules that hold for any input, checked by hypothesis: breakdowns add up to their totals (against
a classification worked out here from scratch), ingest does not depend on the order mails come
in, money survives printing and parsing, and week arithmetic round-trips through :class:`Week`."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from pathlib import Path

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mailcorpus
from briefing import fmt
from briefing.cli import cli
from briefing.figures.figures import Figures
from briefing.report.fields import parse_money, project_key
from briefing.weeks import MAX_YEAR, MIN_YEAR, Week, weeks_in_year
from conftest import write_workspace
from helpers import fold
from test_figures import INDUSTRIES, UNITS, reports
from mutation import examples

# ---------------------------------------------------------------- breakdowns


def _by_hand(rs):
    """Per (unit, project): the latest week's item and the funds summed, worked out without Fold."""
    latest, funds = {}, {}
    for r in sorted(rs, key=lambda r: r.week):
        for item in r.projects:
            key = (r.unit, project_key(item.project))
            latest[key] = item
            funds[key] = funds.get(key, D(0)) + item.funds
    return latest, funds


@settings(max_examples=examples(150), deadline=None)
@given(reports())
def test_every_split_adds_up_to_its_total_and_matches_a_classification_by_hand(rs):
    f = fold(rs)
    total = f.totals()
    latest, funds = _by_hand(rs)

    def split(test):
        keys = [k for k, item in latest.items() if test(item)]
        return len(keys), sum((funds[k] for k in keys), D(0))

    assert (total.projects, total.funds) == split(lambda item: True)
    assert (total.new_projects, total.new_funds) == split(lambda item: item.kind == "新建")
    assert (total.continued_projects, total.continued_funds) == split(lambda item: item.kind == "续建")
    assert (total.external_projects, total.external_funds) == split(lambda item: item.origin == "区外")
    internal = split(lambda item: item.origin == "区内")
    assert (total.external_projects + internal[0], total.external_funds + internal[1]) == (total.projects, total.funds)
    rows = {row.industry: row for row in f.by_industry(INDUSTRIES)}
    for name in INDUSTRIES:
        assert (rows[name].projects, rows[name].funds) == split(lambda item, n=name: item.industry == n)
    assert sum((row.funds for row in rows.values()), D(0)) == total.funds
    per_unit = f.by_unit(UNITS)
    assert sum(per_unit.values(), Figures()) == total
    for unit in UNITS:
        assert per_unit[unit] == f.totals(unit)
        assert per_unit[unit].external_funds == sum(
            (funds[k] for k, item in latest.items() if k[0] == unit and item.origin == "区外"), D(0))
    assert sum(row.trips for row in f.by_province()) == total.trips == sum(len(r.trips) for r in rs)


# ---------------------------------------------------------------- ingest in any order

_MAILS = {name: raw for name, raw in mailcorpus.messages().items()}


def _ingest(folder: Path, names: list[str]) -> dict[str, bytes]:
    config = write_workspace(folder / "ws", config=mailcorpus.CONFIG)
    paths = []
    for number, name in enumerate(names):
        path = folder / "mail" / f"{number:02d}-{name}.eml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(_MAILS[name])
        paths.append(str(path))
    for path in paths:  # one message per run, in this order
        result = CliRunner().invoke(cli, ["ingest", "--config", str(config), path])
        assert result.exit_code == 0, result.output
    root = config.parent / "entries"
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


_REFERENCE: list[dict[str, bytes]] = []


@settings(max_examples=examples(8, under_mutation=2), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.permutations(sorted(_MAILS)))
def test_the_same_mails_in_any_order_give_the_same_entries(tmp_path_factory, order):
    if not _REFERENCE:
        _REFERENCE.append(_ingest(tmp_path_factory.mktemp("sorted"), sorted(_MAILS)))
    reference = _REFERENCE[0]
    assert _ingest(tmp_path_factory.mktemp("shuffled"), list(order)) == reference
    for name, content in mailcorpus.EXPECTED_ENTRIES.items():
        assert reference[name] == content


# ---------------------------------------------------------------- money

_CENTS = st.integers(min_value=0, max_value=99_999_999).map(lambda cents: D(cents) / 100)   # up to 999999.99 亿元
_YUAN_CENTS = st.integers(min_value=0, max_value=10 ** 16 - 1).map(lambda fen: D(fen).scaleb(-10))  # 分 in 亿元


@settings(max_examples=examples(100), deadline=None)
@given(_CENTS)
def test_a_two_decimal_amount_survives_printing_and_parsing(amount):
    text = fmt.money(amount)
    assert parse_money(text) == amount
    for unit in ("亿元", "亿"):
        assert parse_money(text + unit) == amount


@settings(max_examples=examples(100), deadline=None)
@given(_YUAN_CENTS)
def test_every_unit_suffix_reads_back_the_amount_exactly(amount):
    assert parse_money(format(amount, "f")) == amount
    for unit, shift in (("亿元", 0), ("亿", 0), ("万元", 4), ("万", 4), ("元", 8)):
        assert parse_money(format(amount.scaleb(shift), "f") + unit) == amount, unit
    assert parse_money(format(amount.scaleb(8), "f").replace(".", "．") + "元") == amount   # full-width point


# ---------------------------------------------------------------- weeks

_WEEKS = st.integers(MIN_YEAR, MAX_YEAR).flatmap(
    lambda year: st.integers(1, weeks_in_year(year)).map(lambda number: Week(year, number)))
_YEAR_ENDS = st.integers(MIN_YEAR, MAX_YEAR - 1).flatmap(
    lambda year: st.sampled_from([Week(year, weeks_in_year(year)), Week(year + 1, 1)]))


@settings(max_examples=examples(100), deadline=None)
@given(st.one_of(_WEEKS, _YEAR_ENDS))
def test_weeks_round_trip(week):
    assert Week.parse(str(week)) == week and Week.parse(week.iso) == week and Week.parse(week.text) == week
    assert week.next().previous() == week and week.previous().next() == week
    assert week.next() > week > week.previous()
    assert Week.of(week.first_day) == week and Week.of(week.last_day) == week
    assert (week.last_day - week.first_day).days == 6 and week.first_day.weekday() == 0
    assert week.next().first_day == week.first_day + dt.timedelta(days=7)
    if week.number == weeks_in_year(week.year):
        assert week.next() == Week(week.year + 1, 1)
    last = week.same_week_last_year()
    assert last.year == week.year - 1 and last.number == min(week.number, weeks_in_year(week.year - 1))
