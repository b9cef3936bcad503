"""Empty Excel lists a treasurer fills in: one per import kind, its header row being the exact column
names the importer reads and one Vietnamese example row to overwrite.

The headers are taken from the importers' own column lists, so a template always imports.
"""
from ledger.accounts.banking.services.excel_import import DONOR_COLUMNS, OPENING_COLUMNS
from ledger.core.errors import NotFound
from ledger.core.i18n import _, _l

# kind -> (headers, example row, sheet title, file name)
TEMPLATES = {
    "opening-balances": (
        [OPENING_COLUMNS[key][0] for key in ("unit", "fund", "account", "amount", "counterparty")],
        ["", "QKH", "111", "5.000.000", ""], _l("Số dư đầu kỳ"), "mau-so-du-dau-ky.xlsx"),
    "donors": (
        [DONOR_COLUMNS[key][0] for key in ("name", "kind", "phone", "address", "publish")],
        ["Dòng họ Tẩn xã Bình Lư", "dòng họ", "0912 345 678", "Bản Nà Lừa, xã Bình Lư, tỉnh Sơn La", "đầy đủ"],
        _l("Nhà hảo tâm"), "mau-nha-hao-tam.xlsx"),
    "members": (
        ["Họ và tên", "Năm sinh", "Giới tính", "Điện thoại", "Chức vụ", "Ngày vào Hội"],
        ["Tẩn Thị Mẩy", "1985", "Nữ", "0912 345 678", "Chi hội trưởng", "15/03/2020"],
        _l("Hội viên"), "mau-hoi-vien.xlsx"),
}


def template_parts(kind: str) -> dict:
    """What export.xlsx_response needs for `kind`'s template."""
    if kind not in TEMPLATES:
        raise NotFound(_("Không có mẫu nhập \"%(kind)s\".", kind=kind))
    headers, example, title, filename = TEMPLATES[kind]
    return {"rows": [example], "headers": headers, "filename": filename, "sheet_title": str(title),
            "title_lines": [_("%(title)s — xóa dòng ví dụ rồi điền mỗi dòng một mục; giữ nguyên dòng tiêu đề.",
                              title=title)]}
