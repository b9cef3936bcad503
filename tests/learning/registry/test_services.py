"""Registration once with the kept tallies up the tree, the start-of-year drive, moving a household (history
stays, this year's counts move), and population/households with the subtree sums — all by hand."""
from datetime import date

import pytest
from sqlalchemy import select

from ledger.core.audit import AuditEvent
from ledger.core.dates import vn_today
from ledger.core.errors import InvalidState, ValidationFailed
from ledger.extensions import db
from ledger.learning import tallies
from ledger.learning.models import Assessment, CriteriaSet, LearningSubject, Recognition, RecognitionItem, Registration
from ledger.learning.registry import services
from ledger.units.services import get_unit
from tests.learning.registry.conftest import base, tally

YEAR = vn_today().year
YEAR_DAY = vn_today().isoformat()


def new(code, name, model="family", **extra):
    subject = services.create_subject(get_unit(code), {"model": model, "name": name, **extra}, by=None)
    db.session.commit()
    return subject


def test_register_is_once_and_counts_up_the_tree(tree):
    subject = new("RP-X-1", "Hộ ông Lò Văn Xuân")            # registered for this year on creation
    again = services.register(subject, YEAR)
    assert again.year == YEAR and again.unit_id == get_unit("RP-X-1").id
    first = services.register(subject, 2024, on=date(2024, 2, 1))
    second = services.register(subject, 2024)
    db.session.commit()
    assert first.id == second.id and second.registered_on == date(2024, 2, 1)
    assert db.session.scalar(select(db.func.count()).select_from(Registration)) == 2
    for code in ("RP-X-1", "RP-X", "RP", "VN"):
        assert tally(code, YEAR) == (1, 0, 0, 0) and tally(code, 2024) == (1, 0, 0, 0)
    new("RP-X-2", "Hộ bà Cầm Thị Hoa")
    new("RP-Y-1", "Hộ ông Quàng Văn Dũng")
    new("RP-Y-1", "Dòng họ Quàng", model="clan")
    # by hand: RP-X has 2 families, RP-Y 1 family + 1 clan, RP and VN all of them
    assert tally("RP-X", YEAR) == (2, 0, 0, 0) and tally("RP-Y", YEAR) == (1, 0, 0, 0)
    assert tally("RP", YEAR) == (3, 0, 0, 0) and tally("VN", YEAR) == (3, 0, 0, 0)
    assert tally("RP", YEAR, "clan") == (1, 0, 0, 0) and tally("RP-X", YEAR, "clan") is None
    assert [r.year for r in services.registrations(subject)] == [YEAR, 2024]
    assert tallies.verify_counts(get_unit("RP")) == []


def test_register_year_registers_the_rest_set_based(tree):
    for code, name in (("RP-X-1", "Hộ A"), ("RP-X-1", "Hộ B"), ("RP-X-2", "Hộ C"), ("RP-Y-1", "Hộ D")):
        new(code, name)
    services.register(db.session.scalar(select(LearningSubject).where(LearningSubject.name == "Hộ A")), YEAR + 1)
    count = services.register_year(get_unit("RP-X"), "family", YEAR + 1, by=None)
    db.session.commit()
    assert count == 2                                       # Hộ B and Hộ C; Hộ A was, Hộ D is elsewhere
    assert tally("RP-X-1", YEAR + 1) == (2, 0, 0, 0) and tally("RP-X-2", YEAR + 1) == (1, 0, 0, 0)
    assert tally("RP-X", YEAR + 1) == (3, 0, 0, 0) and tally("RP", YEAR + 1) == (3, 0, 0, 0)
    assert tally("RP-Y", YEAR + 1) is None
    assert services.register_year(get_unit("RP-X"), "family", YEAR + 1, by=None) == 0
    assert tallies.verify_counts(get_unit("RP")) == []


def assessed_and_recognized(subject, year, *, passed=True, recognized=True):
    """What helper 3's cycle writes, made here by hand: a current assessment, a recognition with its item."""
    unit = subject.unit
    criteria = CriteriaSet(code=f"T-{subject.id}-{year}", model=subject.model, name="Bộ thử", owner_unit=unit,
                           year_from=year, criteria=[{"code": "a", "name": "A"}])
    assessment = Assessment(subject=subject, year=year, unit_id=unit.id, criteria_set=criteria, answers={"a": True},
                            is_passed=passed, reasons=[], assessed_on=date(year, 6, 1), is_recognized=recognized)
    db.session.add_all([criteria, assessment])
    db.session.flush()
    tallies.bump(unit, year, subject.model, assessed=1, passed=int(passed))
    if recognized:
        decision = Recognition(unit=get_unit("RP-X"), year=year, model=subject.model, decision_number="1/QĐ",
                               decided_on=date(year, 10, 1))
        db.session.add(decision)
        db.session.flush()
        db.session.add(RecognitionItem(recognition_id=decision.id, subject=subject, assessment=assessment,
                                       unit_id=unit.id, year=year, position=1))
        tallies.bump(unit, year, subject.model, recognized=1)
    db.session.commit()


def test_move_keeps_earlier_years_and_moves_this_years_counts(tree):
    subject = new("RP-X-1", "Hộ ông Lò Văn Xuân")
    services.register(subject, YEAR - 1)
    assessed_and_recognized(subject, YEAR - 1)
    assessed_and_recognized(subject, YEAR)
    new("RP-Y-1", "Hộ khác")
    assert tally("RP-X", YEAR) == (1, 1, 1, 1) and tally("RP-Y", YEAR) == (1, 0, 0, 0)

    services.move_subject(subject, get_unit("RP-Y-1"), by=None)
    db.session.commit()
    # this year: the household's 1/1/1/1 leave RP-X-1 and RP-X, join RP-Y-1 and RP-Y; RP and VN unchanged
    assert tally("RP-X-1", YEAR) == (0, 0, 0, 0) and tally("RP-X", YEAR) == (0, 0, 0, 0)
    assert tally("RP-Y-1", YEAR) == (2, 1, 1, 1) and tally("RP-Y", YEAR) == (2, 1, 1, 1)
    assert tally("RP", YEAR) == (2, 1, 1, 1) and tally("VN", YEAR) == (2, 1, 1, 1)
    # last year stays where it happened
    assert tally("RP-X-1", YEAR - 1) == (1, 1, 1, 1) and tally("RP-Y", YEAR - 1) is None
    rows = {r.year: r.unit_id for r in services.registrations(subject)}
    assert rows == {YEAR: get_unit("RP-Y-1").id, YEAR - 1: get_unit("RP-X-1").id}
    items = {i.year: i.unit_id for i in db.session.scalars(select(RecognitionItem))}
    assert items == {YEAR: get_unit("RP-Y-1").id, YEAR - 1: get_unit("RP-X-1").id}
    assert tallies.verify_counts(get_unit("VN")) == []
    assert [(m["from"], m["to"]) for m in services.moves_of(subject)] == [("RP-X-1", "RP-Y-1")]
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "learning.subject.move"))
    assert event.before["unit"] == "RP-X-1" and event.after["moved"] == {
        "registered": 1, "assessed": 1, "passed": 1, "recognized": 1}


def test_move_drops_a_clan_of_another_commune_and_refuses_the_same_unit(tree):
    clan = new("RP-X-2", "Dòng họ Lò", model="clan")
    family = new("RP-X-1", "Hộ Lò Văn A", clan=clan.id)
    services.move_subject(family, get_unit("RP-X-2"), by=None)
    assert family.clan_id == clan.id                        # same commune: still in the clan
    services.move_subject(family, get_unit("RP-Y-1"), by=None)
    assert family.clan_id is None
    with pytest.raises(ValidationFailed):
        services.move_subject(family, get_unit("RP-Y-1"), by=None)


def test_a_merged_unit_takes_no_subjects(tree):
    unit = get_unit("RP-X-2")
    unit.status = "merged"
    with pytest.raises(InvalidState):
        services.create_subject(unit, {"model": "family", "name": "Hộ A"}, by=None)


def test_merging_a_commune_moves_its_own_subjects_and_this_years_counts(api_as, tree):
    clan = new("RP-X", "Dòng họ Lò", model="clan")              # kept at the commune itself
    new("RP-X-1", "Hộ ông Lò Văn Xuân")                          # at a branch: the branch moves, not the subject
    api = api_as(("RP", "admin"))
    merged = api.post("/units/RP-X/merge", {"into": "RP-Y", "on": YEAR_DAY})
    assert merged.status_code == 200, merged.json
    db.session.expire_all()
    assert db.session.get(LearningSubject, clan.id).unit.code == "RP-Y"
    assert get_unit("RP-X-1").parent.code == "RP-Y"
    # by hand: RP-Y now holds the clan and (through its new branch) the family; RP-X keeps nothing this year
    assert tally("RP-Y", YEAR, "clan") == (1, 0, 0, 0) and tally("RP-X", YEAR, "clan") == (0, 0, 0, 0)
    assert tally("RP-Y", YEAR) == (1, 0, 0, 0) and tally("RP-X", YEAR) == (0, 0, 0, 0)
    assert tally("RP", YEAR, "clan") == (1, 0, 0, 0) and tally("RP", YEAR) == (1, 0, 0, 0)
    assert tallies.verify_counts(get_unit("RP")) == []


def test_population_put_with_households_keeps_the_subtree_sums(api_as, tree):
    api = api_as(("RP", "treasurer"))
    for code, population, households in (("RP-X-1", 300, 80), ("RP-X-2", 200, 50), ("RP-X", 100, None),
                                         ("RP-Y-1", 400, 110)):
        body = {"population": population} | ({"households": households} if households is not None else {})
        response = api.put(f"/units/{code}/population", body)
        assert response.status_code == 200, response.json
        assert response.json["population"] == population and response.json["households"] == households
    # by hand: RP-X = 100 + 300 + 200 people, 80 + 50 households; RP = RP-X + RP-Y; VN the same
    assert base("RP-X-1") == (300, 80) and base("RP-X") == (600, 130) and base("RP-Y") == (400, 110)
    assert base("RP") == (1000, 240) and base("VN") == (1000, 240)
    assert api.put("/units/RP-X-1/population", {"population": 250}).json["households"] == 80  # left as it was
    assert base("RP-X") == (550, 130) and base("RP") == (950, 240)
    assert api.put("/units/RP-X-1/population", {"population": 250, "households": None}).json["households"] is None
    assert base("RP-X") == (550, 50) and base("VN") == (950, 160)
    assert api.put("/units/RP-X-1/population", {"population": 250, "households": -1}).status_code == 422
    assert tallies.verify_counts(get_unit("VN")) == []
