"""Inspections through the API: the board plans and records findings on a voucher of the inspected unit, the
unit answers, the board closes; states change once and the books are never written."""
from sqlalchemy import func, select

from ledger.accounts.models import Entry
from ledger.core.audit import AuditEvent
from ledger.extensions import db
from tests.inspection.conftest import FINDING, PLAN


def planned(board, unit="C"):
    response = board.post(f"/units/{unit}/inspections", json=PLAN)
    assert response.status_code == 201, response.json
    return response.json


def test_the_board_plans_records_the_unit_answers_and_the_board_closes(books, api_as):
    _admin, receipt_id, _other = books
    board, treasurer = api_as(("P", "auditor")), api_as(("C", "treasurer"))
    entries_before = db.session.scalar(select(func.count(Entry.id)))
    inspection = planned(board)
    assert (inspection["unit"], inspection["period_end"], inspection["findings"]) == ("C", "2026-12-31", [])

    finding = board.post(f"/inspections/{inspection['id']}/findings", json={**FINDING, "receipt_id": receipt_id})
    assert finding.status_code == 201, finding.json
    assert (finding.json["receipt_id"], finding.json["status"], finding.json["due_on"]) == \
        (receipt_id, "open", "2027-02-15")

    answered = treasurer.post(f"/findings/{finding.json['id']}/answer", json={"answer": "Đã bổ sung chữ ký."})
    assert (answered.status_code, answered.json["status"], answered.json["answer"]) == \
        (200, "answered", "Đã bổ sung chữ ký.")
    closed = board.post(f"/findings/{finding.json['id']}/close", json={"note": "Đạt"})
    assert (closed.status_code, closed.json["status"], closed.json["closing_note"]) == (200, "closed", "Đạt")

    again = board.post(f"/findings/{finding.json['id']}/close", json={})
    assert (again.status_code, again.json["code"]) == (409, "invalid_state")
    late = treasurer.post(f"/findings/{finding.json['id']}/answer", json={"answer": "Thêm"})
    assert (late.status_code, late.json["code"]) == (409, "invalid_state")

    read = treasurer.get(f"/inspections/{inspection['id']}").json
    assert [f["status"] for f in read["findings"]] == ["closed"]
    assert db.session.scalar(select(func.count(Entry.id))) == entries_before  # read-only on the books
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.object_type.in_(
        ("inspection", "finding"))).order_by(AuditEvent.id)).all()
    assert actions == ["inspection.create", "finding.create", "finding.answer", "finding.close"]


def test_a_finding_points_only_at_the_inspected_units_own_vouchers(books, api_as):
    _admin, receipt_id, foreign_receipt = books
    board = api_as(("VN", "auditor"))
    inspection = planned(board)
    elsewhere = board.post(f"/inspections/{inspection['id']}/findings", json={**FINDING, "receipt_id": foreign_receipt})
    assert (elsewhere.status_code, elsewhere.json["code"]) == (422, "validation")
    assert "receipt_id" in elsewhere.json["errors"]
    both = board.post(f"/inspections/{inspection['id']}/findings",
                      json={**FINDING, "receipt_id": receipt_id, "entry_id": 1})
    assert both.status_code == 422
    general = board.post(f"/inspections/{inspection['id']}/findings", json=FINDING)
    assert (general.status_code, general.json["receipt_id"], general.json["entry_id"]) == (201, None, None)


def test_the_period_must_run_forward_and_roles_are_kept_apart(books, api_as):
    board, treasurer = api_as(("P", "auditor")), api_as(("C", "treasurer"))
    backwards = board.post("/units/C/inspections", json={**PLAN, "period_start": "2027-01-01"})
    assert (backwards.status_code, list(backwards.json["errors"])) == (422, ["period_end"])
    assert treasurer.post("/units/C/inspections", json=PLAN).status_code == 403
    inspection = planned(board)
    finding = board.post(f"/inspections/{inspection['id']}/findings", json=FINDING).json
    assert board.post(f"/findings/{finding['id']}/answer", json={"answer": "Tự trả lời"}).status_code == 403
    assert treasurer.post(f"/findings/{finding['id']}/close", json={}).status_code == 403
    not_answered = board.post(f"/findings/{finding['id']}/close", json={})
    assert (not_answered.status_code, not_answered.json["code"]) == (409, "invalid_state")
    listed = treasurer.get("/units/C/inspections").json
    assert (listed["total"], listed["items"][0]["findings"][0]["id"]) == (1, finding["id"])
