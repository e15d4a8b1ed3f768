from django.apps import apps
from django.core.management.base import BaseCommand

from meetings.demo import load_demo


class Command(BaseCommand):
    help = (
        "Load or refresh the demo data: the Marib consultative meeting of 26 November 2022 and a few "
        "invented meetings. Safe to run again: a second run changes nothing."
    )

    def handle(self, *args, **options):
        verbose = options["verbosity"] > 1
        counts = load_demo(report=self.stdout.write if verbose else None)
        for label, done in counts.items():
            name = apps.get_model(label)._meta.verbose_name_plural
            total = done["created"] + done["updated"] + done["unchanged"]
            line = f"{name}: {total} ({done['created']} created, {done['updated']} updated"
            line += f", {done['deleted']} deleted)" if done["deleted"] else ")"
            self.stdout.write(line)
        changed = any(done["created"] or done["updated"] or done["deleted"] for done in counts.values())
        self.stdout.write(self.style.SUCCESS("Demo data loaded." if changed else "Demo data already up to date."))
