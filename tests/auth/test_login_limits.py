"""Failed logins are limited (API.md: Auth): 5 per username and 20 per address in 15 minutes, then
429 `too_many_attempts` with Retry-After; successes cost nothing; an unknown username is checked
against a dummy hash like a known one; old argon2 parameters still verify and are upgraded."""
import pytest
from argon2 import PasswordHasher, Type
from argon2.profiles import Parameters

from ledger.auth import services
from ledger.auth.models import User
from ledger.extensions import db

PASSWORD = "mat-khau-dai"


@pytest.fixture
def treasurer(make_user):
    return make_user("thuquy.sl", password=PASSWORD)


def api_login(client, username="thuquy.sl", password="sai-mat-khau", address="10.0.0.1"):
    return client.post("/api/v1/auth/tokens", json={"username": username, "password": password},
                       environ_base={"REMOTE_ADDR": address})


def page_login(client, username="thuquy.sl", password="sai-mat-khau", address="10.0.0.1"):
    return client.post("/login", data={"username": username, "password": password},
                       environ_base={"REMOTE_ADDR": address})


def assert_too_many(response):
    assert response.status_code == 429
    assert 0 < int(response.headers["Retry-After"]) <= 15 * 60


def test_sixth_wrong_password_is_429_with_retry_after_even_from_another_address(client, treasurer):
    assert [api_login(client).status_code for _ in range(5)] == [401] * 5
    refused = api_login(client)
    assert_too_many(refused)
    assert refused.mimetype == "application/problem+json"
    assert refused.json["code"] == "too_many_attempts" and refused.json["status"] == 429
    assert "thử lại sau 15 phút" in refused.json["detail"]
    assert api_login(client, password=PASSWORD).status_code == 429  # locked: not even the right password
    assert api_login(client, password=PASSWORD, address="10.9.9.9").status_code == 429  # per username
    assert api_login(client, "ai.khac", address="10.9.9.9").status_code == 401  # others are not locked out


def test_successful_logins_are_not_counted(client, treasurer):
    assert {api_login(client, password=PASSWORD).status_code for _ in range(8)} == {201}
    assert [api_login(client).status_code for _ in range(5)] == [401] * 5
    assert_too_many(api_login(client))


def test_username_is_counted_whatever_its_case_or_spaces(client, treasurer):
    for username in ("thuquy.sl", "THUQUY.SL", " thuquy.sl", "ThuQuy.sl ", "thuquy.SL"):
        assert api_login(client, username).status_code == 401
    assert_too_many(api_login(client))


def test_twenty_failures_from_one_address_lock_that_address(client, treasurer):
    for n in range(20):  # 4 names × 4 tries, then 4 more names: no name reaches its own limit of 5
        assert api_login(client, f"khong-co-{n % 4}" if n < 16 else f"ten-{n}").status_code == 401, n
    assert_too_many(api_login(client, "ten-moi"))
    assert_too_many(api_login(client, password=PASSWORD))
    assert api_login(client, password=PASSWORD, address="10.0.0.2").status_code == 201  # another address


def test_page_and_api_share_the_count_and_the_page_says_so_in_vietnamese(client, treasurer):
    for _ in range(3):
        assert api_login(client).status_code == 401
    for _ in range(2):
        assert page_login(client).status_code == 401
    refused = page_login(client)
    assert_too_many(refused)
    assert refused.mimetype == "text/html" and "Đăng nhập sai quá nhiều lần" in refused.text
    assert client.get("/login").status_code == 200  # only POSTs are limited


def test_unknown_username_is_checked_against_a_dummy_hash(app, client, treasurer, monkeypatch):
    checked = []
    real = services.hasher()

    class Spy:
        def verify(self, hashed, password):
            checked.append(hashed)
            return real.verify(hashed, password)

        def __getattr__(self, name):
            return getattr(real, name)

    monkeypatch.setattr(services, "hasher", Spy)
    assert api_login(client, "khong-co-ai").status_code == 401
    assert api_login(client).status_code == 401
    dummy = services.dummy_hash(app.config["LEDGER_PASSWORD_PROFILE"])
    assert checked == [dummy, db.session.get(User, treasurer.id).password_hash]
    assert dummy.startswith("$argon2id$")


def test_an_inactive_user_costs_a_check_and_gets_the_same_answer(client, treasurer, monkeypatch):
    db.session.get(User, treasurer.id).is_active = False
    db.session.commit()
    calls = []
    monkeypatch.setattr(services, "dummy_hash", lambda profile: calls.append(profile) or "")
    refused = api_login(client, password=PASSWORD)
    assert refused.status_code == 401 and refused.json["detail"] == "Sai tên đăng nhập hoặc mật khẩu."
    assert calls == []  # the user's own hash was checked (the dummy is only for unknown names)


def test_a_hash_with_older_parameters_still_verifies_and_is_upgraded(client, treasurer):
    older = PasswordHasher.from_parameters(Parameters(type=Type.ID, version=19, salt_len=8,
                                                      hash_len=16, time_cost=2, memory_cost=16, parallelism=1))
    db.session.get(User, treasurer.id).password_hash = older.hash(PASSWORD)
    db.session.commit()
    assert api_login(client, password=PASSWORD).status_code == 201
    upgraded = db.session.get(User, treasurer.id).password_hash
    assert not services.hasher().check_needs_rehash(upgraded)
    assert upgraded.startswith("$argon2id$v=19$m=8,t=1,p=1$")  # the test profile, CHEAPEST


def test_the_production_profile_is_owasp_argon2id_at_19_mib():
    params = services.PROFILES["OWASP_2023"]
    assert (params.memory_cost, params.time_cost, params.parallelism) == (19 * 1024, 2, 1)
