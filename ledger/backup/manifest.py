"""What a backup promises: per unit its chain head, counts, voucher counters and a digest of its kept balances,
read from one database snapshot with a few set-based queries; and the pure comparison of two such manifests.
"""
import hashlib
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from itertools import groupby

from sqlalchemy import Connection, create_engine, func, select, text
from sqlalchemy.orm import aliased
from sqlalchemy.pool import NullPool

from ledger.accounts.models import Account, Balance, ChainHead, Entry, Fund, Line, MonthlyBalance, VoucherCounter
from ledger.core.i18n import _
from ledger.units.models import Unit

FORMAT = 1
STREAM = 10_000  # rows fetched at a time when digesting the kept balances: a national tree has millions
SHORT = 12  # characters of a hash quoted in a message
# the kept tables digested per unit, with the columns that tell one row from another and hold the money
KEPT = (("balances", Balance, (Balance.debit_total, Balance.credit_total)),
        ("monthly_balances", MonthlyBalance, (MonthlyBalance.month, MonthlyBalance.debit, MonthlyBalance.credit)))
FIELDS = ("chain_head", "chain_length", "entries", "lines", "vouchers", "balances", "monthly_balances")


def take(conn: Connection) -> dict:
    """The manifest of the database `conn` reads; on PostgreSQL call it inside the snapshot that is dumped."""
    units = {code: {"chain_head": "0" * 64, "chain_length": 0, "entries": 0, "lines": 0, "vouchers": {}}
             for code in conn.scalars(select(Unit.code))}
    for code, head, length in conn.execute(select(Unit.code, ChainHead.head, ChainHead.length)
                                           .join(ChainHead, ChainHead.unit_id == Unit.id)):
        units[code].update(chain_head=head, chain_length=length)
    for code, count in conn.execute(select(Unit.code, func.count(Entry.id)).join(Entry, Entry.unit_id == Unit.id)
                                    .group_by(Unit.code)):
        units[code]["entries"] = count
    for code, count in conn.execute(select(Unit.code, func.count(Line.id)).join(Entry, Entry.unit_id == Unit.id)
                                    .join(Line, Line.entry_id == Entry.id).group_by(Unit.code)):
        units[code]["lines"] = count
    for code, kind, year, last in conn.execute(
            select(Unit.code, VoucherCounter.voucher_type, VoucherCounter.fiscal_year, VoucherCounter.last_seq)
            .join(VoucherCounter, VoucherCounter.unit_id == Unit.id)):
        units[code]["vouchers"][f"{kind}-{year}"] = last
    for name, model, columns in KEPT:
        digests = dict(kept_digests(conn, model, columns))
        for code, unit in units.items():
            unit[name] = digests.get(code, EMPTY_DIGEST)
    return {"format": FORMAT, "engine": conn.dialect.name, "revision": revision(conn),
            "taken_at": datetime.now(UTC).isoformat(timespec="seconds"), "units": units}


def of_database(url) -> dict:
    """The manifest of the database at `url`, read through a connection of its own."""
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return take(conn)
    finally:
        engine.dispose()


def revision(conn: Connection) -> str:
    return ",".join(sorted(conn.scalars(text("SELECT version_num FROM alembic_version"))))


def kept_digests(conn: Connection, model, columns: tuple) -> Iterator[tuple[str, str]]:
    """(unit code, SHA-256 of its kept rows) for every unit holding any. Rows come grouped by unit; each unit's
    rows are sorted here by their codes, so the digest does not depend on ids or on the database's collation."""
    counterparty = aliased(Unit)
    rows = conn.execute(
        select(Unit.code, Account.code, Fund.code, func.coalesce(counterparty.code, ""), *columns)
        .join(Unit, Unit.id == model.unit_id).join(Account, Account.id == model.account_id)
        .join(Fund, Fund.id == model.fund_id).outerjoin(counterparty, counterparty.id == model.cp_unit_id)
        .order_by(model.unit_id).execution_options(yield_per=STREAM))
    for code, unit_rows in groupby(rows, key=lambda row: row[0]):
        yield code, digest(sorted(tuple(str(value) for value in row[1:]) for row in unit_rows))


def digest(rows: Iterable[tuple[str, ...]]) -> str:
    sha = hashlib.sha256()
    for row in rows:
        sha.update(("|".join(row) + "\n").encode())
    return sha.hexdigest()


EMPTY_DIGEST = digest(())


def totals(manifest: dict) -> dict:
    """Units, entries and lines of a manifest: what the backup command and page report."""
    units = manifest["units"].values()
    return {"units": len(units), "entries": sum(u["entries"] for u in units), "lines": sum(u["lines"] for u in units)}


def differences(expected: dict, found: dict) -> list[str]:
    """Every way the `found` books differ from the `expected` ones, in Vietnamese (empty when they match)."""
    problems = []
    if expected["revision"] != found["revision"]:
        problems.append(_("Phiên bản lược đồ khác: bản sao lưu %(expected)s, cơ sở dữ liệu %(found)s.",
                          expected=expected["revision"], found=found["revision"]))
    wanted, present = expected["units"], found["units"]
    for code in sorted(wanted.keys() - present.keys()):
        problems.append(_("Đơn vị %(code)s có trong bản sao lưu nhưng không có trong cơ sở dữ liệu.", code=code))
    for code in sorted(present.keys() - wanted.keys()):
        problems.append(_("Đơn vị %(code)s có trong cơ sở dữ liệu nhưng không có trong bản sao lưu.", code=code))
    for code in sorted(wanted.keys() & present.keys()):
        problems.extend(_("Đơn vị %(code)s: %(what)s khác (bản sao lưu %(expected)s, cơ sở dữ liệu %(found)s).",
                          code=code, what=field_label(name), expected=shown(wanted[code][name]),
                          found=shown(present[code][name]))
                        for name in FIELDS if wanted[code][name] != present[code][name])
    return problems


def field_label(name: str) -> str:
    return {"chain_head": _("đầu chuỗi"), "chain_length": _("độ dài chuỗi"), "entries": _("số bút toán"),
            "lines": _("số dòng"), "vouchers": _("bộ đếm số chứng từ"), "balances": _("số dư lưu sẵn"),
            "monthly_balances": _("số phát sinh tháng lưu sẵn")}[name]


def shown(value) -> str:
    """A hash shortened as `ledger check` quotes it; counters as "PT-2026: 5"; numbers as they are."""
    if isinstance(value, dict):
        return ", ".join(f"{key}: {number}" for key, number in sorted(value.items())) or "—"
    if isinstance(value, str) and len(value) == 64:
        return value[:SHORT] + "…"
    return str(value)
