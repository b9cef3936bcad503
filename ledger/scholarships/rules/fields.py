"""The fields a rule may name: each one's values (lowest first) and their Vietnamese labels.

Field names are data: programs' rules and candidates' facts are stored as JSON under these names.
"""
from ledger.core.i18n import _l

_RESULTS = ("chua_dat", "dat", "kha", "tot")

# Every field's values, lowest first: ordering operators compare positions in these tuples.
DOMAINS: dict[str, tuple] = {
    "household_status": ("none", "near_poor", "poor"),
    "orphan": ("none", "one_parent", "both_parents"),
    "disability": (False, True),
    "ethnic_minority": (False, True),
    "grade": tuple(range(1, 13)),
    "academic_result": _RESULTS,
    "conduct": _RESULTS,
    "best_prize_level": ("none", "school", "district", "province", "national", "international"),
    # Who is judged: pupils, learners beyond grade 12, and the teachers and workers a fund honours (issue 14).
    "level": ("school", "college", "university", "abroad", "adult", "teacher", "worker"),
}
BOOLEAN_FIELDS = frozenset({"disability", "ethnic_minority"})
# Fields whose values have no order: the rule form offers no "từ … trở lên" for them.
UNORDERED_FIELDS = BOOLEAN_FIELDS | {"level"}
# Facts recorded before a field existed: every candidate nominated before levels was a pupil.
DEFAULTS = {"level": "school"}

_RESULT_LABELS = {"chua_dat": _l("Chưa đạt"), "dat": _l("Đạt"), "kha": _l("Khá"), "tot": _l("Tốt")}
LABELS: dict[str, dict] = {
    "household_status": {"none": _l("không thuộc hộ nghèo/cận nghèo"),
                         "near_poor": _l("hộ cận nghèo"), "poor": _l("hộ nghèo")},
    "orphan": {"none": _l("không mồ côi"), "one_parent": _l("mồ côi cha hoặc mẹ"),
               "both_parents": _l("mồ côi cả cha lẫn mẹ")},
    "disability": {False: _l("không khuyết tật"), True: _l("khuyết tật")},
    "ethnic_minority": {False: _l("không phải dân tộc thiểu số"), True: _l("dân tộc thiểu số")},
    "grade": {grade: str(grade) for grade in DOMAINS["grade"]},
    "academic_result": _RESULT_LABELS,
    "conduct": _RESULT_LABELS,
    "best_prize_level": {"none": _l("không có giải"), "school": _l("giải cấp trường"),
                         "district": _l("giải cấp huyện"), "province": _l("giải cấp tỉnh"),
                         "national": _l("giải cấp quốc gia"), "international": _l("giải cấp quốc tế")},
    "level": {"school": _l("học sinh phổ thông"), "college": _l("sinh viên cao đẳng"),
              "university": _l("sinh viên đại học"), "abroad": _l("du học sinh"),
              "adult": _l("học viên người lớn"), "teacher": _l("giáo viên"),
              "worker": _l("công nhân, người lao động giỏi")},
}
FIELD_LABELS = {
    "household_status": _l("Hoàn cảnh gia đình"), "orphan": _l("Tình trạng mồ côi"),
    "disability": _l("Tình trạng khuyết tật"), "ethnic_minority": _l("Dân tộc"), "grade": _l("Lớp"),
    "academic_result": _l("Kết quả học tập"), "conduct": _l("Kết quả rèn luyện"),
    "best_prize_level": _l("Giải học sinh giỏi cao nhất"), "level": _l("Đối tượng"),
}
PRIZE_RANK_LABELS = {"first": _l("giải Nhất"), "second": _l("giải Nhì"), "third": _l("giải Ba"),
                     "consolation": _l("giải Khuyến khích")}


def in_domain(field: str, value) -> bool:
    """True if value is one of the field's values, with the right type (True is not grade 1)."""
    if field in BOOLEAN_FIELDS:
        return type(value) is bool
    if field == "grade":
        return type(value) is int and value in DOMAINS["grade"]
    return isinstance(value, str) and value in DOMAINS[field]


def score_key(value) -> str:
    """How a value is written as a JSON object key: booleans "true"/"false", grades "9"."""
    return ("true" if value else "false") if type(value) is bool else str(value)


def choices(field: str) -> str:
    return ", ".join(score_key(value) for value in DOMAINS[field])


def label(field: str, value) -> str:
    """The Vietnamese label of one value, as pages and reasons show it."""
    return str(LABELS[field][value])
