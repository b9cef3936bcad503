"""Public statement page and PDF on a national-size tree: 34 provinces, 3,321 communes, 100,000
branches and about a million entries (PostgreSQL only: the tree is built with generate_series).

    .venv/bin/python bench/statement_bench.py postgresql+psycopg://postgres@127.0.0.1:5432/DB [--reuse]

The tree, funds, donors and receipt documents are set-based INSERTs; every entry goes through the
posting service's post_batch (hash chains, kept balances, monthly balances, triggers), in batches.
Books are closed by UPDATE, statements drafted and published by the services, then the public
pages are timed through the Flask test client (in process: no network, no proxy).
"""
import argparse
import os
import statistics
import time
from datetime import date

from sqlalchemy import select, text

from ledger import create_app
from ledger.accounts.ledger import LineDraft
from ledger.accounts.posting import EntryDraft, TransactionDraft, post_batch
from ledger.extensions import db
from ledger.reports import services
from ledger.units.models import Unit

SIZE = {"provinces": 34, "communes": 3321, "branches": 100_000}
ROUNDS = 9            # one entry per branch per round (months 1..9), then a transfer to the commune
BATCH = 5000          # transactions per post_batch call (entries: a little more, transfers have two)
PERIOD = (date(2026, 1, 1), date(2026, 10, 31))
PAGE_RUNS, PDF_RUNS = 200, 10


def step(label: str):
    """Print how long a block took."""
    class Timer:
        def __enter__(self):
            self.start = time.perf_counter()
            print(f"… {label}", flush=True)

        def __exit__(self, *_exc):
            print(f"  {label}: {time.perf_counter() - self.start:.1f} s", flush=True)
    return Timer()


def upgrade_schema(app) -> None:
    """Migrations added since the books were built; statements of an earlier run go (this is a scratch
    database: TRUNCATE does not fire the trigger that keeps published statements)."""
    from flask_migrate import upgrade

    with app.app_context():
        upgrade(revision="heads")
        db.session.execute(text("TRUNCATE statement_files, statements RESTART IDENTITY"))
        db.session.commit()


def reset_schema(app) -> None:
    from flask_migrate import upgrade

    from ledger.accounts.services import seed_chart
    from ledger.units.services import ensure_root

    with app.app_context():
        db.session.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        db.session.commit()
        upgrade(revision="heads")
        seed_chart()
        ensure_root()
        db.session.commit()


TREE_SQL = [
    """INSERT INTO units (code, name, level, parent_id, path, depth, status, created_at)
       SELECT 'P' || lpad(i::text, 2, '0'), 'Hội Khuyến học tỉnh số ' || i, 'province', r.id,
              'VN/P' || lpad(i::text, 2, '0'), 1, 'active', now()
       FROM generate_series(1, :provinces) i, units r WHERE r.code = 'VN'""",
    """INSERT INTO units (code, name, level, parent_id, path, depth, status, created_at)
       SELECT 'C' || lpad(i::text, 5, '0'), 'Hội Khuyến học xã số ' || i, 'commune', p.id,
              p.path || '/C' || lpad(i::text, 5, '0'), 2, 'active', now()
       FROM generate_series(1, :communes) i
       JOIN units p ON p.code = 'P' || lpad(((i - 1) % :provinces + 1)::text, 2, '0')""",
    """INSERT INTO units (code, name, level, parent_id, path, depth, status, created_at)
       SELECT 'B' || lpad(i::text, 6, '0'), 'Chi hội khuyến học thôn số ' || i, 'branch', c.id,
              c.path || '/B' || lpad(i::text, 6, '0'), 3, 'active', now()
       FROM generate_series(1, :branches) i
       JOIN units c ON c.code = 'C' || lpad(((i - 1) % :communes + 1)::text, 5, '0')""",
    """INSERT INTO funds (code, name, owner_unit_id, kind, purpose, is_pooled, regime, created_at)
       SELECT 'QKH-' || code, 'Quỹ khuyến học ' || name, id, 'unrestricted', '', false, 'association', now()
       FROM units WHERE level = 'province'""",
]


def build_tree() -> None:
    for sql in TREE_SQL:
        db.session.execute(text(sql), SIZE)
    db.session.execute(text("ANALYZE units"))
    db.session.commit()


def branch_plan():
    """(branch Unit, its commune code, its fund code) for every branch, loaded once."""
    units = {u.id: u for u in db.session.scalars(select(Unit).where(Unit.level.in_(("province", "commune", "branch"))))}
    plan = []
    for unit in units.values():
        if unit.level == "branch":
            commune = units[unit.parent_id]
            plan.append((unit, commune, "QKH-" + units[commune.parent_id].code))
    return sorted(plan, key=lambda item: item[0].id)


def round_draft(branch, commune, fund, k: int) -> TransactionDraft:
    day = date(2026, k + 1, branch.id % 28 + 1)
    if k < 6:
        lines = [LineDraft("111", fund, debit=100_000 + 1000 * k), LineDraft("511", fund, credit=100_000 + 1000 * k)]
    elif k < ROUNDS:
        account = ("611", "612", "614")[k - 6]
        lines = [LineDraft(account, fund, debit=50_000), LineDraft("111", fund, credit=50_000)]
    else:  # a transfer to the commune: two books, eliminated in any consolidation that holds both
        day = date(2026, 10, branch.id % 28 + 1)
        return TransactionDraft([
            EntryDraft(branch, day, [LineDraft("621", fund, debit=20_000, counterparty_unit=commune.code),
                                     LineDraft("111", fund, credit=20_000)]),
            EntryDraft(commune, day, [LineDraft("111", fund, debit=20_000),
                                      LineDraft("521", fund, credit=20_000, counterparty_unit=branch.code)])],
            kind="transfer")
    return TransactionDraft([EntryDraft(branch, day, lines)], kind="entry")


def post_entries(plan) -> int:
    """Each batch holds every round of a slice of branches: few units per batch, few counter rows."""
    posted, per_batch, started = 0, max(1, BATCH // (ROUNDS + 1)), time.perf_counter()
    for first in range(0, len(plan), per_batch):
        drafts = [round_draft(branch, commune, fund, k)
                  for branch, commune, fund in plan[first:first + per_batch] for k in range(ROUNDS + 1)]
        post_batch(drafts)
        db.session.commit()
        posted += sum(len(d.entries) for d in drafts)
        if (first // per_batch) % 20 == 0:
            rate = posted / (time.perf_counter() - started)
            print(f"  {posted:,} entries, {rate:,.0f}/s", flush=True)
    return posted


DONOR_SQL = [
    # One donor per branch of province P01; a tenth of them by initials, a tenth anonymous.
    """INSERT INTO donors (name, name_key, kind, publish, is_native_abroad, unit_id, created_at)
       SELECT 'Nhà hảo tâm thôn ' || u.code, 'nha hao tam thon ' || lower(u.code), 'individual',
              CASE WHEN u.id % 10 = 0 THEN 'initials' WHEN u.id % 10 = 1 THEN 'anonymous' ELSE 'full' END,
              false, u.id, now()
       FROM units u WHERE u.level = 'branch' AND u.path LIKE 'VN/P01/%'""",
    # The receipt documents of those branches' donation entries, each from the branch's donor.
    """INSERT INTO receipts (unit_id, transaction_id, number, dated_on, amount, method, fund_id, category, channel,
                             donor_id, memo, created_at)
       SELECT e.unit_id, e.transaction_id, e.number, e.dated_on, l.credit, 'cash', l.fund_id, 'donation', 'direct',
              d.id, '', now()
       FROM entries e JOIN lines l ON l.entry_id = e.id JOIN accounts a ON a.id = l.account_id AND a.code = '511'
       JOIN units u ON u.id = e.unit_id AND u.path LIKE 'VN/P01/%' JOIN donors d ON d.unit_id = e.unit_id""",
]


def add_donors() -> None:
    for sql in DONOR_SQL:
        db.session.execute(text(sql))
    db.session.commit()


def publish(app, code: str, consolidated: bool) -> tuple[int, float, float]:
    """Draft and publish as the API does, then render the PDF as the publishing request does after its commit."""
    from ledger.reports.public import prerender_pdfs
    from ledger.units.services import get_unit

    start = time.perf_counter()
    statement = services.create_statement(get_unit(code), {"period_start": PERIOD[0], "period_end": PERIOD[1],
                                                           "consolidated": consolidated})
    services.publish_statement(statement, {})
    db.session.commit()
    published = time.perf_counter()
    with app.test_request_context(base_url=app.config["LEDGER_PUBLIC_BASE_URL"]):
        prerender_pdfs(statement)
    return statement.id, published - start, time.perf_counter() - published


def timings(client, path: str, runs: int) -> dict:
    """`runs` requests after three warm-ups (the first is timed too: templates compile, caches fill)."""
    start = time.perf_counter()
    assert client.get(path).status_code == 200, path
    cold = (time.perf_counter() - start) * 1000
    for _ in range(2):
        client.get(path)
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(path)
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    samples.sort()
    return {"cold": cold, "p50": statistics.median(samples), "p95": samples[max(0, int(len(samples) * 0.95) - 1)],
            "max": samples[-1], "bytes": len(response.data)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("url")
    parser.add_argument("--reuse", action="store_true", help="keep the books from an earlier run")
    parser.add_argument("--branches", type=int, default=SIZE["branches"], help="fewer for a quick trial")
    args = parser.parse_args()
    SIZE.update(branches=args.branches, communes=min(SIZE["communes"], args.branches))
    app = create_app({"SQLALCHEMY_DATABASE_URI": args.url, "LEDGER_PASSWORD_PROFILE": "CHEAPEST",
                      "SERVER_NAME": "localhost", "LEDGER_PUBLIC_BASE_URL": "https://khuyenhoc.example"})
    if args.reuse:
        upgrade_schema(app)
    else:
        reset_schema(app)
        with app.app_context():
            with step("tree and funds (set-based)"):
                build_tree()
            with step("entries through post_batch"):
                print(f"  {post_entries(branch_plan()):,} entries")
            with step("donors and receipts of province P01 (set-based)"):
                add_donors()
            db.session.execute(text("UPDATE units SET closed_through = :end"), {"end": PERIOD[1]})
            db.session.execute(text("ANALYZE"))
            db.session.commit()
    with app.app_context():
        report(app)


def report(app) -> None:
    print(f"load average before timing: {os.getloadavg()[0]:.1f} (2 CPUs, shared)")
    counts = {name: db.session.scalar(text(f"SELECT count(*) FROM {name}"))
              for name in ("units", "entries", "lines", "monthly_balances", "receipts")}
    print(counts)
    scopes = [("VN", True, "cả nước, hợp nhất"), ("P01", True, "tỉnh, hợp nhất"), ("C00001", True, "xã, hợp nhất"),
              ("B000001", False, "chi hội")]
    rows = []
    for code, consolidated, label in scopes:
        statement_id, generated, rendered = publish(app, code, consolidated)
        client = app.test_client()
        page = timings(client, f"/public/statements/{statement_id}", PAGE_RUNS)
        pdf = timings(client, f"/public/statements/{statement_id}.pdf", PDF_RUNS)
        rows.append((label, generated, rendered, page, pdf))
        print(f"{label}: published in {generated:.2f} s, PDF rendered in {rendered:.2f} s; "
              f"page p95 {page['p95']:.1f} ms; pdf p95 {pdf['p95']:.0f} ms", flush=True)
    print("\n| Báo cáo | Lập + công bố | Dựng PDF (lúc công bố) | Trang: lần đầu; p50 / p95 / max | "
          "PDF: lần đầu; p50 / p95 / max |")
    print("|---|---|---|---|---|")
    for label, generated, rendered, page, pdf in rows:
        print(f"| {label} | {generated:.2f} s | {rendered:.2f} s ({pdf['bytes'] // 1024} KB) | "
              f"{page['cold']:.0f}; {page['p50']:.0f} / {page['p95']:.0f} / {page['max']:.0f} ms "
              f"({page['bytes'] // 1024} KB) | {pdf['cold']:.0f}; {pdf['p50']:.0f} / {pdf['p95']:.0f} / "
              f"{pdf['max']:.0f} ms |")


if __name__ == "__main__":
    main()
