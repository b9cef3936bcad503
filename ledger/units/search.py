"""Finding units by name the way people type it: with or without diacritics ("binh lu" → "Bình Lư").

Names are folded in Python while streaming (id, code, name) of the user's visible subtrees, stopping at
the limit. At national scale a folded-name column with an index would move this into the database.
"""
import unicodedata
from contextlib import closing

from sqlalchemy import false, or_, select

from ledger.extensions import db
from ledger.units.models import Unit
from ledger.units.services import subtree_filter

STREAM_ROWS = 2000


def plain_letters() -> dict[int, str | None]:
    """A str.translate table: each accented Latin letter → its base letter, đ → d, lone marks dropped."""
    table: dict[int, str | None] = {ord("Đ"): "D", ord("đ"): "d"}
    for code in range(0xC0, 0x1F00):
        decomposed = unicodedata.normalize("NFD", chr(code))
        base = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
        if unicodedata.category(chr(code)) == "Mn":
            table[code] = None
        elif base and base != chr(code):
            table[code] = base
    return table


PLAIN = plain_letters()  # one lookup per character: several times faster than normalising each name


def fold(text: str) -> str:
    """Lower case without diacritics: "Xã Bình Lư" → "xa binh lu"; đ counts as d."""
    return " ".join(text.translate(PLAIN).casefold().split())


def matches(words: list[str], name: str, code: str) -> bool:
    haystack = f"{fold(name)} {code.casefold()}"
    return all(word in haystack for word in words)


def search_units(query: str, within: list[str], *, limit: int = 50) -> tuple[list[Unit], bool]:
    """Units inside the `within` subtrees whose name or code holds every word of the query.

    Returns (units ordered by level then path, whether there were more than `limit`).
    """
    words = fold(query).split()
    if not words or not within:
        return [], False
    stmt = (select(Unit.id, Unit.code, Unit.name)
            .where(or_(false(), *(subtree_filter(path) for path in within)))
            .order_by(Unit.depth, Unit.path).execution_options(yield_per=STREAM_ROWS))
    found: list[int] = []
    with closing(db.session.execute(stmt)) as rows:
        for row in rows:
            if matches(words, row.name, row.code):
                found.append(row.id)
                if len(found) > limit:
                    break
    units = db.session.scalars(select(Unit).where(Unit.id.in_(found[:limit]))
                               .order_by(Unit.depth, Unit.path)).all()
    return list(units), len(found) > limit


def ancestry_names(units: list[Unit]) -> dict[int, str]:
    """"Tỉnh Lai Châu › Xã Bình Lư"-style trails above each unit (root left out), in one query."""
    codes = {code for unit in units for code in unit.ancestor_codes[1:-1]}
    names = dict(db.session.execute(select(Unit.code, Unit.name).where(Unit.code.in_(codes))).all()) if codes else {}
    return {unit.id: " › ".join(names[code] for code in unit.ancestor_codes[1:-1] if code in names)
            for unit in units}
