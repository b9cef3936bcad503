"""Issue 14 in Chromium: a committee member edits a program's rules in the Vietnamese form (adds a condition,
picks its values by their names), saves, sees it read back; opens a round with a per-unit quota row; an
eligible candidate's reasons show no red ✗; every page fits a 390 px phone."""
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from ledger.auth.models import User
from ledger.core.dates import vn_today
from ledger.extensions import db
from ledger.scholarships import nominations, programs, schemas
from ledger.scholarships.forms import load
from ledger.units.models import Unit

pytestmark = pytest.mark.browser
RULES = {"all": [{"any": [{"field": "household_status", "in": ["poor", "near_poor"]},
                          {"field": "orphan", "ne": "none"}]}]}


def program_with_a_candidate(live_server) -> tuple[str, int, str]:
    """A program of its own (unique code) for students beyond grade 12, one eligible student nominated."""
    code = f"SV-{uuid.uuid4().hex[:6].upper()}"
    with live_server.app.app_context():
        treasurer = db.session.scalar(select(User).where(User.username == "thuquy.sonla"))
        program = programs.create_program(load(schemas.ProgramIn, {
            "code": code, "name": f"Học bổng sinh viên thử {code}", "owner_unit": "SL", "fund": "TOHIEU-THU",
            "award_amount": 1_000_000, "rules": RULES, "scoring": {}, "levels": ["university", "abroad"]}),
            by=treasurer)
        found = programs.create_round(program, load(schemas.RoundIn, {
            "school_year": "2025-2026", "budget": 2_000_000,
            "nominations_close_on": (vn_today() + timedelta(days=5)).isoformat()}), by=treasurer)
        nominations.nominate(found, load(schemas.CandidateIn, {"nominated_by": "SL", "student": {
            "full_name": "Điêu Thị Sinh", "national_id": f"0143{uuid.uuid4().int % 10**8:08d}",
            "date_of_birth": "2005-05-05", "gender": "female", "level": "university", "field_of_study": "Sư phạm",
            "school": "Trường Đại học Tây Bắc", "household_status": "poor", "orphan": "none", "disability": False,
            "ethnic_minority": True, "academic_result": "kha", "conduct": "tot"}}), by=treasurer)
        commune = db.session.scalar(select(Unit).where(Unit.parent_id == program.owner_unit_id).order_by(Unit.code))
        db.session.commit()
        return code, found.id, (commune.code, commune.name)


WIDEST = """[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 390)
    .slice(-5).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))"""


def fits_phone(page) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, page.evaluate(WIDEST)


def test_rule_edited_in_the_form_and_a_quota_row_added(page, live_server, login, screenshot):
    code, _round_id, (commune, commune_name) = program_with_a_candidate(live_server)
    page.set_viewport_size({"width": 1280, "height": 900})
    login(page, "thuquy.sonla")
    page.goto(live_server.url(f"/scholarships/programs/{code}/rules"))
    assert page.locator("select[name='n1.kind']").input_value() == "any"
    with page.expect_navigation():
        page.click("button[value='add:0']")
    new_row = page.locator("li.rule-row.condition").last
    field = new_row.locator("select[name$='.field']")
    name = field.get_attribute("name")
    with page.expect_navigation():
        field.select_option(label="Đối tượng")
    with page.expect_navigation():
        page.locator(f"select[name='{name.replace('field', 'op')}']").select_option(label="là một trong")
    row = page.locator("li.rule-row.condition").last
    row.get_by_label("sinh viên đại học").check()
    row.get_by_label("du học sinh").check()
    assert page.locator("details.score-group summary").all_inner_texts()[:2] == ["Hoàn cảnh gia đình",
                                                                                 "Tình trạng mồ côi"]
    screenshot(page, "scholarship-rule-form-desktop")
    page.click("button[value='save']")
    page.wait_for_selector("text=Đã lưu điều kiện xét chọn, phiên bản 2")
    assert page.locator("li.rule-row.condition").last.get_by_label("du học sinh").is_checked()
    page.goto(live_server.url(f"/scholarships/programs/{code}"))
    assert page.get_by_text("Đối tượng: yêu cầu thuộc sinh viên đại học, du học sinh").first.is_visible()
    page.fill("input[name=school_year]", "2026-2027")
    page.fill("input[name=budget]", "3.000.000")
    page.fill("input[name=nominations_close_on]", (vn_today() + timedelta(days=9)).strftime("%d/%m/%Y"))
    with page.expect_navigation():
        page.click("button[value='add-quota']")
    page.fill("input[name='quota_unit-3']", commune)
    page.fill("input[name='quota_places-3']", "2")
    page.click("button[value='open']")
    page.wait_for_selector("text=Đã mở đợt xét")
    assert page.get_by_text(f"{commune_name}: 2 suất").first.is_visible()
    screenshot(page, "scholarship-round-quota-desktop")
    page.goto(live_server.url(f"/scholarships/programs/{code}/rules"))
    fits_phone(page)
    screenshot(page, "scholarship-rule-form-phone")
    page.goto(live_server.url(f"/scholarships/programs/{code}"))
    fits_phone(page)
    screenshot(page, "scholarship-program-phone")


def test_an_eligible_candidate_shows_no_cross(page, live_server, login, screenshot):
    _code, round_id, _commune = program_with_a_candidate(live_server)
    page.set_viewport_size({"width": 1280, "height": 900})
    login(page, "thuquy.sonla")
    page.goto(live_server.url(f"/scholarships/rounds/{round_id}"))
    row = page.locator("table.candidates tr", has_text="Điêu Thị Sinh")
    assert "Đủ điều kiện" in row.inner_text() and "✓ Hộ nghèo" in row.inner_text()
    assert "✗" not in row.inner_text() and "Sinh viên đại học, ngành Sư phạm" in row.inner_text()
    screenshot(page, "scholarship-eligible-desktop")
    fits_phone(page)
    screenshot(page, "scholarship-eligible-phone")
    for path, name in ((f"/scholarships/rounds/{round_id}/nominate", "nominate"),
                       ("/scholarships/programs/new?preset=con_nuoi", "program-form")):
        page.goto(live_server.url(path))
        fits_phone(page)
        screenshot(page, f"scholarship-{name}-phone")
