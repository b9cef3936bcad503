"""Vietnamese first, English on request: the locale choice on the API and on pages, and the catalogs
themselves (every msgid translated into English, placeholders and tags kept, format strings valid).
"""
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask_babel import refresh

TRANSLATIONS = Path(__file__).resolve().parents[2] / "ledger" / "translations"
POT = TRANSLATIONS / "messages.pot"
EN_PO = TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po"
VI_PO = TRANSLATIONS / "vi" / "LC_MESSAGES" / "messages.po"
TOKENS = re.compile(r"%\(\w+\)[sdifr]|%%|%[sdifr]")
TAGS = re.compile(r"</?([a-zA-Z][\w-]*)")
UNIT = {"code": "SL", "name": "Tỉnh Sơn La", "level": "province", "parent": "VN"}


def load(path):
    with open(path, "rb") as handle:
        return read_po(handle)


def texts(value) -> list[str]:
    return list(value) if isinstance(value, (list, tuple)) else [value]


def key(message) -> str:
    return texts(message.id)[0]


def real_messages(catalog):
    return [message for message in catalog if message.id]


@pytest.fixture(scope="module")
def template_catalog():
    return load(POT)


@pytest.fixture(scope="module")
def english():
    return {message.id: message for message in real_messages(load(EN_PO))}


@pytest.fixture
def compiled_catalogs():
    """The runtime reads .mo files; they are built by `make translations`, not committed."""
    mo = EN_PO.with_suffix(".mo")
    assert mo.exists() and mo.stat().st_mtime >= EN_PO.stat().st_mtime, \
        "ledger/translations/en/LC_MESSAGES/messages.mo is missing or older than its .po: run `make translations`"


def next_request():
    """The app fixture keeps one app context (one `g`) across requests; Flask-Babel caches the locale
    in `g`, which a real server starts afresh for every request."""
    refresh()


class AnyValue(dict):
    """A mapping that fills every %(name)s, as the code and Jinja's newstyle gettext would."""

    def __missing__(self, name):
        return 1


# ---- locale choice ---------------------------------------------------------------------------

def create_duplicate_unit(api_as, headers=None):
    admin = api_as(("VN", "admin"))
    assert admin.post("/units", json=UNIT).status_code == 201
    next_request()
    return admin.post("/units", json=UNIT, headers=headers)


def test_api_error_is_english_with_accept_language_en(api_as, compiled_catalogs):
    r = create_duplicate_unit(api_as, {"Accept-Language": "en"})
    assert r.status_code == 409 and r.json["code"] == "duplicate", r.json
    assert r.json["detail"] == "Unit code SL already exists."
    assert r.json["title"] == "Conflict"
    assert r.json["errors"] == {"code": ["Unit code SL already exists."]}


def test_api_error_is_vietnamese_without_a_header(api_as, compiled_catalogs):
    r = create_duplicate_unit(api_as)
    assert r.status_code == 409
    assert r.json["detail"] == "Mã đơn vị SL đã có."
    assert r.json["title"] == "Xung đột"


def test_api_prefers_vietnamese_when_the_client_ranks_it_first(api_as, compiled_catalogs):
    r = create_duplicate_unit(api_as, {"Accept-Language": "vi, en;q=0.8"})
    assert r.json["detail"] == "Mã đơn vị SL đã có."


def test_field_messages_follow_the_language(api_as, compiled_catalogs):
    admin = api_as(("VN", "admin"))
    english = admin.post("/units", json={"name": "X"}, headers={"Accept-Language": "en"})
    next_request()
    vietnamese = admin.post("/units", json={"name": "X"})
    assert english.status_code == vietnamese.status_code == 422
    assert english.json["detail"] == "Invalid data; please check the highlighted fields."
    assert vietnamese.json["errors"]["code"] == ["Thiếu trường bắt buộc."]


def test_login_page_in_english_with_lang_en(client, compiled_catalogs):
    page = client.get("/login?lang=en").text
    assert '<html lang="en">' in page
    for label in ("Sign in", "Username", "Password", "View the public reports"):
        assert label in page
    assert "Mật khẩu" not in page and "Đăng nhập" not in page


def test_login_page_in_vietnamese_by_default(client, compiled_catalogs):
    page = client.get("/login").text
    assert '<html lang="vi">' in page
    for label in ("Đăng nhập", "Tên đăng nhập", "Mật khẩu"):
        assert label in page
    assert "Password" not in page


def test_language_choice_is_remembered_until_changed(client, compiled_catalogs):
    for lang, label in (("en", "Password"), ("vi", "Mật khẩu")):
        client.get(f"/login?lang={lang}")
        next_request()
        assert label in client.get("/login").text
        next_request()


# ---- the catalogs ----------------------------------------------------------------------------

def test_the_template_is_extracted(template_catalog):
    """A broken babel.cfg would silently extract nothing from templates or code."""
    sources = {path for message in real_messages(template_catalog) for path, _ in message.locations}
    assert any(path.endswith(".html") for path in sources) and any(path.endswith(".py") for path in sources)
    assert len(real_messages(template_catalog)) > 1000


def test_every_msgid_has_an_english_translation(template_catalog, english):
    missing = [key(message) for message in real_messages(template_catalog)
               if message.id not in english or not all(texts(english[message.id].string))
               or english[message.id].fuzzy]
    assert not missing, f"{len(missing)} msgids lack English (run scripts/translations.sh): {missing[:20]}"


def edges(text: str) -> tuple[bool, bool]:
    """Fragments joined in code (" và %(n)s …", "Dòng %(row)s: ") keep their leading/trailing space."""
    return text[:1].isspace(), text[-1:].isspace()


def test_translations_keep_placeholders_tags_and_edges(english):
    broken = []
    for message in english.values():
        ids = texts(message.id)
        for index, text in enumerate(texts(message.string)):
            source = ids[min(index, len(ids) - 1)]
            if text and (sorted(TOKENS.findall(text)) != sorted(TOKENS.findall(source))
                         or sorted(TAGS.findall(text)) != sorted(TAGS.findall(source))
                         or edges(text) != edges(source)):
                broken.append((source, text))
    assert not broken, broken[:20]


def test_formatted_strings_are_valid_format_strings(english):
    """Jinja's newstyle gettext always applies `%`, so a bare % in a template msgid is a 500; write %%."""
    broken = []
    for message in english.values():
        in_template = any(path.endswith(".html") for path, _ in message.locations)
        if not (in_template or message.python_format):
            continue
        for text in texts(message.id) + [t for t in texts(message.string) if t]:
            try:
                text % AnyValue()
            except (ValueError, TypeError) as exc:
                broken.append((text, str(exc)))
    assert not broken, broken[:20]


def test_vietnamese_catalog_shows_the_msgids():
    changed = [key(message) for message in real_messages(load(VI_PO))
               if any(text and text != source for text, source in zip(texts(message.string), texts(message.id)))]
    assert not changed, changed[:20]
