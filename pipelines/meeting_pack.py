"""The meeting pack: a PDF of this week's agenda, the list in triage order with each person's next
step, and the last 12 weeks of flow, for the people in the room. Made on the server with fpdf2."""

from __future__ import annotations

import datetime as dt

import polars as pl
from fpdf import FPDF
from fpdf.fonts import FontFace

from pipelines import agenda, clocks, figures
from pipelines.active_list import display_name
from pipelines.periods import series
from pipelines.programs import HOMELESSNESS, Program
from pipelines.programs import program as program_of
from pipelines.store import community_name

CONFIDENTIAL = ("Confidential: names and circumstances of the people on this list. For the case "
                "conference only; do not copy, forward or leave unattended.")
FLOW_WEEKS = 12
SECTION_ROWS = 25  # a section fits its page
INK = (17, 24, 39)
INFLOW_COLOUR = (29, 78, 137)
OUTFLOW_COLOUR = (42, 157, 143)


def text(value) -> str:
    """The built-in PDF fonts know Latin-1 only; anything else becomes '?' rather than failing."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return f"{value:%a} {value.day} {value:%b %Y}"
    return str(value).replace("–", "-").replace("·", "-").encode("latin-1", "replace").decode("latin-1")


class Pack(FPDF):
    def __init__(self, title: str, made: dt.datetime):
        super().__init__(orientation="landscape", format="A4")
        self.pack_title = title
        self.made = made
        self.set_auto_page_break(auto=True, margin=18)
        self.set_title(title)

    def header(self) -> None:
        self.set_font("Helvetica", "B", 11)
        self.set_text_color(*INK)
        self.cell(0, 8, text(self.pack_title), new_x="LMARGIN", new_y="NEXT")
        self.ln(2)

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font("Helvetica", "", 8)
        self.set_text_color(90, 90, 90)
        self.multi_cell(200, 4, text(CONFIDENTIAL))
        self.set_xy(-70, -14)
        self.cell(60, 4, f"Made {self.made:%d %b %Y %H:%M}. Page {self.page_no()} of {{nb}}", align="R")


def flow_chart(pdf: FPDF, weeks: pl.DataFrame, program: Program, width: float = 250, height: float = 60) -> None:
    """Bars up for people who came onto the list each week, down for those who left it."""
    x0, y0 = pdf.get_x(), pdf.get_y()
    biggest = max(1, int(weeks["inflow"].max()), int(weeks["outflow"].max()))
    middle = y0 + height / 2
    slot = width / max(1, weeks.height)
    scale = (height / 2 - 6) / biggest
    pdf.set_draw_color(150, 150, 150)
    pdf.line(x0, middle, x0 + width, middle)
    pdf.set_font("Helvetica", "", 7)
    for i, week in enumerate(weeks.iter_rows(named=True)):
        left = x0 + i * slot + slot * 0.2
        pdf.set_fill_color(*INFLOW_COLOUR)
        pdf.rect(left, middle - week["inflow"] * scale, slot * 0.6, week["inflow"] * scale, style="F")
        pdf.set_fill_color(*OUTFLOW_COLOUR)
        pdf.rect(left, middle, slot * 0.6, week["outflow"] * scale, style="F")
        pdf.set_xy(left - 2, middle - week["inflow"] * scale - 4)
        pdf.cell(slot * 0.6 + 4, 3, str(week["inflow"]), align="C")
        pdf.set_xy(left - 2, middle + week["outflow"] * scale + 1)
        pdf.cell(slot * 0.6 + 4, 3, str(week["outflow"]), align="C")
        pdf.set_xy(left - 2, y0 + height + 1)
        pdf.cell(slot * 0.6 + 4, 3, f"{week['period_start']:%d %b}", align="C")
    pdf.set_xy(x0, y0 + height + 6)
    pdf.set_font("Helvetica", "", 9)
    inflow, outflow = program.movements()
    came, left = (", ".join(program.word(f).lower() for f in figures_) for figures_ in (inflow, outflow))
    pdf.multi_cell(width, 4.5, f"Each week: above the line, people who came onto the {program.word('active_list')} "
                               f"({came}); below it, people who left it ({left}). Counts are of people.",
                   new_x="LMARGIN", new_y="NEXT")


def people_table(pdf: FPDF, people: pl.DataFrame, program: Program, extra: tuple[str, str] | None = None) -> None:
    headings = ["Rank", "Name", "Population", program.word("days_on_list"), "Next step", "Owner", "Due"]
    widths = (14, 48, 48, 22, 80, 36, 30)
    if extra:
        headings.append(extra[1])
        widths = (14, 44, 40, 20, 64, 30, 28, 37)
    pdf.set_font("Helvetica", "", 8.5)
    pdf.set_fill_color(255, 255, 255)
    with pdf.table(col_widths=widths, text_align="LEFT", line_height=5, first_row_as_headings=True,
                   headings_style=FontFace(emphasis="BOLD", fill_color=(226, 232, 240))) as table:
        table.row([text(h) for h in headings])
        for row in people.iter_rows(named=True):
            household = row.get("household_type") if len(program.populations) > 1 else None
            group = " - ".join(p for p in (household, "Veteran" if row.get("veteran") else None,
                                           "Chronic" if row.get("chronic") else None) if p)
            cells = [row["rank"], row["name"], group, f"{row['days_since_identification']:,}", row.get("next_step"),
                     row.get("owner"), row.get("due_date")]
            if extra:
                cells.append(row.get(extra[0]))
            table.row([text(c) for c in cells])


def build(meeting: agenda.Meeting, weeks: pl.DataFrame, community: str, made: dt.datetime | None = None,
          everyone: bool = False, program: Program = HOMELESSNESS) -> bytes:
    made = made or dt.datetime.now()
    pdf = Pack(f"{community}: case conference, {text(meeting.day)}", made)
    pdf.alias_nb_pages()
    pdf.add_page()
    pdf.set_font("Helvetica", "", 10)
    since = agenda.last_meeting(meeting.day, meeting.settings)
    pdf.multi_cell(0, 5, text(f"The list as of {text(meeting.list_date)}: {meeting.ranked.height:,} "
                              f"{program.word('on_list')}. Since the last meeting ({text(since)}):"),
                   new_x="LMARGIN", new_y="NEXT")
    for key, title in meeting.titles.items():
        pdf.cell(0, 5, text(f"    {title}: {meeting.sections[key].height:,}"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font("Helvetica", "B", 11)
    pdf.cell(0, 7, f"Coming onto and leaving the list, last {FLOW_WEEKS} weeks", new_x="LMARGIN", new_y="NEXT")
    flow_chart(pdf, weeks, program)

    for key, title in meeting.titles.items():
        people = meeting.sections[key]
        if key == "housed" or people.is_empty():
            continue
        pdf.add_page()
        pdf.set_font("Helvetica", "B", 11)
        pdf.cell(0, 7, text(f"{title} ({people.height:,})"), new_x="LMARGIN", new_y="NEXT")
        extra = ("why_stalled", "Stalled because") if key == "stalled" else None
        if key in ("clock", "transition"):  # how long is left, or how late
            clock = clocks.described()[0 if key == "clock" else 1]
            people = people.with_columns(clock)
            extra = (clock.meta.output_name(),) * 2
        people_table(pdf, people.head(SECTION_ROWS), program, extra)
        if people.height > SECTION_ROWS:
            pdf.set_font("Helvetica", "", 9)
            pdf.cell(0, 6, text(f"... and {people.height - SECTION_ROWS:,} more, in triage order on the "
                                f"{program.word('list')}."),
                     new_x="LMARGIN", new_y="NEXT")
    housed = meeting.sections["housed"]
    if not housed.is_empty():
        housed = housed.with_columns(display_name())
        pdf.ln(4)
        pdf.set_font("Helvetica", "B", 11)
        pdf.cell(0, 7, text(f"{meeting.titles['housed']} ({housed.height:,})"), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 9)
        for row in housed.iter_rows(named=True):
            pdf.cell(0, 5, text(f"    {row['name']}, {program.word('exit_day').lower()} {text(row['exit_date'])}"),
                     new_x="LMARGIN", new_y="NEXT")

    if everyone:
        pdf.add_page()
        pdf.set_font("Helvetica", "B", 11)
        pdf.cell(0, 7, text(f"Everyone on the {program.word('active_list')}, in triage order "
                            f"({meeting.ranked.height:,})"), new_x="LMARGIN", new_y="NEXT")
        people_table(pdf, meeting.ranked, program)
    return bytes(pdf.output())


def for_meeting(conn, program: str, day: dt.date, everyone: bool = False) -> bytes:
    """The agenda's pack; with `everyone`, the whole list in triage order after it."""
    meeting = agenda.with_names(conn, agenda.meeting(conn, program, day))
    end = day - dt.timedelta(days=day.weekday() + 1)  # the Sunday that ends the last whole week
    everyone_of = program_of(program).populations[0].name
    weeks = pl.DataFrame(figures.flow(conn, program, series(end - dt.timedelta(weeks=FLOW_WEEKS - 1), end, "week"),
                                      everyone_of), infer_schema_length=None)
    community = community_name(conn)
    return build(meeting, weeks, community, everyone=everyone, program=program_of(program))
