"""Login, logout, the language switch and the guard on pages, through the test client."""
import pytest

from ledger.extensions import db


@pytest.fixture
def user(make_user):
    return make_user("thuquy.binhlu", full_name="Tẩn Thị Dung", roles=[("VN", "treasurer")])


def sign_in(client, password="mat-khau-dai", next_path=None):
    query = {"next": next_path} if next_path else {}
    return client.post("/login", query_string=query, data={"username": "thuquy.binhlu", "password": password})


def test_login_page_is_vietnamese(client):
    r = client.get("/login")
    assert r.status_code == 200 and 'lang="vi"' in r.text and "Tên đăng nhập" in r.text


def test_wrong_password_is_refused_in_vietnamese_and_keeps_the_username(client, user):
    r = sign_in(client, password="sai-mat-khau")
    assert r.status_code == 401
    assert "Sai tên đăng nhập hoặc mật khẩu." in r.text and 'value="thuquy.binhlu"' in r.text
    assert client.get("/units").status_code == 302


def test_login_returns_to_the_page_asked_for(client, user):
    guarded = client.get("/units?q=binh")
    assert guarded.status_code == 302
    next_path = guarded.location.split("next=")[1]
    r = client.post(guarded.location, data={"username": "thuquy.binhlu", "password": "mat-khau-dai"})
    assert r.status_code == 302 and r.location == "/units?q=binh", next_path
    assert "Tẩn Thị Dung" in client.get("/units").text


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil.example"])
def test_login_never_sends_people_elsewhere(client, user, target):
    r = sign_in(client, next_path=target)
    assert r.status_code == 302 and r.location == "/"


def test_logout_ends_the_session(client, user):
    sign_in(client)
    r = client.post("/logout")
    assert r.status_code == 302 and r.location.endswith("/login")
    assert "Đã đăng xuất." in client.get("/login").text
    assert client.get("/units").status_code == 302


def test_language_switch_is_remembered_across_login(client, user):
    english = client.get("/login?lang=en")
    assert 'lang="en"' in english.text and "Tiếng Việt" in english.text
    sign_in(client)
    assert 'lang="en"' in client.get("/units").text


def test_language_link_keeps_the_query(client, user):
    sign_in(client)
    page = client.get("/units?q=binh+lu").text
    assert 'href="/units?q=binh+lu&amp;lang=en"' in page


def test_csrf_is_checked_on_pages_when_enabled(app, user):
    app.config["WTF_CSRF_ENABLED"] = True
    r = app.test_client().post("/login", data={"username": "thuquy.binhlu", "password": "mat-khau-dai"})
    assert r.status_code == 400 and "Biểu mẫu đã hết hạn" in r.text


# ---- sessions: each browser sign-in is a row the user can see and revoke ------------------------

def session_cookie(client):
    return client.get_cookie("session").value


def test_logout_revokes_this_session_only_and_the_old_cookie_is_dead(app, client, user):
    from ledger.auth.services import issue_token

    sign_in(client)
    other = app.test_client()
    sign_in(other)
    token = issue_token(user, days=1)
    db.session.commit()
    stolen = session_cookie(client)
    client.post("/logout")
    assert client.get("/units").status_code == 302
    replay = app.test_client()
    replay.set_cookie("session", stolen)
    assert replay.get("/units").status_code == 302  # the copied cookie of a logged-out session is dead
    assert other.get("/units").status_code == 200  # another browser stays signed in
    assert client.get("/api/v1/units", headers={"Authorization": f"Bearer {token}"}).status_code == 200


def test_sessions_page_lists_and_revokes_a_token(client, user):
    from ledger.auth.services import issue_token

    token = issue_token(user, days=1)
    db.session.commit()
    sign_in(client)
    page = client.get("/sessions")
    assert page.status_code == 200 and "Phiên đăng nhập" in page.text
    assert "Trình duyệt" in page.text and "phiên này" in page.text and "Mã truy cập API" in page.text
    assert token not in page.text
    from ledger.auth.models import ApiToken
    row = db.session.scalar(db.select(ApiToken).where(ApiToken.kind == "api"))
    r = client.post(f"/sessions/{row.id}/revoke")
    assert r.status_code == 302 and "Đã thu hồi phiên đăng nhập." in client.get("/sessions").text
    assert client.get("/api/v1/units", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert client.post("/sessions/999999/revoke").status_code == 404


def test_revoking_this_browsers_own_session_signs_it_out(client, user):
    from ledger.auth.models import ApiToken

    sign_in(client)
    row = db.session.scalar(db.select(ApiToken).where(ApiToken.kind == "web"))
    assert client.post(f"/sessions/{row.id}/revoke").location.endswith("/login")
    assert client.get("/units").status_code == 302


def test_password_change_keeps_the_policy_and_ends_other_sessions(app, client, user):
    sign_in(client)
    other = app.test_client()
    sign_in(other)
    wrong = client.post("/sessions/password", data={"username": "thuquy.binhlu", "current_password": "sai",
                                                     "new_password": "mot-mat-khau-moi"})
    assert wrong.status_code == 401 and "Sai tên đăng nhập hoặc mật khẩu." in wrong.text
    weak = client.post("/sessions/password", data={"current_password": "mat-khau-dai", "new_password": "12345678"})
    assert weak.status_code == 422 and "Mật khẩu cần ít nhất 10 ký tự." in weak.text
    common = client.post("/sessions/password", data={"current_password": "mat-khau-dai",
                                                      "new_password": "khuyenhoc123"})
    assert common.status_code == 422 and "quá phổ biến" in common.text
    done = client.post("/sessions/password", data={"current_password": "mat-khau-dai",
                                                    "new_password": "mot-mat-khau-moi"})
    assert done.status_code == 302
    assert client.get("/units").status_code == 200 and other.get("/units").status_code == 302
    assert sign_in(app.test_client(), password="mot-mat-khau-moi").status_code == 302
    for _ in range(4):  # with the one above: five wrong current passwords, then the limit
        client.post("/sessions/password", data={"username": "thuquy.binhlu", "current_password": "sai",
                                                "new_password": "mot-mat-khau-khac"})
    assert client.post("/sessions/password", data={"username": "thuquy.binhlu", "current_password": "sai",
                                                   "new_password": "x"}).status_code == 429


def test_web_sessions_expire(app, client, user):
    from datetime import timedelta

    from ledger.auth.models import ApiToken
    from ledger.core.db import utcnow

    sign_in(client)
    db.session.execute(ApiToken.__table__.update().values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert client.get("/units").status_code == 302


# ---- security headers and cookies --------------------------------------------------------------

def test_pages_carry_a_csp_without_inline_script_and_cannot_be_framed(client, user):
    sign_in(client)
    for path in ("/login", "/units", "/sessions", "/public"):
        headers = client.get(path).headers
        csp = dict(part.strip().split(" ", 1) for part in headers["Content-Security-Policy"].split(";"))
        assert csp["script-src"] == "'self'" and csp["frame-ancestors"] == "'none'", path
        assert csp["object-src"] == "'none'" and "'unsafe-inline'" not in csp.get("default-src", ""), path
        assert headers["X-Frame-Options"] == "DENY" and headers["X-Content-Type-Options"] == "nosniff", path
        assert headers["Referrer-Policy"] == "same-origin", path
    assert "Content-Security-Policy" in client.get("/api/v1/units").headers


def test_no_template_has_inline_script_or_event_handler_attributes():
    import re
    from pathlib import Path

    import ledger

    offenders = []
    for template in Path(ledger.__file__).parent.rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        inline_script = re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text)
        if inline_script or re.search(r"\son[a-z]+\s*=", text, re.IGNORECASE) or "javascript:" in text:
            offenders.append(template.name)
    assert offenders == []


def test_swagger_ui_is_allowed_exactly_its_own_start_up_script(client):
    import base64
    import hashlib
    import re

    r = client.get("/api/docs")
    assert r.status_code == 200
    script = re.search(r"<script>(.*?)</script>", r.text, re.DOTALL).group(1)
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    policy = r.headers["Content-Security-Policy"]
    assert f"script-src 'self' 'sha256-{digest}';" in policy and "unsafe-inline' ;" not in policy
    with client.get("/api/swagger-ui/swagger-ui-bundle.js") as bundle:
        assert bundle.status_code == 200


def test_secure_cookies_setting_marks_the_cookie_and_sends_http_to_https(database_url, make_user):
    from ledger import create_app
    from tests.conftest import BASE_CONFIG

    make_user("thuquy.binhlu")
    plain = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url}).test_client()
    assert plain.get("/login").status_code == 200  # dev and tests: no redirect, no Secure flag
    secure = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url, "LEDGER_SECURE_COOKIES": True})
    client = secure.test_client()
    assert client.get("/login").status_code == 302 and client.get("/login").location.startswith("https://")
    r = client.post("/login", base_url="https://localhost",
                    data={"username": "thuquy.binhlu", "password": "mat-khau-dai"})
    cookie = r.headers["Set-Cookie"]
    assert r.status_code == 302 and "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Strict-Transport-Security" in r.headers
    assert "Secure" not in plain.post("/login", data={"username": "thuquy.binhlu",
                                                      "password": "mat-khau-dai"}).headers["Set-Cookie"]
    for extra in (plain.application, secure):  # their pools' connections must not outlive the test
        with extra.app_context():
            db.engine.dispose()
