"""Pure aggregation (no I/O, exact Decimals): named figures, contributions, folds, the briefing.

- :mod:`~briefing.figures.figures`: :class:`Figures` (the one definition of every figure) and a report's contribution
- :mod:`~briefing.figures.fold`: contributions folded into totals, project rollups, table rows
- :mod:`~briefing.figures.briefing`: the :class:`Briefing` of a week, from one fold per week
- :mod:`~briefing.figures.assessment`: the evaluative prose's figures (完成率 vs 时序进度, ranking, 环比, shares, stages)
- :mod:`~briefing.figures.regions`: destination → province
- :mod:`~briefing.figures.opening`: the config's opening balances as a fold; :mod:`~briefing.figures.checks`: suspicious figures
- :mod:`~briefing.figures.identity`, :mod:`~briefing.figures.ledger`, :mod:`~briefing.figures.duplicates`,
  :mod:`~briefing.figures.ledger_table`: the project ledger (one identity per project, counted once, duplicates);
  :mod:`~briefing.figures.ledger_view`: what a week's briefing takes from it, cacheable
- :mod:`~briefing.figures.week_figures`: the year's sums a week's briefing prints, cacheable
- :mod:`~briefing.figures.trips`: the 外出招商情况上报表 rows
"""
