"""Accounts of people: argon2 password hashes, role grants, bearer tokens."""
import hashlib
import secrets
from datetime import timedelta

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from sqlalchemy import select

from ledger.auth.models import ROLES, ApiToken, RoleGrant, User
from ledger.core import audit
from ledger.core.db import utcnow
from ledger.core.errors import Duplicate, NotFound, Unauthorized, ValidationFailed
from ledger.core.i18n import _
from ledger.extensions import db
from ledger.units.models import Unit

MIN_PASSWORD = 8


def hasher() -> PasswordHasher:
    """argon2id with the profile named in LEDGER_PASSWORD_PROFILE (tests use the cheap one)."""
    profile = current_app.config.get("LEDGER_PASSWORD_PROFILE", "RFC_9106_LOW_MEMORY")
    return PasswordHasher.from_parameters(getattr(profiles, profile))


def get_user(username: str) -> User:
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(_("Không có người dùng %(username)s.", username=username))
    return user


def create_user(data: dict, *, by=None) -> User:
    username = data["username"].strip()
    if len(data["password"]) < MIN_PASSWORD:
        raise ValidationFailed(field="password", message=_("Mật khẩu cần ít nhất %(n)s ký tự.", n=MIN_PASSWORD))
    if db.session.scalar(select(User.id).where(User.username == username)):
        raise Duplicate(_("Tên đăng nhập %(username)s đã có.", username=username), field="username")
    user = User(username=username, full_name=data["full_name"].strip(),
                password_hash=hasher().hash(data["password"]))
    db.session.add(user)
    db.session.flush()
    audit.record("user.create", "user", username, by=by, after={"username": username, "full_name": user.full_name})
    return user


def grant_role(user: User, unit: Unit, role: str, *, by=None) -> RoleGrant:
    if role not in ROLES:
        raise ValidationFailed(field="role", message=_("Vai trò không hợp lệ."))
    grant = db.session.scalar(select(RoleGrant).filter_by(user_id=user.id, unit_id=unit.id, role=role))
    if grant is None:
        grant = RoleGrant(user=user, unit=unit, role=role)
        db.session.add(grant)
        db.session.flush()
        audit.record("role.grant", "user", user.username, by=by, after={"unit": unit.code, "role": role})
    return grant


def authenticate(username: str, password: str) -> User:
    user = db.session.scalar(select(User).where(User.username == username))
    try:
        if user is None or not user.is_active or not hasher().verify(user.password_hash, password):
            raise Unauthorized(_("Sai tên đăng nhập hoặc mật khẩu."))
    except (VerificationError, InvalidHashError):
        raise Unauthorized(_("Sai tên đăng nhập hoặc mật khẩu.")) from None
    return user


def issue_token(user: User, *, days: int) -> str:
    token = secrets.token_urlsafe(32)
    db.session.add(ApiToken(user=user, token_hash=token_digest(token),
                            expires_at=utcnow() + timedelta(days=days)))
    db.session.flush()
    return token


def user_for_token(token: str) -> User | None:
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == token_digest(token)))
    if row is None or as_aware(row.expires_at) < utcnow() or not row.user.is_active:
        return None
    return row.user


def as_aware(moment):
    """SQLite hands datetimes back without tzinfo; they were stored in UTC."""
    from datetime import timezone
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
