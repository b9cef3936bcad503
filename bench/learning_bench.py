#!/usr/bin/env python3
"""The learning society at national scale: coverage and plan progress on the whole tree.

Builds, on PostgreSQL, a database at the migration head with the national tree (VN → 34 provinces →
3,321 communes → ~100k branches), households and population recorded per commune, the registry of one
year filled set-based (`INSERT … SELECT generate_series`, never a Python loop over households): N family
subjects spread over the branches, each registered with a current passing assessment, R of them
recognised (one decision per commune and model, with its items), a few clans, communities (thôn, tổ dân
phố), organisations and citizens; members in one province; receipts on every branch; a plan at the root
with the learning indicators, members ÷ population and money raised, targets handed to the 34 provinces
(and a second plan with the learning indicators only); then the kept counts (`tallies.recount` when it exists,
else the same sums in SQL here). Then times, after a warm-up, `coverage(unit, year)` and
`progress(plan, unit)` for the root and for one commune, through the service functions and through the
HTTP API (Flask test client, bearer token): median and p95 over --runs, SQL statements per call; and one
full GROUP BY scan of the registry, what every call would cost without the kept counts.

    .venv/bin/python bench/learning_bench.py postgresql+psycopg://postgres@127.0.0.1:5432/ledger_h7_bench \
        --households 10000000 --recognized 7000000 --runs 15

The database named in the URL is dropped and created again (give it one of its own); `--reuse` times an
existing build; `--drop` drops it at the end. Results go to bench/data/learning_results.json and the
section "Learning society at national scale" of bench/RESULTS.md (between its markers only).
"""
import argparse
import json
import math
import os
import platform
import statistics
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

import psycopg
from sqlalchemy import event
from sqlalchemy.engine import make_url

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
DATA = REPO / "bench" / "data"
RESULTS_JSON = DATA / "learning_results.json"
RESULTS_MD = REPO / "bench" / "RESULTS.md"
START, END = "<!-- learning_bench:start -->", "<!-- learning_bench:end -->"
DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/ledger_h7_bench"
PROVINCE = "P01"
COMMUNE = "P01-X0001"

# The other models: (model, where it lives, how many per unit there, share recognised).
OTHERS = (("clan", "commune", 5, 0.60), ("community", "branch", 1, 0.80),
          ("organisation", "commune", 3, 0.80), ("citizen", "branch", 2, 0.70))
LABELS = {"clan": "Dòng họ", "community": "Thôn", "organisation": "Trường", "citizen": "Công dân"}
ANSWERS = '{"tre_em_hoc_tap": 28, "nguoi_lon_hoc_tap": 25, "dieu_kien_hoc_tap": 18, "tac_dong_hoc_tap": 17}'
REASONS = json.dumps([
    {"criterion": "tre_em_hoc_tap", "met": True, "points": 28, "text": "Trẻ em trong độ tuổi đều đi học"},
    {"criterion": "nguoi_lon_hoc_tap", "met": True, "points": 25, "text": "Người lớn học tập thường xuyên"},
    {"criterion": "dieu_kien_hoc_tap", "met": True, "points": 18, "text": "Có góc học tập, tủ sách"},
    {"criterion": "tac_dong_hoc_tap", "met": True, "points": 17, "text": "Kinh tế ổn định, gia đình văn hóa"},
], ensure_ascii=False)


def plain(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def fresh_database(url: str) -> None:
    name = make_url(url).database
    with psycopg.connect(plain(str(make_url(url).set(database="postgres"))), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(url: str) -> None:
    name = make_url(url).database
    with psycopg.connect(plain(str(make_url(url).set(database="postgres"))), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def make_app(url: str):
    from ledger import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": url, "LEDGER_PASSWORD_PROFILE": "CHEAPEST", "TESTING": True,
                       "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False})


# ---- build --------------------------------------------------------------------------------------------

class Steps:
    """Each build step's rows and seconds."""

    def __init__(self):
        self.rows: list[dict] = []

    def run(self, label: str, conn, sql: str, **params) -> int:
        started = time.perf_counter()
        result = conn.exec_driver_sql(sql, params) if params else conn.exec_driver_sql(sql)
        seconds = time.perf_counter() - started
        count = max(result.rowcount, 0)
        self.rows.append({"step": label, "rows": count, "seconds": round(seconds, 2)})
        rate = f"{count / seconds:,.0f} rows/s" if count and seconds else ""
        print(f"  {label}: {count:,} rows in {seconds:.1f} s {rate}", flush=True)
        return count


def build(url: str, args) -> dict:
    from ledger.extensions import db
    from ledger.setup import initialise

    fresh_database(url)
    app = make_app(url)
    steps = Steps()
    started = time.perf_counter()
    with app.app_context():
        t0 = time.perf_counter()
        initialise("admin", "bench-admin-password", "Quản trị")
        db.session.commit()
        steps.rows.append({"step": "migrations, chart, root, admin", "rows": 0,
                           "seconds": round(time.perf_counter() - t0, 2)})
        conn = db.session.connection()
        for setting in ("work_mem = '256MB'", "maintenance_work_mem = '512MB'", "synchronous_commit = off"):
            conn.exec_driver_sql(f"SET {setting}")
        build_tree(conn, steps, args)
        build_registry(conn, steps, args)
        build_members(conn, steps, args)
        build_receipts(conn, steps, args)
        db.session.commit()
        t0 = time.perf_counter()
        kept_counts(steps, args.year)
        db.session.commit()
        steps.rows.append({"step": "kept counts: tallies.recount(root) (else the bench's SQL)", "rows": 0,
                           "seconds": round(time.perf_counter() - t0, 2)})
        plan_id = build_plan(args.year)
        build_plan(args.year, titles_only=True)
        db.session.commit()
        db.engine.dispose()
    vacuum(url, steps)
    built = {"seconds": round(time.perf_counter() - started, 1), "steps": steps.rows, "plan_id": plan_id}
    print(f"built in {built['seconds']:.0f} s", flush=True)
    return built


def build_tree(conn, steps: Steps, args) -> None:
    """34 provinces, the communes spread evenly over them, `--branches` branches per commune."""
    steps.run("provinces", conn, """
        INSERT INTO units (code, name, search_key, level, parent_id, path, depth, status, created_at)
        SELECT c.code, 'Hội Khuyến học tỉnh số ' || p, 'hoi khuyen hoc tinh so ' || p || ' ' || lower(c.code),
               'province', root.id, root.path || '/' || c.code, 1, 'active', now()
        FROM generate_series(1, %(n)s) p CROSS JOIN LATERAL (SELECT 'P' || lpad(p::text, 2, '0') AS code) c
        CROSS JOIN (SELECT id, path FROM units WHERE parent_id IS NULL) root ORDER BY p""", n=args.provinces)
    steps.run("communes", conn, """
        INSERT INTO units (code, name, search_key, level, parent_id, path, depth, status, created_at)
        SELECT c.code, 'Hội Khuyến học xã số ' || x, 'hoi khuyen hoc xa so ' || x || ' ' || lower(c.code),
               'commune', p.id, p.path || '/' || c.code, 2, 'active', now()
        FROM generate_series(1, %(n)s) x
        CROSS JOIN LATERAL (SELECT 'P' || lpad((((x - 1) * %(provinces)s) / %(n)s + 1)::text, 2, '0') AS pcode) pc
        JOIN units p ON p.code = pc.pcode
        CROSS JOIN LATERAL (SELECT pc.pcode || '-X' || lpad(x::text, 4, '0') AS code) c ORDER BY x""",
              n=args.communes, provinces=args.provinces)
    steps.run("branches", conn, """
        INSERT INTO units (code, name, search_key, level, parent_id, path, depth, status, created_at)
        SELECT c.code || '-B' || lpad(b::text, 2, '0'), 'Chi hội khuyến học thôn số ' || b,
               'chi hoi khuyen hoc thon so ' || b || ' ' || lower(c.code) || '-b' || lpad(b::text, 2, '0'),
               'branch', c.id, c.path || '/' || c.code || '-B' || lpad(b::text, 2, '0'), 3, 'active', now()
        FROM units c CROSS JOIN generate_series(1, %(b)s) b WHERE c.level = 'commune' ORDER BY c.id, b""",
              b=args.branches)
    # Branch number → unit, in tree order: the generator below spreads households over it.
    for sql in ("""CREATE TABLE bench_branches AS
                   SELECT (row_number() OVER (ORDER BY b.id) - 1)::bigint AS idx, b.id AS unit_id,
                          b.parent_id AS commune_id
                   FROM units b WHERE b.level = 'branch'""",
                "CREATE UNIQUE INDEX ON bench_branches (idx)", "CREATE UNIQUE INDEX ON bench_branches (unit_id)",
                "ANALYZE units", "ANALYZE bench_branches"):
        conn.exec_driver_sql(sql)


def chosen(share_num: str, share_den: str, g: str = "g") -> str:
    """SQL true for exactly share_num of every share_den consecutive g, spread evenly."""
    return f"(({g} + 1) * {share_num} / {share_den} > {g} * {share_num} / {share_den})"


def build_registry(conn, steps: Steps, args) -> None:
    year, n, r = args.year, args.households, args.recognized
    conn.exec_driver_sql("""INSERT INTO learning_criteria_sets (code, model, name, owner_unit_id, year_from,
        pass_mark, criteria, recognized_by, is_default, note, created_at)
        SELECT 'BENCH-' || m, m, 'Bộ tiêu chí thử tải ' || m, u.id, 2020, 70, '[]', 'commune', false, '', now()
        FROM unnest(ARRAY['family','clan','community','organisation','citizen']) m,
             (SELECT id FROM units WHERE parent_id IS NULL) u""")
    steps.run("family subjects", conn, f"""
        INSERT INTO learning_subjects (unit_id, model, name, head_name, address, members, kind,
                                       is_publish_consented, created_at)
        SELECT b.unit_id, 'family', 'Gia đình ông/bà số ' || g, 'Chủ hộ số ' || g, 'Thôn ' || (mod(b.idx, 30) + 1),
               2 + mod(g, 5), '', {chosen('1', '10')}, now()
        FROM generate_series(0, %(n)s - 1) g
        JOIN bench_branches b ON b.idx = (g * (SELECT count(*) FROM bench_branches)) / %(n)s
        ORDER BY g""", n=n)
    for model, level, per_unit, _share in OTHERS:
        steps.run(f"{model} subjects", conn, """
            INSERT INTO learning_subjects (unit_id, model, name, head_name, address, members, kind, created_at)
            SELECT u.id, %(model)s, %(title)s || ' số ' || k || ' ' || u.code, 'Người đứng đầu ' || k, '',
                   10 + k, '', now()
            FROM units u CROSS JOIN generate_series(1, %(per)s) k WHERE u.level = %(level)s ORDER BY u.id, k""",
                  model=model, level=level, per=per_unit, title=LABELS[model])
    conn.exec_driver_sql("ANALYZE learning_subjects")
    steps.run("registrations", conn, """
        INSERT INTO learning_registrations (subject_id, year, unit_id, registered_on)
        SELECT id, %(year)s, unit_id, make_date(%(year)s, 2, 15) FROM learning_subjects ORDER BY id""", year=year)
    # Recognised: exactly R of the N families spread evenly by subject order; other models by their share.
    shares = " ".join(f"WHEN '{model}' THEN {round(share * 1000)}" for model, _l, _p, share in OTHERS)
    steps.run("assessments (current, passed)", conn, f"""
        INSERT INTO learning_assessments (subject_id, year, unit_id, criteria_set_id, answers, score, is_passed,
            grade, reasons, is_self, status, is_recognized, assessed_on, note, created_at)
        SELECT s.id, %(year)s, s.unit_id, cs.id, %(answers)s, 88, true, NULL, %(reasons)s, false, 'current',
               CASE WHEN s.model = 'family' THEN {chosen('%(r)s', '%(n)s', 's.k')}
                    ELSE {chosen(f'(CASE s.model {shares} END)', '1000', 's.k')} END,
               make_date(%(year)s, 9, 30), '', now()
        FROM (SELECT id, unit_id, model, row_number() OVER (PARTITION BY model ORDER BY id) - 1 AS k
              FROM learning_subjects) s
        JOIN learning_criteria_sets cs ON cs.code = 'BENCH-' || s.model ORDER BY s.id""",
              year=year, answers=ANSWERS, reasons=REASONS, r=r, n=n)
    steps.run("recognition decisions", conn, """
        INSERT INTO learning_recognitions (unit_id, year, model, decision_number, decided_on, created_at)
        SELECT c.id, %(year)s, m, 'QĐ ' || c.id || '/' || m, make_date(%(year)s, 10, 20), now()
        FROM units c CROSS JOIN unnest(ARRAY['family','clan','community','organisation','citizen']) m
        WHERE c.level = 'commune' ORDER BY c.id, m""", year=year)
    conn.exec_driver_sql("ANALYZE learning_assessments")
    conn.exec_driver_sql("ANALYZE learning_recognitions")
    steps.run("recognition items", conn, """
        INSERT INTO learning_recognition_items (recognition_id, subject_id, assessment_id, unit_id, year, position)
        SELECT d.id, a.subject_id, a.id, a.unit_id, %(year)s,
               row_number() OVER (PARTITION BY d.id ORDER BY a.subject_id)
        FROM learning_assessments a
        JOIN learning_subjects s ON s.id = a.subject_id
        JOIN units u ON u.id = a.unit_id
        JOIN learning_recognitions d ON d.unit_id = (CASE WHEN u.level = 'commune' THEN u.id ELSE u.parent_id END)
             AND d.model = s.model AND d.year = %(year)s
        WHERE a.is_recognized AND a.year = %(year)s""", year=year)
    # Households and population recorded per commune (the statistics a commune keeps): its families
    # registered are its households, the population 3.5 people a household.
    steps.run("units.households/population (communes)", conn, """
        UPDATE units c SET households = x.n, population = x.n * 7 / 2
        FROM (SELECT b.commune_id, count(*) AS n FROM learning_subjects s JOIN bench_branches b ON b.unit_id = s.unit_id
              WHERE s.model = 'family' GROUP BY b.commune_id) x WHERE c.id = x.commune_id""")


def build_members(conn, steps: Steps, args) -> None:
    """Members only in one province (bounded): --members-per-branch on each of its branches."""
    steps.run(f"members ({PROVINCE})", conn, """
        INSERT INTO members (unit_id, full_name, birth_year, gender, joined_on, created_at)
        SELECT u.id, 'Hội viên số ' || k, 1950 + mod(k, 50), CASE WHEN mod(k, 2) = 0 THEN 'female' ELSE 'male' END,
               make_date(%(year)s - 1 - mod(k, 5), 3, 1), now()
        FROM units u CROSS JOIN generate_series(1, %(per)s) k
        WHERE u.level = 'branch' AND u.path LIKE %(prefix)s ORDER BY u.id, k""",
              per=args.members_per_branch, year=args.year, prefix=f"VN/{PROVINCE}/%")


def build_receipts(conn, steps: Steps, args) -> None:
    """--receipts-per-branch phiếu thu dated through the year on every branch (what `raised` sums): the
    receipts and their transactions only — the entries behind them do not change what the measure reads."""
    from ledger.accounts.services import create_fund

    if not args.receipts_per_branch:
        return
    fund = create_fund({"code": "QKH-BENCH", "name": "Quỹ khuyến học thử tải", "owner_unit": "VN",
                        "kind": "unrestricted"})
    steps.run("receipts (and their transactions)", conn, """
        WITH src AS MATERIALIZED (
            SELECT nextval('transactions_id_seq') AS tid, b.id AS unit_id, k,
                   make_date(%(year)s, 1 + mod(k - 1, 12), 1 + mod(b.id::int, 28)) AS dated_on
            FROM units b CROSS JOIN generate_series(1, %(per)s) k WHERE b.level = 'branch' ORDER BY b.id, k),
        tx AS (INSERT INTO transactions (id, kind, memo, created_at)
               SELECT tid, 'receipt', 'Thu quỹ khuyến học', now() FROM src)
        INSERT INTO receipts (unit_id, transaction_id, number, dated_on, amount, method, fund_id, category, channel,
                              memo, created_at)
        SELECT unit_id, tid, 'PT' || lpad(k::text, 4, '0'), dated_on, 100000 * (1 + mod(tid, 20)), 'cash',
               %(fund)s, 'donation', 'direct', 'Ủng hộ quỹ khuyến học', now()
        FROM src""", year=args.year, per=args.receipts_per_branch, fund=fund.id)


def kept_counts(steps: Steps, year: int) -> None:
    """Tallies and subtree counts from scratch: helper 4's set-based recount when it exists, else SQL here."""
    from ledger.extensions import db
    from ledger.learning import tallies
    from ledger.units.models import Unit

    recount = getattr(tallies, "recount", None)
    if recount is not None:
        root = db.session.scalar(db.select(Unit).where(Unit.parent_id.is_(None)))
        t0 = time.perf_counter()
        recount(root)
        print(f"  tallies.recount(root): {time.perf_counter() - t0:.1f} s", flush=True)
        return
    conn = db.session.connection()
    conn.exec_driver_sql("DELETE FROM learning_tallies")
    conn.exec_driver_sql("DELETE FROM learning_subtree_counts")
    steps.run("own counts per unit and model (bench SQL)", conn, """
        CREATE TEMP TABLE own_counts AS
        SELECT unit_id, model, sum(registered) AS registered, sum(assessed) AS assessed, sum(passed) AS passed,
               sum(recognized) AS recognized
        FROM (SELECT r.unit_id, s.model, count(*) AS registered, 0 AS assessed, 0 AS passed, 0 AS recognized
              FROM learning_registrations r JOIN learning_subjects s ON s.id = r.subject_id
              WHERE r.year = %(year)s GROUP BY 1, 2
              UNION ALL
              SELECT a.unit_id, s.model, 0, count(*), count(*) FILTER (WHERE a.is_passed), 0
              FROM learning_assessments a JOIN learning_subjects s ON s.id = a.subject_id
              WHERE a.year = %(year)s AND a.status = 'current' GROUP BY 1, 2
              UNION ALL
              SELECT i.unit_id, s.model, 0, 0, 0, count(*)
              FROM learning_recognition_items i JOIN learning_subjects s ON s.id = i.subject_id
              WHERE i.year = %(year)s GROUP BY 1, 2) parts
        GROUP BY 1, 2""", year=year)
    steps.run("tallies rolled up the tree (bench SQL)", conn, """
        INSERT INTO learning_tallies (unit_id, year, model, registered, assessed, passed, recognized)
        SELECT a.id, %(year)s, o.model, sum(o.registered), sum(o.assessed), sum(o.passed), sum(o.recognized)
        FROM own_counts o JOIN units d ON d.id = o.unit_id
        CROSS JOIN LATERAL unnest(string_to_array(d.path, '/')) anc(code) JOIN units a ON a.code = anc.code
        GROUP BY a.id, o.model""", year=year)
    steps.run("subtree counts rolled up (bench SQL)", conn, """
        INSERT INTO learning_subtree_counts (unit_id, population, households)
        SELECT a.id, sum(coalesce(d.population, 0)), sum(coalesce(d.households, 0))
        FROM units d CROSS JOIN LATERAL unnest(string_to_array(d.path, '/')) anc(code) JOIN units a ON a.code = anc.code
        WHERE d.population IS NOT NULL OR d.households IS NOT NULL GROUP BY a.id""")
    conn.exec_driver_sql("DROP TABLE own_counts")


def build_plan(year: int, *, titles_only: bool = False) -> int:
    """A plan at the root: each model's percentage, families recognised, members ÷ population, money raised;
    each target handed to the 34 provinces (a little above the root's). `titles_only`: a second plan with the
    learning indicators only (the ones read from the kept counts), to time them apart from members and money."""
    from ledger.extensions import db
    from ledger.learning.models import Indicator, Plan, Target
    from ledger.units.models import Unit

    root = db.session.scalar(db.select(Unit).where(Unit.parent_id.is_(None)))
    name = f"Kế hoạch khuyến học, khuyến tài năm {year}" + (" (danh hiệu học tập)" if titles_only else "")
    found = db.session.scalar(db.select(Plan.id).where(Plan.unit_id == root.id, Plan.year == year, Plan.name == name))
    if found is not None:
        return found
    plan = Plan(unit_id=root.id, year=year, name=name, report_due=date(year, 11, 15))
    targets = {"family": 70, "clan": 65, "community": 65, "organisation": 80, "citizen": 40}
    indicators = [Indicator(position=i, code=f"ty_le_{model}", name=f"Tỷ lệ {model} đạt danh hiệu",
                            measure="learning_percent", target=target, params={"model": model})
                  for i, (model, target) in enumerate(targets.items(), 1)]
    indicators += [
        Indicator(position=6, code="so_gdht", name="Số gia đình học tập được công nhận",
                  measure="learning_recognized", target=6_500_000, params={"model": "family"}),
        Indicator(position=7, code="hoi_vien_dan_so", name="Hội viên đạt tỷ lệ dân số",
                  measure="members_percent_population", target=20, params=None),
        Indicator(position=8, code="van_dong", name="Vận động quỹ khuyến học", measure="raised",
                  target=1_000_000_000, params=None),
    ]
    if titles_only:
        indicators = indicators[:6]
    plan.indicators = indicators
    db.session.add(plan)
    db.session.flush()
    provinces = db.session.scalars(db.select(Unit).where(Unit.parent_id == root.id, Unit.level == "province")).all()
    for indicator in indicators:
        for province in provinces:
            target = {"raised": indicator.target, "learning_recognized": indicator.target // len(provinces)
                      }.get(indicator.measure, indicator.target + 5)
            db.session.add(Target(indicator_id=indicator.id, unit_id=province.id, target=target))
    db.session.flush()
    return plan.id


def vacuum(url: str, steps: Steps) -> None:
    """This server runs without autovacuum: statistics and the visibility map, as after a real load."""
    t0 = time.perf_counter()
    with psycopg.connect(plain(url), autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS bench_branches")
        conn.execute("VACUUM (ANALYZE)")
    steps.rows.append({"step": "VACUUM (ANALYZE)", "rows": 0, "seconds": round(time.perf_counter() - t0, 2)})
    print(f"  VACUUM (ANALYZE): {time.perf_counter() - t0:.1f} s", flush=True)


# ---- measure ------------------------------------------------------------------------------------------

class Statements:
    """Counts the SQL statements and keeps each one's time (execution and fetch start) with its text."""

    def __init__(self, engine):
        self.count, self.started, self.log = 0, 0.0, []
        event.listen(engine, "before_cursor_execute", self.seen)
        event.listen(engine, "after_cursor_execute", self.done)

    def seen(self, *_args, **_kwargs):
        self.count += 1
        self.started = time.perf_counter()

    def done(self, _conn, _cursor, statement, parameters, *_args):
        self.log.append(((time.perf_counter() - self.started) * 1000, statement, parameters))


def timed_calls(label: str, call, runs: int, counter: Statements, warmup: int = 3) -> dict:
    for _ in range(warmup):
        call()
    times, statements = [], []
    for _ in range(runs):
        before, counter.log = counter.count, []
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
        statements.append(counter.count - before)
    ordered = sorted(times)
    result = {"call": label, "median_ms": round(statistics.median(times), 1),
              "p95_ms": round(ordered[math.ceil(0.95 * len(ordered)) - 1], 1), "min_ms": round(ordered[0], 1),
              "statements": statistics.median(statements), "load": round(os.getloadavg()[0], 2),
              "slowest": [{"ms": round(ms, 1), "sql": " ".join(sql.split())[:600], "params": str(params)[:300]}
                          for ms, sql, params in sorted(counter.log, key=lambda item: -item[0])[:3]]}
    print(f"  {label}: median {result['median_ms']} ms, p95 {result['p95_ms']} ms, "
          f"{result['statements']} statements, load {result['load']}; slowest statements of the last run: "
          + ", ".join(f"{item['ms']} ms" for item in result["slowest"]), flush=True)
    return result


def measure(url: str, year: int, runs: int, plan_id: int) -> dict:
    from ledger.auth.services import get_user, issue_token
    from ledger.extensions import db
    from ledger.learning.models import Plan
    from ledger.units.services import get_unit

    app = make_app(url)
    calls = []
    with app.app_context():
        counter = Statements(db.engine)
        token = issue_token(get_user("admin"), days=1)
        titles_plan_id = build_plan(year, titles_only=True)
        db.session.commit()
        try:
            from ledger.learning.coverage.services import coverage
        except ImportError:
            coverage = None
        try:
            from ledger.learning.plans.services import progress
        except ImportError:
            progress = None

        if coverage is not None:
            calls.append(timed_calls("coverage(VN)", lambda: (db.session.remove(), coverage(get_unit("VN"), year)),
                                     runs, counter))
            calls.append(timed_calls(f"coverage({COMMUNE})",
                                     lambda: (db.session.remove(), coverage(get_unit(COMMUNE), year)), runs, counter))
        if progress is not None:
            def progress_of(code, which=plan_id):
                def call():
                    db.session.remove()
                    progress(db.session.get(Plan, which), get_unit(code))
                return call
            calls.append(timed_calls("progress(plan, VN)", progress_of("VN"), runs, counter))
            calls.append(timed_calls(f"progress(plan, {COMMUNE})", progress_of(COMMUNE), runs, counter))
            calls.append(timed_calls("progress(titles-only plan, VN)", progress_of("VN", titles_plan_id), runs,
                                     counter))
            calls.append(timed_calls(f"progress(titles-only plan, {COMMUNE})", progress_of(COMMUNE, titles_plan_id),
                                     runs, counter))
        db.session.remove()

    client, headers = app.test_client(), {"Authorization": f"Bearer {token}"}

    def http(path):
        def call():
            response = client.get(f"/api/v1{path}", headers=headers)
            if response.status_code != 200:
                raise SystemExit(f"GET {path} → {response.status_code}: {response.get_data(as_text=True)[:500]}")
        return call

    with app.app_context():
        counter = Statements(db.engine)
    paths = []
    if coverage is not None:
        paths += [f"/units/VN/learning/coverage?year={year}", f"/units/{COMMUNE}/learning/coverage?year={year}"]
    if progress is not None:
        paths += [f"/plans/{plan_id}/progress?unit=VN", f"/plans/{plan_id}/progress?unit={COMMUNE}",
                  f"/plans/{titles_plan_id}/progress?unit=VN", f"/plans/{titles_plan_id}/progress?unit={COMMUNE}"]
    for path in paths:
        with app.app_context():
            status = client.get(f"/api/v1{path}", headers=headers).status_code
        if status != 200:
            print(f"  GET {path} → {status}: not timed", flush=True)
            calls.append({"call": f"GET {path}", "missing": status})
            continue
        calls.append(timed_calls(f"GET {path}", http(path), runs, counter))
    return {"calls": calls, "scans": full_scans(url, year), "sample": sample(app, year, plan_id)}


def sample(app, year: int, plan_id: int) -> dict:
    """The answers themselves, to check them against the numbers the build put in."""
    from ledger.extensions import db
    from ledger.learning.models import Plan
    from ledger.units.services import get_unit

    found = {}
    with app.app_context():
        try:
            from ledger.learning.coverage.services import coverage
            found["coverage_VN_models"] = json.loads(json.dumps(coverage(get_unit("VN"), year).get("models"),
                                                                default=str))
        except ImportError:
            pass
        try:
            from ledger.learning.plans.services import progress
            answer = progress(db.session.get(Plan, plan_id), get_unit("VN"))
            found["progress_VN_indicators"] = json.loads(json.dumps(answer.get("indicators"), default=str))
        except ImportError:
            pass
        db.session.remove()
    return found


def full_scans(url: str, year: int) -> list[dict]:
    """What coverage would cost without kept counts: the registry counted by GROUP BY (warm, best of 3)."""
    queries = {
        "root: registrations ⋈ subjects GROUP BY model (10M+ rows)": """
            SELECT s.model, count(*) FROM learning_registrations r JOIN learning_subjects s ON s.id = r.subject_id
            WHERE r.year = %(year)s GROUP BY s.model""",
        "root: recognition items ⋈ subjects GROUP BY model": """
            SELECT s.model, count(*) FROM learning_recognition_items i JOIN learning_subjects s ON s.id = i.subject_id
            WHERE i.year = %(year)s GROUP BY s.model""",
        f"commune {COMMUNE}: subjects of its subtree ⋈ assessments GROUP BY model": f"""
            SELECT s.model, count(*), count(*) FILTER (WHERE a.is_recognized)
            FROM units u JOIN learning_subjects s ON s.unit_id = u.id
            JOIN learning_assessments a ON a.subject_id = s.id AND a.year = %(year)s AND a.status = 'current'
            WHERE u.path LIKE 'VN/{PROVINCE}/{COMMUNE}%%' GROUP BY s.model""",
    }
    found = []
    with psycopg.connect(plain(url)) as conn:
        for label, sql in queries.items():
            times = []
            for _ in range(3):
                started = time.perf_counter()
                conn.execute(sql, {"year": year}).fetchall()
                times.append((time.perf_counter() - started) * 1000)
            found.append({"query": label, "best_ms": round(min(times), 1), "load": round(os.getloadavg()[0], 2)})
            print(f"  scan {label}: {min(times):.0f} ms", flush=True)
    return found


def sizes(url: str) -> dict:
    tables = ["units", "learning_subjects", "learning_registrations", "learning_assessments",
              "learning_recognitions", "learning_recognition_items", "learning_tallies", "learning_subtree_counts",
              "members", "receipts", "transactions"]
    with psycopg.connect(plain(url)) as conn:
        found = {t: conn.execute(f"SELECT count(*), pg_total_relation_size('{t}') FROM {t}").fetchone() for t in tables}
        levels = dict(conn.execute("SELECT level, count(*) FROM units GROUP BY level").fetchall())
        database = conn.execute("SELECT pg_database_size(current_database())").fetchone()[0]
        version = conn.execute("SHOW server_version").fetchone()[0]
    return {"tables": {t: {"rows": rows, "mb": round(size / 2**20)} for t, (rows, size) in found.items()},
            "levels": levels, "database_mb": round(database / 2**20), "postgresql": version}


# ---- report -------------------------------------------------------------------------------------------

def render(result: dict) -> str:
    s, b = result["sizes"], result["build"]
    lines = [START, "## Learning society at national scale (`bench/learning_bench.py`)", "",
             f"Machine: {os.cpu_count()} CPUs, {result['machine']}; Python {platform.python_version()}, "
             f"PostgreSQL {s['postgresql']} (shared_buffers 128 MB, autovacuum off: the bench runs VACUUM ANALYZE "
             f"after the load). Shared with other sessions: the 1-minute load average is quoted per row "
             f"(before the run {result['load_before'][0]:.1f}, after {result['load_after'][0]:.1f}; 2 CPUs, so 4 "
             f"means half speed). Run {result['when']}.", "",
             "```", result["command"], "```", "",
             "Data (one year, " + str(result["year"]) + "): " + ", ".join(
                 f"{s['levels'].get(level, 0):,} {level}" for level in ("central", "province", "commune", "branch"))
             + f"; database {s['database_mb'] / 1024:.1f} GB.", "",
             "| table | rows | size MB |", "|---|---:|---:|"]
    lines += [f"| {t} | {v['rows']:,} | {v['mb']:,} |" for t, v in s["tables"].items()]
    lines += ["", f"Build: {b['seconds']:,.0f} s in all.", "", "| step | rows | s | rows/s |", "|---|---:|---:|---:|"]
    for step in b["steps"]:
        rate = f"{step['rows'] / step['seconds']:,.0f}" if step["rows"] and step["seconds"] else ""
        lines.append(f"| {step['step']} | {step['rows']:,} | {step['seconds']:,.1f} | {rate} |")
    lines += ["", f"Calls (after 3 warm-ups; median and p95 of {result['runs']} runs, nearest rank; statements = SQL "
              "statements per call, counted by a SQLAlchemy `before_cursor_execute` listener; the service rows "
              "include loading the unit and the plan in a fresh session):", "",
              "| call | median ms | p95 ms | min ms | statements | load |", "|---|---:|---:|---:|---:|---:|"]
    for call in result["measure"]["calls"]:
        if "missing" in call:
            lines.append(f"| `{call['call']}` | answered {call['missing']}: not timed | | | | |")
            continue
        lines.append(f"| `{call['call']}` | {call['median_ms']} | {call['p95_ms']} | {call['min_ms']} | "
                     f"{call['statements']:g} | {call['load']} |")
    lines += ["", "Without kept counts — the same figures counted from the registry (warm, best of 3, psql-level):", "",
              "| query | ms | load |", "|---|---:|---:|"]
    lines += [f"| {scan['query']} | {scan['best_ms']:,} | {scan['load']} |" for scan in result["measure"]["scans"]]
    lines.append(END)
    return "\n".join(lines)


def write_results(result: dict) -> None:
    section = render(result)
    text_md = RESULTS_MD.read_text(encoding="utf-8")
    if START in text_md and END in text_md:
        head, rest = text_md.split(START, 1)
        text_md = head + section + rest.split(END, 1)[1]
    else:
        text_md = text_md.rstrip("\n") + "\n\n" + section + "\n"
    RESULTS_MD.write_text(text_md, encoding="utf-8")


def machine() -> str:
    cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
    cpu = next((line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")), "")
    meminfo = Path("/proc/meminfo").read_text().splitlines()
    memory = next(int(line.split()[1]) for line in meminfo if line.startswith("MemTotal"))
    return f"{cpu}, {memory / 2**20:.1f} GB RAM"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url", nargs="?", default=os.environ.get("LEDGER_BENCH_LEARNING_URL", DEFAULT_URL))
    parser.add_argument("--households", type=int, default=10_000_000)
    parser.add_argument("--recognized", type=int, default=7_000_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--year", type=int, default=datetime.now(UTC).year)
    parser.add_argument("--provinces", type=int, default=34)
    parser.add_argument("--communes", type=int, default=3321)
    parser.add_argument("--branches", type=int, default=30, help="branches per commune")
    parser.add_argument("--members-per-branch", type=int, default=60, help=f"members on each branch of {PROVINCE}")
    parser.add_argument("--receipts-per-branch", type=int, default=10, help="receipts dated in the year")
    parser.add_argument("--reuse", action="store_true", help="time an existing build (no rebuild)")
    parser.add_argument("--no-write", action="store_true", help="do not touch bench/RESULTS.md")
    parser.add_argument("--drop", action="store_true", help="drop the database at the end")
    args = parser.parse_args()
    if not args.url.startswith("postgresql"):
        raise SystemExit("PostgreSQL only: give a postgresql+psycopg:// URL")
    DATA.mkdir(parents=True, exist_ok=True)
    previous = json.loads(RESULTS_JSON.read_text()) if RESULTS_JSON.exists() else {}
    load_before = os.getloadavg()
    if args.reuse:
        built = previous.get("build") or {"seconds": 0, "steps": [], "plan_id": None}
        if built.get("plan_id") is None:
            raise SystemExit("--reuse needs a previous build recorded in bench/data/learning_results.json")
    else:
        print(f"building {args.households:,} households ({args.recognized:,} recognised)…", flush=True)
        built = build(args.url, args)
        RESULTS_JSON.write_text(json.dumps({"build": built, "url": args.url}, indent=1, ensure_ascii=False))
    print("measuring…", flush=True)
    measured = measure(args.url, args.year, args.runs, built["plan_id"])
    command = (f".venv/bin/python bench/learning_bench.py {args.url} --households {args.households} "
               f"--recognized {args.recognized} --runs {args.runs}")
    result = {"when": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), "machine": machine(), "command": command,
              "year": args.year, "runs": args.runs, "households": args.households, "recognized": args.recognized,
              "load_before": load_before, "load_after": os.getloadavg(), "build": built, "measure": measured,
              "sizes": sizes(args.url)}
    RESULTS_JSON.write_text(json.dumps(result, indent=1, ensure_ascii=False))
    print(json.dumps(measured["sample"], indent=1, ensure_ascii=False)[:3000])
    if not args.no_write:
        write_results(result)
    if args.drop:
        drop_database(args.url)


if __name__ == "__main__":
    main()
