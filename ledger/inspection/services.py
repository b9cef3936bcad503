"""Inspections: planning one, recording findings against the unit's entries or vouchers, the unit's answer and
the board's closing. Every function writes only the inspection tables and the audit log: the books are read."""
from datetime import date

from sqlalchemy import func, or_, select

from ledger.accounts.models import Entry
from ledger.accounts.treasury.models import Disbursement, Receipt
from ledger.core import audit
from ledger.core.db import utcnow
from ledger.core.errors import NotFound, ValidationFailed
from ledger.core.i18n import _, _l
from ledger.core.inputs import get_by_id
from ledger.core.state import claim
from ledger.extensions import db
from ledger.inspection.models import Finding, Inspection
from ledger.units.models import Unit
from ledger.units.services import subtree_filter

SEVERITY_LABELS = {"low": _l("Nhẹ"), "medium": _l("Trung bình"), "high": _l("Nghiêm trọng")}
STATUS_LABELS = {"open": _l("Chờ đơn vị trả lời"), "answered": _l("Đơn vị đã trả lời"), "closed": _l("Đã kết thúc")}
# what a finding may point at: the body's field, the model, and how its error names it
DOCUMENTS = (("entry_id", Entry, _l("bút toán")), ("receipt_id", Receipt, _l("phiếu thu")),
             ("disbursement_id", Disbursement, _l("phiếu chi")))


# ---- reading ---------------------------------------------------------------------------------

def get_inspection(inspection_id) -> Inspection:
    inspection = get_by_id(Inspection, inspection_id)
    if inspection is None:
        raise NotFound(_("Không có đợt kiểm tra mã %(id)s.", id=inspection_id))
    return inspection


def get_finding(finding_id) -> Finding:
    finding = get_by_id(Finding, finding_id)
    if finding is None:
        raise NotFound(_("Không có kết luận kiểm tra mã %(id)s.", id=finding_id))
    return finding


def inspections_of(unit: Unit) -> list[Inspection]:
    return list(db.session.scalars(select(Inspection).where(Inspection.unit_id == unit.id)
                                   .order_by(Inspection.scheduled_on.desc(), Inspection.id.desc())))


def unsettled_findings(unit: Unit) -> list[Finding]:
    """The unit's findings not yet closed by the board, oldest first: what its unit page lists."""
    return list(db.session.scalars(select(Finding).where(Finding.unit_id == unit.id, Finding.status != "closed")
                                   .order_by(Finding.id)))


def findings_by_unit(paths: list[str], statuses: tuple[str, ...]) -> list[tuple[Unit, int]]:
    """(unit, how many findings in these states) for every unit in these subtrees that has some: one query."""
    if not paths:
        return []
    counted = (select(Unit, func.count(Finding.id)).join(Finding, Finding.unit_id == Unit.id)
               .where(Finding.status.in_(statuses), or_(*(subtree_filter(path) for path in paths)))
               .group_by(Unit.id).order_by(Unit.path))
    return [(unit, count) for unit, count in db.session.execute(counted)]


def document_of(finding: Finding):
    """(kind, the entry or voucher) the finding points at, or (None, None)."""
    return next(((field, getattr(finding, field.removesuffix("_id"))) for field, _model, _label in DOCUMENTS
                 if getattr(finding, field)), (None, None))


def describe_inspection(inspection: Inspection, *, with_findings: bool = True) -> dict:
    described = {"id": inspection.id, "unit": inspection.unit.code, "period_start": inspection.period_start.isoformat(),
                 "period_end": inspection.period_end.isoformat(), "scheduled_on": inspection.scheduled_on.isoformat(),
                 "scope": inspection.scope, "members": inspection.members}
    if with_findings:
        described["findings"] = [describe_finding(finding) for finding in inspection.findings]
    return described


def describe_finding(finding: Finding) -> dict:
    return {"id": finding.id, "inspection_id": finding.inspection_id, "unit": finding.unit.code,
            "entry_id": finding.entry_id, "receipt_id": finding.receipt_id,
            "disbursement_id": finding.disbursement_id, "severity": finding.severity,
            "description": finding.description, "follow_up": finding.follow_up,
            "due_on": finding.due_on.isoformat() if finding.due_on else None, "status": finding.status,
            "answer": finding.answer, "answered_at": finding.answered_at.isoformat() if finding.answered_at else None,
            "closing_note": finding.closing_note,
            "closed_at": finding.closed_at.isoformat() if finding.closed_at else None}


# ---- writing ---------------------------------------------------------------------------------

def plan_inspection(unit: Unit, data: dict, *, by=None) -> Inspection:
    if data["period_start"] > data["period_end"]:
        raise ValidationFailed(_("Ngày đầu kỳ phải trước ngày cuối kỳ."), field="period_end")
    inspection = Inspection(unit=unit, period_start=data["period_start"], period_end=data["period_end"],
                            scheduled_on=data["scheduled_on"], scope=data["scope"].strip(),
                            members=data["members"].strip(), created_by_id=getattr(by, "id", None))
    db.session.add(inspection)
    db.session.flush()
    audit.record("inspection.create", "inspection", inspection.id, by=by,
                 after=describe_inspection(inspection, with_findings=False))
    return inspection


def record_finding(inspection: Inspection, data: dict, *, by=None) -> Finding:
    """A finding of this inspection, pointing at most at one entry or voucher of the inspected unit."""
    links = {field: linked(inspection, field, data[field]) for field, _model, _label in DOCUMENTS
             if data.get(field) is not None}
    if len(links) > 1:
        raise ValidationFailed(_("Mỗi kết luận chỉ gắn với một bút toán hoặc một phiếu."), field=next(iter(links)))
    finding = Finding(inspection=inspection, unit_id=inspection.unit_id, severity=data["severity"],
                      description=data["description"].strip(), follow_up=data["follow_up"].strip(),
                      due_on=data.get("due_on"), created_by_id=getattr(by, "id", None),
                      **{field: document.id for field, document in links.items()})
    db.session.add(finding)
    db.session.flush()
    audit.record("finding.create", "finding", finding.id, by=by, after=describe_finding(finding))
    return finding


def linked(inspection: Inspection, field: str, document_id: int):
    """The entry or voucher a finding names, once it is in the inspected unit's own books."""
    model, label = next((model, label) for name, model, label in DOCUMENTS if name == field)
    document = get_by_id(model, document_id)
    if document is None or document.unit_id != inspection.unit_id:
        raise ValidationFailed(_("Không có %(what)s mã %(id)s trong sổ của %(unit)s.", what=label, id=document_id,
                                 unit=inspection.unit.name), field=field)
    return document


def answer_finding(finding: Finding, answer: str, *, by=None) -> Finding:
    """The unit's answer (what it did about it); it may answer again until the board closes the finding."""
    claim(finding, ("open", "answered"), label=lambda state: STATUS_LABELS.get(state, state))
    before = describe_finding(finding)
    finding.answer, finding.status = answer.strip(), "answered"
    finding.answered_by_id, finding.answered_at = getattr(by, "id", None), utcnow()
    db.session.flush()
    audit.record("finding.answer", "finding", finding.id, by=by, before=before, after=describe_finding(finding))
    return finding


def close_finding(finding: Finding, note: str, *, by=None) -> Finding:
    """The board accepts the unit's answer: the finding is settled."""
    claim(finding, ("answered",), label=lambda state: STATUS_LABELS.get(state, state))
    before = describe_finding(finding)
    finding.status, finding.closing_note = "closed", note.strip() or None
    finding.closed_by_id, finding.closed_at = getattr(by, "id", None), utcnow()
    db.session.flush()
    audit.record("finding.close", "finding", finding.id, by=by, before=before, after=describe_finding(finding))
    return finding


def documents_in_period(inspection: Inspection, limit: int = 300) -> dict[str, list]:
    """The vouchers of the inspected unit dated in the period: the choices of the finding form."""
    def dated(model):
        return list(db.session.scalars(select(model).where(
            model.unit_id == inspection.unit_id, model.dated_on >= inspection.period_start,
            model.dated_on <= inspection.period_end).order_by(model.dated_on, model.id).limit(limit)))
    return {"receipt_id": dated(Receipt), "disbursement_id": dated(Disbursement)}


def is_overdue(finding: Finding, today: date) -> bool:
    return finding.status == "open" and finding.due_on is not None and finding.due_on < today
