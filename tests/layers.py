"""The layer contracts of the package, checked on the source: every import statement, also those inside
functions (where lazy imports hide cycles), in every module under configurator/.

- LAYERS, bottom to top: a module imports its own package and packages of lower layers only; packages
  side by side in one layer do not import each other.
- IMPORTED_ONLY_BY: the window (ui) is imported by app.py alone.
- FORBIDDEN_IMPORTS: no Qt or pyqtgraph below the charts; no SQL in the core or the wording.
- No import cycle between packages.
Used by tests/unit/test_layers.py on the real tree and on altered copies (proving each contract can fail).
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

# bottom -> top. A module may import packages of a lower layer, and its own package.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("present",),  # the wording: the standard library only
    ("paths",),  # where user data and resources live
    ("core",),  # the Qt-free, SQL-free domain
    ("catalog", "store"),  # the embedded catalog and the user database (sqlite-utils)
    ("team",),  # the team server (PostgreSQL via psycopg): syncs the user database and the catalog
    ("charts",),  # pyqtgraph charts, no ui widget
    ("export",),  # documents
    ("ui",),  # the window
    ("app",),  # starting the window
    ("commands",),  # command-line subcommands
    ("cli",),
    ("__main__",),
)
# third-party packages a layer must not load
FORBIDDEN_IMPORTS = {
    "present": ("PySide6", "shiboken6", "pyqtgraph", "numpy", "sqlite3", "sqlite_utils"),
    "core": ("PySide6", "shiboken6", "pyqtgraph", "sqlite3", "sqlite_utils"),
    "catalog": ("PySide6", "shiboken6", "pyqtgraph"),
    "store": ("PySide6", "shiboken6", "pyqtgraph"),
    "team": ("PySide6", "shiboken6", "pyqtgraph"),
    "paths": ("PySide6", "shiboken6", "pyqtgraph"),
}
# packages only the named ones may import (besides themselves): the window is started by app.py alone
IMPORTED_ONLY_BY = {"ui": ("app",)}
ROOT_PACKAGE = "configurator"


def unit_of(module: str) -> str | None:
    """'configurator.core.sizing.arch' -> 'core'; the package root itself -> None."""
    parts = module.split(".")
    if parts[0] != ROOT_PACKAGE:
        return None
    return parts[1] if len(parts) > 1 else None


def _module_name(path: Path, root: Path) -> str:
    rel = path.relative_to(root).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path, module: str, src: Path) -> list[tuple[str, int]]:
    """Every module named by an import statement anywhere in the file (functions included), with its line."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.append((target, node.lineno))
            # `from configurator import ui` names a package too (`import __version__` names an attribute)
            found += [(f"{target}.{alias.name}", node.lineno) for alias in node.names
                      if target == ROOT_PACKAGE and ((src / target / alias.name).is_dir()
                                                     or (src / target / f"{alias.name}.py").is_file())]
    return found


def scan(src: Path) -> dict[str, list[tuple[str, int]]]:
    """module -> imports, for every .py file under ``src`` (the folder holding the ``configurator`` package)."""
    return {(_m := _module_name(p, src)): imports_of(p, _m, src) for p in sorted((src / ROOT_PACKAGE).rglob("*.py"))}


def violations(src: Path) -> list[str]:
    """Every broken contract, one line each (empty when the tree keeps them all)."""
    rank = {name: i for i, layer in enumerate(LAYERS) for name in layer}
    graph: dict[str, set[str]] = defaultdict(set)
    out = []
    for module, imports in scan(src).items():
        here = unit_of(module)
        for target, line in imports:
            top = target.split(".")[0]
            if here in FORBIDDEN_IMPORTS and top in FORBIDDEN_IMPORTS[here]:
                out.append(f"{module}:{line} imports {target}: {here} must not load {top}")
            there = unit_of(target)
            if here is None or there is None or there == here:
                continue
            graph[here].add(there)
            if there in IMPORTED_ONLY_BY and here not in IMPORTED_ONLY_BY[there]:
                out.append(f"{module}:{line} imports {target}: only {', '.join(IMPORTED_ONLY_BY[there])} may "
                           f"import {there}")
                continue
            if here not in rank or there not in rank:
                out.append(f"{module}:{line} imports {target}: {here if here not in rank else there} has no layer "
                           f"in tests/layers.py")
            elif rank[there] > rank[here]:
                out.append(f"{module}:{line} imports {target}: {here} is below {there}")
            elif rank[there] == rank[here]:
                out.append(f"{module}:{line} imports {target}: {here} and {there} are side by side and must not "
                           f"import each other")
    out += [f"import cycle between packages: {' -> '.join(c)}" for c in cycles(graph)]
    return out


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle per strongly connected component of more than one package (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component) + [sorted(component)[0]])

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found
