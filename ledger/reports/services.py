"""Statements: create a draft from the closed books, publish it frozen and hashed, correct it by a new version.

A statement may only cover dates on or before the closing date of every unit it covers: numbers
that could still change must not be published.
"""
import json
from datetime import date, datetime

from sqlalchemy import func, insert, or_, select
from sqlalchemy.exc import IntegrityError

from ledger.accounts import verify
from ledger.accounts.balances import scope_condition
from ledger.accounts.posting import dialect_insert
from ledger.core import audit
from ledger.core.dates import VN
from ledger.core.db import utcnow
from ledger.core.errors import InvalidState, NotFound, StateChanged, ValidationFailed
from ledger.core.i18n import _
from ledger.core.inputs import get_by_id
from ledger.core.state import claim
from ledger.extensions import db
from ledger.reports import content as statement_content
from ledger.reports.models import ChainAnchor, FundStatement, StatementFile
from ledger.units.models import Unit

LISTED_UNITS = 200  # an error names at most this many unclosed units; the count says the rest


def create_statement(unit: Unit, data: dict, *, by=None) -> FundStatement:
    start, end, consolidated = data["period_start"], data["period_end"], bool(data.get("consolidated"))
    if end < start:
        raise ValidationFailed(field="period_end", message=_("Ngày cuối kỳ phải sau ngày đầu kỳ."))
    require_closed(unit, end, consolidated)
    statement = FundStatement(unit=unit, period_start=start, period_end=end, is_consolidated=consolidated,
                          status="draft", content=statement_content.build_content(unit, start, end, consolidated),
                          created_by_id=getattr(by, "id", None))
    db.session.add(statement)
    db.session.flush()
    audit.record("statement.create", "statement", statement.id, by=by, after=describe(statement))
    return statement


def unclosed_units(unit: Unit, end: date, consolidated: bool) -> tuple[list[tuple[str, str]], int]:
    """(code, name) of active units in scope whose books are not closed through `end`, and their count."""
    condition = (scope_condition(unit, consolidated, Unit.id, end), Unit.status == "active",
                 or_(Unit.closed_through.is_(None), Unit.closed_through < end))
    count = db.session.scalar(select(func.count(Unit.id)).where(*condition))
    listed = db.session.execute(select(Unit.code, Unit.name).where(*condition).order_by(Unit.path)
                                .limit(LISTED_UNITS)).all() if count else []
    return [tuple(row) for row in listed], count


def require_closed(unit: Unit, end: date, consolidated: bool) -> None:
    listed, count = unclosed_units(unit, end, consolidated)
    if not count:
        return
    names = ", ".join(f"{name} ({code})" for code, name in listed[:10])
    more = _(" và %(n)s đơn vị khác", n=count - 10) if count > 10 else ""
    raise InvalidState(_("Chưa khóa sổ đến hết ngày %(date)s ở %(count)s đơn vị: %(names)s%(more)s. "
                         "Báo cáo chỉ được lập cho kỳ đã khóa sổ.", date=end.strftime("%d/%m/%Y"),
                         count=count, names=names, more=more),
                       errors={"units": [code for code, _name in listed]})


def publish_statement(statement: FundStatement, data: dict, *, by=None) -> FundStatement:
    """Freeze the reviewed draft as version n+1 of its period, anchoring each covered unit's chain head;
    a later version must say why. Two publishers of one draft: the second waits on the row, then gets 409."""
    claim(statement, ("draft",), label=status_label)
    require_closed(statement.unit, statement.period_end, statement.is_consolidated)
    previous = latest_published(statement)
    reason = (data.get("reason") or "").strip()
    if previous is not None and not reason:
        raise ValidationFailed(field="reason", message=_(
            "Kỳ này đã có phiên bản %(version)s công bố; cần ghi lý do đính chính.", version=previous.version))
    published_at = datetime.now(VN).replace(microsecond=0)
    version = next_version(previous)
    heads = statement_content.covered_heads(statement.unit, statement.is_consolidated, statement.period_end)
    text, digest = statement_content.freeze({**statement.content, "chain_heads": statement_content.chain_heads(heads)},
                                            version=version, published_at=published_at.isoformat())
    frozen = {"status": "published", "version": version, "canonical": text, "hash": digest, "content": None,
              "published_at": published_at, "published_by_id": getattr(by, "id", None), "supersedes": previous,
              "correction_reason": reason or None}
    with db.session.no_autoflush:  # one UPDATE: once the hash is stored, the row may not change again
        for name, value in frozen.items():
            setattr(statement, name, value)
    flush_version(statement)
    anchor_heads(statement, heads)
    audit.record("statement.publish", "statement", statement.id, by=by,
                 after={**describe(statement), "version": version, "hash": digest, "reason": reason or None})
    return statement


def status_label(status: str) -> str:
    return {"published": _("đã công bố"), "draft": _("bản nháp")}.get(status, status)


def flush_version(statement: FundStatement) -> None:
    """Two drafts of one period published at once take the same version number: the second waits on the
    unique index, then fails; it lost the race, so it gets 409 like any other loser."""
    version = statement.version  # read now: the failed savepoint expires the row
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as exc:
        raise StateChanged(state=_("phiên bản %(version)s đã được công bố", version=version)) from exc


def anchor_heads(statement: FundStatement, heads: list[tuple[int, str, int, str]]) -> None:
    """The published chain_heads, queryable per unit for `ledger check` and /units/{code}/verify."""
    if heads:
        db.session.execute(insert(ChainAnchor), [
            {"unit_id": unit_id, "chain_index": length, "hash": head, "statement_id": statement.id}
            for unit_id, _code, length, head in heads])


def same_period(statement: FundStatement):
    return (FundStatement.unit_id == statement.unit_id,
            FundStatement.period_start == statement.period_start,
            FundStatement.period_end == statement.period_end,
            FundStatement.is_consolidated == statement.is_consolidated)


def latest_published(statement: FundStatement) -> FundStatement | None:
    return db.session.scalar(select(FundStatement).where(*same_period(statement), FundStatement.status == "published")
                             .order_by(FundStatement.version.desc()).limit(1))


def next_version(previous: FundStatement | None) -> int:
    """The version a draft takes when published: one past the period's latest, or the first."""
    return previous.version + 1 if previous is not None else 1


def versions_of(statement: FundStatement) -> list[FundStatement]:
    return db.session.scalars(select(FundStatement).where(*same_period(statement), FundStatement.status == "published")
                              .order_by(FundStatement.version)).all()


def get_statement(statement_id) -> FundStatement:
    statement = get_by_id(FundStatement, statement_id)
    if statement is None:
        raise NotFound(_("Không có báo cáo %(id)s.", id=statement_id))
    return statement


def get_published(statement_id) -> FundStatement:
    """Only published statements exist for the public: a draft is as unknown as a wrong number."""
    statement = get_statement(statement_id)
    if statement.status != "published":
        raise NotFound(_("Không có báo cáo %(id)s.", id=statement_id))
    return statement


def list_statements(unit: Unit, *, published_only: bool, limit: int = 50, offset: int = 0):
    stmt = select(FundStatement).where(FundStatement.unit_id == unit.id)
    if published_only:
        stmt = stmt.where(FundStatement.status == "published")
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    items = db.session.scalars(stmt.order_by(FundStatement.period_end.desc(), FundStatement.is_consolidated.desc(),
                                             FundStatement.version.desc().nulls_first(), FundStatement.id.desc())
                               .limit(limit).offset(offset)).all()
    return items, total


def list_recent_published(*, limit: int = 10) -> list[FundStatement]:
    return db.session.scalars(select(FundStatement).where(FundStatement.status == "published")
                              .order_by(FundStatement.published_at.desc(), FundStatement.id.desc()).limit(limit)).all()


def find_by_hash(digest: str) -> FundStatement | None:
    return db.session.scalar(select(FundStatement).where(FundStatement.hash == digest.lower(),
                                                     FundStatement.status == "published"))


def verification(digest: str) -> dict:
    """Recompute the hash of the stored content: valid only when it still matches the published one.
    books_match: each covered unit's chain, recomputed from its lines now, still passes through the
    heads the statement froze (None for a statement published before it froze them)."""
    statement = find_by_hash(digest) if len(digest) == 64 else None
    if statement is None:
        return {"valid": False, "books_match": False, "statement_id": None, "unit": None, "period_start": None,
                "period_end": None}
    valid = statement_content.sha256(statement.canonical) == statement.hash == digest.lower()
    return {"valid": valid, "books_match": valid and books_match(json.loads(statement.canonical)),
            "statement_id": statement.id, "unit": statement.unit.code,
            "period_start": statement.period_start.isoformat(), "period_end": statement.period_end.isoformat()}


def books_match(content: dict) -> bool | None:
    if "chain_heads" not in content:
        return None
    codes = verify.code_maps()
    for anchor in content["chain_heads"]:
        unit = db.session.scalar(select(Unit).where(Unit.code == anchor["unit"]))
        if unit is None or verify.hashes_at(unit, {anchor["index"]}, codes).get(anchor["index"]) != anchor["hash"]:
            return False
    return True


def frozen_content(statement: FundStatement) -> dict:
    """The content as published (with its hash), or the draft under review."""
    if statement.status == "published":
        return {**json.loads(statement.canonical), "hash": statement.hash}
    return statement.content


FUND_COLUMNS = ("opening", "receipts", "disbursements", "closing")


def statement_totals(content: dict) -> dict:
    """The sums a statement prints under its tables, and each campaign's progress bar (capped at 100 %)."""
    return {"funds": {column: sum(fund[column] for fund in content["funds"]) for column in FUND_COLUMNS},
            "receipts": sum(content["receipts_by_category"].values()),
            "disbursements": sum(content["disbursements_by_category"].values()),
            "donors": sum(donor["amount"] for donor in content["donors"]),
            "recipients": sum(recipient["amount"] for recipient in content["recipients"]),
            "campaign_bars": [min(k["raised"] * 100 // k["target"], 100) if k["target"] else None
                              for k in content.get("campaigns", [])]}


def kept_file(statement: FundStatement, variant: str) -> bytes | None:
    row = db.session.get(StatementFile, (statement.id, variant))
    return row.data if row is not None else None


def keep_file(statement: FundStatement, variant: str, data: bytes) -> None:
    """Store a rendered document once; a concurrent first request may have stored it already."""
    stmt = dialect_insert(StatementFile).values(statement_id=statement.id, variant=variant, data=data,
                                                created_at=utcnow())
    db.session.execute(stmt.on_conflict_do_nothing(index_elements=["statement_id", "variant"]))


def describe(statement: FundStatement) -> dict:
    return {"unit": statement.unit.code, "period_start": statement.period_start.isoformat(),
            "period_end": statement.period_end.isoformat(), "consolidated": statement.is_consolidated}
