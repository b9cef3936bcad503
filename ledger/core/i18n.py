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
    """Vietnamese unless English is asked for: Accept-Language on the API; on pages, the language switch.

    Pages ignore the browser's language because many treasurers use an English-language browser but
    work in Vietnamese; the switch (?lang=en) is remembered in the session.
    """
    default = current_app.config.get("BABEL_DEFAULT_LOCALE", "vi")
    if not has_request_context():
        return default
    if request.path.startswith("/api/"):
        return request.accept_languages.best_match(LOCALES, default=default) or default
    if request.args.get("lang") in LOCALES:
        session["lang"] = request.args["lang"]
        return request.args["lang"]
    return session.get("lang") if session.get("lang") in LOCALES else default


__all__ = ["LOCALES", "_", "_l", "ngettext", "select_locale"]
