"""The audit contract, driven by the permission matrix: every write of the API, made by a caller who
may, leaves exactly the audit events listed in AUDIT — these actions, this many of each, written in
the caller's name — and nothing else. A write the fixtures refuse (the row's (status, code)) leaves
none; refused callers change nothing at all (test_permission_matrix). A new write row fails
test_every_write_row_has_an_audit_contract until its line is added here.
"""
from collections import Counter

import pytest
from sqlalchemy import select

from ledger.core.audit import AuditEvent
from ledger.extensions import db
from tests.auth import test_permission_matrix as matrix
from tests.auth.test_permission_matrix import ROLES, ROWS, answer, expected_through, send

world = matrix.world  # the matrix's fixture: the same units, callers and objects

POSTED = "transaction.post"  # one per posted transaction (posting.record_posted); `ledger import-journal`
# writes one "journal.import" row for the whole file instead (its SHA-256 and transaction ids: test_import.py)

# (method, rule) → the actions one call by a caller who may writes; () where the row's ok is a refusal.
AUDIT = {
    ("POST",   "/auth/tokens"):                                   (),  # signing in is not a change of the books
    ("DELETE", "/auth/tokens/<int:token_id>"):                    (),  # someone else's token: 404
    ("POST",   "/users"):                                         ("user.create",),
    ("POST",   "/users/<username>/roles"):                        ("role.grant",),
    ("POST",   "/units"):                                         ("unit.create",),
    ("POST",   "/units/<code>/move"):                             ("unit.move",),
    # the merged unit's balances go to the unit it joins (one transaction each way), then it moves under it
    ("POST",   "/units/<code>/merge"):                            ("unit.merge", "unit.move", POSTED, POSTED),
    ("POST",   "/accounts"):                                      ("account.create",),
    ("POST",   "/funds"):                                         ("fund.create",),
    ("PUT",    "/funds/<code>/payment-details"):                  ("fund.payment_details",),
    ("POST",   "/units/<code>/entries"):                          (POSTED,),
    ("POST",   "/entries/<entry_id>/reverse"):                    ("entry.reverse", POSTED),
    ("POST",   "/units/<code>/periods/close"):                    ("books.close",),
    ("POST",   "/units/<code>/receipts"):                         ("donor.create", "receipt.create", POSTED),
    ("POST",   "/units/<code>/donors/merge"):                     (),  # a donor into itself: 422
    ("POST",   "/units/<code>/disbursements"):                    ("disbursement.create",),  # waits for approval
    ("POST",   "/disbursements/<disbursement_id>/approve"):       ("disbursement.approve", POSTED),
    ("POST",   "/disbursements/<disbursement_id>/reject"):        ("disbursement.reject",),
    ("POST",   "/receipts/<receipt_id>/cancel"):                  ("entry.reverse", POSTED, "receipt.cancel"),
    ("POST",   "/disbursements/<disbursement_id>/cancel"):        (),  # pending: nothing to reverse
    ("POST",   "/disbursements/<disbursement_id>/redate"):        (),  # the matrix's callers did not make it
    ("PUT",    "/units/<code>/approval-policy"):                  ("approval_policy.set",),
    ("POST",   "/units/<code>/remittances"):                      ("remittance.create", POSTED),
    ("POST",   "/units/<code>/bank-accounts"):                    ("bank_account.create",),
    ("PUT",    "/bank-accounts/<account_id>/mapping"):            ("bank_account.mapping",),
    ("POST",   "/bank-accounts/<account_id>/statements"):         ("bank_statement.import", "bank.match"),
    ("POST",   "/bank-lines/<line_id>/confirm"):                  (),
    ("POST",   "/bank-lines/<line_id>/reject"):                   (),
    ("POST",   "/bank-lines/<line_id>/match"):                    (),
    ("POST",   "/bank-lines/<line_id>/receipt"):                  ("bank.match_created", "donor.create",
                                                                   "receipt.create", POSTED),
    ("POST",   "/units/<code>/imports/opening-balances"):         (),
    ("POST",   "/units/<code>/imports/donors"):                   (),
    ("POST",   "/units/<code>/members"):                          (),
    ("POST",   "/units/<code>/members/import"):                   (),
    ("PUT",    "/members/<member_id>"):                           ("member.update",),
    ("POST",   "/members/<member_id>/leave"):                     ("member.leave",),
    ("POST",   "/members/<member_id>/move"):                      ("member.move",),
    ("PUT",    "/units/<code>/population"):                       ("unit.population",),
    ("PUT",    "/units/<code>/dues-policy"):                      ("dues_policy.set",),
    ("POST",   "/units/<code>/dues"):                             (),
    ("POST",   "/units/<code>/dues/sheet"):                       (),
    ("POST",   "/units/<code>/allowance-rules"):                  ("allowance_rule.create",),
    ("POST",   "/allowance-rules/<rule_id>/payments"):            ("allowance.pay", "disbursement.create"),
    ("POST",   "/campaigns"):                                     ("campaign.create",),
    ("PUT",    "/campaigns/<code>/targets"):                      ("campaign.targets",),
    ("POST",   "/units/<code>/plans"):                            ("plan.create",),
    ("PUT",    "/plans/<plan_id>/targets"):                       ("plan.targets",),
    ("PUT",    "/plans/<plan_id>/values"):                        ("plan.values",),
    ("POST",   "/campaigns/<code>/pledges"):                      ("donor.create", "pledge.create"),
    ("POST",   "/units/<code>/statements"):                       ("statement.create",),
    ("POST",   "/statements/<statement_id>/publish"):             ("statement.publish",),
    ("POST",   "/units/<code>/reports"):                          ("report.submit", POSTED),
    ("POST",   "/reports/<report_id>/receive"):                   ("report.receive",),
    ("POST",   "/scholarships/programs"):                         ("program.create",),
    ("PUT",    "/scholarships/programs/<code>/rules"):            ("program.rules",),
    ("POST",   "/scholarships/programs/<code>/rounds"):           ("round.create",),
    ("PATCH",  "/scholarships/rounds/<round_id>"):                ("round.update",),
    ("POST",   "/scholarships/rounds/<round_id>/candidates"):     ("student.save", "candidate.nominate"),
    ("POST",   "/scholarships/rounds/<round_id>/reviewers"):      (),  # the matrix's reviewer sits there already
    ("POST",   "/scholarships/candidates/<candidate_id>/reviews"): ("candidate.review",),
    ("POST",   "/scholarships/rounds/<round_id>/decide"):         ("round.decide",),
    ("POST",   "/scholarships/rounds/<round_id>/pay"):            (),
    ("POST",   "/scholarships/awards/<award_id>/pay"):            ("disbursement.create", "disbursement.approve",
                                                                   POSTED, "award.pay"),
    ("POST",   "/scholarships/awards/<award_id>/renew"):          (),
    ("POST",   "/learning/criteria"):                             ("criteria_set.create",),
    ("PUT",    "/learning/criteria/<code>"):                      ("criteria_set.update",),
    ("POST",   "/learning/subjects/<subject_id>/assessments"):    ("learning.assessment.create",),
    ("POST",   "/units/<code>/learning/recognitions"):            ("learning.recognition.create",),
    ("POST",   "/units/<code>/learning/subjects"):                ("learning.subject.create",
                                                                   "learning.registration.create"),
    ("PUT",    "/learning/subjects/<subject_id>"):                ("learning.subject.update",),
    ("POST",   "/learning/subjects/<subject_id>/move"):           ("learning.subject.move",),
    ("POST",   "/learning/subjects/<subject_id>/registrations"):  ("learning.registration.create",),
    ("POST",   "/units/<code>/learning/registrations"):           ("learning.registration.year",),
    ("POST",   "/units/<code>/learning/subjects/import"):         (),  # the matrix's CSV has no name column
    ("POST",   "/units/<code>/population/import"):                (),
    ("POST",   "/units/<code>/inspections"):                      ("inspection.create",),
    ("POST",   "/inspections/<inspection_id>/findings"):          ("finding.create",),
    ("POST",   "/findings/<finding_id>/answer"):                  ("finding.answer",),
    ("POST",   "/findings/<finding_id>/close"):                   ("finding.close",),
}
# Events written in someone else's name than the caller's, and why.
NOT_BY_CALLER = {
    ("POST", "/scholarships/awards/<award_id>/pay"): {"disbursement.approve"},  # the round's decider approved it
}
WRITES = [row for row in ROWS if row[0] != "GET"]


def test_every_write_row_has_an_audit_contract():
    rows = {(method, rule) for method, rule, *_ in WRITES}
    assert rows - set(AUDIT) == set(), "write rows without an audit contract"
    assert set(AUDIT) - rows == set(), "audit contracts for rows that no longer exist"


def caller_who_may(world, who):
    """The first matrix caller allowed on the caller's own units; the root admin where none is."""
    role = next((role for role in ROLES if expected_through(who, role, "own")), None)
    return world.boss if role is None else world.callers[role]


def audit_events_after(last_id: int) -> list:
    return db.session.execute(select(AuditEvent.action, AuditEvent.user_id)
                              .where(AuditEvent.id > last_id).order_by(AuditEvent.id)).all()


def last_audit_id() -> int:
    last = db.session.scalar(select(db.func.coalesce(db.func.max(AuditEvent.id), 0)))
    db.session.rollback()  # a read: end it, so that no lock is held during the call
    return last


@pytest.mark.parametrize("method, rule, who, ok, body", WRITES, ids=[f"{m} {r}" for m, r, *_ in WRITES])
def test_a_write_leaves_exactly_its_audit_events(world, method, rule, who, ok, body):
    caller = caller_who_may(world, who)
    path, filled = world.path(rule, "own"), world.fill(body, "own")
    since = last_audit_id()
    response = send(caller, method, path, filled)
    assert answer(response, ok) == ok, response.json
    events = audit_events_after(since)
    assert Counter(action for action, _user in events) == Counter(AUDIT[method, rule])
    others = NOT_BY_CALLER.get((method, rule), set())
    assert {user for action, user in events if action not in others} <= {caller.user.id}
