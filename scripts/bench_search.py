#!/usr/bin/env python
"""Search benchmark on PostgreSQL: 1,000,000 recommendations and 100,000 meetings.

    .venv/bin/python scripts/bench_search.py                # generate, measure, drop the database
    .venv/bin/python scripts/bench_search.py --keep         # keep sanad_bench for a second look
    .venv/bin/python scripts/bench_search.py --reuse        # measure an existing sanad_bench again

Not a test: it prints latencies for docs/search.md. What it does:

1. Creates a dedicated database (``sanad_bench`` by default, dropped first if it exists)
   on the server of ``BENCH_DATABASE_URL`` (default postgres://postgres@127.0.0.1:5432/),
   with a UTF-8 locale, and migrates it.
2. Builds a vocabulary of Arabic words as they are written in minutes: the words of the
   Marib sample and the demo data, each also with and without hamza, with ة or ه, ى or ي,
   and with the clitics و ب ل ال وال بال لل; then a long tail of rare words (names,
   places). Words are drawn with a Zipf distribution, so a few are in most records and
   most are in few. The index terms of each word are computed once, with the
   application's own code (``models.searchable.document_terms``), and a record's search
   columns are assembled from its words' terms, as the application would compute them.
3. Writes the records with COPY from two processes (the tsvector columns are generated
   by PostgreSQL as rows arrive); the GIN indexes are dropped during the load and built
   afterwards, two at a time.
4. Measures, warm, for *selective* queries (each finding fewer than 10,000
   recommendations), *medium* ones (10,000–100,000) and *broad* ones (more than 100,000):
   the database time of every statement the search runs (planning and execution time
   from ``EXPLAIN ANALYZE``, summed), the search function end to end, and the whole page
   through Django's test client, for the "all results" page and the recommendations tab.
   Prints p50 and p95.
"""

import argparse
import os
import random
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SERVER_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/").rstrip("/")

SOURCES = [
    Path("/work/shared/samples/marib-consultative-meeting-2022-11-26.ar.txt"),
    ROOT / "meetings" / "demo.py",
    ROOT / "tests" / "search_cases.py",
]
ARABIC_WORD = re.compile(r"[\u0621-\u064a\u0671-\u06d3]+")
LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"


def log(message):
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- The database -------------------------------------------------------------------------------


def create_database(name):
    import psycopg

    with psycopg.connect(f"{SERVER_URL}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(
            f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
        )


def drop_database(name):
    import psycopg

    with psycopg.connect(f"{SERVER_URL}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def setup_django(name):
    os.environ["DATABASE_URL"] = f"{SERVER_URL}/{name}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanad.settings")
    # DEBUG off: with it on, Django keeps every query in memory and the measurement of
    # the queries each search runs (CaptureQueriesContext) breaks after 9,000 of them.
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("SECRET_KEY", "benchmark-only")
    import django

    django.setup()


# --- Vocabulary ---------------------------------------------------------------------------------


def base_words():
    words = set()
    for source in SOURCES:
        if source.exists():
            words.update(ARABIC_WORD.findall(source.read_text(encoding="utf-8")))
    return sorted(word for word in words if len(word) >= 2)


def spelling_variants(word):
    """The ways minutes write ``word``: hamza or not, ة or ه, ى or ي, with clitics."""
    forms = {word}
    bare = re.sub("[أإآ]", "ا", word)
    forms.add(bare)
    for form in list(forms):
        if form.endswith("ة"):
            forms.add(form[:-1] + "ه")
        if form.endswith("ى"):
            forms.add(form[:-1] + "ي")
    stem = word[2:] if word.startswith("ال") and len(word) > 4 else word
    for form in list(forms):
        core = form[2:] if form.startswith("ال") and len(form) > 4 else form
        if len(core) >= 3:
            forms.update({"و" + form, "ب" + core, "ل" + core})
            if not form.startswith("ال") and stem == word:
                forms.update({"ال" + core, "وال" + core, "بال" + core, "لل" + core})
    return forms


def rare_words(count, rng):
    """Words of the long tail: names of people and places, rare terms."""
    words = set()
    while len(words) < count:
        length = rng.randint(4, 7)
        word = "".join(rng.choice(LETTERS) for _ in range(length))
        if rng.random() < 0.2:
            word = "ال" + word
        if rng.random() < 0.15:
            word += "ة"
        words.add(word)
    return sorted(words)


def build_vocabulary(rng, rare_count):
    from meetings.models.searchable import document_terms

    common = sorted({variant for word in base_words() for variant in spelling_variants(word)})
    rng.shuffle(common)
    words = common + rare_words(rare_count, rng)
    terms = [document_terms([word]) for word in words]
    # Zipf: the word of rank r is drawn with weight 1 / (r + 2) ** 1.05.
    weights = [1 / (rank + 2) ** 1.05 for rank in range(len(words))]
    cumulative, total = [], 0.0
    for weight in weights:
        total += weight
        cumulative.append(total)
    return words, terms, cumulative


class Writer:
    """Sentences made of Zipf-distributed words, with their search terms."""

    def __init__(self, rng, words, terms, cumulative):
        self.rng, self.words, self.terms, self.cumulative = rng, words, terms, cumulative
        self.indices = range(len(words))

    def sentence(self, length):
        picks = self.rng.choices(self.indices, cum_weights=self.cumulative, k=length)
        return " ".join(self.words[i] for i in picks), [self.terms[i] for i in picks]

    def text(self, sentences, length):
        texts, terms = [], []
        for _ in range(sentences):
            text, sentence_terms = self.sentence(length)
            texts.append(text)
            terms.extend(sentence_terms)
        return "، ".join(texts) + ".", " ".join(dict.fromkeys(" ".join(terms).split()))


# --- Generation ---------------------------------------------------------------------------------

MEETING_COLUMNS = (
    "id, created_at, updated_at, title, title_ar, slug, kind, date, city, venue, summary, summary_ar, "
    "minutes, minutes_ar, status, published_at, source_url, version, governorate_id, "
    "search_title_ar, search_body_ar, search_title_en, search_body_en"
)
RECOMMENDATION_COLUMNS = (
    "id, meeting_id, \"order\", text, text_ar, kind, priority, status, progress, created_at, updated_at, "
    "search_title_ar, search_body_ar, search_title_en, search_body_en"
)


NOW = "2024-01-01 00:00:00+00"
STATUSES = ["proposed", "accepted", "in_progress", "partial", "not_implemented"]
# What the worker processes share (set before they are forked).
_SHARED = {}


def _write_meetings(part):
    """COPY the meetings (and their recommendations) whose number ``% WORKERS == part``."""
    import psycopg

    shared = _SHARED
    rng = random.Random(shared["seed"] * 100 + part)
    writer = Writer(rng, shared["words"], shared["terms"], shared["cumulative"])
    meetings, per_meeting, workers = shared["meetings"], shared["per_meeting"], shared["workers"]
    mine = range(1 + part, meetings + 1, workers)
    with psycopg.connect(shared["url"], autocommit=True) as connection, connection.cursor() as cursor:
        with cursor.copy(f"COPY meetings_meeting ({MEETING_COLUMNS}) FROM STDIN") as copy:
            for pk in mine:
                title, title_terms = writer.text(1, rng.randint(5, 9))
                summary, summary_terms = writer.text(2, 10)
                minutes, minutes_terms = writer.text(12, 12)
                body = " ".join(dict.fromkeys(f"{summary_terms} {minutes_terms}".split()))
                day = f"{2015 + pk % 10}-{1 + pk % 12:02d}-{1 + pk % 28:02d}"
                status = "published" if rng.random() < 0.9 else "draft"
                copy.write_row(
                    (pk, NOW, NOW, title, title, f"bench-{pk}", "consultative", day, "", "", summary, summary,
                     minutes, minutes, status, NOW, "", 1, rng.choice(shared["governorates"]),
                     title_terms, body, title_terms, body)
                )
        if part == 0:
            log(f"  meetings of worker 0 written")
        with cursor.copy(f"COPY meetings_recommendation ({RECOMMENDATION_COLUMNS}) FROM STDIN") as copy:
            for meeting in mine:
                for order in range(1, per_meeting + 1):
                    text, text_terms = writer.text(2, rng.randint(8, 12))
                    copy.write_row(
                        ((meeting - 1) * per_meeting + order, meeting, order, text, text, "recommendation", "medium",
                         rng.choice(STATUSES), 0, NOW, NOW, text_terms, "", text_terms, "")
                    )
    return len(mine)


def _run_statements(statements):
    import psycopg

    with psycopg.connect(_SHARED["url"], autocommit=True) as connection:
        connection.execute("SET maintenance_work_mem = '512MB'")
        for statement in statements:
            started = time.monotonic()
            connection.execute(statement)
            if statement.startswith("CREATE INDEX"):
                log(f"  {statement.split(' ON ')[0].split()[-1]}: {time.monotonic() - started:.0f} s")


def generate(*, meetings, recommendations, organizations, people, seed, workers=2):
    from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

    from django.db import connection

    from meetings.models import Governorate, SearchTerm
    from meetings.models.searchable import suggestion_words
    from meetings.search_schema import SEARCH_TABLES, postgresql_create, vector_index

    rng = random.Random(seed)
    started = time.monotonic()
    words, terms, cumulative = build_vocabulary(rng, rare_count=40_000)
    writer = Writer(rng, words, terms, cumulative)
    log(f"vocabulary: {len(words)} written forms")
    with connection.cursor() as cursor:
        for table in SEARCH_TABLES:
            for language in ("ar", "en"):
                cursor.execute(f"DROP INDEX IF EXISTS {vector_index(table, language)}")
    _SHARED.update(
        words=words, terms=terms, cumulative=cumulative, seed=seed, meetings=meetings, workers=workers,
        per_meeting=max(1, recommendations // meetings), url=os.environ["DATABASE_URL"],
        governorates=list(Governorate.objects.values_list("pk", flat=True)),
    )
    connection.close()  # the workers are forked: they must not share this connection
    with ProcessPoolExecutor(workers) as pool:
        written = sum(pool.map(_write_meetings, range(workers)))
    log(f"{written} meetings and {written * _SHARED['per_meeting']} recommendations written")

    connection.ensure_connection()
    raw = connection.connection  # psycopg
    with raw.cursor() as cursor:
        with cursor.copy(
            "COPY meetings_organization (id, created_at, updated_at, name, name_ar, acronym, slug, kind, website, "
            "description, search_title_ar, search_body_ar, search_title_en, search_body_en, is_published) FROM STDIN"
        ) as copy:
            for org in range(1, organizations + 1):
                name, name_terms = writer.text(1, 4)
                description, description_terms = writer.text(2, 10)
                copy.write_row((org, NOW, NOW, name, name, "", f"bench-org-{org}", "ngo", "", description, name_terms,
                                description_terms, name_terms, description_terms, False))
        with cursor.copy(
            "COPY meetings_meetingorganization (meeting_id, organization_id, role, \"order\") FROM STDIN"
        ) as copy:
            for org in range(1, organizations + 1):
                for meeting in rng.sample(range(1, meetings + 1), 3):
                    copy.write_row((meeting, org, "organiser", 0))
        with cursor.copy(
            "COPY meetings_person (id, created_at, updated_at, name, name_ar, gender, visibility, notes, "
            "search_title_ar, search_body_ar, search_title_en, search_body_en, is_published) FROM STDIN"
        ) as copy:
            for person in range(1, people + 1):
                name, name_terms = writer.text(1, 3)
                public = person % 2 == 0  # protected people have no search terms at all
                copy.write_row((person, NOW, NOW, name, name, "", "public" if public else "protected", "",
                                name_terms if public else "", "", name_terms if public else "", "", False))
        with cursor.copy(
            "COPY meetings_participation (meeting_id, person_id, role, statement, \"order\") FROM STDIN"
        ) as copy:
            for person in range(1, people + 1):
                for meeting in rng.sample(range(1, meetings + 1), 2):
                    copy.write_row((meeting, person, "speaker", "", 0))
    log("organisations, people and their participations written")
    with connection.cursor() as cursor:
        for table in ("meetings_meeting", "meetings_recommendation", "meetings_organization", "meetings_person",
                      "meetings_meetingorganization", "meetings_participation"):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
            )
    vocabulary = set()
    for term_string in terms:
        vocabulary |= suggestion_words(term_string)
    SearchTerm.objects.add(vocabulary)
    log(f"vocabulary of suggestions: {len(vocabulary)} words; building the indexes")
    statements = postgresql_create()
    big = [st for st in statements if st.startswith("CREATE INDEX") and ("meeting_search" in st or "recommendation_search" in st)]
    rest = [st for st in statements if st not in big]
    # One index build per core (PostgreSQL 15 builds a GIN index on one core).
    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(_run_statements, [big[i::workers] for i in range(workers)]))
    _run_statements(rest)
    # COPY bypassed the application: which organisations and people appear in published records.
    from meetings.publicity import refresh_all

    refresh_all()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    log(f"generated in {time.monotonic() - started:.0f} s")


# --- Measurement --------------------------------------------------------------------------------


def percentile(values, fraction):
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def choose_queries(count_selective, count_medium, count_broad, seed):
    """Words that find 20–10,000 recommendations (selective), 10,000–100,000 (medium: broad
    by the target's measure, but still counted or ranked from the GIN index) and more than
    100,000 (broad)."""
    from django.db import connection

    from meetings.models import Recommendation
    from meetings.search import SearchQuery, matching

    rng = random.Random(seed)
    with connection.cursor() as cursor:
        cursor.execute("SELECT term FROM meetings_searchterm ORDER BY id")
        terms = [row[0] for row in cursor.fetchall()]
    rng.shuffle(terms)
    selective, medium, broad = [], [], []
    for term in terms[:8000]:
        if len(selective) >= count_selective and len(medium) >= count_medium and len(broad) >= count_broad:
            break
        found = matching(Recommendation.objects.all(), SearchQuery.parse(term)).order_by().values("pk")[:100_001]
        count = found.count()
        if 20 <= count < 10_000 and len(selective) < count_selective:
            selective.append((term, count))
        elif 10_000 <= count <= 100_000 and len(medium) < count_medium:
            medium.append((term, count))
        elif count > 100_000 and len(broad) < count_broad:
            broad.append((term, count))
    return selective, medium, broad


def database_time(function):
    """Run ``function`` and return the summed EXPLAIN ANALYZE execution time (ms) of its statements."""
    import json

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        function()
    total = 0.0
    with connection.cursor() as cursor:
        for query in captured.captured_queries:
            sql = query["sql"].lstrip()
            if sql.startswith("EXPLAIN (FORMAT JSON) "):  # the planner's estimate: planning only
                cursor.execute("EXPLAIN (SUMMARY, FORMAT JSON) " + sql[len("EXPLAIN (FORMAT JSON) "):])
                plan = cursor.fetchone()[0]
                plan = json.loads(plan) if isinstance(plan, str) else plan
                total += plan[0]["Planning Time"]
                continue
            if not sql.upper().startswith("SELECT"):
                continue
            cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)
            plan = cursor.fetchone()[0]
            plan = json.loads(plan) if isinstance(plan, str) else plan
            total += plan[0]["Planning Time"] + plan[0]["Execution Time"]
    return total, len(captured.captured_queries)


def wall_time(function, repeat=3):
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    return min(times)


def measure(seed):
    from django.conf import settings
    from django.test import Client

    from meetings.models import Meeting, Recommendation
    from meetings.search import search

    settings.ALLOWED_HOSTS = ["*"]
    # Pages are rendered without a collectstatic manifest.
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    print()
    print(f"Data: {Meeting.objects.count()} meetings, {Recommendation.objects.count()} recommendations")
    selective, medium, broad = choose_queries(40, 15, 15, seed)
    rng = random.Random(seed + 1)
    # Two-word selective queries: a selective word with a common one.
    common = [term for term, _count in broad]
    pairs = [f"{term} {rng.choice(common)}" for term, _count in selective[:15]] if common else []
    print(f"Selective queries: {len(selective)} words (20–10,000 recommendations each) + {len(pairs)} two-word")
    print(f"Medium queries: {len(medium)} words (10,000–100,000 recommendations each)")
    print(f"Broad queries: {len(broad)} words (more than 100,000 recommendations each)")

    def run(query, **options):
        return lambda: search(query, **options)

    client = Client()

    def page(query, kind=None):
        params = {"q": query, **({"kind": kind} if kind else {})}
        return lambda: client.get("/search/", params)

    # Warm the caches once.
    for query in [term for term, _ in selective + medium + broad] + pairs:
        search(query)
        client.get("/search/", {"q": query})

    results = {}
    classes = (
        ("selective", [term for term, _ in selective] + pairs, [term for term, _ in selective]),
        ("medium", [term for term, _ in medium], [term for term, _ in medium]),
        ("broad", [term for term, _ in broad], [term for term, _ in broad]),
    )
    for name, all_kinds_queries, tab_queries in classes:
        for label, queries, kind in (
            (f"{name}, all kinds", all_kinds_queries, None),
            (f"{name}, recommendations tab", tab_queries, "recommendations"),
        ):
            results[label] = (
                [database_time(run(query, kind=kind))[0] for query in queries],
                [wall_time(run(query, kind=kind)) for query in queries],
                [wall_time(page(query, kind)) for query in queries],
            )

    print()
    print(f"{'queries':34} {'database p50':>13} {'p95':>8} {'search() p50':>13} {'p95':>8} {'page p50':>9} {'p95':>8}")
    for label, series in results.items():
        cells = []
        for values in series:
            cells += [percentile(values, 0.5), percentile(values, 0.95)]
        print(f"{label:34} {cells[0]:10.1f} ms {cells[1]:5.1f} ms {cells[2]:10.1f} ms {cells[3]:5.1f} ms "
              f"{cells[4]:6.1f} ms {cells[5]:5.1f} ms")
    print()
    for name, found in (("Selective", selective), ("Medium", medium), ("Broad", broad)):
        counts = [count for _term, count in found]
        if counts:
            print(f"{name} words find {min(counts)}–{max(counts)} recommendations (median {statistics.median(counts)}).")
    return results


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default="sanad_bench")
    parser.add_argument("--meetings", type=int, default=100_000)
    parser.add_argument("--recommendations", type=int, default=1_000_000)
    parser.add_argument("--organizations", type=int, default=5_000)
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=2022)
    parser.add_argument("--workers", type=int, default=2, help="processes writing rows, and index builds at once")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", action="store_true", help="measure an existing database again")
    options = parser.parse_args(argv)

    if not options.reuse:
        create_database(options.database)
    setup_django(options.database)
    from django.core.management import call_command

    log(f"migrating {options.database}")
    call_command("migrate", verbosity=0)  # with --reuse: brings a kept database up to date
    if not options.reuse:
        generate(
            meetings=options.meetings,
            recommendations=options.recommendations,
            organizations=options.organizations,
            people=options.people,
            seed=options.seed,
            workers=options.workers,
        )
    try:
        measure(options.seed)
    finally:
        from django.db import connections

        connections.close_all()
        if not options.keep:
            drop_database(options.database)


if __name__ == "__main__":
    main()
