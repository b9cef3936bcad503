"""Checking a rule tree and a scoring table: every problem reported at once, each with its path."""
from collections.abc import Mapping

from ledger.core.errors import ValidationFailed
from ledger.core.i18n import _
from ledger.scholarships.rules.fields import BOOLEAN_FIELDS, DOMAINS, choices, in_domain, score_key

OPERATORS = ("eq", "ne", "in", "not_in", "gt", "gte", "lt", "lte")
ORDERING = frozenset({"gt", "gte", "lt", "lte"})
LISTS = frozenset({"in", "not_in"})
MAX_DEPTH = 10


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _scalar_problems(field: str, value, path: str) -> list[str]:
    if in_domain(field, value):
        return []
    if field in BOOLEAN_FIELDS:
        return [_("%(path)s: giá trị phải là true hoặc false", path=path)]
    if field == "grade" and type(value) is not int:
        return [_("%(path)s: lớp phải là số nguyên từ 1 đến 12", path=path)]
    if field != "grade" and not isinstance(value, str):
        return [_("%(path)s: giá trị phải là chuỗi, một trong: %(choices)s", path=path, choices=choices(field))]
    return [_("%(path)s: giá trị '%(value)s' không thuộc trường '%(field)s' (một trong: %(choices)s)",
              path=path, value=value, field=field, choices=choices(field))]


def _value_problems(field: str, op: str, value, path: str) -> list[str]:
    if op in ORDERING and field in BOOLEAN_FIELDS:
        return [_("%(path)s: không so sánh lớn/nhỏ với trường đúng/sai '%(field)s'", path=path, field=field)]
    if op not in LISTS:
        return _scalar_problems(field, value, path)
    if not isinstance(value, list):
        return [_("%(path)s: phải là một danh sách giá trị", path=path)]
    if not value:
        return [_("%(path)s: danh sách giá trị không được rỗng", path=path)]
    return [p for i, item in enumerate(value) for p in _scalar_problems(field, item, f"{path}[{i}]")]


def _condition_problems(node: Mapping, path: str) -> list[str]:
    field, where = node.get("field"), path or "rules"
    ops = [key for key in node if key != "field"]
    known = [key for key in ops if key in OPERATORS]
    problems = [_("%(path)s: toán tử '%(op)s' không tồn tại", path=_join(path, str(key)), op=key)
                for key in ops if key not in OPERATORS]
    if "field" not in node:
        problems.append(_("%(path)s: thiếu 'field' (hoặc 'all', 'any', 'not')", path=where))
    elif not isinstance(field, str) or field not in DOMAINS:
        problems.append(_("%(path)s: trường '%(field)s' không tồn tại", path=_join(path, "field"), field=field))
    elif len(known) == 1:
        problems += _value_problems(field, known[0], node[known[0]], _join(path, known[0]))
    if not ops:
        problems.append(_("%(path)s: thiếu toán tử (một trong: %(ops)s)", path=where, ops=", ".join(OPERATORS)))
    elif len(known) > 1:
        problems.append(_("%(path)s: chỉ được dùng một toán tử, đang có: %(ops)s", path=where, ops=", ".join(known)))
    return problems


def _node_problems(node, path: str, depth: int) -> list[str]:
    where = path or "rules"
    if not isinstance(node, Mapping):
        return [_("%(path)s: mỗi quy tắc phải là một đối tượng JSON", path=where)]
    combinators = [key for key in ("all", "any", "not") if key in node]
    if not combinators:
        return _condition_problems(node, path)
    if len(node) != 1:
        return [_("%(path)s: quy tắc ghép chỉ có đúng một khóa 'all', 'any' hoặc 'not'", path=where)]
    if depth >= MAX_DEPTH:
        return [_("%(path)s: lồng quá %(max)s cấp", path=where, max=MAX_DEPTH)]
    key = combinators[0]
    inner = _join(path, key)
    if key == "not":
        return _node_problems(node["not"], inner, depth + 1)
    children = node[key]
    if not isinstance(children, list):
        return [_("%(path)s: phải là một danh sách điều kiện", path=inner)]
    if not children:
        return [_("%(path)s: danh sách điều kiện không được rỗng", path=inner)]
    return [p for i, child in enumerate(children) for p in _node_problems(child, f"{inner}[{i}]", depth + 1)]


def validate_rules(rules) -> None:
    """Raise ValidationFailed listing every problem of the rule tree, each with its path."""
    problems = _node_problems(rules, "", 0)
    if problems:
        raise ValidationFailed(_("Điều kiện xét chọn không hợp lệ."), field="rules", errors={"rules": problems})


def _scoring_problems(scoring) -> list[str]:
    if not isinstance(scoring, Mapping):
        return [_("scoring: phải là một đối tượng {trường: {giá trị: điểm}}")]
    problems = []
    for field, table in scoring.items():
        if not isinstance(field, str) or field not in DOMAINS:
            problems.append(_("%(path)s: trường '%(field)s' không tồn tại", path=field, field=field))
        elif not isinstance(table, Mapping):
            problems.append(_("%(path)s: phải là một đối tượng {giá trị: điểm}", path=field))
        else:
            problems += _table_problems(field, table)
    return problems


def _table_problems(field: str, table: Mapping) -> list[str]:
    keys = {score_key(value) for value in DOMAINS[field]}
    problems = []
    for key, points in table.items():
        path = f"{field}.{key}"
        if key not in keys:
            problems.append(_("%(path)s: giá trị '%(value)s' không thuộc trường '%(field)s' (một trong: %(choices)s)",
                              path=path, value=key, field=field, choices=choices(field)))
        if type(points) is not int or points < 0:
            problems.append(_("%(path)s: điểm phải là số nguyên không âm", path=path))
    return problems


def validate_scoring(scoring) -> None:
    """Raise ValidationFailed listing every problem of a {field: {value: points}} table."""
    problems = _scoring_problems(scoring)
    if problems:
        raise ValidationFailed(_("Cách tính điểm không hợp lệ."), field="scoring", errors={"scoring": problems})
