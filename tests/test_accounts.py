"""Local accounts, sign-in with throttling instead of a lock-out, and the pages each role is offered."""

import datetime as dt
import subprocess
import sys

import polars as pl
import pytest
from argon2 import PasswordHasher
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from pipelines import accounts, audit, loading, store
from tests.conftest import APP, ROOT, app_as, bfz_csv, ingest

pytestmark = pytest.mark.both_stores  # the same results from the embedded file and PostgreSQL


@pytest.fixture
def with_user(conn):
    accounts.add_user(conn, "Dana@Example.org", accounts.CASE_TEAM)
    accounts.set_password(conn, "dana@example.org", "long enough secret")
    return conn


def test_the_right_password_signs_in(with_user):
    assert accounts.sign_in(with_user, "dana@example.org ", "long enough secret") == {
        "email": "dana@example.org", "role": "case team"}
    assert audit.lines(with_user).select("action").to_series().to_list() == ["signed in"]


NINE = dt.datetime(2026, 1, 5, 9, 0)
SECOND = dt.timedelta(seconds=1)


@pytest.fixture
def dana(conn, monkeypatch):
    """Dana's account, with Argon2 made cheap: these tests make hundreds of attempts."""
    monkeypatch.setattr(accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=64, parallelism=1))
    accounts._unguessable_hash.cache_clear()
    accounts.add_user(conn, "dana@example.org", accounts.CASE_TEAM)
    accounts.set_password(conn, "dana@example.org", "long enough secret")
    yield conn
    accounts._unguessable_hash.cache_clear()


def test_a_wrong_password_or_unknown_account_is_refused_the_same_way(with_user):
    accounts.add_user(with_user, "sso@example.org", accounts.CASE_TEAM)  # signs in through a provider only
    for email, password in (("dana@example.org", "wrong"), ("nobody@example.org", "long enough secret"),
                            ("sso@example.org", "long enough secret")):
        with pytest.raises(accounts.SignInRefused, match="^wrong email or password$"):
            accounts.sign_in(with_user, email, password)
    assert [(line["action"], line["detail"]) for line in audit.lines(with_user).iter_rows(named=True)] == [
        ("sign-in failed", "no password set"), ("sign-in failed", "no such account"), ("sign-in failed", None)]


def attempts(conn, email, password, now, address=None, times=1):
    """What each attempt was told: None when signed in, else the message."""
    told = []
    for _ in range(times):
        try:
            accounts.sign_in(conn, email, password, now=now, address=address)
            told.append(None)
        except accounts.SignInRefused as refused:
            told.append(str(refused))
    return told


def guessed(conn, email, times, now, address=None):
    """`times` wrong passwords, each as soon as it is let through, as an attacker would; when the last was."""
    for _ in range(times):
        now += accounts.throttled_for(conn, email, address, now) or dt.timedelta(0)
        assert attempts(conn, email, "wrong", now, address=address) == ["wrong email or password"]
    return now


def test_wrong_passwords_slow_the_next_attempt_more_and_more(dana):
    assert accounts.FREE_BY_EMAIL == 3  # as told below
    now, told = NINE, []
    for _ in range(6):
        told += attempts(dana, "dana@example.org", "wrong", now)
        told += attempts(dana, "dana@example.org", "wrong", now)  # at once again: throttled, not counted
        now += dt.timedelta(minutes=1)
    wrong = "wrong email or password"
    assert told == [wrong, wrong, wrong, "too many attempts: wait 1 second"] + [
        step for seconds in (2, 4, 8, 16) for step in (wrong, f"too many attempts: wait {seconds} seconds")]
    line = audit.lines(dana).row(0, named=True)
    assert (line["action"], line["detail"]) == ("sign-in failed", "throttled")


def test_the_right_password_is_refused_while_throttled_and_accepted_after(dana):
    last = guessed(dana, "dana@example.org", accounts.FREE_BY_EMAIL + 1, NINE)  # now a 2 s wait
    assert attempts(dana, "dana@example.org", "long enough secret", last + SECOND) == [
        "too many attempts: wait 1 second"]
    assert attempts(dana, "dana@example.org", "long enough secret", last + 2 * SECOND) == [None]
    # Getting in forgets the email's failures: the next typos cost nothing.
    assert attempts(dana, "dana@example.org", "wrong", last + 3 * SECOND, times=2) == [
        "wrong email or password"] * 2


def test_an_unknown_email_is_told_exactly_what_an_account_is(dana, monkeypatch):
    def story(email):
        now, told = NINE, []
        for step in range(10):
            told += attempts(dana, email, "wrong", now, times=2)
            now += SECOND * step
        return told

    told = story("dana@example.org")
    assert any(message.startswith("too many attempts") for message in told)
    assert story("nobody@example.org") == told
    # And as slowly: an email without an account costs an Argon2 check too.
    checked = []

    class Counting(PasswordHasher):
        def verify(self, hashed, password):
            checked.append(hashed)
            return super().verify(hashed, password)

    monkeypatch.setattr(accounts, "_hasher", Counting(time_cost=1, memory_cost=64, parallelism=1))
    for email in ("dana@example.org", "someone@example.org"):
        attempts(dana, email, "wrong", NINE + dt.timedelta(hours=2))
    assert len(checked) == 2 and checked[0] != checked[1]


def test_an_attacker_cannot_keep_the_owner_out_beyond_the_longest_wait(dana):
    last = guessed(dana, "dana@example.org", 40, NINE, address="203.0.113.9")
    assert accounts.throttled_for(dana, "dana@example.org", "198.51.100.4", last) == accounts.LONGEST_WAIT
    assert attempts(dana, "dana@example.org", "long enough secret", last + accounts.LONGEST_WAIT,
                    address="198.51.100.4") == [None]


def test_one_address_trying_many_emails_is_slowed_across_them(dana):
    spray = [f"user{n}@example.org" for n in range(accounts.FREE_BY_ADDRESS + 2)]
    told = [attempts(dana, email, "wrong", NINE, address="203.0.113.9")[0] for email in spray]
    assert told[:accounts.FREE_BY_ADDRESS] == ["wrong email or password"] * accounts.FREE_BY_ADDRESS
    assert told[accounts.FREE_BY_ADDRESS:] == ["too many attempts: wait 1 second"] * 2
    # Dana, from elsewhere, is not slowed; from that address she is, even with her password.
    assert attempts(dana, "dana@example.org", "long enough secret", NINE) == [None]
    assert attempts(dana, "dana@example.org", "long enough secret", NINE, address="203.0.113.9") == [
        "too many attempts: wait 1 second"]
    # Getting in somewhere does not reset the address's count: the spray goes on being slowed.
    assert attempts(dana, "user0@example.org", "wrong", NINE + SECOND, address="203.0.113.9") == [
        "wrong email or password"]
    assert attempts(dana, "user1@example.org", "wrong", NINE + SECOND, address="203.0.113.9") == [
        "too many attempts: wait 2 seconds"]


def test_old_failures_stop_counting(dana):
    attempts(dana, "dana@example.org", "wrong", NINE, times=accounts.FREE_BY_EMAIL)
    assert accounts.throttled_for(dana, "dana@example.org", None, NINE) == SECOND
    later = NINE + accounts.WINDOW + SECOND
    assert accounts.throttled_for(dana, "dana@example.org", None, later) is None
    attempts(dana, "dana@example.org", "wrong", later)  # and are cleared away
    assert dana.execute("SELECT count(*) FROM sign_in_failures").fetchone() == (1,)


@given(failures=st.integers(0, 10_000), free=st.integers(0, 20))
def test_the_wait_grows_with_failures_and_never_passes_the_cap(failures, free):
    wait = accounts.wait_after(failures, free)
    assert dt.timedelta(0) <= wait <= accounts.LONGEST_WAIT
    assert accounts.wait_after(failures + 1, free) >= wait
    assert (wait == dt.timedelta(0)) == (failures < free)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(guesses=st.lists(st.tuples(st.sampled_from(["dana@example.org", "nobody@example.org"]),
                                  st.sampled_from([None, "203.0.113.9", "198.51.100.4"]),
                                  st.integers(0, 400)), max_size=30))
def test_whatever_was_tried_before_the_owner_gets_in_once_the_longest_wait_has_passed(dana, guesses):
    dana.execute("DELETE FROM sign_in_failures")
    now = NINE
    for email, address, pause in guesses:
        now += SECOND * pause
        attempts(dana, email, "wrong", now, address=address)
    assert attempts(dana, "dana@example.org", "long enough secret", now + accounts.LONGEST_WAIT,
                    address="203.0.113.9") == [None]


def test_passwords_are_hashed_and_roles_checked(with_user):
    (row,) = with_user.execute("SELECT password_hash FROM users").fetchall()
    assert row[0].startswith("$argon2") and "long enough secret" not in row[0]
    with pytest.raises(ValueError, match="unknown role"):
        accounts.add_user(with_user, "x@example.org", "boss")
    with pytest.raises(ValueError, match="at least 8"):
        accounts.set_password(with_user, "dana@example.org", "short")


def test_demo_accounts_exist_only_in_the_sample_database(conn, tmp_path):
    assert accounts.users(conn) == []
    db = tmp_path / "demo.duckdb"
    done = subprocess.run([sys.executable, "-m", "pipelines.cli", "demo", "--db", str(db)], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    with store.opened(db) as demo:
        assert {u["email"]: u["role"] for u in accounts.users(demo)} == accounts.DEMO_ACCOUNTS
        assert accounts.sign_in(demo, "funder@example.org", "demo")["role"] == "funder"


def test_bynames_users(tmp_path):
    db = tmp_path / "users.duckdb"

    def bynames(*args, stdin=None):
        return subprocess.run([sys.executable, "-m", "pipelines.cli", *args, "--db", str(db)], cwd=ROOT,
                              capture_output=True, text=True, input=stdin, timeout=60)

    assert bynames("users", "add", "sam@example.org", "--role", "data lead").returncode == 0
    assert bynames("users", "password", "sam@example.org", "--password-stdin", stdin="a good passphrase\n"
                   ).returncode == 0
    assert "sam@example.org" in bynames("users", "list").stdout
    with store.opened(db) as conn:
        assert accounts.sign_in(conn, "sam@example.org", "a good passphrase")["role"] == "data lead"
    assert bynames("users", "remove", "sam@example.org", "--who", "ops").returncode == 0
    assert "sam@example.org" not in bynames("users", "list").stdout
    with store.opened(db) as conn:
        with pytest.raises(accounts.SignInRefused):
            accounts.sign_in(conn, "sam@example.org", "a good passphrase")
        # Each account change is recorded with the login name that made it; --who beside it.
        assert audit.lines(conn).select("who", "on_behalf_of", "action", "subject").reverse().rows() == [
            (loading.who_default(), None, "user saved", "sam@example.org"),
            (loading.who_default(), None, "password set", "sam@example.org"),
            ("sam@example.org", None, "signed in", "sam@example.org"),
            (loading.who_default(), "ops", "user removed", "sam@example.org"),
            ("sam@example.org", None, "sign-in failed", "sam@example.org"),
        ]


@pytest.fixture
def dashboard_db(tmp_path, monkeypatch):
    db = tmp_path / "roles.duckdb"
    with store.opened(db) as conn:
        ingest(conn, bfz_csv("A,1/5/2024,,,,Youth,No,No"), "jan.csv")
        accounts.add_user(conn, "dana@example.org", accounts.CASE_TEAM)
        accounts.set_password(conn, "dana@example.org", "long enough secret")
    monkeypatch.setenv("BYNAMES_DATABASE", str(db))
    return db


def test_signed_out_the_app_shows_only_the_sign_in_page(dashboard_db):
    app = AppTest.from_file(APP, default_timeout=60).run()
    assert not app.exception
    assert app.title[0].value == "Sign in"
    assert not app.info  # not the sample database: no demo accounts offered
    app.text_input(key="sign_in_email").input("dana@example.org")
    app.text_input(key="sign_in_password").input("wrong")
    app.form_submit_button[0].click().run()
    assert app.error[0].value == "Wrong email or password."
    app.text_input(key="sign_in_password").input("long enough secret")
    app.form_submit_button[0].click().run()
    assert not app.exception
    assert app.title[0].value == "Flow"
    assert app.sidebar.caption[-1].value == "Signed in as dana@example.org (case team)."


@pytest.mark.parametrize(
    "role, allowed, refused",
    [
        ("funder", ["views/flow.py", "views/monthly_figures.py"],
         ["views/by_name_list.py", "views/agenda.py", "views/uploads.py", "views/audit_trail.py"]),
        ("case team", ["views/by_name_list.py", "views/agenda.py"], ["views/uploads.py", "views/settings.py"]),
        ("data lead", ["views/uploads.py", "views/settings.py"], ["views/audit_trail.py"]),
        ("admin", ["views/audit_trail.py", "views/uploads.py"], []),
    ],
)
def test_each_role_is_offered_its_pages_only(dashboard_db, role, allowed, refused):
    app = app_as(role).run()
    assert not app.exception
    for page in allowed:
        app.switch_page(page).run()
        assert not app.exception, (role, page)
    for page in refused:
        with pytest.raises(ValueError):
            app.switch_page(page)


def test_signing_out_leaves_a_trace_and_the_sign_in_page(dashboard_db):
    app = app_as("admin").run()
    app.button(key="sign_out").click().run()
    assert app.title[0].value == "Sign in"
    with store.opened(dashboard_db) as conn:
        assert audit.lines(conn).select("action").to_series().to_list()[0] == "signed out"


def test_an_idle_session_must_sign_in_again(dashboard_db):
    app = app_as("case team").run()
    assert app.title[0].value == "Flow"
    app.session_state["last_active"] = dt.datetime.now() - dt.timedelta(minutes=31)
    app.run()
    assert app.title[0].value == "Sign in"
    assert "signed out after 30 minutes" in app.info[0].value
    with store.opened(dashboard_db) as conn:
        line = audit.lines(conn).row(0, named=True)
    assert (line["action"], line["detail"]) == ("signed out", "idle")


def test_the_only_admin_cannot_be_removed(conn):
    accounts.add_user(conn, "root@example.org", "admin")
    accounts.add_user(conn, "pat@example.org", "funder")
    with pytest.raises(ValueError, match="only admin"):
        accounts.remove_user(conn, "root@example.org")
    accounts.add_user(conn, "pat@example.org", "admin")
    accounts.remove_user(conn, "root@example.org")
    assert [u["email"] for u in accounts.users(conn)] == ["pat@example.org"]


def test_an_admin_adds_and_removes_a_user_on_the_users_page(dashboard_db):
    app = app_as("admin").run()
    app.switch_page("views/users.py").run()
    assert app.dataframe[0].value["Email"].tolist() == ["dana@example.org"]
    assert app.selectbox(key="new_role").value is None  # no role, admin least of all, without choosing
    app.text_input(key="new_email").input("someone@example.org")
    app.form_submit_button[0].click().run()
    assert app.error[0].value.startswith("Choose a role")
    app.text_input(key="new_email").input("Pat@Example.org")
    app.selectbox(key="new_role").select("funder")
    app.text_input(key="new_password").input("first password")
    app.form_submit_button[0].click().run()
    assert not app.exception
    assert app.success[0].value == "pat@example.org can sign in as funder."
    with store.opened(dashboard_db) as conn:
        assert accounts.sign_in(conn, "pat@example.org", "first password")["role"] == "funder"
        saved = audit.lines(conn).filter(pl.col("action") == "user saved")
        assert saved["subject"].to_list() == ["pat@example.org"]
    app.selectbox(key="remove_email").select("pat@example.org")
    app.form_submit_button[1].click().run()
    assert app.success[0].value == "pat@example.org can no longer sign in."
    with store.opened(dashboard_db) as conn:
        assert [u["email"] for u in accounts.users(conn)] == ["dana@example.org"]
