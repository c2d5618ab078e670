"""Early Intervention on the same engine: the sample referral list through loading, figures, triage,
the agenda and every page."""

import datetime as dt

import polars as pl
import pytest

from dashboard import programme_goal
from pipelines import agenda, figures, loading, store
from pipelines.disclosure import release
from pipelines.early_intervention import figures as ei_figures
from pipelines.early_intervention import goal
from pipelines.periods import period_of, series
from pipelines.programs import EARLY_INTERVENTION
from tests.conftest import ROOT, page_as

SAMPLE = ROOT / "sample_cases" / "ei_referrals.csv"
EI = EARLY_INTERVENTION.name
DAY = dt.date(2025, 12, 31)


@pytest.fixture(scope="module")
def ei_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("ei") / "ei.duckdb"
    with store.opened(path) as conn:
        result = loading.ingest(conn, SAMPLE.read_bytes(), SAMPLE.name, program=EI, who="test",
                                today=dt.date(2026, 1, 15))
        assert result.status == loading.LOADED, result.message
        reference = ROOT / "sample_cases" / "reference_population.csv"
        assert loading.load_reference(conn, reference.read_bytes(), reference.name, who="test").status == "loaded"
    return path


def test_flow_figures_and_report_ei_agree_every_month(ei_db):
    months = series(dt.date(2025, 1, 1), DAY, "month")
    with store.opened(ei_db, read_only=True) as conn:
        flow = figures.flow(conn, EI, months, "All children")
        for row, month in zip(flow, months, strict=True):
            ei = ei_figures.period_figures(conn, month)
            assert (row["newly_identified"], row["actively_homeless"]) == (ei["referrals"], ei["open_referrals"])
            assert (row["housing_placements"] + row["moved_to_inactive"], row["moved_to_inactive"]) == (
                ei["exits"], ei["lost_exits"])
            assert row["returned_from_housing"] == row["returned_from_inactive"] == 0
            assert row["balance_gap"] == 0


def test_the_list_is_in_order_of_the_45_day_clock_then_transition(ei_db):
    with store.opened(ei_db, read_only=True) as conn:
        ranked, policy = agenda.ranked_list(conn, EI, DAY)
    assert policy == ["days_left_45 asc", "transition_due asc", "identified asc"]
    waiting = ranked.filter(pl.col("days_left_45").is_not_null())
    # everyone still waiting for an IFSP meeting comes first, the most overdue at the top
    assert ranked.head(waiting.height)["record_id"].to_list() == waiting["record_id"].to_list()
    assert waiting["days_left_45"].to_list() == sorted(waiting["days_left_45"].to_list())
    assert waiting["days_left_45"][0] < 0  # the sample has children past the clock
    held = ranked.slice(waiting.height)
    due = held["transition_due"].drop_nulls().to_list()
    assert due == sorted(due)
    # days left = 45 - days since referral, for those without a meeting
    assert (waiting["days_left_45"] == 45 - waiting["days_since_identification"]).all()


def test_the_agenda_has_the_clocks_about_to_run_out(ei_db):
    with store.opened(ei_db, read_only=True) as conn:
        meeting = agenda.meeting(conn, EI, DAY, DAY)
    assert list(meeting.titles) == ["new", "clock", "transition", "overdue", "housed"]
    clock = meeting.sections["clock"]
    assert clock.height and (clock["days_left_45"] <= 14).all()
    assert clock["rank"].to_list() == sorted(clock["rank"].to_list())
    everyone = meeting.ranked.filter(pl.col("days_left_45") <= 14)
    assert clock.height == everyone.height
    new = meeting.sections["new"]
    assert (new["entry_date"] > DAY - dt.timedelta(days=7)).all() and new.height
    housed = meeting.sections["housed"]  # exited since the last meeting, lost or not
    assert housed.height == 0 or (housed["exit_date"] > DAY - dt.timedelta(days=7)).all()


def test_a_week_of_referrals_has_its_own_figures(ei_db):
    with store.opened(ei_db, read_only=True) as conn:
        week = ei_figures.period_figures(conn, period_of(DAY, "week"))
        (flow,) = figures.flow(conn, EI, [period_of(DAY, "week")], "All children")
    assert week["referrals"] == flow["newly_identified"]


@pytest.mark.parametrize("page", ["flow", "by_name_list", "agenda", "monthly_figures", "settings", "uploads"])
def test_every_page_works_for_early_intervention(ei_db, monkeypatch, page):
    app = page_as(monkeypatch, ei_db, "admin", page, EI)
    text = " ".join(m.value for m in app.markdown) + " ".join(c.value for c in app.caption)
    assert "homeless" not in text.lower(), text
    if page == "flow":
        assert [m.label for m in app.metric] == ["Open referrals", "Coming in", "Leaving", "Net change",
                                                 *programme_goal.COUNTS.values(), *programme_goal.RATES.values()]
    if page == "by_name_list":
        table = app.dataframe[0].value
        assert list(table.columns[:4]) == ["Rank", "Name", "45-day clock", "Transition"]
        assert table["45-day clock"].iloc[0].endswith("days past the 45-day clock")
    if page == "monthly_figures":
        values = dict(zip(app.dataframe[0].value["Figure"], app.dataframe[0].value["Value"], strict=True))
        assert values["Open referrals at the month's end"] != "–"


def test_monthly_figures_show_indicators_7_1_and_8_and_the_children_behind_them(ei_db, monkeypatch):
    app = page_as(monkeypatch, ei_db, "case team", "monthly_figures", EI)
    month = dt.date.fromisoformat(app.selectbox(key="month").value + "-01")
    with store.opened(ei_db, read_only=True) as conn:
        figures = ei_figures.period_figures(conn, period_of(month, "month"))
        children = ei_figures.period_indicator_children(conn, period_of(month, "month"))
    assert [h.value for h in app.subheader][:6] == [
        "The programme's goal", "Indicator 7: 45-day timeline", "Indicator 1: timely services",
        "Indicator 8A: transition steps and services", "Indicator 8B: school district and State notified",
        "Indicator 8C: transition conference"]
    tables = [t.value for t in app.dataframe]
    shown = [dict(zip(t["Figure"], t["Value"], strict=True)) for t in tables if "Figure" in t and
             "Percentage" in set(t["Figure"])]
    listed = [t for t in tables if "Name" in t and "Counted in" not in t]  # not indicators 5 and 6's children
    in_page_order = ("indicator_7", "indicator_1", "indicator_8a", "indicator_8b", "indicator_8c")
    for name, values, people in zip(in_page_order, shown, listed, strict=True):
        figure = figures[name]
        assert values["Denominator: children counted"] == f"{figure['denominator']:,}"
        assert values["Percentage"] == ("–" if figure["pct"] is None else f"{figure['pct']:.1f}%")
        if name == "indicator_8b":  # OSEP allows no exceptional family circumstance for a notification
            assert values["Numerator: on time"] == f"{figure['numerator']:,}"
            assert "of which late for an exceptional family circumstance" not in values
        else:
            assert values["Numerator: on time, or late for an exceptional family circumstance"] == \
                f"{figure['numerator']:,}"
            assert values["of which late for an exceptional family circumstance"] == f"{figure['exceptional']:,}"
        assert len(people) == children[name].height and people["Name"].notna().all()
        assert sorted(people["Child ID"]) == sorted(children[name]["client_id"])
    assert list(listed[2].columns) == ["Counted as", "Child ID", "Name", "Referred", "IFSP meeting", "Third birthday",
                                       "Due by", "Transition steps", "Exited", "Days before the third birthday"]
    # the sample has children in every cohort, late ones among them
    for name in ("indicator_7", "indicator_8a", "indicator_8b", "indicator_8c"):
        assert figures[name]["denominator"] > figures[name]["numerator"] > 0, name
    assert figures["indicator_1"]["denominator"] > 0


def test_flow_shows_the_programme_goal_month_by_month(ei_db, monkeypatch):
    """Flow's goal section says what goal.by_month works out for the range's months, the latest first."""
    app = page_as(monkeypatch, ei_db, "case team", "flow", EI)
    # by week, the last 26 whole weeks of a list to Wednesday 31 December 2025: 7 July to 28 December
    months = series(dt.date(2025, 7, 7), dt.date(2025, 12, 28), "month")
    with store.opened(ei_db, read_only=True) as conn:
        expected = goal.by_month(conn, EARLY_INTERVENTION, months)
    latest = expected[-1]
    tiles = {m.label: m.value for m in app.metric}
    assert tiles[programme_goal.COUNTS["past_45_days"]] == f"{latest['past_45_days']:,}"
    assert tiles[programme_goal.COUNTS["lost_exits"]] == f"{latest['lost_exits']:,}"
    assert tiles[programme_goal.RATES["referral_rate"]] == str(len(latest["referral_rate"]))
    table = next(t.value for t in app.dataframe if "Goal met" in t.value.columns)
    assert list(table["Month"]) == [f"{r['month']:%B %Y}" for r in reversed(expected)]
    assert list(table["Goal met"]) == ["yes" if r["goal_met"] else "no" for r in reversed(expected)]
    assert list(table[programme_goal.COUNTS["past_45_days"]]) == [f"{r['past_45_days']:,}" for r in reversed(expected)]
    # the sample misses the goal: children wait past 45 days in its last month
    assert latest["past_45_days"] > 0 and not latest["goal_met"]
    said = " ".join(m.value for m in app.markdown)
    assert f"{latest['month']:%B %Y}: the goal is not met." in said


def test_funders_monthly_figures_name_no_child(ei_db, monkeypatch):
    app = page_as(monkeypatch, ei_db, "funder", "monthly_figures", EI)
    assert [h.value for h in app.subheader] == ["OSEP's Part C indicators"] and not app.expander
    assert all("Name" not in t.value and "Child ID" not in t.value for t in app.dataframe)
    # each indicator as the release gives it: rounded counts, words for the small and hidden ones
    with store.opened(ei_db, read_only=True) as conn:
        funders = release.for_funders(conn, EARLY_INTERVENTION)
    month = funders.months[-1].start
    shown = funders.labelled("ei", (month,), funders.part_c[month])
    table = next(t.value for t in app.dataframe if "Indicator" in t.value.columns)
    assert list(table["Indicator"]) == [
        "Indicator 7: 45-day timeline", "Indicator 1: timely services", "Indicator 8A: transition steps and services",
        "Indicator 8B: school district and State notified", "Indicator 8C: transition conference"]
    for name, row in zip(("indicator_7", "indicator_1", "indicator_8a", "indicator_8b", "indicator_8c"),
                         table.to_dict("records"), strict=True):
        expected = {part: shown[f"{name}_{part}"] for part in ("pct", "numerator", "denominator", "exceptional")}
        expected = {k: v if isinstance(v, str) else f"{v}%" if k == "pct" else f"{v:,}" for k, v in expected.items()}
        assert (row["Met (%)"], row["On time, or late for a reason"], row["Children counted"],
                row["of which late for an exceptional family circumstance"]) == tuple(expected.values())
