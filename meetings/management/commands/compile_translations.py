from django.core.management.base import BaseCommand

from meetings.catalogues import compile_catalogues


class Command(BaseCommand):
    help = "Compile the project's .po catalogues into .mo files without GNU gettext."

    def handle(self, *args, **options):
        written = compile_catalogues()
        for path in written:
            self.stdout.write(f"compiled {path.with_suffix('.mo')}")
        self.stdout.write(self.style.SUCCESS(f"{len(written)} catalogue(s) compiled."))
