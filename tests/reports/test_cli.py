"""`ledger reports …` commands: publish from the closed books, verify a hash, list who is late."""


def test_statement_verify_and_missing_commands(quarter, close, app, make_unit):
    runner = app.test_cli_runner()
    close("SL")
    published = runner.invoke(args=["reports", "statement", "--unit", "SL", "--from", "2026-01-01",
                                    "--to", "2026-03-31", "--publish"])
    assert published.exit_code == 0, published.output
    _statement_id, status, version, digest = published.output.split()
    assert (status, version, len(digest)) == ("published", "1", 64)
    assert runner.invoke(args=["reports", "verify", digest]).output.strip() == "KHỚP"
    wrong = runner.invoke(args=["reports", "verify", "f" * 64])
    assert wrong.exit_code == 1 and "KHÔNG KHỚP" in wrong.output
    refused = runner.invoke(args=["reports", "statement", "--unit", "SL", "--from", "2026-01-01",
                                  "--to", "2026-03-31", "--consolidated"])
    assert refused.exit_code != 0 and "Chưa khóa sổ" in str(refused.exception)  # `ledger` prints it as an error
    missing = runner.invoke(args=["reports", "missing", "--unit", "SL", "--kind", "quarterly", "--period", "2026-Q1"])
    assert "1/1" in missing.output and "SL-X01" in missing.output
