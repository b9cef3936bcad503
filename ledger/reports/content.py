"""The content of a statement: everything the public will read, assembled from the books once.

The keys are API.md's; `unit_name`, fund `name`, `campaigns` and `management_costs` are extra.
Published content is frozen as canonical JSON (sorted keys, UTF-8) and hashed with SHA-256.
"""
import hashlib
import json
from datetime import date

from flask_babel import force_locale
from sqlalchemy import select

from ledger.accounts.balances import scope_condition
from ledger.accounts.ledger import canonical
from ledger.accounts.models import ChainHead, Fund
from ledger.accounts.treasury.services.cost_cap import cost_cap_percent
from ledger.accounts.verify import GENESIS
from ledger.extensions import db
from ledger.reports import figures, people, recipients
from ledger.units.models import Unit


def build_content(unit: Unit, start: date, end: date, consolidated: bool) -> dict:
    """Vietnamese whoever asks: the frozen words must not depend on the publisher's browser."""
    with force_locale("vi"):
        return assemble(unit, start, end, consolidated)


def assemble(unit: Unit, start: date, end: date, consolidated: bool) -> dict:
    money = figures.period_figures(unit, start, end, consolidated)
    return {
        "unit": unit.code, "unit_name": unit.name,
        "period_start": start.isoformat(), "period_end": end.isoformat(), "consolidated": consolidated,
        **money,
        "donors": people.donors(unit, start, end, consolidated),
        "recipients": recipients.recipients(unit, start, end, consolidated),
        "campaigns": people.campaigns(unit, start, end),
        "management_costs": management_costs([row["fund"] for row in money["funds"]], start, end),
        "chain_head": chain_head(unit, consolidated, end),
        "version": None, "published_at": None,
    }


def management_costs(fund_codes: list[str], start: date, end: date) -> list[dict]:
    """For charity-regime funds: management costs (614) against revenue and the cap (Decree on charity funds)."""
    cap = cost_cap_percent()
    funds = db.session.scalars(select(Fund).where(Fund.code.in_(fund_codes), Fund.regime == "charity_fund")
                               .order_by(Fund.code)).all()
    return [{**figures.fund_costs(fund, start, end), "cap_percent": cap} for fund in funds]


def chain_head(unit: Unit, consolidated: bool, end: date) -> str:
    """The unit's newest entry hash; for a subtree, SHA-256 over "code length head" lines of its units."""
    if not consolidated:
        head = db.session.get(ChainHead, unit.id)
        return head.head if head is not None else GENESIS
    digest = hashlib.sha256()
    for _unit_id, code, length, head in covered_heads(unit, consolidated, end):
        digest.update(f"{code} {length} {head}\n".encode())
    return digest.hexdigest()


def covered_heads(unit: Unit, consolidated: bool, end: date) -> list[tuple[int, str, int, str]]:
    """(unit id, code, length, head) of each covered unit whose chain has entries, by code: the units of the
    subtree as the tree was on the period's `end`."""
    scope = scope_condition(unit, consolidated, Unit.id, end)
    return [tuple(row) for row in db.session.execute(
        select(Unit.id, Unit.code, ChainHead.length, ChainHead.head).join(ChainHead, ChainHead.unit_id == Unit.id)
        .where(scope, ChainHead.length > 0).order_by(Unit.code))]


def chain_heads(heads: list[tuple[int, str, int, str]]) -> list[dict]:
    """The published anchors (API.md "Published anchors"): each covered unit's head and its index."""
    return [{"unit": code, "index": length, "hash": head} for _unit_id, code, length, head in heads]


def freeze(content: dict, *, version: int, published_at: str) -> tuple[str, str]:
    """The canonical text to store and its SHA-256, over everything but the hash itself."""
    frozen = {**content, "version": version, "published_at": published_at}
    frozen.pop("hash", None)
    text = canonical(frozen).decode("utf-8")
    return text, sha256(text)


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def published_json(canonical_text: str, digest: str) -> bytes:
    """What /public/statements/<id>.json serves: the frozen content with its hash added."""
    return canonical({**json.loads(canonical_text), "hash": digest})
