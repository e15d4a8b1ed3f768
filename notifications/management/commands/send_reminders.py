"""Mail staff their reminders (run daily from cron; see docs/notifications.md)."""

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from notifications.reminders import send_reminders


class Command(BaseCommand):
    help = (
        "Mail each organisation's staff the recommendations addressed to them that are due within 30 days or "
        "overdue, and the organisers the meetings still unpublished 3 and 7 days after they took place. "
        "One digest per person, at most one a day; each fact is mailed once."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="List who would be mailed; send nothing.")

    def handle(self, *args, dry_run=False, **options):
        try:
            digests = send_reminders(dry_run=dry_run)
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from error
        for digest in digests:
            self.stdout.write(
                f"{digest.user.email}: {len(digest.overdue)} overdue, {len(digest.due_soon)} due soon, "
                f"{len(digest.drafts)} unpublished"
            )
        verb = "would be mailed" if dry_run else "mailed"
        self.stdout.write(self.style.SUCCESS(f"{len(digests)} reminder digest(s) {verb}."))
