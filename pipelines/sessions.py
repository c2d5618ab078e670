"""Staying signed in: after a password sign-in the browser holds a random token in an HttpOnly cookie,
so a reload or a new tab opens the same account without signing in again. The store keeps only the
token's SHA-256 with the account, so the token cannot be forged or read back from the database, and the
account's role is read afresh each time. A session ends on signing out, after `idle_minutes` without
use, after `LASTS` in any case, and when its account is removed or gets a new password.

A sign-in through an identity provider gets the same kind of session. The browser then holds the
provider's identity cookie (Streamlit's, signed with the cookie_secret, kept up to 30 days) instead of
ours; the session's key is made from that sign-in's claims with the cookie_secret (identity_token), so the
cookie signs someone in only while its session lasts, and the key never leaves the server."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import secrets
from collections.abc import Mapping

import duckdb

import queries
from pipelines import store_dialect

COOKIE = "bynames_session"
PATH = "/session"  # where the dashboard's server hands the cookie out (dashboard/server.py)
LASTS = dt.timedelta(hours=12)  # a working day, then a fresh sign-in whatever the activity
# The browser asks for its cookie as soon as the page that signed in is drawn: a token not claimed by
# then was never handed to that browser, and is not honoured later.
CLAIM_WITHIN = dt.timedelta(minutes=2)
# Each use is not written down: a minute is close enough for an idle limit counted in minutes.
TOUCH_EVERY = dt.timedelta(minutes=1)
CONFLICT_ATTEMPTS = 5


class Idle(Exception):
    """The session sat unused longer than the idle limit; it has been ended. Carries the account's email."""


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def begin(conn, email: str, now: dt.datetime) -> str:
    """A new session for someone who just signed in with a password: the token for their cookie."""
    token = secrets.token_urlsafe(32)
    queries.run(conn, "session_begin", token_hash=_hash(token), email=email, now=now, expires=now + LASTS,
                claimed=False)
    return token


def identity_token(cookie_secret: str, claims: Mapping) -> str:
    """The session key of one sign-in through an identity provider: its ID token's issuer, subject,
    audience, issue time and nonce, which no other sign-in shares, keyed with the cookie_secret. Anyone
    holding the identity cookie can read the claims, but only the server can make this from them, so it
    cannot be planted as a password session's cookie either."""
    identity = json.dumps([claims.get(key) for key in ("iss", "sub", "aud", "iat", "nonce")], default=str)
    return hmac.new(cookie_secret.encode(), b"bynames identity session\0" + identity.encode(), "sha256").hexdigest()


def begin_identity(conn, token: str, email: str, now: dt.datetime) -> None:
    queries.run(conn, "session_begin", token_hash=_hash(token), email=email, now=now, expires=now + LASTS,
                claimed=True)


def known(conn, token: str) -> bool:
    """Whether a session was ever begun with this token (it may have ended since)."""
    return _get(conn, token) is not None


def claim(conn, token: str, now: dt.datetime) -> bool:
    """Whether the browser may have this token as its cookie: only once, and only just after sign-in."""
    # The count of rows the UPDATE changed (PostgreSQL through DuckDB has no UPDATE ... RETURNING).
    changed = _changed(conn, "session_claim", token_hash=_hash(token), claimable_since=now - CLAIM_WITHIN)
    return changed.fetchone()[0] == 1


def resume(conn, token: str, now: dt.datetime, idle: dt.timedelta) -> dict | None:
    """The account a browser's cookie belongs to, with its role as it is now; None if the token is not a
    live session (unknown, never handed to a browser, ended, expired, or its account removed); Idle if it
    sat unused too long (it is ended then)."""
    session = _get(conn, token)
    if session is None or not session["claimed"]:
        return None
    if now - session["last_used"] > idle and session["ended"] is None:
        end(conn, token, now)
        raise Idle(session["email"])
    return current(conn, token, now, session)


def current(conn, token: str, now: dt.datetime, session: dict | None = None) -> dict | None:
    """For a session in use: its account with the role as it is now, noting the use; None once the
    session has ended, expired or lost its account."""
    session = session or _get(conn, token)
    if session is None or session["ended"] is not None or session["role"] is None:
        return None
    if session["expires"] <= now:
        end(conn, token, now)
        return None
    touch(conn, token, now)
    return {"email": session["email"], "role": session["role"]}


def _get(conn, token: str) -> dict | None:
    found = queries.rows(conn, "session_get", token_hash=_hash(token))
    return found[0] if found else None


def touch(conn, token: str, now: dt.datetime) -> None:
    _changed(conn, "session_touch", token_hash=_hash(token), now=now)


def end(conn, token: str, now: dt.datetime) -> None:
    _changed(conn, "session_end", token_hash=_hash(token), now=now)


def _changed(conn, name: str, **params):
    """A change to session rows, made again if it lost to another at the same moment: on PostgreSQL a
    statement runs as REPEATABLE READ, so of two tabs of one browser touching its session row together,
    the later fails ("could not serialize access") where the embedded file would let it wait."""
    for attempt in range(CONFLICT_ATTEMPTS):
        try:
            return queries.run(conn, name, **params)
        except duckdb.Error as exc:
            if attempt == CONFLICT_ATTEMPTS - 1 or not store_dialect.is_write_conflict(exc):
                raise
    raise AssertionError("unreachable")


def end_all(conn, email: str, now: dt.datetime) -> None:
    _changed(conn, "sessions_end_for", email=email, now=now)
