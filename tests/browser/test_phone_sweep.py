"""Every page of every demo role at 390 px (issue 14, items 5 and 8): a crawler signs in as each demo user of a
role (one per unit level), walks the same-origin links breadth-first from its landing pages, and fails on a page
wider than the phone (naming what sticks out), on a server error, and on a link the page offered that ends in 403.

URLs differing only in ids or unit codes count as one pattern, visited at most twice, so the sweep stays within
a few minutes while a page added tomorrow is found by the link that leads to it.
"""
import re
from collections import deque
from urllib.parse import parse_qsl, urlsplit

import pytest
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from playwright.sync_api import Error as PlaywrightError
from sqlalchemy import select

from ledger.auth.models import RoleGrant, User
from ledger.core.permissions import ALL_ROLES
from ledger.demo.places import PASSWORD
from ledger.extensions import db
from ledger.units.models import Unit
from tests.browser.helpers import OVERFLOW_JS, PHONE, in_db

pytestmark = pytest.mark.browser

MAX_PAGES = 160  # per user: the demo's patterns fit well within it; past it the test fails naming what is left
PER_PATTERN = 2
DOWNLOADS = re.compile(r"\.(pdf|xlsx|csv|zip|json|svg|png|txt)$|/(export|download)\b|/api/")
# Leaving or switching the session, not pages: signing out, the language switch, the API.
NOT_PAGES = re.compile(r"/logout|/static/|[?&]lang=|[?&]format=(?!html)")
# Unit codes (SL, LC12-03390, BD-TDP-7) and numeric ids make one pattern of many pages.
CODE_SEGMENT = re.compile(r"(?<=/)(?=[^/]*[A-Z0-9])[A-Z0-9][A-Za-z0-9-]*(?=/|$)")
LINKS_JS = """() => {
  const found = [];
  for (const a of document.querySelectorAll('a[href]'))
    if (!a.hasAttribute('download')) found.push(a.href);
  for (const f of document.querySelectorAll('form'))
    if ((f.getAttribute('method') || 'get').toLowerCase() === 'get') found.push(f.action);
  return found;
}"""


def pattern_of(url: str) -> str:
    """/units/BL-THCS/receipts/42?page=2 → /units/C/receipts/C?page: the shape of a page, not its instance."""
    parts = urlsplit(url)
    keys = ",".join(sorted({key for key, _value in parse_qsl(parts.query)}))
    return re.sub(r"\d+", "N", CODE_SEGMENT.sub("C", parts.path)) + ("?" + keys if keys else "")


def sweep_users(live_server, role: str) -> list[tuple[str, list[str]]]:
    """One demo user of the role per unit level (the lowest username), with the codes of its units; users other
    tests made (another password) are left out."""
    def read():
        rows = db.session.execute(
            select(User.username, User.password_hash, Unit.level, Unit.code)
            .join(RoleGrant, RoleGrant.user_id == User.id).outerjoin(Unit, Unit.id == RoleGrant.unit_id)
            .where(RoleGrant.role == role, User.is_active).order_by(User.username, Unit.code)).all()
        demo = {name for name, digest, _level, _code in rows if has_demo_password(digest)}
        chosen: dict[str, str] = {}
        for username, _digest, level, _code in rows:
            if username in demo:
                chosen.setdefault(level or "", username)
        return [(name, sorted(code for user, _digest, _level, code in rows if user == name and code))
                for name in sorted(set(chosen.values()))]
    return in_db(live_server, read)


def has_demo_password(digest: str) -> bool:
    try:
        return PasswordHasher().verify(digest, PASSWORD)
    except (VerificationError, InvalidHashError):
        return False


def crawl(page, base: str, starts: list[str], *, skip_public: bool) -> dict:
    """Breadth-first over same-origin GET links, every pattern once before any pattern twice; per page its
    status and width, and for an error the page whose link led there."""
    fresh, again, seen, per_pattern = deque((url, None) for url in starts), deque(), set(), {}
    visited, problems = 0, []
    while (fresh or again) and visited < MAX_PAGES:
        url, offered_by = (fresh or again).popleft()
        if url in seen or not is_page(url[len(base):], skip_public):
            continue
        key = pattern_of(url)
        if per_pattern.get(key, 0) >= PER_PATTERN:
            continue
        if key in per_pattern and fresh:  # another of a shape already seen: after every new shape
            again.append((url, offered_by))
            continue
        seen.add(url)
        per_pattern[key] = per_pattern.get(key, 0) + 1
        links, problem = visit(page, base, url, offered_by)
        visited += 1
        problems.extend(problem)
        fresh.extend((link, url[len(base):]) for link in links if link not in seen)
    unvisited = {pattern_of(url) for url, _by in (*fresh, *again) if is_page(url[len(base):], skip_public)}
    return {"visited": visited, "patterns": len(per_pattern), "problems": problems,
            "shapes never opened": sorted(unvisited - per_pattern.keys())}


def is_page(path: str, skip_public: bool) -> bool:
    return not (DOWNLOADS.search(urlsplit(path).path) or NOT_PAGES.search(path)
                or (skip_public and path.startswith("/public")))


def visit(page, base: str, url: str, offered_by: str | None) -> tuple[list[str], list[str]]:
    """Open one page: the links it offers, and what is wrong with it."""
    path = url[len(base):]
    try:
        response = page.goto(url)
    except PlaywrightError as error:  # a file the server sends as an attachment: not a page
        if "Download is starting" in str(error):
            return [], []
        raise
    status = response.status if response else 0
    if status >= 500 or (status in (403, 404) and offered_by):
        return [], [f"{status} {path} (linked from {offered_by})"]
    if not page.url.startswith(base) or "html" not in (response.headers.get("content-type") or ""):
        return [], []
    width = page.evaluate(OVERFLOW_JS)
    problems = [f"{width['scroll']} px {path}: {width['culprits']}"] if width["scroll"] > PHONE["width"] else []
    return sorted({link.split("#")[0] for link in page.evaluate(LINKS_JS) if link.startswith(base + "/")}), problems


def sign_in(page, base: str, username: str) -> None:
    page.goto(base + "/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.login button[type=submit]")
    page.wait_for_selector("header.top .who")


def phone_context(browser):
    context = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", viewport=PHONE)
    context.set_default_timeout(15_000)
    return context


@pytest.mark.parametrize("role", sorted(ALL_ROLES))
def test_every_page_of_the_role_fits_a_phone(browser, live_server, role):
    users = sweep_users(live_server, role)
    if not users:
        pytest.skip(f"the demo has no user with the role {role}")
    report = {}
    for username, codes in users:
        context = phone_context(browser)
        try:
            page = context.new_page()
            sign_in(page, live_server.base_url, username)
            starts = [live_server.url("/todo")] + [live_server.url(f"/units/{code}") for code in codes]
            report[username] = crawl(page, live_server.base_url, starts, skip_public=True)
        finally:
            context.close()
    problems = [f"{name}: {problem}" for name, found in report.items() for problem in found["problems"]]
    assert not problems, "\n".join(problems)
    assert all(found["visited"] >= 5 and not found["shapes never opened"] for found in report.values()), report


def test_every_public_page_fits_a_phone(browser, live_server):
    context = phone_context(browser)
    try:
        report = crawl(context.new_page(), live_server.base_url, [live_server.url("/public/")], skip_public=False)
    finally:
        context.close()
    assert not report["problems"], "\n".join(report["problems"])
    assert report["visited"] >= 10 and not report["shapes never opened"], report
