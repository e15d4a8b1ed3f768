"""Generated data at real size: meetings, recommendations, organisations and people.

``manage.py generate_data`` (and scripts/bench_search.py, scripts/bench_pages.py) call
:func:`generate`. The records have the shape of real ones:

* organisations' activity follows a Zipf law: most take part in one or two meetings, a
  few in thousands; some appear only in drafts (and so stay hidden);
* meetings are mostly published, with drafts, meetings in review and archived ones
  (``drafts_share``), spread from 2015 to a year ahead, in every governorate, some in a
  project, with tags and stakeholder groups;
* people take part in meetings, some of them protected (never shown);
* recommendations (a varying number per meeting) have a theme, addressees, a status with
  a consistent progress, and some have follow-up updates (nine in ten approved by a
  reviewer, so the public timelines and the delay charts have data);
* the text is Arabic, written with the words of a real meeting's minutes (shipped in
  meetings/data/) and of the demo data, drawn with a Zipf distribution.

Rows are written in bulk: ``COPY`` on PostgreSQL (the full-text indexes are dropped
during the load and rebuilt afterwards), ``executemany`` on SQLite. Everything derived
is then made right with the project's own code: the search columns are the ones the
models' search documents compute (from each word's index terms, computed once per word
with ``document_terms``), the vocabulary of suggestions is filled, and
``publicity.refresh_all()`` and ``tallies.rebuild()`` recompute who is public and the
summary counts.
"""

import datetime
import random
import re
import time
from pathlib import Path

from django.db import connection, transaction
from django.utils import timezone, translation

DATA_DIR = Path(__file__).resolve().parent / "data"
ARABIC_WORD = re.compile(r"[\u0621-\u064a\u0671-\u06d3]+")
LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"
FIRST_DAY = datetime.date(2015, 1, 1)

# Share of meetings in each status besides "published" (``drafts_share`` scales the drafts).
REVIEW_SHARE = 0.03
ARCHIVED_SHARE = 0.01
RECOMMENDATION_STATUSES = (
    # status, weight, progress range
    ("proposed", 30, (0, 0)),
    ("accepted", 20, (0, 20)),
    ("in_progress", 25, (10, 90)),
    ("partial", 10, (30, 90)),
    ("implemented", 10, (100, 100)),
    ("not_implemented", 5, (0, 0)),
)
PROTECTED_SHARE = 0.3


def source_texts():
    """The Arabic texts the vocabulary is made of (shipped with the project)."""
    from . import demo

    texts = [path.read_text(encoding="utf-8") for path in sorted(DATA_DIR.glob("*.txt"))]
    texts.append(Path(demo.__file__).read_text(encoding="utf-8"))
    return texts


def spelling_variants(word):
    """The ways minutes write ``word``: hamza or not, ة or ه, ى or ي, with clitics."""
    forms = {word}
    forms.add(re.sub("[أإآ]", "ا", word))
    for form in list(forms):
        if form.endswith("ة"):
            forms.add(form[:-1] + "ه")
        if form.endswith("ى"):
            forms.add(form[:-1] + "ي")
    for form in list(forms):
        core = form[2:] if form.startswith("ال") and len(form) > 4 else form
        if len(core) >= 3:
            forms.update({"و" + form, "ب" + core, "ل" + core})
    return forms


def base_words():
    """The words of the shipped texts, each with its spelling variants."""
    words = set()
    for text in source_texts():
        words.update(ARABIC_WORD.findall(text))
    return sorted({variant for word in words if len(word) >= 2 for variant in spelling_variants(word)})


def rare_words(count, rng):
    """The long tail: names of people and places, rare terms."""
    words = set()
    while len(words) < count:
        word = "".join(rng.choice(LETTERS) for _ in range(rng.randint(4, 7)))
        if rng.random() < 0.2:
            word = "ال" + word
        if rng.random() < 0.15:
            word += "ة"
        words.add(word)
    return sorted(words)


class Writer:
    """Arabic text of Zipf-distributed words, and the search terms of any text it wrote.

    A record's search column is ``document_terms`` of its texts: the terms of each of its
    words, each once. The terms of a word are computed once (``terms``), so a column costs
    a few dictionary look-ups per word instead of the normalisation of each word."""

    def __init__(self, rng, rare_count):
        self.rng = rng
        common = base_words()
        rng.shuffle(common)
        self.words = common + rare_words(rare_count, rng)
        weights = [1 / (rank + 2) ** 1.05 for rank in range(len(self.words))]
        self.cumulative, total = [], 0.0
        for weight in weights:
            total += weight
            self.cumulative.append(total)
        self.indices = range(len(self.words))
        self._terms = {}

    def phrase(self, length):
        picks = self.rng.choices(self.indices, cum_weights=self.cumulative, k=length)
        return " ".join(self.words[i] for i in picks)

    def text(self, sentences, length):
        return "، ".join(self.phrase(length) for _ in range(sentences)) + "."

    def terms_of_word(self, word):
        """The four kinds of terms ``document_terms`` lists for ``word``: its normalised words,
        index terms, exact forms and surface marks."""
        found = self._terms.get(word)
        if found is None:
            from search.terms import word_terms

            found = self._terms[word] = word_terms(word)
        return found

    def terms(self, *texts):
        """``document_terms(texts)``, in its order: each text's words, then their index terms,
        exact forms and surface marks (assembled from each word's)."""
        from search.terms import MAX_COLUMN_LENGTH, MAX_TERM_LENGTH

        seen = {}
        for text in texts:
            words = [self.terms_of_word(word) for word in (text or "").split()]
            for kind in range(4):
                for terms in words:
                    for term in terms[kind]:
                        seen[term] = None
        value = " ".join(term for term in seen if len(term) <= MAX_TERM_LENGTH)
        if len(value) > MAX_COLUMN_LENGTH:
            value = value[: value.rfind(" ", 0, MAX_COLUMN_LENGTH)]
        return value


def zipf_cumulative(count, exponent=1.1):
    cumulative, total = [], 0.0
    for rank in range(count):
        total += 1 / (rank + 1) ** exponent
        cumulative.append(total)
    return cumulative


class Progress:
    """A plain-text progress bar on ``stream`` (stderr), redrawn at most every 0.2 s."""

    def __init__(self, stream=None, width=30):
        self.stream, self.width = stream, width
        self.label, self.total, self.done, self.last = "", 0, 0, 0.0

    def start(self, label, total):
        self.label, self.total, self.done, self.last = label, max(total, 1), 0, 0.0
        self.draw(force=True)

    def advance(self, count=1):
        self.done += count
        self.draw(force=self.done >= self.total)

    def draw(self, force=False):
        if self.stream is None:
            return
        now = time.monotonic()
        if not force and now - self.last < 0.2:
            return
        self.last = now
        share = min(1.0, self.done / self.total)
        filled = int(share * self.width)
        bar = "#" * filled + "-" * (self.width - filled)
        self.stream.write(f"\r{self.label:<28} [{bar}] {share:6.1%} {self.done}/{self.total}")
        if self.done >= self.total:
            self.stream.write("\n")
        self.stream.flush()

    def note(self, message):
        if self.stream is not None:
            self.stream.write(message + "\n")
            self.stream.flush()


# --- Writing rows ---------------------------------------------------------------------------


class Table:
    """Rows of one model's table, written in bulk: missing columns take the field's default."""

    def __init__(self, model, columns, *, batch_size=5000, raw_columns=()):
        self.model = model
        fields = {f.attname: f for f in model._meta.concrete_fields}
        self.columns = list(columns)
        unknown = set(self.columns) - set(fields)
        if unknown:
            raise ValueError(f"{model.__name__}: no columns {sorted(unknown)}")
        # ``raw_columns``: columns of the table that no field describes (search/schema.py).
        self.columns += raw_columns
        # Every other column that has no default in the database gets the field's.
        self.defaults = {}
        for name, field in fields.items():
            if name in self.columns or field.primary_key:
                continue
            value = field.get_default()
            if value is None and not field.null:
                value = "" if field.empty_strings_allowed else 0
            self.defaults[name] = field.get_db_prep_save(value, connection)
        self.all_columns = self.columns + list(self.defaults)
        self.tail = tuple(self.defaults.values())
        self.batch_size = batch_size
        self.rows = []
        self.written = 0

    def add(self, *values):
        self.rows.append(values + self.tail)
        if len(self.rows) >= self.batch_size:
            self.flush()

    def flush(self):
        if not self.rows:
            return
        table = self.model._meta.db_table
        quoted = ", ".join(connection.ops.quote_name(column) for column in self.all_columns)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                raw = cursor.cursor
                with raw.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                    for row in self.rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(self.all_columns))
                cursor.executemany(f"INSERT INTO {table} ({quoted}) VALUES ({marks})", self.rows)
        self.written += len(self.rows)
        self.rows = []


def _moment(value):
    """A datetime as the backend stores it from raw SQL."""
    return connection.ops.adapt_datetimefield_value(value)


def _day(value):
    return connection.ops.adapt_datefield_value(value)


def _reserve_ids(model, count):
    """``count`` new primary keys for ``model``: from its sequence on PostgreSQL (so that
    several generators may run at once), after the highest one elsewhere."""
    if count <= 0:
        return []
    if connection.vendor == "postgresql":
        table = model._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) FROM generate_series(1, %s)", [count]
            )
            return sorted(row[0] for row in cursor.fetchall())
    from django.db.models import Max

    first = (model._base_manager.aggregate(top=Max("pk"))["top"] or 0) + 1
    return list(range(first, first + count))


# --- Generation -----------------------------------------------------------------------------


def generate(
    *,
    meetings,
    recommendations,
    organizations,
    people,
    seed=2022,
    drafts_share=0.1,
    projects=None,
    tags=None,
    today=None,
    progress=None,
    rare_words_count=None,
    finish=True,
):
    """Add generated records to the database; return what was written, per model.

    Safe to run on a database that already holds data (new rows get new ids and slugs
    carry a per-run prefix). ``progress`` is a :class:`Progress` (or None: silent).

    With ``finish=False`` (``generate_data --no-finish``) only the rows are written, and the
    full-text indexes are left alone: several generators may then fill one PostgreSQL
    database at once (each takes its ids from the sequences), and ``finish()``
    (``generate_data --finish``) is run once afterwards.
    """
    from .models import (
        Governorate,
        Meeting,
        MeetingOrganization,
        Organization,
        Participation,
        Person,
        Project,
        Recommendation,
        RecommendationUpdate,
        SearchTerm,
        StakeholderGroup,
        Tag,
        Theme,
    )
    from .models.searchable import suggestion_words

    progress = progress or Progress(None)
    rng = random.Random(seed)
    today = today or timezone.localdate()
    started = time.monotonic()
    writer = Writer(rng, rare_words_count if rare_words_count is not None else min(40_000, 200 + meetings // 2))
    moment_now = timezone.now()
    now = _moment(moment_now)
    # When each meeting was written down and published: around its date, never after now. A
    # stream of its own, so that the rest of the data is what the seed always gave.
    clock = random.Random(f"{seed}-clock")
    run = f"g{seed}-{rng.randrange(16**6):06x}"
    projects = projects if projects is not None else max(3, organizations // 50)
    tags = tags if tags is not None else max(5, min(200, meetings // 500))

    governorates = list(Governorate.objects.order_by("pk"))
    if not governorates:
        raise ValueError("No governorates: run migrate first (they are reference data).")
    groups = list(StakeholderGroup.objects.values_list("pk", flat=True))
    themes = list(Theme.objects.order_by("pk"))
    if not themes:
        from .demo import THEMES

        Theme.objects.bulk_create(
            [Theme(slug=slug, name=ar, name_ar=ar, name_en=en) for slug, ar, en in THEMES], ignore_conflicts=True
        )
        themes = list(Theme.objects.order_by("pk"))
    counts = {}

    big_tables = finish and connection.vendor == "postgresql" and meetings >= 5000
    if big_tables:
        from search.schema import SEARCH_TABLES, vector_index

        with connection.cursor() as cursor:
            for table in SEARCH_TABLES:
                for language in ("ar", "en"):
                    cursor.execute(f"DROP INDEX IF EXISTS {vector_index(table, language)}")

    ids = {
        model: _reserve_ids(model, count)
        for model, count in ((Organization, organizations), (Person, people), (Meeting, meetings),
                             (Recommendation, recommendations))
    }
    suggestions = set()

    with transaction.atomic():
        # Tags and projects: few; through the ORM (their save() fills slugs).
        tag_rows = []
        for number in range(tags):
            name = writer.phrase(rng.randint(1, 2)).replace(" ", "_")
            tag_rows.append(Tag(name=name, name_ar=name, slug=f"{run}-tag-{number}"))
        tag_objects = Tag.objects.bulk_create(tag_rows)
        tag_ids = [tag.pk for tag in Tag.objects.filter(slug__startswith=f"{run}-tag-").order_by("pk")]
        tag_names = dict(Tag.objects.filter(pk__in=tag_ids).values_list("pk", "name_ar"))
        counts["tags"] = len(tag_objects)

        # Organisations: the first ranks are the most active (Zipf).
        progress.start("organisations", organizations)
        table = Table(
            Organization,
            ["id", "created_at", "updated_at", "name", "name_ar", "slug", "kind", "governorate_id", "description",
             "description_ar", "search_title_ar", "search_body_ar", "search_title_en", "search_body_en"],
        )
        kinds = [choice for choice, _label in Organization.Kind.choices]
        organization_ids = []
        organization_names = {}
        for number in range(organizations):
            pk = ids[Organization][number]
            name = writer.phrase(rng.randint(2, 5))
            description = writer.text(rng.randint(1, 3), 10) if rng.random() < 0.7 else ""
            governorate = rng.choice(governorates).pk if rng.random() < 0.7 else None
            title_terms, body_terms = writer.terms(name), writer.terms(description)
            suggestions.update(suggestion_words(title_terms), suggestion_words(body_terms))
            table.add(pk, now, now, name, name, f"{run}-org-{number}", rng.choice(kinds), governorate, description,
                      description, title_terms, body_terms, title_terms, body_terms)
            organization_ids.append(pk)
            organization_names[pk] = name
            progress.advance()
        table.flush()
        counts["organizations"] = table.written
        organization_weights = zipf_cumulative(len(organization_ids))

        def some_organizations(count):
            if not organization_ids:
                return []
            return list(dict.fromkeys(rng.choices(organization_ids, cum_weights=organization_weights, k=count)))

        # Projects, their implementers and donors.
        project_ids = []
        for number in range(projects):
            name = writer.phrase(rng.randint(3, 6))
            project = Project(name=name, name_ar=name, slug=f"{run}-project-{number}",
                              description=writer.text(2, 10), start_date=FIRST_DAY + datetime.timedelta(days=rng.randint(0, 3000)))
            project_ids.append(project)
        Project.objects.bulk_create(project_ids)
        project_ids = list(Project.objects.filter(slug__startswith=f"{run}-project-").values_list("pk", flat=True))
        implementers = Table(Project.implementers.through, ["project_id", "organization_id"])
        donors = Table(Project.donors.through, ["project_id", "organization_id"])
        for project in project_ids:
            for organization in some_organizations(rng.randint(1, 3)):
                implementers.add(project, organization)
            for organization in some_organizations(rng.randint(0, 2)):
                donors.add(project, organization)
        implementers.flush()
        donors.flush()
        counts["projects"] = len(project_ids)

        # People: about a third protected.
        progress.start("people", people)
        table = Table(
            Person,
            ["id", "created_at", "updated_at", "name", "name_ar", "gender", "visibility",
             "search_title_ar", "search_title_en"],
        )
        person_ids, person_names, person_public = [], {}, {}
        for number in range(people):
            pk = ids[Person][number]
            name = writer.phrase(rng.randint(2, 4))
            public = rng.random() >= PROTECTED_SHARE
            # A protected person's own columns stay empty (models.searchable).
            terms = writer.terms(name) if public else ""
            if public:
                suggestions.update(suggestion_words(terms))
            table.add(pk, now, now, name, name, rng.choice(["female", "male", ""]),
                      "public" if public else "protected", terms, terms)
            person_ids.append(pk)
            person_names[pk], person_public[pk] = name, public
            progress.advance()
        table.flush()
        counts["people"] = table.written
        person_weights = zipf_cumulative(len(person_ids), exponent=0.8)

        # Meetings, with their organisations, participants, tags and recommendations.
        statuses = []
        for _ in range(meetings):
            draw = rng.random()
            if draw < drafts_share:
                statuses.append("draft")
            elif draw < drafts_share + REVIEW_SHARE:
                statuses.append("review")
            elif draw < drafts_share + REVIEW_SHARE + ARCHIVED_SHARE:
                statuses.append("archived")
            else:
                statuses.append("published")
        # Recommendations per meeting: varying, summing to ``recommendations``.
        per_meeting = [rng.random() ** 2 for _ in range(meetings)]
        scale = recommendations / max(sum(per_meeting), 1e-9)
        per_meeting = [int(share * scale) for share in per_meeting]
        missing = recommendations - sum(per_meeting)
        for index in rng.choices(range(meetings), k=max(0, missing)) if meetings else ():
            per_meeting[index] += 1

        from search.schema import ADDRESSEE_IDS, MEETING_ORGANIZATION_IDS

        # PostgreSQL: each meeting's and recommendation's row carries the organisation keys that the
        # search index holds beside its words, which the triggers on the tables they come from
        # then find in step and leave alone (search/schema.py).
        copied_keys = connection.vendor == "postgresql"
        meeting_table = Table(
            Meeting,
            ["id", "created_at", "updated_at", "title", "title_ar", "slug", "kind", "date", "governorate_id",
             "city", "city_ar", "summary", "summary_ar", "minutes", "minutes_ar", "status", "published_at",
             "version", "project_id", "attendance_total", "search_title_ar", "search_body_ar",
             "search_title_en", "search_body_en"],
            batch_size=2000,
            raw_columns=(MEETING_ORGANIZATION_IDS,) if copied_keys else (),
        )
        involvement_table = Table(MeetingOrganization, ["meeting_id", "organization_id", "role", "order"])
        participation_table = Table(
            Participation, ["meeting_id", "person_id", "organization_id", "role", "statement", "statement_ar", "order"]
        )
        tag_table = Table(Meeting.tags.through, ["meeting_id", "tag_id"])
        group_table = Table(Meeting.stakeholder_groups.through, ["meeting_id", "stakeholdergroup_id"])
        recommendation_table = Table(
            Recommendation,
            ["id", "meeting_id", "order", "text", "text_ar", "kind", "theme_id", "priority", "status", "progress",
             "due_date", "created_at", "updated_at", "search_title_ar", "search_body_ar", "search_title_en",
             "search_body_en"],
            batch_size=10_000,
            raw_columns=(ADDRESSEE_IDS,) if copied_keys else (),
        )
        addressee_table = Table(Recommendation.addressees.through, ["recommendation_id", "organization_id"])
        updates_written = 0
        update_table = Table(
            RecommendationUpdate,
            ["recommendation_id", "date", "status", "progress", "note", "note_ar", "created_at", "review_state", "reviewed_at"],
        )
        meeting_kinds = [choice for choice, _label in Meeting.Kind.choices]
        rec_kinds = [choice for choice, _label in Recommendation.Kind.choices]
        # A recommendation's document holds its kind's label (models/recommendations.py).
        kind_labels = {}
        for language in ("ar", "en"):
            with translation.override(language):
                kind_labels[language] = {kind: str(label) for kind, label in Recommendation.Kind.choices}
        priorities = [choice for choice, _label in Recommendation.Priority.choices]
        status_choices = [status for status, _w, _p in RECOMMENDATION_STATUSES]
        status_weights = [weight for _s, weight, _p in RECOMMENDATION_STATUSES]
        progress_of = {status: span for status, _w, span in RECOMMENDATION_STATUSES}
        governorate_weights = zipf_cumulative(len(governorates), exponent=0.7)
        span_days = (today + datetime.timedelta(days=365) - FIRST_DAY).days
        recommendation_ids = iter(ids[Recommendation])
        progress.start("meetings and recommendations", meetings)
        for number in range(meetings):
            pk = ids[Meeting][number]
            status = statuses[number]
            day = FIRST_DAY + datetime.timedelta(days=int(span_days * (rng.random() ** 0.6)))
            if status == "published" and day > today + datetime.timedelta(days=60):
                day = today - datetime.timedelta(days=rng.randint(0, 400))
            governorate = rng.choices(governorates, cum_weights=governorate_weights)[0]
            title = writer.phrase(rng.randint(5, 10))
            summary = writer.text(2, 10)
            minutes = writer.text(rng.randint(2, 6), 12)
            city = writer.phrase(1) if rng.random() < 0.5 else ""
            # Organisations: an organiser and some participants (the active ones more often).
            organizations_here = some_organizations(rng.randint(1, 4))
            # What its recommendations are also found by: the meeting's title, city,
            # governorate and organiser (models/recommendations.py, _recommendation_search_related).
            context_ar = [title, city, governorate.name_ar or governorate.name]
            context_en = [title, city, governorate.name_en or governorate.name_ar or governorate.name]
            if organizations_here:
                context_ar.append(organization_names[organizations_here[0]])
                context_en.append(organization_names[organizations_here[0]])
            for order, organization in enumerate(organizations_here):
                involvement_table.add(pk, organization, "organiser" if order == 0 else "participant", order)
            bodies_ar = [summary, city, minutes]
            bodies_en = list(bodies_ar)
            bodies_ar.append(governorate.name_ar or governorate.name)
            bodies_en.append(governorate.name_en or governorate.name_ar or governorate.name)
            meeting_tags = rng.sample(tag_ids, k=min(len(tag_ids), rng.choice((0, 1, 1, 2, 3))))
            for tag in meeting_tags:
                tag_table.add(pk, tag)
                bodies_ar.append(tag_names[tag])
                bodies_en.append(tag_names[tag])
            for group in rng.sample(groups, k=min(len(groups), rng.randint(0, 2))):
                group_table.add(pk, group)
            taking_part = set(organizations_here)
            speakers = list(dict.fromkeys(rng.choices(person_ids, cum_weights=person_weights, k=rng.randint(0, 6)))) if person_ids else []
            for order, person in enumerate(speakers):
                statement = writer.text(1, 12) if rng.random() < 0.5 else ""
                organization = some_organizations(1)[0] if organization_ids and rng.random() < 0.4 else None
                participation_table.add(pk, person, organization, "speaker", statement, statement, order)
                if organization is not None:
                    taking_part.add(organization)
                bodies_ar.append(statement)
                bodies_en.append(statement)
                if person_public[person]:
                    bodies_ar.append(person_names[person])
                    bodies_en.append(person_names[person])
            title_terms = writer.terms(title)
            body_ar, body_en = writer.terms(*bodies_ar), writer.terms(*bodies_en)
            written = min(
                moment_now,
                datetime.datetime.combine(day, datetime.time(9), tzinfo=datetime.timezone.utc)
                + datetime.timedelta(days=clock.randint(-20, 10), minutes=clock.randint(0, 600)),
            )
            published = None
            if status in ("published", "archived"):
                published = min(moment_now, written + datetime.timedelta(days=clock.randint(1, 30), minutes=clock.randint(0, 600)))
            meeting_table.add(
                pk, _moment(written), _moment(published or written), title, title, f"{run}-{pk}",
                rng.choice(meeting_kinds), _day(day), governorate.pk,
                city, city, summary, summary, minutes, minutes, status,
                _moment(published) if published else None, 1,
                rng.choice(project_ids) if project_ids and rng.random() < 0.3 else None,
                rng.randint(10, 120) if rng.random() < 0.6 else None,
                title_terms, body_ar, title_terms, body_en,
                *([sorted(taking_part)] if copied_keys else []),
            )
            for order in range(1, per_meeting[number] + 1):
                recommendation_pk = next(recommendation_ids)
                text = writer.text(1, rng.randint(8, 20))
                theme = rng.choice(themes) if rng.random() < 0.8 else None
                rec_status = rng.choices(status_choices, weights=status_weights)[0]
                low, high = progress_of[rec_status]
                value = rng.randint(low, high)
                text_terms = writer.terms(text)
                due = _day(day + datetime.timedelta(days=rng.randint(30, 720))) if rng.random() < 0.3 else None
                # Drawn where the kind always was, so that a seed gives the same data as before.
                kind = rng.choice(rec_kinds)
                theme_ar = writer.terms(theme.name_ar or theme.name if theme else "", kind_labels["ar"][kind], *context_ar)
                theme_en = writer.terms(
                    theme.name_en or theme.name_ar or theme.name if theme else "", kind_labels["en"][kind], *context_en
                )
                priority = rng.choice(priorities)
                addressees = some_organizations(rng.choice((0, 1, 1, 2)))
                recommendation_table.add(
                    recommendation_pk, pk, order, text, text, kind, theme.pk if theme else None,
                    priority, rec_status, value, due, _moment(written), _moment(written),
                    text_terms, theme_ar, text_terms, theme_en,
                    *([sorted(addressees)] if copied_keys else []),
                )
                for organization in addressees:
                    addressee_table.add(recommendation_pk, organization)
                if rec_status != "proposed" and rng.random() < 0.25:
                    note = writer.text(1, 10)
                    # 10 to 400 days after the meeting; one that would come after today has not
                    # been written yet. (Put on today instead, the updates of a year of meetings,
                    # and of meetings to come, all fell on one day: 23,195 of 175,139.)
                    after = rng.randint(10, 400)
                    update_day = day + datetime.timedelta(days=after)
                    if update_day <= today:
                        # Entered on its date and reviewed within two days, never after now, so that a
                        # digest of one period finds that period's updates (notifications/subscriptions.py);
                        # from the ids too. (Every update entered and reviewed at the generator's
                        # "now" put all of them in every digest: 157,577 of 175,139.)
                        entered = min(
                            moment_now,
                            datetime.datetime.combine(update_day, datetime.time(8), tzinfo=datetime.timezone.utc)
                            + datetime.timedelta(minutes=recommendation_pk % 600),
                        )
                        reviewed = min(moment_now, entered + datetime.timedelta(minutes=recommendation_pk % 2880))
                        # Nine in ten approved by a reviewer (what the public sees), the rest
                        # awaiting review; in the order written, so that a seed draws the same data
                        # as before and a few updates hold some of each.
                        updates_written += 1
                        approved = updates_written % 10 != 0
                        update_table.add(recommendation_pk, _day(update_day), rec_status, value, note, note,
                                         _moment(entered), "approved" if approved else "pending",
                                         _moment(reviewed) if approved else None)
            if number % 500 == 0:
                suggestions.update(suggestion_words(title_terms), suggestion_words(body_ar))
            progress.advance()
        for table in (meeting_table, involvement_table, participation_table, tag_table, group_table,
                      recommendation_table, addressee_table, update_table):
            table.flush()
        counts.update(
            meetings=meeting_table.written, recommendations=recommendation_table.written,
            participations=participation_table.written, involvements=involvement_table.written,
            addressees=addressee_table.written, updates=update_table.written,
        )

        progress.note("vocabulary of suggestions…")
        for word in writer.words:
            suggestions.update(suggestion_words(writer.terms(word)))
        SearchTerm.objects.add(suggestions)

    if finish:
        finish_generation(progress=progress, rebuild_indexes=big_tables)
    counts["seconds"] = round(time.monotonic() - started, 1)
    return counts


def write_meeting_versions():
    """The versions a meeting's history would hold, for the meetings that have none: its first
    version when it was written, and, past a draft, the version its review left. So that the
    workspace's activity and history read tables of the size they would be. One statement,
    copying the meetings' own rows; the many-to-many state of each version is left empty. (NOT IN,
    read once, rather than NOT EXISTS: PostgreSQL, knowing the table empty, looked through it
    again for every row it was filling: not done after 15 minutes at 100,000; 7 s now.)"""
    from .models import Meeting

    history = Meeting.history.model
    own = {field.column for field in Meeting._meta.concrete_fields}
    names = [connection.ops.quote_name(field.column) for field in history._meta.concrete_fields if field.column in own]
    columns, copied = ", ".join(names), ", ".join(f"m.{name}" for name in names)
    table, meetings = connection.ops.quote_name(history._meta.db_table), connection.ops.quote_name(Meeting._meta.db_table)
    draft = Meeting.Status.DRAFT.value
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({columns}, history_date, history_type) "
            f"SELECT {copied}, CASE WHEN v.version_type = '+' THEN m.created_at "
            f"ELSE COALESCE(m.published_at, m.updated_at) END, v.version_type "
            f"FROM {meetings} m CROSS JOIN (SELECT '+' AS version_type UNION ALL SELECT '~') v "
            f"WHERE (v.version_type = '+' OR m.status <> %s) AND m.id NOT IN (SELECT h.id FROM {table} h)",
            [draft],
        )


def finish_generation(*, progress=None, rebuild_indexes=True):
    """What follows a load: the full-text indexes (PostgreSQL, after the rows are committed:
    it builds no index in a transaction with pending foreign-key checks), the meetings' versions,
    who appears in published records, the summary counts, fresh planner statistics."""
    from . import publicity, tallies

    progress = progress or Progress(None)
    if rebuild_indexes and connection.vendor == "postgresql":
        progress.note("full-text indexes…")
        from search.schema import postgresql_create

        with connection.cursor() as cursor:
            cursor.execute("SET maintenance_work_mem = '256MB'")
            for statement in postgresql_create():
                cursor.execute(statement)
            cursor.execute("RESET maintenance_work_mem")
    has_tallies = "meetings_tally" in connection.introspection.table_names()
    with transaction.atomic():
        progress.note("meetings' versions…")
        write_meeting_versions()
        progress.note("who appears in published records…")
        publicity.refresh_all()
        if has_tallies:
            progress.note("summary counts…")
            tallies.rebuild()
    if connection.vendor == "postgresql":
        if has_tallies:
            tallies.vacuum()  # rewritten in the transaction above: see there
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
