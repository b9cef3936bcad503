"""Feature package; its pieces register here as they are built."""


def init_app(app):
    return None
