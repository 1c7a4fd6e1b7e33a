"""What the member pages read before anything else, to know whether a kept copy of a page is
still the page (``jour_core/pagecache.py``)."""

from __future__ import annotations

from django.db.models import Q

from certifications.models import Qualification
from courses.models import Completion, Enrolment
from people.models import Organisation, User


def my_training_versions(person: User) -> list[tuple[int, int]]:
    """The (organisation, data version) pairs of every organisation whose records *My training*
    shows her: her own (its runs and sessions, their pages, her training, its roles and
    evaluation questions), and those of her enrolments' runs, of her completed courses and of
    her qualifications' types, which may be another one's if she has moved (each one's records
    stay with it). One query; read it before the page's data."""
    return list(
        Organisation.objects.filter(
            Q(pk=person.organisation_id)
            | Q(pk__in=Enrolment.objects.filter(person=person).values("run__organisation_id"))
            | Q(pk__in=Completion.objects.filter(person=person).values("course__organisation_id"))
            | Q(pk__in=Qualification.objects.filter(person=person).values("type__organisation_id"))
        )
        .order_by("pk")
        .values_list("pk", "data_version")
    )
