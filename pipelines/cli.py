"""`bynames`: load extracts, report figures, manage uploads and build sample data from a terminal."""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import getpass
import io
import json
import sys
from contextlib import contextmanager
from pathlib import Path

from rich.console import Console

from pipelines import accounts, audit, exports, figures, loading, settings, store, submissions, upload_limits
from pipelines.disclosure import release
from pipelines.periods import GRANULARITIES, Period, parse_month, period_of
from pipelines.programs import EARLY_INTERVENTION, HOMELESSNESS, POPULATIONS, PROGRAMS

FUNDER_HELP = ("exactly what a funder's pages receive: whole months, counts rounded to 10, those of 10 or fewer "
               "and a few others not shown, with the reason")

# The login name running the command is what the audit trail and the upload history record as who did
# it: `--who` cannot name someone else instead, only be kept beside it.
WHO_HELP = "on whose behalf you do it: kept beside your login name, which is recorded in any case"
DB_HELP = ("the store: a DuckDB file, or postgresql://user@host:port/dbname for a shared PostgreSQL "
           "(default: $BYNAMES_DATABASE, else data/bynames.duckdb)")

SAMPLE_CASES = Path(__file__).resolve().parent.parent / "sample_cases"
SAMPLE_COMMUNITY = "Harbor County (a fictional community)"
err = Console(stderr=True, highlight=False, soft_wrap=True)


@contextmanager
def steps(title: str):
    """A spinner naming the current step on a terminal; a line per step when output is piped."""
    if err.is_terminal:
        with err.status(title) as status:
            yield lambda step: status.update(f"{title}: {step}")
    else:
        yield lambda step: print(f"{title}: {step}", file=sys.stderr, flush=True)


def cmd_ingest(args) -> int:
    path = Path(args.path)
    if not path.is_file():
        err.print(f"{path}: no such file")
        return 1
    loading.reading_process.start()  # it starts while the store is opened and the settings read
    with store.opened(args.db) as conn:
        limits = loading.limits_of(conn)
    try:  # before reading it: a file of gigabytes would fill the memory first
        upload_limits.check_size(path.stat().st_size, limits)
    except upload_limits.FileRefused as exc:
        err.print(f"{path.name} was not loaded: {exc}", markup=False)
        return 1
    with steps(f"Loading {path.name}") as progress:
        result = loading.ingest_file(args.db, path.read_bytes(), path.name, program=args.program,
                                     who=loading.who_default(), progress=progress, as_of=args.as_of,
                                     source=args.source, coc=args.coc)
    for line in result.report.lines(limit=args.show):
        err.print(line, markup=False)
    if result.report.quality:
        err.print("Data quality by project (these do not stop the upload):", markup=False)
        for line in result.report.quality_lines():
            err.print(f"  {line}", markup=False)
    print(result.message)
    return 1 if result.status == loading.REJECTED else 0


@contextmanager
def _figured(db, read_only: bool = False):
    """The store to work figures out from: the embedded file itself, or this process's copy of a PostgreSQL
    store, where the records' states are (store.reading)."""
    with store.opened(db, read_only=read_only) as conn, store.reading(conn) as figured:
        yield figured


def _write_table(rows: list[dict], fmt: str) -> None:
    if fmt == "json":
        print(json.dumps(rows, indent=2, default=str))
        return
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]) if rows else [], lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    sys.stdout.write(out.getvalue())


def _recorded(report):
    """A report printed is figures leaving the system, like a download: recorded once it has been printed."""
    def run(args) -> int:
        done = report(args)
        if done == 0:
            asked = " ".join(f"--{k.replace('_', '-')} {v}" if v is not True else f"--{k.replace('_', '-')}"
                             for k, v in sorted(vars(args).items())
                             if k not in ("db", "run", "command", "report", "who") and v not in (None, False))
            with store.opened(args.db) as conn:
                audit.record(conn, loading.who_default(), audit.EXPORT, "standard output",
                             f"report {args.report} {asked}".strip())
        return done
    return run


def cmd_report_bfz(args) -> int:
    month = parse_month(args.month)
    if args.funder:
        if args.format == "bfz":
            raise ValueError("the submission file is Built for Zero's; a funder's figures come as json or csv")
        with _figured(args.db, read_only=True) as conn:
            funders = release.for_funders(conn, PROGRAMS[args.program])
            if month not in [m.start for m in funders.months]:
                raise ValueError(f"funders see whole months: {month:%Y-%m} is not one on the list yet")
            submission = release.submission(conn, funders, month)
        for name, values in submission["populations"].items():
            submission["populations"][name] = funders.labelled("flow", (name, month), values)
        if args.format == "json":
            print(json.dumps(submission, indent=2, default=str))
        else:
            _write_table([{"month": submission["month"], "population": name, **{
                k: v for k, v in values.items() if k != "functional_zero"},
                "functional_zero_met": (values.get("functional_zero") or {}).get("met")}
                for name, values in submission["populations"].items()], "csv")
        return 0
    with store.opened(args.db) as conn:
        if args.pit_count is not None:
            with store.writing(conn):
                store.change_setting(conn, args.program, "pit_count_individuals", args.pit_count, loading.who_default())
        with store.reading(conn) as figured:
            if args.format == "bfz":
                _write_table(submissions.for_month(figured, args.program, month), "csv")
                return 0
            submission = figures.monthly_submission(figured, args.program, month)
            submission["drift"] = submissions.drift(figured, args.program)
    if args.format == "json":
        print(json.dumps(submission, indent=2, default=str))
    else:
        rows = []
        for population, values in submission["populations"].items():
            flat = {k: v for k, v in values.items() if k != "functional_zero"}
            fz = values.get("functional_zero") or {}
            rows.append({"month": submission["month"], "population": population, **flat,
                         "functional_zero_threshold": fz.get("threshold"),
                         "functional_zero_met": fz.get("met")})
        _write_table(rows, "csv")
    return 0


def cmd_submit(args) -> int:
    month = parse_month(args.month)
    with store.opened(args.db) as conn:
        kept = submissions.submit(conn, args.program, month, loading.who_default())
    print(f"The figures for {kept['month']} are kept as submitted (submission {kept['submission_id']}): "
          f"{kept['populations']['All']['actively_homeless']:,} actively homeless")
    return 0


def cmd_submissions_list(args) -> int:
    with _figured(args.db) as conn:
        rows = submissions.listed(conn, args.program)
        drift = {row["month"]: row for row in submissions.drift(conn, args.program)}
    if args.format == "json":
        print(json.dumps(rows, indent=2, default=str))
        return 0
    if not rows:
        print("No month has been submitted yet (bynames submit bfz --month YYYY-MM).")
    for r in rows:
        month = f"{r['month']:%Y-%m}"
        state = drift[month] if r["counts"] and month in drift else None
        note = submissions.drift_sentence(state) if state else "replaced by a later submission"
        print(f"{r['submission_id']:>4}  {month}  {r['submitted_at']:%Y-%m-%d %H:%M}  {r['submitted_by']:<24} {note}")
    return 0


def cmd_export_bfz_list(args) -> int:
    with store.opened(args.db) as conn:
        with store.reading(conn) as listed:
            rows = submissions.bfz_list(listed)
        audit.record(conn, loading.who_default(), audit.EXPORT, Path(args.out).name,
                     "de-identified list for Built for Zero")
    Path(args.out).write_text(exports.csv(rows))
    print(f"{rows.height:,} records written to {args.out} (Client ID and Built for Zero's seven columns; "
          "no names, birth dates or SSNs)")
    return 0


def cmd_report_ei(args) -> int:
    from pipelines.early_intervention import child_count

    if (args.month is None) == (args.week is None):
        raise ValueError("give either --month YYYY-MM or --week YYYY-MM-DD (any day of the week)")
    period = period_of(parse_month(args.month), "month") if args.month else period_of(args.week, "week")
    if args.funder:
        if args.week:
            raise ValueError("funders see whole months: give --month YYYY-MM")
        with _figured(args.db, read_only=True) as conn:
            funders = release.for_funders(conn, EARLY_INTERVENTION)
        if period.start not in funders.part_c:
            raise ValueError(f"funders see whole months: {period.start:%Y-%m} is not one on the list yet")
        result = {"period": period.label, "period_start": period.start, "period_end": period.end,
                  **funders.labelled("ei", (period.start,), funders.part_c[period.start])}
        if args.format == "json":  # each indicator as one entry, as in the report for those who see people
            print(json.dumps(release.nested(result), indent=2, default=str))
        else:  # one column per indicator figure, as in theirs
            _write_table([result], "csv")
        return 0
    with _figured(args.db) as conn:
        result = child_count.period_report(conn, period)
    for missing in child_count.without_denominator(result):
        err.print(f"bynames: {missing}", markup=False)
    if args.format == "json":
        print(json.dumps(result, indent=2, default=str))
    else:  # one column per indicator figure: indicator_7_numerator...
        _write_table([child_count.flat(result)], "csv")
    return 0


def cmd_report_ei_618(args) -> int:
    from pipelines.early_intervention import federal_tables

    with _figured(args.db) as conn:
        tables = federal_tables.year_tables(conn, args.year)
    for missing in federal_tables.missing(tables):
        err.print(f"bynames: {missing}", markup=False)
    if args.format == "json":
        print(json.dumps(tables, indent=2, default=str))
    else:  # both tables in one file, each row saying which table and which days it is of
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=federal_tables.CSV_COLUMNS, lineterminator="\n")
        writer.writeheader()  # even with no rows yet: the columns say what the file is
        writer.writerows(federal_tables.csv_rows(tables))
        sys.stdout.write(out.getvalue())
    return 0


def cmd_report_equity(args) -> int:
    from pipelines import equity_report

    definition = PROGRAMS[args.program]
    if args.by not in equity_report.groupings(definition):
        raise ValueError(f"{definition.label} is grouped by one of: {', '.join(equity_report.groupings(definition))}")
    period = Period(args.date_from, args.date_to, "range")
    if args.funder:
        with _figured(args.db, read_only=True) as conn:
            funders = release.for_funders(conn, definition)
        views = {(r["period_start"], r["period_end"]): r for (by, _, reference), r in funders.equity.items()
                 if by == args.by and reference == args.reference}
        if (period.start, period.end) not in views:
            offered = ", ".join(f"--from {a} --to {b}" for a, b in sorted(views))
            raise ValueError(f"funders see the last 12 whole months, against the general population: "
                             f"{offered or 'none yet'}")
        result = views[(period.start, period.end)]
    else:
        with _figured(args.db) as conn:
            result = equity_report.report(conn, definition, period, args.by, args.reference, child_find=True)
    result["summary"] = equity_report.summary(result)
    print(json.dumps(result, indent=2, default=str))
    return 0


def cmd_matches(args) -> int:
    from pipelines import person_links

    with store.opened(args.db) as conn:
        if args.decision:
            print(person_links.decide(conn, args.link_id, args.decision, loading.who_default()))
            return 0
        pairs = person_links.listed(conn, args.program, None if args.all else person_links.PENDING)
    if args.format == "json":
        print(json.dumps(pairs.to_dicts(), indent=2, default=str))
        return 0
    if pairs.is_empty():
        print("No pairs waiting for review." if not args.all else "No pairs found yet.")
    for r in pairs.iter_rows(named=True):
        print(f"{r['link_id']:>5}  {r['status']:<9} {r['source_a'] or 'list'}:{r['client_id_a']} "
              f"{r['first_a'] or ''} {r['last_a'] or ''} {r['birth_date_a'] or ''}  ~  "
              f"{r['source_b'] or 'list'}:{r['client_id_b']} {r['first_b'] or ''} {r['last_b'] or ''} "
              f"{r['birth_date_b'] or ''}  ({r['method']})")
    return 0


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date written as YYYY-MM-DD") from None


def cmd_report_flow(args) -> int:
    if args.funder:
        if args.by != "month":
            raise ValueError("funders see whole months: use --by month")
        with _figured(args.db, read_only=True) as conn:
            funders = release.for_funders(conn, PROGRAMS[args.program])
        rows = [funders.labelled("flow", (r["population"], r["period_start"]), r) for r in funders.flow
                if args.date_from <= r["period_start"] <= args.date_to
                and (args.population is None or r["population"] == args.population)]
        _write_table(rows, args.format)
        return 0
    with _figured(args.db) as conn:
        rows = figures.flow_series(conn, args.program, args.by, args.date_from, args.date_to, args.population)
    _write_table(rows, args.format)
    return 0


def cmd_uploads_list(args) -> int:
    import queries

    with store.opened(args.db) as conn:
        rows = queries.rows(conn, "uploads_list", program=None)
    if args.format == "json":
        print(json.dumps(rows, indent=2, default=str))
        return 0
    if not rows:
        print("No uploads yet.")
    for r in rows:
        print(f"{r['upload_id']:>4}  {r['uploaded_at']:%Y-%m-%d %H:%M}  {r['status']:<11}  {r['rows_read']:>9,} rows  "
              f"{r['warnings'] or 0:>4} warnings  {r['file_name']}  ({r['uploaded_by']}"
              + (f" on behalf of {r['on_behalf_of']})" if r["on_behalf_of"] else ")"))
    return 0


def cmd_uploads_rollback(args) -> int:
    with store.opened(args.db) as conn:
        try:
            print(loading.rollback(conn, args.upload_id, who=loading.who_default()))
        except loading.RollbackRefused as exc:
            err.print(f"Not rolled back: {exc}")
            return 1
    return 0


def cmd_migrate(args) -> int:
    with store.opened(args.db) as conn:  # opening brings the store up to date, once however many servers ask
        applied = conn.execute("SELECT count(*), max(version) FROM schema_migrations").fetchone()
    print(f"{store.store_name(args.db)} is up to date: {applied[0]} migrations applied, the last {applied[1]:03d}")
    return 0


def cmd_demo(args) -> int:
    files = sorted(SAMPLE_CASES.glob("bnl-*.csv"))
    if not files:
        err.print(f"no sample extracts in {SAMPLE_CASES}")
        return 1
    extracts = [(path, HOMELESSNESS.name) for path in files]
    extracts.append((SAMPLE_CASES / "ei_referrals.csv", EARLY_INTERVENTION.name))
    with store.opened(args.db) as conn:
        store.set_setting(conn, "", "community_name", SAMPLE_COMMUNITY)
        accounts.add_demo_accounts(conn)
        for path, program in extracts:
            with steps(f"Loading {path.name}") as progress:
                result = loading.ingest(conn, path.read_bytes(), path.name, program=program, who="demo",
                                        progress=progress)
            print(result.message)
            if result.status == loading.REJECTED:
                return 1
        reference = SAMPLE_CASES / "reference_population.csv"
        print(loading.load_reference(conn, reference.read_bytes(), reference.name, who="demo").message)
    print(f"Sample database ready: {store.store_name(args.db)}")
    return 0


def cmd_reference(args) -> int:
    path = Path(args.path)
    if not path.is_file():
        err.print(f"{path}: no such file")
        return 1
    with store.opened(args.db) as conn:
        result = loading.load_reference(conn, path.read_bytes(), path.name, who=loading.who_default())
    for line in result.report.lines(limit=args.show):
        err.print(line, markup=False)
    print(result.message)
    return 1 if result.status == loading.REJECTED else 0


def cmd_pack(args) -> int:
    from pipelines import meeting_pack

    with store.opened(args.db) as conn, steps("Making the meeting pack") as progress:
        progress("gathering the agenda")
        with store.reading(conn) as figured:
            pdf = meeting_pack.for_meeting(figured, args.program, args.date, args.everyone)
        audit.record(conn, loading.who_default(), audit.EXPORT, Path(args.out).name, "meeting pack")
    Path(args.out).write_bytes(pdf)
    print(f"Meeting pack for {args.date:%a %d %b %Y} written to {args.out}")
    return 0


def cmd_audit(args) -> int:
    with store.opened(args.db) as conn:
        lines = audit.lines(conn, who=args.who_did, subject=args.subject)
        audit.record(conn, loading.who_default(), audit.EXPORT, args.out or "standard output",
                     "audit trail")
    text = exports.csv(lines)
    if args.out:
        Path(args.out).write_text(text)
        print(f"{lines.height:,} lines written to {args.out}")
    else:
        sys.stdout.write(text)
    return 0


@contextmanager
def _transaction(conn):
    with store.writing(conn):
        conn.execute("BEGIN TRANSACTION")
        try:
            yield
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise


def cmd_users(args) -> int:
    me = loading.who_default()
    with store.opened(args.db) as conn:
        if args.users == "add":
            with _transaction(conn):
                accounts.add_user(conn, args.email, args.role)
                audit.record(conn, me, audit.USER_SAVED, args.email.strip().lower(), args.role)
            print(f"{args.email} can sign in as {args.role} once a password is set "
                  f"(bynames users password {args.email})")
        elif args.users == "remove":
            with _transaction(conn):
                accounts.remove_user(conn, args.email)
                audit.record(conn, me, audit.USER_REMOVED, args.email.strip().lower())
            print(f"{args.email} can no longer sign in")
        elif args.users == "password":
            password = sys.stdin.readline().rstrip("\n") if args.password_stdin else getpass.getpass("New password: ")
            with _transaction(conn):
                accounts.set_password(conn, args.email, password)
                audit.record(conn, me, audit.PASSWORD_SET, args.email.strip().lower())
            print(f"Password set for {args.email}")
        else:
            for user in accounts.users(conn):
                print(f"{user['email']:<40} {user['role']:<10} "
                      f"{'password set' if user['has_password'] else 'no password yet'}")
    return 0


def cmd_setting(args) -> int:
    if args.key is None:
        with store.opened(args.db, read_only=True) as conn:
            for known in settings.known(args.program):
                print(f"{known.key} = {json.dumps(store.setting(conn, args.program, known.key), ensure_ascii=False)}")
                print(f"    {known.description}")
                print(f"    {known.rule(args.program)}")
        return 0
    declared = settings.declared(args.program, args.key)
    if args.value is None:
        if declared.kind == settings.SECRET:
            raise ValueError(f"{args.key} is kept by bynames itself and is not shown")
        with store.opened(args.db, read_only=True) as conn:
            print(json.dumps(store.setting(conn, args.program, args.key), ensure_ascii=False))
        return 0
    value = settings.parse(args.program, args.key, args.value)
    with store.opened(args.db) as conn, _transaction(conn):
        old, new = store.change_setting(conn, args.program, args.key, value, loading.who_default())
    print(f"{args.key} = {json.dumps(new, ensure_ascii=False)}"
          + (" (unchanged)" if old == new else f" (was {json.dumps(old, ensure_ascii=False)})"))
    return 0


def cmd_generate(args) -> int:
    out = Path(args.out)
    if out.suffix.lower() == ".zip":
        from pipelines.hmis.sample import write_export

        with steps(f"Generating an HMIS CSV export of {args.records:,} clients") as progress:
            progress("drawing households and their stays")
            paths = [write_export(args.records, out, seed=args.seed, version=args.fy)]
    else:
        from pipelines.sample_data import write_extracts

        with steps(f"Generating {args.records:,} records") as progress:
            progress("drawing people")
            paths = write_extracts(args.records, out, snapshots=args.snapshots, seed=args.seed)
    for p in paths:
        print(p)
    return 0


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="bynames", description=__doc__)
    sub = top.add_subparsers(dest="command", required=True)

    def with_db(p):
        p.add_argument("--db", help=DB_HELP)
        p.add_argument("--program", default="homelessness", choices=sorted(PROGRAMS))
        return p

    p = with_db(sub.add_parser("ingest", help="validate and load an extract (CSV, XLSX, or an HMIS CSV export zip)"))
    p.add_argument("path")
    p.add_argument("--who", help=WHO_HELP)
    p.add_argument("--show", type=int, default=50, help="how many findings to print (default 50)")
    p.add_argument("--as-of", type=_date, help="the day the extract describes (default: its latest date)")
    p.add_argument("--source", default="", help="the system the extract comes from, when people arrive from "
                                                "several (their IDs are then one person within a source only)")
    p.add_argument("--coc", help="of an HMIS export holding several Continuums of Care, the one to load (e.g. CA-500)")
    p.set_defaults(run=cmd_ingest)

    report = sub.add_parser("report", help="figures").add_subparsers(dest="report", required=True)
    p = with_db(report.add_parser("bfz", help="Built for Zero's monthly submission"))
    p.add_argument("--month", required=True, help="YYYY-MM")
    p.add_argument("--format", choices=("json", "csv", "bfz"), default="json",
                   help="bfz: the submission file, one row per population in Built for Zero's field names")
    p.add_argument("--pit-count", type=int, help="set the individuals in the latest point-in-time count")
    p.add_argument("--funder", action="store_true", help=FUNDER_HELP)
    p.set_defaults(run=_recorded(cmd_report_bfz))
    p = report.add_parser("ei", help="Early Intervention: the 45-day clock, exits, timely services and OSEP's "
                                    "Part C indicators")
    p.add_argument("--db", help=DB_HELP)
    p.add_argument("--month", help="YYYY-MM")
    p.add_argument("--week", type=_date, help="any day of the week (weeks run Monday to Sunday), YYYY-MM-DD")
    p.add_argument("--format", choices=("json", "csv"), default="json")
    p.add_argument("--funder", action="store_true", help=FUNDER_HELP)
    p.set_defaults(run=_recorded(cmd_report_ei))
    p = report.add_parser("ei-618", help="Early Intervention: IDEA's 618 tables of a year, the child count on the "
                                        "count date and the exits from July 1 to June 30 (small counts: not for "
                                        "funders)")
    p.add_argument("--db", help=DB_HELP)
    p.add_argument("--year", type=int, required=True,
                   help="the year as OSEP's SPP/APR numbers it: 2025 is the child count of fall 2025 and the exits "
                        "from 2025-07-01 to 2026-06-30")
    p.add_argument("--format", choices=("json", "csv"), default="json")
    p.add_argument("--csv", dest="format", action="store_const", const="csv", help="the same as --format csv")
    p.set_defaults(run=_recorded(cmd_report_ei_618))
    p = with_db(report.add_parser("equity", help="equity gaps by group, as JSON (see the README)"))
    p.add_argument("--from", dest="date_from", type=_date, required=True, help="YYYY-MM-DD")
    p.add_argument("--to", dest="date_to", type=_date, required=True, help="YYYY-MM-DD")
    p.add_argument("--by", default="race", help="race, gender, age, household, veteran (homelessness); "
                                                "race, gender, age, neighborhood, zip (early_intervention)")
    p.add_argument("--reference", choices=("population", "poverty_population"), default="population",
                   help="what shares are compared with (homelessness; referrals use children under 3)")
    p.add_argument("--funder", action="store_true", help=FUNDER_HELP)
    p.set_defaults(run=_recorded(cmd_report_equity))
    p = with_db(report.add_parser("flow", help="inflow and outflow per day, week or month"))
    p.add_argument("--by", choices=GRANULARITIES, default="month")
    p.add_argument("--from", dest="date_from", type=_date, required=True, help="YYYY-MM-DD")
    p.add_argument("--to", dest="date_to", type=_date, required=True, help="YYYY-MM-DD")
    p.add_argument("--population", choices=POPULATIONS)
    p.add_argument("--format", choices=("csv", "json"), default="csv")
    p.add_argument("--funder", action="store_true", help=FUNDER_HELP)
    p.set_defaults(run=_recorded(cmd_report_flow))

    submit = sub.add_parser("submit", help="keep a month's figures as submitted").add_subparsers(
        dest="submit", required=True)
    p = submit.add_parser("bfz", help="Built for Zero's monthly figures, kept as they are now")
    p.add_argument("--db", help=DB_HELP)
    p.add_argument("--month", required=True, help="YYYY-MM")
    p.add_argument("--who", help=WHO_HELP)
    p.set_defaults(run=cmd_submit, program=HOMELESSNESS.name)
    submitted = sub.add_parser("submissions", help="months submitted").add_subparsers(dest="submissions",
                                                                                      required=True)
    p = submitted.add_parser("list", help="every submission, newest month first, with the drift since")
    p.add_argument("--db", help=DB_HELP)
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(run=cmd_submissions_list, program=HOMELESSNESS.name)
    export = sub.add_parser("export", help="files to share").add_subparsers(dest="export", required=True)
    p = export.add_parser("bfz-list", help="the de-identified list Built for Zero takes (CSV)")
    p.add_argument("--db", help=DB_HELP)
    p.add_argument("--out", required=True, help="the CSV file to write")
    p.add_argument("--who", help=WHO_HELP)
    p.set_defaults(run=cmd_export_bfz_list)

    uploads = sub.add_parser("uploads", help="upload history").add_subparsers(dest="uploads", required=True)
    p = with_db(uploads.add_parser("list", help="every upload, newest first"))
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(run=cmd_uploads_list)
    p = with_db(uploads.add_parser("rollback", help="remove exactly the facts one upload added"))
    p.add_argument("upload_id", type=int)
    p.add_argument("--who", help=WHO_HELP)
    p.set_defaults(run=cmd_uploads_rollback)

    p = sub.add_parser("reference", help="load the reference population the equity page compares against (CSV)")
    p.add_argument("path")
    p.add_argument("--db", help=DB_HELP)
    p.add_argument("--who", help=WHO_HELP)
    p.add_argument("--show", type=int, default=50, help="how many findings to print (default 50)")
    p.set_defaults(run=cmd_reference)

    p = with_db(sub.add_parser("matches", help="people matched across sources: the review queue"))
    p.add_argument("decision", nargs="?", choices=("accept", "reject", "undo"),
                   help="leave out to list the pairs waiting for review")
    p.add_argument("link_id", nargs="?", type=int, help="the pair's number, as listed")
    p.add_argument("--all", action="store_true", help="list every pair found, whatever its status")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.add_argument("--who", help=WHO_HELP)
    p.set_defaults(run=cmd_matches)

    p = with_db(sub.add_parser("migrate", help="bring the store's tables up to date (servers do it too as they start)"))
    p.set_defaults(run=cmd_migrate)

    p = with_db(sub.add_parser("demo", help="build the sample database from sample_cases/"))
    p.set_defaults(run=cmd_demo)

    p = with_db(sub.add_parser("pack", help="the case conference's meeting pack, as PDF"))
    p.add_argument("--date", type=_date, default=dt.date.today(), help="the meeting's date, YYYY-MM-DD")
    p.add_argument("--out", required=True, help="the PDF file to write")
    p.add_argument("--who", help=WHO_HELP)
    p.add_argument("--everyone", action="store_true", help="add the whole list, in triage order, after the agenda")
    p.set_defaults(run=cmd_pack)

    users = sub.add_parser("users", help="who may sign in").add_subparsers(dest="users", required=True)
    p = with_db(users.add_parser("add", help="add an account, or change its role"))
    p.add_argument("email")
    p.add_argument("--role", required=True, choices=accounts.ROLES)
    p.add_argument("--who", help=WHO_HELP)
    p.set_defaults(run=cmd_users)
    p = with_db(users.add_parser("password", help="set an account's password"))
    p.add_argument("email")
    p.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    p.add_argument("--who", help=WHO_HELP)
    p.set_defaults(run=cmd_users)
    p = with_db(users.add_parser("remove", help="take away an account's access (not the last admin's)"))
    p.add_argument("email")
    p.add_argument("--who", help=WHO_HELP)
    p.set_defaults(run=cmd_users)
    p = with_db(users.add_parser("list", help="every account and its role"))
    p.set_defaults(run=cmd_users)

    p = with_db(sub.add_parser("audit", help="export the audit trail as CSV"))
    p.add_argument("--out", help="the CSV file to write (default: standard output)")
    p.add_argument("--who-did", help="only what this person did")
    p.add_argument("--subject", help="only lines about this (a Client ID, 'upload 3', a file name)")
    p.add_argument("--who", help=WHO_HELP)
    p.set_defaults(run=cmd_audit)

    p = with_db(sub.add_parser("setting", help="show or change a setting; leave everything out to list them "
                                               "with what each means and the values it takes"))
    p.add_argument("key", nargs="?", help="the setting (leave out to list them all)")
    p.add_argument("value", nargs="?", help="JSON or plain text; leave out to show the current value")
    p.add_argument("--who", help=WHO_HELP)
    p.set_defaults(run=cmd_setting)

    p = sub.add_parser("generate", help="write a fictional community's by-name list or HMIS CSV export")
    p.add_argument("--records", type=int, required=True, help="records on the list, or clients in an export")
    p.add_argument("--out", required=True, help="a .csv/.xlsx file, a folder for several snapshots, or a .zip "
                                                "for an HMIS CSV export")
    p.add_argument("--fy", type=int, default=2026, choices=(2024, 2026), help="the HMIS CSV specification of a "
                                                                              ".zip export (default 2026)")
    p.add_argument("--snapshots", type=int, default=1, help="monthly extracts to write (default 1)")
    p.add_argument("--seed", type=int, default=7)
    p.set_defaults(run=cmd_generate)
    return top


def _waiting():
    """Says, on standard error, that the command waits for another process (an upload) to let go of
    the database, and how long it has waited now and then; so a long wait is not taken for a hang."""
    told: list[int] = []  # the minutes at which it was said

    def tell(seconds: float | None) -> None:
        if seconds is None:
            if told:
                err.print("bynames: the database is free; going on.", markup=False)
                told.clear()
            return
        minutes = int(seconds // 60)
        if not told:
            err.print("bynames: waiting for another upload to finish (another process has the database "
                      "open)…", markup=False)
        elif minutes > told[-1]:
            err.print(f"bynames: still waiting, {minutes} min so far…", markup=False)
        else:
            return
        told.append(minutes)
    return tell


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        with (audit.on_behalf_of(getattr(args, "who", None), loading.who_default()),
              store.waiting_with(_waiting())):
            return args.run(args)
    except (ValueError, store.StillHeld) as exc:
        err.print(f"bynames: {exc}")
        return 2


if __name__ == "__main__":
    sys.exit(main())
