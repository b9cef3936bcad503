"""`ledger learning check` finds a tampered count (exit 1), `ledger learning recount` puts it right (exit 0)."""
from ledger.extensions import db
from ledger.learning import tallies


def test_check_then_recount(app, registry, three_levels):
    branch = three_levels["branches"][0]
    registry.full(branch, 2026)
    db.session.commit()
    runner = app.test_cli_runner()
    assert runner.invoke(args=["learning", "check"]).exit_code == 0
    tallies.bump(branch, 2026, "family", passed=2)
    db.session.commit()
    checked = runner.invoke(args=["learning", "check", "--unit", "TSL"])
    assert checked.exit_code == 1
    assert "TSL-C1-B1\t2026\tfamily\tpassed" in checked.output
    recounted = runner.invoke(args=["learning", "recount", "--unit", "TSL-C1"])
    assert recounted.exit_code == 0, recounted.output
    assert "TSL-C1" in recounted.output
    db.session.expire_all()
    assert tallies.verify_counts(three_levels["province"]) == []
    assert runner.invoke(args=["learning", "check"]).exit_code == 0
    assert runner.invoke(args=["learning", "recount"]).exit_code == 0
