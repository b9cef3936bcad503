"""Who may do what where: one table of actions × roles, used by the API, pages and CLI alike.

A role granted on a unit holds on that unit and its whole subtree; a grant with no unit holds on
every unit, roots created later included (the first admin, API.md `ledger init`).

Core reads no feature's tables: the user object says which roles it holds where (`unit_roles`, pairs of
the granted unit, None for every unit, and the role), and ledger.units fills in `unit_tree`.
"""
from collections.abc import Callable

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
    # the learning society: registering and assessing (bình xét) subjects; criteria sets, plans, targets
    "assess": frozenset({"admin", "treasurer", "approver", "reviewer"}),
    "plan": frozenset({"admin", "treasurer", "approver"}),
    # inspection (kiểm tra, giám sát): the board plans and records findings; the unit's officers answer them
    "inspect": frozenset({"admin", "auditor"}),
    "answer": frozenset({"admin", "treasurer", "approver"}),
}


# What permissions needs of the unit tree, registered by ledger.units at start: "roots" () -> the units
# without a parent, by path; "shared_root" () -> the root whose admins manage what every unit shares.
unit_tree: dict[str, Callable] = {}


def roles_at(user, unit) -> frozenset[str]:
    """Roles the user holds on this unit through a grant on it or an ancestor."""
    if user is None or unit is None:
        return frozenset()
    return frozenset(role for granted, role in user.unit_roles if granted is None or unit.is_within(granted))


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
    return user is not None and any(role == "admin" for _unit, role in user.unit_roles)


def is_global_admin(user) -> bool:
    return user is not None and (None, "admin") in user.unit_roles


def require_admin_anywhere(user) -> None:
    require_that(user, is_admin_anywhere)


def require_global_admin(user) -> None:
    """A new root unit: only an admin over everything may start another tree."""
    require_that(user, is_global_admin)


def require_that(user, check: Callable) -> None:
    if user is None:
        raise Unauthorized()
    if not check(user):
        raise Forbidden()


def require_root_admin(user) -> None:
    """Changes to what every unit shares (the chart of accounts) need admin at the root."""
    require(user, "manage", unit_tree["shared_root"]())


def visible_roots(user):
    """The units at the top of what the user may read (grant units, without nested duplicates)."""
    granted = {unit for unit, _role in user.unit_roles}
    if None in granted:
        return list(unit_tree["roots"]())
    roots: list = []
    for unit in sorted(granted, key=lambda unit: unit.path):
        if not any(unit.is_within(top) for top in roots):
            roots.append(unit)
    return roots
