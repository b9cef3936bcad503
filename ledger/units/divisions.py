"""The 2025 administrative divisions (34 provinces, 3,321 communes) from vietnam-provinces.

Province codes are ASCII initials ("Sơn La" → SL), with the official number added where two
provinces share initials (Lai Châu and Lào Cai); communes are "<province>-<ward code>".
"""
from collections import Counter

from sqlalchemy import select
from vietnam_provinces import Province, Ward

from ledger.core.errors import NotFound
from ledger.core.i18n import _
from ledger.extensions import db
from ledger.units import services
from ledger.units.models import Unit

PROVINCE_PREFIXES = ("Thành phố ", "Tỉnh ")


def province_codes() -> dict[int, str]:
    provinces = list(Province.iter_all())
    initials = {p.code.value: services.ascii_initials(plain_name(p.name)) for p in provinces}
    shared = {code for code, n in Counter(initials.values()).items() if n > 1}
    return {number: code + (str(number) if code in shared else "") for number, code in initials.items()}


def plain_name(name: str) -> str:
    for prefix in PROVINCE_PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix):]
    return name


def find_province(name: str) -> Province:
    wanted = plain_name(name.strip()).casefold()
    for province in Province.iter_all():
        if plain_name(province.name).casefold() == wanted:
            return province
    raise NotFound(_("Không có tỉnh/thành phố tên %(name)s trong danh mục 2025.", name=name))


def import_province(name: str, *, by=None, progress=None) -> tuple[Unit, int]:
    """Create the province and each of its communes that is not there yet; returns (province, created)."""
    root = services.ensure_root(by=by)
    province = find_province(name)
    code = province_codes()[province.code.value]
    existing = set(db.session.scalars(select(Unit.code).where(services.subtree_filter(f"{root.code}/{code}"))))
    created = 0
    unit = db.session.scalar(select(Unit).where(Unit.code == code))
    if unit is None:
        unit = services.create_unit({"code": code, "name": "Hội Khuyến học " + display_name(province),
                                     "level": "province", "parent": root.code,
                                     "division_code": str(province.code.value)}, by=by)
        created += 1
    for ward in sorted(Ward.iter_by_province(province.code), key=lambda w: w.code.value):
        ward_code = f"{code}-{ward.code.value:05d}"
        if ward_code not in existing:
            services.create_unit({"code": ward_code, "name": "Hội Khuyến học " + ward.name,
                                  "level": "commune", "parent": code,
                                  "division_code": str(ward.code.value)}, by=by)
            created += 1
        if progress:
            progress(1)
    return unit, created


def display_name(province: Province) -> str:
    kind = "thành phố" if province.division_type.value.startswith("thành phố") else "tỉnh"
    return f"{kind} {plain_name(province.name)}"


def ward_count(name: str) -> int:
    return sum(1 for _ward in Ward.iter_by_province(find_province(name).code))
