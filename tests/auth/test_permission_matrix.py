"""Who may call what: every /api/v1 endpoint × every role × a unit in the caller's subtree or in another.

ROWS has one line per (method, rule) exactly as app.url_map names it; a new endpoint fails
test_every_endpoint_has_a_row until its line is added. A path parameter is filled from the
object of that name built in the subtree being tried (see PARAMS and MAKERS); bodies are minimal
and valid, so the permission check is what answers. A caller who may act gets the row's status: the
success status, or (status, code) where the fixtures make success impossible; a write gets freshly made
objects for each such caller. A caller who may not gets 403, or 401 without a token, and changes nothing.
"""
import io
import itertools
import re
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from ledger.core.dates import vn_today
from ledger.extensions import db

EVERYONE = frozenset({"admin", "treasurer", "approver", "reviewer", "auditor", "viewer"})
READ = EVERYONE                                       # on the unit and below
POST = frozenset({"admin", "treasurer"})              # money: entries, receipts, dues, remittances
APPROVE = frozenset({"admin", "approver"})            # disbursements, decisions, publishing
CLOSE = frozenset({"admin", "treasurer"})             # khóa sổ
SETUP = frozenset({"admin", "treasurer"})             # funds, members, campaigns, programs
NOMINATE = frozenset({"admin", "treasurer", "approver"})
PLAN = frozenset({"admin", "treasurer", "approver"})  # learning plans, targets, manual values
ASSESS = frozenset({"admin", "treasurer", "approver", "reviewer"})  # learning subjects: register, assess
INSPECT = frozenset({"admin", "auditor"})             # the inspection board: plans, findings, closing them
ANSWER = frozenset({"admin", "treasurer", "approver"})  # the inspected unit answers a finding
MANAGE = frozenset({"admin"})                         # units, users, roles
ASSIGNED = frozenset({"reviewer"})                    # the round's assigned reviewer, nobody else
SIGNED_IN, ANY_ADMIN, ROOT_ADMIN, OPEN = "signed in", "admin anywhere", "root admin", "open"
VOLATILE = {"last_used_at"}  # written when a token is used, refused or not
HIDDEN = {("GET", "/donors/<donor_id>")}  # a donor the caller may not read is not found (404), not forbidden

TODAY, YEAR = vn_today().isoformat(), vn_today().year
PASSWORD = "mat-khau-dai"
DONATION = [{"account": "111", "fund": "{fund}", "debit": 1000}, {"account": "511", "fund": "{fund}", "credit": 1000}]
DONOR = {"name": "Lò Thị Mai", "kind": "individual", "publish": "full"}
# the shipped family set (KHVN-GDHT-2022): full marks on each criterion, so the assessment passes
ASSESSMENT = {"year": YEAR, "answers": {"tre_em_hoc_tap": 30, "nguoi_lon_hoc_tap": 30, "dieu_kien_hoc_tap": 20,
                                        "tac_dong_hoc_tap": 20}}
STATEMENT_CSV = "Ngày giao dịch,Số tham chiếu,Nội dung,Ghi nợ,Ghi có\n{day},FT1,LO THI MAI ung ho,,250.000\n"


class Upload(dict):
    """A multipart body: a small CSV in "file", plus these form fields."""


# ok: what a caller who may gets — the success status, or (status, code) where the fixtures rule success out;
# a body too long for its row goes on the next line, under the rule
# method  rule (after /api/v1)                                  who        ok   body (query string for GET)
ROWS = [
    ("POST",  "/auth/tokens",                                   OPEN,      201,
              {"username": "xem.own", "password": PASSWORD}),
    ("GET",   "/auth/tokens",                                   SIGNED_IN, 200, None),
    ("DELETE", "/auth/tokens/<int:token_id>",                   SIGNED_IN, (404, "not_found"), None),
    ("POST",  "/users",                                         ANY_ADMIN, 201,
              {"username": "u{new}", "password": PASSWORD, "full_name": "Người mới"}),
    ("GET",   "/users/<username>",                              ANY_ADMIN, 200, None),
    ("POST",  "/users/<username>/roles",                        MANAGE,    201, {"unit": "{unit}", "role": "auditor"}),
    ("POST",  "/units",                                         MANAGE,    201,
              {"code": "N{new}", "name": "Chi hội mới", "level": "branch", "parent": "{unit}"}),
    ("GET",   "/units",                                         SIGNED_IN, 200, None),
    ("GET",   "/units/<code>",                                  READ,      200, None),
    ("POST",  "/units/<code>/move",                             MANAGE,    200, {"parent": "{province}"}),
    ("GET",   "/units/<code>/parents",                          READ,      200, None),
    ("POST",  "/units/<code>/merge",                            MANAGE,    200, {"into": "{province}", "on": TODAY}),
    ("GET",   "/accounts",                                      SIGNED_IN, 200, None),
    ("POST",  "/accounts",                                      ROOT_ADMIN, 201,
              {"code": "1119", "name": "Tiền mặt khác", "parent": "111"}),
    ("POST",  "/funds",                                         SETUP,     201,
              {"code": "F{new}", "name": "Quỹ mới", "owner_unit": "{unit}", "kind": "unrestricted"}),
    ("GET",   "/funds/<code>",                                  READ,      200, None),
    ("PUT",   "/funds/<code>/payment-details",                  SETUP,     200, {"memo_code": "M{new}"}),
    ("GET",   "/funds/<code>/vietqr",                           READ,      200, None),
    ("GET",   "/units/<code>/funds",                            READ,      200, None),
    ("POST",  "/units/<code>/entries",                          POST,      201, {"date": TODAY, "lines": DONATION}),
    ("GET",   "/units/<code>/entries",                          READ,      200, None),
    ("GET",   "/entries/<entry_id>",                            READ,      200, None),
    ("POST",  "/entries/<entry_id>/reverse",                    POST,      201, {"date": TODAY, "reason": "Ghi nhầm"}),
    ("POST",  "/units/<code>/periods/close",                    CLOSE,     200, {"through": "{close_through}"}),
    ("GET",   "/units/<code>/trial-balance",                    READ,      200, None),
    ("GET",   "/units/<code>/verify",                           READ,      200, None),
    ("POST",  "/units/<code>/receipts",                         POST,      201,
              {"date": TODAY, "amount": 1000, "method": "cash", "fund": "{fund}", "category": "donation",
               "donor": DONOR}),
    ("GET",   "/units/<code>/receipts",                         READ,      200, None),
    ("GET",   "/receipts/<receipt_id>",                         READ,      200, None),
    ("GET",   "/receipts/<receipt_id>/pdf",                     READ,      200, None),
    ("POST",  "/receipts/<receipt_id>/cancel",                  POST,      200, {"reason": "Ghi nhầm"}),
    ("GET",   "/units/<code>/donors",                           READ,      200, None),
    ("GET",   "/donors/<donor_id>",                             READ,      200, None),
    ("POST",  "/units/<code>/donors/merge",                     SETUP,     (422, "validation"),  # one donor made here
              {"donor": "{donor}", "into": "{donor}"}),
    ("GET",   "/units/<code>/donors/<donor_id>/statement",      READ,      200, {"year": YEAR}),
    ("POST",  "/units/<code>/disbursements",                    POST,      201,
              {"date": TODAY, "amount": 1000, "method": "cash", "fund": "{fund}", "category": "other",
               "payee": {"name": "Cửa hàng sách"}}),
    ("GET",   "/units/<code>/disbursements",                    READ,      200, None),
    ("GET",   "/disbursements/<disbursement_id>",               READ,      200, None),
    ("GET",   "/disbursements/<disbursement_id>/pdf",           READ,      200, None),
    ("POST",  "/disbursements/<disbursement_id>/approve",       APPROVE,   200, None),
    ("POST",  "/disbursements/<disbursement_id>/reject",        APPROVE,   200, {"reason": "Thiếu chứng từ"}),
    ("POST",  "/disbursements/<disbursement_id>/cancel",        POST,      (422, "invalid_state"),  # still pending
              {"reason": "Ghi nhầm"}),
    ("POST",  "/disbursements/<disbursement_id>/redate",        POST,      (403, "forbidden"),  # only its maker
              {"date": TODAY}),
    ("PUT",   "/units/<code>/approval-policy",                  SETUP,     200, {"threshold": None}),
    ("POST",  "/units/<code>/remittances",                      POST,      201,
              {"date": TODAY, "to_unit": "{province}", "fund": "{fund}", "amount": 1000, "method": "cash"}),
    ("GET",   "/units/<code>/remittances",                      READ,      200, None),
    ("GET",   "/units/<code>/books/<kind>",                     READ,      200, None),
    ("GET",   "/units/<code>/bank-accounts",                    READ,      200, None),
    ("POST",  "/units/<code>/bank-accounts",                    SETUP,     201,
              {"name": "Agribank", "account_number": "8888 {n}"}),
    ("PUT",   "/bank-accounts/<account_id>/mapping",            SETUP,     200,
              {"date": "Ngày giao dịch", "description": "Nội dung", "credit": "Ghi có"}),
    ("POST",  "/bank-accounts/<account_id>/statements",         POST,      201, Upload()),
    ("GET",   "/bank-accounts/<account_id>/lines",              READ,      200, None),
    ("POST",  "/bank-lines/<line_id>/confirm",                  POST,      (409, "invalid_state"), None),
    ("POST",  "/bank-lines/<line_id>/reject",                   POST,      (409, "invalid_state"), None),
    ("POST",  "/bank-lines/<line_id>/match",                    POST,      (422, "validation"),
              {"receipt_id": "{receipt}"}),
    ("POST",  "/bank-lines/<line_id>/receipt",                  POST,      201, {"donor": DONOR, "fund": "{fund}"}),
    ("POST",  "/units/<code>/imports/opening-balances",         POST,      (422, "validation"), Upload(date=TODAY)),
    ("POST",  "/units/<code>/imports/donors",                   SETUP,     (422, "validation"), Upload()),
    ("POST",  "/units/<code>/members",                          SETUP,     (422, "validation"),
              {"full_name": "Lò Văn Mới"}),
    ("GET",   "/units/<code>/members",                          READ,      200, None),
    ("POST",  "/units/<code>/members/import",                   SETUP,     (422, "validation"), Upload()),
    ("GET",   "/members/<member_id>",                           READ,      200, None),
    ("PUT",   "/members/<member_id>",                           SETUP,     200, {"phone": "0912345678"}),
    ("POST",  "/members/<member_id>/leave",                     SETUP,     200, {"on": TODAY}),
    ("POST",  "/members/<member_id>/move",                      SETUP,     200, {"unit": "{branch}"}),
    ("PUT",   "/units/<code>/population",                       SETUP,     200, {"population": 1000}),
    ("GET",   "/units/<code>/membership",                       READ,      200, None),
    ("PUT",   "/units/<code>/dues-policy",                      SETUP,     200,
              {"year": YEAR, "amount": 12000, "fund": "{fund}", "split": {"branch": 100}}),
    ("GET",   "/units/<code>/dues-policy",                      READ,      (422, "invalid_state"), {"year": YEAR}),
    ("POST",  "/units/<code>/dues",                             POST,      (422, "invalid_state"),
              {"member_id": "{member}", "year": YEAR, "date": TODAY, "method": "cash"}),
    ("POST",  "/units/<code>/dues/sheet",                       POST,      (422, "validation"),
              {"member_ids": ["{member}"], "year": YEAR, "date": TODAY}),
    ("GET",   "/units/<code>/dues-status",                      READ,      200, {"year": YEAR}),
    ("POST",  "/units/<code>/allowance-rules",                  SETUP,     201,
              {"position": "Chi hội trưởng", "payee_name": "Lò Văn Tâm", "basis": "fixed", "amount": 100000,
               "fund": "{fund}"}),
    ("GET",   "/units/<code>/allowances",                       READ,      200, {"year": YEAR}),
    ("POST",  "/allowance-rules/<rule_id>/payments",            POST,      201, {"year": YEAR, "date": TODAY}),
    ("POST",  "/campaigns",                                     SETUP,     201,
              {"code": "C{new}", "name": "Vận động", "owner_unit": "{unit}", "fund": "{fund}", "starts_on": TODAY,
               "ends_on": TODAY}),
    ("GET",   "/campaigns/<code>",                              SIGNED_IN, 200, None),
    ("PUT",   "/campaigns/<code>/targets",                      SETUP,     200,
              {"targets": [{"unit": "{unit}", "amount": 1000000}]}),
    ("POST",  "/campaigns/<code>/pledges",                      POST,      201,
              {"donor": DONOR, "amount": 500000, "due_on": TODAY}),
    ("GET",   "/campaigns/<code>/pledges",                      READ,      200, None),
    ("GET",   "/campaigns/<code>/progress",                     SIGNED_IN, 200, None),
    ("GET",   "/campaigns/<code>/honor-roll",                   SIGNED_IN, 200, None),
    ("POST",  "/units/<code>/plans",                            PLAN,      201,
              {"year": YEAR, "name": "Kế hoạch {new}",
               "indicators": [{"code": "A", "name": "Chỉ tiêu tự báo cáo", "measure": "manual", "target": 1}]}),
    ("GET",   "/units/<code>/plans",                            READ,      200, None),
    ("GET",   "/plans/<plan_id>",                               READ,      200, None),
    ("PUT",   "/plans/<plan_id>/targets",                       PLAN,      200,
              {"targets": [{"unit": "{branch}", "indicator": "A", "target": 5}]}),
    ("PUT",   "/plans/<plan_id>/values",                        PLAN,      200, {"unit": "{unit}", "values": {"A": 3}}),
    ("GET",   "/plans/<plan_id>/progress",                      READ,      200, None),
    ("POST",  "/units/<code>/statements",                       POST,      201,
              {"period_start": "{closed_start}", "period_end": "{closed_end}"}),
    ("GET",   "/units/<code>/statements",                       READ,      200, None),
    ("GET",   "/statements/<statement_id>",                     READ,      200, None),
    ("POST",  "/statements/<statement_id>/publish",             APPROVE,   200, {}),
    ("POST",  "/units/<code>/reports",                          POST,      201,
              {"kind": "yearly", "period": "{report_year}"}),
    ("GET",   "/reports/<report_id>",                           READ,      200, None),
    ("POST",  "/reports/<report_id>/receive",                   POST,      200, None),
    ("GET",   "/units/<code>/reports/status",                   READ,      200,
              {"kind": "yearly", "period": str(YEAR - 1)}),
    ("GET",   "/units/<code>/reports/emulation",                READ,      200, {"year": YEAR}),
    ("GET",   "/units/<code>/disclosure",                       READ,      200, None),
    ("GET",   "/scholarships/presets",                          SIGNED_IN, 200, None),
    ("POST",  "/scholarships/programs",                         SETUP,     201,
              {"code": "P{new}", "name": "Học bổng", "owner_unit": "{unit}", "fund": "{fund}", "award_amount": 1000000,
               "rules": {"field": "grade", "gte": 1}}),
    ("GET",   "/scholarships/programs/<code>",                  READ,      200, None),
    ("PUT",   "/scholarships/programs/<code>/rules",            SETUP,     200, {"award_amount": 1500000}),
    ("POST",  "/scholarships/programs/<code>/rounds",           SETUP,     201,
              {"school_year": "2025-2026", "budget": 1000000, "nominations_close_on": "{tomorrow}"}),
    ("GET",   "/scholarships/rounds/<round_id>",                READ,      200, None),
    ("PATCH", "/scholarships/rounds/<round_id>",                SETUP,     200, {"name": "Đợt xét mới"}),
    ("POST",  "/scholarships/rounds/<round_id>/candidates",     NOMINATE,  201,
              {"nominated_by": "{unit}",
               "student": {"full_name": "Lò Thị Mai", "date_of_birth": "2011-04-02", "gender": "female",
                          "student_code": "HS{new}", "school": "THCS Chiềng Sinh", "grade": 9,
                          "household_status": "poor", "orphan": "none", "disability": False, "ethnic_minority": True,
                          "academic_result": "kha", "conduct": "tot"}}),
    ("GET",   "/scholarships/rounds/<round_id>/candidates",     READ,      200, None),
    ("POST",  "/scholarships/rounds/<round_id>/reviewers",      SETUP,     200, {"usernames": ["{reviewer}"]}),
    ("POST",  "/scholarships/candidates/<candidate_id>/reviews", ASSIGNED, 201, {"recommend": True}),
    ("POST",  "/scholarships/rounds/<round_id>/decide",         APPROVE,   200,
              {"decision_number": "15/QĐ-KH", "decided_on": TODAY}),
    ("GET",   "/scholarships/rounds/<round_id>/signoff/pdf",    READ,      (422, "invalid_state"), None),
    ("GET",   "/scholarships/rounds/<round_id>/decision/pdf",   READ,      (422, "invalid_state"), None),
    ("GET",   "/scholarships/rounds/<round_id>/certificates/pdf", READ,    (422, "invalid_state"), None),
    ("POST",  "/scholarships/rounds/<round_id>/pay",            POST,      (422, "invalid_state"),
              {"date": TODAY, "method": "cash"}),
    ("GET",   "/scholarships/awards/<award_id>",                READ,      200, None),
    ("POST",  "/scholarships/awards/<award_id>/pay",            POST,      201, {"date": TODAY, "method": "cash"}),
    ("POST",  "/scholarships/awards/<award_id>/renew",          APPROVE,   (422, "invalid_state"),
              {"school_year": "2026-2027", "decided_on": TODAY, "grade": 10, "academic_result": "kha",
               "conduct": "tot"}),
    ("POST",  "/learning/criteria",                             PLAN,      201,
              {"code": "K{new}", "model": "family", "name": "Bộ tiêu chí", "owner_unit": "{unit}",
               "year_from": "{criteria_year}", "criteria": [{"code": "a", "name": "Tiêu chí A"}]}),
    ("GET",   "/learning/criteria",                             READ,      200,
              {"model": "family", "unit": "{unit}", "year": YEAR}),
    ("GET",   "/learning/criteria/<code>",                      SIGNED_IN, 200, None),
    ("PUT",   "/learning/criteria/<code>",                      PLAN,      200, {"name": "Bộ tiêu chí sửa"}),
    ("POST",  "/learning/subjects/<subject_id>/assessments",    ASSESS,    201, ASSESSMENT),
    ("GET",   "/learning/subjects/<subject_id>/assessments",    READ,      200, None),
    ("GET",   "/learning/assessments/<assessment_id>",          READ,      200, None),
    ("POST",  "/units/<code>/learning/recognitions",            APPROVE,   201,
              {"year": YEAR, "model": "family", "decision_number": "9/QĐ-KH", "decided_on": TODAY,
               "subjects": ["{assessed_subject}"]}),
    ("GET",   "/units/<code>/learning/recognitions",            READ,      200, {"year": YEAR}),
    ("GET",   "/units/<code>/learning/coverage",                READ,      200, {"year": YEAR}),
    ("GET",   "/learning/recognitions/<recognition_id>",        READ,      200, None),
    ("GET",   "/learning/recognitions/<recognition_id>/pdf",    READ,      200, None),
    ("POST",  "/units/<code>/learning/subjects",                ASSESS,    201,
              {"model": "family", "name": "Hộ bà Lò Thị Mai", "head_name": "Lò Thị Mai", "members": 4}),
    ("GET",   "/units/<code>/learning/subjects",                READ,      200, {"model": "family"}),
    ("GET",   "/learning/subjects/<subject_id>",                READ,      200, None),
    ("PUT",   "/learning/subjects/<subject_id>",                ASSESS,    200, {"members": 5}),
    ("POST",  "/learning/subjects/<subject_id>/move",           ASSESS,    200, {"unit": "{unit}"}),
    ("POST",  "/learning/subjects/<subject_id>/registrations",  ASSESS,    201, {"year": YEAR + 1}),
    ("POST",  "/units/<code>/learning/registrations",           ASSESS,    200, {"year": YEAR + 1}),
    ("POST",  "/units/<code>/learning/subjects/import",         ASSESS,    (422, "validation"),
              Upload(model="family")),
    ("POST",  "/units/<code>/population/import",                SETUP,     (422, "validation"), Upload()),
    ("POST",  "/units/<code>/inspections",                      INSPECT,   201,
              {"period_start": "2026-01-01", "period_end": "2026-12-31", "scheduled_on": TODAY,
               "scope": "Thu, chi quỹ", "members": "Lò Văn Tâm"}),
    ("GET",   "/units/<code>/inspections",                      READ,      200, None),
    ("GET",   "/inspections/<inspection_id>",                   READ,      200, None),
    ("POST",  "/inspections/<inspection_id>/findings",          INSPECT,   201,
              {"severity": "low", "description": "Thiếu chữ ký", "follow_up": "Bổ sung", "receipt_id": "{receipt}"}),
    ("POST",  "/findings/<finding_id>/answer",                  ANSWER,    200, {"answer": "Đã bổ sung"}),
    ("POST",  "/findings/<finding_id>/close",                   INSPECT,   200, {"note": "Đạt"}),
]
ROLES = (*sorted(EVERYONE), "none", None)  # "none": a valid token and no role; None: no token at all
SCOPES = ("own", "other")


# ---- the world every row is tried in -----------------------------------------------------------

# A path parameter → the placeholder it takes; <code> is named by the segment before it.
PARAMS = {"entry_id": "entry", "receipt_id": "receipt", "donor_id": "donor", "disbursement_id": "disbursement",
          "member_id": "member", "rule_id": "rule", "account_id": "bank_account", "line_id": "bank_line",
          "statement_id": "statement", "report_id": "report", "round_id": "round", "candidate_id": "candidate",
          "award_id": "award", "username": "username", "kind": "book"}
PARAMS["plan_id"] = "plan"
PARAMS.update(subject_id="subject", assessment_id="assessment", recognition_id="recognition")
PARAMS.update(inspection_id="inspection", finding_id="finding")
PARAMS["token_id"] = "n"  # a token id: one's own only, so to every caller here someone else's (404)
CODES = {"units": "unit", "funds": "fund", "campaigns": "campaign", "programs": "program"}
CODES["criteria"] = "criteria_set"
CRITERIA_YEARS = itertools.count()  # a new year_from per set made: one set per owner, model and year_from


class World:
    """VN → PA → PA-X (commune) → PA-X-B (branch), and the same under PB; one fund per province.

    The callers hold their role on PA: "own" objects live under PA, "other" ones under PB. The root
    admin builds every object through the API, lazily, when a row first names it.
    """

    def __init__(self, api_as, make_unit, make_fund, make_user, post, anonymous_api):
        for province in ("PA", "PB"):
            make_unit(province, level="province")
            make_unit(f"{province}-X", level="commune", parent=province)
            make_unit(f"{province}-X-B", level="branch", parent=f"{province}-X")
            make_fund(f"Q{province}", owner=province)
            for unit in (province, f"{province}-X"):
                post(unit, [("111", f"Q{province}", 50_000_000, 0), ("511", f"Q{province}", 0, 50_000_000)],
                     on=vn_today() - timedelta(days=60))
        make_user("xem.own", password=PASSWORD, roles=[("PA-X", "viewer")])
        make_user("xem.other", password=PASSWORD, roles=[("PB-X", "viewer")])
        self.boss = api_as(("VN", "admin"))
        self.callers = {role: api_as(("PA", role), username=f"{role}.matrix") for role in EVERYONE}
        self.callers["none"] = api_as()
        self.callers[None] = anonymous_api
        self.objects: dict[tuple[str, str], object] = {}
        self.generation = 0  # how many times fresh() was called: dates and periods that must not repeat
        self.closed: set[str] = set()

    def fresh(self) -> None:
        """Forget the objects made so far: the next caller acts on new ones, not on what another changed."""
        self.objects.clear()
        self.generation += 1

    def snapshot(self) -> dict[str, list[str]]:
        """Every row of every table, less the token's last use: what a refused call must leave alone."""
        rows = {table.name: sorted(map(repr, db.session.execute(
            select(*(column for column in table.columns if column.name not in VOLATILE)))))
            for table in db.metadata.sorted_tables}
        db.session.rollback()  # a read: end it, so that no lock is held between calls
        return rows

    def close_once(self, scope: str) -> None:
        """The books of the scope's commune closed through day -30, for statements over a closed period."""
        unit = self.value("unit", scope)
        if unit not in self.closed:
            self.made(f"/units/{unit}/periods/close", {"through": days(-30)}, status=200)
            self.closed.add(unit)

    def value(self, name: str, scope: str):
        """The placeholder's value in a scope: fixed names first, then objects made once."""
        province = "PA" if scope == "own" else "PB"
        fixed = {"province": province, "unit": f"{province}-X", "branch": f"{province}-X-B",
                 "fund": f"Q{province}", "username": f"xem.{scope}", "book": "cash", "reviewer": "reviewer.matrix",
                 "new": uuid.uuid4().hex[:8], "n": str(uuid.uuid4().int % 10**6),
                 "close_through": days(self.generation - 3), "report_year": str(YEAR - 1 - self.generation),
                 "tomorrow": days(10), "closed_start": days(-39 - 10 * self.generation),
                 "closed_end": days(-30 - 10 * self.generation)}
        if name in ("closed_start", "closed_end"):
            self.close_once(scope)
        if name in fixed:
            return fixed[name]
        if (name, scope) not in self.objects:
            self.objects[name, scope] = MAKERS[name](self, scope)
        return self.objects[name, scope]

    def fill(self, template, scope: str):
        """Placeholders in strings of a body; a string that is only "{name}" takes the raw value (an id)."""
        if isinstance(template, dict):
            return type(template)({key: self.fill(value, scope) for key, value in template.items()})
        if isinstance(template, list):
            return [self.fill(item, scope) for item in template]
        if not isinstance(template, str):
            return template
        whole = re.fullmatch(r"\{(\w+)\}", template)
        if whole:
            return self.value(whole[1], scope)
        return re.sub(r"\{(\w+)\}", lambda m: str(self.value(m[1], scope)), template)

    def path(self, rule: str, scope: str) -> str:
        def argument(match):
            before, name = rule[:match.start()].rstrip("/").rsplit("/", 1)[-1], match[1]
            return str(self.value(CODES[before] if name == "code" else PARAMS[name], scope))
        return re.sub(r"<(?:[^:>]+:)?(\w+)>", argument, rule)

    def made(self, path: str, body, status=201) -> dict:
        response = send(self.boss, "GET" if body is None else "POST", path, body)
        assert response.status_code == status, (path, response.status_code, response.json)
        return response.json


def days(offset: int) -> str:
    return (vn_today() + timedelta(days=offset)).isoformat()


def send(api, method: str, path: str, body):
    """JSON body, query string for GET, or a multipart upload; with the caller's token."""
    options = {"query_string": body} if method == "GET" else {"json": body}
    if isinstance(body, Upload):
        csv = STATEMENT_CSV.format(day=vn_today().strftime("%d/%m/%Y")).encode()
        options = {"data": {"file": (io.BytesIO(csv), "tep.csv"), **body}, "content_type": "multipart/form-data"}
    return api.client.open("/api/v1" + path, method=method, headers=api._headers(None), **options)


def make_round(world, scope):
    found = world.made(f"/scholarships/programs/{world.value('program', scope)}/rounds",
                       {"school_year": "2025-2026", "budget": 5_000_000, "nominations_close_on": days(10)})
    if scope == "own":  # the matrix's reviewer sits on the committee of the caller's own round
        world.made(f"/scholarships/rounds/{found['id']}/reviewers", {"usernames": ["reviewer.matrix"]}, status=200)
    return found["id"]


def make_award(world, scope):
    world.value("candidate", scope)
    decision = world.made(f"/scholarships/rounds/{world.value('round', scope)}/decide",
                          {"decision_number": "1/QĐ", "decided_on": TODAY}, status=200)
    return decision["awards"][0]["id"]


def make_statement(world, scope):
    body = world.fill({"period_start": "{closed_start}", "period_end": "{closed_end}"}, scope)
    return world.made(f"/units/{world.value('unit', scope)}/statements", body)["id"]


def make_bank_line(world, scope):
    account = world.value("bank_account", scope)
    send(world.boss, "POST", f"/bank-accounts/{account}/statements", Upload())
    return world.made(f"/bank-accounts/{account}/lines", None, status=200)["items"][0]["id"]


def make_subject(world, scope):
    """A household of the scope's branch, registered for this year (by the root admin)."""
    return world.made(f"/units/{world.value('branch', scope)}/learning/subjects",
                      {"model": "family", "name": "Hộ ông Lò Văn Xuân", "head_name": "Lò Văn Xuân"})["id"]


def make_assessed_subject(world, scope):
    """A household the root admin assessed (passed) this year: another user may recognise it."""
    subject = make_subject(world, scope)
    world.made(f"/learning/subjects/{subject}/assessments", ASSESSMENT)
    return subject


def make_recognition(world, scope):
    """A decision over an assessed household, by a second root approver: whoever assessed cannot recognise."""
    checker = getattr(world, "checker", None)
    if checker is None:
        world.made("/users", {"username": "chutich.matrix", "password": PASSWORD, "full_name": "Chủ tịch"})
        world.made("/users/chutich.matrix/roles", {"unit": "VN", "role": "approver"})
        token = world.made("/auth/tokens", {"username": "chutich.matrix", "password": PASSWORD})["token"]
        checker = world.checker = type(world.boss)(world.boss.client, token)
    body = world.fill(body_of("POST", "/units/<code>/learning/recognitions"), scope)
    response = send(checker, "POST", f"/units/{world.value('unit', scope)}/learning/recognitions", body)
    assert response.status_code == 201, response.json
    return response.json["id"]


def make_answered_finding(world, scope):
    """A finding the unit has answered: the board may close it, the unit may answer again."""
    finding = made_from_row("POST", "/inspections/<inspection_id>/findings",
                            "/inspections/{inspection}/findings")(world, scope)
    world.made(f"/findings/{finding}/answer", {"answer": "Đã bổ sung"}, status=200)
    return finding


def body_of(method: str, rule: str):
    return next(r[-1] for r in ROWS if r[:2] == (method, rule))


def made_from_row(method: str, rule: str, path: str, key: str = "id", status: int = 201):
    """A maker that posts the row's own body as the root admin."""
    return lambda world, scope: world.made(world.fill(path, scope), world.fill(body_of(method, rule), scope),
                                           status)[key]


MAKERS = {
    "entry": made_from_row("POST", "/units/<code>/entries", "/units/{unit}/entries"),
    "receipt": made_from_row("POST", "/units/<code>/receipts", "/units/{unit}/receipts"),
    "donor": made_from_row("POST", "/units/<code>/receipts", "/units/{unit}/receipts", "donor_id"),
    "disbursement": made_from_row("POST", "/units/<code>/disbursements", "/units/{unit}/disbursements"),
    "member": made_from_row("POST", "/units/<code>/members", "/units/{branch}/members"),
    "rule": made_from_row("POST", "/units/<code>/allowance-rules", "/units/{unit}/allowance-rules"),
    "campaign": made_from_row("POST", "/campaigns", "/campaigns", "code"),
    "bank_account": made_from_row("POST", "/units/<code>/bank-accounts", "/units/{unit}/bank-accounts"),
    "bank_line": make_bank_line,
    "statement": make_statement,
    "report": made_from_row("POST", "/units/<code>/reports", "/units/{unit}/reports"),
    "program": made_from_row("POST", "/scholarships/programs", "/scholarships/programs", "code"),
    "round": make_round,
    "candidate": made_from_row("POST", "/scholarships/rounds/<round_id>/candidates",
                               "/scholarships/rounds/{round}/candidates"),
    "award": make_award,
    "plan": made_from_row("POST", "/units/<code>/plans", "/units/{unit}/plans"),
    "criteria_year": lambda world, scope: 2030 + next(CRITERIA_YEARS) % 170,
    "criteria_set": made_from_row("POST", "/learning/criteria", "/learning/criteria", "code"),
    "subject": make_subject,
    "assessment": made_from_row("POST", "/learning/subjects/<subject_id>/assessments",
                                "/learning/subjects/{subject}/assessments"),
    "assessed_subject": make_assessed_subject,
    "recognition": make_recognition,
    "inspection": made_from_row("POST", "/units/<code>/inspections", "/units/{unit}/inspections"),
    "finding": make_answered_finding,
}


@pytest.fixture
def world(api_as, make_unit, make_fund, make_user, post, anonymous_api):
    return World(api_as, make_unit, make_fund, make_user, post, anonymous_api)


def expected_through(who, role, scope) -> bool:
    """Whether this caller passes the permission check (True) or must get 403/401 (False)."""
    if who == OPEN:
        return True
    if role is None:
        return False
    if who == SIGNED_IN:
        return True
    if who == ANY_ADMIN:
        return role == "admin"
    if who == ROOT_ADMIN or role == "none":
        return False
    return scope == "own" and role in who


def test_every_endpoint_has_a_row(app):
    served = {(method, rule.rule.removeprefix("/api/v1")) for rule in app.url_map.iter_rules()
              if rule.rule.startswith("/api/v1/") for method in rule.methods - {"HEAD", "OPTIONS"}}
    listed = [(method, rule) for method, rule, *_ in ROWS]
    assert len(listed) == len(set(listed)), "a (method, rule) is listed twice"
    assert served - set(listed) == set(), "endpoints without a row in ROWS"
    assert set(listed) - served == set(), "rows for endpoints that no longer exist"


def answer(response, ok):
    """The response in the form of the row's status: a status, or (status, code)."""
    return response.status_code if isinstance(ok, int) else (response.status_code, (response.json or {}).get("code"))


@pytest.mark.parametrize("method, rule, who, ok, body", ROWS, ids=[f"{m} {r}" for m, r, *_ in ROWS])
def test_permission_matrix(world, method, rule, who, ok, body):
    wrong = []
    for scope in SCOPES:
        refused = [role for role in ROLES if not expected_through(who, role, scope)]
        path, filled = world.path(rule, scope), world.fill(body, scope)
        before = world.snapshot()
        for role in refused:
            response = send(world.callers[role], method, path, filled)
            if response.status_code != (401 if role is None else 404 if (method, rule) in HIDDEN else 403):
                wrong.append(f"{role or 'no token'} on {scope} → {response.status_code} {response.json}")
        after = world.snapshot()
        wrong += [f"a refused call on {scope} changed {table}" for table in before if before[table] != after[table]]
        for role in (role for role in ROLES if role not in refused):
            if method != "GET":
                world.fresh()
            response = send(world.callers[role], method, world.path(rule, scope), world.fill(body, scope))
            if answer(response, ok) != ok:
                wrong.append(f"{role} on {scope} → {response.status_code} {response.json}, not {ok}")
    assert not wrong, "\n".join(wrong)


def test_another_users_idempotency_key_replays_nothing(world):
    """The same key and body from someone else is a mismatch, not the first caller's answer."""
    body, key = world.fill({"date": TODAY, "lines": DONATION}, "own"), {"Idempotency-Key": "khoa-1"}
    first = world.callers["treasurer"].post("/units/PA-X/entries", json=body, headers=key)
    assert first.status_code == 201
    for role in ("viewer", "admin"):
        again = world.callers[role].post("/units/PA-X/entries", json=body, headers=key)
        assert again.status_code == 409 and again.json["code"] == "idempotency_mismatch", role
    assert world.callers["treasurer"].post("/units/PA-X/entries", json=body, headers=key).json == first.json
