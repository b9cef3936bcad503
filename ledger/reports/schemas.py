"""Schemas of the statements and reports API, named by direction."""
from marshmallow import fields, validate

from ledger.accounts.forms import parse_date
from ledger.core.schemas import MAX_YEAR, MIN_YEAR, PageQuery, Schema, list_schema
from ledger.reports.models import REPORT_KINDS
from ledger.reports.rollup import PERIOD_PATTERN


class FundStatementIn(Schema):
    period_start = fields.Date(required=True)
    period_end = fields.Date(required=True)
    consolidated = fields.Boolean(load_default=False)


def statement_form(form) -> dict:
    """The statements page's form as typed, to show again with a refusal."""
    return {"period_start": form.get("period_start", "").strip(), "period_end": form.get("period_end", "").strip(),
            "consolidated": form.get("consolidated") == "on"}


def statement_form_data(form: dict) -> dict:
    """FundStatementIn data from the typed form: a picked (ISO) or typed (31/03/2026) date each."""
    return {"period_start": parse_date(form["period_start"], "period_start").isoformat(),
            "period_end": parse_date(form["period_end"], "period_end").isoformat(),
            "consolidated": form["consolidated"]}


class StatementPublishIn(Schema):
    reason = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=1000))


class FundStatementOut(Schema):
    id = fields.Integer()
    unit = fields.String()
    period_start = fields.Date()
    period_end = fields.Date()
    consolidated = fields.Boolean()
    status = fields.String()
    version = fields.Integer(allow_none=True)
    hash = fields.String(allow_none=True)
    published_at = fields.DateTime(allow_none=True)
    supersedes = fields.Integer(allow_none=True)
    superseded_by = fields.Integer(allow_none=True)
    correction_reason = fields.String(allow_none=True)
    public_url = fields.String(allow_none=True)


class FundStatementDetailOut(FundStatementOut):
    content = fields.Dict()


class StatementPublishOut(Schema):
    id = fields.Integer()
    status = fields.String()
    version = fields.Integer()
    hash = fields.String()
    public_url = fields.String()
    supersedes = fields.Integer(allow_none=True)


class StatementVerifyOut(Schema):
    valid = fields.Boolean()
    books_match = fields.Boolean(allow_none=True, metadata={
        "description": "Sổ của mọi đơn vị được báo cáo, tính lại từ các dòng, còn đi qua các mốc đã chốt khi công bố "
                       "(null: báo cáo công bố trước khi có mốc)"})
    statement_id = fields.Integer(allow_none=True)
    unit = fields.String(allow_none=True)
    period_start = fields.String(allow_none=True)
    period_end = fields.String(allow_none=True)


class PeriodicReportIn(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(REPORT_KINDS))
    period = fields.String(required=True, validate=validate.Regexp(PERIOD_PATTERN),
                           metadata={"description": "2026-03 (tháng), 2026-Q1 (quý) hoặc 2026 (năm)"})
    note = fields.String(load_default="", validate=validate.Length(max=2000))


class PeriodicReportOut(Schema):
    id = fields.Integer()
    unit = fields.Function(lambda r: r.unit.code)
    parent = fields.Function(lambda r: r.parent.code)
    kind = fields.String()
    period_start = fields.Date()
    period_end = fields.Date()
    status = fields.String()
    note = fields.String()
    submitted_at = fields.DateTime()
    received_at = fields.DateTime(allow_none=True)
    content = fields.Dict()


class PeriodicStatusQuery(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(REPORT_KINDS))
    period = fields.String(required=True, validate=validate.Regexp(PERIOD_PATTERN))


class PeriodicChildStatus(Schema):
    unit = fields.String()
    name = fields.String()
    status = fields.String()
    report_id = fields.Integer(allow_none=True)
    submitted_at = fields.DateTime(allow_none=True)
    overdue = fields.Boolean(metadata={"description": "Chưa gửi và đã quá hạn"})
    late = fields.Boolean(metadata={"description": "Đã gửi nhưng sau hạn"})


class PeriodicStatusOut(Schema):
    unit = fields.String()
    kind = fields.String()
    period_start = fields.Date()
    period_end = fields.Date()
    deadline = fields.Date()
    children = fields.List(fields.Nested(PeriodicChildStatus))
    missing = fields.List(fields.String())


class EmulationQuery(Schema):
    year = fields.Integer(required=True, validate=validate.Range(MIN_YEAR, MAX_YEAR))


class EmulationIndicatorOut(Schema):
    code = fields.String()
    name = fields.String()
    measure = fields.String(allow_none=True)
    target = fields.Raw(allow_none=True)
    actual = fields.Raw(allow_none=True)
    percent = fields.Raw(allow_none=True)
    met = fields.Boolean()


class EmulationChildOut(Schema):
    unit = fields.String()
    name = fields.String()
    rank = fields.Integer(allow_none=True, metadata={
        "description": "Hạng: nhiều chỉ tiêu đạt trước, rồi tỷ lệ hoàn thành, rồi mã đơn vị; null khi chưa báo cáo"})
    reported = fields.Boolean()
    status = fields.String()
    report_id = fields.Integer(allow_none=True)
    submitted_at = fields.DateTime(allow_none=True)
    late = fields.Boolean()
    overdue = fields.Boolean()
    met_count = fields.Integer()
    indicator_count = fields.Integer()
    reached = fields.Float(metadata={
        "description": "Trung bình tỷ lệ thực hiện các chỉ tiêu (mỗi chỉ tiêu tối đa 100)"})
    raised = fields.Integer(metadata={"description": "Thu trong năm (đồng), theo báo cáo đã gửi"})
    indicators = fields.Method("indicator_list")

    def indicator_list(self, row):
        return EmulationIndicatorOut(many=True).dump(list(row["indicators"].values()))


class EmulationWholeOut(Schema):
    through = fields.String()
    indicators = fields.List(fields.Nested(EmulationIndicatorOut))
    met_count = fields.Integer()
    indicator_count = fields.Integer()
    reached = fields.Float()
    raised = fields.Integer()


class EmulationBoardOut(Schema):
    unit = fields.String()
    name = fields.String()
    year = fields.Integer()
    deadline = fields.Date()
    plan = fields.Dict(allow_none=True)
    columns = fields.List(fields.Dict())
    children = fields.List(fields.Nested(EmulationChildOut))
    not_reported = fields.List(fields.String())
    missing = fields.List(fields.String(), metadata={"description": "Chưa báo cáo khi đã quá hạn"})
    late = fields.List(fields.String(), metadata={"description": "Đã báo cáo sau hạn"})
    whole = fields.Nested(EmulationWholeOut)


class DisclosureDueOut(Schema):
    fund = fields.String()
    kind = fields.String()
    period_start = fields.Date()
    period_end = fields.Date()
    due_on = fields.Date()
    status = fields.String()
    statement_id = fields.Integer(allow_none=True)


class ManagementCostOut(Schema):
    fund = fields.String()
    year = fields.Integer()
    revenue = fields.Integer()
    operations = fields.Integer()
    cap_percent = fields.Integer()
    over_cap = fields.Boolean()


class DisclosureOut(Schema):
    unit = fields.String()
    due = fields.List(fields.Nested(DisclosureDueOut))
    overdue = fields.Integer()
    management_costs = fields.List(fields.Nested(ManagementCostOut))


FundStatementList = list_schema(FundStatementOut, "FundStatementList")
FundStatementQuery = PageQuery
