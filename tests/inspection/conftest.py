"""A province P with a commune C (receipts in its books) and another province Q; the board holds "auditor" on P."""
import pytest

from ledger.core.dates import vn_today

DONOR = {"name": "Lò Văn Pọm", "kind": "individual", "publish": "full"}


@pytest.fixture
def books(make_unit, make_fund, api_as):
    """(admin api, receipt id in C, receipt id in Q): vouchers recorded through the API as the admin."""
    make_unit("P", level="province")
    make_unit("C", level="commune", parent="P")
    make_unit("Q", level="province")
    make_fund("QP", owner="P")
    make_fund("QQ", owner="Q")
    admin = api_as(("VN", "admin"))
    ids = []
    for unit, fund in (("C", "QP"), ("Q", "QQ")):
        response = admin.post(f"/units/{unit}/receipts", json={
            "date": vn_today().isoformat(), "amount": 500_000, "method": "cash", "fund": fund,
            "category": "donation", "donor": DONOR})
        assert response.status_code == 201, response.json
        ids.append(response.json["id"])
    return admin, ids[0], ids[1]


PLAN = {"period_start": "2026-01-01", "period_end": "2026-12-31", "scheduled_on": "2027-01-15",
        "scope": "Thu, chi quỹ khuyến học năm 2026", "members": "Lò Văn Tâm (trưởng ban), Cầm Thị Hoa"}
FINDING = {"severity": "medium", "description": "Phiếu thu thiếu chữ ký người nộp tiền.",
           "follow_up": "Bổ sung chữ ký, báo cáo lại ban kiểm tra.", "due_on": "2027-02-15"}
