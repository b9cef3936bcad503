"""Inspection pages: the board plans an inspection and records a finding on a receipt through the forms, the
unit's treasurer sees it on the unit page and answers, the board closes it."""
from sqlalchemy import select

from ledger.extensions import db
from ledger.inspection.models import Finding, Inspection
from tests.inspection.conftest import FINDING


def test_the_board_plans_records_and_the_treasurer_answers(books, page_as):
    _admin, receipt_id, _other = books
    board, treasurer = page_as(("P", "auditor")), page_as(("C", "treasurer"))
    form = board.get("/units/C/inspections")
    assert "Lập kế hoạch kiểm tra" in form.text and "Chưa có đợt kiểm tra nào" in form.text
    planned = board.post("/units/C/inspections", data={
        "period_start": "01/01/2026", "period_end": "31/12/2026", "scheduled_on": "15/01/2027",
        "scope": "Thu, chi quỹ năm 2026", "members": "Lò Văn Tâm"})
    assert planned.status_code == 303
    inspection = db.session.scalar(select(Inspection))
    assert (inspection.period_start.isoformat(), inspection.scheduled_on.isoformat()) == ("2026-01-01", "2027-01-15")

    page = board.get(f"/inspections/{inspection.id}")
    assert f'value="receipt_id:{receipt_id}"' in page.text  # the period's receipts are offered
    recorded = board.post(f"/inspections/{inspection.id}/findings", data={
        **FINDING, "due_on": "15/02/2027", "document": f"receipt_id:{receipt_id}"})
    assert recorded.status_code == 303
    finding = db.session.scalar(select(Finding))
    assert (finding.receipt_id, finding.due_on.isoformat(), finding.status) == (receipt_id, "2027-02-15", "open")

    unit_page = treasurer.get("/units/C")
    assert "Kết luận kiểm tra chưa kết thúc: 1" in unit_page.text and FINDING["description"] in unit_page.text
    shown = treasurer.get(f"/inspections/{inspection.id}")
    assert "Gửi trả lời" in shown.text and "Ghi kết luận" not in shown.text
    empty = treasurer.post(f"/findings/{finding.id}/answer", data={"answer": ""})
    assert empty.status_code == 422
    answered = treasurer.post(f"/findings/{finding.id}/answer", data={"answer": "Đã bổ sung chữ ký người nộp."})
    assert answered.status_code == 303
    db.session.expire_all()
    assert (finding.status, finding.answer) == ("answered", "Đã bổ sung chữ ký người nộp.")

    assert board.post(f"/findings/{finding.id}/close", data={"note": "Đạt yêu cầu"}).status_code == 303
    db.session.expire_all()
    assert (finding.status, finding.closing_note) == ("closed", "Đạt yêu cầu")
    assert "Không có kết luận kiểm tra nào đang chờ." in treasurer.get("/units/C").text


def test_a_bad_plan_is_shown_again_with_its_problem(books, page_as):
    board = page_as(("P", "auditor"))
    refused = board.post("/units/C/inspections", data={
        "period_start": "31/12/2026", "period_end": "01/01/2026", "scheduled_on": "15/01/2027",
        "scope": "Thu, chi", "members": "Lò Văn Tâm"})
    assert refused.status_code == 422 and "Ngày đầu kỳ phải trước ngày cuối kỳ." in refused.text
    assert 'value="Lò Văn Tâm"' in refused.text  # what was typed stays
    assert db.session.scalar(select(Inspection)) is None
    assert page_as(("C", "treasurer")).post("/units/C/inspections", data={}).status_code == 403
