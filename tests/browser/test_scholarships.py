"""A scholarship round in real Chromium: the reviewer recuses on one child and votes on the others,
the chair decides, the treasurer pays everyone at the ceremony and prints the sign-off list.
"""
import subprocess
import uuid

import pytest
from sqlalchemy import select

from ledger.auth.models import User
from ledger.core.dates import vn_today
from ledger.extensions import db
from ledger.scholarships import nominations, programs, reviews, schemas
from ledger.scholarships.forms import load
from ledger.scholarships.models import Award
from ledger.units.models import Unit

pytestmark = pytest.mark.browser
CHILDREN = [("Lò Văn Cường", "poor"), ("Quàng Thị Nga", "near_poor"), ("Điêu Văn Hùng", "poor")]


def user(username: str) -> User:
    return db.session.scalar(select(User).where(User.username == username))


def open_round(live_server) -> tuple[int, list[int]]:
    """A Tô Hiệu round of its own (unique code) with three children and the demo reviewer assigned."""
    code = f"TH-{uuid.uuid4().hex[:6].upper()}"
    with live_server.app.app_context():
        treasurer = user("thuquy.sonla")
        program = programs.create_program(load(schemas.ProgramIn, {
            "code": code, "name": f"Học bổng Tô Hiệu thử {code}", "owner_unit": "SL", "fund": "TOHIEU-THU",
            "award_amount": 1_500_000, "rules": {"field": "household_status", "in": ["poor", "near_poor"]},
            "scoring": {"household_status": {"poor": 30, "near_poor": 20}}}), by=treasurer)
        found = programs.create_round(program, load(schemas.RoundIn, {
            "school_year": "2025-2026", "budget": 4_500_000, "nominations_close_on": vn_today().isoformat()}),
            by=treasurer)
        commune = db.session.scalar(select(Unit).where(Unit.parent_id == program.owner_unit_id).order_by(Unit.code))
        ids = []
        for index, (name, household) in enumerate(CHILDREN):
            student = {"full_name": name, "date_of_birth": "2012-01-01", "gender": "male",
                       "student_code": f"{code}-{index}", "school": "Trường THCS Chiềng Sinh", "grade": 8,
                       "household_status": household, "orphan": "none", "disability": False,
                       "ethnic_minority": True, "academic_result": "kha", "conduct": "tot"}
            ids.append(nominations.nominate(found, load(schemas.CandidateIn, {
                "nominated_by": commune.code, "student": student}), by=treasurer).id)
        reviews.assign_reviewers(found, ["xetduyet.sonla"], by=treasurer)
        db.session.commit()
        return found.id, ids


def sign_in_as(page, login, username: str) -> None:
    page.context.clear_cookies()
    login(page, username)


def test_review_decide_and_pay_at_the_ceremony(page, live_server, login, screenshot):
    round_id, (recused, approved, refused) = open_round(live_server)

    sign_in_as(page, login, "xetduyet.sonla")
    page.goto(live_server.url(f"/scholarships/rounds/{round_id}/review"))
    for candidate_id, choice in ((recused, "conflict"), (approved, "yes"), (refused, "no")):
        card = page.locator(f"#c{candidate_id}")
        card.locator(f"input[name=choice][value={choice}]").check()
        card.locator("button[type=submit]").click()
        page.wait_for_load_state()
    assert "Xung đột lợi ích (rút lui)" in page.inner_text(f"#c{recused}")
    assert "Không đồng ý" in page.inner_text(f"#c{refused}")
    screenshot(page, "scholarship-review")

    sign_in_as(page, login, "chutich.sonla")
    page.goto(live_server.url(f"/scholarships/rounds/{round_id}"))
    page.fill("#decide-form input[name=decision_number]", "99/QĐ-KHSL")
    page.click("#decide-form button[type=submit]")
    page.wait_for_selector("text=Quyết định số 99/QĐ-KHSL")
    assert "Đa số không đồng ý" in page.inner_text(f"#c{refused}")
    assert "Không được trao" in page.inner_text(f"#c{refused}")
    assert "Hạng" in page.inner_text(f"#c{recused}") and "Hạng" in page.inner_text(f"#c{approved}")

    sign_in_as(page, login, "thuquy.sonla")
    page.goto(live_server.url(f"/scholarships/rounds/{round_id}"))
    page.select_option("#ceremony-form select[name=method]", "bank")
    page.click("#ceremony-form button[type=submit]")
    page.wait_for_selector("text=Đã chi 2 phiếu chi tại lễ trao")
    screenshot(page, "scholarship-paid")
    with live_server.app.app_context():
        awards = db.session.scalars(select(Award).where(Award.round_id == round_id)).all()
        assert sorted(a.candidate_id for a in awards) == sorted([recused, approved])
        assert {a.status for a in awards} == {"paid"}
        numbers = [a.disbursement.number for a in awards]

    signoff = page.context.request.get(live_server.url(page.get_attribute("#signoff-pdf", "href")))
    assert signoff.ok and signoff.headers["content-type"] == "application/pdf"
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=signoff.body(), capture_output=True,
                          check=True).stdout.decode()
    assert "DANH SÁCH KÝ NHẬN" in text and "99/QĐ-KHSL" in text
    assert "Lò Văn Cường" in text and "Quàng Thị Nga" in text and "Điêu Văn Hùng" not in text
    assert all(number in text for number in numbers)
