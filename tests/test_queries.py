"""The small module that runs queries/*.sql."""

import pytest

import queries


def test_statements_end_at_a_semicolon_outside_comments(monkeypatch):
    monkeypatch.setattr(queries, "text", lambda name: (
        "-- first; not the end\nSELECT 1 AS a;\n\n-- second\nSELECT $x AS b  ;\n-- only a comment;\n"))
    assert queries.statements("any") == ["-- first; not the end\nSELECT 1 AS a", "-- second\nSELECT $x AS b"]


def test_parameters_are_bound_by_name_and_checked(conn):
    assert queries.one(conn, "setting_get", program="homelessness", key="inactivity_days") == {"value": "90"}
    with pytest.raises(TypeError, match=r"needs parameters \['key'\]"):
        queries.one(conn, "setting_get", program="homelessness")
