"""Statements, periodic reports up the tree and the charity-fund disclosure calendar (API.md)."""
from flask import g
from flask_smorest import Blueprint

from ledger.core import permissions
from ledger.core.schemas import page
from ledger.extensions import db
from ledger.reports import disclosure, formats, rollup, schemas, services
from ledger.reports.public import prerender_pdfs
from ledger.units.services import get_unit

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


@reports_api.post("/units/<code>/statements")
@reports_api.arguments(schemas.FundStatementIn)
@reports_api.response(201, schemas.FundStatementDetailOut)
def create_statement(data, code):
    unit = get_unit(code)
    permissions.require(g.user, "post", unit)
    statement = services.create_statement(unit, data, by=g.user)
    db.session.commit()
    return statement_view(statement)


@reports_api.get("/units/<code>/statements")
@reports_api.arguments(schemas.FundStatementQuery, location="query")
@reports_api.response(200, schemas.FundStatementList)
def list_statements(query, code):
    unit = get_unit(code)
    permissions.require(g.user, "read", unit)
    items, total = services.list_statements(unit, published_only=False, limit=query["limit"], offset=query["offset"])
    return page([statement_view(statement, with_content=False) for statement in items], total)


@reports_api.get("/statements/<statement_id>")
@reports_api.response(200, schemas.FundStatementDetailOut)
def get_statement(statement_id):
    statement = services.get_statement(statement_id)
    permissions.require(g.user, "read", statement.unit)
    return statement_view(statement)


@reports_api.post("/statements/<statement_id>/publish")
@reports_api.arguments(schemas.StatementPublishIn)
@reports_api.response(200, schemas.StatementPublishOut)
def publish_statement(data, statement_id):
    statement = services.get_statement(statement_id)
    permissions.require(g.user, "approve", statement.unit)
    services.publish_statement(statement, data, by=g.user)
    db.session.commit()
    prerender_pdfs(statement)
    return {"id": statement.id, "status": statement.status, "version": statement.version, "hash": statement.hash,
            "public_url": formats.external_url("public.statement", statement_id=statement.id),
            "supersedes": statement.supersedes_id}


@reports_api.post("/units/<code>/reports")
@reports_api.arguments(schemas.PeriodicReportIn)
@reports_api.response(201, schemas.PeriodicReportOut)
def submit_report(data, code):
    unit = get_unit(code)
    permissions.require(g.user, "post", unit)
    report = rollup.submit_report(unit, data, by=g.user)
    db.session.commit()
    return report


@reports_api.post("/reports/<report_id>/receive")
@reports_api.response(200, schemas.PeriodicReportOut)
def receive_report(report_id):
    report = rollup.get_report(report_id)
    permissions.require(g.user, "post", report.parent)
    rollup.receive_report(report, by=g.user)
    db.session.commit()
    return report


@reports_api.get("/reports/<report_id>")
@reports_api.response(200, schemas.PeriodicReportOut)
def get_report(report_id):
    report = rollup.get_report(report_id)
    permissions.require(g.user, "read", report.unit)
    return report


@reports_api.get("/units/<code>/reports/status")
@reports_api.arguments(schemas.PeriodicStatusQuery, location="query")
@reports_api.response(200, schemas.PeriodicStatusOut)
def report_status(query, code):
    unit = get_unit(code)
    permissions.require(g.user, "read", unit)
    return rollup.children_status(unit, query["kind"], query["period"])


@reports_api.get("/units/<code>/disclosure")
@reports_api.response(200, schemas.DisclosureOut)
def disclosure_overview(code):
    unit = get_unit(code)
    permissions.require(g.user, "read", unit)
    return disclosure.overview(unit)


def document_public_endpoints(app, api) -> None:
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
            api.spec.path(rule=rule, parameters=[], operations={"get": {
                "tags": ["Công khai"], "summary": summary, "security": [], "responses": responses}})
