"""A seeded HMIS CSV export of a fictional Continuum of Care, at any number of clients.

Each household's story is drawn once: one to three episodes of homelessness (a shelter, safe haven or
transitional housing stay, or street outreach with a contact every two to six weeks), each ending in a
permanent destination, a move-in through rapid re-housing or supportive housing, an institution or a
temporary place, an exit nobody asked about, or still going at the export's end. Every member of a
household has their own enrollment in each episode. `draw` also says which state each client should be
in at the end, worked out from the story rather than from the records, so the tests can hold the
reader to it.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path
from typing import NamedTuple

import numpy as np
import polars as pl

from pipelines.hmis import spec
from pipelines.hmis.statuses import ACTIVE, HOUSED, INACTIVE, INSTITUTION_DAYS
from pipelines.sample_data import FIRST_NAMES, LAST_NAMES

EPOCH = dt.date(1970, 1, 1)
INACTIVITY_DAYS = 90  # the reader's default, which the expected states assume
MAX_EPISODES = 3
RETURN_CHANCE = 0.3
COC = "XX-500"
LATE_CHANCE = 0.08  # of rows keyed in after the day they describe

SINGLE, FAMILY, YOUTH = 0, 1, 2
HOUSEHOLD_CHANCES = (0.8, 0.12, 0.08)

# Where an episode happens, with each kind's share and mean length of stay in days.
STAY_KINDS = {spec.EMERGENCY_SHELTER_ENTRY_EXIT: (0.5, 75), spec.STREET_OUTREACH: (0.3, 120),
              spec.TRANSITIONAL_HOUSING: (0.12, 200), spec.SAFE_HAVEN: (0.08, 150)}
PERMANENT_EXIT, MOVE_IN, ELSEWHERE, UNKNOWN, STILL_THERE = range(5)
OUTCOME_CHANCES = (0.25, 0.2, 0.2, 0.35)  # of episodes that end before the export's end
DESTINATIONS = {PERMANENT_EXIT: (410, 411, 421, 435), MOVE_IN: (435,), ELSEWHERE: (204, 207, 215, 312, 313, 314),
                UNKNOWN: (8, 17, 30, 99)}
HOUSING_PROGRAMS = (spec.PH_RAPID_REHOUSING, spec.PH_SUPPORTIVE_HOUSING)

PROJECTS_PER_KIND = {spec.EMERGENCY_SHELTER_ENTRY_EXIT: 24, spec.STREET_OUTREACH: 10, spec.TRANSITIONAL_HOUSING: 10,
                     spec.SAFE_HAVEN: 4, spec.PH_RAPID_REHOUSING: 8, spec.PH_SUPPORTIVE_HOUSING: 8}
KIND_NAMES = {spec.EMERGENCY_SHELTER_ENTRY_EXIT: "Shelter", spec.STREET_OUTREACH: "Street Outreach",
              spec.TRANSITIONAL_HOUSING: "Transitional Housing", spec.SAFE_HAVEN: "Safe Haven",
              spec.PH_RAPID_REHOUSING: "Rapid Re-Housing", spec.PH_SUPPORTIVE_HOUSING: "Supportive Housing"}
ORGANIZATIONS = ("Harbor Shelter", "Riverside Outreach", "Northgate Housing", "Eastside Family Services",
                 "Veterans Home Alliance", "Youth Haven", "Lantern House", "Second Street Mission",
                 "Cedar Supportive Housing", "Bridgeway Partners", "Open Door Collaborative", "Hillcrest Services")
RACE_CHANCES = {"White": 0.45, "BlackAfAmerican": 0.33, "AmIndAKNative": 0.06, "Asian": 0.03,
                "NativeHIPacific": 0.02, "MidEastNAfrican": 0.02}
TWO_RACES, RACE_NOT_COLLECTED = 0.06, 0.03


class Sample(NamedTuple):
    tables: dict[str, pl.DataFrame]  # spec file name -> rows under the spec's column names
    expected: pl.DataFrame  # PersonalID, identified, state: what the reader should find at `as_of`
    as_of: dt.date


def _days(day: dt.date) -> int:
    return (day - EPOCH).days


def _date(days) -> pl.Expr:
    return (pl.lit(EPOCH) + pl.duration(days=days)).cast(pl.Date)


def _pick(rng, choices, size, weights=None) -> np.ndarray:
    return np.asarray(choices)[rng.choice(len(choices), size=size, p=weights)]


def draw(clients: int, seed: int = 7, as_of: dt.date = dt.date(2025, 12, 31), years: int = 4) -> Sample:
    rng = np.random.default_rng(seed)
    end = _days(as_of)
    households = _households(rng, clients)
    first_start = end - rng.integers(0, 365 * years, households.height)
    episodes = _episodes(rng, first_start, end)
    members = _members(rng, households, first_start)
    projects = _projects()
    stays = episodes.join(members.select("household", "PersonalID", "head"), on="household")
    stays = stays.sort("episode", "PersonalID").with_row_index("n", offset=1)
    tables = {
        "Export": _export(as_of),
        "Organization": pl.DataFrame({"OrganizationID": [str(i + 1) for i in range(len(ORGANIZATIONS))],
                                      "OrganizationName": list(ORGANIZATIONS), "VictimServiceProvider": 0}),
        "Project": projects,
        "ProjectCoC": projects.select(ProjectCoCID=pl.format("PC{}", "ProjectID"), ProjectID="ProjectID",
                                      CoCCode=pl.lit(COC)),
        "Client": _clients(rng, members),
        "Enrollment": _enrollments(rng, stays, projects, end),
        "Exit": _exits(stays, end),
        "Services": pl.DataFrame(),
        "Disabilities": pl.DataFrame(),
        "Assessment": pl.DataFrame(),
        "Event": pl.DataFrame(),
        "CurrentLivingSituation": _outreach_contacts(stays, end),
    }
    _entered(tables, np.random.default_rng([seed, 1]), as_of)
    return Sample(tables, _expected(episodes, members, end), as_of)


def _entered(tables: dict[str, pl.DataFrame], rng, as_of: dt.date) -> None:
    """When each row was keyed in: most the day it happened, some days or weeks later (late data,
    which an export made in between does not have yet). A generator of its own keeps the story the
    same whatever this draws."""
    made = dt.datetime.combine(as_of + dt.timedelta(days=3), dt.time(6))
    dated_by = {"Enrollment": "EntryDate", "Exit": "ExitDate", "CurrentLivingSituation": "InformationDate"}
    for name, dated in dated_by.items():
        frame = tables[name]
        late = np.where(rng.random(frame.height) < LATE_CHANCE, rng.integers(1, 31, frame.height), 0)
        created = pl.min_horizontal(pl.col(dated).cast(pl.Datetime("us")) + pl.duration(days=pl.Series(late), hours=9),
                                    pl.lit(made))
        tables[name] = frame.with_columns(DateCreated=created, DateUpdated=created)


def _households(rng, clients: int) -> pl.DataFrame:
    kind = rng.choice(3, size=clients, p=HOUSEHOLD_CHANCES)
    size = np.where(kind == FAMILY, rng.integers(2, 5, clients), 1)
    before = np.cumsum(size) - size
    keep = before < clients
    kind, size, before = kind[keep], size[keep], before[keep]
    size[-1] = clients - before[-1]
    return pl.DataFrame({"household": np.arange(len(kind)), "kind": kind, "size": size})


def _members(rng, households: pl.DataFrame, first_start: np.ndarray) -> pl.DataFrame:
    """One row per client; ages are drawn at the household's first entry, so a child stays a child then."""
    people = households.with_columns(first=pl.Series(first_start)).select(
        "household", "kind", "first", position=pl.int_ranges(0, "size")).explode("position")
    n = people.height
    kind = people["kind"].to_numpy()
    head = people["position"].to_numpy() == 0
    age = np.where(kind == YOUTH, rng.integers(18, 25, n),
                   np.where(kind == FAMILY, np.where(head, rng.integers(19, 46, n), rng.integers(0, 18, n)),
                            rng.integers(25, 71, n)))
    birth = people["first"].to_numpy() - (age * 365.25).astype(np.int64) - rng.integers(0, 365, n)
    return people.with_columns(
        PersonalID=pl.int_range(1, n + 1).cast(pl.String), head=pl.Series(head),
        adult=pl.Series(age >= 18), birth=pl.Series(birth),
    )


def _episodes(rng, first_start: np.ndarray, end: int) -> pl.DataFrame:
    """One row per household and episode: where, from when to when, how it ended (in day numbers)."""
    kinds = np.array(list(STAY_KINDS))
    chances = np.array([c for c, _ in STAY_KINDS.values()])
    mean_stay = dict(zip(kinds, (m for _, m in STAY_KINDS.values())))
    frames = []
    who, start = np.arange(len(first_start)), first_start.copy()
    for number in range(MAX_EPISODES):
        n = len(who)
        kind = kinds[rng.choice(len(kinds), size=n, p=chances)]
        stay_end = start + 1 + rng.exponential(np.vectorize(mean_stay.get)(kind)).astype(np.int64)
        outcome = np.where(stay_end > end, STILL_THERE, rng.choice(4, size=n, p=OUTCOME_CHANCES))
        move_in = np.where(outcome == MOVE_IN, stay_end + rng.integers(0, 61, n), -1)
        settled = np.where(outcome == MOVE_IN, move_in, stay_end)
        next_start = settled + 30 + rng.exponential(240, n).astype(np.int64)
        again = ((outcome != STILL_THERE) & (rng.random(n) < RETURN_CHANCE) & (next_start <= end)
                 & (number < MAX_EPISODES - 1))
        frames.append(pl.DataFrame({
            "household": who, "number": number, "start": start, "kind": kind, "stay_end": stay_end,
            "outcome": outcome, "move_in": move_in, "housing_program": _pick(rng, HOUSING_PROGRAMS, n, (0.6, 0.4)),
            "housing_exit": np.where(again & (outcome == MOVE_IN), next_start - 1, -1),
            "destination": _destinations(rng, outcome), "visit_every": rng.integers(14, 46, n),
            "last": ~again,
        }))
        who, start = who[again], next_start[again]
    return pl.concat(frames).sort("household", "number").with_row_index("episode", offset=1)


def _destinations(rng, outcome: np.ndarray) -> np.ndarray:
    out = np.full(len(outcome), -1)
    for kind, codes in DESTINATIONS.items():
        mask = outcome == kind
        out[mask] = _pick(rng, codes, int(mask.sum()))
    return out


def _expected(episodes: pl.DataFrame, members: pl.DataFrame, end: int) -> pl.DataFrame:
    """Each client's state at the end from the story: only the last episode decides it, since each
    episode starts after the previous one has settled."""
    outcome, stay_end = pl.col("outcome"), pl.col("stay_end")
    state = (pl.when(outcome == STILL_THERE).then(pl.lit(ACTIVE))
             .when(outcome == PERMANENT_EXIT).then(pl.lit(HOUSED))
             .when(outcome == MOVE_IN).then(pl.when(pl.col("move_in") <= end).then(pl.lit(HOUSED))
                                            .otherwise(pl.lit(ACTIVE)))
             .when((outcome == ELSEWHERE) & (pl.col("destination") // 100 == spec.INSTITUTIONAL)).then(
                 pl.when(end - stay_end >= INSTITUTION_DAYS).then(pl.lit(INACTIVE)).otherwise(pl.lit(ACTIVE)))
             .when(outcome == ELSEWHERE).then(pl.lit(INACTIVE))
             .when(end - stay_end >= INACTIVITY_DAYS).then(pl.lit(INACTIVE))
             .otherwise(pl.lit(ACTIVE)))
    first = episodes.group_by("household").agg(identified=_date(pl.col("start").min()))
    last = episodes.filter("last").select("household", state.alias("state"))
    return (members.select("household", "PersonalID").join(first, on="household").join(last, on="household")
            .select("PersonalID", "identified", "state").sort(pl.col("PersonalID").cast(pl.Int64)))


def _projects() -> pl.DataFrame:
    rows = []
    for kind, count in PROJECTS_PER_KIND.items():
        for i in range(count):
            org = (len(rows) % len(ORGANIZATIONS)) + 1
            rows.append({"ProjectID": str(len(rows) + 1), "OrganizationID": str(org),
                         "ProjectName": f"{ORGANIZATIONS[org - 1]} {KIND_NAMES[kind]} {i + 1}",
                         "ProjectType": kind, "ContinuumProject": 1, "OperatingStartDate": dt.date(2015, 1, 1)})
    return pl.DataFrame(rows)


def _export(as_of: dt.date) -> pl.DataFrame:
    return pl.DataFrame([{
        "ExportID": "1", "SourceType": 1, "SourceName": "Fictional County CoC", "ExportDate":
        dt.datetime.combine(as_of + dt.timedelta(days=3), dt.time(6)), "ExportStartDate": dt.date(2015, 1, 1),
        "ExportEndDate": as_of, "SoftwareName": "Fictional HMIS", "SoftwareVersion": "1.0",
        "ExportPeriodType": 3, "ExportDirective": 2, "HashStatus": 1,
    }])


def _clients(rng, members: pl.DataFrame) -> pl.DataFrame:
    n = members.height
    adult = members["adult"].to_numpy()
    ssn = rng.integers(1, 900, n) * 1_000_000 + rng.integers(1, 100, n) * 10_000 + rng.integers(1, 10_000, n)
    ssn_known = rng.random(n) > 0.04
    race = rng.choice(len(RACE_CHANCES), size=n, p=np.array(list(RACE_CHANCES.values())) / sum(RACE_CHANCES.values()))
    second = np.where(rng.random(n) < TWO_RACES, (race + 1 + rng.integers(0, len(RACE_CHANCES) - 1, n))
                      % len(RACE_CHANCES), -1)
    no_race = rng.random(n) < RACE_NOT_COLLECTED
    flags = {flag: np.where(no_race, 0, ((race == i) | (second == i)).astype(int))
             for i, flag in enumerate(RACE_CHANCES)}
    return members.select(
        "PersonalID",
        FirstName=pl.Series(_pick(rng, FIRST_NAMES, n)), LastName=pl.Series(_pick(rng, LAST_NAMES, n)),
        NameDataQuality=pl.lit(1),
        SSN=pl.when(pl.Series(ssn_known)).then(pl.Series(np.char.zfill(ssn.astype(str), 9))),
        SSNDataQuality=pl.Series(np.where(ssn_known, 1, 99)),
        DOB=_date(pl.col("birth")), DOBDataQuality=pl.lit(1),
        Sex=pl.Series(_pick(rng, (0, 1, 99), n, (0.4, 0.58, 0.02))),
        **{flag: pl.Series(values) for flag, values in flags.items()},
        **{spec.HISPANIC_FLAG: pl.Series(np.where(no_race, 0, (rng.random(n) < 0.19).astype(int)))},
        RaceNone=pl.when(pl.Series(no_race)).then(pl.lit(99)),
        VeteranStatus=pl.Series(np.where(adult, (rng.random(n) < 0.07).astype(int), 99)),
    )


def _enrollments(rng, stays: pl.DataFrame, projects: pl.DataFrame, end: int) -> pl.DataFrame:
    """Each member's enrollment in each episode, and in the housing programme of those who moved in."""
    n = stays.height
    entry = pl.col("start")
    homeless = stays.with_columns(
        EnrollmentID=pl.col("n").cast(pl.String), stay=pl.lit("S"),
        ProjectID=_project_of(rng, stays["kind"].to_numpy(), projects),
        EntryDate=_date(entry),
        LivingSituation=pl.Series(_pick(rng, (116, 101, 118), n, (0.6, 0.3, 0.1))),
        DateOfEngagement=pl.when(pl.col("kind") == spec.STREET_OUTREACH).then(
            _date(pl.min_horizontal(entry + 3, pl.col("stay_end"), pl.lit(end)))),
        MoveInDate=pl.lit(None, pl.Date),
    )
    housed = stays.filter(pl.col("outcome") == MOVE_IN)
    housing = housed.with_columns(
        EnrollmentID=(pl.col("n") + n).cast(pl.String), stay=pl.lit("H"),
        ProjectID=_project_of(rng, housed["housing_program"].to_numpy(), projects),
        EntryDate=_date(pl.col("stay_end")),
        LivingSituation=pl.lit(116, pl.Int64),  # they came from the homeless episode just before
        DateOfEngagement=pl.lit(None, pl.Date),
        MoveInDate=pl.when(pl.col("move_in") <= end).then(_date(pl.col("move_in"))),
    )
    both = pl.concat([homeless, housing])
    m = both.height
    # Self-reported history (3.917): how long and how often homeless before entry, disabling condition.
    before = rng.integers(0, 900, m)
    return both.select(
        "EnrollmentID", "PersonalID", "ProjectID", "EntryDate",
        HouseholdID=pl.format("{}{}-{}", "stay", "household", "number"),
        RelationshipToHoH=pl.when("head").then(1).otherwise(2), EnrollmentCoC=pl.when("head").then(pl.lit(COC)),
        LivingSituation="LivingSituation",
        LengthOfStay=pl.Series(_pick(rng, (2, 3, 4, 5, 10, 11), m)),
        LOSUnderThreshold=pl.lit(1), PreviousStreetESSH=pl.lit(1),
        DateToStreetESSH=pl.col("EntryDate") - pl.duration(days=pl.Series(before)),
        TimesHomelessPastThreeYears=pl.Series(_pick(rng, (1, 2, 3, 4, 8, 99), m, (0.45, 0.2, 0.1, 0.2, 0.02, 0.03))),
        MonthsHomelessPastThreeYears=pl.Series(rng.integers(101, 114, m)),
        DisablingCondition=pl.Series(_pick(rng, (0, 1, 8, 99), m, (0.6, 0.36, 0.02, 0.02))),
        DateOfEngagement="DateOfEngagement", MoveInDate="MoveInDate",
    )


def _project_of(rng, kinds: np.ndarray, projects: pl.DataFrame) -> pl.Series:
    out = np.empty(len(kinds), dtype=object)
    for kind in np.unique(kinds):
        ids = projects.filter(pl.col("ProjectType") == int(kind))["ProjectID"].to_numpy()
        mask = kinds == kind
        out[mask] = ids[rng.integers(0, len(ids), int(mask.sum()))]
    return pl.Series(out.astype(str))


def _exits(stays: pl.DataFrame, end: int) -> pl.DataFrame:
    n = stays.height
    # Those matched to a housing programme stay where they are until they move in.
    moved = pl.col("outcome") == MOVE_IN
    ended = stays.filter((pl.col("outcome") != STILL_THERE) & (~moved | (pl.col("move_in") <= end))).select(
        "n", "PersonalID", ExitDate=_date(pl.when(moved).then("move_in").otherwise("stay_end")),
        Destination=pl.col("destination"))
    # A housing programme left before a later episode: where to was not asked.
    left_housing = stays.filter(pl.col("housing_exit") >= 0).select(
        n=pl.col("n") + n, PersonalID="PersonalID", ExitDate=_date(pl.col("housing_exit")),
        Destination=pl.lit(99, pl.Int64))
    return pl.concat([ended, left_housing]).sort("n").select(
        ExitID=pl.col("n").cast(pl.String), EnrollmentID=pl.col("n").cast(pl.String),
        PersonalID="PersonalID", ExitDate="ExitDate", Destination="Destination")


def _outreach_contacts(stays: pl.DataFrame, end: int) -> pl.DataFrame:
    """Street outreach's contacts: one every `visit_every` days from entry, and one on the exit day."""
    outreach = stays.filter(pl.col("kind") == spec.STREET_OUTREACH).with_columns(
        until=pl.min_horizontal("stay_end", pl.lit(end)))
    visits = outreach.select(
        "n", "PersonalID", "start", "visit_every",
        visit=pl.int_ranges(0, (pl.col("until") - pl.col("start")) // pl.col("visit_every") + 1),
    ).explode("visit").select("n", "PersonalID", day=pl.col("start") + pl.col("visit") * pl.col("visit_every"))
    last = outreach.filter(pl.col("outcome") != STILL_THERE).select("n", "PersonalID", day=pl.col("stay_end"))
    contacts = pl.concat([visits, last]).unique(["n", "day"]).sort("n", "day")
    return contacts.with_row_index("id", offset=1).select(
        CurrentLivingSitID=pl.col("id").cast(pl.String), EnrollmentID=pl.col("n").cast(pl.String),
        PersonalID="PersonalID", InformationDate=_date(pl.col("day")), CurrentLivingSituation=pl.lit(116),
    )


def export_zip(sample: Sample, version: int = spec.FY2026) -> bytes:
    """The export as an HMIS would hand it over: a zip of CSV files with every column of the spec."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, frame in sample.tables.items():
            frame = _as_version(name, frame, version)
            columns = spec.columns_of(name, version)
            if frame.width == 0:
                frame = pl.DataFrame(schema={c: pl.String for c in columns})
            full = frame.select([pl.col(c) if c in frame.columns else pl.lit(None, pl.String).alias(c)
                                 for c in columns])
            if "ExportID" in columns and name != "Export":
                full = full.with_columns(ExportID=pl.lit("1"))
            if name == "Export":
                full = full.with_columns(CSVVersion=pl.lit(f"{version} v1.0"))
            text = io.BytesIO()
            full.write_csv(text, datetime_format="%Y-%m-%d %H:%M:%S", date_format="%Y-%m-%d")
            # A fixed date in the zip: the same seed gives the same bytes, whatever the clock says.
            entry = zipfile.ZipInfo(f"{name}.csv", date_time=(2020, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(entry, text.getvalue(), compresslevel=1)
    return out.getvalue()


def _as_version(name: str, frame: pl.DataFrame, version: int) -> pl.DataFrame:
    """FY2024 asked gender as flags where FY2026 asks sex."""
    if name != "Client" or version == spec.FY2026:
        return frame
    sex = pl.col("Sex")
    return frame.with_columns(
        Woman=(sex == 0).cast(pl.Int32), Man=(sex == 1).cast(pl.Int32),
        GenderNone=pl.when(sex == 99).then(pl.lit(99)),
        **{flag: pl.lit(0) for flag in spec.GENDER_FLAGS if flag not in ("Woman", "Man")},
    ).drop("Sex")


def write_export(clients: int, out: Path, seed: int = 7, version: int = spec.FY2026,
                 as_of: dt.date = dt.date(2025, 12, 31)) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(export_zip(draw(clients, seed=seed, as_of=as_of), version))
    return out
