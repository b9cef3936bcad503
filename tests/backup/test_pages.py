"""The page "Sao lưu dữ liệu": global admins only; lists the backups of LEDGER_BACKUP_DIR with their totals, backs up
now on SQLite (an audit row), downloads a listed file and nothing outside the folder."""
import pytest
from sqlalchemy import select

from ledger.auth.services import grant_role
from ledger.core.audit import AuditEvent
from ledger.extensions import db
from tests.backup.conftest import cli


@pytest.fixture
def folder(tmp_path, monkeypatch):
    path = tmp_path / "backups"
    monkeypatch.setenv("LEDGER_BACKUP_DIR", str(path))
    return path


@pytest.fixture
def admin_page(app, make_user):
    """A client signed in as an admin over every unit (the only one who may see backups)."""
    user = make_user()
    grant_role(user, None, "admin")
    db.session.commit()
    client = app.test_client()
    assert client.post("/login", data={"username": user.username, "password": "mat-khau-dai"}).status_code == 302
    client.user = user
    return client


def test_the_page_lists_each_backup_with_its_totals(app, books, folder, admin_page):
    assert cli(app, "backup", folder / "ledger-2026-01-02.backup").exit_code == 0
    (folder / "notes.txt").write_text("không phải bản sao lưu")
    page = admin_page.get("/admin/backups")
    assert page.status_code == 200
    assert "ledger-2026-01-02.backup" in page.text and "notes.txt" not in page.text
    assert "7 / 7" in page.text  # units / entries read from the file


def test_back_up_now_writes_a_file_and_an_audit_row(app, books, folder, admin_page, is_postgres):
    answer = admin_page.post("/admin/backups")
    if is_postgres:
        assert answer.status_code == 409 and "ledger backup" in answer.text
        assert not folder.exists() or not list(folder.iterdir())
        return
    assert answer.status_code == 302
    [made] = folder.glob("ledger-*.backup")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "backup.create"))
    assert (event.object_id, event.user_id, event.after["entries"]) == (made.name, admin_page.user.id, 7)
    assert made.name in admin_page.get("/admin/backups").text


def test_postgres_shows_the_command_instead_of_the_button(app, folder, admin_page, is_postgres):
    page = admin_page.get("/admin/backups").text
    assert 'href="/admin/backups">Sao lưu dữ liệu</a>' in admin_page.get("/units").text
    assert ("ledger backup /var/backups/ledger/ledger-YYYY-MM-DD.backup" in page) == is_postgres
    assert ("Sao lưu ngay" in page) == (not is_postgres)


def test_a_listed_backup_downloads(app, books, folder, admin_page):
    assert cli(app, "backup", folder / "ledger-2026-01-02.backup").exit_code == 0
    with admin_page.get("/admin/backups/ledger-2026-01-02.backup") as answer:
        assert answer.status_code == 200
        assert answer.data == (folder / "ledger-2026-01-02.backup").read_bytes()
        assert "attachment" in answer.headers["Content-Disposition"]


@pytest.mark.parametrize("name", ["../secret_key.backup", "..%2Fsecret_key.backup", "%2Fetc%2Fpasswd",
                                  "/etc/passwd", "../backups/../x.backup", "notes.txt"])
def test_nothing_outside_the_folder_downloads(app, folder, admin_page, name):
    folder.mkdir()
    (folder / "notes.txt").write_text("x")
    (folder.parent / "secret_key.backup").write_text("bí mật")
    assert admin_page.get(f"/admin/backups/{name}", follow_redirects=True).status_code == 404


@pytest.mark.parametrize("roles", [[("VN", "treasurer")], [("VN", "admin")]])
def test_only_an_admin_over_everything_sees_backups(app, folder, page_as, roles):
    client = page_as(*roles)
    assert client.get("/admin/backups").status_code == 403
    assert "/admin/backups" not in client.get("/units").text  # no link in the menu either
    assert client.post("/admin/backups").status_code == 403
    assert not folder.exists()


def test_anonymous_visitors_go_to_the_login_form(app, folder):
    answer = app.test_client().get("/admin/backups")
    assert answer.status_code == 302 and "/login" in answer.headers["Location"]
