"""Inspections over the JSON API: the board plans one and records findings, the unit answers, the board
closes. Thin views over services; the unit of work commits."""
from flask import g

from ledger.core.endpoints import Blueprint
from ledger.core.schemas import page
from ledger.inspection import schemas, services
from ledger.units.access import permitted, unit_for

inspection_api = Blueprint("inspection_api", __name__, url_prefix="/api/v1",
                           description="Kiểm tra, giám sát: kế hoạch kiểm tra, kết luận và trả lời của đơn vị")


@inspection_api.write("/units/<code>/inspections", schemas.InspectionOut, body=schemas.InspectionIn)
def plan_inspection(data, code):
    return services.describe_inspection(services.plan_inspection(unit_for(code, "inspect"), data, by=g.user))


@inspection_api.read("/units/<code>/inspections", schemas.InspectionList)
def list_inspections(code):
    inspections = services.inspections_of(unit_for(code, "read"))
    return page([services.describe_inspection(inspection) for inspection in inspections], len(inspections))


@inspection_api.read("/inspections/<inspection_id>", schemas.InspectionOut)
def get_inspection(inspection_id):
    return services.describe_inspection(permitted(services.get_inspection(inspection_id), "read"))


@inspection_api.write("/inspections/<inspection_id>/findings", schemas.FindingOut, body=schemas.FindingIn)
def record_finding(data, inspection_id):
    inspection = permitted(services.get_inspection(inspection_id), "inspect")
    return services.describe_finding(services.record_finding(inspection, data, by=g.user))


@inspection_api.write("/findings/<finding_id>/answer", schemas.FindingOut, body=schemas.FindingAnswerIn, status=200)
def answer_finding(data, finding_id):
    finding = permitted(services.get_finding(finding_id), "answer")
    return services.describe_finding(services.answer_finding(finding, data["answer"], by=g.user))


@inspection_api.write("/findings/<finding_id>/close", schemas.FindingOut, body=schemas.FindingCloseIn, status=200)
def close_finding(data, finding_id):
    finding = permitted(services.get_finding(finding_id), "inspect")
    return services.describe_finding(services.close_finding(finding, data["note"], by=g.user))
