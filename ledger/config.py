"""Settings: defaults, overridden by LEDGER_* environment variables, then by create_app(config).

SQLite in the instance folder is the embedded default; PostgreSQL comes by URL.
"""
import os
import secrets
from pathlib import Path


def secret_key(instance_path: str) -> str:
    """LEDGER_SECRET_KEY, else a key generated once into the instance folder."""
    if os.environ.get("LEDGER_SECRET_KEY"):
        return os.environ["LEDGER_SECRET_KEY"]
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on")


def load(instance_path: str) -> dict:
    default_db = "sqlite:///" + str(Path(instance_path) / "ledger.sqlite3")
    secure = flag("LEDGER_SECURE_COOKIES")  # behind HTTPS: Secure cookies, HSTS, http → https
    return {
        "SQLALCHEMY_DATABASE_URI": os.environ.get("LEDGER_DATABASE_URL", default_db),
        "SECRET_KEY": secret_key(instance_path),
        "BABEL_DEFAULT_LOCALE": os.environ.get("LEDGER_LOCALE", "vi"),
        "BABEL_DEFAULT_TIMEZONE": "Asia/Ho_Chi_Minh",
        # An API token lives a week (a script asks for a new one); a browser's sign-in 12 hours.
        "LEDGER_TOKEN_DAYS": float(os.environ.get("LEDGER_TOKEN_DAYS", "7")),
        "LEDGER_SESSION_HOURS": float(os.environ.get("LEDGER_SESSION_HOURS", "12")),
        "LEDGER_PASSWORD_PROFILE": os.environ.get("LEDGER_PASSWORD_PROFILE", "OWASP_2023"),
        "LEDGER_SECURE_COOKIES": secure,
        "RATELIMIT_STORAGE_URI": os.environ.get("LEDGER_RATELIMIT_STORAGE_URI", "memory://"),
        "LEDGER_PUBLIC_BASE_URL": os.environ.get("LEDGER_PUBLIC_BASE_URL", ""),
        # Reverse proxies in front whose X-Forwarded-For/-Proto/-Host are believed (nginx alone: 1).
        "LEDGER_PROXY_COUNT": int(os.environ.get("LEDGER_PROXY_COUNT", "0")),
        "API_TITLE": "Quỹ khuyến học — API",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api",
        "OPENAPI_JSON_PATH": "openapi.json",
        "OPENAPI_SWAGGER_UI_PATH": "docs",
        "OPENAPI_SWAGGER_UI_URL": "/api/swagger-ui/",  # served from swagger-ui-bundle: no CDN needed
        "WTF_CSRF_TIME_LIMIT": None,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SECURE": secure,
        "MAX_CONTENT_LENGTH": 64 * 1024 * 1024,
        "JSON_SORT_KEYS": False,
    }
