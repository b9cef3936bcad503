"""Cancelling a voucher (hủy phiếu): the reversal of its entry, made through the books' one reversal.

A voucher is cancelled when the books hold that reversal, however it was made (here or from the
journal entry's page), so every page, list, PDF and API answer reads the mark from the books.
"""
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import aliased

from ledger.accounts.models import Entry
from ledger.accounts.services import reverse_entry
from ledger.accounts.treasury.models import Disbursement, Receipt
from ledger.core import audit, permissions
from ledger.core.dates import vn_today
from ledger.core.errors import InvalidState, ValidationFailed
from ledger.core.i18n import _
from ledger.extensions import db


def cancel_voucher(document: Receipt | Disbursement, reason: str, *, on: date | None = None, by) -> Entry:
    """Reverse the voucher's transaction (all its books), dated `on` or today; a second cancel is 409."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationFailed(field="reason", message=_("Cần ghi lý do hủy phiếu."))
    entry = own_entry(document)
    if entry is None:
        raise InvalidState(_("Phiếu chi chưa duyệt nên chưa ghi sổ: không có gì để hủy (người duyệt từ chối phiếu)."))
    reversal = reverse_entry(entry, on=on or max(vn_today(), document.dated_on), reason=reason, by=by)
    kind = "receipt" if isinstance(document, Receipt) else "disbursement"
    audit.record(f"{kind}.cancel", kind, document.id, by=by,
                 after={"number": document.number, "reason": reason, "reversal": reversal.number})
    return reversal


def own_entry(document: Receipt | Disbursement) -> Entry | None:
    """The voucher's entry in its own unit's books (a receipt collected on behalf has others too)."""
    if document.transaction is None:
        return None
    return next((e for e in document.transaction.entries if e.unit_id == document.unit_id), None)


def cancellation(document: Receipt | Disbursement) -> Entry | None:
    """The reversal that cancelled the voucher, or None (the books' own link, Entry.reversed_by)."""
    entry = own_entry(document)
    return entry.reversed_by if entry is not None else None


def cancellations_of(documents) -> dict[int, Entry]:
    """Voucher id → the reversal of its own entry, for a list of vouchers of one kind in one query."""
    keys = {(d.transaction_id, d.unit_id): d.id for d in documents if d.transaction_id is not None}
    if not keys:
        return {}
    original = aliased(Entry)
    rows = db.session.execute(select(original.transaction_id, original.unit_id, Entry)
                              .join(original, Entry.reverses_id == original.id)
                              .where(original.transaction_id.in_({tx_id for tx_id, _unit in keys})))
    return {keys[(tx_id, unit_id)]: reversal for tx_id, unit_id, reversal in rows if (tx_id, unit_id) in keys}


def may_cancel(user, document: Receipt | Disbursement) -> bool:
    """Cancelling writes to every book the voucher wrote to: the user must be able to post in each."""
    entries = document.transaction.entries if document.transaction else []
    return bool(entries) and all(permissions.allowed(user, "post", entry.unit) for entry in entries)


def require_cancel(user, document: Receipt | Disbursement) -> None:
    permissions.require_each(user, "post", [entry.unit for entry in document.transaction.entries]
                             if document.transaction else [document.unit])
