"""How the code base keeps the restructure's rules (issue 11), counted over ledger/:

lines per package, page and API handlers longer than 15 lines, commit()/rollback() calls outside the
unit of work (core/edge.py and accounts/idempotency.py are the unit of work), `except LedgerError`
blocks, and chart-code literals outside accounts/chart.py. Circles and arrows against the layers are
tests/core/test_import_graph.py's; repeated code is `duplicates`'.

    python scripts/structure_metrics.py [--list]
"""
import ast
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "ledger"
ROUTE_DECORATORS = {"get", "post", "put", "delete", "patch", "route", "read", "write"}
MAX_HANDLER_LINES = 15
UNIT_OF_WORK = {"edge.py", "idempotency.py"}
CHART_CODE = re.compile(r"""["'](111|112|136|152|331|336|338|421|511|512|515|518|521|611|612|614|615|618|621)["']""")


def package_of(path: Path) -> str:
    """ledger/accounts/<feature> counts apart from the books; every other top folder is one package."""
    parts = path.relative_to(ROOT.parent).parts
    depth = 3 if parts[1] == "accounts" and len(parts) > 3 else 2
    return "/".join(parts[:depth])


def is_handler(node: ast.FunctionDef) -> bool:
    return any(isinstance(d, ast.Call) and isinstance(d.func, ast.Attribute) and d.func.attr in ROUTE_DECORATORS
               for d in node.decorator_list)


def measure(path: Path, text: str, found: dict) -> None:
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.FunctionDef) and is_handler(node):
            if node.end_lineno - node.lineno + 1 > MAX_HANDLER_LINES:
                found["handlers over 15 lines"].append(f"{path}:{node.lineno} {node.name}")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and path.name not in UNIT_OF_WORK:
            if node.func.attr in ("commit", "rollback"):
                found[f"{node.func.attr}() outside the unit of work"].append(f"{path}:{node.lineno}")
        elif isinstance(node, ast.ExceptHandler) and node.type is not None and "LedgerError" in ast.unparse(node.type):
            found["except LedgerError"].append(f"{path}:{node.lineno}")
    if path.name != "chart.py":
        found["chart-code literals outside chart.py"] += [f"{path}:{text.count(chr(10), 0, match.start()) + 1} "
                                                          f"{match.group(0)}" for match in CHART_CODE.finditer(text)]


def main(listing: bool) -> None:
    lines: Counter = Counter()
    found: dict = {name: [] for name in ("handlers over 15 lines", "commit() outside the unit of work",
                                         "rollback() outside the unit of work", "except LedgerError",
                                         "chart-code literals outside chart.py")}
    for path in sorted(ROOT.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        lines[package_of(path)] += len(text.splitlines())
        measure(path.relative_to(ROOT.parent), text, found)
    print("lines:", ", ".join(f"{name} {count}" for name, count in sorted(lines.items())), "— total", lines.total())
    for name, places in found.items():
        print(f"{name}: {len(places)}")
        if listing:
            print("".join(f"    {place}\n" for place in places), end="")


if __name__ == "__main__":
    main("--list" in sys.argv)
