"""The portal's search beyond units: campaigns by name however typed ("to hieu" → "Tô Hiệu"), and funds
by code, by name as written, or as the funds of the units found, each one SQL query.
"""
from sqlalchemy import and_, or_, select

from ledger.accounts.campaigns.models import Campaign
from ledger.accounts.models import Fund
from ledger.core.text import fold
from ledger.extensions import db
from ledger.units.models import Unit

LIMIT = 20


def search_campaigns(query: str, *, limit: int = LIMIT) -> list[Campaign]:
    """Campaigns whose name or code holds every word of the query, running ones first, newest first."""
    words = fold(query).split()
    if not words:
        return []
    return db.session.scalars(select(Campaign).where(*(Campaign.search_key.contains(w, autoescape=True)
                                                       for w in words))
                              .order_by(Campaign.ends_on.desc(), Campaign.code).limit(limit)).all()


def search_funds(query: str, units: list[Unit], *, limit: int = LIMIT) -> list[Fund]:
    """Funds whose code is the query without spaces ("to hieu" → TOHIEU) or whose name holds every word as
    typed, or owned by one of the units found."""
    words = query.casefold().split()
    if not words:
        return []
    by_name = and_(*(Fund.name.ilike(f"%{escaped(w)}%", escape="\\") for w in words))
    by_code = Fund.code.ilike(f"%{escaped(fold(query).replace(' ', ''))}%", escape="\\")
    of_units = Fund.owner_unit_id.in_([u.id for u in units])
    return db.session.scalars(select(Fund).where(or_(by_name, by_code, of_units))
                              .order_by(Fund.code).limit(limit)).all()


def escaped(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
