"""Committee review: assigned reviewers say yes or no on each candidate, or declare a conflict of
interest and are recused. A candidate is vetoed when more than half of the assigned reviewers who
are not recused on it say no; in blind mode nobody sees others' votes before the decision.
"""
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select

from ledger.auth.models import User
from ledger.core import audit, permissions
from ledger.core.errors import Forbidden, ValidationFailed
from ledger.core.i18n import _
from ledger.core.state import claim
from ledger.extensions import db
from ledger.scholarships.models import Candidate, Review, ReviewerAssignment, Round


@dataclass(frozen=True)
class Tally:
    yes: int
    no: int
    recused: int
    pending: int

    @property
    def voting(self) -> int:
        """Reviewers not recused on this candidate, whether they have voted yet or not."""
        return self.yes + self.no + self.pending

    @property
    def vetoed(self) -> bool:
        return self.no * 2 > self.voting


def check_open(found: Round) -> None:
    """Lock the round and re-read it: nominations, reviews and the decision take turns on it, so nothing
    slips into a round after its decision has read it. Decided → 409 invalid_state."""
    claim(found, {"open"}, label=lambda _status: _("đã có quyết định số %(number)s", number=found.decision_number))


def assign_reviewers(found: Round, usernames: list[str], *, by=None) -> list[ReviewerAssignment]:
    """Add committee members (users holding a role at the program's owner unit); idempotent."""
    check_open(found)
    owner = found.program.owner_unit
    have = {a.user_id for a in found.reviewers}
    for username in dict.fromkeys(name.strip() for name in usernames):
        user = db.session.scalar(select(User).where(User.username == username))
        if user is None or not user.is_active or not permissions.roles_at(user, owner):
            raise ValidationFailed(_("%(username)s không phải người dùng có vai trò tại %(unit)s.",
                                     username=username, unit=owner.name), field="usernames")
        if user.id not in have:
            db.session.add(ReviewerAssignment(round=found, user=user, assigned_by_id=getattr(by, "id", None)))
            have.add(user.id)
            audit.record("round.reviewer", "scholarship_round", found.id, by=by, after={"reviewer": username})
    db.session.flush()
    return found.reviewers


def is_reviewer(found: Round, user) -> bool:
    return user is not None and any(a.user_id == user.id for a in found.reviewers)


def record_review(candidate: Candidate, data: dict, *, by) -> Review:
    """Only an assigned reviewer; a declared conflict recuses them (no vote). A second word replaces the first."""
    found = candidate.round
    if not is_reviewer(found, by):
        raise Forbidden(_("Chỉ thành viên hội đồng được phân công cho đợt xét này mới ghi ý kiến."))
    check_open(found)
    conflict = bool(data.get("is_conflicted"))
    recommend = None if conflict else data.get("is_recommended")
    if not conflict and recommend is None:
        raise ValidationFailed(_("Chọn đồng ý hoặc không đồng ý, hoặc khai báo xung đột lợi ích."), field="recommend")
    review = next((r for r in candidate.reviews if r.reviewer_id == by.id), None)
    before = describe(review) if review else None
    if review is None:
        review = Review(candidate=candidate, reviewer_id=by.id)
        db.session.add(review)
    review.is_conflicted, review.is_recommended = conflict, recommend
    review.note = (data.get("note") or "").strip()
    db.session.flush()
    audit.record("candidate.review", "scholarship_candidate", candidate.id, by=by,
                 before=before, after=describe(review))
    return review


def describe(review: Review) -> dict:
    return {"recommend": review.is_recommended, "conflict_of_interest": review.is_conflicted, "note": review.note}


def tally(reviews_of_candidate, reviewer_ids: set[int]) -> Tally:
    words = {r.reviewer_id: r for r in reviews_of_candidate if r.reviewer_id in reviewer_ids}
    recused = sum(r.is_conflicted for r in words.values())
    yes = sum(r.is_recommended is True for r in words.values())
    no = sum(r.is_recommended is False for r in words.values())
    return Tally(yes=yes, no=no, recused=recused, pending=len(reviewer_ids) - len(words))


def tallies(found: Round) -> dict[int, Tally]:
    """Every candidate's tally from one query of the round's reviews."""
    reviewer_ids = {a.user_id for a in found.reviewers}
    words = defaultdict(list)
    for review in db.session.scalars(select(Review).join(Candidate).where(Candidate.round_id == found.id)):
        words[review.candidate_id].append(review)
    return {c.id: tally(words[c.id], reviewer_ids) for c in found.candidates}


def votes_visible(found: Round) -> bool:
    """Blind review hides everyone's votes from everyone else until the decision."""
    return not found.is_review_blind or found.status == "decided"


def own_reviews(found: Round, user) -> dict[int, Review]:
    """The user's own word on each candidate of the round, by candidate id."""
    if user is None:
        return {}
    return {r.candidate_id: r for r in db.session.scalars(
        select(Review).join(Candidate).where(Candidate.round_id == found.id, Review.reviewer_id == user.id))}
