Q1 = {"period_start": "2026-01-01", "period_end": "2026-03-31"}

def test_dump(awards, close, publisher, client):
    close("SL", "SL-X01", "SL-B1")
    draft = publisher.post("/units/SL/statements", json={**Q1, "consolidated": True}).json
    publisher.post(f"/statements/{draft['id']}/publish", json={}).json
    open("/tmp/st.html", "w").write(client.get(f"/public/statements/{draft['id']}").get_data(as_text=True))
    open("/tmp/st.pdf", "wb").write(client.get(f"/public/statements/{draft['id']}.pdf").data)
