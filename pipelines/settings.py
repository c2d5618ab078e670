"""Every setting, with what it means and the values it may take.

One declaration serves `bynames setting`, the Settings page and `store.set_setting`, so no path can
store a value that a report, an upload or a page would later trip over.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import unicodedata
from dataclasses import dataclass

from pipelines import triage, upload_limits
from pipelines.programs import PROGRAMS

NUMBER, TEXT, POLICY, FLAG, SECRET = "whole number", "text", "triage policy", "yes or no", "secret"
MONTH_DAY = "month and day"  # a day of every year, stored as "MM-DD"; low and high are MMDD numbers
TEXT_LENGTH = 200


class SettingRefused(ValueError):
    """A value or a key no setting takes; the message names the setting, the value and the rule."""


@dataclass(frozen=True)
class Setting:
    key: str
    kind: str
    description: str
    low: int | None = None
    high: int | None = None
    blank: bool = False  # None may be stored: "not set"
    programs: tuple[str, ...] | None = None  # None: the whole installation's
    # Kept by bynames itself: a person changing it would break hashes or loosen password rules.
    internal: bool = False
    section: str = ""  # the Settings page's heading and label
    label: str = ""

    def rule(self, program: str | None = None) -> str:
        blank = " (or null for none)" if self.blank else ""
        if self.kind == NUMBER:
            return f"a whole number from {self.low:,} to {self.high:,}{blank}"
        if self.kind == TEXT:
            return f"text of 1 to {TEXT_LENGTH} characters, without control characters{blank}"
        if self.kind == FLAG:
            return "true or false"
        if self.kind == MONTH_DAY:
            return (f"a month and day written MM-DD, from {_month_day(self.low)} to {_month_day(self.high)}"
                    f"{blank}")
        if self.kind == POLICY:
            keys = sort_keys(program)
            return (f"a list of 1 to {len(keys)} sort keys, each at most once and each followed by asc or desc, "
                    f"from: {', '.join(keys)}")
        return "set by bynames itself"


def _month_day(number: int) -> str:
    return f"{number // 100:02d}-{number % 100:02d}"


def month_days(setting: Setting) -> list[str]:
    """Every value a month-and-day setting takes, in calendar order ("10-01", "10-02"...)."""
    days, day = [], dt.date(2000, setting.low // 100, setting.low % 100)  # 2000: a leap year, so 02-29 exists
    while day.month * 100 + day.day <= setting.high and day.year == 2000:
        days.append(f"{day:%m-%d}")
        day += dt.timedelta(days=1)
    return days


def sort_keys(program: str | None) -> tuple[str, ...]:
    if program in PROGRAMS:
        return PROGRAMS[program].sort_keys
    return tuple(dict.fromkeys(k for p in PROGRAMS.values() for k in p.sort_keys))


def _programs_with(key: str) -> tuple[str, ...]:
    return tuple(name for name, p in PROGRAMS.items() if key in p.settings)


AGENDA = "Case conference agenda"
DECLARED = (
    Setting("community_name", TEXT, "The community's name, on every page and on the meeting pack.", blank=True,
            label="Community name"),
    Setting("idle_minutes", NUMBER, "Minutes without activity after which a browser must sign in again "
            "(a session ends after 12 hours in any case).", 1, 720),
    Setting("demo_mode", FLAG, "Marks the sample database built by `bynames demo` (its accounts' password is "
            "'demo').", internal=True),
    Setting("identity_salt", SECRET, "The installation's salt for hashing SSNs; made once, never changed.",
            internal=True),
    Setting("inactivity_days", NUMBER, "Days with no contact after which someone on the list becomes inactive "
            "(read from HMIS exports).", 1, 730, programs=_programs_with("inactivity_days")),
    Setting("triage_policy", POLICY, "The order of the by-name list and the agenda: sort keys in order of "
            "importance, each high to low (desc) or low to high (asc).", programs=_programs_with("triage_policy")),
    Setting("days_between_meetings", NUMBER, "Days between case conferences: the agenda covers what happened "
            "since the last one.", 1, 60, programs=_programs_with("days_between_meetings"), section=AGENDA,
            label="Days between meetings"),
    Setting("agenda_no_contact_days", NUMBER, "Days with nothing recorded that put someone under \"no contact\".",
            1, 365, programs=_programs_with("agenda_no_contact_days"), section=AGENDA,
            label="No contact: days with nothing recorded"),
    Setting("agenda_stalled_days", NUMBER, "Days without recorded progress that put someone under \"stalled\".",
            1, 365, programs=_programs_with("agenda_stalled_days"), section=AGENDA,
            label="Stalled: days without recorded progress"),
    Setting("agenda_matched_days", NUMBER, "Days matched to housing without moving in that put someone under "
            "\"stalled\".", 1, 365, programs=_programs_with("agenda_matched_days"), section=AGENDA,
            label="Stalled: days matched to housing without moving in"),
    Setting("agenda_clock_days", NUMBER, "Days left on the 45-day clock that put a child on the agenda.", 0, 45,
            programs=_programs_with("agenda_clock_days"), section=AGENDA,
            label="45-day clock: days left that put a child on the agenda"),
    Setting("agenda_transition_days", NUMBER, "Days before the transition conference is due that put a child "
            "on the agenda.", 0, 270, programs=_programs_with("agenda_transition_days"), section=AGENDA,
            label="Transition: days before the conference is due that put a child on the agenda"),
    Setting("timely_services_days", NUMBER, "Days from the IFSP meeting within which services count as timely "
            "(a state setting).", 1, 120, programs=_programs_with("timely_services_days"), section="Timely services",
            label="Days from the IFSP meeting within which services count as timely (a state setting)"),
    Setting("child_count_date", MONTH_DAY, "The child count date: the day each fall on which the children with an "
            "active IFSP are counted, for OSEP's 618 child count and indicators 5 and 6 (OSEP lets the state pick "
            "one between October 1 and December 1, and keep it from year to year).", 1001, 1201,
            programs=_programs_with("child_count_date"), section="Child count",
            label="Child count date (OSEP: a day from October 1 to December 1, the same every year)"),
    Setting("pit_count_individuals", NUMBER, "Individuals in the latest point-in-time count, for the chronic "
            "functional-zero threshold.", 0, 10_000_000, blank=True, programs=_programs_with("pit_count_individuals"),
            section="Functional zero", label="Individuals in the latest point-in-time count (for the chronic "
            "threshold)"),
    *(Setting(key, NUMBER, description, low, high, section="Limits on uploads", label=description.split(" (")[0])
      for key, description, low, high in upload_limits.SETTINGS.values()),
)
SETTINGS = {s.key: s for s in DECLARED}
GLOBAL = tuple(s.key for s in DECLARED if s.programs is None)
GLOBAL_DEFAULTS = {"community_name": None, "idle_minutes": 30, "demo_mode": False, "identity_salt": None,
                   **upload_limits.DEFAULTS}


def known(program: str | None = None) -> list[Setting]:
    """The settings a person may change: the installation's, and the program's when one is given."""
    return [s for s in DECLARED if not s.internal and (s.programs is None or program in s.programs)]


def _shown(value) -> str:
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def declared(program: str, key: str) -> Setting:
    """The declaration of `key` for `program` ("" for the installation's settings)."""
    found = SETTINGS.get(key)
    if found is not None and found.programs is not None and program not in found.programs:
        if not program:
            raise SettingRefused(f"{key} is a setting of each program: say which ({', '.join(found.programs)})")
        found = None
    if found is None:
        names = ", ".join(s.key for s in known(program or None))
        where = f"{PROGRAMS[program].label} has" if program in PROGRAMS else "bynames has"
        raise SettingRefused(f"there is no setting {key!r}: {where} {names}")
    return found


def check(program: str, key: str, value, internal: bool = True):
    """The value as it is stored, or SettingRefused naming the setting, the value and the rule.
    `internal=False` (a person at the CLI or the page) also refuses the settings bynames keeps itself."""
    setting = declared(program, key)
    if setting.internal and not internal:
        raise SettingRefused(f"{key} is kept by bynames itself and cannot be changed")

    def refused(why: str = ""):
        return SettingRefused(f"{key} {_shown(value)}: {why or 'must be ' + setting.rule(program)}")

    if value is None:
        if setting.blank:
            return None
        raise refused()
    if setting.kind == NUMBER:
        # Booleans are ints to Python, and 1e400 is a float that is not finite.
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise refused()
        if isinstance(value, float):
            if not math.isfinite(value):
                raise refused(f"must be {setting.rule(program)}, and this is not a finite number")
            if not value.is_integer():
                raise refused()
            value = int(value)
        if not setting.low <= value <= setting.high:
            raise refused()
        return value
    if setting.kind == TEXT:
        if not isinstance(value, str):
            raise refused()
        value = value.strip()
        if not value or len(value) > TEXT_LENGTH:
            raise refused()
        if any(unicodedata.category(c) in ("Cc", "Cs") for c in value):
            raise refused(f"must be {setting.rule(program)}; it holds a control character")
        return value
    if setting.kind == FLAG:
        if not isinstance(value, bool):
            raise refused()
        return value
    if setting.kind == SECRET:
        if not isinstance(value, str) or not value:
            raise refused()
        return value
    if setting.kind == MONTH_DAY:
        written = re.fullmatch(r"(\d{1,2})-(\d{1,2})", value.strip()) if isinstance(value, str) else None
        if written is None:
            raise refused()
        month, day = int(written.group(1)), int(written.group(2))
        if not setting.low <= month * 100 + day <= setting.high:
            raise refused()
        try:
            dt.date(2000, month, day)
        except ValueError:
            raise refused(f"must be {setting.rule(program)}, and there is no such day") from None
        return f"{month:02d}-{day:02d}"
    return _policy(program, value, refused)


def _policy(program: str, value, refused) -> list[str]:
    if not isinstance(value, list) or not value or not all(isinstance(item, str) for item in value):
        raise refused()
    allowed = sort_keys(program)
    policy, seen = [], set()
    for item in value:
        key, _, direction = item.strip().partition(" ")
        direction = direction.strip()
        if key not in allowed or direction not in triage.DIRECTIONS:
            whose = f"one of {PROGRAMS[program].label}'s sort keys" if program in PROGRAMS else "a sort key"
            raise refused(f"{item!r} is not {whose} followed by asc or desc; must be "
                          f"{SETTINGS['triage_policy'].rule(program)}")
        if key in seen:
            raise refused(f"{key} comes twice; must be {SETTINGS['triage_policy'].rule(program)}")
        seen.add(key)
        policy.append(f"{key} {direction}")
    return policy


def stored(program: str, key: str, text: str | None):
    """A value as the store holds it (JSON text; None where it is not set), as a reader takes it: a value
    stored before settings were checked, which would crash whatever reads it, gives way to the default."""
    value = None if text is None else json.loads(text)
    try:
        return check(program, key, value)
    except SettingRefused:
        return default(program, key)


def default(program: str, key: str):
    if key in GLOBAL_DEFAULTS:
        return GLOBAL_DEFAULTS[key]
    return PROGRAMS[program].settings.get(key) if program in PROGRAMS else None


def parse(program: str, key: str, text: str):
    """A value typed at the command line: JSON, or plain text for a text setting."""
    setting = declared(program, key)
    try:
        value = json.loads(text)
    except ValueError:
        return text
    # "2024" or "true" is still a name when the setting is a name.
    return text if setting.kind == TEXT and not isinstance(value, str) and value is not None else value
