"""Which reports are about the same project: the one identity rule, and how similar two names are.

A project is identified (report-format.md, "project identity and counting once") by:

* its ``code`` when given: the same code is the same project whichever unit reports it;
* else its normalised name within its unit (:func:`~briefing.report.fields.project_key`: NFKC,
  spaces and brackets removed, a trailing 项目/工程 removed);
* plus the clerk's ``same_project`` pairs (names or codes, optionally ``单位:名称``).

Items are first keyed by ``(unit, normalised name)`` (a *node*: what a fold keys its project
rollups by); :class:`Identities` then joins nodes with a union-find: a node with a code joins
the code, a node named in a ``same_project`` pair joins the pair's other side, transitively.  So
a project reported first without its code and later with it is one project, and
``A = B, B = C`` merges all three.  ``distinct`` pairs never merge anything: they only silence
the duplicate warnings (:mod:`briefing.figures.duplicates`), as does a ``same_project`` pair.

:func:`similar` is the rename test (L2): :class:`difflib.SequenceMatcher` ratio ≥ 85% on
normalised names, standard library and good enough for names of a dozen characters; names whose
numbers differ (``年产10万吨`` / ``年产20万吨``, ``一期`` / ``二期``) are never similar: numbers tell
projects apart.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from typing import Iterable

from briefing.report.fields import investor_key, project_key

__all__ = ["Identities", "Label", "investor_key", "project_key", "similar", "SIMILARITY"]

Node = tuple
"""``("n", unit, name key)`` for an item; ``("c", code)`` and ``("l", …)`` join nodes."""

SIMILARITY = 0.85
_NUMBERS = re.compile(r"[0-9]+(?:\.[0-9]+)?|[一二三四五六七八九十百千万]+(?=期|号|区|栋|标段)")


def similar(a: str, b: str) -> bool:
    """Whether two normalised names are probably one project renamed (see the module docstring)."""
    if a == b:
        return True
    if _NUMBERS.findall(a) != _NUMBERS.findall(b):
        return False
    total = len(a) + len(b)
    if 2 * min(len(a), len(b)) < SIMILARITY * total:  # the ratio's upper bound from the lengths alone
        return False
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    return matcher.quick_ratio() >= SIMILARITY and matcher.ratio() >= SIMILARITY


class Label:
    """One side of a ``same_project`` / ``distinct`` pair: a code, a name, or ``单位:名称``."""

    def __init__(self, text: str, units: Iterable[str]):
        self.text = text
        self.unit: str | None = None
        body = text.strip()
        for sep in (":", "："):
            head, found, tail = body.partition(sep)
            if found and head.strip() in set(units) and tail.strip():
                self.unit, body = head.strip(), tail.strip()
                break
        self.code = body
        self.key = project_key(body)

    def matches(self, unit: str, key: str, codes: Iterable[str | None]) -> bool:
        """Whether an item of ``unit`` with name ``key`` and these codes is what the label names."""
        if self.unit is not None and self.unit != unit:
            return False
        return key == self.key or (self.unit is None and any(c is not None and (c == self.code or project_key(c) == self.key)
                                                             for c in codes))

    @property
    def node(self) -> Node:
        return ("l", self.unit, self.key)


class Identities:
    """Union-find over nodes (see the module docstring); :meth:`find` is a node's identity."""

    def __init__(self, same_project: list[list[str]] = (), units: Iterable[str] = ()):
        self.parent: dict[Node, Node] = {}
        units = list(units)
        self.labels: dict[tuple[str | None, str], Label] = {}
        by_code: dict[str, Label] = {}
        for a, b in same_project:
            left, right = Label(a, units), Label(b, units)
            for label in (left, right):
                self.labels.setdefault((label.unit, label.key), label)
                by_code.setdefault(label.code, label)
            self.union(left.node, right.node)
        self._by_code = by_code

    def find(self, node: Node) -> Node:
        parent = self.parent
        root = node
        while (up := parent.get(root, root)) != root:
            root = up
        while node != root:  # path compression
            node, parent[node] = parent.get(node, node), root
        return root

    def union(self, a: Node, b: Node) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            low, high = sorted((ra, rb), key=repr)  # deterministic root (parts may be None)
            self.parent[high] = low

    def register(self, unit: str, key: str, codes: Iterable[str | None]) -> Node:
        """Join an item's node ``("n", unit, key)`` to its codes and to the pairs naming it."""
        node = ("n", unit, key)
        codes = [c for c in codes if c is not None]
        for code in codes:
            self.union(node, ("c", code))
        if self.labels:
            for label_key in ((None, key), (unit, key)):
                if label_key in self.labels:
                    self.union(node, self.labels[label_key].node)
            for code in codes:
                label = self._by_code.get(code) or self.labels.get((None, project_key(code)))
                if label is not None and label.unit is None:
                    self.union(node, label.node)
        return node


def paired(pairs: list[list[str]], units: Iterable[str], a: tuple[str, str, Iterable[str | None]],
           b: tuple[str, str, Iterable[str | None]]) -> bool:
    """Whether one of ``pairs`` names items ``a`` and ``b`` (each ``(unit, key, codes)``), either way round."""
    units = list(units)
    for left, right in pairs:
        x, y = Label(left, units), Label(right, units)
        if (x.matches(*a) and y.matches(*b)) or (x.matches(*b) and y.matches(*a)):
            return True
    return False
