"""The criteria pages: the list a unit sees, a set as a form (round trip), a unit's own set copied from the
applying one, refusals shown again with the row named."""
import re

import pytest

from ledger.learning.criteria import services
from ledger.units.services import get_unit


@pytest.fixture
def tree(make_unit):
    make_unit("SL", level="province")
    make_unit("SL-BL", level="commune", parent="SL")


def test_the_list_shows_the_applying_defaults_with_the_banner(page_as, tree):
    page = page_as(("SL-BL", "viewer")).get("/units/SL-BL/learning/criteria")
    assert page.status_code == 200
    assert page.text.count("KHVN-") >= 10   # five applying, five listed
    assert "Bộ tiêu chí mẫu — đối chiếu với hướng dẫn của tỉnh" in page.text
    assert "Tạo bộ riêng" not in page.text   # a viewer does not plan


def test_a_province_copies_the_applying_set_into_its_own(app, page_as, tree):
    client = page_as(("SL", "treasurer"))
    form = client.get("/units/SL/learning/criteria/new?model=citizen")
    assert form.status_code == 200
    assert 'value="SL-CDHT-' in form.text and 'name="c9_code" value="hop_tac_chia_se"' in form.text
    fields = dict(re.findall(r'name="(\w+)" value="([^"]*)"', form.text))
    fields.update({"model": "citizen", "pass_mark": "85", "recognized_by": "commune", "note": "Theo hướng dẫn tỉnh",
                   "name": "Công dân học tập Sơn La", "c10_code": "suc_khoe", "c10_name": "Rèn luyện sức khỏe",
                   "c10_points": "10", "c10_min": "5"})
    for index in range(13):
        fields.setdefault(f"c{index}_name", "")
    fields.update({f"c{i}_name": name for i, name in enumerate(re.findall(
        r'<textarea name="c\d+_name"[^>]*>([^<]*)</textarea>', form.text)) if name})
    fields["c10_name"] = "Rèn luyện sức khỏe"
    saved = client.post("/units/SL/learning/criteria/new", data=fields)
    assert saved.status_code == 303, saved.text
    with app.app_context():
        own = services.applicable_set(get_unit("SL"), "citizen", 2100)
        assert own.owner_unit.code == "SL" and own.pass_mark == 85 and own.is_default is False
        assert len(own.criteria) == 11 and own.criteria[10] == {"code": "suc_khoe", "name": "Rèn luyện sức khỏe",
                                                               "points": 10, "min_points": 5}
        assert own.criteria[0]["name"] == "Đọc sách báo, cập nhật thông tin"


def _edit_form(text: str) -> dict:
    fields = dict(re.findall(r'name="(\w+)" value="([^"]*)"', text))
    fields.update(re.findall(r'<textarea name="(\w+)"[^>]*>([^<]*)</textarea>', text))
    fields["recognized_by"] = "commune"
    return fields


def test_editing_a_default_set_as_a_form(app, page_as):
    client = page_as(("VN", "admin"))
    page = client.get("/learning/criteria/KHVN-DVHT-2022")
    assert page.status_code == 200 and "Bộ tiêu chí mẫu — đối chiếu với hướng dẫn của tỉnh" in page.text
    fields = _edit_form(page.text)
    assert (fields["c2_points"], fields["g0_name"], fields["g0_min"], fields["pass_mark"]) == ("40", "Tốt", "85", "50")
    fields.update({"c2_points": "30", "c3_code": "doi_moi", "c3_name": "Đổi mới", "c3_points": "10",
                   "g2_min": "55", "pass_mark": "55"})
    saved = client.post("/learning/criteria/KHVN-DVHT-2022", data=fields)
    assert saved.status_code == 303, saved.text
    with app.app_context():
        changed = services.get_set("KHVN-DVHT-2022")
        assert [c.get("points") for c in changed.criteria] == [30, 30, 30, 10]
        assert changed.pass_mark == 55 and changed.grades[2] == {"name": "Trung bình", "min_points": 55}
    again = client.get("/learning/criteria/KHVN-DVHT-2022")
    assert 'name="c3_code" value="doi_moi"' in again.text


def test_a_refused_form_is_shown_again_naming_the_row(page_as):
    client = page_as(("VN", "admin"))
    fields = _edit_form(client.get("/learning/criteria/KHVN-GDHT-2022").text)
    fields.update({"c1_min": "31", "c2_points": "hai"})
    refused = client.post("/learning/criteria/KHVN-GDHT-2022", data=fields)
    assert refused.status_code == 422
    assert "Dòng 3: Phải là số nguyên." in refused.text
    assert 'name="c1_min" value="31"' in refused.text   # what was typed stays


def test_an_all_of_set_shows_the_computed_share(page_as):
    page = page_as(("VN", "viewer")).get("/learning/criteria/KHVN-DHHT-2022")
    assert 'name="c0_percent" value="50"' in page.text
    assert "<fieldset disabled" in page.text   # a viewer reads, does not edit


def test_a_viewer_cannot_post(page_as):
    assert page_as(("VN", "viewer")).post("/learning/criteria/KHVN-GDHT-2022", data={}).status_code == 403
