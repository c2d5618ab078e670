"""Settings: every one declared with a type, a range and a meaning; a value outside it is refused by
`store.set_setting` (and so by `bynames setting` and the Settings page) with the rule, and nothing is
stored; every value accepted is one every report, ingest and page can read. `derandomize` seeds
hypothesis, so a failure reproduces; PROPERTY_EXAMPLES sets how many (a tenth of it here: each
example runs the readers)."""

import datetime as dt
import json
import math
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipelines import agenda, audit, cli, figures, loading, meeting_pack, store
from pipelines import settings as declared
from pipelines.early_intervention import child_count, federal_tables
from pipelines.early_intervention import figures as ei_figures
from pipelines.periods import period_of
from pipelines.programs import EARLY_INTERVENTION, HOMELESSNESS, PROGRAMS
from tests.conftest import app_as, ingest
from tests.test_agenda import LIST, MEETING
from tests.test_ei_figures import HEADER as EI_HEADER
from tests.test_ei_figures import ROWS as EI_ROWS

EXAMPLES = max(10, int(os.environ.get("PROPERTY_EXAMPLES", "500")) // 10)
PROPERTY = settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.function_scoped_fixture])
HL, EI = HOMELESSNESS.name, EARLY_INTERVENTION.name
# Each program's settings a person may change (the installation's come with each).
CHANGEABLE = [(p, s.key) for p in PROGRAMS for s in declared.known(p)]


def stored(conn) -> list[tuple]:
    return conn.execute("SELECT program, key, value::VARCHAR FROM settings ORDER BY ALL").fetchall()


def valid(program: str, key: str):
    """Every value the declaration allows, in the forms a person may type it."""
    setting = declared.SETTINGS[key]
    if setting.kind == declared.NUMBER:
        whole = st.integers(setting.low, setting.high)
        values = whole | whole.map(float)
    elif setting.kind == declared.TEXT:
        values = st.text(st.characters(blacklist_categories=("Cc", "Cs")), min_size=1,
                         max_size=declared.TEXT_LENGTH).filter(str.strip)
    elif setting.kind == declared.FLAG:
        values = st.booleans()
    elif setting.kind == declared.MONTH_DAY:
        values = st.sampled_from(declared.month_days(setting))
    else:
        keys = declared.sort_keys(program)
        values = st.permutations(keys).flatmap(lambda order: st.integers(1, len(order)).flatmap(
            lambda n: st.lists(st.sampled_from(["asc", "desc"]), min_size=n, max_size=n).map(
                lambda ways: [f"{k} {w}" for k, w in zip(order, ways)])))
    return st.none() | values if setting.blank else values


def junk():
    scalars = (st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True, allow_infinity=True)
               | st.text(max_size=300))
    return st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                        | st.dictionaries(st.text(max_size=5), inner, max_size=3), max_leaves=8)


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    """A database with a small list for each program, shared by the property tests (each example
    puts every setting back as it found it)."""
    db = tmp_path_factory.mktemp("settings") / "both.duckdb"
    with store.opened(db) as conn:
        ingest(conn, LIST, "march.csv")
        result = loading.ingest(conn, (EI_HEADER + "\n" + EI_ROWS).encode(), "referrals.csv", program=EI,
                                who="tester", today=dt.date(2025, 4, 30))
        assert result.status == loading.LOADED
    return db


def read_everything(conn, program: str) -> None:
    """What reads settings: the agenda and list (policy, thresholds), the figures (point-in-time count,
    timely services), a file check (inactivity), the meeting pack (the community's name)."""
    if program == HL:
        agenda.meeting(conn, program, MEETING)
        figures.monthly_submission(conn, program, dt.date(2024, 3, 1))
        loading.check(LIST, "march.csv", program=program,
                      inactivity_days=store.setting(conn, program, "inactivity_days"))
        assert meeting_pack.for_meeting(conn, program, MEETING).startswith(b"%PDF")
    else:
        agenda.meeting(conn, program, dt.date(2025, 3, 31))
        ei_figures.period_figures(conn, period_of(dt.date(2025, 3, 1), "month"), program)
        child_count.period_report(conn, period_of(dt.date(2025, 3, 1), "month"), program)
        federal_tables.year_tables(conn, 2024, program)


def test_every_setting_a_program_or_the_installation_uses_is_declared():
    # A setting added elsewhere (a program's default, an installation-wide one) must say what it takes.
    for program in PROGRAMS.values():
        for key, value in program.settings.items():
            assert declared.declared(program.name, key).programs and program.name in declared.SETTINGS[key].programs
            assert declared.check(program.name, key, value) == value, key
    for key in store.GLOBAL_SETTINGS:
        assert declared.declared("", key).programs is None
    for setting in declared.DECLARED:
        assert setting.description.endswith(".") and setting.kind in (
            declared.NUMBER, declared.TEXT, declared.POLICY, declared.FLAG, declared.SECRET, declared.MONTH_DAY)


@PROPERTY
@given(data=st.data())
def test_every_value_accepted_round_trips_and_everything_that_reads_it_works(both, data):
    program, key = data.draw(st.sampled_from(CHANGEABLE))
    value = data.draw(valid(program, key))
    with store.opened(both) as conn:
        before = store.setting(conn, program, key)
        try:
            store.set_setting(conn, program, key, value)
            kept = store.setting(conn, program, key)
            assert kept == declared.check(program, key, value)
            assert kept == (value.strip() if isinstance(value, str) else value)
            read_everything(conn, program)
        finally:
            store.set_setting(conn, program, key, before)


@PROPERTY
@given(key=st.sampled_from([k for _, k in CHANGEABLE] + ["identity_salt", "demo_mode", "nonsense", ""]),
       program=st.sampled_from([HL, EI, ""]), value=junk())
def test_junk_is_refused_and_leaves_the_database_as_it_was(both, key, program, value):
    with store.opened(both) as conn:
        before = stored(conn)
        try:
            store.change_setting(conn, program, key, value, "tester")
        except declared.SettingRefused as refused:
            assert key in str(refused)
            assert stored(conn) == before
            return
        # Junk that happens to be a good value (5 days, a name) is stored as its rule allows.
        kept = store.setting(conn, program, key)
        assert declared.check(program, key, kept) == kept
        read_everything(conn, program or HL)
        conn.execute("DELETE FROM settings")
        conn.executemany("INSERT INTO settings VALUES (?, ?, ?)", before)


@pytest.mark.parametrize("key, text, rule", [
    ("pit_count_individuals", "'; DROP TABLE settings; --", "a whole number from 0 to 10,000,000"),
    ("inactivity_days", '"x"', "a whole number from 1 to 730"),
    ("inactivity_days", "1e400", "not a finite number"),
    ("inactivity_days", "NaN", "not a finite number"),
    ("inactivity_days", "-Infinity", "not a finite number"),
    ("inactivity_days", "0", "a whole number from 1 to 730"),
    ("inactivity_days", "90.5", "a whole number from 1 to 730"),
    ("inactivity_days", "true", "a whole number from 1 to 730"),
    ("inactivity_days", "9" * 5000, "a whole number from 1 to 730"),
    ("triage_policy", "[1]", "a list of 1 to 7 sort keys"),
    ("triage_policy", "[]", "a list of 1 to 7 sort keys"),
    ("triage_policy", '"chronic desc"', "a list of 1 to 7 sort keys"),
    ("triage_policy", '["days_left_45 asc"]', "not one of Homelessness (Built for Zero)'s sort keys"),
    ("triage_policy", '["chronic desc", "chronic asc"]', "chronic comes twice"),
    ("triage_policy", '["chronic sideways"]', "followed by asc or desc"),
    ("community_name", "a\x00b", "control character"),
    ("community_name", "x" * 201, "text of 1 to 200 characters"),
    ("idle_minutes", "100000", "a whole number from 1 to 720"),
    ("nonsense", "3", "there is no setting 'nonsense': Homelessness (Built for Zero) has community_name, "
                      "idle_minutes, inactivity_days"),
    ("identity_salt", '"abc"', "identity_salt is kept by bynames itself"),
    ("demo_mode", "true", "demo_mode is kept by bynames itself"),
    ("child_count_date", '"12-01"', "there is no setting 'child_count_date': Homelessness (Built for Zero) has"),
])
def test_bynames_setting_refuses_with_the_rule_and_stores_nothing(tmp_path, capsys, key, text, rule):
    db = tmp_path / "s.duckdb"
    with store.opened(db) as conn:
        before = stored(conn)
    assert cli.main(["setting", "--db", str(db), "--", key, text]) == 2
    out = capsys.readouterr()
    assert out.err.startswith(f"bynames: {key}") or out.err.startswith("bynames: there is no setting")
    assert rule in " ".join(out.err.split()), out.err
    with store.opened(db) as conn:
        assert stored(conn) == before
        assert audit.lines(conn).is_empty()


def test_a_setting_of_the_other_program_is_unknown_to_this_one(tmp_path, capsys):
    db = str(tmp_path / "s.duckdb")
    assert cli.main(["setting", "inactivity_days", "30", "--program", EI, "--db", db]) == 2
    assert "there is no setting 'inactivity_days': Early Intervention (IDEA Part C) has" in capsys.readouterr().err


def test_bynames_setting_lists_shows_and_changes_with_a_trace(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(loading, "who_default", lambda: "ops")
    db = str(tmp_path / "s.duckdb")
    assert cli.main(["setting", "--db", db]) == 0
    listed = capsys.readouterr().out
    assert "inactivity_days = 90\n    Days with no contact" in listed
    assert "    a whole number from 1 to 730\n" in listed
    assert "identity_salt" not in listed and "demo_mode" not in listed
    assert cli.main(["setting", "inactivity_days", "60", "--db", db, "--who", "Dana"]) == 0
    assert capsys.readouterr().out == "inactivity_days = 60 (was 90)\n"
    assert cli.main(["setting", "community_name", "2024", "--db", db]) == 0  # a name, though it reads as a number
    assert cli.main(["setting", "inactivity_days", "60", "--db", db]) == 0
    assert capsys.readouterr().out.endswith("inactivity_days = 60 (unchanged)\n")
    assert cli.main(["setting", "inactivity_days", "--db", db]) == 0
    assert capsys.readouterr().out == "60\n"
    assert cli.main(["setting", "identity_salt", "--db", db]) == 2
    assert cli.main(["report", "bfz", "--month", "2024-03", "--pit-count", "1200", "--db", db]) == 0
    with store.opened(db) as conn:
        changes = audit.lines(conn).filter(audit.lines(conn)["action"] == audit.SETTING_CHANGED)
        assert changes.select("who", "on_behalf_of", "subject", "detail").reverse().rows() == [
            ("ops", "Dana", "inactivity_days", "Homelessness (Built for Zero): 90 → 60"),
            ("ops", None, "community_name", 'null → "2024"'),
            ("ops", None, "pit_count_individuals", "Homelessness (Built for Zero): null → 1200"),
        ]


def test_a_bad_value_stored_before_settings_were_checked_reads_as_the_default(tmp_path):
    with store.opened(tmp_path / "old.duckdb") as conn:
        ingest(conn, LIST, "march.csv")
        for key, value in (("inactivity_days", '"x"'), ("triage_policy", "[1]"), ("pit_count_individuals", '"a"'),
                           ("days_between_meetings", "-4")):
            conn.execute("UPDATE settings SET value = ? WHERE program = ? AND key = ?", [value, HL, key])
        assert store.setting(conn, HL, "inactivity_days") == 90
        assert store.setting(conn, HL, "triage_policy") == HOMELESSNESS.settings["triage_policy"]
        assert store.setting(conn, HL, "pit_count_individuals") is None
        read_everything(conn, HL)


def test_the_settings_page_refuses_a_bad_value_with_the_rule_and_records_a_change(tmp_path, monkeypatch):
    db = tmp_path / "page.duckdb"
    with store.opened(db) as conn:
        ingest(conn, LIST, "march.csv")
        before = stored(conn)
    monkeypatch.setenv("BYNAMES_DATABASE", str(db))
    app = app_as("data lead", "lead@example.org")
    app.run()
    app.switch_page("views/settings.py").run()
    app.text_input(key="setting_community_name").input("Harbor\x07County").run()
    app.button(key="save_settings").click().run()
    assert not app.exception, app.exception
    assert app.error[0].value.startswith("Nothing was saved: community\\_name ")
    assert "without control characters" in app.error[0].value
    with store.opened(db) as conn:
        assert stored(conn) == before
        assert audit.lines(conn).filter(audit.lines(conn)["action"] == audit.SETTING_CHANGED).is_empty()

    app.text_input(key="setting_community_name").input("Harbor County").run()
    app.number_input(key="setting_days_between_meetings").set_value(14).run()
    app.button(key="save_settings").click().run()
    assert not app.exception, app.exception
    assert app.success[0].value.startswith("Saved.")
    with store.opened(db) as conn:
        lines = audit.lines(conn)
        assert lines.filter(lines["action"] == audit.SETTING_CHANGED).select("who", "subject", "detail").rows() == [
            ("lead@example.org", "days_between_meetings", "Homelessness (Built for Zero): 7 → 14"),
            ("lead@example.org", "community_name", 'null → "Harbor County"'),
        ]


def test_numbers_that_are_whole_are_kept_as_whole_numbers():
    assert declared.check(HL, "inactivity_days", 60.0) == 60
    assert isinstance(declared.check(HL, "inactivity_days", 60.0), int)
    with pytest.raises(declared.SettingRefused):
        declared.check(HL, "inactivity_days", math.inf)
    assert json.loads(json.dumps(declared.check(HL, "triage_policy", [" chronic  desc "]))) == ["chronic desc"]
