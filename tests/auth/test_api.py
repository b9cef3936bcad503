"""The contract's auth endpoints: tokens, users and role grants (API.md: Conventions, Units and users)."""
import hashlib
from datetime import timedelta

import pytest
from sqlalchemy import select, text

from ledger.auth.models import ApiToken, User
from ledger.auth.services import as_aware
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


# ---- tokens: list, revoke, last use (API.md: Auth) ---------------------------------------------

def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def test_token_answer_has_its_id_and_a_week_of_life(anonymous_api, treasurer):
    r = token_for(anonymous_api)
    row = db.session.get(ApiToken, r.json["id"])
    assert row.token_hash == hashlib.sha256(r.json["token"].encode()).hexdigest()
    assert r.json["expires_at"].startswith((utcnow() + timedelta(days=7)).date().isoformat())


def test_tokens_list_only_the_callers_own_without_secrets(anonymous_api, treasurer, make_user):
    make_user("nguoi.khac", password="mat-khau-dai")
    mine = [token_for(anonymous_api).json for _ in range(2)]
    token_for(anonymous_api, "nguoi.khac")
    r = anonymous_api.client.get("/api/v1/auth/tokens", headers=bearer(mine[0]["token"]))
    assert r.status_code == 200 and r.json["total"] == 2
    assert sorted(item["id"] for item in r.json["items"]) == sorted(t["id"] for t in mine)
    assert all(set(item) == {"id", "created_at", "expires_at", "last_used_at"} for item in r.json["items"])
    assert mine[1]["token"] not in r.text
    assert anonymous_api.client.get("/api/v1/auth/tokens").status_code == 401


def test_a_revoked_token_is_401_and_someone_elses_is_404(anonymous_api, treasurer, make_user):
    make_user("nguoi.khac", password="mat-khau-dai")
    first, second = token_for(anonymous_api).json, token_for(anonymous_api).json
    other = token_for(anonymous_api, "nguoi.khac").json
    client = anonymous_api.client
    assert client.delete(f"/api/v1/auth/tokens/{other['id']}", headers=bearer(first["token"])).status_code == 404
    assert client.get("/api/v1/units", headers=bearer(other["token"])).status_code == 200
    assert client.delete(f"/api/v1/auth/tokens/{second['id']}", headers=bearer(first["token"])).status_code == 204
    assert client.get("/api/v1/units", headers=bearer(second["token"])).status_code == 401
    assert client.delete(f"/api/v1/auth/tokens/{second['id']}", headers=bearer(first["token"])).status_code == 404
    assert client.delete(f"/api/v1/auth/tokens/{2**64}", headers=bearer(first["token"])).status_code == 404
    assert client.delete(f"/api/v1/auth/tokens/{first['id']}", headers=bearer(first["token"])).status_code == 204
    assert client.get("/api/v1/auth/tokens", headers=bearer(first["token"])).status_code == 401
    assert db.session.get(ApiToken, other["id"]).revoked_at is None


def test_last_use_is_written_at_most_once_a_minute(anonymous_api, treasurer):
    made = token_for(anonymous_api).json
    assert db.session.get(ApiToken, made["id"]).last_used_at is None
    anonymous_api.client.get("/api/v1/units", headers=bearer(made["token"]))
    db.session.expire_all()
    first = db.session.get(ApiToken, made["id"]).last_used_at
    assert first is not None
    anonymous_api.client.get("/api/v1/units", headers=bearer(made["token"]))
    db.session.expire_all()
    assert db.session.get(ApiToken, made["id"]).last_used_at == first
    db.session.execute(ApiToken.__table__.update().values(last_used_at=utcnow() - timedelta(minutes=2)))
    db.session.commit()
    listed = anonymous_api.client.get("/api/v1/auth/tokens", headers=bearer(made["token"])).json["items"][0]
    db.session.expire_all()
    assert as_aware(db.session.get(ApiToken, made["id"]).last_used_at) > utcnow() - timedelta(minutes=1)
    assert listed["last_used_at"] is not None


# ---- the password policy: 10 characters, not common, not the username ---------------------------

@pytest.mark.parametrize("password, message", [
    ("12345678", "Mật khẩu cần ít nhất 10 ký tự."),
    ("khuyenhoc", "Mật khẩu cần ít nhất 10 ký tự."),
    ("1234567890", "Mật khẩu này quá phổ biến, dễ bị đoán ra; xin chọn mật khẩu khác."),
    ("Khuyenhoc123", "Mật khẩu này quá phổ biến, dễ bị đoán ra; xin chọn mật khẩu khác."),
    ("quykhuyenhoc", "Mật khẩu này quá phổ biến, dễ bị đoán ra; xin chọn mật khẩu khác."),
    ("PASSWORD1234", "Mật khẩu này quá phổ biến, dễ bị đoán ra; xin chọn mật khẩu khác."),
    ("Thu.Quy.Moi", "Mật khẩu không được trùng tên đăng nhập."),
])
def test_weak_passwords_are_refused_saying_the_rule(api_as, password, message):
    r = api_as(("VN", "admin")).post("/users", json={"username": "thu.quy.moi", "password": password,
                                                     "full_name": "Thủ quỹ mới"})
    assert r.status_code == 422 and r.json["errors"]["password"] == [message]
    assert db.session.scalar(select(User).where(User.username == "thu.quy.moi")) is None


def test_the_demo_password_passes_the_policy(api_as, anonymous_api):
    r = api_as(("VN", "admin")).post("/users", json={"username": "demo.moi", "password": "khuyenhoc2026",
                                                     "full_name": "Người thử"})
    assert r.status_code == 201 and token_for(anonymous_api, "demo.moi", "khuyenhoc2026").status_code == 201


def test_ledger_init_refuses_a_weak_admin_password_in_vietnamese(app):
    from ledger.cli import cli

    result = app.test_cli_runner().invoke(cli, ["init", "--admin-username", "quantri", "--admin-password", "12345678"])
    assert result.exit_code != 0 and "Mật khẩu cần ít nhất 10 ký tự." in result.output
    assert db.session.scalar(select(User).where(User.username == "quantri")) is None


# ---- the first admin of `ledger init` is admin over everything ----------------------------------

@pytest.fixture
def init_admin(app, anonymous_api):
    from ledger.setup import initialise

    initialise("quantri", "mat-khau-rat-dai", "Quản trị")
    return {"Authorization": "Bearer " + token_for(anonymous_api, "quantri", "mat-khau-rat-dai").json["token"]}


def test_init_admin_builds_a_new_tree_and_posts_in_it(anonymous_api, init_admin):
    from ledger.core.dates import vn_today

    client = anonymous_api.client
    root = client.post("/api/v1/units", headers=init_admin,
                       json={"code": "HN", "name": "Hội Khuyến học Hà Nội", "level": "central", "parent": None})
    assert root.status_code == 201, root.json
    child = client.post("/api/v1/units", headers=init_admin,
                        json={"code": "HN-BD", "name": "Hội Khuyến học phường Ba Đình", "level": "province",
                              "parent": "HN"})
    assert child.status_code == 201, child.json
    fund = client.post("/api/v1/funds", headers=init_admin,
                       json={"code": "QHN", "name": "Quỹ khuyến học Hà Nội", "owner_unit": "HN",
                             "kind": "unrestricted"})
    assert fund.status_code == 201, fund.json
    lines = [{"account": "111", "fund": "QHN", "debit": 1000}, {"account": "511", "fund": "QHN", "credit": 1000}]
    entry = client.post("/api/v1/units/HN-BD/entries", headers=init_admin,
                        json={"date": vn_today().isoformat(), "lines": lines})
    assert entry.status_code == 201, entry.json
    listed = client.get("/api/v1/units", headers=init_admin).json["items"]
    assert {"VN", "HN"} <= {unit["code"] for unit in listed}
    assert client.get("/api/v1/users/quantri", headers=init_admin).json["roles"] == [{"unit": None, "role": "admin"}]


def test_only_an_admin_over_everything_starts_a_new_tree(api_as, init_admin):
    body = {"code": "DN", "name": "Hội Khuyến học Đà Nẵng", "level": "central", "parent": None}
    for caller in (api_as(("VN", "admin")), api_as(("VN", "treasurer"))):
        assert caller.post("/units", json=body).status_code == 403
    assert api_as().client.post("/api/v1/units", json=body, headers=init_admin).status_code == 201


def test_the_migration_makes_admins_of_the_first_root_admins_over_everything(tmp_path):
    """Databases made by the old `ledger init` (admin on the root only) get the promised grant."""
    from flask_migrate import upgrade

    from ledger import create_app
    from tests.conftest import BASE_CONFIG

    app = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'old.sqlite3'}"})
    with app.app_context():
        upgrade(revision="b0merge00001")
        for sql in (("INSERT INTO units (id, code, name, search_key, level, path, depth, status, created_at) "
                     "VALUES (1, 'VN', 'Trung ương', '', 'central', 'VN', 0, 'active', '2026-01-01'), "
                     "(2, 'SL', 'Sơn La', '', 'province', 'VN/SL', 1, 'active', '2026-01-01')"),
                    ("INSERT INTO users (id, username, password_hash, full_name, is_active, created_at) VALUES "
                     "(1, 'admin', 'x', 'A', 1, '2026-01-01'), (2, 'tinh', 'x', 'T', 1, '2026-01-01')"),
                    "INSERT INTO role_grants (user_id, unit_id, role) VALUES (1, 1, 'admin'), (2, 2, 'admin')"):
            db.session.execute(text(sql))
        db.session.commit()
        upgrade()
        grants = db.session.execute(text("SELECT user_id, unit_id, role FROM role_grants ORDER BY user_id, id")).all()
        assert [tuple(row) for row in grants] == [(1, 1, "admin"), (1, None, "admin"), (2, 2, "admin")]
        db.engine.dispose()
