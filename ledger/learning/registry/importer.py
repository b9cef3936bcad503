"""Excel in and out for the registry: one template per model with Vietnamese headers, the import of a filled
list (all or nothing: any bad row and nothing is created, every bad row named with its column), the export of a
unit's list in the same columns (so an export imports again), and the import of units' population and
households.

Files are read by ledger.core.spreadsheets (bounded: size, rows, columns, cells, time); the header row is found
among the first rows, whatever the order of the columns, so a treasurer's own sheet with a title works too.
"""
import re
from datetime import date

from sqlalchemy import select

from ledger.accounts.community.services.members import set_population
from ledger.core import audit, spreadsheets
from ledger.core.dates import vn_today
from ledger.core.errors import ValidationFailed
from ledger.core.export import xlsx_bytes
from ledger.core.i18n import _, _l
from ledger.core.text import fold
from ledger.extensions import db
from ledger.learning.models import LearningSubject, Registration
from ledger.learning.registry.services import MODEL_LABELS, commune_of, describe, register_many, subjects_query
from ledger.units.models import Unit

HEADER_SEARCH_ROWS = 10
UNIT = ("unit", _l("Mã đơn vị"))
CONSENT = ("publish_consent", _l("Đồng ý công khai (có/không)"))
# The template's columns per model: (field, header). The name column comes first and is required.
COLUMNS = {
    "family": [("name", _l("Tên hộ")), ("head_name", _l("Chủ hộ")), ("address", _l("Địa chỉ")),
               ("members", _l("Số nhân khẩu")), ("clan", _l("Dòng họ")), CONSENT, UNIT],
    "clan": [("name", _l("Tên dòng họ")), ("head_name", _l("Trưởng họ")), ("address", _l("Địa chỉ")),
             ("members", _l("Số gia đình")), CONSENT, UNIT],
    "community": [("name", _l("Tên thôn, bản, tổ dân phố")), ("kind", _l("Loại (thôn/bản/tổ dân phố)")),
                  ("head_name", _l("Trưởng thôn")), ("address", _l("Địa chỉ")), ("members", _l("Số hộ")),
                  CONSENT, UNIT],
    "organisation": [("name", _l("Tên đơn vị")), ("kind", _l("Loại (trường học/cơ quan/doanh nghiệp)")),
                     ("head_name", _l("Thủ trưởng")), ("address", _l("Địa chỉ")), ("members", _l("Số người")),
                     CONSENT, UNIT],
    "citizen": [("name", _l("Họ và tên")), ("address", _l("Địa chỉ")), CONSENT, UNIT],
}
# Other words a sheet may use for a column (compared folded, without what is in brackets).
SYNONYMS = {"ten": "name", "ho ten": "name", "ten ho gia dinh": "name", "ho gia dinh": "name", "chu ho": "head_name",
            "dia chi": "address", "so thanh vien": "members", "so nguoi": "members", "nhan khau": "members",
            "dong y": "publish_consent", "cong khai": "publish_consent", "ma don vi": "unit", "chi hoi": "unit",
            "dong ho": "clan", "loai": "kind"}
YES = {"co", "x", "yes", "1", "true", "dong y"}
NO = {"khong", "no", "0", "false", ""}
LIMITS = {"name": 200, "head_name": 200, "address": 300, "kind": 40}


def header_key(text) -> str:
    return fold(re.sub(r"\(.*?\)", "", str(text or "")))


def template_headers(model: str) -> list[str]:
    return [str(label) for _field, label in COLUMNS[model]]


def template_bytes(model: str) -> bytes:
    """An empty list for `model` with its headers and one example line to overwrite."""
    example = {"family": ["Hộ ông Nguyễn Văn An", "Nguyễn Văn An", "Thôn 1", "1.500", "", "có", ""],
               "clan": ["Dòng họ Nguyễn", "Nguyễn Văn Bình", "Thôn 2", "40", "không", ""],
               "community": ["Tổ dân phố 7", "tổ dân phố", "Trần Văn Cường", "", "250", "có", ""],
               "organisation": ["Trường Tiểu học Bình Lư", "trường học", "Lê Thị Dung", "", "35", "có", ""],
               "citizen": ["Phạm Văn Em", "Bản Nà Lừa", "không", ""]}[model]
    return xlsx_bytes([example], template_headers(model), sheet_title=str(MODEL_LABELS[model]),
                      title_lines=[_("Danh sách %(model)s — xóa dòng ví dụ, mỗi đối tượng một dòng; cột Mã đơn vị để "
                                     "trống là đơn vị đang nhập.", model=MODEL_LABELS[model])])


def export_bytes(unit: Unit, model: str, year: int) -> bytes:
    """The subtree's subjects of `model` in the template's columns (plus whether registered in `year`)."""
    registered = set(db.session.scalars(select(Registration.subject_id).join(
        LearningSubject, Registration.subject_id == LearningSubject.id).where(
        Registration.year == year, LearningSubject.id.in_(subjects_query(unit, model).with_only_columns(
            LearningSubject.id).scalar_subquery()))))
    subjects = db.session.scalars(subjects_query(unit, model).order_by(Unit.path, LearningSubject.name))

    def row(subject):
        values = {"name": subject.name, "head_name": subject.head_name, "address": subject.address,
                  "members": subject.members, "clan": subject.clan.name if subject.clan else "", "kind": subject.kind,
                  "publish_consent": _("có") if subject.is_publish_consented else _("không"),
                  "unit": subject.unit.code}
        return [values[field] for field, _label in COLUMNS[model]] + [
            _("có") if subject.id in registered else _("không")]
    headers = template_headers(model) + [_("Đăng ký năm %(year)s", year=year)]
    return xlsx_bytes(map(row, subjects), headers, sheet_title=str(MODEL_LABELS[model]),
                      title_lines=[_("%(model)s — %(unit)s", model=MODEL_LABELS[model], unit=unit.name)])


# ---- reading a filled list --------------------------------------------------------------------

class RowErrors:
    """The bad cells of a sheet: {row, column, message}, the message naming both in Vietnamese."""

    def __init__(self):
        self.items: list[dict] = []

    def add(self, row: int, column: str | None, message: str) -> None:
        where = _("Dòng %(row)s, cột «%(column)s»", row=row, column=column) if column else _("Dòng %(row)s",
                                                                                          row=row)
        self.items.append({"row": row, "column": column, "message": f"{where}: {message}"})


def find_header(rows, fields_of: dict[str, str], required: str) -> tuple[int, dict[int, str]]:
    """(index of the header row, column index → field) among the first rows."""
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        columns = {}
        for position, cell in enumerate(row):
            field = fields_of.get(header_key(cell))
            if field and field not in columns.values():
                columns[position] = field
        if required in columns.values():
            return index, columns
    raise ValidationFailed(field="file", message=_("Không thấy dòng tiêu đề có cột «%(column)s».",
                                                   column=_label_of(fields_of, required)))


def _label_of(fields_of: dict[str, str], field: str) -> str:
    return next((label for label, found in fields_of.items() if found == field), field)


def whole_number(value, *, allow_blank=True) -> int | None:
    """What a cell holds as a count: 1500, 1500.0, "1.500", "1,500", "1 500" → 1500; blank → None."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if allow_blank:
            return None
        raise ValueError(_("Ô này không được để trống."))
    if isinstance(value, bool | date):
        raise ValueError(_("«%(value)s» không phải số nguyên.", value=value))
    if isinstance(value, float):
        if not value.is_integer() or value < 0:
            raise ValueError(_("«%(value)s» không phải số nguyên không âm.", value=value))
        return int(value)
    if isinstance(value, int):
        if value < 0:
            raise ValueError(_("«%(value)s» không phải số nguyên không âm.", value=value))
        return value
    text = re.sub(r"[.,\s\u00a0]", "", str(value))
    if not (text.isascii() and text.isdigit()) or len(text) > 10:
        raise ValueError(_("«%(value)s» không phải số nguyên (ví dụ 1.500).", value=value))
    return int(text)


def yes_no(value) -> bool:
    key = fold(str(value if value is not None else ""))
    if key in YES:
        return True
    if key in NO:
        return False
    raise ValueError(_("«%(value)s»: ghi «có» hoặc «không».", value=value))


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


class SubjectReader:
    """Reads the rows of one model's list for `unit`: the unit column names a unit of its subtree, the clan
    column a registered clan of the row unit's commune (by name)."""

    def __init__(self, unit: Unit, model: str):
        self.unit, self.model = unit, model
        self.labels = {field: str(label) for field, label in COLUMNS[model]}
        self.fields_of = {header_key(label): field for field, label in self.labels.items()}
        self.fields_of.update({word: field for word, field in SYNONYMS.items()
                               if field in self.labels and word not in self.fields_of})
        self.units: dict[str, Unit | None] = {}
        self.clans: dict[int, dict[str, list[LearningSubject]]] = {}

    def read(self, rows) -> tuple[list[dict], RowErrors]:
        header, columns = find_header(rows, self.fields_of, "name")
        found, errors = [], RowErrors()
        self.load_units({cell_text(row[i]) for row in rows[header + 1:] for i, field in columns.items()
                         if field == "unit" and i < len(row)} - {""})
        for number, row in enumerate(rows[header + 1:], start=header + 2):
            values = {field: row[i] for i, field in columns.items() if i < len(row)}
            if all(spreadsheets.blank(value) for value in values.values()):
                continue
            data = self.row(number, values, errors)
            if data is not None:
                found.append(data)
        return found, errors

    def row(self, number: int, values: dict, errors: RowErrors) -> dict | None:
        before = len(errors.items)
        data = {field: cell_text(values.get(field))[:LIMITS[field]] for field in LIMITS}
        if not data["name"]:
            errors.add(number, self.labels["name"], _("Thiếu tên."))
        target = self.target(cell_text(values.get("unit")), number, errors)
        for field, parse in (("members", whole_number), ("publish_consent", yes_no)):
            if field in self.labels:
                try:
                    data[field] = parse(values.get(field))
                except ValueError as exc:
                    errors.add(number, self.labels[field], str(exc))
        data["clan"] = None
        clan_name = cell_text(values.get("clan"))
        if clan_name and target is not None:
            data["clan"] = self.clan(target, clan_name, number, errors)
        data["unit"] = target
        return data if len(errors.items) == before else None

    def load_units(self, codes: set[str]) -> None:
        for chunk in _chunks(sorted(codes)):
            for found in db.session.scalars(select(Unit).where(Unit.code.in_(chunk))):
                self.units[found.code] = found

    def target(self, code: str, number: int, errors: RowErrors) -> Unit | None:
        if not code:
            return self.unit
        found = self.units.get(code)
        label = self.labels["unit"]
        if found is None:
            errors.add(number, label, _("Không có đơn vị mã %(code)s.", code=code))
        elif not found.is_within(self.unit):
            errors.add(number, label, _("Đơn vị %(code)s không thuộc %(unit)s.", code=code, unit=self.unit.name))
        elif found.status != "active":
            errors.add(number, label, _("Đơn vị %(code)s đã sáp nhập.", code=code))
        else:
            return found
        return None

    def clan(self, target: Unit, name: str, number: int, errors: RowErrors) -> LearningSubject | None:
        scope = commune_of(target)
        if scope.id not in self.clans:
            named: dict[str, list[LearningSubject]] = {}
            for clan in db.session.scalars(subjects_query(scope, "clan")):
                named.setdefault(fold(clan.name), []).append(clan)
            self.clans[scope.id] = named
        matches = self.clans[scope.id].get(fold(name), [])
        if len(matches) == 1:
            return matches[0]
        message = (_("Chưa có dòng họ «%(name)s» trong %(unit)s; xin đăng ký dòng họ trước.", name=name,
                     unit=scope.name) if not matches else
                   _("Có %(count)s dòng họ tên «%(name)s»; xin sửa tên cho khác nhau.", count=len(matches), name=name))
        errors.add(number, self.labels["clan"], message)
        return None


def _chunks(items: list, size: int = 1000):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def import_subjects(unit: Unit, model: str, data: bytes, filename: str = "", *, by=None) -> dict:
    """Create every subject of a filled list at the unit (or the unit its row names) and register them for the
    current year — or none: {created, skipped, errors}; with any error nothing is written. A row matching a
    subject already there (same unit, name and head) is skipped, so a list can be sent again after adding lines."""
    rows = spreadsheets.read_rows(data, filename, allow_merged=True)
    found, errors = SubjectReader(unit, model).read(rows)
    if errors.items:
        return {"created": 0, "skipped": 0, "errors": errors.items}
    seen = {(s.unit_id, fold(s.name), fold(s.head_name)) for s in db.session.scalars(
        select(LearningSubject).where(LearningSubject.model == model,
                                      LearningSubject.unit_id.in_({row["unit"].id for row in found})))}
    made, skipped = [], 0
    for row in found:
        key = (row["unit"].id, fold(row["name"]), fold(row["head_name"]))
        if key in seen:
            skipped += 1
            continue
        seen.add(key)
        made.append(LearningSubject(unit=row["unit"], model=model, name=row["name"], head_name=row["head_name"],
                                    address=row["address"], members=row.get("members"), kind=row["kind"],
                                    clan=row["clan"], is_publish_consented=bool(row.get("publish_consent"))))
    db.session.add_all(made)
    db.session.flush()
    for subject in made:
        audit.record("learning.subject.create", "learning_subject", subject.id, by=by, after=describe(subject))
    for chunk in _chunks([subject.id for subject in made], 5000):
        register_many(select(LearningSubject).where(LearningSubject.id.in_(chunk)), vn_today().year, by=by)
    return {"created": len(made), "skipped": skipped, "errors": []}


# ---- population -------------------------------------------------------------------------------

POPULATION_COLUMNS = [("unit", _l("Mã đơn vị")), ("population", _l("Dân số")), ("households", _l("Số hộ"))]
POPULATION_SYNONYMS = {"so dan": "population", "dan so (nguoi)": "population", "so ho gia dinh": "households",
                       "ma": "unit", "don vi": "unit"}


def population_template_bytes(unit: Unit) -> bytes:
    """The units of the subtree with their own counts, to fill in and send back."""
    from ledger.units.services import subtree_filter

    units = db.session.scalars(select(Unit).where(subtree_filter(unit.path)).order_by(Unit.path))
    return xlsx_bytes(([u.code, u.population, u.households, u.name] for u in units),
                      [str(label) for _f, label in POPULATION_COLUMNS] + [_("Tên đơn vị")],
                      sheet_title=_("Dân số"), title_lines=[_("Dân số và số hộ — %(unit)s", unit=unit.name)])


def import_population(unit: Unit, data: bytes, filename: str = "", *, by=None) -> dict:
    """Each row (mã đơn vị, dân số, số hộ) sets a unit of the subtree's own counts through set_population, so
    the kept sums follow — or nothing when any row is bad: {updated, errors}."""
    rows = spreadsheets.read_rows(data, filename, allow_merged=True)
    labels = {field: str(label) for field, label in POPULATION_COLUMNS}
    fields_of = {header_key(label): field for field, label in labels.items()} | POPULATION_SYNONYMS
    header, columns = find_header(rows, fields_of, "unit")
    if "population" not in columns.values():
        raise ValidationFailed(field="file", message=_("Không thấy cột «%(column)s».", column=labels["population"]))
    body = rows[header + 1:]
    codes = {cell_text(row[i]) for row in body for i, field in columns.items() if field == "unit" and i < len(row)}
    known = {u.code: u for chunk in _chunks(sorted(codes - {""}))
             for u in db.session.scalars(select(Unit).where(Unit.code.in_(chunk)))}
    errors, changes, seen = RowErrors(), [], set()
    for number, row in enumerate(body, start=header + 2):
        values = {field: row[i] for i, field in columns.items() if i < len(row)}
        if all(spreadsheets.blank(value) for value in values.values()):
            continue
        before = len(errors.items)
        code = cell_text(values.get("unit"))
        target = known.get(code)
        if not code:
            errors.add(number, labels["unit"], _("Thiếu mã đơn vị."))
        elif target is None:
            errors.add(number, labels["unit"], _("Không có đơn vị mã %(code)s.", code=code))
        elif not target.is_within(unit):
            errors.add(number, labels["unit"], _("Đơn vị %(code)s không thuộc %(unit)s.", code=code, unit=unit.name))
        elif code in seen:
            errors.add(number, labels["unit"], _("Đơn vị %(code)s có ở hai dòng.", code=code))
        seen.add(code)
        counts = {}
        for field in ("population", "households"):
            try:
                counts[field] = whole_number(values.get(field), allow_blank=field == "households")
            except ValueError as exc:
                errors.add(number, labels[field], str(exc))
        if len(errors.items) == before:
            changes.append((target, counts))
    if errors.items:
        return {"updated": 0, "errors": errors.items}
    for target, counts in changes:
        extra = {"households": counts["households"]} if "households" in columns.values() else {}
        set_population(target, counts["population"], by=by, **extra)
    return {"updated": len(changes), "errors": []}
