"""The kinds of sheet an import reads, their columns (Arabic and English headers), and how
each cell's text becomes a value. Every sheet under a meeting names it by the meeting
reference column («مرجع الاجتماع»), the linking key of the whole file (docs/import.md)."""

import datetime
import re
import unicodedata
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from meetings.models import Meeting, MeetingOrganization, Participation, Recommendation

from search.normalization import normalize


class CellError(ValueError):
    """A cell's text cannot become the column's value; the message is shown to the user."""


@dataclass(frozen=True)
class Column:
    key: str
    ar: str
    en: str
    label: str  # translatable, for the preview
    required: bool = False
    max_length: int | None = None
    parse: object = None  # text -> value (raises CellError); None: the text itself

    def headers(self):
        return {normalize(self.ar), normalize(self.en), normalize(self.key)}


@dataclass(frozen=True)
class Kind:
    key: str
    ar: str  # sheet name in Arabic
    en: str
    label: str
    columns: tuple = field(default_factory=tuple)

    def column(self, key):
        return next(column for column in self.columns if column.key == key)


# --- Parsing cells ------------------------------------------------------------------------


def fold_digits(text):
    return "".join(str(unicodedata.decimal(ch)) if unicodedata.category(ch) == "Nd" else ch for ch in text)


_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S")


def parse_date(text):
    value = fold_digits(text).strip()
    for date_format in _DATE_FORMATS:
        try:
            return datetime.datetime.strptime(value, date_format).date()
        except ValueError:
            continue
    raise CellError(_("Write the date as YYYY-MM-DD (for example 2022-11-26)."))


def parse_whole_number(text, *, minimum=0, maximum=None):
    value = fold_digits(text).strip().replace("٬", "").replace(",", "")
    if re.fullmatch(r"\d+(\.0+)?", value) is None:
        raise CellError(_("Write a whole number."))
    number = int(value.split(".")[0])
    if number < minimum or (maximum is not None and number > maximum):
        raise CellError(_("Write a whole number from %(minimum)s to %(maximum)s.") % {"minimum": minimum, "maximum": maximum or "…"})
    return number


def parse_order(text):
    return parse_whole_number(text, minimum=1, maximum=999)


def parse_progress(text):
    return parse_whole_number(text, minimum=0, maximum=100)


def parse_attendance(text):
    return parse_whole_number(text, minimum=0, maximum=1_000_000)


def parse_url(text):
    value = text.strip()
    try:
        URLValidator(schemes=["http", "https"])(value)
    except ValidationError:
        raise CellError(_("Write a full web address starting with https://.")) from None
    if len(value) > 500:
        raise CellError(_("Too long: at most %(limit)s characters.") % {"limit": 500})
    return value


def choice_parser(choices, *, extra=None):
    """A parser accepting a choice's code, its Arabic label or its English label (any spelling of hamza...)."""

    def parse(text):
        table = _choice_table(choices, extra or {})
        value = table.get(normalize(text))
        if value is None:
            with translation.override("ar"):
                allowed = "، ".join(str(label) for _value, label in choices.choices)
            raise CellError(_("Unknown value. Write one of: %(allowed)s.") % {"allowed": allowed})
        return value

    return parse


_CHOICE_TABLES = {}


def _choice_table(choices, extra):
    key = (choices, tuple(sorted(extra.items())))
    table = _CHOICE_TABLES.get(key)
    if table is None:
        table = {}
        for value, label in choices.choices:
            table[normalize(value)] = value
            for language in ("ar", "en"):
                with translation.override(language):
                    table[normalize(str(label))] = value
        for word, value in extra.items():
            table[normalize(word)] = value
        _CHOICE_TABLES[key] = table
    return table


VISIBILITY_WORDS = {
    "محمي": "protected", "محميه": "protected", "لا": "protected", "no": "protected", "protected": "protected",
    "علني": "public", "عام": "public", "نعم": "public", "yes": "public", "public": "public",
}


def parse_visibility(text):
    value = VISIBILITY_WORDS.get(normalize(text))
    if value is None:
        raise CellError(_("Write «محمي» (protected, never named publicly) or «علني» (public)."))
    return value


ORGANIZATION_ROLE_WORDS = {"منظم": "organiser", "منظم مشارك": "co_organiser", "شريك": "partner", "ممول": "funder", "مشارك": "participant"}
PARTICIPANT_ROLE_WORDS = {"متحدث": "speaker", "ميسر": "moderator", "مدير الجلسه": "moderator", "مشارك": "participant"}


# --- The sheets ---------------------------------------------------------------------------

MEETING_REF = Column("meeting_ref", "مرجع الاجتماع", "meeting_ref", _("Meeting reference"), required=True, max_length=100)

MEETINGS = Kind(
    "meetings", "الاجتماعات", "meetings", _("Meetings"),
    (
        MEETING_REF,
        Column("title", "العنوان", "title", _("Title"), required=True, max_length=300),
        Column("title_en", "العنوان بالإنجليزية", "title_en", _("Title in English"), max_length=300),
        Column("date", "التاريخ", "date", _("Date"), required=True, parse=parse_date),
        Column("kind", "النوع", "kind", _("Kind"), parse=choice_parser(Meeting.Kind)),
        Column("governorate", "المحافظة", "governorate", _("Governorate"), max_length=100),
        Column("city", "المدينة أو المديرية", "city", _("City or district"), max_length=150),
        Column("venue", "المكان", "venue", _("Venue"), max_length=250),
        Column("summary", "الملخص", "summary", _("Summary")),
        Column("attendance_total", "عدد الحضور", "attendance_total", _("Total attendance"), parse=parse_attendance),
        Column("attendance_women", "عدد النساء", "attendance_women", _("Women attending"), parse=parse_attendance),
        Column("attendance_men", "عدد الرجال", "attendance_men", _("Men attending"), parse=parse_attendance),
        Column("source_url", "رابط المصدر", "source_url", _("Source link"), parse=parse_url),
    ),
)

ORGANIZATIONS = Kind(
    "organizations", "الجهات", "organizations", _("Organisations of the meetings"),
    (
        MEETING_REF,
        Column("organization", "الجهة", "organization", _("Organisation"), required=True, max_length=250),
        Column(
            "role", "الدور", "role", _("Role"), required=True,
            parse=choice_parser(MeetingOrganization.Role, extra=ORGANIZATION_ROLE_WORDS),
        ),
    ),
)

PARTICIPANTS = Kind(
    "participants", "المشاركون", "participants", _("Participants"),
    (
        MEETING_REF,
        Column("name", "الاسم", "name", _("Name"), max_length=200),
        Column("post", "المنصب", "post", _("Post"), max_length=250),
        Column("organization", "الجهة", "organization", _("Organisation"), max_length=250),
        Column("role", "الدور", "role", _("Role"), parse=choice_parser(Participation.Role, extra=PARTICIPANT_ROLE_WORDS)),
        Column("visibility", "الظهور", "visibility", _("Visibility"), parse=parse_visibility),
        Column("statement", "ما قاله", "statement", _("What they said")),
    ),
)

RECOMMENDATIONS = Kind(
    "recommendations", "التوصيات", "recommendations", _("Recommendations"),
    (
        MEETING_REF,
        Column("number", "رقم التوصية", "number", _("Recommendation number"), required=True, parse=parse_order),
        Column("text", "النص", "text", _("Text"), required=True),
        Column("kind", "النوع", "kind", _("Kind"), parse=choice_parser(Recommendation.Kind)),
        Column("priority", "الأولوية", "priority", _("Priority"), parse=choice_parser(Recommendation.Priority)),
        Column("addressees", "الجهات المعنية", "addressees", _("Addressed to")),
        Column("due_date", "تاريخ الاستحقاق", "due_date", _("Due date"), parse=parse_date),
    ),
)

FOLLOW_UP = Kind(
    "follow_up", "المتابعة", "follow_up", _("Follow-up"),
    (
        MEETING_REF,
        Column("number", "رقم التوصية", "number", _("Recommendation number"), required=True, parse=parse_order),
        Column("date", "التاريخ", "date", _("Date"), required=True, parse=parse_date),
        Column("status", "الحالة", "status", _("Status"), required=True, parse=choice_parser(Recommendation.Status)),
        Column("progress", "نسبة الإنجاز", "progress", _("Progress (%)"), parse=parse_progress),
        Column("note", "ملاحظة", "note", _("Note")),
        Column("evidence_url", "رابط الدليل", "evidence_url", _("Evidence link"), parse=parse_url),
    ),
)

KINDS = (MEETINGS, ORGANIZATIONS, PARTICIPANTS, RECOMMENDATIONS, FOLLOW_UP)
KINDS_BY_KEY = {kind.key: kind for kind in KINDS}

# Addressees are several organisations in one cell, separated by any of these.
ADDRESSEE_SEPARATORS = re.compile(r"[؛;\n|]+")


def split_names(text):
    return [name.strip() for name in ADDRESSEE_SEPARATORS.split(text or "") if name.strip()]


def parse_cell(column, text):
    """The value of one cell's text (stripped; '' for an empty cell), or CellError."""
    if text == "":
        if column.required:
            raise CellError(_("Required."))
        return None
    if column.max_length is not None and len(text) > column.max_length:
        raise CellError(_("Too long: at most %(limit)s characters.") % {"limit": column.max_length})
    if column.parse is None:
        return text
    return column.parse(text)


def identify_kind(headers, sheet_name=""):
    """The kind whose columns ``headers`` (normalised) name, or None. A sheet's name decides
    between kinds whose columns are alike; otherwise the kind with the most columns named."""
    named = normalize(sheet_name)
    for kind in KINDS:
        if named and named in {normalize(kind.ar), normalize(kind.en)}:
            return kind
    best, best_score = None, 0
    for kind in KINDS:
        known = set().union(*(column.headers() for column in kind.columns))
        required = [column for column in kind.columns if column.required]
        if not all(column.headers() & set(headers) for column in required):
            continue
        score = sum(1 for header in headers if header in known)
        if score > best_score:
            best, best_score = kind, score
    return best
