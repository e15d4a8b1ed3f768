"""``manage.py protect_person <number> [<number> …]``: protect people named in more published
meetings than a page may withdraw (``WITHHOLD_NOW``), on the server, without a time limit.

What the admin does when it protects someone (meetings/protection.py, ``withhold_texts_naming``):
in one transaction, each person becomes protected, every published meeting whose public texts
name them is withdrawn to draft with the reason in its review log, and every approved follow-up
update naming them is returned to its author. The admin's refusal names this command."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from meetings.models import Person
from meetings.protection import withhold_texts_naming


class Command(BaseCommand):
    help = "Protect people and withdraw every published text that names them (past WITHHOLD_NOW meetings)."

    def add_arguments(self, parser):
        parser.add_argument("people", nargs="+", type=int, help="the people's numbers (as in the admin's address)")

    def handle(self, *args, **options):
        numbers = options["people"]
        people = list(Person.objects.filter(pk__in=numbers).order_by("pk"))
        missing = sorted(set(numbers) - {person.pk for person in people})
        if missing:
            raise CommandError(_("No person has the number %(numbers)s.") % {"numbers": ", ".join(map(str, missing))})
        with transaction.atomic():
            for person in people:
                if person.visibility == Person.Visibility.PUBLIC:
                    person.visibility = Person.Visibility.PROTECTED
                    person.save()
            withheld = withhold_texts_naming(people)
        self.stdout.write(
            _("Protected: %(people)s. Meetings withdrawn to draft: %(meetings)d. Follow-up updates returned: %(updates)d.")
            % {
                "people": ", ".join(f"#{person.pk}" for person in people),
                "meetings": len(withheld.meetings),
                "updates": len(withheld.updates),
            }
        )
