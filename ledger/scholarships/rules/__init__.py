"""Scholarship eligibility and scoring: a small JSON rule language, validated (validate.py),
explained in Vietnamese (describe.py) and judged condition by condition (evaluate.py).

Pure: importing it loads neither Flask nor SQLAlchemy, so it is tested and reused without an app.
"""
from ledger.scholarships.rules.describe import describe_rules, describe_scoring
from ledger.scholarships.rules.evaluate import Evaluation, Reason, best_prize_level, evaluate, score
from ledger.scholarships.rules.fields import (
    BOOLEAN_FIELDS,
    DOMAINS,
    FIELD_LABELS,
    LABELS,
    PRIZE_RANK_LABELS,
    in_domain,
    label,
)
from ledger.scholarships.rules.presets import PRESETS
from ledger.scholarships.rules.validate import MAX_DEPTH, OPERATORS, validate_rules, validate_scoring

__all__ = ["BOOLEAN_FIELDS", "DOMAINS", "FIELD_LABELS", "LABELS", "MAX_DEPTH", "OPERATORS", "PRESETS",
           "PRIZE_RANK_LABELS", "Evaluation", "Reason", "best_prize_level", "describe_rules", "describe_scoring",
           "evaluate", "in_domain", "label", "score", "validate_rules", "validate_scoring"]
