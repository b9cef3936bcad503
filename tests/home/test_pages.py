"""The "Việc cần làm" home: signing in lands there; each role sees only what it may act on in its subtree,
counted per unit, with a link; nothing waiting says so."""
from datetime import date

from ledger.accounts.treasury.services.disbursements import create_disbursement
from ledger.core.dates import vn_today
from ledger.extensions import db
from ledger.units.services import get_unit

DONOR = {"name": "Lò Văn Pọm", "kind": "individual", "publish": "full"}


def pending_payment(api, unit, fund):
    response = api.post(f"/units/{unit}/disbursements", json={
        "date": vn_today().isoformat(), "amount": 100_000, "method": "cash", "fund": fund, "category": "other",
        "payee": {"name": "Cửa hàng sách"}})
    assert response.status_code == 201, response.json


def test_the_approver_sees_payments_to_approve_in_the_subtree_only(make_unit, make_fund, api_as, page_as):
    make_unit("P", level="province")
    make_unit("C", level="commune", parent="P")
    make_unit("Q", level="province")
    make_fund("QP", owner="P")
    make_fund("QQ", owner="Q")
    treasurer = api_as(("VN", "treasurer"))
    for unit, fund in (("C", "QP"), ("C", "QP"), ("Q", "QQ")):
        pending_payment(treasurer, unit, fund)
    approver = page_as(("P", "approver"))
    assert approver.get("/").headers["Location"].endswith("/todo")
    home = approver.get("/todo")
    assert "Phiếu chi chờ duyệt" in home.text
    assert '<a href="/units/C/approvals">Đơn vị C</a>' in home.text and "Đơn vị Q" not in home.text
    assert '<span class="count">2</span>' in home.text


def test_a_maker_is_not_asked_to_approve_their_own_payment(make_unit, make_fund, page_as):
    make_unit("P", level="province")
    make_fund("QP", owner="P")
    maker, other = page_as(("P", "admin")), page_as(("P", "approver"))
    create_disbursement(get_unit("P"), {"date": vn_today(), "amount": 100_000, "method": "cash", "fund": "QP",
                                        "category": "other", "payee": {"name": "Cửa hàng sách"}}, by=maker.user)
    db.session.commit()
    assert "Phiếu chi chờ duyệt" not in maker.get("/todo").text
    assert "Phiếu chi chờ duyệt" in other.get("/todo").text


def test_nothing_waiting_is_said_kindly(page_as, make_unit):
    make_unit("P", level="province")
    home = page_as(("P", "viewer")).get("/todo")
    assert home.status_code == 200 and "Hiện không có việc gì chờ bạn." in home.text


def test_the_treasurer_sees_months_to_close_and_findings_to_answer(make_unit, make_fund, post, api_as, page_as):
    make_unit("P", level="province")
    make_unit("C", level="commune", parent="P")
    make_fund("QP", owner="P")
    post("C", [("111", "QP", 1000, 0), ("511", "QP", 0, 1000)], on=date(2026, 1, 10))
    board = api_as(("P", "auditor"))
    inspection = board.post("/units/C/inspections", json={
        "period_start": "2026-01-01", "period_end": "2026-06-30", "scheduled_on": "2026-07-15",
        "scope": "Thu, chi", "members": "Lò Văn Tâm"}).json
    board.post(f"/inspections/{inspection['id']}/findings",
               json={"severity": "high", "description": "Thiếu sổ quỹ", "follow_up": "Lập sổ quỹ"})
    home = page_as(("C", "treasurer")).get("/todo").text
    assert "Kết luận kiểm tra chờ đơn vị trả lời" in home and '<a href="/units/C/inspections">' in home
    assert "Tháng chưa khóa sổ" in home and '<a href="/units/C/close">' in home
    board_home = page_as(("P", "auditor")).get("/todo").text
    assert "Kết luận kiểm tra chờ đơn vị trả lời" not in board_home  # the board does not answer


def test_charity_fund_disclosures_owed_are_counted_per_unit_and_flagged_late(make_unit, make_fund, page_as):
    """Reports' calendar, as one grouped query: ended quarters and years of the regime with no published statement
    since the fund existed; late past the due day (30 days after a quarter); a published period drops out."""
    from datetime import UTC, datetime

    from ledger.home.services import tasks_for
    from ledger.reports.models import FundStatement

    make_unit("P", level="province")
    make_unit("C", level="commune", parent="P")
    make_unit("Q", level="province")
    make_fund("TH", owner="P", regime="charity_fund").created_at = datetime(2025, 6, 10, tzinfo=UTC)
    make_fund("TC", owner="C", regime="charity_fund").created_at = datetime(2026, 2, 1, tzinfo=UTC)
    make_fund("QP", owner="P")  # an association fund owes nothing
    make_fund("TQ", owner="Q", regime="charity_fund").created_at = datetime(2025, 1, 1, tzinfo=UTC)
    db.session.commit()
    treasurer = page_as(("P", "treasurer"))

    def owed(today):
        return {task.unit.code: (task.count, task.late) for task in tasks_for(treasurer.user, today)
                if task.kind == "publish_disclosures"}

    # Q2–Q4 2025, Q1 2026 and the year 2025 for P; only Q1 2026, not yet due, for C; Q is not this user's
    assert owed(date(2026, 4, 10)) == {"P": (5, True), "C": (1, False)}
    assert owed(date(2026, 5, 20))["C"] == (1, True)
    db.session.add(FundStatement(unit=get_unit("C"), period_start=date(2026, 1, 1), period_end=date(2026, 3, 31),
                                 status="published", version=1, canonical="{}", hash="0" * 64,
                                 published_at=datetime(2026, 4, 20, tzinfo=UTC)))
    db.session.commit()
    assert "C" not in owed(date(2026, 5, 20))
    home = treasurer.get("/todo").text
    assert "Quỹ từ thiện: kỳ công khai đến hạn chưa công bố" in home and 'href="/units/P/statements"' in home
