"""The contract's units endpoints."""


def test_create_unit_returns_path(api_as):
    api = api_as(("VN", "admin"))
    r = api.post("/units", json={"code": "SL", "name": "Hội Khuyến học tỉnh Sơn La", "level": "province",
                                 "parent": "VN"})
    assert r.status_code == 201, r.json
    assert r.json["path"] == "VN/SL"
    r = api.post("/units", json={"code": "SL-X01", "name": "Xã Chiềng An", "level": "commune", "parent": "SL"})
    assert r.json == {**r.json, "code": "SL-X01", "level": "commune", "parent": "SL", "path": "VN/SL/SL-X01"}
    assert api.get("/units/SL-X01").json["name"] == "Xã Chiềng An"
    listed = api.get("/units?parent=SL").json
    assert listed["total"] == 1 and listed["items"][0]["code"] == "SL-X01"


def test_duplicate_code_is_409_in_vietnamese(api_as):
    api = api_as(("VN", "admin"))
    body = {"code": "SL", "name": "Sơn La", "level": "province", "parent": "VN"}
    assert api.post("/units", json=body).status_code == 201
    r = api.post("/units", json=body)
    assert r.status_code == 409
    assert r.mimetype == "application/problem+json"
    assert r.json["code"] == "duplicate" and "đã có" in r.json["detail"]


def test_bad_level_lists_field_error_in_vietnamese(api_as):
    api = api_as(("VN", "admin"))
    r = api.post("/units", json={"code": "X", "name": "X", "level": "village", "parent": "VN"})
    assert r.status_code == 422
    assert r.json["errors"]["level"] == ["Phải là một trong: central, province, district, commune, branch."]


def test_english_detail_on_request(api_as):
    api = api_as(("VN", "admin"))
    r = api.post("/units", json={"code": "X"}, headers={"Accept-Language": "en"})
    assert r.status_code == 422
    assert r.json["errors"]["name"] == ["Missing data for required field."]


def test_missing_token_is_401(anonymous_api):
    r = anonymous_api.get("/units/VN")
    assert r.status_code == 401 and r.json["code"] == "unauthorized"
