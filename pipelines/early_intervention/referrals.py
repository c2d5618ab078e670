"""Early Intervention (IDEA Part C) referral extracts: read, normalise and validate, touching no database.

`read_referrals` turns an uploaded file into one row per referral with typed dates, decoded
eligibility and exit reasons, and a validation report. Like the Built for Zero reader it never
raises on bad data: every problem becomes a finding naming the row, column, value and rule.
"""

from __future__ import annotations

import datetime as dt
import re

import polars as pl

from pipelines.columns import add_findings, ordinals, read_extract, sort_findings, text_frame
from pipelines.dates import parse_dates
from pipelines.report import ERROR, WARNING, ValidationReport

REQUIRED = {
    "client_id": ("Child ID", "EI Child ID", "Child Identifier", "EI ID"),
    "birth_date": ("Date of Birth", "DOB", "Birth Date", "Birthdate"),
    "referred": ("Referral Date", "Date of Referral", "Date Referred", "Referral Received Date"),
}
OPTIONAL = {
    "first_name": ("First Name", "Child First Name"),
    "last_name": ("Last Name", "Child Last Name"),
    "sex": ("Sex", "Gender"),
    "race": ("Race",),
    "hispanic": ("Hispanic", "Hispanic/Latino", "Hispanic or Latino", "Hispanic/Latina/e/o", "Ethnicity"),
    "zip": ("ZIP", "ZIP Code", "Postal Code"),
    "neighborhood": ("Neighborhood", "Neighbourhood"),
    "referral_source": ("Referral Source", "Source of Referral", "Referred By"),
    "evaluated": ("Evaluation Date", "Date of Evaluation", "Initial Evaluation Date",
                  "Evaluation and Assessment Date"),
    "eligibility": ("Eligibility", "Eligibility Status", "Eligibility Result", "Eligibility Determination"),
    "eligibility_decided": ("Eligibility Date", "Eligibility Determination Date", "Date of Eligibility"),
    "ifsp": ("IFSP Date", "Initial IFSP Date", "Initial IFSP Meeting Date", "IFSP Meeting Date"),
    "exceptional": ("Exceptional Family Circumstance", "Exceptional Family Circumstances",
                    "Family Circumstance Delay", "EFC"),
    "service_start": ("Service Start Date", "Services Start Date", "First Service Date", "Date of First Service"),
    "transition_steps": ("Transition Steps Date", "Transition Plan Date", "Transition Steps and Services Date"),
    "part_b_potential": ("Potentially Eligible for Part B", "Potentially Part B Eligible",
                         "Potential Part B Eligibility", "Potentially Eligible Part B"),
    "lea_notified": ("LEA Notification Date", "LEA Notified Date", "LEA Notification",
                     "School District Notification Date"),
    "sea_notified": ("SEA Notification Date", "SEA Notified Date", "SEA Notification",
                     "State Education Agency Notification Date"),
    "transition_conference": ("Transition Conference Date", "Transition Conference"),
    "conference_declined": ("Transition Conference Declined", "Conference Declined",
                            "Parent Declined Transition Conference", "Transition Conference Refused"),
    "exited": ("Exit Date", "Date of Exit", "Discharge Date"),
    "exit_reason": ("Exit Reason", "Reason for Exit", "Exit Category"),
    "service_coordinator": ("Service Coordinator", "Service Coordinator Name"),
}
DATE_FIELDS = ("birth_date", "referred", "evaluated", "eligibility_decided", "ifsp", "service_start",
               "transition_steps", "lea_notified", "sea_notified", "transition_conference", "exited")
# Steps that only happen once the referral is received; transition steps are planned from the
# 3rd birthday, not from the referral, so they are not held to it.
AFTER_REFERRAL = ("evaluated", "eligibility_decided", "ifsp", "service_start", "exited")
EVALUATION_DAYS = 45  # a child referred closer than this to the 3rd birthday is referred on, not evaluated

# The 10 federal Part C exit categories (OSEP exiting data), in their federal order: the number is the code.
EXIT_REASONS = {
    1: "No longer eligible before 3",
    2: "Part B eligible, exiting",
    3: "Part B eligible, continuing",
    4: "Not Part B eligible, with referrals",
    5: "Not Part B eligible, no referrals",
    6: "Part B eligibility not determined",
    7: "Deceased",
    8: "Moved out of state",
    9: "Withdrawal by parent",
    10: "Attempts to contact unsuccessful",
}
# Children who left without Part C finding out whether they needed more: tracked by group.
LOST_REASONS = frozenset({6, 9, 10})
# Each reason's federal name first, then spellings seen in state data systems; compared after
# `_reason_key`, so case, punctuation and "three"/"3" do not matter.
EXIT_REASON_NAMES = {
    1: ("No longer eligible for Part C prior to reaching age three", "Completion of IFSP prior to reaching "
        "maximum age for Part C", "No longer eligible", "Completed IFSP", "IFSP completed",
        "No longer eligible for Part C"),
    2: ("Part B eligible, exiting Part C", "Eligible for Part B, exiting Part C", "Part B eligible exit"),
    3: ("Part B eligible, continuing in Part C", "Eligible for Part B, continuing in Part C"),
    4: ("Not eligible for Part B, exit with referrals to other programs", "Not eligible for Part B, with referrals",
        "Not Part B eligible, exit with referrals", "Not eligible for Part B, referred to other programs"),
    5: ("Not eligible for Part B, exit with no referrals", "Not eligible for Part B, no referrals",
        "Not Part B eligible, without referrals", "Not eligible for Part B, without referrals",
        "Not Part B eligible, exit with no referrals"),
    6: ("Part B eligibility not determined", "Eligibility for Part B not determined"),
    7: ("Deceased", "Died", "Death"),
    8: ("Moved out of state", "Moved out-of-state", "Moved out of the state", "Relocated out of state"),
    9: ("Withdrawal by parent (or guardian)", "Withdrawal by parent or guardian", "Withdrawn by parent",
        "Parent withdrew", "Withdrawal by parent/guardian", "Parent withdrawal"),
    10: ("Attempts to contact the parent and/or child were unsuccessful", "Attempts to contact the parent "
         "and or child were unsuccessful", "Unable to contact", "Unable to contact family", "Lost to contact",
         "Could not contact family", "Unable to locate"),
}

YES = frozenset({"yes", "y", "true", "t", "1", "x"})
NO = frozenset({"no", "n", "false", "f", "0"})
ELIGIBLE = frozenset({"eligible", "yes", "y", "eligibleforpartc", "eligibleestablishedcondition",
                      "eligibledevelopmentaldelay"})
NOT_ELIGIBLE = frozenset({"noteligible", "ineligible", "no", "n", "noteligibleforpartc"})
UNDECIDED = frozenset({"pending", "notdetermined", "undetermined"})

RECORD_COLUMNS = [
    "row", "client_id", "ordinal", "first_name", "last_name", "birth_date", "sex", "race", "hispanic", "zip",
    "neighborhood", "referral_source", "referred", "evaluated", "eligible", "eligibility_decided", "ifsp",
    "exceptional", "service_start", "transition_steps", "part_b_potential", "lea_notified", "sea_notified",
    "transition_conference", "conference_declined", "exited", "exit_reason", "service_coordinator", "extra",
]


def _reason_key(text: str) -> str:
    words = re.sub(r"\bthree\b", "3", text.lower().replace("&", " and "))
    return re.sub(r"[^0-9a-z]", "", words)


_REASON_OF = {
    _reason_key(name): code
    for code, label in EXIT_REASONS.items()
    for name in (label, *EXIT_REASON_NAMES[code])
}


def exit_reason_code(text: str | None) -> int | None:
    """The federal code for an exit reason written by number ('9', '9.', '09') or by name, loosely;
    a number with a name ('9 - Withdrawal by parent') must agree with it. None: not one of the 10."""
    if text is None:
        return None
    number = re.match(r"^\s*(?:code\s*)?0*(\d{1,2})\s*(?:[-.:)]\s*|\s+|$)(.*)$", text, re.IGNORECASE)
    if number:
        code, rest = int(number.group(1)), number.group(2)
        if code not in EXIT_REASONS:
            return None
        named = _REASON_OF.get(_reason_key(rest)) if rest.strip() else None
        return code if named in (None, code) else None
    return _REASON_OF.get(_reason_key(text))


def _text_key(text: str) -> str:
    return re.sub(r"[^0-9a-z]", "", text.lower())


def _yes_no(text: str) -> tuple[bool | None, bool]:
    key = _text_key(text)
    if key in YES:
        return True, True
    if key in NO:
        return False, True
    return None, False


def _hispanic(text: str) -> tuple[bool | None, bool]:
    # An "Ethnicity" column says it in words rather than yes/no.
    key = _text_key(text)
    says_hispanic = "hispanic" in key or "latin" in key
    if says_hispanic and key.startswith(("not", "non")):
        return False, True
    if says_hispanic:
        return True, True
    return _yes_no(text)


def _eligibility(text: str) -> tuple[bool | None, bool]:
    key = _text_key(text)
    if key in ELIGIBLE:
        return True, True
    if key in NOT_ELIGIBLE:
        return False, True
    return None, key in UNDECIDED


def _exit_reason(text: str) -> tuple[int | None, bool]:
    code = exit_reason_code(text)
    return code, code is not None


def _decoded(frame: pl.DataFrame, column: str, decode, dtype) -> tuple[pl.Expr, pl.Expr]:
    """(value, recognised) for a coded column, decoding each distinct spelling once, not each row."""
    spellings = [s for s in frame[column].unique().to_list() if s is not None]
    decoded = {s: decode(s) for s in spellings}
    raw = pl.col(column)
    value = raw.replace_strict({s: v for s, (v, _) in decoded.items()}, default=None, return_dtype=dtype)
    known = raw.replace_strict({s: k for s, (_, k) in decoded.items()}, default=True, return_dtype=pl.Boolean)
    return value, known


def read_referrals(data: bytes, file_name: str, today: dt.date | None = None):
    """Read an Early Intervention referral extract. Returns (referrals frame or None, ValidationReport)."""
    today = today or dt.date.today()
    report = ValidationReport(file_name)
    extract = read_extract(data, file_name, report, REQUIRED, OPTIONAL)
    if extract is None:
        return None, report
    headers = extract.headers
    header_of = extract.header_of | {f: names[0] for f, names in OPTIONAL.items() if f not in extract.header_of}
    # Every cell as written, so that only true copies of a row count as duplicates.
    text = text_frame(extract, REQUIRED | OPTIONAL, pl.struct(pl.all()).alias("cells"))
    text = _drop_copies(text, header_of, report)
    parsed = parse_dates(text, list(DATE_FIELDS), suffix="_parsed")
    codes = {
        "eligibility": _decoded(parsed, "eligibility", _eligibility, pl.Boolean),
        "exit_reason": _decoded(parsed, "exit_reason", _exit_reason, pl.Int8),
        "hispanic": _decoded(parsed, "hispanic", _hispanic, pl.Boolean),
        "exceptional": _decoded(parsed, "exceptional", _yes_no, pl.Boolean),
        "part_b_potential": _decoded(parsed, "part_b_potential", _yes_no, pl.Boolean),
        "conference_declined": _decoded(parsed, "conference_declined", _yes_no, pl.Boolean),
    }
    parsed = parsed.with_columns(
        *[value.alias(f"{f}_code") for f, (value, _) in codes.items()],
        *[known.alias(f"{f}_known") for f, (_, known) in codes.items()],
        pl.col("birth_date_parsed").dt.offset_by("3y").alias("third_birthday"),
    )
    _check_required(parsed, header_of, report)
    _check_dates(parsed, header_of, report, today)
    _check_codes(parsed, header_of, report)
    sort_findings(report, headers)
    if not report.ok:
        return None, report
    return _records(parsed), report


def _drop_copies(text: pl.DataFrame, header_of: dict, report: ValidationReport) -> pl.DataFrame:
    """A row identical to an earlier one is an export repeating itself, not a second referral."""
    marked = text.with_columns(
        pl.col("cells").is_first_distinct().alias("first"),
        pl.col("row").first().over("cells").alias("copy_of"),
    )
    copies = marked.filter(~pl.col("first"))
    add_findings(report, copies, WARNING, "duplicate_row", header_of["client_id"],
                 lambda r: f"the row is identical to row {r['copy_of']}; it is loaded once", "client_id")
    return marked.filter(pl.col("first")).drop("cells", "first", "copy_of")


def _check_required(parsed: pl.DataFrame, header_of: dict, report: ValidationReport) -> None:
    add_findings(report, parsed.filter(pl.col("client_id").is_null()), ERROR, "blank_child_id",
                 header_of["client_id"], "every row needs a Child ID")
    add_findings(report, parsed.filter(pl.col("birth_date").is_null()), ERROR, "missing_birth_date",
                 header_of["birth_date"], "every row needs the child's date of birth")
    add_findings(report, parsed.filter(pl.col("referred").is_null()), ERROR, "missing_referral_date",
                 header_of["referred"], "every row needs a referral date")


# Public Law 99-457 created the early intervention programme (then Part H, now Part C) on this day.
PART_C_BEGAN = dt.date(1986, 10, 8)


def _check_dates(parsed: pl.DataFrame, header_of: dict, report: ValidationReport, today: dt.date) -> None:
    for field in DATE_FIELDS:
        column = header_of[field]
        raw, date = pl.col(field), pl.col(f"{field}_parsed")
        add_findings(report, parsed.filter(raw.is_not_null() & date.is_null()), ERROR, "unparseable_date",
                     column, "not a date; write it as 1/2/2025, 2025-01-02 or January 2, 2025", field)
        add_findings(report, parsed.filter(date > today), ERROR, "date_in_future", column,
                     f"the date is after today ({today:%Y-%m-%d})", field)
        earliest = PART_C_BEGAN if field != "birth_date" else PART_C_BEGAN.replace(year=PART_C_BEGAN.year - 3)
        add_findings(report, parsed.filter(date < earliest), ERROR, "date_before_part_c", column,
                     f"the date is before {earliest:%Y-%m-%d}: Part C began on {PART_C_BEGAN:%Y-%m-%d}, so no child "
                     "born or referred earlier was ever served by it", field)
    referred, third = pl.col("referred_parsed"), pl.col("third_birthday")
    add_findings(report, parsed.filter(referred < pl.col("birth_date_parsed")), ERROR, "referral_before_birth",
                 header_of["referred"], lambda r: f"the referral is before the date of birth ({r['birth_date']})",
                 "referred")
    add_findings(report, parsed.filter(referred >= third), ERROR, "referred_after_third_birthday",
                 header_of["referred"],
                 lambda r: f"the child turned 3 on {r['third_birthday']:%Y-%m-%d}; Part C serves children under 3",
                 "referred")
    for field in AFTER_REFERRAL:
        add_findings(report, parsed.filter(pl.col(f"{field}_parsed") < referred), ERROR, "date_before_referral",
                     header_of[field], lambda r: f"the date is before the referral date ({r['referred']})", field)
    late = parsed.filter((referred < third) & ((third - referred).dt.total_days() < EVALUATION_DAYS))
    add_findings(report, late, WARNING, "referred_within_45_days_of_third_birthday", header_of["referred"],
                 lambda r: f"referred {(r['third_birthday'] - r['referred_parsed']).days} days before the 3rd "
                           "birthday: the child is referred on to the school district, not evaluated",
                 "referred")


def _check_codes(parsed: pl.DataFrame, header_of: dict, report: ValidationReport) -> None:
    reason, exited = pl.col("exit_reason"), pl.col("exited")
    add_findings(report, parsed.filter(reason.is_not_null() & ~pl.col("exit_reason_known")), ERROR,
                 "unknown_exit_reason", header_of["exit_reason"],
                 "not one of the 10 Part C exit reasons; write its name or its number from 1 to 10", "exit_reason")
    add_findings(report, parsed.filter(exited.is_not_null() & reason.is_null()), ERROR, "exit_without_reason",
                 header_of["exit_reason"], lambda r: f"the child exited on {r['exited']} but no exit reason is given")
    add_findings(report, parsed.filter(reason.is_not_null() & exited.is_null()), WARNING,
                 "exit_reason_without_exit_date", header_of["exit_reason"],
                 "an exit reason but no exit date: the referral stays open until an exit date is given",
                 "exit_reason")
    add_findings(report, parsed.filter(pl.col("eligibility").is_not_null() & ~pl.col("eligibility_known")),
                 WARNING, "unknown_eligibility", header_of["eligibility"],
                 "not 'Eligible' or 'Not eligible': the eligibility is loaded as unknown", "eligibility")
    for field in ("hispanic", "exceptional", "part_b_potential", "conference_declined"):
        add_findings(report, parsed.filter(pl.col(field).is_not_null() & ~pl.col(f"{field}_known")), WARNING,
                     "unknown_yes_no", header_of[field], "not yes or no: loaded as unknown", field)
    # Indicator 8C leaves out a declined conference, so a dated one would go uncounted without a word.
    declined_but_held = pl.col("conference_declined_code") & pl.col("transition_conference").is_not_null()
    add_findings(report, parsed.filter(declined_but_held), WARNING, "declined_conference_dated",
                 header_of["conference_declined"],
                 lambda r: f"the conference is marked declined but dated {r['transition_conference']}: indicator 8C "
                           "counts it as declined", "conference_declined")


def _records(parsed: pl.DataFrame) -> pl.DataFrame:
    # Excel drops a ZIP's leading zeros when the column is numbers: 2138 is 02138.
    zip_code = pl.col("zip")
    return parsed.with_columns(
        ordinals(parsed, "referred_parsed"),
        *[pl.col(f"{f}_parsed").alias(f) for f in DATE_FIELDS],
        pl.col("hispanic_code").alias("hispanic"),
        pl.col("eligibility_code").alias("eligible"),
        # Blank means no circumstance was documented; an unreadable value stays unknown.
        pl.when(pl.col("exceptional").is_null()).then(False).otherwise(pl.col("exceptional_code"))
        .alias("exceptional"),
        # ...and no refusal of the conference; a blank potential Part B eligibility stays unknown (not "no").
        pl.when(pl.col("conference_declined").is_null()).then(False).otherwise(pl.col("conference_declined_code"))
        .alias("conference_declined"),
        pl.col("part_b_potential_code").alias("part_b_potential"),
        pl.col("exit_reason_code").alias("exit_reason"),
        pl.when(zip_code.str.contains(r"^\d{3,4}$")).then(zip_code.str.zfill(5)).otherwise(zip_code).alias("zip"),
    ).select(RECORD_COLUMNS)
