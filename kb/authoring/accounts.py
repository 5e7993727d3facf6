"""Accounts and API tokens: who may write, review and manage, with argon2 password hashes.

Roles are ordered: an author writes and submits drafts; a reviewer also reviews, edits any draft and
publishes; an admin also manages accounts. Tokens are random strings shown once; only their SHA-256 is
stored, so a copy of the database does not give API access.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from kb.authoring.database import Database, now
from kb.content.schema import EMAIL_RE

ROLES = ("author", "reviewer", "admin")
TOKEN_PREFIX = "kb_"
MIN_PASSWORD = 10
MAX_PASSWORD = 1000  # argon2 hashes any length; a cap keeps a hostile sign-in from costing more
_HASHER = PasswordHasher()  # argon2id with the library's (RFC 9106 low-memory) defaults
_DUMMY_HASH = _HASHER.hash("not a real password")


class AccountError(ValueError):
    """A request about an account that cannot be done (bad e-mail, weak password, unknown role...)."""


@dataclass(frozen=True)
class User:
    """A signed-in person. Also what Flask-Login expects of a user object (duck-typed: no Flask here)."""

    id: int
    email: str
    name: str
    role: str
    active: bool = True

    is_authenticated = True
    is_anonymous = False

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        return str(self.id)

    def can(self, role: str) -> bool:
        """At least `role` (author < reviewer < admin)."""
        return self.active and ROLES.index(self.role) >= ROLES.index(role)

    @property
    def is_reviewer(self) -> bool:
        return self.can("reviewer")

    @property
    def is_admin(self) -> bool:
        return self.can("admin")


def _user(row) -> User:  # noqa: ANN001
    return User(row["id"], row["email"], row["name"], row["role"], bool(row["active"]))


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"the password must have at least {MIN_PASSWORD} characters")
    if len(password) > MAX_PASSWORD:
        raise AccountError(f"the password may have at most {MAX_PASSWORD} characters")


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class Accounts:
    """Users and tokens in the authoring database."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def add(self, email: str, name: str, role: str, password: str) -> User:
        email = email.strip()
        name = name.strip()
        if not EMAIL_RE.match(email) or len(email) > 254:
            raise AccountError(f"{email[:60]!r} is not an e-mail address")
        if not name or len(name) > 200:
            raise AccountError("a name (at most 200 characters) is needed: it becomes the git author name")
        if role not in ROLES:
            raise AccountError(f"role must be one of {', '.join(ROLES)}")
        check_password(password)
        hashed = _HASHER.hash(password)
        with self.db.write() as conn:
            if conn.execute("SELECT 1 FROM user WHERE email = ?", (email,)).fetchone():
                raise AccountError(f"an account for {email} already exists")
            cur = conn.execute("INSERT INTO user (email, name, role, password, created) VALUES (?, ?, ?, ?, ?)",
                               (email, name, role, hashed, now()))
            return User(int(cur.lastrowid), email, name, role)

    def get(self, user_id: int | str) -> User | None:
        try:
            key = int(user_id)
        except (TypeError, ValueError):
            return None
        with self.db.read() as conn:
            row = conn.execute("SELECT * FROM user WHERE id = ?", (key,)).fetchone()
        return _user(row) if row else None

    def by_email(self, email: str) -> User | None:
        with self.db.read() as conn:
            row = conn.execute("SELECT * FROM user WHERE email = ?", (email.strip(),)).fetchone()
        return _user(row) if row else None

    def all(self) -> list[User]:
        with self.db.read() as conn:
            return [_user(r) for r in conn.execute("SELECT * FROM user ORDER BY role DESC, name")]

    def authenticate(self, email: str, password: str) -> User | None:
        """The active user with this e-mail and password, else None. Unknown e-mails cost one hash too, so
        the answer's timing does not tell which e-mails have accounts."""
        with self.db.read() as conn:
            row = conn.execute("SELECT * FROM user WHERE email = ?", (email.strip(),)).fetchone()
        stored = row["password"] if row else _DUMMY_HASH
        try:
            _HASHER.verify(stored, password[:MAX_PASSWORD])
        except (VerificationError, InvalidHashError):
            return None
        if row is None or not row["active"]:
            return None
        if _HASHER.check_needs_rehash(stored):
            with self.db.write() as conn:
                conn.execute("UPDATE user SET password = ? WHERE id = ?", (_HASHER.hash(password), row["id"]))
        return _user(row)

    def set_password(self, user_id: int, password: str) -> None:
        check_password(password)
        with self.db.write() as conn:
            conn.execute("UPDATE user SET password = ? WHERE id = ?", (_HASHER.hash(password), user_id))

    def update(self, user_id: int, role: str | None = None, active: bool | None = None) -> None:
        if role is not None and role not in ROLES:
            raise AccountError(f"role must be one of {', '.join(ROLES)}")
        with self.db.write() as conn:
            if role is not None:
                conn.execute("UPDATE user SET role = ? WHERE id = ?", (role, user_id))
            if active is not None:
                conn.execute("UPDATE user SET active = ? WHERE id = ?", (int(active), user_id))

    # -- API tokens ---------------------------------------------------------------------------------
    def create_token(self, user_id: int) -> str:
        """A new API token for the user (shown once; only its digest is kept)."""
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        with self.db.write() as conn:
            conn.execute("INSERT INTO token (user_id, digest, created) VALUES (?, ?, ?)",
                         (user_id, _digest(token), now()))
        return token

    def by_token(self, token: str) -> User | None:
        """The active user a token belongs to."""
        if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
            return None
        with self.db.read() as conn:
            row = conn.execute("SELECT user.* FROM token JOIN user ON user.id = token.user_id WHERE digest = ?",
                               (_digest(token),)).fetchone()
        if row is None or not row["active"]:
            return None
        return _user(row)
