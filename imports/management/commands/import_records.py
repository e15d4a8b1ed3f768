"""manage.py import_records <file>... --organization <slug> --user <username> [--dry-run]

The same import as the workspace's (imports/): the same checks, the same preview report
(every row, its errors and what it becomes), the same all-or-nothing write. With
``--dry-run`` only the report is printed and nothing is written.
"""

import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from meetings.generate import Progress
from meetings.models import Organization
from meetings.protection import WithholdingRefused

from ...access import may_import
from ...planning import plan_import
from ...reading import FileRefused, read_files
from ...writing import records_import

# The command runs without a web server's time limit: larger files than the workspace takes.
COMMAND_MAX_ROWS = 200_000
COMMAND_MAX_MB = 100


def plan_report(plan):
    """The preview as text lines: every row of every sheet, then the totals."""
    lines = []
    for sheet in plan.sheets:
        lines.append(f"== {sheet.kind.label} ({sheet.source})")
        for row in sheet.rows:
            if row.errors:
                for column, message in row.errors:
                    lines.append(f"  {row.number}: ✗ {column + ': ' if column else ''}{message}")
            else:
                lines.append(f"  {row.number}: {row.label[:60]} — {' '.join(str(action) for action in row.actions)}")
    lines.append("== " + ", ".join(f"{name}={count}" for name, count in plan.counts().items()))
    return lines


class Command(BaseCommand):
    help = "Import meetings, their organisations, participants, recommendations and follow-up from XLSX or CSV files."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", help="one workbook (.xlsx) or one or more CSV files")
        parser.add_argument("--organization", required=True, help="slug of the organisation the meetings belong to")
        parser.add_argument("--user", required=True, help="username of the member who imports (checked like the workspace)")
        parser.add_argument("--dry-run", action="store_true", help="print the preview report only; write nothing")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
        parser.add_argument(
            "--max-rows", type=int, default=COMMAND_MAX_ROWS,
            help=f"most rows read (default {COMMAND_MAX_ROWS}; the workspace's limit is IMPORT_MAX_ROWS)",
        )

    def handle(self, *args, files, organization, user, dry_run, no_progress, max_rows, **options):
        translation.activate("ar")
        organization_obj = Organization.objects.filter(slug=organization).first()
        if organization_obj is None:
            raise CommandError(f"No organisation with the slug {organization!r}.")
        user_obj = get_user_model().objects.filter(username=user).first()
        if user_obj is None:
            raise CommandError(f"No user named {user!r}.")
        if not may_import(user_obj, organization_obj):
            raise CommandError(f"{user} may not import into {organization}: not a member of it.")
        contents = []
        for name in files:
            path = Path(name)
            if not path.is_file():
                raise CommandError(f"No file {name}.")
            if path.stat().st_size > COMMAND_MAX_MB * 1024 * 1024:
                raise CommandError(f"{name} is larger than {COMMAND_MAX_MB} MB.")
            contents.append((path.name, path.read_bytes()))
        try:
            sheets, _digest = read_files(contents, max_rows=max_rows, max_megabytes=COMMAND_MAX_MB)
        except FileRefused as refused:
            raise CommandError(str(refused.message)) from None
        stream = getattr(self.stderr, "_out", sys.stderr)  # the raw stream: the bar redraws itself with "\r"
        progress = None if no_progress else Progress(stream)
        plan = plan_import(sheets=sheets, organization=organization_obj, user=user_obj, progress=progress)
        if progress:
            stream.write("\n")
        if dry_run or plan.has_errors:
            for line in plan_report(plan):
                self.stdout.write(line)
        if plan.has_errors:
            raise CommandError(f"{plan.error_count} rows have errors: nothing was imported.")
        if dry_run:
            self.stdout.write("Dry run: nothing was written.")
            return
        try:
            result = records_import(plan=plan, progress=progress)
        except WithholdingRefused as refusal:  # what names the people it protects (meetings/protection.py)
            raise CommandError(refusal.message) from None
        if progress:
            stream.write("\n")
        counts = result["counts"]
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {counts['meetings']} draft meetings ({counts['skipped_meetings']} imported before, skipped), "
                f"{counts['recommendations']} recommendations, {counts['updates']} follow-up updates; "
                f"{counts['new_organizations']} new organisations awaiting confirmation, {counts['new_people']} new people."
            )
        )
