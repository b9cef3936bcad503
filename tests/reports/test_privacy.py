"""No public output of a statement (page, PDF text, CSV, JSON) carries a child's birth date, student
code, phone, address or — without consent — full name; consented names and initials do appear."""
import subprocess
from datetime import date

import pytest

Q1 = {"period_start": "2026-01-01", "period_end": "2026-03-31"}


def pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "statement.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


@pytest.fixture
def outputs(awards, close, publisher, client, tmp_path):
    """Every public output of the published Q1 statement of SL, as text."""
    close("SL", "SL-X01", "SL-B1")
    draft = publisher.post("/units/SL/statements", json={**Q1, "consolidated": True}).json
    digest = publisher.post(f"/statements/{draft['id']}/publish", json={}).json["hash"]
    base = f"/public/statements/{draft['id']}"
    return {"html": client.get(base).get_data(as_text=True),
            "pdf": pdf_text(client.get(base + ".pdf").data, tmp_path),
            "csv": client.get(base + ".csv").data.decode("utf-8-sig"),
            "json": client.get(base + ".json").get_data(as_text=True),
            "verify": client.get(f"/public/verify/{digest}").get_data(as_text=True),
            "unit page": client.get("/public/units/SL").get_data(as_text=True)}


def secrets_of(child) -> list[str]:
    born = date.fromisoformat(child["date_of_birth"])
    found = [child["date_of_birth"], born.strftime("%d/%m/%Y"), child["student_code"], child["phone"],
             "Bản Nà Ban, xã Mường Bú"]
    return found if child["consent"] else found + [child["full_name"]]


def test_no_public_output_reveals_a_childs_private_data(outputs, awards):
    leaks = [(name, secret) for name, text in outputs.items() for child in awards for secret in secrets_of(child)
             if secret in text]
    assert leaks == []


def test_consented_names_and_initials_are_what_the_public_reads(outputs):
    # The search above would find these if the outputs held them: it can fail.
    for name in ("html", "pdf", "csv", "json"):
        assert "Cầm Thị Thu" in outputs[name], name
        assert "T. T. B." in outputs[name] and "L. V. H." in outputs[name], name
    assert "Trường THPT Mai Sơn" in outputs["json"]  # the consented child's school
    assert "THCS" in outputs["json"] and "Tiểu học" in outputs["json"]  # the others' school levels only
    assert "Trường Tiểu học Nà Ban" not in outputs["json"] and "Trường THCS Mường Bú" not in outputs["json"]


def test_recipient_lines_carry_only_the_contract_fields(awards, close, publisher):
    close("SL", "SL-X01", "SL-B1")
    content = publisher.post("/units/SL/statements", json={**Q1, "consolidated": True}).json["content"]
    assert sorted((r["display_name"], r["school"], r["grade"], r["amount"]) for r in content["recipients"]) == [
        ("Cầm Thị Thu", "Trường THPT Mai Sơn", 11, 1_000_000), ("L. V. H.", "Tiểu học", 4, 1_000_000),
        ("T. T. B.", "THCS", 7, 1_000_000)]
    fields = {tuple(sorted(r)) for r in content["recipients"]}
    assert fields == {("amount", "display_name", "grade", "program", "school")}


def test_edits_of_a_student_after_publishing_leave_the_statement_byte_identical(awards, close, publisher, client):
    from ledger.extensions import db
    from ledger.scholarships.models import Student

    close("SL", "SL-X01", "SL-B1")
    draft = publisher.post("/units/SL/statements", json={**Q1, "consolidated": True}).json
    digest = publisher.post(f"/statements/{draft['id']}/publish", json={}).json["hash"]
    before = client.get(f"/public/statements/{draft['id']}.json").data
    for student in db.session.query(Student):
        student.full_name, student.is_publish_consented, student.grade = "Tên Đã Sửa " + student.full_name, True, 12
    db.session.commit()
    after = client.get(f"/public/statements/{draft['id']}.json").data
    assert after == before and client.get(f"/public/verify/{digest}?format=json").json["valid"] is True
    assert "Tên Đã Sửa" not in client.get(f"/public/statements/{draft['id']}").get_data(as_text=True)
