"""Who may do what where: one table of actions × roles, used by the API, pages and CLI alike.

A role granted on a unit holds on that unit and its whole subtree; a grant with no unit holds on
every unit, roots created later included (the first admin, API.md `ledger init`).
"""
from flask import g, has_request_context
from sqlalchemy import or_, select

from ledger.core.errors import Forbidden, Unauthorized

ALL_ROLES = frozenset({"admin", "treasurer", "approver", "reviewer", "auditor", "viewer"})
ACTIONS: dict[str, frozenset[str]] = {
    "read": ALL_ROLES,
    "post": frozenset({"admin", "treasurer"}),           # receipts, entries, dues, remittances
    "approve": frozenset({"admin", "approver"}),         # disbursements, decisions, publishing
    "close": frozenset({"admin", "treasurer"}),          # khóa sổ
    "setup": frozenset({"admin", "treasurer"}),          # funds, campaigns, programs, members
    "nominate": frozenset({"admin", "treasurer", "approver"}),
    "review": frozenset({"admin", "reviewer"}),
    "manage": frozenset({"admin"}),                      # units, users, roles, chart
}


def roles_at(user, unit) -> frozenset[str]:
    """Roles the user holds on this unit through a grant on it or an ancestor (cached per request)."""
    if user is None or unit is None:
        return frozenset()
    cache = g.setdefault("_roles_cache", {}) if has_request_context() else {}
    key = (user.id, unit.path)
    if key not in cache:
        cache[key] = frozenset(_query_roles(user, unit.path))
    return cache[key]


def _query_roles(user, path: str):
    from ledger.auth.models import RoleGrant
    from ledger.extensions import db
    from ledger.units.models import Unit

    # A grant applies on its unit and below: to the target and each of its ancestors, by exact path.
    parts = path.split("/")
    stmt = (select(RoleGrant.role).outerjoin(Unit, RoleGrant.unit_id == Unit.id)
            .where(RoleGrant.user_id == user.id)
            .where(or_(RoleGrant.unit_id.is_(None),
                       Unit.path.in_(["/".join(parts[:depth]) for depth in range(1, len(parts) + 1)]))))
    return db.session.scalars(stmt)


def allowed(user, action: str, unit) -> bool:
    return bool(roles_at(user, unit) & ACTIONS[action])


def require(user, action: str, unit) -> None:
    if user is None:
        raise Unauthorized()
    if not allowed(user, action, unit):
        raise Forbidden()


def require_each(user, action: str, units) -> None:
    """For operations that write to several units' books at once (a reversal of a thu hộ posting)."""
    for unit in units:
        require(user, action, unit)


def is_admin_anywhere(user) -> bool:
    from ledger.auth.models import RoleGrant
    from ledger.extensions import db

    return user is not None and db.session.scalar(
        select(RoleGrant.id).where(RoleGrant.user_id == user.id, RoleGrant.role == "admin").limit(1)) is not None


def require_admin_anywhere(user) -> None:
    if user is None:
        raise Unauthorized()
    if not is_admin_anywhere(user):
        raise Forbidden()


def is_global_admin(user) -> bool:
    from ledger.auth.models import RoleGrant
    from ledger.extensions import db

    return user is not None and db.session.scalar(
        select(RoleGrant.id).where(RoleGrant.user_id == user.id, RoleGrant.role == "admin",
                                   RoleGrant.unit_id.is_(None)).limit(1)) is not None


def require_global_admin(user) -> None:
    """A new root unit: only an admin over everything may start another tree."""
    if user is None:
        raise Unauthorized()
    if not is_global_admin(user):
        raise Forbidden()


def require_root_admin(user) -> None:
    """Changes to what every unit shares (the chart of accounts) need admin at the root."""
    from ledger.units.services import ensure_root

    require(user, "manage", ensure_root())


def visible_roots(user):
    """The units at the top of what the user may read (grant units, without nested duplicates)."""
    from ledger.auth.models import RoleGrant
    from ledger.extensions import db
    from ledger.units.models import Unit

    granted = select(RoleGrant.id).where(RoleGrant.user_id == user.id)
    if db.session.scalar(granted.where(RoleGrant.unit_id.is_(None)).limit(1)) is not None:
        return list(db.session.scalars(select(Unit).where(Unit.parent_id.is_(None)).order_by(Unit.path)))
    units = db.session.scalars(select(Unit).join(RoleGrant, RoleGrant.unit_id == Unit.id)
                               .where(RoleGrant.user_id == user.id).order_by(Unit.path)).unique().all()
    roots: list = []
    for unit in units:
        if not any(unit.is_within(top) for top in roots):
            roots.append(unit)
    return roots
