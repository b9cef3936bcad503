"""The five default criteria sets, owned by the root unit from 2022: editable samples written from what is
known of the association's criteria (/work/shared/learning-criteria.md), to be checked against each
province's own guide. `ensure_default_sets()` adds the missing ones by code and never changes existing ones.
"""
from sqlalchemy import select

from ledger.core.i18n import _
from ledger.extensions import db
from ledger.learning.criteria.services import create_set
from ledger.learning.models import CriteriaSet
from ledger.units.services import ensure_root

YEAR_FROM = 2022


def _note(unconfirmed: str) -> str:
    return _("Bộ tiêu chí mẫu — đối chiếu với hướng dẫn của tỉnh. Chưa xác nhận: %(what)s", what=unconfirmed)


def _family() -> dict:
    return {
        "code": "KHVN-GDHT-2022", "model": "family", "name": _("Gia đình học tập (mẫu, chấm điểm 100)"),
        "pass_mark": 70,
        "criteria": [
            {"code": "tre_em_hoc_tap", "name": _("Trẻ em trong độ tuổi đi học đều được đến trường, không bỏ học, "
                                                 "học tập và rèn luyện tốt"), "points": 30},
            {"code": "nguoi_lon_hoc_tap", "name": _("Người lớn biết chữ, thường xuyên học tập và tham gia "
                                                    "phong trào khuyến học"), "points": 30},
            {"code": "dieu_kien_hoc_tap", "name": _("Gia đình tạo điều kiện cho việc học: quỹ khuyến học gia đình, "
                                                    "sách báo, góc học tập"), "points": 20},
            {"code": "tac_dong_hoc_tap", "name": _("Việc học giúp làm ăn chính đáng, kinh tế ổn định, đạt "
                                                   "“Gia đình văn hóa”"), "points": 20},
        ],
        "note": _note(_("⚠️ điểm từng tiêu chí 30/30/20/20 là ước đoán theo bốn nhóm tiêu chí năm 2015; "
                        "⚠️ điểm đạt 70 là ước đoán.")),
    }


def _clan() -> dict:
    return {
        "code": "KHVN-DHHT-2022", "model": "clan", "name": _("Dòng họ học tập (mẫu, đạt tất cả tiêu chí)"),
        "pass_mark": None,
        "criteria": [
            {"code": "ty_le_gdht", "name": _("Ít nhất một nửa số gia đình trong dòng họ được công nhận Gia đình "
                                             "học tập"), "computed": {"measure": "family_share", "percent": 50}},
            {"code": "quy_khuyen_hoc", "name": _("Dòng họ có quỹ khuyến học, khuyến tài")},
            {"code": "giup_do_hoc_sinh_ngheo", "name": _("Giúp đỡ con em các gia đình khó khăn trong họ đi học")},
            {"code": "khong_bo_hoc", "name": _("Không có con em lưu ban hoặc bỏ học")},
            {"code": "kinh_te_phat_trien", "name": _("Kinh tế các gia đình trong họ ngày càng khá lên")},
        ],
        "note": _note(_("⚠️ ngưỡng năm 2022 (cao hơn năm 2015) chưa rõ; ⚠️ thời hạn công nhận.")),
    }


def _community() -> dict:
    return {
        "code": "KHVN-CDHT-THON-2022", "model": "community",
        "name": _("Cộng đồng học tập cấp thôn, bản, tổ dân phố (mẫu, đạt tất cả tiêu chí)"), "pass_mark": None,
        "criteria": [
            {"code": "ty_le_gdht", "name": _("Tỷ lệ hộ gia đình được công nhận Gia đình học tập đạt mức yêu cầu"),
             "computed": {"measure": "family_share", "percent": 60}},
            {"code": "hoat_dong_hoc_tap", "name": _("Có hoạt động học tập thường xuyên trong cộng đồng")},
            {"code": "noi_hoc_tap", "name": _("Có nhà văn hóa hoặc tủ sách dùng cho việc học")},
            {"code": "tac_dong", "name": _("Việc học góp phần phát triển kinh tế, văn hóa ở địa phương")},
        ],
        "note": _note(_("⚠️ tỷ lệ hộ phải đạt Gia đình học tập (50% hay 60%; mặc định 60%, sửa được); "
                        "⚠️ các tiêu chí còn lại.")),
    }


def _organisation() -> dict:
    return {
        "code": "KHVN-DVHT-2022", "model": "organisation", "name": _("Đơn vị học tập (mẫu, chấm điểm 100)"),
        "pass_mark": 50,
        "criteria": [
            {"code": "dieu_kien_xay_dung", "name": _("Điều kiện xây dựng: kế hoạch học tập thường xuyên, quy định "
                                                     "khuyến khích việc học, nguồn lực đầu tư"), "points": 30},
            {"code": "ket_qua_hoc_tap", "name": _("Kết quả học tập của thành viên: kế hoạch tự học, kỷ luật và hợp "
                                                  "tác, hoàn thành bồi dưỡng bắt buộc, lao động tiên tiến"),
             "points": 30},
            {"code": "hieu_qua_tac_dong", "name": _("Hiệu quả, tác động: thành viên đạt năng lực công dân học tập "
                                                    "và các tác động khác"), "points": 40},
        ],
        "grades": [{"name": _("Tốt"), "min_points": 85}, {"name": _("Khá"), "min_points": 70},
                   {"name": _("Trung bình"), "min_points": 50}],
        "note": _note(_("⚠️ hướng dẫn cho đơn vị do xã quản lý; ⚠️ 15 điểm cuối của tiêu chí hiệu quả. "
                        "Xếp loại Tốt 85, Khá 70, Trung bình 50 theo Thông tư 22/2020.")),
    }


CITIZEN_CODES = ("doc_cap_nhat", "ke_hoach_hoc_tap", "hoat_dong_cong_dong", "khuyen_khich_nguoi_khac",
                 "cong_nghe_thong_tin", "ngoai_ngu", "tinh_toan_nang_suat", "tu_duy_phan_bien", "quan_he_than_thien",
                 "hop_tac_chia_se")


def _citizen() -> dict:
    names = [_("Đọc sách báo, cập nhật thông tin"), _("Có kế hoạch học tập phục vụ công việc"),
             _("Dành thời gian cho hoạt động học tập ở cộng đồng"), _("Động viên người khác cùng học"),
             _("Sử dụng công nghệ thông tin"), _("Sử dụng ngoại ngữ"), _("Kỹ năng tính toán, nâng cao năng suất"),
             _("Tư duy phản biện"), _("Quan hệ thân thiện"), _("Hợp tác và chia sẻ")]
    return {
        "code": "KHVN-CDHT-2022", "model": "citizen", "name": _("Công dân học tập (mẫu, 10 chỉ số × 10 điểm)"),
        "pass_mark": 80,
        "criteria": [{"code": code, "name": name, "points": 10, "min_points": 5}
                     for code, name in zip(CITIZEN_CODES, names, strict=True)],
        "note": _note(_("⚠️ nội dung chỉ số theo bản dự thảo 2020; điểm đạt 80 và không chỉ số nào dưới 5 "
                        "đã xác nhận qua thí điểm.")),
    }


def default_sets() -> list[dict]:
    """The five defaults as create_set payloads (texts translated at the time of the call)."""
    return [_family(), _clan(), _community(), _organisation(), _citizen()]


def ensure_default_sets(*, by=None) -> list[CriteriaSet]:
    """Add the default sets that are missing (by code); idempotent. Returns the sets added."""
    root = ensure_root(by=by)
    codes = set(db.session.scalars(select(CriteriaSet.code)))
    taken = set(db.session.scalars(select(CriteriaSet.model).where(CriteriaSet.owner_unit_id == root.id,
                                                                   CriteriaSet.year_from == YEAR_FROM)))
    added = []
    for data in default_sets():
        if data["code"] not in codes and data["model"] not in taken:
            data = {**data, "year_from": YEAR_FROM, "recognized_by": "commune", "owner_unit": root.code}
            added.append(create_set(data, by=by, owner=root, is_default=True))
    return added
