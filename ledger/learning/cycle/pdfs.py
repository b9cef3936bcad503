"""The recognition's printed documents: the decision (QUYẾT ĐỊNH công nhận with its list) and the
certificates (GIẤY CÔNG NHẬN), one per page; A4 through WeasyPrint, like the scholarship round's."""
from flask import Response

from ledger.auth.models import User
from ledger.core.pdf import pdf_response, render_pdf
from ledger.extensions import db
from ledger.learning.criteria.services import model_label
from ledger.learning.cycle.services.recognitions import item_rows
from ledger.learning.models import Recognition

FILENAMES = {None: "cong-nhan", "decision": "quyet-dinh-cong-nhan", "certificates": "giay-cong-nhan"}


def context(recognition: Recognition) -> dict:
    owner = recognition.unit
    return {"recognition": recognition, "owner": owner, "rows": item_rows(recognition),
            "title": model_label(recognition.model), "decider": recognition_decider(recognition)}


def recognition_decider(recognition: Recognition) -> User | None:
    return db.session.get(User, recognition.created_by_id) if recognition.created_by_id else None


def render(recognition: Recognition, part: str | None = None) -> bytes:
    """The decision and then the certificates; `part` prints one of them only."""
    return render_pdf("learning/cycle/recognition_print.html", part=part, **context(recognition))


def recognition_pdf(recognition: Recognition, part: str | None = None) -> Response:
    """Shown in the browser, never cached: it names households."""
    response = pdf_response(render(recognition, part), f"{FILENAMES[part]}-{recognition.id}.pdf")
    response.headers["Cache-Control"] = "private, no-store"
    return response
