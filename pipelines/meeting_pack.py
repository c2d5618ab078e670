"""The meeting pack: a PDF of this week's agenda, the list in triage order with each person's next
step, and the last 12 weeks of flow, for the people in the room. Made on the server with fpdf2."""

from __future__ import annotations

import datetime as dt

import polars as pl
from fpdf import FPDF
from fpdf.fonts import FontFace

from pipelines import agenda, figures
from pipelines.active_list import display_name
from pipelines.periods import series
from pipelines.store import community_name

CONFIDENTIAL = ("Confidential: names and circumstances of people experiencing homelessness. For the case "
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


def flow_chart(pdf: FPDF, weeks: pl.DataFrame, width: float = 250, height: float = 60) -> None:
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
    pdf.multi_cell(width, 4.5, "Each week: above the line, people who came onto the active list (new, or back "
                               "from housing or inactive); below it, people who left it (housed, inactive, or no "
                               "longer in the population). Counts are of people.", new_x="LMARGIN", new_y="NEXT")


def people_table(pdf: FPDF, people: pl.DataFrame, extra: tuple[str, str] | None = None) -> None:
    headings = ["Rank", "Name", "Population", "Days on list", "Next step", "Owner", "Due"]
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
            group = " - ".join(p for p in (row.get("household_type"), "Veteran" if row.get("veteran") else None,
                                           "Chronic" if row.get("chronic") else None) if p)
            cells = [row["rank"], row["name"], group, f"{row['days_since_identification']:,}", row.get("next_step"),
                     row.get("owner"), row.get("due_date")]
            if extra:
                cells.append(row.get(extra[0]))
            table.row([text(c) for c in cells])


def build(meeting: agenda.Meeting, weeks: pl.DataFrame, community: str, made: dt.datetime | None = None,
          everyone: bool = False) -> bytes:
    made = made or dt.datetime.now()
    pdf = Pack(f"{community}: case conference, {text(meeting.day)}", made)
    pdf.alias_nb_pages()
    pdf.add_page()
    pdf.set_font("Helvetica", "", 10)
    since = agenda.last_meeting(meeting.day, meeting.settings)
    pdf.multi_cell(0, 5, text(f"The list as of {text(meeting.list_date)}: {meeting.ranked.height:,} people "
                              f"actively homeless. Since the last meeting ({text(since)}):"),
                   new_x="LMARGIN", new_y="NEXT")
    for key, title in meeting.titles.items():
        pdf.cell(0, 5, text(f"    {title}: {meeting.sections[key].height:,}"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font("Helvetica", "B", 11)
    pdf.cell(0, 7, f"Coming onto and leaving the list, last {FLOW_WEEKS} weeks", new_x="LMARGIN", new_y="NEXT")
    flow_chart(pdf, weeks)

    for key, title in meeting.titles.items():
        people = meeting.sections[key]
        if key == "housed" or people.is_empty():
            continue
        pdf.add_page()
        pdf.set_font("Helvetica", "B", 11)
        pdf.cell(0, 7, text(f"{title} ({people.height:,})"), new_x="LMARGIN", new_y="NEXT")
        people_table(pdf, people.head(SECTION_ROWS), ("why_stalled", "Stalled because") if key == "stalled" else None)
        if people.height > SECTION_ROWS:
            pdf.set_font("Helvetica", "", 9)
            pdf.cell(0, 6, text(f"... and {people.height - SECTION_ROWS:,} more, in triage order on the by-name list."),
                     new_x="LMARGIN", new_y="NEXT")
    housed = meeting.sections["housed"]
    if not housed.is_empty():
        housed = housed.with_columns(display_name())
        pdf.ln(4)
        pdf.set_font("Helvetica", "B", 11)
        pdf.cell(0, 7, text(f"{meeting.titles['housed']} ({housed.height:,})"), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 9)
        for row in housed.iter_rows(named=True):
            pdf.cell(0, 5, text(f"    {row['name']}, moved in {text(row['exit_date'])}"), new_x="LMARGIN",
                     new_y="NEXT")

    if everyone:
        pdf.add_page()
        pdf.set_font("Helvetica", "B", 11)
        pdf.cell(0, 7, text(f"Everyone on the active list, in triage order ({meeting.ranked.height:,})"),
                 new_x="LMARGIN", new_y="NEXT")
        people_table(pdf, meeting.ranked)
    return bytes(pdf.output())


def for_meeting(conn, program: str, day: dt.date, everyone: bool = False) -> bytes:
    """The agenda's pack; with `everyone`, the whole list in triage order after it."""
    meeting = agenda.with_names(conn, agenda.meeting(conn, program, day))
    end = day - dt.timedelta(days=day.weekday() + 1)  # the Sunday that ends the last whole week
    weeks = pl.DataFrame(figures.flow(conn, program, series(end - dt.timedelta(weeks=FLOW_WEEKS - 1), end, "week"),
                                      "All"), infer_schema_length=None)
    community = community_name(conn)
    return build(meeting, weeks, community, everyone=everyone)
