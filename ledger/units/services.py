"""Creating, finding and re-parenting units; importing the 2025 administrative divisions."""
import re
from datetime import date

from sqlalchemy import String, false, func, literal, or_, select, update

from ledger.core import audit
from ledger.core.dates import vn_today
from ledger.core.errors import Duplicate, InvalidState, NotFound, ValidationFailed
from ledger.core.i18n import _, _l
from ledger.core.state import claim
from ledger.core.text import fold, unaccent
from ledger.extensions import db
from ledger.units import history
from ledger.units.cache import unit_by
from ledger.units.models import LEVELS, Unit

CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")
ROOT_CODE, ROOT_NAME = "VN", "Hội Khuyến học Việt Nam"
# A unit may sit directly under any unit of a higher level (districts are optional since 2025).
LEVEL_RANK = {level: rank for rank, level in enumerate(LEVELS)}

UNIT_STATES = {"active": _l("đang hoạt động"), "merged": _l("đã sáp nhập")}


def get_unit(code: str) -> Unit:
    unit = unit_by("code", code)
    if unit is None:
        raise NotFound(_("Không có đơn vị mã %(code)s.", code=code))
    return unit


def subtree_filter(path: str):
    """The path-index condition for a unit and everything below it."""
    # autoescape: codes may hold "_", which LIKE would read as "any character" (S_1 would take in SX1).
    return or_(Unit.path == path, Unit.path.startswith(path + "/", autoescape=True))


def subtree_ids(unit: Unit, on: date | None = None):
    """SELECT of the ids of the unit and everything below it: in today's tree, or in the tree as it was
    on `on` (the parent history walked only when some move took effect after that day)."""
    if on is not None and history.moved_since(on):
        return history.subtree_ids_on(unit, on)
    return select(Unit.id).where(subtree_filter(unit.path))


def children_of(unit: Unit) -> list[Unit]:
    """The unit's direct children, by code (every one: for figures per child, not a page of them)."""
    return list(db.session.scalars(select(Unit).where(Unit.parent_id == unit.id).order_by(Unit.code)))


def ancestors(unit: Unit) -> list[Unit]:
    """Root first, the unit itself last."""
    codes = unit.ancestor_codes
    found = {u.code: u for u in db.session.scalars(select(Unit).where(Unit.code.in_(codes)))}
    return [found[code] for code in codes]


def list_units(*, parent: str | None = None, query: str | None = None, within: list[str] | None = None,
               limit=50, offset=0):
    """Units, optionally children of `parent`, matching `query`, inside the subtrees at `within` paths."""
    stmt = select(Unit)
    if within is not None:
        stmt = stmt.where(or_(false(), *(subtree_filter(path) for path in within)))
    if parent:
        stmt = stmt.where(Unit.parent_id == get_unit(parent).id)
    if query:
        like = f"%{query.strip()}%"
        stmt = stmt.where(or_(Unit.name.ilike(like), Unit.code.ilike(like)))
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    items = db.session.scalars(stmt.order_by(Unit.path).limit(limit).offset(offset)).all()
    return items, total


# Features that keep sums over a unit's ancestors (ledger.learning's population sums) count a new unit in.
unit_created: list = []


def create_unit(data: dict, *, by=None) -> Unit:
    code = data["code"].strip()
    if not CODE_PATTERN.match(code):
        raise ValidationFailed(field="code", message=_(
            "Mã đơn vị chỉ gồm chữ không dấu, số, '-', '_' hoặc '.', tối đa 40 ký tự."))
    if db.session.scalar(select(Unit.id).where(Unit.code == code)):
        raise Duplicate(_("Mã đơn vị %(code)s đã có.", code=code), field="code")
    parent = get_unit(data["parent"]) if data.get("parent") else None
    check_level_under(data["level"], parent)
    unit = Unit(code=code, name=data["name"].strip(), level=data["level"], parent=parent,
                search_key=search_key(data["name"], code),
                path=f"{parent.path}/{code}" if parent else code,
                depth=parent.depth + 1 if parent else 0,
                division_code=data.get("division_code"), population=data.get("population"))
    db.session.add(unit)
    db.session.flush()
    history.open_first_period(unit)
    for created in unit_created:
        created(unit)
    audit.record("unit.create", "unit", code, by=by, after=describe(unit))
    return unit


def check_level_under(level: str, parent: Unit | None) -> None:
    if parent is None:
        if level != "central" and db.session.scalar(select(func.count(Unit.id))):
            raise ValidationFailed(field="parent",
                                   message=_("Chỉ đơn vị cấp Trung ương được không có đơn vị cấp trên."))
        return
    if LEVEL_RANK[level] <= LEVEL_RANK[parent.level] and not (level == parent.level == "branch"):
        raise ValidationFailed(field="level", message=_(
            "Đơn vị cấp %(level)s không thể trực thuộc đơn vị cấp %(parent)s.",
            level=level_label(level), parent=level_label(parent.level)))
    if parent.status != "active":
        raise InvalidState(_("Đơn vị %(code)s đã sáp nhập, không nhận đơn vị con mới.", code=parent.code))


def claim_active(*units: Unit) -> None:
    """Lock the units' rows in id order (two merges or moves never deadlock) and re-read them:
    one merged meanwhile → 409 invalid_state. Paths read after this are the committed ones."""
    for unit in sorted(set(units), key=lambda found: found.id):
        claim(unit, {"active"}, label=lambda status, code=unit.code: _(
            "đơn vị %(code)s %(state)s", code=code, state=UNIT_STATES.get(status, status)))


# Features that keep sums over a unit's ancestors (ledger.learning's tallies) follow a move:
# each is called (unit, new_parent) before the paths change.
unit_moving: list = []


def move_unit(unit: Unit, new_parent_code: str, *, on: date | None = None, by=None) -> Unit:
    """Re-parent a unit from `on` (default today): its parent history gets a new period, and today's paths of
    its whole subtree follow in one statement (moves dated in the future are refused, so paths are never early)."""
    parent = get_unit(new_parent_code)
    claim_active(unit, parent)  # a concurrent move or merge has committed; old_path below is current
    if parent.is_within(unit):
        raise InvalidState(_("Không thể chuyển đơn vị vào chính nó hoặc đơn vị con của nó."))
    check_level_under(unit.level, parent)
    before = describe(unit)
    on = on or vn_today()
    history.record_move(unit, parent, on)
    for moving in unit_moving:  # kept subtree sums leave the old ancestors and join the new ones
        moving(unit, parent)
    old_path, new_path = unit.path, f"{parent.path}/{unit.code}"
    depth_shift = parent.depth + 1 - unit.depth
    db.session.execute(
        update(Unit).where(subtree_filter(old_path))
        .values(path=literal(new_path, String) + func.substr(Unit.path, len(old_path) + 1),
                depth=Unit.depth + depth_shift)
        .execution_options(synchronize_session=False))
    unit.parent_id = parent.id
    db.session.flush()
    db.session.expire_all()
    audit.record("unit.move", "unit", unit.code, by=by, before=before, after={**describe(unit), "on": on.isoformat()})
    return unit


MOVE_CHOICES = 300


def parent_choices(unit: Unit) -> list[Unit]:
    """Parents a unit may be moved under from its page: active units of a higher level under its grandparent
    (the moves of the 2025 reform: up a level, or across to a neighbour), outside its own subtree, by path."""
    above = unit.parent.parent or unit.parent
    ranks = [level for level in LEVELS if LEVEL_RANK[level] < LEVEL_RANK[unit.level] or level == "branch" == unit.level]
    return list(db.session.scalars(
        select(Unit).where(subtree_filter(above.path), ~subtree_filter(unit.path), Unit.id != unit.parent_id,
                           Unit.status == "active", Unit.level.in_(ranks))
        .order_by(Unit.path).limit(MOVE_CHOICES)))


def search_key(name: str, code: str) -> str:
    return f"{fold(name)} {code.casefold()}"


def describe(unit: Unit) -> dict:
    return {"code": unit.code, "name": unit.name, "level": unit.level,
            "parent": unit.parent.code if unit.parent else None, "path": unit.path}


def level_label(level: str) -> str:
    return {"central": _("Trung ương"), "province": _("Tỉnh/Thành phố"), "district": _("Huyện"),
            "commune": _("Xã/Phường"), "branch": _("Chi hội")}[level]


def roots() -> list[Unit]:
    """The units without a parent: the top of every tree, by path."""
    return list(db.session.scalars(select(Unit).where(Unit.parent_id.is_(None)).order_by(Unit.path)))


def ensure_root(*, by=None) -> Unit:
    root = db.session.scalar(select(Unit).where(Unit.parent_id.is_(None)).order_by(Unit.id))
    return root or create_unit({"code": ROOT_CODE, "name": ROOT_NAME, "level": "central"}, by=by)


def ascii_initials(name: str) -> str:
    return "".join(word[0] for word in unaccent(name).split()).upper()
