"""Sessions that outlive a reload: handed to a browser once, ended by idleness, age, signing out, a new
password or a removed account, with the role read afresh, and nothing in the store that signs anyone in."""

import datetime as dt

import pytest

from pipelines import accounts, sessions

pytestmark = pytest.mark.both_stores  # the same results from the embedded file and PostgreSQL

NINE = dt.datetime(2026, 3, 2, 9, 0)
IDLE = dt.timedelta(minutes=30)


@pytest.fixture
def dana(conn):
    accounts.add_user(conn, "dana@example.org", accounts.CASE_TEAM)
    accounts.set_password(conn, "dana@example.org", "long enough secret")
    return conn


def handed_out(conn, at=NINE) -> str:
    token = sessions.begin(conn, "dana@example.org", at)
    assert sessions.claim(conn, token, at + dt.timedelta(seconds=2))
    return token


def test_a_cookie_is_handed_out_once_and_only_just_after_sign_in(dana):
    token = sessions.begin(dana, "dana@example.org", NINE)
    assert sessions.resume(dana, token, NINE, IDLE) is None  # not yet handed to any browser
    assert not sessions.claim(dana, token, NINE + sessions.CLAIM_WITHIN + dt.timedelta(seconds=1))
    assert sessions.claim(dana, token, NINE + dt.timedelta(seconds=1))
    assert not sessions.claim(dana, token, NINE + dt.timedelta(seconds=2))  # a second browser: no
    assert not sessions.claim(dana, "guessed", NINE)


def test_a_reload_resumes_with_the_role_as_it_is_now(dana):
    token = handed_out(dana)
    assert sessions.resume(dana, token, NINE + dt.timedelta(minutes=29), IDLE) == {
        "email": "dana@example.org", "role": "case team"}
    accounts.add_user(dana, "dana@example.org", accounts.FUNDER)  # demoted meanwhile
    # 29 minutes after the last use, not after the sign-in: each use counts.
    assert sessions.resume(dana, token, NINE + dt.timedelta(minutes=58), IDLE)["role"] == "funder"
    assert sessions.current(dana, token, NINE + dt.timedelta(minutes=59))["role"] == "funder"


def test_idle_too_long_ends_the_session(dana):
    token = handed_out(dana)
    with pytest.raises(sessions.Idle, match="dana@example.org"):
        sessions.resume(dana, token, NINE + IDLE + dt.timedelta(seconds=1), IDLE)
    assert sessions.resume(dana, token, NINE + IDLE + dt.timedelta(seconds=2), IDLE) is None  # ended, not idle
    assert sessions.current(dana, token, NINE + IDLE) is None


def test_a_session_ends_after_a_working_day_whatever_the_use(dana):
    token = handed_out(dana)
    now = NINE
    while now + dt.timedelta(minutes=20) < NINE + sessions.LASTS:
        now += dt.timedelta(minutes=20)
        assert sessions.resume(dana, token, now, IDLE) is not None
    assert sessions.current(dana, token, NINE + sessions.LASTS) is None
    assert sessions.resume(dana, token, NINE + sessions.LASTS + dt.timedelta(minutes=1), IDLE) is None


def test_signing_out_a_new_password_or_removal_end_every_session(dana):
    signed_out, first, second = handed_out(dana), handed_out(dana), handed_out(dana)
    sessions.end(dana, signed_out, NINE)
    assert sessions.resume(dana, signed_out, NINE, IDLE) is None
    assert sessions.resume(dana, first, NINE, IDLE) is not None  # other browsers go on

    accounts.set_password(dana, "dana@example.org", "a new long secret")
    assert sessions.current(dana, first, NINE) is None
    assert sessions.current(dana, second, NINE) is None

    again = handed_out(dana, dt.datetime.now())
    accounts.add_user(dana, "sam@example.org", accounts.ADMIN)
    accounts.remove_user(dana, "dana@example.org")
    assert sessions.current(dana, again, dt.datetime.now()) is None
    accounts.add_user(dana, "dana@example.org", accounts.ADMIN)  # a new account of the same email
    assert sessions.current(dana, again, dt.datetime.now()) is None


def test_the_store_holds_nothing_that_signs_anyone_in(dana):
    token = handed_out(dana)
    stored = dana.execute("SELECT * FROM browser_sessions").fetchall()
    assert not any(token in str(value) for row in stored for value in row)
    assert len(token) >= 43  # 256 random bits
