"""Plan: the annual competence plan by theme, set against what was done as the year goes, and
what was done without a plan (issue 17)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from certifications.models import TrainingRecord
from courses.models import DEFAULT_THEMES, Attendance, Mark, Theme
from quality.models import PlanItem
from quality.plan import COMING, DONE, LATE, plan_against_done
from tests.auth import sign_in
from tests.conftest import STOCKHOLM
from tests.factories import OrganisationFactory, PersonFactory, make_course, make_run

D = datetime.date


@pytest.fixture
def today(clock):
    # Half past midnight on 1 July: still 30 June in UTC.
    clock.move_to(datetime.datetime(2026, 7, 1, 0, 30, tzinfo=STOCKHOLM))
    return D(2026, 7, 1)


def theme(organisation, name) -> Theme:
    return Theme.objects.get(organisation=organisation, name=name)


def line(organisation, name, period, year=2026, **groups) -> PlanItem:
    groups = groups or {"group_volunteer": True}
    return PlanItem.objects.create(
        organisation=organisation, year=year, theme=theme(organisation, name), period=period, **groups
    )


def record(organisation, title, date, hours, attendees, theme_name=None) -> TrainingRecord:
    item = TrainingRecord.objects.create(
        organisation=organisation,
        title=title,
        date=date,
        hours=Decimal(hours),
        theme=theme(organisation, theme_name) if theme_name else None,
    )
    item.attendees.set(attendees)
    return item


def test_a_new_organisation_has_the_default_themes(db):
    organisation = OrganisationFactory()
    assert list(Theme.objects.filter(organisation=organisation).values_list("name", flat=True)) == list(
        DEFAULT_THEMES
    )
    assert len(DEFAULT_THEMES) == 8


@pytest.fixture
def half_year(org_a, org_b, today) -> dict[str, PlanItem]:
    """Four lines (done late, not done, to come, done by a course run), training with and without
    a plan, and training that must not count."""
    people = PersonFactory.create_batch(6, organisation=org_a)
    staff = PersonFactory(organisation=org_a, group_volunteer=False, group_staff=True)
    barn = line(org_a, "Barn som upplever våld", "q1")  # done late, in May
    heder = line(org_a, "Hedersrelaterat våld och förtryck", "q2", group_staff=True)  # not done: passed
    ledarskap = line(org_a, "Ledarskap", "m09", group_board=True)  # still to come
    samtal = line(org_a, "Samtalsmetodik", "year")  # a course run, two sessions held
    record(org_a, "Barnens röst", D(2026, 5, 12), "3", people[:3], "Barn som upplever våld")
    record(
        org_a, "Barn i skyddat boende", D(2026, 6, 2), "2.5", [*people[2:], staff], "Barn som upplever våld"
    )
    # Done without a plan: a theme the plan does not have, and no theme at all.
    record(org_a, "Normkritik i praktiken", D(2026, 3, 3), "2", people, "Normkritik")
    record(org_a, "Bokcirkel", D(2026, 2, 10), "1.5", people[:2])
    # Not this year's, not held yet, and another organisation's: none counts.
    record(org_a, "Barn 2025", D(2025, 12, 1), "3", people, "Barn som upplever våld")
    record(org_a, "Barn i höst", D(2026, 9, 1), "3", people, "Barn som upplever våld")
    record(
        org_b, "Barn hos B", D(2026, 4, 1), "3", [PersonFactory(organisation=org_b)], "Barn som upplever våld"
    )
    course = make_course(org_a, "Samtal som hjälper", units=3, kind="continuing")
    course.theme = theme(org_a, "Samtalsmetodik")
    course.save()
    run = make_run(course, D(2026, 6, 16), title="Samtal VT 2026")  # 16, 23 and 30 June, 18:00
    sessions = list(run.sessions.order_by("starts_at"))
    for session in sessions:
        for person in people[:4]:
            Attendance.objects.create(session=session, person=person, mark=Mark.PRESENT)
    Attendance.objects.filter(session=sessions[0], person=people[0]).update(mark=Mark.ABSENT)
    return {"barn": barn, "heder": heder, "ledarskap": ledarskap, "samtal": samtal}


def test_planned_against_done_per_theme(org_a, half_year):
    barn, heder, ledarskap, samtal = (half_year[key] for key in ("barn", "heder", "ledarskap", "samtal"))
    plan = plan_against_done(org_a, 2026)

    by_theme = {line.item.pk: line for line in plan.lines}
    assert [line.item for line in plan.lines] == [barn, heder, samtal, ledarskap]  # the themes' order
    assert by_theme[barn.pk].state == DONE
    assert [(a.title, len(a.people), a.hours) for a in by_theme[barn.pk].done] == [
        ("Barnens röst", 3, Decimal(3)),
        ("Barn i skyddat boende", 5, Decimal("2.5")),
    ]
    assert by_theme[heder.pk].state == LATE and by_theme[heder.pk].done == []
    assert by_theme[ledarskap.pk].state == COMING
    (circle,) = by_theme[samtal.pk].done
    # Three sessions held (the last on 30 June ended before half past midnight): 7.5 hours,
    # four people (one was absent from the first only).
    assert (circle.title, circle.hours, len(circle.people)) == ("Samtal som hjälper", Decimal("7.5"), 4)
    assert (circle.first_day, circle.last_day) == (D(2026, 6, 16), D(2026, 6, 30))
    assert [(a.title, a.theme_name) for a in plan.unplanned] == [
        ("Bokcirkel", None),
        ("Normkritik i praktiken", "Normkritik"),
    ]
    assert plan.counts() == {DONE: 2, LATE: 1, COMING: 1}
    assert plan.as_of == D(2026, 7, 1)


def test_the_plans_json_names_no_one_and_withholds_small_counts_outside(org_a, half_year):
    plan = plan_against_done(org_a, 2026)
    external = plan.as_dict(external=True)
    assert external[0] == {
        "theme": "Barn som upplever våld",
        "groups": ["volunteer"],
        "planned": "januari–mars",
        "planned_from": "2026-01-01",
        "planned_to": "2026-03-31",
        "note": "",
        "state": DONE,
        "done": [
            {
                "title": "Barnens röst",
                "kind": "record",
                "date": "2026-05-12",
                "last_date": "2026-05-12",
                "hours": 3.0,
                "participants": "<5",
            },
            {
                "title": "Barn i skyddat boende",
                "kind": "record",
                "date": "2026-06-02",
                "last_date": "2026-06-02",
                "hours": 2.5,
                "participants": 5,
            },
        ],
    }
    assert external[1]["groups"] == ["staff"]
    assert plan.as_dict()[0]["done"][0]["participants"] == 3


def test_a_past_year_is_judged_at_its_end_and_a_coming_one_is_all_to_come(org_a, today):
    line(org_a, "Ledarskap", "q4", year=2025)
    line(org_a, "Ledarskap", "q1", year=2027)
    assert [line.state for line in plan_against_done(org_a, 2025).lines] == [LATE]
    assert plan_against_done(org_a, 2025).as_of == D(2025, 12, 31)
    assert [line.state for line in plan_against_done(org_a, 2027).lines] == [COMING]


def test_the_plan_takes_the_same_queries_however_much_was_done(org_a, today, django_assert_max_num_queries):
    people = PersonFactory.create_batch(3, organisation=org_a)
    line(org_a, "Ledarskap", "q1")
    record(org_a, "Ett", D(2026, 2, 1), "2", people, "Ledarskap")
    with django_assert_max_num_queries(8) as few:
        plan_against_done(org_a, 2026)
    for number in range(10):
        record(org_a, f"Kurs {number}", D(2026, 3, 1 + number), "2", people, "Ledarskap")
    line(org_a, "Normkritik", "q2")
    with django_assert_max_num_queries(len(few.captured_queries)):
        plan = plan_against_done(org_a, 2026)
    assert [len(line.done) for line in plan.lines] == [0, 11]  # Normkritik, then Ledarskap


def test_a_plan_line_is_for_a_group_and_the_organisations_theme(org_a, org_b, today):
    item = PlanItem(organisation=org_a, year=2026, theme=theme(org_b, "Ledarskap"), period="q1")
    with pytest.raises(ValidationError) as refused:
        item.full_clean()
    assert set(refused.value.message_dict) == {"theme", "group_volunteer"}
    with pytest.raises(IntegrityError), transaction.atomic():
        item.theme = theme(org_a, "Ledarskap")
        item.save()  # for no group: the database refuses it too
    line(org_a, "Ledarskap", "q1")
    with pytest.raises(IntegrityError), transaction.atomic():
        line(org_a, "Ledarskap", "q1")


def test_a_record_and_a_course_take_only_their_organisations_theme(org_a, org_b, today):
    other = theme(org_b, "Ledarskap")
    item = TrainingRecord(organisation=org_a, title="Kurs", date=D(2026, 2, 1), hours=Decimal(2), theme=other)
    with pytest.raises(ValidationError) as refused:
        item.full_clean()
    assert "theme" in refused.value.message_dict


def test_the_plan_screen(client, coordinator_a, org_a, org_b, today):
    line(org_a, "Ledarskap", "q1")
    line(org_b, "Normkritik", "q1")
    record(org_a, "Bokcirkel", D(2026, 2, 10), "1.5", PersonFactory.create_batch(2, organisation=org_a))
    sign_in(client, coordinator_a)
    page = client.get(reverse("quality_plan")).content.decode()
    assert "Kompetensplan 2026" in page and "Ledarskap" in page
    assert "Inte genomfört i tid" in page
    assert "Bokcirkel" in page and "Inget tema" in page
    assert "Normkritik" not in page.split("Gjort utan plan")[0]  # another organisation's line
    # A year out of range says so and shows this year.
    refused = client.get(reverse("quality_plan"), {"year": "99999"}).content.decode()
    assert "Visar 2026." in refused
    # The theme filter of the lines lists her organisation's themes only.
    lines = client.get(reverse("quality_planitem:index")).content.decode()
    assert lines.count(">Ledarskap<") >= 1
    assert str(theme(org_b, "Ledarskap").pk) not in lines.split('name="theme"')[1].split("</select>")[0]


def test_the_course_editor_offers_the_courses_organisations_themes(
    client, coordinator_a, org_a, org_b, today
):
    course = make_course(org_a, "Fortbildning", units=1, kind="continuing")
    sign_in(client, coordinator_a)
    page = client.get(reverse("wagtailadmin_pages:edit", args=[course.pk])).content.decode()
    options = page.split('name="theme"')[1].split("</select>")[0]
    assert f'value="{theme(org_a, "Ledarskap").pk}"' in options
    assert f'value="{theme(org_b, "Ledarskap").pk}"' not in options


def test_the_plan_lines_export_names_the_groups_in_swedish(client, coordinator_a, org_a, today):
    line(org_a, "Ledarskap", "q4", group_board=True, group_staff=True)
    sign_in(client, coordinator_a)
    sheet = client.get(reverse("quality_planitem:index"), {"export": "csv"}).content.decode("utf-8-sig")
    assert "Personal, styrelse" in sheet and "oktober–december" in sheet
    assert "True" not in sheet and "False" not in sheet
