"""A seeded generator of Early Intervention referrals for the fictional Harbor County, with its
reference population.

One year of referrals with realistic clocks (most initial IFSP meetings within 45 days, some late
with documented exceptional family circumstances, some late without; services mostly within 30
days; transition steps before the 3rd birthday, with whether each child is potentially eligible for
Part B, the State's notice and a few conferences the family declined) and exits under the 10 federal
reasons. Two gaps are built in for the equity pages to find: Eastgate's referral rate per 1,000
children under 3 is 30% below the rest of the county, and Black children (alone or with another race)
are lost (withdrawn or not reached) between referral and evaluation about three times as often as
other children.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import polars as pl

from pipelines.early_intervention.referrals import EXIT_REASON_NAMES, EXIT_REASONS
from pipelines.reference_population import ALL, HUD_RACE_GROUPS, MULTIRACIAL, RACE_GROUPS
from pipelines.sample_data import FIRST_NAMES, LAST_NAMES

# The homelessness sample's community (pipelines/cli.py SAMPLE_COMMUNITY), so both programs share a place.
COMMUNITY = "Harbor County"
LAST_DAY = dt.date(2025, 12, 31)
SAMPLE_REFERRALS = 1200
SAMPLE_SEED = 11

AIAN, ASIAN, BLACK, HISPANIC, MENA, NHPI, WHITE = HUD_RACE_GROUPS


# name, ZIP codes, population, people in poverty, children under 3, referral rate against the rest
NEIGHBORHOODS = (
    ("Harborview", ("02841", "02842"), 72_000, 9_400, 2_300, 1.0),
    ("Millbrook", ("02845",), 58_000, 6_100, 1_900, 1.0),
    ("Eastgate", ("02848", "02849"), 66_000, 17_800, 2_500, 0.7),
    ("Cedar Flats", ("02851",), 49_000, 12_700, 1_800, 1.0),
    ("Lantern Hill", ("02853", "02854"), 61_000, 4_300, 1_700, 1.0),
    ("South Wharf", ("02857",), 54_000, 11_900, 1_800, 1.0),
)
UNDER_REFERRED = "Eastgate"
# Children under 1 of each neighbourhood (a third of its children under 3, a few more where families are
# young), for OSEP's indicator 5; kept apart from NEIGHBORHOODS, which the referrals are drawn from.
CHILDREN_UNDER_1 = {"Harborview": 780, "Millbrook": 630, "Eastgate": 860, "Cedar Flats": 610, "Lantern Hill": 560,
                    "South Wharf": 610}
# Who the children are, as race answers (several allowed) and Hispanic yes/no, with each answer's share
# of the population, of people in poverty and of children under 3. Referrals are drawn at parity
# with children under 3, so only the built-in gaps stand out.
RACE_PROFILES = (
    ((WHITE,), False, 0.470, 0.250, 0.400),
    ((BLACK,), False, 0.210, 0.328, 0.245),
    ((), True, 0.110, 0.170, 0.140),
    ((WHITE,), True, 0.060, 0.080, 0.060),
    ((BLACK,), True, 0.010, 0.015, 0.012),
    ((ASIAN,), False, 0.075, 0.060, 0.073),
    ((AIAN,), False, 0.010, 0.016, 0.010),
    ((MENA,), False, 0.016, 0.022, 0.017),
    ((NHPI,), False, 0.004, 0.006, 0.004),
    ((WHITE, BLACK), False, 0.015, 0.030, 0.018),
    ((WHITE, ASIAN), False, 0.011, 0.008, 0.012),
    ((BLACK, AIAN), False, 0.004, 0.008, 0.004),
    ((WHITE, AIAN), False, 0.005, 0.007, 0.005),
)
LOST_MORE = BLACK  # everyone who names it, alone or with another race
LOST_BEFORE_EVALUATION = 0.09  # share of referrals withdrawn or not reached before evaluation
LOST_MORE_FACTOR = 3.0
ELIGIBLE_SHARE = 0.70
REPEAT_SHARE = 0.03  # referrals of a child already referred this year whose first referral closed
# Exits at the 3rd birthday, by reason: most go on to preschool special education (Part B).
EXITS_AT_THREE = {2: 0.60, 3: 0.05, 4: 0.12, 5: 0.05, 6: 0.18}
EARLY_EXIT_SHARE = 0.24  # eligible children who leave before turning 3
EARLY_EXITS = {1: 0.40, 7: 0.01, 8: 0.20, 9: 0.24, 10: 0.15}
# Indicator 8's columns came after the others: drawn from a generator of their own, so that adding them left
# every other column of the checked-in sample as it was.
TRANSITION_STREAM = 8
NOT_PART_B_SHARE = 0.06  # of children with an IFSP, found not potentially eligible for Part B...
PART_B_UNRECORDED_SHARE = 0.03  # ...or with nothing recorded
NOT_PART_B_AFTER = {1: 1.0, 4: 0.4, 5: 0.6}  # more often among those exiting for these reasons
SEA_SAME_DAY_SHARE = 0.80  # the State is told with the school district, or a few days later...
SEA_MISSING_SHARE = 0.07  # ...or not at all
DECLINED_SHARE = 0.35  # of potentially eligible children in transition without a conference

SOURCES = ("Physician", "Parent", "Hospital/NICU", "Child Welfare", "Early Care and Education", "Other")
SOURCE_WEIGHTS = (0.38, 0.22, 0.12, 0.10, 0.10, 0.08)
COORDINATORS = ("Maya Castell", "Jon Pettigrew", "Rosa Ibarra", "Theo Whitlock", "Grace Okafor", "Nadia Fenwick")

HEADERS = {
    "client_id": "Child ID", "first_name": "First Name", "last_name": "Last Name", "birth_date": "Date of Birth",
    "sex": "Sex", "race": "Race", "hispanic": "Hispanic", "zip": "ZIP", "neighborhood": "Neighborhood",
    "referred": "Referral Date", "referral_source": "Referral Source", "evaluated": "Evaluation Date",
    "eligible": "Eligibility", "eligibility_decided": "Eligibility Date", "ifsp": "IFSP Date",
    "exceptional": "Exceptional Family Circumstance", "service_start": "Service Start Date",
    "transition_steps": "Transition Steps Date", "part_b_potential": "Potentially Eligible for Part B",
    "lea_notified": "LEA Notification Date", "sea_notified": "SEA Notification Date",
    "transition_conference": "Transition Conference Date", "conference_declined": "Transition Conference Declined",
    "exited": "Exit Date", "exit_reason": "Exit Reason",
    "service_coordinator": "Service Coordinator",
}
DATE_STYLES = (("%-m/%-d/%Y", 0.85), ("%Y-%m-%d", 0.10), ("%B %-d, %Y", 0.05))
NEVER = np.iinfo(np.int32).max // 2
EPOCH = dt.date(1970, 1, 1)


def _quotas(total: int, weights) -> np.ndarray:
    """Whole counts in proportion to `weights` that add up to `total` (largest remainders)."""
    share = np.asarray(weights, dtype=float) / np.sum(weights) * total
    counts = np.floor(share).astype(np.int64)
    counts[np.argsort(-(share - counts), kind="stable")[: total - counts.sum()]] += 1
    return counts


def _third_birthdays(birth: np.ndarray) -> np.ndarray:
    return pl.Series(birth, dtype=pl.Int32).cast(pl.Date).dt.offset_by("3y").cast(pl.Int64).to_numpy()


class _Draws:
    """Uniform draws fixed per referral, so a story can be retold with another birth date."""

    def __init__(self, rng: np.random.Generator, n: int):
        self.rng, self.n, self.u = rng, n, {}

    def __call__(self, name: str) -> np.ndarray:
        if name not in self.u:
            self.u[name] = self.rng.random(self.n)
        return self.u[name]

    def days(self, name: str, low, high) -> np.ndarray:
        """Whole days from low to high inclusive."""
        low, high = np.asarray(low), np.asarray(high)
        return low + np.floor(self(name) * (np.maximum(high, low) - low + 1)).astype(np.int64)

    def pick(self, name: str, weights: dict) -> np.ndarray:
        keys = np.array(list(weights))
        edges = np.cumsum(list(weights.values()))
        return keys[np.minimum(np.searchsorted(edges / edges[-1], self(name), side="right"), len(keys) - 1)]


def _story(referred, birth, lost_more, u: _Draws, last_day: int) -> dict[str, np.ndarray]:
    """Every date of each referral's life as day numbers (NEVER: it did not happen or has not yet)."""
    n = len(referred)
    never = np.full(n, NEVER, dtype=np.int64)
    third = _third_birthdays(birth)
    referred_on = third - referred < 45  # too close to 3 to evaluate: sent on to the school district
    lost = ~referred_on & (u("lost") < np.where(lost_more, LOST_BEFORE_EVALUATION * LOST_MORE_FACTOR,
                                                LOST_BEFORE_EVALUATION))
    evaluated = ~referred_on & ~lost

    # The 45-day clock: most meetings in time, some late with a documented family reason, some late.
    clock = u("clock")
    exceptional = evaluated & (clock >= 0.85) & (clock < 0.93)
    ifsp_days = np.where(clock < 0.85, u.days("ifsp", 18, 45),
                         np.where(exceptional, u.days("ifsp", 46, 95), u.days("ifsp", 46, 80)))
    eval_days = np.maximum(3, np.round(ifsp_days * (0.35 + 0.4 * u("evaluation"))).astype(np.int64))
    decided_days = eval_days + u.days("decision", 0, np.minimum(7, ifsp_days - eval_days))
    eligible = evaluated & (u("eligible") < ELIGIBLE_SHARE)
    ifsp = np.where(eligible, referred + ifsp_days, never)
    service = np.where(eligible, ifsp + np.where(u("service") < 0.85, u.days("service_days", 1, 30),
                                                 u.days("service_days", 31, 70)), never)

    early = eligible & (u("early") < EARLY_EXIT_SHARE) & (third - 1 - service > 60)
    early_exit = service + 30 + np.floor(u("early_day") * np.maximum(third - 1 - service - 30, 0)).astype(np.int64)
    exited = np.select(
        [referred_on, lost, evaluated & ~eligible, early, eligible],
        [referred + u.days("quick", 3, 14), referred + u.days("quick", 14, 60),
         referred + decided_days + u.days("quick", 0, 10), early_exit, third - 1],
        never,
    )
    reason = np.select(
        [referred_on, lost, evaluated & ~eligible, early, eligible],
        # A referral sent on is closed without Part C learning whether Part B found the child eligible.
        [6, np.where(u("lost_reason") < 0.55, 9, 10), 1, u.pick("early_reason", EARLY_EXITS),
         u.pick("at_three", EXITS_AT_THREE)],
        0,
    )

    # Transition: steps, district notice and conference between 9 months and 90 days before turning 3,
    # a few late; never before the IFSP, and only for children still in the program.
    def transition(name, late_share):
        due = np.where(u(name) < late_share, third - u.days(name + "_days", 20, 89),
                       third - u.days(name + "_days", 90, 270))
        when = np.maximum(due, ifsp + 7)
        return np.where(eligible & (ifsp < third - 30) & (when < exited), when, never)

    story = {
        "referred": referred, "birth_date": birth,
        "evaluated": np.where(evaluated, referred + eval_days, never),
        "eligibility_decided": np.where(evaluated, referred + decided_days, never),
        "ifsp": ifsp, "service_start": service,
        "transition_steps": transition("steps", 0.10),
        "lea_notified": transition("lea", 0.10),
        "transition_conference": transition("conference", 0.15),
        "exited": exited,
    }
    # What the data system shows on the last day: later events have not happened yet.
    story = {k: np.where(v <= last_day, v, NEVER) for k, v in story.items()}
    story["eligible"] = np.where(story["eligibility_decided"] < NEVER, eligible, False)
    story["decided"] = story["eligibility_decided"] < NEVER
    story["exit_reason"] = np.where(story["exited"] < NEVER, reason, 0)
    story["exceptional"] = exceptional & eligible & (referred + 45 <= last_day)
    return story


def _transition_answers(story: dict, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Whether each child is potentially eligible for Part B (and whether that is recorded), the day the State
    education agency was told (NEVER: not), and whether the family declined the conference."""
    n = len(story["referred"])
    had_ifsp = story["ifsp"] < NEVER
    no_after = np.vectorize(lambda code: NOT_PART_B_AFTER.get(int(code), 0.0))(story["exit_reason"])
    not_part_b = rng.random(n) < np.maximum(no_after, NOT_PART_B_SHARE)
    unrecorded = rng.random(n) < PART_B_UNRECORDED_SHARE
    recorded = had_ifsp & ~unrecorded
    potential = recorded & ~not_part_b
    lea = story["lea_notified"]
    delay = np.where(rng.random(n) < SEA_SAME_DAY_SHARE, 0, rng.integers(1, 11, n))
    sea = lea + delay
    told = potential & (lea < NEVER) & (rng.random(n) >= SEA_MISSING_SHARE)
    told &= (sea <= story["last_day"]) & (sea < story["exited"])
    in_transition = (story["transition_steps"] < NEVER) | (lea < NEVER)
    declined = potential & in_transition & (story["transition_conference"] == NEVER) & (rng.random(n) < DECLINED_SHARE)
    return {"part_b_potential": potential, "part_b_recorded": recorded, "sea_notified": np.where(told, sea, NEVER),
            "conference_declined": declined}


def _repeats(frame: pl.DataFrame, story: dict, rng: np.random.Generator, last_day: int) -> np.ndarray:
    """For some referrals, the earlier referral of the same child (its row), else -1: a child whose
    first referral closed (not eligible, withdrawn, not reached) and who was referred again."""
    source = np.full(frame.height, -1)
    closed = np.isin(story["exit_reason"], (1, 9, 10)) & (story["exited"] <= last_day - 45)
    third = _third_birthdays(story["birth_date"])
    referred = story["referred"]
    used = np.zeros(frame.height, dtype=bool)
    for name, count in zip(*np.unique(frame["neighborhood"].to_numpy(), return_counts=True)):
        rows = np.flatnonzero(frame["neighborhood"].to_numpy() == name)
        wanted = int(round(count * REPEAT_SHARE))
        for first in rng.permutation(rows[closed[rows]]):
            if wanted == 0:
                break
            if used[first]:
                continue
            later = rows[~used[rows] & (referred[rows] >= story["exited"][first] + 14)
                         & (referred[rows] < third[first] - 60)]
            if len(later):
                again = rng.choice(later)
                source[again], used[again], used[first] = first, True, True
                wanted -= 1
    return source


def draw_referrals(n: int = SAMPLE_REFERRALS, seed: int = SAMPLE_SEED, last_day: dt.date = LAST_DAY) -> pl.DataFrame:
    """One year of referrals ending on `last_day`, typed as `referrals.read_referrals` returns them."""
    rng = np.random.default_rng(seed)
    end = (last_day - EPOCH).days
    names = [nb[0] for nb in NEIGHBORHOODS]
    quotas = _quotas(n, [nb[4] * nb[5] for nb in NEIGHBORHOODS])
    neighborhood = rng.permutation(np.repeat(np.arange(len(NEIGHBORHOODS)), quotas))
    referred = end - 364 + rng.integers(0, 365, n)
    # Age at referral: some at birth or in the NICU, most in the second year when delays show.
    age_band = rng.choice(5, size=n, p=(0.12, 0.23, 0.45, 0.18, 0.02))
    low, high = np.array([0, 180, 540, 900, 1052])[age_band], np.array([180, 540, 900, 1050, 1094])[age_band]
    birth = referred - (low + np.floor(rng.random(n) * (high - low)).astype(np.int64))
    profile = rng.choice(len(RACE_PROFILES), size=n, p=[p[4] for p in RACE_PROFILES])
    race_text = np.array(["; ".join(p[0]) or None for p in RACE_PROFILES], dtype=object)
    zips = np.array([rng.choice(NEIGHBORHOODS[k][1]) for k in neighborhood])
    frame = pl.DataFrame({
        "client_id": [f"EI-{i}" for i in rng.choice(np.arange(100_000, 1_000_000), size=n, replace=False)],
        "first_name": rng.choice(FIRST_NAMES, n),
        "last_name": rng.choice(LAST_NAMES, n),
        "sex": np.where(rng.random(n) < 0.62, "Male", "Female"),
        "race": race_text[profile],
        "hispanic": np.array([p[1] for p in RACE_PROFILES])[profile],
        "zip": zips,
        "neighborhood": np.array(names)[neighborhood],
        "referral_source": rng.choice(SOURCES, n, p=SOURCE_WEIGHTS),
        "service_coordinator": rng.choice(COORDINATORS, n),
        "lost_more": np.array([LOST_MORE in p[0] for p in RACE_PROFILES])[profile],
    })
    draws = _Draws(rng, n)
    story = _story(referred, birth, frame["lost_more"].to_numpy(), draws, end)
    again = _repeats(frame, story, rng, end)
    repeat = again >= 0
    if repeat.any():
        # The child referred again keeps who they are; only the new referral's story is retold.
        same = ["client_id", "first_name", "last_name", "sex", "race", "hispanic", "zip", "lost_more"]
        index = pl.Series(np.where(repeat, again, np.arange(n)))
        frame = frame.with_columns(frame.select(same)[index].get_columns())
        birth = np.where(repeat, birth[np.where(repeat, again, 0)], birth)
        story = _story(referred, birth, frame["lost_more"].to_numpy(), draws, end)
    story |= _transition_answers(story | {"last_day": end}, np.random.default_rng((seed, TRANSITION_STREAM)))

    def day(name):
        values = pl.Series(story[name])
        return pl.when(values < NEVER).then(values.cast(pl.Int32)).cast(pl.Date).alias(name)

    return frame.select(
        "client_id", "first_name", "last_name", day("birth_date"), "sex", "race", "hispanic", "zip",
        "neighborhood", "referral_source", day("referred"), day("evaluated"),
        pl.when(pl.Series(story["decided"])).then(pl.Series(story["eligible"])).alias("eligible"),
        day("eligibility_decided"), day("ifsp"), pl.Series("exceptional", story["exceptional"]),
        day("service_start"), day("transition_steps"),
        pl.when(pl.Series(story["part_b_recorded"])).then(pl.Series(story["part_b_potential"]))
        .alias("part_b_potential"), day("lea_notified"), day("sea_notified"), day("transition_conference"),
        pl.Series("conference_declined", story["conference_declined"], dtype=pl.Boolean), day("exited"),
        pl.when(pl.Series(story["exit_reason"]) > 0).then(pl.Series(story["exit_reason"])).cast(pl.Int8)
        .alias("exit_reason"),
        "service_coordinator",
    ).sort("referred", "client_id")


def _written_date(name: str) -> pl.Expr:
    date = pl.col(name)
    text = pl.when(pl.col("date_style") == 0).then(date.dt.strftime(DATE_STYLES[0][0]))
    for i, (style, _) in enumerate(DATE_STYLES[1:], start=1):
        text = text.when(pl.col("date_style") == i).then(date.dt.strftime(style))
    return text.alias(name)


def extract(referrals: pl.DataFrame, seed: int = SAMPLE_SEED) -> pl.DataFrame:
    """The referrals as a state data system exports them: text, mixed date styles, loose spellings."""
    rng = np.random.default_rng(seed + 1)
    n = referrals.height
    federal_names = {code: names[0] for code, names in EXIT_REASON_NAMES.items()}
    style = rng.random(n)
    word = rng.random(n)
    return referrals.with_columns(
        pl.Series("date_style", rng.choice(len(DATE_STYLES), n, p=[w for _, w in DATE_STYLES])),
        pl.Series("word", word),
        pl.Series("style", style),
    ).select(
        "client_id", "first_name", "last_name", _written_date("birth_date"), "sex", "race",
        pl.when(pl.col("word") < 0.9).then(pl.col("hispanic").replace_strict({True: "Yes", False: "No"}))
        .otherwise(pl.col("hispanic").replace_strict({True: "Y", False: "N"})).alias("hispanic"),
        "zip", "neighborhood", _written_date("referred"), "referral_source", _written_date("evaluated"),
        pl.when(pl.col("word") < 0.95)
        .then(pl.col("eligible").replace_strict({True: "Eligible", False: "Not Eligible"}))
        .otherwise(pl.col("eligible").replace_strict({True: "eligible", False: "Not eligible"})).alias("eligible"),
        _written_date("eligibility_decided"), _written_date("ifsp"),
        pl.when(pl.col("exceptional")).then(pl.lit("Yes")).alias("exceptional"),
        *[_written_date(c) for c in ("service_start", "transition_steps")],
        pl.col("part_b_potential").replace_strict({True: "Yes", False: "No"}, default=None),
        *[_written_date(c) for c in ("lea_notified", "sea_notified", "transition_conference")],
        pl.when(pl.col("conference_declined")).then(pl.lit("Yes")).alias("conference_declined"),
        _written_date("exited"),
        # Most systems write the federal name; some export the code; a few a short label.
        pl.when(pl.col("style") < 0.55).then(pl.col("exit_reason").replace_strict(federal_names, default=None))
        .when(pl.col("style") < 0.85).then(pl.col("exit_reason").cast(pl.String))
        .otherwise(pl.col("exit_reason").replace_strict(EXIT_REASONS, default=None)).alias("exit_reason"),
        "service_coordinator",
    ).rename(HEADERS)


def write_referral_extract(n: int, path: Path, seed: int = SAMPLE_SEED, last_day: dt.date = LAST_DAY) -> Path:
    """Write a referral extract (CSV, or Excel when `path` ends in .xlsx)."""
    frame = extract(draw_referrals(n, seed=seed, last_day=last_day), seed=seed)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".xlsx":
        frame.write_excel(path, worksheet="Referrals", autofit=False)
    else:
        frame.write_csv(path)
    return path


def reference_population() -> pl.DataFrame:
    """Harbor County's reference population: All, each race group (multi-select, so they overlap; see
    reference_population) and each neighbourhood, the neighbourhoods adding up to All."""
    names, _, population, poverty, under_3, _ = zip(*NEIGHBORHOODS)
    under_1 = tuple(CHILDREN_UNDER_1[name] for name in names)
    totals = (sum(population), sum(poverty), sum(under_3), sum(under_1))
    # Whole people per answer first, so every group is a sum of the same people; infants are shared out
    # as the children under 3 are.
    people = [_quotas(total, [p[2 + min(i, 2)] for p in RACE_PROFILES]) for i, total in enumerate(totals)]

    def named(group: str) -> list[bool]:
        return [group in races or (group == HISPANIC and hispanic) or (group == MULTIRACIAL and len(races) > 1)
                for races, hispanic, *_ in RACE_PROFILES]

    rows = [(COMMUNITY, ALL, *totals)]
    rows += [(COMMUNITY, g, *(int(counts[named(g)].sum()) for counts in people)) for g in RACE_GROUPS]
    rows += list(zip([COMMUNITY] * len(names), names, population, poverty, under_3, under_1))
    return pl.DataFrame(rows, schema={"geography": pl.String, "group": pl.String, "population": pl.Int64,
                                      "poverty_population": pl.Int64, "children_under_3": pl.Int64,
                                      "children_under_1": pl.Int64}, orient="row")


def write_reference_population(path: Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    reference_population().write_csv(path)
    return path


def write_sample_cases(folder: Path) -> list[Path]:
    """The checked-in samples: sample_cases/ei_referrals.csv and sample_cases/reference_population.csv."""
    folder = Path(folder)
    return [write_referral_extract(SAMPLE_REFERRALS, folder / "ei_referrals.csv"),
            write_reference_population(folder / "reference_population.csv")]
