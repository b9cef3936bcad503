"""Bank reconciliation: statements read with a saved column mapping, credits matched to receipts by
memo code (1,000 lines, exact counts), suggestions confirmed, credits turned into receipts; VietQR."""
import io
from datetime import date, timedelta

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from ledger.accounts.banking import vietqr
from ledger.accounts.banking.models import BankStatementLine
from ledger.accounts.treasury.models import Receipt
from ledger.accounts.treasury.services.receipts import record_receipt
from ledger.extensions import db
from ledger.units.services import get_unit

HEADER = "Ngày giao dịch,Số tham chiếu,Nội dung,Ghi nợ,Ghi có\n"


@pytest.fixture
def bank(make_unit, make_fund, make_user, api_as):
    from ledger.accounts.campaigns.services.campaigns import create_campaign
    from ledger.accounts.services import get_fund

    make_unit("LC", level="province")
    make_unit("BL", level="commune", parent="LC", name="Hội Khuyến học xã Bình Lư")
    make_fund("QKH-BL", owner="BL", name="Quỹ khuyến học xã Bình Lư")
    make_fund("HB-BL", owner="BL", kind="restricted", name="Quỹ học bổng xã Bình Lư")
    get_fund("QKH-BL").memo_code = "QKHBL"
    campaign = create_campaign({"code": "HB2026", "name": "Vận động học bổng 2026", "owner_unit": "BL",
                                "fund": "HB-BL", "starts_on": date(2026, 1, 1), "ends_on": date(2026, 12, 31)})
    campaign.memo_code = "HBBL26"
    db.session.commit()
    api = api_as(("BL", "treasurer"))
    account = api.post("/units/BL/bank-accounts", json={"name": "Agribank Tam Đường",
                                                         "account_number": "8888 0000 1234",
                                                         "bank_bin": "970405", "default_fund": "QKH-BL"})
    assert account.status_code == 201, account.json
    api.account_id = account.json["id"]
    return api


def bank_receipt(amount, on, memo, fund="QKH-BL", donor="Nhà hảo tâm"):
    receipt = record_receipt(get_unit("BL"), {"date": on, "amount": amount, "method": "bank", "fund": fund,
                                              "category": "donation", "memo": memo,
                                              "donor": {"name": donor, "kind": "individual", "publish": "full"}},
                             by=None)
    return receipt


def upload(api, text: str, name="sao-ke.csv", **mapping):
    data = {"file": (io.BytesIO(text.encode("utf-8")), name), **mapping}
    return api.post(f"/bank-accounts/{api.account_id}/statements", data=data, content_type="multipart/form-data")


def grouped(amount: int, comma: bool) -> str:
    text = f"{amount:,}"
    return f'"{text}"' if comma else text.replace(",", ".")


def test_a_thousand_line_statement_reconciles_where_memo_codes_match(bank):
    start = date(2026, 3, 1)
    rows = []
    for i in range(600):  # paid receipts: the memo code, the same amount, a day or two apart
        on = start + timedelta(days=i % 40)
        bank_receipt(100_000 + i * 1_000, on, f"Ủng hộ QKHBL {i}", donor=f"Người {i}")
        rows.append((on + timedelta(days=i % 3), f"FT{i:06d}", f"NGUYEN VAN {i} chuyen tien QKH-BL ung ho", "",
                     100_000 + i * 1_000))
    for i in range(50):  # receipts typed without the code: found by amount and date, to confirm
        on = start + timedelta(days=i % 30)
        bank_receipt(7_000_000 + i * 1_000, on, "Chuyển khoản ủng hộ", fund="HB-BL")
        rows.append((on, f"FS{i:06d}", f"TRAN THI {i} chuyen khoan", "", 7_000_000 + i * 1_000))
    for i in range(150):  # the code, but no receipt yet
        rows.append((start + timedelta(days=i % 40), f"FN{i:06d}", f"LO VAN {i} QKHBL", "", 50_000_000 + i))
    for i in range(100):  # no code, no receipt
        rows.append((start + timedelta(days=i % 40), f"FX{i:06d}", f"CT DEN {i}", "", 60_000_000 + i))
    for i in range(100):  # money out
        rows.append((start + timedelta(days=i % 40), f"FD{i:06d}", f"Phi dich vu {i}", 11_000 + i, ""))
    db.session.commit()
    assert len(rows) == 1000
    text = HEADER + "".join(
        f"{on:%d/%m/%Y},{ref},{memo},"
        f"{grouped(debit, n % 2 == 0) if debit else ''},{grouped(credit, n % 2 == 1) if credit else ''}\n"
        for n, (on, ref, memo, debit, credit) in enumerate(rows))
    r = upload(bank, text)
    assert r.status_code == 201, r.json
    assert (r.json["rows_read"], r.json["lines_added"]) == (1000, 1000)
    assert (r.json["matched"], r.json["suggested"], r.json["unmatched"]) == (600, 50, 250)
    counts = dict(db.session.execute(select(BankStatementLine.status, func.count())
                                     .group_by(BankStatementLine.status)).all())
    assert counts == {"matched": 600, "suggested": 50, "unmatched": 350}
    open_lines = bank.get(f"/bank-accounts/{bank.account_id}/lines?status=unmatched&limit=500").json
    assert open_lines["total"] == 350
    assert {line["reference"][:2] for line in open_lines["items"]} == {"FN", "FX", "FD"}
    matched = bank.get(f"/bank-accounts/{bank.account_id}/lines?status=matched&limit=500&offset=100").json["items"]
    receipts = {r.id: r for r in db.session.scalars(select(Receipt))}
    assert all(receipts[line["receipt_id"]].amount == line["credit"] and "QKHBL" in receipts[line["receipt_id"]].memo
               for line in matched)
    again = upload(bank, text)  # the same statement again: every row is already there
    assert (again.json["lines_added"], again.json["matched"]) == (0, 0)


def test_mapping_is_saved_per_account_and_title_rows_are_skipped(bank):
    bank_receipt(2_015_000, date(2026, 3, 10), "QKHBL Tẩn Văn Sơn")
    db.session.commit()
    book = Workbook()
    sheet = book.active
    for row in (["NGÂN HÀNG NÔNG NGHIỆP VÀ PHÁT TRIỂN NÔNG THÔN"], ["Sao kê tài khoản 8888 0000 1234"], [],
                ["Ngay GD", "So but toan", "Dien giai chi tiet", "PS No", "PS Co"],
                ["10/03/2026", "A1", "TAN VAN SON QKHBL", None, "2.015.000"],
                ["11/03/2026", "A2", "Lai tien gui", None, 12_345], [None, None, "Cộng phát sinh", None, "2.027.345"]):
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    xlsx = buffer.getvalue()
    mapping = {"date": "Ngay GD", "description": "Dien giai chi tiet", "credit": "PS Co", "debit": "PS No",
               "reference": "So but toan"}
    missing = bank.post(f"/bank-accounts/{bank.account_id}/statements", content_type="multipart/form-data",
                        data={"file": (io.BytesIO(xlsx), "agribank.xlsx")})
    assert missing.status_code == 422
    assert missing.json["detail"].startswith("Thiếu cột: Nội dung, Ghi có (tiền vào).")
    r = bank.post(f"/bank-accounts/{bank.account_id}/statements", content_type="multipart/form-data",
                  data={"file": (io.BytesIO(xlsx), "agribank.xlsx"), **mapping})
    assert r.status_code == 201, r.json
    assert (r.json["rows_read"], r.json["matched"], r.json["unmatched"]) == (2, 1, 1)
    saved = bank.get("/units/BL/bank-accounts").json["items"][0]["column_mapping"]
    assert saved == mapping
    again = bank.post(f"/bank-accounts/{bank.account_id}/statements", content_type="multipart/form-data",
                      data={"file": (io.BytesIO(xlsx), "agribank.xlsx")})  # the saved mapping reads it now
    assert (again.status_code, again.json["rows_read"], again.json["lines_added"]) == (201, 2, 0)


def test_bad_rows_stop_the_import(bank):
    text = HEADER + "10/03/2026,A1,QKHBL,,100.000\n31/02/2026,A2,QKHBL,,100.000\n12/03/2026,A3,QKHBL,,1tr\n"
    r = upload(bank, text)
    assert r.status_code == 422
    assert r.json["errors"]["rows"] == ["Dòng 3: ngày '31/02/2026' không hợp lệ (dd/mm/yyyy).",
                                        "Dòng 4: số tiền '1tr' không hợp lệ."]
    assert db.session.scalar(select(func.count(BankStatementLine.id))) == 0


def test_ambiguous_codes_are_suggested_then_confirmed_or_rejected(bank):
    first = bank_receipt(500_000, date(2026, 3, 9), "QKHBL lớp 6A")
    second = bank_receipt(500_000, date(2026, 3, 11), "QKHBL lớp 6B")
    db.session.commit()
    r = upload(bank, HEADER + "10/03/2026,A1,LOP 6A QKHBL,,500.000\n")
    assert (r.json["matched"], r.json["suggested"]) == (0, 1)
    line = bank.get(f"/bank-accounts/{bank.account_id}/lines?status=suggested").json["items"][0]
    assert line["receipt_id"] == first.id and line["match_method"] == "memo_code"
    rejected = bank.post(f"/bank-lines/{line['id']}/reject")
    assert rejected.json["status"] == "unmatched" and rejected.json["receipt_id"] is None
    wrong = bank.post(f"/bank-lines/{line['id']}/confirm")
    assert wrong.status_code == 409 and wrong.json["code"] == "invalid_state"
    manual = bank.post(f"/bank-lines/{line['id']}/match", json={"receipt_id": second.id})
    assert manual.status_code == 200 and manual.json["status"] == "matched" and manual.json["receipt_id"] == second.id
    assert bank.post(f"/bank-lines/{line['id']}/receipt", json={"donor": {"name": "X"}}).status_code == 409


def test_unmatched_credit_becomes_a_bank_receipt_in_one_step(bank):
    r = upload(bank, HEADER + "12/03/2026,A9,CHU THI HOA HBBL26 ung ho hoc bong,,3.000.000\n")
    assert r.json["unmatched"] == 1
    line = bank.get(f"/bank-accounts/{bank.account_id}/lines").json["items"][0]
    headers = {"Idempotency-Key": "line-receipt-1"}
    body = {"donor": {"name": "Chu Thị Hoa", "kind": "individual", "publish": "initials"}}
    made = bank.post(f"/bank-lines/{line['id']}/receipt", json=body, headers=headers)
    assert made.status_code == 201, made.json
    again = bank.post(f"/bank-lines/{line['id']}/receipt", json=body, headers=headers)
    assert again.json == made.json
    receipt = db.session.get(Receipt, made.json["id"])
    assert (receipt.method, receipt.amount, receipt.dated_on, receipt.fund.code, receipt.campaign_id is not None) == (
        "bank", 3_000_000, date(2026, 3, 12), "HB-BL", True)
    assert receipt.number.startswith("PT-2026-") and "HBBL26" in receipt.memo
    assert db.session.scalar(select(func.count(Receipt.id))) == 1
    assert bank.get(f"/bank-accounts/{bank.account_id}/lines").json["items"][0]["status"] == "matched"
    book = bank.get("/units/BL/books/bank?from=2026-03-01&to=2026-03-31").json
    assert [(row["number"], row["receipt"]) for row in book["rows"]] == [(receipt.number, 3_000_000)]
    twice = bank.post(f"/bank-lines/{line['id']}/receipt", json=body)
    assert twice.status_code == 409 and twice.json["code"] == "invalid_state"


def test_only_treasurers_of_the_unit_reconcile(bank, api_as):
    upload(bank, HEADER + "12/03/2026,A9,QKHBL,,3.000.000\n")
    viewer = api_as(("BL", "viewer"))
    viewer.account_id = bank.account_id
    assert upload(viewer, HEADER).status_code == 403
    assert viewer.get(f"/bank-accounts/{bank.account_id}/lines").status_code == 200
    line_id = bank.get(f"/bank-accounts/{bank.account_id}/lines").json["items"][0]["id"]
    assert viewer.post(f"/bank-lines/{line_id}/receipt", json={"donor": {"name": "A"}}).status_code == 403
    assert viewer.post("/units/BL/bank-accounts", json={"name": "x", "account_number": "1"}).status_code == 403


def login(client, make_user, role):
    user = make_user(roles=[role])
    client.post("/login", data={"username": user.username, "password": "mat-khau-dai"})  # a server-side session
    return client


def test_reconcile_page_uploads_and_makes_a_receipt_once(bank, client, make_user):
    client = login(client, make_user, ("BL", "treasurer"))
    account = bank.account_id
    sent = client.post(f"/bank-accounts/{account}/statements", content_type="multipart/form-data", data={
        "file": (io.BytesIO((HEADER + "12/03/2026,A9,LO THI MAI QKHBL,,250.000\n").encode()), "sk.csv")})
    assert sent.status_code == 303
    page = client.get(sent.location).get_data(as_text=True)
    assert "Tự khớp 0, gợi ý 0, chưa khớp 1." in page and "LO THI MAI QKHBL" in page
    line_id = db.session.scalar(select(BankStatementLine.id))
    form = {"idempotency_key": "form-abc", "donor_name": "Lò Thị Mai", "donor_kind": "individual", "fund": ""}
    first = client.post(f"/bank-lines/{line_id}/receipt", data=form)
    second = client.post(f"/bank-lines/{line_id}/receipt", data=form)  # a double click
    assert first.status_code == second.status_code == 303
    assert db.session.scalar(select(func.count(Receipt.id))) == 1
    assert "Đã lập phiếu thu PT-2026-000001" in client.get(first.location).get_data(as_text=True)
    export = client.get(f"/bank-accounts/{account}?format=csv")
    assert export.status_code == 200 and "LO THI MAI QKHBL" in export.get_data(as_text=True)


def test_fund_page_shows_vietqr_and_sets_it(bank, client, make_user):
    client = login(client, make_user, ("BL", "treasurer"))
    page = client.get("/funds/QKH-BL").get_data(as_text=True)
    assert "chưa khai báo tài khoản ngân hàng" in page
    bad = client.post("/funds/QKH-BL/payment-details", data={"bank_bin": "9704", "bank_account": "123",
                                                             "memo_code": "QKHBL"})
    assert bad.status_code == 422 and "6 chữ số" in bad.get_data(as_text=True)
    taken = client.post("/funds/QKH-BL/payment-details", data={"memo_code": "HBBL26"})
    assert taken.status_code == 409
    done = client.post("/funds/QKH-BL/payment-details", data={
        "bank_bin": "970405", "bank_account": "8888 0000 1234", "bank_account_name": "Hội Khuyến học xã Bình Lư",
        "memo_code": "qkhbl"})
    assert done.status_code == 303
    page = client.get(done.location).get_data(as_text=True)
    assert "<svg" in page and "QKHBL" in page and "888800001234" in page
    qr = bank.get("/funds/QKH-BL/vietqr").json
    fields = vietqr.parse(qr["payload"])
    assert fields["38"]["01"] == {"00": "970405", "01": "888800001234"} and fields["62"]["08"] == "QKHBL"
    viewer = login(client, make_user, ("BL", "viewer"))
    assert viewer.post("/funds/QKH-BL/payment-details", data={"memo_code": "X"}).status_code == 403


def test_bare_crs_in_a_statement_are_read_not_a_500(bank):
    """A CR alone inside a quoted memo stays in it (shown as a space); between cells it ends the row."""
    text = (HEADER.rstrip("\n") + "\r10/03/2026,A1,\"LO THI MAI\rQKHBL\",,100.000\r"
            "11/03/2026,A2,CT DEN,,200.000\r")
    r = upload(bank, text)
    assert r.status_code == 201, r.json
    assert (r.json["rows_read"], r.json["lines_added"]) == (2, 2)
    memos = db.session.scalars(select(BankStatementLine.description).order_by(BankStatementLine.id)).all()
    assert memos == ["LO THI MAI QKHBL", "CT DEN"]


def test_a_statement_row_the_csv_reader_cannot_read_is_a_422_naming_it(bank):
    r = upload(bank, HEADER + "10/03/2026,A1,QKHBL,,100.000\n" + '12/03/2026,A2,"' + "x" * 140_000 + "\n")
    assert r.status_code == 422 and r.json["detail"].startswith("Dòng 3 có ô dài hơn 131.072 ký tự"), r.json
    assert db.session.scalar(select(func.count(BankStatementLine.id))) == 0
