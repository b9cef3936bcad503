"""Merging two records of one donor: every row that names the twin (receipts, pledges, twins merged into
it before) is re-pointed to the kept donor; the twin stays, empty, as `merged_into` history.

Once only: both rows are claimed (ledger.core.state), so of two merges of one twin the second gets 409.
The books are untouched: a receipt's donor is not part of any entry or balance.
"""
from sqlalchemy import or_, select, update

from ledger.accounts.treasury.models import Donor
from ledger.accounts.treasury.services.donors import current, describe, get_donor, matching, possible_twins
from ledger.core import audit
from ledger.core.db import utcnow
from ledger.core.errors import NotFound, ValidationFailed
from ledger.core.i18n import _
from ledger.core.state import claim
from ledger.extensions import db
from ledger.units.models import Unit
from ledger.units.services import subtree_ids


def donors_to_merge(unit: Unit, data: dict) -> tuple[Donor, Donor]:
    """(twin, kept) named by {"donor", "into"}: donors of the unit's subtree, else a field error."""
    return named(data["donor"], unit, "donor"), named(data["into"], unit, "into")


def named(donor_id, unit: Unit, field: str) -> Donor:
    try:
        return get_donor(donor_id, within=subtree_ids(unit))
    except NotFound as exc:  # named in a request body: a field error, not a missing page
        raise ValidationFailed(exc.detail, field=field) from None


def merge_donors(donor: Donor, into: Donor, *, by) -> dict:
    check_mergeable(donor, into)
    for record in sorted((donor, into), key=lambda d: d.id):  # one lock order: two crossed merges cannot deadlock
        claim(record, lambda d: d.merged_into_id is None, label=lambda _state: _("đã gộp vào nhà hảo tâm khác"))
    moved = repoint_references(donor.id, into.id)
    donor.merged_into, donor.merged_at = into, utcnow()
    db.session.flush()
    audit.record("donor.merge", "donor", donor.id, by=by, before={"merged_into": None},
                 after={"merged_into": into.id, "moved": moved})
    return {"donor": donor.id, "merged_into": into.id, "moved": moved}


def check_mergeable(donor: Donor, into: Donor) -> None:
    if donor.id == into.id:
        raise ValidationFailed(_("Không thể gộp một nhà hảo tâm vào chính họ."), field="into")
    # Whoever may read the twin must still read the donor its gifts go to: the same unit or one below it.
    if not into.unit.is_within(donor.unit):
        raise ValidationFailed(_("Chỉ gộp được vào nhà hảo tâm của %(unit)s hoặc của đơn vị cấp dưới.",
                                 unit=donor.unit.name), field="into")


def repoint_references(donor_id: int, into_id: int) -> dict[str, int]:
    """Every foreign key to donors.id, whatever feature holds it, moved from the twin to the kept donor:
    {table: rows moved}, tables with none left out."""
    moved = {}
    for table in db.metadata.sorted_tables:
        for key in table.foreign_keys:
            if key.column.table.name == Donor.__tablename__:
                column = key.parent
                count = db.session.execute(update(table).where(column == donor_id)
                                           .values({column.name: into_id})).rowcount
                if count:
                    moved[table.name] = count
    return moved


def merge_choices(donor: Donor, find: str = "") -> dict:
    """What the donor page offers: the donors `donor` may be merged into (those matching `find`, else its
    likely twins), and the records merged into it before."""
    merged_from = list(db.session.scalars(select(Donor).where(Donor.merged_into_id == donor.id)
                                          .order_by(Donor.merged_at, Donor.id)))
    if donor.merged_into_id is not None or donor.unit is None:
        return {"candidates": [], "merged_from": merged_from, "find": find}
    below = subtree_ids(donor.unit)  # where the kept donor may be (check_mergeable)
    terms = matching(find) if find.strip() else []
    found = (db.session.scalars(current(select(Donor).where(Donor.unit_id.in_(below), or_(*terms)))
                                .order_by(Donor.name_key, Donor.id).limit(20)) if terms
             else possible_twins(describe(donor), within=below))
    return {"candidates": [d for d in found if d.id != donor.id], "merged_from": merged_from, "find": find}
