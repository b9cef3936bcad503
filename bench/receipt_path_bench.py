"""CPU and SQL statements of one receipt through the API, in process (no HTTP server, no locust).

A fresh database (PostgreSQL by default: a scratch database on the local server, dropped after),
the load benchmark's data (bench/load/setup_data.py: branches, a fund, a treasurer with a token, a donor),
then N receipts through Flask's test client, each with its own Idempotency-Key, round-robin over
the branches. Prints the statements of one receipt (after warm-up) and the CPU and wall time per
receipt; `--replays` also times a replayed key.

    .venv/bin/python bench/receipt_path_bench.py --receipts 300
    .venv/bin/python bench/receipt_path_bench.py --url sqlite:////tmp/receipts.sqlite3
"""
import argparse
import importlib.util
import json
import os
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url

from ledger import create_app
from ledger.extensions import db

SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def prepare(url: str) -> dict:
    """The load benchmark's own data (bench/load/setup_data.py), written into `url`."""
    spec = importlib.util.spec_from_file_location("setup_data", Path(__file__).parent / "load" / "setup_data.py")
    setup_data = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(setup_data)
    os.environ["LEDGER_DATABASE_URL"] = url
    with tempfile.NamedTemporaryFile(suffix=".json") as plan:
        setup_data.main(plan.name)
        return json.loads(Path(plan.name).read_text(encoding="utf-8"))


class Statements:
    """Every statement the app's engine sends (the driver's BEGIN is implicit and not one of them)."""

    def __init__(self, engine):
        self.sql: list[str] = []
        event.listen(engine, "before_cursor_execute", self.seen)
        event.listen(engine, "commit", lambda _conn: self.sql.append("COMMIT"))
        event.listen(engine, "rollback", lambda _conn: self.sql.append("ROLLBACK"))

    def seen(self, _conn, _cursor, statement, _params, _context, _many):
        self.sql.append(" ".join(statement.split()))


def run(app, plan: dict, count: int, replays: int, width: int) -> None:
    client = app.test_client()
    headers = {"Authorization": f"Bearer {plan['token']}"}

    def post(i: int, key: str):
        body = {"date": "2026-03-10", "amount": 50_000 + i % 1000 * 1_000, "method": "cash", "fund": plan["fund"],
                "category": "donation", "donor": {"id": plan["donor_id"]}, "memo": "Ủng hộ quỹ khuyến học"}
        response = client.post(f"/api/v1/units/{plan['units'][i % len(plan['units'])]}/receipts", json=body,
                               headers={**headers, "Idempotency-Key": key})
        assert response.status_code in (200, 201), response.get_data(as_text=True)

    for i in range(len(plan["units"])):  # warm-up: every branch's chain head and counters exist, caches are filled
        post(i, str(uuid.uuid4()))
    with app.app_context():
        counter = Statements(db.engine)
    key = str(uuid.uuid4())
    post(0, key)
    one = list(counter.sql)
    counter.sql.clear()
    post(0, key)
    replayed = list(counter.sql)
    if width:
        print(f"--- one receipt: {len(one)} statements")
        print("\n".join(f"{n:3} {sql[:width]}" for n, sql in enumerate(one, 1)))
        print(f"--- the same key replayed: {len(replayed)} statements")
        print("\n".join(f"{n:3} {sql[:width]}" for n, sql in enumerate(replayed, 1)))
    timed("receipts", count, lambda i: post(i, str(uuid.uuid4())), counter, len(one))
    if replays:
        keys = [str(uuid.uuid4()) for _ in range(replays)]
        for i, each in enumerate(keys):
            post(i, each)
        timed("replays", replays, lambda i: post(i, keys[i]), counter, len(replayed))


def timed(label: str, count: int, work, counter: Statements, per_one: int) -> None:
    counter.sql.clear()
    cpu, wall = time.process_time(), time.perf_counter()
    for i in range(count):
        work(i)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    print(json.dumps({label: count, "statements_each": len(counter.sql) / count, "statements_listed": per_one,
                      "cpu_ms_each": round(cpu / count * 1000, 2), "wall_ms_each": round(wall / count * 1000, 2),
                      "per_second": round(count / wall, 1)}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--receipts", type=int, default=300)
    parser.add_argument("--replays", type=int, default=100)
    parser.add_argument("--url", help="a database to create the data in (default: a scratch PostgreSQL database)")
    parser.add_argument("--width", type=int, default=160, help="characters shown of each statement (0: no list)")
    args = parser.parse_args()
    scratch = None
    url = args.url
    if url is None:
        scratch = f"ledger_receipt_bench_{uuid.uuid4().hex[:8]}"
        admin = create_engine(SERVER, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{scratch}"'))
        url = make_url(SERVER).set(database=scratch).render_as_string(hide_password=False)
    try:
        plan = prepare(url)
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
        run(app, plan, args.receipts, args.replays, args.width)
        with app.app_context():
            db.engine.dispose()
    finally:
        if scratch:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)'))
            admin.dispose()


if __name__ == "__main__":
    main()
