"""Members (hội viên) of branches: add, edit, leave, move, import a roster from XLSX, and the
share of members in a unit's population ("hội viên đạt 20% dân số").
"""
from datetime import date, datetime

from sqlalchemy import func, or_, select

from ledger.accounts.community.models import Member
from ledger.accounts.treasury.services.donors import name_key
from ledger.core import audit, spreadsheets
from ledger.core.errors import InvalidState, NotFound, ValidationFailed
from ledger.core.i18n import _
from ledger.core.inputs import get_by_id
from ledger.extensions import db
from ledger.units.models import Unit
from ledger.units.services import subtree_filter, subtree_ids

MEMBER_FIELDS = ("full_name", "birth_year", "gender", "phone", "position", "joined_on")
# Header words a roster may use (compared lower-case, without diacritics) → our field.
HEADERS = {"ho va ten": "full_name", "ho ten": "full_name", "ten hoi vien": "full_name", "full name": "full_name",
           "nam sinh": "birth_year", "gioi tinh": "gender", "dien thoai": "phone", "so dien thoai": "phone",
           "sdt": "phone", "chuc vu": "position", "ngay vao hoi": "joined_on", "ngay ket nap": "joined_on"}
GENDERS = {"nam": "male", "male": "male", "nu": "female", "female": "female", "khac": "other", "other": "other"}
HEADER_SEARCH_ROWS = 10


def get_member(member_id) -> Member:
    member = get_by_id(Member, member_id)
    if member is None:
        raise NotFound(_("Không có hội viên mã %(id)s.", id=member_id))
    return member


def get_members(member_ids: list[int]) -> list[Member]:
    """Members in the order asked, in one query (a collection sheet names hundreds)."""
    found = {m.id: m for m in db.session.scalars(select(Member).where(Member.id.in_(set(member_ids))))}
    missing = [str(i) for i in member_ids if i not in found]
    if missing:
        raise NotFound(_("Không có hội viên mã %(id)s.", id=", ".join(missing[:10])), field="member_ids")
    return [found[i] for i in member_ids]


def require_branch(unit: Unit) -> Unit:
    if unit.level != "branch":
        raise ValidationFailed(field="unit", message=_(
            "Hội viên sinh hoạt ở chi hội; %(name)s không phải chi hội.", name=unit.name))
    if unit.status != "active":
        raise InvalidState(_("Đơn vị %(code)s đã sáp nhập.", code=unit.code))
    return unit


def describe(member: Member) -> dict:
    return {"unit": member.unit.code, **{name: _plain_value(getattr(member, name)) for name in MEMBER_FIELDS},
            "left_on": _plain_value(member.left_on)}


def _plain_value(value):
    return value.isoformat() if isinstance(value, date) else value


def add_member(unit: Unit, data: dict, *, by=None) -> Member:
    require_branch(unit)
    member = Member(unit=unit, **{name: data.get(name) for name in MEMBER_FIELDS})
    member.full_name = member.full_name.strip()
    db.session.add(member)
    db.session.flush()
    audit.record("member.add", "member", member.id, by=by, after=describe(member))
    return member


def update_member(member: Member, data: dict, *, by=None) -> Member:
    before = describe(member)
    for name in MEMBER_FIELDS:
        if name in data:
            setattr(member, name, data[name].strip() if name == "full_name" else data[name])
    db.session.flush()
    audit.record("member.update", "member", member.id, by=by, before=before, after=describe(member))
    return member


def leave_member(member: Member, on: date, *, by=None) -> Member:
    if member.left_on is not None:
        raise InvalidState(_("Hội viên %(name)s đã ra khỏi Hội từ %(date)s.", name=member.full_name,
                             date=member.left_on.strftime("%d/%m/%Y")))
    if member.joined_on and on < member.joined_on:
        raise ValidationFailed(field="on", message=_("Ngày ra khỏi Hội không được trước ngày vào Hội."))
    before = describe(member)
    member.left_on = on
    db.session.flush()
    audit.record("member.leave", "member", member.id, by=by, before=before, after=describe(member))
    return member


def move_member(member: Member, to_unit: Unit, *, by=None) -> Member:
    """Dues already paid stay with the receipts of the old branch; the member counts in the new one."""
    require_branch(to_unit)
    if member.left_on is not None:
        raise InvalidState(_("Hội viên %(name)s đã ra khỏi Hội.", name=member.full_name))
    before = describe(member)
    member.unit = to_unit
    db.session.flush()
    audit.record("member.move", "member", member.id, by=by, before=before, after=describe(member))
    return member


def active_in(year: int | None) -> tuple:
    """Conditions for members on the roll in `year` (or today): joined by its end, not left before it began."""
    if year is None:
        return (Member.left_on.is_(None),)
    return (or_(Member.joined_on.is_(None), Member.joined_on <= date(year, 12, 31)),
            or_(Member.left_on.is_(None), Member.left_on >= date(year, 1, 1)))


def list_members(unit: Unit, *, year: int | None = None, include_left=False, limit=50, offset=0):
    """Members of the unit's subtree, by branch then name."""
    stmt = select(Member).join(Unit, Member.unit_id == Unit.id).where(subtree_filter(unit.path))
    if not include_left:
        stmt = stmt.where(*active_in(year))
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    items = db.session.scalars(stmt.order_by(Unit.path, Member.full_name, Member.id).limit(limit).offset(offset)).all()
    return items, total


def count_members(unit: Unit, year: int | None = None) -> int:
    return db.session.scalar(select(func.count(Member.id)).where(
        Member.unit_id.in_(subtree_ids(unit)), *active_in(year))) or 0


# Hook: the learning society keeps subtree sums of population and households; each function here is called
# as (unit, population_delta, households_delta) whenever set_population changes a unit's own counts.
population_changes: list = []
UNCHANGED = object()


def set_population(unit: Unit, population: int, *, households=UNCHANGED, by=None) -> Unit:
    """The unit's own population and, when given, its number of households (số hộ); None clears one."""
    before = {"population": unit.population, "households": unit.households}
    unit.population = population
    if households is not UNCHANGED:
        unit.households = households
    db.session.flush()
    after = {"population": unit.population, "households": unit.households}
    population_delta = (after["population"] or 0) - (before["population"] or 0)
    households_delta = (after["households"] or 0) - (before["households"] or 0)
    for hook in population_changes:
        hook(unit, population_delta, households_delta)
    audit.record("unit.population", "unit", unit.code, by=by, before=before, after=after)
    return unit


def population_of(unit: Unit) -> int | None:
    """The unit's own population, else the sum over the communes of its subtree (where people are counted)."""
    if unit.population is not None:
        return unit.population
    total = db.session.scalar(select(func.sum(Unit.population)).where(
        subtree_filter(unit.path), Unit.level == "commune", Unit.population.is_not(None)))
    return int(total) if total is not None else None


def membership(unit: Unit, year: int | None = None) -> dict:
    """Members against population: the indicator behind "hội viên đạt 20% dân số"."""
    members, population = count_members(unit, year), population_of(unit)
    percent = round(100 * members / population, 1) if population else None
    return {"unit": unit.code, "members": members, "population": population, "percent": percent}


# ---- roster import --------------------------------------------------------------------------

def import_roster(unit: Unit, stream, *, by=None) -> dict:
    """Add every member of an XLSX roster, or none: row errors are reported all at once.

    The header row is found among the first rows (plans often start with a title); a member
    already on the branch's roll with the same name and birth year is skipped, so a roster
    can be imported again after adding a few lines.
    """
    require_branch(unit)
    rows = read_roster(stream)
    existing = {(name_key(m.full_name), m.birth_year) for m in db.session.scalars(
        select(Member).where(Member.unit_id == unit.id, Member.left_on.is_(None)))}
    added, skipped = [], 0
    for data in rows:
        key = (name_key(data["full_name"]), data.get("birth_year"))
        if key in existing:
            skipped += 1
            continue
        existing.add(key)
        added.append(add_member(unit, data, by=by))
    return {"added": len(added), "skipped": skipped, "members": added}


def read_roster(stream) -> list[dict]:
    # A roster's title is often merged across the columns: merged cells are read around, not refused.
    rows = spreadsheets.xlsx_rows(stream.read(spreadsheets.MAX_FILE_BYTES + 1), allow_merged=True)
    header_index, columns = find_header(rows)
    members, errors = [], {}
    for number, row in enumerate(rows[header_index + 1:], start=header_index + 2):
        values = {field: row[i] for i, field in columns.items() if i < len(row)}
        if all(v is None or str(v).strip() == "" for v in values.values()):
            continue
        try:
            members.append(roster_member(values))
        except ValidationFailed as exc:
            errors[_("Dòng %(row)s", row=number)] = [exc.detail]
    if errors:
        raise ValidationFailed(_("Danh sách có dòng sai; chưa nhập hội viên nào."), errors=errors)
    return members


def find_header(rows) -> tuple[int, dict[int, str]]:
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        columns = {i: HEADERS[name_key(cell)] for i, cell in enumerate(row) if cell and name_key(cell) in HEADERS}
        if "full_name" in columns.values():
            return index, columns
    raise ValidationFailed(field="file", message=_("Không thấy dòng tiêu đề có cột \"Họ và tên\"."))


def roster_member(values: dict) -> dict:
    name = str(values.get("full_name") or "").strip()
    if not name:
        raise ValidationFailed(_("Thiếu họ và tên."))
    data = {"full_name": name[:200], "phone": _text(values.get("phone")), "position": _text(values.get("position"))}
    data["birth_year"] = _year(values.get("birth_year"))
    data["gender"] = _gender(values.get("gender"))
    data["joined_on"] = _date(values.get("joined_on"))
    return data


def _text(value):
    text = str(value).strip() if value is not None else ""
    return text or None


def _year(value):
    if value is None or str(value).strip() == "":
        return None
    text = str(value).strip().removesuffix(".0")
    if not (text.isascii() and text.isdigit()) or not 1900 <= int(text) <= 2100:
        raise ValidationFailed(_("Năm sinh \"%(value)s\" không hợp lệ.", value=value))
    return int(text)


def _gender(value):
    if value is None or str(value).strip() == "":
        return None
    gender = GENDERS.get(name_key(value))
    if gender is None:
        raise ValidationFailed(_("Giới tính \"%(value)s\" phải là Nam, Nữ hoặc Khác.", value=value))
    return gender


def _date(value):
    if value is None or str(value).strip() == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return datetime.strptime(str(value).strip(), "%d/%m/%Y").date()
    except ValueError:
        raise ValidationFailed(_("Ngày \"%(value)s\" phải theo dạng ngày/tháng/năm.", value=value)) from None
