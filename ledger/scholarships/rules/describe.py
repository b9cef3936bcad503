"""Rules and scoring as Vietnamese text: for the decision, the rule editor and each reason."""
from ledger.core.i18n import _, _l
from ledger.scholarships.rules.fields import DOMAINS, FIELD_LABELS, label, score_key
from ledger.scholarships.rules.validate import LISTS, validate_rules, validate_scoring

# How a student's own value is introduced; fields not listed show the bare label.
_SUBJECTS = {"grade": _l("Lớp %(value)s"), "academic_result": _l("Kết quả học tập %(value)s"),
             "conduct": _l("Kết quả rèn luyện %(value)s"), "best_prize_level": _l("Giải cao nhất: %(value)s")}
_REQUIREMENTS = {
    "eq": _l("yêu cầu %(value)s"), "in": _l("yêu cầu thuộc %(value)s"),
    "ne": _l("yêu cầu khác %(value)s"), "not_in": _l("yêu cầu không thuộc %(value)s"),
    "gt": _l("yêu cầu trên %(value)s"), "gte": _l("yêu cầu từ %(value)s"),
    "lt": _l("yêu cầu dưới %(value)s"), "lte": _l("yêu cầu %(value)s trở xuống"),
}
# "khác không mồ côi" reads badly: a short exclusion is said as the values left ("mồ côi cha hoặc mẹ").
_SAID_AS_REST = 3


def _rest(field: str, op: str, expected) -> list:
    excluded = expected if op == "not_in" else [expected]
    return [value for value in DOMAINS[field] if value not in excluded]


def requirement(field: str, op: str, expected) -> str:
    if op in ("ne", "not_in") and 0 < len(rest := _rest(field, op, expected)) <= _SAID_AS_REST:
        return str(_REQUIREMENTS["eq"]) % {"value": _(", hoặc ").join(label(field, value) for value in rest)}
    values = expected if op in LISTS else [expected]
    return str(_REQUIREMENTS[op]) % {"value": ", ".join(label(field, value) for value in values)}


def subject(field: str, value) -> str:
    text = str(_SUBJECTS.get(field, "%(value)s")) % {"value": label(field, value)}
    return text[0].upper() + text[1:]


_COMBINATOR_TEXT = {"all": _l("Đạt tất cả các điều kiện sau:"), "any": _l("Đạt ít nhất một trong các điều kiện sau:"),
                    "not": _l("Không thuộc trường hợp sau:")}


def describe_rules(rules, depth: int = 0) -> list[tuple[int, str]]:
    """Validated rules as indented Vietnamese lines, for the decision and the rule editor."""
    if depth == 0:
        validate_rules(rules)
    key = next((k for k in ("all", "any", "not") if k in rules), None)
    if key is None:
        op = next(k for k in rules if k != "field")
        return [(depth, f"{FIELD_LABELS[rules['field']]}: {requirement(rules['field'], op, rules[op])}")]
    children = [rules["not"]] if key == "not" else rules[key]
    return [(depth, str(_COMBINATOR_TEXT[key]))] + [line for child in children
                                                    for line in describe_rules(child, depth + 1)]


def describe_scoring(scoring) -> list[str]:
    """One line per scored field: "Hoàn cảnh gia đình: hộ nghèo 30 điểm; hộ cận nghèo 20 điểm"."""
    validate_scoring(scoring)
    lines = []
    for field, table in scoring.items():
        values = {score_key(value): value for value in DOMAINS[field]}
        parts = [_("%(value)s %(points)s điểm", value=label(field, values[key]), points=points)
                 for key, points in table.items()]
        lines.append(f"{FIELD_LABELS[field]}: {'; '.join(parts)}")
    return lines
