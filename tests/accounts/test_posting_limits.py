"""What the posting service refuses whatever path it is called from, each refusal leaving the books as they were:
an entry over 10^15 đồng, a kept balance past the ceiling, a merged unit, a date over a year ahead, an overdraft
in the middle of a batch that a later entry would have refilled. And the trial-balance CSV is formula-safe.
"""
import csv
import io
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select, text

from ledger.accounts.ledger import BALANCE_CEILING, MAX_AMOUNT, LineDraft, latest_date
from ledger.accounts.models import Balance, Entry, MonthlyBalance
from ledger.accounts.posting import EntryDraft, TransactionDraft, post_batch, post_transaction
from ledger.core.dates import vn_today
from ledger.core.errors import InsufficientFunds, ValidationFailed
from ledger.extensions import db
from ledger.units.services import get_unit

ON = date(2026, 3, 10)


@pytest.fixture
def books(make_unit, make_fund, api_as):
    make_unit("SL", level="province", name="Hội Khuyến học tỉnh Sơn La")
    make_unit("SL-X01", level="commune", parent="SL", name="Hội Khuyến học xã Chiềng Sinh")
    make_fund("QKH", owner="SL")
    return api_as(("SL", "treasurer"))


def draft(unit_code, lines, on=ON) -> EntryDraft:
    return EntryDraft(get_unit(unit_code), on, [LineDraft(*line) for line in lines])


def gift(amount, fund="QKH", account="111"):
    return [(account, fund, amount, 0), ("511", fund, 0, amount)]


def spending(amount, fund="QKH"):
    return [("611", fund, amount, 0), ("111", fund, 0, amount)]


def book_state():
    """Everything posting writes: entries and every kept balance row."""
    return (db.session.scalar(select(func.count(Entry.id))),
            db.session.execute(select(Balance.__table__).order_by(*Balance.__table__.primary_key)).all(),
            db.session.execute(select(MonthlyBalance.__table__).order_by(*MonthlyBalance.__table__.primary_key)).all())


def refused(exception, match, drafts):
    before = book_state()
    with pytest.raises(exception, match=match):
        post_batch(drafts)
    db.session.rollback()
    assert book_state() == before


# ---- sizes -----------------------------------------------------------------------------------------------

def test_an_entry_moving_more_than_ten_to_the_fifteen_is_refused(books):
    half = MAX_AMOUNT // 2 + 1  # every line is allowed, their sum is not
    lines = [{"account": "111", "fund": "QKH", "debit": half}, {"account": "112", "fund": "QKH", "debit": half},
             {"account": "511", "fund": "QKH", "credit": half}, {"account": "518", "fund": "QKH", "credit": half}]
    r = books.post("/units/SL-X01/entries", json={"date": "2026-03-10", "lines": lines})
    assert r.status_code == 422 and r.json["code"] == "validation", r.json
    assert "1.000.000.000.000.000 đồng" in r.json["detail"] and "Tổng một bút toán" in r.json["detail"]
    assert books.get("/units/SL-X01/entries").json["total"] == 0
    exact = [{**line, **{side: MAX_AMOUNT // 2 for side in ("debit", "credit") if side in line}} for line in lines]
    assert books.post("/units/SL-X01/entries", json={"date": "2026-03-10", "lines": exact}).status_code == 201


def fill_to_the_ceiling(unit_code="SL-X01"):
    """A thousand of the largest entries: 111 debit and 511 credit stand exactly at the ceiling."""
    post_batch([TransactionDraft([draft(unit_code, gift(MAX_AMOUNT))]) for _ in range(BALANCE_CEILING // MAX_AMOUNT)])
    db.session.commit()


def test_a_kept_balance_stops_at_the_ceiling_before_anything_is_written(books):
    fill_to_the_ceiling()
    cash = db.session.scalar(select(Balance.debit_total).where(Balance.unit_id == get_unit("SL-X01").id,
                                                               Balance.debit_total > 0))
    assert cash == BALANCE_CEILING
    # one more đồng of cash, even in another month, would take 111's debit total past it
    refused(ValidationFailed, "vượt mức trần 1.000.000.000.000.000.000 đồng", [TransactionDraft([
        draft("SL-X01", [("112", "QKH", 5, 0), ("518", "QKH", 0, 5)]),
        draft("SL-X01", [("111", "QKH", 1, 0), ("112", "QKH", 0, 1)], on=date(2026, 4, 1))])])
    r = books.post("/units/SL-X01/entries", json={"date": "2026-04-01", "lines": [
        {"account": "111", "fund": "QKH", "debit": 1}, {"account": "518", "fund": "QKH", "credit": 1}]})
    assert r.status_code == 422 and "Tiền mặt" in r.json["detail"], r.json
    # other keys of the same books are not near it: the exact check lets them through, and spending cash too
    post_transaction(TransactionDraft([draft("SL-X01", [("112", "QKH", MAX_AMOUNT, 0), ("518", "QKH", 0, MAX_AMOUNT)]),
                                       draft("SL", gift(1))]))
    post_transaction(TransactionDraft([draft("SL-X01", [("611", "QKH", 7, 0), ("111", "QKH", 0, 7)])]))
    db.session.commit()
    assert books.get("/units/SL-X01/verify").json["valid"] is True


def test_sqlite_kept_balances_near_the_ceiling_are_integers_and_stay_so(books, is_postgres):
    if is_postgres:
        pytest.skip("PostgreSQL's BIGINT has no other storage class")
    fill_to_the_ceiling()
    kinds = db.session.execute(text(
        "SELECT DISTINCT typeof(debit_total), typeof(credit_total) FROM balances "
        "UNION SELECT DISTINCT typeof(debit), typeof(credit) FROM monthly_balances")).all()
    assert kinds == [("integer", "integer")]
    # what SQLite did on overflow (an integer sum past 2^63 becomes a REAL), done by hand, is refused
    for sql, match in (("UPDATE balances SET debit_total = debit_total * 9.5", "under_ceiling"),
                       ("UPDATE balances SET debit_total = debit_total + 0.5 WHERE debit_total = 0", "integers"),
                       ("UPDATE monthly_balances SET credit = credit + 0.5 WHERE credit = 0", "integers")):
        with pytest.raises(Exception, match=match):
            db.session.execute(text(sql))
        db.session.rollback()


# ---- merged units and far dates ---------------------------------------------------------------------------

def test_a_merged_unit_refuses_postings_and_says_where_it_went(community_tree, make_fund, give, api_as):
    admin = api_as(("SL", "admin"))
    make_fund("QKH-X02", owner="SL-X02", name="Quỹ khuyến học xã Mường Bú")
    give("SL-X02", 800000, on=date(2026, 3, 10), fund="QKH-X02")
    assert admin.post("/units/SL-X02/merge", json={"into": "SL-X01", "on": "2026-06-30"}).status_code == 200
    before = book_state()
    where = "đã sáp nhập vào Hội Khuyến học phường Tô Hiệu (SL-X01) từ ngày 30/06/2026"
    donor = {"name": "Hà Văn Tú", "kind": "individual", "publish": "full"}
    attempts = [  # its own fund now belongs to SL-X01: the answer is still where the unit went
        ("/units/SL-X02/receipts", {"date": "2026-07-02", "amount": 1000, "method": "cash", "fund": "QKH-X02",
                                    "category": "donation", "donor": donor}),
        ("/units/SL-X02/disbursements", {"date": "2026-07-02", "amount": 1000, "method": "cash", "fund": "HOIPHI",
                                         "category": "other", "payee": {"name": "Hà Văn Tú"}}),
        ("/units/SL-X02/entries", {"date": "2026-07-02", "lines": [
            {"account": "111", "fund": "QKH-X02", "debit": 1000},
            {"account": "511", "fund": "QKH-X02", "credit": 1000}]}),
        ("/units/SL-X02/remittances", {"date": "2026-07-02", "to_unit": "SL", "fund": "HOIPHI", "amount": 1000,
                                       "method": "cash"}),
    ]
    for path, body in attempts:
        r = admin.post(path, json=body)
        assert r.status_code == 422 and r.json["code"] == "period_closed", (path, r.json)
        assert where in r.json["detail"], (path, r.json["detail"])
    assert book_state() == before
    assert admin.get("/units/SL-X02/disbursements").json["total"] == 0


@pytest.mark.parametrize("path, body", [
    ("/units/SL-X01/entries", {"lines": [{"account": "111", "fund": "QKH", "debit": 1000},
                                         {"account": "511", "fund": "QKH", "credit": 1000}]}),
    ("/units/SL-X01/receipts", {"amount": 1000, "method": "cash", "fund": "QKH", "category": "donation",
                                "donor": {"name": "Hà Văn Tú", "kind": "individual", "publish": "full"}}),
    ("/units/SL-X01/disbursements", {"amount": 1000, "method": "cash", "fund": "QKH", "category": "other",
                                     "payee": {"name": "Hà Văn Tú"}}),
])
def test_a_date_more_than_a_year_ahead_is_refused_everywhere(books, path, body):
    latest = latest_date(vn_today())
    for far in (latest + timedelta(days=1), date(2100, 12, 31)):
        r = books.post(path, json={**body, "date": far.isoformat()})
        assert r.status_code == 422 and r.json["code"] == "validation", r.json
        assert far.strftime("%d/%m/%Y") in r.json["detail"] and latest.strftime("%d/%m/%Y") in r.json["detail"]
    r = books.post(path, json={**body, "date": "9999-12-31"})  # the schemas refuse such years already
    assert r.status_code == 422 and r.json["code"] == "validation" and r.json["errors"]["date"], r.json
    assert book_state()[0] == 0
    assert books.get("/units/SL-X01/disbursements").json["total"] == 0
    if "disbursements" not in path:  # a pending voucher needs money only at approval
        books.post("/units/SL-X01/entries", json={"date": "2026-03-01", "lines": [
            {"account": "111", "fund": "QKH", "debit": 5000}, {"account": "511", "fund": "QKH", "credit": 5000}]})
    assert books.post(path, json={**body, "date": latest.isoformat()}).status_code == 201


# ---- the overdraft is judged entry by entry (mutant M5) -------------------------------------------------

@pytest.mark.parametrize("as_one_transaction", [False, True])
def test_spending_before_the_refill_inside_one_batch_is_refused(books, post, as_one_transaction):
    """Entry 1 takes cash 111 below zero, entry 2 brings it back: the batch ends at zero, and is refused."""
    post("SL-X01", gift(300))
    entries = [draft("SL-X01", spending(411)), draft("SL-X01", gift(111))]
    drafts = [TransactionDraft(entries)] if as_one_transaction else [TransactionDraft([e]) for e in entries]
    refused(InsufficientFunds, "chỉ còn 300", drafts)
    # the refill first, then the spending: the same movements post
    post_batch([TransactionDraft([draft("SL-X01", gift(111))]), TransactionDraft([draft("SL-X01", spending(411))])])
    db.session.commit()
    assert db.session.scalar(select(Balance.debit_total - Balance.credit_total).where(
        Balance.unit_id == get_unit("SL-X01").id, Balance.is_no_negative.is_(True))) == 0


# ---- the trial-balance CSV goes through core/export ------------------------------------------------------

def test_trial_balance_csv_neutralises_formula_like_names(books, make_fund, post, page_as):
    from ledger.accounts.services import create_account

    make_fund("=CMD|' /C calc'!A0", owner="SL")
    create_account({"code": "5181", "name": '=HYPERLINK("http://x.example","Bấm")', "parent": "518"})
    db.session.commit()
    post("SL-X01", [("111", "=CMD|' /C calc'!A0", 900, 0), ("5181", "=CMD|' /C calc'!A0", 0, 900)])
    r = page_as(("SL", "treasurer")).get("/units/SL-X01/trial-balance.csv?as_of=2026-03-31")
    assert r.status_code == 200 and r.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(r.data.decode("utf-8-sig")), delimiter=";"))
    assert ["5181", '\'=HYPERLINK("http://x.example","Bấm")', "'=CMD|' /C calc'!A0", "0", "0", "0", "900", "0",
            "900"] in rows
    assert not any(cell.startswith(("=", "+", "-", "@")) and not cell.lstrip("-").isdigit()
                   for row in rows for cell in row)
