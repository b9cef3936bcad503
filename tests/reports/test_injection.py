"""A donor's name is data, never markup or a formula: escaped on the page, neutralised in the CSV."""
import csv
import io

SCRIPT = '<script>alert("xss")</script><img src=x onerror=alert(1)>'
FORMULA = '=HYPERLINK("http://evil.example","Bấm vào đây")'
Q1 = {"period_start": "2026-01-01", "period_end": "2026-03-31"}


def test_html_and_formula_injection_in_donor_names_is_neutralised(tree, receive, close, publisher, client):
    receive("SL", 300_000, donor={"name": SCRIPT, "kind": "individual", "publish": "full"})
    receive("SL", 200_000, donor={"name": FORMULA, "kind": "individual", "publish": "full"})
    receive("SL", 100_000, donor={"name": "+84 cộng hòa", "kind": "individual", "publish": "full"})
    close("SL")
    draft = publisher.post("/units/SL/statements", json=Q1).json
    publisher.post(f"/statements/{draft['id']}/publish", json={})

    page = client.get(f"/public/statements/{draft['id']}").get_data(as_text=True)
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(&#34;xss&#34;)&lt;/script&gt;" in page

    rows = list(csv.reader(io.StringIO(client.get(f"/public/statements/{draft['id']}.csv").data.decode("utf-8-sig"))))
    names = [row[1] for row in rows if row[0] == "Nhà hảo tâm"]
    assert names == [SCRIPT, "'" + FORMULA, "'+84 cộng hòa"]
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)

    pdf = client.get(f"/public/statements/{draft['id']}.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert client.get(f"/public/statements/{draft['id']}.json").json["donors"][0]["display_name"] == SCRIPT
