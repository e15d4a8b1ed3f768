"""Mail readers the news of what they follow (run daily from cron; see docs/notifications.md)."""

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from notifications.subscriptions import send_digests


class Command(BaseCommand):
    help = (
        "Mail each confirmed subscriber what was published about the recommendations, organisations and "
        "governorates they follow since their last digest (at most one a period)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="List who would be mailed; send nothing.")

    def handle(self, *args, dry_run=False, **options):
        try:
            sent = send_digests(dry_run=dry_run)
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from error
        for email, language, news in sent:
            self.stdout.write(f"{email} ({language}): {len(news)} record(s) with news")
        verb = "would be mailed" if dry_run else "mailed"
        self.stdout.write(self.style.SUCCESS(f"{len(sent)} digest(s) {verb}."))
