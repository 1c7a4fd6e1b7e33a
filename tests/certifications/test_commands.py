"""import_catalogue, import_records and clearance on the command line, with real files."""

import datetime
import io
import json

import pytest
from django.core.management import call_command

from certifications.models import Qualification, QualificationType, ShiftRole, TrainingRecord
from courses.models import Completion
from tests.factories import PersonFactory, make_course

CATALOGUE = """\
qualification_types:
  - {name: Grundutbildning, granted_by_course: "Studiecirkel för nya jourkvinnor"}
  - {name: Tystnadslöfte, valid_months: 12}
shift_roles:
  - {name: Telefonjour, requires: [Grundutbildning, Tystnadslöfte], min_training_hours: 6, training_window_months: 12}
  - {name: Chattjour, requires: [Grundutbildning]}
"""

RECORDS_HEADER = "email,kind,name,date,hours,provider,expires_on,revoked_on\n"


def run(command, tmp_path, content, *args, name="file.txt"):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(command, str(path), "--organisation", "jour-a", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def course(org_a):
    return make_course(org_a, title="Studiecirkel för nya jourkvinnor", units=2)


@pytest.fixture
def people(org_a):
    return [
        PersonFactory(email="anna@example.org", organisation=org_a, joined_on=datetime.date(2024, 1, 1)),
        PersonFactory(email="bea@example.org", organisation=org_a, joined_on=datetime.date(2024, 1, 1)),
    ]


def test_import_catalogue_and_reimport_updates_by_name(tmp_path, course):
    code, out, err = run("import_catalogue", tmp_path, CATALOGUE)
    assert code == 0, err
    assert "2 qualification types and 2 shift roles" in out
    basic = QualificationType.objects.get(name="Grundutbildning")
    assert basic.granted_by_course_id == course.pk and basic.valid_months is None
    phone = ShiftRole.objects.get(name="Telefonjour")
    assert [r.qualification_type.name for r in phone.requirements.order_by("sort_order")] == [
        "Grundutbildning",
        "Tystnadslöfte",
    ]
    assert phone.min_training_hours == 6 and phone.training_window_months == 12
    code, _out, err = run(
        "import_catalogue", tmp_path, CATALOGUE.replace("valid_months: 12", "valid_months: 24")
    )
    assert code == 0, err
    assert QualificationType.objects.count() == 2 and ShiftRole.objects.count() == 2
    assert QualificationType.objects.get(name="Tystnadslöfte").valid_months == 24


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            ("requires: [Grundutbildning]}", "requires: [Körkort]}"),
            "line 6: requires: unknown qualification type 'Körkort'",
        ),
        (
            ('"Studiecirkel för nya jourkvinnor"', '"Ingen sådan kurs"'),
            "line 2: granted_by_course: no course titled",
        ),
        (("valid_months: 12", "valid_months: tolv"), "line 3: valid_months: must be a whole number"),
        (("min_training_hours: 6", "min_training_hours: 6, colour: red"), "line 5: colour: unknown key"),
    ],
)
def test_bad_catalogue_changes_nothing(tmp_path, course, change, expected):
    code, _out, err = run("import_catalogue", tmp_path, CATALOGUE.replace(*change))
    assert code == 1
    assert err.startswith(expected), err
    assert not QualificationType.objects.exists() and not ShiftRole.objects.exists()


def test_import_records_and_twice_adds_nothing(tmp_path, course, people, org_a):
    run("import_catalogue", tmp_path, CATALOGUE)
    content = RECORDS_HEADER + (
        "anna@example.org,qualification,Tystnadslöfte,2026-02-01,,,,\n"
        "anna@example.org,course_completion,Studiecirkel för nya jourkvinnor,2025-05-07,,,,\n"
        "anna@example.org,training,Barnkonferens,2026-03-10,4.5,Roks,,\n"
        "bea@example.org,training,Barnkonferens,2026-03-10,4.5,Roks,,\n"
        "bea@example.org,qualification,Tystnadslöfte,2025-01-01,,,2025-12-31,2025-06-01\n"
    )
    code, out, err = run("import_records", tmp_path, content)
    assert code == 0, err
    pledge = Qualification.objects.get(person=people[0], type__name="Tystnadslöfte")
    assert pledge.expires_on == datetime.date(2027, 2, 1) and pledge.source == "import"
    assert Completion.objects.get(person=people[0]).completed_on == datetime.date(2025, 5, 7)
    basic = Qualification.objects.get(person=people[0], type__name="Grundutbildning")
    assert basic.issued_on == datetime.date(2025, 5, 7) and basic.source == "course_completion"
    (record,) = TrainingRecord.objects.all()
    assert set(record.attendees.all()) == set(people) and record.hours == 4.5 and record.provider == "Roks"
    assert Qualification.objects.get(person=people[1]).revoked_on == datetime.date(2025, 6, 1)
    counts = (Qualification.objects.count(), Completion.objects.count(), TrainingRecord.objects.count())
    code, out, err = run("import_records", tmp_path, content)
    assert code == 0, err
    assert "0 new qualifications, 0 new course completions and 0 new training attendances" in out
    assert (
        Qualification.objects.count(),
        Completion.objects.count(),
        TrainingRecord.objects.count(),
    ) == counts


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ("nobody@example.org,training,X,2026-01-01,2,,,", "line 3: email: no person with the email"),
        ("anna@example.org,diploma,X,2026-01-01,,,,", "line 3: kind: 'diploma' is not one of"),
        ("anna@example.org,training,X,2026-01-01,0,,,", "line 3: hours: a number of hours greater than 0"),
        ("anna@example.org,training,X,2026-01-01,,,,", "line 3: hours: a number of hours greater than 0"),
        ("anna@example.org,qualification,Körkort,2026-01-01,,,,", "line 3: name: unknown qualification type"),
        ("anna@example.org,course_completion,Okänd kurs,2026-01-01,,,,", "line 3: name: no course titled"),
        (
            "anna@example.org,qualification,Tystnadslöfte,2026-13-01,,,,",
            "line 3: date: '2026-13-01' is not a date",
        ),
        (
            "anna@example.org,qualification,Tystnadslöfte,2026-01-10,,,2026-01-01,",
            "line 3: expires_on: 2026-01-01 is before",
        ),
    ],
)
def test_bad_records_change_nothing(tmp_path, course, people, row, expected):
    run("import_catalogue", tmp_path, CATALOGUE)
    content = RECORDS_HEADER + "bea@example.org,training,Bra kurs,2026-01-01,3,ABF,,\n" + row + "\n"
    code, _out, err = run("import_records", tmp_path, content)
    assert code == 1
    assert err.startswith(expected), err
    assert not TrainingRecord.objects.exists() and not Qualification.objects.exists()


def test_clearance_command_json_and_csv(tmp_path, course, people, org_a):
    run("import_catalogue", tmp_path, CATALOGUE)
    content = RECORDS_HEADER + (
        "anna@example.org,course_completion,Studiecirkel för nya jourkvinnor,2025-05-07,,,,\n"
        "anna@example.org,qualification,Tystnadslöfte,2025-12-01,,,,\n"
        "anna@example.org,training,Barnkonferens,2026-03-10,4.5,Roks,,\n"
    )
    run("import_records", tmp_path, content)
    out = io.StringIO()
    call_command(
        "clearance", "--organisation", "jour-a", "--on", "2026-11-22", "--format", "json", stdout=out
    )
    payload = json.loads(out.getvalue())
    assert payload["organisation"] == "jour-a" and payload["on"] == "2026-11-22"
    assert payload["results"] == [
        {
            "email": "anna@example.org",
            "role": "Telefonjour",
            "cleared": False,
            "reasons": ["hours:4.5/6"],
            "warnings": [],
        },
        {"email": "anna@example.org", "role": "Chattjour", "cleared": True, "reasons": [], "warnings": []},
        {
            "email": "bea@example.org",
            "role": "Telefonjour",
            "cleared": False,
            "reasons": ["missing:Grundutbildning", "missing:Tystnadslöfte", "hours:0/6"],
            "warnings": [],
        },
        {
            "email": "bea@example.org",
            "role": "Chattjour",
            "cleared": False,
            "reasons": ["missing:Grundutbildning"],
            "warnings": [],
        },
    ]
    out = io.StringIO()
    call_command("clearance", "--organisation", "jour-a", "--on", "2026-11-22", "--format", "csv", stdout=out)
    lines = out.getvalue().strip().splitlines()
    assert lines[0] == "email;role;cleared;reasons;warnings"
    assert lines[1] == "anna@example.org;Telefonjour;no;hours:4.5/6;"
    # The pledge issued 2025-12-01 expires 2026-12-01: a warning 30 days before, for the cleared role.
    out = io.StringIO()
    call_command("clearance", "--organisation", "jour-a", "--on", "2026-11-05", stdout=out)
    chat = json.loads(out.getvalue())["results"][1]
    assert chat["warnings"] == []  # Chattjour does not require the pledge
