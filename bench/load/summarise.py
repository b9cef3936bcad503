"""Summarise a load run: receipts/s and exact latency percentiles from the client's own record,
then prove nothing was lost or doubled — receipts in the database equal the distinct
Idempotency-Keys that got 201.
"""
import json
import os
import sys
from pathlib import Path

from sqlalchemy import func, select

from ledger import create_app
from ledger.accounts.treasury.models import Receipt
from ledger.extensions import db


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def main(record_json: str) -> int:
    record = json.loads(Path(record_json).read_text(encoding="utf-8"))
    app = create_app()
    with app.app_context():
        posted = db.session.scalar(select(func.count(Receipt.id)))
    latencies, seconds = record["latencies_ms"], (record["finished"] or 0) - (record["started"] or 0)
    print(f"201 answers:             {len(latencies)} in {seconds:.1f} s, {record['failures']} failures")
    print(f"receipts/s:              {len(latencies) / seconds if seconds else 0:.1f}")
    print("latency ms p50/p95/p99/max: " + " / ".join(
        f"{percentile(latencies, share):.0f}" for share in (0.50, 0.95, 0.99, 1.0)))
    if record["replay_latencies_ms"]:
        print(f"replayed keys:           {len(record['replay_latencies_ms'])} answered 201 again, "
              f"p99 {percentile(record['replay_latencies_ms'], 0.99):.0f} ms")
    app_cpu, db_cpu = (float(os.environ.get(name) or 0) for name in ("BENCH_APP_CPU", "BENCH_DB_CPU"))
    if app_cpu and latencies:
        per = 1000 * (app_cpu + db_cpu) / len(latencies)
        print(f"server CPU per receipt:  {1000 * app_cpu / len(latencies):.1f} ms app (gunicorn workers) + "
              f"{1000 * db_cpu / len(latencies):.1f} ms PostgreSQL = {per:.1f} ms "
              f"-> at most {2000 / per:.0f} receipts/s on two otherwise idle cores")
    print_database_work(len(latencies))
    print(f"distinct keys answered 201: {record['succeeded']};  receipts in the database: {posted}")
    same = posted == record["succeeded"]
    print("nothing lost, nothing doubled" if same else "MISMATCH between answers and receipts")
    return 0 if same else 1


def print_database_work(receipts: int) -> None:
    """Statements sent by the workers (gunicorn_counting.py) and PostgreSQL's own commit and insert counts."""
    statements, commits, inserted = (int(os.environ.get(name) or 0) for name in
                                     ("BENCH_STATEMENT_COUNT", "BENCH_COMMITS", "BENCH_INSERTED"))
    if receipts and commits:
        print(f"per receipt:             {statements / receipts:.1f} statements (+ BEGIN/COMMIT), "
              f"{commits / receipts:.2f} commits, {inserted / receipts:.1f} rows inserted")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
