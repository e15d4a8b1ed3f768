"""Rebuild the whole-dataset download (meetings/exports/dataset.py); run it from cron."""

from django.core.management.base import BaseCommand

from meetings.exports.dataset import build_dataset, dataset_info, dataset_path


class Command(BaseCommand):
    help = "Write the open-data zip (CSV and JSON of every public kind of record, with a README)."

    def add_arguments(self, parser):
        parser.add_argument("--output", help=f"Where to write the zip (default: {dataset_path()}).")
        parser.add_argument(
            "--site-url", default=None, help="Base of the addresses in the files (default: the SITE_URL setting)."
        )
        parser.add_argument(
            "--if-withdrawn",
            action="store_true",
            help="Only when there is no zip yet, or a record it holds has been withdrawn from the site since "
            "(run it every few minutes from cron, beside the nightly build).",
        )

    def handle(self, *args, output=None, site_url=None, verbosity=1, if_withdrawn=False, **options):
        if if_withdrawn and output is None and (info := dataset_info()) is not None and not info["withdrawn"]:
            if verbosity:
                self.stdout.write("The dataset holds nothing withdrawn since it was built: not rebuilt.")
            return
        def progress(kind, count):
            if verbosity:
                self.stdout.write(f"{kind}: {count}")

        counts = build_dataset(path=output, root=site_url, progress=progress)
        self.stdout.write(self.style.SUCCESS(f"{output or dataset_path()}: {sum(counts.values())} rows"))
