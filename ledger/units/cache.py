"""Units found by code or id through the per-process cache (ledger.core.cache): a request that names
a unit in its path costs no query for it. Any change to a unit bumps the "units" version."""
from ledger.core import cache
from ledger.extensions import db
from ledger.units.models import Unit

cache.watch(Unit, "units")


def unit_by(column: str, value) -> Unit | None:
    """The unit whose `column` ("code" or "id") is `value`, a persistent object of this session."""
    values = cache.cached(db.session, ("units",), (column, value), lambda: row_where(column, value))
    return cache.attach(db.session, Unit, values) if values else None


def row_where(column: str, value) -> dict | None:
    return cache.row_values(db.session, Unit, Unit.__table__.c[column] == value)
