"""Public pages without login: a campaign's progress with an SVG chart (no JavaScript), the
leaderboard of its sub-units, its honor roll and how to give; a unit's honor roll for a year.

Donors appear only as they chose (full name, initials, or "Nhà hảo tâm ẩn danh").
"""
from flask import Blueprint, render_template, request

from ledger.accounts.campaigns.services import campaigns, honor
from ledger.core.dates import vn_today
from ledger.core.errors import NotFound
from ledger.core.i18n import _
from ledger.units.services import get_unit

public_campaigns = Blueprint("public_campaigns", __name__, url_prefix="/public", template_folder="templates")
CHART_WIDTH, LABEL_WIDTH, VALUE_WIDTH, ROW_HEIGHT, TOP = 640, 190, 110, 24, 56
CHART_ROWS = 20
HONOR_ROWS = 200
NAME_PREFIX = "Hội Khuyến học "
# The portal (reports) fills this: (campaign, typed amount) → account, memo and VietQR, or None without an account.
gift_boxes: list = []


def short_name(name: str, limit: int = 30) -> str:
    name = name.removeprefix(NAME_PREFIX)
    return name if len(name) <= limit else name[:limit - 1] + "…"


def chart_of(progress: dict) -> dict:
    """Geometry of the progress chart: the whole campaign on top, then one bar per sub-unit with its
    target marked; every length is computed here so the SVG needs no script."""
    bar_width = CHART_WIDTH - LABEL_WIDTH - VALUE_WIDTH
    rows = progress["by_unit"][:CHART_ROWS]
    scale = max([r["raised"] for r in rows] + [r["target"] or 0 for r in rows] + [1])
    total_scale = max(progress["target"] or 0, progress["raised"], 1)
    bars = [{**bar_rows(TOP + i * ROW_HEIGHT), "label": short_name(r["name"]), "raised": r["raised"],
             "target": r["target"], "percent": r["percent"], "width": round(bar_width * r["raised"] / scale, 1),
             "target_x": round(LABEL_WIDTH + bar_width * r["target"] / scale, 1) if r["target"] else None}
            for i, r in enumerate(rows)]
    return {"width": CHART_WIDTH, "height": TOP + len(bars) * ROW_HEIGHT + 8, "label_width": LABEL_WIDTH,
            "bar_width": bar_width, "row_height": ROW_HEIGHT, "bars": bars,
            "hidden": len(progress["by_unit"]) - len(rows),
            "total_width": round(bar_width * progress["raised"] / total_scale, 1),
            "total_target_x": round(LABEL_WIDTH + bar_width * progress["target"] / total_scale, 1)
            if progress["target"] else None}


def bar_rows(y: int) -> dict:
    """Where a sub-unit's label, bar and target mark sit in its row of the chart."""
    return {"y": y, "text_y": y + 14, "bar_y": y + 2, "mark_bottom": y + 20}


def scope_in(campaign):
    """The unit a visitor drills down to (?unit=), which must lie inside the campaign's owner."""
    unit = get_unit(request.args["unit"]) if request.args.get("unit") else campaign.owner_unit
    if not unit.is_within(campaign.owner_unit):
        raise NotFound(_("%(unit)s không tham gia đợt vận động này.", unit=unit.name))
    return unit


@public_campaigns.get("/campaigns/<code>")
def campaign(code):
    campaign = campaigns.get_campaign(code)
    unit = scope_in(campaign)
    progress = campaigns.progress(campaign, unit)
    return render_template("campaigns/public_campaign.html", campaign=campaign, unit=unit, progress=progress,
                           chart=chart_of(progress), today=vn_today(), gift=gift_box(campaign),
                           roll=honor.honor_roll(unit=unit, campaign=campaign, limit=HONOR_ROWS))


def gift_box(campaign) -> dict | None:
    """How to give to a running campaign, with a QR for the amount the visitor typed (?amount=)."""
    if campaign.ends_on < vn_today():
        return None
    return next(filter(None, (box(campaign, request.args.get("amount", "")) for box in gift_boxes)), None)


@public_campaigns.get("/units/<code>/honor-roll")
def unit_honor_roll(code):
    unit = get_unit(code)
    year = request.args.get("year", type=int) or vn_today().year
    return render_template("campaigns/public_honor_roll.html", unit=unit, year=year, previous_year=year - 1,
                           roll=honor.honor_roll(unit=unit, year=year, limit=HONOR_ROWS),
                           campaigns=campaigns.campaigns_for(unit))
