"""Caching of the public portal (issue 13, item 5): published statements are immutable under their ETag and
answer If-None-Match with 304; the portal's other pages are kept a minute by shared caches, but only as an
anonymous visitor gets them: a signed-in user's copy (their name in the header) and a language switch are not."""
import pytest

Q1 = {"period_start": "2026-01-01", "period_end": "2026-03-31"}


@pytest.fixture
def published(quarter, close, publisher) -> int:
    close("SL")
    draft = publisher.post("/units/SL/statements", json=Q1).json
    publisher.post(f"/statements/{draft['id']}/publish", json={})
    return draft["id"]


@pytest.mark.parametrize("suffix", ["", ".json", ".csv"])
def test_a_published_statement_is_immutable_and_revalidates_to_304(published, client, suffix):
    first = client.get(f"/public/statements/{published}{suffix}")
    assert first.status_code == 200
    assert set(first.headers["Cache-Control"].split(", ")) == {"public", "max-age=300", "immutable"}
    again = client.get(f"/public/statements/{published}{suffix}", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    other = client.get(f"/public/statements/{published}{suffix}", headers={"If-None-Match": '"another"'})
    assert other.status_code == 200 and other.data == first.data


@pytest.mark.parametrize("path", ["/public/", "/public/?q=muong bu", "/public/units/SL", "/public/units/SL-X01"])
def test_portal_pages_are_kept_a_minute_by_shared_caches(tree, client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=60"
    assert "Cookie" in response.headers["Vary"]


def test_a_language_switch_is_not_kept(tree, client):
    """Its answer sets the session cookie: a shared cache must not hand that cookie to the next visitor."""
    switched = client.get("/public/?lang=en")
    assert switched.status_code == 200 and "session=" in switched.headers["Set-Cookie"]
    assert "public" not in switched.headers.get("Cache-Control", "")


def test_a_missing_page_is_not_kept(tree, client):
    missing = client.get("/public/units/NO-SUCH-UNIT")
    assert missing.status_code == 404 and "public" not in missing.headers.get("Cache-Control", "")


def test_a_signed_in_users_portal_pages_stay_private(published, client, make_user):
    make_user("kiemtra", roles=[("SL", "auditor")])
    client.post("/login", data={"username": "kiemtra", "password": "mat-khau-dai"})
    home = client.get("/public/")
    assert home.status_code == 200 and "public" not in home.headers.get("Cache-Control", "")
    statement = client.get(f"/public/statements/{published}")
    assert statement.status_code == 200 and statement.headers["ETag"]
    assert "private" in statement.headers["Cache-Control"] and "public" not in statement.headers["Cache-Control"]
    again = client.get(f"/public/statements/{published}", headers={"If-None-Match": statement.headers["ETag"]})
    assert again.status_code == 304
