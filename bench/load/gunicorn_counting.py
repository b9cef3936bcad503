"""gunicorn settings for the load benchmark only: each worker counts the SQL statements it sends
(a `before_cursor_execute` listener on every engine) and writes the count to BENCH_STATEMENTS.<pid>
when it stops, so run.sh can report statements per receipt (and, with group commit on, the committer's
counts to BENCH_STATEMENTS-groups.<pid>). pg_stat_statements is not loaded on the
bench machine and pg_stat_database counts transactions, not statements. BEGIN and COMMIT are not cursor
executions with psycopg: they show in pg_stat_database's xact_commit, which run.sh reports beside.
"""
import os
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine

sent = {"statements": 0}


def count(*_args):
    sent["statements"] += 1


def post_worker_init(worker):
    event.listen(Engine, "before_cursor_execute", count)


def worker_exit(server, worker):
    Path(f"{os.environ['BENCH_STATEMENTS']}.{os.getpid()}").write_text(f"{sent['statements']}\n")
    committer = worker.wsgi.extensions.get("ledger_group_commit")
    if committer:  # group commit on: how the groups went, one line per worker (run.sh prints them)
        Path(f"{os.environ['BENCH_STATEMENTS']}-groups.{os.getpid()}").write_text(f"{committer.stats}\n")
