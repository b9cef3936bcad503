"""Scholarships in the JSON API (API.md "Scholarships"): thin views over the services."""
import copy

from flask import g

from ledger.accounts.idempotency import money_post
from ledger.core.edge import unit_of_work
from ledger.core.endpoints import Blueprint
from ledger.core.schemas import page
from ledger.scholarships import decisions, nominations, payouts, pdfs, programs, reviews, rules, schemas, sponsorships
from ledger.scholarships.access import award_for, candidate_for, program_for, round_for
from ledger.units.access import owner_checked, unit_for

scholarships_api = Blueprint("scholarships_api", __name__, url_prefix="/api/v1/scholarships",
                             description="Học bổng: chương trình, đợt xét, hồ sơ, hội đồng, quyết định, chi trả")


@scholarships_api.read("/presets", schemas.PresetList)
def list_presets():
    items = [{"code": code, **copy.deepcopy(preset)} for code, preset in rules.PRESETS.items()]
    return page(items, len(items))


@scholarships_api.write("/programs", schemas.ProgramOut, body=schemas.ProgramIn)
def create_program(data):
    return programs.create_program(owner_checked(data), by=g.user)


@scholarships_api.read("/programs/<code>", schemas.ProgramOut)
def get_program(code):
    return program_for(code, "read")


@scholarships_api.write("/programs/<code>/rules", schemas.ProgramOut, body=schemas.RulesIn, status=200, method="PUT")
def update_rules(data, code):
    return programs.update_rules(program_for(code, "setup"), data, by=g.user)


@scholarships_api.write("/programs/<code>/rounds", schemas.RoundOut, body=schemas.RoundIn)
def create_round(data, code):
    return programs.create_round(program_for(code, "setup"), data, by=g.user)


@scholarships_api.read("/rounds/<round_id>", schemas.RoundOut)
def get_round(round_id):
    return round_for(round_id, "read")


@scholarships_api.patch("/rounds/<round_id>")
@unit_of_work
@scholarships_api.arguments(schemas.RoundUpdateIn)
@scholarships_api.response(200, schemas.RoundOut)
def update_round(data, round_id):
    return programs.update_round(round_for(round_id, "setup"), data, by=g.user)


@scholarships_api.write("/rounds/<round_id>/candidates", schemas.CandidateOut, body=schemas.CandidateIn)
def nominate(data, round_id):
    found = programs.get_round(round_id)
    unit_for(data["nominated_by"], "nominate")
    return nominations.nominate(found, data, by=g.user)


@scholarships_api.read("/rounds/<round_id>/candidates", schemas.CandidateList)
def list_candidates(round_id):
    found = round_for(round_id, "read")
    return page(found.candidates, len(found.candidates))


@scholarships_api.write("/rounds/<round_id>/reviewers", schemas.ReviewersOut, body=schemas.ReviewersIn, status=200)
def assign_reviewers(data, round_id):
    found = round_for(round_id, "setup")
    assigned = reviews.assign_reviewers(found, data["usernames"], by=g.user)
    return {"round_id": found.id, "usernames": [a.user.username for a in assigned]}


@scholarships_api.write("/candidates/<candidate_id>/reviews", schemas.ReviewOut, body=schemas.ReviewIn)
def review(data, candidate_id):
    return reviews.record_review(candidate_for(candidate_id, "read"), data, by=g.user)


@scholarships_api.write("/rounds/<round_id>/decide", schemas.DecisionOut, body=schemas.DecideIn,
                        status=200, edge=money_post)
def decide(data, round_id):
    chosen, awards = decisions.decide(round_for(round_id, "approve"), data, by=g.user)
    return {"awards": awards, "total": chosen.total, "budget_left": chosen.budget_left}


@scholarships_api.read("/awards/<award_id>", schemas.AwardDetailOut)
def get_award(award_id):
    return award_for(award_id, "read")


@scholarships_api.write("/awards/<award_id>/pay", schemas.PaymentOut, body=schemas.PayIn, edge=money_post)
def pay(data, award_id):
    return payouts.pay_award(award_for(award_id, "post"), data, by=g.user)


@scholarships_api.write("/rounds/<round_id>/pay", schemas.CeremonyOut, body=schemas.PayIn, edge=money_post)
def pay_ceremony(data, round_id):
    paid = payouts.pay_ceremony(round_for(round_id, "post"), data, by=g.user)
    return {"disbursements": paid, "total": sum(d.amount for d in paid)}


@scholarships_api.write("/awards/<award_id>/renew", schemas.AwardDetailOut, body=schemas.RenewIn, edge=money_post)
def renew(data, award_id):
    return sponsorships.renew_award(award_for(award_id, "approve"), data, by=g.user)


def round_pdf_view(document: str):
    def view(round_id):
        return pdfs.round_pdf(round_for(round_id, "read"), document)
    view.__name__ = view.__qualname__ = f"round_{document}_pdf"
    view.__doc__ = pdfs.TITLES[document]
    return view


# Sign-off list (the contract's), decision and certificates: one path each, so OpenAPI names them.
for _document in pdfs.DOCUMENTS:
    scholarships_api.get(f"/rounds/<round_id>/{_document}/pdf")(scholarships_api.response(
        200, {"format": "binary", "type": "string"}, content_type="application/pdf")(round_pdf_view(_document)))
