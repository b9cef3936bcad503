"""Finding a known donor from the receipt form, and merging two records of one donor from the donor page.

The lookup answers JSON to the form's script and, without JavaScript, the form's "Tìm" button shows the
same matches in the page. These views join the treasury blueprint (its init_app imports this module).
"""
from flask import g, jsonify, request, url_for

from ledger.accounts.idempotency import form_post
from ledger.accounts.treasury import schemas
from ledger.accounts.treasury.routes import LABELS, donor_page, receipt_new, saved, shown_again, treasury_pages
from ledger.accounts.treasury.services import donor_merge, donors
from ledger.auth.routes import login_required
from ledger.core.edge import refusable
from ledger.core.errors import ValidationFailed
from ledger.core.i18n import _
from ledger.units.access import unit_for

QUERY_LENGTH = 100


@treasury_pages.get("/units/<code>/donors/lookup")
@login_required
def donor_lookup(code):
    """Donors a receipt of the unit may name matching ?q= (a name typed with or without diacritics, a phone)."""
    unit = unit_for(code, "read")
    queries = [q[:QUERY_LENGTH] for q in request.args.getlist("q")[:2]]
    found = donors.lookup_donors(unit, *queries, within=donors.attach_scope(g.user))
    return jsonify({"items": [lookup_item(donor) for donor in found]})


def lookup_item(donor) -> dict:
    return {"id": donor.id, "name": donor.name, "phone": donor.phone, "address": donor.address,
            "kind": str(LABELS["kind"][donor.kind]), "unit": donor.unit.name if donor.unit else None}


@treasury_pages.post("/units/<code>/receipts/find")
@login_required
def receipt_find(code):
    """The receipt form's search step: the form again with what was typed, and the donors it matches to pick."""
    unit = unit_for(code, "post")
    typed = [(request.form.get(field) or "")[:QUERY_LENGTH] for field in ("donor_name", "donor_phone")]
    return receipt_new(code, found=donors.lookup_donors(unit, *typed, within=donors.attach_scope(g.user)))


@treasury_pages.post("/units/<code>/donors/merge")
@login_required
@form_post
def donor_merge_save(code):
    unit = unit_for(code, "setup")
    back = shown_again(donor_page, donor_id=request.form.get("donor", ""))
    return refusable(lambda: merge(unit), back)


def merge(unit):
    data = schemas.load_form(schemas.DonorMergeIn, {"donor": request.form.get("donor"),
                                                    "into": request.form.get("into")})
    if request.form.get("confirm") != "1":  # a merge cannot be undone: the page asks for a tick
        raise ValidationFailed(field="confirm", message=_("Cần đánh dấu xác nhận đây là cùng một nhà hảo tâm."))
    donor, into = donor_merge.donors_to_merge(unit, data)
    moved = donor_merge.merge_donors(donor, into, by=g.user)["moved"]
    return saved(url_for("treasury.donor_page", donor_id=into.id), _(
        "Đã gộp %(donor)s vào %(into)s: %(receipts)s phiếu thu và %(pledges)s cam kết đã chuyển sang.",
        donor=donor.name, into=into.name, receipts=moved.get("receipts", 0), pledges=moved.get("pledges", 0)))
