"""The whole-dataset download: one zip of CSV and JSON per kind of record, with a README.

``manage.py build_dataset`` (run by cron, see docs/open-data.md) writes it to
``MEDIA_ROOT/open-data/sanad-dataset.zip`` through a temporary file and a rename, so readers
never get half a file; ``/open-data/`` says when it was built. Every kind starts from its
``published()`` rows (columns.py), so the zip holds what the pages show and nothing more.
Columns are machine names; translated texts come once per language (``title_ar``,
``title_en``) and choices as their stored codes, all explained in the README.
"""

import datetime
import json
import os
import tempfile
import zipfile
from pathlib import Path

from django.conf import settings
from django.utils import timezone, translation

from .columns import KINDS, LANGUAGES, cell_readers
from .writers import _chunked, csv_lines, json_lines, read_rows

FILE_NAME = "sanad-dataset.zip"
# The kinds in the zip, in the README's order.
DATASET_KINDS = ("meetings", "recommendations", "follow_up", "organizations", "projects", "governorates", "people")
LABELS = {"ar": "العربية", "en": "English"}


def dataset_path():
    return Path(settings.MEDIA_ROOT) / "open-data" / FILE_NAME


def _info_path():
    return dataset_path().with_suffix(".json")


def dataset_info():
    """``{"built_at": datetime, "size": bytes, "counts": {kind: n}, "withdrawn": bool}`` of the last
    build, or None. ``withdrawn``: a record the zip holds has left the public site since (see
    :func:`withdrawn_since`); the zip is then not served until it is rebuilt."""
    try:
        info = json.loads(_info_path().read_text(encoding="utf-8"))
        size = dataset_path().stat().st_size
    except (FileNotFoundError, ValueError):
        return None
    built_at = datetime.datetime.fromisoformat(info["built_at"])
    return {
        "built_at": built_at,
        "size": size,
        "counts": info.get("counts", {}),
        "withdrawn": withdrawn_since(built_at, info.get("people")),
    }


def withdrawn_since(built_at, people):
    """Whether a record of a zip built at ``built_at`` has left the public site since: a meeting
    unpublished or deleted, or one of ``people`` (the ids of the people it names; None for a zip
    built before they were kept) no longer public. The zip is a nightly copy, and an edit of a
    public text reaches it at the next build; but what a reviewer withdraws, or a person an
    administrator protects, must not stay downloadable until then.

    Four statements, each reading only what changed since the build: the unpublications
    (a partial index), the versions of deleted meetings (by date), the people saved since
    who are not public (every path that protects someone moves their ``updated_at``), and the
    follow-up updates returned since that had been approved (the review queue's index): a
    person's protection returns the approved notes that name them (meetings/protection.py)."""
    from django.db.models import Exists, OuterRef

    from ..models import Meeting, MeetingEvent, Person, RecommendationUpdate

    if people is None:
        return True
    if MeetingEvent.objects.filter(action=MeetingEvent.Action.UNPUBLISHED, at__gte=built_at).exists():
        return True
    deleted = Meeting.history.filter(history_type="-", history_date__gte=built_at, status=Meeting.Status.PUBLISHED)
    if deleted.exists():
        return True
    protected = Person.objects.filter(updated_at__gte=built_at).exclude(visibility=Person.Visibility.PUBLIC)
    if not set(people).isdisjoint(protected.values_list("pk", flat=True)):
        return True
    was_approved = RecommendationUpdate.history.filter(id=OuterRef("pk"), review_state=RecommendationUpdate.Review.APPROVED)
    returned = RecommendationUpdate.objects.filter(review_state=RecommendationUpdate.Review.RETURNED, reviewed_at__gte=built_at)
    return returned.filter(Exists(was_approved)).exists()


def dataset_columns(kind, root=""):
    """``[(key, reader)]``: a translated column once per language, a choice as its code."""
    columns = []
    for column in kind.columns:
        if column.translated:
            for language in LANGUAGES:
                with translation.override(language):
                    columns.append((f"{column.key}_{language}", cell_readers([column], language, root)[0]))
        elif column.code:
            columns.append((column.key, column.code))
        else:
            columns.append((column.key, cell_readers([column], LANGUAGES[0], root)[0]))
    return columns


def _member(name, built_at):
    """A zip entry dated when the dataset was built (not 1980, zipfile's default)."""
    info = zipfile.ZipInfo(name, date_time=timezone.localtime(built_at).timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def _write_kind(archive, kind, root, built_at):
    columns = dataset_columns(kind, root)
    keys = [key for key, _reader in columns]
    readers = [reader for _key, reader in columns]
    queryset = kind.rows(None)
    count = queryset.count()
    with archive.open(_member(f"{kind.name}.csv", built_at), "w", force_zip64=True) as member:
        for chunk in _chunked(csv_lines(keys, read_rows(queryset, kind.columns, readers))):
            member.write(chunk)
    meta = {"kind": kind.name, "count": count, "built_at": built_at.isoformat(), "columns": keys}
    with archive.open(_member(f"{kind.name}.json", built_at), "w", force_zip64=True) as member:
        for chunk in _chunked(json_lines(meta, keys, read_rows(queryset, kind.columns, readers))):
            member.write(chunk)
    return count


def readme(counts, built_at):
    """The README of the zip: what each file and column is, in Arabic and in English."""
    lines = [
        "# سند — البيانات المفتوحة / Sanad — open data",
        "",
        f"أُنشئ في / Built at: {timezone.localtime(built_at).isoformat(timespec='minutes')}",
        "",
        "يضم هذا الملف كل ما ينشره موقع سند للعموم: اللقاءات المنشورة وتوصياتها ومتابعتها المعتمدة، "
        "والجهات والمشاريع والمحافظات، والأشخاص الذين تُذكر أسماؤهم علنًا. لا يضم أي مسودة، "
        "ولا جهة بانتظار التأكيد، ولا متابعة لم تُراجَع، ولا اسم أي شخص محمي.",
        "",
        "This archive holds everything Sanad publishes: published meetings, their recommendations and "
        "approved follow-up, organisations, projects, governorates, and the people who chose to be named. "
        "It holds no draft, no organisation awaiting confirmation, no unreviewed follow-up and no protected "
        "person's name.",
        "",
        "- CSV: UTF-8 مع علامة ترتيب البايت / UTF-8 with a byte-order mark; JSON: `{\"meta\": …, \"rows\": […]}`.",
        "- التواريخ بصيغة / dates as YYYY-MM-DD; `*_hijri`: التاريخ الهجري / the Hijri date.",
        "- `*_ar` / `*_en`: النص بكل لغة؛ حيث لا نص إنجليزيًا يتكرر العربي / the text in each language; "
        "where no English was entered the Arabic is repeated.",
        "",
    ]
    for name in DATASET_KINDS:
        kind = KINDS[name]
        with translation.override("ar"):
            arabic = str(kind.label)
        with translation.override("en"):
            english = str(kind.label)
        lines += [f"## {name}.csv, {name}.json — {arabic} / {english} ({counts.get(name, 0)})", ""]
        lines += ["| column | العربية | English |", "| --- | --- | --- |"]
        codes = []
        for column in kind.columns:
            labels = {}
            for language in LANGUAGES:
                with translation.override(language):
                    labels[language] = str(column.label)
            keys = [f"{column.key}_{language}" for language in LANGUAGES] if column.translated else [column.key]
            for key in keys:
                lines.append(f"| `{key}` | {labels['ar']} | {labels['en']} |")
            if column.code:
                codes.append(column)
        lines.append("")
        for column in codes:
            lines.append(f"`{column.key}`:")
            choices = _choices_of(kind.name, column.key)
            for code, label in choices:
                with translation.override("ar"):
                    arabic = str(label)
                with translation.override("en"):
                    english = str(label)
                lines.append(f"- `{code}`: {arabic} / {english}")
            lines.append("")
    return "\n".join(lines) + "\n"


def _choices_of(kind_name, key):
    from ..models import Meeting, Organization, Recommendation

    return {
        ("meetings", "kind"): Meeting.Kind.choices,
        ("recommendations", "kind"): Recommendation.Kind.choices,
        ("recommendations", "priority"): Recommendation.Priority.choices,
        ("recommendations", "status"): Recommendation.Status.choices,
        ("follow_up", "status"): Recommendation.Status.choices,
        ("organizations", "kind"): Organization.Kind.choices,
    }.get((kind_name, key), [])


def build_dataset(*, path=None, root=None, progress=None):
    """Write the zip (replacing the previous one at once) and return ``{kind: row count}``."""
    from ..models import Person

    path = Path(path or dataset_path())
    path.parent.mkdir(parents=True, exist_ok=True)
    root = settings.SITE_URL if root is None else root
    built_at = timezone.now()
    # Whom the zip may name: read before and after, so that whoever is protected later is known.
    people = set(Person.objects.published().values_list("pk", flat=True))
    counts = {}
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".part")
    try:
        with os.fdopen(handle, "wb") as output, zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
            for name in DATASET_KINDS:
                counts[name] = _write_kind(archive, KINDS[name], root, built_at)
                if progress:
                    progress(name, counts[name])
            archive.writestr(_member("README.md", built_at), readme(counts, built_at))
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    people |= set(Person.objects.published().values_list("pk", flat=True))
    info = {"built_at": built_at.isoformat(), "counts": counts, "people": sorted(people)}
    path.with_suffix(".json").write_text(json.dumps(info), encoding="utf-8")
    return counts
