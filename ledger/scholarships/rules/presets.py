"""Ready-made programs a committee copies (copy.deepcopy) and adjusts before saving."""
from ledger.core.i18n import _l


def _rule(field: str, op: str, value) -> dict:
    return {"field": field, op: value}


# Functions, not constants: presets share no nested object, so editing one never changes another.
def _poor() -> dict:
    return _rule("household_status", "in", ["poor", "near_poor"])


def _hardship_points() -> dict:
    return {"household_status": {"poor": 30, "near_poor": 20}, "orphan": {"one_parent": 15, "both_parents": 30},
            "disability": {"true": 15}, "ethnic_minority": {"true": 10}}


PRESETS = {
    "ngheo_vuot_kho": {
        "name": _l("Học sinh nghèo vượt khó"),
        "description": _l("Học sinh thuộc hộ nghèo hoặc cận nghèo, kết quả học tập và rèn luyện từ Khá; "
                          "ưu tiên hộ nghèo, mồ côi, khuyết tật, dân tộc thiểu số và học lực Tốt."),
        "rules": {"all": [_poor(), _rule("academic_result", "gte", "kha"), _rule("conduct", "gte", "kha")]},
        "scoring": {**_hardship_points(), "academic_result": {"tot": 20, "kha": 10}, "conduct": {"tot": 5}},
    },
    "hoc_sinh_gioi": {
        "name": _l("Học sinh giỏi"),
        "description": _l("Học sinh đạt giải học sinh giỏi từ cấp tỉnh trở lên, hoặc học lực Tốt "
                          "và có giải cấp huyện; điểm theo cấp giải cao nhất."),
        "rules": {"any": [_rule("best_prize_level", "gte", "province"),
                          {"all": [_rule("academic_result", "eq", "tot"),
                                   _rule("best_prize_level", "gte", "district")]}]},
        "scoring": {"best_prize_level": {"district": 10, "province": 20, "national": 40, "international": 60},
                    "academic_result": {"tot": 10}, "household_status": {"poor": 10, "near_poor": 5}},
    },
    "con_nuoi": {
        "name": _l("Con nuôi khuyến học"),
        "description": _l("Nhận đỡ đầu nhiều năm cho trẻ thuộc hộ nghèo hoặc mồ côi cả cha lẫn mẹ, "
                          "từ lớp 9 trở xuống, kết quả học tập từ Đạt."),
        "rules": {"all": [{"any": [_rule("household_status", "eq", "poor"),
                                   _rule("orphan", "eq", "both_parents")]},
                          _rule("grade", "lte", 9), _rule("academic_result", "gte", "dat")]},
        "scoring": {**_hardship_points(), "academic_result": {"tot": 10, "kha": 5}},
    },
    "hoc_khong_bao_gio_cung": {
        "name": _l("Học không bao giờ cùng"),
        "description": _l("Khích lệ học sinh có hoàn cảnh đặc biệt khó khăn (hộ nghèo, cận nghèo, mồ côi, "
                          "khuyết tật) vẫn bền bỉ đến trường: học tập từ Đạt, rèn luyện từ Khá."),
        "rules": {"all": [{"any": [_poor(), _rule("orphan", "ne", "none"), _rule("disability", "eq", True)]},
                          _rule("academic_result", "gte", "dat"), _rule("conduct", "gte", "kha")]},
        "scoring": {**_hardship_points(), "academic_result": {"tot": 15, "kha": 10, "dat": 5}},
    },
}
