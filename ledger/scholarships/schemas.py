"""Scholarship schemas, named by direction; the same In schemas validate API bodies and page forms."""
from marshmallow import ValidationError, fields, validate, validates_schema

from ledger.core.i18n import _
from ledger.core.schemas import Money, PublicName, Schema, list_schema
from ledger.scholarships.models import GENDERS, LEVELS, PRIZE_LEVELS, PRIZE_RANKS, PROGRAM_KINDS, SCHEDULES
from ledger.scholarships.rules import DOMAINS

CODE = validate.Regexp(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")
RESULTS = validate.OneOf(DOMAINS["academic_result"])


class TierIn(Schema):
    min_score = fields.Integer(strict=True, required=True, validate=validate.Range(0, 10**6))
    amount = Money(required=True)


class ProgramIn(Schema):
    code = fields.String(required=True, validate=CODE)
    name = fields.String(required=True, validate=validate.Length(1, 200))
    owner_unit = fields.String(required=True)
    fund = fields.String(required=True)
    award_amount = Money(required=True)
    # Checked by rules.validate_* so every problem comes back with its path, in Vietnamese.
    rules = fields.Raw(required=True)
    scoring = fields.Raw(load_default=dict)
    description = fields.String(load_default="", validate=validate.Length(max=2000))
    kind = fields.String(load_default="scholarship", validate=validate.OneOf(PROGRAM_KINDS))
    tiers = fields.List(fields.Nested(TierIn), load_default=list, validate=validate.Length(max=20))
    is_multiple_awards_allowed = fields.Boolean(data_key="allow_multiple_awards", load_default=False)
    schedule = fields.String(load_default="once", validate=validate.OneOf(SCHEDULES))
    sponsorship_years = fields.Integer(strict=True, load_default=None, allow_none=True, validate=validate.Range(1, 12))
    preset = fields.String(load_default=None, allow_none=True)
    levels = fields.List(fields.String(validate=validate.OneOf(LEVELS)), load_default=lambda: ["school"],
                         validate=validate.Length(1, len(LEVELS)))


class RulesIn(Schema):
    rules = fields.Raw()
    scoring = fields.Raw()
    award_amount = Money()
    tiers = fields.List(fields.Nested(TierIn), validate=validate.Length(max=20))


class ReasonOut(Schema):
    field = fields.String()
    passed = fields.Boolean()
    text = fields.String()


class ProgramVersionOut(Schema):
    version = fields.Integer()
    rules = fields.Raw()
    scoring = fields.Raw()
    award_amount = fields.Integer()
    tiers = fields.Raw()
    created_at = fields.DateTime()


class ProgramOut(Schema):
    code = fields.String()
    name = fields.String()
    description = fields.String()
    kind = fields.String()
    owner_unit = fields.Function(lambda p: p.owner_unit.code)
    fund = fields.Function(lambda p: p.fund.code)
    award_amount = fields.Integer()
    tiers = fields.Raw()
    rules = fields.Raw()
    scoring = fields.Raw()
    version = fields.Integer()
    allow_multiple_awards = fields.Boolean(attribute="is_multiple_awards_allowed")
    schedule = fields.String()
    sponsorship_years = fields.Integer(allow_none=True)
    levels = fields.List(fields.String())
    versions = fields.List(fields.Nested(ProgramVersionOut))


class RoundIn(Schema):
    school_year = fields.String(required=True, validate=validate.Regexp(r"^\d{4}-\d{4}$"))
    budget = Money(required=True)
    quota = fields.Integer(strict=True, load_default=None, allow_none=True, validate=validate.Range(0, 10**6))
    nominations_close_on = fields.Date(required=True)
    name = fields.String(load_default="", validate=validate.Length(max=200))
    unit_quotas = fields.Dict(keys=fields.String(),
                              values=fields.Integer(strict=True, validate=validate.Range(0, 10**6)),
                              load_default=dict)
    is_review_blind = fields.Boolean(data_key="blind_review", load_default=False)
    quorum = fields.Integer(strict=True, load_default=0, validate=validate.Range(0, 100))


class RoundUpdateIn(Schema):
    name = fields.String(validate=validate.Length(1, 200))
    budget = Money()
    quota = fields.Integer(strict=True, allow_none=True, validate=validate.Range(0, 10**6))
    nominations_close_on = fields.Date()
    unit_quotas = fields.Dict(keys=fields.String(),
                              values=fields.Integer(strict=True, validate=validate.Range(0, 10**6)))
    is_review_blind = fields.Boolean(data_key="blind_review")
    quorum = fields.Integer(strict=True, validate=validate.Range(0, 100))


class RoundOut(Schema):
    id = fields.Integer()
    program = fields.Function(lambda r: r.program.code)
    name = fields.String()
    school_year = fields.String()
    budget = fields.Integer()
    quota = fields.Integer(allow_none=True)
    unit_quotas = fields.Raw()
    nominations_close_on = fields.Date()
    blind_review = fields.Boolean(attribute="is_review_blind")
    quorum = fields.Integer()
    status = fields.String()
    decision_number = fields.String(allow_none=True)
    decided_on = fields.Date(allow_none=True)
    rules_version = fields.Integer(allow_none=True)
    candidates = fields.Function(lambda r: len(r.candidates))


class PrizeIn(Schema):
    level = fields.String(required=True, validate=validate.OneOf(PRIZE_LEVELS))
    rank = fields.String(required=True, validate=validate.OneOf(PRIZE_RANKS))
    subject = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=100))
    year = fields.Integer(strict=True, required=True, validate=validate.Range(1990, 2100))


class StudentIn(Schema):
    full_name = PublicName(200, required=True)
    date_of_birth = fields.Date(required=True)
    gender = fields.String(required=True, validate=validate.OneOf(GENDERS))
    student_code = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=40))
    national_id = fields.String(load_default=None, allow_none=True, validate=validate.Regexp(r"^\d{9,12}$"))
    school = fields.String(required=True, validate=validate.Length(1, 200))
    level = fields.String(load_default="school", validate=validate.OneOf(LEVELS))
    grade = fields.Integer(strict=True, load_default=None, allow_none=True, validate=validate.Range(1, 12))
    field_of_study = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))
    household_status = fields.String(required=True, validate=validate.OneOf(DOMAINS["household_status"]))
    household_certificate = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=40))
    household_certificate_year = fields.Integer(strict=True, load_default=None, allow_none=True,
                                                validate=validate.Range(1990, 2100))
    orphan = fields.String(required=True, validate=validate.OneOf(DOMAINS["orphan"]))
    is_disabled = fields.Boolean(data_key="disability", required=True)
    is_ethnic_minority = fields.Boolean(data_key="ethnic_minority", required=True)
    ethnicity = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=40))
    academic_result = fields.String(required=True, validate=RESULTS)
    conduct = fields.String(required=True, validate=RESULTS)
    prizes = fields.List(fields.Nested(PrizeIn), load_default=list, validate=validate.Length(max=30))
    guardian_name = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))
    guardian_phone = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=20))
    address = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=300))
    is_publish_consented = fields.Boolean(data_key="publish_consent", load_default=False)

    @validates_schema
    def identified(self, data, **_kwargs):
        if not (data.get("student_code") or "").strip() and not data.get("national_id"):
            raise ValidationError(_("Cần mã học sinh hoặc số định danh cá nhân."), "student_code")

    @validates_schema
    def pupil_has_grade(self, data, **_kwargs):
        if data.get("level", "school") == "school" and data.get("grade") is None:
            raise ValidationError(_("Học sinh phổ thông cần ghi lớp (1–12)."), "grade")


class CandidateIn(Schema):
    nominated_by = fields.String(required=True)
    student = fields.Nested(StudentIn, required=True)
    evidence = fields.List(fields.String(validate=validate.Length(1, 200)), load_default=list,
                           validate=validate.Length(max=20))
    note = fields.String(load_default="", validate=validate.Length(max=2000))


class CandidateOut(Schema):
    id = fields.Integer()
    round_id = fields.Integer()
    student_id = fields.Integer()
    nominated_by = fields.Function(lambda c: c.nominated_by.code)
    nominated_at = fields.DateTime()
    eligible = fields.Boolean(attribute="is_eligible")
    score = fields.Integer()
    reasons = fields.List(fields.Nested(ReasonOut))
    rules_version = fields.Integer()


class ReviewersIn(Schema):
    usernames = fields.List(fields.String(validate=validate.Length(1, 80)), required=True,
                            validate=validate.Length(1, 50))


class ReviewersOut(Schema):
    round_id = fields.Integer()
    usernames = fields.List(fields.String())


class ReviewIn(Schema):
    is_recommended = fields.Boolean(data_key="recommend", load_default=None, allow_none=True)
    is_conflicted = fields.Boolean(data_key="conflict_of_interest", load_default=False)
    note = fields.String(load_default="", validate=validate.Length(max=2000))


class ReviewOut(Schema):
    id = fields.Integer()
    candidate_id = fields.Integer()
    recommend = fields.Boolean(attribute="is_recommended", allow_none=True)
    conflict_of_interest = fields.Boolean(attribute="is_conflicted")
    recused = fields.Function(lambda review: review.is_conflicted)
    note = fields.String()


class DecideIn(Schema):
    decision_number = fields.String(required=True, validate=validate.Length(1, 60))
    decided_on = fields.Date(required=True)


class AwardOut(Schema):
    id = fields.Integer()
    candidate_id = fields.Integer()
    amount = fields.Integer()
    rank = fields.Integer()


class DecisionOut(Schema):
    awards = fields.List(fields.Nested(AwardOut))
    total = fields.Integer()
    budget_left = fields.Integer()


class PayIn(Schema):
    date = fields.Date(required=True)
    method = fields.String(required=True, validate=validate.OneOf(("cash", "bank")))


class PaymentOut(Schema):
    """The posted disbursement (phiếu chi) a payout made."""
    id = fields.Integer()
    status = fields.String()
    number = fields.String()
    date = fields.Date(attribute="dated_on")
    amount = fields.Integer()
    method = fields.String()
    fund = fields.Function(lambda d: d.fund.code)
    unit = fields.Function(lambda d: d.unit.code)
    category = fields.String()
    payee = fields.Raw()
    memo = fields.String()
    entry_ids = fields.Function(lambda d: [entry.id for entry in d.transaction.entries] if d.transaction else [])


class CeremonyOut(Schema):
    disbursements = fields.List(fields.Nested(PaymentOut))
    total = fields.Integer()


class RenewIn(Schema):
    school_year = fields.String(required=True, validate=validate.Regexp(r"^\d{4}-\d{4}$"))
    decided_on = fields.Date(required=True)
    decision_number = fields.String(load_default=None, allow_none=True, validate=validate.Length(1, 60))
    school = fields.String(load_default=None, allow_none=True, validate=validate.Length(1, 200))
    grade = fields.Integer(strict=True, required=True, validate=validate.Range(1, 12))
    academic_result = fields.String(required=True, validate=RESULTS)
    conduct = fields.String(required=True, validate=RESULTS)
    household_status = fields.String(validate=validate.OneOf(DOMAINS["household_status"]))
    household_certificate = fields.String(allow_none=True, validate=validate.Length(max=40))
    orphan = fields.String(validate=validate.OneOf(DOMAINS["orphan"]))
    is_disabled = fields.Boolean(data_key="disability")
    is_ethnic_minority = fields.Boolean(data_key="ethnic_minority")


class InstallmentOut(Schema):
    seq = fields.Integer()
    due_on = fields.Date()
    amount = fields.Integer()
    paid_on = fields.Date(allow_none=True)
    disbursement_id = fields.Integer(allow_none=True)


class AwardDetailOut(AwardOut):
    round_id = fields.Integer()
    program = fields.Function(lambda a: a.program.code)
    school_year = fields.String()
    status = fields.String()
    decision_number = fields.String()
    decided_on = fields.Date()
    renewal_of = fields.Integer(attribute="renewal_of_id", allow_none=True)
    reasons = fields.List(fields.Nested(ReasonOut), allow_none=True)
    installments = fields.List(fields.Nested(InstallmentOut))


class PresetOut(Schema):
    code = fields.String()
    name = fields.String()
    description = fields.String()
    rules = fields.Raw()
    scoring = fields.Raw()


CandidateList = list_schema(CandidateOut, "ScholarshipCandidateList")
PresetList = list_schema(PresetOut, "ScholarshipPresetList")
