"""Every change to people, qualifications, attendance and training records is kept with who and
when: admin edits, the people import, the records import and bulk attendance marking."""

import datetime

import pytest
from django.contrib.auth.models import update_last_login
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from certifications.importing import apply_records, parse_records
from certifications.models import Qualification, QualificationType, TrainingRecord
from courses.attendance import enrol, set_marks
from courses.models import Attendance
from people.importing import apply_people_import, parse_people_csv
from people.models import User
from tests.auth import sign_in
from tests.factories import PersonFactory, make_course, make_run, register_form

pytestmark = pytest.mark.django_db


def test_an_admin_edit_is_kept_with_who_and_when(client, coordinator_a, volunteer_a):
    sign_in(client, coordinator_a)
    before = timezone.now()
    response = client.post(
        reverse("people_person:edit", args=[volunteer_a.pk]),
        register_form(volunteer_a, phone="070-123 45 67"),
    )
    after = timezone.now()
    assert response.status_code == 302, response.content.decode()[:2000]

    latest = volunteer_a.history.latest()
    assert latest.history_type == "~"
    assert latest.phone == "070-123 45 67"
    assert latest.history_user == coordinator_a
    assert before <= latest.history_date <= after
    delta = latest.diff_against(latest.prev_record)
    assert [change.field for change in delta.changes] == ["phone"]


def test_a_person_added_in_the_admin_is_kept_with_who(client, org_a, coordinator_a):
    sign_in(client, coordinator_a)
    response = client.post(
        reverse("people_person:add"),
        {"first_name": "Nya", "email": "nya@example.org", "joined_on": "2026-09-01", "is_active": "on"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    created = User.objects.get(email="nya@example.org").history.get()
    assert created.history_type == "+"
    assert created.history_user == coordinator_a


def test_password_hashes_and_logins_never_reach_the_history(volunteer_a):
    fields = {field.name for field in User.history.model._meta.fields}
    assert "password" not in fields
    assert "last_login" not in fields

    rows = volunteer_a.history.count()
    volunteer_a.set_password("ett-helt-nytt-losenord-2026")
    volunteer_a.save()
    assert volunteer_a.history.count() == rows + 1  # that the account changed is kept...
    latest = volunteer_a.history.latest()
    assert not hasattr(latest, "password")  # ...never the hash
    assert volunteer_a.password not in str(latest.__dict__)

    # A login stamps last_login; that adds no history row.
    rows = volunteer_a.history.count()
    update_last_login(None, volunteer_a)
    assert volunteer_a.history.count() == rows


def test_the_people_import_keeps_history_with_who_and_when(org_a, coordinator_a, volunteer_a):
    csv = (
        "email,first_name,last_name,groups,joined_on,left_on,protected_identity\n"
        "ny@example.org,Ny,Person,volunteer,2026-09-01,,no\n"
        f"{volunteer_a.email},Vol,Uppdaterad,volunteer;board,2024-01-01,,no\n"
    )
    rows_before = volunteer_a.history.count()
    before = timezone.now()
    summary = apply_people_import(parse_people_csv(csv, org_a), org_a, by=coordinator_a)
    after = timezone.now()
    assert (summary.created, summary.updated) == (1, 1)

    created = User.objects.get(email="ny@example.org").history.get()
    assert created.history_type == "+"
    assert created.history_user == coordinator_a
    assert before <= created.history_date <= after

    assert volunteer_a.history.count() == rows_before + 1
    updated = volunteer_a.history.latest()
    assert updated.history_type == "~"
    assert (updated.last_name, updated.group_board) == ("Uppdaterad", True)
    assert updated.history_user == coordinator_a
    assert before <= updated.history_date <= after

    # Importing the same file again changes nothing, so it adds no history rows.
    apply_people_import(parse_people_csv(csv, org_a), org_a, by=coordinator_a)
    assert volunteer_a.history.count() == rows_before + 1


def test_the_people_import_through_the_admin_names_the_coordinator(client, org_a, coordinator_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    csv = (
        "email,first_name,last_name,groups,joined_on,left_on,protected_identity\n"
        "ny@example.org,Ny,Person,volunteer,2026-09-01,,no\n"
    )
    sign_in(client, coordinator_a)
    preview = client.post(reverse("people_import"), {"file": SimpleUploadedFile("p.csv", csv.encode())})
    assert not preview.context.get("problems"), preview.context.get("problems")
    client.post(reverse("people_import"), {"pending": preview.context["confirm_form"]["pending"].value()})
    created = User.objects.get(email="ny@example.org")
    assert created.history.get().history_user == coordinator_a
    changes = client.get(reverse("people_person:changes", args=[created.pk]))
    (entry,) = changes.context["entries"]
    assert entry.who == coordinator_a
    assert entry.reason  # "by the people import", in the UI language


RECORDS = (
    "email,kind,name,date,hours,provider,expires_on,revoked_on\n"
    "{email},qualification,Tystnadslöfte,2026-01-10,,,,\n"
    "{email},training,Bemötande,2026-02-01,3,Länsstyrelsen,,\n"
)


def test_the_records_import_keeps_history_with_who_and_when(org_a, coordinator_a, volunteer_a):
    QualificationType.objects.create(organisation=org_a, name="Tystnadslöfte", valid_months=12)
    records = parse_records(RECORDS.format(email=volunteer_a.email), org_a)
    assert not records.problems
    before = timezone.now()
    summary = apply_records(records, org_a, by=coordinator_a)
    after = timezone.now()
    assert (summary.qualifications, summary.trainings) == (1, 1)

    qualification = Qualification.objects.get(person=volunteer_a).history.get()
    assert (qualification.history_type, qualification.history_user) == ("+", coordinator_a)
    assert before <= qualification.history_date <= after

    training = TrainingRecord.objects.get(title="Bemötande")
    rows = list(training.history.order_by("history_date", "history_id"))
    assert [row.history_type for row in rows] == ["+", "~"]  # created, then who attended
    assert {row.history_user for row in rows} == {coordinator_a}
    assert all(before <= row.history_date <= after for row in rows)
    assert [a.user_id for a in rows[-1].attendees.all()] == [volunteer_a.pk]


def test_the_records_import_command_keeps_history(tmp_path, org_a, volunteer_a):
    QualificationType.objects.create(organisation=org_a, name="Tystnadslöfte", valid_months=12)
    path = tmp_path / "records.csv"
    path.write_text(RECORDS.format(email=volunteer_a.email), encoding="utf-8")
    call_command("import_records", str(path), organisation=org_a.slug)
    assert Qualification.objects.get(person=volunteer_a).history.count() == 1
    assert TrainingRecord.objects.get(title="Bemötande").history.exists()


def test_bulk_attendance_marking_keeps_history_with_who_and_when(org_a, coordinator_a):
    course = make_course(org_a)
    run = make_run(course, datetime.date(2026, 3, 5))
    people = [PersonFactory(organisation=org_a) for _ in range(3)]
    enrol(run, people)
    session = run.sessions.order_by("starts_at").first()

    before = timezone.now()
    set_marks(session, {p.pk: "present" for p in people}, coordinator_a)
    set_marks(session, {people[0].pk: "late"}, coordinator_a)
    after = timezone.now()

    history = Attendance.history.filter(session_id=session.pk)
    assert history.filter(history_type="+").count() == 3
    changed = history.get(history_type="~")
    assert (changed.person_id, changed.mark) == (people[0].pk, "late")
    assert {row.history_user for row in history} == {coordinator_a}
    assert all(before <= row.history_date <= after for row in history)


def test_qualifications_awarded_by_completion_keep_history(org_a, coordinator_a):
    course = make_course(org_a, units=1)
    QualificationType.objects.create(organisation=org_a, name="Grundutbildning", granted_by_course=course)
    run = make_run(course, datetime.date(2026, 3, 5))
    person = PersonFactory(organisation=org_a)
    enrol(run, [person])
    set_marks(run.sessions.get(), {person.pk: "present"}, coordinator_a)
    assert person.jour_completions.get().history.get().history_type == "+"
    assert Qualification.objects.get(person=person).history.get().history_type == "+"


def test_the_coordinator_reads_a_persons_change_history(client, coordinator_a, volunteer_a):
    sign_in(client, coordinator_a)
    client.post(
        reverse("people_person:edit", args=[volunteer_a.pk]), register_form(volunteer_a, phone="070-1")
    )
    edit = client.get(reverse("people_person:edit", args=[volunteer_a.pk])).content.decode()
    url = reverse("people_person:changes", args=[volunteer_a.pk])
    assert url in edit

    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert str(coordinator_a) in html
    assert "070-1" in html
    first, *_older = page.context["entries"]
    assert first.who == coordinator_a
    assert [(c.old, c.new) for c in first.changes] == [("–", "070-1")]
    assert volunteer_a.password not in html


def test_change_history_is_scoped_to_the_organisation(client, coordinator_b, board_a, volunteer_a):
    url = reverse("people_person:changes", args=[volunteer_a.pk])
    sign_in(client, coordinator_b)
    assert client.get(url).status_code == 404
    sign_in(client, board_a)
    assert client.get(url).status_code in (302, 403)


def test_deleting_a_person_in_the_admin_is_kept_with_who(client, superuser, org_a):
    gone = PersonFactory(email="gone@example.org", organisation=org_a)
    sign_in(client, superuser)
    response = client.post(reverse("people_person:delete", args=[gone.pk]))
    assert response.status_code == 302
    assert not User.objects.filter(pk=gone.pk).exists()
    deleted = User.history.filter(id=gone.pk).latest()
    assert (deleted.history_type, deleted.history_user, deleted.email) == ("-", superuser, "gone@example.org")
