"""Loading what a request names, with the permission check that goes with it: one loader for every
API view and page (404 when the unit does not exist, then 403 when the signed-in user may not act)."""
from flask import g

from ledger.core import permissions
from ledger.units.models import Unit
from ledger.units.services import get_unit


def unit_for(code: str, action: str) -> Unit:
    """The unit named in the path, once the signed-in user may do `action` in it."""
    unit = get_unit(code)
    permissions.require(g.user, action, unit)
    return unit


def permitted(obj, action: str, unit: Unit | None = None):
    """`obj` (a member, a receipt, a bank account…), once the user may do `action` in its unit."""
    permissions.require(g.user, action, unit or obj.unit)
    return obj


def owner_checked(data: dict) -> dict:
    """The payload of a new fund, campaign or program, once the user may set things up in its owner unit."""
    unit_for(data["owner_unit"], "setup")
    return data
