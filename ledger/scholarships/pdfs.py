"""The round's printed documents: the decision (Quyết định with its numbered list and the rules it
used), award certificates (giấy chứng nhận) and the ceremony's sign-off list (danh sách ký nhận).
"""
from flask import Response

from ledger.accounts.campaigns.services.honor import place_name
from ledger.core.errors import InvalidState
from ledger.core.i18n import _
from ledger.core.money import in_words
from ledger.core.pdf import pdf_response, render_pdf
from ledger.scholarships import rules
from ledger.scholarships.models import Round
from ledger.scholarships.payouts import round_awards, signoff_rows
from ledger.scholarships.programs import version_of

DOCUMENTS = ("signoff", "decision", "certificates")
TITLES = {"signoff": "Danh sách ký nhận (PDF)", "decision": "Quyết định kèm danh sách (PDF)",
          "certificates": "Giấy chứng nhận, mỗi em một trang (PDF)"}
FILENAMES = {"decision": "quyet-dinh", "certificates": "giay-chung-nhan", "signoff": "danh-sach-ky-nhan"}


def check_decided(found: Round) -> None:
    if found.status != "decided":
        raise InvalidState(_("Đợt xét chưa có quyết định; chưa in được giấy tờ này."))


def common(found: Round) -> dict:
    program = found.program
    return {"round": found, "program": program, "owner": program.owner_unit, "fund": program.fund,
            "place": decision_place(program.owner_unit)}


def decision_place(unit) -> str:
    """Where the deciding unit dates its papers: its own place ("Sơn La"); a branch dates from its commune's."""
    while unit.level == "branch" and unit.parent is not None:
        unit = unit.parent
    return place_name(unit)


def decision_context(found: Round) -> dict:
    version = version_of(found.program, found.rules_version)
    awards = round_awards(found)
    total = sum(award.amount for award in awards)
    return {**common(found), "awards": awards, "total": total, "total_words": in_words(total), "version": version,
            "rule_lines": rules.describe_rules(version.rules), "scoring_lines": rules.describe_scoring(version.scoring)}


def signoff_context(found: Round) -> dict:
    rows = signoff_rows(found)
    total = sum(row["amount"] for row in rows)
    return {**common(found), "rows": rows, "total": total, "total_words": in_words(total)}


def render(found: Round, document: str) -> bytes:
    check_decided(found)
    if document == "decision":
        return render_pdf("scholarships/decision_print.html", **decision_context(found))
    if document == "certificates":
        return render_pdf("scholarships/certificates_print.html", awards=round_awards(found), **common(found))
    return render_pdf("scholarships/signoff_print.html", **signoff_context(found))


def round_pdf(found: Round, document: str) -> Response:
    """The document shown in the browser; never cached, since it names children."""
    response = pdf_response(render(found, document), f"{FILENAMES[document]}-dot-{found.id}.pdf")
    response.headers["Cache-Control"] = "private, no-store"
    return response
