"""Role grants through the per-process cache (ledger.core.cache): a request's permission checks cost
no query. Grants, users and units (a grant's unit carries the path permissions compare) bump it."""
from sqlalchemy import select
from sqlalchemy.orm.attributes import set_committed_value

from ledger.auth.models import RoleGrant, User
from ledger.core import cache
from ledger.extensions import db
from ledger.units.cache import row_where
from ledger.units.models import Unit

cache.watch(User, "auth")
cache.watch(RoleGrant, "auth")
GRANT_COLUMNS = ("id", "user_id", "unit_id", "role")


def prime_grants(user: User) -> None:
    """Give `user` its grants (and their units) from the cache, as if the relationship had been loaded."""
    rows = cache.cached(db.session, ("auth", "units"), ("grants", user.id), lambda: grant_rows(user.id))
    grants = []
    for values, unit_values in rows:
        grant = cache.attach(db.session, RoleGrant, dict(zip(GRANT_COLUMNS, values, strict=True)))
        set_committed_value(grant, "unit", cache.attach(db.session, Unit, unit_values) if unit_values else None)
        grants.append(grant)
    set_committed_value(user, "grants", grants)


def grant_rows(user_id: int) -> tuple:
    grants = db.session.execute(select(*(RoleGrant.__table__.c[name] for name in GRANT_COLUMNS))
                                .where(RoleGrant.user_id == user_id).order_by(RoleGrant.id)).all()
    return tuple((tuple(grant), row_where("id", grant.unit_id) if grant.unit_id else None) for grant in grants)
