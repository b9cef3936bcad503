#!/usr/bin/env python3
"""`ledger import-journal` against `hledger -f X.journal balance` on the same data (issue 13, target P3).

The bundle comes from tests/data/bench/gen.py (a copy of ../shared/bench/gen.py); the hledger journal
of the same entries is written from its CSV here (one transaction per entry, postings UNIT:ACCOUNT:FUND
in whole VND, as `ledger export-journal --format hledger` writes them). Each round times hledger, then
the import into a fresh database (`ledger init` first, not timed), engine after engine, so both see the
same machine; the medians of the rounds are compared. Wall time and CPU are both reported: on this
shared 2-core machine wall time follows the load, CPU much less. For PostgreSQL the import's CPU is
the command's plus its server process's (sampled from /proc every 0.1 s while it runs).

    .venv/bin/python bench/vs_hledger.py --entries 100000 --rounds 3 --engines sqlite postgresql

Before and after a change, in the same rounds: `--tree before=/tmp/old --tree after=/tmp/new`, each DIR
holding a `ledger` package (e.g. `git archive HEAD ledger | tar -x -C /tmp/old`), put first on the import's
PYTHONPATH; every tree's import gets its own hledger run right before it. Without --tree, this checkout.
"""
import argparse
import csv
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import psycopg
from import_bench import DATA, GEN, LEDGER, REPO, fresh_database, ledger, plain_url

APP_NAME = "ledger-vs-hledger"


def bundle(entries: int) -> Path:
    path = DATA / f"journal-{entries}.csv"
    if not path.exists():
        subprocess.run([sys.executable, str(GEN), "--entries", str(entries), "--out-dir", str(DATA)], check=True)
    return path


def hledger_journal(path: Path) -> Path:
    """The bundle's entries as an hledger journal: debits positive, credits negative, as our export does."""
    target = path.with_suffix(".journal")
    if target.exists() and target.stat().st_mtime >= path.stat().st_mtime:
        return target
    with open(path, encoding="utf-8", newline="") as source, open(target, "w", encoding="utf-8") as out:
        rows = csv.reader(source)
        next(rows)
        current = None
        for entry_id, day, unit, account, fund, debit, credit, memo in rows:
            if entry_id != current:
                out.write(f"\n{day} ({entry_id}) {memo.replace(';', ',')}\n")
                current = entry_id
            out.write(f"    {unit}:{account}:{fund}  {int(debit) - int(credit)} VND\n")
    return target


def timed(command: list[str], env=None, server_url: str | None = None) -> dict:
    """Wall and CPU seconds of a child (wait4: its own usage, not its children's); with server_url,
    the CPU of its PostgreSQL backend too."""
    sampler = BackendCpu(server_url) if server_url else None
    started = time.perf_counter()
    child = subprocess.Popen(command, env=env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if sampler:
        sampler.start()
    _pid, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    errors = child.stderr.read()
    child.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{command[-1]} failed:\n{errors[-3000:]}")
    server = sampler.stop() if sampler else 0.0
    return {"wall_s": wall, "cpu_s": usage.ru_utime + usage.ru_stime + server, "server_cpu_s": server}


class BackendCpu(threading.Thread):
    """The largest CPU time seen per backend process of the import (its main one, and the VACUUM after)."""

    def __init__(self, url: str):
        super().__init__(daemon=True)
        self.url, self.seen, self.done = plain_url(url).rsplit("/", 1)[0] + "/postgres", {}, threading.Event()

    def run(self):
        with psycopg.connect(self.url, autocommit=True) as conn:
            while not self.done.wait(0.1):
                for (pid,) in conn.execute("SELECT pid FROM pg_stat_activity WHERE application_name = %s",
                                           (APP_NAME,)).fetchall():
                    try:
                        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                    except OSError:
                        continue
                    self.seen[pid] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> float:
        self.done.set()
        self.join()
        return sum(self.seen.values())


def one_round(engines, trees: dict[str, str | None], path: Path, journal: Path, args) -> dict:
    """Engine after engine, tree after tree: a fresh database, hledger, then the import compared with it."""
    results = {}
    for engine in engines:
        for label, tree in trees.items():
            url = fresh_database(engine, f"vs_{path.stem.split('-')[1]}", args.pg_server, args.db_prefix)
            ledger(url, "init", "--admin-username", "admin", "--admin-password", "bench-password")
            hledger = timed(["hledger", "-f", str(journal), "balance"])
            env = {**os.environ, "LEDGER_DATABASE_URL": url, "LEDGER_SECRET_KEY": "bench", "PGAPPNAME": APP_NAME,
                   **tree_path(tree)}
            load = os.getloadavg()[0]
            imported = timed([*LEDGER, "import-journal", str(path)], env=env,
                             server_url=url if engine == "postgresql" else None)
            results[engine, label] = {"hledger": hledger, "import": imported, "load": (load, os.getloadavg()[0])}
            print(f"{engine} {label}: hledger {hledger['wall_s']:.1f} s ({hledger['cpu_s']:.1f} CPU), import "
                  f"{imported['wall_s']:.1f} s ({imported['cpu_s']:.1f} CPU), load {load:.1f}",
                  file=sys.stderr, flush=True)
    return results


def tree_path(tree: str | None) -> dict:
    """The environment that makes the import load the `ledger` package in `tree`: first on PYTHONPATH, and
    the working directory (this checkout) kept off sys.path."""
    return {"PYTHONPATH": tree, "PYTHONSAFEPATH": "1"} if tree else {}


def summary(rounds: list[dict], entries: int) -> str:
    """A Markdown table of the medians: the import's time over hledger's, wall and CPU."""
    out = ["| engine | tree | entries | hledger balance s (CPU s) | import s (CPU s: command + server) "
           "| ratio wall | ratio CPU | target ≤ 0.5 | load before → after (each round) |",
           "|---|---|---:|---:|---:|---:|---:|---|---|"]
    for engine, label in rounds[0]:
        runs = [r[engine, label] for r in rounds]
        median = {(side, key): statistics.median(run[side][key] for run in runs)
                  for side in ("hledger", "import") for key in ("wall_s", "cpu_s", "server_cpu_s")}
        wall = median["import", "wall_s"] / median["hledger", "wall_s"]
        cpu = median["import", "cpu_s"] / median["hledger", "cpu_s"]
        server = f" = {median['import', 'cpu_s'] - median['import', 'server_cpu_s']:.1f} + " \
                 f"{median['import', 'server_cpu_s']:.1f}" if engine == "postgresql" else ""
        loads = ", ".join(f"{run['load'][0]:.1f} → {run['load'][1]:.1f}" for run in runs)
        out.append(f"| {engine} | {label} | {entries:,} "
                   f"| {median['hledger', 'wall_s']:.1f} ({median['hledger', 'cpu_s']:.1f}) "
                   f"| {median['import', 'wall_s']:.1f} ({median['import', 'cpu_s']:.1f}{server}) | {wall:.2f} "
                   f"| {cpu:.2f} | {'met' if max(wall, cpu) <= 0.5 else 'missed'} | {loads} |")
    return "\n".join(out)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--entries", type=int, default=100000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--engines", nargs="+", choices=("sqlite", "postgresql"), default=["sqlite", "postgresql"])
    parser.add_argument("--pg-server", default=os.environ.get("LEDGER_BENCH_PG",
                                                              "postgresql+psycopg://postgres@127.0.0.1:5432"))
    parser.add_argument("--tree", action="append", metavar="LABEL=DIR", default=[],
                        help="time the import with the `ledger` package in DIR (repeat to compare trees)")
    parser.add_argument("--db-prefix", default="ledger_import_bench_",
                        help="name prefix of the benchmark's databases (PostgreSQL) and files (SQLite)")
    args = parser.parse_args()
    trees = dict(item.split("=", 1) for item in args.tree) or {"this checkout": None}
    DATA.mkdir(parents=True, exist_ok=True)
    path = bundle(args.entries)
    journal = hledger_journal(path)
    rounds = [one_round(args.engines, trees, path, journal, args) for _ in range(args.rounds)]
    print(f"hledger {subprocess.run(['hledger', '--version'], capture_output=True, text=True).stdout.strip()}; "
          f"median of {args.rounds} rounds")
    print(summary(rounds, args.entries))


if __name__ == "__main__":
    main()
