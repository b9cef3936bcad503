"""Locust: clients posting cash receipts with Idempotency-Keys to /api/v1/units/<branch>/receipts.

Each simulated client posts to its own branch. BENCH_PLAN names the JSON written by setup_data.py;
at the end the keys of every 201 answer are written to BENCH_KEYS so run.sh can count them.
"""
import json
import os
import uuid
from itertools import count

from locust import FastHttpUser, constant, events, task

PLAN = json.load(open(os.environ["BENCH_PLAN"], encoding="utf-8"))
DAY = os.environ.get("BENCH_DATE", "2026-03-10")
REPLAY_EVERY = int(os.environ.get("BENCH_REPLAY_EVERY", "0"))  # also resend every n-th key: must not double
clients = count()
succeeded: set[str] = set()
replayed = {"count": 0}


class Treasurer(FastHttpUser):
    wait_time = constant(0)

    def on_start(self):
        self.unit = PLAN["units"][next(clients) % len(PLAN["units"])]
        self.headers = {"Authorization": f"Bearer {PLAN['token']}", "Content-Type": "application/json"}
        self.sent = 0

    @task
    def post_receipt(self):
        key = str(uuid.uuid4())
        self.post(key)
        self.sent += 1
        if REPLAY_EVERY and self.sent % REPLAY_EVERY == 0 and key in succeeded:
            self.post(key, replay=True)  # a client resending after a lost answer

    def post(self, key: str, replay: bool = False):
        body = {"date": DAY, "amount": 50_000 + self.sent % 1000 * 1_000, "method": "cash",
                "fund": PLAN["fund"], "category": "donation", "donor": {"id": PLAN["donor_id"]},
                "memo": "Ủng hộ quỹ khuyến học"}
        name = "POST receipt (replay)" if replay else "POST receipt"
        with self.client.post(f"/api/v1/units/{self.unit}/receipts", data=json.dumps(body),
                              headers={**self.headers, "Idempotency-Key": key}, name=name,
                              catch_response=True) as response:
            if response.status_code != 201:
                response.failure(f"{response.status_code}: {response.text[:200]}")
                return
            if replay:
                replayed["count"] += 1
            else:
                succeeded.add(key)


@events.test_stop.add_listener
def write_keys(environment, **_kwargs):
    with open(os.environ["BENCH_KEYS"], "w", encoding="utf-8") as handle:
        json.dump({"succeeded": len(succeeded), "replayed": replayed["count"]}, handle)
