"""Yearly plans with their indicators (chỉ tiêu), targets handed down, and progress computed live."""


def init_app(app):
    pass
