"""Scholarship pages: programs (from presets), the rule editor that shows who passes, rounds.
Round, review and payout pages are in round_routes.py; both use the blueprint defined here.
"""
import copy
import json

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from markupsafe import Markup
from sqlalchemy import false, or_, select

from ledger.accounts.services import funds_usable_in
from ledger.auth.routes import login_required
from ledger.core import permissions
from ledger.core.edge import refusable, unit_of_work
from ledger.core.i18n import _
from ledger.extensions import db
from ledger.scholarships import forms, nominations, programs, rules
from ledger.scholarships.access import program_for
from ledger.scholarships.models import Program, Round
from ledger.units.access import owner_checked, permitted
from ledger.units.models import Unit
from ledger.units.services import subtree_filter

scholarships_pages = Blueprint("scholarships", __name__, template_folder="templates", url_prefix="/scholarships")


# Globals rather than a context processor, so imported macros see them too.
scholarships_pages.add_app_template_global(rules.label, "rule_label")
scholarships_pages.add_app_template_global(lambda rank: str(rules.PRIZE_RANK_LABELS[rank]), "prize_rank_label")


@scholarships_pages.app_template_global("may")
def may(action: str, unit) -> bool:
    return permissions.allowed(g.get("user"), action, unit)


def visible_programs(user) -> list[Program]:
    """Programs owned in the user's subtrees or above them (a branch nominates to its province)."""
    roots = permissions.visible_roots(user)
    above = {code for root in roots for code in root.ancestor_codes}
    owners = select(Unit.id).where(or_(false(), Unit.code.in_(above), *(subtree_filter(r.path) for r in roots)))
    return db.session.scalars(select(Program).where(Program.owner_unit_id.in_(owners))
                              .order_by(Program.created_at.desc(), Program.id.desc())).all()


@scholarships_pages.get("")
@login_required
def index():
    presets = [(code, preset) for code, preset in rules.PRESETS.items()]
    return render_template("scholarships/index.html", programs=visible_programs(g.user), presets=presets)


def preset_form(code: str | None) -> dict:
    preset = copy.deepcopy(rules.PRESETS.get(code or "", {}))
    kind = "sponsorship" if code == "con_nuoi" else "scholarship"
    return {"name": str(preset.get("name", "")), "description": str(preset.get("description", "")),
            "rules": json.dumps(preset.get("rules", {"all": []}), ensure_ascii=False, indent=2),
            "scoring": json.dumps(preset.get("scoring", {}), ensure_ascii=False, indent=2),
            "kind": kind, "schedule": "monthly" if kind == "sponsorship" else "once", "preset": code or "",
            "tiers": "[]"}


@scholarships_pages.get("/programs/new")
@login_required
def new_program():
    return render_program_form(preset_form(request.args.get("preset")))


@scholarships_pages.post("/programs/new")
@login_required
@unit_of_work
def new_program_post():
    return refusable(program_created, lambda exc: render_program_form(
        request.form.to_dict(), errors=forms.errors_of(exc), message=exc.detail, status=exc.status))


def program_created():
    program = programs.create_program(owner_checked(forms.program_data(request.form)), by=g.user)
    flash(_("Đã tạo chương trình %(name)s.", name=program.name))
    return redirect(url_for("scholarships.program_page", code=program.code), 303)


def render_program_form(typed: dict, *, errors=None, message=None, status=200):
    return render_template("scholarships/program_form.html", typed=typed, errors=errors or {}, message=message,
                           funds=usable_funds()), status


def usable_funds():
    return {fund.code: fund for root in permissions.visible_roots(g.user) for fund in funds_usable_in(root)}.values()


@scholarships_pages.get("/programs/<code>")
@login_required
def program_page(code):
    program = program_for(code, "read")
    return render_program(program, round_typed={"school_year": "", "budget": "", "quota": ""}, round_errors={})


def render_program(program, *, round_typed, round_errors, message=None, status=200):
    return render_template("scholarships/program.html", program=program,
                           rule_lines=rules.describe_rules(program.rules),
                           scoring_lines=rules.describe_scoring(program.scoring), round_typed=round_typed,
                           round_errors=round_errors, message=message), status


@scholarships_pages.post("/programs/<code>/rounds")
@login_required
@unit_of_work
def create_round(code):
    program = program_for(code, "setup")
    return refusable(lambda: round_opened(program), lambda exc: render_program(
        program, round_typed=request.form.to_dict(), round_errors=forms.errors_of(exc), message=exc.detail,
        status=exc.status))


def round_opened(program):
    found = programs.create_round(program, forms.round_data(request.form), by=g.user)
    flash(_("Đã mở đợt xét %(name)s.", name=found.name))
    return redirect(url_for("scholarships.round_page", round_id=found.id), 303)


def rounds_to_preview(program) -> list[Round]:
    """The open rounds' candidates, or the latest round's when none is open."""
    open_rounds = [r for r in program.rounds if r.status == "open"]
    return open_rounds or program.rounds[-1:]


@scholarships_pages.get("/programs/<code>/rules")
@login_required
def rule_editor(code):
    """Edit rules and scoring as JSON; "Thử" shows at once who of the current candidates would pass."""
    program = program_for(code, "read")
    typed = {key: json.dumps(getattr(program, key), ensure_ascii=False, indent=2) for key in ("rules", "scoring")}
    return render_rules(program, typed, {"rules": program.rules, "scoring": program.scoring})


@scholarships_pages.post("/programs/<code>/rules")
@login_required
@unit_of_work
def rule_editor_post(code):
    program = program_for(code, "read")
    typed = {"rules": request.form.get("rules", ""), "scoring": request.form.get("scoring", "")}
    return refusable(lambda: rules_tried(program, typed), lambda exc: render_rules(
        program, typed, None, problems=exc.errors, message=exc.detail, status=exc.status))


def rules_tried(program, typed: dict):
    """"Lưu" saves rules that check out; "Thử" shows who of the current candidates they let pass."""
    proposed = forms.rules_data(request.form)
    programs.check_rules_and_scoring(proposed)
    if request.form.get("action") == "save":
        return save_rules(program, proposed)
    return render_rules(program, typed, proposed)


def render_rules(program, typed: dict, proposed: dict | None, *, problems=None, message=None, status=200):
    """The editor with what the proposed rules (none when they are broken) say of the current candidates."""
    rows = nominations.preview(rounds_to_preview(program), proposed["rules"], proposed["scoring"]) if proposed else None
    return render_template("scholarships/rules.html", program=program, typed=typed, problems=problems or {},
                           message=message, rows=rows, passing=sum(row["is_eligible"] for row in rows or []),
                           lines=rules.describe_rules(proposed["rules"]) if proposed else []), status


def save_rules(program, proposed):
    programs.update_rules(permitted(program, "setup", program.owner_unit), proposed, by=g.user)
    flash(_("Đã lưu điều kiện xét chọn, phiên bản %(version)s.", version=program.version))
    return redirect(url_for("scholarships.rule_editor", code=program.code), 303)


def unit_panel(unit, user) -> Markup:
    """The unit page's scholarships section: the unit's own programs and their rounds."""
    owned = db.session.scalars(select(Program).where(Program.owner_unit_id == unit.id).order_by(Program.id)).all()
    return Markup(render_template("scholarships/unit_panel.html", unit=unit, programs=owned,
                                  can_setup=permissions.allowed(user, "setup", unit)))
