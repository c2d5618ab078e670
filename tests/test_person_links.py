"""People matched across sources: linked when two of three agree exactly, queued for a data lead when
near, never merged, counted once in every figure, and a rejected pair never linked again."""

import datetime as dt

import polars as pl
import pytest

import queries
from pipelines import active_list, agenda, figures, identities, loading, person_links
from pipelines.periods import Period
from tests.conftest import bfz_csv, figured, ingest

pytestmark = pytest.mark.both_stores  # the same results from the embedded file and PostgreSQL

HEADER = ("Client ID,First Name,Last Name,Date of Birth,SSN,Date of Identification,Returned to Active Date,"
          "Housing Move-In Date,Inactive Date,Household Type,Chronic Status,Veteran Status")
MARCH = Period(dt.date(2024, 3, 1), dt.date(2024, 3, 31), "month")


def load(conn, source, *rows, name=None):
    result = ingest(conn, bfz_csv(*rows, header=HEADER), name or f"{source}.csv", source=source)
    assert result.status == loading.LOADED, result.report.lines()
    return result


def active(conn):
    (month,) = figures.flow(figured(conn), "homelessness", [MARCH], "All")
    return month["actively_homeless"]


def pairs(conn, status=None):
    return person_links.listed(conn, "homelessness", status).select(
        "status", "client_id_a", "client_id_b", "method").rows()


def test_two_of_three_exactly_link_and_the_person_counts_once(conn):
    load(conn, "county", "C1,Ana,Reyes,1981-02-03,123-45-6780,3/1/2024,,,,Single Adult,No,No",
         "C2,Ben,Cole,1975-06-07,,3/2/2024,,,,Single Adult,No,No")
    assert active(conn) == 2
    # Ana by name and SSN (her birth year typed 1918), Ben by name and date of birth (no SSN)
    load(conn, "shelter", "S9,ANA,Réyes,1918-02-03,123456780,3/5/2024,,,,Single Adult,No,No",
         "S8,Ben,Cole,1975-06-07,,3/6/2024,,,,Single Adult,No,No",
         "S7,Cy,Dunn,1990-01-01,,3/7/2024,,,,Single Adult,No,No")
    assert sorted(pairs(conn)) == [("linked", "C1", "S9", "SSN + name + date of birth one swap away"),
                                   ("linked", "C2", "S8", "name + date of birth")]
    assert active(conn) == 3  # Ana, Ben, Cy


def test_a_linked_person_is_one_row_of_the_list_with_both_records_in_their_timeline(conn):
    load(conn, "county", "C1,Ana,Reyes,1981-02-03,123-45-6780,3/1/2024,,,,Single Adult,No,No",
         "C2,Ben,Cole,1975-06-07,,3/2/2024,,,,Single Adult,No,No")
    load(conn, "shelter", "S9,Ana,Reyes,1981-02-03,,3/5/2024,,,,Single Adult,No,No")
    ranked, _ = agenda.ranked_list(figured(conn), "homelessness", MARCH.end)
    named = active_list.named(figured(conn), ranked)
    # Ana shows once, by the record that put her on the list last (the shelter's), as the figures count her
    assert sorted(named.select("client_id", "entry_date").rows()) == [("C2", dt.date(2024, 3, 2)),
                                                                       ("S9", dt.date(2024, 3, 5))]
    assert ranked.height == active(conn) == 2
    (ana,) = ranked.filter(pl.col("entry_date") == dt.date(2024, 3, 5))["person_id"]
    timeline = queries.rows(conn, "person_timeline", person_id=ana)
    assert sorted((r["day"], r["file_name"]) for r in timeline if r["sort_key"] == 1) == [
        (dt.date(2024, 3, 1), "county.csv"), (dt.date(2024, 3, 5), "shelter.csv")]
    assert len(queries.rows(figured(conn), "record_of_person", person_id=ana)) == 2


def test_a_near_match_waits_for_a_data_lead(conn):
    load(conn, "county", "C1,Catherine,Smith,1980-02-03,,3/1/2024,,,,Single Adult,No,No")
    load(conn, "shelter", "S1,Katherine,Smyth,1980-02-03,,3/5/2024,,,,Single Adult,No,No")
    assert pairs(conn) == [("pending", "C1", "S1", "date of birth + sound-alike name")]
    assert active(conn) == 2  # not linked until someone says so
    (link_id,) = person_links.listed(conn, "homelessness", "pending")["link_id"]
    assert person_links.decide(conn, link_id, "accept", "lead@example.org") == f"pair {link_id} linked"
    assert active(conn) == 1
    person_links.decide(conn, link_id, "undo", "lead@example.org")
    assert active(conn) == 2
    with pytest.raises(ValueError, match="only a linked pair can be undoed|only a pending pair"):
        person_links.decide(conn, link_id, "reject", "lead@example.org")


def test_a_rejected_pair_is_never_linked_again(conn):
    load(conn, "county", "C1,Catherine,Smith,1980-02-03,,3/1/2024,,,,Single Adult,No,No")
    load(conn, "shelter", "S1,Katherine,Smyth,1980-02-03,,3/5/2024,,,,Single Adult,No,No")
    (link_id,) = person_links.listed(conn, "homelessness", "pending")["link_id"]
    person_links.decide(conn, link_id, "reject", "lead@example.org")
    # the next extract from the shelter spells her the county's way: two of three now agree exactly
    load(conn, "shelter", "S1,Catherine,Smith,1980-02-03,,3/5/2024,,,,Single Adult,No,No", name="shelter-april.csv")
    assert pairs(conn) == [("rejected", "C1", "S1", "date of birth + sound-alike name")]
    assert active(conn) == 2


def test_hundreds_sharing_one_ssn_are_not_linked(conn):
    county = [f"C{i},First{i},Last{i},1970-01-{1 + i % 28:02d},555-12-3456,3/1/2024,,,,Single Adult,No,No"
              for i in range(300)]
    shelter = [f"S{i},Other{i},Person{i},1960-02-{1 + i % 28:02d},555-12-3456,3/2/2024,,,,Single Adult,No,No"
               for i in range(300)]
    load(conn, "county", *county)
    load(conn, "shelter", *shelter)
    assert pairs(conn) == []
    assert active(conn) == 600


def test_the_same_source_is_never_matched_with_itself(conn):
    load(conn, "county", "C1,Ana,Reyes,1980-02-03,,3/1/2024,,,,Single Adult,No,No",
         "C2,Ana,Reyes,1980-02-03,,3/2/2024,,,,Single Adult,No,No")
    assert pairs(conn) == [] and active(conn) == 2


def test_a_rollback_takes_its_links_with_it(conn):
    load(conn, "county", "C2,Ben,Cole,1975-06-07,,3/2/2024,,,,Single Adult,No,No")
    shelter = load(conn, "shelter", "S8,Ben,Cole,1975-06-07,,3/6/2024,,,,Single Adult,No,No")
    assert active(conn) == 1
    loading.rollback(conn, shelter.upload_id, who="lead")
    assert conn.execute("SELECT count(*) FROM person_links").fetchall() == [(0,)]
    assert conn.execute("SELECT count(*) FROM people WHERE counted_as IS NOT NULL").fetchall() == [(0,)]
    assert active(conn) == 1
    assert queries.one(conn, "other_sources", program="homelessness", upload_id=shelter.upload_id)["sources"] == 1


def test_no_ssn_is_stored(conn):
    load(conn, "county", "C1,Ana,Reyes,1980-02-03,123-45-6780,3/1/2024,,,,Single Adult,No,No")
    stored = " ".join(str(v) for row in conn.execute("SELECT * FROM identities").fetchall() for v in row)
    assert "123456780" not in stored and "6780" not in stored


@pytest.mark.parametrize("ssn, valid", [
    ("123-45-6780", True), ("123456789", False), ("000000000", False), ("111111111", False), ("912345678", False),
    ("666123456", False), ("123004567", False), ("123450000", False), ("12345678", False), ("", False),
    ("XXX-XX-1234", False),
])
def test_which_ssns_identify_someone(ssn, valid):
    got = pl.DataFrame({"ssn": [ssn]}).select(identities.ssn_digits("ssn")).item()
    assert (got is not None) == valid


def test_sound_keys():
    names = pl.DataFrame({"n": ["smith", "smyth", "catherine", "kathryn", "reyes", "reis"]})
    assert names.select(identities.sound_key(pl.col("n"))).to_series().to_list() == [
        "253", "253", "2365", "2365", "62", "62"]


def test_the_review_queue_from_the_command_line(tmp_path, capsys):
    from pipelines import cli, store

    db = tmp_path / "m.duckdb"
    county, shelter = tmp_path / "county.csv", tmp_path / "shelter.csv"
    county.write_bytes(bfz_csv("C1,Catherine,Smith,1980-02-03,,3/1/2024,,,,Single Adult,No,No", header=HEADER))
    shelter.write_bytes(bfz_csv("S1,Katherine,Smyth,1980-02-03,,3/5/2024,,,,Single Adult,No,No", header=HEADER))
    for path, source in ((county, "county"), (shelter, "shelter")):
        assert cli.main(["ingest", str(path), "--db", str(db), "--source", source]) == 0
    capsys.readouterr()
    assert cli.main(["matches", "--db", str(db)]) == 0
    listed = capsys.readouterr().out
    assert "pending   county:C1 catherine smith 1980-02-03  ~  shelter:S1 katherine smyth 1980-02-03" in listed
    link_id = int(listed.split()[0])
    assert cli.main(["matches", "accept", str(link_id), "--db", str(db), "--who", "lead"]) == 0
    assert f"pair {link_id} linked" in capsys.readouterr().out
    with store.opened(db) as conn:
        assert active(conn) == 1
        assert conn.execute("SELECT who, on_behalf_of, action FROM audit_log WHERE action = 'match decided'"
                            ).fetchall() == [(loading.who_default(), "lead", "match decided")]
