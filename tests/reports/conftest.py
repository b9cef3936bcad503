"""Books for statement tests: province SL with commune SL-X01 and its branch SL-B1; the first quarter
of 2026 has donations, a payment and money collected on behalf; helpers close books and pay awards.
"""
from datetime import date

import pytest

from ledger.extensions import db

OPENING = [("111", "QKH", 10_000_000, 0), ("421", "QKH", 0, 10_000_000)]


@pytest.fixture
def tree(make_unit, make_fund):
    make_unit("SL", level="province", name="Hội Khuyến học tỉnh Sơn La")
    make_unit("SL-X01", level="commune", parent="SL", name="Hội Khuyến học xã Mường Bú")
    make_unit("SL-B1", level="branch", parent="SL-X01", name="Chi hội bản Nà Ban")
    make_fund("QKH", owner="SL", name="Quỹ khuyến học tỉnh Sơn La")
    make_fund("TOHIEU", owner="SL", kind="restricted", pooled=True, regime="charity_fund",
              name="Quỹ học bổng Tô Hiệu")


@pytest.fixture
def people(make_user):
    """A treasurer and an approver over the province (maker and checker are different people)."""
    return {"treasurer": make_user("thuquy", roles=[("SL", "treasurer")]),
            "approver": make_user("chutich", roles=[("SL", "approver")])}


@pytest.fixture
def receive(app, people):
    """receive(unit, amount, donor={...}, fund=, on=, category=) → a posted receipt."""
    from ledger.accounts.treasury.services.receipts import record_receipt
    from ledger.units.services import get_unit

    def make(unit, amount, *, donor=None, fund="QKH", on=date(2026, 2, 10), category="donation", **extra):
        receipt = record_receipt(get_unit(unit), {
            "date": on, "amount": amount, "method": "cash", "fund": fund, "category": category,
            "donor": donor or {"name": "Nguyễn Văn An", "kind": "individual", "publish": "full"}, **extra},
            by=people["treasurer"])
        db.session.commit()
        return receipt
    return make


@pytest.fixture
def pay(app, people):
    """pay(unit, amount, category=, fund=, on=) → a posted disbursement."""
    from ledger.accounts.treasury.services.disbursements import record_approved_disbursement
    from ledger.units.services import get_unit

    def make(unit, amount, *, category="award", fund="QKH", on=date(2026, 3, 5), payee="Trường THCS Mường Bú"):
        disbursement = record_approved_disbursement(get_unit(unit), {
            "date": on, "amount": amount, "method": "cash", "fund": fund, "category": category,
            "payee": {"name": payee}}, by=people["treasurer"], approved_by=people["approver"])
        db.session.commit()
        return disbursement
    return make


@pytest.fixture
def close(app):
    """close("SL", "SL-X01", through=date) → books closed through that date in each unit."""
    from ledger.accounts.services import close_books
    from ledger.units.services import get_unit

    def make(*codes, through=date(2026, 3, 31)):
        for code in codes:
            close_books(get_unit(code), through)
        db.session.commit()
    return make


@pytest.fixture
def quarter(tree, post, receive, pay):
    """Q1 2026: an opening balance, three donors (full, initials, anonymous), an award, thu hộ at the branch."""
    post("SL", OPENING, on=date(2026, 1, 2))
    receive("SL", 5_000_000, donor={"name": "Công ty Cổ phần Sông Đà", "kind": "business", "publish": "full"})
    receive("SL", 2_000_000, donor={"name": "Trần Thị Bình", "kind": "individual", "publish": "initials"})
    receive("SL", 1_000_000, donor={"name": "Lò Văn Ẩn", "kind": "individual", "publish": "anonymous"})
    receive("SL-B1", 3_000_000, fund="TOHIEU", donor={"name": "Dòng họ Cầm", "kind": "clan", "publish": "full"})
    receive("SL", 4_000_000, fund="TOHIEU", donor={"name": "Ngân hàng Nông nghiệp", "kind": "business",
                                                   "publish": "full"})
    pay("SL", 1_500_000, category="award")
    pay("SL", 200_000, category="operations", fund="TOHIEU")


@pytest.fixture
def publisher(api_as):
    """An approver over the whole tree through the API."""
    return api_as(("VN", "approver"), ("VN", "treasurer"))


CHILDREN = [  # what the nominator records; what may be published is decided by publish_consent
    {"full_name": "Trần Thị Bình", "date_of_birth": "2013-04-17", "student_code": "HS-SL-2013-0417",
     "school": "Trường THCS Mường Bú", "grade": 7, "phone": "0912345678", "consent": False},
    {"full_name": "Lò Văn Hải", "date_of_birth": "2016-09-02", "student_code": "HS-SL-2016-0902",
     "school": "Trường Tiểu học Nà Ban", "grade": 4, "phone": "0987654321", "consent": False},
    {"full_name": "Cầm Thị Thu", "date_of_birth": "2009-01-23", "student_code": "HS-SL-2009-0123",
     "school": "Trường THPT Mai Sơn", "grade": 11, "phone": "0977111222", "consent": True},
]


@pytest.fixture
def awards(quarter, api_as):
    """A program of SL paid in March 2026 to the three CHILDREN (one consented to publish the name)."""
    admin = api_as(("VN", "admin"))
    decider = api_as(("VN", "approver"))
    program = {"code": "HB-SL", "name": "Học bổng vượt khó", "owner_unit": "SL", "fund": "QKH",
               "award_amount": 1_000_000, "rules": {"all": [{"field": "grade", "gte": 1}]}, "scoring": {}}
    assert admin.post("/scholarships/programs", json=program).status_code == 201
    round_id = admin.post("/scholarships/programs/HB-SL/rounds", json={
        "school_year": "2025-2026", "budget": 3_000_000, "quota": 3, "nominations_close_on": "2026-12-31"}).json["id"]
    for child in CHILDREN:
        student = {"full_name": child["full_name"], "date_of_birth": child["date_of_birth"], "gender": "female",
                   "student_code": child["student_code"], "school": child["school"], "grade": child["grade"],
                   "household_status": "poor", "orphan": "none", "disability": False, "ethnic_minority": True,
                   "academic_result": "tot", "conduct": "tot", "prizes": [], "publish_consent": child["consent"],
                   "guardian_phone": child["phone"], "address": "Bản Nà Ban, xã Mường Bú"}
        r = admin.post(f"/scholarships/rounds/{round_id}/candidates",
                       json={"nominated_by": "SL-X01", "student": student})
        assert r.status_code == 201, r.json
    decided = decider.post(f"/scholarships/rounds/{round_id}/decide",
                           json={"decision_number": "12/QĐ-KH", "decided_on": "2026-03-01"})
    assert decided.status_code == 200, decided.json
    for award in decided.json["awards"]:
        paid = admin.post(f"/scholarships/awards/{award['id']}/pay", json={"date": "2026-03-15", "method": "cash"})
        assert paid.status_code == 201, paid.json
    return CHILDREN
