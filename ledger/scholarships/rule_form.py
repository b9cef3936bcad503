"""The rule editor as a form over the rules' JSON: the tree as rows (groups and conditions in Vietnamese words),
the scoring as a table of points per value, and back again. Plain form fields: it works without JavaScript.

Each row answers to the validation path of its node ("all[1].any[0]"), so a problem is shown at its row.
"""
import dataclasses
from dataclasses import dataclass

from ledger.core.i18n import _l
from ledger.scholarships.rules import DOMAINS, FIELD_LABELS, OPERATORS, label
from ledger.scholarships.rules.fields import UNORDERED_FIELDS, score_key
from ledger.scholarships.rules.validate import LISTS, ORDERING

GROUPS = {"all": _l("Đạt tất cả các điều kiện dưới đây"), "any": _l("Đạt ít nhất một điều kiện dưới đây"),
          "not": _l("Không thuộc trường hợp dưới đây")}
OPERATOR_WORDS = {"eq": _l("là"), "ne": _l("không là"), "in": _l("là một trong"), "not_in": _l("không là một trong"),
                  "gte": _l("từ mức này trở lên"), "gt": _l("cao hơn mức này"), "lte": _l("từ mức này trở xuống"),
                  "lt": _l("thấp hơn mức này")}
MAX_ROWS = 200  # a rule of 10 levels with a few conditions each stays far below


@dataclass
class Row:
    """One line of the editor: a group (all/any/not) or a condition (field, operator, chosen value keys)."""
    depth: int
    kind: str
    field: str = "household_status"
    op: str = "eq"
    values: list[str] = dataclasses.field(default_factory=list)
    path: str = ""
    problems: list[str] = dataclasses.field(default_factory=list)

    @property
    def is_group(self) -> bool:
        return self.kind in GROUPS

    @property
    def is_list(self) -> bool:
        return self.op in LISTS


def operators_for(field_name: str) -> list[str]:
    """The operators offered for a field: no "from … up" for values without an order."""
    return [op for op in OPERATORS if not (field_name in UNORDERED_FIELDS and op in ORDERING)]


def choices(field_name: str) -> list[tuple[str, str]]:
    """(key, Vietnamese label) for every value of the field, lowest first."""
    return [(score_key(value), label(field_name, value)) for value in DOMAINS[field_name]]


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def rows_of(node, depth: int = 0, path: str = "") -> list[Row]:
    """A validated rule tree in reading order; a lone condition at the top is shown inside an all-of group."""
    if depth == 0 and not any(key in node for key in GROUPS):
        return [Row(0, "all", path="")] + rows_of(node, 1, "all[0]")
    for key in GROUPS:
        if key in node:
            children = [node["not"]] if key == "not" else node[key]
            paths = [_join(path, key)] if key == "not" else [f"{_join(path, key)}[{i}]" for i in range(len(children))]
            return [Row(depth, key, path=path)] + [row for child, child_path in zip(children, paths, strict=True)
                                                   for row in rows_of(child, depth + 1, child_path)]
    op = next(key for key in node if key != "field")
    values = node[op] if op in LISTS else [node[op]]
    return [Row(depth, "cond", node["field"], op, [score_key(value) for value in values], path)]


def rows_from(form) -> list[Row]:
    """The rows as posted, unknown words replaced by defaults (validation then says what is missing)."""
    rows = []
    for i in range(MAX_ROWS):
        kind = form.get(f"n{i}.kind")
        if kind is None:
            break
        depth = form.get(f"n{i}.depth", "0")
        field_name = form.get(f"n{i}.field") if form.get(f"n{i}.field") in DOMAINS else "household_status"
        op = form.get(f"n{i}.op") if form.get(f"n{i}.op") in operators_for(field_name) else "eq"
        rows.append(Row(int(depth) if depth.isdigit() and len(depth) < 3 else 0,
                        kind if kind in GROUPS else "cond", field_name, op, form.getlist(f"n{i}.value")))
    return rows


def _value(field_name: str, key: str):
    return next((value for value in DOMAINS[field_name] if score_key(value) == key), key)


def _leaf(row: Row) -> dict:
    values = [_value(row.field, key) for key in row.values]
    return {"field": row.field, row.op: values if row.is_list else (values[0] if len(values) == 1 else None)}


def _nest(rows: list[Row], position: int) -> tuple[tuple[Row, list], int]:
    """(row, its nested children) for the row at position (its children are the deeper rows after it)."""
    row = rows[position]
    children, following = [], position + 1
    while row.is_group and following < len(rows) and rows[following].depth > row.depth:
        child, following = _nest(rows, following)
        children.append(child)
    return (row, children), following


def _node(nested: tuple[Row, list], path: str) -> dict:
    """The rule node of a nested row; the row keeps the validation path its problems will name."""
    row, children = nested
    row.path = path
    if not row.is_group:
        return _leaf(row)
    if row.kind == "not" and len(children) == 1:
        return {"not": _node(children[0], _join(path, "not"))}
    key, inner = ("all", _join(path, "not")) if row.kind == "not" else (row.kind, path)
    listed = [_node(child, f"{_join(inner, key)}[{i}]") for i, child in enumerate(children)]
    return {"not": {"all": listed}} if row.kind == "not" else {key: listed}


def tree_of(rows: list[Row]) -> dict:
    """The rule tree the rows describe (the first row is the top group)."""
    if not rows:
        return {"all": []}
    return _node(_nest(rows, 0)[0], "")


def _answers(row: Row, where: str) -> bool:
    return not row.path or where == row.path or where.startswith((row.path + ".", row.path + "["))


def with_problems(rows: list[Row], problems: list[str]) -> None:
    """Attach each "path: message" problem to the row whose path is its longest prefix (the top group's is "")."""
    for problem in problems:
        where, _sep, message = problem.partition(": ")
        owners = [row for row in rows if _answers(row, where)]
        if owners:
            max(owners, key=lambda row: len(row.path)).problems.append(message or problem)


def edited(rows: list[Row], action: str) -> list[Row]:
    """The rows after "add:i" (a condition in group i), "group:i" (an any-of group in i) or "remove:i"."""
    verb, _sep, index = action.partition(":")
    if not index.isdigit() or int(index) >= len(rows):
        return rows
    at = int(index)
    end = at + 1
    while end < len(rows) and rows[end].depth > rows[at].depth:
        end += 1
    if verb == "remove" and at > 0:
        return rows[:at] + rows[end:]
    if verb in ("add", "group") and rows[at].is_group:
        depth = rows[at].depth + 1
        added = [Row(depth, "cond", values=["poor"])]
        if verb == "group":
            added = [Row(depth, "any"), Row(depth + 1, "cond", values=["poor"])]
        return rows[:end] + added + rows[end:]
    return rows


def scoring_from(form) -> dict:
    """{field: {value key: points}} from the table's inputs; blank means no points. What is not a number is
    kept as typed, so the scoring's validation names it at its cell together with the rules' problems."""
    scoring: dict[str, dict] = {}
    for field_name, values in DOMAINS.items():
        for key in (score_key(value) for value in values):
            raw = (form.get(f"s.{field_name}.{key}") or "").strip()
            if raw:
                number = raw.isascii() and raw.isdigit() and len(raw) <= 9
                scoring.setdefault(field_name, {})[key] = int(raw) if number else raw
    return scoring


def scoring_typed(scoring: dict) -> dict[str, str]:
    """The table's inputs for a stored scoring: {"s.household_status.poor": "30"}."""
    return {f"s.{field_name}.{key}": str(points) for field_name, table in scoring.items()
            for key, points in table.items()}


def scoring_problems(problems: list[str]) -> dict[str, list[str]]:
    """Scoring problems by input name ("s.grade.9"), so each is shown at its cell."""
    placed: dict[str, list[str]] = {}
    for problem in problems:
        where, _sep, message = problem.partition(": ")
        placed.setdefault(f"s.{where}", []).append(message or problem)
    return placed


def scored_fields(scores: dict[str, str]) -> set[str]:
    """Fields with points typed in: their part of the table is shown open."""
    return {key.split(".")[1] for key, points in scores.items() if key.startswith("s.") and str(points).strip()}


def field_labels() -> list[tuple[str, str]]:
    return [(name, str(FIELD_LABELS[name])) for name in DOMAINS]
