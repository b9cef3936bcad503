"""Issue 14 on a round's papers and pages: the decision dated "Sơn La, ngày … tháng … năm …" from the deciding
unit, a short sign-off list on one page with its signatures, and nomination times in Vietnam time.
"""
import subprocess
from datetime import UTC, datetime

from sqlalchemy import select

from ledger.core.dates import vn_today
from ledger.extensions import db
from ledger.scholarships.models import Candidate


def pages(response) -> int:
    info = subprocess.run(["pdfinfo", "-"], input=response.data, capture_output=True, check=True).stdout.decode()
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def test_decision_is_dated_at_the_deciding_units_place(people, decided, pdf_text):
    text = pdf_text(people["approver"].get(f"/scholarships/rounds/{decided['round']}/decision/pdf"))
    today = vn_today()
    assert f"Sơn La, ngày {today.day:02d} tháng {today.month:02d} năm {today.year}" in text


def test_a_short_signoff_list_fits_one_page_with_its_signatures(people, decided, pdf_text):
    response = people["treasurer"].get(f"/scholarships/rounds/{decided['round']}/signoff/pdf")
    text = pdf_text(response)
    assert pages(response) == 1
    assert "Quàng Thị Hoa" in text and "Thủ quỹ" in text and "Người lập danh sách" in text


def test_a_long_signoff_list_keeps_the_signatures_with_the_last_rows(people, program, round_body, nominate, decide,
                                                                     pdf_text):
    round_id = people["treasurer"].post(f"/scholarships/programs/{program['code']}/rounds",
                                        json=round_body(budget=48_000_000, quota=30)).json["id"]
    for i in range(24):
        nominate(round_id, full_name=f"Lò Văn Em {i:02d}")
    assert decide(round_id).status_code == 200
    response = people["treasurer"].get(f"/scholarships/rounds/{round_id}/signoff/pdf")
    assert pages(response) >= 2
    last_page = pdf_text(response).split("\f")[pages(response) - 1]
    assert "Thủ quỹ" in last_page and "Lò Văn Em" in last_page  # never a page of signatures alone


def test_nomination_times_are_shown_in_vietnam_time(people, open_round, nominate, page_as):
    nominated = nominate(open_round, full_name="Lò Thị Mai")
    candidate = db.session.scalar(select(Candidate).where(Candidate.id == nominated["id"]))
    candidate.nominated_at = datetime(2026, 11, 30, 20, 15, tzinfo=UTC)  # 03:15 next morning in Hà Nội
    db.session.commit()
    page = page_as(("SL", "treasurer")).get(f"/scholarships/rounds/{open_round}")
    assert "01/12/2026 03:15" in page.text and "30/11/2026 20:15" not in page.text
