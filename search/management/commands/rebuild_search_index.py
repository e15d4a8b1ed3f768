import sys
import time

from django.core.management.base import BaseCommand

from search.sync import rebuild_search_index


class Command(BaseCommand):
    help = (
        "Refill the search terms of every meeting, recommendation, organisation and person, and rebuild the "
        "vocabulary of spelling suggestions; recompute which organisations appear in published records "
        "and the summary counts of the public pages. "
        "Run it after loading data with loaddata or raw SQL."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500, help="Rows read and written at a time (500).")

    def handle(self, *args, batch_size, **options):
        quiet = options["verbosity"] == 0
        interactive = self.stdout.isatty() if hasattr(self.stdout, "isatty") else sys.stdout.isatty()
        started = time.monotonic()

        def progress(model, done, total):
            if quiet:
                return
            line = f"{model._meta.verbose_name_plural}: {done}/{total} ({done * 100 // max(total, 1)}%)"
            if interactive:
                self.stdout.write(f"\r{line}", ending="")
                if done == total:
                    self.stdout.write("")
            elif done == total:
                self.stdout.write(line)

        counts = rebuild_search_index(batch_size=batch_size, progress=progress)
        if not quiet:
            total = sum(counts.values())
            self.stdout.write(
                self.style.SUCCESS(f"Search index rebuilt: {total} records in {time.monotonic() - started:.1f} s.")
            )
