"""Finding units by name the way people type it: with or without diacritics ("binh lu" → "Bình Lư").

Each unit keeps a folded search key (name without diacritics + code); a search is one SQL scan of it.
"""
from sqlalchemy import false, or_, select

from ledger.core.text import fold
from ledger.extensions import db
from ledger.units.models import Unit
from ledger.units.services import subtree_filter


def search_units(query: str, within: list[str], *, limit: int = 50) -> tuple[list[Unit], bool]:
    """Units inside the `within` subtrees whose name or code holds every word of the query.

    Returns (units ordered by level then path, whether there were more than `limit`).
    """
    words = fold(query).split()
    if not words or not within:
        return [], False
    units = db.session.scalars(
        select(Unit).where(or_(false(), *(subtree_filter(path) for path in within)),
                           *(Unit.search_key.contains(word, autoescape=True) for word in words))
        .order_by(Unit.depth, Unit.path).limit(limit + 1)).all()
    return list(units[:limit]), len(units) > limit


def ancestry_names(units: list[Unit]) -> dict[int, str]:
    """"Tỉnh Lai Châu › Xã Bình Lư"-style trails above each unit (root left out), in one query."""
    codes = {code for unit in units for code in unit.ancestor_codes[1:-1]}
    names = dict(db.session.execute(select(Unit.code, Unit.name).where(Unit.code.in_(codes))).all()) if codes else {}
    return {unit.id: " › ".join(names[code] for code in unit.ancestor_codes[1:-1] if code in names)
            for unit in units}
