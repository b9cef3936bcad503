"""Pages of the books: chart, the books panel of a unit, journal, entry and reversal, the general-entry
form, trial balance (with CSV), and closing the books. Thin: parse, check permission, call the service.
"""
from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from markupsafe import Markup

from ledger.accounts import balances, queries, services
from ledger.accounts.forms import DEFAULT_ROWS, MAX_ROWS, MORE_ROWS, EntryForm, nearest_fund, optional_date, parse_date
from ledger.accounts.idempotency import form_post, form_token
from ledger.auth.routes import login_required
from ledger.core import export, permissions
from ledger.core.dates import vn_today
from ledger.core.errors import LedgerError
from ledger.core.i18n import _
from ledger.extensions import db
from ledger.units.services import get_unit

accounts_pages = Blueprint("accounts", __name__, template_folder="templates")
PAGE_SIZE = 50


@accounts_pages.app_context_processor
def book_helpers():
    return {"allowed_at": lambda action, unit: permissions.allowed(g.get("user"), action, unit)}


@accounts_pages.get("/accounts")
@login_required
def chart():
    return render_template("accounts/chart.html", accounts=services.list_accounts())


def funds_panel(unit, user) -> Markup:
    """The unit page's books section: links to the journal, forms and reports, and the funds."""
    funds = [(fund, balances.fund_position(fund, unit)) for fund in services.funds_usable_in(unit)]
    return Markup(render_template("accounts/funds_panel.html", unit=unit, funds=funds,
                                  allowed=lambda action: permissions.allowed(user, action, unit)))


@accounts_pages.get("/units/<code>/journal")
@login_required
def journal(code):
    unit = readable_unit(code)
    args, error = request.args, None
    page = max(args.get("page", 1, type=int), 1)
    try:
        date_from, date_to = optional_date(args.get("from"), "from"), optional_date(args.get("to"), "to")
        entries, total = services.list_entries(unit, date_from=date_from, date_to=date_to,
                                               account=args.get("account") or None, fund=args.get("fund") or None,
                                               limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    except LedgerError as exc:
        error, entries, total = exc.detail, [], 0
    filters = {key: args[key] for key in ("from", "to", "account", "fund") if args.get(key)}
    return render_template("accounts/journal.html", unit=unit, entries=entries, total=total, page=page,
                           pages=max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1), filters=filters, error=error,
                           amounts=queries.entry_amounts(entries), reversals=queries.reversals_of(entries),
                           accounts=services.list_accounts(), funds=services.funds_usable_in(unit)), 400 if error else 200


@accounts_pages.route("/entries/<int:entry_id>", methods=["GET", "POST"])
@login_required
def entry_page(entry_id):
    entry = services.get_entry(entry_id)
    permissions.require(g.user, "read", entry.unit)
    if request.method == "POST":
        return reverse_entry(entry)
    return render_entry(entry, {"date": vn_today().isoformat(), "reason": "", "key": form_token()})


@form_post
def reverse_entry(entry):
    permissions.require_each(g.user, "post", [e.unit for e in entry.transaction.entries])
    typed = {"date": request.form.get("date", "").strip(), "reason": request.form.get("reason", "").strip(),
             "key": request.form.get("idempotency_key", "")}
    try:
        reversal = services.reverse_entry(entry, on=parse_date(typed["date"], "date"), reason=typed["reason"],
                                          by=g.user)
    except LedgerError as exc:
        db.session.rollback()
        return render_entry(entry, typed, exc), exc.status
    flash(_("Đã ghi bút toán đảo %(number)s.", number=reversal.number))
    return redirect(url_for("accounts.entry_page", entry_id=reversal.id), 303)


def render_entry(entry, reversal_form: dict, error: LedgerError | None = None):
    posted_by = queries.user_name(entry.posted_by_id)
    siblings = [e for e in entry.transaction.entries if e.id != entry.id]
    return render_template("accounts/entry.html", entry=entry, siblings=siblings, posted_by=posted_by,
                           total=sum(line.debit for line in entry.lines), form=reversal_form, error=error)


@accounts_pages.route("/units/<code>/entries/new", methods=["GET", "POST"])
@login_required
def entry_new(code):
    unit = get_unit(code)
    permissions.require(g.user, "post", unit)
    if request.method == "POST":
        return post_entry_form(unit)
    rows = min(max(request.args.get("rows", 0, type=int), DEFAULT_ROWS), MAX_ROWS)
    fund = nearest_fund(services.funds_usable_in(unit))
    return render_entry_form(unit, EntryForm.blank(vn_today(), rows, fund), form_token())


@form_post
def post_entry_form(unit):
    form = EntryForm.from_form(request.form)
    try:
        entry = services.record_entry(unit, form.to_data(), by=g.user)
    except LedgerError as exc:
        db.session.rollback()
        return render_entry_form(unit, form.refuse(exc), request.form["idempotency_key"]), 422
    flash(_("Đã ghi bút toán %(number)s.", number=entry.number))
    return redirect(url_for("accounts.entry_page", entry_id=entry.id), 303)


@accounts_pages.post("/units/<code>/entries/new/rows")
@login_required
def entry_more_rows(code):
    """"Thêm dòng" without JavaScript: the same form again, with what was typed and more rows."""
    unit = get_unit(code)
    permissions.require(g.user, "post", unit)
    form = EntryForm.from_form(request.form, extra_rows=MORE_ROWS)
    return render_entry_form(unit, form, request.form.get("idempotency_key") or form_token())


def render_entry_form(unit, form: EntryForm, key: str):
    return render_template("accounts/entry_form.html", unit=unit, form=form, key=key,
                           accounts=services.list_accounts(), funds=services.funds_usable_in(unit))


def trial_balance_of(code) -> tuple:
    """The unit and its trial balance for the query's as_of (default today) and consolidated switch."""
    unit = readable_unit(code)
    as_of = optional_date(request.args.get("as_of"), "as_of") or vn_today()
    consolidated = request.args.get("consolidated") in ("1", "true", "on")
    return unit, balances.trial_balance(unit, as_of=as_of, consolidated=consolidated)


@accounts_pages.get("/units/<code>/trial-balance")
@login_required
def trial_balance(code):
    unit, report = trial_balance_of(code)
    return render_template("accounts/trial_balance.html", unit=unit, report=report,
                           names=queries.account_and_fund_names())


@accounts_pages.get("/units/<code>/trial-balance.csv")
@login_required
def trial_balance_csv(code):
    unit, report = trial_balance_of(code)
    names = queries.account_and_fund_names()
    headers = [_("Tài khoản"), _("Tên tài khoản"), _("Quỹ"), _("Tổng phát sinh Nợ"), _("Tổng phát sinh Có"),
               _("Số dư (Nợ − Có)")]
    rows = [[row["account"], names["accounts"].get(row["account"], ""), row["fund"],
             row["debit_total"], row["credit_total"], row["balance"]] for row in report["rows"]]
    totals = report["totals"]
    rows.append([_("Tổng cộng"), "", "", totals["debit"], totals["credit"], totals["debit"] - totals["credit"]])
    suffix = "-hop-nhat" if report["consolidated"] else ""
    # export writes UTF-8 with a BOM (Excel reads Vietnamese) and neutralises formula-like names.
    return export.csv_response(rows, headers, f"bang-can-doi-{unit.code}-{report['as_of'].isoformat()}{suffix}.csv")


@accounts_pages.route("/units/<code>/close", methods=["GET", "POST"])
@login_required
def close_books(code):
    unit = readable_unit(code)
    typed, error = request.form.get("through", "").strip(), None
    if request.method == "POST":
        permissions.require(g.user, "close", unit)
        try:
            services.close_books(unit, parse_date(typed, "through"), by=g.user)
            db.session.commit()
        except LedgerError as exc:
            db.session.rollback()
            error = exc.detail
        else:
            flash(_("Đã khóa sổ %(unit)s đến hết ngày %(date)s.", unit=unit.name,
                    date=unit.closed_through.strftime("%d/%m/%Y")))
            return redirect(url_for("accounts.close_books", code=unit.code), 303)
    suggested = typed or queries.last_month_end(vn_today()).isoformat()
    return render_template("accounts/close.html", unit=unit, through=suggested, error=error,
                           last_entry_on=queries.last_entry_date(unit)), 422 if error else 200


def readable_unit(code):
    unit = get_unit(code)
    permissions.require(g.user, "read", unit)
    return unit
