import sys

from django.core.management.base import BaseCommand, CommandError

from meetings.generate import Progress, finish_generation, generate


class Command(BaseCommand):
    help = (
        "Add generated meetings, recommendations, organisations and people (realistic Arabic text and "
        "shape of records) to the database, in bulk, and recompute everything derived from them. "
        "For benchmarks: never on a production database."
    )

    def add_arguments(self, parser):
        parser.add_argument("--meetings", type=int, default=1000)
        parser.add_argument("--recommendations", type=int, default=10_000)
        parser.add_argument("--organizations", type=int, default=200)
        parser.add_argument("--people", type=int, default=500)
        parser.add_argument("--seed", type=int, default=2022)
        parser.add_argument("--drafts-share", type=float, default=0.1, help="Share of meetings left as drafts (0.1).")
        parser.add_argument(
            "--no-finish", action="store_true",
            help="Only write the rows (several generators may fill one PostgreSQL database at once); "
            "run --finish once afterwards.",
        )
        parser.add_argument(
            "--finish", action="store_true",
            help="Write nothing: build the full-text indexes, recompute who is public and the summary counts.",
        )

    def handle(self, *args, meetings, recommendations, organizations, people, seed, drafts_share, **options):
        # The underlying stream: the bar is redrawn in place (OutputWrapper would end each write with a newline).
        progress = Progress(getattr(self.stderr, "_out", sys.stderr) if options["verbosity"] > 0 else None)
        if options["finish"]:
            finish_generation(progress=progress)
            return
        for name, value in (("meetings", meetings), ("recommendations", recommendations),
                            ("organizations", organizations), ("people", people)):
            if value < 0:
                raise CommandError(f"--{name} must not be negative.")
        if not 0 <= drafts_share <= 0.9:
            raise CommandError("--drafts-share must be between 0 and 0.9.")
        try:
            counts = generate(
                meetings=meetings, recommendations=recommendations, organizations=organizations, people=people,
                seed=seed, drafts_share=drafts_share, progress=progress, finish=not options["no_finish"],
            )
        except ValueError as error:
            raise CommandError(str(error)) from error
        if options["verbosity"] > 0:
            seconds = counts.pop("seconds")
            written = ", ".join(f"{count} {name}" for name, count in counts.items())
            self.stdout.write(self.style.SUCCESS(f"Generated in {seconds} s: {written}."))
