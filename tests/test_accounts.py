"""Local accounts, sign-in with lock-out, and the pages each role is offered."""

import datetime as dt
import subprocess
import sys

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from pipelines import accounts, audit, loading, store
from tests.conftest import APP, ROOT, app_as, bfz_csv, ingest


@pytest.fixture
def with_user(conn):
    accounts.add_user(conn, "Dana@Example.org", accounts.CASE_TEAM)
    accounts.set_password(conn, "dana@example.org", "long enough secret")
    return conn


def test_the_right_password_signs_in(with_user):
    assert accounts.sign_in(with_user, "dana@example.org ", "long enough secret") == {
        "email": "dana@example.org", "role": "case team"}
    assert audit.lines(with_user).select("action").to_series().to_list() == ["signed in"]


def test_a_wrong_password_or_unknown_account_is_refused_the_same_way(with_user):
    for email, password in (("dana@example.org", "wrong"), ("nobody@example.org", "long enough secret")):
        with pytest.raises(accounts.SignInRefused, match="do not match an account"):
            accounts.sign_in(with_user, email, password)
    assert audit.lines(with_user).select("action").to_series().to_list() == ["sign-in failed"] * 2


def test_five_wrong_passwords_lock_the_account_for_a_while(with_user):
    now = dt.datetime(2026, 1, 5, 9, 0)
    for _ in range(accounts.MAX_FAILURES):
        with pytest.raises(accounts.SignInRefused):
            accounts.sign_in(with_user, "dana@example.org", "wrong", now=now)
    with pytest.raises(accounts.SignInRefused, match="too many wrong passwords: try again after 09:15"):
        accounts.sign_in(with_user, "dana@example.org", "long enough secret", now=now)
    later = now + accounts.LOCKED_FOR + dt.timedelta(minutes=1)
    assert accounts.sign_in(with_user, "dana@example.org", "long enough secret", now=later)["role"] == "case team"


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
    monkeypatch.setenv("BYNAMES_DB", str(db))
    return db


def test_signed_out_the_app_shows_only_the_sign_in_page(dashboard_db):
    app = AppTest.from_file(APP, default_timeout=60).run()
    assert not app.exception
    assert app.title[0].value == "Sign in"
    assert not app.info  # not the sample database: no demo accounts offered
    app.text_input(key="sign_in_email").input("dana@example.org")
    app.text_input(key="sign_in_password").input("wrong")
    app.form_submit_button[0].click().run()
    assert app.error[0].value == "That email and password do not match an account."
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
