"""Donors (nhà hảo tâm): one record per real giver, found again by phone or by name and address.

How a donor is named in public follows the donor's own choice: full name, initials, or anonymous.
"""
import re

from sqlalchemy import func, or_, select

from ledger.accounts.treasury_models import Donor, Receipt
from ledger.core import audit
from ledger.core.errors import NotFound, ValidationFailed
from ledger.core.i18n import _
from ledger.core.text import fold
from ledger.extensions import db
from ledger.units.models import Unit
from ledger.units.services import subtree_ids

DONOR_FIELDS = ("name", "kind", "phone", "address", "publish", "is_native_abroad")


def name_key(text: str | None) -> str:
    """Lower-case, unaccented, single-spaced: "  Nguyễn  Văn An " → "nguyen van an"."""
    return fold(text or "")


def normalise_phone(phone: str | None) -> str | None:
    """Digits only, +84/84 written as the domestic 0: "+84 912.345.678" → "0912345678"."""
    digits = re.sub(r"\D", "", phone or "")
    if digits.startswith("84") and len(digits) >= 11:
        digits = "0" + digits[2:]
    return digits or None


def get_donor(donor_id) -> Donor:
    donor = db.session.get(Donor, int(donor_id)) if str(donor_id).isdigit() else None
    if donor is None:
        raise NotFound(_("Không có nhà hảo tâm mã %(id)s.", id=donor_id))
    return donor


def find_matches(data: dict) -> list[Donor]:
    """Donors that are probably this one: the same phone, or the same name at the same address."""
    conditions = []
    phone = normalise_phone(data.get("phone"))
    if phone:
        conditions.append(Donor.phone == phone)
    address = name_key(data.get("address"))
    if address and name_key(data.get("name")):
        # Addresses are compared the way names are; a name alone is too common to match on.
        candidates = select(Donor.id).where(Donor.name_key == name_key(data["name"]), Donor.address.is_not(None))
        same_address = [d for d in db.session.scalars(select(Donor).where(Donor.id.in_(candidates)))
                        if name_key(d.address) == address]
        conditions.append(Donor.id.in_([d.id for d in same_address]))
    if not conditions:
        return []
    return list(db.session.scalars(select(Donor).where(or_(*conditions)).order_by(Donor.id)))


def find_or_create_donor(data: dict, *, unit: Unit, by) -> Donor:
    """The donor named by {"id"}, else an existing twin (same phone, or name + address), else a new one."""
    if data.get("id") is not None:
        try:
            return get_donor(data["id"])
        except NotFound as exc:  # named in a request body: a field error, not a missing page
            raise ValidationFailed(exc.detail, field="donor") from None
    matches = find_matches(data)
    phone = normalise_phone(data.get("phone"))
    by_phone = [d for d in matches if phone and d.phone == phone]
    if matches:
        return (by_phone or matches)[0]
    return create_donor(data, unit=unit, by=by)


def create_donor(data: dict, *, unit: Unit, by) -> Donor:
    """A new donor even when a twin exists (the page's "this is another person" answer)."""
    name = " ".join((data.get("name") or "").split())
    kind = data.get("kind") or "individual"
    if not name:
        if kind != "anonymous":
            raise ValidationFailed(_("Cần ghi tên nhà hảo tâm."), field="donor")
        name = _("Nhà hảo tâm ẩn danh")
    donor = Donor(name=name, name_key=name_key(name), kind=kind, phone=normalise_phone(data.get("phone")),
                  address=" ".join((data.get("address") or "").split()) or None,
                  publish="anonymous" if kind == "anonymous" else data.get("publish") or "full",
                  is_native_abroad=bool(data.get("is_native_abroad")), unit=unit)
    db.session.add(donor)
    db.session.flush()
    audit.record("donor.create", "donor", donor.id, by=by, after=describe(donor))
    return donor


def describe(donor: Donor) -> dict:
    return {field: getattr(donor, field) for field in DONOR_FIELDS}


def initials(name: str) -> str:
    """"Trần Thị Bình" → "T. T. B."."""
    return " ".join(word[0].upper() + "." for word in name.split())


def display_name(donor: Donor | None) -> str:
    """The name the public sees, as the donor chose."""
    if donor is None or donor.kind == "anonymous" or donor.publish == "anonymous":
        return _("Nhà hảo tâm ẩn danh")
    if donor.publish == "initials":
        return initials(donor.name)
    return donor.name


def giving_history(donor: Donor) -> dict:
    """Every receipt from the donor, newest first, with the total and the totals per year."""
    receipts = list(db.session.scalars(select(Receipt).where(Receipt.donor_id == donor.id)
                                       .order_by(Receipt.dated_on.desc(), Receipt.id.desc())))
    by_year: dict[int, int] = {}
    for receipt in receipts:
        by_year[receipt.dated_on.year] = by_year.get(receipt.dated_on.year, 0) + receipt.amount
    return {"receipts": receipts, "total": sum(r.amount for r in receipts), "count": len(receipts),
            "by_year": sorted(by_year.items(), reverse=True)}


def giving_totals(donor: Donor) -> tuple[int, int]:
    """(total given, number of receipts)."""
    total, count = db.session.execute(select(func.coalesce(func.sum(Receipt.amount), 0), func.count(Receipt.id))
                                      .where(Receipt.donor_id == donor.id)).one()
    return int(total), int(count)


def list_donors(unit: Unit, *, query: str | None = None, limit=50, offset=0):
    """Donors first recorded in the unit's subtree or who gave there, optionally matching a name or phone."""
    inside = subtree_ids(unit)
    gave_here = select(Receipt.donor_id).where(Receipt.unit_id.in_(inside), Receipt.donor_id.is_not(None))
    stmt = select(Donor).where(or_(Donor.unit_id.in_(inside), Donor.id.in_(gave_here)))
    if query and query.strip():
        key, phone = name_key(query), normalise_phone(query)
        terms = [Donor.name_key.contains(key, autoescape=True)] if key else []
        if phone and len(phone) >= 3:
            terms.append(Donor.phone.contains(phone, autoescape=True))
        stmt = stmt.where(or_(*terms)) if terms else stmt
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    items = db.session.scalars(stmt.order_by(Donor.name_key, Donor.id).limit(limit).offset(offset)).all()
    return items, total
