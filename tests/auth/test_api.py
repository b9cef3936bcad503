"""The contract's auth endpoints: tokens, users and role grants (API.md: Conventions, Units and users)."""
import hashlib
from datetime import timedelta

import pytest
from sqlalchemy import select, text

from ledger.auth.models import ApiToken, User
from ledger.core.db import utcnow
from ledger.extensions import db

WRONG = "Sai tên đăng nhập hoặc mật khẩu."


@pytest.fixture
def treasurer(make_user, make_unit):
    make_unit("SL", level="province")
    return make_user("thuquy.sl", roles=[("SL", "treasurer")], password="mat-khau-dai")


def token_for(anonymous_api, username="thuquy.sl", password="mat-khau-dai"):
    return anonymous_api.post("/auth/tokens", json={"username": username, "password": password})


def test_token_is_201_and_opens_the_api(anonymous_api, treasurer):
    r = token_for(anonymous_api)
    assert r.status_code == 201 and len(r.json["token"]) >= 32
    got = anonymous_api.get("/units/SL", headers={"Authorization": f"Bearer {r.json['token']}"})
    assert got.status_code == 200 and got.json["code"] == "SL"


@pytest.mark.parametrize("username, password", [("thuquy.sl", "sai-mat-khau"), ("khong-co-ai", "mat-khau-dai"),
                                                ("thuquy.sl", "MAT-KHAU-DAI")])
def test_wrong_credentials_are_401_in_vietnamese_and_alike(anonymous_api, treasurer, username, password):
    r = token_for(anonymous_api, username, password)
    assert r.status_code == 401 and r.mimetype == "application/problem+json"
    assert r.json["code"] == "unauthorized" and r.json["detail"] == WRONG
    assert "token" not in r.json


def test_missing_fields_are_422_not_401(anonymous_api):
    r = anonymous_api.post("/auth/tokens", json={"username": "thuquy.sl"})
    assert r.status_code == 422 and r.json["errors"]["password"] == ["Thiếu trường bắt buộc."]


def test_token_is_stored_as_its_sha256_only(anonymous_api, treasurer):
    token = token_for(anonymous_api).json["token"]
    row = db.session.scalar(select(ApiToken).where(ApiToken.user_id == treasurer.id))
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    dump = " ".join(str(value) for row in db.session.execute(text("SELECT * FROM api_tokens")) for value in row)
    assert token not in dump
    assert db.session.get(User, treasurer.id).password_hash.startswith("$argon2id$")


@pytest.mark.parametrize("header", ["Bearer ", "Bearer khong-phai-token", "Basic dGh1cXV5OnBhc3M=", "",
                                    "Token {token}", "Bearer {token}x"])
def test_missing_or_bad_token_is_401(anonymous_api, treasurer, header):
    token = token_for(anonymous_api).json["token"]
    r = anonymous_api.get("/units/SL", headers={"Authorization": header.format(token=token)} if header else {})
    assert r.status_code == 401 and r.json["code"] == "unauthorized"


def test_expired_token_is_401(anonymous_api, treasurer):
    token = token_for(anonymous_api).json["token"]
    db.session.execute(ApiToken.__table__.update().values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    r = anonymous_api.get("/units/SL", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 401


def test_deactivated_user_loses_token_and_login(anonymous_api, treasurer):
    token = token_for(anonymous_api).json["token"]
    db.session.get(User, treasurer.id).is_active = False
    db.session.commit()
    assert anonymous_api.get("/units/SL", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert token_for(anonymous_api).status_code == 401


def test_admin_creates_user_then_grants_a_role(api_as, anonymous_api, make_unit):
    make_unit("SL", level="province")
    admin = api_as(("VN", "admin"))
    r = admin.post("/users", json={"username": "chutich.sl", "password": "mat-khau-dai", "full_name": "Lò Văn Hùng"})
    assert r.status_code == 201
    assert r.json == {"username": "chutich.sl", "full_name": "Lò Văn Hùng", "roles": []}
    grant = admin.post("/users/chutich.sl/roles", json={"unit": "SL", "role": "approver"})
    assert grant.status_code == 201 and grant.json == {"username": "chutich.sl", "unit": "SL", "role": "approver"}
    again = admin.post("/users/chutich.sl/roles", json={"unit": "SL", "role": "approver"})
    assert again.status_code == 201
    assert admin.get("/users/chutich.sl").json["roles"] == [{"unit": "SL", "role": "approver"}]
    assert token_for(anonymous_api, "chutich.sl").status_code == 201


@pytest.mark.parametrize("body, field", [
    ({"username": "ab", "password": "mat-khau-dai", "full_name": "X"}, "username"),
    ({"username": "co dau cach", "password": "mat-khau-dai", "full_name": "X"}, "username"),
    ({"username": "ngan.qua", "password": "ngan", "full_name": "X"}, "password"),
    ({"username": "thieu.ten", "password": "mat-khau-dai"}, "full_name"),
])
def test_invalid_user_is_422_on_its_field(api_as, body, field):
    r = api_as(("VN", "admin")).post("/users", json=body)
    assert r.status_code == 422 and field in r.json["errors"]


def test_duplicate_username_is_409(api_as, make_user):
    make_user("trung.ten")
    r = api_as(("VN", "admin")).post("/users", json={"username": "trung.ten", "password": "mat-khau-dai",
                                                     "full_name": "Trùng tên"})
    assert r.status_code == 409 and r.json["code"] == "duplicate"


def test_unknown_role_unit_or_user(api_as, make_user):
    make_user("ai.do")
    admin = api_as(("VN", "admin"))
    assert admin.post("/users/ai.do/roles", json={"unit": "VN", "role": "king"}).status_code == 422
    assert admin.post("/users/ai.do/roles", json={"unit": "NOWHERE", "role": "viewer"}).status_code == 404
    assert admin.post("/users/khong-co/roles", json={"unit": "VN", "role": "viewer"}).status_code == 404
    assert admin.get("/users/khong-co").status_code == 404


def test_a_role_holds_on_the_whole_subtree_and_nowhere_else(api_as, make_unit):
    make_unit("SL", level="province")
    make_unit("SL-X01", level="commune", parent="SL")
    make_unit("SL-X01-B1", level="branch", parent="SL-X01")
    make_unit("HN", level="province")
    viewer = api_as(("SL-X01", "viewer"))
    assert viewer.get("/units/SL-X01").status_code == 200
    assert viewer.get("/units/SL-X01-B1").status_code == 200
    assert viewer.get("/units/SL").status_code == 403
    assert viewer.get("/units/HN").status_code == 403
    assert [u["code"] for u in viewer.get("/units").json["items"]] == ["SL-X01", "SL-X01-B1"]


def test_an_admin_of_a_province_manages_only_its_subtree(api_as, make_unit, make_user):
    make_unit("SL", level="province")
    make_unit("HN", level="province")
    make_user("moi.nguoi")
    admin = api_as(("SL", "admin"))
    assert admin.post("/users/moi.nguoi/roles", json={"unit": "SL", "role": "viewer"}).status_code == 201
    assert admin.post("/users/moi.nguoi/roles", json={"unit": "HN", "role": "viewer"}).status_code == 403
    assert admin.post("/users/moi.nguoi/roles", json={"unit": "VN", "role": "admin"}).status_code == 403


def test_grants_are_audited(api_as, make_user):
    from ledger.core.audit import AuditEvent

    make_user("duoc.cap")
    admin = api_as(("VN", "admin"))
    admin.post("/users/duoc.cap/roles", json={"unit": "VN", "role": "auditor"})
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "role.grant",
                                                       AuditEvent.object_id == "duoc.cap"))
    assert event.user_id == admin.user.id and event.after == {"unit": "VN", "role": "auditor"}
