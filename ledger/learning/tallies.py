"""Kept counts up the tree: every registration, assessment, recognition and move adds its delta to the
rows of the subject's unit and of each of its ancestors, so coverage reads a handful of rows for any unit
(the country included) instead of counting millions of households.

`Tally` holds registered / assessed / passed / recognized per (unit, year, model), `SubtreeCount` the
population and households recorded in the subtree. Both are sums over the unit and everything below it.
"""
from collections import defaultdict

from sqlalchemy import delete, select, text, update

from ledger.accounts.posting import dialect_insert
from ledger.extensions import db
from ledger.learning.models import MODELS, SubtreeCount, Tally
from ledger.units.models import Unit
from ledger.units.services import subtree_ids

COUNTS = ("registered", "assessed", "passed", "recognized")


def ancestor_ids(unit: Unit) -> list[int]:
    """The unit and every unit above it."""
    return list(db.session.scalars(select(Unit.id).where(Unit.code.in_(unit.ancestor_codes))))


def _ensure_rows(table, keys: list[dict], conflict: list[str]) -> None:
    """Create the missing rows at zero; concurrent creators do not collide (ON CONFLICT DO NOTHING)."""
    if keys:
        db.session.execute(dialect_insert(table).values(keys).on_conflict_do_nothing(index_elements=conflict))


def bump(unit: Unit, year: int, model: str, **deltas: int) -> None:
    """Add `deltas` (registered=1, passed=-1…) to the tallies of `unit` and its ancestors for year and model."""
    deltas = {name: change for name, change in deltas.items() if change}
    if deltas:
        _shift_tallies(ancestor_ids(unit), year, model, deltas, 1)


def carry(from_unit: Unit, to_unit: Unit, year: int, model: str, counts: dict[str, int]) -> None:
    """A subject's counts for year and model move from one unit's line to another's; the ancestors both
    share (the root among them) are left alone."""
    old_line, new_line = ancestor_ids(from_unit), ancestor_ids(to_unit)
    counts = {name: change for name, change in counts.items() if change}
    if counts:
        _shift_tallies([uid for uid in old_line if uid not in new_line], year, model, counts, -1)
        _shift_tallies([uid for uid in new_line if uid not in old_line], year, model, counts, 1)


def bump_base(unit: Unit, *, population: int = 0, households: int = 0) -> None:
    """Add a change of the unit's own population or households to its and its ancestors' subtree sums."""
    if population or households:
        _shift_bases(ancestor_ids(unit), {"population": population, "households": households})


def count_new_unit(unit: Unit) -> None:
    """A unit created with its population already known adds it to its ancestors' sums."""
    bump_base(unit, population=unit.population or 0, households=unit.households or 0)


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
    """A unit changes parent: its subtree's sums leave the ancestors it no longer has and join the new ones
    (the ancestors both lines share, the root among them, are not touched)."""
    old_above = [uid for uid in ancestor_ids(unit) if uid != unit.id]
    new_above = ancestor_ids(new_parent)
    leaving = [uid for uid in old_above if uid not in new_above]
    joining = [uid for uid in new_above if uid not in old_above]
    for row in db.session.execute(select(Tally).where(Tally.unit_id == unit.id)).scalars().all():
        counts = {name: getattr(row, name) for name in COUNTS}
        _shift_tallies(leaving, row.year, row.model, counts, -1)
        _shift_tallies(joining, row.year, row.model, counts, 1)
    base = bases_of([unit.id])[unit.id]
    if any(base.values()):
        for ids, sign in ((leaving, -1), (joining, 1)):
            if ids:
                _shift_bases(ids, {name: sign * value for name, value in base.items()})


def _shift_tallies(unit_ids: list[int], year: int, model: str, counts: dict[str, int], sign: int) -> None:
    if not unit_ids:
        return
    _ensure_rows(Tally.__table__, [{"unit_id": uid, "year": year, "model": model, **zero_counts()}
                                   for uid in unit_ids], ["unit_id", "year", "model"])
    db.session.execute(update(Tally).where(Tally.unit_id.in_(unit_ids), Tally.year == year, Tally.model == model)
                       .values({getattr(Tally, name): getattr(Tally, name) + sign * change
                                for name, change in counts.items()})
                       .execution_options(synchronize_session=False))


# ---- rebuilding and checking the kept counts ---------------------------------------------------------

def _ancestor_join(dialect: str) -> str:
    """SQL joining every unit `u` to each unit `a` at or above it: on PostgreSQL the path's codes looked up
    in the unique code index (a handful of index probes per unit); elsewhere a prefix comparison."""
    if dialect == "postgresql":
        return "JOIN units a ON a.code = ANY(string_to_array(u.path, '/'))"
    return "JOIN units a ON (a.path = u.path OR substr(u.path, 1, length(a.path) + 1) = a.path || '/')"


_IN_SUBTREE = r"(u.path = :path OR u.path LIKE :below ESCAPE '\')"

# One row per registration, current assessment and recognition item, at the unit it happened in.
_EVENTS = """
    SELECT r.unit_id AS unit_id, r.year AS year, s.model AS model,
           1 AS registered, 0 AS assessed, 0 AS passed, 0 AS recognized
      FROM learning_registrations r JOIN learning_subjects s ON s.id = r.subject_id
    UNION ALL
    SELECT t.unit_id, t.year, s.model, 0, 1, CASE WHEN t.is_passed THEN 1 ELSE 0 END, 0
      FROM learning_assessments t JOIN learning_subjects s ON s.id = t.subject_id
     WHERE t.status = 'current'
    UNION ALL
    SELECT i.unit_id, i.year, s.model, 0, 0, 0, 1
      FROM learning_recognition_items i JOIN learning_subjects s ON s.id = i.subject_id
"""


def _counted_tallies(dialect: str) -> str:
    """The tallies of every unit of the subtree counted from the registry: the events grouped per unit first
    (one row per unit, year and model), then summed into each unit at or above it, down to the root."""
    return f"""
    WITH own AS (
        SELECT e.unit_id, e.year, e.model, SUM(e.registered) AS registered, SUM(e.assessed) AS assessed,
               SUM(e.passed) AS passed, SUM(e.recognized) AS recognized
          FROM ({_EVENTS}) e JOIN units u ON u.id = e.unit_id
         WHERE {_IN_SUBTREE}
         GROUP BY e.unit_id, e.year, e.model)
    SELECT a.id AS unit_id, own.year, own.model, SUM(own.registered) AS registered,
           SUM(own.assessed) AS assessed, SUM(own.passed) AS passed, SUM(own.recognized) AS recognized
      FROM own JOIN units u ON u.id = own.unit_id {_ancestor_join(dialect)}
     WHERE a.depth >= :depth
     GROUP BY a.id, own.year, own.model"""


def _counted_bases(dialect: str) -> str:
    """Each subtree unit's sums of the population and households its units record as their own."""
    return f"""
    SELECT a.id AS unit_id, SUM(COALESCE(u.population, 0)) AS population,
           SUM(COALESCE(u.households, 0)) AS households
      FROM units u {_ancestor_join(dialect)}
     WHERE {_IN_SUBTREE} AND a.depth >= :depth
       AND (u.population IS NOT NULL OR u.households IS NOT NULL)
     GROUP BY a.id"""


def _subtree_params(root: Unit) -> dict:
    escaped = root.path.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return {"path": root.path, "below": escaped + "/%", "depth": root.depth}


def _root_state(root: Unit) -> tuple[dict, dict]:
    rows = db.session.execute(select(Tally).where(Tally.unit_id == root.id)).scalars()
    counts = {(row.year, row.model): {name: getattr(row, name) for name in COUNTS} for row in rows}
    return counts, bases_of([root.id])[root.id]


def recount(root: Unit) -> dict[str, int]:
    """Rebuild the kept counts of `root`'s subtree from the registry, set-based: delete them, then one
    INSERT … SELECT for the tallies and one for the population sums. The units above the root get the
    difference the rebuild made at the root, so the whole line stays a sum. On PostgreSQL the two tables are
    locked against concurrent bumps (SHARE ROW EXCLUSIVE) until the caller commits, so nothing counted while
    it runs is lost or counted twice. Returns the number of rows written."""
    dialect = db.engine.dialect.name
    if dialect == "postgresql":
        db.session.execute(text("LOCK TABLE learning_tallies, learning_subtree_counts IN SHARE ROW EXCLUSIVE MODE"))
    before_counts, before_base = _root_state(root)
    params = _subtree_params(root)
    subtree = subtree_ids(root)
    db.session.execute(delete(Tally).where(Tally.unit_id.in_(subtree)).execution_options(synchronize_session=False))
    db.session.execute(delete(SubtreeCount).where(SubtreeCount.unit_id.in_(subtree))
                       .execution_options(synchronize_session=False))
    written = db.session.execute(text(
        "INSERT INTO learning_tallies (unit_id, year, model, registered, assessed, passed, recognized) "
        + _counted_tallies(dialect)), params).rowcount
    bases = db.session.execute(text(
        "INSERT INTO learning_subtree_counts (unit_id, population, households) " + _counted_bases(dialect)),
        params).rowcount
    db.session.expire_all()
    after_counts, after_base = _root_state(root)
    above = [uid for uid in ancestor_ids(root) if uid != root.id]
    for year, model in set(before_counts) | set(after_counts):
        old, new = before_counts.get((year, model), zero_counts()), after_counts.get((year, model), zero_counts())
        shift = {name: new[name] - old[name] for name in COUNTS if new[name] != old[name]}
        if shift:
            _shift_tallies(above, year, model, shift, 1)
    base_shift = {name: after_base[name] - before_base[name] for name in after_base}
    if above and any(base_shift.values()):
        _shift_bases(above, base_shift)
    return {"tallies": written, "bases": bases}


def verify_counts(root: Unit) -> list[dict]:
    """Compare the kept counts of `root`'s subtree with a full count of the registry: one entry per
    differing figure {unit, year, model, count, kept, counted} (year and model are None for population and
    households). Missing rows read as zero. An empty list means they agree."""
    dialect = db.engine.dialect.name
    params = _subtree_params(root)
    subtree = subtree_ids(root)
    counted = {(row.unit_id, row.year, row.model): row for row in db.session.execute(
        text(_counted_tallies(dialect)), params)}
    kept = {(row.unit_id, row.year, row.model): row for row in db.session.execute(
        select(Tally).where(Tally.unit_id.in_(subtree))).scalars()}
    differences = []
    for key in sorted(set(counted) | set(kept)):
        for name in COUNTS:
            have = getattr(kept[key], name) if key in kept else 0
            want = int(getattr(counted[key], name)) if key in counted else 0
            if have != want:
                differences.append({"unit_id": key[0], "year": key[1], "model": key[2], "count": name,
                                    "kept": have, "counted": want})
    counted_bases = {row.unit_id: row for row in db.session.execute(text(_counted_bases(dialect)), params)}
    kept_bases = {row.unit_id: row for row in db.session.execute(
        select(SubtreeCount).where(SubtreeCount.unit_id.in_(subtree))).scalars()}
    for unit_id in sorted(set(counted_bases) | set(kept_bases)):
        for name in ("population", "households"):
            have = getattr(kept_bases[unit_id], name) if unit_id in kept_bases else 0
            want = int(getattr(counted_bases[unit_id], name)) if unit_id in counted_bases else 0
            if have != want:
                differences.append({"unit_id": unit_id, "year": None, "model": None, "count": name,
                                    "kept": have, "counted": want})
    codes = dict(db.session.execute(select(Unit.id, Unit.code).where(
        Unit.id.in_({item["unit_id"] for item in differences}))).all()) if differences else {}
    return [{"unit": codes.get(item.pop("unit_id")), **item} for item in differences]


def _shift_bases(unit_ids: list[int], shift: dict[str, int]) -> None:
    _ensure_rows(SubtreeCount.__table__, [{"unit_id": uid, "population": 0, "households": 0} for uid in unit_ids],
                 ["unit_id"])
    db.session.execute(update(SubtreeCount).where(SubtreeCount.unit_id.in_(unit_ids))
                       .values(population=SubtreeCount.population + shift.get("population", 0),
                               households=SubtreeCount.households + shift.get("households", 0))
                       .execution_options(synchronize_session=False))
