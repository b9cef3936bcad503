"""Demo step: the communes' funds get a bank account, a memo code and a VietQR; xã Bình Lư's
Agribank account gets a statement built from its bank receipts, with something left to reconcile.
"""
from datetime import timedelta

from sqlalchemy import select

from ledger.accounts.banking.models import BankAccount
from ledger.accounts.banking.services import bank_accounts, reconciliation
from ledger.accounts.banking.vietqr import ascii_memo
from ledger.accounts.services import get_fund
from ledger.accounts.treasury.models import Receipt
from ledger.demo.places import BINH_LU
from ledger.extensions import db

FUND_DETAILS = {  # sample accounts for the demo, not real ones
    "QKH-BL": {"bank_bin": "970405", "bank_account": "8800205123456", "memo_code": "QKHBL",
               "bank_account_name": "HOI KHUYEN HOC XA BINH LU"},
    "QKH-BD": {"bank_bin": "970436", "bank_account": "0451000123456", "memo_code": "QKHBD",
               "bank_account_name": "HOI KHUYEN HOC PHUONG BO DE"},
}
MAPPING = {"date": "Ngày GD", "description": "Nội dung chi tiết", "credit": "Số tiền ghi có",
           "debit": "Số tiền ghi nợ", "reference": "Số bút toán"}


def load(ctx) -> None:

    for code, details in FUND_DETAILS.items():
        fund = get_fund(code)
        if fund.bank_account is None:
            bank_accounts.set_fund_payment_details(fund, details)
    commune = ctx["units"][BINH_LU]
    if db.session.scalar(select(BankAccount.id).where(BankAccount.unit_id == commune.id)):
        return
    account = bank_accounts.create_bank_account(commune, {
        "name": "Agribank chi nhánh Tam Đường", "bank_bin": "970405", "account_number": "8800205123456",
        "account_name": "HOI KHUYEN HOC XA BINH LU", "default_fund": "QKH-BL", "column_mapping": MAPPING})
    bank_accounts.import_statement(account, statement_for(commune).encode("utf-8"), "agribank-sao-ke.csv")
    reconciliation.match_account(account)


def statement_for(commune) -> str:
    """One credit per bank receipt of the commune (as the bank writes it), a donor not yet receipted,
    interest and a fee."""
    receipts = db.session.scalars(select(Receipt).where(Receipt.unit_id == commune.id, Receipt.method == "bank")
                                  .order_by(Receipt.dated_on, Receipt.id)).all()
    last = max((r.dated_on for r in receipts), default=None) or commune.created_at.date()
    rows = [(r.dated_on, f"{ascii_memo(r.donor.name if r.donor else '').upper()} chuyen khoan ung ho QKHBL",
             r.amount, 0) for r in receipts]
    rows += [(last + timedelta(days=1), "TAN VAN SU QKHBL ung ho hoc sinh ngheo", 500_000, 0),
             (last + timedelta(days=2), "Tra lai tien gui thang", 35_000, 0),
             (last + timedelta(days=2), "Phi quan ly tai khoan", 0, 11_000)]
    lines = [",".join(MAPPING[name] for name in ("date", "reference", "description", "debit", "credit"))]
    for number, (on, memo, credit, debit) in enumerate(rows, start=1):
        lines.append(f"{on:%d/%m/%Y},AGR{number:05d},{memo},{debit or ''},{credit or ''}")
    return "\n".join(lines) + "\n"
