"""Translation helpers: Vietnamese msgids, English catalog; work outside a request too.

Flask-Babel falls back to the msgid when no app context is active, so pure modules
(rules, money) can call these and stay testable without an app.
"""
from flask import current_app, has_request_context, request, session
from flask_babel import gettext, lazy_gettext, ngettext

_ = gettext
_l = lazy_gettext

LOCALES = ("vi", "en")


def select_locale() -> str:
    """Vietnamese unless the client prefers English (?lang= remembered in the session, Accept-Language)."""
    if not has_request_context():
        return current_app.config.get("BABEL_DEFAULT_LOCALE", "vi")
    if request.args.get("lang") in LOCALES:
        session["lang"] = request.args["lang"]
        return request.args["lang"]
    if session.get("lang") in LOCALES:
        return session["lang"]
    best = request.accept_languages.best_match(LOCALES, default="vi")
    return best or "vi"


__all__ = ["_", "_l", "ngettext", "select_locale", "LOCALES"]
