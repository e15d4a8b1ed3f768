"""Protected names in what a meeting will publish: found before publication, removed or accepted.

A protected person is never named by the site itself, but an editor may still type
their name into the minutes, a statement, a recommendation or a file's title. Before a
meeting is published, :func:`protected_name_findings` lists every such place, and the
workflow (``Meeting.publish``, models/workflow.py) refuses to publish while any of them
is neither removed nor accepted by a reviewer (:func:`unaccepted_findings`).

What is read (everything the public pages show of a meeting, in both languages)
    the meeting's title, city, venue, summary and minutes; its tags; each participant's
    statement and post title; each recommendation's text; the note of each approved follow-up
    update; the title of each *public* attachment. (The meeting's organisations are named by
    their own records, which are not people's texts; a follow-up note is also read when a
    reviewer approves it, :func:`protected_names_in_update`.)

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
import re
from dataclasses import dataclass, field
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.text import capfirst, format_lazy, get_text_list
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from search.normalization import normalize, stems, tokenize, tokens_with_spans

# Words kept on each side of a match in the fingerprint and in the excerpt.
CONTEXT_WORDS = 3
EXCERPT_CHARACTERS = 60

LANGUAGES = ("ar", "en")


@dataclass(frozen=True)
class PublicText:
    """One text a public page shows: where it is and what it says."""

    place: str  # stable key, e.g. "meeting.summary.ar", "recommendation.12.text.ar"
    label: object  # lazy: made into text only where a page shows it
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

    def add_person(self, person_id, name_ar, name_en):
        """A person under their names in both languages, shown by the Arabic one."""
        for name in (name_ar, name_en):
            if name:
                self.add(person_id, name, name_ar or name_en)

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
        index.add_person(pk, name_ar, name_en)
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
    languages = dict(settings.LANGUAGES)
    return format_lazy("{} ({})", capfirst(model._meta.get_field(name).verbose_name), languages.get(language, language))


def public_texts(meeting):
    """Every text the public pages show of ``meeting`` (see the module docstring); five queries."""
    return public_texts_of([meeting])[meeting.pk]


# Texts read at once by :func:`public_texts_of` callers that go through many meetings.
TEXTS_CHUNK = 200

# What a meeting's own row must hold for :func:`public_texts_of` (``Meeting.objects.only()``).
MEETING_TEXT_FIELDS = tuple(
    f"{name}_{language}" for name in ("title", "city", "venue", "summary", "minutes") for language in LANGUAGES
)


def public_texts_of(meetings):
    """:func:`public_texts` of each of ``meetings``, by primary key: five queries, whatever their
    number (the related records of all of them are read together)."""
    from .models import Attachment, Meeting, Participation, Position, Recommendation, RecommendationUpdate

    pks = [meeting.pk for meeting in meetings]
    texts = {pk: [] for pk in pks}

    def add(pk, place, label, language, value):
        if value and value.strip():
            texts[pk].append(PublicText(place, label, language, value))

    for meeting in meetings:
        for name in ("title", "city", "venue", "summary", "minutes"):
            for language in LANGUAGES:
                add(meeting.pk, f"meeting.{name}.{language}", _field_label(Meeting, name, language), language,
                    getattr(meeting, f"{name}_{language}"))
    tagged = Meeting.tags.through.objects.filter(meeting_id__in=pks).select_related("tag").order_by("meeting_id", "tag_id")
    for row in tagged:
        for language in LANGUAGES:
            add(row.meeting_id, f"tag.{row.tag_id}.name.{language}", format_lazy("{} #{}", _("Tag"), row.tag_id),
                language, getattr(row.tag, f"name_{language}"))
    participations = (
        Participation.objects.filter(meeting_id__in=pks)
        .select_related("position")
        .only("meeting_id", "order", "position", *(f"statement_{language}" for language in LANGUAGES),
              *(f"position__title_{language}" for language in LANGUAGES))
        .order_by("meeting_id", "order", "pk")
    )
    numbers = {}
    for participation in participations:
        pk = participation.meeting_id
        numbers[pk] = numbers.get(pk, 0) + 1
        row = format_lazy("{} {}", capfirst(Participation._meta.verbose_name), numbers[pk])
        for language in LANGUAGES:
            add(
                pk,
                f"participation.{participation.pk}.statement.{language}",
                format_lazy("{} — {}", row, _field_label(Participation, "statement", language)),
                language,
                getattr(participation, f"statement_{language}"),
            )
            if participation.position_id:
                add(
                    pk,
                    f"position.{participation.position_id}.title.{language}",
                    format_lazy("{} — {}", row, _field_label(Position, "title", language)),
                    language,
                    getattr(participation.position, f"title_{language}"),
                )
    recommendations = (
        Recommendation.objects.filter(meeting_id__in=pks)
        .only("meeting_id", "order", *(f"text_{language}" for language in LANGUAGES))
        .order_by("meeting_id", "order", "pk")
    )
    for recommendation in recommendations:
        row = format_lazy("{} {}", capfirst(Recommendation._meta.verbose_name), recommendation.order)
        for language in LANGUAGES:
            add(
                recommendation.meeting_id,
                f"recommendation.{recommendation.pk}.text.{language}",
                format_lazy("{} — {}", row, _field_label(Recommendation, "text", language)),
                language,
                getattr(recommendation, f"text_{language}"),
            )
    # Approved follow-up is public on the recommendations' pages with the meeting.
    updates = (
        RecommendationUpdate.objects.approved()
        .filter(recommendation__meeting_id__in=pks)
        .only("recommendation__meeting_id", *(f"note_{language}" for language in LANGUAGES))
        .select_related("recommendation")
        .order_by("recommendation__meeting_id", "pk")
    )
    for update in updates:
        for language in LANGUAGES:
            add(
                update.recommendation.meeting_id,
                f"update.{update.pk}.note.{language}",
                format_lazy("{} — {}", capfirst(RecommendationUpdate._meta.verbose_name), _field_label(RecommendationUpdate, "note", language)),
                language,
                getattr(update, f"note_{language}"),
            )
    attachments = Attachment.objects.filter(meeting_id__in=pks, is_public=True).only("meeting_id", "key", "title")
    for attachment in attachments.order_by("meeting_id", "pk"):
        add(
            attachment.meeting_id,
            f"attachment.{attachment.key}.title",
            format_lazy("{}: {}", capfirst(Attachment._meta.verbose_name), capfirst(Attachment._meta.get_field("title").verbose_name)),
            "",
            attachment.title,
        )
    # Positions are shared between meetings: one finding per post, even if two participants hold it.
    for pk, found in texts.items():
        seen = set()
        texts[pk] = [text for text in found if not (text.place in seen or seen.add(text.place))]
    return texts


def _fingerprint(meeting_pk, place, person_id, context, rank):
    raw = f"{meeting_pk}|{place}|{person_id}|{' '.join(context)}|{rank}"
    return hashlib.sha256(raw.encode()).hexdigest()


def protected_name_findings(meeting, *, index=None):
    """Every occurrence of a protected person's name in ``meeting``'s public texts, in page order,
    each with its acceptance if a reviewer accepted it (:class:`Finding`)."""
    index = index if index is not None else protected_names()
    return findings_of([meeting], index)[meeting.pk]


def findings_of(meetings, index, *, prefilter=None):
    """:func:`protected_name_findings` of each of ``meetings`` for the names of ``index``, by
    primary key: five queries, whatever their number. ``prefilter``: a compiled :func:`name_pattern`
    of those names; a text it does not match is not read word by word."""
    findings = {meeting.pk: [] for meeting in meetings}
    if not index.by_first:
        return findings
    for pk, texts in public_texts_of(meetings).items():
        for text in texts:
            if prefilter is not None and not prefilter.search(text.text):
                continue
            matches, words = find_names(text.text, index)
            ranks = {}
            for person_id, start, end, position, count in matches:
                context = [w for w, _s, _e in words[max(0, position - CONTEXT_WORDS) : position + count + CONTEXT_WORDS]]
                key = (person_id, tuple(context))
                ranks[key] = ranks.get(key, 0) + 1
                findings[pk].append(
                    Finding(
                        text=text,
                        person_id=person_id,
                        person_name=index.names.get(person_id, ""),
                        start=start,
                        end=end,
                        fingerprint=_fingerprint(pk, text.place, person_id, context, ranks[key]),
                        content_key=_fingerprint(None, text.place.split(".")[0], person_id, context, ranks[key])[:32],
                    )
                )
    found = [finding for pk, found in findings.items() if pk is not None for finding in found]
    if found:
        from .models import ProtectedNameAcceptance

        accepted = {
            (acceptance.meeting_id, acceptance.fingerprint): acceptance
            for acceptance in ProtectedNameAcceptance.objects.filter(
                meeting_id__in=[pk for pk in findings if pk is not None], fingerprint__in=[f.fingerprint for f in found]
            ).select_related("accepted_by")
        }
        for pk, found in findings.items():
            for finding in found:
                finding.acceptance = accepted.get((pk, finding.fingerprint))
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


# --- A person protected after publication ------------------------------------------------


@dataclass
class Withheld:
    """What :func:`withhold_texts_naming` took off the public site."""

    meetings: list = field(default_factory=list)  # withdrawn to draft
    updates: list = field(default_factory=list)  # approved follow-up returned to its author

    def __bool__(self):
        return bool(self.meetings or self.updates)


def names_of(people):
    """The :class:`NameIndex` of ``people`` alone, under their names in both languages."""
    index = NameIndex()
    for person in people:
        index.add_person(person.pk, person.name_ar, person.name_en)
    return index


# Every character is read for what search text folds it to (search/normalization.py): the basic
# plane, mathematical letters, enclosed letters and tags; 0.15 s, once a process. Which letters fold
# to each letter of a name («ḥ» to «h», «Ж» to «ж», «ﻻ» to «لا») comes from all of them. The
# classes that stand between letters and between words are written against the characters of
# the blocks below (Latin, Greek, Cyrillic, Arabic with its presentation forms, punctuation,
# letter-like and fullwidth forms): as "anything but a known letter" or "anything but a known
# separator", so that a character of no block is allowed either way, which only loosens the pattern.
_READ = (range(0, 0xD800), range(0xE000, 0x10000), range(0x1D400, 0x1D800), range(0x1F100, 0x1F200), range(0xE0000, 0xE0080))
_KNOWN_BLOCKS = (
    (0x0, 0x530), (0x600, 0x700), (0x750, 0x780), (0x870, 0x900), (0x1E00, 0x1F00),
    (0x2000, 0x2070), (0x2100, 0x2500), (0xFB00, 0xFE30), (0xFE70, 0xFFF0),
)


@dataclass(frozen=True)
class _Spellings:
    variants: dict  # a letter of search text -> the characters (a bracket expression's inside) that fold to it
    ligatures: dict  # letters -> the single characters that fold to them all («لا»: «ﻻ», «ﻷ»…; «ss»: «ß»)
    ignored: str  # the known characters search text drops (diacritics, tatweel, invisible marks)
    letters: str  # the known characters that fold to letters
    separators: str  # the known characters that fold to a space (and digits: a token of their own)


@lru_cache(maxsize=1)
def _spellings():
    variants, ligatures, ignored, letters, separators = {}, {}, [], [], []
    known = {codepoint for first, end in _KNOWN_BLOCKS for codepoint in range(first, end)}
    for codepoints in _READ:
        for codepoint in codepoints:
            character = chr(codepoint)
            folded = normalize(f"\u0628{character}\u0628")
            if folded == "\u0628\u0628":
                kind = ignored
            elif " " not in folded and len(folded) > 2:  # not a separator, nor a digit (a token of its own)
                inner = folded[1:-1]
                if len(inner) == 1:
                    variants.setdefault(inner, {inner}).add(character)
                elif codepoint in known:  # «ﻻ», «ß», «ﬁ»; not the squared abbreviations of CJK («㎏»)
                    ligatures.setdefault(inner, {inner}).add(character)
                kind = letters
            else:
                kind = separators
            if codepoint in known and codepoint > 0x1F:
                kind.append(character)
    return _Spellings(
        variants={letter: _character_class(chars) for letter, chars in variants.items()},
        ligatures={folded: _character_class(chars - {folded}) for folded, chars in ligatures.items()},
        ignored=_character_class(ignored),
        letters=_character_class(letters),
        separators=_character_class(separators),
    )


def _character_class(characters):
    """The inside of a bracket expression for ``characters``, consecutive ones as ranges («ً-ٟ»), each
    escaped for both databases' regular expressions."""
    points = sorted({ord(character) for character in characters})
    parts, start = [], 0

    def escaped(point):
        character = chr(point)
        return f"\\{character}" if character in "\\]^-[" else character

    for at in range(1, len(points) + 1):
        if at == len(points) or points[at] != points[at - 1] + 1:
            first, last = points[start], points[at - 1]
            parts.append(escaped(first) if first == last else f"{escaped(first)}-{escaped(last)}")
            start = at
    return "".join(parts)


def _token_pattern(token):
    """A regular expression (of both databases) that every spelling of a word found by ``token``
    contains: the token without a leading article («الأحمد» is found in «للأحمد») and, past two
    letters, without its last one (its word forms change the ending: «سميرة», «سميرتها», «عزتها»), each
    letter in every character that folds to it, with what search text drops between them, and the
    ligatures that hold two of its letters (or its first letter after a clitic: «ﻻحمد»)."""
    if token.startswith("\u0627\u0644") and len(token) > 4:
        token = token[2:]
    if len(token) > 2:
        token = token[:-1]
    spellings = _spellings()
    between = f"[^{spellings.letters}{spellings.separators}]*"  # what search drops, known or not

    def rest(at):
        return "" if at >= len(token) else between + word(at)

    def word(at):
        letter = token[at]
        options = [f"[{spellings.variants.get(letter, re.escape(letter))}]" + rest(at + 1)]
        if letter == "\u0621":  # a hamza written as a mark after its seat: «ي» + «ٔ»
            options.append(f"[\u0648\u064a]{between}\u0654" + rest(at + 1))
        for folded, characters in spellings.ligatures.items():
            if characters and token.startswith(folded, at):
                options.append(f"[{characters}]" + rest(at + len(folded)))
            elif characters and folded.startswith(token[at:]):  # it holds the word's last letters
                options.append(f"[{characters}]")
            elif characters and at == 0:  # it holds a clitic and the word's first letters
                for count in range(1, len(folded)):
                    if token.startswith(folded[-count:]):
                        options.append(f"[{characters}]" + rest(count))
        return options[0] if len(options) == 1 else "(?:" + "|".join(options) + ")"

    return word(0) if token else ""


# Letters a text may hold between two words of a name, beside what search text drops: the rest of
# the first word (its last letter and a suffix, «ـتها») and the second's clitics and article («وبال»).
GAP_LETTERS = 8
NAME_WORDS_MATCHED = 4


@lru_cache(maxsize=256)
def name_pattern(name):
    """A regular expression (of both databases) that every text in which :func:`find_names` finds
    ``name`` matches: each word's :func:`_token_pattern`, in order, with between two of them at most
    ``GAP_LETTERS`` letters on each side of one or more separators (spaces, punctuation, line breaks,
    anything that is not a letter). None for a name without words."""
    tokens = tokenize(name)
    if not tokens:
        return None
    spellings = _spellings()
    dropped = f"[{spellings.ignored}]*"
    letters = f"(?:{dropped}[^{spellings.separators}{spellings.ignored}]){{0,{GAP_LETTERS}}}{dropped}"
    separators = f"(?:[^{spellings.letters}{spellings.ignored}]{dropped})+"
    gap = letters + separators + letters
    # The first words only, and none after a word of one letter: a text holding the whole name holds
    # them, and a pattern of many short words backtracks for minutes over some texts.
    words = []
    for token in tokens[:NAME_WORDS_MATCHED]:
        words.append(token)
        if len(token) < 2:
            break
    return gap.join(_token_pattern(token) for token in words)


def _names_pattern(people):
    """:func:`name_pattern` of any name of ``people``, compiled (for texts read in Python)."""
    patterns = [name_pattern(name) for person in people for name in {person.name_ar, person.name_en} - {None, ""}]
    return re.compile("|".join(f"(?:{pattern})" for pattern in patterns if pattern) or "(?!)")


def might_name(field, people):
    """A ``Q`` true for the rows whose text column ``field`` may name one of ``people`` (:func:`name_pattern`
    of one of their names): a coarse filter of texts, whose rows are then read by :func:`find_names`."""
    from django.db.models import Q

    condition = Q(pk__in=[])
    for person in people:
        for name in {person.name_ar, person.name_en} - {None, ""}:
            pattern = name_pattern(name)
            if pattern:
                condition |= Q(**{f"{field}__regex": pattern})
    return condition


def _naming_any(fields, people):
    """:func:`might_name` over any of ``fields``."""
    condition = might_name(fields[0], people)
    for name in fields[1:]:
        condition |= might_name(name, people)
    return condition


def _meetings_perhaps_naming(people):
    """Primary keys of the published meetings whose public texts may name ``people``: a meeting's own
    texts, or a recommendation's, that the search index finds by one of their names (the meetings held
    out of the search included) and :func:`might_name` them; a statement, a tag, a post's title or a
    public file's title that :func:`might_name` them. The index alone is not enough: a meeting's document
    also holds its public participants' names, and common names share their words."""
    from search.engine import SearchQuery, found_keys

    from .models import Attachment, Meeting, Participation, Position, Recommendation, Tag

    published = Meeting.objects.published()
    in_published = {"meeting__status": Meeting.Status.PUBLISHED}
    keys = set()
    for person in people:
        for name in {person.name_ar, person.name_en} - {None, ""}:
            query = SearchQuery.parse(name)
            if not query:
                continue
            found = found_keys(Meeting.objects.all(), query, with_held=True)
            keys.update(published.filter(_naming_any(MEETING_TEXT_FIELDS, [person]), pk__in=found).values_list("pk", flat=True))
            found = found_keys(Recommendation.objects.all(), query)
            keys.update(
                Recommendation.objects.filter(_naming_any(("text_ar", "text_en"), [person]), pk__in=found, **in_published)
                .values_list("meeting_id", flat=True)
            )
    statements = Participation.objects.filter(_naming_any(("statement_ar", "statement_en"), people), **in_published)
    keys.update(statements.values_list("meeting_id", flat=True))
    tags = Tag.objects.filter(_naming_any(("name_ar", "name_en"), people))
    keys.update(published.filter(tags__in=tags).values_list("pk", flat=True))
    posts = Position.objects.filter(_naming_any(("title_ar", "title_en"), people))
    keys.update(Participation.objects.filter(position__in=posts, **in_published).values_list("meeting_id", flat=True))
    files = Attachment.objects.filter(might_name("title", people), is_public=True, **in_published)
    keys.update(files.values_list("meeting_id", flat=True))
    return sorted(keys)


class WithholdingRefused(ValidationError):
    """Protecting these people cannot withdraw what names them here: nothing is saved."""


class NotYoursToWithhold(WithholdingRefused):
    """Protecting ``people`` would withdraw other organisations' meetings or follow-up (an import's)."""

    def __init__(self, people, count):
        super().__init__(
            ngettext(
                "Protecting %(names)s would take %(count)d meeting of an organisation you do not review off the "
                "public site, or its follow-up. Nothing was saved. Ask a site administrator to protect them in "
                "the admin, then import the file again.",
                "Protecting %(names)s would take %(count)d meetings of organisations you do not review off the "
                "public site, or their follow-up. Nothing was saved. Ask a site administrator to protect them in "
                "the admin, then import the file again.",
                count,
            )
            % {"names": _quoted_names(people), "count": count},
            code="not_yours_to_withhold",
        )


def _quoted_names(people):
    return get_text_list([f"«{person.name_ar or person.name_en}»" for person in people], _("and"))


def _outside_authority(user, meeting_ids):
    """How many of the meetings ``meeting_ids`` ``user`` may not unpublish (a reviewer's act on the
    meetings their organisations organise; a site administrator's on all). One query."""
    from django.db.models import Exists, OuterRef

    from .models import Meeting, MeetingOrganization, Membership
    from .models.workspace import ORGANISING_ROLES, RANK, Role, is_site_administrator

    if not meeting_ids or is_site_administrator(user):
        return 0
    roles = [role for role in RANK if RANK[role] >= RANK[Role.REVIEWER]]
    reviewing = Membership.objects.filter(user=user, role__in=roles).values("organization")
    theirs = MeetingOrganization.objects.filter(meeting=OuterRef("pk"), role__in=ORGANISING_ROLES, organization__in=reviewing)
    return Meeting.objects.filter(pk__in=meeting_ids).exclude(Exists(theirs)).count()


class TooMuchToWithhold(WithholdingRefused):
    """Protecting ``people`` would withdraw more published meetings than one request may."""

    def __init__(self, people, count):
        super().__init__(
            _(
                "%(names)s may be named in up to %(count)d published meetings: more than one page can withdraw "
                "(%(limit)d). Nothing was saved. Protect them on the server: manage.py protect_person %(numbers)s"
            )
            % {
                "names": _quoted_names(people),
                "count": count,
                "limit": settings.WITHHOLD_NOW,
                "numbers": " ".join(str(person.pk) for person in people),
            },
            code="too_much_to_withhold",
        )


def published_meetings_naming(people, *, limit=None):
    """``{meeting: findings}``: the published meetings whose public texts name one of ``people``
    where no reviewer accepted it, with those findings. Reads the candidates of
    :func:`_meetings_perhaps_naming` by ``TEXTS_CHUNK``, six statements each time. ``limit``: raise
    :class:`TooMuchToWithhold` past that many meetings, or five times as many candidates to read."""
    from .models import Meeting

    index = names_of(people)
    prefilter = _names_pattern(people)
    naming = {}
    keys = _meetings_perhaps_naming(people)
    if limit is not None and len(keys) > 5 * limit:
        raise TooMuchToWithhold(people, len(keys))
    for start in range(0, len(keys), TEXTS_CHUNK):
        meetings = list(
            Meeting.objects.filter(pk__in=keys[start : start + TEXTS_CHUNK]).only("status", "slug", "date", *MEETING_TEXT_FIELDS)
        )
        by_pk = {meeting.pk: meeting for meeting in meetings}
        for pk, findings in findings_of(meetings, index, prefilter=prefilter).items():
            waiting = [finding for finding in findings if not finding.accepted]
            if waiting:
                naming[by_pk[pk]] = waiting
    if limit is not None and len(naming) > limit:
        raise TooMuchToWithhold(people, len(naming))
    return naming


def approved_updates_naming(people):
    """The approved follow-up updates whose note or evidence title names one of ``people``: public on a
    published meeting's recommendations, and again once an unpublished one is published."""
    from .models import RecommendationUpdate

    index = names_of(people)
    candidates = (
        RecommendationUpdate.objects.approved()
        .filter(might_name("note_ar", people) | might_name("note_en", people) | might_name("evidence__title", people))
        .select_related("evidence", "recommendation")
    )
    return [update for update in candidates if _update_names(update, index)]


def _update_names(update, index):
    """The ids of the people of ``index`` that ``update``'s note or evidence title names."""
    texts = [getattr(update, f"note_{language}", "") or "" for language in LANGUAGES]
    if update.evidence_id:
        texts.append(update.evidence.title)
    return {person_id for text in texts for person_id, *_rest in find_names(text, index)[0]}


@transaction.atomic
def withhold_texts_naming(people, *, by=None, limit=None, naming=None, within_authority=False):
    """Take off the public site what names ``people``, who have just become protected (the admin,
    an import): texts written while they were public were checked for protected names when they
    were published, and theirs was not one then.

    - Each approved follow-up update that names one of them is returned to its author with the
      reason, whatever its meeting's status: its note and its evidence leave the recommendation's
      public timeline, and do not come back when an unpublished meeting is published again.
    - Each published meeting whose own public texts name one of them (and no reviewer accepted it)
      is withdrawn to draft (``withdraw_meetings``, models/workflow.py), with the reason in its
      review log: its editors take the name out, or a reviewer accepts it, and it is reviewed and
      published again.

    Returns a :class:`Withheld`. ``by`` is recorded as having made the change. ``limit``: see
    :func:`published_meetings_naming`; ``naming``: its answer, when the caller has it already.
    ``within_authority``: refuse (:class:`NotYoursToWithhold`, nothing written) if any of it belongs
    to a meeting ``by`` may not unpublish (an import); the admin's protection is a site
    administrator's, and asks no role on the meetings."""
    from .models.workflow import withdraw_meetings

    people = [person for person in people if not person.is_public]
    withheld = Withheld()
    if not people:
        return withheld
    updates = approved_updates_naming(people)
    if naming is None:
        naming = published_meetings_naming(people, limit=limit)
    # A meeting is withdrawn for its own texts; the follow-up that names them is returned (above).
    naming = {
        meeting: own for meeting, findings in naming.items()
        if (own := [finding for finding in findings if not finding.place.startswith("update.")])
    }
    if within_authority:
        concerned = {meeting.pk for meeting in naming} | {update.recommendation.meeting_id for update in updates}
        if outside := _outside_authority(by, concerned):
            raise NotYoursToWithhold(people, outside)
    withheld.updates = _return_updates(updates, people, by=by)
    comments = {}
    for meeting, findings in naming.items():
        names = get_text_list(sorted({finding.person_name for finding in findings}), _("and"))
        comments[meeting.pk] = str(
            _(
                "Withdrawn from the public site: its public text names %(names)s, protected since it was "
                "published. Take the name out, or have a reviewer accept it on the publication check page, "
                "then submit it for review again."
            )
            % {"names": names}
        )
    withheld.meetings = withdraw_meetings(comments, by=by)
    return withheld


def _return_updates(updates, people, *, by):
    """Return ``updates`` (approved, naming ``people``) to their authors with the reason."""
    from django.utils import timezone

    from .history import record_in_bulk
    from .models import RecommendationUpdate
    from .tallies import counting

    if not updates:
        return []
    index = names_of(people)
    now = timezone.now()
    for update in updates:
        names = get_text_list(sorted(index.names[pk] for pk in _update_names(update, index)), _("and"))
        update.review_state, update.reviewed_by, update.reviewed_at = RecommendationUpdate.Review.RETURNED, by, now
        update.review_comment = str(
            _(
                "Withdrawn from the public timeline: it names %(names)s, protected since it was approved. "
                "Take the name out and submit it again."
            )
            % {"names": names}
        )
    # The statistics count approved follow-up: one change of their meetings' summary rows.
    with counting(sorted({update.recommendation.meeting_id for update in updates})):
        RecommendationUpdate.objects.bulk_update(updates, ["review_state", "reviewed_by", "reviewed_at", "review_comment"])
        record_in_bulk(RecommendationUpdate, updates, by=by)
        for recommendation in {update.recommendation_id: update.recommendation for update in updates}.values():
            recommendation.sync_status(emptied=True)
    return updates


# --- Edits of a published meeting ------------------------------------------------------


def protected_names_in_update(update):
    """The display names of the protected people that a follow-up ``update`` names, in its note
    (either language) or its evidence file's title: both become public when it is approved."""
    index = protected_names()
    return [index.names[person_id] for person_id in sorted(_update_names(update, index))]


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
