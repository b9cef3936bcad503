"""Round pages: every candidate with eligibility, reasons and score; nominating; the committee's
review (blind if the round says so); the decision; payouts per award or at the ceremony; PDFs.
"""
from flask import flash, g, redirect, render_template, request, url_for
from sqlalchemy import or_, select

from ledger.accounts.balances import fund_position
from ledger.accounts.idempotency import form_post, form_token
from ledger.auth.routes import login_required, safe_next
from ledger.core import permissions
from ledger.core.dates import vn_today
from ledger.core.edge import refusable, unit_of_work
from ledger.core.errors import Forbidden
from ledger.core.i18n import _
from ledger.core.money import format_vnd
from ledger.extensions import db
from ledger.scholarships import decisions, forms, nominations, payouts, pdfs, programs, reviews, sponsorships
from ledger.scholarships.access import award_for, candidate_for, round_for
from ledger.scholarships.models import Award
from ledger.scholarships.programs import amount_for
from ledger.scholarships.routes import scholarships_pages as pages
from ledger.units.access import unit_for
from ledger.units.models import Unit
from ledger.units.services import subtree_filter


def again(render, shown):
    """refusable's answer to a refusal: the page of `shown` again, with the problem."""
    return lambda exc: render(shown, message=exc.detail, status=exc.status)


def done(message: str, location: str):
    flash(message)
    return redirect(location, 303)


def round_form(round_id, action: str, save):
    """save(round) once the user may `action` in its program's unit; a refusal shows the round page again."""
    found = round_for(round_id, action)
    return refusable(lambda: save(found), again(render_round, found))


def round_done(found, message: str):
    return done(message, url_for("scholarships.round_page", round_id=found.id))


def render_round(found, *, message=None, status=200):
    program, user = found.program, g.user
    show_votes = reviews.votes_visible(found)
    return render_template(
        "scholarships/round.html", round=found, program=program, position=fund_position(program.fund),
        **payouts.round_figures(found), tallies=reviews.tallies(found) if show_votes else {},
        show_votes=show_votes, amount_for=amount_for, is_reviewer=reviews.is_reviewer(found, user),
        today=vn_today().isoformat(), token=form_token(), message=message,
        can_nominate=bool(nominating_units(found, user, limit=1)), quota_names=unit_names(found.unit_quotas)), status


def unit_names(quotas) -> dict[str, str]:
    """The names of the units a round's quotas name, so the page says "xã Chiềng Sinh", not its code."""
    codes = list(quotas or {})
    return dict(db.session.execute(select(Unit.code, Unit.name).where(Unit.code.in_(codes))).all()) if codes else {}


@pages.get("/rounds/<int:round_id>")
@login_required
def round_page(round_id):
    return render_round(round_for(round_id, "read"))


def nominating_units(found, user, limit=300) -> list[Unit]:
    """Units of the program owner's subtree where the user may nominate: all of it with a grant at
    the owner or above, else the subtrees of the user's own grants inside it."""
    owner = found.program.owner_unit
    if permissions.allowed(user, "nominate", owner):
        paths = [owner.path]
    else:
        paths = [root.path for root in permissions.visible_roots(user)
                 if root.is_within(owner) and permissions.allowed(user, "nominate", root)]
    if not paths:
        return []
    return db.session.scalars(select(Unit).where(or_(*(subtree_filter(path) for path in paths)))
                              .order_by(Unit.depth, Unit.path).limit(limit)).all()


@pages.app_template_global("may_nominate")
def may_nominate(found) -> bool:
    """Whether to offer "đề cử" for the round: only to a user with a unit it may nominate from."""
    return bool(nominating_units(found, g.user, limit=1))


def nominating_round(round_id):
    """The round and the units the user may nominate from; a school may nominate to its province
    without reading the round (its other children)."""
    found = programs.get_round(round_id)
    units = nominating_units(found, g.user)
    if not units:
        raise Forbidden()
    return found, units


def render_nomination(found, units, typed, *, errors=None, message=None, status=200):
    return render_template("scholarships/nominate.html", round=found, units=units, typed=typed, errors=errors or {},
                           message=message, token=typed.get("idempotency_key") or form_token()), status


@pages.get("/rounds/<int:round_id>/nominate")
@login_required
def nominate(round_id):
    found, units = nominating_round(round_id)
    return render_nomination(found, units, {"nominated_by": units[0].code})


@pages.post("/rounds/<int:round_id>/nominate")
@login_required
@form_post
def nominate_post(round_id):
    found, units = nominating_round(round_id)
    return refusable(lambda: nominated(found), lambda exc: render_nomination(
        found, units, request.form.to_dict(), errors=forms.errors_of(exc), message=exc.detail, status=exc.status))


def nominated(found):
    data = forms.candidate_data(request.form)
    unit_for(data["nominated_by"], "nominate")
    candidate = nominations.nominate(found, data, by=g.user)
    verdict = _("đủ điều kiện") if candidate.is_eligible else _("chưa đủ điều kiện")
    return done(_("Đã nhận hồ sơ em %(name)s: %(verdict)s, %(score)s điểm.", name=candidate.student.full_name,
                  verdict=verdict, score=candidate.score), after_nomination(found, candidate))


def after_nomination(found, candidate) -> str:
    """The round page at the new candidate, or a fresh form for a nominator who may not read the round."""
    if permissions.allowed(g.user, "read", found.program.owner_unit):
        return url_for("scholarships.round_page", round_id=found.id) + f"#c{candidate.id}"
    return url_for("scholarships.nominate", round_id=found.id)


def reviewers_assigned(found):
    names = [name for name in request.form.get("usernames", "").replace(",", " ").split() if name]
    reviews.assign_reviewers(found, names, by=g.user)
    return round_done(found, _("Đã cập nhật hội đồng xét duyệt."))


@pages.post("/rounds/<int:round_id>/reviewers")
@login_required
@unit_of_work
def assign_reviewers(round_id):
    return round_form(round_id, "setup", reviewers_assigned)


@pages.get("/rounds/<int:round_id>/review")
@login_required
def review_page(round_id):
    return render_review(round_for(round_id, "read"))


def render_review(found, *, message=None, status=200):
    show_votes = reviews.votes_visible(found)
    return render_template("scholarships/review.html", round=found, is_reviewer=reviews.is_reviewer(found, g.user),
                           mine=reviews.own_reviews(found, g.user), show_votes=show_votes,
                           tallies=reviews.tallies(found) if show_votes else {}, message=message), status


@pages.post("/candidates/<int:candidate_id>/review")
@login_required
@unit_of_work
def review(candidate_id):
    candidate = candidate_for(candidate_id, "read")
    return refusable(lambda: reviewed(candidate), again(render_review, candidate.round))


def reviewed(candidate):
    reviews.record_review(candidate, forms.review_data(request.form), by=g.user)
    return done(_("Đã ghi ý kiến về em %(name)s.", name=candidate.student.full_name),
                url_for("scholarships.review_page", round_id=candidate.round.id) + f"#c{candidate.id}")


def decided(found):
    chosen, _awards = decisions.decide(found, forms.decide_data(request.form), by=g.user)
    return round_done(found, _("Đã quyết định: %(count)s suất, tổng %(total)s.", count=len(chosen.awards),
                               total=format_vnd(chosen.total)))


@pages.post("/rounds/<int:round_id>/decide")
@login_required
@form_post
def decide(round_id):
    return round_form(round_id, "approve", decided)


def paid_at_ceremony(found):
    paid = payouts.pay_ceremony(found, forms.pay_data(request.form), by=g.user)
    return round_done(found, _("Đã chi %(count)s phiếu chi tại lễ trao: %(numbers)s.", count=len(paid),
                               numbers=", ".join(d.number for d in paid)))


@pages.post("/rounds/<int:round_id>/pay")
@login_required
@form_post
def pay_ceremony(round_id):
    return round_form(round_id, "post", paid_at_ceremony)


@pages.get("/awards/<int:award_id>")
@login_required
def award_page(award_id):
    return render_award(award_for(award_id, "read"))


def render_award(award, *, message=None, status=200):
    chain = [award]
    while chain[-1].renewal_of is not None:
        chain.append(chain[-1].renewal_of)
    renewal = db.session.scalar(select(Award).where(Award.renewal_of_id == award.id))
    return render_template("scholarships/award.html", award=award, chain=chain, renewal=renewal,
                           renewal_form=sponsorships.renewal_defaults(award),
                           next_installment=payouts.next_installment(award), today=vn_today().isoformat(),
                           token=form_token(), renew_token=form_token(), message=message), status


@pages.post("/awards/<int:award_id>/pay")
@login_required
@form_post
def pay_award(award_id):
    award = award_for(award_id, "post")
    return refusable(lambda: award_paid(award), again(render_award, award))


def award_paid(award):
    disbursement = payouts.pay_award(award, forms.pay_data(request.form), by=g.user)
    back = request.form.get("next")
    return done(_("Đã chi %(amount)s cho em %(name)s, phiếu chi %(number)s.", amount=format_vnd(disbursement.amount),
                  name=award.student.full_name, number=disbursement.number),
                safe_next(back) if back else url_for("scholarships.award_page", award_id=award.id))


@pages.post("/awards/<int:award_id>/renew")
@login_required
@form_post
def renew_award(award_id):
    award = award_for(award_id, "approve")
    return refusable(lambda: renewed(award), again(render_award, award))


def renewed(award):
    renewal = sponsorships.renew_award(award, forms.renew_data(request.form), by=g.user)
    return done(_("Đã gia hạn đỡ đầu năm học %(year)s.", year=renewal.school_year),
                url_for("scholarships.award_page", award_id=renewal.id))


@pages.get("/rounds/<int:round_id>/<any(decision, certificates, signoff):document>.pdf")
@login_required
def round_pdf(round_id, document):
    return pdfs.round_pdf(round_for(round_id, "read"), document)
