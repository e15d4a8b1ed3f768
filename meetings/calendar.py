"""iCalendar (RFC 5545) for published meetings, written by hand.

The format needs little: CRLF line ends, lines folded at 75 octets (never
inside a UTF-8 sequence — Arabic letters take two octets), and TEXT values
with ``\\``, ``;``, ``,`` and newlines escaped. That is less code than a
dependency. Like the feeds, an event names no participant: title, place,
link and summary only.
"""

import datetime
import re

from django.utils import timezone
from django.utils.translation import get_language_bidi

LINE_LIMIT = 75  # octets, excluding the CRLF (RFC 5545 §3.1)

# TEXT may not hold control characters other than HTAB (RFC 5545 §3.3.11).
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def escape_text(value):
    value = str(value).replace("\r\n", "\n").replace("\r", "\n")
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")
    return _CONTROL_CHARACTERS.sub("", value)


def fold(line):
    """Split ``line`` into CRLF + space continued lines of at most 75 octets each, never
    inside a character (a line's UTF-8 bytes are cut, backing up over continuation bytes)."""
    data = line.encode("utf-8")
    if len(data) <= LINE_LIMIT:
        return line
    parts, start, limit = [], 0, LINE_LIMIT
    while start < len(data):
        end = min(start + limit, len(data))
        while end < len(data) and data[end] & 0xC0 == 0x80:  # inside a character: cut before it
            end -= 1
        parts.append(data[start:end].decode("utf-8"))
        start, limit = end, LINE_LIMIT - 1  # the leading space of a continuation line counts
    return "\r\n ".join(parts)


def utc_stamp(moment):
    return moment.astimezone(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def meeting_location(meeting):
    """Venue, city and governorate, as far as they are known."""
    parts = [meeting.venue, meeting.city, meeting.governorate.name if meeting.governorate_id else ""]
    separator = "، " if get_language_bidi() else ", "  # the Arabic comma in Arabic
    return separator.join(part for part in parts if part)


def meeting_event(meeting, *, url, uid_domain, tags=()):
    """The content lines of one meeting's VEVENT, not yet folded (``tags``: their names)."""
    lines = [
        "BEGIN:VEVENT",
        f"UID:meeting-{meeting.pk}@{uid_domain}",
        f"DTSTAMP:{utc_stamp(meeting.updated_at)}",
        f"LAST-MODIFIED:{utc_stamp(meeting.updated_at)}",
    ]
    if meeting.start_time is None:
        # Time unknown: an all-day event; DTEND is exclusive, so the next day.
        lines += [
            f"DTSTART;VALUE=DATE:{meeting.date:%Y%m%d}",
            f"DTEND;VALUE=DATE:{meeting.date + datetime.timedelta(days=1):%Y%m%d}",
        ]
    else:
        # Times are recorded in local (Yemen) time; written in UTC so that no
        # VTIMEZONE component has to be generated.
        zone = timezone.get_default_timezone()
        lines.append(f"DTSTART:{utc_stamp(datetime.datetime.combine(meeting.date, meeting.start_time, zone))}")
        if meeting.end_time is not None:
            lines.append(f"DTEND:{utc_stamp(datetime.datetime.combine(meeting.date, meeting.end_time, zone))}")
    lines.append(f"SUMMARY:{escape_text(meeting.title)}")
    location = meeting_location(meeting)
    if location:
        lines.append(f"LOCATION:{escape_text(location)}")
    lines.append(f"URL:{url}")
    description = "\n\n".join(part for part in [meeting.summary.strip(), url] if part)
    lines.append(f"DESCRIPTION:{escape_text(description)}")
    tags = [escape_text(tag) for tag in tags]
    if tags:
        lines.append(f"CATEGORIES:{','.join(tags)}")
    lines.append("END:VEVENT")
    return lines


def calendar(*, name, language, events):
    """A complete VCALENDAR as text: ``events`` is an iterable of VEVENT line lists."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:-//Sanad//Sanad meetings//{language.upper()}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
    ]
    for event in events:
        lines += event
    lines.append("END:VCALENDAR")
    return "".join(f"{fold(line)}\r\n" for line in lines)
