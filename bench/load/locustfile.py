"""Locust: clients posting cash receipts with Idempotency-Keys to /api/v1/units/<branch>/receipts.

Each simulated client posts to its own branch. BENCH_PLAN names the JSON written by setup_data.py.
At the end every 201 answer's key count, the latencies and the first/last timestamps go to
BENCH_KEYS, so summarise.py computes exact rates and percentiles and compares with the database.
"""
import json
import os
import time
import uuid
from itertools import count
from pathlib import Path

from locust import FastHttpUser, constant, events, task

PLAN = json.loads(Path(os.environ["BENCH_PLAN"]).read_text(encoding="utf-8"))
DAY = os.environ.get("BENCH_DATE", "2026-03-10")
REPLAY_EVERY = int(os.environ.get("BENCH_REPLAY_EVERY", "0"))  # also resend every n-th key: must not double
clients = count()
succeeded: set[str] = set()
record = {"latencies_ms": [], "replay_latencies_ms": [], "failures": 0, "started": None, "finished": None}


class Treasurer(FastHttpUser):
    wait_time = constant(0)

    def on_start(self):
        self.unit = PLAN["units"][next(clients) % len(PLAN["units"])]
        self.headers = {"Authorization": f"Bearer {PLAN['token']}", "Content-Type": "application/json"}
        self.sent = 0

    @task
    def post_receipt(self):
        key = str(uuid.uuid4())
        body = json.dumps({"date": DAY, "amount": 50_000 + self.sent % 1000 * 1_000, "method": "cash",
                           "fund": PLAN["fund"], "category": "donation", "donor": {"id": PLAN["donor_id"]},
                           "memo": "Ủng hộ quỹ khuyến học"})
        self.post(key, body)
        self.sent += 1
        if REPLAY_EVERY and self.sent % REPLAY_EVERY == 0 and key in succeeded:
            self.post(key, body, replay=True)  # a client resending after a lost answer

    def post(self, key: str, body: str, replay: bool = False):
        started = time.time()
        record["started"] = record["started"] or started
        with self.client.post(f"/api/v1/units/{self.unit}/receipts", data=body,
                              headers={**self.headers, "Idempotency-Key": key},
                              name="POST receipt (replay)" if replay else "POST receipt",
                              catch_response=True) as response:
            elapsed = (time.time() - started) * 1000
            if response.status_code != 201:
                record["failures"] += 1
                response.failure(f"{response.status_code}: {(response.text or '')[:200]}")
                return
            record["finished"] = time.time()
            if replay:
                record["replay_latencies_ms"].append(elapsed)
            else:
                succeeded.add(key)
                record["latencies_ms"].append(elapsed)


@events.test_stop.add_listener
def write_record(environment, **_kwargs):
    with open(os.environ["BENCH_KEYS"], "w", encoding="utf-8") as handle:
        json.dump({**record, "succeeded": len(succeeded)}, handle)
