"""A corpus of hostile and malformed uploads, made on demand (nothing large is committed).

Each case says what the project does with the file: "refused" with the rule the report names, or
"loaded" (with the warning it carries, if any). The README's "What an upload may hold" section is the
same list in words; tests/test_hostile_files.py runs every case through the command line and the
Uploads page's check, and benchmarks/hostile.py measures the time and memory each one costs.
"""

from __future__ import annotations

import io
import random
import zipfile
from dataclasses import dataclass, field

import xlsxwriter

from pipelines.hmis import sample as hmis_sample

HOMELESSNESS, EARLY_INTERVENTION = "homelessness", "early_intervention"
REFUSED, LOADED = "refused", "loaded"

BFZ_HEADER = ["Client ID", "First Name", "Last Name", "Date of Identification", "Returned to Active Date",
              "Housing Move-In Date", "Inactive Date", "Household Type", "Chronic Status", "Veteran Status", "Age",
              "VI-SPDAT Score", "Date of Birth", "Notes"]
EI_HEADER = ["Child ID", "First Name", "Last Name", "Date of Birth", "Referral Date", "Evaluation Date",
             "Eligibility", "IFSP Date", "Exit Date", "Exit Reason"]


def bfz_rows(n: int = 20, seed: int = 1) -> list[list[str]]:
    rng = random.Random(seed)
    return [[f"C{seed}-{i}", rng.choice(["Ana", "Kofi", "Mai"]), rng.choice(["Ruiz", "Osei", "Tran"]),
             f"2025-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}", "", "", "",
             rng.choice(["Single Adult", "Youth", "Family"]), rng.choice(["Yes", "No"]), "No",
             str(rng.randint(18, 70)), str(rng.randint(1, 17)), f"1970-05-0{rng.randint(1, 9)}", "note"]
            for i in range(n)]


def ei_rows(n: int = 20, seed: int = 1) -> list[list[str]]:
    rng = random.Random(seed)
    return [[f"EI-{seed}-{i}", "Riley", "Underhill", f"2024-0{rng.randint(1, 9)}-0{rng.randint(1, 9)}",
             "2025-03-01", "2025-03-10", "Eligible", "2025-04-01", "", ""] for i in range(n)]


def csv_text(header: list[str], rows: list[list[str]], newline: str = "\n") -> str:
    def cell(value: str) -> str:
        return f'"{value.replace(chr(34), chr(34) * 2)}"' if any(c in value for c in ',"\n\r') else value
    return newline.join(",".join(cell(v) for v in row) for row in [header, *rows]) + newline


def workbook(header: list[str], rows: list[list[str]]) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet()
    for r, row in enumerate([header, *rows]):
        for c, value in enumerate(row):
            sheet.write_string(r, c, value)
    book.close()
    return buffer.getvalue()


def zipped(members: dict[str, bytes], level: int = 9) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        for name, content in members.items():
            archive.writestr(zipfile.ZipInfo(name, (2025, 1, 1, 0, 0, 0)), content,
                             compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def replaced_in_workbook(book: bytes, part: str, content: bytes) -> bytes:
    """The workbook with one of its parts replaced: how a bomb hides in a genuine .xlsx."""
    with zipfile.ZipFile(io.BytesIO(book)) as original:
        members = {name: original.read(name) for name in original.namelist()}
    members[part] = content
    return zipped(members)


@dataclass
class Case:
    name: str
    file_name: str
    make: object  # () -> bytes, so a large file is only made when it is used
    program: str = HOMELESSNESS
    outcome: str = REFUSED
    rule: str | None = None  # the rule the report names (refused: an error; loaded: a warning)
    settings: dict = field(default_factory=dict)  # limits lowered for the case, to keep the file small

    def data(self) -> bytes:
        return self.make()


def _edited(header, rows, program, *, row=0, column=None, value=None, header_edit=None):
    header = list(header)
    rows = [list(r) for r in rows]
    if column is not None:
        rows[row][header.index(column)] = value
    if header_edit:
        header = header_edit(header)
    return header, rows


def cases() -> list[Case]:
    return (_either_program(HOMELESSNESS, BFZ_HEADER, bfz_rows(), "Client ID", "First Name")
            + _either_program(EARLY_INTERVENTION, EI_HEADER, ei_rows(), "Child ID", "First Name")
            + _list_only() + _hmis())


def _either_program(program: str, header: list[str], rows: list[list[str]], idc: str, name_col: str) -> list[Case]:
    found: list[Case] = []
    tag = "list" if program == HOMELESSNESS else "ei"
    def add(name, make, outcome=REFUSED, rule=None, settings=None, file_name=None):
        found.append(Case(f"{tag}: {name}", file_name or f"{tag}-{len(found)}.csv", make, program, outcome,
                          rule, settings or {}))

    def text(h=header, r=rows, newline="\n"):
        return csv_text(h, r, newline)

    def cell(column, value, row=0, h=header, r=rows):
        return text(*_edited(h, r, program, row=row, column=column, value=value))

    # well-formed variants that load
    add("plain list", lambda: text().encode(), LOADED)
    add("Windows line endings", lambda: text(newline="\r\n").encode(), LOADED)
    add("UTF-8 with a byte order mark", lambda: b"\xef\xbb\xbf" + text().encode(), LOADED)
    add("UTF-16 with a byte order mark", lambda: text().encode("utf-16"), LOADED)
    add("UTF-16 big-endian", lambda: b"\xfe\xff" + text().encode("utf-16-be"), LOADED)
    add("UTF-16 without a byte order mark", lambda: text().encode("utf-16-le"), LOADED)
    add("Windows-1252 with an accented name", lambda: cell(name_col, "José").encode("cp1252"), LOADED, "not_utf8")
    add("a workbook", lambda: workbook(header, rows), LOADED, file_name=f"{tag}-book.xlsx")
    add("markdown in a name", lambda: cell(name_col, "![x](http://127.0.0.1:9/p.png)").encode(), LOADED)
    add("HTML in a name", lambda: cell(name_col, "<img src=http://127.0.0.1:9/x.png onerror=alert(1)>").encode(),
        LOADED)
    add("a formula in a name", lambda: cell(name_col, '=HYPERLINK("http://127.0.0.1:9","x")').encode(), LOADED)
    add("right-to-left name", lambda: cell(name_col, "سارة").encode(), LOADED)
    add("the same column twice, agreeing", lambda: text(header + [idc], [r + [r[0]] for r in rows]).encode(),
        LOADED)
    add("extra cells on a row", lambda: text(header, [*rows[:2], rows[2] + ["x", "y"], *rows[3:]]).encode(),
        LOADED, "extra_cells")
    # what is refused: the cells
    add("a NUL byte in an ID", lambda: cell(idc, "A\x00B").encode(), rule="control_character")
    add("an escape sequence in a name", lambda: cell(name_col, "\x1b[31mred").encode(), rule="control_character")
    add("a bidirectional override in an ID", lambda: cell(idc, "AB\u202eC").encode(), rule="control_character")
    add("a zero-width space in an ID", lambda: cell(idc, "A\u200bB").encode(), rule="control_character")
    add("a 10 MB name", lambda: cell(name_col, "x" * 10_000_000).encode(), rule="value_too_long")
    add("a 3,000-character ID", lambda: cell(idc, "9" * 3000).encode(), rule="value_too_long")
    add("a control character in a header", lambda: text([header[0] + "\x07", *header[1:]]).encode(),
        rule="control_character")
    add("a 5,000-character header", lambda: text([*header, "h" * 5000], [r + [""] for r in rows]).encode(),
        rule="value_too_long")
    add("the same column twice, disagreeing",
        lambda: text(header + [idc], [r + [r[0] + "x"] for r in rows]).encode(), rule="conflicting_columns")
    add("a NUL byte in a workbook cell", lambda: workbook(*_edited(header, rows, program, column=idc,
                                                                   value="A\x00B")),
        rule="control_character", file_name=f"{tag}-nul.xlsx")
    add("a date in 2099", lambda: cell(header[4 if program == EARLY_INTERVENTION else 3], "2099-01-01").encode(),
        rule="date_in_future")
    add("a blank ID", lambda: cell(idc, "").encode(), rule=f"blank_{'client' if tag == 'list' else 'child'}_id")
    add("rows of commas only", lambda: text(header, [[""] * len(header)] * 3).encode(),
        rule=f"blank_{'client' if tag == 'list' else 'child'}_id")
    # what is refused: the file
    add("an empty file", lambda: b"", rule="unreadable_file")
    add("a byte order mark alone", lambda: b"\xef\xbb\xbf", rule="unreadable_file")
    add("a header and no rows", lambda: text(header, []).encode(), rule="no_rows")
    add("a missing required column", lambda: text(header[1:], [r[1:] for r in rows]).encode(),
        rule="missing_required_column")
    add("random bytes", lambda: random.Random(3).randbytes(20_000), rule="encoding_problem")
    add("bytes neither UTF-8 nor Windows-1252", lambda: text().encode() + b"\x81\x8d\x90,\xff\xfe\x81\n",
        rule="encoding_problem")
    add("a PNG named .csv", lambda: b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20, rule="encoding_problem")
    add("100,000 columns", lambda: (",".join(f"c{i}" for i in range(100_000)) + "\n" + "," * 99_999 + "\n")
        .encode(), rule="over_a_limit")
    add("more rows than the limit", lambda: text(header, rows * 60).encode(), rule="over_a_limit",
        settings={"upload_max_rows": 1000})
    add("a file over the size limit", lambda: text(header, rows * 3000).encode(), rule="over_a_limit",
        settings={"upload_max_file_mb": 1})
    add("a workbook bomb (a sheet that inflates 1,000 times)",
        lambda: replaced_in_workbook(workbook(header, rows), "xl/worksheets/sheet1.xml",
                                     b"<row>" + b"0" * (60 << 20) + b"</row>"),
        rule="over_a_limit", file_name=f"{tag}-bomb.xlsx")
    add("a workbook over the unpacked limit",
        lambda: replaced_in_workbook(workbook(header, rows), "xl/sharedStrings.xml",
                                     random.Random(4).randbytes(3 << 20)),
        rule="over_a_limit", settings={"upload_max_unpacked_mb": 2}, file_name=f"{tag}-big.xlsx")
    add("a workbook of 5,000 files",
        lambda: zipped({**{f"xl/media/{i}.bin": b"" for i in range(5000)}}),
        rule="over_a_limit", file_name=f"{tag}-files.xlsx")
    add("a damaged workbook", lambda: workbook(header, rows)[:2000], rule="unreadable_file",
        file_name=f"{tag}-cut.xlsx")
    add("a zip that is no workbook", lambda: zipped({"notes.txt": b"hello"}), rule="unreadable_file",
        file_name=f"{tag}-notes.xlsx")
    add("a workbook of 20,000 columns",
        lambda: workbook([f"h{i}" for i in range(20_000)], [[""] * 20_000]), rule="over_a_limit",
        file_name=f"{tag}-wide.xlsx")
    return found


def _list_only() -> list[Case]:
    header, rows = BFZ_HEADER, bfz_rows()
    out = []

    def add(name, make, outcome=REFUSED, rule=None, settings=None):
        out.append(Case(f"list: {name}", f"list-only-{len(out)}.csv", make, HOMELESSNESS, outcome, rule,
                        settings or {}))

    def cell(column, value):
        return csv_text(*_edited(header, rows, HOMELESSNESS, column=column, value=value)).encode()

    add("an age of -5", lambda: cell("Age", "-5"), LOADED, "unreadable_age")
    add("an age of 200", lambda: cell("Age", "200"), LOADED, "unreadable_age")
    add("a score of 'very high'", lambda: cell("VI-SPDAT Score", "very high"), LOADED, "unreadable_assessment_score")
    add("a score of infinity", lambda: cell("VI-SPDAT Score", "inf"), LOADED, "unreadable_assessment_score")
    add("a score of NaN", lambda: cell("VI-SPDAT Score", "NaN"), LOADED, "unreadable_assessment_score")
    add("born in 1890", lambda: cell("Date of Birth", "1890-01-01"), rule="born_too_long_ago")
    add("identified in 1900", lambda: cell("Date of Identification", "1900-01-01"), rule="date_before_1971")
    add("an unreadable date", lambda: cell("Date of Identification", "31/31/2025"), rule="unparseable_date")
    return out


def _hmis() -> list[Case]:
    export = hmis_sample.draw(300, seed=5, years=2)
    good = hmis_sample.export_zip(export)
    with zipfile.ZipFile(io.BytesIO(good)) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    out = []

    def add(name, make, outcome=REFUSED, rule=None, settings=None):
        out.append(Case(f"hmis: {name}", f"export-{len(out)}.zip", make, HOMELESSNESS, outcome, rule,
                        settings or {}))

    def edited(member: str, change) -> bytes:
        return zipped({**members, member: change(members[member])})

    add("a sample export", lambda: good, LOADED)
    add("the export with Windows line endings",
        lambda: zipped({n: c.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n") for n, c in members.items()}), LOADED)
    add("an export dated 2099", lambda: edited("Export.csv", lambda c: _export_dated(c, "2099-01-01")),
        rule="blocking_date_in_future")
    add("Services.csv over the unpacked limit", lambda: zipped(
        {**members, "Services.csv": members["Services.csv"] + random.Random(5).randbytes(3 << 20)}),
        rule="blocking_refused_zip", settings={"upload_max_unpacked_mb": 2})
    add("a zip bomb member", lambda: zipped({**members, "Disabilities.csv": b"0" * (50 << 20)}),
        rule="blocking_refused_zip")
    add("a path out of the archive", lambda: zipped({**members, "../Client.csv": members["Client.csv"]}),
        rule="blocking_refused_zip")
    add("10,000 files", lambda: zipped({**members, **{f"junk/{i}.txt": b"" for i in range(10_000)}}),
        rule="over_a_limit")
    add("a NUL byte in Client.csv", lambda: edited("Client.csv", lambda c: c.replace(b"\n", b"\x00\n", 3)),
        rule="blocking_control_character")
    add("a truncated zip", lambda: good[: len(good) // 2], rule="blocking_refused_zip")
    add("Client.csv in UTF-16", lambda: edited("Client.csv", lambda c: c.decode().encode("utf-16")), LOADED)
    return out


def _export_dated(content: bytes, day: str) -> bytes:
    lines = content.decode().splitlines()
    header = lines[0].split(",")
    row = lines[1].split(",")
    for column in ("ExportDate", "ExportEndDate"):
        row[header.index(column)] = day
    return ("\n".join([lines[0], ",".join(row)]) + "\n").encode()
