"""The registry: households, clans, communities, organisations and citizens a unit knows, their yearly
registration (đăng ký), and each unit's population and household count."""


def init_app(app):
    pass
