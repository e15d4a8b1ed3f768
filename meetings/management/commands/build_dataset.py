"""Rebuild the whole-dataset download (meetings/exports/dataset.py); run it from cron."""

from django.core.management.base import BaseCommand

from meetings.exports.dataset import build_dataset, dataset_path


class Command(BaseCommand):
    help = "Write the open-data zip (CSV and JSON of every public kind of record, with a README)."

    def add_arguments(self, parser):
        parser.add_argument("--output", help=f"Where to write the zip (default: {dataset_path()}).")
        parser.add_argument(
            "--site-url", default=None, help="Base of the addresses in the files (default: the SITE_URL setting)."
        )

    def handle(self, *args, output=None, site_url=None, verbosity=1, **options):
        def progress(kind, count):
            if verbosity:
                self.stdout.write(f"{kind}: {count}")

        counts = build_dataset(path=output, root=site_url, progress=progress)
        self.stdout.write(self.style.SUCCESS(f"{output or dataset_path()}: {sum(counts.values())} rows"))
