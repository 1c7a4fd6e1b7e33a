"""The bounds on what a person types (people/bounds.py), in the register, its import, its history
filters and its delete screens: a clear Swedish message, nothing changed, never a server error."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from people.bounds import EARLIEST_DATE, LATEST_DATE, parse_date, parse_year, validate_date_in_range
from people.models import Organisation, User
from tests.auth import sign_in
from tests.factories import PersonFactory

HEADER = "email,first_name,last_name,groups,joined_on,left_on,protected_identity\n"
SWEDISH_BOUNDS = "ange ett datum från 1900-01-01 till 2100-12-31"


def test_the_dates_a_person_may_type_run_from_1900_to_2100():
    assert (datetime.date(1900, 1, 1), datetime.date(2100, 12, 31)) == (EARLIEST_DATE, LATEST_DATE)
    for day in (EARLIEST_DATE, LATEST_DATE, datetime.date(2026, 6, 1)):
        validate_date_in_range(day)
    for day in (datetime.date(1899, 12, 31), datetime.date(2101, 1, 1), datetime.date.min, datetime.date.max):
        with pytest.raises(ValidationError) as refused, translation.override("sv"):
            validate_date_in_range(day)
        assert refused.value.messages == [
            f"{day.isoformat()} ligger utanför de datum som går att ange: {SWEDISH_BOUNDS}."
        ]


def test_typed_dates_and_years_are_read_within_the_bounds():
    assert parse_date("2100-12-31") == LATEST_DATE
    assert parse_year("1900") == 1900
    with translation.override("sv"):
        for text, message in (
            ("0001-01-01", "0001-01-01 ligger utanför"),
            ("9999-12-31", "9999-12-31 ligger utanför"),
            ("2026-02-30", "'2026-02-30' är inget datum på formen ÅÅÅÅ-MM-DD"),
            ("", "'' är inget datum"),
        ):
            with pytest.raises(ValueError, match=message):
                parse_date(text)
        for text in ("1899", "2101", "99999999999999999999", "-1"):
            with pytest.raises(ValueError, match="ange ett år från 1900 till 2100"):
                parse_year(text)
        with pytest.raises(ValueError, match="'tjugo' är inget årtal"):
            parse_year("tjugo")


@pytest.mark.django_db
@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "1899-12-31", "2101-01-01"])
def test_the_register_refuses_a_joining_date_outside_the_bounds(client, coordinator_a, day):
    sign_in(client, coordinator_a)
    data = {"first_name": "Ny", "email": "ny@example.org", "group_volunteer": "on", "is_active": "on"}
    response = client.post(
        reverse("people_person:add"), {**data, "joined_on": day}, HTTP_ACCEPT_LANGUAGE="sv"
    )
    assert response.status_code == 200
    assert SWEDISH_BOUNDS in response.content.decode()
    assert not User.objects.filter(email="ny@example.org").exists()
    # The control: the last date that may be typed is accepted.
    response = client.post(reverse("people_person:add"), {**data, "joined_on": "2100-12-31"})
    assert response.status_code == 302
    assert User.objects.get(email="ny@example.org").joined_on == LATEST_DATE


def run_import(tmp_path, content):
    path = tmp_path / "people.csv"
    path.write_text(content, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_people", str(path), "--organisation", "jour-a", stdout=out, stderr=err)
    except SystemExit as exc:
        return exc.code, err.getvalue()
    return 0, err.getvalue()


LONG_EMAIL = "a" * 65 + "@" + ".".join(["b" * 60] * 4) + ".se"  # 312 characters, valid in form


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (
            f"{LONG_EMAIL},Anna,A,volunteer,2025-01-15,,no",
            "line 2: email: Ensure this value has at most 254 characters (it has 312).",
        ),
        (
            "anna@example.org,Anna,A,volunteer,0001-01-01,,no",
            "line 2: joined_on: 0001-01-01 is outside the dates that can be entered: give a date from "
            "1900-01-01 to 2100-12-31.",
        ),
        (
            "anna@example.org,Anna,A,volunteer,2025-01-15,9999-12-31,no",
            "line 2: left_on: 9999-12-31 is outside the dates",
        ),
        (
            f"anna@example.org,{'Ö' * 500},A,volunteer,2025-01-15,,no",
            "line 2: first_name: Ensure this value has at most 150 characters (it has 500).",
        ),
        (
            "anna@example.org,An\x00na,A,volunteer,2025-01-15,,no",
            "line 2: first_name: Null characters are not allowed.",
        ),
        (
            f"anna@example.org,Anna,{'x' * 151},volunteer,2025-01-15,,no",
            "line 2: last_name: Ensure this value has at most 150 characters (it has 151).",
        ),
    ],
)
def test_the_people_import_checks_each_value_as_the_register_does(tmp_path, org_a, row, expected):
    assert len(LONG_EMAIL) == 312
    before = sorted(User.objects.values_list("email", flat=True))
    code, err = run_import(tmp_path, HEADER + row + "\nok@example.org,Ok,Person,staff,2024-01-01,,no\n")
    assert code == 1
    assert err.splitlines()[0].startswith(expected), err
    assert sorted(User.objects.values_list("email", flat=True)) == before


@pytest.mark.django_db
def test_the_import_screen_names_the_line_and_the_bounds_in_swedish(client, coordinator_a):
    sign_in(client, coordinator_a)
    upload = SimpleUploadedFile(
        "people.csv", (HEADER + "anna@example.org,Anna,A,volunteer,9999-12-31,,no\n").encode()
    )
    response = client.post(reverse("people_import"), {"file": upload}, HTTP_ACCEPT_LANGUAGE="sv")
    assert response.status_code == 200
    html = response.content.decode()
    assert (
        '<tr class="import-problem"><td>2</td><td>joined_on</td><td>9999-12-31 ligger utanför de datum '
        f"som går att ange: {SWEDISH_BOUNDS}.</td></tr>"
    ) in html
    assert not User.objects.filter(email="anna@example.org").exists()


@pytest.mark.django_db
def test_the_import_command_refuses_an_organisation_name_longer_than_the_register_holds(tmp_path, db):
    path = tmp_path / "people.csv"
    path.write_text(HEADER + "anna@example.org,Anna,A,volunteer,2025-01-15,,no\n", encoding="utf-8")
    with pytest.raises(
        CommandError, match=r"--name: Ensure this value has at most 200 characters \(it has 500\)"
    ):
        call_command("import_people", str(path), "--organisation", "ny-jour", "--name", "x" * 500)
    with pytest.raises(CommandError, match=r"--organisation: .*at most 100 characters"):
        call_command("import_people", str(path), "--organisation", "j" * 101)
    assert not Organisation.objects.exists() and not User.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["people_site_history", "people_person:history"])
def test_history_filters_refuse_dates_outside_the_bounds(client, superuser, volunteer_a, name):
    sign_in(client, superuser)
    url = reverse(name, args=[volunteer_a.pk]) if name.endswith(":history") else reverse(name)
    for day in ("0001-01-01", "9999-12-31"):
        response = client.get(url, {"timestamp_from": day, "timestamp_to": day}, HTTP_ACCEPT_LANGUAGE="sv")
        assert response.status_code == 200
        assert f"{day} ligger utanför de datum som går att ange" in response.content.decode()
    assert client.get(url, {"timestamp_from": "2026-01-01"}).status_code == 200


@pytest.mark.django_db
def test_an_organisation_with_people_is_not_deleted_and_the_answer_says_why(client, superuser, org_a):
    PersonFactory(organisation=org_a)
    sign_in(client, superuser)
    response = client.post(
        reverse("people_organisation:delete", args=[org_a.pk]), follow=True, HTTP_ACCEPT_LANGUAGE="sv"
    )
    assert response.status_code == 200
    assert "Kvinnojouren A kan inte tas bort: andra uppgifter hör till den (personer)." in (
        response.content.decode()
    )
    assert Organisation.objects.filter(pk=org_a.pk).exists()


@pytest.mark.django_db
def test_a_cell_longer_than_a_csv_reader_reads_is_a_problem_not_a_crash(tmp_path, org_a):
    code, err = run_import(
        tmp_path, HEADER + f'anna@example.org,"{"x" * 200_000}",A,volunteer,2025-01-15,,no\n'
    )
    assert code == 1
    assert err.startswith("line 2: file: the file cannot be read as CSV: field larger than field limit"), err
    assert not User.objects.filter(email="anna@example.org").exists()
