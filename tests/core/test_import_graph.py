"""The imports of ledger/ go one way (issue 11): no circles, and no module imports a layer above its own.

The graph is read with ast from the sources, so it holds every import: at the top of a module, inside a
function, under TYPE_CHECKING. `from pkg import name` is an edge to the module pkg.name when there is one,
else to pkg. Importing a module also runs its packages' __init__, but that is not counted as an edge: the
packages' own imports are (and tests/core/test_pure_core.py checks what a pure module really loads).
"""
import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "ledger"
FEATURES = ("treasury", "community", "campaigns", "banking")  # the books' features, lowest first

# Layers from low to high; a module may import its own layer and the ones below, never one above.
# "demo ground" is ledger/demo/places.py: the places, people and funds every feature's demo step builds on
# (it imports books, auth and units only); ledger/demo/load.py, which runs those steps, is "demo".
LAYERS = ("core", "units", "auth", "books", "demo ground", *FEATURES, "scholarships", "learning", "reports",
          "inspection", "setup", "backup", "home", "demo", "migrations", "app", "cli")

# (importer, imported) edges allowed against the arrows, each with the reason it cannot be avoided.
EXCEPTIONS: dict[tuple[str, str], str] = {}


def layer(module: str) -> str:
    parts = module.split(".")
    if parts[1:2] in (["core"], ["extensions"], ["config"]):
        return "core"
    if parts[1:2] == ["accounts"]:
        return parts[2] if len(parts) > 2 and parts[2] in FEATURES else "books"
    if len(parts) == 1:
        return "app"  # ledger/__init__.py: create_app wires every feature
    if module == "ledger.demo.places":
        return "demo ground"
    return parts[1]


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def is_package(path: Path) -> bool:
    return path.name == "__init__.py"


def modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def imported(node: ast.Import | ast.ImportFrom, module: str, package: bool, known) -> Iterator[str]:
    """The ledger modules one import statement names, relative imports resolved."""
    if isinstance(node, ast.Import):
        yield from (alias.name for alias in node.names)
        return
    base = node.module or ""
    if node.level:
        anchor = module.split(".")
        anchor = anchor if package else anchor[:-1]
        anchor = anchor[:len(anchor) - node.level + 1]
        base = ".".join([*anchor, base] if base else anchor)
    for alias in node.names:
        yield f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base


def import_graph() -> dict[str, set[str]]:
    known = modules()
    graph: dict[str, set[str]] = {}
    for module, path in known.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        targets = {target for node in ast.walk(tree) if isinstance(node, ast.Import | ast.ImportFrom)
                   for target in imported(node, module, is_package(path), known)}
        graph[module] = {target for target in targets if target in known and target != module}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One circle (a → … → a) per strongly connected group of modules (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[set[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        for target in sorted(graph[module]):
            if target not in index:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            group = {stack.pop()}
            while module not in group:
                group.add(stack.pop())
            if len(group) > 1:
                groups.append(group)

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return [circle_through(graph, group) for group in groups]


def circle_through(graph: dict[str, set[str]], group: set[str]) -> list[str]:
    """The shortest circle from the group's first module back to itself (breadth first, inside the group)."""
    start = min(group)
    paths = {start: [start]}
    frontier = [start]
    while frontier:
        following = []
        for module in frontier:
            for target in sorted(graph[module] & group):
                if target == start:
                    return [*paths[module], start]
                if target not in paths:
                    paths[target] = [*paths[module], target]
                    following.append(target)
        frontier = following
    raise AssertionError(f"no circle in {group}")


def upward_imports(graph: dict[str, set[str]]) -> list[str]:
    rank = {name: i for i, name in enumerate(LAYERS)}
    return [f"{module} ({layer(module)}) imports {target} ({layer(target)})"
            for module, targets in sorted(graph.items()) for target in sorted(targets)
            if rank[layer(target)] > rank[layer(module)] and (module, target) not in EXCEPTIONS]


def test_every_module_has_a_layer():
    unknown = sorted(module for module in import_graph() if layer(module) not in LAYERS)
    assert not unknown, "modules outside every layer (add them to LAYERS): " + ", ".join(unknown)


def test_no_import_circles():
    found = cycles(import_graph())
    assert not found, "import circles:\n" + "\n".join(" → ".join(circle) for circle in found)


def test_imports_go_down_the_layers():
    found = upward_imports(import_graph())
    assert not found, (f"imports against the arrows ({' < '.join(LAYERS)}):\n" + "\n".join(found))


def test_exceptions_are_still_needed():
    graph = import_graph()
    stale = [f"{a} → {b}" for a, b in EXCEPTIONS if b not in graph.get(a, set())]
    assert not stale, "exceptions no longer needed (remove them): " + ", ".join(stale)
