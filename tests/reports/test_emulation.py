"""The emulation report (báo cáo thi đua): sent before the year ends with the plan's progress frozen, due on the
plan's report_due, compared side by side and ranked at the parent, printed for the centre (PDF, XLSX).

Sơn La's plan for 2026 (made here from the models, so these tests do not lean on the plans API): "thu" = money
raised in the year (province 10,000,000; Mường Bú 4,000,000, Chiềng Mung 2,000,000), "tin_bai" = articles
published, a manual value (10 for everyone), report due 15/11/2026.
"""
import io
import subprocess
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from ledger.extensions import db
from ledger.reports.models import PeriodicReport

BEFORE_DUE, AFTER_DUE = date(2026, 10, 20), date(2026, 11, 20)


@pytest.fixture
def today(monkeypatch):
    """today(date): the day the reports code sees as today in Vietnam (20/10/2026 unless told)."""
    def set_today(day):
        for module in ("ledger.reports.rollup", "ledger.reports.emulation"):
            monkeypatch.setattr(f"{module}.vn_today", lambda: day)
    set_today(BEFORE_DUE)
    return set_today


@pytest.fixture
def plan(tree, make_unit, make_fund, receive, today):
    """SL's 2026 plan, three communes with their own funds; Mường Bú raised 3m and wrote 12 articles, Chiềng Mung
    raised 2.5m and wrote 5, Hát Lót nothing."""
    from ledger.learning.models import Indicator, ManualValue, Plan, Target
    from ledger.units.services import get_unit

    make_unit("SL-X02", level="commune", parent="SL", name="Hội Khuyến học xã Chiềng Mung")
    make_unit("SL-X03", level="commune", parent="SL", name="Hội Khuyến học xã Hát Lót")
    for code in ("SL-X01", "SL-X02", "SL-X03"):
        make_fund("Q" + code[3:], owner=code, name=f"Quỹ khuyến học {code}")
    made = Plan(unit_id=get_unit("SL").id, year=2026, name="Kế hoạch thi đua khuyến học năm 2026",
                report_due=date(2026, 11, 15), indicators=[
                    Indicator(position=1, code="thu", name="Vận động quỹ khuyến học", measure="raised",
                              target=Decimal(10_000_000)),
                    Indicator(position=2, code="tin_bai", name="Tin, bài tuyên truyền", measure="manual",
                              target=Decimal(10))])
    db.session.add(made)
    db.session.flush()
    thu, tin_bai = made.indicators
    db.session.add_all([Target(indicator_id=thu.id, unit_id=get_unit("SL-X01").id, target=Decimal(4_000_000)),
                        Target(indicator_id=thu.id, unit_id=get_unit("SL-X02").id, target=Decimal(2_000_000)),
                        ManualValue(indicator_id=tin_bai.id, unit_id=get_unit("SL-X01").id, value=Decimal(12)),
                        ManualValue(indicator_id=tin_bai.id, unit_id=get_unit("SL-X02").id, value=Decimal(5))])
    db.session.commit()
    receive("SL-X01", 3_000_000, fund="QX01")
    receive("SL-X02", 2_500_000, fund="QX02")
    return made


def submit(api_as, code, period="2026"):
    return api_as((code, "treasurer")).post(f"/units/{code}/reports", json={"kind": "emulation", "period": period})


def indicators(content):
    return {row["code"]: (row["target"], row["actual"], row["met"]) for row in content["indicators"]}


def test_the_report_freezes_the_progress_and_later_books_do_not_change_it(plan, api_as, receive):
    from ledger.learning.models import Target
    from ledger.learning.plans.services import progress
    from ledger.units.services import get_unit

    sent = submit(api_as, "SL-X01")
    assert sent.status_code == 201, sent.json
    assert (sent.json["kind"], sent.json["parent"], sent.json["period_start"], sent.json["period_end"]) == (
        "emulation", "SL", "2026-01-01", "2026-12-31")
    content = sent.json["content"]
    assert indicators(content) == {"thu": (4_000_000, 3_000_000, False), "tin_bai": (10, 12, True)}
    assert (content["met_count"], content["indicator_count"], content["reached"]) == (1, 2, 87.5)  # (75 + 100) / 2
    assert (content["raised"], content["through"], content["plan"]["unit"]) == (3_000_000, "2026-10-20", "SL")

    receive("SL-X01", 2_000_000, fund="QX01", on=date(2026, 3, 1))
    target = db.session.query(Target).filter_by(unit_id=get_unit("SL-X01").id).one()
    target.target = Decimal(3_000_000)
    db.session.commit()

    again = api_as(("SL", "viewer")).get(f"/reports/{sent.json['id']}")
    assert again.json["content"] == content
    live = {row["code"]: (row["target"], row["actual"], row["met"])
            for row in progress(plan, get_unit("SL-X01"))["indicators"]}
    assert live["thu"] == (3_000_000, 5_000_000, True)


def test_it_may_be_sent_before_the_year_ends_once_and_not_for_a_year_to_come(plan, api_as):
    from ledger.core.audit import AuditEvent

    sent = submit(api_as, "SL-X02")
    assert sent.status_code == 201  # 20/10/2026: the year is not over
    event = db.session.query(AuditEvent).filter_by(action="report.submit", object_id=str(sent.json["id"])).one()
    assert (event.after["kind"], event.after["period_start"]) == ("emulation", "2026-01-01")
    twice = submit(api_as, "SL-X02")
    assert twice.status_code == 409 and twice.json["code"] == "duplicate"
    future = submit(api_as, "SL-X02", "2027")
    assert future.status_code == 422 and future.json["code"] == "invalid_state"
    yearly = api_as(("SL-X02", "treasurer")).post("/units/SL-X02/reports", json={"kind": "yearly", "period": "2026"})
    assert yearly.status_code == 422 and yearly.json["code"] == "invalid_state"  # the other kinds still wait


def test_the_parent_receives_it_and_its_books_anchor_the_child(plan, api_as):
    from ledger.reports.models import ChainAnchor

    sent = submit(api_as, "SL-X01").json
    assert db.session.query(ChainAnchor).filter_by(report_id=sent["id"]).count() == 1
    received = api_as(("SL", "treasurer")).post(f"/reports/{sent['id']}/receive")
    assert received.status_code == 200 and received.json["status"] == "received"


def sent_on(report_id, moment):
    db.session.get(PeriodicReport, report_id).submitted_at = moment
    db.session.commit()


def test_status_names_who_is_late_and_who_has_not_reported_by_the_plans_deadline(plan, api_as, today):
    sent_on(submit(api_as, "SL-X01").json["id"], datetime(2026, 11, 15, 16, 59, tzinfo=UTC))  # 23:59 in Vietnam
    sent_on(submit(api_as, "SL-X02").json["id"], datetime(2026, 11, 15, 17, 0, tzinfo=UTC))   # 00:00 on 16/11
    viewer = api_as(("SL", "viewer"))
    before = viewer.get("/units/SL/reports/status?kind=emulation&period=2026").json
    assert (before["deadline"], before["missing"]) == ("2026-11-15", [])
    today(AFTER_DUE)
    status = viewer.get("/units/SL/reports/status?kind=emulation&period=2026").json
    assert {row["unit"]: (row["status"], row["late"], row["overdue"]) for row in status["children"]} == {
        "SL-X01": ("submitted", False, False), "SL-X02": ("submitted", True, False),
        "SL-X03": ("missing", False, True)}
    assert status["missing"] == ["SL-X03"]
    without_plan = viewer.get("/units/SL/reports/status?kind=emulation&period=2025").json
    assert without_plan["deadline"] == "2025-12-15"


def test_the_board_ranks_by_targets_met_then_by_share_reached(plan, api_as, today):
    submit(api_as, "SL-X02")
    submit(api_as, "SL-X01")
    today(AFTER_DUE)
    board = api_as(("SL", "viewer")).get("/units/SL/reports/emulation?year=2026")
    assert board.status_code == 200, board.json
    rows = [(row["unit"], row["rank"], row["met_count"], row["reached"]) for row in board.json["children"]]
    # both meet one target; Mường Bú reached (75 + 100) / 2, Chiềng Mung (100 + 50) / 2
    assert rows == [("SL-X01", 1, 1, 87.5), ("SL-X02", 2, 1, 75.0), ("SL-X03", None, 0, 0.0)]
    assert (board.json["not_reported"], board.json["missing"], board.json["deadline"]) == (
        ["SL-X03"], ["SL-X03"], "2026-11-15")
    whole = board.json["whole"]
    assert {row["code"]: (row["target"], row["actual"]) for row in whole["indicators"]}["thu"] == (
        10_000_000, 5_500_000)
    assert whole["raised"] == 5_500_000


def test_ranking_ties_fall_to_the_share_reached_then_to_the_code(app):
    from ledger.reports.emulation import ranked

    def row(unit, met, reached, reported=True):
        return {"unit": unit, "met_count": met, "reached": reached, "reported": reported, "rank": None}

    order = ranked([row("C", 2, 50.0), row("A", 3, 10.0), row("D", 2, 50.0), row("B", 2, 90.0),
                    row("E", 0, 0.0, reported=False), row("AA", 0, 0.0, reported=False)])
    assert [(r["unit"], r["rank"]) for r in order] == [("A", 1), ("B", 2), ("C", 3), ("D", 4), ("AA", None),
                                                       ("E", None)]


def test_the_parents_page_shows_children_side_by_side(plan, api_as, page_as, today):
    submit(api_as, "SL-X01")
    today(AFTER_DUE)
    page = page_as(("SL", "viewer")).get("/units/SL/reports/emulation/2026")
    assert page.status_code == 200
    text = page.text
    assert "3.000.000/4.000.000" in text and "12/10 ✓" in text  # actual/target, ✓ when met
    assert text.count("chưa báo cáo") >= 2 and "table-wrap" in text  # Chiềng Mung and Hát Lót
    assert "Hội Khuyến học xã Hát Lót" in text.split("Chưa báo cáo khi đã quá hạn")[1]


def test_a_commune_sends_it_from_the_reports_page_and_the_province_receives_it_on_the_board(plan, page_as):
    commune = page_as(("SL-X01", "treasurer"))
    form = commune.get("/units/SL-X01/reports?kind=emulation&period=2026").text
    assert "hạn gửi 15/11/2026" in form and "Gửi báo cáo" in form
    sent = commune.post("/units/SL-X01/reports", data={"kind": "emulation", "period": "2026", "note": "Năm 2026"})
    assert sent.status_code == 302
    own = commune.get("/units/SL-X01/reports?kind=emulation&period=2026").text
    assert "Vận động quỹ khuyến học" in own and "3.000.000" in own and "✓ Đạt" in own  # tin_bai 12 ≥ 10
    province = page_as(("SL", "treasurer"))
    board = province.get("/units/SL/reports/emulation/2026").text
    assert "Xác nhận đã nhận" in board
    report_id = db.session.query(PeriodicReport).filter_by(kind="emulation").one().id
    assert province.post(f"/reports/{report_id}/receive").status_code == 302
    assert db.session.get(PeriodicReport, report_id).status == "received"


def pdf_text(response) -> str:
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=response.data, capture_output=True,
                          check=True).stdout.decode()


def test_the_consolidated_report_as_pdf(plan, api_as, page_as, today):
    submit(api_as, "SL-X01")
    submit(api_as, "SL-X02")
    today(AFTER_DUE)
    text = pdf_text(page_as(("SL", "viewer")).get("/units/SL/reports/emulation/2026.pdf"))
    flat = " ".join(text.split())
    assert "BÁO CÁO KẾT QUẢ THI ĐUA" in flat and "NĂM 2026" in flat
    assert "Hội Khuyến học tỉnh Sơn La" in flat
    assert "5.500.000" in flat and "10.000.000" in flat  # the province: raised against its target
    assert flat.index("Mường Bú") < flat.index("Chiềng Mung") < flat.index("Hát Lót")  # ranked, then unreported
    assert "3.000.000/4.000.000" in flat and "2.500.000/2.000.000 ✓" in flat
    assert "chưa báo cáo" in flat and "Người lập biểu" in flat
    assert "Hát Lót (SL-X03)" in flat.split("IV.")[1]  # not reported by 15/11


def test_the_consolidated_report_as_xlsx(plan, api_as, page_as, today):
    submit(api_as, "SL-X01")
    today(AFTER_DUE)
    response = page_as(("SL", "viewer")).get("/units/SL/reports/emulation/2026.xlsx")
    assert response.status_code == 200 and "spreadsheetml" in response.mimetype
    rows = list(load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True))
    assert rows[0][0].startswith("BÁO CÁO KẾT QUẢ THI ĐUA") and rows[0][0].endswith("NĂM 2026")
    whole = next(row for row in rows if row[1] == "Vận động quỹ khuyến học")
    assert whole[2:6] == (10_000_000, 5_500_000, 55, None)  # target, actual, percent, not met
    children = [row for row in rows if isinstance(row[1], str) and row[1].startswith("Hội Khuyến học xã")]
    first = children[0]
    assert first[:5] == (1, "Hội Khuyến học xã Mường Bú (SL-X01)", "1/2", 87.5, 3_000_000)
    assert first[6:8] == ("3.000.000/4.000.000", "12/10 ✓")
    assert children[1][2] == "chưa báo cáo"
    assert any(row[2] == 5_500_000 for row in rows if row[0] == "Tổng số tiền vận động được trong năm")
    assert "Hội Khuyến học xã Hát Lót (SL-X03)" in [row[1] for row in rows[rows.index(next(
        row for row in rows if str(row[0]).startswith("IV."))):]]


@pytest.mark.parametrize("path", ["/units/SL-X01/reports/emulation/2026", "/units/SL-X01/reports/emulation/2026.pdf",
                                  "/units/SL-X01/reports/emulation/2026.xlsx"])
def test_pages_outside_the_subtree_are_forbidden(plan, page_as, path):
    assert page_as(("SL-X02", "admin")).get(path).status_code == 403
    assert page_as(("SL-X01", "viewer")).get(path).status_code == 200


def test_the_api_board_and_submitting_outside_the_subtree_are_forbidden(plan, api_as):
    outsider = api_as(("SL-X02", "admin"))
    assert outsider.get("/units/SL-X01/reports/emulation?year=2026").status_code == 403
    assert outsider.post("/units/SL-X01/reports", json={"kind": "emulation", "period": "2026"}).status_code == 403
    assert api_as(("SL-X01", "viewer")).post("/units/SL-X01/reports",
                                             json={"kind": "emulation", "period": "2026"}).status_code == 403


@pytest.mark.postgres
def test_two_submissions_at_once_make_one_report(app, plan, api_as):
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from sqlalchemy import func, select

    from ledger.reports.models import ChainAnchor

    sender = api_as(("SL-X01", "treasurer"))
    barrier = threading.Barrier(2)

    def send(_):
        barrier.wait(timeout=60)
        response = app.test_client().post("/api/v1/units/SL-X01/reports", json={"kind": "emulation", "period": "2026"},
                                          headers={"Authorization": f"Bearer {sender.token}"})
        return response.status_code, (response.get_json() or {}).get("code")
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = sorted(pool.map(send, range(2)))
    assert results == [(201, None), (409, "duplicate")]
    db.session.rollback()
    assert db.session.scalar(select(func.count(PeriodicReport.id))) == 1
    assert db.session.scalar(select(func.count(ChainAnchor.id)).where(ChainAnchor.report_id.is_not(None))) == 1


@pytest.mark.parametrize("query, status", [("", 422), ("?year=abc", 422), ("?year=1899", 422), ("?year=2101", 422),
                                           ("?year=2100", 200), ("?year=1900", 200)])
def test_the_board_refuses_bad_years_without_a_server_error(tree, api_as, query, status):
    assert api_as(("SL", "viewer")).get(f"/units/SL/reports/emulation{query}").status_code == status


@pytest.mark.parametrize("path, status", [("/units/SL/reports/emulation/2101", 404),
                                          ("/units/SL/reports/emulation/0.pdf", 404),
                                          ("/units/NOPE/reports/emulation/2026.xlsx", 404),
                                          ("/units/SL/reports/emulation/1900", 200)])
def test_the_pages_refuse_years_out_of_range_and_unknown_units(tree, page_as, path, status):
    assert page_as(("VN", "admin")).get(path).status_code == status
