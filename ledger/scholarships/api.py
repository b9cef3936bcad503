"""Scholarships in the JSON API (API.md "Scholarships"): thin views over the services."""
import copy

from flask import g
from flask_smorest import Blueprint

from ledger.accounts.idempotency import money_post
from ledger.core import permissions
from ledger.core.schemas import page
from ledger.extensions import db
from ledger.scholarships import decisions, nominations, payouts, pdfs, programs, reviews, rules, schemas, sponsorships
from ledger.units.services import get_unit

scholarships_api = Blueprint("scholarships_api", __name__, url_prefix="/api/v1/scholarships",
                             description="Học bổng: chương trình, đợt xét, hồ sơ, hội đồng, quyết định, chi trả")


def owner_of(found) -> object:
    return found.program.owner_unit


@scholarships_api.get("/presets")
@scholarships_api.response(200, schemas.PresetList)
def list_presets():
    items = [{"code": code, **copy.deepcopy(preset)} for code, preset in rules.PRESETS.items()]
    return page(items, len(items))


@scholarships_api.post("/programs")
@scholarships_api.arguments(schemas.ProgramIn)
@scholarships_api.response(201, schemas.ProgramOut)
def create_program(data):
    permissions.require(g.user, "setup", get_unit(data["owner_unit"]))
    program = programs.create_program(data, by=g.user)
    db.session.commit()
    return program


@scholarships_api.get("/programs/<code>")
@scholarships_api.response(200, schemas.ProgramOut)
def get_program(code):
    program = programs.get_program(code)
    permissions.require(g.user, "read", program.owner_unit)
    return program


@scholarships_api.put("/programs/<code>/rules")
@scholarships_api.arguments(schemas.RulesIn)
@scholarships_api.response(200, schemas.ProgramOut)
def update_rules(data, code):
    program = programs.get_program(code)
    permissions.require(g.user, "setup", program.owner_unit)
    programs.update_rules(program, data, by=g.user)
    db.session.commit()
    return program


@scholarships_api.post("/programs/<code>/rounds")
@scholarships_api.arguments(schemas.RoundIn)
@scholarships_api.response(201, schemas.RoundOut)
def create_round(data, code):
    program = programs.get_program(code)
    permissions.require(g.user, "setup", program.owner_unit)
    found = programs.create_round(program, data, by=g.user)
    db.session.commit()
    return found


@scholarships_api.get("/rounds/<round_id>")
@scholarships_api.response(200, schemas.RoundOut)
def get_round(round_id):
    found = programs.get_round(round_id)
    permissions.require(g.user, "read", owner_of(found))
    return found


@scholarships_api.patch("/rounds/<round_id>")
@scholarships_api.arguments(schemas.RoundUpdateIn)
@scholarships_api.response(200, schemas.RoundOut)
def update_round(data, round_id):
    found = programs.get_round(round_id)
    permissions.require(g.user, "setup", owner_of(found))
    programs.update_round(found, data, by=g.user)
    db.session.commit()
    return found


@scholarships_api.post("/rounds/<round_id>/candidates")
@scholarships_api.arguments(schemas.CandidateIn)
@scholarships_api.response(201, schemas.CandidateOut)
def nominate(data, round_id):
    found = programs.get_round(round_id)
    permissions.require(g.user, "nominate", get_unit(data["nominated_by"]))
    candidate = nominations.nominate(found, data, by=g.user)
    db.session.commit()
    return candidate


@scholarships_api.get("/rounds/<round_id>/candidates")
@scholarships_api.response(200, schemas.CandidateList)
def list_candidates(round_id):
    found = programs.get_round(round_id)
    permissions.require(g.user, "read", owner_of(found))
    return page(found.candidates, len(found.candidates))


@scholarships_api.post("/rounds/<round_id>/reviewers")
@scholarships_api.arguments(schemas.ReviewersIn)
@scholarships_api.response(200, schemas.ReviewersOut)
def assign_reviewers(data, round_id):
    found = programs.get_round(round_id)
    permissions.require(g.user, "setup", owner_of(found))
    assigned = reviews.assign_reviewers(found, data["usernames"], by=g.user)
    db.session.commit()
    return {"round_id": found.id, "usernames": [a.user.username for a in assigned]}


@scholarships_api.post("/candidates/<candidate_id>/reviews")
@scholarships_api.arguments(schemas.ReviewIn)
@scholarships_api.response(201, schemas.ReviewOut)
def review(data, candidate_id):
    candidate = nominations.get_candidate(candidate_id)
    permissions.require(g.user, "read", owner_of(candidate.round))
    result = reviews.record_review(candidate, data, by=g.user)
    db.session.commit()
    return result


@scholarships_api.post("/rounds/<round_id>/decide")
@money_post
@scholarships_api.arguments(schemas.DecideIn)
@scholarships_api.response(200, schemas.DecisionOut)
def decide(data, round_id):
    found = programs.get_round(round_id)
    permissions.require(g.user, "approve", owner_of(found))
    chosen, awards = decisions.decide(found, data, by=g.user)
    return {"awards": awards, "total": chosen.total, "budget_left": chosen.budget_left}


@scholarships_api.get("/awards/<award_id>")
@scholarships_api.response(200, schemas.AwardDetailOut)
def get_award(award_id):
    award = payouts.get_award(award_id)
    permissions.require(g.user, "read", award.program.owner_unit)
    return award


@scholarships_api.post("/awards/<award_id>/pay")
@money_post
@scholarships_api.arguments(schemas.PayIn)
@scholarships_api.response(201, schemas.PaymentOut)
def pay(data, award_id):
    award = payouts.get_award(award_id)
    permissions.require(g.user, "post", award.program.owner_unit)
    return payouts.pay_award(award, data, by=g.user)


@scholarships_api.post("/rounds/<round_id>/pay")
@money_post
@scholarships_api.arguments(schemas.PayIn)
@scholarships_api.response(201, schemas.CeremonyOut)
def pay_ceremony(data, round_id):
    found = programs.get_round(round_id)
    permissions.require(g.user, "post", owner_of(found))
    paid = payouts.pay_ceremony(found, data, by=g.user)
    return {"disbursements": paid, "total": sum(d.amount for d in paid)}


@scholarships_api.post("/awards/<award_id>/renew")
@money_post
@scholarships_api.arguments(schemas.RenewIn)
@scholarships_api.response(201, schemas.AwardDetailOut)
def renew(data, award_id):
    award = payouts.get_award(award_id)
    permissions.require(g.user, "approve", award.program.owner_unit)
    return sponsorships.renew_award(award, data, by=g.user)


def round_pdf_view(document: str):
    def view(round_id):
        found = programs.get_round(round_id)
        permissions.require(g.user, "read", owner_of(found))
        return pdfs.pdf_response(found, document)
    view.__name__ = view.__qualname__ = f"round_{document}_pdf"
    view.__doc__ = pdfs.TITLES[document]
    return view


# Sign-off list (the contract's), decision and certificates: one path each, so OpenAPI names them.
for _document in pdfs.DOCUMENTS:
    scholarships_api.get(f"/rounds/<round_id>/{_document}/pdf")(scholarships_api.response(
        200, {"format": "binary", "type": "string"}, content_type="application/pdf")(round_pdf_view(_document)))
