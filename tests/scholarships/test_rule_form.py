"""The rule editor as a form in Vietnamese words (rows of conditions, a table of points) and the round's
per-unit quotas as a table: both read back into the same JSON the API stores."""
import re
from datetime import timedelta

import pytest

from ledger.core.dates import vn_today
from ledger.scholarships.rule_form import rows_of, tree_of, with_problems
from ledger.scholarships.rules import PRESETS


@pytest.mark.parametrize("code", PRESETS)
def test_every_preset_reads_back_from_its_rows(code):
    rules = PRESETS[code]["rules"]
    assert tree_of(rows_of(rules)) == rules


def test_a_lone_condition_is_shown_inside_a_group_and_a_problem_lands_on_its_row():
    rows = rows_of({"field": "grade", "lte": 9})
    assert [(row.depth, row.kind) for row in rows] == [(0, "all"), (1, "cond")]
    rows[1].op, rows[1].values = "in", []
    assert tree_of(rows) == {"all": [{"field": "grade", "in": []}]}
    with_problems(rows, ["all[0].in: danh sách giá trị không được rỗng"])
    assert rows[1].problems == ["danh sách giá trị không được rỗng"] and rows[0].problems == []


@pytest.fixture
def treasurer_page(people, page_as):
    return page_as(("SL", "treasurer"))


def editor_form(*rows, action="save", **scores) -> dict:
    """rows: (depth, kind) for groups or (depth, field, op, values) for conditions, in reading order."""
    form = {"editor": "form", "action": action}
    for i, row in enumerate(rows):
        form[f"n{i}.depth"] = str(row[0])
        if len(row) == 2:
            form[f"n{i}.kind"] = row[1]
        else:
            form.update({f"n{i}.kind": "cond", f"n{i}.field": row[1], f"n{i}.op": row[2], f"n{i}.value": row[3]})
    form.update({f"s.{key.replace('__', '.')}": points for key, points in scores.items()})
    return form


def test_the_editor_speaks_vietnamese_not_keys(treasurer_page, program):
    html = treasurer_page.get("/scholarships/programs/HB-SL/rules").text
    visible = re.sub(r"<[^>]+>", " ", html)
    assert "Hoàn cảnh gia đình" in visible and "hộ cận nghèo" in visible and "là một trong" in visible
    assert "Bảng điểm ưu tiên" in visible and 'name="s.household_status.poor" value="30"' in html
    for key in ("household_status", "near_poor", "chua_dat", "academic_result"):
        assert key not in visible
    assert "JSON" not in visible


def test_adding_a_condition_then_saving_stores_the_json(treasurer_page, people, program):
    base = [(0, "all"), (1, "household_status", "in", ["poor", "near_poor"]), (1, "academic_result", "gte", ["kha"])]
    added = treasurer_page.post("/scholarships/programs/HB-SL/rules", data=editor_form(*base, action="add:0"))
    assert added.status_code == 200 and 'name="n3.kind" value="cond"' in added.text
    saved = treasurer_page.post("/scholarships/programs/HB-SL/rules", data=editor_form(
        *base, (1, "level", "in", ["university", "abroad"]), household_status__poor="30", level__abroad="5"))
    assert saved.status_code == 303, saved.text
    stored = people["treasurer"].get("/scholarships/programs/HB-SL").json
    assert stored["version"] == 2
    assert stored["rules"] == {"all": [{"field": "household_status", "in": ["poor", "near_poor"]},
                                       {"field": "academic_result", "gte": "kha"},
                                       {"field": "level", "in": ["university", "abroad"]}]}
    assert stored["scoring"] == {"household_status": {"poor": 30}, "level": {"abroad": 5}}


def test_problems_are_shown_at_their_row_and_cell_and_nothing_is_saved(treasurer_page, people, program):
    page = treasurer_page.post("/scholarships/programs/HB-SL/rules", data=editor_form(
        (0, "all"), (1, "orphan", "in", []), (1, "grade", "lte", ["9"]), grade__9="nhiều"))
    assert page.status_code == 422
    row = re.search(r'<li class="rule-row condition" id="row-1".*?</li>', page.text, re.S).group(0)
    assert "danh sách giá trị không được rỗng" in row
    cell = re.search(r'name="s.grade.9".*?</td>', page.text, re.S).group(0)
    assert "điểm phải là số nguyên không âm" in cell
    assert people["treasurer"].get("/scholarships/programs/HB-SL").json["version"] == 1


def test_removing_a_row_and_the_any_of_group(treasurer_page, people, program):
    rows = [(0, "all"), (1, "any"), (2, "orphan", "ne", ["none"]), (2, "disability", "eq", ["true"]),
            (1, "grade", "lte", ["9"])]
    page = treasurer_page.post("/scholarships/programs/HB-SL/rules", data=editor_form(*rows, action="remove:3"))
    assert page.status_code == 200 and 'name="n4.kind"' not in page.text
    saved = treasurer_page.post("/scholarships/programs/HB-SL/rules", data=editor_form(*rows[:3], rows[4]))
    assert saved.status_code == 303
    assert people["treasurer"].get("/scholarships/programs/HB-SL").json["rules"] == {
        "all": [{"any": [{"field": "orphan", "ne": "none"}]}, {"field": "grade", "lte": 9}]}


def round_form(**changes) -> dict:
    form = {"school_year": "2025-2026", "budget": "6.000.000", "quota": "3",
            "nominations_close_on": (vn_today() + timedelta(days=10)).strftime("%d/%m/%Y"), "action": "open",
            "quota_unit-0": "", "quota_places-0": "", "quota_unit-1": "", "quota_places-1": ""}
    form.update(changes)
    return form


def test_unit_quotas_are_a_table_of_units_and_places(treasurer_page, people, program):
    page = treasurer_page.get("/scholarships/programs/HB-SL").text
    assert "(JSON" not in page and 'name="quota_unit-2"' in page and 'value="SL-C1"' in page
    more = treasurer_page.post("/scholarships/programs/HB-SL/rounds", data=round_form(action="add-quota"))
    assert more.status_code == 200 and 'name="quota_unit-2"' in more.text
    missing = treasurer_page.post("/scholarships/programs/HB-SL/rounds", data=round_form(**{"quota_unit-1": "SL-C2"}))
    assert missing.status_code == 422 and 'id="err-quota_places-1"' in missing.text
    opened = treasurer_page.post("/scholarships/programs/HB-SL/rounds", data=round_form(
        **{"quota_unit-0": "SL-C1", "quota_places-0": "2", "quota_unit-1": "SL-C2", "quota_places-1": "1"}))
    assert opened.status_code == 303, opened.text
    round_id = int(opened.headers["Location"].rsplit("/", 1)[-1])
    assert people["treasurer"].get(f"/scholarships/rounds/{round_id}").json["unit_quotas"] == {"SL-C1": 2, "SL-C2": 1}


def test_a_new_program_from_a_preset_is_made_in_the_same_form(treasurer_page, people):
    filled = treasurer_page.get("/scholarships/programs/new?preset=con_nuoi").text
    assert "mồ côi cả cha lẫn mẹ" in filled and "(JSON)" not in filled.split("Mức theo điểm")[0]
    form = {"code": "SV-FORM", "name": "Học bổng sinh viên", "owner_unit": "SL", "fund": "QKH-SL",
            "award_amount": "5.000.000", "kind": "scholarship", "schedule": "once", "tiers": "[]",
            "levels": ["university", "abroad"],
            **editor_form((0, "all"), (1, "level", "in", ["university", "abroad"]), household_status__poor="30")}
    grown = treasurer_page.post("/scholarships/programs/new", data={**form, "action": "group:0"})
    assert grown.status_code == 200 and 'name="n2.kind"' in grown.text and "Dành cho" in grown.text
    made = treasurer_page.post("/scholarships/programs/new", data=form)
    assert made.status_code == 303, made.text
    stored = people["treasurer"].get("/scholarships/programs/SV-FORM").json
    assert stored["rules"] == {"all": [{"field": "level", "in": ["university", "abroad"]}]}
    assert stored["scoring"] == {"household_status": {"poor": 30}} and stored["levels"] == ["university", "abroad"]
    page = treasurer_page.get("/scholarships/programs/SV-FORM").text
    assert "Dành cho: sinh viên đại học, du học sinh" in page
