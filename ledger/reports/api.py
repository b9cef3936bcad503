"""Statements, periodic reports up the tree and the charity-fund disclosure calendar (API.md)."""
from flask import g

from ledger.core.endpoints import Blueprint
from ledger.core.schemas import page
from ledger.reports import disclosure, emulation, formats, rollup, schemas, services
from ledger.reports.public import prerender_after_commit
from ledger.units.access import permitted, unit_for

reports_api = Blueprint("reports_api", __name__, url_prefix="/api/v1",
                        description="Báo cáo công khai, báo cáo định kỳ lên cấp trên")


def statement_view(statement, *, with_content: bool = True) -> dict:
    """The statement as the API shows it, with its public address once published."""
    published = statement.status == "published"
    view = {"id": statement.id, "unit": statement.unit.code, "period_start": statement.period_start,
            "period_end": statement.period_end, "consolidated": statement.is_consolidated,
            "status": statement.status, "version": statement.version, "hash": statement.hash,
            "published_at": statement.published_at, "supersedes": statement.supersedes_id,
            "superseded_by": statement.superseded_by.id if statement.superseded_by else None,
            "correction_reason": statement.correction_reason,
            "public_url": formats.external_url("public.statement", statement_id=statement.id) if published else None}
    if with_content:
        view["content"] = services.frozen_content(statement)
    return view


@reports_api.write("/units/<code>/statements", schemas.FundStatementDetailOut, body=schemas.FundStatementIn)
def create_statement(data, code):
    return statement_view(services.create_statement(unit_for(code, "post"), data, by=g.user))


@reports_api.read("/units/<code>/statements", schemas.FundStatementList, query=schemas.FundStatementQuery)
def list_statements(query, code):
    items, total = services.list_statements(unit_for(code, "read"), published_only=False,
                                            limit=query["limit"], offset=query["offset"])
    return page([statement_view(statement, with_content=False) for statement in items], total)


@reports_api.read("/statements/<statement_id>", schemas.FundStatementDetailOut)
def get_statement(statement_id):
    return statement_view(permitted(services.get_statement(statement_id), "read"))


@reports_api.write("/statements/<statement_id>/publish", schemas.StatementPublishOut, body=schemas.StatementPublishIn,
                   status=200)
def publish_statement(data, statement_id):
    statement = permitted(services.get_statement(statement_id), "approve")
    services.publish_statement(statement, data, by=g.user)
    prerender_after_commit(statement)
    return {"id": statement.id, "status": statement.status, "version": statement.version, "hash": statement.hash,
            "public_url": formats.external_url("public.statement", statement_id=statement.id),
            "supersedes": statement.supersedes_id}


@reports_api.write("/units/<code>/reports", schemas.PeriodicReportOut, body=schemas.PeriodicReportIn)
def submit_report(data, code):
    return rollup.submit_report(unit_for(code, "post"), data, by=g.user)


@reports_api.write("/reports/<report_id>/receive", schemas.PeriodicReportOut, status=200)
def receive_report(report_id):
    report = rollup.get_report(report_id)
    return rollup.receive_report(permitted(report, "post", report.parent), by=g.user)


@reports_api.read("/reports/<report_id>", schemas.PeriodicReportOut)
def get_report(report_id):
    return permitted(rollup.get_report(report_id), "read")


@reports_api.read("/units/<code>/reports/status", schemas.PeriodicStatusOut, query=schemas.PeriodicStatusQuery)
def report_status(query, code):
    return rollup.children_status(unit_for(code, "read"), query["kind"], query["period"])


@reports_api.read("/units/<code>/reports/emulation", schemas.EmulationBoardOut, query=schemas.EmulationQuery)
def emulation_board(query, code):
    return emulation.board(unit_for(code, "read"), query["year"])


@reports_api.read("/units/<code>/disclosure", schemas.DisclosureOut)
def disclosure_overview(code):
    return disclosure.overview(unit_for(code, "read"))


def document_public_endpoints(app, spec) -> None:
    """The contract's public endpoints live outside /api/v1 (no token) but belong in the OpenAPI document."""
    documented = {
        "public.statement": ("text/html", "Trang báo cáo công khai", {}),
        "public.statement_pdf": ("application/pdf", "Bản A4 để niêm yết, có mã QR kiểm tra", {}),
        "public.statement_csv": ("text/csv", "CSV (UTF-8 có BOM, chống công thức)", {}),
        "public.statement_json": ("application/json", "Nội dung đã công bố kèm hash", {}),
        "public.verify": ("application/json", "Kiểm tra bằng mã SHA-256 (JSON khi Accept: application/json, "
                                              "không thì trang giải thích)", {"schema": schemas.StatementVerifyOut}),
    }
    for rule in app.url_map.iter_rules():
        if rule.endpoint in documented:
            mimetype, summary, body = documented[rule.endpoint]
            responses = {"200": {"description": summary, "content": {mimetype: body}}}
            if rule.endpoint != "public.verify":  # an unknown hash is an answer too: {"valid": false}
                responses["404"] = {"description": "Không có báo cáo đã công bố này"}
            spec.path(rule=rule, parameters=[], operations={"get": {
                "tags": ["Công khai"], "summary": summary, "security": [], "responses": responses}})
