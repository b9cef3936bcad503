"""Demo step: members, dues and allowances in branches of Bình Lư and Bồ Đề (a dues policy each, rolls of
members, a collection sheet half ticked, allowances paid from the dues kept). Idempotent: each part is
loaded only when it is not there yet.
"""
from datetime import date

from sqlalchemy import func, select

from ledger.accounts.community.models import AllowanceRule, DuesPolicy, Member
from ledger.accounts.community.services import allowances, dues, members
from ledger.core.dates import vn_today
from ledger.demo.places import BINH_LU, BO_DE, ensure_fund, ensure_user, this_year_on
from ledger.extensions import db
from ledger.units.services import ensure_root, get_unit

SURNAMES = {BINH_LU: ("Lò", "Tẩn", "Chảo", "Giàng", "Vàng", "Lý"), BO_DE: ("Nguyễn", "Trần", "Lê", "Phạm", "Đỗ", "Vũ")}
GIVEN = ("Văn Sương", "Thị Dung", "Văn Pao", "Thị Mỷ", "Văn Chứ", "Thị Hoa", "Văn Tòng", "Thị Lan", "Văn Hải",
         "Thị Mai", "Văn Quyết", "Thị Thu", "Văn Sinh", "Thị Hằng", "Văn Phúc", "Thị Nga")
# branch → (members, paid at the meeting); TDP 7 keeps most unpaid for its head to tick on the sheet.
ROLLS = {"BL-BAN-NA-AN": (14, 11), "BL-BAN-THEN-SIN": (12, 0), "BL-HO-LO": (10, 5),
         "BD-TDP-1": (16, 14), "BD-TDP-7": (12, 4), "BD-HO-NGUYEN": (10, 0)}
POPULATION = {BO_DE: 52_000, "BD-TDP-1": 1_250, "BD-TDP-7": 980, BINH_LU: 11_500, "BL-BAN-NA-AN": 620,
              "BL-BAN-THEN-SIN": 540}
BRANCH_HEADS = [("chihoi.tdp7", "Đỗ Thị Thu", "BD-TDP-7"), ("chihoi.naan", "Lò Văn Sương", "BL-BAN-NA-AN")]


def load(ctx: dict) -> None:
    for username, full_name, branch in BRANCH_HEADS:
        ctx["users"][username] = ensure_user(username, full_name, get_unit(branch), "treasurer")
    dues_fund = ensure_fund({"code": "HOIPHI", "name": "Hội phí (mỗi cấp giữ phần của mình)",
                             "owner_unit": ensure_root().code, "kind": "unrestricted",
                             "purpose": "Hội phí theo Điều lệ Hội; chi phụ cấp cán bộ Hội"})
    load_dues(ctx, dues_fund.code)


def load_dues(ctx: dict, fund: str) -> None:
    year = vn_today().year
    places = ctx["units"]
    policies = [(get_unit("LC12"), 12_000, {"branch": 70, "commune": 20, "province": 10}, "thuquy.binhlu"),
                (places[BO_DE], 24_000, {"branch": 60, "commune": 30, "province": 10}, "thuquy.bode")]
    for unit, amount, split, who in policies:
        if db.session.scalar(select(DuesPolicy.id).where(DuesPolicy.unit_id == unit.id,
                                                         DuesPolicy.year == year)) is None:
            dues.set_dues_policy(unit, {"year": year, "amount": amount, "fund": fund, "split": split},
                                 by=ctx["users"][who])
    for code, population in POPULATION.items():
        unit = places.get(code) or get_unit(code)
        if unit.population is None:
            members.set_population(unit, population)
    for branch_code, (size, paid) in ROLLS.items():
        fill_branch(get_unit(branch_code), size, paid, year, ctx)
    load_allowances(ctx, fund, year)


def fill_branch(branch, size: int, paid: int, year: int, ctx: dict) -> None:
    if db.session.scalar(select(func.count(Member.id)).where(Member.unit_id == branch.id)):
        return
    place = BINH_LU if branch.code.startswith("BL-") else BO_DE
    who = ctx["users"]["thuquy.binhlu" if place == BINH_LU else "thuquy.bode"]
    surnames, offset = SURNAMES[place], sum(map(ord, branch.code))
    roll = []
    for i in range(size):
        given = GIVEN[(i * 5 + offset) % len(GIVEN)]
        roll.append(members.add_member(branch, {
            "full_name": f"{surnames[(i + offset) % len(surnames)]} {given}", "birth_year": 1955 + (i * 7) % 45,
            "gender": "female" if "Thị" in given else "male", "position": "Chi hội trưởng" if i == 0 else None,
            "joined_on": date(2012 + i % 12, 3, 26)}, by=who))
    if paid:
        dues.collect_dues(branch, roll[:paid], year=year, on=this_year_on(3, 26), method="cash", by=who)


def load_allowances(ctx: dict, fund: str, year: int) -> None:
    places = ctx["units"]
    rules = [(places[BINH_LU], "Phó Chủ tịch Hội xã", "Tẩn Thị Dung", {"basis": "share", "percent": 50}),
             (get_unit("BL-BAN-NA-AN"), "Chi hội trưởng", "Lò Văn Sương", {"basis": "share", "percent": 30}),
             (places[BO_DE], "Phó Chủ tịch Hội phường", "Trần Văn Bình", {"basis": "fixed", "amount": 600_000}),
             (get_unit("BD-TDP-1"), "Chi hội trưởng", "Nguyễn Thị Hạnh", {"basis": "share", "percent": 30})]
    for unit, position, payee, value in rules:
        if db.session.scalar(select(AllowanceRule.id).where(AllowanceRule.unit_id == unit.id)) is None:
            who = ctx["users"]["thuquy.binhlu" if unit.is_within(places[BINH_LU]) else "thuquy.bode"]
            rule = allowances.create_rule(unit, {"position": position, "payee_name": payee, "fund": fund, **value},
                                          by=who)
            if unit.code == "BD-TDP-1":
                allowances.pay_allowance(rule, {"year": year, "date": this_year_on(4, 5), "method": "cash"}, by=who)
