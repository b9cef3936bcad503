"""The association tree's services: materialized paths stay consistent through moves, subtree queries
take nothing from a neighbour, and the 2025 divisions import is idempotent.
"""
import pytest
from sqlalchemy import func, select

from ledger.cli import cli
from ledger.core import permissions
from ledger.core.audit import AuditEvent
from ledger.core.errors import InvalidState, ValidationFailed
from ledger.extensions import db
from ledger.units import services
from ledger.units.models import Unit


@pytest.fixture
def tree(make_unit):
    """VN → SL → SL-X01 → SL-X01-B1, SL-X01-B2;  VN → HN → HN-X01."""
    make_unit("SL", level="province")
    make_unit("SL-X01", level="commune", parent="SL")
    make_unit("SL-X01-B1", level="branch", parent="SL-X01")
    make_unit("SL-X01-B2", level="branch", parent="SL-X01")
    make_unit("HN", level="province")
    make_unit("HN-X01", level="commune", parent="HN")


def assert_paths_consistent():
    db.session.expire_all()
    for unit in db.session.scalars(select(Unit)):
        if unit.parent is None:
            assert (unit.path, unit.depth) == (unit.code, 0)
        else:
            assert unit.path == f"{unit.parent.path}/{unit.code}", unit.code
            assert unit.depth == unit.parent.depth + 1, unit.code


def codes(units) -> list[str]:
    return sorted(unit.code for unit in units)


def test_move_carries_the_whole_subtree(tree):
    services.move_unit(services.get_unit("SL-X01"), "HN")
    db.session.commit()
    assert_paths_consistent()
    assert services.get_unit("SL-X01-B2").path == "VN/HN/SL-X01/SL-X01-B2"
    moved = services.list_units(within=["VN/HN"], limit=500)[0]
    assert codes(moved) == ["HN", "HN-X01", "SL-X01", "SL-X01-B1", "SL-X01-B2"]
    assert codes(services.list_units(within=["VN/SL"], limit=500)[0]) == ["SL"]


def test_roles_follow_the_new_parent(tree, make_user):
    sl_viewer, hn_viewer = make_user(roles=[("SL", "viewer")]), make_user(roles=[("HN", "viewer")])
    branch = services.get_unit("SL-X01-B1")
    assert permissions.allowed(sl_viewer, "read", branch) and not permissions.allowed(hn_viewer, "read", branch)
    services.move_unit(services.get_unit("SL-X01"), "HN")
    db.session.commit()
    branch = services.get_unit("SL-X01-B1")
    assert permissions.allowed(hn_viewer, "read", branch) and not permissions.allowed(sl_viewer, "read", branch)


def test_a_branch_moves_between_communes_and_back(tree):
    for parent in ("HN-X01", "SL-X01", "HN-X01"):
        services.move_unit(services.get_unit("SL-X01-B1"), parent)
        db.session.commit()
        assert_paths_consistent()
    assert services.get_unit("SL-X01-B1").path == "VN/HN/HN-X01/SL-X01-B1"
    assert db.session.scalar(select(func.count()).where(AuditEvent.action == "unit.move")) == 3


@pytest.mark.parametrize("unit, parent, error", [
    ("SL", "SL-X01-B1", InvalidState),      # into its own subtree
    ("SL", "SL", InvalidState),             # into itself
    ("SL-X01", "SL-X01-B1", InvalidState),
    ("SL-X01", "HN-X01", ValidationFailed),  # a commune under a commune
    ("HN", "SL", ValidationFailed),          # a province under a province
])
def test_impossible_moves_are_refused_and_change_nothing(tree, unit, parent, error):
    before = sorted(db.session.execute(select(Unit.code, Unit.path, Unit.depth)).all())
    with pytest.raises(error):
        services.move_unit(services.get_unit(unit), parent)
    db.session.rollback()
    assert sorted(db.session.execute(select(Unit.code, Unit.path, Unit.depth)).all()) == before


def test_move_through_the_api_answers_the_new_path(tree, api_as):
    r = api_as(("VN", "admin")).post("/units/SL-X01/move", json={"parent": "HN"})
    assert r.status_code == 200 and r.json["path"] == "VN/HN/SL-X01" and r.json["parent"] == "HN"
    assert_paths_consistent()


def test_an_underscore_in_a_code_reaches_no_neighbour(make_unit, make_user):
    """A path is matched with LIKE, where "_" means any character: S_1's subtree is not SX1's."""
    grant, neighbour = "S_1", "SX1"
    for code in (grant, neighbour):
        make_unit(code, level="province")
        make_unit(f"{code}.X", level="commune", parent=code)
    inside = services.list_units(within=[f"VN/{grant}"], limit=500)[0]
    assert codes(inside) == sorted([grant, f"{grant}.X"])
    user = make_user(roles=[(grant, "admin")])
    assert not permissions.allowed(user, "read", services.get_unit(f"{neighbour}.X"))
    assert permissions.allowed(user, "manage", services.get_unit(f"{grant}.X"))


def test_import_divisions_son_la_is_one_province_and_75_communes_and_idempotent(app):
    runner = app.test_cli_runner()
    first = runner.invoke(cli, ["units", "import-divisions", "--province", "Sơn La"])
    assert first.exit_code == 0, first.output
    province = services.get_unit("SL")
    assert (province.level, province.parent.code, province.name) == ("province", "VN", "Hội Khuyến học tỉnh Sơn La")
    communes = services.list_units(parent="SL", limit=500)
    assert communes[1] == 75 and {unit.level for unit in communes[0]} == {"commune"}
    assert all(unit.code.startswith("SL-") and unit.division_code for unit in communes[0])
    assert "76 đơn vị mới" in first.output
    second = runner.invoke(cli, ["units", "import-divisions", "--province", "Sơn La"])
    assert second.exit_code == 0 and "0 đơn vị mới" in second.output
    assert db.session.scalar(select(func.count()).select_from(Unit)) == 1 + 1 + 75
    assert_paths_consistent()


def test_import_divisions_names_an_unknown_province(app):
    r = app.test_cli_runner().invoke(cli, ["units", "import-divisions", "--province", "Atlantis"])
    assert r.exit_code != 0 and "Atlantis" in r.output
