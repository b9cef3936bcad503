"""The unit tree with search (with or without diacritics) and the unit page, through the test client."""
import unicodedata

import pytest

from ledger.core.text import fold


def results(page: str) -> str:
    """The search results section of the tree page."""
    return page.split('<section class="results">')[1].split("</section>")[0]


@pytest.mark.parametrize("text, folded", [
    ("Hội Khuyến học Xã Bình Lư", "hoi khuyen hoc xa binh lu"),
    ("Phường Bồ Đề", "phuong bo de"),
    ("  ĐIỆN   Biên ", "dien bien"),
    ("Thèn Sin", "then sin"),
    (unicodedata.normalize("NFD", "Nà An"), "na an"),  # typed on a keyboard that sends marks apart
])
def test_fold_drops_diacritics_and_case(text, folded):
    assert fold(text) == folded


@pytest.fixture
def tree(make_unit):
    make_unit("LC", level="province", name="Hội Khuyến học tỉnh Lai Châu")
    make_unit("LC-BL", level="commune", parent="LC", name="Hội Khuyến học Xã Bình Lư")
    make_unit("BL-NA-AN", level="branch", parent="LC-BL", name="Chi hội khuyến học bản Nà An")
    make_unit("HN", level="province", name="Hội Khuyến học thành phố Hà Nội")
    make_unit("HN-BD", level="commune", parent="HN", name="Hội Khuyến học Phường Bồ Đề")


@pytest.mark.parametrize("query", ["binh lu", "Bình Lư", "BINH LƯ", "xa binh", "lc-bl"])
def test_search_finds_the_commune_with_or_without_diacritics(tree, page_as, query):
    admin = page_as(("VN", "admin"))
    r = admin.get("/units", query_string={"q": query})
    assert r.status_code == 200
    found = results(r.text)
    assert 'href="/units/LC-BL"' in found
    assert "Hội Khuyến học tỉnh Lai Châu" in found.split("LC-BL")[1]  # the trail above the commune
    assert "Bồ Đề" not in found


def test_search_stays_inside_what_the_user_may_read(tree, page_as):
    treasurer = page_as(("HN", "treasurer"))
    assert "LC-BL" not in results(treasurer.get("/units?q=binh lu").text)
    assert 'href="/units/HN-BD"' in results(treasurer.get("/units?q=bo de").text)


def test_search_caps_results(tree, page_as, make_unit, monkeypatch):
    from ledger.units import routes

    for n in range(4):
        make_unit(f"BL-TDP-{n}", level="branch", parent="LC-BL", name=f"Chi hội tổ dân phố {n} Bình Lư")
    monkeypatch.setattr(routes, "SEARCH_LIMIT", 3)
    page = page_as(("VN", "admin")).get("/units?q=binh lu").text
    assert results(page).count('<li><a href="/units/') == 3 and "hãy gõ cụ thể hơn" in page


def test_search_with_nothing_found_says_so(tree, page_as):
    assert "Không tìm thấy đơn vị nào" in results(page_as(("VN", "admin")).get("/units?q=zzz").text)


def test_tree_lists_roots_and_their_children(tree, page_as):
    page = page_as(("LC", "treasurer")).get("/units").text
    assert 'href="/units/LC"' in page and 'href="/units/LC-BL"' in page
    assert 'href="/units/HN"' not in page


def test_unit_page_shows_funds_children_and_users(tree, page_as, make_fund, make_user):
    make_fund("QKH-BL", owner="LC-BL", name="Quỹ khuyến học xã Bình Lư")
    make_user("thuquy.binhlu", full_name="Tẩn Thị Dung", roles=[("LC-BL", "treasurer")])
    page = page_as(("LC", "viewer")).get("/units/LC-BL").text
    assert "Quỹ khuyến học xã Bình Lư" in page and "0 ₫" in page
    assert "Chi hội khuyến học bản Nà An" in page
    assert "Tẩn Thị Dung" in page and "Thủ quỹ, kế toán" in page
    assert 'href="/units/LC"' in page  # breadcrumb to a unit the viewer may read
    assert 'href="/units/VN"' not in page  # …but not to the root, which they may not


def test_unit_of_another_subtree_is_forbidden(tree, page_as):
    r = page_as(("HN", "viewer")).get("/units/LC-BL")
    assert r.status_code == 403 and "không có quyền" in r.text


def test_unknown_unit_is_a_vietnamese_404(tree, page_as):
    r = page_as(("VN", "admin")).get("/units/NOPE")
    assert r.status_code == 404 and "Không có đơn vị mã NOPE" in r.text


def test_home_sends_to_login_or_the_to_do_list(client, page_as, tree):
    assert client.get("/").location.endswith("/login")
    assert page_as(("VN", "admin")).get("/").location.endswith("/todo")
