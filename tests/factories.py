"""factory-boy factories for the domain models."""

import datetime

import factory

from people.models import Organisation, User


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Kvinnojour {n}")
    slug = factory.Sequence(lambda n: f"jour-{n}")


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    first_name = factory.Sequence(lambda n: f"Förnamn{n}")
    last_name = factory.Sequence(lambda n: f"Efternamn{n}")
    organisation = factory.SubFactory(OrganisationFactory)
    group_volunteer = True
    joined_on = datetime.date(2024, 1, 1)
    password = factory.django.Password("test-password-123")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        """``PersonFactory(roles=["Coordinators"])`` puts the person in admin role groups."""
        if create and extracted:
            from django.contrib.auth.models import Group

            self.groups.add(*Group.objects.filter(name__in=extracted))
