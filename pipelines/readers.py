"""The extract readers as the reading process runs them (pipelines/reading_process.py): each program's
reader, and nothing of the store, so that process starts with Polars and the readers alone."""

from __future__ import annotations

import datetime as dt

from pipelines.bfz_list import read_bfz_list
from pipelines.extract_files import detect_format
from pipelines.hmis.export import read_hmis_export
from pipelines.programs import EARLY_INTERVENTION, HOMELESSNESS
from pipelines.referral_list import read_referral_list
from pipelines.report import ERROR, ValidationReport


def read_homelessness_list(data: bytes, file_name: str, today: dt.date | None = None, inactivity_days: int = 90,
                           coc: str | None = None):
    """A by-name list (CSV or Excel) or an HMIS CSV export (zip), told apart by what the file is.
    `coc` chooses one Continuum of Care of an export that holds several."""
    if detect_format(data, file_name) == "hmis":
        return read_hmis_export(data, file_name, today, inactivity_days=inactivity_days, coc=coc)
    if coc:
        report = ValidationReport(file_name)
        report.add(ERROR, "coc_without_hmis", f"a Continuum of Care ({coc}) can be chosen for an HMIS CSV export "
                   "only; this file is a by-name list", value=coc)
        return None, report
    return read_bfz_list(data, file_name, today)


# Each program's extract reader: (data, file name, today, **settings) -> (rows or None, ValidationReport).
READERS = {HOMELESSNESS.name: read_homelessness_list, EARLY_INTERVENTION.name: read_referral_list}


def read(data: bytes, file_name: str, reader, today, inactivity_days: int, coc: str | None):
    return reader(data, file_name, today, inactivity_days=inactivity_days, **({"coc": coc} if coc else {}))
