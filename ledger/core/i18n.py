"""Translation helpers: Vietnamese msgids, English catalog; work outside a request too.

Flask-Babel falls back to the msgid when no app context is active, so pure modules
(rules, money) can call these and stay testable without an app. Flask and Flask-Babel are
imported when a string is translated, not when this module loads: `import ledger.accounts.ledger`
or `ledger.scholarships.rules` loads no web framework (tests/core/test_pure_core.py).
"""

from collections import UserString

LOCALES = ("vi", "en")


def _(string: str, **variables) -> str:
    from flask_babel import gettext

    return gettext(string, **variables)


def ngettext(singular: str, plural: str, num: int, **variables) -> str:
    from flask_babel import ngettext as translate

    return translate(singular, plural, num, **variables)


def _l(string: str, **variables) -> "LazyString":
    return LazyString(string, **variables)


class LazyString(UserString):
    """A msgid translated anew each time it is used as text, in the locale of that moment: Flask-Babel's
    lazy string, as a UserString whose text is computed, so making one imports no Flask."""

    def __init__(self, string: str, **variables):  # no super().__init__: it would store the text once
        self._string, self._variables = string, variables

    @property
    def data(self) -> str:
        return _(self._string, **self._variables)

    def __html__(self) -> str:
        return self.data


def select_locale() -> str:
    """Vietnamese unless English is asked for: Accept-Language on the API; on pages, the language switch.

    Pages ignore the browser's language because many treasurers use an English-language browser but
    work in Vietnamese; the switch (?lang=en) is remembered in the session.
    """
    from flask import current_app, has_request_context, request, session

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
