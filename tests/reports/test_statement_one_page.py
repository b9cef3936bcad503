"""The A4 statement for the notice board: one page when the content fits; when it does not, the signatures
and the hash never stand alone on the last page, they come with the end of the last table."""
import subprocess
from datetime import date

Q1 = {"period_start": "2026-01-01", "period_end": "2026-03-31"}


def pdf_pages(pdf: bytes) -> list[str]:
    """The text of each page, read back with poppler's pdftotext (pages end with a form feed)."""
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True).stdout
    return text.decode("utf-8").split("\f")[:-1]


def published_pdf(publisher, client) -> bytes:
    draft = publisher.post("/units/SL/statements", json=Q1).json
    assert publisher.post(f"/statements/{draft['id']}/publish", json={}).status_code == 200
    response = client.get(f"/public/statements/{draft['id']}.pdf")
    assert response.status_code == 200
    return response.data


def test_a_small_statement_is_one_page_with_its_signatures_and_hash(quarter, close, publisher, client):
    close("SL")
    pages = pdf_pages(published_pdf(publisher, client))
    assert len(pages) == 1
    assert "Chủ tịch Hội" in pages[0] and "Mã kiểm tra SHA-256" in pages[0] and "Ngân hàng Nông nghiệp" in pages[0]


def test_a_long_statement_keeps_the_end_of_its_last_table_with_the_signatures(quarter, receive, close, publisher,
                                                                             client):
    for n in range(1, 61):  # sixty donors: the list runs over the first page
        receive("SL", 100_000 + n * 1_000, on=date(2026, 3, 1),
                donor={"name": f"Nhà hảo tâm số {n:02d}", "kind": "individual", "publish": "full"})
    close("SL")
    pages = pdf_pages(published_pdf(publisher, client))
    assert len(pages) > 1
    last = pages[-1]
    assert "Người lập biểu" in last and "Chủ tịch Hội" in last and "Mã kiểm tra SHA-256" in last
    assert all("Người lập biểu" not in page for page in pages[:-1])
    # not a page of signatures alone: rows of a table end there, before the signatures
    before_signatures = last[:last.index("Người lập biểu")]
    assert "Cộng" in before_signatures and "₫" in before_signatures
