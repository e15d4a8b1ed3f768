"""What an import plan holds: each sheet's rows with what they become or their errors, and
the unsaved records they become (imports/planning.py makes it, imports/writing.py writes it)."""

import hashlib
from dataclasses import dataclass, field

from search.normalization import normalize

from .matching import Organizations, People


def row_key(*parts):
    """The stable key of an imported row (what ImportedRecord stores)."""
    text = "\x1f".join(normalize(str(part)) if part is not None else "" for part in parts)
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass
class RowPlan:
    number: int
    label: str = ""
    actions: list = field(default_factory=list)  # what the row will do, as sentences
    errors: list = field(default_factory=list)  # (column label, message)
    skipped: bool = False

    def error(self, column, message):
        self.errors.append((column.label if column is not None else "", message))


@dataclass
class SheetPlan:
    kind: object
    source: str
    rows: list = field(default_factory=list)

    @property
    def error_count(self):
        return sum(1 for row in self.rows if row.errors)


@dataclass
class Plan:
    organization: object
    user: object
    sheets: list = field(default_factory=list)
    meetings: list = field(default_factory=list)  # (key, Meeting)
    involvements: list = field(default_factory=list)
    participations: list = field(default_factory=list)
    recommendations: list = field(default_factory=list)  # (Recommendation, [organisations])
    updates: list = field(default_factory=list)  # (key, RecommendationUpdate)
    skipped_meetings: list = field(default_factory=list)  # Meeting already imported
    matched_organizations: dict = field(default_factory=dict)  # pk -> Organization
    matched_people: dict = field(default_factory=dict)
    to_protect: dict = field(default_factory=dict)  # pk -> Person made protected by the file
    withheld: dict = field(default_factory=lambda: {"meetings": 0, "updates": 0})  # what their protection took off the site
    stale_keys: list = field(default_factory=list)
    organizations: Organizations = None
    people: People = None

    @property
    def has_errors(self):
        return any(sheet.error_count for sheet in self.sheets)

    @property
    def error_count(self):
        return sum(sheet.error_count for sheet in self.sheets)

    def errors(self):
        """Every error: (sheet, row number, column, message), in the order of the file."""
        return [
            (sheet, row.number, column, message)
            for sheet in self.sheets for row in sheet.rows for column, message in row.errors
        ]

    def counts(self):
        return {
            "meetings": len(self.meetings),
            "skipped_meetings": len(self.skipped_meetings),
            "new_organizations": len(self.organizations.new),
            "matched_organizations": len(self.matched_organizations),
            "new_people": len(self.people.new),
            "matched_people": len(self.matched_people),
            "new_positions": len(self.people.new_positions),
            "participations": len(self.participations),
            "recommendations": len(self.recommendations),
            "updates": len(self.updates),
        }
