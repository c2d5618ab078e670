"""The HMIS reader: a HUD HMIS CSV export (FY2024, FY2026) read as a Built for Zero by-name list.

archive (the zip, checked before it is opened), spec (what HUD's CSV specification says, as data),
tables (the CSV files as typed tables), checks (the checks across files), contacts (the evidence of
homelessness as dated spans), statuses (the list's dates from that evidence), chronic (HUD's chronic
homelessness), export (all of it together), sample (a generated export with its expected answers).
"""
