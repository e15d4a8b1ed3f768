import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from meetings.history import attribute_to
from meetings.models import Person


class Command(BaseCommand):
    help = (
        "Protect or rename a person, on the server: what the admin refuses for a person named in more "
        "meetings than PERSON_REFILL_NOW, because re-indexing all of them outlasts a page's time limit. "
        "The change and the re-indexing are one transaction: the search never finds their meetings by a "
        "name no longer shown."
    )

    def add_arguments(self, parser):
        parser.add_argument("person", type=int, help="The person's number (in the admin's address).")
        parser.add_argument("--protect", action="store_true", help="Make the person protected: never named publicly.")
        parser.add_argument("--name-ar", help="Their new Arabic name.")
        parser.add_argument("--name-en", help="Their new English name.")
        parser.add_argument("--by", help="The user name the change is recorded under in the history.")

    def handle(self, *args, person, protect, name_ar, name_en, by, **options):
        if not (protect or name_ar or name_en is not None):
            raise CommandError("Say what changes: --protect, --name-ar or --name-en.")
        user = None
        if by:
            user = get_user_model().objects.filter(username=by).first()
            if user is None:
                raise CommandError(f"No user {by!r}.")
        started = time.monotonic()
        with transaction.atomic():
            row = Person.objects.select_for_update().filter(pk=person).first()
            if row is None:
                raise CommandError(f"No person #{person}.")
            if protect:
                row.visibility = Person.Visibility.PROTECTED
            if name_ar:
                row.name_ar = name_ar.strip()
            if name_en is not None:
                row.name_en = name_en.strip()
            attribute_to(row, user, reason="change_person").save()
            meetings = row.participations.values("meeting").distinct().count()
        self.stdout.write(
            self.style.SUCCESS(
                f"Person #{row.pk} saved ({row.get_visibility_display()}); the search documents of its "
                f"{meetings} meetings were re-indexed in {time.monotonic() - started:.1f} s."
            )
        )
