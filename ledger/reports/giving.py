"""Giving by bank transfer on the public portal: a VietQR per gift (the donor types an amount in a GET form,
no script, and gets a QR carrying that amount and the fund's or campaign's memo) for fund and campaign pages.

Campaign pages belong to a lower feature; they show the same box through the hook `gift_boxes` filled here.
"""
from sqlalchemy import select

from ledger.accounts.banking import vietqr
from ledger.accounts.campaigns.models import Campaign
from ledger.accounts.models import Fund
from ledger.core import money
from ledger.core.dates import vn_today
from ledger.core.errors import NotFound, ValidationFailed
from ledger.core.i18n import _
from ledger.extensions import db
from ledger.units.models import Unit

TYPED_MAX = 30  # characters of a typed amount worth reading


def fund_memo(fund: Fund) -> str:
    return fund.memo_code or fund.code


def campaign_memo(campaign: Campaign) -> str:
    """The fund's memo (what reconciliation matches) followed by the campaign's own code."""
    return f"{fund_memo(campaign.fund)} {campaign.memo_code or campaign.code}"


def gift_amount(typed: str) -> int:
    """What a donor typed ("500.000", "1.500.000 đ", "2000000") → đồng, refused in Vietnamese otherwise."""
    amount = money.parse_amount(typed[:TYPED_MAX])
    if amount > vietqr.MAX_AMOUNT:
        raise ValidationFailed(field="amount", message=_(
            "Mã VietQR chỉ ghi được số tiền tới %(max)s đồng.", max=money.format_number(vietqr.MAX_AMOUNT)))
    return amount


def gift_box(fund: Fund, memo: str, typed: str) -> dict | None:
    """Account, memo and a QR to scan; with the amount typed when it reads as one. None: no bank account yet."""
    if not (fund.bank_bin and fund.bank_account):
        return None
    typed = (typed or "").strip()
    amount, error = None, None
    if typed:
        try:
            amount = gift_amount(typed)
        except ValidationFailed as exc:
            error = exc.detail
    payload = vietqr.payload(fund.bank_bin, fund.bank_account, amount=amount, memo=memo)
    return {"fund": fund, "memo": vietqr.ascii_memo(memo), "typed": typed[:TYPED_MAX], "amount": amount,
            "error": error, "qr": vietqr.svg(payload)}


def public_fund(code: str) -> Fund:
    fund = db.session.scalar(select(Fund).where(Fund.code == code))
    if fund is None:
        raise NotFound(_("Không có quỹ mã %(code)s.", code=code))
    return fund


RUNNING_SHOWN = 20


def running_campaigns(fund: Fund | None = None) -> list[Campaign]:
    """Campaigns running today (of one fund), the widest first: the portal's home lists them."""
    today = vn_today()
    query = select(Campaign).join(Unit, Campaign.owner_unit_id == Unit.id).where(
        Campaign.starts_on <= today, Campaign.ends_on >= today)
    if fund is not None:
        query = query.where(Campaign.fund_id == fund.id)
    return db.session.scalars(query.order_by(Unit.depth, Campaign.code).limit(RUNNING_SHOWN)).all()


def campaign_gift_box(campaign: Campaign, typed: str) -> dict | None:
    """Filled into campaigns.public.gift_boxes: the campaign page's box, its memo naming the campaign."""
    return gift_box(campaign.fund, campaign_memo(campaign), typed)
