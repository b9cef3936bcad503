"""Scholarship pages: programs (from presets), the rule editor that shows who passes, rounds.
Round, review and payout pages are in round_routes.py; both use the blueprint defined here.
"""
import copy

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from markupsafe import Markup
from sqlalchemy import false, or_, select

from ledger.accounts.services import funds_usable_in
from ledger.auth.routes import login_required
from ledger.core import permissions
from ledger.core.edge import refusable, unit_of_work
from ledger.core.i18n import _
from ledger.extensions import db
from ledger.scholarships import forms, nominations, programs, rule_form, rules
from ledger.scholarships.access import program_for
from ledger.scholarships.models import LEVELS, Program, Round
from ledger.units.access import owner_checked, permitted
from ledger.units.models import Unit
from ledger.units.services import subtree_filter

scholarships_pages = Blueprint("scholarships", __name__, template_folder="templates", static_folder="static",
                               url_prefix="/scholarships")


# Globals rather than a context processor, so imported macros see them too.
scholarships_pages.add_app_template_global(rules.label, "rule_label")
scholarships_pages.add_app_template_global(rules.describe_rules, "describe_rules")


@scholarships_pages.app_template_global("grade_or_level")
def grade_or_level(facts) -> str:
    """A pupil's grade ("9"); for anyone else their level ("sinh viên đại học")."""
    level = facts.get("level") or "school"
    return str(facts["grade"]) if level == "school" and facts.get("grade") else rules.label("level", level)


@scholarships_pages.app_template_global("standing")
def standing(facts, student) -> str:
    """"Lớp 9, Trường THCS Chiềng Sinh" or "Sinh viên đại học, ngành Y đa khoa, Trường Đại học Tây Bắc"."""
    level = facts.get("level") or "school"
    first = (_("Lớp %(grade)s", grade=facts["grade"]) if level == "school" and facts.get("grade")
             else rules.label("level", level).capitalize())
    study = _("ngành %(field)s", field=student.field_of_study) if student.field_of_study else None
    return ", ".join(part for part in (first, study, student.school) if part)


@scholarships_pages.app_template_global("level_labels")
def level_labels(levels) -> str:
    """"sinh viên đại học, du học sinh": who a program is for."""
    return ", ".join(rules.label("level", level) for level in levels or ["school"])
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


def preset_form(code: str | None) -> tuple[dict, dict]:
    """The new-program form from a preset: its fields and its rule editor."""
    preset = copy.deepcopy(rules.PRESETS.get(code or "", {}))
    kind = "sponsorship" if code == "con_nuoi" else "scholarship"
    typed = {"name": str(preset.get("name", "")), "description": str(preset.get("description", "")),
             "kind": kind, "schedule": "monthly" if kind == "sponsorship" else "once", "preset": code or "",
             "tiers": "[]"}
    return typed, editor_of(preset.get("rules", {"all": []}), preset.get("scoring", {}))


@scholarships_pages.get("/programs/new")
@login_required
def new_program():
    return render_program_form(*preset_form(request.args.get("preset")))


@scholarships_pages.post("/programs/new")
@login_required
@unit_of_work
def new_program_post():
    typed = {**request.form.to_dict(), "levels": request.form.getlist("levels")}
    if is_editing():
        return render_program_form(typed, posted_editor({"all": []}))
    return refusable(program_created, lambda exc: render_program_form(
        typed, posted_editor({"all": []}, exc.errors or {}), errors=forms.errors_of(exc), message=exc.detail,
        status=exc.status))


def program_created():
    program = programs.create_program(owner_checked(forms.program_data(request.form)), by=g.user)
    flash(_("Đã tạo chương trình %(name)s.", name=program.name))
    return redirect(url_for("scholarships.program_page", code=program.code), 303)


def render_program_form(typed: dict, editor: dict, *, errors=None, message=None, status=200):
    return render_template("scholarships/program_form.html", typed=typed, editor=editor, rule_form=rule_form,
                           errors=errors or {}, message=message, funds=usable_funds(), levels=LEVELS), status


def usable_funds():
    return {fund.code: fund for root in permissions.visible_roots(g.user) for fund in funds_usable_in(root)}.values()


@scholarships_pages.get("/programs/<code>")
@login_required
def program_page(code):
    program = program_for(code, "read")
    return render_program(program, round_typed={"school_year": "", "budget": "", "quota": ""}, round_errors={})


def render_program(program, *, round_typed, round_errors, message=None, status=200, extra_quota_row=False):
    typed_rows = forms.quota_rows(round_typed)
    quota_rows = typed_rows + [("", "")] * max(forms.QUOTA_ROWS - len(typed_rows), int(extra_quota_row))
    return render_template("scholarships/program.html", program=program,
                           rule_lines=rules.describe_rules(program.rules),
                           scoring_lines=rules.describe_scoring(program.scoring), round_typed=round_typed,
                           round_errors=round_errors, message=message, quota_rows=quota_rows,
                           quota_units=units_below(program.owner_unit)), status


def units_below(owner: Unit, limit: int = 300) -> list[Unit]:
    """Units a round's per-unit quota may name: the owner's subtree, nearest first (a list to pick from)."""
    return db.session.scalars(select(Unit).where(subtree_filter(owner.path), Unit.id != owner.id)
                              .order_by(Unit.depth, Unit.path).limit(limit)).all()


@scholarships_pages.post("/programs/<code>/rounds")
@login_required
@unit_of_work
def create_round(code):
    program = program_for(code, "setup")
    if request.form.get("action") == "add-quota":
        return render_program(program, round_typed=request.form.to_dict(), round_errors={}, extra_quota_row=True)
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
    """Edit rules and scoring in a form; "Thử" shows at once who of the current candidates would pass."""
    program = program_for(code, "read")
    return render_rules(program, editor_of(program.rules, program.scoring),
                        {"rules": program.rules, "scoring": program.scoring})


@scholarships_pages.post("/programs/<code>/rules")
@login_required
@unit_of_work
def rule_editor_post(code):
    program = program_for(code, "read")
    if is_editing():
        return render_rules(program, posted_editor(program.rules), None)
    return refusable(lambda: rules_tried(program), lambda exc: render_rules(
        program, posted_editor(program.rules, exc.errors or {}), None, message=exc.detail, status=exc.status))


EDITING = ("add", "group", "remove", "refresh")


def is_editing() -> bool:
    """An add/remove/refresh button of the rule editor: redraw the form, save nothing."""
    return request.form.get("action", "").partition(":")[0] in EDITING


def editor_of(rule_set, scoring) -> dict:
    return {"rows": rule_form.rows_of(rule_set), "scores": rule_form.scoring_typed(scoring)}


def posted_editor(fallback_rules, problems: dict | None = None, proposed: dict | None = None) -> dict:
    """The editor as posted (after an add/remove action), each problem placed at its row or points cell.
    A post of the rules as JSON text is shown as rows when valid, with its problems above them."""
    form, problems = request.form, problems or {}
    rule_problems = [str(problem) for problem in problems.get("rules", [])]
    if form.get("editor") != "form":
        chosen = proposed or {"rules": fallback_rules, "scoring": {}}
        return {**editor_of(chosen["rules"], chosen["scoring"]), "problems": rule_problems,
                "score_problems": rule_form.scoring_problems(problems.get("scoring", []))}
    rows = rule_form.edited(rule_form.rows_from(form), form.get("action", ""))
    rule_form.tree_of(rows)  # gives each row the path its problems name
    rule_form.with_problems(rows, rule_problems)
    return {"rows": rows, "scores": {key: value for key, value in form.items() if key.startswith("s.")},
            "score_problems": rule_form.scoring_problems(problems.get("scoring", []))}


def rules_tried(program):
    """"Lưu" saves rules that check out; "Thử" shows who of the current candidates they let pass."""
    proposed = forms.rules_data(request.form)
    programs.check_rules_and_scoring(proposed)
    if request.form.get("action") == "save":
        return save_rules(program, proposed)
    return render_rules(program, posted_editor(program.rules, proposed=proposed), proposed)


def render_rules(program, editor: dict, proposed: dict | None, *, message=None, status=200):
    """The editor with what the proposed rules (none when they are broken) say of the current candidates."""
    rows = nominations.preview(rounds_to_preview(program), proposed["rules"], proposed["scoring"]) if proposed else None
    return render_template("scholarships/rules.html", program=program, editor=editor, message=message, rows=rows,
                           passing=sum(row["is_eligible"] for row in rows or []), rule_form=rule_form,
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
