"""Excel in: opening balances (one "Số dư đầu kỳ" BT entry per unit against 421) and donor lists.

The whole sheet is read and checked first; any wrong row stops the import with a Vietnamese message
per row ("Dòng 7: số tiền 'abc' không hợp lệ.") and nothing is written.
"""
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from ledger.accounts.banking.services import sheets
from ledger.accounts.chart import FUND_BALANCE, INTERNAL_ACCOUNTS
from ledger.accounts.ledger import LineDraft
from ledger.accounts.models import Account, Entry, Fund, Transaction
from ledger.accounts.posting import EntryDraft, TransactionDraft, post_batch
from ledger.accounts.treasury.services import donors
from ledger.core import audit, spreadsheets
from ledger.core.errors import Duplicate, ValidationFailed
from ledger.core.i18n import _, _l
from ledger.extensions import db
from ledger.units.models import Unit
from ledger.units.services import subtree_filter, subtree_ids

OPENING_KIND = "opening_balance"
MAX_ERRORS = 200
Progress = Callable[[int, int], None]

OPENING_COLUMNS = {
    "unit": ["Đơn vị", "Mã đơn vị"],
    "fund": ["Quỹ", "Mã quỹ"],
    "account": ["Tài khoản", "Mã tài khoản", "TK", "Số hiệu tài khoản"],
    "amount": ["Số dư", "Số tiền", "Số dư đầu kỳ"],
    "counterparty": ["Đơn vị đối ứng", "Mã đơn vị đối ứng"],
}
OPENING_LABELS = {"unit": _l("Đơn vị"), "fund": _l("Quỹ"), "account": _l("Tài khoản"), "amount": _l("Số dư"),
                  "counterparty": _l("Đơn vị đối ứng")}
DONOR_COLUMNS = {
    "name": ["Họ tên", "Họ và tên", "Tên", "Tên nhà hảo tâm", "Nhà hảo tâm"],
    "kind": ["Loại", "Đối tượng"],
    "phone": ["Điện thoại", "Số điện thoại", "SĐT", "ĐT"],
    "address": ["Địa chỉ"],
    "publish": ["Công khai", "Công khai tên", "Hiển thị"],
}
DONOR_LABELS = {"name": _l("Họ tên"), "kind": _l("Loại"), "phone": _l("Điện thoại"), "address": _l("Địa chỉ"),
                "publish": _l("Công khai")}
DONOR_KINDS = {"ca nhan": "individual", "gia dinh": "family", "dong ho": "clan", "doanh nghiep": "business",
               "cong ty": "business", "to chuc": "organization", "co quan": "organization",
               "an danh": "anonymous", "con em que huong": "individual"}
PUBLISH = {"day du": "full", "ho ten day du": "full", "co": "full", "ten viet tat": "initials",
           "viet tat": "initials", "chu cai dau": "initials", "an danh": "anonymous", "khong": "anonymous"}


@dataclass
class ImportResult:
    rows: int = 0
    created: int = 0
    existing: int = 0
    entries: list[str] = field(default_factory=list)


def refuse(errors: list[str]) -> ValidationFailed:
    shown = errors[:MAX_ERRORS]
    return ValidationFailed(field="file", errors={"rows": shown}, message=_(
        "Tệp có %(n)s dòng lỗi; chưa ghi gì. Sửa các dòng được nêu rồi tải lên lại.", n=len(errors)))


def checked_rows(table: sheets.Table, read_row: Callable, progress: Progress | None) -> list:
    """Every row read, or ValidationFailed listing each wrong row ("Dòng 7: …") so nothing is written."""
    values, errors = [], []
    for done, (number, row) in enumerate(table.rows, start=1):
        try:
            values.append(read_row(row))
        except sheets.RowError as exc:
            errors.append(_("Dòng %(row)s: %(problem)s", row=number, problem=exc.args[0]))
        if progress:
            progress(done, len(table.rows))
    if errors:
        raise refuse(errors)
    return values


def import_opening_balances(scope: Unit, data: bytes, filename: str, *, on: date, by=None,
                            progress: Progress | None = None) -> ImportResult:
    """Opening balances of `scope` and units below it; each unit's rows become one BT entry on `on`."""
    table = sheets.locate(spreadsheets.read_rows(data, filename), OPENING_COLUMNS, ["fund", "account", "amount"],
                          {k: str(v) for k, v in OPENING_LABELS.items()})
    lookups = OpeningLookups.load(scope)
    per_unit: dict[str, list[LineDraft]] = defaultdict(list)
    for unit_code, line in checked_rows(table, lambda row: opening_line(table, row, scope, lookups), progress):
        per_unit[unit_code].append(line)
    if not per_unit:
        raise ValidationFailed(field="file", message=_("Tệp không có dòng số dư nào."))
    units = [lookups.units[code] for code in sorted(per_unit)]
    check_not_opened(units)
    drafts = [TransactionDraft([EntryDraft(unit, on, with_fund_balance(per_unit[unit.code]),
                                           memo=_("Số dư đầu kỳ"))], kind=OPENING_KIND, memo=_("Số dư đầu kỳ"))
              for unit in units]
    transaction_ids = post_batch(drafts, by=by)
    numbers = db.session.scalars(select(Entry.number).where(Entry.transaction_id.in_(transaction_ids))
                                 .order_by(Entry.id)).all()
    audit.record("import.opening_balances", "unit", scope.code, by=by,
                 after={"file": filename, "rows": len(table.rows), "units": [u.code for u in units]})
    return ImportResult(rows=len(table.rows), created=len(units), entries=list(numbers))


@dataclass
class OpeningLookups:
    units: dict[str, Unit]
    funds: dict[str, Fund]
    accounts: dict[str, Account]

    @classmethod
    def load(cls, scope: Unit) -> "OpeningLookups":
        return cls(units={u.code: u for u in db.session.scalars(select(Unit).where(subtree_filter(scope.path)))},
                   funds={f.code: f for f in db.session.scalars(select(Fund))},
                   accounts={a.code: a for a in db.session.scalars(select(Account))})


def opening_line(table, row, scope: Unit, lookups: OpeningLookups) -> tuple[str, LineDraft]:
    unit_code = sheets.cell_text(table.value(row, "unit")) or scope.code
    unit = lookups.units.get(unit_code)
    if unit is None:
        raise sheets.RowError(_("đơn vị '%(code)s' không có hoặc không thuộc %(scope)s.", code=unit_code,
                                scope=scope.name))
    fund_code = sheets.cell_text(table.value(row, "fund"))
    fund = lookups.funds.get(fund_code)
    if fund is None or not unit.is_within(fund.owner_unit):
        raise sheets.RowError(_("quỹ '%(code)s' không có hoặc không dùng được ở %(unit)s.", code=fund_code,
                                unit=unit.name))
    account = opening_account(sheets.cell_text(table.value(row, "account")), lookups)
    amount = row_amount(table.value(row, "amount"))
    counterparty = sheets.cell_text(table.value(row, "counterparty")) or None
    if account.code.startswith(INTERNAL_ACCOUNTS):
        if not counterparty or not db.session.scalar(select(Unit.id).where(Unit.code == counterparty)):
            raise sheets.RowError(_("tài khoản %(account)s cần mã đơn vị đối ứng hợp lệ (cột Đơn vị đối ứng).",
                                    account=account.code))
    else:
        counterparty = None
    side = {"debit": amount} if account.type == "asset" else {"credit": amount}
    return unit.code, LineDraft(account.code, fund.code, counterparty_unit=counterparty, **side)


def opening_account(code: str, lookups: OpeningLookups) -> Account:
    account = lookups.accounts.get(code)
    if account is None:
        raise sheets.RowError(_("tài khoản '%(code)s' không có trong hệ thống tài khoản.", code=code))
    if account.type not in ("asset", "liability"):
        raise sheets.RowError(_("tài khoản %(code)s (%(name)s) không có số dư đầu kỳ; chỉ nhập tài khoản "
                                "tiền, phải thu, hiện vật và phải trả.", code=account.code, name=account.name))
    return account


def row_amount(value) -> int:
    try:
        amount = sheets.cell_amount(value)
    except sheets.RowError:
        raise sheets.RowError(_("số tiền '%(value)s' không hợp lệ.", value=value)) from None
    if amount is None:
        raise sheets.RowError(_("thiếu số tiền."))
    if amount <= 0:
        raise sheets.RowError(_("số tiền '%(value)s' phải lớn hơn 0.", value=value))
    return amount


def with_fund_balance(lines: list[LineDraft]) -> list[LineDraft]:
    """Each fund's assets less liabilities go to its 421 (fund balance): the entry balances per fund."""
    net: dict[str, int] = defaultdict(int)
    for line in lines:
        net[line.fund] += line.debit - line.credit
    closing = [LineDraft(FUND_BALANCE, fund, credit=amount) if amount > 0
               else LineDraft(FUND_BALANCE, fund, debit=-amount) for fund, amount in sorted(net.items()) if amount]
    return [*lines, *closing]


def check_not_opened(units: list[Unit]) -> None:
    """A unit's opening balances go in once; to redo them, reverse the first entry."""
    opened = db.session.execute(
        select(Unit.name, Entry.number).join(Entry, Entry.unit_id == Unit.id)
        .join(Transaction, Entry.transaction_id == Transaction.id)
        .where(Transaction.kind == OPENING_KIND, Entry.unit_id.in_([u.id for u in units]),
               ~Entry.id.in_(select(Entry.reverses_id).where(Entry.reverses_id.is_not(None))))).first()
    if opened:
        raise Duplicate(_("%(unit)s đã nhập số dư đầu kỳ (%(number)s). Muốn nhập lại, hãy đảo bút toán đó trước.",
                          unit=opened[0], number=opened[1]))


def import_donors(unit: Unit, data: bytes, filename: str, *, by=None, progress: Progress | None = None) -> ImportResult:
    """New donors for the unit; a row that is already a donor (same phone, or name and address) is kept once."""
    table = sheets.locate(spreadsheets.read_rows(data, filename), DONOR_COLUMNS, ["name"],
                          {k: str(v) for k, v in DONOR_LABELS.items()})
    records = checked_rows(table, lambda row: donor_record(table, row), progress)
    result = ImportResult(rows=len(records))
    for record in records:
        if donors.find_matches(record, within=subtree_ids(unit)):  # a donor elsewhere is not this unit's
            result.existing += 1
            continue
        donors.create_donor(record, unit=unit, by=by)
        result.created += 1
    audit.record("import.donors", "unit", unit.code, by=by,
                 after={"file": filename, "rows": result.rows, "created": result.created})
    return result


def donor_record(table, row) -> dict:
    name = sheets.cell_text(table.value(row, "name"))
    kind = choice(table.value(row, "kind"), DONOR_KINDS, "individual", _("loại nhà hảo tâm"))
    if not name and kind != "anonymous":
        raise sheets.RowError(_("thiếu họ tên."))
    phone = sheets.cell_text(table.value(row, "phone"))
    digits = donors.normalise_phone(phone)
    if phone and not (digits and 9 <= len(digits) <= 11):
        raise sheets.RowError(_("số điện thoại '%(value)s' không hợp lệ.", value=phone))
    address = sheets.cell_text(table.value(row, "address")) or None
    return {"name": name, "kind": kind, "phone": digits, "address": address,
            "publish": choice(table.value(row, "publish"), PUBLISH, "full", _("cách công khai tên"))}


def choice(value, options: dict[str, str], default: str, label: str) -> str:
    key = sheets.fold(value)
    if not key:
        return default
    if key in options.values():
        return key  # the code itself: individual, initials …
    if key not in options:
        raise sheets.RowError(_("%(label)s '%(value)s' không hợp lệ.", label=label, value=value))
    return options[key]
