"""The validation report: what is wrong with an extract, row by row, before anything is written."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

ERROR = "error"
WARNING = "warning"
FIRST_ROWS = 5  # rows named for each check before "and N more"
ABBREVIATIONS = {"coc": "CoC", "ids": "IDs"}


def rule_words(rule: str) -> str:
    """A rule's code in words: "repeated_client_id" -> "Repeated client ID". HUD's groups are said
    by the severity, so their prefixes go."""
    words = re.sub(r"^(blocking|error|warning)_", "", rule).replace("_", " ")
    words = re.sub(r"\b(id|ids|ssn|coc|hmis|dob|ifsp|lea|sea)\b", lambda m: ABBREVIATIONS.get(m.group(1),
                   m.group(1).upper()), words)
    return words[:1].upper() + words[1:]


@dataclass(frozen=True)
class Finding:
    severity: str
    rule: str
    message: str
    row: int | None = None  # the spreadsheet row: the header is row 1, the first data row is row 2
    column: str | None = None
    value: str | None = None


@dataclass
class ValidationReport:
    file_name: str
    findings: list[Finding] = field(default_factory=list)
    # An HMIS export's data quality, project by project: dicts of project, kind, check, count, of.
    quality: list[dict] = field(default_factory=list)
    # An HMIS export's Continuums of Care, with how many enrollments each holds, largest first.
    continuums: dict[str, int] = field(default_factory=dict)
    # What the file's rows say, in any order and with any line endings: a repeat is known by it.
    content: str | None = None

    def add(self, severity: str, rule: str, message: str, row=None, column=None, value=None) -> None:
        self.findings.append(Finding(severity, rule, message, row, column, value))

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == WARNING]

    @property
    def ok(self) -> bool:
        return not self.errors

    def to_dict(self) -> dict:
        return {
            "file_name": self.file_name,
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "findings": [asdict(f) for f in self.findings],
            "quality": self.quality,
            "continuums": self.continuums,
        }

    def by_check(self) -> list[dict]:
        """The findings grouped by check, errors first: severity, check (in words), count, the first
        rows and one finding's message as an example, and every finding of the check."""
        groups: dict[tuple, list[Finding]] = {}
        for f in self.errors + self.warnings:
            groups.setdefault((f.severity, f.rule), []).append(f)
        return [{"severity": severity, "check": rule_words(rule), "rule": rule, "count": len(found),
                 "first_rows": [f.row for f in found if f.row is not None][:FIRST_ROWS],
                 "example": found[0].message, "findings": found}
                for (severity, rule), found in groups.items()]

    @classmethod
    def from_dict(cls, stored: dict) -> ValidationReport:
        """A report as to_dict kept it with its upload."""
        return cls(stored["file_name"], [Finding(**f) for f in stored.get("findings", [])],
                   stored.get("quality", []), stored.get("continuums", {}))

    def lines(self, limit: int | None = None) -> list[str]:
        """One plain sentence per finding, errors first, the way a data lead reads them."""
        ordered = self.errors + self.warnings
        shown = ordered if limit is None else ordered[:limit]
        out = []
        for f in shown:
            where = [self.file_name]
            if f.row is not None:
                where.append(f"row {f.row}")
            if f.column:
                where.append(f"column '{f.column}'")
            value = f" value {f.value!r}:" if f.value is not None else ""
            out.append(f"{f.severity.upper()} {', '.join(where)}:{value} {f.message} [{f.rule}]")
        if limit is not None and len(ordered) > limit:
            out.append(f"... and {len(ordered) - limit} more")
        return out

    def quality_lines(self) -> list[str]:
        """The data quality by project, one line per project and check."""
        return [f"{q['project']} ({q['kind']}): {q['check']}: {q['count']:,} of {q['of']:,} enrollments"
                for q in self.quality]
