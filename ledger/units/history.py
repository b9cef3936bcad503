"""Each unit's parent history: the periods a unit spent under each parent (the 2025 reform moved many).

Moves take effect on a date; the tree as it was on any day is one recursive query over the history,
so consolidations and reports of a past period count each unit under the parent it had then. Today's
tree stays in `Unit.path` (the fast path), and only a day before some later move needs the history.
"""
from datetime import date

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import aliased, joinedload

from ledger.core.dates import vn_today
from ledger.core.errors import ValidationFailed
from ledger.core.i18n import _
from ledger.extensions import db
from ledger.units.models import BEGINNING, Unit, UnitParent


def open_first_period(unit: Unit) -> None:
    """A new unit's first period, open since BEGINNING under the parent it was created under."""
    db.session.add(UnitParent(unit_id=unit.id, parent_id=unit.parent_id, valid_from=BEGINNING))


def current_period(unit: Unit) -> UnitParent:
    return db.session.scalar(select(UnitParent).where(UnitParent.unit_id == unit.id, UnitParent.valid_to.is_(None)))


def check_move_date(unit: Unit, on: date, current: UnitParent) -> None:
    """A move takes effect from `on`: not later than today, not inside the unit's closed books (their
    consolidated reports are final), and not before the period it would end began (the last move)."""
    if on > vn_today():
        raise ValidationFailed(field="on", message=_(
            "Ngày hiệu lực không được sau hôm nay; hãy chuyển đơn vị vào đúng ngày đó."))
    if on < current.valid_from:
        raise ValidationFailed(field="on", message=_(
            "Đơn vị đã chuyển sang đơn vị cấp trên hiện nay từ ngày %(date)s: ngày hiệu lực phải từ ngày đó trở đi.",
            date=current.valid_from.strftime("%d/%m/%Y")))
    if unit.closed_through and on <= unit.closed_through:
        raise ValidationFailed(field="on", message=_(
            "Đơn vị đã khóa sổ đến hết ngày %(date)s: ngày hiệu lực phải sau ngày đó.",
            date=unit.closed_through.strftime("%d/%m/%Y")))


def record_move(unit: Unit, parent: Unit, on: date) -> None:
    """Close the open period at `on` and open one under `parent`. A second move on the same day replaces
    the first: a parent held for no whole day never counted anywhere."""
    current = current_period(unit)
    check_move_date(unit, on, current)
    if on == current.valid_from:
        current.parent_id = parent.id
    else:
        current.valid_to = on
        db.session.add(UnitParent(unit_id=unit.id, parent_id=parent.id, valid_from=on))
    db.session.flush()


def periods(unit: Unit) -> list[UnitParent]:
    """The unit's periods, newest first, with their parents loaded."""
    return list(db.session.scalars(select(UnitParent).where(UnitParent.unit_id == unit.id)
                                   .options(joinedload(UnitParent.parent)).order_by(UnitParent.valid_from.desc())))


def moved_since(day: date) -> bool:
    """Whether any move took effect after `day`: only then does that day's tree differ from today's."""
    return bool(db.session.scalar(select(exists().where(UnitParent.valid_from > day))))


def subtree_ids_on(unit: Unit, day: date):
    """SELECT of the ids of `unit` and every unit below it on `day`, walking the history down (recursive)."""
    on_day = and_(UnitParent.valid_from <= day, or_(UnitParent.valid_to.is_(None), UnitParent.valid_to > day))
    root = aliased(Unit)  # not the caller's Unit: the anchor must never correlate with an outer query
    tree = select(root.id.label("id")).where(root.id == unit.id).cte("tree_on_day", recursive=True, nesting=True)
    tree = tree.union_all(select(UnitParent.unit_id).join(tree, UnitParent.parent_id == tree.c.id).where(on_day))
    return select(tree.c.id)
