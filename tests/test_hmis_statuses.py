"""HMIS exports to by-name list dates (DESIGN §2.1) and HUD's chronic definition, one golden export per rule.

Every export describes the days up to 31 December 2025 (its ExportEndDate); the inactivity period is
90 days unless a test says otherwise.
"""

import datetime as dt

import pytest

from pipelines.hmis import export as hmis_export
from pipelines.hmis import statuses as hmis_statuses
from tests.hmis_builder import TODAY, client, disability, enrollment, exit_row, export_zip, living_situation, service

D = dt.date.fromisoformat
END = D("2025-12-31")


def derived(*, inactivity_days: int = 90, **files) -> hmis_export.Derived:
    files.setdefault("clients", [client("P1")])
    export, report = hmis_export.open_export(export_zip(**files), "golden.zip", TODAY)
    assert export is not None, report.lines()
    assert not [f for f in report.findings if not f.rule.startswith("warning")], report.lines()
    return hmis_export.derive(export, inactivity_days)


def dates(inactivity_days: int = 90, **files) -> dict:
    """P1's four date lists and whether P1 is actively homeless at the export's end."""
    people = derived(inactivity_days=inactivity_days, **files).people
    row = people.filter(people["client_id"] == "P1")
    if row.height == 0:
        return {}
    active = hmis_statuses.actively_homeless(row, END).item()
    out = {k: [d.isoformat() for d in row[k][0]] for k in ("identified", "returned", "moved_in", "inactive")}
    return {**{k: v for k, v in out.items() if v}, "active": active}


# Identification: the first homeless contact.

def test_an_open_shelter_stay_identifies_and_keeps_the_person_active():
    assert dates(enrollments=[enrollment("E1", "P1", "ES", "2025-03-01")]) == {
        "identified": ["2025-03-01"], "active": True}


def test_a_homeless_living_situation_identifies_even_in_a_project_that_is_not_for_homeless_people():
    # Entered a services-only project from a friend's couch; the worker later saw them on the street.
    assert dates(
        enrollments=[enrollment("E1", "P1", "SSO", "2025-06-01", living=336)],
        situations=[living_situation("E1", "P1", "2025-07-01", 314), living_situation("E1", "P1", "2025-11-01", 116)],
    ) == {"identified": ["2025-11-01"], "active": True}


def test_a_bed_night_identifies_and_each_bed_night_is_a_contact():
    nights = ["2025-08-01", "2025-09-15", "2025-11-20"]
    assert dates(
        enrollments=[enrollment("E1", "P1", "NBN", "2025-08-01")],
        services=[service("E1", "P1", d) for d in nights],
    ) == {"identified": ["2025-08-01"], "active": True}


def test_people_never_homeless_in_the_export_are_not_on_the_list():
    # Permanent housing entered from a rental of their own: never literally homeless here.
    assert dates(enrollments=[enrollment("E1", "P1", "PSH", "2025-02-01", living=410, MoveInDate="2025-02-01")]) == {}


def test_entering_permanent_housing_from_the_street_identifies_and_the_move_in_houses():
    assert dates(enrollments=[enrollment("E1", "P1", "PSH", "2025-06-01", living=116, MoveInDate="2025-06-20")]) == {
        "identified": ["2025-06-01"], "moved_in": ["2025-06-20"], "active": False}


def test_waiting_in_rapid_rehousing_for_a_home_counts_as_still_homeless():
    # No contact recorded since entry, but the person is enrolled and not yet housed (HUD's measures agree).
    assert dates(enrollments=[enrollment("E1", "P1", "RRH", "2025-03-01", living=101)]) == {
        "identified": ["2025-03-01"], "active": True}


# Inactive: dated on the day it happens, never earlier.

def active_on(days: list[str], **files) -> list[bool]:
    people = derived(**files).people
    row = people.filter(people["client_id"] == "P1")
    return [hmis_statuses.actively_homeless(row, D(day)).item() for day in days]


def seen_by_outreach(*days: str, situation: int = 116) -> dict:
    """An outreach enrollment from the first day, with a contact recorded on each day."""
    return {"enrollments": [enrollment("E1", "P1", "SO", days[0])],
            "situations": [living_situation("E1", "P1", d, situation) for d in days]}


def test_no_contact_for_the_inactivity_period_is_inactive_on_the_day_it_runs_out():
    # Last seen on 10 January: active through 9 April, inactive from 10 April (90 days on).
    files = seen_by_outreach("2025-01-10")
    assert dates(**files) == {"identified": ["2025-01-10"], "inactive": ["2025-04-10"], "active": False}
    assert active_on(["2025-04-09", "2025-04-10"], **files) == [True, False]
    # The period is a setting: with a longer one the same person is still active.
    assert dates(inactivity_days=400, **files) == {"identified": ["2025-01-10"], "active": True}
    assert dates(inactivity_days=30, **files)["inactive"] == ["2025-02-09"]


def test_a_contact_on_the_last_day_of_the_period_keeps_the_person_on_the_list():
    files = seen_by_outreach("2025-01-10", "2025-04-10")
    assert dates(**files) == {"identified": ["2025-01-10"], "inactive": ["2025-07-09"], "active": False}
    # A day later is a return after 10 April's move to inactive.
    assert dates(**seen_by_outreach("2025-01-10", "2025-04-11")) == {
        "identified": ["2025-01-10"], "returned": ["2025-04-11"], "inactive": ["2025-04-10", "2025-07-10"],
        "active": False}


def test_the_inactivity_period_running_out_on_the_exports_last_day_is_inactive_that_day():
    assert dates(**seen_by_outreach((END - dt.timedelta(days=89)).isoformat()))["active"]
    assert dates(**seen_by_outreach((END - dt.timedelta(days=90)).isoformat())) == {
        "identified": ["2025-10-02"], "inactive": ["2025-12-31"], "active": False}


def test_an_exit_to_a_temporary_place_or_death_is_inactive_on_the_exit_date():
    for destination in (312, 314, 24):  # a relative's for now, a hotel paid by the person, deceased
        assert dates(
            enrollments=[enrollment("E1", "P1", "ES", "2025-09-01")],
            exits=[exit_row("E1", "P1", "2025-10-15", destination)],
        ) == {"identified": ["2025-09-01"], "inactive": ["2025-10-15"], "active": False}, destination


def test_an_exit_to_an_institution_is_inactive_only_after_90_days_there():
    for destination in (204, 205, 206, 207, 215, 225):  # hospital, jail, treatment, foster care...
        files = {"enrollments": [enrollment("E1", "P1", "ES", "2025-05-01")],
                 "exits": [exit_row("E1", "P1", "2025-08-01", destination)]}
        assert dates(**files) == {"identified": ["2025-05-01"], "inactive": ["2025-10-30"], "active": False}
        assert active_on(["2025-10-29", "2025-10-30"], **files) == [True, False]
    # Ninety days whatever the inactivity period: a longer one does not keep them on the list.
    assert dates(inactivity_days=400, **files)["inactive"] == ["2025-10-30"]
    # Still inside at the export's end, fewer than 90 days on: still on the list.
    assert dates(enrollments=[enrollment("E1", "P1", "ES", "2025-05-01")],
                 exits=[exit_row("E1", "P1", "2025-10-15", 207)]) == {"identified": ["2025-05-01"], "active": True}


def test_a_return_within_90_days_of_an_institution_is_no_return():
    files = {"enrollments": [enrollment("E1", "P1", "ES", "2025-05-01"), enrollment("E2", "P1", "ES", "2025-10-01")],
             "exits": [exit_row("E1", "P1", "2025-08-01", 207)]}
    assert dates(**files) == {"identified": ["2025-05-01"], "active": True}
    # After more than 90 days, it is a return from inactive.
    files["enrollments"][1] = enrollment("E2", "P1", "ES", "2025-11-15")
    assert dates(**files) == {"identified": ["2025-05-01"], "returned": ["2025-11-15"], "inactive": ["2025-10-30"],
                              "active": True}


def test_an_exit_to_transitional_housing_or_the_street_is_not_an_exit_from_homelessness():
    for destination in (302, 116, 101):
        assert dates(
            enrollments=[enrollment("E1", "P1", "ES", "2025-09-01")],
            exits=[exit_row("E1", "P1", "2025-12-01", destination)],
        ) == {"identified": ["2025-09-01"], "active": True}, destination


def test_an_exit_with_no_known_destination_says_nothing_and_the_inactivity_period_decides():
    files = {"enrollments": [enrollment("E1", "P1", "ES", "2025-02-01")],
             "exits": [exit_row("E1", "P1", "2025-04-01", 30)]}  # no exit interview
    assert dates(**files) == {"identified": ["2025-02-01"], "inactive": ["2025-06-30"], "active": False}
    assert dates(inactivity_days=365, **files) == {"identified": ["2025-02-01"], "active": True}


# Street outreach: its contacts are its current living situations.

def test_every_living_situation_recorded_by_outreach_is_a_contact_wherever_the_person_was_found():
    # Found on a friend's couch on 20 November: still a contact, so still on the list on 31 December.
    assert dates(**seen_by_outreach("2025-09-01", "2025-11-20", situation=336)) == {
        "identified": ["2025-09-01"], "active": True}
    # Outside outreach, only a homeless living situation is evidence of homelessness.
    assert dates(enrollments=[enrollment("E1", "P1", "SSO", "2025-09-01", living=116)],
                 situations=[living_situation("E1", "P1", "2025-09-01", 116),
                             living_situation("E1", "P1", "2025-11-20", 336)]) == {
        "identified": ["2025-09-01"], "inactive": ["2025-11-30"], "active": False}


def test_an_outreach_project_recording_no_contacts_is_read_as_entry_and_exit():
    # Every day enrolled is a contact: active until the exit, inactive 90 days after it.
    files = {"enrollments": [enrollment("E1", "P1", "SO", "2025-01-10")],
             "exits": [exit_row("E1", "P1", "2025-08-01", 99)]}
    assert dates(**files) == {"identified": ["2025-01-10"], "inactive": ["2025-10-30"], "active": False}
    files["exits"] = []
    assert dates(**files) == {"identified": ["2025-01-10"], "active": True}


def test_an_outreach_project_is_read_as_entry_and_exit_until_the_first_day_it_records_a_contact():
    # Project SO2 started recording contacts on 1 March (for someone else): P1's enrollment counts each
    # day up to then, and P1's own contacts after it.
    projects = {"SO": 4, "SO2": 4}
    files = {"clients": [client("P1"), client("P2")], "projects": projects,
             "enrollments": [enrollment("E1", "P1", "SO2", "2025-01-10"), enrollment("E2", "P2", "SO2", "2025-03-01")],
             "situations": [living_situation("E2", "P2", "2025-03-01", 116)]}
    assert dates(**files) == {"identified": ["2025-01-10"], "inactive": ["2025-05-30"], "active": False}


# Housed: a move-in in permanent housing, or an exit to a permanent destination.

def test_housed_means_housed_whatever_other_projects_record_until_that_home_is_left():
    home = enrollment("E1", "P1", "PSH", "2025-03-01", living=116, MoveInDate="2025-03-20")
    shelter_later = [enrollment("E2", "P1", "ES", "2025-06-01"), enrollment("E3", "P1", "SO", "2025-09-01")]
    exits = [exit_row("E2", "P1", "2025-06-03", 435)]
    assert dates(enrollments=[home, *shelter_later], exits=exits) == {
        "identified": ["2025-03-01"], "moved_in": ["2025-03-20"], "active": False}
    # After the home is left, the next homeless contact is a return; one on the day it was left counts.
    assert dates(enrollments=[home, *shelter_later], exits=[*exits, exit_row("E1", "P1", "2025-09-01", 99)]) == {
        "identified": ["2025-03-01"], "moved_in": ["2025-03-20"], "returned": ["2025-09-01"], "active": True}


def test_the_heads_move_in_date_counts_for_every_member_of_the_household():
    head = enrollment("E1", "P2", "RRH", "2025-04-01", household="H", MoveInDate="2025-05-01")
    files = {"clients": [client("P1"), client("P2")]}
    # A member enrolled with the head moves in with them...
    assert dates(enrollments=[head, enrollment("E2", "P1", "RRH", "2025-04-01", household="H", relationship=3)],
                 **files) == {"identified": ["2025-04-01"], "moved_in": ["2025-05-01"], "active": False}
    # ...one who joined the household after the move-in, on the day they joined...
    assert dates(enrollments=[head, enrollment("E0", "P1", "ES", "2025-03-01"),
                              enrollment("E2", "P1", "RRH", "2025-06-15", household="H", relationship=3)],
                 **files) == {"identified": ["2025-03-01"], "moved_in": ["2025-06-15"], "active": False}
    # ...and one who left before it, never.
    assert dates(enrollments=[head, enrollment("E2", "P1", "RRH", "2025-04-01", household="H", relationship=3)],
                 exits=[exit_row("E2", "P1", "2025-04-20", 101)], **files) == {
        "identified": ["2025-04-01"], "inactive": ["2025-07-19"], "active": False}


# Housed: a move-in in permanent housing, or an exit to a permanent destination.

def test_a_move_in_in_permanent_housing_houses():
    assert dates(
        enrollments=[enrollment("E1", "P1", "ES", "2025-01-01"),
                     enrollment("E2", "P1", "RRH", "2025-04-01", living=101, MoveInDate="2025-05-15")],
        exits=[exit_row("E1", "P1", "2025-05-15", 435)],  # the shelter's exit names the same home
    ) == {"identified": ["2025-01-01"], "moved_in": ["2025-05-15"], "active": False}


def test_an_exit_to_a_permanent_destination_houses():
    for destination in (410, 422, 435):
        assert dates(
            enrollments=[enrollment("E1", "P1", "ES", "2025-02-01")],
            exits=[exit_row("E1", "P1", "2025-04-01", destination)],
        ) == {"identified": ["2025-02-01"], "moved_in": ["2025-04-01"], "active": False}, destination


def test_a_move_in_date_outside_permanent_housing_does_not_house():
    assert dates(enrollments=[enrollment("E1", "P1", "ES", "2025-10-01", MoveInDate="2025-10-05")]) == {
        "identified": ["2025-10-01"], "active": True}


# Returns: a homeless contact after the person left the list.

def test_back_on_the_street_after_housing_is_a_return_and_housed_again_a_second_move_in():
    assert dates(
        enrollments=[enrollment("E1", "P1", "ES", "2024-02-01"), enrollment("E2", "P1", "SO", "2025-03-01"),
                     enrollment("E3", "P1", "ES", "2025-11-01")],
        exits=[exit_row("E1", "P1", "2024-04-01", 410), exit_row("E2", "P1", "2025-04-10", 423)],
    ) == {"identified": ["2024-02-01"], "returned": ["2025-03-01", "2025-11-01"],
          "moved_in": ["2024-04-01", "2025-04-10"], "active": True}


def test_a_contact_after_inactivity_is_a_return_from_inactive():
    assert dates(
        enrollments=[enrollment("E1", "P1", "SO", "2025-01-05")],
        situations=[living_situation("E1", "P1", d, 116) for d in ("2025-02-01", "2025-08-01", "2025-10-15")],
    ) == {"identified": ["2025-01-05"], "returned": ["2025-08-01"], "inactive": ["2025-05-02"], "active": True}


def test_a_transfer_between_shelters_on_the_same_day_is_neither_an_exit_nor_a_return():
    assert dates(
        enrollments=[enrollment("E1", "P1", "ES", "2025-02-01"), enrollment("E2", "P1", "SH", "2025-06-01")],
        exits=[exit_row("E1", "P1", "2025-06-01", 312)],
    ) == {"identified": ["2025-02-01"], "active": True}


def test_an_exit_while_another_stay_goes_on_says_nothing():
    # Outreach closed the case as housed while the person was still in a shelter.
    assert dates(
        enrollments=[enrollment("E1", "P1", "ES", "2025-02-01"), enrollment("E2", "P1", "SO", "2025-01-15")],
        exits=[exit_row("E2", "P1", "2025-05-01", 410)],
    ) == {"identified": ["2025-01-15"], "active": True}


def test_built_for_zeros_rule_on_the_dates_gives_the_walked_state_on_every_day():
    files = dict(
        clients=[client(p) for p in ("P1", "P2", "P3", "P4")],
        enrollments=[enrollment("E1", "P1", "ES", "2024-02-01"), enrollment("E2", "P1", "SO", "2025-03-01"),
                     enrollment("E3", "P2", "SO", "2025-01-05"), enrollment("E4", "P3", "NBN", "2025-05-01"),
                     enrollment("E5", "P4", "PSH", "2025-06-01", living=116, MoveInDate="2025-06-01")],
        exits=[exit_row("E1", "P1", "2024-04-01", 410), exit_row("E4", "P3", "2025-07-01", 207)],
        situations=[living_situation("E3", "P2", d, 116) for d in ("2025-02-01", "2025-08-01")],
        services=[service("E4", "P3", "2025-06-01")],
    )
    export, _ = hmis_export.open_export(export_zip(**files), "golden.zip", TODAY)
    for day in (D("2024-03-01"), D("2024-06-01"), D("2025-03-15"), D("2025-06-01"), D("2025-07-15"), END):
        export.as_of = day
        result = hmis_export.derive(export)
        walked = dict(result.statuses.select("PersonalID", "state").iter_rows())
        by_rule = dict(zip(result.people["client_id"], hmis_statuses.actively_homeless(result.people, day)))
        assert by_rule == {p: walked[p] == hmis_statuses.ACTIVE for p in walked}, day


def test_every_return_follows_an_exit_and_every_exit_an_entry():
    result = derived(
        enrollments=[enrollment("E1", "P1", "ES", "2023-02-01"), enrollment("E2", "P1", "SO", "2023-09-01"),
                     enrollment("E3", "P1", "ES", "2024-06-01"), enrollment("E4", "P1", "RRH", "2024-07-01",
                                                                            living=101, MoveInDate="2024-09-01"),
                     enrollment("E5", "P1", "SO", "2025-11-01")],
        exits=[exit_row("E1", "P1", "2023-03-01", 207), exit_row("E2", "P1", "2023-10-01", 99),
               exit_row("E3", "P1", "2024-09-01", 435), exit_row("E4", "P1", "2025-06-01", 99)],
    )
    row = result.people.row(0, named=True)
    entries = [("entry", d) for d in row["identified"] + row["returned"]]
    exits = [("exit", d) for d in row["moved_in"] + row["inactive"]]
    kinds = [k for k, _ in sorted(entries + exits, key=lambda e: (e[1], e[0] == "exit"))]
    assert kinds == ["entry", "exit"] * 3 + ["entry"]


# HUD's chronic definition at each enrollment (3.08 and 3.917).

def chronic_at_entry(**fields) -> tuple[str, bool]:
    fields.setdefault("disabling", 1)
    project = fields.pop("project", "ES")
    result = derived(enrollments=[enrollment("E1", "P1", project, "2025-06-01", **fields)])
    row = result.enrollments.row(0, named=True)
    return row["chronic_reason"], row["chronic"]


@pytest.mark.parametrize(("fields", "expected"), [
    # 12 months continuously: the episode began a year or more before entry.
    ({"DateToStreetESSH": "2024-06-01"}, ("continuous_12_months", True)),
    ({"DateToStreetESSH": "2024-06-02", "TimesHomelessPastThreeYears": 1, "MonthsHomelessPastThreeYears": 112},
     ("under_12_months", False)),
    # Four or more times in three years adding up to 12 months or more.
    ({"DateToStreetESSH": "2025-03-01", "TimesHomelessPastThreeYears": 4, "MonthsHomelessPastThreeYears": 112},
     ("four_episodes_12_months", True)),
    ({"TimesHomelessPastThreeYears": 4, "MonthsHomelessPastThreeYears": 113}, ("four_episodes_12_months", True)),
    ({"TimesHomelessPastThreeYears": 3, "MonthsHomelessPastThreeYears": 113}, ("under_12_months", False)),
    ({"TimesHomelessPastThreeYears": 4, "MonthsHomelessPastThreeYears": 111}, ("under_12_months", False)),
    # Not disabled: never chronic, however long homeless.
    ({"disabling": 0, "DateToStreetESSH": "2020-01-01"}, ("not_disabled", False)),
    # Doesn't know, prefers not to answer and not collected are answers, told apart from each other.
    ({"disabling": 8, "DateToStreetESSH": "2020-01-01"}, ("disability_doesnt_know_or_refused", False)),
    ({"disabling": 9, "DateToStreetESSH": "2020-01-01"}, ("disability_doesnt_know_or_refused", False)),
    ({"disabling": 99, "DateToStreetESSH": "2020-01-01"}, ("disability_not_collected", False)),
    ({"disabling": None, "DateToStreetESSH": "2020-01-01"}, ("disability_not_collected", False)),
    ({"TimesHomelessPastThreeYears": 8, "MonthsHomelessPastThreeYears": 113},
     ("history_doesnt_know_or_refused", False)),
    ({"TimesHomelessPastThreeYears": 4, "MonthsHomelessPastThreeYears": 9}, ("history_doesnt_know_or_refused", False)),
    ({"TimesHomelessPastThreeYears": 99, "MonthsHomelessPastThreeYears": 113}, ("history_not_collected", False)),
    ({}, ("history_not_collected", False)),
    # Outside shelter, safe haven and outreach, the prior living situation must be literal homelessness...
    ({"project": "TH", "living": 116, "DateToStreetESSH": "2023-01-01"}, ("continuous_12_months", True)),
    ({"project": "TH", "living": 314, "LengthOfStay": 2, "DateToStreetESSH": "2023-01-01"},
     ("not_homeless_at_entry", False)),
    # ...or under 7 nights elsewhere, after a night on the street or in shelter...
    ({"project": "TH", "living": 314, "LengthOfStay": 11, "PreviousStreetESSH": 1, "DateToStreetESSH": "2023-01-01"},
     ("continuous_12_months", True)),
    ({"project": "TH", "living": 314, "LengthOfStay": 11, "PreviousStreetESSH": 0, "DateToStreetESSH": "2023-01-01"},
     ("not_homeless_at_entry", False)),
    # ...or under 90 days in an institution, after a night on the street or in shelter.
    ({"project": "PSH", "living": 207, "LengthOfStay": 3, "PreviousStreetESSH": 1, "DateToStreetESSH": "2023-01-01"},
     ("continuous_12_months", True)),
    ({"project": "PSH", "living": 207, "LengthOfStay": 4, "PreviousStreetESSH": 1, "DateToStreetESSH": "2023-01-01"},
     ("not_homeless_at_entry", False)),
    ({"project": "PSH", "living": 207, "LOSUnderThreshold": 1, "PreviousStreetESSH": 1,
      "DateToStreetESSH": "2023-01-01"}, ("continuous_12_months", True)),
])
def test_chronic_at_entry_follows_each_branch_of_huds_definition(fields, expected):
    assert chronic_at_entry(**fields) == expected


# HUD's chronic definition over the person's three years to the export's end.

def person_chronic(enrollments, exits=(), services=(), situations=()) -> tuple[bool, str | None]:
    result = derived(enrollments=enrollments, exits=exits, services=services, situations=situations)
    history = result.chronic.row(0, named=True)
    assert result.people["chronic"].to_list() == [history["chronic"]]
    return history["chronic"], history["history_reason"]


def stays(*spans: tuple[str, str], disabling: int = 1, destination: int = 116):
    """Entry/exit shelter stays, each reported at entry as a first, short time homeless."""
    enrollments = [enrollment(f"E{i}", "P1", "ES", start, disabling=disabling, TimesHomelessPastThreeYears=1,
                              MonthsHomelessPastThreeYears=101) for i, (start, _) in enumerate(spans)]
    exits = [exit_row(f"E{i}", "P1", end, destination) for i, (_, end) in enumerate(spans) if end]
    return enrollments, exits


def test_a_year_in_shelter_is_chronic_by_the_history_though_entry_said_otherwise():
    assert person_chronic(*stays(("2024-10-01", None))) == (True, "continuous_12_months")
    assert person_chronic(*stays(("2025-01-05", None))) == (False, None)


def test_four_episodes_adding_up_to_a_year_in_three_years_is_chronic():
    # Three stays of about three months, and a fourth from March still going on 31 December.
    four = [("2023-03-01", "2023-06-15"), ("2023-09-01", "2023-12-15"), ("2024-03-01", "2024-06-15"),
            ("2025-09-01", None)]
    assert person_chronic(*stays(*four)) == (True, "four_episodes_12_months")
    # Three episodes add up to less than a year.
    assert person_chronic(*stays(*four[1:])) == (False, None)
    # Fewer than 7 nights apart is one episode, not two: the break must be 7 nights or more.
    joined = [("2023-03-01", "2023-06-15"), ("2023-06-20", "2023-12-15"), ("2024-03-01", "2024-06-15"),
              ("2025-09-01", None)]
    assert person_chronic(*stays(*joined)) == (False, None)


def test_the_history_without_a_disabling_condition_is_not_chronic():
    assert person_chronic(*stays(("2024-01-01", None), disabling=0)) == (False, "continuous_12_months")
    assert person_chronic(*stays(("2024-01-01", None), disabling=8)) == (False, "continuous_12_months")


def test_time_before_entry_that_the_person_reported_counts_in_the_history():
    enrollments = [enrollment("E1", "P1", "ES", "2025-10-01", disabling=1, DateToStreetESSH="2025-01-01")]
    assert person_chronic(enrollments) == (True, "continuous_12_months")


def test_bed_nights_are_the_nights_a_night_by_night_shelter_counts():
    enrollments = [enrollment("E1", "P1", "NBN", "2024-06-01", disabling=1)]
    nights = [service("E1", "P1", (D("2024-06-01") + dt.timedelta(days=d)).isoformat()) for d in range(0, 400, 3)]
    assert person_chronic(enrollments, services=nights) == (True, "continuous_12_months")
    assert person_chronic(enrollments, services=nights[::3]) == (False, None)  # every 9th night: breaks


def test_chronic_status_is_read_from_the_enrollments_open_that_day():
    # Chronic at the entry of a shelter stay that closed: today's open outreach enrollment, with no
    # disability recorded at its entry, says the person is not chronic now.
    enrollments = [enrollment("E1", "P1", "ES", "2025-06-01", disabling=1, DateToStreetESSH="2024-01-01"),
                   enrollment("E2", "P1", "SO", "2025-07-05")]
    exits = [exit_row("E1", "P1", "2025-07-01", 116)]
    assert person_chronic(enrollments, exits)[0] is False
    # With a disability recorded at the outreach entry, the history (the time before June, the stay,
    # and outreach days since 5 July: fewer than 7 nights apart) is 12 months and more: chronic.
    enrollments[1] = enrollment("E2", "P1", "SO", "2025-07-05", disabling=1)
    assert person_chronic(enrollments, exits) == (True, "continuous_12_months")


def test_someone_housed_keeps_the_chronic_status_they_were_housed_with():
    enrollments = [enrollment("E1", "P1", "ES", "2025-02-01", disabling=1, DateToStreetESSH="2024-01-01")]
    assert person_chronic(enrollments, [exit_row("E1", "P1", "2025-06-01", 435)])[0] is True


def test_an_indefinite_and_impairing_condition_recorded_at_entry_is_a_disability():
    def chronic_with(*conditions) -> bool:
        result = derived(enrollments=[enrollment("E1", "P1", "ES", "2025-06-01", disabling=0,
                                                 DateToStreetESSH="2024-01-01")], disabilities=list(conditions))
        return result.enrollments.row(0, named=True)["chronic"]

    assert chronic_with() is False
    assert chronic_with(disability("E1", "P1", 9)) is True  # mental health, indefinite and impairing
    assert chronic_with(disability("E1", "P1", 9, indefinite=0)) is False  # not expected to last
    assert chronic_with(disability("E1", "P1", 6, indefinite=None)) is True  # developmental: always
    assert chronic_with(disability("E1", "P1", 10, response=3)) is True  # alcohol and drug use
    assert chronic_with(disability("E1", "P1", 9, stage=3)) is False  # recorded at exit, not entry


def test_one_outreach_contact_in_a_month_counts_the_whole_month():
    # Contacts once a month from January 2025 to December: 1 January to 31 December, twelve months.
    days = [f"2025-{m:02d}-15" for m in range(1, 13)]
    enrollments = [enrollment("E1", "P1", "SO", "2025-01-15", disabling=1)]
    assert person_chronic(enrollments, situations=[living_situation("E1", "P1", d, 116) for d in days]) == (
        True, "continuous_12_months")
    # A month with no contact (June) breaks the episode.
    assert person_chronic(enrollments, situations=[living_situation("E1", "P1", d, 116) for d in days
                                                   if d != "2025-06-15"]) == (False, None)


def test_months_homeless_before_entry_are_added_to_the_months_homeless_since():
    # Four times in three years, 10 months (110) at entry on 15 March; shelter since: April, May...
    entry = enrollment("E1", "P1", "ES", "2025-03-15", disabling=1, TimesHomelessPastThreeYears=4,
                       MonthsHomelessPastThreeYears=110)
    assert person_chronic([entry]) == (True, None)
    # Two months since entry (April, May) is 12 by 31 May: one month fewer is not enough.
    assert not person_chronic([entry], [exit_row("E1", "P1", "2025-04-20", 99)])[0]


def test_every_member_of_a_household_whose_head_or_an_adult_is_chronic_is_chronic():
    result = derived(
        clients=[client("A", "1980-01-01"), client("K", "2015-01-01"), client("B", "1985-01-01")],
        enrollments=[enrollment("E1", "A", "ES", "2025-06-01", household="F", disabling=1,
                                DateToStreetESSH="2024-01-01"),
                     enrollment("E2", "K", "ES", "2025-06-01", household="F", relationship=2),
                     enrollment("E3", "B", "ES", "2025-06-01", household="F", relationship=3)])
    assert dict(result.people.select("client_id", "chronic").iter_rows()) == {"A": True, "K": True, "B": True}


# Household type, veteran and the other attributes, as they stand at the export's end.

def test_household_type_comes_from_the_ages_in_the_household_at_entry():
    result = derived(
        clients=[client("A", "1970-05-01"), client("K", "2015-05-01"), client("Y", "2004-03-01"),
                 client("Z", "2005-03-01"), client("S", "1990-01-01"), client("M", "2010-01-01"),
                 client("U", None)],
        enrollments=[
            enrollment("E1", "A", "ES", "2025-06-01", household="F"),
            enrollment("E2", "K", "ES", "2025-06-01", household="F", relationship=2),
            enrollment("E3", "Y", "ES", "2025-06-01", household="Y"),  # 21 and 20: a youth household
            enrollment("E4", "Z", "ES", "2025-06-01", household="Y", relationship=3),
            enrollment("E5", "S", "ES", "2025-06-01"),
            enrollment("E6", "M", "ES", "2025-06-01"),  # 15 and alone: an unaccompanied minor
            enrollment("E7", "U", "ES", "2025-06-01"),
        ],
    )
    assert dict(result.people.select("client_id", "household_type").iter_rows()) == {
        "A": "Family", "K": "Family", "Y": "Youth", "Z": "Youth", "S": "Single adult", "M": "Youth", "U": None}


def test_the_latest_enrollment_gives_the_household_type_and_only_a_yes_makes_a_veteran():
    result = derived(
        clients=[client("P1", "1990-01-01", veteran=1), client("K", "2020-01-01"), client("P2", veteran=8)],
        enrollments=[enrollment("E1", "P1", "ES", "2024-06-01"),
                     enrollment("E2", "P1", "ES", "2025-06-01", household="F"),
                     enrollment("E3", "K", "ES", "2025-06-01", household="F", relationship=2),
                     enrollment("E4", "P2", "ES", "2025-06-01")],
        exits=[exit_row("E1", "P1", "2024-07-01", 101)],
    )
    people = {r["client_id"]: r for r in result.people.iter_rows(named=True)}
    assert (people["P1"]["household_type"], people["P1"]["veteran"], people["P1"]["age"]) == ("Family", True, 35)
    assert people["P2"]["veteran"] is False  # doesn't know: never counted as a veteran


def test_race_ethnicity_and_sex_are_written_the_way_the_equity_page_reads_them():
    from pipelines import equity

    result = derived(clients=[
        client("P1", BlackAfAmerican=1, White=1, HispanicLatinaeo=0, RaceNone=None, Sex=1),
        client("P2", HispanicLatinaeo=1, RaceNone=None, Sex=0),
        client("P3", RaceNone=9, Sex=99),
    ], enrollments=[enrollment(f"E{p}", p, "ES", "2025-06-01") for p in ("P1", "P2", "P3")])
    people = {r["client_id"]: r for r in result.people.iter_rows(named=True)}
    assert [(people[p]["race"], people[p]["ethnicity"], people[p]["gender"]) for p in ("P1", "P2", "P3")] == [
        ("Black, African American or African; White", "Not Hispanic/Latina/e/o", "Male"),
        (None, "Hispanic/Latina/e/o", "Female"),
        ("Client prefers not to answer", "Client prefers not to answer", "Data not collected"),
    ]
    assert equity.race_categories(people["P1"]["race"]) == {equity.BLACK, equity.WHITE}
    assert equity.is_hispanic(people["P1"]["ethnicity"]) is False
    assert equity.is_hispanic(people["P2"]["ethnicity"]) is True
    assert equity.race_categories(people["P3"]["race"]) == frozenset()
