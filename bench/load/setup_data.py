"""Prepare a database for the receipt load benchmark: a commune with 16 branches (one per client,
so postings do not queue on one unit's chain), a fund, a treasurer with an API token, one donor.

Writes the plan (token, unit codes, fund, donor id) as JSON to the path given on the command line.
"""
import json
import sys

from ledger import create_app
from ledger.accounts import services as accounts
from ledger.accounts.treasury.services import donors
from ledger.auth import services as auth
from ledger.extensions import db
from ledger.setup import initialise
from ledger.units import services as units

BRANCHES = 16


def main(out_path: str) -> None:
    app = create_app()
    with app.app_context():
        initialise("admin", "bench-admin-password", "Quản trị")
        units.create_unit({"code": "BENCH-P", "name": "Tỉnh thử tải", "level": "province", "parent": "VN"})
        units.create_unit({"code": "BENCH-C", "name": "Xã thử tải", "level": "commune", "parent": "BENCH-P"})
        codes = [f"BENCH-B{i:02d}" for i in range(BRANCHES)]
        for code in codes:
            units.create_unit({"code": code, "name": f"Chi hội thử tải {code[-2:]}", "level": "branch",
                               "parent": "BENCH-C"})
        accounts.create_fund({"code": "QKH-BENCH", "name": "Quỹ khuyến học thử tải", "owner_unit": "BENCH-C",
                              "kind": "unrestricted"})
        user = auth.create_user({"username": "thuquy.bench", "password": "bench-password", "full_name": "Thủ quỹ"})
        auth.grant_role(user, units.get_unit("BENCH-C"), "treasurer")
        donor = donors.create_donor({"name": "Nhà hảo tâm thử tải", "kind": "individual", "publish": "full"},
                                    unit=units.get_unit("BENCH-C"), by=user)
        token = auth.issue_token(user, days=1)
        db.session.commit()
        plan = {"token": token, "units": codes, "fund": "QKH-BENCH", "donor_id": donor.id}
    with open(out_path, "w", encoding="utf-8") as handle:
        json.dump(plan, handle)


if __name__ == "__main__":
    main(sys.argv[1])
