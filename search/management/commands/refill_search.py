import time

from django.core.management.base import BaseCommand

from meetings.models.searchable import SearchRefill


class Command(BaseCommand):
    help = (
        "Refill the search documents that a rename left for later: a theme, governorate, tag or "
        "organisation named in more documents than SEARCH_REFILL_NOW (until then a search finds them "
        "by the old name), and a person's rename or protection past PERSON_REFILL_NOW meetings (until "
        "then no search finds those meetings; they are refilled first). Run it every minute from cron "
        "or as a service with --loop (see the README's Production). Several can run at once on "
        "PostgreSQL: each takes batches no other holds."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--loop", action="store_true", help="Keep running: look for waiting refills every --sleep seconds."
        )
        parser.add_argument("--sleep", type=float, default=5.0, help="Seconds between looks with --loop (5).")

    def handle(self, *args, loop, sleep, **options):
        quiet = options["verbosity"] == 0
        while True:
            started, documents, batches = time.monotonic(), 0, 0
            while (done := SearchRefill.objects.refill_next()) is not None:
                documents, batches = documents + done, batches + 1
            if documents and not quiet:
                self.stdout.write(
                    self.style.SUCCESS(
                        f"Refilled {documents} search documents ({batches} batches) in {time.monotonic() - started:.1f} s."
                    )
                )
            elif not loop and not quiet:
                self.stdout.write("No search documents waiting.")
            if not loop:
                return
            time.sleep(sleep)
