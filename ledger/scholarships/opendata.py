"""Awards as open data in the shape of the 360Giving Data Standard, grants to individuals.

Every recipient is anonymised as the standard's guidance asks: "Individual Recipient", a keyed
pseudonym that no one can turn back into the child, place only at commune level, and no birth
date, student code, phone or address. Codes: grantToIndividualsReason and ...Purpose codelists.
"""
import hashlib
import hmac

from flask import current_app, has_request_context, request
from sqlalchemy import select

from ledger.core.i18n import _
from ledger.extensions import db
from ledger.scholarships.models import Award, Program
from ledger.units.models import Unit
from ledger.units.services import subtree_filter

PREFIX = "360G-QKH"
CURRENCY = "VND"
INDIVIDUAL = "Individual Recipient"
FINANCIAL_HARDSHIP, DEVELOPMENT = "GTIR010", "GTIR110"
EDUCATION = "GTIP130"
HARDSHIP_FIELDS = {"household_status", "orphan", "disability", "ethnic_minority"}
CSV_COLUMNS = ("Identifier", "Title", "Description", "Currency", "Amount Awarded", "Award Date",
               "Recipient Ind:Identifier", "Recipient Ind:Name", "Funding Org:Identifier", "Funding Org:Name",
               "Grant Programme:Code", "Grant Programme:Title", "Beneficiary Location:Name",
               "Beneficiary Location:Geographic Code", "To Individuals Details:Primary Grant Reason",
               "To Individuals Details:Secondary Grant Reason", "To Individuals Details:Grant Purpose",
               "Planned Dates:Start Date", "Planned Dates:End Date", "Last Modified", "Data Source")


def published_awards(unit: Unit, school_year: str | None = None) -> list[Award]:
    """Decided awards of programs owned in the unit's subtree, oldest decision first."""
    stmt = (select(Award).join(Program, Award.program_id == Program.id).join(Unit, Program.owner_unit_id == Unit.id)
            .where(subtree_filter(unit.path)))
    if school_year:
        stmt = stmt.where(Award.school_year == school_year)
    return db.session.scalars(stmt.order_by(Award.decided_on, Award.id)).all()


def pseudonym(student_id: int) -> str:
    """Stable per child (multi-year support stays visible) but keyed, so it cannot be reversed."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"student:{student_id}".encode(), hashlib.sha256).hexdigest()[:16].upper()


def rule_fields(node) -> set[str]:
    if "field" in node:
        return {node["field"]}
    children = [node["not"]] if "not" in node else node.get("all") or node.get("any") or []
    return set().union(*(rule_fields(child) for child in children))


def reasons(program: Program) -> tuple[str, str | None]:
    """Primary and secondary grant reason from what the program's rules look at."""
    fields = rule_fields(program.rules) | set(program.scoring)
    hardship, merit = bool(fields & HARDSHIP_FIELDS), bool(fields - HARDSHIP_FIELDS)
    if hardship:
        return FINANCIAL_HARDSHIP, DEVELOPMENT if merit else None
    return DEVELOPMENT, None


def commune_of(unit: Unit) -> Unit:
    """Place is published no finer than a commune: a village or school branch shows as its commune."""
    return unit.parent if unit.level == "branch" and unit.parent is not None else unit


def grant(award: Award) -> dict:
    """One award as a 360Giving grant (JSON field names)."""
    program, owner = award.program, award.program.owner_unit
    place = commune_of(award.candidate.nominated_by)
    primary, secondary = reasons(program)
    start_year = int(award.school_year[:4])
    details = {"primaryGrantReason": primary, "grantPurpose": [EDUCATION]}
    if secondary:
        details["secondaryGrantReason"] = secondary
    return {
        "id": f"{PREFIX}-{owner.code}-{award.id}",
        "title": _("%(program)s năm học %(year)s", program=program.name, year=award.school_year),
        "description": program.description or program.name,
        "currency": CURRENCY,
        "amountAwarded": award.amount,
        "awardDate": award.decided_on.isoformat(),
        "recipientIndividual": {"id": f"{PREFIX}-IND-{pseudonym(award.student_id)}", "name": INDIVIDUAL},
        "fundingOrganization": [{"id": f"{PREFIX}-ORG-{owner.code}", "name": owner.name}],
        "grantProgramme": [{"code": program.code, "title": program.name}],
        "beneficiaryLocation": [{"name": place.name,
                                 **({"geoCode": place.division_code} if place.division_code else {})}],
        "toIndividualsDetails": details,
        "plannedDates": [{"startDate": f"{start_year}-09-01", "endDate": f"{start_year + 1}-05-31"}],
        "lastModified": award.created_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "dataSource": request.url_root if has_request_context() else "",
    }


def package(awards: list[Award]) -> dict:
    return {"grants": [grant(award) for award in awards]}


def csv_row(item: dict) -> list:
    details, dates = item["toIndividualsDetails"], item["plannedDates"][0]
    location = item["beneficiaryLocation"][0]
    return [item["id"], item["title"], item["description"], item["currency"], item["amountAwarded"],
            item["awardDate"], item["recipientIndividual"]["id"], item["recipientIndividual"]["name"],
            item["fundingOrganization"][0]["id"], item["fundingOrganization"][0]["name"],
            item["grantProgramme"][0]["code"], item["grantProgramme"][0]["title"], location["name"],
            location.get("geoCode", ""), details["primaryGrantReason"], details.get("secondaryGrantReason", ""),
            ";".join(details["grantPurpose"]), dates["startDate"], dates["endDate"], item["lastModified"],
            item["dataSource"]]
