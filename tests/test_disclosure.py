"""An attacker with everything a funder receives tries to work out a count from 1 to 10.

It takes every figure the funder's pages and `--funder` reports give (pipelines.disclosure.release:
every population, every whole month, the monthly figures of both programs), reads each shown count
as the range it stands for, writes down every identity it knows holds between the true counts (a
total is its parts; this month's list is last month's plus the month's movements where the list
balances; everyone is the single adults, youth and families; veterans are single adults; a Part C
figure is a flow figure; a 45-day percentage is its meetings over all meetings), and bounds each
count by linear programming. It fails if a true count from 1 to 10 can be narrowed to a range
narrower than 1 to 10. Its reading of the labels is written here, not taken from the code it attacks.
"""

import datetime as dt

import highspy
import numpy as np
import pytest

from pipelines import figures, sample_data
from pipelines.disclosure import release
from pipelines.early_intervention import figures as ei_figures
from pipelines.early_intervention.sample import write_referral_extract
from pipelines.programs import EARLY_INTERVENTION, HOMELESSNESS
from tests.conftest import ROOT, ingest

FLOW = release.FLOW_COUNTS
PART_C = release.EI_COUNTS
WIDE = 9  # "1 to 10" spans 9


def meaning(shown, words: str = "fewer than 11") -> tuple[float, float | None]:
    """What the funder may conclude from a shown count: "fewer than 11" is 0 to 10, "hidden" any
    number; a number is rounded to the nearest 10, so 10 (being more than 10) is 11 to 14 and any
    other N is N-5 to N+4."""
    if shown is None:
        return (0, 10) if words == "fewer than 11" else (0, None)
    if shown == 10:
        return 11, 14
    return shown - 5, shown + 4


class Attacker:
    def __init__(self):
        self.index, self.truth, self.limits = {}, [], []
        self.equal, self.at_most = [], []

    def cell(self, key, true, shown, words="fewer than 11"):
        self.index[key] = len(self.truth)
        self.truth.append(true)
        self.limits.append(meaning(shown, words))

    def knows(self, terms: dict, at_most: bool = False, constant: float = 0.0):
        """sum(c * x) == constant (or <= constant), written down only where the truth obeys it."""
        if any(k not in self.index for k in terms):
            return
        total = sum(c * self.truth[self.index[k]] for k, c in terms.items())
        if at_most and total <= constant + 1e-9:
            self.at_most.append(({self.index[k]: c for k, c in terms.items()}, constant))
        elif not at_most and abs(total - constant) < 1e-9:
            self.equal.append(({self.index[k]: c for k, c in terms.items()}, constant))

    def narrowest(self) -> list[tuple]:
        """Each true count from 1 to 10 whose range comes out narrower than 1 to 10, with that range."""
        lp = highspy.Highs()
        lp.setOptionValue("output_flag", False)
        inf = highspy.kHighsInf
        lp.addVars(len(self.truth), np.array([low for low, _ in self.limits], float),
                   np.array([inf if high is None else high for _, high in self.limits], float))
        for rows, equal in ((self.equal, True), (self.at_most, False)):
            for row, constant in rows:
                lp.addRow(constant if equal else -inf, constant, len(row), np.array(list(row), np.int32),
                          np.array(list(row.values()), float))
        found = []
        for key, i in self.index.items():
            if not 1 <= self.truth[i] <= 10:
                continue
            ends = []
            for sign in (1.0, -1.0):
                lp.changeColCost(i, sign)
                lp.run()
                status = lp.getModelStatus()
                assert status in (highspy.HighsModelStatus.kOptimal, highspy.HighsModelStatus.kUnbounded), (key, status)
                ends.append(sign * lp.getInfo().objective_function_value if status == highspy.HighsModelStatus.kOptimal
                            else sign * -inf)
            lp.changeColCost(i, 0.0)
            if ends[1] - ends[0] < WIDE - 1e-6:
                found.append((key, self.truth[i], ends))
        return found


def attack(conn, program) -> list[tuple]:
    funder = release.for_funders(conn, program)
    months = funder.months
    attacker = Attacker()
    shown = {(r["population"], r["period_start"]): r for r in funder.flow}
    exact = {(r["population"], r["period_start"]): r for r in figures.flow(conn, program.name, months)}
    for (population, start), row in exact.items():
        for key in FLOW:
            attacker.cell((population, start, key), row[key], shown[(population, start)][key],
                          funder.word("flow", population, start, key))
    populations = [p.name for p in program.populations]
    for population in populations:
        for i, month in enumerate(months):
            def x(key, start=month.start, population=population):
                return (population, start, key)
            attacker.knows({x("inflow"): 1, x("newly_identified"): -1, x("returned_from_housing"): -1,
                            x("returned_from_inactive"): -1})
            attacker.knows({x("outflow"): 1, x("housing_placements"): -1, x("moved_to_inactive"): -1,
                            x("no_longer_meets_population"): -1})
            if i:
                attacker.knows({x("actively_homeless"): 1, (population, months[i - 1].start, "actively_homeless"): -1,
                                x("inflow"): -1, x("outflow"): 1})
            else:  # the attacker may know how many were on the list when it began
                start = exact[(population, month.start)]["active_at_start"]
                attacker.knows({x("actively_homeless"): 1, x("inflow"): -1, x("outflow"): 1}, constant=start)
    for month in months:
        for key in FLOW:
            parts = {("All", month.start, key): 1, **{(p, month.start, key): -1
                                                       for p in ("All Singles", "Youth", "Families")}}
            attacker.knows(parts)
            attacker.knows({k: -c for k, c in parts.items()}, at_most=True)
            for part, whole in (("Veteran", "All Singles"), ("Chronic", "All Singles"),
                                ("Chronic Veteran", "Veteran"), ("Chronic Veteran", "Chronic")):
                attacker.knows({(part, month.start, key): 1, (whole, month.start, key): -1}, at_most=True)
    if program.has_milestones():
        everyone = populations[0]
        for month in months:
            true = ei_figures.period_figures(conn, month, program.name)
            given = funder.part_c[month.start]

            def y(key, start=month.start):
                return ("ei", start, key)
            for key in PART_C:
                attacker.cell(y(key), true[key], given[key], funder.word("ei", month.start, key))
            for key, flow in (("referrals", "newly_identified"), ("open_referrals", "actively_homeless"),
                              ("exits", "housing_placements"), ("lost_exits", "moved_to_inactive")):
                attacker.knows({y(key): 1, (everyone, month.start, flow): -1})
            attacker.knows({y("ifsp_within_45_days"): 1, y("ifsp_late_exceptional"): 1,
                            y("initial_ifsp_meetings"): -1}, at_most=True)
            attacker.knows({y("services_timely"): 1, y("services_started"): -1}, at_most=True)
            attacker.knows({y("lost_exits"): 1, y("exits"): -1}, at_most=True)
            percent = given["pct_45_day_timeline"]
            if percent is not None:  # 100 (within + late for a reason) / meetings, to the whole percent
                met = {y("ifsp_within_45_days"): 100, y("ifsp_late_exceptional"): 100}
                attacker.knows({**met, y("initial_ifsp_meetings"): -(percent + 0.5)}, at_most=True)
                attacker.knows({**{k: -c for k, c in met.items()}, y("initial_ifsp_meetings"): percent - 0.5},
                               at_most=True)
            # OSEP's indicators: late for a reason <= on time or late for a reason <= counted, and the
            # percentage 100 numerator / denominator to the whole percent
            for name in ei_figures.INDICATORS:
                def z(part, name=name):
                    return y(f"{name}_{part}")
                for part in ("numerator", "denominator", "exceptional"):
                    attacker.cell(z(part), true[name][part], given[f"{name}_{part}"],
                                  funder.word("ei", month.start, f"{name}_{part}"))
                attacker.knows({z("exceptional"): 1, z("numerator"): -1}, at_most=True)
                attacker.knows({z("numerator"): 1, z("denominator"): -1}, at_most=True)
                percent = given[f"{name}_pct"]
                if percent is not None:
                    attacker.knows({z("numerator"): 100, z("denominator"): -(percent + 0.5)}, at_most=True)
                    attacker.knows({z("numerator"): -100, z("denominator"): percent - 0.5}, at_most=True)
    else:
        for month in months[-3:]:
            figures_of_month = release.submission(conn, funder, month.start)
            assert figures_of_month["populations"]["All"]["actively_homeless"] == shown[("All", month.start)][
                "actively_homeless"]  # the monthly figures are the flow's figures
    equity_cells(attacker, conn, program, funder, populations[0])
    return attacker.narrowest()


def equity_cells(attacker: Attacker, conn, program, funder, everyone: str) -> None:
    """The equity views: each group's counts as shown, each measure's total as its shares and rates give
    it away, and what ties them: groups make up the total where nobody is in two groups or none, every
    grouping counts the same people, the list at the end is the flow's, a longer period holds more."""
    from pipelines import equity_report
    from pipelines.periods import Period, add_months

    end = funder.months[-1].end
    for (grouping, span, reference), seen in funder.equity.items():
        if reference != "population":
            continue
        period = Period(add_months(end.replace(day=1), -(span - 1)), end, "range")
        truth = equity_report.report(conn, program, period, grouping, reference)
        for name, measure in truth["measures"].items():
            rows = {r["group"]: r for r in seen["measures"][name]["rows"]}
            for row in measure["rows"]:
                if row["group"] == "Unknown":
                    continue
                given = rows[row["group"]]
                counted = ["count"] if "count" in row else ["events", "base"]
                if name == "days_to_housing":
                    counted = ["base"]  # its events are days
                if name == "referral_rate":
                    counted = ["events"]  # its base is the public reference population
                for field in counted:
                    words = "hidden" if given.get("hidden") else "fewer than 11"
                    attacker.cell((span, grouping, name, row["group"], field), row[field], given.get(field), words)
            first = next((r for r in measure["rows"] if r["group"] != "Unknown"), None)
            if first is None:
                continue
            # The totals: shares and rates come from them, so the funder knows them as well as any count.
            totals = ({"count": first["base"]} if "count" in first else
                      {"events": first["events"] + first["other_events"], "base": first["base"] + first["other_base"]})
            for field, total in totals.items():
                if (name, field) in (("days_to_housing", "events"), ("referral_rate", "base")):
                    continue
                attacker.cell((span, grouping, name, "*", field), total, None if total <= 10 else
                              10 * ((total + 5) // 10), "fewer than 11")
                parts = {(span, grouping, name, r["group"], field): -1 for r in measure["rows"]
                         if r["group"] != "Unknown"}
                attacker.knows({(span, grouping, name, "*", field): 1, **parts})
                attacker.knows({(span, grouping, name, "*", field): -1, **{k: 1 for k in parts}}, at_most=True)
    groupings = sorted({g for g, _, _ in funder.equity})
    for key in list(attacker.index):
        if len(key) == 5 and key[3] == "*":
            span, grouping, name, _, field = key
            for other in groupings:
                if other != grouping:
                    attacker.knows({key: 1, (span, other, name, "*", field): -1})
            if name == "active":
                attacker.knows({key: 1, (everyone, funder.months[-1].start, "actively_homeless"): -1})
        if len(key) == 5:
            for shorter in (3, 6):
                if shorter < key[0]:
                    attacker.knows({(shorter, *key[1:]): 1, key: -1}, at_most=True)


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    """The sample community of `make run`: both programs."""
    from pipelines import loading, store

    path = tmp_path_factory.mktemp("sample") / "sample.duckdb"
    with store.opened(path) as conn:
        for csv in sorted((ROOT / "sample_cases").glob("bnl-*.csv")):
            assert ingest(conn, csv.read_bytes(), csv.name).status == "loaded"
        referrals = ROOT / "sample_cases" / "ei_referrals.csv"
        assert loading.ingest(conn, referrals.read_bytes(), referrals.name, who="test", program="early_intervention",
                              today=dt.date(2026, 1, 15)).status == "loaded"
        reference = ROOT / "sample_cases" / "reference_population.csv"
        assert loading.load_reference(conn, reference.read_bytes(), reference.name, who="test").status == "loaded"
    return path


def small(folder, seed: int):
    """A small community, where most monthly counts are from 1 to 10."""
    from pipelines import loading, store

    people = sample_data.draw_people(140, seed=seed, years=2)
    extract = sample_data.extract(people, dt.date(2025, 12, 31))
    path = folder / "small.duckdb"
    referrals = write_referral_extract(90, folder / "referrals.csv", seed=seed)
    with store.opened(path) as conn:
        assert ingest(conn, extract.write_csv().encode(), "small.csv").status == "loaded"
        assert loading.ingest(conn, referrals.read_bytes(), referrals.name, who="test", program="early_intervention",
                              today=dt.date(2026, 1, 15)).status == "loaded"
        reference = ROOT / "sample_cases" / "reference_population.csv"
        assert loading.load_reference(conn, reference.read_bytes(), reference.name, who="test").status == "loaded"
    return path


@pytest.fixture(scope="module")
def communities(sample, tmp_path_factory):
    made = {"sample": sample}

    def community(name: str):
        if name not in made:
            made[name] = small(tmp_path_factory.mktemp(name), int(name.removeprefix("small")))
        return made[name]
    return community


@pytest.mark.parametrize("program", [HOMELESSNESS, EARLY_INTERVENTION], ids=lambda p: p.name)
@pytest.mark.parametrize("community", ["sample", "small3", "small11"])
def test_no_count_from_1_to_10_can_be_narrowed(community, program, communities):
    from pipelines import store

    with store.opened(communities(community), read_only=True) as conn:
        assert release.whole_months(conn, program), "nothing to attack"
        opened = attack(conn, program)
    assert opened == [], f"{len(opened)} small counts narrowed, e.g. {opened[:3]}"


def test_the_trend_stays_visible_on_the_sample(sample):
    """Everyone's list, inflow and outflow are shown for every month of the sample, both programs."""
    from pipelines import store

    with store.opened(sample, read_only=True) as conn:
        for program in (HOMELESSNESS, EARLY_INTERVENTION):
            everyone = program.populations[0].name
            funder = release.for_funders(conn, program)
            rows, months = funder.flow_of(everyone), funder.months
            assert len(rows) == len(months) and months[-1].end == dt.date(2025, 12, 31)
            # the months before the referral list began have nobody on it: "fewer than 11" is right there
            counted = [r for r in rows if r["period_start"] >= (dt.date(2023, 3, 1) if program is HOMELESSNESS
                                                                 else dt.date(2025, 2, 1))]
            assert counted and all(r[k] is not None for r in counted for k in ("actively_homeless", "inflow",
                                                                               "outflow"))


def test_a_count_reads_as_a_range_at_least_as_wide_as_1_to_10():
    from pipelines.disclosure import rules

    shown = {v: rules.count(v) for v in range(0, 40)}
    assert all(shown[v] is None for v in range(0, 11))
    assert [shown[v] for v in (11, 14, 15, 24, 25, 39)] == [10, 10, 20, 20, 30, 40]
    assert rules.count(1_041) == 1_040 and rules.count(1_045) == 1_050
    for v in range(0, 40):
        low, high = rules.interval(shown[v])
        assert low <= v <= high and meaning(shown[v]) == (low, high)


def test_the_funder_reports_print_what_the_pages_receive(sample, capsys):
    """`--funder` on each report prints, from the same function, what a funder's pages show."""
    import json

    from pipelines import cli, store

    def printed(*args) -> object:
        assert cli.main([*args, "--db", str(sample)]) == 0
        return json.loads(capsys.readouterr().out)

    with store.opened(sample, read_only=True) as conn:
        homelessness = release.for_funders(conn, HOMELESSNESS)
        part_c = release.for_funders(conn, EARLY_INTERVENTION)
        november = release.submission(conn, homelessness, dt.date(2025, 11, 1))
    rows = printed("report", "flow", "--funder", "--by", "month", "--from", "2025-10-01", "--to", "2025-12-31",
                   "--population", "Youth", "--format", "json")
    youth = [r for r in homelessness.flow_of("Youth") if r["period_start"] >= dt.date(2025, 10, 1)]
    assert rows == json.loads(json.dumps([homelessness.labelled("flow", ("Youth", r["period_start"]), r)
                                          for r in youth], default=str))
    assert {rows[0]["newly_identified"], rows[0]["returned_from_housing"]} <= {"fewer than 11", "hidden"} | {
        n for n in range(20, 200, 10)}
    bfz = printed("report", "bfz", "--funder", "--month", "2025-11")
    assert bfz["populations"]["All"]["actively_homeless"] == november["populations"]["All"]["actively_homeless"]
    assert bfz["populations"]["All"]["actively_homeless"] % 10 == 0
    assert "threshold" not in json.dumps(bfz)  # the veteran threshold would give six months' placements away
    ei = printed("report", "ei", "--funder", "--month", "2025-11")
    november_c = part_c.labelled("ei", (dt.date(2025, 11, 1),), part_c.part_c[dt.date(2025, 11, 1)])
    assert {k: ei[k] for k in release.EI_COUNTS} == {k: v for k, v in november_c.items() if k in release.EI_COUNTS}
    for name in ei_figures.INDICATORS:  # each indicator as one entry, as in the report for those who see people
        assert ei[name] == {part: november_c[f"{name}_{part}"] for part in ei_figures.INDICATOR_KEYS}
        assert all(isinstance(v, str) or v % (1 if part == "pct" else 10) == 0 for part, v in ei[name].items())
    for weekly in (["report", "flow", "--funder", "--by", "week", "--from", "2025-10-01", "--to", "2025-12-31"],
                   ["report", "ei", "--funder", "--week", "2025-11-03"]):
        assert cli.main([*weekly, "--db", str(sample)]) == 2
        assert "funders see whole months" in capsys.readouterr().err
    equity = printed("report", "equity", "--funder", "--from", "2025-01-01", "--to", "2025-12-31", "--by", "race")
    given = homelessness.equity[("race", 12, "population")]
    assert equity["measures"]["housing_rate"]["rows"] == json.loads(json.dumps(
        given["measures"]["housing_rate"]["rows"], default=str))
    assert cli.main(["report", "equity", "--funder", "--from", "2025-02-01", "--to", "2025-12-31", "--db",
                     str(sample)]) == 2
    assert "--from 2025-01-01 --to 2025-12-31" in capsys.readouterr().err


def test_a_funders_equity_row_is_worked_out_from_the_rounded_counts():
    from pipelines.disclosure import equity_views

    row = {"group": "A", "count": 57, "base": 1043, "reference_share": 0.05, "measure": "representation"}
    shown = equity_views._row("active", row, {"count": 60}, {"base": 1040})
    assert (shown["count"], shown["base"]) == (60, 1040)
    assert shown["share"] == pytest.approx(60 / 1040) and shown["index"] == pytest.approx(60 / 1040 / 0.05)
    assert equity_views._row("active", row, {"count": None}, {"base": 1040}) == {
        "group": "A", "measure": "representation", "hidden": True}
    rate = {"group": "A", "events": 23, "base": 97, "other_events": 300, "other_base": 1000, "measure": "proportion"}
    shown = equity_views._row("housing_rate", rate, {"events": 20, "base": 100}, {"events": 320, "base": 1100})
    assert shown["rate"] == pytest.approx(0.2) and shown["ratio"] == pytest.approx(0.2 / (300 / 1000))
    assert not any(k.startswith("other_") for k in shown)
