"""The yearly cycle: assessments (tự đánh giá, bình xét) and recognitions (quyết định công nhận)."""


def init_app(app):
    pass
