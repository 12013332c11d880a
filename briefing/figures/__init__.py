"""Pure aggregation (no I/O, exact Decimals): named figures, contributions, folds, the briefing.

- :mod:`~briefing.figures.figures`: :class:`Figures` (the one definition of every figure) and a report's contribution
- :mod:`~briefing.figures.fold`: contributions folded into totals, project rollups, table rows
- :mod:`~briefing.figures.briefing`: the :class:`Briefing` of a week, from one fold per week
- :mod:`~briefing.figures.assessment`: the evaluative prose's figures (完成率 vs 时序进度, ranking, 环比, shares, stages)
- :mod:`~briefing.figures.regions`: destination → province
"""
