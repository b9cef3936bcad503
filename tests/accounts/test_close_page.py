"""The close page: it offers the latest month not yet closed, lists what is still pending in it (payments
awaiting approval, bank lines not matched) and closes only once the treasurer ticks the confirmation.
"""
from datetime import timedelta

from ledger.accounts.banking.models import BankAccount, BankStatement, BankStatementLine
from ledger.accounts.services import close_books, months_to_close
from ledger.accounts.treasury.services.disbursements import create_disbursement
from ledger.core.dates import vn_today
from ledger.extensions import db
from ledger.units.services import get_unit
from tests.accounts.test_pages import books, treasurer  # noqa: F401  (the same small books and their treasurer)

LAST_MONTH_END = vn_today().replace(day=1) - timedelta(days=1)
MONTH_BEFORE_END = LAST_MONTH_END.replace(day=1) - timedelta(days=1)


def pending_payment(payee: str, on):
    made = create_disbursement(get_unit("SL-X01"), {
        "date": on, "amount": 300000, "method": "cash", "fund": "QKH", "category": "award",
        "payee": {"name": payee}, "memo": "Khen thưởng học sinh giỏi"}, by=None)
    db.session.commit()
    return made


def unmatched_line(description: str, on):
    account = BankAccount(unit=get_unit("SL-X01"), name="Agribank Chiềng Sinh", bank_bin="970405",
                          account_number="88880001")
    statement = BankStatement(bank_account=account, filename="sao-ke.csv", rows_read=1, lines_added=1)
    db.session.add(BankStatementLine(statement=statement, bank_account=account, row_number=2, dated_on=on,
                                     description=description, credit=500000, fingerprint=description))
    db.session.commit()


def month_title(end) -> str:
    return f"Khóa sổ tháng {end.month}/{end.year}"


def test_the_page_offers_the_latest_month_and_lists_what_is_pending_in_it(treasurer):
    pending_payment("Lò Văn Tuấn", LAST_MONTH_END)
    unmatched_line("CK ung ho QKH Ca Van Dung", LAST_MONTH_END - timedelta(days=2))
    page = treasurer.get("/units/SL-X01/close").text
    assert month_title(LAST_MONTH_END) in page
    assert f'name="through" value="{LAST_MONTH_END.isoformat()}"' in page
    assert "Phiếu chi chờ duyệt" in page and "Lò Văn Tuấn" in page and "300.000 đ" in page
    assert "Dòng sao kê chưa khớp" in page and "CK ung ho QKH Ca Van Dung" in page and "500.000 đ" in page


def test_a_month_with_nothing_pending_says_so(treasurer):
    assert "Không còn phiếu chờ duyệt hay dòng sao kê chưa khớp" in treasurer.get("/units/SL-X01/close").text


def test_what_lies_in_an_earlier_month_is_not_listed_for_a_later_one(treasurer):
    pending_payment("Hà Thị Mai", MONTH_BEFORE_END)
    earlier = treasurer.get(f"/units/SL-X01/close?through={MONTH_BEFORE_END.isoformat()}").text
    assert "Hà Thị Mai" in earlier and month_title(MONTH_BEFORE_END) in earlier
    close_books(get_unit("SL-X01"), MONTH_BEFORE_END)
    db.session.commit()
    later = treasurer.get("/units/SL-X01/close").text
    assert month_title(LAST_MONTH_END) in later and "Hà Thị Mai" not in later


def test_never_offers_a_date_before_the_current_closing_date(treasurer):
    close_books(get_unit("SL-X01"), MONTH_BEFORE_END)
    db.session.commit()
    assert months_to_close(get_unit("SL-X01"), vn_today()) == [LAST_MONTH_END]
    page = treasurer.get(f"/units/SL-X01/close?through={MONTH_BEFORE_END.isoformat()}").text
    assert f'name="through" value="{LAST_MONTH_END.isoformat()}"' in page
    assert f'value="{MONTH_BEFORE_END.isoformat()}"' not in page


def test_closing_needs_the_confirmation_ticked(treasurer):
    refused = treasurer.post("/units/SL-X01/close", data={"through": LAST_MONTH_END.isoformat()})
    assert refused.status_code == 422 and "Hãy đánh dấu ô xác nhận" in refused.text
    assert get_unit("SL-X01").closed_through is None
    done = treasurer.post("/units/SL-X01/close", data={"through": LAST_MONTH_END.isoformat(), "confirm": "1"})
    assert done.status_code == 303
    assert get_unit("SL-X01").closed_through == LAST_MONTH_END
    after = treasurer.get(done.location).text
    assert LAST_MONTH_END.strftime("%d/%m/%Y") in after
    assert "Sổ đã khóa đến hết tháng trước" in after and 'name="confirm"' not in after


def test_a_viewer_sees_no_close_form(books, page_as):
    page = page_as(("SL", "viewer")).get("/units/SL-X01/close")
    assert page.status_code == 200 and 'name="confirm"' not in page.text
