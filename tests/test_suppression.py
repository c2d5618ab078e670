"""Golden tests of small-number suppression, complementary cells included."""

from pipelines.suppression import hide, hide_series


def row(**values):
    base = dict(actively_homeless=120, newly_identified=30, returned_from_housing=12, returned_from_inactive=14,
                housing_placements=25, moved_to_inactive=20, no_longer_meets_population=0, inflow=56, outflow=45,
                net_change=11, avg_days_to_housing=80.5, balance_gap=0, reliability=0.01)
    return {**base, **values}


def test_nothing_small_nothing_hidden():
    assert hide({"All": row()}) == {"All": row()}


def test_a_small_part_takes_its_smallest_partner_with_it():
    # 4 returned from housing: with inflow 48 and 30 new shown, it would be 48 - 30 - 14. The smallest
    # other part (14) is hidden too, and the net change (stays: inflow - outflow are both shown).
    shown = hide({"All": row(returned_from_housing=4, inflow=48, net_change=3)})["All"]
    assert shown["returned_from_housing"] is None
    assert shown["returned_from_inactive"] is None
    assert (shown["newly_identified"], shown["inflow"]) == (30, 48)
    # net change 3 is itself small: hidden, and with it its smallest partner in inflow = net + outflow
    # (outflow, 45), which in turn takes the smallest part of outflow (20 moved to inactive).
    assert shown["net_change"] is None and shown["outflow"] is None and shown["moved_to_inactive"] is None
    assert (shown["housing_placements"], shown["no_longer_meets_population"]) == (25, 0)
    assert shown["balance_gap"] is None and shown["reliability"] is None


def test_a_zero_is_not_taken_as_the_partner_while_a_count_is_there():
    shown = hide({"All": row(housing_placements=5, moved_to_inactive=40, no_longer_meets_population=0,
                             outflow=45)})["All"]
    assert shown["housing_placements"] is None and shown["moved_to_inactive"] is None
    assert shown["no_longer_meets_population"] == 0
    assert shown["avg_days_to_housing"] is None  # from the hidden placements


def test_populations_that_add_up_hide_together():
    figures = {"All": row(), "All Singles": row(actively_homeless=80), "Youth": row(actively_homeless=7),
               "Families": row(actively_homeless=33)}
    shown = hide(figures)
    assert shown["Youth"]["actively_homeless"] is None
    # otherwise 120 - 80 - 33 = 7: the smallest other (Families, 33) goes too
    assert shown["Families"]["actively_homeless"] is None
    assert (shown["All"]["actively_homeless"], shown["All Singles"]["actively_homeless"]) == (120, 80)


def test_no_hidden_value_can_be_worked_out_from_a_sum():
    shown = hide_series([row(newly_identified=2, returned_from_housing=1, returned_from_inactive=0, inflow=3,
                             housing_placements=9, moved_to_inactive=2, outflow=11, net_change=-8)])[0]
    for total, parts in (("inflow", ("newly_identified", "returned_from_housing", "returned_from_inactive")),
                         ("outflow", ("housing_placements", "moved_to_inactive", "no_longer_meets_population"))):
        cells = [total, *parts]
        assert sum(shown[c] is None for c in cells) != 1, cells
    assert all(shown[k] is None for k in ("newly_identified", "returned_from_housing", "inflow",
                                          "housing_placements", "moved_to_inactive", "net_change"))
