"""Published history is not rewritten by a delete.

An organisation or a person that a published record refers to — a published meeting's
organiser or participant, the addressee of one of its recommendations, the implementer or
donor of a project with a published meeting — cannot be deleted. Participations and
organisers are protected by their foreign keys (``on_delete=PROTECT``); the many-to-many
links (addressees, implementers, donors) would be removed silently, so a ``pre_delete``
receiver refuses the delete (``ProtectedError``, a clear message) whatever the path:
``obj.delete()``, a queryset's ``delete()``, the admin. The admin shows the refusal on its
delete page (:class:`PublishedReferenceAdminMixin`).
"""

from django.db.models import ProtectedError
from django.db.models.signals import pre_delete
from django.dispatch import receiver
from django.utils.text import format_lazy
from django.utils.translation import gettext


# How many referring records a message names at most.
NAMED = 5


def published_references(obj):
    """The published records that refer to ``obj`` (an Organization or a Person), as model instances."""
    from .models import Meeting, Organization, Participation, Person, Project, Recommendation

    references = []
    if isinstance(obj, Organization):
        references += list(Meeting.objects.published().filter(involvements__organization=obj).distinct()[:NAMED])
        references += list(Recommendation.objects.published().filter(addressees=obj).select_related("meeting")[:NAMED])
        published_projects = Project.objects.published()
        references += list(published_projects.filter(implementers=obj)[:NAMED])
        references += list(published_projects.filter(donors=obj)[:NAMED])
        references += list(
            Participation.objects.published().filter(organization=obj).select_related("meeting")[:NAMED]
        )
    elif isinstance(obj, Person):
        references += list(Participation.objects.published().filter(person=obj).select_related("meeting")[:NAMED])
    unique = []
    for reference in references:
        if reference not in unique:
            unique.append(reference)
    return unique


def describe(reference):
    """«Recommendation: …» — what a referring record is, for the refusal message."""
    from .models import Participation, Recommendation

    if isinstance(reference, (Recommendation, Participation)):
        label = f"{reference.meeting} — {str(reference)[:80]}"
    else:
        label = str(reference)[:120]
    return f"{reference._meta.verbose_name}: {label}"


def refusal_message(obj, references):
    return gettext(
        "“%(name)s” cannot be deleted: published records refer to it (%(records)s). Deleting it would change "
        "what has been published. Archive it or merge it into the right record instead."
    ) % {"name": obj, "records": "؛ ".join(describe(reference) for reference in references[:NAMED])}


def check_deletable(objs):
    """Raise ``ProtectedError`` if a published record refers to one of ``objs``: called by the
    models' and querysets' ``delete()`` before anything is written (the ``pre_delete`` receiver
    below is the backstop for deletes that reach them another way)."""
    for obj in objs:
        references = published_references(obj)
        if references:
            raise ProtectedError(refusal_message(obj, references), set(references))


@receiver(pre_delete, sender="meetings.Organization", dispatch_uid="meetings.deletion.organization")
@receiver(pre_delete, sender="meetings.Person", dispatch_uid="meetings.deletion.person")
def refuse_deleting_what_is_published(sender, instance, **kwargs):
    check_deletable([instance])


class PublishedReferenceAdminMixin:
    """The admin's delete page (one object or the bulk action) lists the published records
    in the way and refuses, with the message, instead of failing when the delete runs."""

    def get_deleted_objects(self, objs, request):
        to_delete, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        protected = list(protected)
        from django.contrib import messages

        for obj in objs:
            references = published_references(obj)
            if references:
                messages.error(request, refusal_message(obj, references))
                protected += [format_lazy("{}: {}", obj, describe(reference)) for reference in references]
        return to_delete, model_count, perms_needed, protected


