"""The deployment in deploy/ holds: behind one proxy the app believes its X-Forwarded-* headers (https is
served, the client's address is counted), the unit files and timer parse, the scripts run, the env example
names only settings something reads, and the public portal serves from a read-only PostgreSQL replica.
"""
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.engine import make_url

from ledger import config as settings
from ledger import create_app
from ledger.extensions import db
from tests.conftest import BASE_CONFIG, scratch_postgres, worker_database_name

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
UNITS = ("ledger.service", "ledger-backup.service", "ledger-backup.timer")
PUBLIC_HOST = "khuyenhoc.example.vn"
SYSTEMD_ANALYZE = shutil.which("systemd-analyze")


@pytest.fixture
def make_app(database_url):
    """make_app(**settings) → an app on this test's database; its pool is closed after the test."""
    made = []

    def make(**config):
        app = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url, **config})
        made.append(app)
        return app

    yield make
    for app in made:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


# --- behind the proxy -------------------------------------------------------------------------------------

def test_proxy_count_comes_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("LEDGER_SECRET_KEY", "x")
    assert settings.load(str(tmp_path))["LEDGER_PROXY_COUNT"] == 0
    monkeypatch.setenv("LEDGER_PROXY_COUNT", "1")
    assert settings.load(str(tmp_path))["LEDGER_PROXY_COUNT"] == 1


def test_behind_one_proxy_https_forwarded_as_http_is_served_not_redirected(make_app):
    client = make_app(LEDGER_SECURE_COOKIES=True, LEDGER_PROXY_COUNT=1).test_client()
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": PUBLIC_HOST, "X-Forwarded-For": "203.0.113.7"}
    served = client.get("/login", headers=forwarded)
    assert served.status_code == 200
    assert served.headers["Strict-Transport-Security"].startswith("max-age=")
    plain = client.get("/login", headers={"X-Forwarded-Host": PUBLIC_HOST})  # someone typed http://
    assert plain.status_code == 302 and plain.location == f"https://{PUBLIC_HOST}/login"


def test_without_the_proxy_setting_the_forwarded_host_is_not_believed(make_app):
    client = make_app(LEDGER_SECURE_COOKIES=True).test_client()
    redirected = client.get("/login", headers={"X-Forwarded-Host": PUBLIC_HOST})
    assert redirected.status_code == 302 and redirected.location == "https://localhost/login"


def failed_login(client, n: int, forwarded_for: str):
    """A wrong password for a name of its own (no name reaches its limit of 5), through the proxy at 127.0.0.1."""
    return client.post("/login", data={"username": f"khong-co-{n}", "password": "sai-mat-khau"},
                       headers={"X-Forwarded-For": forwarded_for}, environ_base={"REMOTE_ADDR": "127.0.0.1"})


def test_the_login_limit_counts_the_forwarded_client_not_the_proxy(make_app):
    client = make_app(LEDGER_PROXY_COUNT=1).test_client()
    # What a client prepends itself is ignored: one proxy means only the last address is believed.
    statuses = [failed_login(client, n, f"198.51.100.{n}, 203.0.113.7").status_code for n in range(20)]
    assert statuses == [401] * 20
    assert failed_login(client, 20, "203.0.113.7").status_code == 429
    assert failed_login(client, 21, "203.0.113.8").status_code == 401  # another citizen behind the same proxy


def test_without_the_proxy_setting_everyone_shares_the_proxys_count(make_app):
    client = make_app().test_client()
    assert {failed_login(client, n, "203.0.113.7").status_code for n in range(20)} == {401}
    assert failed_login(client, 20, "203.0.113.8").status_code == 429


# --- the files in deploy/ ----------------------------------------------------------------------------------

def installed_here(unit_text: str) -> str:
    """The unit as if installed from this checkout: systemd-analyze checks that ExecStart's programs exist."""
    return (unit_text.replace("/opt/ledger/venv", str(Path(sys.executable).parent.parent))
            .replace("/opt/ledger/app", str(ROOT)))


@pytest.mark.skipif(not SYSTEMD_ANALYZE, reason="systemd-analyze is not installed")
def test_unit_files_verify_without_a_single_warning(tmp_path):
    for name in UNITS:
        (tmp_path / name).write_text(installed_here((DEPLOY / name).read_text()))
    result = subprocess.run([SYSTEMD_ANALYZE, "verify", "--man=no", "--generators=no",
                             *(str(tmp_path / name) for name in UNITS)], capture_output=True, text=True)
    # An unknown or misspelt directive is only a warning (exit 0): the output must be empty too.
    assert (result.returncode, result.stdout + result.stderr) == (0, "")


@pytest.mark.skipif(not SYSTEMD_ANALYZE, reason="systemd-analyze is not installed")
def test_the_timer_runs_nightly():
    calendar = re.search(r"^OnCalendar=(.+)$", (DEPLOY / "ledger-backup.timer").read_text(), re.MULTILINE).group(1)
    result = subprocess.run([SYSTEMD_ANALYZE, "calendar", "--iterations=2", calendar], capture_output=True,
                            text=True, check=True)
    elapses = re.findall(r"(?:Next elapse|Iter\. #2): \w+ (\S+) (\S+)", result.stdout)
    (first_day, first_time), (second_day, second_time) = elapses
    assert first_time == second_time == "02:30:00" and first_day != second_day


def test_the_backup_script_is_valid_bash():
    subprocess.run(["bash", "-n", str(DEPLOY / "nightly-backup.sh")], check=True)


def run_nightly_backup(folder: Path, fake_ledger: str, **env) -> subprocess.CompletedProcess:
    """deploy/nightly-backup.sh with a stand-in `ledger` first on PATH (it records its arguments)."""
    bin_dir = folder.parent / "bin"
    bin_dir.mkdir(exist_ok=True)
    (bin_dir / "ledger").write_text(f"#!/bin/sh\necho \"$@\" >> {folder.parent / 'calls'}\n{fake_ledger}\n")
    (bin_dir / "ledger").chmod(0o755)
    environment = {"PATH": f"{bin_dir}:/usr/bin:/bin", "LEDGER_BACKUP_DIR": str(folder), **env}
    return subprocess.run([str(DEPLOY / "nightly-backup.sh")], env=environment, capture_output=True, text=True)


def aged(path: Path, days: float) -> Path:
    path.write_text("old")
    stamp = path.stat().st_mtime - days * 86400
    os.utime(path, (stamp, stamp))
    return path


def test_nightly_backup_names_the_file_by_date_then_forgets_old_ones(tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    old, recent = aged(folder / "ledger-2026-01-01.backup", 15), aged(folder / "ledger-2026-01-10.backup", 6)
    other = aged(folder / "notes.txt", 40)  # not ours: never touched
    result = run_nightly_backup(folder, 'touch "$2"', LEDGER_BACKUP_KEEP_DAYS="7")
    assert result.returncode == 0, result.stderr
    (call,) = (tmp_path / "calls").read_text().splitlines()
    assert re.fullmatch(rf"backup {folder}/ledger-\d{{4}}-\d\d-\d\d\.backup", call)
    assert not old.exists() and recent.exists() and other.exists()
    assert len(list(folder.glob("ledger-*.backup"))) == 2  # tonight's and the recent one


def test_a_failed_backup_deletes_nothing(tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    old = aged(folder / "ledger-2026-01-01.backup", 30)
    result = run_nightly_backup(folder, "exit 3")
    assert result.returncode == 3 and old.exists()


def test_the_env_example_names_only_settings_something_reads():
    names = re.findall(r"^([A-Z][A-Z0-9_]*)=", (DEPLOY / "ledger.env.example").read_text(), re.MULTILINE)
    assert "LEDGER_PROXY_COUNT" in names and len(names) >= 8
    readers = [*ROOT.joinpath("ledger").rglob("*.py"), DEPLOY / "nightly-backup.sh", DEPLOY / "gunicorn.conf.py"]
    code = "\n".join(path.read_text() for path in readers)
    assert [name for name in names if not re.search(rf"[\"'$]{{?{name}\b", code)] == []


def test_gunicorn_loads_its_config_and_the_app(tmp_path):
    environment = {**os.environ, "LEDGER_SECRET_KEY": "x",
                   "LEDGER_DATABASE_URL": f"sqlite:///{tmp_path / 'ledger.sqlite3'}"}
    gunicorn = Path(sys.executable).parent / "gunicorn"
    result = subprocess.run([str(gunicorn), "--check-config", "--print-config", "--config",
                             str(DEPLOY / "gunicorn.conf.py"), "ledger:create_app()"],
                            env=environment, capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    printed = dict(re.findall(r"^(\w+)\s+= (.*)$", result.stdout, re.MULTILINE))
    assert (printed["bind"], printed["worker_class"], printed["threads"]) == ("['127.0.0.1:8000']", "gthread", "4")


NGINX_MAIN = """error_log {prefix}/error.log;
pid {prefix}/nginx.pid;
events {{ }}
http {{ include /etc/nginx/mime.types; include {prefix}/site.conf; }}
"""


@pytest.mark.skipif(not (shutil.which("nginx") and shutil.which("openssl")), reason="nginx or openssl is not installed")
def test_nginx_accepts_the_site(tmp_path):
    """`nginx -t` on deploy/nginx.conf as Debian's nginx.conf includes it, with a self-signed certificate."""
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
                    "-keyout", str(tmp_path / "privkey.pem"), "-out", str(tmp_path / "fullchain.pem")],
                   check=True, capture_output=True)
    site = (DEPLOY / "nginx.conf").read_text().replace("/etc/letsencrypt/live/khuyenhoc.example.vn", str(tmp_path))
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(NGINX_MAIN.format(prefix=tmp_path))
    result = subprocess.run(["nginx", "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
                            capture_output=True, text=True)
    assert result.returncode == 0 and "test is successful" in result.stderr, result.stderr


def test_nginx_takes_uploads_as_large_as_the_app():
    limit = re.search(r"client_max_body_size (\d+)m;", (DEPLOY / "nginx.conf").read_text()).group(1)
    app_limit = settings.load(str(ROOT / "instance"))["MAX_CONTENT_LENGTH"]
    assert int(limit) * 1024 * 1024 == app_limit


# --- the public portal on a read replica -------------------------------------------------------------------

def read_only(url: str) -> str:
    """The same database through a session that refuses writes, as a streaming replica would."""
    return make_url(url).update_query_dict({"options": "-c default_transaction_read_only=on"}) \
        .render_as_string(hide_password=False)


def public_paths() -> list[str]:
    """Every public page of the demo, found in its data: a province, a commune, a statement, a campaign…"""
    from ledger.accounts.campaigns.models import Campaign
    from ledger.reports.models import FundStatement

    statement = db.session.scalars(select(FundStatement).where(FundStatement.status == "published")
                                   .order_by(FundStatement.id)).first()
    campaign = db.session.scalars(select(Campaign).order_by(Campaign.code)).first()
    return ["/public/", "/public/?q=binh+lu", "/public/units/SL", "/public/units/SL/learning",
            "/public/units/SL/learning/chart.svg", f"/public/units/{statement.unit.code}",
            f"/public/statements/{statement.id}", f"/public/statements/{statement.id}.json",
            f"/public/statements/{statement.id}.csv", f"/public/verify/{statement.hash}",
            f"/public/campaigns/{campaign.code}", f"/public/units/{campaign.owner_unit.code}/honor-roll",
            "/public/scholarships/SL/awards.json", "/public/scholarships/SL/awards.csv"]


@pytest.mark.postgres
def test_the_public_portal_serves_from_a_read_only_replica():
    from ledger.demo.load import load_demo

    with scratch_postgres(worker_database_name("replica")) as url:
        primary = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": url})
        with primary.app_context():
            load_demo()
            paths = public_paths()
            db.session.remove()
            db.engine.dispose()
        replica = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": read_only(url)})
        client = replica.test_client()
        try:
            answers = {path: client.get(path).status_code for path in paths}
            with replica.app_context():
                read_only_session = db.session.execute(text("SHOW transaction_read_only")).scalar()
        finally:
            with replica.app_context():
                db.session.remove()
                db.engine.dispose()
    assert read_only_session == "on"
    assert answers == dict.fromkeys(paths, 200)
