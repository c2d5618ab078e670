"""One Continuum of Care from an export that holds several (a state's or a vendor's multi-CoC export).

An enrollment belongs to the Continuum of Care it was entered in: its own EnrollmentCoC (3.16, asked
of the head of household), else its head's, else that of its project when ProjectCoC.csv gives the
project only one. Choosing a CoC keeps its enrollments with their exits, services and living
situations; a person's enrollments elsewhere are left out, and so is anyone with none in it.
"""

from __future__ import annotations

import polars as pl

from pipelines.hmis import spec


def enrollment_cocs(tables: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """EnrollmentID -> coc (null when nothing says which)."""
    enrollment = tables["Enrollment"]
    heads = (enrollment.filter((pl.col("RelationshipToHoH") == spec.HEAD_OF_HOUSEHOLD)
                               & pl.col("EnrollmentCoC").is_not_null())
             .group_by("HouseholdID").agg(pl.col("EnrollmentCoC").first().alias("_head")))
    only_one = (tables["ProjectCoC"].group_by("ProjectID").agg(pl.col("CoCCode").unique())
                .filter(pl.col("CoCCode").list.len() == 1)
                .select("ProjectID", pl.col("CoCCode").list.first().alias("_project")))
    return (enrollment.join(heads, on="HouseholdID", how="left").join(only_one, on="ProjectID", how="left")
            .select("EnrollmentID", coc=pl.coalesce("EnrollmentCoC", "_head", "_project")))


def counts(tables: dict[str, pl.DataFrame]) -> dict[str, int]:
    """Each Continuum of Care the export holds enrollments of, with how many, largest first."""
    found = enrollment_cocs(tables).drop_nulls("coc").group_by("coc").len().sort("len", "coc", descending=[True, False])
    return dict(found.iter_rows())


def only(tables: dict[str, pl.DataFrame], coc: str) -> dict[str, pl.DataFrame]:
    """The tables as an export of `coc` alone would have them."""
    kept = enrollment_cocs(tables).filter(pl.col("coc") == coc)["EnrollmentID"].implode()
    out = dict(tables)
    for name in ("Enrollment", "Exit", "Services", "CurrentLivingSituation", *_MORE):
        if name in out:
            out[name] = out[name].filter(pl.col("EnrollmentID").is_in(kept))
    out["Client"] = out["Client"].filter(pl.col("PersonalID").is_in(out["Enrollment"]["PersonalID"].implode()))
    return out


# Files read later in the reader's life that hang off enrollments too.
_MORE = ("Disabilities", "Assessment", "Event")
