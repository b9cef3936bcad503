"""The SVG bar chart: well-formed XML, accessible, every text escaped, bars and target marks where the
numbers put them."""
import xml.etree.ElementTree as ET
from decimal import Decimal

from ledger.learning.coverage import chart

SVG = "{http://www.w3.org/2000/svg}"
WORDS = {"title": "Tỷ lệ đạt danh hiệu", "target_word": "chỉ tiêu", "no_target": "chưa có chỉ tiêu"}


def test_bars_targets_and_vietnamese_percentages():
    svg = chart.bar_chart([chart.Bar("Gia đình học tập", Decimal("62.5"), Decimal("70")),
                           chart.Bar("Dòng họ học tập", Decimal("100.0"), None),
                           chart.Bar("Công dân học tập", Decimal("125.0"), Decimal("50"))], **WORDS)
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg" and root.get("width") == "100%" and root.get("role") == "img"
    assert root.get("viewBox").startswith("0 0 360 ")
    assert root.find(f"{SVG}title").text == "Tỷ lệ đạt danh hiệu"
    label = root.get("aria-label")
    assert "Gia đình học tập: 62,5% (chỉ tiêu 70,0%)" in label
    assert "Dòng họ học tập: 100,0% (chưa có chỉ tiêu)" in label
    groups = root.findall(f"{SVG}g")
    assert len(groups) == 3
    first_bar = groups[0].findall(f"{SVG}rect")[1]
    assert float(first_bar.get("width")) == 187.5            # 62.5 % of the 300-unit scale
    assert float(groups[2].findall(f"{SVG}rect")[1].get("width")) == 300  # beyond 100 % stops at the end
    mark = groups[0].find(f"{SVG}line")
    assert float(mark.get("x1")) == 4 + 210                   # the target 70 % on the scale from x = 4
    assert groups[1].find(f"{SVG}line") is None               # no target, no mark
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "62,5%" in texts and "125,0%" in texts


def test_every_text_is_escaped():
    nasty = '<script>alert("x")</script> & "Hộ" \'A\''
    svg = chart.bar_chart([chart.Bar(nasty, 10, 20)], title=nasty, target_word="<b>", no_target="&")
    assert "<script>" not in svg and "<b>" not in svg
    root = ET.fromstring(svg)
    assert root.find(f"{SVG}title").text == nasty
    assert nasty in root.get("aria-label")
    assert next(t.text for t in root.iter(f"{SVG}text")) == nasty


def test_vi_percent():
    assert chart.vi_percent(Decimal("66.7")) == "66,7%"
    assert chart.vi_percent(0) == "0,0%"
    assert chart.vi_percent(Decimal("100")) == "100,0%"
