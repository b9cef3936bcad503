"""Accounts of people: argon2 password hashes, the password policy, role grants, bearer tokens."""
import functools
import hashlib
import secrets
from datetime import UTC, timedelta
from importlib import resources

from argon2 import PasswordHasher, Type, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm.attributes import set_committed_value

from ledger.auth.cache import prime_grants
from ledger.auth.models import ROLES, ApiToken, RoleGrant, User
from ledger.core import audit, cache
from ledger.core.db import utcnow
from ledger.core.errors import Duplicate, NotFound, Unauthorized, ValidationFailed
from ledger.core.i18n import _
from ledger.extensions import db
from ledger.units.models import Unit

MIN_PASSWORD = 10
# OWASP's first argon2id choice (19 MiB, 2 passes, 1 lane): a login costs a worker 19 MiB, not the
# 64 MiB of RFC 9106's low-memory profile; older hashes still verify and are rehashed on login.
PROFILES = {"OWASP_2023": profiles.Parameters(type=Type.ID, version=19, salt_len=16, hash_len=32,
                                              time_cost=2, memory_cost=19 * 1024, parallelism=1)}
LAST_USED_EVERY = timedelta(minutes=1)


def hasher() -> PasswordHasher:
    """argon2id with the profile named in LEDGER_PASSWORD_PROFILE (tests use the cheap one)."""
    return _hasher(current_app.config.get("LEDGER_PASSWORD_PROFILE", "OWASP_2023"))


@functools.cache
def _hasher(profile: str) -> PasswordHasher:
    return PasswordHasher.from_parameters(PROFILES.get(profile) or getattr(profiles, profile))


@functools.cache
def dummy_hash(profile: str) -> str:
    """What an unknown username is checked against, so it costs what a wrong password costs."""
    return _hasher(profile).hash(secrets.token_urlsafe(16))


@functools.cache
def common_passwords() -> frozenset[str]:
    text = resources.files("ledger.auth").joinpath("common_passwords.txt").read_text(encoding="utf-8")
    return frozenset(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


def check_password_policy(password: str, username: str) -> None:
    """At least MIN_PASSWORD characters, not one of the common passwords, not the username."""
    if len(password) < MIN_PASSWORD:
        message = _("Mật khẩu cần ít nhất %(n)s ký tự.", n=MIN_PASSWORD)
    elif password.strip().casefold() == username.strip().casefold():
        message = _("Mật khẩu không được trùng tên đăng nhập.")
    elif password.casefold() in common_passwords():
        message = _("Mật khẩu này quá phổ biến, dễ bị đoán ra; xin chọn mật khẩu khác.")
    else:
        return
    raise ValidationFailed(field="password", message=message)


def get_user(username: str) -> User:
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(_("Không có người dùng %(username)s.", username=username))
    return user


def create_user(data: dict, *, by=None) -> User:
    username = data["username"].strip()
    check_password_policy(data["password"], username)
    if db.session.scalar(select(User.id).where(User.username == username)):
        raise Duplicate(_("Tên đăng nhập %(username)s đã có.", username=username), field="username")
    user = User(username=username, full_name=data["full_name"].strip(),
                password_hash=hasher().hash(data["password"]))
    db.session.add(user)
    db.session.flush()
    audit.record("user.create", "user", username, by=by, after={"username": username, "full_name": user.full_name})
    return user


def change_password(user: User, password: str, *, keep: ApiToken | None = None, by=None) -> None:
    """A new password; every live token and session of the user but `keep` is revoked."""
    check_password_policy(password, user.username)
    user.password_hash = hasher().hash(password)
    for row in live_tokens(user):
        if row is not keep:
            row.revoked_at = utcnow()
    db.session.flush()
    audit.record("user.password", "user", user.username, by=by)


def grant_role(user: User, unit: Unit | None, role: str, *, by=None) -> RoleGrant:
    """A role on the unit and its subtree; unit None: on every unit, roots created later included."""
    if role not in ROLES:
        raise ValidationFailed(field="role", message=_("Vai trò không hợp lệ."))
    unit_id = unit.id if unit is not None else None
    grant = db.session.scalar(select(RoleGrant).filter_by(user_id=user.id, unit_id=unit_id, role=role))
    if grant is None:
        grant = RoleGrant(user=user, unit=unit, role=role)
        db.session.add(grant)
        db.session.flush()
        audit.record("role.grant", "user", user.username, by=by,
                     after={"unit": unit.code if unit is not None else None, "role": role})
    return grant


def grants_on(unit: Unit) -> list[RoleGrant]:
    """The roles granted on this unit itself (those above it hold here too, but belong to their unit)."""
    return list(db.session.scalars(select(RoleGrant).where(RoleGrant.unit_id == unit.id)
                                   .order_by(RoleGrant.role, RoleGrant.id)))


def authenticate(username: str, password: str) -> User:
    """The user, or Unauthorized; an unknown username is checked against a dummy hash (same time)."""
    user = db.session.scalar(select(User).where(User.username == username))
    profile = current_app.config.get("LEDGER_PASSWORD_PROFILE", "OWASP_2023")
    try:
        hasher().verify(user.password_hash if user is not None else dummy_hash(profile), password)
    except (VerificationError, InvalidHashError):
        user = None
    if user is None or not user.is_active:
        raise Unauthorized(_("Sai tên đăng nhập hoặc mật khẩu."))
    if hasher().check_needs_rehash(user.password_hash):
        user.password_hash = hasher().hash(password)
    return user


def open_token(user: User, *, lifetime: timedelta, kind: str = "api") -> tuple[ApiToken, str]:
    """A new secret (only its sha256 is kept) and its row."""
    token = secrets.token_urlsafe(32)
    row = ApiToken(user=user, kind=kind, token_hash=token_digest(token), expires_at=utcnow() + lifetime)
    db.session.add(row)
    db.session.flush()
    return row, token


def issue_token(user: User, *, days: float) -> str:
    return open_token(user, lifetime=timedelta(days=days))[1]


def token_for(token: str, kind: str = "api") -> ApiToken | None:
    """The live row of a secret: not expired, not revoked, its user active (with its grants from the cache).

    One query reads the token, its user and the cache versions the rest of the request relies on.
    """
    found = db.session.execute(select(ApiToken, User, *cache.version_columns()).join(User, ApiToken.user_id == User.id)
                               .where(ApiToken.token_hash == token_digest(token), ApiToken.kind == kind)).first()
    if found is None:
        return None
    cache.remember(db.session, found)
    row, user = found[0], found[1]
    if row.revoked_at is not None or as_aware(row.expires_at) < utcnow() or not user.is_active:
        return None
    set_committed_value(row, "user", user)  # loaded by the join; the session keeps only weak references
    prime_grants(user)
    return row


def is_touch_due(row: ApiToken) -> bool:
    """last_used_at is written at most once a minute per token."""
    return row.last_used_at is None or utcnow() - as_aware(row.last_used_at) >= LAST_USED_EVERY


def touch(row: ApiToken) -> None:
    row.last_used_at = utcnow()
    db.session.flush()


def live_tokens(user: User, kind: str | None = None) -> list[ApiToken]:
    stmt = (select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None),
                                   ApiToken.expires_at > utcnow()).order_by(ApiToken.created_at.desc(), ApiToken.id))
    return list(db.session.scalars(stmt.where(ApiToken.kind == kind) if kind else stmt))


def revoke_token(user: User, token_id: int, *, by=None) -> ApiToken:
    """One of the user's own live tokens or sessions; anyone else's is "not found"."""
    row = db.session.get(ApiToken, token_id) if token_id < 2**63 else None
    if row is None or row.user_id != user.id or row.revoked_at is not None:
        raise NotFound(_("Không có phiên đăng nhập này."))
    row.revoked_at = utcnow()
    db.session.flush()
    audit.record("token.revoke", "token", row.id, by=by, after={"kind": row.kind})
    return row


def as_aware(moment):
    """SQLite hands datetimes back without tzinfo; they were stored in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
