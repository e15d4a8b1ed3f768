"""Protected names in what a meeting will publish: found before publication, removed or accepted.

A protected person is never named by the site itself, but an editor may still type
their name into the minutes, a statement, a recommendation or a file's title. Before a
meeting is published, :func:`protected_name_findings` lists every such place, and the
workflow (``Meeting.publish``, models/workflow.py) refuses to publish while any of them
is neither removed nor accepted by a reviewer (:func:`unaccepted_findings`).

What is read (everything the public pages show of a meeting, in both languages)
    the meeting's title, city, venue, summary and minutes; its tags; each participant's
    statement and post title; each recommendation's text; the title of each *public*
    attachment. (The meeting's organisations are named by their own records, which are
    not people's texts; a follow-up note is read when a reviewer approves it,
    :func:`protected_names_in_update`.)

Whose names
    Every person whose visibility is not public — the meeting's own protected
    participants and any other protected person in the database — under their name in
    either language. Names are compared as normalised token sequences with the search
    normalisation (search/normalization.py): hamza, alef, ya and taa marbuta variants,
    diacritics and tatweel do not matter, and the first word may carry attached clitics
    («وبسميرة», «لسميرة»), so do later words that begin with the article («والأحمد»).
    A name must appear whole: «سميرة» alone does not match «سميرة الأحمد», and a word
    that only contains a name token («السمير» for «سمير») is not a match unless removing
    its prefixes gives the token.

Cost
    One query for the names of all protected people (only pk and the two name columns),
    indexed in a dict by their first two tokens, and one query per kind of text (meeting,
    tags, participations, recommendations, attachments, acceptances): seven queries,
    whatever the number of people. Each text token is looked up by its stems, so the
    scan is linear in the length of the texts.

Occurrences and acceptances
    Each finding has a ``fingerprint``: a hash of its place (record, field, language), the
    person, the normalised words around it and its rank among identical occurrences. An
    acceptance (:class:`~meetings.models.ProtectedNameAcceptance`) records who accepted
    which fingerprint; a finding whose fingerprint has no acceptance is unaccepted. So an
    edit that adds an occurrence, or rewrites the words around one, needs a new acceptance,
    while an edit elsewhere keeps earlier acceptances valid.
"""

import hashlib
import html
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.text import capfirst, format_lazy
from django.utils.translation import gettext_lazy as _

from search.normalization import stems, tokenize, tokens_with_spans

# Words kept on each side of a match in the fingerprint and in the excerpt.
CONTEXT_WORDS = 3
EXCERPT_CHARACTERS = 60

LANGUAGES = ("ar", "en")


@dataclass(frozen=True)
class PublicText:
    """One text a public page shows: where it is and what it says."""

    place: str  # stable key, e.g. "meeting.summary.ar", "recommendation.12.text.ar"
    label: str
    language: str
    text: str


@dataclass
class Finding:
    """One occurrence of a protected person's name in a public text."""

    text: PublicText
    person_id: int
    person_name: str
    start: int
    end: int
    fingerprint: str
    content_key: str = ""  # the fingerprint without the record's id: stable across an unsaved retry
    acceptance: object = None  # the ProtectedNameAcceptance, when accepted

    @property
    def place(self):
        return self.text.place

    @property
    def label(self):
        return self.text.label

    @property
    def language(self):
        return self.text.language

    @property
    def matched(self):
        return self.text.text[self.start : self.end]

    @property
    def accepted(self):
        return self.acceptance is not None

    def excerpt(self):
        """The words around the match, as plain text."""
        source = self.text.text
        before = max(0, self.start - EXCERPT_CHARACTERS)
        after = min(len(source), self.end + EXCERPT_CHARACTERS)
        prefix = "… " if before else ""
        suffix = " …" if after < len(source) else ""
        return f"{prefix}{source[before:after]}{suffix}"

    def excerpt_html(self):
        """The excerpt escaped for HTML, the match wrapped in <mark>."""
        source = self.text.text
        before = max(0, self.start - EXCERPT_CHARACTERS)
        after = min(len(source), self.end + EXCERPT_CHARACTERS)
        return "".join(
            [
                "… " if before else "",
                html.escape(source[before : self.start]),
                "<mark>",
                html.escape(source[self.start : self.end]),
                "</mark>",
                html.escape(source[self.end : after]),
                " …" if after < len(source) else "",
            ]
        )


@dataclass
class NameIndex:
    """Normalised names of protected people, by their first two tokens (many share a first name)."""

    by_first: dict = field(default_factory=dict)  # first token -> {second token or "": {(tokens, person id)}}
    names: dict = field(default_factory=dict)  # person id -> display name

    def add(self, person_id, name, display):
        tokens = tuple(tokenize(name))
        if not tokens:
            return
        second = tokens[1] if len(tokens) > 1 else ""
        self.by_first.setdefault(tokens[0], {}).setdefault(second, set()).add((tokens, person_id))
        self.names.setdefault(person_id, display)

    def candidates(self, words, position, stem):
        """The names whose first token is ``stem`` and whose second token matches the next word."""
        seconds = self.by_first.get(stem)
        if not seconds:
            return ()
        found = list(seconds.get("", ()))
        if position + 1 < len(words):
            following = words[position + 1][0]
            for second in dict.fromkeys((following, *stems(following))):
                found.extend(seconds.get(second, ()))
        return found


def protected_names():
    """The :class:`NameIndex` of every person who is not public (one query)."""
    from .models import Person

    index = NameIndex()
    rows = Person.objects.exclude(visibility=Person.Visibility.PUBLIC).values_list("pk", "name_ar", "name_en")
    for pk, name_ar, name_en in rows.iterator(chunk_size=2000):
        for name in (name_ar, name_en):
            if name:
                index.add(pk, name, name_ar or name_en)
    return index


def _token_matches(name_token, word):
    return name_token == word or name_token in stems(word)


def find_names(text, index):
    """``[(person id, start, end, token position, token count)]`` of the names of ``index`` in ``text``."""
    words = tokens_with_spans(text)
    found = []
    for position, (word, start, _end) in enumerate(words):
        seen = set()
        for stem in stems(word):
            for tokens, person_id in index.candidates(words, position, stem):
                if (tokens, person_id) in seen or position + len(tokens) > len(words):
                    continue
                if all(_token_matches(tokens[k], words[position + k][0]) for k in range(1, len(tokens))):
                    seen.add((tokens, person_id))
                    found.append((person_id, start, words[position + len(tokens) - 1][2], position, len(tokens)))
    # One finding per person and place in the text: the longest of overlapping names of one person.
    found.sort(key=lambda item: (item[1], -(item[2] - item[1])))
    kept, ends = [], {}
    for item in found:
        if ends.get(item[0], -1) > item[1]:
            continue
        ends[item[0]] = item[2]
        kept.append(item)
    return kept, words


def _field_label(model, name, language):
    from django.conf import settings

    languages = dict(settings.LANGUAGES)
    return str(format_lazy("{} ({})", capfirst(model._meta.get_field(name).verbose_name), languages.get(language, language)))


def public_texts(meeting):
    """Every text the public pages show of ``meeting`` (see the module docstring); five queries."""
    from .models import Attachment, Meeting, Participation, Position, Recommendation, Tag

    texts = []

    def add(place, label, language, value):
        if value and value.strip():
            texts.append(PublicText(place, label, language, value))

    meeting_label = capfirst(Meeting._meta.verbose_name)
    for name in ("title", "city", "venue", "summary", "minutes"):
        for language in LANGUAGES:
            add(f"meeting.{name}.{language}", _field_label(Meeting, name, language), language, getattr(meeting, f"{name}_{language}"))
    for tag in Tag.objects.filter(meetings=meeting).order_by("pk"):
        for language in LANGUAGES:
            add(f"tag.{tag.pk}.name.{language}", str(format_lazy("{} #{}", _("Tag"), tag.pk)), language, getattr(tag, f"name_{language}"))
    participations = Participation.objects.filter(meeting=meeting).select_related("position").order_by("order", "pk")
    for number, participation in enumerate(participations, start=1):
        row = format_lazy("{} {}", capfirst(Participation._meta.verbose_name), number)
        for language in LANGUAGES:
            add(
                f"participation.{participation.pk}.statement.{language}",
                str(format_lazy("{} — {}", row, _field_label(Participation, "statement", language))),
                language,
                getattr(participation, f"statement_{language}"),
            )
            if participation.position_id:
                add(
                    f"position.{participation.position_id}.title.{language}",
                    str(format_lazy("{} — {}", row, _field_label(Position, "title", language))),
                    language,
                    getattr(participation.position, f"title_{language}"),
                )
    for recommendation in Recommendation.objects.filter(meeting=meeting).order_by("order", "pk"):
        row = format_lazy("{} {}", capfirst(Recommendation._meta.verbose_name), recommendation.order)
        for language in LANGUAGES:
            add(
                f"recommendation.{recommendation.pk}.text.{language}",
                str(format_lazy("{} — {}", row, _field_label(Recommendation, "text", language))),
                language,
                getattr(recommendation, f"text_{language}"),
            )
    for attachment in Attachment.objects.filter(meeting=meeting, is_public=True).order_by("pk"):
        add(
            f"attachment.{attachment.key}.title",
            str(format_lazy("{}: {}", capfirst(Attachment._meta.verbose_name), capfirst(Attachment._meta.get_field("title").verbose_name))),
            "",
            attachment.title,
        )
    # Positions are shared between meetings: one finding per post, even if two participants hold it.
    unique, seen = [], set()
    for text in texts:
        if text.place not in seen:
            seen.add(text.place)
            unique.append(text)
    return unique


def _fingerprint(meeting_pk, place, person_id, context, rank):
    raw = f"{meeting_pk}|{place}|{person_id}|{' '.join(context)}|{rank}"
    return hashlib.sha256(raw.encode()).hexdigest()


def protected_name_findings(meeting, *, index=None):
    """Every occurrence of a protected person's name in ``meeting``'s public texts, in page order,
    each with its acceptance if a reviewer accepted it (:class:`Finding`)."""
    index = index if index is not None else protected_names()
    findings = []
    if not index.by_first:
        return findings
    for text in public_texts(meeting):
        matches, words = find_names(text.text, index)
        ranks = {}
        for person_id, start, end, position, count in matches:
            context = [w for w, _s, _e in words[max(0, position - CONTEXT_WORDS) : position + count + CONTEXT_WORDS]]
            key = (person_id, tuple(context))
            ranks[key] = ranks.get(key, 0) + 1
            findings.append(
                Finding(
                    text=text,
                    person_id=person_id,
                    person_name=index.names.get(person_id, ""),
                    start=start,
                    end=end,
                    fingerprint=_fingerprint(meeting.pk, text.place, person_id, context, ranks[key]),
                    content_key=_fingerprint(None, text.place.split(".")[0], person_id, context, ranks[key])[:32],
                )
            )
    if findings and meeting.pk is not None:
        from .models import ProtectedNameAcceptance

        accepted = {
            acceptance.fingerprint: acceptance
            for acceptance in ProtectedNameAcceptance.objects.filter(
                meeting=meeting, fingerprint__in=[f.fingerprint for f in findings]
            ).select_related("accepted_by")
        }
        for finding in findings:
            finding.acceptance = accepted.get(finding.fingerprint)
    return findings


def unaccepted_findings(meeting):
    """The findings no reviewer has accepted: publication waits until there are none."""
    return [finding for finding in protected_name_findings(meeting) if not finding.accepted]


@transaction.atomic
def protected_names_accept(*, meeting, fingerprints, by):
    """Record that ``by`` accepts the occurrences ``fingerprints`` of ``meeting`` (a reviewer's act).

    Fingerprints that are not (or no longer) findings of the meeting are ignored: the
    page was out of date. Returns the acceptances created.
    """
    from .models import ProtectedNameAcceptance
    from .models.workflow import TRANSITIONS
    from .models.workspace import RANK, MeetingEvent

    role = meeting.role_of(by)
    minimum = TRANSITIONS[MeetingEvent.Action.PUBLISHED].minimum_role
    if role is None or RANK[role] < RANK[minimum]:
        raise PermissionDenied(_("Only a reviewer of an organising organisation can accept a protected name."))
    wanted = set(fingerprints)
    created = []
    for finding in protected_name_findings(meeting):
        if finding.fingerprint in wanted and not finding.accepted:
            created.append(
                ProtectedNameAcceptance(
                    meeting=meeting,
                    person_id=finding.person_id,
                    fingerprint=finding.fingerprint,
                    place=finding.place[:120],
                    excerpt=finding.excerpt(),
                    accepted_by=by,
                )
            )
    ProtectedNameAcceptance.objects.bulk_create(created, ignore_conflicts=True)
    return created


# --- Edits of a published meeting ------------------------------------------------------


# How many of a newly protected person's published meetings are read for their name.
NAMING_CHECKED = 20


def published_meetings_naming(person, *, limit=NAMING_CHECKED):
    """``(meetings, taken_part)``: the published meetings whose public texts still name
    ``person``, among the ``limit`` newest they took part in, and how many published meetings
    they took part in. For a person just protected: their participations are hidden at once,
    but texts written while they were public may name them, and no check read those texts
    since. Seven statements per meeting read, and two."""
    from .models import Meeting

    taken_part = Meeting.objects.published().filter(participations__person=person).distinct()
    index = NameIndex()
    for name in (person.name_ar, person.name_en):
        if name:
            index.add(person.pk, name, person.name_ar or person.name_en)
    naming = [
        meeting
        for meeting in taken_part.order_by("-date", "-pk")[:limit]
        if any(finding.person_id == person.pk for finding in protected_name_findings(meeting, index=index))
    ]
    return naming, taken_part.count()


def protected_names_in_update(update):
    """The display names of the protected people that a follow-up ``update`` names, in its note
    (either language) or its evidence file's title: both become public when it is approved."""
    index = protected_names()
    texts = [getattr(update, f"note_{language}", "") or "" for language in LANGUAGES]
    if update.evidence_id:
        texts.append(update.evidence.title)
    found = {}
    for text in texts:
        for person_id, *_rest in find_names(text, index)[0]:
            found.setdefault(person_id, index.names[person_id])
    return list(found.values())


class UnacceptedNames(ValidationError):
    """An edit of a published meeting would publish a protected name no reviewer accepted."""

    def __init__(self, findings):
        super().__init__(
            _("Your changes were not saved: the meeting is public, and they would name a protected person."),
            code="protected_names",
        )
        self.findings = findings


def can_accept(meeting, user):
    from .models.workflow import TRANSITIONS
    from .models.workspace import RANK, MeetingEvent

    role = meeting.role_of(user)
    return role is not None and RANK[role] >= RANK[TRANSITIONS[MeetingEvent.Action.PUBLISHED].minimum_role]


@transaction.atomic
def meeting_save_checked(*, accept_names=(), **kwargs):
    """``services.meeting_save(**kwargs)``, refused if it would make a *published* meeting name a
    protected person that no reviewer accepted: the edit is live at once, so the check that
    publication makes (``Meeting.publish()``) is made here. ``accept_names`` are the
    ``content_key`` of findings the user (a reviewer) accepts with this save, having seen
    them on the refused attempt; anything else unaccepted raises :class:`UnacceptedNames`
    and nothing is written."""
    from .models import Meeting
    from .services import meeting_save

    meeting = meeting_save(**kwargs)
    if meeting.status != Meeting.Status.PUBLISHED:
        return meeting
    waiting = unaccepted_findings(meeting)
    if not waiting:
        return meeting
    by = kwargs["by"]
    chosen = set(accept_names) if can_accept(meeting, by) else set()
    accepted = [finding.fingerprint for finding in waiting if finding.content_key in chosen]
    if accepted:
        protected_names_accept(meeting=meeting, fingerprints=accepted, by=by)
    remaining = [finding for finding in waiting if finding.fingerprint not in set(accepted)]
    if remaining:
        raise UnacceptedNames(remaining)
    return meeting
