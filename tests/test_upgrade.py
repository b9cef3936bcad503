"""The upgrade path from the previous release: its demo database, as that release left it (SQLite file and
pg_dump, tests/data/releases/), goes through `ledger db upgrade` and comes out whole — books verified,
learning counts agreeing, every row and chain head unchanged, and the public portal serving it.
"""
import gzip
import shutil
import subprocess

import pytest
from alembic.script import ScriptDirectory
from flask_migrate import upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from ledger import create_app
from ledger.accounts.verify import verify_all
from ledger.extensions import db
from ledger.learning.tallies import verify_counts
from ledger.units.services import ROOT_CODE, get_unit
from tests.backup.conftest import app_on, cli, empty_target
from tests.conftest import BASE_CONFIG, scratch_postgres, worker_database_name
from tests.test_deploy import ROOT

RELEASES = ROOT / "tests" / "data" / "releases"
PREVIOUS = "c4names0001"  # Alembic head of release f42182b
DEMO_UNITS = {"SL": "Hội Khuyến học tỉnh Sơn La", "LC12-03390": "Hội Khuyến học Xã Bình Lư",
              "HN-00130": "Hội Khuyến học Phường Bồ Đề"}


def sqlite_copy(folder) -> str:
    path = folder / "previous.sqlite3"
    with gzip.open(RELEASES / "f42182b-demo.sqlite3.gz") as packed, path.open("wb") as plain:
        shutil.copyfileobj(packed, plain)
    return f"sqlite:///{path}"


def load_dump(url: str) -> None:
    """psql reads the plain dump as an operator would restore it; the first error stops it."""
    libpq = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    sql = gzip.decompress((RELEASES / "f42182b-demo.postgresql.sql.gz").read_bytes())
    subprocess.run(["psql", "--no-psqlrc", "-q", "-v", "ON_ERROR_STOP=1", "-d", libpq], input=sql, check=True,
                   capture_output=True)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def previous_release(request, tmp_path):
    """The URL of a database holding the previous release's demo, at its schema."""
    if request.param == "sqlite":
        yield sqlite_copy(tmp_path)
        return
    if not shutil.which("psql"):
        pytest.skip("psql is not installed")
    with scratch_postgres(worker_database_name("upgrade")) as url:
        load_dump(url)
        yield url


def snapshot(url: str) -> dict:
    """Row counts of every table, the chain heads and the published statements' hashes, read with plain SQL."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            tables = sorted(set(inspect(conn).get_table_names()) - {"alembic_version"})
            return {
                "revisions": set(conn.execute(text("SELECT version_num FROM alembic_version")).scalars()),
                "rows": {name: conn.execute(text(f"SELECT count(*) FROM {name}")).scalar() for name in tables},
                "heads": conn.execute(text("SELECT unit_id, length, head FROM chain_heads ORDER BY unit_id")).all(),
                "published": conn.execute(text("SELECT id, unit_id, hash FROM statements "
                                               "WHERE status = 'published' ORDER BY id")).all(),
            }
    finally:
        engine.dispose()


def current_heads(app) -> set[str]:
    return set(ScriptDirectory(app.extensions["migrate"].directory).get_heads())


def test_the_previous_releases_database_upgrades_whole(previous_release):
    before = snapshot(previous_release)
    assert before["revisions"] == {PREVIOUS}
    assert before["rows"]["entries"] == 117 and len(before["published"]) == 3  # the release's demo

    app = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": previous_release})
    try:
        with app.app_context():
            upgrade()  # what `ledger db upgrade` runs
            problems = [(result.unit, result.problems) for result in verify_all() if not result.valid]
            differences = verify_counts(get_unit(ROOT_CODE))
            names = {code: get_unit(code).name for code in DEMO_UNITS}
            db.session.remove()
        client = app.test_client()
        pages = {path: client.get(path) for path in ("/public/", "/public/units/LC12-03390", "/public/statements/2")}
    finally:
        with app.app_context():
            db.engine.dispose()

    after = snapshot(previous_release)
    assert after["revisions"] == current_heads(app) != {PREVIOUS}
    assert problems == [] and differences == []
    assert names == DEMO_UNITS
    assert {name: after["rows"][name] for name in before["rows"]} == before["rows"]  # nothing lost or added
    assert after["heads"] == before["heads"] and after["published"] == before["published"]
    assert {path: page.status_code for path, page in pages.items()} == dict.fromkeys(pages, 200)
    assert "Xã Bình Lư" in pages["/public/units/LC12-03390"].text
    assert before["published"][1].hash in pages["/public/statements/2"].text


def test_a_backup_of_the_previous_release_restores_then_upgrades(previous_release, tmp_path):
    """Last week's nightly backup on a new server: restore says to upgrade (the new models cannot check old
    tables), the manifest already matches, and after `ledger db upgrade` the books check clean."""
    backup = tmp_path / "previous.backup"
    with app_on(previous_release) as old:
        assert cli(old, "backup", backup).exit_code == 0
    with empty_target(previous_release, tmp_path) as target, app_on(target) as new:
        restored = cli(new, "restore", backup)
        assert restored.exit_code == 0, restored.output
        assert "So với bản kê trong tệp sao lưu: KHỚP." in restored.output
        assert f"phiên bản lược đồ {PREVIOUS}" in restored.output and "ledger db upgrade" in restored.output
        upgrade()  # what `ledger db upgrade` runs
        checked = cli(new, "check")
        assert checked.exit_code == 0 and "117 bút toán: KHỚP" in checked.output
