"""The "Việc cần làm" page: the tasks services.tasks_for finds, grouped by kind, each row linking to where
the user acts on it."""
from flask import Blueprint, g, render_template, url_for

from ledger.auth.routes import login_required
from ledger.core.i18n import _l
from ledger.home import services

home_pages = Blueprint("home", __name__, template_folder="templates")

KIND_LABELS = {
    "approve_payments": _l("Phiếu chi chờ duyệt"),
    "decide_rounds": _l("Đợt xét học bổng đã hết hạn đề cử, chờ quyết định"),
    "review_candidates": _l("Hồ sơ học bổng chờ bạn xét"),
    "answer_findings": _l("Kết luận kiểm tra chờ đơn vị trả lời"),
    "close_findings": _l("Kết luận kiểm tra đơn vị đã trả lời, chờ kết thúc"),
    "close_months": _l("Tháng chưa khóa sổ"),
    "send_reports": _l("Báo cáo quý chưa gửi cấp trên"),
    "publish_disclosures": _l("Quỹ từ thiện: kỳ công khai đến hạn chưa công bố"),
    "match_bank_lines": _l("Giao dịch ngân hàng chưa đối chiếu"),
    "collect_pledges": _l("Cam kết ủng hộ đến hạn chưa thu đủ"),
    "assess_subjects": _l("Đăng ký danh hiệu học tập chưa bình xét"),
}
LINKS = {
    "approve_payments": lambda task: url_for("treasury.approval_queue", code=task.unit.code),
    "decide_rounds": lambda task: url_for("scholarships.round_page", round_id=task.subject.id),
    "review_candidates": lambda task: url_for("scholarships.review_page", round_id=task.subject.id),
    "answer_findings": lambda task: url_for("inspection.inspection_list", code=task.unit.code),
    "close_findings": lambda task: url_for("inspection.inspection_list", code=task.unit.code),
    "close_months": lambda task: url_for("accounts.close_books", code=task.unit.code),
    "send_reports": lambda task: url_for("reports.periodic_reports", code=task.unit.code),
    "publish_disclosures": lambda task: url_for("reports.statements", code=task.unit.code),
    "match_bank_lines": lambda task: url_for("bank.reconcile_page", account_id=task.subject.id),
    "collect_pledges": lambda task: url_for("campaigns.campaign_page", code=task.subject.code),
    "assess_subjects": lambda task: url_for("learning_registry.subject_list", code=task.unit.code),
}


@home_pages.get("/todo")
@login_required
def todo():
    groups: dict[str, list] = {}
    for task in services.tasks_for(g.user):
        groups.setdefault(task.kind, []).append(task)
    return render_template("home/todo.html", groups=groups, labels=KIND_LABELS,
                           link=lambda task: LINKS[task.kind](task))
