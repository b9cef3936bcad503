"""Translation helpers: Vietnamese msgids, English catalog; work outside a request too.

Flask-Babel falls back to the msgid when no app context is active, so pure modules
(rules, money) can call these and stay testable without an app. Flask and Flask-Babel are
imported when a string is translated, not when this module loads: `import ledger.accounts.ledger`
or `ledger.scholarships.rules` loads no web framework (tests/core/test_pure_core.py).
"""

LOCALES = ("vi", "en")


def _(string: str, **variables) -> str:
    from flask_babel import gettext

    return gettext(string, **variables)


def ngettext(singular: str, plural: str, num: int, **variables) -> str:
    from flask_babel import ngettext as translate

    return translate(singular, plural, num, **variables)


def _l(string: str, **variables) -> "LazyString":
    return LazyString(_, string, **variables)


class LazyString:
    """Flask-Babel's lazy string (same behaviour), defined here so making one imports no Flask:
    translated anew each time it is used as text, in the locale of that moment."""

    def __init__(self, func, *args, **kwargs):
        self._func, self._args, self._kwargs = func, args, kwargs

    def __getattr__(self, attr):
        if attr == "__setstate__":
            raise AttributeError(attr)
        string = str(self)
        if hasattr(string, attr):
            return getattr(string, attr)
        raise AttributeError(attr)

    def __repr__(self):
        return f"l'{self}'"

    def __str__(self):
        return str(self._func(*self._args, **self._kwargs))

    def __html__(self):
        return str(self)

    def __len__(self):
        return len(str(self))

    def __getitem__(self, key):
        return str(self)[key]

    def __iter__(self):
        return iter(str(self))

    def __contains__(self, item):
        return item in str(self)

    def __add__(self, other):
        return str(self) + other

    def __radd__(self, other):
        return other + str(self)

    def __mul__(self, other):
        return str(self) * other

    def __rmul__(self, other):
        return other * str(self)

    def __mod__(self, other):
        return str(self) % other

    def __rmod__(self, other):
        return other + str(self)  # as Flask-Babel's

    def __lt__(self, other):
        return str(self) < other

    def __le__(self, other):
        return str(self) <= other

    def __eq__(self, other):
        return str(self) == other

    def __ne__(self, other):
        return str(self) != other

    def __gt__(self, other):
        return str(self) > other

    def __ge__(self, other):
        return str(self) >= other

    def __hash__(self):
        return hash(str(self))


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
