"""Recognitions: a unit's decision (quyết định công nhận) for one model and year, by an approver, over the
subjects of its subtree whose current assessment passed — maker-checker like payments: whoever entered a
subject's current assessment cannot recognise it.

Once only: the chosen assessments are claimed in id order (is_recognized False → True) and (subject, year)
is unique among the items, so two approvers at once give one decision and one 409 for the same subjects.
"""
from collections import Counter

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ledger.core import audit
from ledger.core.errors import NotEligible, NotFound, StateChanged, ValidationFailed
from ledger.core.i18n import _, _l
from ledger.core.inputs import get_by_id
from ledger.core.state import claim
from ledger.extensions import db
from ledger.learning import tallies
from ledger.learning.criteria import services as criteria
from ledger.learning.models import Assessment, LearningSubject, Recognition, RecognitionItem
from ledger.units.models import LEVELS, Unit
from ledger.units.services import subtree_filter

LEVEL_NAMES = {"central": _l("Trung ương"), "province": _l("tỉnh"), "district": _l("huyện"), "commune": _l("xã"),
               "branch": _l("chi hội")}
ALREADY = "already"  # the refusal a lost race gives: nothing recognisable for that reason alone → 409
PAGE_LIMIT = 2000


def get_recognition(recognition_id) -> Recognition:
    found = get_by_id(Recognition, recognition_id)
    if found is None:
        raise NotFound(_("Không có quyết định công nhận số %(id)s.", id=recognition_id))
    return found


def at_or_above(unit: Unit, level: str) -> bool:
    return LEVELS.index(unit.level) <= LEVELS.index(level if level in LEVELS else "commune")


def level_name(level: str) -> str:
    return str(LEVEL_NAMES.get(level, level))


def check_level(unit: Unit, model: str, year: int) -> None:
    """The recognising unit is at or above the level the applying set names (default: the commune)."""
    needed = criteria.applicable_set(unit, model, year).recognized_by or "commune"
    if not at_or_above(unit, needed):
        raise ValidationFailed(_("Danh hiệu %(model)s do cấp %(level)s trở lên công nhận; %(unit)s không công nhận "
                                 "được.", model=criteria.model_label(model), level=level_name(needed), unit=unit.name),
                               field="unit")


def refusal(unit: Unit, data: dict, subject, current, recognised: set, by) -> tuple[str, str] | None:
    """(kind, Vietnamese reason) when the subject cannot be recognised by this decision, else None."""
    year, model = data["year"], data["model"]
    if subject is None or not subject.unit.is_within(unit):
        return "outside", _("Không thuộc địa bàn của %(unit)s.", unit=unit.name)
    if subject.model != model:
        return "model", _("Là đối tượng %(its)s, không phải %(model)s.", its=criteria.model_label(subject.model),
                          model=criteria.model_label(model))
    if subject.id in recognised or (current is not None and current.is_recognized):
        return ALREADY, _("Đã được công nhận năm %(year)s.", year=year)
    if current is None:
        return "unassessed", _("Chưa được bình xét năm %(year)s.", year=year)
    if current.is_self:
        return "self", _("Mới có bản tự đánh giá; chi hội chưa bình xét năm %(year)s.", year=year)
    if not current.is_passed:
        return "failed", _("Kết quả bình xét năm %(year)s: không đạt.", year=year)
    if by is not None and current.created_by_id == by.id:
        return "same_user", _("Người công nhận chính là người đã nhập kết quả bình xét; cần một người khác công "
                              "nhận.")
    if not at_or_above(unit, current.criteria_set.recognized_by or "commune"):
        return "level", _("Bộ tiêu chí %(code)s giao cấp %(level)s công nhận.", code=current.criteria_set.code,
                          level=level_name(current.criteria_set.recognized_by))
    return None


def recognise(unit: Unit, data: dict, *, by=None) -> Recognition:
    """A decision (API.md `POST /units/{code}/learning/recognitions`): the subjects that may be recognised are,
    the others are listed in `refused` with a reason. Nothing recognisable: no decision — 409 when every
    refusal is "already recognised" (the loser of a race), else 422 not_eligible listing the reasons."""
    year, model = data["year"], data["model"]
    check_level(unit, model, year)
    ids = list(dict.fromkeys(data["subjects"]))
    subjects = {s.id: s for s in db.session.scalars(select(LearningSubject).where(LearningSubject.id.in_(ids)))}
    currents = {a.subject_id: a for a in db.session.scalars(select(Assessment).where(
        Assessment.subject_id.in_(ids), Assessment.year == year, Assessment.status == "current"))}
    recognised = set(db.session.scalars(select(RecognitionItem.subject_id).where(
        RecognitionItem.subject_id.in_(ids), RecognitionItem.year == year)))
    refused: list[dict] = []
    chosen = []
    for subject_id in ids:
        why = refusal(unit, data, subjects.get(subject_id), currents.get(subject_id), recognised, by)
        if why:
            refused.append({"id": subject_id, "kind": why[0], "reason": why[1]})
        else:
            chosen.append(subject_id)
    claimed = claim_in_order([currents[subject_id] for subject_id in chosen], year, refused)
    if not claimed:
        nothing_recognisable(refused, year)
    recognition = Recognition(unit_id=unit.id, year=year, model=model, decision_number=data["decision_number"].strip(),
                              decided_on=data["decided_on"], created_by_id=getattr(by, "id", None))
    db.session.add(recognition)
    db.session.flush()
    in_order = [subject_id for subject_id in chosen if subject_id in claimed]
    for position, subject_id in enumerate(in_order, start=1):
        current = claimed[subject_id]
        current.is_recognized = True
        db.session.add(RecognitionItem(recognition_id=recognition.id, subject_id=subject_id, assessment_id=current.id,
                                       unit_id=subjects[subject_id].unit_id, year=year, position=position))
    db.session.flush()
    count_recognized([subjects[subject_id] for subject_id in in_order], year, model)
    recognition.refused = [{"id": item["id"], "reason": item["reason"]} for item in refused]
    audit.record("learning.recognition.create", "learning_recognition", recognition.id, by=by,
                 after={"unit": unit.code, "year": year, "model": model, "decision_number": recognition.decision_number,
                        "decided_on": recognition.decided_on.isoformat(), "recognized": in_order,
                        "refused": recognition.refused})
    db.session.refresh(recognition, ["items"])
    return recognition


def claim_in_order(assessments: list[Assessment], year: int, refused: list[dict]) -> dict[int, Assessment]:
    """Lock each chosen assessment (id order, so two deciders never wait on each other in a circle) and keep
    those still current and unrecognised; the others join `refused`."""
    claimed: dict[int, Assessment] = {}
    for assessment in sorted(assessments, key=lambda found: found.id):
        try:
            claim(assessment, lambda found: found.status == "current" and not found.is_recognized)
        except StateChanged:
            if assessment.is_recognized:
                refused.append({"id": assessment.subject_id, "kind": ALREADY,
                                "reason": _("Đã được công nhận năm %(year)s.", year=year)})
            else:
                refused.append({"id": assessment.subject_id, "kind": "changed",
                                "reason": _("Vừa được bình xét lại; xin xem lại kết quả trước khi công nhận.")})
            continue
        claimed[assessment.subject_id] = assessment
    return claimed


def nothing_recognisable(refused: list[dict], year: int):
    if refused and all(item["kind"] == ALREADY for item in refused):
        raise StateChanged(_("Các đối tượng này đã được công nhận năm %(year)s; không có gì được ghi.", year=year))
    raise NotEligible(_("Không có đối tượng nào đủ điều kiện công nhận; không có quyết định nào được lập."),
                      errors={"subjects": [f"{item['id']}: {item['reason']}" for item in refused]})


def count_recognized(subjects: list[LearningSubject], year: int, model: str) -> None:
    """The kept tallies: recognized +1 per subject, at the subject's unit and every unit above it."""
    per_unit = Counter(subject.unit_id for subject in subjects)
    units = {subject.unit_id: subject.unit for subject in subjects}
    for unit_id, count in sorted(per_unit.items()):
        tallies.bump(units[unit_id], year, model, recognized=count)


def recognitions_of(unit: Unit, *, year: int | None = None, model: str | None = None, limit: int = 50,
                    offset: int = 0):
    """Decisions of the unit and the units below it, the newest first; with the total."""
    stmt = select(Recognition).join(Unit, Unit.id == Recognition.unit_id).where(subtree_filter(unit.path))
    if year is not None:
        stmt = stmt.where(Recognition.year == year)
    if model is not None:
        stmt = stmt.where(Recognition.model == model)
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    items = db.session.scalars(stmt.order_by(Recognition.decided_on.desc(), Recognition.id.desc())
                               .options(selectinload(Recognition.unit), selectinload(Recognition.items))
                               .limit(limit).offset(offset)).all()  # the list counts each one's items
    return items, total


def recognisable(unit: Unit, model: str, year: int) -> list[tuple[LearningSubject, Assessment]]:
    """What the recognition page lists: subjects of the subtree whose current bình xét of the year passed
    and that are not yet recognised, by unit then name."""
    rows = db.session.execute(
        select(LearningSubject, Assessment)
        .join(Assessment, Assessment.subject_id == LearningSubject.id)
        .join(Unit, Unit.id == LearningSubject.unit_id)
        .where(subtree_filter(unit.path), LearningSubject.model == model, Assessment.year == year,
               Assessment.status == "current", Assessment.is_passed.is_(True), Assessment.is_recognized.is_(False),
               Assessment.is_self.is_(False))
        .order_by(Unit.path, LearningSubject.name, LearningSubject.id).limit(PAGE_LIMIT)).all()
    return [(subject, assessment) for subject, assessment in rows]


def unit_code(unit_id: int) -> str:
    return db.session.get(Unit, unit_id).code


def item_rows(recognition: Recognition) -> list[dict]:
    """The decision's list: STT, name, head, address, score, unit (for the page, the JSON and the PDF)."""
    return [{"position": item.position, "subject": item.subject_id, "name": item.subject.name,
             "head_name": item.subject.head_name, "address": item.subject.address,
             "score": item.assessment.score, "grade": item.assessment.grade,
             "unit": db.session.get(Unit, item.unit_id), "assessment": item.assessment_id}
            for item in db.session.scalars(
                select(RecognitionItem).where(RecognitionItem.recognition_id == recognition.id)
                .order_by(RecognitionItem.position)
                .options(selectinload(RecognitionItem.subject), selectinload(RecognitionItem.assessment)))]
