"""`ledger export-journal --format bundle`: imported into a fresh database (`ledger init`'s chart and root) the
bundle gives every unit the same trial balance, on both engines; --from carries the earlier books as one
opening entry per unit, --to leaves later entries out, --subtree takes the units below too."""
import csv
import uuid
from contextlib import contextmanager
from datetime import date

import pytest
from sqlalchemy import func, select

from ledger import create_app
from ledger.accounts.models import Entry, Line
from ledger.extensions import db
from ledger.units.services import get_unit
from tests.accounts.exports.conftest import net_balances, run, trial_balances
from tests.conftest import BASE_CONFIG, migrate_and_seed, scratch_postgres, worker_database_name

ENGINES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(params=ENGINES)
def fresh_app(request, tmp_path):
    """An app on a new database in `ledger init`'s state (chart and root), of either engine."""
    if request.param == "sqlite":
        with app_on(f"sqlite:///{tmp_path / 'fresh.sqlite3'}") as fresh:
            yield fresh
        return
    with scratch_postgres(worker_database_name(f"export_{uuid.uuid4().hex[:6]}")) as url, app_on(url) as fresh:
        yield fresh


@contextmanager
def app_on(url: str):
    migrate_and_seed(url)
    fresh = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": url})
    try:
        yield fresh
    finally:
        with fresh.app_context():
            db.engine.dispose()


@contextmanager
def inside(app):
    with app.app_context():
        yield app
        db.session.remove()


def read_csv(path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def export(app, path, *options):
    path.parent.mkdir(exist_ok=True)
    result = run(app, "export-journal", *options, path)
    assert result.exit_code == 0, result.output
    return path


def test_round_trip_gives_every_unit_the_same_trial_balance(app, books, fresh_app, tmp_path):
    journal = export(app, tmp_path / "journal.csv", "--unit", "SL", "--subtree")
    expected = trial_balances()
    assert expected["SL"] and expected["SL-X02"], "the books hold entries"
    with inside(fresh_app):
        imported = run(fresh_app, "import-journal", journal)
        assert imported.exit_code == 0, imported.output
        assert trial_balances() == expected
        assert get_unit("SL-B1").path == "VN/SL/SL-X01/SL-B1"
        transfer = db.session.execute(select(Entry.unit_id, Line.counterparty_unit_id).join(Line)
                                      .where(Line.counterparty_unit_id.is_not(None))).all()
        assert {(unit, other) for unit, other in transfer} == {(get_unit("SL-X01").id, get_unit("SL").id),
                                                               (get_unit("SL").id, get_unit("SL-X01").id)}


def test_from_and_to_carry_the_earlier_books_as_an_opening_entry(app, books, fresh_app, tmp_path):
    start, end = date(2025, 3, 11), date(2025, 12, 31)
    journal = export(app, tmp_path / "journal.csv", "--unit", "SL", "--subtree", "--from", "11/03/2025",
                     "--to", end.isoformat())
    expected = net_balances(as_of=end)
    rows = read_csv(journal)
    openings = [row for row in rows if row["date"] < start.isoformat()]
    # SL, SL-X01 and SL-X02 had books before 11/03/2025; each gets one entry dated the day before.
    assert {(row["entry_id"], row["date"]) for row in openings} == {
        (f"{code}/SODU-2025-03-10", "2025-03-10") for code in ("SL", "SL-X01", "SL-X02")}
    assert {(row["unit_code"], row["account_code"], row["debit"]) for row in openings if row["account_code"] == "111"} \
        == {("SL", "111", "10000000"), ("SL-X02", "111", "3000000"), ("SL-X01", "111", "5000000")}
    assert max(row["date"] for row in rows) <= end.isoformat()  # the 2026 entry of SL-B3 stays out
    with inside(fresh_app):
        imported = run(fresh_app, "import-journal", journal)
        assert imported.exit_code == 0, imported.output
        assert net_balances(as_of=end) == expected
        assert db.session.scalar(select(func.count(Entry.id)).where(Entry.dated_on < start)) == 3


def test_subtree_takes_the_units_below_each_under_its_own_code(app, books, tmp_path):
    alone = read_csv(export(app, tmp_path / "alone" / "journal.csv", "--unit", "SL-X01"))
    assert {row["unit_code"] for row in alone} == {"SL-X01"}
    assert read_csv(tmp_path / "alone" / "units.csv") == [
        {"unit_code": "SL", "parent_code": "", "level": "province", "name": "Hội Khuyến học tỉnh Sơn La"},
        {"unit_code": "SL-X01", "parent_code": "SL", "level": "commune", "name": "Hội Khuyến học phường Tô Hiệu"}]
    below = read_csv(export(app, tmp_path / "below" / "journal.csv", "--unit", "SL-X01", "--subtree"))
    assert {row["unit_code"] for row in below} == {"SL-X01", "SL-B1", "SL-B2"}
    assert [row["unit_code"] for row in read_csv(tmp_path / "below" / "units.csv")] == ["SL", "SL-X01", "SL-B1",
                                                                                        "SL-B2"]
    assert {row["fund_code"] for row in read_csv(tmp_path / "below" / "funds.csv")} == {"HOIPHI", "TOHIEU"}


def test_a_commune_alone_imports_with_its_own_balances(app, books, tmp_path):
    """Without the province's side, the commune's transfer up is a plain entry; its books are still whole."""
    journal = export(app, tmp_path / "journal.csv", "--unit", "SL-X01")
    expected = trial_balances(("SL-X01",))
    with app_on(f"sqlite:///{tmp_path / 'fresh.sqlite3'}") as fresh, inside(fresh):
        assert run(fresh, "import-journal", journal).exit_code == 0
        assert trial_balances(("SL-X01",)) == expected
