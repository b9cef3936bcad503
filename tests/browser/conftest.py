"""Browser tests: the real app on a live server over the demo data, driven by Debian's chromium.

How to use (mark every test `browser`, e.g. `pytestmark = pytest.mark.browser` in the module):

    @pytest.mark.browser
    def test_something(page, live_server, login, screenshot):
        login(page, "thuquy.binhlu")                 # demo password by default
        page.goto(live_server.url("/units/BL-THCS"))
        screenshot(page, "thcs")                     # → tests/browser/artifacts/thcs.png

- `live_server` is session-scoped: one werkzeug server in a thread on 127.0.0.1 (a free port),
  serving create_app() on its own database loaded once by `ledger.demo.load.load_demo()`: a SQLite file,
  or, when LEDGER_TEST_DATABASE_URL is set, a PostgreSQL database `<db>_browser` (`<db>_browser_gw0`
  under xdist) on that server, dropped at the end. It never touches the database of the `app`
  fixture (reset before every test), so browser tests and the other tests can run in the same
  session. Under xdist each worker that runs some has its own server and database. CSRF is on, as in
  production.
- The database is shared by every browser test of the session: never assume it is empty; compare
  counts before and after, or create things under unique names. `live_server.app` gives an app for
  reading the database in a test: `with live_server.app.app_context(): ...`.
- `live_server.holding_posts()` holds POST requests at the server until its block ends, so a test
  can act while a request is still in flight (double submits on a slow line).
- `browser` (session) is chromium launched by Playwright's sync API; `page` is a fresh page in a
  fresh context (Vietnamese locale, Vietnam's time zone, desktop width; `page.set_viewport_size(
  {"width": 390, "height": 844})` for a phone) for each test. A 5xx answer fails the test.
- Without /usr/bin/chromium the tests are skipped, except in CI (CI=true), where they fail.
"""
import io
import os
import socket
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import make_server

from ledger import create_app
from ledger.demo.places import PASSWORD as DEMO_PASSWORD
from ledger.extensions import db
from tests.conftest import PG_URL, scratch_postgres, worker_database_name

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic",
                 "--no-first-run", "--disable-component-update", "--disable-sync"]
ARTIFACTS = Path(__file__).parent / "artifacts"
SERVER_CONFIG = {"TESTING": True, "WTF_CSRF_ENABLED": True, "LEDGER_PASSWORD_PROFILE": "CHEAPEST",
                 "SECRET_KEY": "browser-tests", "SERVER_NAME": None}


class PostGate:
    """WSGI middleware that can hold POST requests at the server door until released.

    A slow connection made deterministic: a test can click "Lưu" twice while the first request
    is still on its way, as a treasurer on a weak mountain line does.
    """

    def __init__(self, app):
        self.app, self.holding = app, False
        self.arrived = threading.Semaphore(0)
        self.opened = threading.Event()

    def __call__(self, environ, start_response):
        if self.holding and environ["REQUEST_METHOD"] == "POST":
            # Read the body now: a browser that gives up on this request may close its socket.
            body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
            environ["wsgi.input"] = io.BytesIO(body)
            self.arrived.release()
            self.opened.wait(timeout=60)
        return self.app(environ, start_response)

    @contextmanager
    def hold(self):
        self.opened.clear()
        self.holding = True
        try:
            yield self
        finally:
            self.holding = False
            self.opened.set()

    def wait_for(self, count: int, timeout: float = 15) -> None:
        """Block until `count` POSTs are being held; fail if they do not come."""
        for _n in range(count):
            if not self.arrived.acquire(timeout=timeout):
                pytest.fail(f"expected {count} POST requests at the server")


@dataclass
class LiveServer:
    app: Flask
    base_url: str
    gate: PostGate

    def url(self, path: str = "/") -> str:
        return self.base_url + path

    def holding_posts(self):
        """`with live_server.holding_posts() as gate: …; gate.wait_for(2)` — POSTs wait until the block ends."""
        return self.gate.hold()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def demo_app(database_url: str) -> Flask:
    """An app on its own database, migrated and filled by the demo loader."""
    from ledger.demo.load import load_demo

    app = create_app({**SERVER_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        load_demo()
        db.session.remove()
    return app


@pytest.fixture(scope="session")
def demo_database_url(tmp_path_factory):
    if not PG_URL:
        yield f"sqlite:///{tmp_path_factory.mktemp('browser') / 'demo.sqlite3'}"
        return
    with scratch_postgres(worker_database_name("browser")) as url:
        yield url


@pytest.fixture(scope="session")
def live_server(demo_database_url):
    app = demo_app(demo_database_url)
    gate = PostGate(app.wsgi_app)
    app.wsgi_app = gate
    server = make_server("127.0.0.1", free_port(), app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield LiveServer(app, f"http://127.0.0.1:{server.server_port}", gate)
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        message = f"{CHROMIUM} is missing (apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A fresh page; any 5xx answer from the server fails the test with the request that caused it."""
    context = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh",
                                  viewport={"width": 1100, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    server_errors = []
    page.on("response", lambda response: server_errors.append(f"{response.status} {response.request.method} "
                                                              f"{response.url}") if response.status >= 500 else None)
    yield page
    context.close()
    assert not server_errors, f"the server failed (see its log above): {server_errors}"


@pytest.fixture
def login(live_server):
    """login(page, username, password=demo password): signs in through the login form."""
    def sign_in(page, username: str, password: str = DEMO_PASSWORD) -> None:
        page.goto(live_server.url("/login"))
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password)
        page.click("form.login button[type=submit]")
        page.wait_for_selector("header.top .who")
    return sign_in


@pytest.fixture
def screenshot():
    """screenshot(page, name) → the path of tests/browser/artifacts/<name>.png (full page)."""
    def take(page, name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path
    return take

