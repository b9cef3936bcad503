"""The home page "Việc cần làm": what waits for the signed-in user, per role, each with a count and a link.
The top feature layer: it reads every feature's tables and writes nothing."""


def init_app(app):
    from ledger.home.routes import home_pages

    app.register_blueprint(home_pages)
