"""The registry's services: subjects (households, clans, communities, organisations, citizens) of a unit,
their yearly registration (đăng ký) and moving a household to another branch.

A subject lives at one unit. Registering it for a year adds one to the kept tallies of that unit and of
every unit above it, once (a second registration of the same year is a no-op). Moving it carries the
current year's rows and counts to the new unit; earlier years stay where they happened.
"""
from collections import Counter
from datetime import date

from sqlalchemy import exists, func, literal, or_, select

from ledger.accounts.posting import dialect_insert
from ledger.core import audit
from ledger.core.dates import vn_today
from ledger.core.errors import InvalidState, NotFound, ValidationFailed
from ledger.core.i18n import _
from ledger.core.inputs import get_by_id
from ledger.core.state import claim
from ledger.core.text import fold
from ledger.extensions import db
from ledger.learning import tallies
from ledger.learning.criteria.services import MODEL_LABELS  # noqa: F401  (the registry's labels too)
from ledger.learning.models import MODELS, Assessment, LearningSubject, RecognitionItem, Registration
from ledger.units.models import Unit
from ledger.units.services import ancestors, subtree_filter

SUBJECT_FIELDS = ("name", "head_name", "address", "members", "kind")


def get_subject(subject_id) -> LearningSubject:
    subject = get_by_id(LearningSubject, subject_id)
    if subject is None:
        raise NotFound(_("Không có đối tượng mã %(id)s trong sổ đăng ký.", id=subject_id))
    return subject


def subjects_query(unit: Unit, model: str | None = None):
    """SELECT of the subjects registered anywhere in the unit's subtree (of one model when given)."""
    stmt = select(LearningSubject).join(Unit, LearningSubject.unit_id == Unit.id).where(subtree_filter(unit.path))
    return stmt.where(LearningSubject.model == model) if model else stmt


def subjects_at(unit: Unit) -> list[LearningSubject]:
    """The subjects registered at the unit itself (not below it)."""
    return list(db.session.scalars(select(LearningSubject).where(LearningSubject.unit_id == unit.id)
                                   .order_by(LearningSubject.id)))


def list_subjects(unit: Unit, *, model: str | None = None, year: int | None = None, q: str | None = None,
                  limit: int = 50, offset: int = 0):
    """(subjects, total) of the subtree by unit then name; `year` keeps those registered that year, `q` searches
    names, heads and addresses however they are typed (diacritics or not)."""
    stmt = subjects_query(unit, model)
    if year is not None:
        stmt = stmt.where(exists().where(Registration.subject_id == LearningSubject.id, Registration.year == year))
    if q and q.strip():
        stmt = stmt.where(or_(*(_folded_like(column, q) for column in (LearningSubject.name,
                                                                       LearningSubject.head_name,
                                                                       LearningSubject.address))))
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    items = db.session.scalars(stmt.order_by(Unit.path, LearningSubject.name, LearningSubject.id)
                               .limit(limit).offset(offset)).all()
    return items, total


def _folded_like(column, q: str):
    """Case and diacritics ignored on both sides: "nguyen", "NGUYỄN" and "Nguyễn" all find "Nguyễn"."""
    return or_(column.ilike(f"%{_escaped(q.strip())}%", escape="\\"), _unaccented(column, _escaped(fold(q))))


def _escaped(text: str) -> str:
    """What was typed, taken literally by LIKE ("50%" is not a wildcard)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


VOWELS = (("a", "àáảãạăằắẳẵặâầấẩẫậ"), ("e", "èéẻẽẹêềếểễệ"), ("i", "ìíỉĩị"), ("o", "òóỏõọôồốổỗộơờớởỡợ"),
          ("u", "ùúủũụưừứửữự"), ("y", "ỳýỷỹỵ"), ("d", "đ"))
ACCENTED = "".join(letters + letters.upper() for _plain, letters in VOWELS)  # upper too: a C-locale lower() is ASCII
PLAIN = "".join(plain * 2 * len(letters) for plain, letters in VOWELS)


def _unaccented(column, folded: str):
    """The column folded in SQL: PostgreSQL's translate() of the lower-cased text; on SQLite (no translate) our
    own fold() lent to the connection as a SQL function."""
    if db.engine.dialect.name == "postgresql":
        expr = func.lower(func.translate(column, ACCENTED, PLAIN))
    else:
        db.session.connection().connection.driver_connection.create_function("ledger_fold", 1, fold,
                                                                             deterministic=True)
        expr = func.ledger_fold(column)
    return expr.like(f"%{folded}%", escape="\\")


def commune_of(unit: Unit) -> Unit:
    """The commune at or above the unit (a branch's xã); a unit above communes is its own scope."""
    communes = [found for found in ancestors(unit) if found.level == "commune"]
    return communes[-1] if communes else unit


def check_clan(unit: Unit, model: str, clan_id) -> LearningSubject | None:
    """The clan a family belongs to: a registered clan in the same commune's subtree."""
    if clan_id in (None, ""):
        return None
    if model != "family":
        raise ValidationFailed(field="clan", message=_("Chỉ gia đình mới thuộc một dòng họ."))
    clan = get_by_id(LearningSubject, clan_id)
    if clan is None or clan.model != "clan":
        raise ValidationFailed(field="clan", message=_("Không có dòng họ mã %(id)s.", id=clan_id))
    scope = commune_of(unit)
    if not clan.unit.is_within(scope):
        raise ValidationFailed(field="clan", message=_("Dòng họ %(name)s không ở trong %(unit)s.", name=clan.name,
                                                       unit=scope.name))
    return clan


def usable_unit(unit: Unit) -> Unit:
    if unit.status != "active":
        raise InvalidState(_("Đơn vị %(code)s đã sáp nhập.", code=unit.code), field="unit")
    return unit


def describe(subject: LearningSubject) -> dict:
    return {"id": subject.id, "unit": subject.unit.code, "model": subject.model,
            **{name: getattr(subject, name) for name in SUBJECT_FIELDS},
            "clan": subject.clan_id, "publish_consent": subject.is_publish_consented}


def create_subject(unit: Unit, data: dict, *, by=None) -> LearningSubject:
    """A new subject at `unit`, registered for `year` (default: the current year) — API.md
    `POST /units/{code}/learning/subjects`."""
    usable_unit(unit)
    model = data["model"]
    if model not in MODELS:
        raise ValidationFailed(field="model", message=_("Mô hình phải là một trong: %(models)s.",
                                                        models=", ".join(MODELS)))
    name = (data.get("name") or "").strip()
    if not name:
        raise ValidationFailed(field="name", message=_("Cần nhập tên."))
    clan = check_clan(unit, model, data.get("clan"))
    subject = LearningSubject(unit=unit, model=model, name=name[:200],
                              head_name=(data.get("head_name") or "").strip(),
                              address=(data.get("address") or "").strip(), members=data.get("members"),
                              kind=(data.get("kind") or "").strip(), clan=clan,
                              is_publish_consented=bool(data.get("publish_consent")))
    db.session.add(subject)
    db.session.flush()
    audit.record("learning.subject.create", "learning_subject", subject.id, by=by, after=describe(subject))
    year = data.get("year") or vn_today().year
    register(subject, year, on=data.get("registered_on") or (None if year == vn_today().year else date(year, 1, 1)),
             by=by)
    return subject


def update_subject(subject: LearningSubject, data: dict, *, by=None) -> LearningSubject:
    """Change the names, members, kind, clan or consent (its model and unit do not change here)."""
    before = describe(subject)
    for name in SUBJECT_FIELDS:
        if name in data:
            value = data[name]
            setattr(subject, name, value.strip() if isinstance(value, str) else value)
    if "name" in data and not subject.name:
        raise ValidationFailed(field="name", message=_("Cần nhập tên."))
    if "clan" in data:
        subject.clan = check_clan(subject.unit, subject.model, data["clan"])
    if "publish_consent" in data:
        subject.is_publish_consented = bool(data["publish_consent"])
    db.session.flush()
    audit.record("learning.subject.update", "learning_subject", subject.id, by=by, before=before,
                 after=describe(subject))
    return subject


# ---- registration -----------------------------------------------------------------------------

def register(subject: LearningSubject, year: int, *, on: date | None = None, by=None) -> Registration:
    """The subject's registration for `year` at its unit, made once: a repeat returns the one there is. Two at
    once insert with ON CONFLICT DO NOTHING, so only the one that wrote the row adds to the tallies."""
    found = _registration(subject.id, year)
    if found is not None:
        return found
    table = Registration.__table__
    written = db.session.execute(
        dialect_insert(table).values(subject_id=subject.id, year=year, unit_id=subject.unit_id,
                              registered_on=on or vn_today(), created_by_id=getattr(by, "id", None))
        .on_conflict_do_nothing(index_elements=["subject_id", "year"]).returning(table.c.id)).scalar()
    if written is not None:
        tallies.bump(subject.unit, year, subject.model, registered=1)
        audit.record("learning.registration.create", "learning_subject", subject.id, by=by,
                     after={"year": year, "unit": subject.unit.code})
    return _registration(subject.id, year)


def _registration(subject_id: int, year: int) -> Registration | None:
    return db.session.scalar(select(Registration).where(Registration.subject_id == subject_id,
                                                        Registration.year == year))


def registrations(subject: LearningSubject) -> list[Registration]:
    """The subject's registrations, the latest year first."""
    return list(db.session.scalars(select(Registration).where(Registration.subject_id == subject.id)
                                   .order_by(Registration.year.desc())))


def registration_rows(subject: LearningSubject) -> list[dict]:
    """The subject's registrations as {subject, year, unit, unit_name, registered_on}, the latest year first."""
    rows = db.session.execute(select(Registration, Unit.code, Unit.name).join(Unit, Registration.unit_id == Unit.id)
                              .where(Registration.subject_id == subject.id).order_by(Registration.year.desc()))
    return [{"subject": subject.id, "year": row.year, "unit": code, "unit_name": name,
             "registered_on": row.registered_on} for row, code, name in rows]


def register_year(unit: Unit, model: str | None, year: int, *, on: date | None = None, by=None) -> int:
    """"Đăng ký năm YYYY" for every subject of the unit's subtree (of `model`, or all) not yet registered: one
    INSERT … SELECT, then one tally bump per unit and model. Returns how many were registered."""
    count = register_many(subjects_query(unit, model), year, on=on, by=by)
    audit.record("learning.registration.year", "unit", unit.code, by=by,
                 after={"year": year, "model": model, "registered": count})
    return count


def register_many(subjects, year: int, *, on: date | None = None, by=None) -> int:
    """Register for `year` the subjects a SELECT of LearningSubject chooses (those not yet registered), set-based;
    the tallies get one bump per unit and model. Returns how many rows were written."""
    chosen = subjects.where(~exists().where(Registration.subject_id == LearningSubject.id,
                                            Registration.year == year)) \
        .with_only_columns(LearningSubject.id, literal(year), LearningSubject.unit_id, literal(on or vn_today()),
                           literal(getattr(by, "id", None)))
    table = Registration.__table__
    inserted = db.session.execute(
        dialect_insert(table).from_select(["subject_id", "year", "unit_id", "registered_on", "created_by_id"], chosen)
        .on_conflict_do_nothing(index_elements=["subject_id", "year"]).returning(table.c.subject_id)).scalars().all()
    if not inserted:
        return 0
    per_unit: Counter = Counter()
    for start in range(0, len(inserted), 5000):  # bounded IN lists
        per_unit.update((unit_id, model) for unit_id, model in db.session.execute(
            select(LearningSubject.unit_id, LearningSubject.model).where(
                LearningSubject.id.in_(inserted[start:start + 5000]))))
    units = {found.id: found for found in db.session.scalars(select(Unit).where(
        Unit.id.in_({unit_id for unit_id, _model in per_unit})))}
    for (unit_id, subject_model), count in sorted(per_unit.items()):
        tallies.bump(units[unit_id], year, subject_model, registered=count)
    return len(inserted)


# ---- moving -----------------------------------------------------------------------------------

def move_subject(subject: LearningSubject, to_unit: Unit, *, by=None) -> LearningSubject:
    """A household moving to another branch: earlier years stay where they happened; the current year's
    registration, current assessment and recognition move with it, and so do their kept counts (taken from
    the old unit's line, added to the new one's), so the tallies still equal a count of the registry. A
    family's clan is kept only if it lies in the new unit's commune."""
    usable_unit(to_unit)
    claim(subject, lambda _subject: True)  # two moves (or a move and an assessment) at once queue here
    if to_unit.id == subject.unit_id:
        raise ValidationFailed(field="unit", message=_("Đối tượng đã ở %(unit)s.", unit=to_unit.name))
    year = vn_today().year
    from_unit, before = subject.unit, describe(subject)
    registration = _registration(subject.id, year)
    assessment = db.session.scalar(select(Assessment).where(Assessment.subject_id == subject.id,
                                                            Assessment.year == year, Assessment.status == "current"))
    item = db.session.scalar(select(RecognitionItem).where(RecognitionItem.subject_id == subject.id,
                                                           RecognitionItem.year == year))
    counts = {"registered": int(registration is not None), "assessed": int(assessment is not None),
              "passed": int(bool(assessment and assessment.is_passed)), "recognized": int(item is not None)}
    for row in (registration, assessment, item):
        if row is not None:
            row.unit_id = to_unit.id
    subject.unit = to_unit
    if subject.clan is not None and not subject.clan.unit.is_within(commune_of(to_unit)):
        subject.clan = None
    db.session.flush()
    tallies.carry(from_unit, to_unit, year, subject.model, counts)
    audit.record("learning.subject.move", "learning_subject", subject.id, by=by, before=before,
                 after={**describe(subject), "from": from_unit.code, "year": year, "moved": counts})
    return subject


def moves_of(subject: LearningSubject) -> list[dict]:
    """Where the subject was: its moves from the audit log, oldest first ({at, from, to, year})."""
    from ledger.core.audit import AuditEvent

    events = db.session.scalars(select(AuditEvent).where(AuditEvent.object_type == "learning_subject",
                                                         AuditEvent.object_id == str(subject.id),
                                                         AuditEvent.action == "learning.subject.move")
                                .order_by(AuditEvent.id))
    return [{"at": event.at, "from": (event.after or {}).get("from"), "to": (event.after or {}).get("unit"),
             "year": (event.after or {}).get("year")} for event in events]
