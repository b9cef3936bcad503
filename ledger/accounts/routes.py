"""Pages of the books: chart, the books panel of a unit, journal, entry and reversal, the general-entry
form, trial balance (with CSV), and closing the books. Thin: parse, check permission, call the service.
"""
from datetime import date

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from markupsafe import Markup

from ledger.accounts import balances, queries, services
from ledger.accounts.forms import DEFAULT_ROWS, MAX_ROWS, MORE_ROWS, EntryForm, nearest_fund, optional_date, parse_date
from ledger.accounts.idempotency import form_post, form_token
from ledger.auth.routes import login_required
from ledger.core import export, permissions
from ledger.core.dates import vn_today
from ledger.core.edge import refusable, unit_of_work
from ledger.core.errors import LedgerError, ValidationFailed
from ledger.core.i18n import _
from ledger.core.pdf import pdf_response, render_pdf
from ledger.units.access import permitted, unit_for

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
    unit = unit_for(code, "read")
    page = max(request.args.get("page", 1, type=int), 1)
    return refusable(lambda: render_journal(unit, page, *journal_page_entries(unit, request.args, page)),
                     lambda exc: (render_journal(unit, page, [], 0, exc.detail), 400))  # a mistyped date filter


def journal_page_entries(unit, args, page: int) -> tuple[list, int]:
    date_from, date_to = optional_date(args.get("from"), "from"), optional_date(args.get("to"), "to")
    return services.list_entries(unit, date_from=date_from, date_to=date_to, account=args.get("account") or None,
                                 fund=args.get("fund") or None, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)


def render_journal(unit, page: int, entries, total: int, error: str | None = None) -> str:
    filters = {key: request.args[key] for key in ("from", "to", "account", "fund") if request.args.get(key)}
    pages = max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    return render_template("accounts/journal.html", unit=unit, entries=entries, total=total, page=page,
                           pages=pages, previous_page=page - 1 if page > 1 else None,
                           next_page=page + 1 if page < pages else None, filters=filters, error=error,
                           amounts=queries.entry_amounts(entries), reversals=queries.reversals_of(entries),
                           accounts=services.list_accounts(), funds=services.funds_usable_in(unit))


@accounts_pages.get("/entries/<int:entry_id>")
@login_required
def entry_page(entry_id):
    entry = permitted(services.get_entry(entry_id), "read")
    return render_entry(entry, {"date": vn_today().isoformat(), "reason": "", "key": form_token()})


@accounts_pages.post("/entries/<int:entry_id>")
@login_required
def reverse_entry_page(entry_id):
    entry = permitted(services.get_entry(entry_id), "read")
    permissions.require_each(g.user, "post", [e.unit for e in entry.transaction.entries])
    return reverse_entry(entry)


@form_post
def reverse_entry(entry):
    typed = {"date": request.form.get("date", "").strip(), "reason": request.form.get("reason", "").strip(),
             "key": request.form.get("idempotency_key", "")}
    # a refusal shows the entry again with what was typed; form_post keeps nothing of it
    return refusable(lambda: reversed_entry(entry, typed), lambda exc: (render_entry(entry, typed, exc), exc.status))


def reversed_entry(entry, typed: dict):
    reversal = services.reverse_entry(entry, on=parse_date(typed["date"], "date"), reason=typed["reason"], by=g.user)
    flash(_("Đã ghi bút toán đảo %(number)s.", number=reversal.number))
    return redirect(url_for("accounts.entry_page", entry_id=reversal.id), 303)


def render_entry(entry, reversal_form: dict, error: LedgerError | None = None):
    posted_by = queries.user_name(entry.posted_by_id)
    siblings = [e for e in entry.transaction.entries if e.id != entry.id]
    return render_template("accounts/entry.html", entry=entry, siblings=siblings, posted_by=posted_by,
                           total=sum(line.debit for line in entry.lines), form=reversal_form, error=error)


@accounts_pages.get("/units/<code>/entries/new")
@login_required
def entry_new(code):
    unit = unit_for(code, "post")
    rows = min(max(request.args.get("rows", 0, type=int), DEFAULT_ROWS), MAX_ROWS)
    fund = nearest_fund(services.funds_usable_in(unit))
    return render_entry_form(unit, EntryForm.blank(vn_today(), rows, fund), form_token())


@accounts_pages.post("/units/<code>/entries/new")
@login_required
def entry_post(code):
    return post_entry(unit_for(code, "post"))


@form_post
def post_entry(unit):
    """The general entry typed on the page, read into the API's EntryIn (forms.EntryForm.to_data)."""
    form = EntryForm.from_form(request.form)
    # a refusal shows the form again with what was typed; form_post keeps nothing of it
    return refusable(lambda: recorded_entry(unit, form),
                     lambda exc: (render_entry_form(unit, form.refuse(exc), request.form["idempotency_key"]), 422))


def recorded_entry(unit, form: EntryForm):
    entry = services.record_entry(unit, form.to_data(), by=g.user)
    flash(_("Đã ghi bút toán %(number)s.", number=entry.number))
    return redirect(url_for("accounts.entry_page", entry_id=entry.id), 303)


@accounts_pages.post("/units/<code>/entries/new/rows")
@login_required
def entry_more_rows(code):
    """"Thêm dòng" without JavaScript: the same form again, with what was typed and more rows."""
    unit = unit_for(code, "post")
    form = EntryForm.from_form(request.form, extra_rows=MORE_ROWS)
    return render_entry_form(unit, form, request.form.get("idempotency_key") or form_token())


def render_entry_form(unit, form: EntryForm, key: str):
    return render_template("accounts/entry_form.html", unit=unit, form=form, key=key,
                           accounts=services.list_accounts(), funds=services.funds_usable_in(unit))


def trial_balance_of(code) -> tuple:
    """The unit and its six-column trial balance for the query's period (from … to, default 1 January … today;
    `as_of` is the older name of `to`) and consolidated switch, its rows with account and fund names."""
    unit, args = unit_for(code, "read"), request.args
    end = optional_date(args.get("to") or args.get("as_of"), "to") or vn_today()
    report = balances.trial_balance(unit, as_of=end, start=optional_date(args.get("from"), "from"),
                                    consolidated=args.get("consolidated") in ("1", "true", "on"))
    names = queries.account_and_fund_names()
    rows = [{**row, "account_name": names["accounts"].get(row["account"], ""),
             "fund_name": names["funds"].get(row["fund"], "")} for row in report["rows"]]
    return unit, {**report, "unit": unit, "rows": rows}


@accounts_pages.get("/units/<code>/trial-balance")
@login_required
def trial_balance(code):
    return render_template("accounts/trial_balance.html", report=trial_balance_of(code)[1])


@accounts_pages.get("/units/<code>/trial-balance.<any(xlsx, csv, pdf):fmt>")
@login_required
def trial_balance_file(code, fmt):
    unit, report = trial_balance_of(code)
    filename = f"bang-can-doi-{unit.code}-{report['start'].isoformat()}-{report['as_of'].isoformat()}"
    filename += "-hop-nhat" if report["consolidated"] else ""
    if fmt == "pdf":
        return pdf_response(render_pdf("reports/trial_print.html", report=report), f"{filename}.pdf", download=True)
    title = _("Bảng cân đối tài khoản từ ngày %(start)s đến ngày %(end)s", start=report["start"].strftime("%d/%m/%Y"),
              end=report["as_of"].strftime("%d/%m/%Y"))
    return export.table_response(fmt, trial_rows(report), trial_headers(), filename, sheet_title=_("Cân đối tài khoản"),
                                 title_lines=[unit.name, title], widths=[10, 36, 14, 18, 18, 18, 18, 18, 18])


def trial_headers() -> list[str]:
    return [_("Tài khoản"), _("Tên tài khoản"), _("Quỹ"), _("Số dư đầu kỳ Nợ"), _("Số dư đầu kỳ Có"),
            _("Phát sinh trong kỳ Nợ"), _("Phát sinh trong kỳ Có"), _("Số dư cuối kỳ Nợ"), _("Số dư cuối kỳ Có")]


def trial_rows(report: dict) -> list[list]:
    """The six columns per account and fund, then the totals (each pair balances when the books do)."""
    rows = [[row["account"], row["account_name"], row["fund"], *(row[c] for c in balances.SIX_COLUMNS)]
            for row in report["rows"]]
    return [*rows, [_("Tổng cộng"), "", "", *(report["period_totals"][c] for c in balances.SIX_COLUMNS)]]


@accounts_pages.get("/units/<code>/close")
@login_required
def close_books(code, typed: str = "", error: str | None = None):
    """Step one: the month to close (the latest not yet closed), what is still pending in it, a confirmation."""
    unit = unit_for(code, "read")
    months = services.months_to_close(unit, vn_today())
    through = chosen_month_end(typed or request.args.get("through", ""), months)
    pending = services.pending_before_close(unit, through) if through else []
    return render_template("accounts/close.html", unit=unit, months=months, through=through, pending=pending,
                           error=error, last_entry_on=queries.last_entry_date(unit)), 422 if error else 200


def chosen_month_end(typed: str, months: list[date]) -> date | None:
    """The month end asked for when it is one of those offered, else the latest offered (None if none)."""
    wanted = next((end for end in months if end.isoformat() == typed), None)
    return wanted or (months[0] if months else None)


@accounts_pages.post("/units/<code>/close")
@login_required
@unit_of_work
def close_books_through(code):
    unit, typed = unit_for(code, "read"), request.form.get("through", "").strip()
    permissions.require(g.user, "close", unit)
    return refusable(lambda: closed_through(unit, typed), lambda exc: close_books(code, typed, exc.detail))


def closed_through(unit, typed: str):
    through = parse_date(typed, "through")
    if not request.form.get("confirm"):  # step two: closing cannot be undone, so it is never one click
        raise ValidationFailed(_("Hãy đánh dấu ô xác nhận trước khi khóa sổ."), field="confirm")
    services.close_books(unit, through, by=g.user)
    flash(_("Đã khóa sổ %(unit)s đến hết ngày %(date)s.", unit=unit.name,
            date=unit.closed_through.strftime("%d/%m/%Y")))
    return redirect(url_for("accounts.close_books", code=unit.code), 303)
