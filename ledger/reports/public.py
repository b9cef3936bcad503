"""The public portal (no login): find a unit, read its published statements in every format,
see its campaigns and how to give, and verify a printed statement by its hash.

Pages are light (no script, one stylesheet, inline SVG); published documents are cached by ETag as immutable,
the other portal pages for a minute, and nothing a signed-in user sees is kept by a shared cache.
"""
import hashlib

from flask import Blueprint, Response, after_this_request, current_app, g, render_template, request, session
from flask_babel import force_locale, get_locale
from sqlalchemy import select
from werkzeug.exceptions import HTTPException
from werkzeug.exceptions import NotFound as RouteNotFound

from ledger.accounts.campaigns.models import Campaign
from ledger.accounts.services import funds_usable_in
from ledger.core.dates import vn_today
from ledger.core.edge import unit_of_work
from ledger.core.export import CSV_MIMETYPE
from ledger.core.i18n import _
from ledger.core.pdf import pdf_response
from ledger.core.security import limit_costly_reads
from ledger.extensions import db
from ledger.reports import finding, formats, giving, services
from ledger.reports.content import published_json
from ledger.units import search
from ledger.units.models import Unit
from ledger.units.services import ancestors, get_unit, list_units, roots

public_pages = Blueprint("public", __name__, url_prefix="/public", template_folder="templates")
SEARCH_LIMIT = 30
CACHE_SECONDS = 300  # a statement's correction notice reaches every cache within five minutes
PAGE_SECONDS = 60  # search, unit, campaign pages: a minute old at most, and a busy province's rush served once


@public_pages.get("/")
def index():
    query = request.args.get("q", "").strip()[:100]
    found, more = search.search_units(query, [r.path for r in roots()], limit=SEARCH_LIMIT) if query else ([], False)
    provinces = db.session.scalars(select(Unit).where(Unit.depth == 1).order_by(Unit.name)).all()
    recent = services.list_recent_published(limit=10)
    return render_template("public/index.html", query=query, found=found, more=more, provinces=provinces,
                           trails=search.ancestry_names(found), recent=recent,
                           found_campaigns=finding.search_campaigns(query) if query else [],
                           found_funds=finding.search_funds(query, found) if query else [],
                           running=[c for c in giving.running_campaigns() if existing_path(campaign_path(c))])


def campaign_path(campaign: Campaign) -> str:
    return f"{public_pages.url_prefix}/campaigns/{campaign.code}"


@public_pages.get("/units/<code>")
def unit(code):
    unit = get_unit(code)
    children, total_children = list_units(parent=unit.code, limit=500)
    statements, _total = services.list_statements(unit, published_only=True, limit=100)
    return render_template("public/unit.html", unit=unit, trail=ancestors(unit)[:-1], children=children,
                           total_children=total_children, statements=statements,
                           campaigns=running_campaigns(unit), givings=ways_to_give(unit),
                           honor_roll=existing_path(f"{public_pages.url_prefix}/units/{unit.code}/honor-roll"),
                           learning=existing_path(f"{public_pages.url_prefix}/units/{unit.code}/learning"))


def running_campaigns(unit: Unit) -> list[dict]:
    """Campaigns of the unit or above it that run today, with the address of their public page if any."""
    today = vn_today()
    found = db.session.scalars(select(Campaign).join(Unit, Campaign.owner_unit_id == Unit.id).where(
        Unit.code.in_(unit.ancestor_codes), Campaign.starts_on <= today, Campaign.ends_on >= today)
        .order_by(Unit.depth.desc(), Campaign.code)).all()
    return [{"campaign": c, "url": existing_path(campaign_path(c))} for c in found]


def existing_path(path: str) -> str | None:
    """The path when some page answers it (campaign pages and the honor roll belong to another feature)."""
    try:
        current_app.url_map.bind("").match(path, method="GET")
    except RouteNotFound:
        return None
    except HTTPException:  # a redirect or another method still means the page exists
        return path
    return path


def ways_to_give(unit: Unit) -> list[dict]:
    """Funds usable here that take bank transfers: account, memo code and a VietQR to scan."""
    return list(filter(None, (giving.gift_box(fund, giving.fund_memo(fund), "") for fund in funds_usable_in(unit))))


@public_pages.get("/funds/<code>")
def fund(code):
    """A fund's public page: what it is for, its running campaigns, and a QR for the amount a donor types."""
    fund = giving.public_fund(code)
    return render_template("public/fund.html", fund=fund, campaigns=giving.running_campaigns(fund),
                           gift=giving.gift_box(fund, giving.fund_memo(fund), request.args.get("amount", "")))


def document_context(statement_id) -> dict:
    statement = services.get_published(statement_id)
    content = services.frozen_content(statement)
    return {"statement": statement, "content": content, "totals": services.statement_totals(content),
            "unit": statement.unit,
            "trail": ancestors(statement.unit)[:-1], "versions": services.versions_of(statement),
            "verify_url": formats.verify_url(statement.hash), "receipt_labels": formats.RECEIPT_LABELS,
            "disbursement_labels": formats.DISBURSEMENT_LABELS, "percent": formats.percent_text}


def cached(response: Response, statement, kind: str) -> Response:
    """Published content never changes; only a later correction adds a notice, so it is in the tag. `immutable`
    spares the revalidation while fresh; afterwards If-None-Match with the same tag gets 304 and no body."""
    newer = statement.superseded_by.id if statement.superseded_by else 0
    response.set_etag(f"{statement.hash}-{kind}-{newer}-{get_locale()}")
    response.cache_control.public = True
    response.cache_control.max_age = CACHE_SECONDS
    response.cache_control.immutable = True
    return response.make_conditional(request)


@public_pages.after_app_request
def portal_caching(response: Response) -> Response:
    """Every page under /public (other features' too): shared caches may keep what an anonymous visitor gets for
    a minute; a signed-in user's copy carries their name in the header, so it stays private to their browser."""
    if not request.path.startswith(public_pages.url_prefix + "/"):
        return response
    if g.get("user") is not None:
        if response.cache_control.public:
            response.cache_control.public = False
            response.cache_control.private = True
        return response
    anonymous_page = request.method == "GET" and response.status_code == 200 and not session.modified
    if anonymous_page and "Cache-Control" not in response.headers:
        response.cache_control.public = True
        response.cache_control.max_age = PAGE_SECONDS
    response.vary.add("Cookie")  # the language chosen lives in the session cookie
    return response


@public_pages.get("/statements/<int:statement_id>")
def statement(statement_id):
    context = document_context(statement_id)
    html = render_template("public/statement.html", qr=formats.qr_svg(context["verify_url"]),
                           page_rows=formats.PAGE_ROWS, **context)
    return cached(Response(html, mimetype="text/html"), context["statement"], "html")


@public_pages.get("/statements/<int:statement_id>.pdf")
def statement_pdf(statement_id):
    context = document_context(statement_id)
    response = pdf_response(kept_pdf(context), f"bao-cao-cong-khai-{statement_id}.pdf")
    return cached(response, context["statement"], "pdf")


def kept_pdf(context: dict) -> bytes:
    """The A4 PDF in this language: rendered once (seconds for a national statement), then served as kept."""
    variant = pdf_variant(context["statement"], context["verify_url"])
    kept = services.kept_file(context["statement"], variant)
    return kept if kept is not None else rendered_and_kept(context, variant)


@unit_of_work
def rendered_and_kept(context: dict, variant: str) -> bytes:
    pdf = formats.statement_pdf(qr=formats.qr_svg(context["verify_url"], for_print=True), **context)
    services.keep_file(context["statement"], variant, pdf)
    return pdf


def prerender_after_commit(statement) -> None:
    """Publishing commits when its view returns; the PDFs are rendered after that, in the same request, so a
    slow or failed rendering neither holds the new version's row nor undoes the publication."""
    @after_this_request
    def prerender(response):
        if response.status_code < 400:
            prerender_pdfs(statement)
        return response


def prerender_pdfs(statement) -> None:
    """Right after publishing, in the publisher's request: the Vietnamese PDF of the new version and of the
    one it supersedes (its notice changed), so no citizen waits for WeasyPrint."""
    with force_locale("vi"):
        for published in filter(None, (statement, statement.supersedes)):
            kept_pdf(document_context(published.id))


def pdf_variant(statement, verify_url: str) -> str:
    """What besides the frozen content shapes the PDF: language, a later correction, the QR's address."""
    newer = statement.superseded_by.id if statement.superseded_by else 0
    return hashlib.sha256(f"pdf|{get_locale()}|{newer}|{verify_url}".encode()).hexdigest()[:32]


@public_pages.get("/statements/<int:statement_id>.json")
def statement_json(statement_id):
    statement = services.get_published(statement_id)
    body = published_json(statement.canonical, statement.hash)
    return cached(Response(body, mimetype="application/json"), statement, "json")


@public_pages.get("/statements/<int:statement_id>.csv")
def statement_csv(statement_id):
    statement = services.get_published(statement_id)
    response = Response(formats.statement_csv(services.frozen_content(statement)), mimetype=CSV_MIMETYPE)
    response.headers["Content-Disposition"] = f'attachment; filename="bao-cao-cong-khai-{statement_id}.csv"'
    return cached(response, statement, "csv")


@public_pages.get("/verify/<digest>")
@limit_costly_reads
def verify(digest):
    result = services.verification(digest)
    if wants_json():
        return result
    statement = services.get_statement(result["statement_id"]) if result["statement_id"] else None
    return render_template("public/verify.html", result=result, digest=digest, statement=statement,
                           title=_("Kiểm tra báo cáo công khai"))


def wants_json() -> bool:
    if request.args.get("format") == "json":
        return True
    return request.accept_mimetypes.best_match(["text/html", "application/json"]) == "application/json"
