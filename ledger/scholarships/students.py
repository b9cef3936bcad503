"""Students: one record per child across units and years (student code or national ID), their
results per school year and prizes, and the facts of a nomination that the rules evaluate.
"""
import re

from sqlalchemy import or_, select

from ledger.core import audit
from ledger.core.errors import ValidationFailed
from ledger.core.i18n import _
from ledger.extensions import db
from ledger.scholarships import rules
from ledger.scholarships.models import Student, StudentPrize, StudentResult
from ledger.units.models import Unit

SCHOOL_YEAR = re.compile(r"^(\d{4})-(\d{4})$")
# Facts the rules read, as nominated; the certificate makes the household reason explain itself.
RULE_FACTS = ("household_status", "household_certificate", "orphan", "disability", "ethnic_minority", "level",
              "grade", "academic_result", "conduct")
# Rule fields keep their names in stored rules and facts (JSON); these read a Student attribute named otherwise.
RULE_FIELD_ATTRIBUTES = {"disability": "is_disabled", "ethnic_minority": "is_ethnic_minority"}
PROFILE_FIELDS = ("full_name", "date_of_birth", "gender", "ethnicity", "is_ethnic_minority", "household_status",
                  "household_certificate", "household_certificate_year", "orphan", "is_disabled", "school", "level",
                  "grade", "field_of_study", "guardian_name", "guardian_phone", "address", "is_publish_consented")


def attribute_of(field: str) -> str:
    """The Student attribute (and loaded-schema key) that holds a rule field."""
    return RULE_FIELD_ATTRIBUTES.get(field, field)


def check_school_year(value: str, field: str = "school_year") -> str:
    """"2025-2026": two consecutive years."""
    match = SCHOOL_YEAR.match(value or "")
    if not match or int(match[2]) != int(match[1]) + 1:
        raise ValidationFailed(_("Năm học viết dạng 2025-2026 (hai năm liền nhau)."), field=field)
    return value


def next_school_year(school_year: str) -> str:
    start = int(check_school_year(school_year)[:4]) + 1
    return f"{start}-{start + 1}"


def find_student(student_code: str | None, national_id: str | None) -> Student | None:
    keys = [Student.student_code == student_code] if student_code else []
    keys += [Student.national_id == national_id] if national_id else []
    if not keys:
        return None
    found = db.session.scalars(select(Student).where(or_(*keys)).order_by(Student.id)).all()
    if len(found) > 1:
        raise ValidationFailed(_("Mã học sinh và số định danh thuộc về hai hồ sơ khác nhau; xin kiểm tra lại."),
                               field="student")
    return found[0] if found else None


def identity(data: dict) -> tuple[str | None, str | None]:
    code = (data.get("student_code") or "").strip() or None
    national_id = (data.get("national_id") or "").strip() or None
    if not code and not national_id:
        raise ValidationFailed(_("Cần mã học sinh hoặc số định danh cá nhân để nhận ra em qua các năm."),
                               field="student_code")
    return code, national_id


def save_student(data: dict, *, unit: Unit, school_year: str, by=None) -> Student:
    """Find the child by code or national ID (else create), bring the profile up to date, record the
    school year's results and any new prize."""
    code, national_id = identity(data)
    student = find_student(code, national_id)
    before = describe(student) if student else None
    if student is None:
        student = Student(home_unit=unit)
        db.session.add(student)
    for key, value in (("student_code", code), ("national_id", national_id)):
        stored = getattr(student, key)
        if value and stored and stored != value:
            raise ValidationFailed(_("Hồ sơ đã có của em này ghi %(field)s khác: %(stored)s.",
                                     field=key, stored=stored), field=key)
        setattr(student, key, stored or value)
    for field in PROFILE_FIELDS:
        if field in data:
            setattr(student, field, strip(data[field]))
    record_result(student, school_year, data)
    add_prizes(student, data.get("prizes") or [])
    db.session.flush()
    audit.record("student.save", "scholarship_student", student.id, by=by, before=before, after=describe(student))
    return student


def strip(value):
    return value.strip() or None if isinstance(value, str) else value


def record_result(student: Student, school_year: str, data: dict) -> StudentResult:
    result = next((r for r in student.results if r.school_year == school_year), None)
    if result is None:
        result = StudentResult(student=student, school_year=school_year)
        db.session.add(result)
    result.school, result.grade = data["school"].strip(), data.get("grade")
    result.academic_result, result.conduct = data["academic_result"], data["conduct"]
    return result


def add_prizes(student: Student, prizes: list[dict]) -> None:
    have = {(p.level, p.rank, p.subject, p.year) for p in student.prizes}
    for prize in prizes:
        key = (prize["level"], prize["rank"], strip(prize.get("subject")), prize["year"])
        if key not in have:
            db.session.add(StudentPrize(student=student, level=key[0], rank=key[1], subject=key[2], year=key[3]))
            have.add(key)


def facts_of(data: dict) -> dict:
    """The nominated student as the rules see it: rule fields, certificate, the prizes submitted."""
    facts = {field: data.get(attribute_of(field)) for field in RULE_FACTS}
    facts["prizes"] = [{"level": p["level"], "rank": p["rank"], "subject": strip(p.get("subject")), "year": p["year"]}
                       for p in data.get("prizes") or []]
    facts["best_prize_level"] = rules.best_prize_level(facts["prizes"])
    return facts


def describe(student: Student) -> dict:
    """What the audit log keeps of a child: never the birth date, phone or address."""
    return {"student_code": student.student_code, "national_id": student.national_id,
            "full_name": student.full_name, "school": student.school, "level": student.level, "grade": student.grade,
            "household_status": student.household_status, "publish_consent": student.is_publish_consented}
