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


def register_form(person, **changes) -> dict:
    """What the people register's edit form posts for ``person`` as she is, with ``changes``
    (an unticked box is left out, as a browser leaves it out)."""
    data = {
        "first_name": person.first_name,
        "last_name": person.last_name,
        "email": person.email,
        "phone": person.phone,
        "joined_on": person.joined_on.isoformat() if person.joined_on else "",
        "left_on": person.left_on.isoformat() if person.left_on else "",
        "group_volunteer": "on" if person.group_volunteer else "",
        "group_staff": "on" if person.group_staff else "",
        "group_board": "on" if person.group_board else "",
        "protected_identity": "on" if person.protected_identity else "",
        "is_active": "on" if person.is_active else "",
        **changes,
    }
    return {key: value for key, value in data.items() if value != ""}


def make_course(
    organisation, title="Studiecirkel", units=8, max_missed_units=0, kind="basic", self_paced=False
):
    """A published course page (under its organisation's course index) with ``units`` units of
    2.5 hours."""
    from decimal import Decimal

    from courses.models import CoursePage, CourseUnit
    from courses.page_access import ensure_course_index

    index = ensure_course_index(organisation)  # made with the organisation
    course = CoursePage(
        title=title,
        slug=f"{organisation.slug}-{title.lower().replace(' ', '-')}",
        organisation=organisation,
        kind=kind,
        introduction="<p>Om kursen.</p>",
        max_missed_units=max_missed_units,
        self_paced=self_paced,
    )
    for number in range(1, units + 1):
        course.units.add(
            CourseUnit(number=number, sort_order=number, title=f"Avsnitt {number}", hours=Decimal("2.5"))
        )
    index.add_child(instance=course)
    return course


def make_run(course, first_date, title="Studiecirkel HT", start="18:00", end="20:30", units=None):
    """A run of ``course`` with a weekly session per unit from ``first_date``."""
    import datetime

    from courses.models import CourseRun
    from courses.scheduling import generate_sessions

    run = CourseRun.objects.create(
        organisation=course.organisation, course=course, title=title, location="Lokalen"
    )
    generate_sessions(
        run, first_date, datetime.time.fromisoformat(start), datetime.time.fromisoformat(end), units
    )
    return run


def workbook(rows: list[list[object]]) -> bytes:
    """An XLSX file of ``rows`` on its first sheet, as Excel would save it (imports' tests)."""
    import io

    import openpyxl

    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
