"""A dues collection sheet of 200 members posted as one transaction (one phiếu thu, three entries,
200 receipt lines and 200 dues payments), timed through the API as a treasurer's request runs.

Usage: .venv/bin/python bench/dues_sheet_bench.py [database URL] [--members 200] [--runs 7]
The database is emptied first (its public schema is dropped): give it one of its own.
Default: postgresql+psycopg://postgres@127.0.0.1:5432/dues_bench
"""
import argparse
import statistics
import time
from datetime import date
from pathlib import Path

from sqlalchemy import create_engine, func, select, text

from ledger import create_app
from ledger.accounts.community.models import DuesPayment
from ledger.accounts.models import Entry
from ledger.accounts.treasury.models import ReceiptContributor
from ledger.auth.services import issue_token
from ledger.extensions import db
from ledger.setup import initialise

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/dues_bench"
YEAR = 2026


def reset(url: str) -> None:
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    elif url.startswith("postgresql"):
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        engine.dispose()


def build(members: int, runs: int) -> tuple[str, list[list[int]]]:
    """Province → commune → one branch per run, each with `members` members; returns a token and the rolls."""
    from ledger.accounts import services
    from ledger.accounts.community.services import dues
    from ledger.accounts.community.services import members as roster
    from ledger.auth.services import get_user
    from ledger.units.services import create_unit, get_unit

    initialise("admin", "bench-password", "Bench")
    create_unit({"code": "SL", "name": "Hội Khuyến học tỉnh Sơn La", "level": "province", "parent": "VN"})
    create_unit({"code": "SL-TH", "name": "Hội Khuyến học phường Tô Hiệu", "level": "commune", "parent": "SL"})
    services.create_fund({"code": "HOIPHI", "name": "Hội phí", "owner_unit": "VN", "kind": "unrestricted"})
    dues.set_dues_policy(get_unit("SL"), {"year": YEAR, "amount": 24_000, "fund": "HOIPHI",
                                          "split": {"branch": 60, "commune": 30, "province": 10}})
    rolls = []
    for run in range(runs):
        branch = create_unit({"code": f"SL-TH-T{run + 1}", "name": f"Chi hội tổ {run + 1}", "level": "branch",
                              "parent": "SL-TH"})
        rolls.append([roster.add_member(branch, {"full_name": f"Hội viên {run + 1}-{i + 1:03d}"}).id
                      for i in range(members)])
    token = issue_token(get_user("admin"), days=1)
    db.session.commit()
    return token, rolls


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url", nargs="?", default=DEFAULT_URL)
    parser.add_argument("--members", type=int, default=200)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    reset(args.url)
    app = create_app({"SQLALCHEMY_DATABASE_URI": args.url, "LEDGER_PASSWORD_PROFILE": "CHEAPEST"})
    with app.app_context():
        token, rolls = build(args.members, args.runs)
    client = app.test_client()
    timings = []
    for run, roll in enumerate(rolls, start=1):
        body = {"member_ids": roll, "year": YEAR, "date": date(YEAR, 3, 26).isoformat(), "method": "cash"}
        start = time.perf_counter()
        response = client.post(f"/api/v1/units/SL-TH-T{run}/dues/sheet", json=body,
                               headers={"Authorization": f"Bearer {token}", "Idempotency-Key": f"sheet-{run}"})
        timings.append(time.perf_counter() - start)
        assert response.status_code == 201, response.json
        assert response.json["amount"] == 24_000 * args.members and len(response.json["entry_ids"]) == 3
    with app.app_context():
        counts = [db.session.scalar(select(func.count()).select_from(model)) for model in
                  (Entry, DuesPayment, ReceiptContributor)]
    dialect = args.url.split(":")[0]
    print(f"{dialect}: {args.runs} sheets of {args.members} members, each one POST = one transaction")
    print(f"  entries {counts[0]}, dues payments {counts[1]}, receipt lines {counts[2]}")
    print(f"  per sheet: median {statistics.median(timings) * 1000:.0f} ms, max {max(timings) * 1000:.0f} ms, "
          f"first {timings[0] * 1000:.0f} ms")


if __name__ == "__main__":
    main()
