"""The recognition PDF read back with pdftotext: the decision with its number and list, then one certificate
per page (pages end with a form feed)."""
import subprocess

from tests.learning.cycle.conftest import PASS


def text_of(pdf: bytes) -> str:
    """The text page by page (each page ends with a form feed), runs of spaces and line ends as one space, so a
    name wrapped inside its table cell reads whole."""
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    return "\f".join(" ".join(page.split()) for page in text.split("\f"))


def recognised_three(assess, recognise, subject) -> int:
    names = ["Hộ ông Lò Văn Xuân", "Hộ bà Cà Thị Ún", "Hộ ông Lường Văn Pọm"]
    ids = [subject("LP-X-1", name, head_name=name.split(" ", 2)[2]) for name in names]
    for subject_id in ids:
        assess(subject_id, PASS)
    return recognise(ids, number="27/QĐ-KHX").json["id"]


def test_the_certificates_one_per_page(assess, recognise, people, subject):
    found = recognised_three(assess, recognise, subject)
    response = people["viewer"].get(f"/learning/recognitions/{found}/pdf", query_string={"part": "certificates"})
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "private, no-store"
    text = text_of(response.data)
    assert text.count("\f") == 3
    pages = text.split("\f")[:3]
    for page, name in zip(pages, ["Hộ ông Lò Văn Xuân", "Hộ bà Cà Thị Ún", "Hộ ông Lường Văn Pọm"], strict=True):
        assert "GIẤY CÔNG NHẬN" in page and name in page and "27/QĐ-KHX" in page
        assert "Gia đình học tập" in page


def test_the_decision_with_its_list_then_the_certificates(assess, recognise, people, subject):
    found = recognised_three(assess, recognise, subject)
    decision = text_of(people["viewer"].get(f"/learning/recognitions/{found}/pdf",
                                            query_string={"part": "decision"}).data)
    assert "QUYẾT ĐỊNH" in decision and "27/QĐ-KHX" in decision and "Điều 1." in decision
    assert "Gia đình học tập" in decision and "GIẤY CÔNG NHẬN" not in decision
    for name in ("Hộ ông Lò Văn Xuân", "Hộ bà Cà Thị Ún", "Hộ ông Lường Văn Pọm", "Lường Văn Pọm"):
        assert name in decision
    whole = text_of(people["viewer"].get(f"/learning/recognitions/{found}/pdf").data)
    assert whole.count("\f") == decision.count("\f") + 3
    assert people["viewer"].get(f"/learning/recognitions/{found}/pdf", query_string={"part": "x"}).status_code == 422


def test_only_readers_of_the_unit_print_it(assess, recognise, api_as, subject):
    found = recognised_three(assess, recognise, subject)
    stranger = api_as(("LP-Y", "viewer"))
    assert stranger.get(f"/learning/recognitions/{found}/pdf").status_code == 403
