"""Summarise a load run: receipts/s and latency from locust's CSV, then prove nothing was lost or
doubled — receipts in the database equal the 201 answers to distinct Idempotency-Keys.
"""
import csv
import json
import sys

from sqlalchemy import func, select

from ledger import create_app
from ledger.accounts.treasury_models import Receipt
from ledger.extensions import db


def main(stats_csv: str, keys_json: str) -> int:
    with open(stats_csv, encoding="utf-8") as handle:
        rows = {row["Name"]: row for row in csv.DictReader(handle)}
    first = rows["POST receipt"]
    keys = json.load(open(keys_json, encoding="utf-8"))
    app = create_app()
    with app.app_context():
        posted = db.session.scalar(select(func.count(Receipt.id)))
    requests, failures = int(first["Request Count"]), int(first["Failure Count"])
    rate = float(first["Requests/s"]) * (requests - failures) / max(requests, 1)
    print(f"requests:                {requests}, failed {failures}")
    print(f"receipts/s:              {rate:.1f}")
    print(f"latency ms p50/p95/p99/max: {first['50%']} / {first['95%']} / {first['99%']} / "
          f"{float(first['Max Response Time']):.0f}")
    if "POST receipt (replay)" in rows:
        print(f"replayed keys:           {keys['replayed']} answered 201 again, p99 {rows['POST receipt (replay)']['99%']} ms")
    print(f"distinct keys answered 201: {keys['succeeded']};  receipts in the database: {posted}")
    same = posted == keys["succeeded"]
    print("nothing lost, nothing doubled" if same else "MISMATCH between answers and receipts")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
