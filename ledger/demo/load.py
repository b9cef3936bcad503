"""`ledger demo`: a realistic, idempotent demo database built from the seed plans' places.

The base (places.py: units, users, funds) first, then each feature's own step, in an order where each
finds what it needs: the treasurer's documents, members and dues, campaigns, scholarships, the learning
society's registry and cycle, the yearly plans (with targets handed down), the transparency and emulation
reports (they close books and freeze the plans' progress), and last the bank details and a statement to
reconcile.
"""
from sqlalchemy import select

from ledger.accounts.banking import demo as banking_demo
from ledger.accounts.campaigns import demo as campaigns_demo
from ledger.accounts.community import demo as community_demo
from ledger.accounts.treasury import demo as treasury_demo
from ledger.core.edge import unit_of_work
from ledger.demo.places import (
    BINH_LU,
    BO_DE,
    BRANCHES,
    PASSWORD,
    USERS,
    commune,
    ensure_funds,
    ensure_unit,
    ensure_user,
)
from ledger.extensions import db
from ledger.inspection import demo as inspection_demo
from ledger.learning import demo as learning_demo
from ledger.learning.plans import demo as plans_demo
from ledger.reports import demo as reports_demo
from ledger.scholarships import demo as scholarships_demo
from ledger.setup import initialise
from ledger.units import divisions
from ledger.units import services as units
from ledger.units.models import Unit

DEMO_STEPS = (treasury_demo.load, community_demo.load, campaigns_demo.load, scholarships_demo.load,
              learning_demo.load, plans_demo.load, reports_demo.load, banking_demo.load,
              inspection_demo.load)


@unit_of_work
def load_demo() -> str:
    """The whole demo in one unit of work: a database either has all of it or none of the new part."""
    initialise("admin", PASSWORD, "Quản trị hệ thống")
    for province in ("Sơn La", "Lai Châu", "Hà Nội"):
        divisions.import_province(province)
    ctx = {"units": {BINH_LU: commune(BINH_LU), BO_DE: commune(BO_DE), "SL": units.get_unit("SL")}}
    for commune_name, branches in BRANCHES.items():
        for code, name in branches:
            ensure_unit(code, name, "branch", ctx["units"][commune_name].code)
    ctx["users"] = {name: ensure_user(name, full, ctx["units"].get(where) or units.get_unit(where), role)
                    for name, full, where, role in USERS}
    ctx["funds"] = ensure_funds(ctx["units"])
    for step in DEMO_STEPS:  # each feature's data, in the order they build on each other
        step(ctx)
        db.session.flush()
    count = db.session.scalar(select(db.func.count(Unit.id)))
    return f"Dữ liệu mẫu sẵn sàng: {count} đơn vị, {len(ctx['funds'])} quỹ."
