"""Pages of inspections: a unit's inspections with the plan form, one inspection with its findings (the board
records and closes them, the unit answers), and the unit page's panel of findings still waiting.
Thin handlers: the same services as the API, the forms read through the API's *In schemas."""
from flask import Blueprint, g, render_template, request, url_for
from markupsafe import Markup

from ledger.accounts.community.routes import status_of
from ledger.accounts.treasury.routes import saved, shown_again
from ledger.auth.routes import login_required
from ledger.core import permissions
from ledger.core.dates import vn_today
from ledger.core.edge import refusable, unit_of_work
from ledger.core.i18n import _
from ledger.inspection import forms, services
from ledger.units.access import permitted, unit_for

inspection_pages = Blueprint("inspection", __name__, template_folder="templates")


@inspection_pages.app_context_processor
def inspection_labels():
    return {"severity_labels": services.SEVERITY_LABELS, "finding_status_labels": services.STATUS_LABELS,
            "finding_document": services.document_of}


@inspection_pages.get("/units/<code>/inspections")
@login_required
def inspection_list(code, problem: dict | None = None):
    unit = unit_for(code, "read")
    return render_template("inspection/list.html", unit=unit, inspections=services.inspections_of(unit),
                           form=request.form, problem=problem,
                           can_inspect=permissions.allowed(g.user, "inspect", unit)), status_of(problem)


@inspection_pages.post("/units/<code>/inspections")
@login_required
@unit_of_work
def inspection_create(code):
    unit = unit_for(code, "inspect")
    return refusable(lambda: planned(unit), shown_again(inspection_list, code))


def planned(unit):
    inspection = services.plan_inspection(unit, forms.inspection_from(request.form), by=g.user)
    return saved(url_for("inspection.inspection_page", inspection_id=inspection.id),
                 _("Đã lập kế hoạch kiểm tra %(unit)s.", unit=unit.name))


@inspection_pages.get("/inspections/<inspection_id>")
@login_required
def inspection_page(inspection_id, problem: dict | None = None):
    inspection = permitted(services.get_inspection(inspection_id), "read")
    can_inspect = permissions.allowed(g.user, "inspect", inspection.unit)
    return render_template("inspection/inspection.html", inspection=inspection, problem=problem, form=request.form,
                           documents=services.documents_in_period(inspection) if can_inspect else {},
                           can_inspect=can_inspect, today=vn_today(),
                           can_answer=permissions.allowed(g.user, "answer", inspection.unit)), status_of(problem)


@inspection_pages.post("/inspections/<inspection_id>/findings")
@login_required
@unit_of_work
def finding_create(inspection_id):
    inspection = permitted(services.get_inspection(inspection_id), "inspect")
    return refusable(lambda: recorded(inspection), shown_again(inspection_page, inspection_id))


def recorded(inspection):
    services.record_finding(inspection, forms.finding_from(request.form), by=g.user)
    return saved(url_for("inspection.inspection_page", inspection_id=inspection.id), _("Đã ghi kết luận kiểm tra."))


@inspection_pages.post("/findings/<finding_id>/answer")
@login_required
@unit_of_work
def finding_answer(finding_id):
    finding = permitted(services.get_finding(finding_id), "answer")
    return refusable(lambda: changed(services.answer_finding(finding, forms.answer_from(request.form), by=g.user),
                                     _("Đã gửi trả lời kết luận kiểm tra.")),
                     shown_again(inspection_page, finding.inspection_id))


@inspection_pages.post("/findings/<finding_id>/close")
@login_required
@unit_of_work
def finding_close(finding_id):
    finding = permitted(services.get_finding(finding_id), "inspect")
    return refusable(lambda: changed(services.close_finding(finding, forms.note_from(request.form), by=g.user),
                                     _("Đã kết thúc kết luận kiểm tra.")),
                     shown_again(inspection_page, finding.inspection_id))


def changed(finding, message: str):
    return saved(url_for("inspection.inspection_page", inspection_id=finding.inspection_id,
                         _anchor=f"finding-{finding.id}"), message)


def inspection_panel(unit, user) -> Markup:
    """The unit page's section: the board's findings still open here, and the way to the unit's inspections."""
    if not permissions.allowed(user, "read", unit):
        return Markup("")
    return Markup(render_template("inspection/panel.html", unit=unit, findings=services.unsettled_findings(unit),
                                  can_answer=permissions.allowed(user, "answer", unit),
                                  can_inspect=permissions.allowed(user, "inspect", unit)))
