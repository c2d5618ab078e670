"""Local accounts: who may sign in, with which role. Passwords are hashed with Argon2 (argon2-cffi);
an account is locked for a while after repeated wrong passwords."""

from __future__ import annotations

import datetime as dt

from argon2 import PasswordHasher
from argon2.exceptions import VerificationError

import queries
from pipelines import audit, store

ADMIN, DATA_LEAD, CASE_TEAM, FUNDER = "admin", "data lead", "case team", "funder"
ROLES = (ADMIN, DATA_LEAD, CASE_TEAM, FUNDER)
MAX_FAILURES = 5
LOCKED_FOR = dt.timedelta(minutes=15)
DEMO_PASSWORD = "demo"
DEMO_ACCOUNTS = {
    "admin@example.org": ADMIN,
    "lead@example.org": DATA_LEAD,
    "caseworker@example.org": CASE_TEAM,
    "funder@example.org": FUNDER,
}
_hasher = PasswordHasher()


class SignInRefused(Exception):
    pass


def add_user(conn, email: str, role: str) -> None:
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; use one of {', '.join(ROLES)}")
    queries.run(conn, "user_add", email=email.strip().lower(), role=role, now=dt.datetime.now())


def set_password(conn, email: str, password: str) -> None:
    if len(password) < 8 and not is_demo(conn):
        raise ValueError("a password needs at least 8 characters")
    if queries.one(conn, "user_get", email=email.strip().lower()) is None:
        raise ValueError(f"there is no account {email}")
    queries.run(conn, "user_password", email=email.strip().lower(), password_hash=_hasher.hash(password))


def sign_in(conn, email: str, password: str, now: dt.datetime | None = None) -> dict:
    """The account's email and role, or SignInRefused with a reason safe to show."""
    now = now or dt.datetime.now()
    email = email.strip().lower()
    user = queries.one(conn, "user_get", email=email)
    refused = SignInRefused("that email and password do not match an account")
    if user is None or user["password_hash"] is None:
        audit.record(conn, email or "unknown", audit.SIGN_IN_FAILED, email, "no such account")
        raise refused
    if user["locked_until"] is not None and user["locked_until"] > now:
        audit.record(conn, email, audit.SIGN_IN_FAILED, email, "locked")
        raise SignInRefused(f"too many wrong passwords: try again after {user['locked_until']:%H:%M}")
    try:
        _hasher.verify(user["password_hash"], password)
        succeeded = True
    except VerificationError:
        succeeded = False
    queries.run(conn, "user_attempt", email=email, succeeded=succeeded, max_failures=MAX_FAILURES,
                lock_until=now + LOCKED_FOR)
    audit.record(conn, email, audit.SIGNED_IN if succeeded else audit.SIGN_IN_FAILED, email)
    if not succeeded:
        raise refused
    return {"email": email, "role": user["role"]}


def is_demo(conn) -> bool:
    return bool(store.setting(conn, "", "demo_mode"))


def add_demo_accounts(conn) -> None:
    """Only for the sample database (`bynames demo`): the four demo accounts, password "demo"."""
    store.set_setting(conn, "", "demo_mode", True)
    for email, role in DEMO_ACCOUNTS.items():
        add_user(conn, email, role)
        set_password(conn, email, DEMO_PASSWORD)


def users(conn) -> list[dict]:
    return queries.rows(conn, "users_list")
