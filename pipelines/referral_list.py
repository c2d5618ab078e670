"""An Early Intervention referral extract in the shape every list takes when it is loaded: one
column per kind of dated fact, and the attributes the store keeps for each record."""

from __future__ import annotations

import datetime as dt

import polars as pl

from pipelines.early_intervention.referrals import LOST_REASONS, read_referrals
from pipelines.programs import CHILD, EARLY_INTERVENTION

MILESTONES = [k.kind for k in EARLY_INTERVENTION.event_kinds if k.role == "milestone"]


def read_referral_list(data: bytes, file_name: str, today: dt.date | None = None, **_settings):
    """Read and check a referral extract. Returns (rows to load or None, ValidationReport). Settings
    other readers use (the inactivity period) mean nothing to a referral list."""
    referrals, report = read_referrals(data, file_name, today=today)
    if referrals is None:
        return None, report
    return as_list(referrals), report


def as_list(referrals: pl.DataFrame) -> pl.DataFrame:
    lost = pl.col("exit_reason").is_in(list(LOST_REASONS))
    return referrals.with_columns(
        # The exit is one of two kinds so the flow figures can tell lost children from the others.
        pl.when(lost).then(pl.col("exited")).alias("exited_lost"),
        pl.when(~lost).then(pl.col("exited")).alias("exited"),
        # The result is known from the decision, or from the evaluation where no decision is dated.
        pl.when(pl.col("eligible").is_not_null())
        .then(pl.coalesce("eligibility_decided", "evaluated")).alias("eligible_on"),
        pl.when(pl.col("exit_reason").is_not_null()).then(pl.col("exited")).alias("exit_reason_on"),
        pl.lit(CHILD).alias("household_type"),
        pl.lit(False).alias("veteran"),
        pl.lit(False).alias("chronic"),
        pl.col("sex").alias("gender"),
        pl.col("service_coordinator").alias("contact_worker"),
    ).drop("sex", "service_coordinator")
