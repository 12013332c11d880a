"""The package's layers: a module imports only from its own layer or lower ones, and no import
circle exists, not even through an import inside a function or one for type checking only.

The layers, lowest first (a newcomer's map of the package is in the README):

0. ``briefing`` itself, ``errors``, ``fmt``, ``weeks``: the exception, how things are written, the week
1. ``report``: one unit's report and the bureau's config
2. ``figures``: pure aggregation
3. ``editions``, ``forms``: output, and what units receive
4. ``workspace``: the workspace on disk
5. ``mail``: e-mail
6. ``actions``: what the clerk does
7. ``cli`` (the commands, a package by task), ``clizh``, ``__main__`` (and ``web``): the edges
"""

from __future__ import annotations

import ast
from pathlib import Path

import briefing

LAYERS = (
    ("briefing", "briefing.errors", "briefing.fmt", "briefing.weeks"),
    ("briefing.report",),
    ("briefing.figures",),
    ("briefing.editions", "briefing.forms"),
    ("briefing.workspace",),
    ("briefing.mail",),
    ("briefing.actions",),
    ("briefing.cli", "briefing.clizh", "briefing.__main__", "briefing.web"),
)
PACKAGE = Path(briefing.__file__).resolve().parent


def modules() -> dict[str, Path]:
    """Every module of the package by its dotted name."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def rank(module: str) -> int:
    """The layer of a module: that of the longest entry of :data:`LAYERS` it is or is inside
    (the package itself only as itself)."""
    best, length = None, -1
    for layer, names in enumerate(LAYERS):
        for name in names:
            inside = module == name or (name != "briefing" and module.startswith(name + "."))
            if inside and len(name) > length:
                best, length = layer, len(name)
    assert best is not None, f"{module} is in no layer: add it to LAYERS"
    return best


def imports(module: str, path: Path, known: set[str]) -> set[str]:
    """The package modules ``module`` imports, wherever the import statement stands."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
            for alias in node.names:
                found.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base)
    return {name for name in found if name in known and name != module}


def graph() -> dict[str, set[str]]:
    every = modules()
    return {name: imports(name, path, set(every)) for name, path in every.items()}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in sorted(edges[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_every_module_is_in_a_layer():
    for name in modules():
        rank(name)


def test_no_module_imports_from_a_higher_layer():
    upward = [f"{module} (layer {rank(module)}) imports {target} (layer {rank(target)})"
              for module, targets in graph().items() for target in sorted(targets) if rank(target) > rank(module)]
    assert not upward, "imports from a higher layer:\n" + "\n".join(upward)


def test_no_import_circles():
    found = cycles(graph())
    assert not found, "import circles:\n" + "\n".join(" <-> ".join(circle) for circle in found)


def test_the_checks_see_what_they_look_for():
    edges = graph()
    assert "briefing.report.model" in edges["briefing.figures.figures"]           # a top-level import
    assert "briefing.workspace.cache" in edges["briefing.workspace.loading"]      # one inside a function
    assert "briefing" in edges["briefing.mail.imap"]                              # from briefing import __version__
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert rank("briefing.mail.engine") == 5 and rank("briefing") == 0 and rank("briefing.weeks") == 0
    assert "briefing.cli.edge" in edges["briefing.cli.build"] and rank("briefing.cli.build") == 7  # the cli package
    assert "briefing.cli.build" in edges["briefing.cli"]                          # from briefing.cli import build
