"""The registry's API contract (API.md "Learning society"): 201 shape, subtree lists, model filter, 403
outside the subtree, 422 for a bad model or an empty name; the extras (detail, update, move, registrations)."""
from ledger.core.dates import vn_today
from tests.learning.registry.conftest import tally

YEAR = vn_today().year
FAMILY = {"model": "family", "name": "Hộ ông Lò Văn Xuân", "head_name": "Lò Văn Xuân", "address": "Bản Nà Lừa",
          "members": 5, "publish_consent": True}


def test_create_answers_the_contract_and_registers_this_year(api_as, tree):
    api = api_as(("RP-X", "reviewer"))
    response = api.post("/units/RP-X-1/learning/subjects", FAMILY)
    assert response.status_code == 201, response.json
    body = response.json
    assert {key: body[key] for key in ("model", "name", "unit")} == {
        "model": "family", "name": "Hộ ông Lò Văn Xuân", "unit": "RP-X-1"}
    assert isinstance(body["id"], int) and body["members"] == 5 and body["publish_consent"] is True
    detail = api.get(f"/learning/subjects/{body['id']}").json
    assert [(r["year"], r["unit"]) for r in detail["registrations"]] == [(YEAR, "RP-X-1")]
    for code in ("RP-X-1", "RP-X", "RP", "VN"):
        assert tally(code, YEAR) == (1, 0, 0, 0), code
    assert tally("RP-X-2", YEAR) is None and tally("RP-Y", YEAR) is None


def test_a_subject_recorded_late_is_registered_for_the_year_it_names(api_as, tree):
    api = api_as(("RP-X", "reviewer"))
    body = api.post("/units/RP-X-1/learning/subjects", {**FAMILY, "year": YEAR - 1}).json
    detail = api.get(f"/learning/subjects/{body['id']}").json
    assert [(r["year"], r["unit"], r["registered_on"]) for r in detail["registrations"]] == [
        (YEAR - 1, "RP-X-1", f"{YEAR - 1}-01-01")]
    assert tally("RP", YEAR - 1) == (1, 0, 0, 0) and tally("RP", YEAR) is None


def test_list_covers_the_subtree_filters_by_model_and_pages(api_as, tree):
    admin = api_as(("RP", "admin"))
    for code, model, name in (("RP-X-1", "family", "Hộ A"), ("RP-X-2", "family", "Hộ B"),
                              ("RP-X-2", "clan", "Dòng họ Lò"), ("RP-Y-1", "family", "Hộ C"),
                              ("RP-X", "community", "Bản Nà Lừa")):
        assert admin.post(f"/units/{code}/learning/subjects", {"model": model, "name": name}).status_code == 201
    listed = admin.get("/units/RP-X/learning/subjects").json
    assert listed["total"] == 4
    assert sorted(item["name"] for item in listed["items"]) == ["Bản Nà Lừa", "Dòng họ Lò", "Hộ A", "Hộ B"]
    families = admin.get("/units/RP-X/learning/subjects?model=family").json
    assert families["total"] == 2 and {i["unit"] for i in families["items"]} == {"RP-X-1", "RP-X-2"}
    assert admin.get("/units/RP/learning/subjects?model=family").json["total"] == 3
    first = admin.get("/units/RP/learning/subjects?limit=2&offset=0").json
    rest = admin.get("/units/RP/learning/subjects?limit=2&offset=4").json
    assert first["total"] == 5 and len(first["items"]) == 2 and len(rest["items"]) == 1
    assert admin.get("/units/RP/learning/subjects?q=nguyen").json["total"] == 0
    assert admin.get("/units/RP/learning/subjects?q=na lua").json["total"] == 1  # typed without diacritics


def test_outside_the_subtree_is_403_and_a_viewer_may_not_register(api_as, tree):
    api = api_as(("RP-X", "reviewer"))
    assert api.post("/units/RP-Y-1/learning/subjects", FAMILY).status_code == 403
    assert api.get("/units/RP-Y/learning/subjects").status_code == 403
    assert api_as(("RP-X", "viewer")).post("/units/RP-X-1/learning/subjects", FAMILY).status_code == 403
    assert api.post("/units/NOPE/learning/subjects", FAMILY).status_code == 404


def test_bad_model_and_empty_name_are_422_naming_the_field(api_as, tree):
    api = api_as(("RP-X", "reviewer"))
    bad_model = api.post("/units/RP-X-1/learning/subjects", {**FAMILY, "model": "village"})
    assert bad_model.status_code == 422 and "model" in bad_model.json["errors"]
    empty = api.post("/units/RP-X-1/learning/subjects", {**FAMILY, "name": ""})
    assert empty.status_code == 422 and "name" in empty.json["errors"]
    blank = api.post("/units/RP-X-1/learning/subjects", {**FAMILY, "name": "   "})
    assert blank.status_code == 422 and "name" in blank.json["errors"]
    assert api.post("/units/RP-X-1/learning/subjects", {**FAMILY, "members": "5"}).status_code == 422
    assert api.get("/units/RP-X-1/learning/subjects?model=village").status_code == 422
    assert tally("RP-X-1", YEAR) is None


def test_clan_must_be_a_clan_of_the_same_commune(api_as, tree):
    api = api_as(("RP", "admin"))
    clan = api.post("/units/RP-X-2/learning/subjects", {"model": "clan", "name": "Dòng họ Lò"}).json["id"]
    other = api.post("/units/RP-Y-1/learning/subjects", {"model": "clan", "name": "Dòng họ Cầm"}).json["id"]
    family = api.post("/units/RP-X-1/learning/subjects", {**FAMILY, "clan": clan})
    assert family.status_code == 201 and family.json["clan"] == clan
    far = api.post("/units/RP-X-1/learning/subjects", {**FAMILY, "clan": other})
    assert far.status_code == 422 and "clan" in far.json["errors"]
    not_family = api.post("/units/RP-X-1/learning/subjects", {"model": "citizen", "name": "Lò Văn A", "clan": clan})
    assert not_family.status_code == 422 and "clan" in not_family.json["errors"]


def test_update_registration_and_year_registration(api_as, tree):
    api = api_as(("RP-X", "treasurer"))
    subject = api.post("/units/RP-X-1/learning/subjects", FAMILY).json["id"]
    changed = api.put(f"/learning/subjects/{subject}", {"members": 6, "publish_consent": False})
    assert changed.status_code == 200 and changed.json["members"] == 6 and changed.json["publish_consent"] is False
    first = api.post(f"/learning/subjects/{subject}/registrations", {"year": YEAR + 1})
    again = api.post(f"/learning/subjects/{subject}/registrations", {"year": YEAR + 1})
    assert first.status_code == again.status_code == 201 and first.json == again.json
    assert tally("RP-X", YEAR + 1) == (1, 0, 0, 0)
    api.post("/units/RP-X-2/learning/subjects", {"model": "family", "name": "Hộ B"})
    api.post("/units/RP-X-2/learning/subjects", {"model": "clan", "name": "Dòng họ Lò"})
    drive = api.post("/units/RP-X/learning/registrations", {"year": YEAR + 1, "model": "family"})
    assert drive.status_code == 200 and drive.json["registered"] == 1  # Hộ B; the first was already registered
    assert tally("RP-X", YEAR + 1) == (2, 0, 0, 0) and tally("RP-X-2", YEAR + 1) == (1, 0, 0, 0)
    assert tally("RP-X", YEAR + 1, "clan") is None
    assert api.post("/units/RP-X/learning/registrations", {"year": YEAR + 1}).json["registered"] == 1  # the clan
    assert tally("RP", YEAR + 1, "clan") == (1, 0, 0, 0)


def test_move_through_the_api_needs_both_units(api_as, tree):
    admin = api_as(("RP", "admin"))
    subject = admin.post("/units/RP-X-1/learning/subjects", FAMILY).json["id"]
    branch_head = api_as(("RP-X", "reviewer"))
    assert branch_head.post(f"/learning/subjects/{subject}/move", {"unit": "RP-Y-1"}).status_code == 403
    moved = branch_head.post(f"/learning/subjects/{subject}/move", {"unit": "RP-X-2"})
    assert moved.status_code == 200 and moved.json["unit"] == "RP-X-2"
    assert branch_head.post(f"/learning/subjects/{subject}/move", {"unit": "RP-X-2"}).status_code == 422
    assert tally("RP-X-1", YEAR) == (0, 0, 0, 0) and tally("RP-X-2", YEAR) == (1, 0, 0, 0)
    assert tally("RP-X", YEAR) == (1, 0, 0, 0)
    assert admin.get("/learning/subjects/999999").status_code == 404
    assert admin.get("/learning/subjects/abc").status_code == 404


def test_search_ignores_case_and_diacritics(api_as, tree):
    api = api_as(("RP", "admin"))
    for name in ("Hộ ông Đỗ Văn Ước", "Hộ bà Lò Thị Mai"):
        api.post("/units/RP-X-1/learning/subjects", {"model": "family", "name": name, "address": "Bản Nà Lừa"})
    for q, found in (("do van uoc", 1), ("ĐỖ", 1), ("Đỗ Văn", 1), ("lo thi", 1), ("na lua", 2), ("xyz", 0)):
        assert api.get("/units/RP/learning/subjects", query_string={"q": q}).json["total"] == found, q
    assert api.get("/units/RP/learning/subjects", query_string={"q": "%"}).json["total"] == 0  # literal, no wildcard
    assert api.get("/units/RP/learning/subjects", query_string={"q": "_"}).json["total"] == 0
