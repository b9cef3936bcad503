"""A refused export says why in Vietnamese, exits non-zero and writes nothing; a write that fails halfway
leaves neither a half file nor a changed old one under the name asked for."""
import pytest

from ledger.accounts.exports.beancount import component
from ledger.accounts.exports.files import Staged
from ledger.accounts.exports.naming import AccountNames
from ledger.core.errors import ValidationFailed
from tests.accounts.exports.conftest import run

REFUSALS = [
    (("--unit", "KHONG-CO"), "Không có đơn vị mã KHONG-CO."),
    (("--unit", "SL", "--from", "01/06/2025", "--to", "2025-05-31"),
     "--from: Ngày bắt đầu 01/06/2025 sau ngày kết thúc 31/05/2025."),
    (("--unit", "SL", "--to", "31/02/2025"), "--to: Ngày không hợp lệ: không có ngày 31/02/2025 trong lịch."),
]


@pytest.mark.parametrize(("options", "message"), REFUSALS)
@pytest.mark.parametrize("fmt", ["bundle", "hledger", "beancount"])
def test_bad_input_is_refused_in_vietnamese_and_writes_nothing(app, books, tmp_path, options, message, fmt):
    out = tmp_path / "out"  # tmp_path holds the test's SQLite database too
    out.mkdir()
    result = run(app, "export-journal", *options, "--format", fmt, out / "journal.csv")
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output
    assert list(out.iterdir()) == []


def test_a_missing_folder_or_a_journal_named_like_a_dimension_file_is_refused(app, books, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    missing = run(app, "export-journal", "--unit", "SL", out / "khong-co" / "journal.csv")
    assert missing.exit_code == 1 and "Không có thư mục" in missing.output
    clash = run(app, "export-journal", "--unit", "SL", out / "units.csv")
    assert clash.exit_code == 1 and "tên này dành cho tệp danh mục" in clash.output
    assert list(out.iterdir()) == []


def test_a_failure_halfway_keeps_the_old_file_and_leaves_no_half_one(tmp_path):
    target = tmp_path / "journal.csv"
    target.write_text("bản cũ", encoding="utf-8")
    with pytest.raises(RuntimeError), Staged() as staged:
        staged.open(target).write("một nửa")
        staged.open(tmp_path / "units.csv").write("một nửa")
        raise RuntimeError("hỏng giữa chừng")
    assert target.read_text(encoding="utf-8") == "bản cũ"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["journal.csv"]


def test_beancount_components_follow_one_rule_and_never_merge_two_codes():
    assert [component(code) for code in ("LC12-03390", "111", "qkh_bl", "_quy", "Quỹ.1")] == [
        "LC12-03390", "111", "Qkh-bl", "X-quy", "Qu--1"]
    names = AccountNames(component, lambda _account: "Assets:")
    assert names("sl_x01", "111", "HOIPHI") == "Assets:Sl-x01:111:HOIPHI"
    with pytest.raises(ValidationFailed, match=r"sl_x01 và sl\.x01 cùng thành Sl-x01"):
        names("sl.x01", "111", "HOIPHI")
