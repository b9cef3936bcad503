"""The criteria-set form: rows of criteria (code, name, points, minimum, computed share) and of grades as
plain inputs, read into the API's body shape, and a set (or what was typed) turned back into the form's values.
"""

from ledger.core.dates import vn_today
from ledger.core.i18n import _, _l
from ledger.learning.criteria.services import MODEL_LABELS, describe
from ledger.units.models import LEVELS

EXTRA_ROWS, GRADE_ROWS = 3, 4
MODEL_SHORT = {"family": "GDHT", "clan": "DHHT", "community": "CDHT-THON", "organisation": "DVHT", "citizen": "CDHT"}
LEVEL_LABELS = {"central": _l("Trung ương Hội"), "province": _l("Tỉnh, thành phố"), "district": _l("Huyện (cũ)"),
                "commune": _l("Xã, phường"), "branch": _l("Chi hội")}


def choices() -> dict:
    return {"levels": {level: LEVEL_LABELS[level] for level in LEVELS}, "model_labels": MODEL_LABELS}


def _int(text: str | None, key: str, errors: dict):
    text = (text or "").strip().replace(".", "")
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        errors[key] = [_("Phải là số nguyên.")]
        return 0


def _rows(form, errors: dict) -> list[dict]:
    rows, index = [], 0
    while f"c{index}_code" in form:
        code, name = form.get(f"c{index}_code", "").strip(), form.get(f"c{index}_name", "").strip()
        if code or name:
            at = f"criteria[{len(rows)}]"
            row = {"code": code, "name": name, "points": _int(form.get(f"c{index}_points"), f"{at}.points", errors),
                   "min_points": _int(form.get(f"c{index}_min"), f"{at}.min_points", errors)}
            percent = _int(form.get(f"c{index}_percent"), f"{at}.computed", errors)
            row["computed"] = {"measure": "family_share", "percent": percent} if percent is not None else None
            rows.append(row)
        index += 1
    return rows


def _grades(form, errors: dict) -> list[dict] | None:
    grades, index = [], 0
    while f"g{index}_name" in form:
        name = form.get(f"g{index}_name", "").strip()
        if name:
            grades.append({"name": name, "min_points": _int(form.get(f"g{index}_min"), "grades", errors) or 0})
        index += 1
    return grades or None


def flat(messages, prefix: str = "") -> dict[str, list]:
    """marshmallow's nested errors as "criteria[0].points" keys, the API's way."""
    if isinstance(messages, dict):
        out: dict[str, list] = {}
        for key, value in messages.items():
            name = f"{prefix}[{key}]" if isinstance(key, int) else (f"{prefix}.{key}" if prefix else str(key))
            out.update(flat(value, name))
        return out
    return {prefix: list(messages) if isinstance(messages, list) else [messages]}


def read(form, *, with_identity: bool = False, owner: str | None = None) -> tuple[dict, dict]:
    """The posted form as the body of POST (with code, model, owner) or PUT /learning/criteria."""
    errors: dict = {}
    data = {"name": form.get("name", "").strip(), "year_from": _int(form.get("year_from"), "year_from", errors),
            "pass_mark": _int(form.get("pass_mark"), "pass_mark", errors), "criteria": _rows(form, errors),
            "grades": _grades(form, errors), "recognized_by": form.get("recognized_by") or "commune",
            "note": form.get("note", "").strip()}
    if data["year_from"] is None:
        errors["year_from"] = [_("Nhập năm bắt đầu áp dụng.")]
    if with_identity:
        data.update(code=form.get("code", "").strip(), model=form.get("model", ""), owner_unit=owner)
    return data, errors


def _text(value) -> str:
    return "" if value is None else str(value)


def values_of(described: dict, posted=None) -> dict:
    """The form's values: what was typed after a refusal, else the set's own."""
    if posted is not None:
        return _typed(posted)
    rows = [{"code": c["code"], "name": c["name"], "points": _text(c.get("points")),
             "min_points": _text(c.get("min_points")), "percent": _text((c.get("computed") or {}).get("percent"))}
            for c in described["criteria"]]
    grades = [{"name": g["name"], "min_points": _text(g["min_points"])} for g in described.get("grades") or []]
    return {"code": described.get("code", ""), "name": described["name"], "year_from": _text(described["year_from"]),
            "pass_mark": _text(described["pass_mark"]), "recognized_by": described["recognized_by"],
            "note": described.get("note", ""), "rows": _padded(rows, EXTRA_ROWS, _blank_row),
            "grades": _padded(grades, max(GRADE_ROWS - len(grades), 1), _blank_grade)}


def values_for_new(unit, model: str, applying, posted=None) -> dict:
    """A new set for `unit`, copying the set that applies there now (or empty rows when none does)."""
    if posted is not None:
        return {**_typed(posted), "code": posted.get("code", "")}
    year = vn_today().year
    base = {"name": "", "year_from": year, "pass_mark": None, "recognized_by": "commune", "note": "", "criteria": [],
            "grades": None}
    if applying is not None:
        base = describe(applying)
    values = values_of({**base, "year_from": year, "note": ""})
    values["code"] = f"{unit.code}-{MODEL_SHORT[model]}-{year}"
    values["name"] = f"{base['name']} — {unit.name}" if base["name"] else ""
    return values


def _typed(form) -> dict:
    rows, index = [], 0
    while f"c{index}_code" in form:
        rows.append({key: form.get(f"c{index}_{name}", "") for key, name in
                     (("code", "code"), ("name", "name"), ("points", "points"), ("min_points", "min"),
                      ("percent", "percent"))})
        index += 1
    grades, index = [], 0
    while f"g{index}_name" in form:
        grades.append({"name": form.get(f"g{index}_name", ""), "min_points": form.get(f"g{index}_min", "")})
        index += 1
    return {"code": form.get("code", ""), "name": form.get("name", ""), "year_from": form.get("year_from", ""),
            "pass_mark": form.get("pass_mark", ""), "recognized_by": form.get("recognized_by", "commune"),
            "note": form.get("note", ""), "rows": rows, "grades": grades}


def _blank_row() -> dict:
    return {"code": "", "name": "", "points": "", "min_points": "", "percent": ""}


def _blank_grade() -> dict:
    return {"name": "", "min_points": ""}


def _padded(items: list, extra: int, blank) -> list:
    return items + [blank() for _row in range(extra)]
