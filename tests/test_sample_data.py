"""The generator: seeded, realistic enough to exercise every population and every kind of event."""

import datetime as dt

import polars as pl

from pipelines import figures
from pipelines.sample_data import write_extracts
from tests.conftest import ingest


def test_same_seed_same_files(tmp_path):
    a = write_extracts(500, tmp_path / "a", snapshots=2, seed=3)
    b = write_extracts(500, tmp_path / "b", snapshots=2, seed=3)
    assert [p.name for p in a] == ["bnl-2025-11.csv", "bnl-2025-12.csv"]
    assert [p.read_bytes() for p in a] == [p.read_bytes() for p in b]


def test_snapshots_load_cleanly_and_cover_every_population_and_event(conn, tmp_path):
    paths = write_extracts(4000, tmp_path, snapshots=3, seed=11)
    for path in paths:
        result = ingest(conn, path.read_bytes(), path.name)
        assert result.status == "loaded", result.report.lines(5)
        assert {f.rule for f in result.report.findings} <= {"repeated_client_id"}
    kinds = dict(conn.execute("SELECT kind, count(*) FROM events GROUP BY kind").fetchall())
    assert set(kinds) == {"identified", "returned", "moved_in", "inactive"}
    # Later extracts move dates on: some records carry more than one date of one kind.
    assert conn.execute("SELECT count(*) FROM (SELECT record_id, kind FROM events GROUP BY ALL "
                        "HAVING count(*) > 1)").fetchone()[0] > 0
    months = figures.flow_series(conn, "homelessness", "month", dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    totals = pl.DataFrame(months).group_by("population").agg(pl.col("actively_homeless").min(),
                                                             pl.col("housing_placements").sum(),
                                                             pl.col("returned_from_inactive").sum())
    assert totals.height == 7
    assert totals["actively_homeless"].min() > 0
    assert totals["housing_placements"].min() > 0
    # Someone becomes chronically homeless between extracts.
    assert conn.execute("SELECT count(DISTINCT record_id) FROM record_attributes GROUP BY record_id "
                        "HAVING count(*) > 1 LIMIT 1").fetchone() is not None


def test_excel_extract(conn, tmp_path):
    (path,) = write_extracts(300, tmp_path / "list.xlsx", seed=5)
    result = ingest(conn, path.read_bytes(), path.name)
    assert result.status == "loaded"
    assert conn.execute("SELECT format, rows_read FROM uploads").fetchone()[0] == "xlsx"
