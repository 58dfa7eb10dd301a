"""The package's layout is its architecture: rooms, their interfaces, and no import cycles.

Read from the source (every ``import`` statement, lazy ones inside functions included), so that a
change that breaks the layering fails here, whatever the order in which modules happen to be
imported at run time.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import infoloss

SRC = Path(infoloss.__file__).parent
TOP = "(top)"  # infoloss/__init__, _measures, _docs, __main__: the public face

# Which rooms each room may import from (the layering, lowest first).
MAY_IMPORT: dict[str, set[str]] = {
    "_core": set(),
    "datasets": set(),
    "discrete": {"_core"},
    "distributions": {"_core", "discrete"},
    "data": {"_core", "discrete", "distributions"},
    "fitting": {"discrete", "distributions"},
    "losses": {"_core", "discrete"},
    TOP: {"_core", "discrete", "distributions", "data", "fitting", "losses"},
    "cli": {TOP, "_core", "distributions", "datasets"},
}
MAX_LINES = 400


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _room(module: str) -> str:
    parts = module.split(".")
    if module == "infoloss.__main__":  # ``python -m infoloss``: the command line
        return "cli"
    return parts[1] if len(parts) > 1 and parts[1] in MAY_IMPORT else TOP


MODULES = {_module_name(p): p for p in sorted(SRC.rglob("*.py"))}


def _imports(module: str) -> list[tuple[str, list[str], int]]:
    """``(target module, imported names, line)`` for every import of infoloss in `module`."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            names = [a.name for a in node.names]
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "infoloss":
                    found.append((alias.name, [], node.lineno))
            continue
        else:
            continue
        if target.split(".")[0] != "infoloss":
            continue
        submodules = [n for n in names if f"{target}.{n}" in MODULES]
        if submodules and len(submodules) == len(names):  # from package import module
            found.extend((f"{target}.{n}", [], node.lineno) for n in names)
        else:
            found.append((target, names, node.lineno))
    return found


GRAPH = {m: sorted({t for t, _, _ in _imports(m) if t != m}) for m in MODULES}


def _cycle() -> list[str] | None:
    """One import cycle among the modules, or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(m: str) -> list[str] | None:
        state[m] = 1
        path.append(m)
        for t in GRAPH.get(m, []):
            if state.get(t) == 1:
                return [*path[path.index(t) :], t]
            if t not in state and (found := visit(t)):
                return found
        path.pop()
        state[m] = 2
        return None

    for m in MODULES:
        if m not in state and (found := visit(m)):
            return found
    return None


def test_the_source_has_no_import_cycle() -> None:
    cycle = _cycle()
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_the_cycle_check_finds_a_cycle() -> None:
    """The check above can fail: on a graph with a cycle it reports one."""
    saved = dict(GRAPH)
    try:
        GRAPH["infoloss._core"] = [*GRAPH["infoloss._core"], "infoloss.discrete"]
        cycle = _cycle()
    finally:
        GRAPH.clear()
        GRAPH.update(saved)
    assert cycle is not None
    assert "infoloss._core" in cycle
    assert "infoloss.discrete" in cycle


@pytest.mark.parametrize("module", sorted(MODULES))
def test_rooms_meet_only_through_their_interfaces(module: str) -> None:
    """Another room is imported as its package (``from ..data import Samples``), never through
    its private modules or private names, and only where the layering allows."""
    room = _room(module)
    for target, names, line in _imports(module):
        other = _room(target)
        if other == room:
            continue
        where = f"{module} line {line} imports {target}"
        assert other in MAY_IMPORT[room], f"{where}: {room} may not import from {other}"
        interface = "infoloss" if other == TOP else f"infoloss.{other}"
        assert target == interface, f"{where}: import from {interface} instead"
        private = [n for n in names if n.startswith("_") and not n.endswith("__")]
        assert not private, f"{where}: private names {private}"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_modules_stay_short(module: str) -> None:
    lines = len(MODULES[module].read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{module} has {lines} lines (at most {MAX_LINES}): split it"


@pytest.mark.parametrize("room", sorted(r for r in MAY_IMPORT if r != TOP))
def test_each_room_says_what_it_holds_and_may_import(room: str) -> None:
    doc = ast.get_docstring(ast.parse((SRC / room / "__init__.py").read_text(encoding="utf-8")))
    assert doc, f"infoloss.{room} has no docstring"
    allowed = MAY_IMPORT[room]
    for other in allowed - {TOP}:
        assert f"infoloss.{other}" in doc, f"infoloss.{room}'s docstring omits infoloss.{other}"
    if not allowed:
        assert "no other part of infoloss" in doc
