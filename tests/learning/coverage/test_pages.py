"""The coverage page (login), its PDF, and the year picker."""
import pytest

from ledger.extensions import db

YEAR = 2026


@pytest.fixture
def season(registry, three_levels):
    (c1, _c2), (b1, _b2, _b3) = three_levels["communes"], three_levels["branches"]
    found = [registry.full(b1, YEAR) for _ in range(3)]
    registry.recognize(c1, YEAR, "family", found[:2])
    db.session.commit()
    return three_levels


def test_the_page_shows_the_tables_and_the_chart(page_as, season):
    client = page_as(("TSL-C1", "viewer"))
    response = client.get(f"/units/TSL-C1/learning/coverage?year={YEAR}")
    assert response.status_code == 200
    html = response.text
    assert "66,7%" in html                       # 2 of 3 families
    assert "<svg" in html and "Gia đình học tập" in html and "Công dân học tập" in html
    assert "/units/TSL-C1-B1/learning/coverage?year=2026" in html   # a child's row links to its own coverage
    assert 'option value="2026" selected' in html
    assert client.get(f"/units/TSL/learning/coverage?year={YEAR}").status_code == 403
    assert client.get("/units/NOPE/learning/coverage").status_code == 404


def test_the_page_needs_a_login(client, season):
    response = client.get("/units/TSL/learning/coverage")
    assert response.status_code in (302, 401)


def test_the_pdf_is_a4(page_as, season):
    from io import BytesIO

    from pypdf import PdfReader

    response = page_as(("TSL", "viewer")).get(f"/units/TSL/learning/coverage.pdf?year={YEAR}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    page = PdfReader(BytesIO(response.data)).pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)
    assert "66,7%" in page.extract_text()
