"""The public learning-society page (no login): percentages, targets, the chart, and names of recognised
families and clans ONLY with their consent; never a head, an address or a member count, nor any citizen,
organisation or community name, on any public page or format."""
import pytest

from ledger.extensions import db

YEAR = 2026
SHOWN = ("Gia đình ông Lò Văn Công", "Dòng họ Cầm Bản Mường")
NEVER = ("Gia đình bà Quàng Thị Kín", "Dòng họ Hà Kín Đáo", "Lò Văn Chủ Hộ", "Cầm Văn Trưởng Họ", "Quàng Văn Chồng",
         "Bản Nà Sản số 7", "Tổ 3 ngõ 12", "Vì Thị Công Dân", "Trường Tiểu học Kín", "Bản Kín Tên", "Hà Văn Trưởng",
         "Gia đình chưa công nhận Lò Văn Chờ", "17 nhân khẩu")


@pytest.fixture
def season(registry, three_levels):
    (c1, c2), (b1, b2, b3) = three_levels["communes"], three_levels["branches"]
    public = registry.full(b1, YEAR, name=SHOWN[0], head="Lò Văn Chủ Hộ", address="Bản Nà Sản số 7", members=5,
                           consent=True)
    hidden = registry.full(b2, YEAR, name=NEVER[0], head="Quàng Văn Chồng", address="Tổ 3 ngõ 12", members=17)
    registry.full(b1, YEAR, name=NEVER[11], head="Lò Văn Chờ", consent=True)   # consented, not recognised
    clan = registry.full(b1, YEAR, "clan", SHOWN[1], head="Cầm Văn Trưởng Họ", consent=True)
    secret_clan = registry.full(b3, YEAR, "clan", NEVER[1], head="Hà Văn Trưởng", address="Bản Nà Sản số 7")
    citizen = registry.full(b3, YEAR, "citizen", NEVER[7], address="Tổ 3 ngõ 12", consent=True)
    school = registry.full(c2, YEAR, "organisation", NEVER[8], head="Hà Văn Trưởng", consent=True)
    village = registry.full(c2, YEAR, "community", NEVER[9], consent=True)
    registry.recognize(c1, YEAR, "family", [public, hidden])
    registry.recognize(c1, YEAR, "clan", [clan])
    registry.recognize(c2, YEAR, "clan", [secret_clan])
    registry.recognize(c2, YEAR, "citizen", [citizen])
    registry.recognize(c2, YEAR, "organisation", [school])
    registry.recognize(c2, YEAR, "community", [village])
    db.session.commit()
    return three_levels


def public_outputs(client) -> dict[str, str]:
    """Every public page and format, in both languages, for every unit of the tree and the years around."""
    found = {}
    for code in ("VN", "TSL", "TSL-C1", "TSL-C2", "TSL-C1-B1", "TSL-C1-B2", "TSL-C2-B1"):
        for path in (f"/public/units/{code}/learning", f"/public/units/{code}/learning/chart.svg",
                     f"/public/units/{code}"):
            for query in (f"?year={YEAR}", "", f"?year={YEAR}&lang=en", f"?year={YEAR - 1}"):
                response = client.get(path + query)
                assert response.status_code == 200, (path, response.status_code)
                found[path + query] = response.text
    found["/public"] = client.get("/public?q=TSL").text
    return found


def test_no_name_without_consent_on_any_public_output(client, season):
    outputs = public_outputs(client)
    for where, text in outputs.items():
        for secret in NEVER:
            assert secret not in text, f"{secret!r} appears on {where}"
    commune = outputs[f"/public/units/TSL-C1/learning?year={YEAR}"]
    province = outputs[f"/public/units/TSL/learning?year={YEAR}"]
    for text in (commune, province):
        assert SHOWN[0] in text and SHOWN[1] in text
    assert SHOWN[0] not in outputs[f"/public/units/TSL-C2/learning?year={YEAR}"]  # another commune's subtree
    assert SHOWN[0] not in outputs[f"/public/units/TSL/learning?year={YEAR - 1}"]  # another year


def test_the_public_page_shows_percentages_and_targets(client, season):
    from decimal import Decimal

    from ledger.learning.models import Indicator, Plan
    plan = Plan(unit_id=season["province"].id, year=YEAR, name="Kế hoạch năm 2026")
    db.session.add(plan)
    db.session.flush()
    db.session.add(Indicator(plan_id=plan.id, position=1, code="gdht", name="GĐHT", measure="learning_percent",
                             target=Decimal("63"), params={"model": "family"}))
    db.session.commit()
    html = client.get(f"/public/units/TSL-C1/learning?year={YEAR}").text
    assert "50,0%" in html          # 2 of the 4 registered families recognised (no households recorded)
    assert "63,0%" in html          # the province's target reaches the commune
    svg = client.get(f"/public/units/TSL-C1/learning/chart.svg?year={YEAR}")
    assert svg.mimetype == "image/svg+xml" and "chỉ tiêu 63,0%" in svg.text


def test_an_unknown_unit_is_404(client, season):
    assert client.get("/public/units/NOPE/learning").status_code == 404
    assert client.get("/public/units/NOPE/learning/chart.svg").status_code == 404
