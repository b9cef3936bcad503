"""Pages: the branch head's assessment form round trip (inputs per criterion, the result with its reasons,
a refusal shown again) and the commune chair's recognition form (ticked list → the decision page → PDF)."""
import re

from sqlalchemy import select

from ledger.extensions import db
from ledger.learning.models import Assessment
from tests.learning.cycle.conftest import PASS, YEAR


def test_the_assessment_form_round_trip(page_as, subject):
    family = subject("LP-X-1", "Hộ ông Lò Văn Xuân")
    branch_head = page_as(("LP-X-1", "reviewer"))
    form = branch_head.get(f"/learning/subjects/{family}/assess?year={YEAR}")
    assert form.status_code == 200
    assert 'name="answer_hoc"' in form.text and 'max="10"' in form.text and 'name="answer_sach"' in form.text
    refused = branch_head.post(f"/learning/subjects/{family}/assess",
                               data={"year": YEAR, "answer_hoc": "8", "assessed_on": f"{YEAR}-11-02"})
    assert refused.status_code == 422 and "Thiếu câu trả lời cho tiêu chí “Có góc học tập, tủ sách”" in refused.text
    saved = branch_head.post(f"/learning/subjects/{family}/assess",
                             data={"year": YEAR, "answer_hoc": "8", "answer_sach": "9", "assessed_on": f"{YEAR}-11-02"})
    assert saved.status_code == 303
    result = branch_head.get(saved.headers["Location"])
    assert "Đạt" in result.text and "17 điểm" in result.text
    assert "Con em đi học đầy đủ: 8/10 điểm (tối thiểu 5): đạt" in result.text
    made = db.session.scalar(select(Assessment))
    assert (made.score, made.is_passed, made.answers, made.assessed_on.isoformat()) == (17, True, PASS,
                                                                                        f"{YEAR}-11-02")


def test_an_all_of_form_has_checkboxes_and_shows_the_computed_figure(page_as, subject):
    clan = subject("LP-X", "Dòng họ Lò", model="clan")
    subject("LP-X-1", "Hộ Lò Văn Một", clan=clan)
    branch_head = page_as(("LP-X", "reviewer"))
    form = branch_head.get(f"/learning/subjects/{clan}/assess?year={YEAR}")
    assert 'type="checkbox" name="answer_quy"' in form.text and "answer_ty_le" not in form.text
    assert "0/1 gia đình trong dòng họ được công nhận" in form.text
    saved = branch_head.post(f"/learning/subjects/{clan}/assess", data={"year": YEAR, "answer_quy": "1"})
    assert saved.status_code == 303
    assert "Không đạt" in branch_head.get(saved.headers["Location"]).text


def test_the_recognition_form_to_the_decision_and_its_pdf(page_as, assess, subject):
    ids = [subject("LP-X-1", "Hộ ông Lò Văn Xuân"), subject("LP-X-2", "Hộ bà Cà Thị Ún")]
    for subject_id in ids:
        assess(subject_id, PASS)
    chair = page_as(("LP-X", "approver"))
    form = chair.get(f"/units/LP-X/learning/recognitions/new?model=family&year={YEAR}")
    assert form.status_code == 200
    ticked = re.findall(r'name="subjects" value="(\d+)"[^>]*checked', form.text)
    assert sorted(map(int, ticked)) == sorted(ids)
    missing = chair.post("/units/LP-X/learning/recognitions",
                         data={"model": "family", "year": YEAR, "decided_on": f"{YEAR}-11-20",
                               "subjects": [str(i) for i in ids]})
    assert missing.status_code == 422 and "Hộ ông Lò Văn Xuân" in missing.text
    made = chair.post("/units/LP-X/learning/recognitions",
                      data={"model": "family", "year": YEAR, "decision_number": "31/QĐ-KH",
                            "decided_on": f"{YEAR}-11-20", "subjects": [str(i) for i in ids]})
    assert made.status_code == 303
    page = chair.get(made.headers["Location"])
    assert "31/QĐ-KH" in page.text and "In quyết định" in page.text and "In giấy công nhận" in page.text
    assert "Hộ bà Cà Thị Ún" in page.text and "20/11/" + str(YEAR) in page.text
    pdf_link = re.search(r'href="([^"]+/pdf\?part=certificates)"', page.text)[1]
    pdf = chair.get(pdf_link.replace("&amp;", "&"))
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    listed = chair.get("/units/LP-X/learning/recognitions")
    assert "31/QĐ-KH" in listed.text
    assert "Không có đối tượng nào" in chair.get(f"/units/LP-X/learning/recognitions/new?year={YEAR}").text


def test_a_viewer_sees_no_form(page_as, subject):
    family = subject("LP-X-1", "Hộ ông Lò Văn Xuân")
    viewer = page_as(("LP-X", "viewer"))
    assert 'name="answer_hoc"' not in viewer.get(f"/learning/subjects/{family}/assess?year={YEAR}").text
    assert viewer.post(f"/learning/subjects/{family}/assess", data={"year": YEAR}).status_code == 403
    assert viewer.get("/units/LP-X/learning/recognitions/new").status_code == 403


def test_the_registry_subject_page_links_to_the_assessment_form(page_as, subject):
    family = subject("LP-X-1", "Hộ ông Lò Văn Xuân")
    branch_head = page_as(("LP-X-1", "reviewer"))
    page = branch_head.get(f"/learning/subjects/{family}")
    assert page.status_code == 200
    assert f"/learning/subjects/{family}/assess?year=" in page.text and "Bình xét năm" in page.text


def test_digits_that_are_not_ascii_are_refused_not_a_server_error(page_as, assess, subject):
    family = subject("LP-X-1", "Hộ ông Lò Văn Xuân")
    branch_head = page_as(("LP-X-1", "reviewer"))
    typed = branch_head.post(f"/learning/subjects/{family}/assess",
                             data={"year": YEAR, "answer_hoc": "²", "answer_sach": "9"})
    assert typed.status_code == 422 and "Con em đi học đầy đủ" in typed.text
    assert db.session.scalar(select(Assessment)) is None
    assess(family, PASS)
    chair = page_as(("LP-X", "approver"))
    odd = chair.post("/units/LP-X/learning/recognitions",
                     data={"model": "family", "year": YEAR, "decision_number": "32/QĐ-KH",
                           "decided_on": f"{YEAR}-11-20", "subjects": ["²", "٤٢"]})
    assert odd.status_code == 422
