"""Local accounts: who may sign in, with which role. Passwords are hashed with Argon2 (argon2-cffi).
Wrong passwords slow further attempts, for the email and for the client's address, with a wait that grows
but never past a few minutes: no account is ever locked, so nobody can keep its owner out. An identity
provider (OpenID Connect) may vouch for someone's email instead of a password; the role still comes from
the account here."""

from __future__ import annotations

import datetime as dt
import math
import secrets
from collections.abc import Mapping
from functools import cache
from urllib.parse import urlparse

from argon2 import PasswordHasher
from argon2.exceptions import VerificationError

import queries
from pipelines import audit, sessions, store

ADMIN, DATA_LEAD, CASE_TEAM, FUNDER = "admin", "data lead", "case team", "funder"
ROLES = (ADMIN, DATA_LEAD, CASE_TEAM, FUNDER)
STRONG_SECRET = 32  # characters of an identity cookie's secret
MAKE_A_SECRET = 'python3 -c "import secrets; print(secrets.token_urlsafe(32))"'
# Throttling: after FREE failures in the last WINDOW the next attempt waits FIRST_WAIT, doubling with each
# further failure up to LONGEST_WAIT. An email gets a few typos free; an address more, since an office
# behind one router shares it. The cap is what an attacker can cost an account's owner; the doubling is
# what keeps guessing slow (after the cap, 12 guesses an hour per email and per address).
FIRST_WAIT = dt.timedelta(seconds=1)
LONGEST_WAIT = dt.timedelta(minutes=5)
WINDOW = dt.timedelta(hours=1)
FREE_BY_EMAIL = 3
FREE_BY_ADDRESS = 10
WRONG = "wrong email or password"
# An identity cookie begins a session only just after the provider issued it (its ID token's `iat`),
# with some leeway for the two clocks; later it may only resume the session it began.
IDENTITY_FRESH = dt.timedelta(minutes=5)
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


class Throttled(SignInRefused):
    """Too many failures lately for this email or from this address: no password is checked until `wait`
    has passed. Said the same way whether or not the email has an account."""

    def __init__(self, wait: dt.timedelta):
        self.wait = wait
        seconds = math.ceil(wait.total_seconds())
        super().__init__(f"too many attempts: wait {seconds} second{'s' if seconds != 1 else ''}")


class SessionOver(SignInRefused):
    """An identity cookie whose session has ended (signed out, idle, a working day, the account removed)
    or that began no session here: it signs nobody in, and the person signs in through the provider again."""


class IdentityExpired(SignInRefused):
    """The provider's identity token has run out. Not a failed attempt: the person signs in through the
    provider again."""


def add_user(conn, email: str, role: str) -> None:
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; use one of {', '.join(ROLES)}")
    queries.run(conn, "user_add", email=email.strip().lower(), role=role, now=dt.datetime.now())


def remove_user(conn, email: str) -> None:
    """Take away an account's access; the last admin stays, so someone can always manage the rest."""
    email = email.strip().lower()
    user = queries.one(conn, "user_get", email=email)
    if user is None:
        raise ValueError(f"there is no account {email}")
    admins = [u for u in users(conn) if u["role"] == ADMIN]
    if user["role"] == ADMIN and len(admins) == 1:
        raise ValueError(f"{email} is the only admin: make someone else an admin first")
    queries.run(conn, "user_remove", email=email)
    sessions.end_all(conn, email, dt.datetime.now())


def set_password(conn, email: str, password: str) -> None:
    if len(password) < 8 and not is_demo(conn):
        raise ValueError("a password needs at least 8 characters")
    if queries.one(conn, "user_get", email=email.strip().lower()) is None:
        raise ValueError(f"there is no account {email}")
    queries.run(conn, "user_password", email=email.strip().lower(), password_hash=_hasher.hash(password))
    # Whoever knew the old password may be signed in somewhere: those sessions end with it.
    sessions.end_all(conn, email.strip().lower(), dt.datetime.now())


def sign_in(conn, email: str, password: str, now: dt.datetime | None = None, address: str | None = None) -> dict:
    """The account's email and role, or SignInRefused with a reason safe to show: Throttled while
    recent failures for this email or from this client `address` (None when unknown) call for a wait,
    else the same "wrong email or password" for an unknown email, an account without a password and a
    wrong password, so nothing tells which emails have accounts."""
    now = now or dt.datetime.now()
    email = email.strip().lower()
    who = email or "unknown"
    wait = throttled_for(conn, email, address, now)
    if wait:
        # Refused without a look at the password, and not counted: waiting out the delay is enough.
        audit.record(conn, who, audit.SIGN_IN_FAILED, email, _detail("throttled", address))
        raise Throttled(wait)
    user = queries.one(conn, "user_get", email=email)
    stored = user["password_hash"] if user is not None else None
    try:
        # An email without a password costs the same Argon2 check as one with: the time taken does not
        # tell them apart either.
        _hasher.verify(stored or _unguessable_hash(), password)
        succeeded = stored is not None
    except VerificationError:
        succeeded = False
    if not succeeded:
        queries.run(conn, "sign_in_failure_add", email=email, address=address, at=now, forget_before=now - WINDOW)
        reason = "no such account" if user is None else "no password set" if stored is None else None
        audit.record(conn, who, audit.SIGN_IN_FAILED, email, _detail(reason, address))
        raise SignInRefused(WRONG)
    queries.run(conn, "sign_in_failures_forget", email=email)
    audit.record(conn, email, audit.SIGNED_IN, email, _detail(None, address))
    return {"email": email, "role": user["role"]}


def throttled_for(conn, email: str, address: str | None, now: dt.datetime) -> dt.timedelta | None:
    """How long the next attempt for this email, or from this address, must still wait; None if it may go."""
    seen = queries.one(conn, "sign_in_failures_since", email=email, address=address, since=now - WINDOW)
    waits = [last + wait_after(count, free) - now
             for count, last, free in ((seen["by_email"], seen["last_by_email"], FREE_BY_EMAIL),
                                       (seen["by_address"], seen["last_by_address"], FREE_BY_ADDRESS))
             if last is not None]
    longest = max(waits, default=dt.timedelta(0))
    return longest if longest > dt.timedelta(0) else None


def wait_after(failures: int, free: int) -> dt.timedelta:
    """The wait after the last of `failures` recent failures: none for the first `free`, then doubling
    from FIRST_WAIT, never past LONGEST_WAIT."""
    if failures < free:
        return dt.timedelta(0)
    doublings = min(failures - free, 32)  # 2**32 seconds is far past any cap
    return min(FIRST_WAIT * 2**doublings, LONGEST_WAIT)


def _detail(reason: str | None, address: str | None) -> str | None:
    parts = [part for part in (reason, address and f"from {address}") if part]
    return "; ".join(parts) or None


@cache
def _unguessable_hash() -> str:
    return _hasher.hash(secrets.token_urlsafe(32))


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


def identity_providers(auth: Mapping) -> dict[str, str]:
    """The identity providers that the `[auth]` section of secrets.toml sets up, by the name st.login takes
    ("default" for the unnamed one), each with the name its button shows. ValueError says what is missing,
    so a half-done setup is reported on the sign-in page rather than when someone clicks."""
    sections = {name: section for name, section in auth.items()
                if isinstance(section, Mapping) and "client_id" in section}
    if "client_id" in auth:
        sections = {"default": auth, **sections}
    if not sections:
        return {}
    missing = [key for key in ("redirect_uri", "cookie_secret") if not auth.get(key)]
    missing += [f"{name}.{key}" if name != "default" else key for name, section in sections.items()
                for key in ("client_secret", "server_metadata_url") if not section.get(key)]
    if missing:
        how = f" (make the cookie_secret with {MAKE_A_SECRET})" if "cookie_secret" in missing else ""
        raise ValueError(f"[auth] in secrets.toml needs {', '.join(missing)}{how}")
    if weak_secret(str(auth["cookie_secret"])):
        # It signs the cookie that says who is signed in: whoever guesses it can sign in as anyone.
        raise ValueError(f"[auth] cookie_secret in secrets.toml is too easy to guess: make a new one on the server "
                         f"with {MAKE_A_SECRET} (at least {STRONG_SECRET} random characters), put it in "
                         "secrets.toml and restart the dashboard")
    if not str(auth["redirect_uri"]).endswith("/oauth2callback"):
        raise ValueError("[auth] redirect_uri in secrets.toml must end with /oauth2callback")
    if any("_" in name for name in sections):
        # Streamlit reads an underscore as the end of the provider's name.
        raise ValueError("a provider's name in secrets.toml ([auth.NAME]) cannot contain an underscore")
    return {name: (urlparse(str(section["server_metadata_url"])).hostname or "your identity provider")
            if name == "default" else " ".join(part.capitalize() for part in name.split("-"))
            for name, section in sections.items()}


def weak_secret(secret: str) -> bool:
    """Whether a cookie_secret could be guessed: short, made of few different characters, or words (a
    placeholder left from an example, or a phrase) rather than random characters."""
    lowered = secret.lower()
    return (len(secret) < STRONG_SECRET or len(set(secret)) < STRONG_SECRET // 4
            or any(char.isspace() for char in secret) or any(word in lowered for word in _PLACEHOLDER_WORDS))


# Words of example secrets ("your-secret-here", "change-me", ...): a random 43 characters holds none of
# these but once in tens of millions.
_PLACEHOLDER_WORDS = ("secret", "change", "replace", "example", "random", "placeholder", "password", "your")


def identity_email(claims: Mapping, now: dt.datetime | None = None) -> str:
    """The email address an identity provider vouches for in its claims (what st.user holds). Refused
    when it sent none or says the address is unverified: anyone can type an address into an account at
    most providers, and the address is what decides the role here."""
    now = now or dt.datetime.now()
    expires = claims.get("exp")
    # Streamlit keeps the identity in a cookie for 30 days; the token's own expiry bounds how long that
    # cookie alone may sign someone in.
    if isinstance(expires, int | float) and not isinstance(expires, bool) and expires <= now.timestamp():
        raise IdentityExpired("the sign-in through your identity provider has expired")
    email = str(claims.get("email") or "").strip().lower()
    if not email:
        raise SignInRefused("your identity provider did not say which email address you signed in with")
    # Some providers send the flag as the string "true".
    if "email_verified" in claims and str(claims["email_verified"]).lower() != "true":
        raise SignInRefused(f"your identity provider has not verified {email}")
    return email


def sign_in_with_identity(conn, claims: Mapping, provider: str, now: dt.datetime | None = None) -> dict:
    """The account whose email the provider vouched for, as sign_in gives it, or SignInRefused with a
    reason safe to show. Password throttling does not apply: no password was tried."""
    try:
        email = identity_email(claims, now)
    except IdentityExpired:
        raise
    except SignInRefused:
        claimed = str(claims.get("email") or "").strip().lower()
        reason = "email not verified" if claimed else "no email"
        audit.record(conn, claimed or "unknown", audit.SIGN_IN_FAILED, claimed or None, f"via {provider}: {reason}")
        raise
    user = queries.one(conn, "user_get", email=email)
    if user is None:
        audit.record(conn, email, audit.SIGN_IN_FAILED, email, f"via {provider}: no such account")
        raise SignInRefused(f"{provider} signed you in as {email}, but there is no bynames account for that "
                            "email: ask an admin to add you")
    audit.record(conn, email, audit.SIGNED_IN, email, f"via {provider}")
    return {"email": email, "role": user["role"]}


def identity_session(conn, claims: Mapping, provider: str, cookie_secret: str, now: dt.datetime,
                     idle: dt.timedelta) -> tuple[dict, str]:
    """The account and session token of whoever the identity cookie's claims name. Just back from the
    provider, the cookie begins a session, as a password sign-in does; later (a reload, a new tab) it
    resumes that session. SessionOver once the session has ended, or for a cookie that began none here;
    sessions.Idle (the session is ended) after too long unused; else SignInRefused as
    sign_in_with_identity says."""
    token = sessions.identity_token(cookie_secret, claims)
    if sessions.known(conn, token):
        account = sessions.resume(conn, token, now, idle)
        if account is None:
            raise SessionOver(f"your sign-in through {provider} has ended")
        return account, token
    issued = claims.get("iat")
    if not isinstance(issued, int | float) or isinstance(issued, bool):
        # Without it every sign-in of the person would share one session key, ended or not.
        audit.record(conn, str(claims.get("email") or "unknown").strip().lower(), audit.SIGN_IN_FAILED,
                     None, f"via {provider}: no issue time")
        raise SignInRefused("your identity provider did not say when you signed in (the ID token has no iat)")
    if abs(now.timestamp() - issued) > IDENTITY_FRESH.total_seconds():
        claimed = str(claims.get("email") or "").strip().lower()
        audit.record(conn, claimed or "unknown", audit.SIGN_IN_FAILED, claimed or None,
                     f"via {provider}: identity cookie without a session")
        raise SessionOver(f"your sign-in through {provider} has ended")
    account = sign_in_with_identity(conn, claims, provider, now)
    sessions.begin_identity(conn, token, account["email"], now)
    return account, token
