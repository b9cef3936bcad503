"""A unit's bank accounts, the statement column mapping each remembers, statement import,
and the bank details and memo code a fund shows donors (VietQR).
"""
import hashlib
import re
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import insert, select

from ledger.accounts.banking import vietqr
from ledger.accounts.banking.models import BankAccount, BankStatement, BankStatementLine
from ledger.accounts.banking.services import sheets
from ledger.accounts.campaigns.models import Campaign
from ledger.accounts.models import Fund
from ledger.accounts.services import funds_usable_in, get_fund
from ledger.core import audit, spreadsheets
from ledger.core.errors import Duplicate, NotFound, ValidationFailed
from ledger.core.i18n import _, _l
from ledger.core.inputs import get_by_id
from ledger.extensions import db
from ledger.units.models import Unit

STATEMENT_FIELDS = ("date", "description", "credit", "debit", "reference")
FIELD_LABELS = {"date": _l("Ngày giao dịch"), "description": _l("Nội dung"), "credit": _l("Ghi có (tiền vào)"),
                "debit": _l("Ghi nợ (tiền ra)"), "reference": _l("Số tham chiếu")}
# Headers seen in Vietnamese banks' exports, tried when the account has no saved mapping.
DEFAULT_ALIASES = {
    "date": ["Ngày giao dịch", "Ngày GD", "Ngày", "Ngày hạch toán", "Ngày hiệu lực", "Transaction date", "Date"],
    "description": ["Nội dung", "Nội dung giao dịch", "Diễn giải", "Mô tả", "Chi tiết giao dịch",
                    "Nội dung chi tiết", "Description", "Transaction details"],
    "credit": ["Ghi có", "Số tiền ghi có", "Phát sinh có", "Tiền vào", "Có", "Credit", "Credit amount"],
    "debit": ["Ghi nợ", "Số tiền ghi nợ", "Phát sinh nợ", "Tiền ra", "Nợ", "Debit", "Debit amount"],
    "reference": ["Số tham chiếu", "Mã giao dịch", "Số bút toán", "Số CT", "Số chứng từ", "Reference", "Ref"],
}
REQUIRED_FIELDS = ["date", "description", "credit"]
MEMO_CODE = re.compile(r"^[A-Z0-9]{3,20}$")


def get_bank_account(account_id) -> BankAccount:
    account = get_by_id(BankAccount, account_id)
    if account is None:
        raise NotFound(_("Không có tài khoản ngân hàng %(id)s.", id=account_id))
    return account


def list_bank_accounts(unit: Unit) -> list[BankAccount]:
    return db.session.scalars(select(BankAccount).where(BankAccount.unit_id == unit.id)
                              .order_by(BankAccount.id)).all()


def create_bank_account(unit: Unit, data: dict, *, by=None) -> BankAccount:
    number = re.sub(r"\s+", "", data["account_number"])
    if db.session.scalar(select(BankAccount.id).where(BankAccount.unit_id == unit.id,
                                                      BankAccount.account_number == number)):
        raise Duplicate(_("Tài khoản %(number)s đã có ở đơn vị này.", number=number), field="account_number")
    account = BankAccount(unit=unit, name=data["name"].strip(), bank_bin=data.get("bank_bin") or None,
                          account_number=number, account_name=(data.get("account_name") or "").strip(),
                          default_fund=usable_fund(unit, data.get("default_fund")),
                          column_mapping=clean_mapping(data.get("column_mapping")))
    db.session.add(account)
    db.session.flush()
    audit.record("bank_account.create", "bank_account", account.id, by=by, after=describe(account))
    return account


def usable_fund(unit: Unit, code: str | None) -> Fund | None:
    if not code:
        return None
    fund = get_fund(code)
    if fund.id not in {f.id for f in funds_usable_in(unit)}:
        raise ValidationFailed(field="default_fund", message=_(
            "Quỹ %(fund)s không dùng được trong sổ của %(unit)s.", fund=fund.code, unit=unit.name))
    return fund


def clean_mapping(mapping: dict | None) -> dict | None:
    """Only the known fields, trimmed header texts; the required ones must be there."""
    if not mapping:
        return None
    cleaned = {name: " ".join(str(mapping[name]).split()) for name in STATEMENT_FIELDS
               if mapping.get(name) and str(mapping[name]).strip()}
    missing = [str(FIELD_LABELS[name]) for name in REQUIRED_FIELDS if name not in cleaned]
    if missing:
        raise ValidationFailed(field="column_mapping", message=_(
            "Cần tên cột cho: %(fields)s.", fields=", ".join(missing)))
    return cleaned


def save_mapping(account: BankAccount, mapping: dict, *, by=None) -> BankAccount:
    before = account.column_mapping
    account.column_mapping = clean_mapping(mapping)
    db.session.flush()
    audit.record("bank_account.mapping", "bank_account", account.id, by=by, before=before,
                 after=account.column_mapping)
    return account


def describe(account: BankAccount) -> dict:
    return {"unit": account.unit.code, "name": account.name, "bank_bin": account.bank_bin,
            "account_number": account.account_number, "account_name": account.account_name,
            "default_fund": account.default_fund.code if account.default_fund else None,
            "column_mapping": account.column_mapping}


def typed_mapping(form) -> dict | None:
    """The column headers typed beside a statement upload; None keeps the account's saved mapping."""
    return {name: form[name].strip() for name in STATEMENT_FIELDS if form.get(name, "").strip()} or None


def statement_aliases(mapping: dict | None) -> dict[str, list[str]]:
    if not mapping:
        return DEFAULT_ALIASES
    return {name: [mapping[name]] for name in STATEMENT_FIELDS if mapping.get(name)}


@dataclass
class ParsedLine:
    row_number: int
    dated_on: object
    description: str
    credit: int
    debit: int
    reference: str


def parse_statement(data: bytes, filename: str, mapping: dict | None) -> list[ParsedLine]:
    """Every row or none: a row-level message for each unreadable date or amount."""
    labels = {name: str(FIELD_LABELS[name]) for name in STATEMENT_FIELDS}
    if mapping:
        labels.update({name: f"{labels[name]} (“{mapping[name]}”)" for name in mapping})
    table = sheets.locate(spreadsheets.read_rows(data, filename), statement_aliases(mapping), REQUIRED_FIELDS, labels)
    parsed, errors = [], []
    for number, row in table.rows:
        line = parse_statement_row(table, number, row, errors)
        if line is not None:
            parsed.append(line)
    if errors:
        raise ValidationFailed(field="file", message=_("Sao kê có %(n)s dòng lỗi; chưa nhập dòng nào.",
                                                       n=len(errors)), errors={"rows": errors[:200]})
    return parsed


def parse_statement_row(table, number, row, errors) -> ParsedLine | None:
    try:
        dated_on = sheets.cell_date(table.value(row, "date"))
    except sheets.RowError as exc:
        errors.append(_("Dòng %(row)s: ngày '%(value)s' không hợp lệ (dd/mm/yyyy).", row=number, value=exc.args[0]))
        return None
    amounts = {}
    for side in ("credit", "debit"):
        try:
            amounts[side] = abs(sheets.cell_amount(table.value(row, side)) or 0)
        except sheets.RowError as exc:
            errors.append(_("Dòng %(row)s: số tiền '%(value)s' không hợp lệ.", row=number, value=exc.args[0]))
            return None
    if dated_on is None:
        return None  # opening balance, sub-total or footer rows of the bank's export carry no date
    if bool(amounts["credit"]) == bool(amounts["debit"]):
        if amounts["credit"]:
            errors.append(_("Dòng %(row)s: có cả số ghi có và ghi nợ.", row=number))
        return None  # a zero-amount row (balance carried, fee waived) reconciles nothing
    return ParsedLine(row_number=number, dated_on=dated_on,
                      description=sheets.cell_text(table.value(row, "description"))[:2000],
                      credit=amounts["credit"], debit=amounts["debit"],
                      reference=sheets.cell_text(table.value(row, "reference"))[:100])


def fingerprints(lines: list[ParsedLine]) -> list[str]:
    """Same content → same print; the n-th identical row of a file gets the n-th print, so an
    overlapping later statement skips exactly the rows already imported."""
    seen: Counter = Counter()
    prints = []
    for line in lines:
        content = f"{line.dated_on}|{line.credit}|{line.debit}|{line.reference}|{sheets.fold(line.description)}"
        seen[content] += 1
        prints.append(hashlib.sha256(f"{content}|{seen[content]}".encode()).hexdigest())
    return prints


def import_statement(account: BankAccount, data: bytes, filename: str, *, mapping: dict | None = None,
                     by=None) -> BankStatement:
    """Store the rows new to the account (overlaps skipped); matching is the caller's next step."""
    mapping = clean_mapping(mapping) if mapping else account.column_mapping
    lines = parse_statement(data, filename, mapping)
    prints = fingerprints(lines)
    known = existing_prints(account, prints)
    statement = BankStatement(bank_account=account, filename=(filename or "")[:255], rows_read=len(lines),
                              imported_by_id=getattr(by, "id", None))
    db.session.add(statement)
    db.session.flush()
    rows = [{"statement_id": statement.id, "bank_account_id": account.id, "row_number": line.row_number,
             "dated_on": line.dated_on, "description": line.description, "credit": line.credit,
             "debit": line.debit, "reference": line.reference, "fingerprint": print_, "status": "unmatched"}
            for line, print_ in zip(lines, prints) if print_ not in known]
    for start in range(0, len(rows), 1000):
        db.session.execute(insert(BankStatementLine), rows[start:start + 1000])
    statement.lines_added = len(rows)
    if mapping and mapping != account.column_mapping:
        account.column_mapping = mapping  # remembered for this account's next statement
    db.session.flush()
    audit.record("bank_statement.import", "bank_statement", statement.id, by=by,
                 after={"bank_account": account.id, "filename": statement.filename, "rows": len(lines),
                        "added": len(rows), "column_mapping": mapping})
    return statement


def existing_prints(account: BankAccount, prints: list[str]) -> set[str]:
    known: set[str] = set()
    for start in range(0, len(prints), 900):
        known.update(db.session.scalars(select(BankStatementLine.fingerprint).where(
            BankStatementLine.bank_account_id == account.id,
            BankStatementLine.fingerprint.in_(prints[start:start + 900]))))
    return known


def set_fund_payment_details(fund: Fund, data: dict, *, by=None) -> Fund:
    """Bank BIN, account and holder donors transfer to, and the memo code their transfer carries."""
    before = payment_details(fund)
    code = (data.get("memo_code") or "").strip().upper() or None
    if code is not None:
        if not MEMO_CODE.fullmatch(code):
            raise ValidationFailed(field="memo_code", message=_(
                "Mã nội dung chuyển khoản gồm 3–20 chữ cái không dấu hoặc chữ số, không khoảng trắng."))
        taken = db.session.scalar(select(Fund.code).where(Fund.memo_code == code, Fund.id != fund.id)) \
            or db.session.scalar(select(Campaign.code).where(Campaign.memo_code == code))
        if taken:
            raise Duplicate(_("Mã %(code)s đã dùng cho %(owner)s.", code=code, owner=taken), field="memo_code")
    bank_bin, number = (data.get("bank_bin") or "").strip(), re.sub(r"\s+", "", data.get("bank_account") or "")
    if bool(bank_bin) != bool(number):
        raise ValidationFailed(field="bank_account", message=_("Cần cả mã ngân hàng (BIN) và số tài khoản."))
    if bank_bin and not re.fullmatch(r"[0-9]{6}", bank_bin):
        raise ValidationFailed(field="bank_bin", message=_("Mã BIN ngân hàng gồm 6 chữ số, ví dụ 970415."))
    if number and not re.fullmatch(r"[0-9A-Za-z]{1,19}", number):
        raise ValidationFailed(field="bank_account", message=_("Số tài khoản gồm tối đa 19 chữ số hoặc chữ cái."))
    fund.memo_code, fund.bank_bin, fund.bank_account = code, bank_bin or None, number or None
    fund.bank_account_name = (data.get("bank_account_name") or "").strip().upper() or None
    db.session.flush()
    audit.record("fund.payment_details", "fund", fund.code, by=by, before=before, after=payment_details(fund))
    return fund


def payment_details(fund: Fund) -> dict:
    return {"memo_code": fund.memo_code, "bank_bin": fund.bank_bin, "bank_account": fund.bank_account,
            "bank_account_name": fund.bank_account_name}


def fund_payload(fund: Fund) -> str | None:
    """The fund's VietQR string (static, no amount), or None until its bank account is set."""
    if not (fund.bank_bin and fund.bank_account):
        return None
    return vietqr.payload(fund.bank_bin, fund.bank_account, memo=fund.memo_code)
