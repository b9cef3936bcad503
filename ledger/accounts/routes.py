"""Pages of the books: the chart, and the funds panel of a unit page."""
from flask import Blueprint, g, redirect, render_template, request, url_for
from markupsafe import Markup

from ledger.accounts import balances, services
from ledger.core import permissions

accounts_pages = Blueprint("accounts", __name__, template_folder="templates")


@accounts_pages.get("/accounts")
def chart():
    if g.user is None:
        return redirect(url_for("auth.login", next=request.full_path))
    return render_template("accounts/chart.html", accounts=services.list_accounts())


def funds_panel(unit, user) -> Markup:
    funds = [(fund, balances.fund_position(fund, unit)) for fund in services.funds_usable_in(unit)]
    return Markup(render_template("accounts/funds_panel.html", unit=unit, funds=funds,
                                  can=lambda action: permissions.allowed(user, action, unit)))
