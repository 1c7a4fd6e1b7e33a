"""Bounds on the dates and numbers of the clearance board, the report, the competence forms, the
catalogue and records imports and the commands: a clear message, nothing changed, never a 500."""

import datetime
import io
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation
from wagtail.models import ReferenceIndex

from certifications.models import (
    Qualification,
    QualificationType,
    ShiftRole,
    ShiftRoleRequirement,
    TrainingRecord,
)
from certifications.report import CHART_MONTHS, GROUPS, chart_bars
from courses.models import Completion
from people.models import User
from tests.auth import sign_in
from tests.certifications.conftest import qualify, train
from tests.certifications.test_commands import CATALOGUE, RECORDS_HEADER, run
from tests.factories import make_course

ROOT = Path(__file__).resolve().parents[2]
OUTSIDE = "ligger utanför de datum som går att ange: ange ett datum från 1900-01-01 till 2100-12-31."


def get_sv(client, url, params=None):
    return client.get(url, params or {}, HTTP_ACCEPT_LANGUAGE="sv")


@pytest.fixture
def board_people(org_a, catalogue, person):
    """Someone with qualifications and training, so that the engine computes windows and expiries."""
    qualify(person, catalogue["basic"], "2024-01-01")
    qualify(person, catalogue["pledge"], "2026-01-10")
    train(org_a, [person], "2026-02-01", "6")
    return person


# The clearance board --------------------------------------------------------------------------


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "1899-12-31", "2101-01-01"])
@pytest.mark.parametrize("export", [None, "csv", "xlsx"])
def test_the_board_refuses_a_date_outside_the_bounds_with_a_message(
    client, coordinator_a, board_people, day, export
):
    params = {"on": day, **({"export": export} if export else {})}
    with time_machine.travel(datetime.datetime(2026, 3, 2, 12, tzinfo=datetime.UTC), tick=False):
        sign_in(client, coordinator_a)
        response = get_sv(client, reverse("certifications_board"), params)
    assert response.status_code == 200
    # No file for another date: the page, with the message and today's board.
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert f"Datum: {day} {OUTSIDE}" in html
    assert "Kvinnojouren A den 2026-03-02:" in html  # today's board, said plainly


@pytest.mark.parametrize("day", ["1900-01-01", "2100-12-31"])
def test_the_board_answers_for_the_first_and_the_last_date(client, coordinator_a, board_people, day):
    # The board lists the members on its date: here both have been members since the first day.
    User.objects.filter(pk__in=[coordinator_a.pk, board_people.pk]).update(
        joined_on=datetime.date(1900, 1, 1)
    )
    sign_in(client, coordinator_a)
    response = get_sv(client, reverse("certifications_board"), {"on": day})
    assert response.status_code == 200 and response.context["day"] == datetime.date.fromisoformat(day)
    assert response.context["total"] == 2 * 2  # two people (the coordinator too) × two roles
    response = client.get(reverse("certifications_board"), {"on": day, "export": "xlsx"})
    assert response["Content-Disposition"].endswith(f'clearance-{day}.xlsx"')


@pytest.mark.parametrize(
    "params",
    [
        {"per_page": "-1"},
        {"per_page": "0"},
        {"per_page": "99999999999999999999"},
        {"page": "-5"},
        {"page": "abc"},
        {"page": "99999999999"},
        {"sort": "nonsense"},
    ],
)
def test_the_boards_pages_are_fifty_whatever_the_query_says(client, coordinator_a, board_people, params):
    sign_in(client, coordinator_a)
    response = client.get(reverse("certifications_board"), params)
    assert response.status_code == 200
    page = response.context["page"]
    assert page.paginator.per_page == 50 and page.number == 1


@pytest.mark.parametrize("chosen", ["abc", "²", "-1", "99999999999999999999999"])
def test_a_malformed_organisation_is_not_found_on_the_board_and_the_report(client, superuser, org_a, chosen):
    sign_in(client, superuser)
    for name in ("certifications_board", "certifications_report"):
        assert client.get(reverse(name), {"organisation": chosen}).status_code == 404


# The report -------------------------------------------------------------------------------------


def test_the_report_refuses_a_period_outside_the_bounds(client, board_a):
    sign_in(client, board_a)
    response = get_sv(
        client,
        reverse("certifications_report"),
        {"start": "0001-01-01", "end": "9999-12-31", "version": "internal"},
    )
    assert response.status_code == 200 and response.context["report"] is None
    html = response.content.decode()
    assert f"Från: 0001-01-01 {OUTSIDE}" in html and f"Till: 9999-12-31 {OUTSIDE}" in html
    for year, message in (
        ("1", "Kontrollera att detta värde är större än eller lika med 1900."),
        ("99999999999999999999", "Kontrollera att detta värde är mindre än eller lika med 2100."),
    ):
        response = get_sv(client, reverse("certifications_report"), {"year": year, "version": "internal"})
        assert response.status_code == 200 and f"År: {message}" in response.content.decode()


def test_the_longest_period_is_reported_with_a_chart_per_year(client, board_a, org_a):
    train(org_a, [board_a], "1999-06-01", "3")
    sign_in(client, board_a)
    params = {"start": "1900-01-01", "end": "2100-12-31", "version": "internal"}
    response = client.get(reverse("certifications_report"), params)
    assert response.status_code == 200
    assert response.context["report"]["period"] == {"start": "1900-01-01", "end": "2100-12-31"}
    # The caption says what the chart shows: a bar per year here, a bar per month for a year.
    assert response.context["charts"][0][0] == "Fortbildningstimmar per år"
    response = client.get(reverse("certifications_report"), {"year": "2026", "version": "internal"})
    assert response.context["charts"][0][0] == "Fortbildningstimmar per månad"


def test_a_long_period_is_charted_per_year_with_the_same_hours():
    def months(count):
        start = datetime.date(2020, 1, 1)
        found = {}
        for index in range(count):
            day = datetime.date(
                start.year + (start.month - 1 + index) // 12, (start.month - 1 + index) % 12 + 1, 1
            )
            found[day.strftime("%Y-%m")] = {group: Decimal(index) for group in GROUPS}
        return found

    assert chart_bars(months(CHART_MONTHS)) == months(CHART_MONTHS)
    long = months(CHART_MONTHS + 1)
    years = chart_bars(long)
    assert list(years) == ["2020", "2021", "2022", "2023"]
    for group in GROUPS:
        assert sum(y[group] for y in years.values()) == sum(m[group] for m in long.values())


# The competence forms ---------------------------------------------------------------------------


def post_sv(client, url, data):
    return client.post(url, data, HTTP_ACCEPT_LANGUAGE="sv")


ROLE = {
    "name": "Ny roll",
    "min_training_hours": "0",
    "training_window_months": "12",
    "sort_order": "0",
    "requirements-TOTAL_FORMS": "0",
    "requirements-INITIAL_FORMS": "0",
    "requirements-MIN_NUM_FORMS": "0",
    "requirements-MAX_NUM_FORMS": "1000",
}


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        (
            "certifications_type:add",
            {"name": "Ny typ", "valid_months": "99999999999"},
            "Kontrollera att detta värde är mindre än eller lika med 600.",
        ),
        ("certifications_type:add", {"name": "x" * 500}, "som mest 120 tecken (den har 500)"),
        ("certifications_role:add", {**ROLE, "min_training_hours": "-1"}, "större än eller lika med 0."),
        (
            "certifications_role:add",
            {**ROLE, "min_training_hours": "1000.01"},
            "mindre än eller lika med 1000.",
        ),
        (
            "certifications_role:add",
            {**ROLE, "training_window_months": "601"},
            "mindre än eller lika med 600.",
        ),
        ("certifications_role:add", {**ROLE, "sort_order": "99999999999"}, "mindre än eller lika med 1000."),
        (
            "certifications_training:add",
            {"title": "Kurs", "date": "2026-01-15", "hours": "1000.5"},
            "mindre än eller lika med 1000.",
        ),
        (
            "certifications_training:add",
            {"title": "Kurs", "date": "9999-12-31", "hours": "2"},
            f"9999-12-31 {OUTSIDE}",
        ),
    ],
)
def test_the_competence_forms_bound_their_numbers_and_dates(client, coordinator_a, name, data, message):
    sign_in(client, coordinator_a)
    counts = [model.objects.count() for model in (QualificationType, ShiftRole, TrainingRecord)]
    response = post_sv(client, reverse(name), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert [model.objects.count() for model in (QualificationType, ShiftRole, TrainingRecord)] == counts


def test_a_qualification_outside_the_bounds_is_refused(client, coordinator_a, catalogue, person):
    sign_in(client, coordinator_a)
    data = {"person": person.pk, "type": catalogue["basic"].pk}
    # An expiry may lie up to the longest validity (600 months) after the last issue date.
    expiry_outside = OUTSIDE.replace("2100-12-31.", "2150-12-31.")
    for dates, message in (
        ({"issued_on": "0001-01-01"}, OUTSIDE),
        ({"issued_on": "2026-01-01", "expires_on": "9999-12-31"}, expiry_outside),
    ):
        response = post_sv(client, reverse("certifications_qualification:add"), {**data, **dates})
        assert response.status_code == 200
        assert message in response.content.decode()
    assert not Qualification.objects.exists()


def test_an_expiry_the_app_computed_can_be_saved_back(client, coordinator_a, org_a, person):
    """Issued on the last day that can be typed, with the longest validity: the expiry the app
    computes (2150) is within an expiry's bounds, so the qualification can still be edited."""
    longest = QualificationType.objects.create(organisation=org_a, name="Livslång", valid_months=600)
    qualification = Qualification.objects.create(
        person=person, type=longest, issued_on=datetime.date(2100, 12, 31), source="attestation"
    )
    assert qualification.expires_on == datetime.date(2150, 12, 31)
    sign_in(client, coordinator_a)
    response = post_sv(
        client,
        reverse("certifications_qualification:edit", args=[qualification.pk]),
        {
            "person": person.pk,
            "type": longest.pk,
            "issued_on": "2100-12-31",
            "expires_on": "2150-12-31",
            "revoked_on": "2100-12-31",
            "revoke_reason": "Flyttat",
        },
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    qualification.refresh_from_db()
    assert qualification.revoked_on == datetime.date(2100, 12, 31)


@pytest.mark.django_db
def test_a_pages_scheduled_publishing_is_bounded(client, superuser, org_a):
    """Wagtail's own date-and-time fields (a page's go-live and expiry) at 0001-01-01 could not
    be converted to the database's time zone: a server error."""
    from tests.security.test_page_access import course_form

    course = make_course(org_a, units=1)
    sign_in(client, superuser)
    edit = reverse("wagtailadmin_pages:edit", args=[course.pk])
    for value in ("0001-01-01 00:00", "9999-12-31 23:59"):
        response = post_sv(client, edit, course_form("Schemalagd", course.slug, go_live_at=value))
        assert response.status_code == 200 and OUTSIDE in response.content.decode()
    assert course.revisions.count() == 0  # nothing saved
    field = client.get(edit).context["form"].fields["go_live_at"]
    assert field.clean("2100-12-31 23:30").year == 2100


def test_hours_that_are_not_a_number_are_a_message_on_an_edit_form(client, coordinator_a, org_a, person):
    """A signalling NaN ("sNaN") compared with the record's hours used to be a server error."""
    record = train(org_a, [person], "2026-02-01", "3")
    sign_in(client, coordinator_a)
    for hours in ("sNaN", "NaN", "-Infinity"):
        response = post_sv(
            client,
            reverse("certifications_training:edit", args=[record.pk]),
            {"title": "Kurs", "date": "2026-02-01", "hours": hours, "attendees": [person.pk]},
        )
        assert response.status_code == 200 and "Fyll i ett tal." in response.content.decode()
    record.refresh_from_db()
    assert record.hours == Decimal(3)


def test_a_qualification_type_people_hold_is_not_deleted_and_the_answer_says_why(
    client, superuser, catalogue, person
):
    """Wagtail refuses it when its reference index knows of the qualifications; when it does not
    (an import's bulk writes, a failed indexing task) the database's protection answers."""
    qualify(person, catalogue["pledge"], "2026-01-10")
    ReferenceIndex.objects.all().delete()
    sign_in(client, superuser)
    response = client.post(
        reverse("certifications_type:delete", args=[catalogue["pledge"].pk]),
        follow=True,
        HTTP_ACCEPT_LANGUAGE="sv",
    )
    assert response.status_code == 200
    with translation.override("sv"):
        records = sorted(str(m._meta.verbose_name_plural) for m in (Qualification, ShiftRoleRequirement))
    message = f"Tystnadslöfte kan inte tas bort: andra uppgifter hör till den ({', '.join(records)})."
    assert message in response.content.decode()
    assert QualificationType.objects.filter(pk=catalogue["pledge"].pk).exists()


# The imports ------------------------------------------------------------------------------------


@pytest.fixture
def course(org_a):
    return make_course(org_a, title="Studiecirkel för nya jourkvinnor", units=2)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            ("valid_months: 12", "valid_months: 99999999999"),
            "line 3: valid_months: Ensure this value is less than or equal to 600.",
        ),
        (
            ("name: Tystnadslöfte", f"name: {'T' * 500}"),
            "line 3: name: Ensure this value has at most 120 characters (it has 500).",
        ),
        (
            ("name: Chattjour", f"name: {'C' * 121}"),
            "line 6: name: Ensure this value has at most 120 characters (it has 121).",
        ),
        (
            ("min_training_hours: 6", "min_training_hours: -1"),
            "line 5: min_training_hours: Ensure this value is greater than or equal to 0.",
        ),
        (
            ("min_training_hours: 6", "min_training_hours: 1.0e+9"),
            "line 5: min_training_hours: Ensure that there are no more than 6 digits in total.",
        ),
        (
            ("min_training_hours: 6", "min_training_hours: .nan"),
            "line 5: min_training_hours: Enter a number.",
        ),
        (
            ("min_training_hours: 6", "min_training_hours: yes"),
            "line 5: min_training_hours: must be a number, 0 or more",
        ),
        (
            ("training_window_months: 12", "training_window_months: 99999"),
            "line 5: training_window_months: Ensure this value is less than or equal to 600.",
        ),
        (
            ("valid_months: 12", "valid_months: 0"),
            "line 3: valid_months: Ensure this value is greater than or equal to 1.",
        ),
        (
            ("requires: [Grundutbildning]}", "requires: [{a: 1}]}"),
            "line 6: requires: must be a list of qualification types",
        ),
        (
            ('"Studiecirkel för nya jourkvinnor"', "[1, 2]"),
            "line 2: granted_by_course: no course titled '[1, 2]'",
        ),
    ],
)
def test_the_catalogue_import_checks_each_value_as_the_admin_does(tmp_path, course, change, expected):
    code, _out, err = run("import_catalogue", tmp_path, CATALOGUE.replace(*change))
    assert code == 1
    assert err.startswith(expected), err
    assert not QualificationType.objects.exists() and not ShiftRole.objects.exists()


def test_a_name_twice_in_the_catalogue_is_refused(tmp_path, course):
    """The names are unique within an organisation: the second role used to fail in the database."""
    twice = CATALOGUE + "  - {name: Chattjour, requires: [Tystnadslöfte]}\n"
    code, _out, err = run("import_catalogue", tmp_path, twice)
    assert code == 1
    assert err.startswith("line 7: name: 'Chattjour' appears twice in the file (also on line 6)"), err
    assert not QualificationType.objects.exists() and not ShiftRole.objects.exists()


@pytest.mark.parametrize("text", ["qualification_types: 5\n", "shift_roles: {name: Telefonjour}\n"])
def test_a_catalogue_whose_sections_are_not_lists_is_refused(tmp_path, course, text):
    code, _out, err = run("import_catalogue", tmp_path, text)
    assert code == 1 and "must be a list of entries" in err
    assert not QualificationType.objects.exists() and not ShiftRole.objects.exists()


@pytest.fixture
def imported(tmp_path, course, org_a):
    from tests.factories import PersonFactory

    PersonFactory(email="anna@example.org", organisation=org_a)
    assert run("import_catalogue", tmp_path, CATALOGUE)[0] == 0


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (
            "anna@example.org,training,Kurs,0001-01-01,2,,,",
            "line 3: date: 0001-01-01 is outside the dates that can be entered: give a date from 1900-01-01 "
            "to 2100-12-31.",
        ),
        (
            "anna@example.org,qualification,Tystnadslöfte,2026-01-01,,,9999-12-31,",
            "line 3: expires_on: 9999-12-31 is outside",
        ),
        (
            "anna@example.org,qualification,Tystnadslöfte,2026-01-01,,,,2101-01-01",
            "line 3: revoked_on: 2101-01-01 is outside",
        ),
        (
            "anna@example.org,course_completion,Studiecirkel för nya jourkvinnor,1899-12-31,,,,",
            "line 3: date: 1899-12-31 is outside",
        ),
        (
            "anna@example.org,training,Kurs,2026-01-01,1e400,,,",
            "line 3: hours: Ensure that there are no more than 6 digits in total.",
        ),
        (
            "anna@example.org,training,Kurs,2026-01-01,1000.5,,,",
            "line 3: hours: Ensure this value is less than or equal to 1000.",
        ),
        (
            "anna@example.org,training,Kurs,2026-01-01,0.1,,,",
            "line 3: hours: Ensure this value is greater than or equal to 0.25.",
        ),
        (
            f"anna@example.org,training,{'K' * 500},2026-01-01,2,,,",
            "line 3: name: Ensure this value has at most 200 characters (it has 500).",
        ),
        (
            f"anna@example.org,training,Kurs,2026-01-01,2,{'P' * 201},,",
            "line 3: provider: Ensure this value has at most 200 characters (it has 201).",
        ),
    ],
)
def test_the_records_import_checks_each_value_as_the_admin_does(tmp_path, imported, row, expected):
    content = RECORDS_HEADER + "anna@example.org,training,Bra kurs,2026-01-01,3,ABF,,\n" + row + "\n"
    code, _out, err = run("import_records", tmp_path, content)
    assert code == 1
    assert err.startswith(expected), err
    assert not TrainingRecord.objects.exists() and not Qualification.objects.exists()
    assert not Completion.objects.exists()


def test_the_records_import_takes_an_expiry_as_late_as_the_admin_does(tmp_path, imported):
    content = RECORDS_HEADER + "anna@example.org,qualification,Tystnadslöfte,2100-12-31,,,2150-12-31,\n"
    code, _out, err = run("import_records", tmp_path, content)
    assert code == 0, err
    assert Qualification.objects.get().expires_on == datetime.date(2150, 12, 31)


# The commands -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "args", "message"),
    [
        ("clearance", ["--on", "0001-01-01"], "--on: 0001-01-01 is outside the dates that can be entered"),
        ("clearance", ["--on", "2026-02-30"], "--on: '2026-02-30' is not a date in the form YYYY-MM-DD"),
        ("competence_report", ["--year", "99999"], "--year: 99999 is outside the years that can be entered"),
        ("competence_report", ["--year", "tjugo"], "--year: 'tjugo' is not a year"),
        (
            "competence_report",
            ["--from", "0001-01-01", "--to", "2026-01-01"],
            "--from: 0001-01-01 is outside",
        ),
        ("competence_report", ["--from", "2026-01-01", "--to", "9999-12-31"], "--to: 9999-12-31 is outside"),
    ],
)
def test_the_commands_refuse_dates_outside_the_bounds(org_a, command, args, message):
    with pytest.raises(CommandError) as refused:
        call_command(command, "--organisation", "jour-a", *args, stdout=io.StringIO())
    assert str(refused.value).startswith(message)
    if "outside" in message:  # and it says what can be entered
        assert "1900" in str(refused.value) and "2100" in str(refused.value)


def test_send_reminders_refuses_a_date_outside_the_bounds(db):
    with pytest.raises(CommandError, match="--on: 9999-12-31 is outside the dates"):
        call_command("send_reminders", "--on", "9999-12-31", stdout=io.StringIO())


def test_the_last_date_and_year_are_accepted_by_the_commands(org_a):
    out = io.StringIO()
    call_command("clearance", "--organisation", "jour-a", "--on", "2100-12-31", stdout=out)
    assert '"on": "2100-12-31"' in out.getvalue()
    out = io.StringIO()
    call_command("competence_report", "--organisation", "jour-a", "--year", "1900", stdout=out)
    assert '"start": "1900-01-01"' in out.getvalue()


def test_a_command_given_a_date_outside_the_bounds_exits_with_status_1_and_no_trace():
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "lms.settings.test"}
    result = subprocess.run(
        [sys.executable, "manage.py", "clearance", "--organisation", "jour-a", "--on", "9999-12-31"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1
    assert "CommandError: --on: 9999-12-31 is outside the dates that can be entered" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_id_no_column_can_hold_is_a_choice_refused_not_a_server_error(client, coordinator_a, person):
    """A tampered multiple choice (who attended) with 2**64: the database driver cannot take the
    number; people/bounds.py IntegerFieldIn leaves it out, and the form refuses the choice."""
    sign_in(client, coordinator_a)
    response = post_sv(
        client,
        reverse("certifications_training:add"),
        {"title": "Kurs", "date": "2026-02-01", "hours": "3", "attendees": [person.pk, 2**64]},
    )
    assert response.status_code == 200 and response.context["form"].errors["attendees"]
    assert not TrainingRecord.objects.filter(title="Kurs").exists()
