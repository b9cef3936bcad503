"""Donors (nhà hảo tâm): one record per real giver, found again by phone or by name and address.

A donor belongs to the unit that first recorded it: it is found, named on a gift or shown only to
those who may read that unit (README, "Design notes"). `within` is the subquery of unit ids a caller
may see (`readable_units`); None is code acting for itself (demo data, the CLI without --user).

How a donor is named in public follows the donor's own choice: full name, initials, or anonymous.
"""
import re

from sqlalchemy import false, func, or_, select

from ledger.accounts.treasury.models import Donor, Receipt
from ledger.core import audit, group_commit, permissions
from ledger.core.errors import NotFound, ValidationFailed
from ledger.core.i18n import _
from ledger.core.inputs import parse_id
from ledger.core.text import fold
from ledger.extensions import db
from ledger.units.models import Unit
from ledger.units.services import ancestors, subtree_filter, subtree_ids

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


def readable_units(user):
    """The ids of the units the user may read (the subtrees of their grants), as one subquery."""
    if user is None:
        return select(Unit.id).where(false())
    # Any role reads; for a grant without a unit, visible_roots already answers every root.
    paths = [root.path for root in permissions.visible_roots(user)]
    return select(Unit.id).where(or_(false(), *(subtree_filter(path) for path in paths)))


def attach_scope(by):
    """Units whose donors a gift or pledge recorded by `by` may name: those `by` may read."""
    return None if by is None else readable_units(by)


def inside(stmt, within, column=Donor.unit_id):
    return stmt if within is None else stmt.where(column.in_(within))


def get_donor(donor_id, *, within) -> Donor:
    """A donor of a unit `within` the caller's reach; any other id is missing, with the same answer."""
    number = parse_id(donor_id)
    donor = db.session.scalar(inside(select(Donor).where(Donor.id == number), within)) if number else None
    if donor is None:
        raise NotFound(_("Không có nhà hảo tâm mã %(id)s.", id=donor_id))
    return donor


def current(stmt):
    """Only donors still in use: a twin merged into another is history."""
    return stmt.where(Donor.merged_into_id.is_(None))


def find_matches(data: dict, *, within) -> list[Donor]:
    """Donors `within` reach that are probably this one: the same phone, or the same name at the same address."""
    conditions = []
    phone = normalise_phone(data.get("phone"))
    if phone:
        conditions.append(Donor.phone == phone)
    address = name_key(data.get("address"))
    if address and name_key(data.get("name")):
        # Addresses are compared the way names are; a name alone is too common to match on.
        candidates = inside(select(Donor).where(Donor.name_key == name_key(data["name"]),
                                                Donor.address.is_not(None)), within)
        same_address = [d.id for d in db.session.scalars(candidates) if name_key(d.address) == address]
        conditions.append(Donor.id.in_(same_address))
    if not conditions:
        return []
    return list(db.session.scalars(current(inside(select(Donor).where(or_(*conditions)), within)).order_by(Donor.id)))


def possible_twins(data: dict, *, within) -> list[Donor]:
    """What the receipt page asks about before saving a new donor: find_matches, and the same name alone.

    A name alone is too common for the API to reuse a donor silently, but a person answering the
    question can tell; the same name typed three times would otherwise make three donors.
    """
    found = {d.id: d for d in find_matches(data, within=within)}
    key = name_key(data.get("name"))
    if key:
        same_name = current(inside(select(Donor).where(Donor.name_key == key), within))
        found.update({d.id: d for d in db.session.scalars(same_name.order_by(Donor.id).limit(10))})
    return sorted(found.values(), key=lambda d: d.id)


def find_or_create_donor(data: dict, *, unit: Unit, by) -> Donor:
    """The donor named by {"id"}, else a twin (same phone, or name + address), else a new one of the unit.

    Only donors `by` may read are named or found again: an id of another subtree is refused like an
    unknown one, and a phone or name known only there makes a new donor here.
    """
    within = attach_scope(by)
    if data.get("id") is not None:
        try:
            return kept(get_donor(data["id"], within=within))
        except NotFound as exc:  # named in a request body: a field error, not a missing page
            raise ValidationFailed(exc.detail, field="donor") from None
    matches = find_matches(data, within=within)
    phone = normalise_phone(data.get("phone"))
    by_phone = [d for d in matches if phone and d.phone == phone]
    if matches:
        return (by_phone or matches)[0]
    return create_donor(data, unit=unit, by=by)


def kept(donor: Donor) -> Donor:
    """The donor that gifts named to `donor` now go to: itself, or the one it was merged into."""
    return donor.merged_into or donor


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
    group_commit.flush()  # in a group commit, one INSERT for the group's new donors
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


def giving_history(donor: Donor, *, within) -> dict:
    """The donor's receipts in units `within` reach, newest first, with the total and the totals per year."""
    receipts = list(db.session.scalars(inside(select(Receipt).where(Receipt.donor_id == donor.id), within,
                                              Receipt.unit_id).order_by(Receipt.dated_on.desc(), Receipt.id.desc())))
    by_year: dict[int, int] = {}
    for receipt in receipts:
        by_year[receipt.dated_on.year] = by_year.get(receipt.dated_on.year, 0) + receipt.amount
    return {"receipts": receipts, "total": sum(r.amount for r in receipts), "count": len(receipts),
            "by_year": sorted(by_year.items(), reverse=True)}


class DonorDetail:
    """A donor with what they gave in the units `within` reach (GET /donors/{id})."""

    def __init__(self, donor: Donor, *, within):
        self.donor = donor
        self.total_given, self.receipts_count = giving_totals(donor, within=within)

    def __getattr__(self, name):
        return getattr(self.donor, name)


def giving_totals(donor: Donor, *, within) -> tuple[int, int]:
    """(total given, number of receipts) in the units `within` reach."""
    stmt = (select(func.coalesce(func.sum(Receipt.amount), 0), func.count(Receipt.id))
            .where(Receipt.donor_id == donor.id))
    total, count = db.session.execute(inside(stmt, within, Receipt.unit_id)).one()
    return int(total), int(count)


def list_donors(unit: Unit, *, query: str | None = None, limit=50, offset=0):
    """Donors recorded in the unit's subtree, optionally matching a name or phone.

    A donor of another subtree is not listed even where an older receipt here names it: the caller
    may not be allowed to read it.
    """
    stmt = current(select(Donor).where(Donor.unit_id.in_(subtree_ids(unit))))
    terms = matching(query)
    stmt = stmt.where(or_(*terms)) if terms else stmt
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    items = db.session.scalars(stmt.order_by(Donor.name_key, Donor.id).limit(limit).offset(offset)).all()
    return items, total


def matching(*queries: str | None) -> list:
    """Conditions for donors whose name contains a query however it is accented, or whose phone contains its digits."""
    terms = []
    for query in queries:
        key, phone = name_key(query), normalise_phone(query)
        terms += [Donor.name_key.contains(key, autoescape=True)] if key else []
        terms += [Donor.phone.contains(phone, autoescape=True)] if phone and len(phone) >= 3 else []
    return terms


def lookup_donors(unit: Unit, *queries: str | None, within, limit=10) -> list[Donor]:
    """Donors a receipt of `unit` may name that match what was typed (a name without diacritics, a phone):
    those of the unit, the units below it and the levels above, within the caller's reach."""
    terms = matching(*(q for q in queries if q and len(q.strip()) >= 2))
    if not terms:
        return []
    around = select(Unit.id).where(or_(Unit.id.in_(subtree_ids(unit)), Unit.id.in_([u.id for u in ancestors(unit)])))
    stmt = current(inside(select(Donor).where(Donor.unit_id.in_(around), or_(*terms)), within))
    return list(db.session.scalars(stmt.order_by(Donor.name_key, Donor.id).limit(limit)))
