"""A province scholarship round at scale, timed through the API as the committee's requests run:
N nominations (each judged by the rules), the decision over all of them, the ceremony payout of the
awards (one posted phiếu chi each) and the sign-off list PDF; plus the pure rule evaluation rate.

Usage: .venv/bin/python bench/scholarship_round_bench.py [database URL] [--candidates 2000] [--awards 300]
The database is emptied first (its public schema is dropped, or the SQLite file deleted): give it one
of its own. Default: a SQLite file in /tmp.
"""
import argparse
import random
import time
from datetime import timedelta

from sqlalchemy import func, select

from ledger import create_app
from ledger.accounts.treasury.models import Disbursement
from ledger.auth.services import issue_token
from ledger.core.dates import vn_today
from ledger.extensions import db
from ledger.scholarships import rules
from ledger.setup import initialise

DEFAULT_URL = "sqlite:////tmp/scholarship_bench.sqlite3"
RNG = random.Random(2026)


def reset(url: str) -> None:
    from dues_sheet_bench import reset as drop  # the same emptying as the dues bench

    drop(url)


def build(communes: int) -> tuple[str, str]:
    """The tree, a funded fund; tokens of the admin (decides) and a treasurer (pays: maker-checker)."""
    from ledger.accounts.ledger import LineDraft
    from ledger.accounts.posting import EntryDraft, TransactionDraft, post_transaction
    from ledger.accounts.services import create_fund
    from ledger.auth.services import create_user, get_user, grant_role
    from ledger.units.services import create_unit, get_unit

    initialise("admin", "bench-password", "Bench")
    create_unit({"code": "SL", "name": "Hội Khuyến học tỉnh Sơn La", "level": "province", "parent": "VN"})
    for i in range(communes):
        create_unit({"code": f"SL-X{i:02d}", "name": f"Hội Khuyến học xã {i}", "level": "commune", "parent": "SL"})
    create_fund({"code": "HB", "name": "Quỹ học bổng", "owner_unit": "SL", "kind": "restricted"})
    post_transaction(TransactionDraft([EntryDraft(get_unit("SL"), vn_today() - timedelta(days=1), [
        LineDraft("111", "HB", debit=10**12), LineDraft("511", "HB", credit=10**12)])]))
    treasurer = create_user({"username": "thuquy", "password": "bench-password", "full_name": "Thủ quỹ"})
    grant_role(treasurer, get_unit("SL"), "treasurer")
    tokens = issue_token(get_user("admin"), days=1), issue_token(treasurer, days=1)
    db.session.commit()
    return tokens


def random_student(i: int) -> dict:
    pick = RNG.choice
    return {"full_name": f"Học sinh {i}", "date_of_birth": "2012-01-01", "gender": pick(["female", "male"]),
            "student_code": f"BENCH{i:07d}", "school": f"Trường THCS số {i % 40}", "grade": RNG.randint(1, 12),
            "household_status": pick(rules.DOMAINS["household_status"]), "orphan": pick(rules.DOMAINS["orphan"]),
            "disability": RNG.random() < .1, "ethnic_minority": RNG.random() < .6,
            "academic_result": pick(rules.DOMAINS["academic_result"]), "conduct": pick(rules.DOMAINS["conduct"]),
            "prizes": [{"level": "district", "rank": "first", "year": 2025}] if RNG.random() < .1 else []}


def timed(label: str, work) -> object:
    start = time.perf_counter()
    result = work()
    print(f"{label}: {time.perf_counter() - start:.2f} s")
    return result


def run(url: str, candidates: int, awards: int, communes: int = 20) -> None:
    reset(url)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "LEDGER_PASSWORD_PROFILE": "CHEAPEST", "TESTING": True})
    with app.app_context():
        admin, treasurer = build(communes)
    client, headers = app.test_client(), {"Authorization": f"Bearer {admin}"}

    def post(path, body, token=admin):
        response = client.post("/api/v1/scholarships" + path, json=body, headers={"Authorization": f"Bearer {token}"})
        assert response.status_code < 300, response.get_json()
        return response.get_json()

    preset = rules.PRESETS["ngheo_vuot_kho"]
    post("/programs", {"code": "HB-SL", "name": "Học bổng", "owner_unit": "SL", "fund": "HB", "award_amount": 1_000_000,
                       "rules": preset["rules"], "scoring": preset["scoring"]})
    round_id = post("/programs/HB-SL/rounds", {"school_year": "2025-2026", "budget": awards * 1_000_000,
                                               "quota": awards, "nominations_close_on": vn_today().isoformat()})["id"]
    start = time.perf_counter()
    for i in range(candidates):
        post(f"/rounds/{round_id}/candidates",
             {"nominated_by": f"SL-X{i % communes:02d}", "student": random_student(i)})
    elapsed = time.perf_counter() - start
    print(f"{candidates} nominations: {elapsed:.1f} s "
          f"({candidates / elapsed:.0f}/s, {elapsed / candidates * 1000:.1f} ms each)")
    decision = timed(f"decision over {candidates} candidates", lambda: post(
        f"/rounds/{round_id}/decide", {"decision_number": "1/QĐ", "decided_on": vn_today().isoformat()}))
    print(f"  awards: {len(decision['awards'])}, total {decision['total']:,} đ")
    timed(f"ceremony payout of {len(decision['awards'])} awards", lambda: post(
        f"/rounds/{round_id}/pay", {"date": vn_today().isoformat(), "method": "cash"}, treasurer))
    pdf = timed("sign-off list PDF", lambda: client.get(f"/api/v1/scholarships/rounds/{round_id}/signoff/pdf",
                                                        headers=headers))
    print(f"  {len(pdf.data) // 1024} KiB")
    with app.app_context():
        print(f"  disbursements posted: {db.session.scalar(select(func.count(Disbursement.id)))}")
        db.engine.dispose()


def pure_rate(count: int = 100_000) -> None:
    students = [random_student(i) for i in range(count)]
    preset = rules.PRESETS["hoc_khong_bao_gio_cung"]
    start = time.perf_counter()
    for student in students:
        rules.evaluate(preset["rules"], student)
        rules.score(preset["scoring"], student)
    elapsed = time.perf_counter() - start
    print(f"pure evaluate+score: {count / elapsed:,.0f} students/s")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", nargs="?", default=DEFAULT_URL)
    parser.add_argument("--candidates", type=int, default=2000)
    parser.add_argument("--awards", type=int, default=300)
    args = parser.parse_args()
    pure_rate()
    run(args.url, args.candidates, args.awards)
