"""The kept counts: `recount` rebuilds them set-based from the registry rows and gives the same rows as the
incremental bumps after any mix of registrations, assessments, recognitions, households and unit moves;
`verify_counts` finds a tampered figure; recounting one subtree puts its ancestors right too."""
import importlib.util
import random
from pathlib import Path

import pytest
from sqlalchemy import select, update

from ledger.extensions import db
from ledger.learning import tallies
from ledger.learning.models import MODELS, SubtreeCount, Tally
from ledger.units.models import Unit
from ledger.units.services import get_unit, move_unit

YEARS = (2025, 2026)


def _builders():
    """The registry builders of tests/learning/coverage/conftest.py (a conftest is not importable by name)."""
    spec = importlib.util.spec_from_file_location("learning_builders", Path(__file__).parent / "coverage/conftest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def registry(app):
    return _builders().Registry()


def kept() -> tuple[dict, dict]:
    """Every non-zero kept figure, by unit code: what both ways of counting must agree on."""
    codes = dict(db.session.execute(select(Unit.id, Unit.code)).all())
    counts = {(codes[row.unit_id], row.year, row.model): tuple(getattr(row, name) for name in tallies.COUNTS)
              for row in db.session.scalars(select(Tally))}
    bases = {codes[row.unit_id]: (row.population, row.households) for row in db.session.scalars(select(SubtreeCount))}
    return ({key: value for key, value in counts.items() if any(value)},
            {key: value for key, value in bases.items() if any(value)})


def random_season(registry, make_unit, seed: int) -> None:
    rng = random.Random(seed)
    make_unit("RP", level="province")
    communes = [make_unit(f"RP-C{i}", level="commune", parent="RP") for i in range(3)]
    branches = [make_unit(f"RP-C{i}-B{j}", parent=f"RP-C{i}") for i in range(3) for j in range(2)]
    places = communes + branches
    subjects = []
    for _step in range(60):
        action = rng.choice(("new", "new", "assess", "assess", "recognize", "households", "move", "register"))
        if action == "new":
            subjects.append(registry.subject(rng.choice(places), rng.choice(MODELS)))
            registry.register(subjects[-1], rng.choice(YEARS))
        elif action == "register" and subjects:
            subject, year = rng.choice(subjects), rng.choice(YEARS)
            if year not in registered(subject):
                registry.register(subject, year)
        elif action == "assess" and subjects:
            registry.assess(rng.choice(subjects), rng.choice(YEARS), rng.random() < 0.7)
        elif action == "recognize":
            recognize_some(registry, rng)
        elif action == "households":
            registry.households(rng.choice(places), population=rng.randint(0, 900), households=rng.randint(0, 200))
        elif action == "move":
            branch = rng.choice(branches)
            target = rng.choice([c for c in communes if c.id != branch.parent_id])
            move_unit(branch, target.code)
            db.session.expire_all()
    db.session.commit()


def registered(subject) -> list[int]:
    from ledger.learning.models import Registration
    return list(db.session.scalars(select(Registration.year).where(Registration.subject_id == subject.id)))


def recognize_some(registry, rng) -> None:
    from ledger.learning.models import Assessment, LearningSubject, RecognitionItem
    year = rng.choice(YEARS)
    ready = db.session.scalars(select(LearningSubject).join(Assessment, Assessment.subject_id == LearningSubject.id)
                               .where(Assessment.year == year, Assessment.status == "current", Assessment.is_passed,
                                      ~LearningSubject.id.in_(select(RecognitionItem.subject_id)
                                                              .where(RecognitionItem.year == year)))).all()
    if ready:
        chosen = rng.choice(ready)
        registry.recognize(get_unit("RP"), year, chosen.model, [chosen])


@pytest.mark.parametrize("seed", range(4))
def test_recount_gives_the_incremental_counts(registry, make_unit, seed):
    random_season(registry, make_unit, seed)
    incremental = kept()
    assert incremental[0], "the season counted something"
    root = get_unit("VN")
    assert tallies.verify_counts(root) == []
    db.session.execute(update(Tally).values(registered=Tally.registered + 3, passed=0))
    db.session.execute(update(SubtreeCount).values(households=SubtreeCount.households + 1))
    db.session.commit()
    assert tallies.verify_counts(root) != []
    tallies.recount(root)
    db.session.commit()
    assert kept() == incremental
    assert tallies.verify_counts(root) == []


def test_recount_of_a_subtree_puts_the_ancestors_right(registry, make_unit):
    make_unit("SP", level="province")
    commune = make_unit("SP-C", level="commune", parent="SP")
    make_unit("SP-D", level="commune", parent="SP")
    branch = make_unit("SP-C-B", parent="SP-C")
    other = make_unit("SP-D-B", parent="SP-D")
    registry.full(branch, 2026)
    registry.full(other, 2026, "clan")
    registry.households(branch, population=50, households=12)
    db.session.commit()
    incremental = kept()
    # a bogus bump: 5 families registered in the branch that no registry row backs, and 3 households
    tallies.bump(branch, 2026, "family", registered=5)
    tallies.bump_base(branch, households=3)
    db.session.commit()
    assert kept()[0][("VN", 2026, "family")] == (6, 1, 1, 0)
    wrong = {(item["unit"], item["count"], item["kept"], item["counted"])
             for item in tallies.verify_counts(get_unit("VN"))}
    assert wrong == {(code, "registered", 6, 1) for code in ("VN", "SP", "SP-C", "SP-C-B")} | {
        (code, "households", 15, 12) for code in ("VN", "SP", "SP-C", "SP-C-B")}
    assert tallies.recount(commune) == {"tallies": 2, "bases": 2}  # SP-C and SP-C-B: family 2026; their sums
    db.session.commit()
    assert kept() == incremental
    assert incremental[0][("SP", 2026, "clan")] == (1, 1, 1, 0)
    assert incremental[1]["VN"] == (50, 12)


def test_verify_counts_names_a_missing_row(registry, make_unit):
    make_unit("MP", level="province")
    branch = make_unit("MP-B", level="commune", parent="MP")
    registry.full(branch, 2026, "citizen", passed=False)
    db.session.commit()
    db.session.execute(Tally.__table__.delete().where(Tally.unit_id == branch.id))
    db.session.commit()
    assert tallies.verify_counts(get_unit("MP")) == [
        {"unit": "MP-B", "year": 2026, "model": "citizen", "count": "registered", "kept": 0, "counted": 1},
        {"unit": "MP-B", "year": 2026, "model": "citizen", "count": "assessed", "kept": 0, "counted": 1}]
