"""Generate a synthetic workspace: ``python bench/generate.py DIR --units 300 --weeks 52``.

Reports look like real ones (trips, signings, projects with funds in 亿元 and 万元), so parsing
and validation costs are realistic: each signing is a new project, each unit's projects have
their own names and investors, and stages only move forward, so the project ledger finds no
repeats or duplicates (as in a clean real workspace).  Deterministic for a given seed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
from pathlib import Path

INDUSTRIES = ["新能源", "新材料", "硅基新材料", "装备制造", "现代服务业", "粮油", "优质畜产品", "绿色矿业"]
STAGES = ["签约", "开工", "投产"]
PLACES = ["北京市", "上海市", "广东省深圳市", "江苏省苏州市", "浙江省杭州市", "山东省青岛市", "四川省成都市"]


def config_text(units: list[str]) -> str:
    lines = ["bureau: 测试省商务厅", "title: 招商工作简报", "region: 全省", "units_label: 各市县", "units:"]
    lines += [f"  - {u}" for u in units]
    lines += ["industries:"] + [f"  - {i}" for i in INDUSTRIES]
    lines += ["targets:", "  2023:"] + [f"    {u}: {50 + i % 100}" for i, u in enumerate(units)]
    return "\n".join(lines) + "\n"


def report_text(rng: random.Random, unit: str, year: int, week: int) -> str:
    monday = dt.date.fromisocalendar(year, week, 1)
    lines = [f"unit: {unit}", f"week: {year}-W{week:02d}", "reporter: 张三", "phone: 0991-1234567"]
    if rng.random() < 0.6:
        lines.append("trips:")
        for _ in range(rng.randint(1, 2)):
            lines += ["  - leader: 李四", "    title: 县长", f"    start: {monday}",
                      f"    end: {monday + dt.timedelta(days=2)}", "    destinations:",
                      f"      - {rng.choice(PLACES)}", "    companies: [某某集团, 某某股份有限公司]",
                      f"    negotiated: {rng.randint(0, 9)}", "    summary: 与企业深入洽谈，达成初步合作意向"]
    if rng.random() < 0.4:  # a new project each time, as real signings are (repeats would be warnings)
        lines += ["signings:", f"  - project: {unit}第{week}周签约项目", f"    investor: {unit}签约方{week}有限公司",
                  f"    industry: {rng.choice(INDUSTRIES)}", f"    investment: {rng.randint(1, 5000) / 100}",
                  f"    date: {monday + dt.timedelta(days=1)}", f"    key: {'true' if rng.random() < 0.3 else 'false'}"]
    lines.append("projects:")
    for n in rng.sample(range(1, 12), 3):
        funds = f'"{rng.randint(0, 50000)}万元"' if rng.random() < 0.3 else f"{rng.randint(0, 800) / 100}"
        stage = STAGES[min(2, (week + n) // 18)]  # a project's stage only moves forward over the year
        lines += [f"  - project: {unit}落实项目{n}", f"    investor: {unit}投资方{n}有限公司",
                  f"    kind: {rng.choice(['新建', '续建'])}", f"    origin: {rng.choice(['区外', '区内'])}", f"    stage: {stage}",
                  f"    funds: {funds}", f"    industry: {rng.choice(INDUSTRIES)}"]
    lines += ["highlights:", "  - 建立项目专班推进机制", "plans:", "  - 持续跟进对接企业"]
    return "\n".join(lines) + "\n"


def generate(root: Path, units: int, weeks: int, year: int = 2023, seed: int = 1) -> Path:
    """Write ``briefing.yaml`` and ``entries/YYYY-Www/<unit>.yaml``; return the config path."""
    rng = random.Random(seed)
    names = [f"单位{i:04d}" for i in range(1, units + 1)]
    root.mkdir(parents=True, exist_ok=True)
    (root / "briefing.yaml").write_text(config_text(names), encoding="utf-8")
    for week in range(1, weeks + 1):
        folder = root / "entries" / f"{year}-W{week:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        for name in names:
            (folder / f"{name}.yaml").write_text(report_text(rng, name, year, week), encoding="utf-8")
    return root / "briefing.yaml"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--units", type=int, default=300)
    parser.add_argument("--weeks", type=int, default=52)
    args = parser.parse_args()
    print(generate(args.folder, args.units, args.weeks))


if __name__ == "__main__":
    main()
