"""Kept counts up the tree: every registration, assessment, recognition and move adds its delta to the
rows of the subject's unit and of each of its ancestors, so coverage reads a handful of rows for any unit
(the country included) instead of counting millions of households.

`Tally` holds registered / assessed / passed / recognized per (unit, year, model), `SubtreeCount` the
population and households recorded in the subtree. Both are sums over the unit and everything below it.
"""
from collections import defaultdict

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite

from ledger.extensions import db
from ledger.learning.models import MODELS, SubtreeCount, Tally
from ledger.units.models import Unit

COUNTS = ("registered", "assessed", "passed", "recognized")


def ancestor_ids(unit: Unit) -> list[int]:
    """The unit and every unit above it."""
    return list(db.session.scalars(select(Unit.id).where(Unit.code.in_(unit.ancestor_codes))))


def _insert(table):
    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    return dialect.insert(table)


def _ensure_rows(table, keys: list[dict], conflict: list[str]) -> None:
    """Create the missing rows at zero; concurrent creators do not collide (ON CONFLICT DO NOTHING)."""
    if keys:
        db.session.execute(_insert(table).values(keys).on_conflict_do_nothing(index_elements=conflict))


def bump(unit: Unit, year: int, model: str, **deltas: int) -> None:
    """Add `deltas` (registered=1, passed=-1…) to the tallies of `unit` and its ancestors for year and model."""
    deltas = {name: change for name, change in deltas.items() if change}
    if deltas:
        _shift_tallies(ancestor_ids(unit), year, model, deltas, 1)


def bump_base(unit: Unit, *, population: int = 0, households: int = 0) -> None:
    """Add a change of the unit's own population or households to its and its ancestors' subtree sums."""
    if not (population or households):
        return
    unit_ids = ancestor_ids(unit)
    _ensure_rows(SubtreeCount.__table__, [{"unit_id": uid, "population": 0, "households": 0} for uid in unit_ids],
                 ["unit_id"])
    db.session.execute(update(SubtreeCount).where(SubtreeCount.unit_id.in_(unit_ids))
                       .values(population=SubtreeCount.population + population,
                               households=SubtreeCount.households + households)
                       .execution_options(synchronize_session=False))


def zero_counts() -> dict[str, int]:
    return dict.fromkeys(COUNTS, 0)


def tallies_of(unit_ids: list[int], year: int) -> dict[int, dict[str, dict[str, int]]]:
    """unit id → model → counts, for the subtrees of the given units (missing rows read as zero)."""
    found: dict[int, dict[str, dict[str, int]]] = defaultdict(lambda: {model: zero_counts() for model in MODELS})
    rows = db.session.execute(select(Tally).where(Tally.unit_id.in_(unit_ids), Tally.year == year)).scalars()
    for row in rows:
        found[row.unit_id][row.model] = {name: getattr(row, name) for name in COUNTS}
    return {uid: found[uid] for uid in unit_ids}


def bases_of(unit_ids: list[int]) -> dict[int, dict[str, int]]:
    """unit id → {population, households} recorded in its subtree."""
    rows = db.session.execute(select(SubtreeCount).where(SubtreeCount.unit_id.in_(unit_ids))).scalars()
    found = {row.unit_id: {"population": row.population, "households": row.households} for row in rows}
    return {uid: found.get(uid, {"population": 0, "households": 0}) for uid in unit_ids}


def follow_unit_move(unit: Unit, new_parent: Unit) -> None:
    """A unit changes parent: its subtree's sums leave the old ancestors and join the new parent's line."""
    old_above = [uid for uid in ancestor_ids(unit) if uid != unit.id]
    new_above = ancestor_ids(new_parent)
    own = db.session.execute(select(Tally).where(Tally.unit_id == unit.id)).scalars().all()
    for row in own:
        counts = {name: getattr(row, name) for name in COUNTS}
        _shift_tallies(old_above, row.year, row.model, counts, -1)
        _shift_tallies(new_above, row.year, row.model, counts, 1)
    base = bases_of([unit.id])[unit.id]
    for ids, sign in ((old_above, -1), (new_above, 1)):
        if ids and any(base.values()):
            _ensure_rows(SubtreeCount.__table__, [{"unit_id": uid, "population": 0, "households": 0} for uid in ids],
                         ["unit_id"])
            db.session.execute(update(SubtreeCount).where(SubtreeCount.unit_id.in_(ids))
                               .values(population=SubtreeCount.population + sign * base["population"],
                                       households=SubtreeCount.households + sign * base["households"])
                               .execution_options(synchronize_session=False))


def _shift_tallies(unit_ids: list[int], year: int, model: str, counts: dict[str, int], sign: int) -> None:
    if not unit_ids:
        return
    _ensure_rows(Tally.__table__, [{"unit_id": uid, "year": year, "model": model, **zero_counts()}
                                   for uid in unit_ids], ["unit_id", "year", "model"])
    db.session.execute(update(Tally).where(Tally.unit_id.in_(unit_ids), Tally.year == year, Tally.model == model)
                       .values({getattr(Tally, name): getattr(Tally, name) + sign * change
                                for name, change in counts.items()})
                       .execution_options(synchronize_session=False))
