"""Login, logout, the language switch and the guard on pages, through the test client."""
import pytest


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
